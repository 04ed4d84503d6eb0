//! Reading a CSV corpus never panics, whatever the bytes.
#![no_main]

use comention::corpus::{read_all, Input, ReadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = ReadOptions::default();
    if let Ok((_, warnings)) = read_all(&[Input::memory("c.csv", data)], &options) {
        for w in &warnings {
            assert!(w.to_string().starts_with("c.csv"), "{w}");
        }
    }
});
