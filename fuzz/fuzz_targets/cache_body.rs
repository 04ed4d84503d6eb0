//! Reading the body of a compiled-automaton cache file never panics,
//! whatever the bytes; a body that reads as a trie tags without a panic,
//! every mention inside the text and on char boundaries.
#![no_main]

use std::sync::OnceLock;

use comention::tagger::fuzz_cache_body;
use comention::Gazetteer;
use libfuzzer_sys::fuzz_target;

/// The gazetteer of the seed (`fuzz/seeds/cache_body/`): four entities.
fn gazetteer() -> &'static Gazetteer {
    static GAZETTEER: OnceLock<Gazetteer> = OnceLock::new();
    GAZETTEER.get_or_init(|| {
        Gazetteer::from_csv_str(
            "id,type,name,aliases,adjectives\n\
             kz,COUNTRY,Kazakhstan,,Kazakh\n\
             xi,PERSON,Xi Jinping,Xi,\n\
             aq,ORG,al-Qaeda,the Abode of Peace,\n\
             tr,COUNTRY,Türkiye,Turkey,\n",
        )
        .expect("the seed's gazetteer reads")
    })
}

const TEXT: &str = "KAZAKHSTAN's Xi\nJinping met al-Qaeda and the Abode of Peace \
                    in Türkiye (TURKEY); a Kazakh view.";

fuzz_target!(|data: &[u8]| {
    let Some(mentions) = fuzz_cache_body(data, gazetteer(), TEXT) else {
        return;
    };
    for m in mentions {
        assert!(m.start < m.end && m.end <= TEXT.len(), "{m:?}");
        assert!(TEXT.is_char_boundary(m.start) && TEXT.is_char_boundary(m.end), "{m:?}");
    }
});
