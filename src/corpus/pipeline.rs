//! The ordered parallel pipeline: read inputs in batches on one thread,
//! decode and process each batch's documents in parallel on the current
//! rayon pool, and hand the results to a sink in exact input order.
//!
//! The pipeline guarantees that the sink sees the same [`Event`]s in the
//! same order whatever the thread count or batch size, so that output bytes
//! never depend on parallelism. It also detects duplicate document ids
//! (both documents are kept; the second gets a warning naming the first's
//! location). It does not print: progress is published through
//! [`Progress`] counters and warnings arrive as events.

use std::collections::hash_map::{Entry, RandomState};
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;

use rayon::prelude::*;

use crate::corpus::read::{self, Origin, Raw, Reader};
use crate::corpus::{Document, Input, Progress, ReadOptions, Warning};
use crate::error::{Error, Result};

/// Uncompressed JSONL and CSV files from this size up are memory-mapped by
/// default. Below it, a map's system calls (map, unmap and the page-table
/// updates the other threads are told of) cost about what copying the file
/// does.
const MAP_FROM: u64 = 1 << 20;

/// What the sink receives, in input order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event<T> {
    /// A document and what the map function made of it.
    Document(Document, T),
    /// A problem; the warnings about a document come before the document.
    Warning(Warning),
}

/// Totals of one run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Documents delivered.
    pub documents: u64,
    /// Documents or files left out (warnings with `skipped`).
    pub skipped: u64,
    /// All warnings, including those that skipped something.
    pub warnings: u64,
    /// Bytes read (after gzip decompression).
    pub bytes: u64,
}

/// A configured run over some inputs; see [`process`] for the common case.
///
/// ```
/// use comention::corpus::{Event, Input, Pipeline, ReadOptions};
/// let inputs = [Input::memory("n.jsonl", "{\"id\":\"a\",\"text\":\"One. Two.\"}\n")];
/// let options = ReadOptions::default();
/// let mut counts = Vec::new();
/// let summary = Pipeline::new(&inputs, &options)
///     .batch_size(1 << 20, 1000)
///     .run(
///         |doc| comention::corpus::segment::sentences(&doc.text).len(),
///         |event| {
///             if let Event::Document(doc, n) = event {
///                 counts.push((doc.id, n));
///             }
///             Ok::<_, comention::Error>(())
///         },
///     )?;
/// assert_eq!(counts, [("a".to_string(), 2)]);
/// assert_eq!(summary.documents, 1);
/// # Ok::<(), comention::Error>(())
/// ```
#[derive(Debug)]
pub struct Pipeline<'a> {
    inputs: &'a [Input],
    options: &'a ReadOptions,
    batch_bytes: usize,
    batch_documents: usize,
    progress: Arc<Progress>,
    keep_text: bool,
    map_from: Option<u64>,
}

impl<'a> Pipeline<'a> {
    /// A pipeline with the default batch size (2 MiB or 4096 records).
    pub fn new(inputs: &'a [Input], options: &'a ReadOptions) -> Self {
        Pipeline {
            inputs,
            options,
            batch_bytes: 2 << 20,
            batch_documents: 4096,
            progress: Arc::new(Progress::default()),
            keep_text: true,
            map_from: Some(MAP_FROM),
        }
    }

    /// Reads uncompressed JSONL and CSV files of at least `min_bytes` through a
    /// memory map instead of read calls (the default: files of 1 MiB or
    /// more); `None` never maps. The documents are the same either way.
    ///
    /// A map spares the reading thread, which is sequential, the copy of
    /// every byte out of the page cache. Its risk: if another program
    /// truncates a file while it is read, the process can be killed with
    /// SIGBUS (a truncation found before a block is cut is an error).
    ///
    /// ```
    /// use comention::corpus::{Event, Input, Pipeline, ReadOptions};
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("n.jsonl");
    /// std::fs::write(&path, "{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"b\",\"text\":\"y\"}")?;
    /// let inputs = [Input::from_arg(&path)];
    /// let options = ReadOptions::default();
    /// let mut ids = Vec::new();
    /// Pipeline::new(&inputs, &options).memory_map(Some(0)).run(
    ///     |_| (),
    ///     |event| {
    ///         if let Event::Document(doc, ()) = event {
    ///             ids.push(doc.id);
    ///         }
    ///         Ok::<_, comention::Error>(())
    ///     },
    /// )?;
    /// assert_eq!(ids, ["a", "b"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn memory_map(mut self, min_bytes: Option<u64>) -> Self {
        self.map_from = min_bytes;
        self
    }

    /// With `false`, each document's text is freed on the pool as soon as
    /// `map` is done with it, and the sink gets the document with an empty
    /// text (id, date and title stay). For sinks that do not read the
    /// text: with many short documents, freeing the texts took a tenth of
    /// the sink's thread, which is sequential.
    ///
    /// ```
    /// use comention::corpus::{Event, Input, Pipeline, ReadOptions};
    /// let inputs = [Input::memory("n.jsonl", "{\"id\":\"a\",\"text\":\"One. Two.\"}\n")];
    /// let options = ReadOptions::default();
    /// let mut seen = Vec::new();
    /// Pipeline::new(&inputs, &options).keep_text(false).run(
    ///     |doc| doc.text.len(),
    ///     |event| {
    ///         if let Event::Document(doc, len) = event {
    ///             seen.push((doc.id, doc.text, len));
    ///         }
    ///         Ok::<_, comention::Error>(())
    ///     },
    /// )?;
    /// assert_eq!(seen, [("a".to_string(), String::new(), 9)]);
    /// # Ok::<(), comention::Error>(())
    /// ```
    pub fn keep_text(mut self, keep: bool) -> Self {
        self.keep_text = keep;
        self
    }

    /// Ends a batch once it holds `bytes` bytes or `documents` records
    /// (at least one record per batch).
    pub fn batch_size(mut self, bytes: usize, documents: usize) -> Self {
        self.batch_bytes = bytes.max(1);
        self.batch_documents = documents.max(1);
        self
    }

    /// Publishes bytes read and documents delivered to `progress` as the run goes.
    pub fn progress(mut self, progress: Arc<Progress>) -> Self {
        self.progress = progress;
        self
    }

    /// Runs `map` on every document in parallel (on the current rayon pool)
    /// and feeds the results to `sink` in input order.
    ///
    /// Stops at the first error: a fatal read error (returned after the
    /// records before it were delivered) or an error from `sink`.
    pub fn run<T, E, M, S>(self, map: M, mut sink: S) -> Result<Summary, E>
    where
        T: Send,
        E: From<Error>,
        M: Fn(&Document) -> T + Sync,
        S: FnMut(Event<T>) -> Result<(), E>,
    {
        let Pipeline {
            inputs,
            options,
            batch_bytes,
            batch_documents,
            progress,
            keep_text,
            map_from,
        } = self;
        let bytes_before = progress.bytes();
        let id_keys = RandomState::new();
        std::thread::scope(|scope| {
            // One batch in this channel while the next is read, up to
            // three on the pool (below) and one sunk: memory stays at
            // about six batches.
            let (tx, rx) = sync_channel::<Result<Vec<Raw>>>(1);
            let reader_progress = Arc::clone(&progress);
            scope.spawn(move || {
                let mut reader = Reader::new(inputs, options, reader_progress)
                    .blocks(batch_bytes, batch_documents)
                    .map_files(map_from);
                let mut batch = Vec::new();
                let (mut size, mut records) = (0, 0);
                loop {
                    match reader.next_raw() {
                        Ok(Some(raw)) => {
                            size += raw.size();
                            records += raw.records();
                            batch.push(raw);
                            if size >= batch_bytes || records >= batch_documents {
                                if tx.send(Ok(std::mem::take(&mut batch))).is_err() {
                                    return; // the consumer stopped
                                }
                                (size, records) = (0, 0);
                            }
                        }
                        Ok(None) => {
                            if !batch.is_empty() {
                                let _ = tx.send(Ok(batch));
                            }
                            return;
                        }
                        Err(e) => {
                            if !batch.is_empty() && tx.send(Ok(batch)).is_err() {
                                return;
                            }
                            let _ = tx.send(Err(e));
                            return;
                        }
                    }
                }
            });
            // A processing thread hands each batch to the rayon pool as a
            // task of its own and passes on, in input order, where its
            // results will arrive. This thread's sink (output, counting)
            // works on batch N while the pool maps the next ones, and a
            // worker never waits for a batch to be handed over: one done
            // with its share of a batch starts on the next instead of
            // idling until the batch's longest document is done, and with
            // one thread the worker does not wait for the processing
            // thread to be scheduled between batches. While the sink works
            // on batch N, N + 1 and N + 2 are on the pool, N + 2's receiver
            // waiting in the channel. With only N + 1, the workers idled
            // whenever they were done with it before the sink was done
            // with N: with one record per paragraph of sotu-x20, the
            // workers waited ~40% of the run at 2 threads (`perf sched`);
            // `graph` there took 1.01 s that way, 0.95 s this way (`tag`
            // 0.95 → 0.92 s, medians of 9). Two more batches made `graph`
            // slower: its tally adds, handed to the pool, wait behind them.
            let (done_tx, done_rx) = sync_channel::<Receiver<Result<Vec<_>>>>(1);
            let map = &map;
            // The ids' hashes for the duplicate check are taken on the
            // pool, keyed at random: ids cannot be made to collide.
            let id_keys = &id_keys;
            scope.spawn(move || {
                rayon::in_place_scope(|tasks| {
                    for batch in rx {
                        let (result_tx, result_rx) = sync_channel(1);
                        let stop = batch.is_err();
                        match batch {
                            Err(e) => {
                                let _ = result_tx.send(Err(e));
                            }
                            Ok(batch) => tasks.spawn(move |_| {
                                let bytes: usize = batch.iter().map(Raw::size).sum();
                                let mut blocks = Vec::new();
                                let records = read::records(batch, &mut blocks);
                                // Leaves of ~64 KiB: left to itself, rayon
                                // cut a 2 MiB batch of whole speeches into
                                // four leaves of ~1.5 ms, and a worker done
                                // with the other batches idled while the
                                // last leaf ran (`perf sched`, sotu-x20,
                                // small, 2 threads: idle 4.5% → 3.1% of
                                // the run).
                                let leaf = leaf_records(records.len(), bytes);
                                let results = records
                                    .into_par_iter()
                                    .with_max_len(leaf)
                                    .map(|record| {
                                        let mut parsed = record.parse(options);
                                        let value = parsed.document.as_ref().map(map);
                                        if !keep_text {
                                            if let Some(doc) = &mut parsed.document {
                                                doc.text = String::new();
                                            }
                                        }
                                        let id_hash = parsed
                                            .document
                                            .as_ref()
                                            .map_or(0, |doc| id_keys.hash_one(&doc.id));
                                        (parsed, value, id_hash)
                                    })
                                    .collect();
                                // The sink may have stopped: no one waits.
                                let _ = result_tx.send(Ok(results));
                            }),
                        }
                        if done_tx.send(result_rx).is_err() || stop {
                            return; // the sink stopped, or the reader failed
                        }
                    }
                });
            });
            let mut delivery = Delivery::default();
            for result_rx in done_rx {
                let Ok(results) = result_rx.recv() else {
                    // The map panicked: the scope's join passes it on.
                    break;
                };
                let results = results?;
                // The whole batch's duplicate check first, in one tight
                // loop: the lookups' cache misses in a table of every id
                // overlap, where one per document between the sink's calls
                // did not (with 502,200 ids this was a third of this
                // thread's time).
                let firsts: Vec<Option<(u32, u64)>> = results
                    .iter()
                    .map(
                        |(parsed, _, id_hash)| match (&parsed.document, &parsed.origin) {
                            (Some(_), Some(origin)) => delivery.first_seen(*id_hash, origin),
                            _ => None,
                        },
                    )
                    .collect();
                for ((parsed, value, _), first) in results.into_iter().zip(firsts) {
                    for warning in parsed.warnings {
                        delivery.warning(warning, &mut sink)?;
                    }
                    if let (Some(doc), Some(value), Some(origin)) =
                        (parsed.document, value, parsed.origin)
                    {
                        if let Some((file, line)) = first {
                            let warning = delivery.duplicate(&doc.id, origin, file, line);
                            delivery.warning(warning, &mut sink)?;
                        }
                        delivery.summary.documents += 1;
                        progress.add_document();
                        sink(Event::Document(doc, value))?;
                    }
                }
            }
            delivery.summary.bytes = progress.bytes() - bytes_before;
            Ok(delivery.summary)
        })
    }
}

/// Input bytes in one of the pool's leaf tasks, at most (unless one record
/// is longer).
const LEAF_BYTES: usize = 64 << 10;

/// How many of a batch's `records` (of `bytes` in all) one leaf task maps,
/// so that a leaf holds about [`LEAF_BYTES`].
fn leaf_records(records: usize, bytes: usize) -> usize {
    (records.saturating_mul(LEAF_BYTES) / bytes.max(1)).max(1)
}

/// The sequential end of the pipeline: counts and duplicate ids.
#[derive(Default)]
struct Delivery {
    summary: Summary,
    /// Keyed hash of each id seen → where it was first seen. 64-bit hashes
    /// keep memory small; a false duplicate needs a hash collision (odds
    /// about n²/2⁶⁵, negligible for any real corpus, and with keys drawn
    /// at random for each run no corpus can be made to cause one).
    first_seen: HashMap<u64, (u32, u64), BuildHasherDefault<AsIs>>,
    /// Files named by `first_seen`, each once per stretch of records.
    files: Vec<Arc<Path>>,
}

impl Delivery {
    fn warning<T, E>(
        &mut self,
        warning: Warning,
        sink: &mut impl FnMut(Event<T>) -> Result<(), E>,
    ) -> Result<(), E> {
        self.summary.warnings += 1;
        if warning.skipped {
            self.summary.skipped += 1;
        }
        sink(Event::Warning(warning))
    }

    /// Where a document whose id's keyed hash is `hash` was first seen
    /// (an index into `files` and a line), if one was; else notes this one
    /// at `origin`. Called in input order.
    fn first_seen(&mut self, hash: u64, origin: &Origin) -> Option<(u32, u64)> {
        let slot = match self.first_seen.entry(hash) {
            Entry::Vacant(slot) => slot,
            Entry::Occupied(first) => return Some(*first.get()),
        };
        if !self
            .files
            .last()
            .is_some_and(|last| Arc::ptr_eq(last, &origin.path))
        {
            self.files.push(Arc::clone(&origin.path));
        }
        let file = u32::try_from(self.files.len() - 1).expect("fewer than 2³² input files");
        slot.insert((file, origin.line));
        None
    }

    /// The warning for `id` at `origin`, first seen in file `file` (an
    /// index into `files`) at `line`.
    fn duplicate(&self, id: &str, origin: Origin, file: u32, line: u64) -> Warning {
        let first = &self.files[file as usize];
        let at = if line == 0 {
            first.display().to_string()
        } else {
            format!("{}:{line}", first.display())
        };
        Warning {
            path: origin.path.to_path_buf(),
            line: origin.line,
            message: format!("duplicate document id {id:?} (first at {at}); both kept"),
            skipped: false,
        }
    }
}

/// A hasher for keys that are hashes already (keyed, so evenly spread):
/// the key is its own hash.
#[derive(Default)]
struct AsIs(u64);

impl Hasher for AsIs {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Runs [`Pipeline::run`] with the default batch size.
///
/// ```
/// use comention::corpus::{process, Event, Input, ReadOptions};
/// let inputs = [Input::memory("a.txt", "Hello.")];
/// let mut lengths = Vec::new();
/// process(&inputs, &ReadOptions::default(), |doc| doc.text.len(), |event| {
///     if let Event::Document(_, n) = event { lengths.push(n) }
///     Ok::<_, comention::Error>(())
/// })?;
/// assert_eq!(lengths, [6]);
/// # Ok::<(), comention::Error>(())
/// ```
pub fn process<T, E, M, S>(
    inputs: &[Input],
    options: &ReadOptions,
    map: M,
    sink: S,
) -> Result<Summary, E>
where
    T: Send,
    E: From<Error>,
    M: Fn(&Document) -> T + Sync,
    S: FnMut(Event<T>) -> Result<(), E>,
{
    Pipeline::new(inputs, options).run(map, sink)
}

/// Reads every document and warning into memory, in input order.
///
/// ```
/// use comention::corpus::{read_all, Input, ReadOptions};
/// let input = Input::memory("a.jsonl", "{\"id\":\"x\",\"text\":\"Hi.\"}\nnot json\n");
/// let (docs, warnings) = read_all(&[input], &ReadOptions::default())?;
/// assert_eq!(docs.len(), 1);
/// assert!(warnings[0].to_string().starts_with("a.jsonl:2: invalid JSON"));
/// # Ok::<(), comention::Error>(())
/// ```
pub fn read_all(inputs: &[Input], options: &ReadOptions) -> Result<(Vec<Document>, Vec<Warning>)> {
    let mut documents = Vec::new();
    let mut warnings = Vec::new();
    process(
        inputs,
        options,
        |_| (),
        |event| {
            match event {
                Event::Document(doc, ()) => documents.push(doc),
                Event::Warning(w) => warnings.push(w),
            }
            Ok::<_, Error>(())
        },
    )?;
    Ok((documents, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::segment::{sentences, Span};
    use proptest::prelude::*;

    fn run(
        inputs: &[Input],
        threads: usize,
        bytes: usize,
        docs: usize,
    ) -> (Vec<Event<Vec<Span>>>, Summary) {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let options = ReadOptions::default();
        let mut events = Vec::new();
        let summary = pool
            .install(|| {
                Pipeline::new(inputs, &options).batch_size(bytes, docs).run(
                    |doc| sentences(&doc.text),
                    |e| {
                        events.push(e);
                        Ok::<_, Error>(())
                    },
                )
            })
            .unwrap();
        (events, summary)
    }

    #[test]
    fn a_leaf_task_holds_about_64_kib_and_at_least_one_record() {
        // Whole speeches: one per leaf, so that a worker done with its
        // share can take the next document instead of waiting.
        assert_eq!(leaf_records(40, 2 << 20), 1);
        // Paragraphs of about 512 bytes: 128 per leaf.
        assert_eq!(leaf_records(4096, 2 << 20), 128);
        assert_eq!(leaf_records(7, 0), 7 << 16);
        assert_eq!(leaf_records(0, 0), 1);
        assert_eq!(leaf_records(usize::MAX, 1), usize::MAX);
    }

    /// Many small batches, so that several are on the pool at once.
    fn many_batches() -> Vec<Input> {
        let lines: String = (0..200)
            .map(|i| format!("{{\"id\":\"d{i}\",\"text\":\"Doc {i}. Two.\"}}\n"))
            .collect();
        vec![Input::memory("a.jsonl", lines)]
    }

    #[test]
    fn a_panic_in_the_map_reaches_the_caller() {
        for threads in [1, 2, 4] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                pool.install(|| {
                    Pipeline::new(&many_batches(), &ReadOptions::default())
                        .batch_size(1, 3)
                        .run(
                            |doc| assert_ne!(doc.id, "d77", "a bug in the map"),
                            |_| Ok::<_, Error>(()),
                        )
                })
            }));
            assert!(caught.is_err(), "{threads} threads");
        }
    }

    fn corpus(lines: &[(u8, String)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (kind, text) in lines {
            let line = match kind % 6 {
                0 => serde_json::json!({"id": format!("d{}", text.len() % 7), "text": text})
                    .to_string(),
                1 => format!(
                    "{{\"id\":\"x\",\"text\":{}",
                    serde_json::to_string(text).unwrap()
                ),
                2 => serde_json::json!({"text": text, "date": "bad"}).to_string(),
                3 => String::new(),
                4 => serde_json::json!({"id": text.len(), "text": text, "date": "2024-01-02"})
                    .to_string(),
                _ => serde_json::json!({"id": [1], "text": text}).to_string(),
            };
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn same_events_for_any_threads_and_batches(
            lines in proptest::collection::vec((any::<u8>(), "[A-Za-z .!?\n]{0,60}"), 0..60),
            bytes in 1usize..400,
            docs in 1usize..9,
        ) {
            let inputs = [
                Input::memory("a.jsonl", corpus(&lines)),
                Input::memory("b.txt", "One. Two."),
                Input::memory("c.bin", b"\0".to_vec()),
            ];
            let (one, s1) = run(&inputs, 1, usize::MAX, usize::MAX);
            let (four, s4) = run(&inputs, 4, bytes, docs);
            prop_assert_eq!(&one, &four);
            prop_assert_eq!(s1, s4);
            let documents = one.iter().filter(|e| matches!(e, Event::Document(..))).count();
            prop_assert_eq!(s1.documents as usize, documents);
            prop_assert_eq!(s1.warnings as usize, one.len() - documents);
        }
    }

    #[test]
    fn without_text_the_events_are_the_same_but_for_the_texts() {
        let inputs = [
            many_batches()[0].clone(),
            Input::memory("b.txt", "One. Two."),
        ];
        let options = ReadOptions::default();
        let events = |keep_text: bool| {
            let mut events = Vec::new();
            Pipeline::new(&inputs, &options)
                .batch_size(64, 5)
                .keep_text(keep_text)
                .run(
                    |doc| sentences(&doc.text),
                    |e| {
                        events.push(e);
                        Ok::<_, Error>(())
                    },
                )
                .unwrap();
            events
        };
        let mut with = events(true);
        for event in &mut with {
            if let Event::Document(doc, _) = event {
                assert!(!doc.text.is_empty());
                doc.text.clear();
            }
        }
        assert_eq!(with.len(), 201);
        assert_eq!(events(false), with);
    }

    #[test]
    fn summary_counts() {
        let inputs = [
            Input::memory(
                "a.jsonl",
                "{\"id\":\"a\",\"text\":\"x\"}\nbad\n{\"id\":\"a\",\"text\":\"y\"}\n",
            ),
            Input::memory("b.txt", "0123"),
        ];
        let (events, summary) = run(&inputs, 2, 1, 1);
        assert_eq!(events.len(), 5);
        assert_eq!(
            summary,
            Summary {
                documents: 3,
                skipped: 1,
                warnings: 2,
                bytes: 48 + 4
            }
        );
    }

    #[test]
    fn fatal_error_comes_after_earlier_records() {
        let inputs = [
            Input::memory("a.txt", "A"),
            Input::Path("/nonexistent/b.txt".into()),
            Input::memory("c.txt", "C"),
        ];
        let options = ReadOptions::default();
        let mut seen = Vec::new();
        let err = process(
            &inputs,
            &options,
            |_| (),
            |e| {
                if let Event::Document(d, ()) = e {
                    seen.push(d.id);
                }
                Ok::<_, Error>(())
            },
        )
        .unwrap_err();
        assert_eq!(seen, ["a.txt"]);
        assert!(err.to_string().starts_with("/nonexistent/b.txt: "));
    }

    #[test]
    fn sink_error_stops_the_run() {
        let many = "{\"text\":\"x\"}\n".repeat(100_000);
        let inputs = [Input::memory("a.jsonl", many)];
        let options = ReadOptions::default();
        let mut n = 0;
        let err = Pipeline::new(&inputs, &options)
            .batch_size(1, 10)
            .run(
                |_| (),
                |_| {
                    n += 1;
                    if n == 25 {
                        Err(Error::Invalid("stop".into()))
                    } else {
                        Ok(())
                    }
                },
            )
            .unwrap_err();
        assert_eq!((n, err.to_string()), (25, "stop".to_string()));
    }

    #[test]
    fn progress_is_published() {
        let progress = Arc::new(Progress::default());
        let inputs = [Input::memory("a.txt", "abc"), Input::memory("b.txt", "de")];
        let options = ReadOptions::default();
        Pipeline::new(&inputs, &options)
            .progress(Arc::clone(&progress))
            .run(|_| (), |_| Ok::<_, Error>(()))
            .unwrap();
        assert_eq!((progress.documents(), progress.bytes()), (2, 5));
    }

    #[test]
    fn duplicate_of_a_whole_file_names_the_file() {
        let inputs = [
            Input::memory("a.txt", "1"),
            Input::memory("x.jsonl", "{\"id\":\"a.txt\",\"text\":\"2\"}\n"),
        ];
        let (_, warnings) = read_all(&inputs, &ReadOptions::default()).unwrap();
        assert_eq!(
            warnings[0].to_string(),
            "x.jsonl:1: duplicate document id \"a.txt\" (first at a.txt); both kept"
        );
    }

    #[test]
    fn public_types_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Event<Vec<Span>>>();
        check::<Summary>();
        check::<Pipeline<'_>>();
        check::<Input>();
        check::<Warning>();
        check::<Progress>();
    }
}
