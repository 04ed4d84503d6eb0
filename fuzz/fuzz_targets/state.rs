//! Reading a counts state (the input of `comention merge`) never panics,
//! whatever the bytes; a state that reads writes back to one that reads
//! equal.
#![no_main]

use std::path::Path;

use comention::counts::state;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(counts) = state::read(data, Path::new("s.jsonl")) else {
        return;
    };
    let mut text = Vec::new();
    state::write(&counts, &mut text).expect("writing to memory");
    let again = state::read(&text[..], Path::new("s.jsonl")).expect("a written state reads");
    assert_eq!(again, counts);
});
