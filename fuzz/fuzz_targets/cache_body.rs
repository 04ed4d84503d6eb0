//! Reading the body of a compiled-automaton cache file never panics,
//! whatever the bytes; a body that reads as a trie tags without a panic,
//! every mention inside the text and on char boundaries.
#![no_main]

use comention::tagger::fuzz_cache_body;
use libfuzzer_sys::fuzz_target;

const TEXT: &str = "KAZAKHSTAN's Xi\nJinping met al-Qaeda and the Abode of Peace \
                    in Türkiye (TURKEY); a Kazakh view.";

fuzz_target!(|data: &[u8]| {
    let Some(mentions) = fuzz_cache_body(data, TEXT) else {
        return;
    };
    for m in mentions {
        assert!(m.start < m.end && m.end <= TEXT.len(), "{m:?}");
        assert!(
            TEXT.is_char_boundary(m.start) && TEXT.is_char_boundary(m.end),
            "{m:?}"
        );
    }
});
