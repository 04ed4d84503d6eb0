//! Reading a JSONL corpus never panics, whatever the bytes (invalid UTF-8,
//! broken lines, odd types): bad records are warnings naming `file:line`.
#![no_main]

use comention::corpus::{read_all, Input, ReadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = ReadOptions::default();
    if let Ok((docs, warnings)) = read_all(&[Input::memory("c.jsonl", data)], &options) {
        for w in &warnings {
            assert!(w.to_string().starts_with("c.jsonl:"), "{w}");
        }
        for d in &docs {
            assert!(!d.id.is_empty());
        }
    }
    // The same bytes as a plain text document, and as gzip.
    let _ = read_all(&[Input::memory("c.txt", data)], &options);
    let _ = read_all(&[Input::memory("c.jsonl.gz", data)], &options);
});
