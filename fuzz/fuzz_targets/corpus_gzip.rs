//! Reading a gzip-compressed corpus gives the documents and warnings of the
//! same bytes uncompressed, and a damaged stream (a byte changed, or cut
//! short) never panics: it reads or fails with an error naming the file.
#![no_main]

use std::io::Write;

use comention::corpus::{read_all, Input, ReadOptions};
use comention::Document;
use libfuzzer_sys::fuzz_target;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// Documents and warning messages, the gzip file's name made the plain one's.
fn read(name: &str, bytes: &[u8]) -> Result<(Vec<Document>, Vec<String>), String> {
    let same = |s: &str| s.replace("c.jsonl.gz", "c.jsonl");
    match read_all(&[Input::memory(name, bytes)], &ReadOptions::default()) {
        Ok((mut docs, warnings)) => {
            for d in &mut docs {
                d.id = same(&d.id);
            }
            Ok((
                docs,
                warnings.iter().map(|w| same(&w.to_string())).collect(),
            ))
        }
        Err(e) => Err(e.to_string()),
    }
}

fuzz_target!(|data: &[u8]| {
    let plain = read("c.jsonl", data).expect("in memory, reading cannot fail");
    let gz = gzip(data);
    assert_eq!(read("c.jsonl.gz", &gz), Ok(plain));
    // The fuzz bytes themselves as a gzip stream: almost always corrupt.
    if let Err(e) = read("c.jsonl.gz", data) {
        assert!(e.starts_with("c.jsonl.gz: "), "{e}");
    }
    if let [at, with, cut, ..] = *data {
        let mut changed = gz.clone();
        let i = usize::from(at) * changed.len() / 256;
        changed[i] ^= with | 1;
        if let Err(e) = read("c.jsonl.gz", &changed) {
            assert!(e.starts_with("c.jsonl.gz: "), "{e}");
        }
        let end = usize::from(cut) * gz.len() / 256;
        let e = read("c.jsonl.gz", &gz[..end]).expect_err("a cut stream is an error");
        assert!(e.starts_with("c.jsonl.gz: "), "{e}");
    }
});
