//! Fast counting of a document stream: per-document counts on entity
//! indices ([`DocumentCounts`], made in parallel by a shared [`Counter`]),
//! added up in a [`Tally`] keyed by index pairs, and turned into
//! [`CoMentionCounts`] (keyed by id strings) once, at the end, or straight
//! into a network by [`CoMentionGraph::from_tally`].
//!
//! This is what `comention graph` runs; the result equals folding
//! [`CoMentionCounts::add_document`] over the same documents. Strings are
//! touched only for evidence ids and at the end.
//!
//! [`CoMentionGraph::from_tally`]: crate::graph::CoMentionGraph::from_tally

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use super::{
    date_prefix, CoMentionCounts, CountOptions, Layer, NodeCounts, PairCounts, PairStrings, Scope,
    Totals,
};
use crate::corpus::{segment, Document};
use crate::gazetteer::Gazetteer;
use crate::tagger::Mention;

/// Counts documents for one gazetteer and one set of [`CountOptions`].
///
/// ```
/// use comention::counts::{CoMentionCounts, Counter, CountOptions};
/// let gaz = comention::Gazetteer::from_csv_str(
///     "id,type,name,aliases\nru,COUNTRY,Russia,\nkz,COUNTRY,Kazakhstan,\n")?;
/// let tagger = comention::Tagger::new(&gaz);
/// let counter = Counter::new(&gaz, CountOptions::default());
/// let mut tally = counter.tally();
/// for (id, text) in [("a", "Russia and Kazakhstan."), ("b", "Kazakhstan.")] {
///     let doc = comention::Document::new(id, text);
///     tally.add(counter.count(&doc, &tagger.tag(&doc.text))); // `count` can run in parallel
/// }
/// let counts: CoMentionCounts = counter.finish(tally);
/// assert_eq!(counts.overall().node("kz").unwrap().documents, 2);
/// assert_eq!(counts.overall().pair("ru", "kz").unwrap().evidence, ["a"]);
/// # Ok::<(), comention::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Counter<'g> {
    gazetteer: &'g Gazetteer,
    options: CountOptions,
    /// Entity index → the index it counts as (after roll-up).
    targets: Vec<u32>,
}

impl<'g> Counter<'g> {
    /// A counter for documents tagged with a tagger built from `gazetteer`.
    pub fn new(gazetteer: &'g Gazetteer, options: CountOptions) -> Self {
        let targets = (0..gazetteer.entities().len())
            .map(|i| roll_up_target(gazetteer, options.roll_up.as_deref(), index(i)))
            .collect();
        Counter {
            gazetteer,
            options,
            targets,
        }
    }

    /// The counts of one document (cheap: no strings but the document's id
    /// and date).
    pub fn count(&self, doc: &Document, mentions: &[Mention]) -> DocumentCounts {
        count_document(doc, mentions, self.options.scope, |e| {
            self.targets[e as usize]
        })
    }

    /// An empty tally for this counter's options.
    pub fn tally(&self) -> Tally {
        Tally {
            evidence: self.options.evidence,
            slice: self.options.slice,
            overall: IndexLayer::default(),
            slices: HashMap::new(),
        }
    }

    /// The counts of a tally, keyed by entity id (entities not attached;
    /// see [`CoMentionCounts::attach_entities`]).
    pub fn finish(&self, tally: Tally) -> CoMentionCounts {
        use rayon::prelude::*;
        let mut counts = CoMentionCounts::new(self.options.clone());
        // The slices and the whole corpus are independent: converted in
        // parallel, then put in place.
        let mut layers: Vec<(Option<String>, IndexLayer)> = tally
            .slices
            .into_iter()
            .map(|(key, layer)| (Some(key), layer))
            .collect();
        layers.push((None, tally.overall));
        let converted: Vec<(Option<String>, Layer)> = layers
            .into_par_iter()
            .map(|(key, layer)| (key, self.convert(layer)))
            .collect();
        for (key, layer) in converted {
            match key {
                Some(key) => {
                    counts.slices.insert(key, layer);
                }
                None => counts.overall = layer,
            }
        }
        counts
    }

    /// The tally's overall counts left on entity indices, and counts
    /// holding only its slices, keyed by id as [`Counter::finish`] keys
    /// them: for a graph built without keying every pair of the whole
    /// corpus by id strings (`CoMentionGraph::from_tally`).
    pub(crate) fn finish_indexed(&self, tally: Tally) -> (IndexedLayer, CoMentionCounts) {
        use rayon::prelude::*;
        let mut counts = CoMentionCounts::new(self.options.clone());
        let slices: Vec<(String, Layer)> = tally
            .slices
            .into_par_iter()
            .map(|(key, layer)| (key, self.convert(layer)))
            .collect();
        counts.slices.extend(slices);
        let layer = tally.overall;
        let overall = IndexedLayer {
            totals: layer.totals,
            nodes: layer
                .nodes
                .into_iter()
                .map(|(e, n)| (e, n.into_counts()))
                .collect(),
            pairs: IndexedPairs(layer.pairs),
        };
        (overall, counts)
    }

    /// `layer` keyed by entity id.
    fn convert(&self, layer: IndexLayer) -> Layer {
        use rayon::prelude::*;
        let entities = self.gazetteer.entities();
        let nodes = layer
            .nodes
            .into_iter()
            .map(|(e, n)| (entities[e as usize].id.clone(), n.into_counts()))
            .collect();
        // A layer's pairs are rows keyed by the string-smaller id: the
        // pairs are put in order of that id's index, and the rows are
        // made on the pool (a row's strings are what takes the time).
        let mut flat: Vec<(u32, u32, PairTally)> = layer
            .pairs
            .into_par_iter()
            .flat_map_iter(|table| {
                table.into_iter().map(|(key, p)| {
                    let (a, b) = ((key >> 32) as u32, key as u32);
                    if entities[a as usize].id <= entities[b as usize].id {
                        (a, b, p)
                    } else {
                        (b, a, p)
                    }
                })
            })
            .collect();
        flat.par_sort_unstable_by_key(|&(a, _, _)| a);
        let pairs = flat
            .par_chunk_by_mut(|x, y| x.0 == y.0)
            .map(|row| {
                let cells = row
                    .iter_mut()
                    .map(|(_, b, p)| {
                        let p = std::mem::take(p);
                        (entities[*b as usize].id.clone(), p.into_counts())
                    })
                    .collect();
                (entities[row[0].0 as usize].id.clone(), cells)
            })
            .collect();
        Layer {
            totals: layer.totals,
            nodes,
            pairs,
        }
    }

    /// The gazetteer counted with.
    pub(crate) fn gazetteer(&self) -> &'g Gazetteer {
        self.gazetteer
    }
}

/// A layer of a [`Tally`] with its nodes' counts made, still keyed by
/// entity index (after roll-up); see [`Counter::finish_indexed`].
pub(crate) struct IndexedLayer {
    pub(crate) totals: Totals,
    /// `(entity, counts)`, in no order.
    pub(crate) nodes: Vec<(u32, NodeCounts)>,
    pub(crate) pairs: IndexedPairs,
}

/// The pairs of an [`IndexedLayer`].
pub(crate) struct IndexedPairs(Vec<HashMap<u64, PairTally, Fast>>);

impl IndexedPairs {
    /// `make(a, b, numbers, strings)` of every pair whose two entities
    /// have a position (`position[entity]`, `u32::MAX` for none), with
    /// `a < b` their positions, in order of `(a, b)`; made on the pool,
    /// and kept where `make` gives something. `numbers` are the pair's
    /// counts without evidence and dates; `strings` makes those.
    pub(crate) fn at<T: Send>(
        self,
        position: &[u32],
        make: impl Fn(u32, u32, PairCounts, LazyStrings) -> Option<T> + Sync,
    ) -> Vec<T> {
        use rayon::prelude::*;
        let mut kept: Vec<(u32, u32, PairTally)> = self
            .0
            .into_par_iter()
            .flat_map_iter(|table| {
                table.into_iter().filter_map(|(key, p)| {
                    let (a, b) = (
                        position[(key >> 32) as usize],
                        position[key as u32 as usize],
                    );
                    (a != u32::MAX && b != u32::MAX).then_some((a.min(b), a.max(b), p))
                })
            })
            .collect();
        kept.par_sort_unstable_by_key(|&(a, b, _)| (a, b));
        kept.into_par_iter()
            .filter_map(|(a, b, p)| {
                let (numbers, strings) = p.split();
                make(a, b, numbers, strings)
            })
            .collect()
    }
}

/// One document's counts on entity indices, made by [`Counter::count`] and
/// added up by [`Tally::add`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentCounts {
    pub(super) id: String,
    pub(super) date: Option<Date>,
    pub(super) scopes: u64,
    pub(super) mentions: u64,
    /// `(entity, mentions, scopes)`, sorted by entity, distinct.
    pub(super) nodes: Vec<(u32, u64, u64)>,
    /// `(a, b, scopes holding both)` with `a < b` (indices), distinct,
    /// grouped by [`shard`] in shard order and sorted within each group.
    pub(super) pairs: Vec<(u32, u32, u64)>,
    /// Where each shard's group of `pairs` ends.
    pub(super) shard_ends: [u32; SHARDS],
}

impl DocumentCounts {
    /// The pairs that fall in shard `s`.
    fn shard_pairs(&self, s: usize) -> &[(u32, u32, u64)] {
        let start = if s == 0 { 0 } else { self.shard_ends[s - 1] };
        &self.pairs[start as usize..self.shard_ends[s] as usize]
    }

    /// Number of distinct co-mentioned pairs in the document.
    ///
    /// ```
    /// # let gaz = comention::Gazetteer::from_csv_str("id,type,name,aliases\nru,COUNTRY,Russia,\nkz,COUNTRY,Kazakhstan,\n")?;
    /// # let counter = comention::counts::Counter::new(&gaz, Default::default());
    /// let doc = comention::Document::new("a", "Russia and Kazakhstan.");
    /// let one = counter.count(&doc, &comention::Tagger::new(&gaz).tag(&doc.text));
    /// assert_eq!(one.pair_count(), 1);
    /// # Ok::<(), comention::Error>(())
    /// ```
    pub fn pair_count(&self) -> usize {
        self.pairs.len()
    }
}

/// Running totals of many [`DocumentCounts`], keyed by entity index; see
/// [`Counter`].
#[derive(Debug, Clone)]
pub struct Tally {
    evidence: usize,
    slice: Option<super::Slice>,
    overall: IndexLayer,
    slices: HashMap<String, IndexLayer>,
}

impl Tally {
    /// Adds one document's counts.
    pub fn add(&mut self, doc: DocumentCounts) {
        let date = doc.date;
        if let (Some(slice), Some(date)) = (self.slice, date) {
            if let Some(key) = slice.key(date.as_str()) {
                if !self.slices.contains_key(key) {
                    self.slices.insert(key.to_string(), IndexLayer::default());
                }
                let layer = self.slices.get_mut(key).expect("just inserted");
                layer.add(&doc, 0);
            }
        }
        self.overall.add(&doc, self.evidence);
    }

    /// Adds many documents' counts, in order, using the current rayon pool:
    /// the pair table is split into shards by pair, and each shard adds
    /// its pairs of all `docs` on its own. The result is the same as
    /// [`Tally::add`] of each document in turn (every shard sees its pairs
    /// in document order), on any number of threads.
    ///
    /// ```
    /// # let gaz = comention::Gazetteer::from_csv_str("id,type,name,aliases\nru,COUNTRY,Russia,\nkz,COUNTRY,Kazakhstan,\n")?;
    /// # let tagger = comention::Tagger::new(&gaz);
    /// let counter = comention::counts::Counter::new(&gaz, Default::default());
    /// let docs = [comention::Document::new("a", "Russia and Kazakhstan."),
    ///             comention::Document::new("b", "Kazakhstan and Russia.")];
    /// let mut tally = counter.tally();
    /// tally.add_all(docs.iter().map(|d| counter.count(d, &tagger.tag(&d.text))).collect());
    /// let counts = counter.finish(tally);
    /// assert_eq!(counts.overall().pair("kz", "ru").unwrap().documents, 2);
    /// # Ok::<(), comention::Error>(())
    /// ```
    pub fn add_all(&mut self, docs: Vec<DocumentCounts>) {
        if let Some(slice) = self.slice {
            let mut by_key: Vec<(&str, &DocumentCounts)> = docs
                .iter()
                .filter_map(|doc| {
                    let date = doc.date.as_ref()?;
                    Some((slice.key(date.as_str())?, doc))
                })
                .collect();
            // Stable: each slice keeps its documents in order.
            by_key.sort_by_key(|&(key, _)| key);
            for group in by_key.chunk_by(|x, y| x.0 == y.0) {
                let key = group[0].0;
                if !self.slices.contains_key(key) {
                    self.slices.insert(key.to_string(), IndexLayer::default());
                }
                let layer = self.slices.get_mut(key).expect("just inserted");
                let docs: Vec<&DocumentCounts> = group.iter().map(|&(_, doc)| doc).collect();
                layer.add_all(&docs, 0);
            }
        }
        let docs: Vec<&DocumentCounts> = docs.iter().collect();
        self.overall.add_all(&docs, self.evidence);
    }

    /// Number of distinct pairs counted so far (whole corpus).
    pub fn pair_count(&self) -> usize {
        self.overall.pairs.iter().map(HashMap::len).sum()
    }
}

/// A `YYYY`, `YYYY-MM` or `YYYY-MM-DD` date in ten bytes, padded with zero
/// bytes: it orders exactly as the string does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct Date([u8; 10]);

impl Date {
    fn new(date: &str) -> Self {
        let mut bytes = [0; 10];
        bytes[..date.len()].copy_from_slice(date.as_bytes());
        Date(bytes)
    }

    pub(super) fn as_str(&self) -> &str {
        let len = self.0.iter().position(|&b| b == 0).unwrap_or(10);
        std::str::from_utf8(&self.0[..len]).expect("dates are ASCII")
    }

    /// The date as one number that orders as the string does: `YYYY`,
    /// `YYYY-MM`, `YYYY-MM-DD` → `YYYYMMDD + 1` with absent parts 0 (month
    /// and day are never 0 when present), so that 0 is free for "no date".
    fn rank(&self) -> u32 {
        let digits = |r: std::ops::Range<usize>| {
            self.0[r]
                .iter()
                .fold(0u32, |n, &b| n * 10 + u32::from(b.wrapping_sub(b'0')))
        };
        let month = if self.0[4] == b'-' { digits(5..7) } else { 0 };
        let day = if self.0[7] == b'-' { digits(8..10) } else { 0 };
        digits(0..4) * 10_000 + month * 100 + day + 1
    }
}

/// [`Date::rank`] of the first and last dates seen (0 and 0: none yet).
/// Two numbers instead of two optional byte arrays: the tally compares them
/// for every pair of every document.
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    /// `u32::MAX - rank` of the first date, so that the default 0 is "none"
    /// and the earliest date is the largest value.
    first: u32,
    /// Rank of the last date.
    last: u32,
}

impl Span {
    fn widen(&mut self, rank: u32) {
        if rank != 0 {
            self.first = self.first.max(u32::MAX - rank);
            self.last = self.last.max(rank);
        }
    }

    fn first(self) -> Option<String> {
        (self.first != 0).then(|| rank_string(u32::MAX - self.first))
    }

    fn last(self) -> Option<String> {
        (self.last != 0).then(|| rank_string(self.last))
    }
}

/// The date string of a non-zero [`Date::rank`] (by hand: the tally's
/// conversion makes two of these for every pair).
fn rank_string(rank: u32) -> String {
    let n = rank - 1;
    let (year, month, day) = (n / 10_000, n / 100 % 100, n % 100);
    let digit = |d: u32| char::from(b'0' + (d % 10) as u8);
    let mut s = String::with_capacity(10);
    for d in [year / 1000, year / 100, year / 10, year] {
        s.push(digit(d));
    }
    for part in [month, day] {
        if part == 0 {
            break;
        }
        s.push('-');
        s.push(digit(part / 10));
        s.push(digit(part));
    }
    s
}

/// Multiply-rotate hashing (as in rustc's FxHash) for small integer keys;
/// the output is sorted later, so the hash needs no DoS resistance.
#[derive(Debug, Default, Clone, Copy)]
struct IndexHasher(u64);

impl IndexHasher {
    fn mix(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for IndexHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.mix(u64::from(b));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.mix(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.mix(n);
    }

    /// The low bits of a product depend only on the low bits of its input,
    /// and the table picks buckets by the low bits: fold the high half in,
    /// or pair keys `a << 32 | b` with one `b` would share buckets.
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 32)
    }
}

type Fast = BuildHasherDefault<IndexHasher>;

/// Pairs are keyed `a << 32 | b` (one hash step instead of two) and kept
/// in [`SHARDS`] tables by [`shard`], which [`Tally::add_all`] fills in
/// parallel.
#[derive(Debug, Clone)]
struct IndexLayer {
    totals: Totals,
    nodes: HashMap<u32, NodeTally, Fast>,
    pairs: Vec<HashMap<u64, PairTally, Fast>>,
}

impl Default for IndexLayer {
    fn default() -> Self {
        IndexLayer {
            totals: Totals::default(),
            nodes: HashMap::default(),
            pairs: vec![HashMap::default(); SHARDS],
        }
    }
}

/// Pair tables per layer: more than the threads of a small machine, so
/// that uneven shards still keep every thread busy.
const SHARDS: usize = 8;

/// The pair table a pair key belongs to (the top bits of a multiplicative
/// hash, unrelated to the bits the tables themselves use).
fn shard(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 61) as usize
}

#[derive(Debug, Clone, Default)]
struct NodeTally {
    mentions: u64,
    scopes: u64,
    documents: u64,
    dates: Span,
}

/// 48 bytes, 56 with its key: the pair table is the tally's working set,
/// and every pair of every document lands at a random place in it. Once
/// the evidence list is full, most documents are told apart from it by
/// `last_key` and `last` alone, without reading the list.
#[derive(Debug, Clone, Default)]
struct PairTally {
    cooccurrences: u64,
    documents: u64,
    dates: Span,
    evidence: Option<Box<Evidence>>,
    /// [`prefix_key`] of the last evidence id once the list is full.
    last_key: u64,
    /// Address of the last evidence id once the list is full, 0 before:
    /// which id it is, told without reading the list.
    last: usize,
}

/// A pair's evidence ids, sorted and distinct; each document's id is
/// allocated once and shared by all the pairs that keep it.
#[derive(Debug, Clone, Default)]
struct Evidence(Vec<Arc<str>>);

/// The outcome of the last full comparison of a document's id with a
/// pair's last evidence id, by that id's address: many pairs of a
/// document share their last evidence id (the corpus's smallest ids), and
/// the comparison reads two strings from memory the pair table does not
/// hold. Valid while the document's pairs are added: no id is allocated
/// meanwhile, so an address names one id.
#[derive(Default)]
struct LastSeen {
    address: usize,
    id_is_smaller: bool,
}

fn pair_key(a: u32, b: u32) -> u64 {
    u64::from(a) << 32 | u64::from(b)
}

/// The first eight bytes of `id` as a big-endian number, zero-padded:
/// `prefix_key(a) > prefix_key(b)` implies `a > b` (equal keys tell
/// nothing), so most evidence checks need no string comparison.
fn prefix_key(id: &str) -> u64 {
    let mut bytes = [0; 8];
    let n = id.len().min(8);
    bytes[..n].copy_from_slice(&id.as_bytes()[..n]);
    u64::from_be_bytes(bytes)
}

impl NodeTally {
    fn into_counts(self) -> NodeCounts {
        NodeCounts {
            mentions: self.mentions,
            scopes: self.scopes,
            documents: self.documents,
            first_date: self.dates.first(),
            last_date: self.dates.last(),
        }
    }
}

impl PairTally {
    fn into_counts(self) -> PairCounts {
        let (mut counts, strings) = self.split();
        let PairStrings { evidence, dates } = strings.make();
        (counts.evidence, (counts.first_date, counts.last_date)) = (evidence, dates);
        counts
    }

    /// The pair's numbers (no evidence, no dates), and its strings still
    /// to be made.
    fn split(self) -> (PairCounts, LazyStrings) {
        let counts = PairCounts {
            cooccurrences: self.cooccurrences,
            documents: self.documents,
            ..PairCounts::default()
        };
        let strings = LazyStrings {
            evidence: self.evidence,
            dates: self.dates,
        };
        (counts, strings)
    }
}

/// A pair's evidence ids and dates, made into strings only when asked
/// for: a graph's edge filters drop many pairs without needing them.
pub(crate) struct LazyStrings {
    evidence: Option<Box<Evidence>>,
    dates: Span,
}

impl LazyStrings {
    /// The strings.
    pub(crate) fn make(self) -> PairStrings {
        PairStrings {
            evidence: self
                .evidence
                .map_or_else(Vec::new, |e| e.0.iter().map(|id| id.to_string()).collect()),
            dates: (self.dates.first(), self.dates.last()),
        }
    }
}

impl IndexLayer {
    fn add(&mut self, doc: &DocumentCounts, evidence: usize) {
        let (id, rank) = (EvidenceId::of(doc, evidence), date_rank(doc));
        self.add_nodes(doc, rank);
        let mut seen = LastSeen::default();
        for &(a, b, cooccurrences) in &doc.pairs {
            let key = pair_key(a, b);
            let pair = self.pairs[shard(key)].entry(key).or_default();
            pair.add(cooccurrences, rank, id.as_ref(), evidence, &mut seen);
        }
    }

    /// [`IndexLayer::add`] of each of `docs`, the pairs shard by shard in
    /// parallel.
    fn add_all(&mut self, docs: &[&DocumentCounts], evidence: usize) {
        use rayon::prelude::*;
        // Every id is allocated here, before the shards run (see `LastSeen`).
        let keys: Vec<(Option<EvidenceId>, u32)> = docs
            .iter()
            .map(|doc| (EvidenceId::of(doc, evidence), date_rank(doc)))
            .collect();
        for (doc, &(_, rank)) in docs.iter().zip(&keys) {
            self.add_nodes(doc, rank);
        }
        self.pairs
            .par_iter_mut()
            .enumerate()
            .for_each(|(s, table)| {
                for (doc, (id, rank)) in docs.iter().zip(&keys) {
                    let mut seen = LastSeen::default();
                    for &(a, b, cooccurrences) in doc.shard_pairs(s) {
                        let pair = table.entry(pair_key(a, b)).or_default();
                        pair.add(cooccurrences, *rank, id.as_ref(), evidence, &mut seen);
                    }
                }
            });
    }

    /// The document's totals and nodes; `rank` is its [`date_rank`].
    fn add_nodes(&mut self, doc: &DocumentCounts, rank: u32) {
        self.totals.documents += 1;
        self.totals.scopes += doc.scopes;
        self.totals.mentions += doc.mentions;
        for &(e, mentions, scopes) in &doc.nodes {
            let node = self.nodes.entry(e).or_default();
            node.mentions += mentions;
            node.scopes += scopes;
            node.documents += 1;
            node.dates.widen(rank);
        }
    }
}

fn date_rank(doc: &DocumentCounts) -> u32 {
    doc.date.map_or(0, |d| d.rank())
}

/// A document's id as evidence: shared, with its [`prefix_key`].
struct EvidenceId {
    id: Arc<str>,
    key: u64,
}

impl EvidenceId {
    /// `doc`'s id, if pairs keep `evidence` > 0 ids.
    fn of(doc: &DocumentCounts, evidence: usize) -> Option<EvidenceId> {
        (evidence > 0).then(|| EvidenceId {
            id: Arc::from(doc.id.as_str()),
            key: prefix_key(&doc.id),
        })
    }
}

impl PairTally {
    /// Counts the pair in one more document, whose date has [`Date::rank`]
    /// `rank` and whose id is `id` (`None` when no evidence is kept; else
    /// `evidence` ids are). `seen` is what this document's id was last
    /// compared with.
    fn add(
        &mut self,
        cooccurrences: u64,
        rank: u32,
        id: Option<&EvidenceId>,
        evidence: usize,
        seen: &mut LastSeen,
    ) {
        self.cooccurrences += cooccurrences;
        self.documents += 1;
        self.dates.widen(rank);
        let Some(id) = id else { return };
        // A full list whose last id is smaller keeps its ids: told by the
        // prefix keys for most documents (this check runs for every pair of
        // every document), else by the last comparison with the same id.
        let list = &mut self.evidence.get_or_insert_with(Box::default).0;
        if self.last != 0 {
            if id.key > self.last_key {
                return;
            }
            if id.key == self.last_key {
                if seen.address != self.last {
                    let last = list.last().expect("a full list");
                    seen.address = self.last;
                    seen.id_is_smaller = *id.id < **last;
                }
                if !seen.id_is_smaller {
                    return;
                }
            }
        }
        if let Err(at) = list.binary_search_by(|probe| (**probe).cmp(&*id.id)) {
            list.insert(at, Arc::clone(&id.id));
            list.truncate(evidence);
            if list.len() >= evidence {
                let last = list.last().expect("a full list");
                self.last_key = prefix_key(last);
                self.last = Arc::as_ptr(last).cast::<u8>() as usize;
            }
        }
    }
}

/// `(a, b)` in string order.
pub(super) fn ordered<'a>(a: &'a str, b: &'a str) -> (&'a str, &'a str) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

fn index(i: usize) -> u32 {
    u32::try_from(i).expect("fewer than 2³² entities")
}

/// The entity that `entity` counts as under `roll_up` (see the module docs
/// of [`crate::counts`]).
pub(super) fn roll_up_target(gazetteer: &Gazetteer, roll_up: Option<&str>, entity: u32) -> u32 {
    let Some(attr) = roll_up else {
        return entity;
    };
    gazetteer.entities()[entity as usize]
        .attributes
        .get(attr)
        .and_then(|v| gazetteer.index_of(v))
        .map_or(entity, index)
}

/// The counts of one document, on the indices that `target` maps each
/// mentioned entity to.
pub(super) fn count_document(
    doc: &Document,
    mentions: &[Mention],
    scope: Scope,
    target: impl Fn(u32) -> u32,
) -> DocumentCounts {
    let ids: Vec<u32> = mentions.iter().map(|m| target(m.entity)).collect();

    // Scope members as index ranges into `members`, each sorted and distinct.
    let mut members: Vec<u32> = Vec::with_capacity(ids.len());
    let mut scopes: Vec<(usize, usize)> = Vec::new();
    let mut push_scope = |members: &mut Vec<u32>, items: &mut dyn Iterator<Item = u32>| {
        let start = members.len();
        members.extend(items);
        members[start..].sort_unstable();
        let mut write = start;
        for read in start..members.len() {
            if write == start || members[read] != members[write - 1] {
                members[write] = members[read];
                write += 1;
            }
        }
        members.truncate(write);
        if write > start {
            scopes.push((start, write));
        }
    };
    let scope_total = match scope {
        Scope::Document => {
            push_scope(&mut members, &mut ids.iter().copied());
            1
        }
        Scope::Paragraph | Scope::Sentence => {
            let is_paragraph = scope == Scope::Paragraph;
            let key = |m: &Mention| {
                if is_paragraph {
                    m.paragraph
                } else {
                    m.sentence
                }
            };
            // The tagger's mentions come in text order, hence in scope
            // order; sort only if they do not.
            let mut order: Vec<usize> = (0..mentions.len()).collect();
            if !mentions.windows(2).all(|w| key(&w[0]) <= key(&w[1])) {
                order.sort_by_key(|&i| key(&mentions[i]));
            }
            let mut i = 0;
            while i < order.len() {
                let k = key(&mentions[order[i]]);
                let mut j = i;
                while j < order.len() && key(&mentions[order[j]]) == k {
                    j += 1;
                }
                push_scope(&mut members, &mut order[i..j].iter().map(|&m| ids[m]));
                i = j;
            }
            let segments = if is_paragraph {
                segment::paragraph_count(&doc.text)
            } else {
                segment::sentence_count(&doc.text)
            } as u64;
            let highest = mentions.iter().map(|m| u64::from(key(m)) + 1).max();
            segments.max(highest.unwrap_or(0))
        }
        Scope::Window(n) => {
            let words = super::word_positions(&doc.text, mentions);
            let mut end = 0;
            for i in 0..mentions.len() {
                end = end.max(i);
                while end + 1 < mentions.len() && words[end + 1] - words[i] <= u64::from(n) {
                    end += 1;
                }
                push_scope(&mut members, &mut ids[i..=end].iter().copied());
            }
            mentions.len() as u64
        }
    };

    // Per entity: mentions and scopes; per pair: scopes.
    let mut sorted_ids = ids;
    sorted_ids.sort_unstable();
    let mut nodes: Vec<(u32, u64, u64)> = Vec::new();
    for id in sorted_ids {
        match nodes.last_mut() {
            Some(last) if last.0 == id => last.1 += 1,
            _ => nodes.push((id, 1, 0)),
        }
    }
    let mut pair_list: Vec<(u32, u32)> = Vec::new();
    for &(start, end) in &scopes {
        let set = &members[start..end];
        for (k, &a) in set.iter().enumerate() {
            let at = nodes
                .binary_search_by_key(&a, |n| n.0)
                .expect("every scope member is a mentioned entity");
            nodes[at].2 += 1;
            pair_list.extend(set[k + 1..].iter().map(|&b| (a, b)));
        }
    }
    pair_list.sort_unstable();
    let mut pairs: Vec<(u32, u32, u64)> = Vec::with_capacity(pair_list.len());
    for (a, b) in pair_list {
        match pairs.last_mut() {
            Some(last) if last.0 == a && last.1 == b => last.2 += 1,
            _ => pairs.push((a, b, 1)),
        }
    }
    let (pairs, shard_ends) = group_by_shard(pairs);
    DocumentCounts {
        id: doc.id.clone(),
        date: doc.date.as_deref().and_then(date_prefix).map(Date::new),
        scopes: scope_total,
        mentions: mentions.len() as u64,
        nodes,
        pairs,
        shard_ends,
    }
}

/// `pairs` grouped by [`shard`], each group in its original order, and
/// where each group ends. Done here, on the pool while documents are
/// counted, so that each shard of [`Tally::add_all`] reads its own pairs
/// only instead of every pair of the batch (at document scope a speech
/// pairs thousands of entities: eight passes over them were most of the
/// tally's time).
fn group_by_shard(pairs: Vec<(u32, u32, u64)>) -> (Vec<(u32, u32, u64)>, [u32; SHARDS]) {
    let shards: Vec<u8> = pairs
        .iter()
        .map(|&(a, b, _)| shard(pair_key(a, b)) as u8)
        .collect();
    let mut next = [0usize; SHARDS];
    for &s in &shards {
        next[s as usize] += 1;
    }
    let mut ends = [0u32; SHARDS];
    let mut total = 0;
    for (s, n) in next.iter_mut().enumerate() {
        let count = *n;
        *n = total;
        total += count;
        ends[s] = u32::try_from(total).expect("fewer than 2^32 pairs in a document");
    }
    let mut grouped = vec![(0, 0, 0); pairs.len()];
    for (pair, s) in pairs.into_iter().zip(shards) {
        grouped[next[s as usize]] = pair;
        next[s as usize] += 1;
    }
    (grouped, ends)
}

#[cfg(test)]
mod tests {
    use super::{group_by_shard, pair_key, prefix_key, rank_string, shard, Date, Span, SHARDS};
    use proptest::prelude::*;

    /// A `YYYY`, `YYYY-MM` or `YYYY-MM-DD` as `date_prefix` lets through.
    fn date() -> impl Strategy<Value = String> {
        (0u32..=9999, 0u32..=12, 0u32..=28).prop_map(|(y, m, d)| match (m, d) {
            (0, _) => format!("{y:04}"),
            (_, 0) => format!("{y:04}-{m:02}"),
            _ => format!("{y:04}-{m:02}-{d:02}"),
        })
    }

    /// The pair table's entries stay small (see `PairTally`): evidence
    /// lives behind a pointer.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn pair_tallies_take_48_bytes() {
        assert_eq!(std::mem::size_of::<super::PairTally>(), 48);
    }

    proptest! {
        /// Ranks order as the date strings do and give them back.
        #[test]
        fn date_ranks_order_like_strings(a in date(), b in date()) {
            let (ra, rb) = (Date::new(&a).rank(), Date::new(&b).rank());
            prop_assert!(ra > 0 && rb > 0);
            prop_assert_eq!(ra.cmp(&rb), a.cmp(&b));
            prop_assert_eq!(rank_string(ra), a);
        }

        /// A span keeps the first and last dates it was widened with.
        #[test]
        fn spans_keep_the_extremes(dates in proptest::collection::vec(date(), 0..6)) {
            let mut span = Span::default();
            for d in &dates {
                span.widen(Date::new(d).rank());
            }
            span.widen(0); // an undated document changes nothing
            prop_assert_eq!(span.first(), dates.iter().min().cloned());
            prop_assert_eq!(span.last(), dates.iter().max().cloned());
        }

        /// Each shard's group holds exactly the pairs of that shard, in
        /// their order, and the groups together are the pairs.
        #[test]
        fn pairs_grouped_by_shard(
            pairs in proptest::collection::btree_set((0u32..50, 0u32..50, 1u64..4), 0..120),
        ) {
            let pairs: Vec<_> = pairs.into_iter().collect();
            let (grouped, ends) = group_by_shard(pairs.clone());
            prop_assert_eq!(grouped.len(), pairs.len());
            prop_assert_eq!(ends[SHARDS - 1] as usize, pairs.len());
            let mut start = 0;
            for (s, &end) in ends.iter().enumerate() {
                let group = &grouped[start..end as usize];
                let expected: Vec<_> = pairs
                    .iter()
                    .copied()
                    .filter(|&(a, b, _)| shard(pair_key(a, b)) == s)
                    .collect();
                prop_assert_eq!(group, &expected[..], "shard {}", s);
                start = end as usize;
            }
        }

        /// A larger key means a larger string (byte order), never the reverse.
        #[test]
        fn prefix_keys_order_like_strings(a in "[\\x00a-c\u{e9}]{0,10}", b in "[\\x00a-c\u{e9}]{0,10}") {
            if prefix_key(&a) > prefix_key(&b) {
                prop_assert!(a > b);
            }
            if a.len() <= 8 && b.len() <= 8 && !a.contains('\0') && !b.contains('\0') {
                prop_assert_eq!(prefix_key(&a).cmp(&prefix_key(&b)), a.cmp(&b));
            }
        }
    }
}
