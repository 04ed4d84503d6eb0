//! Loading a CSV gazetteer never panics, whatever the bytes; a gazetteer that
//! loads also lints, builds a tagger and tags its own aliases. Its rows read
//! the same cut into small chunks (as they are parsed in parallel) as in one
//! pass.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    comention::gazetteer::csv::fuzz_chunks(text, 1 + data.len() % 61);
    let _ = comention::gazetteer::lint::lint_sources([("g.csv", text)]);
    let Ok(gaz) = comention::Gazetteer::from_csv_str(text) else {
        return;
    };
    let tagger = comention::Tagger::new(&gaz);
    let _ = tagger.tag(text);
});
