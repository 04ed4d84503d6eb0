//! Reading spaCy EntityRuler patterns never panics, whatever the bytes;
//! patterns that read also lint, build a tagger and tag their own text.
#![no_main]

use std::path::Path;

use comention::gazetteer::jsonl;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = comention::gazetteer::lint::lint_sources([("p.jsonl", text)]);
    let Ok(patterns) = jsonl::patterns(text, Path::new("p.jsonl")) else {
        return;
    };
    let mut gaz = comention::Gazetteer::new();
    for entity in jsonl::entities(&patterns) {
        gaz.insert(entity);
    }
    let tagger = comention::Tagger::new(&gaz);
    let _ = tagger.tag(text);
});
