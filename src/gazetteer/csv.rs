//! Reads gazetteers in the project's CSV format.
//!
//! UTF-8, header required: `id,type,name,aliases` in any order, then any
//! extra columns. `aliases` is `|`-separated and the name is always an alias.
//! An optional `adjectives` column holds adjectival/demonym forms
//! (`Russian|Russians`), which the tagger can switch off. Every other column
//! becomes an entity attribute. A leading UTF-8 BOM is ignored.

use std::collections::BTreeMap;
use std::path::Path;

use super::{Entity, Gazetteer, Origin};
use crate::error::{Error, Result};

/// Columns with a meaning of their own; all others are attributes.
pub const RESERVED_COLUMNS: &[&str] = &["id", "type", "name", "aliases", "adjectives"];

/// One data row as read, before it becomes an entity (used by the linter).
#[derive(Debug, Clone)]
pub struct Row {
    /// Where the row starts.
    pub origin: Origin,
    /// The entity built from the row.
    pub entity: Entity,
    /// Alias cells that were empty after trimming (e.g. in `a||b`).
    pub empty_aliases: usize,
}

/// Parses CSV gazetteer text into rows, failing on the first malformed row.
///
/// ```
/// let rows = comention::gazetteer::csv::rows("id,type,name,aliases\nx,ORG,X Corp,X||XC\n", "g.csv".as_ref())?;
/// assert_eq!(rows[0].empty_aliases, 1);
/// # Ok::<(), comention::Error>(())
/// ```
pub fn rows(text: &str, path: &Path) -> Result<Vec<Row>> {
    rows_in_chunks(text, path, chunk_size())
}

/// The chunk size [`rows`] and [`read_str_into`] parse in: `None` (one
/// chunk, no first pass) on a pool of one thread.
fn chunk_size() -> Option<usize> {
    (rayon::current_num_threads() > 1).then_some(CHUNK_BYTES)
}

/// [`rows`], the body cut into chunks of about `chunk_bytes` (`None`: one
/// chunk) parsed in parallel on the current rayon pool.
fn rows_in_chunks(text: &str, path: &Path, chunk_bytes: Option<usize>) -> Result<Vec<Row>> {
    let mut out = Vec::new();
    for_each_chunk(text, path, chunk_bytes, |mut rows, to_come| {
        if out.is_empty() {
            // The first chunk is the start of the list, not a copy.
            std::mem::swap(&mut out, &mut rows);
            out.reserve(to_come.saturating_sub(out.len()));
        } else {
            out.append(&mut rows);
        }
        Ok(())
    })?;
    Ok(out)
}

/// Parses the CSV gazetteer `text` in chunks of whole records of about
/// `chunk_bytes` (`None`: one chunk) on the current rayon pool, and hands
/// each chunk's rows to `sink` on this thread, in file order, as soon as
/// that chunk and those before it are parsed: the sink's work (building
/// the gazetteer) overlaps the parsing of the chunks after it, where it
/// used to wait for the last one. `sink` also gets how many records this
/// chunk and the rest of the file hold (blank ones included), so it can
/// make room once. The first malformed record, or the sink's first error,
/// stops the run with that error.
fn for_each_chunk(
    text: &str,
    path: &Path,
    chunk_bytes: Option<usize>,
    mut sink: impl FnMut(Vec<Row>, usize) -> Result<()>,
) -> Result<()> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let error = |line: u64, message: String| Error::Gazetteer {
        path: path.to_owned(),
        line,
        message,
    };
    if text.trim().is_empty() {
        return Err(error(
            1,
            "empty gazetteer; the first line must be the header id,type,name,aliases".into(),
        ));
    }
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| error(1, format!("cannot read the header: {e}")))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (Some(id_col), Some(type_col), Some(name_col)) =
        (column("id"), column("type"), column("name"))
    else {
        return Err(error(
            1,
            format!(
                "the header must name the columns id,type,name,aliases (found {:?}); add a header line",
                headers.iter().collect::<Vec<_>>().join(",")
            ),
        ));
    };
    let alias_col = column("aliases");
    let adjective_col = column("adjectives");
    let extra: Vec<(usize, String)> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| !RESERVED_COLUMNS.contains(&h.trim()))
        .map(|(i, h)| (i, h.trim().to_string()))
        .collect();
    if let Some((_, empty)) = extra.iter().find(|(_, h)| h.is_empty()) {
        let _ = empty;
        return Err(error(1, "a header cell is empty; name every column".into()));
    }

    let columns = Columns {
        id: id_col,
        kind: type_col,
        name: name_col,
        aliases: alias_col,
        adjectives: adjective_col,
        extra,
        width: headers.len(),
        path: std::sync::Arc::from(path),
    };
    let mut from = reader.position().byte() as usize;
    let mut lines = Lines::new(text.as_bytes());
    let mut line = lines.of_byte(from);
    let Some(chunk_bytes) = chunk_bytes else {
        let rows = columns.rows(&text[from..], line, &error)?;
        let records = rows.len();
        return sink(rows, records);
    };
    // The body in chunks of whole records, parsed in parallel: 34,000
    // rows took 36 ms on one thread, most of it building the entities.
    // The cut needs every record's end, so a first pass reads them with
    // the CSV parser alone (no checks, no strings), handing each chunk to
    // the pool as soon as its end is found; a malformed record ends it,
    // and the chunk that holds it reports the error.
    let stop = std::sync::atomic::AtomicBool::new(false);
    let (columns, error, stop) = (&columns, &error, &stop);
    rayon::in_place_scope(|scope| {
        let mut chunks = Vec::new();
        let mut records = 0;
        let mut spawn = |from: usize, to: usize, line: u64| {
            let (tx, rx) = std::sync::mpsc::sync_channel(1);
            scope.spawn(move |_| {
                if !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    // No one waits if the run has stopped.
                    let _ = tx.send(columns.rows(&text[from..to], line, error));
                }
            });
            chunks.push(rx);
        };
        let mut record = ::csv::ByteRecord::new();
        while let Ok(true) = reader.read_byte_record(&mut record) {
            records += 1;
            let at = record.position().expect("a record read has a position");
            let at_byte = at.byte() as usize;
            if at_byte - from >= chunk_bytes {
                spawn(from, at_byte, line);
                (from, line) = (at_byte, lines.of_byte(at_byte));
            }
        }
        spawn(from, text.len(), line);
        // Records not yet handed to the sink (a malformed last record
        // counts as one).
        let mut to_come = records + 1;
        for chunk in chunks {
            // `None`: the task panicked. No later chunk reaches the sink;
            // the scope passes the panic on when the others are done.
            let result = match wait(&chunk) {
                None => Ok(None),
                Some(rows) => rows.and_then(|rows| {
                    let count = rows.len();
                    sink(rows, to_come).map(|()| Some(count))
                }),
            };
            match result {
                Ok(Some(count)) => to_come = to_come.saturating_sub(count),
                stopped => {
                    stop.store(true, std::sync::atomic::Ordering::Relaxed);
                    return stopped.map(|_| ());
                }
            }
        }
        Ok(())
    })
}

/// The value sent on `chunk`, or `None` if its sender is gone. On one of
/// the pool's threads this runs the pool's other tasks meanwhile instead
/// of blocking (the task sending may be queued behind this one).
fn wait<T>(chunk: &std::sync::mpsc::Receiver<T>) -> Option<T> {
    use std::sync::mpsc::TryRecvError;
    loop {
        match chunk.try_recv() {
            Ok(value) => return Some(value),
            Err(TryRecvError::Disconnected) => return None,
            Err(TryRecvError::Empty) => match rayon::yield_now() {
                // Not on the pool: block.
                None => return chunk.recv().ok(),
                Some(rayon::Yield::Executed) => {}
                Some(rayon::Yield::Idle) => std::thread::yield_now(),
            },
        }
    }
}

/// For the `gazetteer_csv` fuzz target: panics unless `text` cut into
/// chunks of about `chunk_bytes` reads exactly as in one pass (the same
/// rows, or the same first error).
#[doc(hidden)]
pub fn fuzz_chunks(text: &str, chunk_bytes: usize) {
    let path = Path::new("g.csv");
    let show = |parsed: Result<Vec<Row>>| match parsed {
        Ok(rows) => format!("{rows:?}"),
        Err(e) => e.to_string(),
    };
    assert_eq!(
        show(rows_in_chunks(text, path, Some(chunk_bytes))),
        show(rows_in_chunks(text, path, None)),
        "chunks of {chunk_bytes} bytes"
    );
}

/// Input bytes in one chunk of [`rows`] (a record may end it later).
const CHUNK_BYTES: usize = 64 << 10;

/// Where [`rows`] finds each field, from the header.
struct Columns {
    id: usize,
    kind: usize,
    name: usize,
    aliases: Option<usize>,
    adjectives: Option<usize>,
    /// Attribute columns and their names.
    extra: Vec<(usize, String)>,
    /// How many fields a row must have.
    width: usize,
    /// The file's path (each chunk shares a copy of its own).
    path: std::sync::Arc<Path>,
}

/// Line numbers of byte offsets in a text, asked for in increasing order
/// (each line break is counted once). The `csv` crate's own count is one
/// short after a quoted cell with a CRLF line break in it.
struct Lines<'t> {
    text: &'t [u8],
    /// Bytes counted so far, and the line of the byte there.
    at: usize,
    line: u64,
}

impl<'t> Lines<'t> {
    fn new(text: &'t [u8]) -> Self {
        Lines {
            text,
            at: 0,
            line: 1,
        }
    }

    /// The line of the byte at `offset` (1-based).
    fn of_byte(&mut self, offset: usize) -> u64 {
        let offset = offset.min(self.text.len());
        if offset > self.at {
            let breaks = memchr::memchr_iter(b'\n', &self.text[self.at..offset]).count();
            self.line += breaks as u64;
            self.at = offset;
        }
        self.line
    }

    /// The line of the record at `offset`: of its first byte that is not
    /// a line break (the `csv` crate counts blank lines before a record as
    /// part of it).
    fn of_record(&mut self, offset: usize) -> u64 {
        let rest = self.text.get(offset..).unwrap_or_default();
        let skip = rest
            .iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count();
        if skip == rest.len() {
            // Only line breaks left (an error at the end): the record's
            // own line.
            return self.of_byte(offset);
        }
        self.of_byte(offset + skip)
    }
}

impl Columns {
    /// The rows of `text`, whole records of the body that start on line
    /// `first_line` of the file.
    fn rows(
        &self,
        text: &str,
        first_line: u64,
        error: &impl Fn(u64, String) -> Error,
    ) -> Result<Vec<Row>> {
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut lines = Lines::new(text.as_bytes());
        let mut file_line = |byte: u64| first_line - 1 + lines.of_record(byte as usize);
        // A handle of this chunk's own: origins cloned from one shared by
        // every chunk made the threads fight over its count's cache line.
        let path: std::sync::Arc<Path> = std::sync::Arc::from(&*self.path);
        let mut out = Vec::new();
        let mut record = ::csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(0, |p| file_line(p.byte()));
                    // Not `e` itself: its text holds the chunk's numbers.
                    let message = match e.kind() {
                        ::csv::ErrorKind::Utf8 { err, .. } => {
                            format!("field {} is not valid UTF-8", err.field() + 1)
                        }
                        _ => "malformed CSV".to_string(),
                    };
                    return Err(error(line, message));
                }
            }
            let line = record.position().map_or(0, |p| file_line(p.byte()));
            if record.len() != self.width {
                return Err(error(
                    line,
                    format!(
                        "expected {} fields like the header, found {}; quote cells that contain commas",
                        self.width,
                        record.len()
                    ),
                ));
            }
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            out.push(self.row(&record, &path, line, error)?);
        }
        Ok(out)
    }

    /// The row of `record`, which starts on `line`.
    fn row(
        &self,
        record: &::csv::StringRecord,
        path: &std::sync::Arc<Path>,
        line: u64,
        error: &impl Fn(u64, String) -> Error,
    ) -> Result<Row> {
        let origin = Origin {
            path: std::sync::Arc::clone(path),
            line,
        };
        let cell = |i: usize| record.get(i).unwrap_or("").trim();
        let id = cell(self.id);
        let kind = cell(self.kind);
        let name = cell(self.name);
        for (value, what) in [(id, "id"), (kind, "type"), (name, "name")] {
            if value.is_empty() {
                return Err(error(
                    line,
                    format!("empty {what}; every row needs an id, a type and a name"),
                ));
            }
            if value.chars().any(char::is_control) {
                return Err(error(
                    line,
                    format!("the {what} {value:?} contains a control character; remove it"),
                ));
            }
        }
        let alias_cells =
            [self.aliases, self.adjectives].map(|col| col.and_then(|c| record.get(c)));
        // Room for every alias at once: growing the list one alias at a
        // time was a tenth of loading a gazetteer of 358,000 aliases.
        let room = 1 + alias_cells
            .iter()
            .flatten()
            .map(|cell| 1 + cell.bytes().filter(|&b| b == b'|').count())
            .sum::<usize>();
        let mut entity = Entity {
            id: id.to_string(),
            kind: kind.to_string(),
            name: name.to_string(),
            aliases: Vec::with_capacity(room),
            attributes: BTreeMap::new(),
            origin: origin.clone(),
        };
        entity.push_alias(name.to_string(), false, origin.clone());
        let mut empty_aliases = 0;
        for (cell, is_adjective) in alias_cells.into_iter().zip([false, true]) {
            let Some(cell) = cell else { continue };
            if cell.trim().is_empty() {
                continue;
            }
            for alias in cell.split('|') {
                let alias = alias.trim();
                if alias.is_empty() {
                    empty_aliases += 1;
                } else {
                    entity.push_alias(alias.to_string(), is_adjective, origin.clone());
                }
            }
        }
        for (col, key) in &self.extra {
            let value = cell(*col);
            if !value.is_empty() {
                entity.attributes.insert(key.clone(), value.to_string());
            }
        }
        Ok(Row {
            origin,
            entity,
            empty_aliases,
        })
    }
}

/// Reads CSV gazetteer text into `gaz`; on an error `gaz` is left as it
/// was.
pub(crate) fn read_str_into(gaz: &mut Gazetteer, text: &str, path: &Path) -> Result<()> {
    if !gaz.is_empty() {
        // A later file's rows join only once the whole file has read, so
        // an error adds nothing to what the earlier files gave (keeping a
        // copy of that to put back would cost one per file).
        let rows = rows(text, path)?;
        gaz.reserve(rows.len());
        add_rows(gaz, rows);
        return Ok(());
    }
    // Into an empty gazetteer each chunk's rows join while later chunks
    // are parsed; on an error it is emptied again.
    let before = gaz.clone();
    let read = for_each_chunk(text, path, chunk_size(), |rows, to_come| {
        gaz.reserve(to_come);
        add_rows(gaz, rows);
        Ok(())
    });
    if read.is_err() {
        *gaz = before;
    }
    read
}

/// Adds `rows` to `gaz`, with a warning for each row's empty aliases.
fn add_rows(gaz: &mut Gazetteer, rows: Vec<Row>) {
    for row in rows {
        if row.empty_aliases > 0 {
            gaz.warn(
                row.origin.clone(),
                format!("{} empty alias(es) skipped", row.empty_aliases),
            );
        }
        gaz.insert(row.entity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn load(text: &str) -> Result<Gazetteer> {
        Gazetteer::from_csv_str(text)
    }

    #[test]
    fn name_is_always_an_alias_and_extra_columns_are_attributes() {
        let gaz = load("id,type,name,aliases,iso3\nkz,COUNTRY,Kazakhstan,Qazaqstan,KAZ\n").unwrap();
        let kz = gaz.get("kz").unwrap();
        let aliases: Vec<_> = kz.aliases.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(aliases, ["Kazakhstan", "Qazaqstan"]);
        assert_eq!(kz.attributes["iso3"], "KAZ");
        assert_eq!(gaz.attribute_names(), ["iso3"]);
    }

    #[test]
    fn adjectives_column_marks_aliases() {
        let gaz =
            load("id,type,name,aliases,adjectives\nru,COUNTRY,Russia,,Russian|Russians\n").unwrap();
        let ru = gaz.get("ru").unwrap();
        assert!(!ru.aliases[0].is_adjective);
        assert!(ru.aliases[1].is_adjective && ru.aliases[2].is_adjective);
        assert!(!ru.attributes.contains_key("adjectives"));
    }

    #[test]
    fn missing_header_is_an_error_naming_line_one() {
        let err = load("kz,COUNTRY,Kazakhstan,Qazaqstan\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("<string>:1: the header must name"),
            "{err}"
        );
    }

    #[test]
    fn wrong_column_count_names_the_line() {
        let err = load("id,type,name,aliases\nkz,COUNTRY,Kazakhstan\n").unwrap_err();
        assert!(
            err.to_string().starts_with("<string>:2: expected 4 fields"),
            "{err}"
        );
    }

    #[test]
    fn empty_aliases_are_skipped_with_a_warning() {
        let gaz = load("id,type,name,aliases\nx,ORG,X Corp,|||\n").unwrap();
        assert_eq!(gaz.get("x").unwrap().aliases.len(), 1);
        assert_eq!(gaz.warnings().len(), 1);
        assert!(gaz.warnings()[0].message.contains("4 empty"));
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        let gaz = load("\u{feff}id,type,name,aliases\r\nx,ORG,X Corp,XC\r\n").unwrap();
        assert_eq!(gaz.get("x").unwrap().aliases.len(), 2);
    }

    #[test]
    fn empty_id_is_an_error() {
        let err = load("id,type,name,aliases\n,ORG,X Corp,XC\n").unwrap_err();
        assert!(err.to_string().contains(":2: empty id"), "{err}");
    }

    /// What a test compares of a parse: each row's line, fields, aliases
    /// and attributes, or the error message.
    fn summary(parsed: Result<Vec<Row>>) -> std::result::Result<Vec<String>, String> {
        parsed
            .map(|rows| {
                rows.iter()
                    .map(|r| {
                        let e = &r.entity;
                        let aliases: Vec<_> = e
                            .aliases
                            .iter()
                            .map(|a| (&a.text, a.is_adjective, a.origin.line))
                            .collect();
                        format!(
                            "{} {} {:?} {:?} {:?} {:?} {} {}",
                            r.origin.line,
                            e.origin.line,
                            (&e.id, &e.kind, &e.name),
                            aliases,
                            e.attributes,
                            r.origin.path,
                            r.empty_aliases,
                            Arc::strong_count(&r.origin.path) > 1
                        )
                    })
                    .collect()
            })
            .map_err(|e| e.to_string())
    }

    use std::sync::Arc;

    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => "[a-zA-Z ]{0,6}",
            1 => Just(String::new()),
            1 => Just("\"Mid, \"\"quoted\"\"\"".to_string()),
            1 => Just("\"two\nlines\"".to_string()),
            1 => Just("\"cr\r\nlf\"".to_string()),
            1 => Just("a|b||Ünï".to_string()),
            1 => Just("stray\"quote".to_string()),
            1 => Just("  ".to_string()),
            1 => Just("ctl\u{7}".to_string()),
            1 => Just("\"open".to_string()),
        ]
    }

    fn line() -> impl Strategy<Value = String> {
        let fields = prop_oneof![8 => Just(5usize), 1 => Just(4usize), 1 => Just(6usize)];
        let end = prop_oneof![Just("\n"), Just("\r\n"), Just("\n\n"), Just("\r\n\r\n")];
        (fields, end).prop_flat_map(|(n, end)| {
            proptest::collection::vec(cell(), n).prop_map(move |cells| {
                let mut cells = cells;
                // Mostly rows with an id, a type and a name.
                if cells[0].trim().is_empty() {
                    cells[0] = "id".into();
                }
                cells.join(",") + end
            })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Chunks of any size, parsed on any number of threads, give the
        /// rows (and the first error, on its line) of one pass.
        #[test]
        fn chunks_read_like_one_pass(
            lines in proptest::collection::vec(line(), 0..40),
            last_end in proptest::bool::ANY,
            chunk in 1usize..300,
            threads in 1usize..4,
        ) {
            let mut text = "id,type,name,aliases,extra\n".to_string() + &lines.concat();
            if !last_end {
                text.truncate(text.trim_end_matches(['\r', '\n']).len());
            }
            let path = Path::new("g.csv");
            let whole = summary(rows_in_chunks(&text, path, None));
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let cut = pool.install(|| summary(rows_in_chunks(&text, path, Some(chunk))));
            prop_assert_eq!(cut, whole);
        }
    }

    #[test]
    fn a_cut_chunk_keeps_line_numbers_and_reports_the_first_error() {
        let mut text = "id,type,name,aliases\n".to_string();
        for i in 0..200 {
            text += &format!("e{i},ORG,\"Name, {i}\",\"A{i}|B\n{i}\"\n");
        }
        text += "bad,ORG\n";
        text += ",ORG,no id,\n";
        let path = Path::new("g.csv");
        let err = rows_in_chunks(&text, path, Some(100)).unwrap_err();
        assert_eq!(
            err.to_string(),
            rows_in_chunks(&text, path, None).unwrap_err().to_string()
        );
        assert!(
            err.to_string().starts_with("g.csv:402: expected 4 fields"),
            "{err}"
        );
        text.truncate(text.len() - "bad,ORG\n,ORG,no id,\n".len());
        let rows = rows_in_chunks(&text, path, Some(100)).unwrap();
        assert_eq!(rows.len(), 200);
        assert_eq!(rows[199].origin.line, 400);
        assert_eq!(rows[199].entity.name, "Name, 199");
        assert_eq!(rows[199].entity.aliases[2].text, "B\n199");
    }

    /// Lines are physical lines, counted over quoted CRLF line breaks
    /// (where the `csv` crate's count falls one short) and blank lines, in
    /// one pass and in chunks of one record.
    #[test]
    fn lines_count_quoted_crlf_breaks_and_blank_lines() {
        // 1 header, 2–3 ru, 4 blank, 5–7 kz, 8 cn.
        let text = "id,type,name,aliases\r\n\
                    ru,COUNTRY,Russia,\"Rossiya\r\nRF\"\r\n\
                    \r\n\
                    kz,COUNTRY,Kazakhstan,\"A\r\nB\r\nC\"\r\n\
                    cn,COUNTRY,China,\r\n";
        let path = Path::new("g.csv");
        let bad = format!("{text}\r\n,COUNTRY,Nameless,\r\n");
        for chunk in [None, Some(1)] {
            let rows = rows_in_chunks(text, path, chunk).unwrap();
            let lines: Vec<u64> = rows.iter().map(|r| r.origin.line).collect();
            assert_eq!(lines, [2, 5, 8], "chunks of {chunk:?}");
            let err = rows_in_chunks(&bad, path, chunk).unwrap_err().to_string();
            assert!(err.starts_with("g.csv:10: empty id"), "{err}");
        }
    }

    /// 200 rows, each a chunk of its own with `chunk_bytes` = 1.
    fn two_hundred_rows() -> String {
        let mut text = "id,type,name,aliases\n".to_string();
        for i in 0..200 {
            text += &format!("e{i},ORG,Name {i},A{i}\n");
        }
        text
    }

    #[test]
    fn the_sink_gets_the_chunks_in_order_with_room_for_the_rest() {
        let text = two_hundred_rows();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        // On the pool, and from a thread outside it (which blocks).
        for on_pool in [true, false] {
            let mut seen = Vec::new();
            let mut read = || {
                for_each_chunk(&text, Path::new("g.csv"), Some(1), |rows, to_come| {
                    assert!(
                        to_come >= 200 - seen.len(),
                        "{to_come} after {}",
                        seen.len()
                    );
                    seen.extend(rows.into_iter().map(|r| r.entity.id));
                    Ok(())
                })
            };
            if on_pool {
                pool.install(read).unwrap();
            } else {
                read().unwrap();
            }
            let expected: Vec<String> = (0..200).map(|i| format!("e{i}")).collect();
            assert_eq!(seen, expected);
        }
    }

    #[test]
    fn a_sink_error_stops_the_run_and_is_returned() {
        let text = two_hundred_rows();
        let mut calls = 0;
        let err = for_each_chunk(&text, Path::new("g.csv"), Some(1), |_, _| {
            calls += 1;
            if calls == 3 {
                return Err(Error::Gazetteer {
                    path: "g.csv".into(),
                    line: 4,
                    message: "the sink gave up".into(),
                });
            }
            Ok(())
        })
        .unwrap_err();
        assert_eq!(calls, 3);
        assert_eq!(err.to_string(), "g.csv:4: the sink gave up");
    }

    #[test]
    fn a_file_that_fails_late_leaves_the_gazetteer_as_it_was() {
        let dir = std::env::temp_dir().join(format!("comention-late-error-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("good.csv");
        std::fs::write(&good, "id,type,name,aliases\nkz,COUNTRY,Kazakhstan,\n").unwrap();
        // Several chunks of rows that read, then a malformed one.
        let mut text = "id,type,name,aliases\n".to_string();
        while text.len() < 4 * CHUNK_BYTES {
            let i = text.len();
            text += &format!("e{i},ORG,Organisation number {i},Org {i}\n");
        }
        text += "bad,ORG\n";
        let bad = dir.join("bad.csv");
        std::fs::write(&bad, &text).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        pool.install(|| {
            let mut gaz = Gazetteer::new();
            // Read first, into the empty gazetteer, chunk by chunk.
            assert!(gaz.read_path(&bad).is_err());
            assert!(gaz.is_empty() && gaz.warnings().is_empty());
            gaz.read_path(&good).unwrap();
            let err = gaz.read_path(&bad).unwrap_err();
            assert!(err.to_string().contains("expected 4 fields"), "{err}");
            assert_eq!(gaz.len(), 1);
            assert!(gaz.get("e21").is_none());
            // It goes on as if the bad file had not been read.
            gaz.read_path(&good).unwrap();
            assert_eq!(gaz.len(), 1);
        });
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn duplicate_id_merges_aliases() {
        let gaz = load("id,type,name,aliases\nx,ORG,X Corp,XC\nx,ORG,X Corp,X Company\n").unwrap();
        assert_eq!(gaz.len(), 1);
        assert_eq!(gaz.get("x").unwrap().aliases.len(), 3);
    }
}
