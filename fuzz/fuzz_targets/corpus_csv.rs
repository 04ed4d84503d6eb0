//! Reading a CSV corpus never panics, whatever the bytes, and reads the
//! records the `csv` crate reads from the whole file: comention cuts the
//! file into blocks of whole records on the reading thread, where only the
//! quoting is followed, and parses each block on its own.
#![no_main]

use comention::corpus::{Event, Input, Pipeline, ReadOptions};
use libfuzzer_sys::fuzz_target;

/// Everything the pipeline delivers, with blocks and batches of about
/// `batch` bytes and `records` records (`None`: the defaults).
fn events(file: &[u8], cut: Option<(usize, usize)>) -> Result<Vec<Event<()>>, String> {
    let options = ReadOptions::default();
    let inputs = [Input::memory("c.csv", file)];
    let mut pipeline = Pipeline::new(&inputs, &options);
    if let Some((batch, records)) = cut {
        pipeline = pipeline.batch_size(batch, records);
    }
    let mut events = Vec::new();
    pipeline
        .run(
            |_| (),
            |event| {
                events.push(event);
                Ok::<_, comention::Error>(())
            },
        )
        .map_err(|e| e.to_string())?;
    Ok(events)
}

fuzz_target!(|data: &[u8]| {
    let Some((&knobs, body)) = data.split_first() else {
        return;
    };
    // Half the inputs get a header with the text column, so that their
    // records are read.
    let mut file = Vec::new();
    if knobs & 1 == 0 {
        file.extend_from_slice(b"id,text\n");
    }
    file.extend_from_slice(body);
    let whole = events(&file, None);
    let small = events(
        &file,
        Some((1 + usize::from(knobs >> 2), 1 + usize::from(knobs & 2))),
    );
    assert_eq!(small, whole, "blocks of another size read differently");

    // The `csv` crate, reading the whole file.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(file.as_slice());
    let header = reader.byte_headers().expect("a byte slice reads").clone();
    let Some(text) = header.iter().position(|h| h == b"text") else {
        match whole {
            Ok(events) => assert!(events.is_empty() && header.is_empty(), "{events:?}"),
            Err(e) => assert!(
                e.starts_with("c.csv:")
                    && (e.contains("no \"text\" column") || e.contains("never closed")),
                "{e}"
            ),
        }
        return;
    };
    let (mut texts, mut skipped) = (Vec::new(), 0);
    for record in reader.byte_records() {
        match record.expect("a byte slice reads").get(text) {
            Some(cell) => texts.push(String::from_utf8_lossy(cell).into_owned()),
            None => skipped += 1,
        }
    }
    let events = match whole {
        // The header's quoted cell runs to the end: the crate reads no
        // record either.
        Err(e) if e.contains("header is never closed") => {
            assert!(texts.is_empty() && skipped == 0, "{e}");
            return;
        }
        whole => whole.expect("a file with a text column reads"),
    };
    let read: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            Event::Document(doc, ()) => Some(doc.text.as_str()),
            Event::Warning(_) => None,
        })
        .collect();
    assert_eq!(read, texts);
    let warned = events
        .iter()
        .filter(|e| matches!(e, Event::Warning(w) if w.skipped))
        .count();
    assert_eq!(warned, skipped);
    for event in &events {
        if let Event::Warning(w) = event {
            assert!(w.to_string().starts_with("c.csv:"), "{w}");
        }
    }
});
