//! Co-mention counts: what the graph is built from, and the state that shards
//! save and merge.
//!
//! [`CoMentionCounts`] holds, for one corpus (or a shard of it), per entity
//! the number of mentions, of scopes and of documents that mention it, per
//! unordered pair of entities the number of scopes holding both
//! (`cooccurrences`) and of documents where they co-occur, first and last
//! dates, up to K example document ids, and the global numbers of documents,
//! scopes and mentions. With a [`Slice`] the same counts are also kept per
//! time slice. Entities are keyed by their id *string*, so shards counted
//! with equal gazetteers merge, whatever the entity order in memory.
//!
//! Merging is addition (`a + b`, `a += b`): counts add, dates combine by
//! min/max, evidence keeps the K smallest distinct document ids. It is exact,
//! associative and commutative, so any split of a corpus into shards, merged
//! in any order, gives the counts of one run. Measures (PMI, …) are computed
//! later, from merged counts, by [`crate::graph`]; nothing here is a ratio.
//!
//! # Scopes
//!
//! A *scope* is the unit in which two entities co-occur; within one scope a
//! pair counts once, and `N` (the total number of scopes) is the denominator
//! of every association measure.
//!
//! | scope | one scope is | N counts |
//! | --- | --- | --- |
//! | `document` | a document | every document, with or without mentions |
//! | `paragraph` | a blank-line separated paragraph ([`Mention::paragraph`]) | every paragraph of every document |
//! | `sentence` | a sentence ([`Mention::sentence`]) | every sentence of every document |
//! | `window:N` | the mentions starting within N words after one mention (the *anchor*) | one window per mention |
//!
//! For `window:N`, a word is a maximal run of alphanumeric characters; each
//! mention's word position is the number of words that start before it.
//! Every mention anchors one window holding itself and every later mention
//! whose word position is at most N greater. Two mentions N words apart or
//! closer therefore share at least one window; a pair counts once per window
//! it shares.
//!
//! # Dates and slices
//!
//! A document's date is the longest valid `YYYY`, `YYYY-MM` or `YYYY-MM-DD`
//! prefix of [`Document::date`] (`2023-05-01T10:00Z` gives `2023-05-01`);
//! dates compare as strings. A document without such a prefix counts
//! everywhere but in dates and slices. `--slice year|month|day` keys the
//! document by the first 4, 7 or 10 characters of its date; a document whose
//! date is too short for the slice (`2023` with `month`) belongs to no slice.
//! Slice layers carry no evidence ids.
//!
//! # Roll-up
//!
//! With [`CountOptions::roll_up`] set to an attribute name (e.g. `country`),
//! a mention of an entity whose attribute value is the id of another entity
//! in the gazetteer counts as a mention of that entity (one step, not
//! transitive). Entities without the attribute, or whose value names no
//! entity, stay themselves. This happens before scopes are formed, so a pair
//! still counts once per scope and Moscow + Russia in one sentence is one
//! mention set `{Russia}`, not a self-loop.
//!
//! The on-disk state format is in [`state`].

mod counter;
pub mod state;

pub use counter::{Counter, DocumentCounts, Tally};

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::{Add, AddAssign};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::corpus::Document;
use crate::error::{Error, Result};
use crate::gazetteer::Gazetteer;
use crate::tagger::Mention;

/// The unit in which two entities co-occur (see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Scope {
    /// The whole document.
    #[default]
    Document,
    /// A blank-line separated paragraph.
    Paragraph,
    /// A sentence.
    Sentence,
    /// Mentions at most this many words apart.
    Window(u32),
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Document => f.write_str("document"),
            Scope::Paragraph => f.write_str("paragraph"),
            Scope::Sentence => f.write_str("sentence"),
            Scope::Window(n) => write!(f, "window:{n}"),
        }
    }
}

impl FromStr for Scope {
    type Err = Error;

    /// Parses `document`, `paragraph`, `sentence` or `window:N` (N ≥ 1).
    ///
    /// ```
    /// use comention::counts::Scope;
    /// assert_eq!("window:5".parse::<Scope>()?, Scope::Window(5));
    /// assert_eq!(Scope::Sentence.to_string(), "sentence");
    /// assert!("window:0".parse::<Scope>().is_err());
    /// # Ok::<(), comention::Error>(())
    /// ```
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "document" => Ok(Scope::Document),
            "paragraph" => Ok(Scope::Paragraph),
            "sentence" => Ok(Scope::Sentence),
            _ => match s.strip_prefix("window:").map(str::parse::<u32>) {
                Some(Ok(n)) if n >= 1 => Ok(Scope::Window(n)),
                _ => Err(Error::Invalid(format!(
                    "unknown scope {s:?}; use document, paragraph, sentence or window:N with N >= 1"
                ))),
            },
        }
    }
}

impl From<Scope> for String {
    fn from(s: Scope) -> String {
        s.to_string()
    }
}

impl TryFrom<String> for Scope {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        s.parse()
    }
}

/// The length of a time slice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Slice {
    /// `YYYY`.
    Year,
    /// `YYYY-MM`.
    Month,
    /// `YYYY-MM-DD`.
    Day,
}

impl Slice {
    /// The slice key of a normalised date ([`date_prefix`]), if the date is
    /// precise enough.
    ///
    /// ```
    /// use comention::counts::Slice;
    /// assert_eq!(Slice::Month.key("2023-05-01"), Some("2023-05"));
    /// assert_eq!(Slice::Day.key("2023-05"), None);
    /// ```
    pub fn key(self, date: &str) -> Option<&str> {
        let len = match self {
            Slice::Year => 4,
            Slice::Month => 7,
            Slice::Day => 10,
        };
        date.get(..len)
    }

    /// The first and last day (`YYYY-MM-DD`, inclusive) of a slice key, for
    /// GEXF spells.
    ///
    /// ```
    /// use comention::counts::Slice;
    /// assert_eq!(Slice::Month.days("2024-02"), ("2024-02-01".into(), "2024-02-29".into()));
    /// assert_eq!(Slice::Year.days("2023"), ("2023-01-01".into(), "2023-12-31".into()));
    /// ```
    pub fn days(self, key: &str) -> (String, String) {
        match self {
            Slice::Year => (format!("{key}-01-01"), format!("{key}-12-31")),
            Slice::Month => {
                let year: u32 = key[..4].parse().expect("slice keys are validated dates");
                let month: u32 = key[5..7].parse().expect("slice keys are validated dates");
                let last = days_in_month(year, month);
                (format!("{key}-01"), format!("{key}-{last:02}"))
            }
            Slice::Day => (key.to_string(), key.to_string()),
        }
    }
}

impl fmt::Display for Slice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Slice::Year => "year",
            Slice::Month => "month",
            Slice::Day => "day",
        })
    }
}

impl FromStr for Slice {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "year" => Ok(Slice::Year),
            "month" => Ok(Slice::Month),
            "day" => Ok(Slice::Day),
            _ => Err(Error::Invalid(format!(
                "unknown slice {s:?}; use year, month or day"
            ))),
        }
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The longest valid `YYYY`, `YYYY-MM` or `YYYY-MM-DD` prefix of a date.
///
/// ```
/// use comention::counts::date_prefix;
/// assert_eq!(date_prefix("2023-05-01T10:00:00Z"), Some("2023-05-01"));
/// assert_eq!(date_prefix("2023-13-01"), Some("2023"));
/// assert_eq!(date_prefix("May 2023"), None);
/// ```
pub fn date_prefix(date: &str) -> Option<&str> {
    let b = date.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    let number = |r: std::ops::Range<usize>| date[r].parse::<u32>().expect("checked digits");
    let followed_by_digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    if !digits(0..4) || followed_by_digit(4) {
        return None;
    }
    if b.get(4) != Some(&b'-') || !digits(5..7) || followed_by_digit(7) {
        return Some(&date[..4]);
    }
    let month = number(5..7);
    if !(1..=12).contains(&month) {
        return Some(&date[..4]);
    }
    if b.get(7) != Some(&b'-') || !digits(8..10) || followed_by_digit(10) {
        return Some(&date[..7]);
    }
    let day = number(8..10);
    if day < 1 || day > days_in_month(number(0..4), month) {
        return Some(&date[..7]);
    }
    Some(&date[..10])
}

/// What is counted, and how. Counts merge only when their options are equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CountOptions {
    /// The co-occurrence unit.
    pub scope: Scope,
    /// Also count per time slice.
    pub slice: Option<Slice>,
    /// How many example document ids to keep per pair (the smallest ids).
    pub evidence: usize,
    /// Merge entities into the entity named by this attribute (see the module docs).
    pub roll_up: Option<String>,
    /// Identifies the gazetteer and matching options (see [`fingerprint`]);
    /// free-form, only compared for equality.
    pub fingerprint: Option<String>,
}

impl Default for CountOptions {
    /// Document scope, no slices, 3 evidence ids, no roll-up, no fingerprint.
    fn default() -> Self {
        CountOptions {
            scope: Scope::Document,
            slice: None,
            evidence: 3,
            roll_up: None,
            fingerprint: None,
        }
    }
}

/// A stable fingerprint of a gazetteer plus a free-form description of the
/// matching options, so that states counted with different lists refuse to
/// merge. FNV-1a (64 bit) over ids, types, names, aliases and attributes.
///
/// ```
/// let gaz = comention::Gazetteer::from_csv_str("id,type,name,aliases\nru,COUNTRY,Russia,\n")?;
/// let fp = comention::counts::fingerprint(&gaz, "case=smart");
/// assert!(fp.starts_with("fnv1a64:"));
/// assert_ne!(fp, comention::counts::fingerprint(&gaz, "case=insensitive"));
/// # Ok::<(), comention::Error>(())
/// ```
pub fn fingerprint(gazetteer: &Gazetteer, matching: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |s: &str| {
        for &byte in s.as_bytes().iter().chain([0xffu8].iter()) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for e in gazetteer.entities() {
        feed(&e.id);
        feed(&e.kind);
        feed(&e.name);
        for a in &e.aliases {
            feed(&a.text);
            feed(if a.is_adjective { "adj" } else { "" });
        }
        for (k, v) in &e.attributes {
            feed(k);
            feed(v);
        }
        feed("\u{1e}");
    }
    feed(matching);
    format!("fnv1a64:{hash:016x}")
}

/// Counts of one entity (in one slice, or overall).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeCounts {
    /// Mentions (hits in the text).
    pub mentions: u64,
    /// Scopes holding at least one mention.
    pub scopes: u64,
    /// Documents holding at least one mention.
    pub documents: u64,
    /// Earliest document date, if any document was dated.
    pub first_date: Option<String>,
    /// Latest document date.
    pub last_date: Option<String>,
}

/// Counts of one unordered pair of entities.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairCounts {
    /// Scopes holding both entities.
    pub cooccurrences: u64,
    /// Documents where both share at least one scope.
    pub documents: u64,
    /// Earliest date of such a document.
    pub first_date: Option<String>,
    /// Latest date of such a document.
    pub last_date: Option<String>,
    /// The smallest such document ids (string order), at most
    /// [`CountOptions::evidence`]; empty in slice layers.
    pub evidence: Vec<String>,
}

/// The strings of a [`PairCounts`], moved into a graph's edge.
pub(crate) struct PairStrings {
    pub(crate) evidence: Vec<String>,
    /// First and last date.
    pub(crate) dates: (Option<String>, Option<String>),
}

impl PairStrings {
    /// Copies of `p`'s strings.
    pub(crate) fn of(p: &PairCounts) -> PairStrings {
        PairStrings {
            evidence: p.evidence.clone(),
            dates: (p.first_date.clone(), p.last_date.clone()),
        }
    }

    /// `p`'s strings, moved out.
    fn take(p: &mut PairCounts) -> PairStrings {
        PairStrings {
            evidence: std::mem::take(&mut p.evidence),
            dates: (p.first_date.take(), p.last_date.take()),
        }
    }
}

/// Corpus-wide numbers (in one slice, or overall).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Documents.
    pub documents: u64,
    /// Scopes: N of the association measures.
    pub scopes: u64,
    /// Mentions.
    pub mentions: u64,
}

/// What the gazetteer says about an entity, kept with the counts so that
/// merging and exporting need no gazetteer.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EntityInfo {
    /// Node label (the entity's canonical name).
    pub label: String,
    /// Entity type (`COUNTRY`, …).
    pub kind: String,
    /// Extra gazetteer columns.
    pub attributes: BTreeMap<String, String>,
}

/// The counts of one slice, or of the whole corpus.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layer {
    totals: Totals,
    nodes: HashMap<String, NodeCounts, IdHasher>,
    /// `pairs[a][b]` with `a < b`.
    pairs: HashMap<String, HashMap<String, PairCounts, IdHasher>, IdHasher>,
}

/// The hasher of a layer's id-keyed maps: foldhash, seeded at random per
/// map like the standard library's SipHash, and several times faster on
/// short ids (SipHash was 2–3% of `merge`).
type IdHasher = foldhash::fast::RandomState;

impl Layer {
    /// Global numbers.
    pub fn totals(&self) -> Totals {
        self.totals
    }

    /// Counts of one entity.
    pub fn node(&self, id: &str) -> Option<&NodeCounts> {
        self.nodes.get(id)
    }

    /// Counts of a pair, in either order.
    pub fn pair(&self, a: &str, b: &str) -> Option<&PairCounts> {
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        self.pairs.get(a)?.get(b)
    }

    /// Every entity, in no particular order.
    pub fn nodes(&self) -> impl Iterator<Item = (&str, &NodeCounts)> {
        self.nodes.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Every pair `(a, b, counts)` with `a < b`, in no particular order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str, &PairCounts)> {
        self.pairs
            .iter()
            .flat_map(|(a, m)| m.iter().map(move |(b, c)| (a.as_str(), b.as_str(), c)))
    }

    /// Number of distinct pairs.
    pub fn pair_count(&self) -> usize {
        self.pairs.values().map(HashMap::len).sum()
    }

    fn node_mut(&mut self, id: &str) -> &mut NodeCounts {
        if !self.nodes.contains_key(id) {
            self.nodes.insert(id.to_string(), NodeCounts::default());
        }
        self.nodes.get_mut(id).expect("just inserted")
    }

    fn pair_mut(&mut self, a: &str, b: &str) -> &mut PairCounts {
        if !self.pairs.contains_key(a) {
            self.pairs.insert(a.to_string(), HashMap::default());
        }
        let inner = self.pairs.get_mut(a).expect("just inserted");
        if !inner.contains_key(b) {
            inner.insert(b.to_string(), PairCounts::default());
        }
        inner.get_mut(b).expect("just inserted")
    }

    fn add_document<'g>(
        &mut self,
        doc: &DocumentCounts,
        id: impl Fn(u32) -> &'g str,
        date: Option<&str>,
        evidence: usize,
    ) {
        self.totals.documents += 1;
        self.totals.scopes += doc.scopes;
        self.totals.mentions += doc.mentions;
        for &(e, mentions, scopes) in &doc.nodes {
            let node = self.node_mut(id(e));
            node.mentions += mentions;
            node.scopes += scopes;
            node.documents += 1;
            widen_dates(&mut node.first_date, &mut node.last_date, date);
        }
        for &(a, b, cooccurrences) in &doc.pairs {
            let (a, b) = counter::ordered(id(a), id(b));
            let pair = self.pair_mut(a, b);
            pair.cooccurrences += cooccurrences;
            pair.documents += 1;
            widen_dates(&mut pair.first_date, &mut pair.last_date, date);
            if evidence > 0 {
                add_evidence(&mut pair.evidence, &doc.id, evidence);
            }
        }
    }

    fn merge(&mut self, other: Layer, evidence: usize) {
        self.totals.documents += other.totals.documents;
        self.totals.scopes += other.totals.scopes;
        self.totals.mentions += other.totals.mentions;
        for (id, n) in other.nodes {
            match self.nodes.get_mut(&id) {
                Some(mine) => mine.merge(&n),
                None => {
                    self.nodes.insert(id, n);
                }
            }
        }
        for (a, inner) in other.pairs {
            let mine = self.pairs.entry(a).or_default();
            for (b, p) in inner {
                match mine.get_mut(&b) {
                    Some(m) => m.merge(p, evidence),
                    None => {
                        mine.insert(b, p);
                    }
                }
            }
        }
    }
}

impl NodeCounts {
    fn merge(&mut self, other: &NodeCounts) {
        self.mentions += other.mentions;
        self.scopes += other.scopes;
        self.documents += other.documents;
        min_date(&mut self.first_date, other.first_date.as_deref());
        max_date(&mut self.last_date, other.last_date.as_deref());
    }
}

impl PairCounts {
    fn merge(&mut self, other: PairCounts, evidence: usize) {
        self.cooccurrences += other.cooccurrences;
        self.documents += other.documents;
        min_date(&mut self.first_date, other.first_date.as_deref());
        max_date(&mut self.last_date, other.last_date.as_deref());
        for id in &other.evidence {
            add_evidence(&mut self.evidence, id, evidence);
        }
    }
}

fn min_date(mine: &mut Option<String>, other: Option<&str>) {
    if let Some(d) = other {
        if mine.as_deref().map_or(true, |m| d < m) {
            *mine = Some(d.to_string());
        }
    }
}

fn max_date(mine: &mut Option<String>, other: Option<&str>) {
    if let Some(d) = other {
        if mine.as_deref().map_or(true, |m| d > m) {
            *mine = Some(d.to_string());
        }
    }
}

fn widen_dates(first: &mut Option<String>, last: &mut Option<String>, date: Option<&str>) {
    min_date(first, date);
    max_date(last, date);
}

/// Inserts `id` into the sorted, distinct `list` and keeps the `k` smallest.
fn add_evidence(list: &mut Vec<String>, id: &str, k: usize) {
    if list.len() >= k && list.last().is_some_and(|last| id >= last.as_str()) {
        return;
    }
    if let Err(at) = list.binary_search_by(|probe| probe.as_str().cmp(id)) {
        list.insert(at, id.to_string());
        list.truncate(k);
    }
}

/// Co-mention counts of a corpus or shard (see the [module docs](self)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoMentionCounts {
    options: CountOptions,
    overall: Layer,
    slices: BTreeMap<String, Layer>,
    entities: BTreeMap<String, EntityInfo>,
}

impl Default for CoMentionCounts {
    fn default() -> Self {
        CoMentionCounts::new(CountOptions::default())
    }
}

impl CoMentionCounts {
    /// Empty counts: the identity of `+`.
    ///
    /// ```
    /// use comention::counts::{CoMentionCounts, CountOptions};
    /// let empty = CoMentionCounts::new(CountOptions::default());
    /// assert_eq!(empty.overall().totals().documents, 0);
    /// ```
    pub fn new(options: CountOptions) -> Self {
        CoMentionCounts {
            options,
            overall: Layer::default(),
            slices: BTreeMap::new(),
            entities: BTreeMap::new(),
        }
    }

    /// The counts of one document.
    ///
    /// ```
    /// use comention::counts::{CoMentionCounts, CountOptions, Scope};
    /// let gaz = comention::Gazetteer::from_csv_str(
    ///     "id,type,name,aliases\nru,COUNTRY,Russia,\nkz,COUNTRY,Kazakhstan,\n")?;
    /// let doc = comention::Document::new("d1", "Russia and Kazakhstan. Russia again.");
    /// let mentions = comention::Tagger::new(&gaz).tag(&doc.text);
    /// let counts = CoMentionCounts::of(&doc, &mentions, &gaz, &CountOptions::default());
    /// assert_eq!(counts.overall().node("ru").unwrap().mentions, 2);
    /// assert_eq!(counts.overall().pair("ru", "kz").unwrap().cooccurrences, 1);
    /// # Ok::<(), comention::Error>(())
    /// ```
    pub fn of(
        doc: &Document,
        mentions: &[Mention],
        gazetteer: &Gazetteer,
        options: &CountOptions,
    ) -> Self {
        let mut counts = CoMentionCounts::new(options.clone());
        counts.add_document(doc, mentions, gazetteer);
        counts
    }

    /// Adds one document (tagged with a tagger built from `gazetteer`).
    /// Cheaper than `+=` of [`CoMentionCounts::of`] when folding a stream;
    /// for a whole corpus, [`Counter`] is faster still.
    pub fn add_document(&mut self, doc: &Document, mentions: &[Mention], gazetteer: &Gazetteer) {
        let roll_up = self.options.roll_up.as_deref();
        let counted = counter::count_document(doc, mentions, self.options.scope, |e| {
            counter::roll_up_target(gazetteer, roll_up, e)
        });
        let entities = gazetteer.entities();
        let id = |e: u32| entities[e as usize].id.as_str();
        let date = counted.date.as_ref().map(counter::Date::as_str);
        self.overall
            .add_document(&counted, id, date, self.options.evidence);
        if let (Some(slice), Some(date)) = (self.options.slice, date) {
            if let Some(key) = slice.key(date) {
                if !self.slices.contains_key(key) {
                    self.slices.insert(key.to_string(), Layer::default());
                }
                let layer = self.slices.get_mut(key).expect("just inserted");
                layer.add_document(&counted, id, Some(date), 0);
            }
        }
    }

    /// The options these counts were made with.
    pub fn options(&self) -> &CountOptions {
        &self.options
    }

    /// Counts over the whole corpus.
    pub fn overall(&self) -> &Layer {
        &self.overall
    }

    /// The whole corpus's counts, for moving their strings out.
    pub(crate) fn overall_mut(&mut self) -> &mut Layer {
        &mut self.overall
    }

    /// Counts of one time slice.
    pub fn slice(&self, key: &str) -> Option<&Layer> {
        self.slices.get(key)
    }

    /// Every time slice, in key order.
    pub fn slices(&self) -> impl Iterator<Item = (&str, &Layer)> {
        self.slices.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Label, type and attributes of the entities, once attached.
    pub fn entities(&self) -> &BTreeMap<String, EntityInfo> {
        &self.entities
    }

    /// Copies label, type and attributes from the gazetteer for every
    /// counted entity, so that the state can be exported without it.
    ///
    /// ```
    /// use comention::counts::{CoMentionCounts, CountOptions};
    /// let gaz = comention::Gazetteer::from_csv_str("id,type,name,aliases\nru,COUNTRY,Russia,\n")?;
    /// let doc = comention::Document::new("d1", "Russia.");
    /// let mut counts = CoMentionCounts::of(&doc, &comention::Tagger::new(&gaz).tag(&doc.text), &gaz, &CountOptions::default());
    /// counts.attach_entities(&gaz);
    /// assert_eq!(counts.entities()["ru"].label, "Russia");
    /// # Ok::<(), comention::Error>(())
    /// ```
    pub fn attach_entities(&mut self, gazetteer: &Gazetteer) {
        for id in self.overall.nodes.keys() {
            if let Some(e) = gazetteer.get(id) {
                self.entities.insert(
                    id.clone(),
                    EntityInfo {
                        label: e.name.clone(),
                        kind: e.kind.clone(),
                        attributes: e.attributes.clone(),
                    },
                );
            }
        }
    }

    /// Sets what is known about one entity (used when reading a state).
    pub fn set_entity(&mut self, id: String, info: EntityInfo) {
        self.entities.insert(id, info);
    }

    /// Adds `other` into `self`, or fails if they were counted with
    /// different options.
    ///
    /// ```
    /// use comention::counts::{CoMentionCounts, CountOptions, Scope};
    /// let mut a = CoMentionCounts::new(CountOptions::default());
    /// let b = CoMentionCounts::new(CountOptions { scope: Scope::Sentence, ..CountOptions::default() });
    /// assert!(a.merge(b).is_err());
    /// ```
    pub fn merge(&mut self, other: CoMentionCounts) -> Result<()> {
        if self.options != other.options {
            return Err(Error::Invalid(format!(
                "cannot merge counts made with different options ({}); count all shards with the same options and gazetteer",
                describe_difference(&self.options, &other.options)
            )));
        }
        let k = self.options.evidence;
        self.overall.merge(other.overall, k);
        for (key, layer) in other.slices {
            match self.slices.get_mut(&key) {
                Some(mine) => mine.merge(layer, 0),
                None => {
                    self.slices.insert(key, layer);
                }
            }
        }
        for (id, info) in other.entities {
            match self.entities.get_mut(&id) {
                // Keep the smaller of two disagreeing descriptions, so that merge order never matters.
                Some(mine) if info < *mine => *mine = info,
                Some(_) => {}
                None => {
                    self.entities.insert(id, info);
                }
            }
        }
        Ok(())
    }

    pub(crate) fn layer_mut(&mut self, slice: Option<&str>) -> &mut Layer {
        match slice {
            None => &mut self.overall,
            Some(key) => self.slices.entry(key.to_string()).or_default(),
        }
    }
}

fn option_fields(o: &CountOptions) -> [(&'static str, String); 5] {
    [
        ("scope", o.scope.to_string()),
        (
            "slice",
            o.slice.map_or("none".to_string(), |s| s.to_string()),
        ),
        ("evidence", o.evidence.to_string()),
        (
            "roll_up",
            o.roll_up.clone().unwrap_or_else(|| "none".into()),
        ),
        (
            "fingerprint",
            o.fingerprint.clone().unwrap_or_else(|| "none".into()),
        ),
    ]
}

/// The options that differ, as `name=this vs that, …` (a fingerprint
/// differs when the gazetteer or the matching options differ).
pub(crate) fn describe_difference(this: &CountOptions, that: &CountOptions) -> String {
    option_fields(this)
        .into_iter()
        .zip(option_fields(that))
        .filter(|(a, b)| a.1 != b.1)
        .map(|((name, a), (_, b))| format!("{name}={a} vs {b}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Layer {
    pub(crate) fn add_totals(&mut self, t: Totals) {
        self.totals.documents += t.documents;
        self.totals.scopes += t.scopes;
        self.totals.mentions += t.mentions;
    }

    pub(crate) fn add_node(&mut self, id: &str, n: &NodeCounts) {
        self.node_mut(id).merge(n);
    }

    pub(crate) fn add_pair(&mut self, a: &str, b: &str, p: PairCounts, evidence: usize) {
        self.pair_mut(a, b).merge(p, evidence);
    }

    pub(crate) fn sorted_nodes(&self) -> Vec<(&str, &NodeCounts)> {
        let mut v: Vec<_> = self.nodes().collect();
        v.sort_unstable_by(|x, y| x.0.cmp(y.0));
        v
    }

    /// Each pair's evidence and dates, moved out, in [`Layer::sorted_pairs`]
    /// order.
    pub(crate) fn take_pair_strings(&mut self) -> Vec<PairStrings> {
        in_pair_order(self.pairs.iter_mut())
            .into_iter()
            .map(|(_, _, p)| PairStrings::take(p))
            .collect()
    }

    /// Every pair `(a, b, counts)` with `a < b`, sorted.
    pub(crate) fn sorted_pairs(&self) -> Vec<(&str, &str, &PairCounts)> {
        in_pair_order(self.pairs.iter())
    }
}

/// The pairs of `rows` (a layer's rows, by reference or mutable
/// reference), sorted by `a` then `b`: the rows are put in order, and each
/// row's pairs are sorted on the pool.
fn in_pair_order<'a, R, P>(
    rows: impl Iterator<Item = (&'a String, R)>,
) -> Vec<(&'a str, &'a str, P)>
where
    R: IntoIterator<Item = (&'a String, P)> + Send,
    P: Send,
{
    use rayon::prelude::*;
    let mut rows: Vec<(&str, R)> = rows.map(|(a, row)| (a.as_str(), row)).collect();
    rows.sort_unstable_by_key(|&(a, _)| a);
    let rows: Vec<Vec<(&str, &str, P)>> = rows
        .into_par_iter()
        .map(|(a, row)| {
            let mut v: Vec<_> = row.into_iter().map(|(b, p)| (a, b.as_str(), p)).collect();
            v.sort_unstable_by_key(|&(_, b, _)| b);
            v
        })
        .collect();
    rows.into_iter().flatten().collect()
}

impl AddAssign for CoMentionCounts {
    /// Merges exactly.
    ///
    /// # Panics
    ///
    /// When the two were counted with different [`CountOptions`]; use
    /// [`CoMentionCounts::merge`] to get an error instead.
    fn add_assign(&mut self, other: CoMentionCounts) {
        self.merge(other)
            .expect("counts added with `+` share their options; use merge() for untrusted input");
    }
}

impl Add for CoMentionCounts {
    type Output = CoMentionCounts;

    /// Merges exactly (see [`AddAssign`] for the panic).
    ///
    /// ```
    /// use comention::counts::{CoMentionCounts, CountOptions};
    /// let gaz = comention::Gazetteer::from_csv_str("id,type,name,aliases\nru,COUNTRY,Russia,\n")?;
    /// let tagger = comention::Tagger::new(&gaz);
    /// let opts = CountOptions::default();
    /// let one = |id: &str| {
    ///     let d = comention::Document::new(id, "Russia.");
    ///     CoMentionCounts::of(&d, &tagger.tag(&d.text), &gaz, &opts)
    /// };
    /// let sum = one("a") + one("b");
    /// assert_eq!(sum.overall().node("ru").unwrap().documents, 2);
    /// # Ok::<(), comention::Error>(())
    /// ```
    fn add(mut self, other: CoMentionCounts) -> CoMentionCounts {
        self += other;
        self
    }
}

/// The word position of each mention: the number of words (maximal runs of
/// alphanumeric characters) that start before the mention's first byte.
fn word_positions(text: &str, mentions: &[Mention]) -> Vec<u64> {
    let mut positions = Vec::with_capacity(mentions.len());
    let mut words = 0u64;
    let mut in_word = false;
    let mut next = 0;
    for (at, c) in text.char_indices() {
        while next < mentions.len() && mentions[next].start <= at {
            positions.push(words);
            next += 1;
        }
        if next == mentions.len() {
            break;
        }
        let is_word = c.is_alphanumeric();
        if is_word && !in_word {
            words += 1;
        }
        in_word = is_word;
    }
    while positions.len() < mentions.len() {
        positions.push(words);
    }
    positions
}

#[cfg(test)]
pub(crate) mod tests;
