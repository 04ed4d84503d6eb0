//! Reading a JSONL corpus never panics, whatever the bytes (invalid UTF-8,
//! broken lines, odd types): bad records are warnings naming `file:line`.
//! Cut into blocks and batches of any size, the same bytes give the same
//! documents and warnings as read whole.
#![no_main]

use comention::corpus::{read_all, Event, Input, Pipeline, ReadOptions};
use libfuzzer_sys::fuzz_target;

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
        let inputs = [Input::memory("c.jsonl", data)];
        let mut events = Vec::new();
        let cut = Pipeline::new(&inputs, &options)
            .batch_size(usize::from(b) + 1, usize::from(r % 16) + 1)
            .run(
                |_| (),
                |event| {
                    events.push(event);
                    Ok::<_, comention::Error>(())
                },
            );
        let (docs, warnings) = whole.expect("in memory, reading cannot fail");
        cut.expect("in memory, reading cannot fail");
        let (mut cut_docs, mut cut_warnings) = (Vec::new(), Vec::new());
        for event in events {
            match event {
                Event::Document(doc, ()) => cut_docs.push(doc),
                Event::Warning(w) => cut_warnings.push(w),
            }
        }
        assert_eq!(cut_docs, docs);
        assert_eq!(cut_warnings, warnings);
    }
    // The same bytes as a plain text document, and as gzip.
    let _ = read_all(&[Input::memory("c.txt", data)], &options);
    let _ = read_all(&[Input::memory("c.jsonl.gz", data)], &options);
});
