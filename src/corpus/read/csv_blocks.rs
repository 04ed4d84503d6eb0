//! A CSV corpus cut into blocks of whole records on the reading thread, and
//! split into records and cells on the pool.
//!
//! Parsing CSV (quotes, doubled quotes, cells) was most of the work of
//! reading a CSV corpus. Done by the `csv` crate on the reading thread, it
//! bounded a run at one core whatever the thread count. The reading thread
//! now only follows the quoting, with `memchr`, far enough to know where
//! records end ([`CsvState::scan`]), and hands out blocks that start and end
//! at record ends. The pool finds the records in a block the same way and
//! splits each into cells ([`cells`]) that borrow from the block unless a
//! doubled quote must be undone. Both follow the `csv` crate's reading of
//! its default dialect, byte for byte; a proptest and the `corpus_csv`
//! fuzz target hold them to it.

use std::borrow::Cow;
use std::io;
use std::path::Path;
use std::sync::Arc;

use memmap2::Mmap;

use super::{
    populate, BlockBytes, CsvColumns, MappedFile, Origin, Progress, Raw, Record, Stream,
    StreamBlocks, MIN_READ,
};

/// Where the `csv` crate's parser is between two bytes, as far as finding
/// record ends goes, in the dialect comention reads: `,` between cells,
/// `"` around a quoted cell and doubled inside one, and CR, LF or CRLF
/// ending a record. (The crate's own state machine has more states; they
/// differ only in what is copied out of a cell.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CsvState {
    /// Before a record: CR and LF here are blank lines.
    RecordStart,
    /// After a comma: a quote here opens a quoted cell.
    CellStart,
    /// In a cell that did not start with a quote: a quote is text.
    Unquoted,
    /// In a quoted cell: only a quote can end the quoting.
    Quoted,
    /// After a quote in a quoted cell: a second quote is a literal one;
    /// anything else ends the quoting and is read as in a cell.
    AfterQuote,
}

/// What [`CsvState::scan`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Scan {
    /// Bytes scanned: all of them, or up to the end of the record that
    /// made the record limit.
    pub(super) scanned: usize,
    /// The end of the last CR or LF outside a quoted cell among them: the
    /// bytes before it are whole records (and blank lines).
    pub(super) cut: Option<usize>,
    /// Records they ended (blank lines are not records).
    pub(super) records: usize,
}

impl CsvState {
    /// Follows the parser over `bytes`, stopping after `max_records`
    /// record ends.
    ///
    /// Inside cells it jumps with `memchr` to the only bytes that matter
    /// there (a quote in a quoted cell; a comma, CR or LF in another), so
    /// it costs about a pass of `memchr` over the text.
    pub(super) fn scan(&mut self, bytes: &[u8], max_records: usize) -> Scan {
        let (mut i, mut cut, mut records) = (0, None, 0);
        while i < bytes.len() && records < max_records {
            let byte = match *self {
                CsvState::Quoted => match memchr::memchr(b'"', &bytes[i..]) {
                    Some(k) => {
                        i += k + 1;
                        *self = CsvState::AfterQuote;
                        continue;
                    }
                    None => break,
                },
                CsvState::Unquoted => match memchr::memchr3(b',', b'\r', b'\n', &bytes[i..]) {
                    Some(k) => {
                        i += k;
                        bytes[i]
                    }
                    None => break,
                },
                _ => bytes[i],
            };
            i += 1;
            *self = match (byte, *self) {
                (b'\r' | b'\n', state) => {
                    cut = Some(i);
                    records += usize::from(state != CsvState::RecordStart);
                    CsvState::RecordStart
                }
                (b',', _) => CsvState::CellStart,
                (b'"', CsvState::RecordStart | CsvState::CellStart | CsvState::AfterQuote) => {
                    CsvState::Quoted
                }
                _ => CsvState::Unquoted,
            };
        }
        let scanned = if records < max_records {
            bytes.len()
        } else {
            i
        };
        Scan {
            scanned,
            cut,
            records,
        }
    }
}

/// Consecutive whole records of one CSV file (and the blank lines among
/// them), as read.
#[derive(Debug)]
pub(crate) struct CsvBlock {
    path: Arc<Path>,
    /// File name for default ids.
    name: Arc<str>,
    columns: Arc<CsvColumns>,
    /// Line number of the first byte.
    first_line: u64,
    /// Records ended in it, for batching.
    pub(super) records: usize,
    pub(super) bytes: BlockBytes,
}

impl CsvBlock {
    /// Its records, each with the line its first byte is on, added to
    /// `out` as borrowed bytes without their line ends.
    pub(super) fn push_records<'a>(&'a self, out: &mut Vec<Record<'a>>) {
        let bytes: &[u8] = &self.bytes;
        let (mut pos, mut line, mut counted) = (0, self.first_line, 0);
        while let Some((start, end, next)) = next_record(bytes, pos) {
            line += memchr::memchr_iter(b'\n', &bytes[counted..start]).count() as u64;
            counted = start;
            pos = next;
            out.push(Record::Csv {
                origin: Origin {
                    path: Arc::clone(&self.path),
                    line,
                },
                name: &self.name,
                bytes: &bytes[start..end],
                columns: &self.columns,
            });
        }
    }
}

/// The record of `bytes` at or after `pos` (blank lines before it are
/// passed over, as the parser does): its start, its end without the line
/// end, and where the next one may start. `None` if only blank lines are
/// left.
fn next_record(bytes: &[u8], pos: usize) -> Option<(usize, usize, usize)> {
    let start = pos
        + bytes[pos..]
            .iter()
            .position(|b| !matches!(b, b'\r' | b'\n'))?;
    let scan = CsvState::RecordStart.scan(&bytes[start..], 1);
    Some(if scan.records == 1 {
        (start, start + scan.scanned - 1, start + scan.scanned)
    } else {
        // The last record of the file, without a line end.
        (start, bytes.len(), bytes.len())
    })
}

/// The cells of one record (without its line end), as the `csv` crate
/// reads them: a cell that starts with a quote is quoted up to the next
/// quote that is not doubled, a doubled quote inside stands for one, and
/// whatever follows the closing quote up to the next comma is part of the
/// cell too; a quote anywhere else is text. An unclosed quote runs to the
/// end of the record (and the record to the end of the file: the second
/// value says so). A cell borrows from `record` unless it had a quote to
/// undouble or text after its closing quote.
pub(super) fn cells(record: &[u8]) -> (Vec<Cow<'_, [u8]>>, bool) {
    let mut cells = Vec::new();
    let mut unclosed = false;
    let mut i = 0;
    loop {
        let cell = if record.get(i) == Some(&b'"') {
            let mut owned: Option<Vec<u8>> = None;
            let mut from = i + 1;
            loop {
                let Some(k) = memchr::memchr(b'"', &record[from..]) else {
                    // Never closed: the rest of the record.
                    i = record.len();
                    unclosed = true;
                    break join(owned, &record[from..], &[]);
                };
                let quote = from + k;
                if record.get(quote + 1) == Some(&b'"') {
                    owned
                        .get_or_insert_with(Vec::new)
                        .extend_from_slice(&record[from..=quote]);
                    from = quote + 2;
                    continue;
                }
                let after = quote + 1;
                i = memchr::memchr(b',', &record[after..]).map_or(record.len(), |k| after + k);
                break join(owned, &record[from..quote], &record[after..i]);
            }
        } else {
            let end = memchr::memchr(b',', &record[i..]).map_or(record.len(), |k| i + k);
            let cell = Cow::Borrowed(&record[i..end]);
            i = end;
            cell
        };
        cells.push(cell);
        if i == record.len() {
            return (cells, unclosed);
        }
        i += 1; // the comma
    }
}

/// A quoted cell: what `owned` holds (the parts before doubled quotes),
/// then `quoted` and `after`.
fn join<'a>(owned: Option<Vec<u8>>, quoted: &'a [u8], after: &'a [u8]) -> Cow<'a, [u8]> {
    match owned {
        None if after.is_empty() => Cow::Borrowed(quoted),
        owned => {
            let mut cell = owned.unwrap_or_default();
            cell.extend_from_slice(quoted);
            cell.extend_from_slice(after);
            Cow::Owned(cell)
        }
    }
}

/// A CSV file's first record.
#[derive(Debug)]
pub(super) struct Header {
    pub(super) cells: Vec<Vec<u8>>,
    /// The line it starts on.
    pub(super) line: u64,
    /// A quoted cell in it is never closed: it holds the rest of the file.
    pub(super) unclosed: bool,
}

/// A CSV file being cut into [`CsvBlock`]s.
pub(super) struct CsvBlocks<'a> {
    path: Arc<Path>,
    name: Arc<str>,
    source: Source<'a>,
    /// The line the next block starts on.
    line: u64,
}

/// Where a CSV file's bytes come from.
enum Source<'a> {
    Stream(StreamSource<'a>),
    Mapped(MappedFile),
}

/// Read calls, into each block's own buffer.
struct StreamSource<'a> {
    blocks: StreamBlocks<'a>,
    /// How many bytes of the carry [`CsvState::scan`] has seen (it stops
    /// at a record limit).
    carry_scanned: usize,
    /// The parser's state after those.
    state: CsvState,
}

impl<'a> CsvBlocks<'a> {
    /// Cuts a stream, read from its start.
    pub(super) fn stream(path: Arc<Path>, name: Arc<str>, stream: Stream<'a>) -> Self {
        let source = Source::Stream(StreamSource {
            blocks: StreamBlocks::new(stream),
            carry_scanned: 0,
            state: CsvState::RecordStart,
        });
        CsvBlocks {
            path,
            name,
            source,
            line: 1,
        }
    }

    /// Cuts a memory-mapped file from byte `pos` (after a BOM); the bytes
    /// of each block are counted into `progress` as it is cut.
    pub(super) fn mapped(
        path: Arc<Path>,
        name: Arc<str>,
        map: Arc<Mmap>,
        pos: usize,
        progress: Arc<Progress>,
    ) -> Self {
        let source = Source::Mapped(MappedFile { map, pos, progress });
        CsvBlocks {
            path,
            name,
            source,
            line: 1,
        }
    }

    /// The header: the first record, `None` if the file has no record.
    /// Must come before [`CsvBlocks::next_block`].
    pub(super) fn header(&mut self) -> io::Result<Option<Header>> {
        let (bytes, first_line) = loop {
            let first_line = self.line;
            match self.cut(MIN_READ, 1)? {
                None => return Ok(None),
                Some((_, 0)) => continue, // blank lines
                Some((bytes, _)) => break (bytes, first_line),
            }
        };
        Ok(next_record(&bytes, 0).map(|(start, end, _)| {
            let (cells, unclosed) = cells(&bytes[start..end]);
            Header {
                cells: cells.into_iter().map(Cow::into_owned).collect(),
                line: first_line + memchr::memchr_iter(b'\n', &bytes[..start]).count() as u64,
                unclosed,
            }
        }))
    }

    /// The next whole records: blocks of about `want_bytes` bytes (a
    /// record longer than that is a block of its own, with the records
    /// before it in a block before) and no more than `want_records`
    /// records, whose cells are read with `columns`. `None` at the end of
    /// the file. After a read error, the records read whole before it come
    /// first, then the error.
    pub(super) fn next_block(
        &mut self,
        columns: &Arc<CsvColumns>,
        want_bytes: usize,
        want_records: usize,
    ) -> io::Result<Option<Raw>> {
        let first_line = self.line;
        let Some((bytes, records)) = self.cut(want_bytes, want_records)? else {
            return Ok(None);
        };
        Ok(Some(Raw::CsvBlock(CsvBlock {
            path: Arc::clone(&self.path),
            name: Arc::clone(&self.name),
            columns: Arc::clone(columns),
            first_line,
            records,
            bytes,
        })))
    }

    /// The bytes of the next whole records, and how many records end in
    /// them (the last record of a file may have no line end); `None` at the
    /// end of the file.
    fn cut(
        &mut self,
        want_bytes: usize,
        want_records: usize,
    ) -> io::Result<Option<(BlockBytes, usize)>> {
        let want_records = want_records.max(1);
        let cut = match &mut self.source {
            Source::Stream(stream) => stream.cut(want_bytes, want_records)?,
            Source::Mapped(mapped) => mapped.cut_records(want_bytes, want_records)?,
        };
        if let Some((bytes, _)) = &cut {
            self.line += memchr::memchr_iter(b'\n', bytes).count() as u64;
        }
        Ok(cut)
    }
}

impl StreamSource<'_> {
    fn cut(
        &mut self,
        want_bytes: usize,
        want_records: usize,
    ) -> io::Result<Option<(BlockBytes, usize)>> {
        let blocks = &mut self.blocks;
        if let Some(e) = blocks.failed.take() {
            return Err(e);
        }
        let mut buf = std::mem::take(&mut blocks.carry);
        let mut scanned = self.carry_scanned;
        let (mut cut, mut records) = (0, 0);
        loop {
            let scan = self.state.scan(&buf[scanned..], want_records - records);
            if let Some(end) = scan.cut {
                cut = scanned + end;
            }
            scanned += scan.scanned;
            records += scan.records;
            if records == want_records
                || (cut > 0 && buf.len() >= want_bytes)
                || blocks.failed.is_some()
            {
                break;
            }
            if blocks.eof {
                if buf.len() > cut {
                    // The last record, without a line end.
                    records += usize::from(self.state != CsvState::RecordStart);
                    cut = buf.len();
                    scanned = cut;
                    self.state = CsvState::RecordStart;
                }
                break;
            }
            blocks.read_more(&mut buf, want_bytes);
        }
        if cut == 0 {
            return blocks.failed.take().map_or(Ok(None), Err);
        }
        blocks.carry_after(&mut buf, cut, want_bytes);
        self.carry_scanned = scanned - cut;
        Ok(Some((BlockBytes::Read(buf), records)))
    }
}

impl MappedFile {
    /// The next block of CSV records: scans from the next block's start up
    /// to `want_bytes` bytes and cuts at the last record end there; only a
    /// record longer than that makes it scan on. (A stream may be cut
    /// elsewhere; the records are the same.)
    fn cut_records(
        &mut self,
        want_bytes: usize,
        want_records: usize,
    ) -> io::Result<Option<(BlockBytes, usize)>> {
        let start = self.pos;
        let rest = &self.map[start..];
        if rest.is_empty() {
            return Ok(None);
        }
        let what_to_do = "rerun on a copy that no program writes to";
        let mut window = rest.len().min(want_bytes.max(1));
        populate(&self.map, start, window, what_to_do)?;
        let mut state = CsvState::RecordStart;
        let (mut scanned, mut cut, mut records) = (0, 0, 0);
        loop {
            let scan = state.scan(&rest[scanned..window], want_records - records);
            if let Some(end) = scan.cut {
                cut = scanned + end;
            }
            scanned += scan.scanned;
            records += scan.records;
            if records == want_records {
                break;
            }
            if window == rest.len() {
                if cut < window {
                    // The last record, without a line end.
                    records += usize::from(state != CsvState::RecordStart);
                    cut = window;
                }
                break;
            }
            if cut > 0 {
                break;
            }
            // No record ends in the window: a long record. As much again,
            // so that it costs linear time.
            let more = window.min(rest.len() - window);
            populate(&self.map, start + window, more, what_to_do)?;
            window += more;
        }
        Ok(Some((self.hand_out(start + cut), records)))
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    /// A reader that hands out its bytes in the given chunk sizes.
    struct Chunked<'b> {
        bytes: &'b [u8],
        sizes: std::iter::Cycle<std::vec::IntoIter<usize>>,
    }

    impl Read for Chunked<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self
                .sizes
                .next()
                .unwrap()
                .min(buf.len())
                .min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    /// What the `csv` crate reads from the whole file: the header, and
    /// each record's line (that of its first byte, counting line feeds) and
    /// cells.
    type Expected = (Option<Vec<Vec<u8>>>, Vec<(u64, Vec<Vec<u8>>)>);

    fn whole(bytes: &[u8]) -> Expected {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut header = None;
        let mut records = Vec::new();
        loop {
            let mut record = csv::ByteRecord::new();
            let at = reader.position().byte() as usize;
            if !reader.read_byte_record(&mut record).unwrap() {
                break;
            }
            let cells = record.iter().map(<[u8]>::to_vec).collect();
            if header.is_none() {
                header = Some(cells);
                continue;
            }
            let first = at
                + bytes[at..]
                    .iter()
                    .position(|b| !matches!(b, b'\r' | b'\n'))
                    .unwrap();
            let line = 1 + bytes[..first].iter().filter(|&&b| b == b'\n').count() as u64;
            records.push((line, cells));
        }
        (header, records)
    }

    /// What the blocks read, from a stream handing out `reads` bytes at a
    /// time or (`reads` empty) through a memory map.
    fn in_blocks(bytes: &[u8], reads: Vec<usize>, block: usize, most: usize) -> Expected {
        let path: Arc<Path> = Path::new("c.csv").into();
        let mut blocks = if reads.is_empty() {
            let mut file = tempfile::tempfile().unwrap();
            std::io::Write::write_all(&mut file, bytes).unwrap();
            if bytes.is_empty() {
                return whole(bytes); // an empty file is never mapped
            }
            let map = Arc::new(unsafe { Mmap::map(&file) }.unwrap());
            CsvBlocks::mapped(Arc::clone(&path), "c.csv".into(), map, 0, Arc::default())
        } else {
            let stream = Box::new(Chunked {
                bytes,
                sizes: reads.into_iter().cycle(),
            });
            CsvBlocks::stream(Arc::clone(&path), "c.csv".into(), stream)
        };
        let header = blocks.header().unwrap().map(|h| h.cells);
        let columns = Arc::new(CsvColumns {
            id: None,
            text: 0,
            date: None,
            title: None,
        });
        let mut records = Vec::new();
        while let Some(raw) = blocks.next_block(&columns, block, most).unwrap() {
            let Raw::CsvBlock(block) = raw else {
                panic!("not a block: {raw:?}")
            };
            let mut out = Vec::new();
            block.push_records(&mut out);
            assert!(
                block.records >= out.len(),
                "{} < {}",
                block.records,
                out.len()
            );
            assert!(out.len() <= most, "{} records, at most {most}", out.len());
            for record in out {
                let Record::Csv { origin, bytes, .. } = record else {
                    panic!("not a record: {record:?}")
                };
                records.push((
                    origin.line,
                    cells(bytes).0.into_iter().map(Cow::into_owned).collect(),
                ));
            }
        }
        (header, records)
    }

    proptest::proptest! {
        /// Cut into blocks anywhere the scanner allows, in any read sizes
        /// or through a memory map, a file reads as the `csv` crate reads
        /// it whole: the same header, records, cells and lines. (The
        /// alphabet is every byte the parser tells apart.)
        #[test]
        fn blocks_read_as_the_whole_file(
            bytes in proptest::collection::vec(
                proptest::sample::select(vec![b'a', b',', b'"', b'\r', b'\n']),
                0..300,
            ),
            reads in proptest::collection::vec(1usize..40, 0..6),
            block in 1usize..64,
            most in 1usize..5,
        ) {
            proptest::prop_assert_eq!(in_blocks(&bytes, reads, block, most), whole(&bytes));
        }
    }

    #[test]
    fn scan_follows_the_quoting() {
        // (input, cut, records): a quote opens a quoted cell only at a
        // cell's start, and a doubled quote inside one is text.
        for (input, cut, records) in [
            (&b"a,b\nc"[..], Some(4), 1),
            (b"\"a\nb\",c\n", Some(8), 1),
            (b"a\"b\nc\"\n", Some(7), 2),
            (b"\"a\"\"\nb\"\n", Some(8), 1),
            (b"\"a\"b\nc", Some(5), 1),
            (b"\r\n\r\n", Some(4), 0),
            (b"a\r\nb\r", Some(5), 2),
            (b",\"x\ny\"\n", Some(7), 1),
            (b"\"open\n", None, 0),
        ] {
            let mut state = CsvState::RecordStart;
            let scan = state.scan(input, usize::MAX);
            assert_eq!(
                (scan.cut, scan.records, scan.scanned),
                (cut, records, input.len()),
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn scan_stops_at_the_record_limit() {
        let mut state = CsvState::RecordStart;
        let scan = state.scan(b"a\n\nb\nc\n", 2);
        assert_eq!((scan.scanned, scan.cut, scan.records), (5, Some(5), 2));
        assert_eq!(state, CsvState::RecordStart);
    }
}
