//! Reading a JSONL corpus never panics, whatever the bytes (invalid UTF-8,
//! broken lines, odd types): bad records are warnings naming `file:line`.
//! Cut into blocks and batches of any size, and read from a file through a
//! memory map, the same bytes give the same documents and warnings as read
//! whole.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use comention::corpus::{read_all, Event, Input, Pipeline, ReadOptions, Warning};
use comention::Document;
use libfuzzer_sys::fuzz_target;

/// A file named `c.jsonl` in a folder of this process's own.
fn file() -> &'static PathBuf {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("comention-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("c.jsonl")
    })
}

/// Documents and warnings (as line and message, the file named `c.jsonl`
/// as in memory) from a pipeline run.
fn run(pipeline: Pipeline<'_>) -> (Vec<Document>, Vec<(u64, String)>) {
    let path = file().display().to_string();
    let (mut docs, mut warnings) = (Vec::new(), Vec::new());
    pipeline
        .run(
            |_| (),
            |event| {
                match event {
                    Event::Document(doc, ()) => docs.push(doc),
                    Event::Warning(w) => {
                        warnings.push((w.line, w.message.replace(&path, "c.jsonl")))
                    }
                }
                Ok::<_, comention::Error>(())
            },
        )
        .expect("reading a file just written cannot fail");
    (docs, warnings)
}

fn lines_and_messages(warnings: &[Warning]) -> Vec<(u64, String)> {
    warnings
        .iter()
        .map(|w| (w.line, w.message.clone()))
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let options = ReadOptions::default();
    let whole = read_all(&[Input::memory("c.jsonl", data)], &options);
    if let Ok((docs, warnings)) = &whole {
        for w in warnings {
            assert!(w.to_string().starts_with("c.jsonl:"), "{w}");
        }
        for d in docs {
            assert!(!d.id.is_empty());
        }
    }
    // Block and batch limits from the first two bytes: 1..=256 bytes,
    // 1..=16 records.
    if let [b, r, ..] = *data {
        let (bytes, records) = (usize::from(b) + 1, usize::from(r % 16) + 1);
        let (docs, warnings) = whole.expect("in memory, reading cannot fail");
        let warnings = lines_and_messages(&warnings);
        let inputs = [Input::memory("c.jsonl", data)];
        let cut = run(Pipeline::new(&inputs, &options).batch_size(bytes, records));
        assert_eq!(cut, (docs.clone(), warnings.clone()));
        // From a file, mapped.
        std::fs::write(file(), data).unwrap();
        let inputs = [Input::from_arg(file())];
        let pipeline = Pipeline::new(&inputs, &options).memory_map(Some(0));
        let mapped = run(pipeline.batch_size(bytes, records));
        assert_eq!(mapped, (docs, warnings));
    }
    // The same bytes as a plain text document, and as gzip.
    let _ = read_all(&[Input::memory("c.txt", data)], &options);
    let _ = read_all(&[Input::memory("c.jsonl.gz", data)], &options);
});
