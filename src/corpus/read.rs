//! Corpus readers: turn command-line inputs (files, folders, stdin, bytes in
//! memory) into a stream of raw records, and raw records into [`Document`]s.
//!
//! Reading is split in two so that the expensive half runs in parallel: a
//! sequential reader walks folders and cuts files into raw records (a whole
//! text file, a block of whole JSONL lines or CSV records) without decoding
//! them, and a parse step splits blocks into records and decodes one record
//! (UTF-8, JSON or CSV cells, fields, date check) on any thread. Problems
//! with one record are [`Warning`]s, returned as values; only problems that
//! make a whole input unusable (a missing input, a truncated gzip stream, a
//! CSV file without the text column) are errors.
//! Ordering, duplicate-id detection and parallelism are left to
//! [`crate::corpus::pipeline`]; printing is left to the caller.
//!
//! # Input formats
//!
//! | input | documents |
//! |---|---|
//! | `*.jsonl`, `*.ndjson` | one per non-blank line: a JSON object with the text field (default `text`) and optional id, date and title fields |
//! | `*.csv` | one per record; a header row is required and must name the text column |
//! | any other file | the whole file is one document; its id is the file name |
//! | a folder | every file below it, sorted by path (component by component, byte-wise); ids of plain files are paths relative to the folder with `/` separators; names starting with `.` are skipped |
//! | `-` or no input (stdin) | JSONL if the first non-whitespace byte is `{`, else the whole of stdin is one document with id `-`; empty or blank stdin gives no document |
//! | `*.gz` (and gzip-compressed stdin) | decompressed, then read as above (`corpus.jsonl.gz` is JSONL) |
//!
//! # Record rules
//!
//! - A record without an id gets `<file name>:<line>` (for example
//!   `corpus.jsonl:12`, or `-:12` on stdin). A numeric id becomes text:
//!   integers exactly as written (`17`), other numbers in a normalised form
//!   (`1.5e3` becomes `1500.0`). An id of another type is a warning and the
//!   record is skipped. An empty id counts as missing.
//! - The text must be a string; otherwise the record is skipped with a
//!   warning naming `file:line`. Blank JSONL lines are ignored.
//! - A CSV file is read as the `csv` crate reads it by default (RFC 4180
//!   quoting, CR, LF or CRLF record ends, blank lines ignored, any number
//!   of cells to a record). A quoted cell that is never closed runs to the
//!   end of the file: its record is kept, with a warning; in the header,
//!   where it would leave no record, it is an error.
//! - A date is kept as given if it starts with `YYYY`, `YYYY-MM` or
//!   `YYYY-MM-DD` (anything may follow a complete date, e.g. a time);
//!   otherwise the date is dropped with a warning and the document kept.
//!   Empty dates and titles count as missing.
//! - Invalid UTF-8 is decoded like [`String::from_utf8_lossy`]: each maximal
//!   invalid byte sequence becomes one U+FFFD (as Python's
//!   `errors="replace"` does); the rest of the document is unchanged, and a
//!   warning says how many sequences were replaced.
//! - A UTF-8 byte order mark at the start of a file or of stdin is removed;
//!   CRLF line ends stay in the text, so offsets are into the text as read.
//! - Two documents with the same id are both kept; the second gets a
//!   warning naming where the first was (`duplicate document id "a1" (first
//!   at news.jsonl:3); both kept`). The pipeline checks this in input order.
//! - A plain file with a NUL byte in its first 8 KiB is binary: skipped with
//!   a warning. Inside a folder, unreadable files and directories are
//!   skipped with a warning, and a directory reached a second time through a
//!   symbolic link (a loop) is not entered again.

use std::borrow::Cow;
use std::collections::HashSet;
use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::io::{self, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use memmap2::Mmap;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::corpus::Document;
use crate::error::{Error, Result};

mod csv_blocks;
use csv_blocks::{CsvBlock, CsvBlocks};

/// How many leading bytes of a plain file are checked for a NUL byte.
const BINARY_PROBE: usize = 8 * 1024;
const BOM: &[u8] = b"\xEF\xBB\xBF";
/// The least a JSONL or CSV block read asks the stream for, so that short
/// blocks (tiny batch sizes, in tests) do not mean tiny reads.
const MIN_READ: usize = 64 * 1024;
/// The most a JSONL or CSV block holds when a batch may be larger (a batch
/// then gathers several blocks).
const MAX_BLOCK: usize = 4 << 20;

/// One input named on the command line (or built in code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input.
    Stdin,
    /// A file or a folder.
    Path(PathBuf),
    /// Bytes in memory, read as a file called `name` would be: the format
    /// comes from the name (`x.jsonl`, `x.csv.gz`, …), and the name `-` is
    /// sniffed like stdin. Useful for tests and fuzzing.
    Memory {
        /// The name that decides the format and appears in ids and warnings.
        name: PathBuf,
        /// The content.
        bytes: Vec<u8>,
    },
}

impl Input {
    /// The input for a command-line argument: `-` is stdin, anything else a path.
    ///
    /// ```
    /// use comention::corpus::Input;
    /// assert_eq!(Input::from_arg("-"), Input::Stdin);
    /// assert_eq!(Input::from_arg("a.txt"), Input::Path("a.txt".into()));
    /// ```
    pub fn from_arg(arg: impl Into<PathBuf>) -> Input {
        let path = arg.into();
        if path.as_os_str() == "-" {
            Input::Stdin
        } else {
            Input::Path(path)
        }
    }

    /// An in-memory input (see [`Input::Memory`]).
    ///
    /// ```
    /// use comention::corpus::{read_all, Input, ReadOptions};
    /// let input = Input::memory("news.jsonl", "{\"id\":\"a\",\"text\":\"Hi.\"}\n");
    /// let (docs, warnings) = read_all(&[input], &ReadOptions::default())?;
    /// assert_eq!((docs[0].id.as_str(), warnings.len()), ("a", 0));
    /// # Ok::<(), comention::Error>(())
    /// ```
    pub fn memory(name: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) -> Input {
        Input::Memory {
            name: name.into(),
            bytes: bytes.into(),
        }
    }
}

/// Which record fields (JSONL keys, CSV columns) hold what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// The id field [default: `id`].
    pub id_field: String,
    /// The text field [default: `text`].
    pub text_field: String,
    /// The date field [default: `date`].
    pub date_field: String,
    /// The title field [default: `title`].
    pub title_field: String,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            id_field: "id".into(),
            text_field: "text".into(),
            date_field: "date".into(),
            title_field: "title".into(),
        }
    }
}

/// A problem with one record or file that did not stop the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The file (`<stdin>` for standard input).
    pub path: PathBuf,
    /// 1-based line (0 when the problem concerns the whole file).
    pub line: u64,
    /// What is wrong and what happened (`…; skipped`).
    pub message: String,
    /// True when a document or file was left out because of it.
    pub skipped: bool,
}

impl fmt::Display for Warning {
    /// `file:line: message`, or `file: message` when the line is 0.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path.display(), self.message)
        } else {
            write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
        }
    }
}

/// Counters that readers and the pipeline update as they go, for progress bars.
///
/// ```
/// let p = comention::corpus::Progress::default();
/// assert_eq!((p.bytes(), p.documents()), (0, 0));
/// ```
#[derive(Debug, Default)]
pub struct Progress {
    bytes: AtomicU64,
    documents: AtomicU64,
}

impl Progress {
    /// Bytes read so far (after gzip decompression).
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Documents delivered so far.
    pub fn documents(&self) -> u64 {
        self.documents.load(Ordering::Relaxed)
    }

    pub(crate) fn add_bytes(&self, n: u64) {
        self.bytes.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn add_document(&self) {
        self.documents.fetch_add(1, Ordering::Relaxed);
    }
}

/// Where a record came from: its file and 1-based line (0 for a whole file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    pub(crate) path: Arc<Path>,
    pub(crate) line: u64,
}

impl Origin {
    fn warning(&self, message: impl Into<String>, skipped: bool) -> Warning {
        Warning {
            path: self.path.to_path_buf(),
            line: self.line,
            message: message.into(),
            skipped,
        }
    }
}

/// Column positions of one CSV file.
#[derive(Debug)]
pub(crate) struct CsvColumns {
    id: Option<usize>,
    text: usize,
    date: Option<usize>,
    title: Option<usize>,
}

/// One undecoded record, cut by the sequential [`Reader`].
#[derive(Debug)]
pub(crate) enum Raw {
    /// A whole plain file (BOM already removed).
    Text {
        origin: Origin,
        id: String,
        bytes: Vec<u8>,
    },
    /// Whole JSONL lines, as read: split into records by [`records`] on
    /// the pool, so that the reading thread neither copies nor allocates
    /// per line.
    Json(JsonBlock),
    /// Whole CSV records, as read: split into records by [`records`] on
    /// the pool.
    CsvBlock(CsvBlock),
    /// A file-level problem found while reading (binary file, loop, …).
    Warning(Warning),
}

impl Raw {
    /// Approximate size, for batching.
    pub(crate) fn size(&self) -> usize {
        match self {
            Raw::Text { bytes, .. } => bytes.len(),
            Raw::Json(block) => block.bytes.len(),
            Raw::CsvBlock(block) => block.bytes.len(),
            Raw::Warning(_) => 0,
        }
    }

    /// How many records it holds at most (lines for a JSONL block, record
    /// ends for a CSV block), for batching.
    pub(crate) fn records(&self) -> usize {
        match self {
            Raw::Json(block) => block.lines,
            Raw::CsvBlock(block) => block.records,
            _ => 1,
        }
    }
}

/// Consecutive whole lines of one JSONL file, each with its line end (the
/// last line of a file may have none).
#[derive(Debug)]
pub(crate) struct JsonBlock {
    path: Arc<Path>,
    /// File name for default ids.
    name: Arc<str>,
    /// Line number of the first line.
    first_line: u64,
    /// Number of lines.
    lines: usize,
    bytes: BlockBytes,
}

/// The bytes of a [`JsonBlock`]: read into a buffer of its own, or a range
/// of a memory-mapped file.
#[derive(Debug)]
enum BlockBytes {
    Read(Vec<u8>),
    Mapped(MappedRange),
}

impl std::ops::Deref for BlockBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            BlockBytes::Read(bytes) => bytes,
            BlockBytes::Mapped(range) => &range.map[range.start..range.end],
        }
    }
}

/// Bytes `start..end` of a memory-mapped file.
#[derive(Debug)]
struct MappedRange {
    map: Arc<Mmap>,
    start: usize,
    end: usize,
}

impl Drop for MappedRange {
    /// Unmaps the range's pages from the process (they stay in the page
    /// cache), so that the resident size is that of the blocks in flight,
    /// not of the file. A page this range shares with a neighbour that is
    /// still being read is faulted in again from the page cache.
    fn drop(&mut self) {
        #[cfg(unix)]
        // SAFETY: the map is a shared read-only mapping of a file, so
        // MADV_DONTNEED only drops page-table entries: a later read of
        // these bytes (by the neighbour) faults in the same file contents.
        unsafe {
            let _ = self.map.unchecked_advise_range(
                memmap2::UncheckedAdvice::DontNeed,
                self.start,
                self.end - self.start,
            );
        }
    }
}

/// One record to decode: a raw record of its own, or a JSONL line or CSV
/// record that borrows its bytes from a [`Block`].
#[derive(Debug)]
pub(crate) enum Record<'a> {
    Raw(Raw),
    Json {
        origin: Origin,
        name: &'a str,
        /// Without the line end.
        bytes: &'a [u8],
    },
    Csv {
        origin: Origin,
        name: &'a str,
        /// Without the line end.
        bytes: &'a [u8],
        columns: &'a CsvColumns,
    },
}

/// A block of records whose records borrow from it.
#[derive(Debug)]
pub(crate) enum Block {
    Json(JsonBlock),
    Csv(CsvBlock),
}

/// The records of a batch in input order: JSONL and CSV blocks are moved
/// into `blocks` and split into records there (blank lines are left out,
/// as they hold no record); other records pass through.
pub(crate) fn records(batch: Vec<Raw>, blocks: &mut Vec<Block>) -> Vec<Record<'_>> {
    let mut plan = Vec::with_capacity(batch.len());
    for raw in batch {
        match raw {
            Raw::Json(block) => {
                blocks.push(Block::Json(block));
                plan.push(None);
            }
            Raw::CsvBlock(block) => {
                blocks.push(Block::Csv(block));
                plan.push(None);
            }
            other => plan.push(Some(other)),
        }
    }
    let mut next_block = blocks.iter();
    let mut out = Vec::with_capacity(plan.len());
    for item in plan {
        match item {
            Some(raw) => out.push(Record::Raw(raw)),
            None => match next_block.next().expect("one block per placeholder") {
                Block::Json(block) => block.push_lines(&mut out),
                Block::Csv(block) => block.push_records(&mut out),
            },
        }
    }
    out
}

impl JsonBlock {
    /// Its lines with content, as records without their line ends.
    fn push_lines<'a>(&'a self, out: &mut Vec<Record<'a>>) {
        let mut rest: &[u8] = &self.bytes;
        let mut line = self.first_line;
        while !rest.is_empty() {
            let end = memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
            let (mut bytes, after) = rest.split_at(end);
            rest = after;
            bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
            bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
            if !bytes.iter().all(u8::is_ascii_whitespace) {
                out.push(Record::Json {
                    origin: Origin {
                        path: Arc::clone(&self.path),
                        line,
                    },
                    name: &self.name,
                    bytes,
                });
            }
            line += 1;
        }
    }
}

impl Record<'_> {
    /// Decodes the record (UTF-8, JSON, fields, date).
    pub(crate) fn parse(self, options: &ReadOptions) -> Parsed {
        match self {
            Record::Raw(raw) => raw.parse(),
            Record::Json {
                origin,
                name,
                bytes,
            } => {
                let mut warnings = Vec::new();
                let line = decode_borrowed(bytes, &origin, &mut warnings);
                let document = parse_json(&line, &origin, name, options, &mut warnings);
                Parsed {
                    origin: Some(origin),
                    document,
                    warnings,
                }
            }
            Record::Csv {
                origin,
                name,
                bytes,
                columns,
            } => {
                let mut warnings = Vec::new();
                let (cells, unclosed) = csv_blocks::cells(bytes);
                if unclosed {
                    warnings.push(origin.warning(
                        "a quoted cell is never closed, so it runs to the end of the file; \
                         check the file's quotes",
                        false,
                    ));
                }
                let document = parse_csv(cells, columns, &origin, name, options, &mut warnings);
                Parsed {
                    origin: Some(origin),
                    document,
                    warnings,
                }
            }
        }
    }
}

/// The result of decoding one raw record.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub(crate) origin: Option<Origin>,
    pub(crate) document: Option<Document>,
    /// Warnings, in the order they concern the record.
    pub(crate) warnings: Vec<Warning>,
}

impl Raw {
    /// Decodes the record (a plain file's UTF-8).
    pub(crate) fn parse(self) -> Parsed {
        match self {
            Raw::Warning(w) => Parsed {
                origin: None,
                document: None,
                warnings: vec![w],
            },
            Raw::Text { origin, id, bytes } => {
                let mut warnings = Vec::new();
                let text = decode(bytes, &origin, &mut warnings);
                Parsed {
                    document: Some(Document::new(id, text)),
                    origin: Some(origin),
                    warnings,
                }
            }
            Raw::Json(_) | Raw::CsvBlock(_) => {
                unreachable!("`records` splits blocks into records")
            }
        }
    }
}

/// [`decode`] of borrowed bytes: valid input is not copied.
fn decode_borrowed<'a>(
    bytes: &'a [u8],
    origin: &Origin,
    warnings: &mut Vec<Warning>,
) -> std::borrow::Cow<'a, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.into(),
        Err(_) => decode(bytes.to_vec(), origin, warnings).into(),
    }
}

/// [`decode`] of a CSV cell: a cell that borrows from its block is copied
/// once, an owned one not at all.
fn decode_cell(cell: Cow<'_, [u8]>, origin: &Origin, warnings: &mut Vec<Warning>) -> String {
    match cell {
        Cow::Borrowed(bytes) => decode_borrowed(bytes, origin, warnings).into_owned(),
        Cow::Owned(bytes) => decode(bytes, origin, warnings),
    }
}

/// Decodes UTF-8 like `String::from_utf8_lossy`, warning with the count of
/// replaced sequences. Valid input is not copied.
fn decode(bytes: Vec<u8>, origin: &Origin, warnings: &mut Vec<Warning>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let bytes = e.into_bytes();
            let (text, replaced) = decode_lossy(&bytes);
            warnings.push(origin.warning(
                format!(
                    "invalid UTF-8: {replaced} byte sequence{} replaced with U+FFFD",
                    if replaced == 1 { "" } else { "s" }
                ),
                false,
            ));
            text
        }
    }
}

/// `String::from_utf8_lossy` plus the number of replacements.
fn decode_lossy(bytes: &[u8]) -> (String, usize) {
    let mut text = String::with_capacity(bytes.len() + 16);
    let mut replaced = 0;
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            text.push('\u{FFFD}');
            replaced += 1;
        }
    }
    (text, replaced)
}

/// True when `date` starts with `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, and a
/// partial date is not followed by more digits.
///
/// ```
/// use comention::corpus::read::is_plausible_date;
/// assert!(is_plausible_date("2023-05-17T09:00:00Z"));
/// assert!(is_plausible_date("2023-05"));
/// assert!(!is_plausible_date("17/05/2023"));
/// ```
pub fn is_plausible_date(date: &str) -> bool {
    let b = date.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range)
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    let two = |at: usize| (b[at] - b'0') * 10 + (b[at + 1] - b'0');
    if !digits(0..4) {
        return false;
    }
    match b.get(4) {
        None => return true,
        Some(b'-') => {}
        Some(c) => return !c.is_ascii_digit(),
    }
    if !digits(5..7) || !(1..=12).contains(&two(5)) {
        return false;
    }
    match b.get(7) {
        None => return true,
        Some(b'-') => {}
        Some(c) => return !c.is_ascii_digit(),
    }
    if !digits(8..10) || !(1..=31).contains(&two(8)) {
        return false;
    }
    b.get(10).map_or(true, |c| !c.is_ascii_digit())
}

fn default_id(name: &str, line: u64) -> String {
    format!("{name}:{line}")
}

fn json_type(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// The four wanted values of one JSON object; other keys are skipped unparsed.
#[derive(Default)]
struct JsonFields<'de> {
    values: [Option<serde_json::Value>; 4],
    /// The text field as it stands in the line, when [`FieldsSeed`] was
    /// asked for it raw (then `values[TEXT]` is `None`).
    raw_text: Option<&'de RawValue>,
}

const ID: usize = 0;
const TEXT: usize = 1;
const DATE: usize = 2;
const TITLE: usize = 3;

/// Deserializes the wanted fields by name. With `raw_text`, the text field
/// is borrowed as it stands and decoded by [`unescape_json`]: serde_json
/// would unescape it into a scratch buffer that grows by doubling for
/// every line, then copy it into its string.
struct FieldsSeed<'a> {
    names: [&'a str; 4],
    raw_text: bool,
}

impl<'de> DeserializeSeed<'de> for FieldsSeed<'_> {
    type Value = JsonFields<'de>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<JsonFields<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FieldsSeed<'_> {
    type Value = JsonFields<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonFields<'de>, A::Error> {
        let mut fields = JsonFields::default();
        while let Some(slot) = map.next_key_seed(KeySeed(&self.names))? {
            match slot {
                // Later duplicates win, as in most JSON readers.
                Some(TEXT) if self.raw_text => fields.raw_text = Some(map.next_value()?),
                Some(i) => fields.values[i] = Some(map.next_value()?),
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(fields)
    }
}

/// The value of a JSON string (`raw` with its quotes) that serde_json has
/// already checked as a value, or `None` where serde_json would refuse
/// it as a string: a `\u` escape of half a surrogate pair without the
/// other half. The result never needs more room than `raw`.
fn unescape_json(raw: &str) -> Option<String> {
    let body = raw.strip_prefix('"')?.strip_suffix('"')?;
    let bytes = body.as_bytes();
    let mut text = String::with_capacity(body.len());
    let mut at = 0;
    while let Some(found) = memchr::memchr(b'\\', &bytes[at..]) {
        // Backslashes and the escapes after them are ASCII, so every cut
        // falls between characters.
        text.push_str(&body[at..at + found]);
        at += found + 1;
        let escape = *bytes.get(at)?;
        at += 1;
        let c = match escape {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = hex4(bytes.get(at..at + 4)?)?;
                at += 4;
                match high {
                    0xD800..=0xDBFF => {
                        if bytes.get(at..at + 2)? != b"\\u" {
                            return None;
                        }
                        let low = hex4(bytes.get(at + 2..at + 6)?)?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return None;
                        }
                        at += 6;
                        let c = 0x1_0000
                            + ((u32::from(high) - 0xD800) << 10)
                            + (u32::from(low) - 0xDC00);
                        char::from_u32(c)?
                    }
                    _ => char::from_u32(u32::from(high))?,
                }
            }
            _ => return None,
        };
        text.push(c);
    }
    text.push_str(&body[at..]);
    Some(text)
}

/// Four hexadecimal digits' value.
fn hex4(digits: &[u8]) -> Option<u16> {
    digits.iter().try_fold(0u16, |n, &d| {
        let v = (d as char).to_digit(16)?;
        Some(n << 4 | v as u16)
    })
}

/// Matches a key against the wanted field names without allocating.
struct KeySeed<'a>(&'a [&'a str; 4]);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Option<usize>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<usize>, E> {
        // The text field wins if the user gives the same name twice.
        Ok([TEXT, ID, DATE, TITLE]
            .into_iter()
            .find(|&i| self.0[i] == key))
    }
}

fn parse_json(
    line: &str,
    origin: &Origin,
    name: &str,
    options: &ReadOptions,
    warnings: &mut Vec<Warning>,
) -> Option<Document> {
    let names = [
        options.id_field.as_str(),
        options.text_field.as_str(),
        options.date_field.as_str(),
        options.title_field.as_str(),
    ];
    let deserialize = |raw_text| {
        let mut de = serde_json::Deserializer::from_str(line);
        FieldsSeed { names, raw_text }
            .deserialize(&mut de)
            .and_then(|fields| de.end().map(|()| fields))
    };
    // Where anything is wrong, serde_json reads the line again as it reads
    // strings, for its own words on the first fault (a string's surrogate
    // halves are not checked in a raw value).
    let parsed = match deserialize(true) {
        Ok(mut fields) => match fields.raw_text.take() {
            None => Ok(fields),
            Some(raw) => {
                let value = if raw.get().starts_with('"') {
                    unescape_json(raw.get()).map(serde_json::Value::String)
                } else {
                    serde_json::from_str(raw.get()).ok()
                };
                match value {
                    Some(value) => {
                        fields.values[TEXT] = Some(value);
                        Ok(fields)
                    }
                    None => deserialize(false),
                }
            }
        },
        Err(_) => deserialize(false),
    };
    let mut fields = match parsed {
        Ok(fields) => fields,
        Err(e) => {
            warnings.push(origin.warning(format!("invalid JSON ({e}); skipped"), true));
            return None;
        }
    };
    let text = match fields.values[TEXT].take() {
        Some(serde_json::Value::String(s)) => s,
        None => {
            warnings.push(origin.warning(
                format!("missing field {:?}; skipped", options.text_field),
                true,
            ));
            return None;
        }
        Some(other) => {
            warnings.push(origin.warning(
                format!(
                    "field {:?} is {}, not a string; skipped",
                    options.text_field,
                    json_type(&other)
                ),
                true,
            ));
            return None;
        }
    };
    let id = match fields.values[ID].take() {
        Some(serde_json::Value::String(s)) if !s.is_empty() => s,
        None | Some(serde_json::Value::Null) | Some(serde_json::Value::String(_)) => {
            default_id(name, origin.line)
        }
        Some(serde_json::Value::Number(n)) => n.to_string(),
        Some(other) => {
            warnings.push(origin.warning(
                format!(
                    "field {:?} is {}, not a string or number; skipped",
                    options.id_field,
                    json_type(&other)
                ),
                true,
            ));
            return None;
        }
    };
    let date = match fields.values[DATE].take() {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => check_date(s, origin, warnings),
        Some(other) => {
            warnings.push(origin.warning(
                format!(
                    "field {:?} is {}, not a string; date dropped",
                    options.date_field,
                    json_type(&other)
                ),
                false,
            ));
            None
        }
    };
    let title = match fields.values[TITLE].take() {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s).filter(|s| !s.is_empty()),
        Some(other) => {
            warnings.push(origin.warning(
                format!(
                    "field {:?} is {}, not a string; title dropped",
                    options.title_field,
                    json_type(&other)
                ),
                false,
            ));
            None
        }
    };
    Some(Document {
        id,
        text,
        date,
        title,
    })
}

fn check_date(date: String, origin: &Origin, warnings: &mut Vec<Warning>) -> Option<String> {
    if date.is_empty() {
        None
    } else if is_plausible_date(&date) {
        Some(date)
    } else {
        warnings.push(origin.warning(
            format!("date {date:?} does not start with YYYY, YYYY-MM or YYYY-MM-DD; date dropped"),
            false,
        ));
        None
    }
}

fn parse_csv(
    mut record: Vec<Cow<'_, [u8]>>,
    columns: &CsvColumns,
    origin: &Origin,
    name: &str,
    options: &ReadOptions,
    warnings: &mut Vec<Warning>,
) -> Option<Document> {
    if record.len() <= columns.text {
        warnings.push(origin.warning(
            format!(
                "record has {} fields, no {:?} column; skipped",
                record.len(),
                options.text_field
            ),
            true,
        ));
        return None;
    };
    let text_column = columns.text;
    let mut cell = |column: Option<usize>, record: &mut Vec<Cow<'_, [u8]>>| {
        let cell = record.get_mut(column?)?;
        if cell.is_empty() {
            return None;
        }
        // The text's cell is taken last, and a column named twice is read
        // twice.
        let cell = if column == Some(text_column) {
            cell.clone()
        } else {
            std::mem::take(cell)
        };
        Some(decode_cell(cell, origin, warnings))
    };
    let id = cell(columns.id, &mut record).unwrap_or_else(|| default_id(name, origin.line));
    let date = cell(columns.date, &mut record);
    let title = cell(columns.title, &mut record);
    let text = decode_cell(std::mem::take(&mut record[text_column]), origin, warnings);
    let date = date.and_then(|d| check_date(d, origin, warnings));
    Some(Document {
        id,
        text,
        date,
        title,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Jsonl,
    Csv,
}

/// The format a file name implies, and whether it is gzip-compressed.
fn format_of(name: &Path) -> (Format, bool) {
    let name = name
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let (stem, gz) = match name.strip_suffix(".gz") {
        Some(stem) => (stem, true),
        None => (name.as_str(), false),
    };
    let format = if stem.ends_with(".jsonl") || stem.ends_with(".ndjson") {
        Format::Jsonl
    } else if stem.ends_with(".csv") {
        Format::Csv
    } else {
        Format::Text
    };
    (format, gz)
}

type Stream<'a> = Box<dyn Read + Send + 'a>;

/// Counts bytes into [`Progress`].
struct Counting<'a> {
    inner: Stream<'a>,
    progress: Arc<Progress>,
}

impl Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.add_bytes(n as u64);
        Ok(n)
    }
}

/// Reads until `buf` holds `want` bytes or the stream ends.
fn read_head(r: &mut dyn Read, want: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(want);
    r.take(want as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// Removes a leading BOM from a stream.
fn strip_bom(mut r: Stream<'_>) -> io::Result<Stream<'_>> {
    let head = read_head(&mut r, BOM.len())?;
    if head == BOM {
        Ok(r)
    } else {
        Ok(Box::new(Cursor::new(head).chain(r)))
    }
}

fn gunzip(r: Stream<'_>) -> Stream<'_> {
    Box::new(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(
        64 * 1024,
        r,
    )))
}

/// An error that makes a whole input unusable.
fn io_error(path: &Path, e: io::Error) -> Error {
    let e = if e.kind() == io::ErrorKind::UnexpectedEof {
        io::Error::new(e.kind(), format!("truncated or corrupt gzip data ({e})"))
    } else {
        e
    };
    Error::io(path, e)
}

/// The sequential half of reading: yields raw records in input order.
pub(crate) struct Reader<'a> {
    inputs: std::slice::Iter<'a, Input>,
    progress: Arc<Progress>,
    options: &'a ReadOptions,
    walk: Option<Walk>,
    file: Option<FileSource<'a>>,
    block_bytes: usize,
    block_lines: usize,
    /// Uncompressed JSONL and CSV files of at least this many bytes are mapped.
    map_from: Option<u64>,
}

enum FileSource<'a> {
    Jsonl(Lines<'a>),
    Csv(CsvSource<'a>),
}

struct Lines<'a> {
    origin_path: Arc<Path>,
    name: Arc<str>,
    source: LineSource<'a>,
    /// Lines handed out so far.
    line: u64,
}

/// Where a JSONL file's bytes come from.
enum LineSource<'a> {
    Stream(StreamBlocks<'a>),
    Mapped(MappedFile),
}

/// A JSONL or CSV file read by read calls, into each block's own buffer.
struct StreamBlocks<'a> {
    stream: Stream<'a>,
    /// Bytes read past the end of the last block: the start of its next
    /// line or record.
    carry: Vec<u8>,
    eof: bool,
    /// A read error, returned once the lines or records read whole before
    /// it are.
    failed: Option<io::Error>,
}

/// A memory map of a whole JSONL or CSV file; blocks are ranges of it.
struct MappedFile {
    map: Arc<Mmap>,
    /// Where the next block starts.
    pos: usize,
    progress: Arc<Progress>,
}

impl<'a> Lines<'a> {
    fn new(origin_path: Arc<Path>, name: Arc<str>, stream: Stream<'a>) -> Self {
        let source = LineSource::Stream(StreamBlocks::new(stream));
        Self::with_source(origin_path, name, source)
    }

    fn with_source(origin_path: Arc<Path>, name: Arc<str>, source: LineSource<'a>) -> Self {
        Lines {
            origin_path,
            name,
            source,
            line: 0,
        }
    }

    /// The next whole lines: at least `want_bytes` (unless the file ends
    /// first) but no more than `want_lines` lines; a line longer than
    /// `want_bytes` is one block. `None` at the end of the file. After a
    /// read error, the lines read whole before it come first, then the
    /// error (the line it cut is dropped).
    fn next_block(
        &mut self,
        want_bytes: usize,
        want_lines: usize,
    ) -> io::Result<Option<JsonBlock>> {
        let next = match &mut self.source {
            LineSource::Stream(stream) => stream.next(want_bytes, want_lines)?,
            LineSource::Mapped(mapped) => mapped.next(want_bytes, want_lines)?,
        };
        let Some((lines, bytes)) = next else {
            return Ok(None);
        };
        let first_line = self.line + 1;
        self.line += lines as u64;
        Ok(Some(JsonBlock {
            path: Arc::clone(&self.origin_path),
            name: Arc::clone(&self.name),
            first_line,
            lines,
            bytes,
        }))
    }
}

impl<'a> StreamBlocks<'a> {
    fn new(stream: Stream<'a>) -> Self {
        StreamBlocks {
            stream,
            carry: Vec::new(),
            eof: false,
            failed: None,
        }
    }

    /// Reads more of the stream onto `buf`: up to the block size, and past
    /// it (a line or record longer than a block) as much again as is
    /// buffered, so that a long one costs linear time. At the end of the
    /// stream `eof` is set; on an error `failed` is, and what was read
    /// before it is in `buf`.
    fn read_more(&mut self, buf: &mut Vec<u8>, want_bytes: usize) {
        let ask = want_bytes
            .saturating_sub(buf.len())
            .max(buf.len())
            .max(MIN_READ);
        buf.reserve(ask);
        match (&mut self.stream).take(ask as u64).read_to_end(buf) {
            Ok(got) => self.eof = got < ask,
            Err(e) => self.failed = Some(e),
        }
    }

    /// Cuts `buf` at `cut` and keeps the bytes after it as the carry, in a
    /// buffer with room for the next block.
    fn carry_after(&mut self, buf: &mut Vec<u8>, cut: usize, want_bytes: usize) {
        if cut < buf.len() {
            let mut carry = Vec::with_capacity(want_bytes.max(buf.len() - cut));
            carry.extend_from_slice(&buf[cut..]);
            buf.truncate(cut);
            self.carry = carry;
        }
    }

    /// The next block's line count and bytes, read straight into the
    /// block's own buffer.
    fn next(
        &mut self,
        want_bytes: usize,
        want_lines: usize,
    ) -> io::Result<Option<(usize, BlockBytes)>> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        let mut buf = std::mem::take(&mut self.carry);
        let (mut lines, mut cut, mut searched) = (0, 0, 0);
        'fill: loop {
            for i in memchr::memchr_iter(b'\n', &buf[searched..]) {
                lines += 1;
                cut = searched + i + 1;
                // Past the byte limit only when one line is longer: it is
                // a block of its own.
                if lines == want_lines || cut >= want_bytes {
                    break 'fill;
                }
            }
            searched = buf.len();
            if (lines > 0 && buf.len() >= want_bytes) || self.failed.is_some() {
                break;
            }
            if self.eof {
                if buf.len() > cut {
                    // The last line, without a line end.
                    lines += 1;
                    cut = buf.len();
                }
                break;
            }
            self.read_more(&mut buf, want_bytes);
        }
        if lines == 0 {
            return self.failed.take().map_or(Ok(None), Err);
        }
        self.carry_after(&mut buf, cut, want_bytes);
        Ok(Some((lines, BlockBytes::Read(buf))))
    }
}

impl MappedFile {
    /// The next block's line count and range: it ends after the first
    /// line end at or past `want_bytes` bytes, or after `want_lines`
    /// lines. (A stream may be cut earlier, at the last line end it has
    /// read; the records are the same.)
    fn next(
        &mut self,
        want_bytes: usize,
        want_lines: usize,
    ) -> io::Result<Option<(usize, BlockBytes)>> {
        let start = self.pos;
        let rest = &self.map[start..];
        if rest.is_empty() {
            return Ok(None);
        }
        let want = rest.len().min(want_bytes);
        populate(
            &self.map,
            start,
            want,
            "rerun on a copy that no program writes to",
        )?;
        let mut lines = 0;
        let mut end = None;
        for i in memchr::memchr_iter(b'\n', rest) {
            lines += 1;
            if lines == want_lines || i + 1 >= want_bytes {
                end = Some(start + i + 1);
                break;
            }
        }
        let end = end.unwrap_or_else(|| {
            // The last line, with or without a line end.
            lines += usize::from(rest.last() != Some(&b'\n'));
            self.map.len()
        });
        Ok(Some((lines, self.hand_out(end))))
    }

    /// The bytes from the next block's start to `end`, as the next block:
    /// counted into the progress, and the next block starts after them.
    fn hand_out(&mut self, end: usize) -> BlockBytes {
        let start = self.pos;
        self.progress.add_bytes((end - start) as u64);
        self.pos = end;
        BlockBytes::Mapped(MappedRange {
            map: Arc::clone(&self.map),
            start,
            end,
        })
    }
}

/// `EFAULT` on Linux (the same on every architecture).
#[cfg(target_os = "linux")]
const EFAULT: i32 = 14;

/// Fills in the page-table entries for `len` bytes of `map` from `start`
/// with one call, instead of a page fault for every few pages as they are
/// first read. If the file has shrunk since it was mapped, this is a
/// clean error ("the file shrank while it was read; " then `what_to_do`)
/// where reading the missing bytes would kill the process with SIGBUS.
pub(crate) fn populate(map: &Mmap, start: usize, len: usize, what_to_do: &str) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    if let Err(e) = map.advise_range(memmap2::Advice::PopulateRead, start, len) {
        // EFAULT: part of the range is past the end of the file. Anything
        // else (EINVAL before Linux 5.14) means no populating.
        if e.raw_os_error() == Some(EFAULT) {
            return Err(io::Error::other(format!(
                "the file shrank while it was read; {what_to_do}"
            )));
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (map, start, len, what_to_do);
    Ok(())
}

struct CsvSource<'a> {
    origin_path: Arc<Path>,
    blocks: CsvBlocks<'a>,
    columns: Arc<CsvColumns>,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(
        inputs: &'a [Input],
        options: &'a ReadOptions,
        progress: Arc<Progress>,
    ) -> Self {
        Reader {
            inputs: inputs.iter(),
            progress,
            options,
            walk: None,
            file: None,
            block_bytes: 2 << 20,
            block_lines: 4096,
            map_from: None,
        }
    }

    /// Reads uncompressed JSONL files of at least `min_bytes` through a
    /// memory map; `None` reads every file with read calls.
    pub(crate) fn map_files(mut self, min_bytes: Option<u64>) -> Self {
        self.map_from = min_bytes;
        self
    }

    /// Installs a JSONL or CSV source that reads `file` through a memory
    /// map, if it is an uncompressed JSONL or CSV file that should be and
    /// can be mapped, and says whether it did. Anything else, including a
    /// failed `mmap`, is left to read calls.
    fn try_map(&mut self, file: &fs::File, path: &Path) -> Result<bool> {
        let (format, gz) = format_of(path);
        let Some(min) = self.map_from else {
            return Ok(false);
        };
        if format == Format::Text || gz {
            return Ok(false);
        }
        let Ok(meta) = file.metadata() else {
            return Ok(false);
        };
        if !meta.is_file() || meta.len() == 0 || meta.len() < min {
            return Ok(false);
        }
        // SAFETY: the map is only read. Another program that rewrites or
        // truncates the file while it is read changes what is read, as
        // read calls would; a truncation is caught by `populate` before
        // each block is cut, and kills the process with SIGBUS only if it
        // comes while that block is being read (`--no-mmap` avoids that).
        let Ok(map) = (unsafe { Mmap::map(file) }) else {
            return Ok(false);
        };
        #[cfg(unix)]
        let _ = map.advise(memmap2::Advice::Sequential);
        let pos = if map.starts_with(BOM) { BOM.len() } else { 0 };
        self.progress.add_bytes(pos as u64);
        let path: Arc<Path> = path.into();
        let name: Arc<str> = file_name(&path).into();
        let (map, progress) = (Arc::new(map), Arc::clone(&self.progress));
        if format == Format::Csv {
            let blocks = CsvBlocks::mapped(Arc::clone(&path), name, map, pos, progress);
            self.open_csv(path, blocks)?;
            return Ok(true);
        }
        let source = LineSource::Mapped(MappedFile { map, pos, progress });
        self.file = Some(FileSource::Jsonl(Lines::with_source(path, name, source)));
        Ok(true)
    }

    /// Cuts JSONL and CSV files into blocks of about `bytes` bytes (at most
    /// [`MAX_BLOCK`]) and at most `lines` lines (CSV records).
    pub(crate) fn blocks(mut self, bytes: usize, lines: usize) -> Self {
        self.block_bytes = bytes.clamp(1, MAX_BLOCK);
        self.block_lines = lines.max(1);
        self
    }

    fn counting(&self, inner: Stream<'a>) -> Stream<'a> {
        Box::new(Counting {
            inner,
            progress: Arc::clone(&self.progress),
        })
    }

    /// Starts reading one file or in-memory input; returns a record for a
    /// plain file, or installs a JSONL/CSV source and returns `None`.
    fn open(
        &mut self,
        stream: Stream<'a>,
        path: Arc<Path>,
        id: String,
        format: Format,
        gz: bool,
    ) -> Result<Option<Raw>> {
        let stream = if gz { gunzip(stream) } else { stream };
        let stream = self.counting(stream);
        let name: Arc<str> = path
            .file_name()
            .map(|n| n.to_string_lossy().into())
            .unwrap_or_else(|| path.to_string_lossy().into());
        let stream = strip_bom(stream).map_err(|e| io_error(&path, e))?;
        match format {
            Format::Text => {
                let mut stream = stream;
                let mut bytes = Vec::new();
                stream
                    .read_to_end(&mut bytes)
                    .map_err(|e| io_error(&path, e))?;
                let origin = Origin { path, line: 0 };
                let probe = &bytes[..bytes.len().min(BINARY_PROBE)];
                if memchr_nul(probe) {
                    return Ok(Some(Raw::Warning(origin.warning(
                        "binary file (NUL byte in the first 8 KiB); skipped",
                        true,
                    ))));
                }
                Ok(Some(Raw::Text { origin, id, bytes }))
            }
            Format::Jsonl => {
                self.file = Some(FileSource::Jsonl(Lines::new(path, name, stream)));
                Ok(None)
            }
            Format::Csv => {
                let blocks = CsvBlocks::stream(Arc::clone(&path), name, stream);
                self.open_csv(path, blocks)?;
                Ok(None)
            }
        }
    }

    /// Reads a CSV file's header and installs it as the current source
    /// (an empty file has neither header nor records: nothing to install).
    fn open_csv(&mut self, path: Arc<Path>, mut blocks: CsvBlocks<'a>) -> Result<()> {
        let Some(header) = blocks.header().map_err(|e| io_error(&path, e))? else {
            return Ok(());
        };
        let error = |message: String| Error::Corpus {
            path: path.to_path_buf(),
            line: header.line,
            message,
        };
        if header.unclosed {
            return Err(error(
                "a quoted cell of the header is never closed, so it runs to the end of the \
                 file; check the file's quotes"
                    .into(),
            ));
        }
        let find = |field: &str| header.cells.iter().position(|h| h == field.as_bytes());
        let Some(text) = find(&self.options.text_field) else {
            let available: Vec<String> = header
                .cells
                .iter()
                .map(|h| format!("{:?}", String::from_utf8_lossy(h)))
                .collect();
            return Err(error(format!(
                "no {:?} column for the text; the columns are {} (choose one with --text-field)",
                self.options.text_field,
                available.join(", ")
            )));
        };
        let columns = Arc::new(CsvColumns {
            id: find(&self.options.id_field),
            text,
            date: find(&self.options.date_field),
            title: find(&self.options.title_field),
        });
        self.file = Some(FileSource::Csv(CsvSource {
            origin_path: path,
            blocks,
            columns,
        }));
        Ok(())
    }

    /// Standard input (or an in-memory input named `-`): sniffs gzip, then
    /// JSONL versus one plain document.
    fn open_stdin(&mut self, stream: Stream<'a>, path: Arc<Path>) -> Result<Option<Raw>> {
        let mut stream = stream;
        let magic = read_head(&mut stream, 2).map_err(|e| io_error(&path, e))?;
        let gz = magic == [0x1f, 0x8b];
        let stream: Stream<'a> = Box::new(Cursor::new(magic).chain(stream));
        let stream = if gz { gunzip(stream) } else { stream };
        let stream = self.counting(stream);
        let mut stream = strip_bom(stream).map_err(|e| io_error(&path, e))?;
        // Read up to the first non-whitespace byte.
        let mut head = Vec::new();
        let first = loop {
            let start = head.len();
            let n = (&mut stream)
                .take(8192)
                .read_to_end(&mut head)
                .map_err(|e| io_error(&path, e))?;
            if let Some(b) = head[start..].iter().find(|b| !b.is_ascii_whitespace()) {
                break Some(*b);
            }
            if n == 0 {
                break None;
            }
        };
        let stream: Stream<'a> = Box::new(Cursor::new(head).chain(stream));
        match first {
            None => Ok(None),
            Some(b'{') => {
                self.file = Some(FileSource::Jsonl(Lines::new(path, "-".into(), stream)));
                Ok(None)
            }
            Some(_) => {
                let mut bytes = Vec::new();
                let mut stream = stream;
                stream
                    .read_to_end(&mut bytes)
                    .map_err(|e| io_error(&path, e))?;
                Ok(Some(Raw::Text {
                    origin: Origin { path, line: 0 },
                    id: "-".into(),
                    bytes,
                }))
            }
        }
    }

    fn next_input(&mut self, input: &'a Input) -> Result<Option<Raw>> {
        match input {
            Input::Stdin => {
                let path: Arc<Path> = Path::new("<stdin>").into();
                self.open_stdin(Box::new(io::stdin()), path)
            }
            Input::Memory { name, bytes } => {
                let path: Arc<Path> = name.as_path().into();
                let stream: Stream<'a> = Box::new(Cursor::new(bytes.as_slice()));
                if name.as_os_str() == "-" {
                    return self.open_stdin(stream, path);
                }
                let (format, gz) = format_of(name);
                let id = file_name(name);
                self.open(stream, path, id, format, gz)
            }
            Input::Path(path) => {
                let meta = fs::metadata(path).map_err(|e| Error::io(path, e))?;
                if meta.is_dir() {
                    self.walk = Some(Walk::new(path)?);
                    return Ok(None);
                }
                let file = fs::File::open(path).map_err(|e| Error::io(path, e))?;
                if self.try_map(&file, path)? {
                    return Ok(None);
                }
                let (format, gz) = format_of(path);
                self.open(
                    Box::new(file),
                    path.as_path().into(),
                    file_name(path),
                    format,
                    gz,
                )
            }
        }
    }

    /// Next record of the current JSONL/CSV file, if any.
    fn next_in_file(&mut self) -> Result<Option<Raw>> {
        match &mut self.file {
            None => Ok(None),
            Some(FileSource::Jsonl(lines)) => {
                let block = lines
                    .next_block(self.block_bytes, self.block_lines)
                    .map_err(|e| io_error(&lines.origin_path, e))?;
                if block.is_none() {
                    self.file = None;
                }
                Ok(block.map(Raw::Json))
            }
            Some(FileSource::Csv(source)) => {
                let block = source
                    .blocks
                    .next_block(&source.columns, self.block_bytes, self.block_lines)
                    .map_err(|e| io_error(&source.origin_path, e))?;
                if block.is_none() {
                    self.file = None;
                }
                Ok(block)
            }
        }
    }

    /// Next file of the current folder walk, opened.
    fn next_in_walk(&mut self) -> Result<Option<Raw>> {
        loop {
            let Some(walk) = &mut self.walk else {
                return Ok(None);
            };
            match walk.next() {
                None => {
                    self.walk = None;
                    return Ok(None);
                }
                Some(WalkItem::Warning(w)) => return Ok(Some(Raw::Warning(w))),
                Some(WalkItem::File { path, id }) => {
                    let file = match fs::File::open(&path) {
                        Ok(file) => file,
                        Err(e) => {
                            return Ok(Some(Raw::Warning(Warning {
                                path,
                                line: 0,
                                message: format!("cannot read ({e}); skipped"),
                                skipped: true,
                            })))
                        }
                    };
                    if self.try_map(&file, &path)? {
                        return Ok(None);
                    }
                    let (format, gz) = format_of(&path);
                    if let Some(raw) = self.open(Box::new(file), path.into(), id, format, gz)? {
                        return Ok(Some(raw));
                    }
                    if self.file.is_some() {
                        return Ok(None);
                    }
                }
            }
        }
    }

    /// The next raw record, `Ok(None)` at the end of all inputs.
    pub(crate) fn next_raw(&mut self) -> Result<Option<Raw>> {
        loop {
            if self.file.is_some() {
                if let Some(raw) = self.next_in_file()? {
                    return Ok(Some(raw));
                }
                continue;
            }
            if self.walk.is_some() {
                if let Some(raw) = self.next_in_walk()? {
                    return Ok(Some(raw));
                }
                continue;
            }
            let Some(input) = self.inputs.next() else {
                return Ok(None);
            };
            if let Some(raw) = self.next_input(input)? {
                return Ok(Some(raw));
            }
        }
    }
}

fn memchr_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string_lossy().into_owned())
}

/// A depth-first folder walk in path order that never enters a directory twice.
struct Walk {
    /// Entries still to visit, per open directory: (path, id), reversed so
    /// that `pop` gives the smallest.
    stack: Vec<Vec<(PathBuf, String)>>,
    seen: HashSet<PathBuf>,
}

enum WalkItem {
    File { path: PathBuf, id: String },
    Warning(Warning),
}

impl Walk {
    fn new(root: &Path) -> Result<Walk> {
        let mut walk = Walk {
            stack: Vec::new(),
            seen: HashSet::new(),
        };
        let canonical = fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
        walk.seen.insert(canonical);
        let entries = Walk::list(root, "").map_err(|e| Error::io(root, e))?;
        walk.stack.push(entries);
        Ok(walk)
    }

    /// Sorted entries of a directory, hidden names left out.
    fn list(dir: &Path, prefix: &str) -> io::Result<Vec<(PathBuf, String)>> {
        let mut names: Vec<OsString> = Vec::new();
        for entry in fs::read_dir(dir)? {
            let name = entry?.file_name();
            if !name.as_encoded_bytes().starts_with(b".") {
                names.push(name);
            }
        }
        // OsStr orders byte-wise on Unix.
        names.sort_unstable_by(|a, b| b.cmp(a));
        Ok(names
            .into_iter()
            .map(|name| {
                let id = format!("{prefix}{}", name.to_string_lossy());
                (dir.join(name), id)
            })
            .collect())
    }

    fn next(&mut self) -> Option<WalkItem> {
        loop {
            let top = self.stack.last_mut()?;
            let Some((path, id)) = top.pop() else {
                self.stack.pop();
                continue;
            };
            let warning = |message: String, skipped| {
                Some(WalkItem::Warning(Warning {
                    path: path.clone(),
                    line: 0,
                    message,
                    skipped,
                }))
            };
            let meta = match fs::metadata(&path) {
                Ok(meta) => meta,
                Err(e) => return warning(format!("cannot read ({e}); skipped"), true),
            };
            if meta.is_dir() {
                let canonical = match fs::canonicalize(&path) {
                    Ok(c) => c,
                    Err(e) => return warning(format!("cannot read ({e}); skipped"), true),
                };
                if !self.seen.insert(canonical.clone()) {
                    return warning(
                        format!(
                            "directory {} was already read (symbolic link loop?); not entered again",
                            canonical.display()
                        ),
                        false,
                    );
                }
                match Walk::list(&path, &format!("{id}/")) {
                    Ok(entries) => self.stack.push(entries),
                    Err(e) => {
                        return warning(format!("cannot read directory ({e}); skipped"), true)
                    }
                }
                continue;
            }
            if !meta.is_file() {
                return warning("not a regular file; skipped".into(), true);
            }
            return Some(WalkItem::File { path, id });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::read_all;

    fn read(inputs: &[Input]) -> (Vec<Document>, Vec<Warning>) {
        read_all(inputs, &ReadOptions::default()).unwrap()
    }

    fn mem(name: &str, bytes: &[u8]) -> Vec<Input> {
        vec![Input::memory(name, bytes)]
    }

    fn ids(docs: &[Document]) -> Vec<&str> {
        docs.iter().map(|d| d.id.as_str()).collect()
    }

    fn messages(warnings: &[Warning]) -> Vec<String> {
        warnings.iter().map(ToString::to_string).collect()
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    /// The text field of `{"text":"BODY"}` as serde_json reads it into a
    /// `Value`, or its error message, beside the record that the reader made
    /// of the same line.
    fn text_both_ways(body: &str) -> (Result<String, String>, Result<String, String>) {
        let line = format!("{{\"id\":\"x\",\"text\":\"{body}\"}}");
        let theirs = match serde_json::from_str::<serde_json::Value>(&line) {
            Ok(v) => Ok(v["text"].as_str().expect("a string").to_owned()),
            Err(e) => Err(format!("c.jsonl:1: invalid JSON ({e}); skipped")),
        };
        let (docs, warnings) = read(&mem("c.jsonl", line.as_bytes()));
        let ours = match (docs.as_slice(), warnings.as_slice()) {
            ([doc], []) => Ok(doc.text.clone()),
            ([], [w]) if w.skipped => Err(w.to_string()),
            _ => panic!("{docs:?} {warnings:?}"),
        };
        (ours, theirs)
    }

    #[test]
    fn jsonl_text_escapes_read_as_serde_json_reads_them() {
        for body in [
            "",
            "plain",
            r#"a\"b\\c\/d\be\ff\ng\rh\ti"#,
            r"\u00e9t\u00C9 \u4e2d \ud83d\ude00 end",
            r"\\u0041 is not an escape",
            "caf\u{e9} \\n na\u{ef}ve",
            // serde_json refuses these: half a surrogate pair.
            r"lone \udc00 trail",
            r"lone \ud800 lead",
            r"lead \ud800\n then a line feed",
            r"lead \ud800\u0041 then A",
            r"two leads \ud800\ud800",
            // And these, however the string is read.
            r"bad \x escape",
            r"short \u12",
            r"not hex \u12g4",
        ] {
            let (ours, theirs) = text_both_ways(body);
            assert_eq!(ours, theirs, "{body}");
        }
        assert_eq!(
            text_both_ways(r"\ud83d\ude00\u00e9").0.unwrap(),
            "\u{1F600}\u{e9}"
        );
    }

    #[test]
    fn unescape_json_never_needs_more_room_than_its_input() {
        for raw in [
            r#""\u00e9""#,
            r#""\ud83d\ude00""#,
            r#""\n\t""#,
            r#""\u4e2d""#,
        ] {
            let text = unescape_json(raw).unwrap();
            assert!(text.len() <= raw.len() - 2, "{raw}");
        }
        // What serde_json's check of a raw value lets through but a string
        // refuses, and what is no string at all.
        assert_eq!(unescape_json(r#""\udc00""#), None);
        assert_eq!(unescape_json(r#""\ud800x""#), None);
        assert_eq!(unescape_json("12"), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        /// Any string serde_json writes reads back as itself.
        #[test]
        fn jsonl_text_written_by_serde_json_reads_back(text in "\\PC*|[\\x00-\\x1f\"\\\\/\\u{e9}\\u{1F600}a]*") {
            let body = serde_json::to_string(&text).unwrap();
            let (ours, theirs) = text_both_ways(&body[1..body.len() - 1]);
            proptest::prop_assert_eq!(&ours, &theirs);
            proptest::prop_assert_eq!(ours, Ok(text));
        }

        /// Bodies pieced together from plain text, every escape, and `\\u`
        /// escapes of any four hex digits (surrogates most often): read as
        /// serde_json reads them, errors included.
        #[test]
        fn jsonl_text_escape_soup_reads_as_serde_json_reads_it(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    "[a-z \\u{e9}]{0,4}",
                    proptest::strategy::Strategy::prop_map(proptest::sample::select(vec![
                        r#"\""#, r"\\", r"\/", r"\b", r"\f", r"\n", r"\r", r"\t", r"\x", r"\",
                    ]), str::to_owned),
                    proptest::strategy::Strategy::prop_map(
                        proptest::prop_oneof![0xD7F0u16..0xE010, proptest::num::u16::ANY],
                        |n| format!("\\u{n:04x}"),
                    ),
                    "\\\\u[0-9a-fA-Fg]{0,4}",
                ],
                0..8,
            ),
        ) {
            let body = pieces.concat();
            let (ours, theirs) = text_both_ways(&body);
            proptest::prop_assert_eq!(ours, theirs);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
        /// JSONL lines of every length, inside one 2 MiB block or across
        /// its end, with CRLF, blank and broken lines, plain and gzipped:
        /// each record is read whole and keeps its line number.
        #[test]
        fn jsonl_lines_of_any_length_are_read_whole(
            lines in proptest::collection::vec(
                (
                    proptest::prop_oneof![0usize..100, 1_000usize..70_000, 200_000usize..300_000],
                    0u8..8,
                ),
                0..10,
            ),
            gzipped in proptest::bool::ANY,
        ) {
            let mut file = Vec::new();
            let (mut texts, mut broken) = (Vec::new(), Vec::new());
            for (n, (len, kind)) in lines.iter().enumerate() {
                let line = n as u64 + 1;
                let text: String = (0..*len).map(|i| (b'a' + (i % 23) as u8) as char).collect();
                match kind {
                    0 => file.extend_from_slice(b"  \t"),
                    1 => {
                        file.extend_from_slice(b"{\"text\": \"");
                        file.extend_from_slice(text.as_bytes());
                        broken.push(line);
                    }
                    _ => {
                        file.extend_from_slice(format!("{{\"id\":\"r{line}\",\"text\":\"{text}\"}}").as_bytes());
                        texts.push((format!("r{line}"), text));
                    }
                }
                file.extend_from_slice(if kind % 2 == 0 { b"\r\n" } else { b"\n" });
            }
            let bytes = if gzipped { gzip(&file) } else { file };
            let name = if gzipped { "a.jsonl.gz" } else { "a.jsonl" };
            let (docs, warnings) = read(&mem(name, &bytes));
            let got: Vec<(String, String)> = docs.into_iter().map(|d| (d.id, d.text)).collect();
            proptest::prop_assert_eq!(got, texts);
            let lines: Vec<u64> = warnings.iter().map(|w| w.line).collect();
            proptest::prop_assert_eq!(lines, broken);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// JSONL blocks of any size limits hold whole lines, in order,
        /// nothing lost or repeated, numbered from 1, each within its
        /// limits unless one line alone is longer.
        #[test]
        fn jsonl_blocks_cut_at_line_ends(
            lines in proptest::collection::vec(
                (proptest::prop_oneof![0usize..20, 60_000usize..150_000], proptest::bool::ANY),
                0..12,
            ),
            last_has_end in proptest::bool::ANY,
            want_bytes in proptest::prop_oneof![1usize..64, 100usize..200_000],
            want_lines in 1usize..5,
        ) {
            let mut file = Vec::new();
            for (n, (len, crlf)) in lines.iter().enumerate() {
                file.extend((0..*len).map(|i| b'a' + ((n + i) % 26) as u8));
                file.extend_from_slice(if *crlf { b"\r\n" } else { b"\n" });
            }
            if !last_has_end && file.last() == Some(&b'\n') {
                file.pop();
                if file.last() == Some(&b'\r') {
                    file.pop();
                }
            }
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("b.jsonl");
            fs::write(&path, &file).unwrap();
            let stream = Lines::new(
                Path::new("b.jsonl").into(),
                "b.jsonl".into(),
                Box::new(Cursor::new(file.clone())),
            );
            // The same file through a memory map (an empty file is not
            // mapped).
            for (mut source, mapped) in [(Some(stream), false), (map(&path), true)] {
                let Some(source) = source.as_mut() else { continue };
                let (mut joined, mut next_line) = (Vec::new(), 1);
                while let Some(block) = source.next_block(want_bytes, want_lines).unwrap() {
                    proptest::prop_assert_eq!(block.first_line, next_line);
                    let ends = block.bytes.iter().filter(|&&b| b == b'\n').count();
                    let unended = usize::from(block.bytes.last() != Some(&b'\n'));
                    proptest::prop_assert_eq!(block.lines, ends + unended);
                    proptest::prop_assert!(block.lines >= 1 && block.lines <= want_lines);
                    let at_end = joined.len() + block.bytes.len() == file.len();
                    if unended == 1 {
                        // Only the file's last line may lack its end.
                        proptest::prop_assert!(at_end);
                    }
                    if block.lines > 1 {
                        // Not past the byte limit by more than the last line.
                        let before_last = block.bytes[..block.bytes.len() - 1]
                            .iter()
                            .rposition(|&b| b == b'\n')
                            .unwrap();
                        proptest::prop_assert!(before_last < want_bytes);
                    }
                    if mapped && !at_end && block.lines < want_lines {
                        // A map is not cut before the byte limit.
                        proptest::prop_assert!(block.bytes.len() >= want_bytes);
                    }
                    next_line += block.lines as u64;
                    joined.extend_from_slice(&block.bytes);
                }
                proptest::prop_assert_eq!(&joined, &file);
            }
        }
    }

    /// Lines of the file at `path` through a memory map (`None` if empty).
    fn map(path: &Path) -> Option<Lines<'static>> {
        let file = fs::File::open(path).unwrap();
        if file.metadata().unwrap().len() == 0 {
            return None;
        }
        let source = LineSource::Mapped(MappedFile {
            map: Arc::new(unsafe { Mmap::map(&file) }.unwrap()),
            pos: 0,
            progress: Arc::default(),
        });
        Some(Lines::with_source(path.into(), "b.jsonl".into(), source))
    }

    /// Reads `inputs` with the given [`Reader::map_files`] and 3-line
    /// blocks, then decodes the records, as the pipeline does.
    fn read_mapped(
        inputs: &[Input],
        map_from: Option<u64>,
    ) -> Result<(Vec<Document>, Vec<String>, u64)> {
        let progress = Arc::new(Progress::default());
        let options = ReadOptions::default();
        let mut reader = Reader::new(inputs, &options, Arc::clone(&progress))
            .blocks(64, 3)
            .map_files(map_from);
        let (mut docs, mut warnings) = (Vec::new(), Vec::new());
        while let Some(raw) = reader.next_raw()? {
            let mut blocks = Vec::new();
            for record in records(vec![raw], &mut blocks) {
                let parsed = record.parse(&options);
                warnings.extend(parsed.warnings.iter().map(ToString::to_string));
                docs.extend(parsed.document);
            }
        }
        Ok((docs, warnings, progress.bytes()))
    }

    /// Reads `inputs` by read calls, checks that they read the same
    /// through maps (of files from 0 and from 20 bytes), and returns what
    /// they read.
    fn read_mapped_alike(inputs: &[Input]) -> (Vec<Document>, Vec<String>, u64) {
        let read = read_mapped(inputs, None).unwrap();
        for min in [0, 20] {
            let mapped = read_mapped(inputs, Some(min)).unwrap();
            assert_eq!(mapped, read, "maps from {min} bytes");
        }
        read
    }

    #[test]
    fn mapped_jsonl_files_read_like_read_calls() {
        let dir = tempfile::tempdir().unwrap();
        let jsonl = "\u{feff}{\"id\":\"a\",\"text\":\"one\"}\r\n\n{bad\n  \n{\"text\":\"two\"}\n{\"id\":\"c\",\"text\":\"\u{e9}\"}\n{\"id\":\"d\",\"text\":\"x\"}";
        fs::write(dir.path().join("a.jsonl"), jsonl).unwrap();
        fs::write(dir.path().join("b.ndjson"), "{\"text\":\"three\"}\n").unwrap();
        fs::write(dir.path().join("c.jsonl"), "").unwrap();
        fs::write(
            dir.path().join("d.jsonl.gz"),
            gzip(b"{\"text\":\"four\"}\n"),
        )
        .unwrap();
        fs::write(dir.path().join("e.txt"), "{\"text\":\"five\"}\n").unwrap();
        let inputs = [
            Input::from_arg(dir.path().join("a.jsonl")),
            Input::from_arg(dir.path()),
        ];
        let (docs, warnings, bytes) = read_mapped_alike(&inputs);
        assert_eq!(docs.len(), 11);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        // Each file once, the gzipped one decompressed, a BOM included.
        assert_eq!(
            bytes as usize,
            2 * jsonl.len() + 3 * "{\"text\":\"four\"}\n".len() + 1
        );
    }

    #[test]
    fn mapped_csv_files_read_like_read_calls() {
        let dir = tempfile::tempdir().unwrap();
        // A BOM, blank lines, CRLF, a quoted cell over two lines with a
        // doubled quote, a record without the text cell, invalid UTF-8, a
        // record longer than a 64-byte block, no line end at the end.
        let mut csv =
            b"\xEF\xBB\xBF\r\nid,text,date\r\na,\"one\r\n\"\"two\"\"\",2020\r\n\n".to_vec();
        csv.extend_from_slice(b"b\r\nc,x\xFFy,\n");
        csv.extend_from_slice(format!("d,\"{}\"\ne,last", "long ".repeat(40)).as_bytes());
        fs::write(dir.path().join("a.csv"), &csv).unwrap();
        fs::write(dir.path().join("b.csv"), "").unwrap();
        fs::write(dir.path().join("c.csv"), "\n\r\n").unwrap();
        fs::write(dir.path().join("d.csv"), "text\n\"unclosed\nquote").unwrap();
        let inputs = [Input::from_arg(dir.path())];
        let (docs, warnings, bytes) = read_mapped_alike(&inputs);
        assert_eq!(ids(&docs), ["a", "c", "d", "e", "d.csv:2"], "{warnings:?}");
        assert_eq!(docs[0].text, "one\r\n\"two\"");
        assert_eq!(docs[3].text, "last");
        assert_eq!(docs[4].text, "unclosed\nquote");
        assert_eq!(
            warnings,
            [
                format!(
                    "{}:6: record has 1 fields, no \"text\" column; skipped",
                    dir.path().join("a.csv").display()
                ),
                format!(
                    "{}:7: invalid UTF-8: 1 byte sequence replaced with U+FFFD",
                    dir.path().join("a.csv").display()
                ),
                format!(
                    "{}:2: a quoted cell is never closed, so it runs to the end of the file; \
                     check the file's quotes",
                    dir.path().join("d.csv").display()
                ),
            ]
        );
        assert_eq!(bytes as usize, csv.len() + 3 + 20);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_mapped_file_that_shrinks_is_an_error_not_a_crash() {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in [
            ("a.jsonl", "{\"text\":\"x\"}\n".repeat(1000)),
            ("a.csv", format!("text\n{}", "\"x\"\n".repeat(3000))),
        ] {
            let path = dir.path().join(name);
            fs::write(&path, bytes).unwrap();
            let inputs = [Input::from_arg(&path)];
            let options = ReadOptions::default();
            let mut reader = Reader::new(&inputs, &options, Arc::default())
                .blocks(4096, 4096)
                .map_files(Some(0));
            assert!(reader.next_raw().unwrap().is_some());
            fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_len(100)
                .unwrap();
            let e = reader.next_raw().unwrap_err().to_string();
            assert!(e.contains(name) && e.contains("shrank"), "{e}");
        }
    }

    /// Resident file-backed memory of this process, in KiB.
    #[cfg(target_os = "linux")]
    fn rss_file_kib() -> u64 {
        let status = fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("RssFile:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_mapped_block_gives_back_its_pages_when_done() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        let line = format!("{{\"text\":\"{}\"}}\n", "x".repeat(1000));
        fs::write(&path, line.repeat(64 << 10)).unwrap(); // 64 MiB
        let inputs = [Input::from_arg(&path)];
        let options = ReadOptions::default();
        let mut reader = Reader::new(&inputs, &options, Arc::default()).map_files(Some(0));
        let before = rss_file_kib();
        let mut most = 0;
        while let Some(raw) = reader.next_raw().unwrap() {
            let mut blocks = Vec::new();
            let lines = records(vec![raw], &mut blocks).len();
            assert!(lines > 0);
            most = most.max(rss_file_kib().saturating_sub(before));
        }
        // One 2 MiB block at a time is resident, not the file (other tests
        // in this process may map a little too).
        assert!(most < 16 << 10, "{most} KiB resident");
    }

    #[test]
    fn jsonl_block_records_keep_line_numbers_and_skip_blank_lines() {
        let (docs, w) = read(&mem(
            "n.jsonl",
            b"\n{\"text\":\"a\"}\r\n  \t\r\n{\"text\":\"b\"}\n\n{bad\n{\"text\":\"c\"}",
        ));
        assert_eq!(ids(&docs), ["n.jsonl:2", "n.jsonl:4", "n.jsonl:7"]);
        assert_eq!(messages(&w).len(), 1);
        assert!(messages(&w)[0].starts_with("n.jsonl:6: invalid JSON"));
    }

    #[test]
    fn txt_is_one_document_named_after_the_file() {
        let (docs, w) = read(&mem("dir/a.txt", b"Talks in Astana.\r\nMore."));
        assert_eq!(ids(&docs), ["a.txt"]);
        assert_eq!(docs[0].text, "Talks in Astana.\r\nMore.");
        assert!(w.is_empty());
    }

    #[test]
    fn any_other_extension_is_text() {
        let (docs, _) = read(&mem("notes.md", b"# x"));
        assert_eq!(docs[0].text, "# x");
    }

    #[test]
    fn bom_is_removed_from_text_jsonl_and_csv() {
        let (docs, _) = read(&mem("a.txt", b"\xEF\xBB\xBFHello"));
        assert_eq!(docs[0].text, "Hello");
        let (docs, w) = read(&mem("a.jsonl", b"\xEF\xBB\xBF{\"text\":\"Hi\"}\n"));
        assert_eq!((docs[0].text.as_str(), w.len()), ("Hi", 0));
        let (docs, w) = read(&mem("a.csv", b"\xEF\xBB\xBFid,text\r\nx,Hi\r\n"));
        assert_eq!((docs[0].id.as_str(), docs[0].text.as_str()), ("x", "Hi"));
        assert!(w.is_empty());
    }

    #[test]
    fn empty_text_file_is_an_empty_document() {
        let (docs, w) = read(&mem("a.txt", b""));
        assert_eq!((docs.len(), docs[0].text.as_str(), w.len()), (1, "", 0));
    }

    #[test]
    fn binary_text_file_is_skipped() {
        let (docs, w) = read(&mem("a.txt", b"ab\0cd"));
        assert!(docs.is_empty());
        assert_eq!(
            messages(&w),
            ["a.txt: binary file (NUL byte in the first 8 KiB); skipped"]
        );
        assert!(w[0].skipped);
    }

    #[test]
    fn nul_after_the_probe_is_kept() {
        let mut bytes = vec![b'a'; BINARY_PROBE];
        bytes.push(0);
        let (docs, w) = read(&mem("a.txt", &bytes));
        assert_eq!((docs[0].text.len(), w.len()), (BINARY_PROBE + 1, 0));
    }

    #[test]
    fn invalid_utf8_is_replaced_like_from_utf8_lossy() {
        let bytes = b"Caf\xC3 in Baku \xF0\x9F\x98 and \xFF\xFE end";
        let (docs, w) = read(&mem("a.txt", bytes));
        assert_eq!(docs[0].text, String::from_utf8_lossy(bytes));
        assert_eq!(
            docs[0].text,
            "Caf\u{FFFD} in Baku \u{FFFD} and \u{FFFD}\u{FFFD} end"
        );
        assert_eq!(
            messages(&w),
            ["a.txt: invalid UTF-8: 4 byte sequences replaced with U+FFFD"]
        );
        assert!(!w[0].skipped);
    }

    #[test]
    fn invalid_utf8_in_jsonl_keeps_the_record() {
        let (docs, w) = read(&mem("c.jsonl", b"{\"id\":\"a\",\"text\":\"x\xFFy\"}\n"));
        assert_eq!(docs[0].text, "x\u{FFFD}y");
        assert_eq!(
            messages(&w),
            ["c.jsonl:1: invalid UTF-8: 1 byte sequence replaced with U+FFFD"]
        );
    }

    #[test]
    fn jsonl_fields_and_defaults() {
        let input = b"{\"id\":\"a1\",\"date\":\"2023-05-17\",\"title\":\"T\",\"text\":\"Hi.\",\"extra\":[1,{\"x\":2}]}\n\
            \n   \n\
            {\"text\":\"No id.\"}\r\n\
            {\"id\":17,\"text\":\"Numeric id.\"}\n\
            {\"id\":1.5e3,\"text\":\"Float id.\"}\n\
            {\"id\":\"\",\"text\":\"Empty id.\",\"date\":null,\"title\":\"\"}";
        let (docs, w) = read(&mem("news.jsonl", input));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(
            ids(&docs),
            ["a1", "news.jsonl:4", "17", "1500.0", "news.jsonl:7"]
        );
        assert_eq!(docs[0].date.as_deref(), Some("2023-05-17"));
        assert_eq!(docs[0].title.as_deref(), Some("T"));
        assert_eq!(docs[4].date, None);
        assert_eq!(docs[4].title, None);
    }

    #[test]
    fn ndjson_is_jsonl() {
        let (docs, _) = read(&mem("x.ndjson", b"{\"text\":\"a\"}\n"));
        assert_eq!(ids(&docs), ["x.ndjson:1"]);
    }

    #[test]
    fn jsonl_broken_lines_are_skipped_with_file_and_line() {
        let input = b"{\"id\":\"a\",\"text\":\"ok\"}\n\
            {\"id\":\"b\",\"text\":\"broken\n\
            {\"id\":\"c\"}\n\
            {\"id\":\"d\",\"text\":null}\n\
            {\"id\":\"e\",\"text\":5}\n\
            [1,2]\n\
            {\"id\":\"f\",\"text\":\"x\"} trailing\n\
            {\"id\":[1],\"text\":\"x\"}\n\
            {\"id\":\"g\",\"text\":\"fine\"}\n";
        let (docs, w) = read(&mem("c.jsonl", input));
        assert_eq!(ids(&docs), ["a", "g"]);
        let m = messages(&w);
        assert_eq!(m.len(), 7, "{m:#?}");
        assert!(m[0].starts_with("c.jsonl:2: invalid JSON ("), "{}", m[0]);
        assert_eq!(m[1], "c.jsonl:3: missing field \"text\"; skipped");
        assert_eq!(
            m[2],
            "c.jsonl:4: field \"text\" is null, not a string; skipped"
        );
        assert_eq!(
            m[3],
            "c.jsonl:5: field \"text\" is a number, not a string; skipped"
        );
        assert!(
            m[4].starts_with(
                "c.jsonl:6: invalid JSON (invalid type: sequence, expected a JSON object"
            ),
            "{}",
            m[4]
        );
        assert!(
            m[5].starts_with("c.jsonl:7: invalid JSON (trailing characters"),
            "{}",
            m[5]
        );
        assert_eq!(
            m[6],
            "c.jsonl:8: field \"id\" is an array, not a string or number; skipped"
        );
        assert!(w.iter().all(|w| w.skipped));
    }

    #[test]
    fn bad_dates_are_dropped_not_the_document() {
        let input = b"{\"id\":\"a\",\"text\":\"x\",\"date\":\"17/05/2023\"}\n\
            {\"id\":\"b\",\"text\":\"x\",\"date\":20230517}\n\
            {\"id\":\"c\",\"text\":\"x\",\"date\":\"2023-05-17T10:00:00Z\"}\n\
            {\"id\":\"d\",\"text\":\"x\",\"title\":7}\n";
        let (docs, w) = read(&mem("d.jsonl", input));
        assert_eq!(ids(&docs), ["a", "b", "c", "d"]);
        assert_eq!(docs[0].date, None);
        assert_eq!(docs[2].date.as_deref(), Some("2023-05-17T10:00:00Z"));
        assert_eq!(
            messages(&w),
            [
                "d.jsonl:1: date \"17/05/2023\" does not start with YYYY, YYYY-MM or YYYY-MM-DD; date dropped",
                "d.jsonl:2: field \"date\" is a number, not a string; date dropped",
                "d.jsonl:4: field \"title\" is a number, not a string; title dropped",
            ]
        );
        assert!(w.iter().all(|w| !w.skipped));
    }

    #[test]
    fn date_rule() {
        for ok in [
            "2023",
            "2023-05",
            "2023-05-17",
            "2023-05-17T10:00",
            "2023-05-17 10:00",
            "1999-12-31Z",
            "2023 spring",
        ] {
            assert!(is_plausible_date(ok), "{ok}");
        }
        for bad in [
            "",
            "202",
            "20230517",
            "2023-5-17",
            "2023-13-01",
            "2023-00",
            "2023-05-32",
            "2023-05-1",
            "2023-05-170",
            "May 2023",
            "17/05/2023",
            "２０２３",
        ] {
            assert!(!is_plausible_date(bad), "{bad}");
        }
    }

    #[test]
    fn custom_field_names() {
        let options = ReadOptions {
            id_field: "uid".into(),
            text_field: "body".into(),
            date_field: "published".into(),
            title_field: "headline".into(),
        };
        let input = Input::memory(
            "x.jsonl",
            "{\"uid\":\"u\",\"body\":\"B\",\"published\":\"2022\",\"headline\":\"H\",\"text\":\"no\",\"id\":\"no\"}\n",
        );
        let (docs, w) = read_all(&[input], &options).unwrap();
        assert!(w.is_empty());
        assert_eq!(
            docs[0],
            Document {
                id: "u".into(),
                text: "B".into(),
                date: Some("2022".into()),
                title: Some("H".into())
            }
        );
        let csv = Input::memory("x.csv", "headline,body\nH,B\n");
        let (docs, _) = read_all(&[csv], &options).unwrap();
        assert_eq!(
            (docs[0].id.as_str(), docs[0].title.as_deref()),
            ("x.csv:2", Some("H"))
        );
    }

    #[test]
    fn a_csv_column_named_for_two_fields_fills_both() {
        let options = ReadOptions {
            title_field: "text".into(),
            id_field: "text".into(),
            ..ReadOptions::default()
        };
        // Quoted with a doubled quote, so the cell is not borrowed.
        let csv = Input::memory("x.csv", "text\n\"say \"\"hi\"\"\"\n");
        let (docs, _) = read_all(&[csv], &options).unwrap();
        let doc = &docs[0];
        let expected = "say \"hi\"";
        assert_eq!(
            (doc.id.as_str(), doc.title.as_deref(), doc.text.as_str()),
            (expected, Some(expected), expected)
        );
    }

    #[test]
    fn later_duplicate_keys_win() {
        let (docs, _) = read(&mem("x.jsonl", b"{\"text\":\"a\",\"text\":\"b\"}\n"));
        assert_eq!(docs[0].text, "b");
    }

    #[test]
    fn escaped_keys_match() {
        let (docs, _) = read(&mem("x.jsonl", b"{\"te\\u0078t\":\"a\"}\n"));
        assert_eq!(docs[0].text, "a");
    }

    #[test]
    fn csv_rfc4180_with_crlf_and_quotes() {
        let input = b"id,date,title,text\r\n\
            a,2023-01-02,Title,\"Line one,\r\nline \"\"two\"\"\"\r\n\
            b,,,Plain\r\n\
            ,bad,,No id\r\n\
            c,2023\r\n";
        let (docs, w) = read(&mem("n.csv", input));
        assert_eq!(ids(&docs), ["a", "b", "n.csv:5"]);
        assert_eq!(docs[0].text, "Line one,\r\nline \"two\"");
        assert_eq!(docs[0].date.as_deref(), Some("2023-01-02"));
        assert_eq!((docs[1].date.clone(), docs[1].title.clone()), (None, None));
        assert_eq!(
            messages(&w),
            [
                "n.csv:5: date \"bad\" does not start with YYYY, YYYY-MM or YYYY-MM-DD; date dropped",
                "n.csv:6: record has 2 fields, no \"text\" column; skipped",
            ]
        );
    }

    #[test]
    fn csv_header_errors_name_its_line() {
        let options = ReadOptions::default();
        let err = read_all(&mem("n.csv", b"\r\n\nid,\"text\nx,y\n"), &options).unwrap_err();
        assert_eq!(
            err.to_string(),
            "n.csv:3: a quoted cell of the header is never closed, so it runs to the end of \
             the file; check the file's quotes"
        );
        let err = read_all(&mem("n.csv", b"\n\nid,body\na,b\n"), &options).unwrap_err();
        assert!(
            err.to_string().starts_with("n.csv:3: no \"text\" column"),
            "{err}"
        );
    }

    #[test]
    fn csv_quote_never_closed_is_a_warning() {
        let (docs, w) = read(&mem("n.csv", b"id,text\na,\"x\nb,y\n"));
        assert_eq!(ids(&docs), ["a"]);
        assert_eq!(docs[0].text, "x\nb,y\n");
        assert_eq!(
            messages(&w),
            [
                "n.csv:2: a quoted cell is never closed, so it runs to the end of the file; \
              check the file's quotes"
            ]
        );
        // Closed, even by the file's last byte: no warning.
        let (_, w) = read(&mem("n.csv", b"id,text\na,\"x\nb,y\""));
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn csv_line_numbers_are_physical() {
        for eol in ["\n", "\r\n"] {
            let input = "id,text\na,\"x\ny\"\n\nb\n\n\nc\n".replace('\n', eol);
            let (_, w) = read(&mem("n.csv", input.as_bytes()));
            let lines: Vec<u64> = w.iter().map(|w| w.line).collect();
            assert_eq!(lines, [5, 8], "{eol:?}");
        }
    }

    #[test]
    fn csv_without_text_column_is_an_error() {
        let err = read_all(&mem("n.csv", b"id,body\na,b\n"), &ReadOptions::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "n.csv:1: no \"text\" column for the text; the columns are \"id\", \"body\" (choose one with --text-field)"
        );
    }

    #[test]
    fn empty_csv_has_no_documents() {
        let (docs, w) = read(&mem("n.csv", b""));
        assert!(docs.is_empty() && w.is_empty());
    }

    #[test]
    fn csv_invalid_utf8_cell() {
        let (docs, w) = read(&mem("n.csv", b"id,text\na,x\xFFy\n"));
        assert_eq!(w[0].line, 2);
        assert_eq!(docs[0].text, "x\u{FFFD}y");
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn gzip_for_every_format() {
        let (docs, _) = read(&mem("a.txt.gz", &gzip(b"Hello.")));
        assert_eq!(
            (ids(&docs), docs[0].text.as_str()),
            (vec!["a.txt.gz"], "Hello.")
        );
        let (docs, _) = read(&mem(
            "a.jsonl.gz",
            &gzip(b"{\"id\":\"x\",\"text\":\"y\"}\n"),
        ));
        assert_eq!(ids(&docs), ["x"]);
        let (docs, _) = read(&mem("a.CSV.GZ", &gzip(b"id,text\nq,r\n")));
        assert_eq!(ids(&docs), ["q"]);
    }

    #[test]
    fn concatenated_gzip_members_are_all_read() {
        let mut bytes = gzip(b"{\"text\":\"a\"}\n");
        bytes.extend(gzip(b"{\"text\":\"b\"}\n"));
        let (docs, _) = read(&mem("a.jsonl.gz", &bytes));
        assert_eq!(ids(&docs), ["a.jsonl.gz:1", "a.jsonl.gz:2"]);
    }

    #[test]
    fn truncated_gzip_is_an_error_naming_the_file() {
        let text = "{\"text\":\"some words here\"}\n".repeat(2000);
        let bytes = gzip(text.as_bytes());
        for input in [
            mem("t.jsonl.gz", &bytes[..bytes.len() / 2]),
            mem("t.txt.gz", &bytes[..bytes.len() - 4]),
            mem("-", &bytes[..bytes.len() / 2]),
        ] {
            let err = read_all(&input, &ReadOptions::default()).unwrap_err();
            let msg = err.to_string();
            assert!(msg.contains("truncated or corrupt gzip"), "{msg}");
            assert!(
                msg.starts_with("t.jsonl.gz: ")
                    || msg.starts_with("t.txt.gz: ")
                    || msg.starts_with("-: "),
                "{msg}"
            );
        }
    }

    /// The records read whole before a gzip stream breaks are delivered,
    /// then the error: the same records an independent reader decodes.
    #[test]
    fn records_before_a_broken_gzip_come_first() {
        let text = "{\"text\":\"some words here\"}\n".repeat(2000);
        let bytes = gzip(text.as_bytes());
        let cut = &bytes[..bytes.len() / 2];
        let mut decoded = Vec::new();
        let _ = flate2::read::MultiGzDecoder::new(cut).read_to_end(&mut decoded);
        let whole = decoded.iter().filter(|&&b| b == b'\n').count();
        assert!(whole > 100, "{whole}");
        let mut seen = 0;
        let err = crate::corpus::process(
            &mem("t.jsonl.gz", cut),
            &ReadOptions::default(),
            |_| (),
            |event| {
                if let crate::corpus::Event::Document(doc, ()) = event {
                    assert_eq!(doc.text, "some words here");
                    seen += 1;
                }
                Ok::<_, Error>(())
            },
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("truncated or corrupt gzip"),
            "{err}"
        );
        assert_eq!(seen, whole);
    }

    #[test]
    fn not_gzip_with_gz_name_is_an_error() {
        let err = read_all(&mem("t.txt.gz", b"plain"), &ReadOptions::default()).unwrap_err();
        assert!(err.to_string().starts_with("t.txt.gz: "), "{err}");
    }

    #[test]
    fn stdin_sniffing() {
        let (docs, _) = read(&mem(
            "-",
            b"  \n {\"id\":\"j\",\"text\":\"x\"}\n{\"text\":\"y\"}\n",
        ));
        assert_eq!(ids(&docs), ["j", "-:3"]);
        let (docs, _) = read(&mem("-", b"\xEF\xBB\xBF{\"text\":\"x\"}"));
        assert_eq!(ids(&docs), ["-:1"]);
        let (docs, _) = read(&mem("-", b"\n Plain text {not json}.\n"));
        assert_eq!(ids(&docs), ["-"]);
        assert_eq!(docs[0].text, "\n Plain text {not json}.\n");
        let (docs, _) = read(&mem("-", &gzip(b"{\"text\":\"z\"}\n")));
        assert_eq!(docs[0].text, "z");
        let (docs, _) = read(&mem("-", &gzip(b"Plain.")));
        assert_eq!((ids(&docs), docs[0].text.as_str()), (vec!["-"], "Plain."));
        let (docs, w) = read(&mem("-", b" \n\t"));
        assert!(docs.is_empty() && w.is_empty());
        let (docs, _) = read(&mem("-", b""));
        assert!(docs.is_empty());
    }

    #[test]
    fn stdin_sniffing_past_the_first_chunk() {
        let mut bytes = vec![b' '; 20_000];
        bytes.extend_from_slice(b"{\"text\":\"late\"}");
        let (docs, _) = read(&mem("-", &bytes));
        assert_eq!(docs[0].text, "late");
    }

    #[test]
    fn huge_line_is_one_record() {
        let text = "word ".repeat(2_000_000);
        let line =
            format!("{{\"id\":\"big\",\"text\":\"{text}\"}}\n{{\"id\":\"next\",\"text\":\"x\"}}\n");
        let (docs, w) = read(&mem("h.jsonl", line.as_bytes()));
        assert!(w.is_empty());
        assert_eq!(ids(&docs), ["big", "next"]);
        assert_eq!(docs[0].text.len(), text.len());
    }

    #[test]
    fn missing_input_is_an_error() {
        let err = read_all(
            &[Input::from_arg("/nonexistent/x.txt")],
            &ReadOptions::default(),
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("/nonexistent/x.txt: "), "{err}");
    }

    #[test]
    fn duplicate_ids_are_kept_and_warned() {
        let input = b"{\"id\":\"a\",\"text\":\"1\"}\n{\"id\":\"b\",\"text\":\"2\"}\n{\"id\":\"a\",\"text\":\"3\"}\n{\"id\":\"a\",\"text\":\"4\"}\n";
        let (docs, w) = read(&mem("d.jsonl", input));
        assert_eq!(ids(&docs), ["a", "b", "a", "a"]);
        assert_eq!(
            messages(&w),
            [
                "d.jsonl:3: duplicate document id \"a\" (first at d.jsonl:1); both kept",
                "d.jsonl:4: duplicate document id \"a\" (first at d.jsonl:1); both kept",
            ]
        );
        assert!(w.iter().all(|w| !w.skipped));
    }

    #[test]
    fn several_inputs_in_order() {
        let inputs = [
            Input::memory("b.txt", "B"),
            Input::memory("a.jsonl", "{\"id\":\"x\",\"text\":\"X\"}\n"),
            Input::memory("a.txt", "A"),
        ];
        let (docs, _) = read(&inputs);
        assert_eq!(ids(&docs), ["b.txt", "x", "a.txt"]);
    }

    #[cfg(unix)]
    #[test]
    fn folder_walk_sorted_binary_loops_and_formats() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("corpus");
        fs::create_dir_all(root.join("sub/deeper")).unwrap();
        fs::create_dir_all(root.join("a")).unwrap();
        fs::write(root.join("b.txt"), "B").unwrap();
        fs::write(root.join("a-c.txt"), "AC").unwrap();
        fs::write(root.join("a/z.txt"), "AZ").unwrap();
        fs::write(root.join("sub/deeper/d.txt"), "D").unwrap();
        fs::write(root.join("sub/img.bin"), b"\x89PNG\0\0").unwrap();
        fs::write(root.join("sub/e.jsonl"), "{\"id\":\"e1\",\"text\":\"E\"}\n").unwrap();
        fs::write(root.join(".hidden"), "H").unwrap();
        symlink(&root, root.join("sub/loop")).unwrap();
        symlink(root.join("missing"), root.join("dangling.txt")).unwrap();
        let (docs, w) = read(&[Input::Path(root.clone())]);
        assert_eq!(
            ids(&docs),
            ["a/z.txt", "a-c.txt", "b.txt", "sub/deeper/d.txt", "e1"]
        );
        let m: Vec<String> = messages(&w)
            .iter()
            .map(|m| m.replace(&format!("{}/", root.display()), ""))
            .collect();
        assert_eq!(m.len(), 3, "{m:#?}");
        assert!(m[0].starts_with("dangling.txt: cannot read ("), "{}", m[0]);
        assert_eq!(
            m[1],
            "sub/img.bin: binary file (NUL byte in the first 8 KiB); skipped"
        );
        assert!(
            m[2].starts_with("sub/loop: directory ")
                && m[2].ends_with("was already read (symbolic link loop?); not entered again"),
            "{}",
            m[2]
        );
        assert_eq!(
            w.iter().map(|w| w.skipped).collect::<Vec<_>>(),
            [true, true, false]
        );
    }

    #[cfg(unix)]
    #[test]
    fn unreadable_file_in_folder_is_warned() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("secret.txt");
        fs::write(&f, "x").unwrap();
        fs::write(dir.path().join("open.txt"), "y").unwrap();
        fs::set_permissions(&f, fs::Permissions::from_mode(0o000)).unwrap();
        if fs::File::open(&f).is_ok() {
            return; // running as root: permissions are not enforced
        }
        let (docs, w) = read(&[Input::Path(dir.path().to_path_buf())]);
        assert_eq!(ids(&docs), ["open.txt"]);
        assert!(w[0].message.starts_with("cannot read ("), "{w:?}");
        assert!(w[0].skipped);
    }

    #[test]
    fn single_file_path_id_is_the_file_name() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("story.txt");
        fs::write(&f, "S").unwrap();
        let (docs, _) = read(&[Input::Path(f)]);
        assert_eq!(ids(&docs), ["story.txt"]);
    }

    #[test]
    fn progress_counts_decompressed_bytes() {
        let progress = Arc::new(Progress::default());
        let inputs = mem("a.txt.gz", &gzip(b"0123456789"));
        let options = ReadOptions::default();
        let mut reader = Reader::new(&inputs, &options, Arc::clone(&progress));
        while reader.next_raw().unwrap().is_some() {}
        assert_eq!(progress.bytes(), 10);
    }
}
