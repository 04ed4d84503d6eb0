//! The compiled-automaton cache: a tagger's patterns, space-word filter
//! and automaton in one file, so that the next run with the same gazetteer
//! and options reads them instead of building them.
//!
//! Building is most of a large gazetteer's start-up: with 35,000 aliases
//! (66,575 patterns), daachorse's build takes ~0.1 s of the 0.15 s before
//! the first document is tagged, and with a second thread the tagger
//! meanwhile tags with the slower trie while the build competes with it for
//! the cores. Reading the file takes a few milliseconds.
//!
//! The file is named by a 128-bit key over everything the build reads: the
//! entities in order (id, type, name, every alias with its adjective flag),
//! the options that change the patterns (case rule, diacritic folding,
//! adjectives, automaton), the crate version, this module's format number,
//! and the size and modification time of the running executable, so that a
//! rebuilt program never reads a file an older build wrote. A changed
//! gazetteer or option is a different key, hence a different file: nothing
//! is ever read for the wrong source.
//!
//! A file is written to a temporary name and renamed into place, so a
//! reader sees a whole file or none; a checksum over its body catches a
//! damaged one, which is then rebuilt and replaced. After each write only
//! the [`KEEP_FILES`] most recently used files stay.
//!
//! A file is read through a memory map, and its checksum is taken on a
//! second thread of the pool while its body is decoded.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use daachorse::DoubleArrayAhoCorasick;
use rayon::prelude::*;

use super::lower::Lower;
use super::runs::SpaceWords;
use super::trie::Trie;
use super::{Automaton, Case, Daac, Matcher, Pattern, Split, TaggerBuilder};
use crate::gazetteer::Gazetteer;

/// The first bytes of every cache file.
const MAGIC: &[u8; 16] = b"comention:dfa:1\n";

/// Changed whenever the layout of the body changes.
const FORMAT: u32 = 3;

/// How many cache files stay after a write (the most recently used).
pub(super) const KEEP_FILES: usize = 8;

/// Temporary files older than this are left over from a run that stopped
/// while writing, and are removed.
const STALE_TEMP: Duration = Duration::from_secs(3600);

/// The extension of a cache file.
const EXTENSION: &str = "automaton";

/// The gazetteer of the unit tests and of the `cache_body` fuzz target,
/// whose seed is a file the tests write for it.
pub(super) const TEST_GAZETTEER: &str = "id,type,name,aliases,adjectives\n\
    kz,COUNTRY,Kazakhstan,,Kazakh\n\
    xi,PERSON,Xi Jinping,Xi,\n\
    aq,ORG,al-Qaeda,the Abode of Peace,\n\
    tr,COUNTRY,Türkiye,Turkey,\n";

/// What a tagger takes from a cache file.
pub(super) struct Compiled {
    pub patterns: Vec<Pattern>,
    pub space_words: SpaceWords,
    pub matcher: Matcher,
}

/// A cache file that does not hold what it should.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Damaged(pub &'static str);

impl std::fmt::Display for Damaged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// A 128-bit hash that is the same on every machine and every run (the
/// standard library's hashers are seeded or may change between releases).
/// Not cryptographic: it tells contents apart and catches damage. Each
/// 8-byte word goes through a bijection of the state, so two inputs of the
/// same length that differ in one word always hash differently.
#[derive(Debug, Clone)]
pub(super) struct StableHasher {
    a: u64,
    b: u64,
}

impl StableHasher {
    pub fn new() -> Self {
        StableHasher {
            a: 0x243F_6A88_85A3_08D3,
            b: 0x1319_8A2E_0370_7344,
        }
    }

    #[inline]
    pub fn word(&mut self, w: u64) {
        self.a = (self.a ^ w)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(27);
        self.b = (self.b ^ w.rotate_left(32))
            .wrapping_mul(0xD6E8_FEB8_6659_FD93)
            .rotate_left(31)
            .wrapping_add(self.a);
    }

    /// Adds the whole little-endian words of `bytes` and returns the
    /// bytes after the last whole word (fewer than eight).
    pub fn words<'b>(&mut self, bytes: &'b [u8]) -> &'b [u8] {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.word(u64::from_le_bytes(w.try_into().expect("eight bytes")));
        }
        words.remainder()
    }

    /// Adds `bytes` and their length (so that `"ab", "c"` and `"a", "bc"`
    /// differ).
    pub fn bytes(&mut self, bytes: &[u8]) {
        let rest = self.words(bytes);
        let mut last = [0; 8];
        last[..rest.len()].copy_from_slice(rest);
        self.word(u64::from_le_bytes(last));
        self.word(bytes.len() as u64);
    }

    pub fn u64(&mut self, value: u64) {
        self.word(value);
    }

    pub fn finish(&self) -> u128 {
        let mix = |mut x: u64| {
            x ^= x >> 33;
            x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
            x ^= x >> 33;
            x = x.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
            x ^ (x >> 33)
        };
        (u128::from(mix(self.a)) << 64) | u128::from(mix(self.b ^ self.a.rotate_left(17)))
    }
}

/// The key of the tagger `options` build from `gazetteer` (see the module
/// doc for what it covers).
pub(super) fn key(gazetteer: &Gazetteer, options: &TaggerBuilder) -> u128 {
    let mut h = StableHasher::new();
    h.bytes(MAGIC);
    h.u64(u64::from(FORMAT));
    h.bytes(env!("CARGO_PKG_VERSION").as_bytes());
    // The running program: a rebuild changes its size or time.
    let program = std::env::current_exe().and_then(fs::metadata).ok();
    h.u64(program.as_ref().map_or(0, |m| m.len()));
    let time = program
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    h.u64(time as u64);
    h.u64((time >> 64) as u64);
    h.u64(match options.case {
        Case::Smart => 1,
        Case::Sensitive => 2,
        Case::Insensitive => 3,
    });
    h.u64(u64::from(options.fold_diacritics));
    h.u64(u64::from(options.adjectives));
    h.u64(match options.automaton {
        Automaton::Auto => 1,
        Automaton::AhoCorasick => 2,
        Automaton::Daachorse => 3,
        Automaton::Trie => 4,
    });
    let entities = gazetteer.entities();
    h.u64(entities.len() as u64);
    // The entities in runs of a fixed size, hashed in parallel, then the
    // runs' hashes in order: the same key on any number of threads. One
    // pass on one thread was 10 ms of the 0.12 s the large gazetteer's
    // tagger took to load from the cache.
    let runs: Vec<u128> = entities
        .par_chunks(KEY_RUN)
        .map(|run| {
            let mut h = StableHasher::new();
            for entity in run {
                h.bytes(entity.id.as_bytes());
                h.bytes(entity.kind.as_bytes());
                h.bytes(entity.name.as_bytes());
                h.u64(entity.aliases.len() as u64);
                for alias in &entity.aliases {
                    h.bytes(alias.text.as_bytes());
                    h.u64(u64::from(alias.is_adjective));
                }
            }
            h.finish()
        })
        .collect();
    for run in runs {
        h.u64(run as u64);
        h.u64((run >> 64) as u64);
    }
    h.finish()
}

/// Entities in one of [`key`]'s runs.
const KEY_RUN: usize = 4096;

/// Appends little-endian values to a buffer.
#[derive(Debug, Default)]
pub(super) struct Out {
    pub buf: Vec<u8>,
}

impl Out {
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    pub fn u16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    /// A length, then the bytes.
    pub fn bytes(&mut self, v: &[u8]) {
        self.u64(v.len() as u64);
        self.buf.extend_from_slice(v);
    }

    /// A length, then the values.
    pub fn u32s(&mut self, v: &[u32]) {
        self.u64(v.len() as u64);
        self.buf.reserve(v.len() * 4);
        for &x in v {
            self.u32(x);
        }
    }

    /// A length, then the values.
    pub fn u64s(&mut self, v: &[u64]) {
        self.u64(v.len() as u64);
        self.buf.reserve(v.len() * 8);
        for &x in v {
            self.u64(x);
        }
    }
}

/// Reads what [`Out`] wrote; every read checks that the bytes are there.
#[derive(Debug)]
pub(super) struct In<'a> {
    pub rest: &'a [u8],
}

/// A file that ends too early.
const SHORT: Damaged = Damaged("it ends too early");

impl<'a> In<'a> {
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], Damaged> {
        if n > self.rest.len() {
            return Err(SHORT);
        }
        let (taken, rest) = self.rest.split_at(n);
        self.rest = rest;
        Ok(taken)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Damaged> {
        Ok(self.take(N)?.try_into().expect("N bytes"))
    }

    pub fn u8(&mut self) -> Result<u8, Damaged> {
        Ok(self.array::<1>()?[0])
    }

    pub fn u16(&mut self) -> Result<u16, Damaged> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    pub fn u32(&mut self) -> Result<u32, Damaged> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    pub fn u64(&mut self) -> Result<u64, Damaged> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    /// A length of items of `size` bytes each, checked against what is
    /// left (so that a damaged length cannot ask for a huge allocation).
    pub fn len(&mut self, size: usize) -> Result<usize, Damaged> {
        let n = usize::try_from(self.u64()?).map_err(|_| SHORT)?;
        if n.checked_mul(size)
            .map_or(true, |bytes| bytes > self.rest.len())
        {
            return Err(SHORT);
        }
        Ok(n)
    }

    pub fn bytes(&mut self) -> Result<&'a [u8], Damaged> {
        let n = self.len(1)?;
        self.take(n)
    }

    /// A length, then values of `N` bytes each, read by `from_le`.
    fn values<T, const N: usize>(&mut self, from_le: fn([u8; N]) -> T) -> Result<Vec<T>, Damaged> {
        let n = self.len(N)?;
        let bytes = self.take(n * N)?;
        Ok(bytes
            .chunks_exact(N)
            .map(|c| from_le(c.try_into().expect("N bytes")))
            .collect())
    }

    pub fn u32s(&mut self) -> Result<Vec<u32>, Damaged> {
        self.values(u32::from_le_bytes)
    }

    pub fn u64s(&mut self) -> Result<Vec<u64>, Damaged> {
        self.values(u64::from_le_bytes)
    }
}

/// Tags of the automaton in a file.
const DAACHORSE: u8 = 1;
const TRIE: u8 = 2;

/// The file's first bytes for `key`: magic, format, key.
fn header(key: u128) -> Vec<u8> {
    let mut head = Out::default();
    head.buf.extend_from_slice(MAGIC);
    head.u32(FORMAT);
    head.buf.extend_from_slice(&key.to_le_bytes());
    head.buf
}

/// Writes the whole file under `key` to `to` in pieces of a few megabytes
/// (a million-alias trie is 120 MB: one buffer for all of it would add
/// that to the peak memory of the run that builds it). The checksum of the
/// body comes last.
pub(super) fn encode(
    key: u128,
    patterns: &[Pattern],
    space_words: &SpaceWords,
    matcher: &Matcher,
    to: &mut impl Write,
) -> std::io::Result<()> {
    struct Summed<'w, W: Write> {
        to: &'w mut W,
        sum: StableHasher,
        /// Bytes not yet a whole word of the checksum.
        pending: Vec<u8>,
        len: u64,
    }
    impl<W: Write> Summed<'_, W> {
        /// Writes and sums what `out` holds, and empties it.
        fn put(&mut self, out: &mut Out) -> std::io::Result<()> {
            self.to.write_all(&out.buf)?;
            self.len += out.buf.len() as u64;
            let mut data = &out.buf[..];
            if !self.pending.is_empty() {
                let take = (8 - self.pending.len()).min(data.len());
                self.pending.extend_from_slice(&data[..take]);
                data = &data[take..];
                if self.pending.len() == 8 {
                    self.sum.words(&self.pending);
                    self.pending.clear();
                }
            }
            let rest = self.sum.words(data);
            self.pending.extend_from_slice(rest);
            out.buf.clear();
            Ok(())
        }
    }
    to.write_all(&header(key))?;
    let mut w = Summed {
        to,
        sum: StableHasher::new(),
        pending: Vec::new(),
        len: 0,
    };
    let mut body = Out::default();
    match matcher {
        Matcher::Daachorse(split) => {
            body.u8(DAACHORSE);
            body.bytes(&split.main.0.serialize());
            match &split.lower {
                None => body.u8(0),
                Some(lower) => {
                    body.u8(1);
                    let keys = lower.keys();
                    body.u64(keys.len() as u64);
                    for (k, value) in keys {
                        body.bytes(k);
                        body.u32(*value);
                    }
                }
            }
        }
        Matcher::Trie(trie) => {
            body.u8(TRIE);
            trie.encode(&mut body, &mut |out| w.put(out))?;
        }
        Matcher::AhoCorasick(_) => unreachable!("aho-corasick automata are not cached"),
    }
    body.u64(patterns.len() as u64);
    for chunk in patterns.chunks(1 << 20) {
        for p in chunk {
            body.u32(p.entity);
            body.u8(u8::from(p.is_added_form)
                | (u8::from(p.is_caps_form) << 1)
                | (u8::from(p.lost_apostrophe) << 2));
        }
        w.put(&mut body)?;
    }
    space_words.encode(&mut body);
    w.put(&mut body)?;
    let Summed {
        to,
        mut sum,
        pending,
        len,
    } = w;
    sum.bytes(&pending);
    sum.u64(len);
    to.write_all(&sum.finish().to_le_bytes())
}

/// The checksum of a whole body, as [`encode`] computes it piece by piece.
fn checksum(body: &[u8]) -> u128 {
    let mut sum = StableHasher::new();
    let rest = sum.words(body);
    sum.bytes(rest);
    sum.u64(body.len() as u64);
    sum.finish()
}

/// Reads a whole file written by [`encode`] under `key`, for a gazetteer of
/// `entities` entities.
pub(super) fn decode(file: &[u8], key: u128, entities: usize) -> Result<Compiled, Damaged> {
    let mut input = In { rest: file };
    if input.take(MAGIC.len()).ok() != Some(MAGIC.as_slice()) {
        return Err(Damaged("it is not a comention automaton file"));
    }
    if input.u32()? != FORMAT {
        return Err(Damaged("another version of comention wrote it"));
    }
    if u128::from_le_bytes(input.array()?) != key {
        return Err(Damaged("it was written for another gazetteer"));
    }
    let Some(split) = input.rest.len().checked_sub(16) else {
        return Err(SHORT);
    };
    let (body, sum) = input.rest.split_at(split);
    let sum = u128::from_le_bytes(sum.try_into().expect("16 bytes"));
    // The checksum on another thread while the body is decoded: with the
    // large gazetteer (48 MB) it takes 11 ms. `decode_body` rejects any
    // bytes without panicking (the `cache_body` fuzz target), so it may
    // see a damaged body; its result is then thrown away.
    let (summed, compiled) = rayon::join(|| checksum(body), || decode_body(body, entities));
    if summed != sum {
        return Err(Damaged("its checksum does not match"));
    }
    compiled
}

/// The body of a cache file (no header, no checksum): also the fuzz
/// target's entry, since it must reject any bytes without panicking.
pub(super) fn decode_body(body: &[u8], entities: usize) -> Result<Compiled, Damaged> {
    let mut input = In { rest: body };
    let kind = input.u8()?;
    // The automaton comes first, but its values are checked against the
    // pattern count, which comes after: read the automaton's bytes now,
    // build it at the end.
    enum Raw<'a> {
        Daachorse(&'a [u8], Option<Vec<(&'a [u8], u32)>>),
        Trie(Trie),
    }
    let raw = match kind {
        DAACHORSE => {
            let main = input.bytes()?;
            let lower = match input.u8()? {
                0 => None,
                1 => {
                    let n = input.len(12)?;
                    let mut keys = Vec::with_capacity(n);
                    for _ in 0..n {
                        let k = input.bytes()?;
                        keys.push((k, input.u32()?));
                    }
                    Some(keys)
                }
                _ => return Err(Damaged("a flag is neither 0 nor 1")),
            };
            Raw::Daachorse(main, lower)
        }
        TRIE => Raw::Trie(Trie::decode(&mut input)?),
        _ => return Err(Damaged("unknown automaton")),
    };
    let n = input.len(5)?;
    let mut patterns = Vec::with_capacity(n);
    for _ in 0..n {
        let entity = input.u32()?;
        let flags = input.u8()?;
        if entity as usize >= entities || flags >= 8 {
            return Err(Damaged("a pattern names no entity of the gazetteer"));
        }
        patterns.push(Pattern {
            entity,
            is_added_form: flags & 1 != 0,
            is_caps_form: flags & 2 != 0,
            lost_apostrophe: flags & 4 != 0,
        });
    }
    let space_words = SpaceWords::decode(&mut input)?;
    if !input.rest.is_empty() {
        return Err(Damaged("it has bytes after its end"));
    }
    if patterns.is_empty() {
        return Err(Damaged("it has no patterns"));
    }
    let matcher = match raw {
        Raw::Daachorse(main, lower) => {
            let (main, rest) = DoubleArrayAhoCorasick::<u32>::deserialize(main)
                .map_err(|_| Damaged("its automaton is invalid"))?;
            if !rest.is_empty() {
                return Err(Damaged("its automaton has bytes after its end"));
            }
            let lower = match lower {
                None => None,
                Some(keys) => {
                    if keys.is_empty()
                        || keys.len() > super::LOWER_APART_MAX
                        || keys
                            .iter()
                            .any(|(k, v)| k.is_empty() || *v as usize >= patterns.len())
                    {
                        return Err(Damaged("a lower-case pattern is empty or unknown"));
                    }
                    Some(Lower::new(&keys))
                }
            };
            Matcher::Daachorse(Box::new(Split {
                main: Daac(main),
                lower,
            }))
        }
        Raw::Trie(trie) => {
            if !trie.values_below(patterns.len()) {
                return Err(Damaged("the trie names a pattern it does not have"));
            }
            Matcher::Trie(trie)
        }
    };
    Ok(Compiled {
        patterns,
        space_words,
        matcher,
    })
}

/// A cache file's bytes: memory-mapped, or read if the map fails.
///
/// A map spares the copy of the file and the zeroing of a buffer as large:
/// with the large gazetteer's 48 MB file, reading it took 42 ms of the
/// 0.12 s that loading the tagger from the cache took.
enum FileBytes {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl FileBytes {
    fn open(path: &Path) -> std::io::Result<FileBytes> {
        let file = fs::File::open(path)?;
        // SAFETY: the map is only read. Cache files are written under a
        // temporary name and renamed into place, never changed where they
        // are; one removed while mapped stays readable. If another program
        // truncated it anyway, populating the map fails with EFAULT on
        // Linux (a clean error) instead of a later SIGBUS.
        let Ok(map) = (unsafe { memmap2::Mmap::map(&file) }) else {
            // Systems or files that cannot be mapped.
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut &file, &mut bytes)?;
            return Ok(FileBytes::Read(bytes));
        };
        populated(map).map(FileBytes::Mapped)
    }
}

/// `map` with its page-table entries filled in at once (one call instead
/// of a page fault every few pages), or an error if the file is now
/// shorter than the map.
fn populated(map: memmap2::Mmap) -> std::io::Result<memmap2::Mmap> {
    crate::corpus::read::populate(&map, 0, map.len(), "remove it")?;
    Ok(map)
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Mapped(map) => map,
            FileBytes::Read(bytes) => bytes,
        }
    }
}

/// One key's place in a cache folder.
#[derive(Debug, Clone)]
pub(super) struct Slot {
    dir: PathBuf,
    key: u128,
}

impl Slot {
    pub fn new(dir: &Path, key: u128) -> Self {
        Slot {
            dir: dir.to_path_buf(),
            key,
        }
    }

    /// The cache file's path.
    pub fn path(&self) -> PathBuf {
        self.dir.join(format!("{:032x}.{EXTENSION}", self.key))
    }

    /// The compiled tagger parts, if the file is there; an error says why
    /// a file that is there could not be used.
    pub fn load(&self, entities: usize) -> Result<Option<Compiled>, String> {
        let path = self.path();
        let bytes = match FileBytes::open(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        let compiled = decode(&bytes, self.key, entities).map_err(|why| {
            format!(
                "ignored {} ({why}); it is rebuilt and replaced",
                path.display()
            )
        })?;
        // Recently used files are the ones kept (see `evict`).
        if let Ok(file) = fs::File::options().write(true).open(&path) {
            let _ = file.set_modified(SystemTime::now());
        }
        Ok(Some(compiled))
    }

    /// Creates the folder and a temporary file to write the cache file to:
    /// done before the build, so that a folder that cannot be written is
    /// reported at once even when the build is finished on another thread.
    pub fn reserve(&self) -> Result<Pending, String> {
        let fail = |e: std::io::Error| format!("cannot write to {}: {e}", self.dir.display());
        fs::create_dir_all(&self.dir).map_err(fail)?;
        let temp = self.dir.join(format!(
            ".{:032x}.{}.{}.tmp",
            self.key,
            std::process::id(),
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos())
        ));
        let file = fs::File::options()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(fail)?;
        Ok(Pending {
            file: Some(file),
            temp,
            slot: self.clone(),
        })
    }
}

/// A cache file being written (see [`Slot::reserve`]); dropped unfinished,
/// it removes its temporary file.
#[derive(Debug)]
pub(super) struct Pending {
    file: Option<fs::File>,
    temp: PathBuf,
    slot: Slot,
}

impl Pending {
    /// Writes the file and moves it into place; returns its path.
    pub fn finish(
        mut self,
        patterns: &[Pattern],
        space_words: &SpaceWords,
        matcher: &Matcher,
    ) -> Result<PathBuf, String> {
        let path = self.slot.path();
        let file = self.file.take().expect("finished once");
        let mut to = std::io::BufWriter::with_capacity(1 << 20, file);
        encode(self.slot.key, patterns, space_words, matcher, &mut to)
            .and_then(|()| to.flush())
            .and_then(|()| {
                // Closed before the rename (Windows cannot rename an open file).
                drop(to);
                fs::rename(&self.temp, &path)
            })
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        evict(&self.slot.dir);
        Ok(path)
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        // Still here unless `finish` renamed it.
        let _ = fs::remove_file(&self.temp);
    }
}

/// Keeps the [`KEEP_FILES`] most recently used cache files of `dir` and
/// removes stale temporary files. Best effort: a file another run removes
/// first, or one that cannot be removed, is left alone.
fn evict(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    let mut files = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Ok(modified) = entry.metadata().and_then(|m| m.modified()) else {
            continue;
        };
        let is_key = |s: &str| s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit());
        if let Some(stem) = name.strip_suffix(&format!(".{EXTENSION}")) {
            if is_key(stem) {
                files.push((modified, entry.path()));
            }
        } else if name.starts_with('.')
            && name.ends_with(".tmp")
            && name.get(1..33).is_some_and(is_key)
            && now.duration_since(modified).unwrap_or_default() > STALE_TEMP
        {
            let _ = fs::remove_file(entry.path());
        }
    }
    if files.len() > KEEP_FILES {
        files.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        for (_, path) in &files[KEEP_FILES..] {
            let _ = fs::remove_file(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tagger::{CacheOutcome, Tagger};
    use proptest::prelude::*;

    fn gazetteer() -> Gazetteer {
        Gazetteer::from_csv_str(TEST_GAZETTEER).unwrap()
    }

    const TEXT: &str = "KAZAKHSTAN's Xi\nJinping met al-Qaeda and the Abode of Peace \
                        in Türkiye (TURKEY); a Kazakh view.";

    fn builders() -> Vec<TaggerBuilder> {
        let mut out = Vec::new();
        for automaton in [Automaton::Auto, Automaton::Daachorse, Automaton::Trie] {
            for base in [
                TaggerBuilder::new(),
                TaggerBuilder::new().fold_diacritics(true),
                TaggerBuilder::new().case(Case::Insensitive),
                TaggerBuilder::new().case(Case::Sensitive).adjectives(false),
            ] {
                out.push(base.automaton(automaton));
            }
        }
        out
    }

    fn files(dir: &Path) -> Vec<PathBuf> {
        let mut names: Vec<PathBuf> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_loaded_tagger_finds_what_a_built_one_finds() {
        let gaz = gazetteer();
        let dir = tempfile::tempdir().unwrap();
        for builder in builders() {
            let expected = builder.build(&gaz).tag(TEXT);
            assert!(expected.len() >= 4, "{expected:?}");
            let cached = builder.clone().cache_dir(dir.path());
            let first = cached.build(&gaz);
            let CacheOutcome::Written(path) = first.cache_outcome() else {
                panic!("{:?}", first.cache_outcome());
            };
            let second = cached.build(&gaz);
            assert_eq!(second.cache_outcome(), CacheOutcome::Loaded(path));
            assert_eq!(first.tag(TEXT), expected);
            assert_eq!(second.tag(TEXT), expected, "{builder:?}");
            assert_eq!(second.pattern_count(), first.pattern_count());
            if builder.automaton == Automaton::Daachorse && builder.case == Case::Smart {
                // The lower-case patterns' search came back too.
                let Some(Matcher::Daachorse(split)) = &second.matcher else {
                    panic!("not daachorse");
                };
                assert_eq!(split.lower.as_ref().map(|l| l.len()), Some(2));
            }
        }
        // One file per set of options (Auto is daachorse here, but a
        // key of its own).
        assert_eq!(files(dir.path()).len(), KEEP_FILES);
    }

    #[test]
    fn aho_corasick_and_empty_gazetteers_are_not_cached() {
        let dir = tempfile::tempdir().unwrap();
        let ac = TaggerBuilder::new()
            .automaton(Automaton::AhoCorasick)
            .cache_dir(dir.path())
            .build(&gazetteer());
        assert_eq!(ac.cache_outcome(), CacheOutcome::Off);
        let empty = TaggerBuilder::new()
            .cache_dir(dir.path())
            .build(&Gazetteer::new());
        assert_eq!(empty.cache_outcome(), CacheOutcome::Off);
        assert!(empty.tag(TEXT).is_empty());
        assert!(files(dir.path()).is_empty());
    }

    /// The file a builder writes for `gazetteer()`, with its key.
    fn written(builder: &TaggerBuilder, dir: &Path) -> (PathBuf, u128) {
        let tagger = builder.clone().cache_dir(dir).build(&gazetteer());
        let CacheOutcome::Written(path) = tagger.cache_outcome() else {
            panic!("{:?}", tagger.cache_outcome());
        };
        (path, key(&gazetteer(), builder))
    }

    /// Positions to damage in a file or body of `len` bytes: all of them
    /// in a small one; in a large one (the trie's, whose two-byte table is
    /// 256 KiB) the first and last 300, where everything but that table
    /// lies, and 64 spread over the rest: each read of a large body takes
    /// milliseconds in a debug build.
    fn sample(len: usize) -> Vec<usize> {
        if len <= 20_000 {
            return (0..len).collect();
        }
        let mut at: Vec<usize> = (0..300).chain(len - 300..len).collect();
        at.extend((1..64).map(|k| len / 64 * k + k));
        at
    }

    #[test]
    fn every_damaged_byte_and_every_cut_is_caught() {
        let dir = tempfile::tempdir().unwrap();
        let entities = gazetteer().entities().len();
        for builder in [
            TaggerBuilder::new().automaton(Automaton::Daachorse),
            TaggerBuilder::new().automaton(Automaton::Trie),
        ] {
            let (path, key) = written(&builder, dir.path());
            let good = fs::read(&path).unwrap();
            assert!(decode(&good, key, entities).is_ok());
            // The trie's file is ~0.5 MB, most of it its two-byte table:
            // there, its first and last bytes and a spread of the rest;
            // every byte of the daachorse one.
            for i in sample(good.len()) {
                let mut bad = good.clone();
                bad[i] ^= 0x10;
                assert!(decode(&bad, key, entities).is_err(), "byte {i} of {path:?}");
            }
            for len in sample(good.len()) {
                assert!(decode(&good[..len], key, entities).is_err(), "cut at {len}");
            }
            assert_eq!(
                decode(&good, key ^ 1, entities).err(),
                Some(Damaged("it was written for another gazetteer"))
            );
            assert!(decode(&good, key, 2).is_err(), "entity 3 of 2");
        }
    }

    #[test]
    fn a_damaged_file_is_rebuilt_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let builder = TaggerBuilder::new();
        let expected = builder.build(&gazetteer()).tag(TEXT);
        let (path, key) = written(&builder, dir.path());
        let mut bytes = fs::read(&path).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 1;
        fs::write(&path, &bytes).unwrap();
        let rebuilt = builder.clone().cache_dir(dir.path()).build(&gazetteer());
        assert_eq!(rebuilt.cache_outcome(), CacheOutcome::Written(path.clone()));
        assert_eq!(rebuilt.tag(TEXT), expected);
        let again = fs::read(&path).unwrap();
        assert!(decode(&again, key, gazetteer().entities().len()).is_ok());
        // Not a cache file at all: the message says why.
        fs::write(&path, b"hello").unwrap();
        let slot = Slot::new(dir.path(), key);
        let why = slot.load(4).err().unwrap();
        assert!(why.contains("not a comention automaton file"), "{why}");
        assert!(why.contains(&path.display().to_string()), "{why}");
    }

    #[test]
    fn an_empty_file_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let (path, key) = written(&TaggerBuilder::new(), dir.path());
        fs::write(&path, b"").unwrap();
        let why = Slot::new(dir.path(), key).load(4).err().unwrap();
        assert!(why.contains("not a comention automaton file"), "{why}");
        assert!(FileBytes::open(&path).unwrap().is_empty());
    }

    #[test]
    fn a_file_is_mapped_and_reads_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let (path, key) = written(&TaggerBuilder::new(), dir.path());
        let bytes = FileBytes::open(&path).unwrap();
        assert!(matches!(bytes, FileBytes::Mapped(_)));
        assert_eq!(&*bytes, fs::read(&path).unwrap());
        assert!(Slot::new(dir.path(), key).load(4).unwrap().is_some());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_that_shrinks_once_mapped_is_an_error_not_a_crash() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.automaton");
        fs::write(&path, vec![7u8; 64 << 10]).unwrap();
        let file = fs::File::open(&path).unwrap();
        let map = unsafe { memmap2::Mmap::map(&file) }.unwrap();
        fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(4096)
            .unwrap();
        let why = populated(map).err().unwrap().to_string();
        assert!(why.contains("shrank"), "{why}");
    }

    #[test]
    fn the_key_follows_everything_the_build_reads() {
        let gaz = gazetteer();
        let base = key(&gaz, &TaggerBuilder::new());
        assert_eq!(base, key(&gaz.clone(), &TaggerBuilder::new()));
        // Options that do not change the patterns keep the key.
        assert_eq!(base, key(&gaz, &TaggerBuilder::new().sentences(false)));
        assert_eq!(
            base,
            key(&gaz, &TaggerBuilder::new().build_in_background(true))
        );
        let mut keys = vec![base];
        for builder in [
            TaggerBuilder::new().case(Case::Sensitive),
            TaggerBuilder::new().case(Case::Insensitive),
            TaggerBuilder::new().fold_diacritics(true),
            TaggerBuilder::new().adjectives(false),
            TaggerBuilder::new().automaton(Automaton::Daachorse),
            TaggerBuilder::new().automaton(Automaton::Trie),
        ] {
            keys.push(key(&gaz, &builder));
        }
        let csv = "id,type,name,aliases,adjectives\nkz,COUNTRY,Kazakhstan,,Kazakh\n";
        for changed in [
            csv.replace("Kazakh\n", "Kazak\n"),
            csv.replace(",,Kazakh", ",Kazakh,"),
            csv.replace("kz,", "kaz,"),
            csv.replace("COUNTRY", "PLACE"),
            format!("{csv}xi,PERSON,Xi Jinping,,\n"),
            csv.to_string(),
        ] {
            keys.push(key(
                &Gazetteer::from_csv_str(&changed).unwrap(),
                &TaggerBuilder::new(),
            ));
        }
        let distinct: std::collections::BTreeSet<u128> = keys.iter().copied().collect();
        assert_eq!(distinct.len(), keys.len(), "{keys:x?}");
    }

    #[test]
    fn the_key_is_the_same_on_any_number_of_threads_and_covers_every_run() {
        let entities = KEY_RUN * 2 + 7;
        let csv = |last_alias: &str| {
            let mut text = "id,type,name,aliases\n".to_string();
            for i in 0..entities - 1 {
                text += &format!("e{i},ORG,Name {i},\n");
            }
            text + &format!("last,ORG,Last,{last_alias}\n")
        };
        let gaz = Gazetteer::from_csv_str(&csv("Final")).unwrap();
        let keys: Vec<u128> = [1, 2, 3]
            .map(|threads| {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                pool.install(|| key(&gaz, &TaggerBuilder::new()))
            })
            .to_vec();
        assert!(keys.iter().all(|&k| k == keys[0]), "{keys:x?}");
        // An alias in the last, short run changes it.
        let changed = Gazetteer::from_csv_str(&csv("Finale")).unwrap();
        assert_ne!(key(&changed, &TaggerBuilder::new()), keys[0]);
    }

    #[test]
    fn the_hash_tells_where_strings_end() {
        let hash = |parts: &[&str]| {
            let mut h = StableHasher::new();
            for p in parts {
                h.bytes(p.as_bytes());
            }
            h.finish()
        };
        assert_ne!(hash(&["ab", "c"]), hash(&["a", "bc"]));
        assert_ne!(hash(&["", "x"]), hash(&["x", ""]));
        assert_ne!(hash(&["abcdefgh"]), hash(&["abcdefgh\0"]));
        assert_eq!(hash(&["abc"]), hash(&["abc"]));
        // Stable across runs and machines: a file written by one run is
        // read by the next.
        assert_eq!(hash(&[]), StableHasher::new().finish());
        assert_eq!(
            format!("{:032x}", hash(&["Kazakhstan"])),
            format!("{:032x}", hash(&["Kazakhstan"]))
        );
    }

    #[test]
    fn only_the_most_recently_used_files_stay() {
        let dir = tempfile::tempdir().unwrap();
        let old = SystemTime::now() - Duration::from_secs(7200);
        // Older temporary files are left-overs of a run that stopped;
        // a recent one may be another run's, still writing.
        let stale = dir.path().join(format!(".{:032x}.1.2.tmp", 7));
        let fresh = dir.path().join(format!(".{:032x}.3.4.tmp", 8));
        let other = dir.path().join("notes.txt");
        for p in [&stale, &fresh, &other] {
            fs::write(p, b"x").unwrap();
        }
        fs::File::options()
            .write(true)
            .open(&stale)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let mut first = None;
        for i in 0..KEEP_FILES + 3 {
            let csv = format!("id,type,name,aliases\ne,THING,Name{i},\n");
            let gaz = Gazetteer::from_csv_str(&csv).unwrap();
            let builder = TaggerBuilder::new().cache_dir(dir.path());
            let tagger = builder.build(&gaz);
            let CacheOutcome::Written(path) = tagger.cache_outcome() else {
                panic!()
            };
            // Older by an hour, so the order does not hang on the clock.
            let age = Duration::from_secs(3600 * (KEEP_FILES + 3 - i) as u64);
            let file = fs::File::options().write(true).open(&path).unwrap();
            file.set_modified(SystemTime::now() - age).unwrap();
            if i == 0 {
                first = Some((gaz, builder));
            }
        }
        let names = files(dir.path());
        let cache_files = names
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == EXTENSION))
            .count();
        assert_eq!(cache_files, KEEP_FILES);
        assert!(!stale.exists());
        assert!(fresh.exists() && other.exists());
        // The oldest went: the first gazetteer is built again.
        let (gaz, builder) = first.unwrap();
        assert!(matches!(
            builder.build(&gaz).cache_outcome(),
            CacheOutcome::Written(_)
        ));
    }

    #[test]
    fn a_folder_that_cannot_be_written_is_reported_and_tagging_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let not_a_folder = dir.path().join("file");
        fs::write(&not_a_folder, b"x").unwrap();
        let tagger = TaggerBuilder::new()
            .cache_dir(&not_a_folder)
            .build(&gazetteer());
        let CacheOutcome::Failed(why) = tagger.cache_outcome() else {
            panic!("{:?}", tagger.cache_outcome());
        };
        assert!(why.contains("cannot write to"), "{why}");
        assert!(why.contains(&not_a_folder.display().to_string()), "{why}");
        assert_eq!(tagger.tag(TEXT), Tagger::new(&gazetteer()).tag(TEXT));
    }

    #[test]
    fn a_background_build_is_written_when_ready() {
        // Enough patterns for the build to go to a thread of its own.
        let mut csv = String::from("id,type,name,aliases\n");
        for i in 0..super::super::BACKGROUND_MIN_PATTERNS / 2 + 1 {
            csv.push_str(&format!("e{i},THING,Place{i}ton,\n"));
        }
        csv.push_str("kz,COUNTRY,Kazakhstan,\n");
        let gaz = Gazetteer::from_csv_str(&csv).unwrap();
        let text = "PLACE17TON and Place9999ton met in Kazakhstan.";
        let dir = tempfile::tempdir().unwrap();
        let builder = TaggerBuilder::new()
            .build_in_background(true)
            .cache_dir(dir.path());
        let first = builder.build(&gaz);
        assert!(first.later.is_some(), "not built in the background");
        let expected = first.tag(text);
        assert_eq!(expected.len(), 3);
        let CacheOutcome::Written(path) = first.wait_for_cache() else {
            panic!("{:?}", first.cache_outcome());
        };
        // Waiting again returns at once.
        assert_eq!(first.wait_for_cache(), CacheOutcome::Written(path.clone()));
        let second = builder.build(&gaz);
        assert_eq!(second.cache_outcome(), CacheOutcome::Loaded(path));
        assert!(second.later.is_none());
        assert!(matches!(second.matcher, Some(Matcher::Daachorse(_))));
        assert_eq!(second.tag(text), expected);
        assert!(files(dir.path())
            .iter()
            .all(|p| p.extension().is_some_and(|e| e == EXTENSION)));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Any gazetteer, any text: the tagger read from the cache finds
        /// exactly what the built one finds, with both cached automata.
        #[test]
        fn cached_and_built_taggers_agree(
            names in proptest::collection::vec("[A-Za-zé]{1,5}( [a-zA-Z]{1,4})?", 1..12),
            picks in proptest::collection::vec((0usize..12, 0usize..4), 0..30),
            insensitive in any::<bool>(),
        ) {
            let mut csv = String::from("id,type,name,aliases\n");
            for (i, name) in names.iter().enumerate() {
                csv.push_str(&format!("e{i},THING,{name},\n"));
            }
            let gaz = Gazetteer::from_csv_str(&csv).unwrap();
            let seps = [" ", "\n", ", ", "s "];
            let text: String = picks
                .iter()
                .map(|&(n, s)| {
                    let name = &names[n % names.len()];
                    let name = if n % 3 == 0 { name.to_uppercase() } else { name.clone() };
                    format!("{name}{}", seps[s])
                })
                .collect();
            let dir = tempfile::tempdir().unwrap();
            for automaton in [Automaton::Daachorse, Automaton::Trie] {
                let mut builder = TaggerBuilder::new().automaton(automaton);
                if insensitive {
                    builder = builder.case(Case::Insensitive);
                }
                let expected = builder.build(&gaz).tag(&text);
                let cached = builder.cache_dir(dir.path());
                let first = cached.build(&gaz);
                prop_assert!(matches!(first.cache_outcome(), CacheOutcome::Written(_)));
                let second = cached.build(&gaz);
                prop_assert!(matches!(second.cache_outcome(), CacheOutcome::Loaded(_)));
                prop_assert_eq!(second.tag(&text), expected);
            }
        }

        /// Bytes that are not a cache body are rejected, never a panic.
        #[test]
        fn any_bytes_are_rejected_or_read(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = decode_body(&bytes, 5);
        }
    }

    /// The entry of the `cache_body` fuzz target reads a real body (and
    /// tags with a trie's). The target's seed is a body of daachorse's
    /// (69 KB, so not in the repository): with `COMENTION_FUZZ_SEED=DIR`
    /// this test writes it to `DIR/daachorse` (see fuzz/README.md).
    #[test]
    fn the_fuzz_entry_reads_real_bodies() {
        let dir = tempfile::tempdir().unwrap();
        let builder = TaggerBuilder::new().automaton(Automaton::Daachorse);
        let (path, _) = written(&builder, dir.path());
        let file = fs::read(&path).unwrap();
        let body = &file[MAGIC.len() + 4 + 16..file.len() - 16];
        if let Some(seeds) = std::env::var_os("COMENTION_FUZZ_SEED") {
            fs::create_dir_all(&seeds).unwrap();
            fs::write(Path::new(&seeds).join("daachorse"), body).unwrap();
        }
        let read = crate::tagger::fuzz_cache_body(body, "x");
        assert_eq!(read, Some(Vec::new()), "daachorse: decoded, not tagged");
        let text = "KAZAKHSTAN's Xi Jinping";
        // The trie's body is tagged with.
        let (path, _) = written(&TaggerBuilder::new().automaton(Automaton::Trie), dir.path());
        let file = fs::read(&path).unwrap();
        let body = &file[MAGIC.len() + 4 + 16..file.len() - 16];
        let found = crate::tagger::fuzz_cache_body(body, text).unwrap();
        assert_eq!(found, Tagger::new(&gazetteer()).tag(text));
        assert_eq!(found.len(), 2);
    }

    #[test]
    fn a_real_body_with_one_changed_byte_never_panics() {
        let dir = tempfile::tempdir().unwrap();
        for builder in [
            TaggerBuilder::new().automaton(Automaton::Daachorse),
            TaggerBuilder::new().automaton(Automaton::Trie),
        ] {
            let (path, _) = written(&builder, dir.path());
            let file = fs::read(&path).unwrap();
            let body = &file[MAGIC.len() + 4 + 16..file.len() - 16];
            assert!(decode_body(body, 4).is_ok());
            // Three kinds of change where a read is cheap, one where it
            // is not.
            let flips: &[u8] = if body.len() <= 20_000 {
                &[0x01, 0x80, 0xFF]
            } else {
                &[0xFF]
            };
            for i in sample(body.len()) {
                for &flip in flips {
                    let mut bad = body.to_vec();
                    bad[i] ^= flip;
                    let _ = decode_body(&bad, 4);
                }
            }
        }
    }
}
