//! The tagger: finds gazetteer aliases in text, exactly.
//!
//! An Aho-Corasick automaton over every alias (and the forms smart case adds)
//! finds candidates leftmost-longest; each candidate then has to pass the
//! word-boundary, possessive and URL checks. A candidate that fails does not
//! hide a shorter valid one: the search resumes inside it. The automaton runs
//! on a normalised copy of the text (see below) and every hit is mapped back,
//! so a mention's `start..end` always slices the original text. Text that
//! needs no normalisation is searched as it is, and so is ASCII text whose
//! only changes would be whitespace runs that no alias can span.
//!
//! # Matching rules
//!
//! | alias | text | match |
//! |---|---|---|
//! | `Kazakhstan` | `Kazakhstan`, `KAZAKHSTAN` | yes (smart case: own spelling and ALL CAPS) |
//! | `Kazakhstan` | `kazakhstan` | no (lower-case text never matches a capitalised alias) |
//! | `Türkiye` | `TÜRKİYE` (Turkish dotted İ) | yes |
//! | `Turkey` | `turkey` (the bird) | no |
//! | `BRI` | `BRI` | yes; `bri`, `Bri`, `BRICS`, `bright`: no (all-caps aliases match exactly) |
//! | `Xi` | `XI` | no (aliases shorter than 3 letters get no ALL-CAPS form: Roman numerals) |
//! | `the Kremlin` | `The Kremlin` | yes (an alias that starts lower-case also matches capitalised) |
//! | `Iran` | `Iranian` | no (word boundary), unless `Iranian` is an alias |
//! | `Russia` | `Russia's`, `Russia’s`, `Russias`, `RUSSIA'S` | yes, the mention covers `Russia` only |
//! | `Xi` | `Xi’an` | no (an apostrophe followed by letters other than a possessive `s` continues the word) |
//! | `US` | `USS` | no (the lost-apostrophe `s` follows lower-case letters only, or `S` after an ALL-CAPS form) |
//! | `Xi Jinping` | `Xi\nJinping`, `Xi  Jinping`, `Xi\u{A0}Jinping` | yes (any whitespace run matches a space) |
//! | `Côte d'Ivoire` | `Côte d’Ivoire` | yes (curly and straight quotes are equal) |
//! | `Russia-Ukraine` | `Russia–Ukraine` | yes (hyphen and dash variants are equal) |
//! | `Kazakhstan` | `Kazakh\u{AD}stan` | yes (soft hyphens and zero-width characters are ignored) |
//! | `Türkiye` | `Turkiye` | only with diacritic folding on |
//! | `Kazakhstan` | `https://x.kz/Kazakhstan-news` | no (inside a URL) |
//! | `Vladimir Putin`, `Putin` | `President Vladimir Putin` | `Vladimir Putin` only (leftmost-longest) |
//! | `Nord Stream`, `Nord Stream 2` | `Nord Stream 23` | `Nord Stream` (a rejected longer hit does not hide a shorter one) |
//!
//! Case modes: [`Case::Smart`] (the table above), [`Case::Sensitive`] (own
//! spelling only) and [`Case::Insensitive`] (any case).
//!
//! # Choosing the automaton
//!
//! Up to 100,000 patterns a `daachorse` double-array Aho-Corasick automaton;
//! above that a byte trie walked only where a word starts (`trie` module).
//! aho-corasick's DFA (up to 20,000 patterns) and contiguous NFA remain
//! available through [`TaggerBuilder::automaton`], which forces a choice. All
//! choices give the same mentions (a property test compares them).
//!
//! Measured with `cargo bench --bench automata -- AUTOMATON GAZETTEER
//! sotu.jsonl` (whole [`Tagger::tag`] over the 11.9 MB of text of the State
//! of the Union corpus, best of 3; build time; peak RSS of the process after
//! the build, gazetteer included; gazetteers from `benches/corpus/prepare.py`,
//! "⅛ of large" = its first rows; a 2-core machine, otherwise idle):
//!
//! | gazetteer | patterns | aho-corasick | daachorse | trie |
//! |---|---:|---|---|---|
//! | small | 2,363 | DFA: 328 MB/s, 0.04 s, 36 MB | **344 MB/s**, 0.005 s, 26 MB | 186 MB/s, 0.001 s, 26 MB |
//! | embedded (default) | 35,531 | NFA: 132 MB/s, 0.08 s, 41 MB | **237 MB/s**, 0.10 s, 61 MB | 159 MB/s, 0.02 s, 31 MB |
//! | medium | 66,615 | NFA: 131 MB/s, 0.16 s, 68 MB | **244 MB/s**, 0.17 s, 98 MB | 160 MB/s, 0.04 s, 48 MB |
//! | ⅛ of large | 65,684 | NFA: 82 MB/s, 0.21 s, 66 MB | 94 MB/s, 0.20 s, 102 MB | **114 MB/s**, 0.04 s, 34 MB |
//! | ¼ of large | 146,654 | NFA: 76 MB/s, 0.43 s, 111 MB | 85 MB/s, 0.43 s, 183 MB | **101 MB/s**, 0.09 s, 57 MB |
//! | ½ of large | 299,754 | NFA: 70 MB/s, 0.93 s, 189 MB | 80 MB/s, 0.79 s, 366 MB | **94 MB/s**, 0.18 s, 100 MB |
//! | large | 652,372 | NFA: 61 MB/s, 2.20 s, 359 MB | 70 MB/s, 2.10 s, 764 MB | **80 MB/s**, 0.44 s, 197 MB |
//!
//! daachorse is at least as fast as aho-corasick's DFA on small gazetteers
//! (a bare scan of the 2,354-form list: 525 MB/s against 331–511 MB/s) with
//! less memory and a tenth of the build time, thanks to its prefilter, and
//! 1.8× faster than its NFA from 35k patterns on (the DFA, 271 MB/s bare at
//! 66k forms, needs 355 MB there). Which of daachorse and the trie wins
//! depends on the text of the patterns as much as on their number: on city
//! names (medium) daachorse is 1.5× faster; on GeoNames alternate names
//! (the slices of large: many short names that keep matching inside and at
//! the start of words) the trie is 1.1–1.2× faster at every size, and it
//! always builds 5× faster in a third to a half of the memory. The threshold
//! sits between the two measured regimes; a 1,000,000-alias gazetteer (1.6M
//! patterns) stays on the trie (daachorse: 4.5 s and 1.5 GB to build it).
//!
//! A few aliases that start with a lower-case letter (`the Abode of Peace`,
//! `al-Qaeda`, `el Raval`) slow daachorse down out of proportion: its
//! prefilter skips bytes that start no pattern, and with them every `t`, `a`
//! or `e` of running text starts one. Up to 64 such patterns are searched
//! apart and the two streams of hits are merged (`Split`). On the 240 MB
//! State of the Union corpus (`comention tag --threads 1`, old and new
//! builds interleaved, 3 runs, output identical) this took small from 1.05
//! to 0.92 s (10 lower-case forms among 2,354) and medium from 1.64 to
//! 1.36 s (42 among 66,575). Searched by their first bytes (aho-corasick's
//! Teddy), those few patterns still stopped at every `the ` (11% of a
//! small run); each is now found by its least English-looking window
//! (`Abod` in `the Abode of Peace`, `lower` module), which took small to
//! 0.79–0.88 s and medium to 1.23–1.28 s in the same kind of run.
//!
//! Re-measured in December 2026 on another 2-core machine (Intel Xeon), with
//! the lower-case split and the trie's nodes packed into one record, same
//! command and run: medium, daachorse 393 MB/s (0.13 s, 99 MB) against the
//! trie's 146 MB/s (0.03 s, 49 MB); large, daachorse 70 MB/s (1.70 s, 752 MB)
//! against the trie's 75 MB/s (0.34 s, 188 MB). The threshold stands.
//!
//! Again on December 5, after the trie's nodes were numbered level by level
//! and given a table for their first two bytes (see the `trie` module), same
//! command, best of 3: medium, daachorse 438 MB/s (0.10 s, 99 MB) against
//! the trie's 176 MB/s (0.02 s, 49 MB); half of large (297,758 patterns)
//! 86 against 116 MB/s; large 80 MB/s (1.87 s, 758 MB) against 103 MB/s
//! (0.33 s, 198 MB). The trie gained on both sides of the threshold, which
//! still stands.
//!
//! After a rejected candidate, every automaton resumes past the rest of the
//! word it started in (a pattern that starts inside a word fails the
//! word-boundary check whatever it is), so a long word is not re-scanned for
//! each short pattern hidden inside it.
//!
//! # Alias conflicts
//!
//! When two entities claim the same alias (after normalisation), one wins, by
//! the first rule that tells them apart: (1) the alias as written beats a form
//! that smart case added (ALL CAPS, capitalised); then the gazetteer's
//! [`conflict_order`]: (2) an alias that is the entity's name beats one that
//! is not; (3) a plain alias beats an adjectival one; (4) the entity loaded
//! first (earlier `-g` file, earlier row) wins.
//! `comention gazetteer lint` lists every conflict.

mod boundary;
mod cache;
mod explain;
mod fold;
mod lower;
mod runs;
mod trie;

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind, Input, MatchKind};
use daachorse::{
    DoubleArrayAhoCorasick, DoubleArrayAhoCorasickBuilder, MatchKind as DaachorseMatchKind,
};

use rayon::slice::ParallelSliceMut;

use crate::corpus::segment;
use crate::gazetteer::lint::{conflict_order, Claim};
use crate::gazetteer::{Entity, Gazetteer};
pub use explain::{NearMiss, Reason};
use fold::{Normalizer, OffsetMap};

/// One hit of an entity in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mention {
    /// First byte of the mention in the original text.
    pub start: usize,
    /// One past the last byte in the original text.
    pub end: usize,
    /// Char offset of `start`.
    pub char_start: usize,
    /// Char offset of `end`.
    pub char_end: usize,
    /// Index of the entity in [`Gazetteer::entities`].
    pub entity: u32,
    /// 0-based sentence index (see [`crate::corpus::segment`]).
    pub sentence: u32,
    /// 0-based paragraph index (blank-line separated).
    pub paragraph: u32,
}

impl Mention {
    /// The mention's text: the slice of the original text it covers.
    ///
    /// ```
    /// let gaz = comention::Gazetteer::from_csv_str("id,type,name,aliases\nru,COUNTRY,Russia,\n")?;
    /// let text = "Russia’s exports";
    /// let m = comention::Tagger::new(&gaz).tag(text)[0];
    /// assert_eq!(m.text(text), "Russia");
    /// # Ok::<(), comention::Error>(())
    /// ```
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}

/// How letter case is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Case {
    /// An alias matches its own spelling and its ALL-CAPS form.
    #[default]
    Smart,
    /// An alias matches its own spelling only.
    Sensitive,
    /// Any case matches.
    Insensitive,
}

/// Which automaton finds the candidates (the mentions are the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Automaton {
    /// Chosen by the number of patterns (see the module doc).
    #[default]
    Auto,
    /// An Aho-Corasick DFA (up to 20,000 patterns) or contiguous NFA.
    AhoCorasick,
    /// A double-array Aho-Corasick automaton (`daachorse`): compact and
    /// fast to build, with a prefilter that skips text no pattern can start.
    Daachorse,
    /// A trie walked from each place where a word starts: the fastest to
    /// build and the smallest, for very large gazetteers.
    Trie,
}

/// Options for building a [`Tagger`].
///
/// ```
/// use comention::tagger::{Case, TaggerBuilder};
/// let gaz = comention::Gazetteer::from_csv_str("id,type,name,aliases\ntr,COUNTRY,Türkiye,\n")?;
/// let tagger = TaggerBuilder::new().fold_diacritics(true).build(&gaz);
/// assert_eq!(tagger.tag("Turkiye and TURKIYE").len(), 2);
/// # Ok::<(), comention::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaggerBuilder {
    case: Case,
    fold_diacritics: bool,
    adjectives: bool,
    sentences: bool,
    automaton: Automaton,
    background: bool,
    cache_dir: Option<Arc<Path>>,
}

impl Default for TaggerBuilder {
    fn default() -> Self {
        TaggerBuilder {
            case: Case::Smart,
            fold_diacritics: false,
            adjectives: true,
            sentences: true,
            automaton: Automaton::Auto,
            background: false,
            cache_dir: None,
        }
    }
}

impl TaggerBuilder {
    /// Default options: smart case, no diacritic folding, adjectives on.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the case rule (default [`Case::Smart`]).
    pub fn case(mut self, case: Case) -> Self {
        self.case = case;
        self
    }

    /// Folds diacritics on both sides, so `Turkiye` matches `Türkiye` (default off).
    pub fn fold_diacritics(mut self, yes: bool) -> Self {
        self.fold_diacritics = yes;
        self
    }

    /// Matches adjectival/demonym aliases such as `Russian` (default on).
    pub fn adjectives(mut self, yes: bool) -> Self {
        self.adjectives = yes;
        self
    }

    /// Numbers sentences and paragraphs in each mention (default on; off
    /// leaves both at 0 and saves the segmentation pass).
    pub fn sentences(mut self, yes: bool) -> Self {
        self.sentences = yes;
        self
    }

    /// Chooses the automaton (default [`Automaton::Auto`]); for
    /// benchmarks and tests: every choice finds the same mentions.
    ///
    /// ```
    /// use comention::tagger::{Automaton, TaggerBuilder};
    /// let gaz = comention::Gazetteer::from_csv_str("id,type,name,aliases\nkz,COUNTRY,Kazakhstan,\n")?;
    /// let trie = TaggerBuilder::new().automaton(Automaton::Trie).build(&gaz);
    /// assert_eq!(trie.tag("KAZAKHSTAN's Kazakhstani").len(), 1);
    /// # Ok::<(), comention::Error>(())
    /// ```
    pub fn automaton(mut self, automaton: Automaton) -> Self {
        self.automaton = automaton;
        self
    }

    /// Returns at once with a tagger that is quick to build, and builds the
    /// faster one on a thread of its own, switching to it when ready
    /// (default off). Only a gazetteer large enough for daachorse's build
    /// to take a while under [`Automaton::Auto`] is affected: it tags with
    /// the trie until daachorse is ready. The mentions are the same either
    /// way; with a second core free this takes the build off the critical
    /// path (the CLI turns it on unless `--threads 1`).
    ///
    /// ```
    /// use comention::tagger::TaggerBuilder;
    /// let gaz = comention::Gazetteer::from_csv_str("id,type,name,aliases\nkz,COUNTRY,Kazakhstan,\n")?;
    /// let tagger = TaggerBuilder::new().build_in_background(true).build(&gaz);
    /// assert_eq!(tagger.tag("KAZAKHSTAN").len(), 1);
    /// # Ok::<(), comention::Error>(())
    /// ```
    pub fn build_in_background(mut self, yes: bool) -> Self {
        self.background = yes;
        self
    }

    /// Keeps the compiled automaton in `dir` (created if missing), so that
    /// the next build with the same gazetteer and options reads it instead
    /// of building it (default: no cache). Each gazetteer and set of
    /// options has a file of its own, named by a hash of everything the
    /// build reads; a damaged file is rebuilt and replaced, and only the 8
    /// most recently used files stay. [`Tagger::cache_outcome`] tells what
    /// happened; a folder that cannot be used only costs the build.
    /// The aho-corasick automaton ([`Automaton::AhoCorasick`]) is never
    /// cached.
    ///
    /// ```
    /// use comention::tagger::{CacheOutcome, TaggerBuilder};
    /// let gaz = comention::Gazetteer::from_csv_str("id,type,name,aliases\nkz,COUNTRY,Kazakhstan,\n")?;
    /// let dir = std::env::temp_dir().join(format!("comention-doc-{}", std::process::id()));
    /// let builder = TaggerBuilder::new().cache_dir(&dir);
    /// let first = builder.build(&gaz);
    /// assert!(matches!(first.cache_outcome(), CacheOutcome::Written(_)));
    /// let second = builder.build(&gaz);
    /// assert!(matches!(second.cache_outcome(), CacheOutcome::Loaded(_)));
    /// assert_eq!(second.tag("KAZAKHSTAN"), first.tag("KAZAKHSTAN"));
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok::<(), comention::Error>(())
    /// ```
    pub fn cache_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.cache_dir = Some(Arc::from(dir.as_ref()));
        self
    }

    /// The normalisation these options ask for (of aliases and texts).
    fn normalizer(&self) -> Normalizer {
        Normalizer {
            fold_diacritics: self.fold_diacritics,
            lowercase: self.case == Case::Insensitive,
        }
    }

    /// Builds the automaton over the gazetteer's aliases.
    pub fn build(&self, gazetteer: &Gazetteer) -> Tagger {
        Tagger::build(gazetteer, self.clone())
    }
}

/// One form of one alias offered to the automaton while building: its text
/// is `buf[start..start + len]`; `order` is the offer's position (ties go to
/// the first).
struct Offer {
    /// The text's first eight bytes, big-endian, zero-padded: ordering by
    /// it first settles most comparisons of the sort without a `memcmp`.
    prefix: u64,
    start: u32,
    len: u32,
    order: u32,
    pattern: Pattern,
    /// The alias is its entity's name ([`Claim::is_name`]).
    is_name: bool,
    /// The alias is adjectival ([`Claim::is_adjective`]).
    is_adjective: bool,
}

impl Offer {
    /// The entity's claim on the alias (its index is the pattern's: a
    /// [`Claim`] kept here would make every offer 16 bytes larger, 26 MB
    /// at a million aliases).
    fn claim(&self) -> Claim {
        Claim {
            entity: self.pattern.entity as usize,
            is_name: self.is_name,
            is_adjective: self.is_adjective,
        }
    }
}

/// What a pattern of the automaton stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pattern {
    entity: u32,
    /// The pattern is a form smart case added (ALL CAPS or capitalised).
    is_added_form: bool,
    /// The pattern is the ALL-CAPS form of a mixed-case alias (allows `S`
    /// as the lost-apostrophe suffix: `RUSSIAS`).
    is_caps_form: bool,
    /// The alias ends in a lower-case letter or is an ALL-CAPS form, so the
    /// apostrophe-less possessive applies.
    lost_apostrophe: bool,
    // No first and last char: a hit's text is the pattern's, so they are
    // read from the text, which is in cache. Eight bytes a pattern keep
    // the table, read at every hit, small.
}

/// Finds gazetteer entities in text.
///
/// ```
/// let gaz = comention::Gazetteer::from_csv_str(
///     "id,type,name,aliases\nputin,PERSON,Vladimir Putin,Putin\nru,COUNTRY,Russia,Russian\n",
/// )?;
/// let tagger = comention::Tagger::new(&gaz);
/// let text = "Russian President Vladimir Putin met officials.";
/// let found: Vec<_> = tagger.tag(text).iter().map(|m| m.text(text)).collect();
/// assert_eq!(found, ["Russian", "Vladimir Putin"]);
/// # Ok::<(), comention::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Tagger {
    gazetteer: Gazetteer,
    options: TaggerBuilder,
    normalizer: Normalizer,
    matcher: Option<Matcher>,
    /// The daachorse matcher being built in the background (see
    /// [`TaggerBuilder::build_in_background`]); used instead of `matcher`
    /// once set.
    later: Option<Arc<OnceLock<Matcher>>>,
    patterns: Vec<Pattern>,
    /// The words patterns have before a space: where none can end a token
    /// before a line break, text with line breaks is searched as it is.
    space_words: runs::SpaceWords,
    /// What the compiled-automaton cache did (shared with the thread that
    /// builds in the background, which writes the file).
    cache: Arc<Mutex<CacheOutcome>>,
    /// The thread that builds in the background and writes the cache file.
    builder_thread: Arc<Mutex<Option<std::thread::JoinHandle<()>>>>,
}

/// What the compiled-automaton cache did for a [`Tagger`] (see
/// [`TaggerBuilder::cache_dir`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheOutcome {
    /// No cache: none was asked for, the gazetteer has no aliases, or the
    /// automaton is aho-corasick's.
    Off,
    /// The automaton was read from this file.
    Loaded(PathBuf),
    /// The automaton is being built on a thread of its own, and will be
    /// written when it is ready.
    Building,
    /// The automaton was built and written to this file.
    Written(PathBuf),
    /// The cache could not be read or written: why, in one line. The
    /// tagger is the same; only the time to build it was not saved.
    Failed(String),
}

/// The automaton that finds candidates.
#[derive(Debug, Clone)]
enum Matcher {
    AhoCorasick(AhoCorasick),
    /// Boxed: far larger than the others (clippy's large_enum_variant).
    Daachorse(Box<Split>),
    Trie(trie::Trie),
}

/// At most this many patterns that start with an ASCII lower-case letter
/// are searched apart from the others (see [`Split`]).
const LOWER_APART_MAX: usize = 64;

/// daachorse over the patterns, with those that start with an ASCII
/// lower-case letter taken out when they are few.
///
/// daachorse skips quickly over bytes that start no pattern. Names start
/// with capitals, but a handful of aliases such as `the Abode of Peace` or
/// `al-Qaeda` make every `t` and `a` of running text a place to stop: on
/// the State of the Union corpus, 10 such aliases among 2,354 patterns cost
/// 22% of the whole run, 42 among 66,575 cost 27%. Those few patterns go to
/// a second search that finds each by a rare window inside it
/// ([`lower::Lower`]), and the two leftmost-longest hits are merged: a place's first byte says
/// which automaton can match there, so the earlier hit of the two is the
/// leftmost-longest hit of all patterns.
#[derive(Debug, Clone)]
struct Split {
    main: Daac,
    /// The patterns taken out of `main`, reporting the tagger's pattern
    /// indices.
    lower: Option<lower::Lower>,
}

impl Split {
    fn new(entries: &[(&[u8], Pattern)]) -> Split {
        let index = |i: usize| u32::try_from(i).expect("fewer than 2^32 patterns");
        let is_lower = |key: &[u8]| key[0].is_ascii_lowercase();
        let lower_count = entries.iter().filter(|(k, _)| is_lower(k)).count();
        let apart =
            lower_count > 0 && lower_count <= LOWER_APART_MAX && lower_count < entries.len();
        let main = entries
            .iter()
            .enumerate()
            .filter(|(_, (k, _))| !(apart && is_lower(k)))
            .map(|(i, (k, _))| (*k, index(i)));
        let main = Daac(
            DoubleArrayAhoCorasickBuilder::new()
                .match_kind(DaachorseMatchKind::LeftmostLongest)
                .build_with_values(main)
                .expect("aliases are unique, non-empty and fewer than 2^24"),
        );
        let lower = apart.then(|| {
            let keys: Vec<(&[u8], u32)> = entries
                .iter()
                .enumerate()
                .filter(|(_, (k, _))| is_lower(k))
                .map(|(i, (k, _))| (*k, index(i)))
                .collect();
            lower::Lower::new(&keys)
        });
        Split { main, lower }
    }
}

/// A candidate: `(start, end, pattern)`.
type Hit = (usize, usize, usize);

/// A [`Split`] during the scan of one text: remembers the next hit of the
/// lower-case patterns, so that the text is scanned for them once, not once
/// per hit of the main automaton.
struct SplitScan<'a> {
    main: &'a Daac,
    lower: &'a lower::Lower,
    /// `(from, hit)`: the leftmost-longest lower-case hit in `from..` of the
    /// whole text.
    next: std::cell::Cell<Option<(usize, Option<Hit>)>>,
}

impl Leftmost for SplitScan<'_> {
    #[inline]
    fn find(&self, text: &[u8], from: usize, to: usize) -> Option<(usize, usize, usize)> {
        let main = self.main.find(text, from, to);
        let lower = match self.next.get() {
            // Nothing starts in `seen..hit` (or after `seen`), so nothing
            // in `from..` either, and the longest at the hit is the same.
            Some((seen, hit))
                if to == text.len() && seen <= from && hit.map_or(true, |h| h.0 >= from) =>
            {
                hit
            }
            _ => {
                let hit = self.lower.find(text, from, to);
                if to == text.len() {
                    self.next.set(Some((from, hit)));
                }
                hit
            }
        };
        match (main, lower) {
            (Some(m), Some(l)) => Some(if l.0 < m.0 { l } else { m }),
            (m, l) => m.or(l),
        }
    }
}

/// A daachorse automaton whose values are pattern indices (a wrapper for
/// `Debug`, which daachorse does not implement).
#[derive(Clone)]
struct Daac(DoubleArrayAhoCorasick<u32>);

impl std::fmt::Debug for Daac {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Daac")
            .field("states", &self.0.num_states())
            .finish()
    }
}

/// A leftmost-longest automaton over the patterns.
trait Leftmost {
    /// The leftmost-longest hit in `text[from..to]`, as `(start, end,
    /// pattern)` offsets into `text`.
    fn find(&self, text: &[u8], from: usize, to: usize) -> Option<(usize, usize, usize)>;
}

impl Leftmost for AhoCorasick {
    #[inline]
    fn find(&self, text: &[u8], from: usize, to: usize) -> Option<(usize, usize, usize)> {
        let hit = AhoCorasick::find(self, Input::new(text).range(from..to))?;
        Some((hit.start(), hit.end(), hit.pattern().as_usize()))
    }
}

impl Leftmost for Daac {
    #[inline]
    fn find(&self, text: &[u8], from: usize, to: usize) -> Option<(usize, usize, usize)> {
        let (start, end, value) = first_hit(&self.0, &text[from..to])?;
        Some((from + start, from + end, value as usize))
    }
}

/// The first leftmost-longest hit of `automaton` in `haystack`. Kept out of
/// line with few live values: inlined into the scan, daachorse's prefilter
/// loop spills a register and runs ~30% more instructions per byte (the
/// time barely differs: the loop waits on its table loads).
#[inline(never)]
fn first_hit(
    automaton: &DoubleArrayAhoCorasick<u32>,
    haystack: &[u8],
) -> Option<(usize, usize, u32)> {
    let hit = automaton.leftmost_find_iter(haystack).next()?;
    Some((hit.start(), hit.end(), hit.value()))
}

/// Per-thread scratch space, so tagging a document allocates only its mentions.
#[derive(Default)]
struct Scratch {
    text: String,
    map: OffsetMap,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
    /// The hits of the text being tagged (see [`Tagger::tag`]).
    static FOUND: RefCell<Vec<Mention>> = const { RefCell::new(Vec::new()) };
}

/// Above this many patterns, [`Automaton::AhoCorasick`] is a contiguous NFA
/// instead of a DFA: the DFA is fast but its memory explodes on large
/// gazetteers.
const DFA_MAX_PATTERNS: usize = 20_000;

/// Above this many patterns [`Automaton::Auto`] walks a trie instead of
/// running daachorse (see the module doc).
const TRIE_MIN_PATTERNS: usize = 100_000;

/// From this many patterns on, [`TaggerBuilder::build_in_background`]
/// builds daachorse in the background (its build takes ~0.1 s at 35,000
/// patterns, the trie's a fifth of that).
const BACKGROUND_MIN_PATTERNS: usize = 20_000;

impl Tagger {
    /// Builds a tagger with the default options (see [`TaggerBuilder`]).
    pub fn new(gazetteer: &Gazetteer) -> Self {
        TaggerBuilder::new().build(gazetteer)
    }

    /// A tagger over what a cache file held.
    fn compiled(
        gazetteer: &Gazetteer,
        options: TaggerBuilder,
        compiled: cache::Compiled,
        outcome: CacheOutcome,
    ) -> Self {
        Tagger {
            gazetteer: gazetteer.clone(),
            normalizer: options.normalizer(),
            options,
            matcher: Some(compiled.matcher),
            later: None,
            patterns: compiled.patterns,
            space_words: compiled.space_words,
            cache: Arc::new(Mutex::new(outcome)),
            builder_thread: Arc::default(),
        }
    }

    fn build(gazetteer: &Gazetteer, options: TaggerBuilder) -> Self {
        let normalizer = options.normalizer();
        let slot = options
            .cache_dir
            .as_deref()
            .filter(|_| options.automaton != Automaton::AhoCorasick)
            .map(|dir| cache::Slot::new(dir, cache::key(gazetteer, &options)));
        let mut outcome = CacheOutcome::Off;
        if let Some(slot) = &slot {
            match slot.load(gazetteer.entities().len()) {
                Ok(Some(compiled)) => {
                    let outcome = CacheOutcome::Loaded(slot.path());
                    return Tagger::compiled(gazetteer, options, compiled, outcome);
                }
                Ok(None) => {}
                Err(why) => outcome = CacheOutcome::Failed(why),
            }
        }
        // Every form of every alias, its text in one shared buffer; sorting
        // groups equal texts, best claim first (a form as written beats a
        // form smart case added, then the gazetteer's conflict rule, then
        // load order), and the first of each group wins. One sort instead of
        // a hash map of owned strings: a million aliases load in a fraction
        // of the time and memory.
        let mut buf = String::new();
        let mut offers: Vec<Offer> = Vec::new();
        let mut key = String::new();
        let mut space_words = runs::SpaceWordsBuilder::default();
        for (index, entity) in gazetteer.entities().iter().enumerate() {
            let entity_index = u32::try_from(index).expect("fewer than 2^32 entities");
            for alias in &entity.aliases {
                if alias.is_adjective && !options.adjectives {
                    continue;
                }
                normalizer.alias_into(&alias.text, &mut key);
                if key.is_empty() {
                    continue;
                }
                let claim = Claim::new(index, entity, alias);
                forms_into(&key, options.case, |form, is_added_form, is_caps_form| {
                    let Some(last) = form.chars().next_back() else {
                        return;
                    };
                    let start = buf.len();
                    buf.push_str(form);
                    // Here, while the form is at hand: the entries reach
                    // their texts in sorted order, all over the buffer.
                    space_words.add(form.as_bytes());
                    offers.push(Offer {
                        prefix: prefix_of(form.as_bytes()),
                        start: u32::try_from(start).expect("less than 4 GiB of aliases"),
                        len: u32::try_from(form.len()).expect("an alias under 4 GiB"),
                        order: u32::try_from(offers.len()).expect("fewer than 2^32 forms"),
                        pattern: Pattern {
                            entity: entity_index,
                            is_added_form,
                            is_caps_form,
                            lost_apostrophe: last.is_lowercase() || is_caps_form,
                        },
                        is_name: claim.is_name,
                        is_adjective: claim.is_adjective,
                    });
                });
            }
        }
        let text_of = |o: &Offer| offer_text(&buf, o);
        // In parallel: a large gazetteer spends a quarter of its build here.
        // The order is total (`order` is unique), so the result is the same
        // on any number of threads.
        offers.par_sort_unstable_by(|a, b| {
            a.prefix
                .cmp(&b.prefix)
                .then_with(|| text_of(a).cmp(text_of(b)))
                .then(a.pattern.is_added_form.cmp(&b.pattern.is_added_form))
                .then_with(|| conflict_order(&a.claim(), &b.claim()))
                .then(a.order.cmp(&b.order))
        });
        offers.dedup_by(|later, first| text_of(later) == text_of(first));
        let entries = form_entries(&buf, &offers);
        let automaton = match options.automaton {
            Automaton::Auto if entries.len() > TRIE_MIN_PATTERNS => Automaton::Trie,
            Automaton::Auto => Automaton::Daachorse,
            chosen => chosen,
        };
        // The trie now, daachorse on a thread of its own.
        let in_background = options.background
            && options.automaton == Automaton::Auto
            && automaton == Automaton::Daachorse
            && entries.len() >= BACKGROUND_MIN_PATTERNS;
        let now = if in_background {
            Automaton::Trie
        } else {
            automaton
        };
        // The cache file is opened before the build, so that a folder
        // that cannot be written is reported even when the build finishes
        // on another thread.
        let mut pending = match slot.filter(|_| !entries.is_empty()).map(|s| s.reserve()) {
            Some(Ok(pending)) => Some(pending),
            Some(Err(why)) => {
                outcome = CacheOutcome::Failed(why);
                None
            }
            None => None,
        };
        let matcher = (!entries.is_empty()).then(|| build_matcher(now, &entries));
        let space_words = space_words.build();
        let patterns: Vec<Pattern> = offers.iter().map(|o| o.pattern).collect();
        drop(entries);
        if let (Some(matcher), false) = (&matcher, in_background) {
            if let Some(pending) = pending.take() {
                outcome = match pending.finish(&patterns, &space_words, matcher) {
                    Ok(path) => CacheOutcome::Written(path),
                    Err(why) => CacheOutcome::Failed(why),
                };
            }
        }
        if in_background && pending.is_some() {
            outcome = CacheOutcome::Building;
        }
        let cache = Arc::new(Mutex::new(outcome));
        let mut builder_thread = None;
        let later = in_background.then(|| {
            let slot = Arc::new(OnceLock::new());
            let set = Arc::clone(&slot);
            let written = Arc::clone(&cache);
            let to_write = pending.map(|p| (p, patterns.clone(), space_words.clone()));
            builder_thread = Some(std::thread::spawn(move || {
                let entries = form_entries(&buf, &offers);
                let matcher = set.get_or_init(|| build_matcher(Automaton::Daachorse, &entries));
                if let Some((pending, patterns, space_words)) = to_write {
                    let outcome = match pending.finish(&patterns, &space_words, matcher) {
                        Ok(path) => CacheOutcome::Written(path),
                        Err(why) => CacheOutcome::Failed(why),
                    };
                    *written.lock().unwrap_or_else(|e| e.into_inner()) = outcome;
                }
            }));
            slot
        });
        Tagger {
            gazetteer: gazetteer.clone(),
            options,
            normalizer,
            matcher,
            later,
            patterns,
            space_words,
            cache,
            builder_thread: Arc::new(Mutex::new(builder_thread)),
        }
    }

    /// What the compiled-automaton cache did (see
    /// [`TaggerBuilder::cache_dir`]); [`CacheOutcome::Building`] until a
    /// build on a thread of its own is written.
    ///
    /// ```
    /// use comention::tagger::{CacheOutcome, TaggerBuilder};
    /// let gaz = comention::Gazetteer::from_csv_str("id,type,name,aliases\nkz,COUNTRY,Kazakhstan,\n")?;
    /// // A cache folder that is a file: the tagger is built all the same.
    /// let file = std::env::temp_dir().join(format!("comention-doc-file-{}", std::process::id()));
    /// std::fs::write(&file, "not a folder")?;
    /// let tagger = TaggerBuilder::new().cache_dir(&file).build(&gaz);
    /// assert!(matches!(tagger.cache_outcome(), CacheOutcome::Failed(_)));
    /// assert_eq!(tagger.tag("Kazakhstan").len(), 1);
    /// # std::fs::remove_file(&file)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn cache_outcome(&self) -> CacheOutcome {
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Waits for the automaton being built in the background (see
    /// [`TaggerBuilder::build_in_background`]) to be ready and written to
    /// the cache, and returns the cache's outcome; at once if nothing is
    /// being built. A run that ends before the build does would otherwise
    /// leave no cache file, and the next run would build again.
    ///
    /// ```
    /// use comention::tagger::{CacheOutcome, TaggerBuilder};
    /// let gaz = comention::Gazetteer::from_csv_str("id,type,name,aliases\nkz,COUNTRY,Kazakhstan,\n")?;
    /// let tagger = TaggerBuilder::new().build(&gaz);
    /// assert_eq!(tagger.wait_for_cache(), CacheOutcome::Off);
    /// # Ok::<(), comention::Error>(())
    /// ```
    pub fn wait_for_cache(&self) -> CacheOutcome {
        let handle = self
            .builder_thread
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(handle) = handle {
            if handle.join().is_err() {
                return CacheOutcome::Failed("the background build failed".into());
            }
        }
        self.cache_outcome()
    }

    /// The gazetteer this tagger was built from.
    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gazetteer
    }

    /// The entity a mention refers to.
    ///
    /// ```
    /// let gaz = comention::Gazetteer::from_csv_str("id,type,name,aliases\nkz,COUNTRY,Kazakhstan,\n")?;
    /// let tagger = comention::Tagger::new(&gaz);
    /// let m = tagger.tag("KAZAKHSTAN")[0];
    /// assert_eq!(tagger.entity(&m).id, "kz");
    /// # Ok::<(), comention::Error>(())
    /// ```
    pub fn entity(&self, mention: &Mention) -> &Entity {
        &self.gazetteer.entities()[mention.entity as usize]
    }

    /// Number of patterns in the automaton (aliases plus the forms smart
    /// case adds, after removing duplicates).
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// Finds the mentions in `text`: sorted, non-overlapping, with byte and
    /// char offsets into `text` and sentence and paragraph numbers.
    pub fn tag(&self, text: &str) -> Vec<Mention> {
        let later = self.later.as_ref().and_then(|slot| slot.get());
        let Some(matcher) = later.or(self.matcher.as_ref()) else {
            return Vec::new();
        };
        // Hits gather in a per-thread vector, so that the result is one
        // allocation of the right size, not a vector grown several times.
        let (mut mentions, is_ascii) = FOUND.with_borrow_mut(|found| {
            found.clear();
            let is_ascii = self.tag_into(matcher, text, found, true);
            (found.as_slice().to_vec(), is_ascii)
        });
        if !mentions.is_empty() {
            // In ASCII text char offsets are byte offsets (the fast paths
            // have seen only ASCII; otherwise one quick check).
            let is_ascii = is_ascii || text.is_ascii();
            fill_positions(text, &mut mentions, self.options.sentences, is_ascii);
        }
        mentions
    }

    /// Pushes the hits of `text` to `mentions`, searching the text as it is
    /// when it needs no normalisation or (with `uncopied`) when it is ASCII
    /// and no pattern can match across its whitespace runs (see the `runs`
    /// module); otherwise a normalised copy. Returns true when the text was
    /// searched as it is (it is ASCII then).
    fn tag_into(
        &self,
        matcher: &Matcher,
        text: &str,
        mentions: &mut Vec<Mention>,
        uncopied: bool,
    ) -> bool {
        let plain = self.normalizer.first_change(text);
        let as_it_is = plain == text.len()
            || (uncopied
                && self
                    .normalizer
                    .changes_only_whitespace_runs(text, plain, |run| {
                        !self.space_words.may_cross(text.as_bytes(), run)
                    }));
        if as_it_is {
            self.scan(matcher, text, None, mentions);
            return true;
        }
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            let Scratch { text: norm, map } = &mut *scratch;
            self.normalizer.text_into_after(text, plain, norm, map);
            let map = (!map.is_identity()).then_some(&*map);
            self.scan(matcher, norm, map, mentions);
        });
        false
    }

    /// Runs the matcher over `norm` and pushes accepted hits, mapped to
    /// original offsets when `map` is given.
    fn scan(&self, matcher: &Matcher, norm: &str, map: Option<&OffsetMap>, out: &mut Vec<Mention>) {
        match matcher {
            Matcher::AhoCorasick(automaton) => self.scan_leftmost(automaton, norm, map, out),
            Matcher::Daachorse(split) => match &**split {
                Split { main, lower: None } => self.scan_leftmost(main, norm, map, out),
                Split {
                    main,
                    lower: Some(lower),
                } => {
                    let split = SplitScan {
                        main,
                        lower,
                        next: std::cell::Cell::new(None),
                    };
                    self.scan_leftmost(&split, norm, map, out)
                }
            },
            Matcher::Trie(trie) => trie.scan(norm, |start, candidates| {
                if boundary::in_url(norm, start) {
                    return None;
                }
                let &(end, pattern) = candidates
                    .iter()
                    .rev()
                    .find(|&&(end, p)| self.passes(norm, start, end, &self.patterns[p]))?;
                self.push(out, map, start, end, pattern);
                Some(end)
            }),
        }
    }

    /// Pushes the accepted hit `start..end` of the normalised text.
    fn push(
        &self,
        out: &mut Vec<Mention>,
        map: Option<&OffsetMap>,
        start: usize,
        end: usize,
        pattern: usize,
    ) {
        let (start, end) = match map {
            Some(map) => (map.start(start), map.end(end)),
            None => (start, end),
        };
        out.push(Mention {
            start,
            end,
            char_start: 0,
            char_end: 0,
            entity: self.patterns[pattern].entity,
            sentence: 0,
            paragraph: 0,
        });
    }

    /// [`Tagger::scan`] with a leftmost-longest automaton.
    fn scan_leftmost(
        &self,
        automaton: &impl Leftmost,
        norm: &str,
        map: Option<&OffsetMap>,
        out: &mut Vec<Mention>,
    ) {
        let bytes = norm.as_bytes();
        let mut at = 0;
        while at < norm.len() {
            let Some((start, end, pattern)) = automaton.find(bytes, at, bytes.len()) else {
                break;
            };
            match self.accept(automaton, norm, start, end, pattern) {
                Some((end, pattern)) => {
                    self.push(out, map, start, end, pattern);
                    at = end;
                }
                // Resume inside the rejected hit, past the hits that could
                // only start inside a word.
                None => at = boundary::resume_after(norm, start),
            }
        }
    }

    /// Checks a candidate at `start..end`; when it fails, tries the shorter
    /// candidates that start at the same place. Returns the accepted end and
    /// pattern.
    fn accept(
        &self,
        automaton: &impl Leftmost,
        norm: &str,
        start: usize,
        mut end: usize,
        mut pattern: usize,
    ) -> Option<(usize, usize)> {
        if boundary::in_url(norm, start) {
            return None;
        }
        loop {
            if self.passes(norm, start, end, &self.patterns[pattern]) {
                return Some((end, pattern));
            }
            // The longest match in start..end-1 that still starts at `start`.
            let shorter = automaton.find(norm.as_bytes(), start, end - 1)?;
            if shorter.0 != start {
                return None;
            }
            (end, pattern) = (shorter.1, shorter.2);
        }
    }

    fn passes(&self, norm: &str, start: usize, end: usize, p: &Pattern) -> bool {
        // The hit `start..end` is the pattern's text: its first and last
        // chars are the pattern's.
        let bytes = norm.as_bytes();
        let first = match bytes[start] {
            b if b < 0x80 => char::from(b),
            _ => boundary::char_at(norm, start).expect("a hit is not empty"),
        };
        if !boundary::starts_word(norm, start, first) {
            return false;
        }
        let last = match bytes[end - 1] {
            b if b < 0x80 => char::from(b),
            _ => boundary::char_before(norm, end).expect("a hit is not empty"),
        };
        boundary::ending(norm, end, last, p.lost_apostrophe, p.is_caps_form)
            != boundary::Ending::Glued
    }
}

/// The first eight bytes of `text` as a big-endian number, zero-padded.
/// Numbers compare as the texts do, except that equal numbers may stand for
/// different texts (which then need a full comparison).
fn prefix_of(text: &[u8]) -> u64 {
    let mut head = [0; 8];
    let n = text.len().min(8);
    head[..n].copy_from_slice(&text[..n]);
    u64::from_be_bytes(head)
}

/// The text of an offer, in the buffer of all forms.
fn offer_text<'b>(buf: &'b str, offer: &Offer) -> &'b [u8] {
    &buf.as_bytes()[offer.start as usize..(offer.start + offer.len) as usize]
}

/// The automaton's entries: each offer's text and pattern, in offer order
/// (the order gives the pattern indices).
fn form_entries<'b>(buf: &'b str, offers: &[Offer]) -> Vec<(&'b [u8], Pattern)> {
    offers
        .iter()
        .map(|o| (offer_text(buf, o), o.pattern))
        .collect()
}

/// The matcher `automaton` (not [`Automaton::Auto`]) over non-empty `entries`.
fn build_matcher(automaton: Automaton, entries: &[(&[u8], Pattern)]) -> Matcher {
    let keys = entries.iter().map(|(k, _)| *k);
    match automaton {
        Automaton::Trie => Matcher::Trie(trie::Trie::new(keys)),
        Automaton::Daachorse => Matcher::Daachorse(Box::new(Split::new(entries))),
        Automaton::AhoCorasick | Automaton::Auto => {
            let kind = if entries.len() <= DFA_MAX_PATTERNS {
                AhoCorasickKind::DFA
            } else {
                AhoCorasickKind::ContiguousNFA
            };
            Matcher::AhoCorasick(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .kind(Some(kind))
                    .build(keys)
                    .expect("aliases are non-empty and the pattern count fits"),
            )
        }
    }
}

/// The forms of a normalised alias that the automaton matches, with
/// `(is_added_form, is_caps_form)` flags.
#[cfg(test)]
fn forms(key: &str, case: Case) -> Vec<(String, bool, bool)> {
    let mut out = Vec::new();
    forms_into(key, case, |form, added, caps| {
        out.push((form.to_string(), added, caps))
    });
    out
}

/// Calls `emit(form, is_added_form, is_caps_form)` for each form of a
/// normalised alias that the automaton matches: the alias itself, then
/// (smart case) its ALL-CAPS form and its capitalised form.
fn forms_into(key: &str, case: Case, mut emit: impl FnMut(&str, bool, bool)) {
    emit(key, false, false);
    if case != Case::Smart {
        return;
    }
    let mut form = String::new();
    if key.is_ascii() {
        let bytes = key.as_bytes();
        let letters = bytes.iter().filter(|b| b.is_ascii_alphabetic()).count();
        if letters >= 3 && bytes.iter().any(u8::is_ascii_lowercase) {
            // ASCII upper-casing keeps a normalised key normalised.
            form.push_str(key);
            form.make_ascii_uppercase();
            emit(&form, true, true);
        }
        if bytes[0].is_ascii_lowercase() {
            form.clear();
            form.push_str(key);
            form[..1].make_ascii_uppercase();
            emit(&form, true, false);
        }
        return;
    }
    // Three letters are enough to know: counting stops there (a non-ASCII
    // letter is a table lookup, and a large gazetteer has many such keys).
    let letters = key.chars().filter(|c| c.is_alphabetic()).take(3).count();
    if letters >= 3 && key.chars().any(char::is_lowercase) {
        Normalizer::default().alias_into(&key.to_uppercase(), &mut form);
        if form != key {
            emit(&form, true, true);
        }
    }
    let mut chars = key.chars();
    if let Some(first) = chars.next().filter(|c| c.is_lowercase()) {
        form.clear();
        form.extend(first.to_uppercase().chain(chars));
        emit(&form, true, false);
    }
}

/// Fills char offsets and sentence/paragraph numbers of sorted mentions.
fn fill_positions(text: &str, mentions: &mut [Mention], sentences: bool, is_ascii: bool) {
    let bytes = text.as_bytes();
    let count_chars = |from: usize, to: usize| count_chars(&bytes[from..to]);
    let (mut byte, mut chars) = (0, 0);
    for m in mentions.iter_mut().filter(|_| !is_ascii) {
        chars += count_chars(byte, m.start);
        m.char_start = chars;
        chars += count_chars(m.start, m.end);
        m.char_end = chars;
        byte = m.end;
    }
    for m in mentions.iter_mut().filter(|_| is_ascii) {
        (m.char_start, m.char_end) = (m.start, m.end);
    }
    if sentences {
        // Mentions are sorted: segmenting past the last one is wasted work.
        let last = mentions.last().map_or(0, |m| m.start);
        let sentence_spans = segment::sentences_until(text, last);
        let paragraph_spans = segment::paragraphs_until(text, last);
        for m in mentions.iter_mut() {
            m.sentence = span_index(&sentence_spans, m.start);
            m.paragraph = span_index(&paragraph_spans, m.start);
        }
    }
}

/// Number of chars in UTF-8 `bytes` (which may start or end inside a char:
/// it counts the bytes that are not continuation bytes), eight bytes at a
/// time.
fn count_chars(bytes: &[u8]) -> usize {
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let mut chunks = bytes.chunks_exact(8);
    let mut continuation = 0;
    for chunk in &mut chunks {
        let w = u64::from_le_bytes(chunk.try_into().expect("chunks of 8"));
        // Continuation bytes are 0b10xx_xxxx: bit 7 set, bit 6 clear.
        continuation += (w & !(w << 1) & HIGH).count_ones() as usize;
    }
    let rest = chunks.remainder();
    continuation += rest.iter().filter(|&&b| b & 0xC0 == 0x80).count();
    bytes.len() - continuation
}

/// Index of the span that holds byte `offset` (or the last one that starts
/// before it).
fn span_index(spans: &[segment::Span], offset: usize) -> u32 {
    let i = spans
        .partition_point(|s| s.start <= offset)
        .saturating_sub(1);
    u32::try_from(i).expect("fewer than 2^32 sentences")
}

/// The form of an alias that the tagger matches with default options
/// (whitespace runs, quotes and dashes normalised, trimmed); two aliases with
/// the same key are the same pattern.
///
/// ```
/// assert_eq!(comention::tagger::alias_key(" Côte d’Ivoire "), "Côte d'Ivoire");
/// ```
pub fn alias_key(alias: &str) -> String {
    Normalizer::default().alias(alias)
}

/// For the `cache_body` fuzz target: reads `body` as the body of a
/// compiled-automaton cache file (no header, no checksum) for a fixed
/// four-entity gazetteer (the one the seed was written for), and if it
/// reads, tags `text` with it. Any bytes must be rejected or
/// read without a panic. Tagging is tried only with a trie: daachorse's
/// automaton cannot be checked against the pattern count, so a body forged
/// to pass the checksum could make tagging with it index out of bounds (a
/// damaged file never reaches that far: its checksum does not match).
#[doc(hidden)]
pub fn fuzz_cache_body(body: &[u8], text: &str) -> Option<Vec<Mention>> {
    static GAZETTEER: OnceLock<Gazetteer> = OnceLock::new();
    let gazetteer = GAZETTEER.get_or_init(|| {
        Gazetteer::from_csv_str(cache::TEST_GAZETTEER).expect("the fixed gazetteer reads")
    });
    let compiled = cache::decode_body(body, gazetteer.entities().len()).ok()?;
    let is_trie = matches!(compiled.matcher, Matcher::Trie(_));
    let tagger = Tagger::compiled(gazetteer, TaggerBuilder::new(), compiled, CacheOutcome::Off);
    Some(if is_trie {
        tagger.tag(text)
    } else {
        Vec::new()
    })
}

#[cfg(test)]
mod tests;
