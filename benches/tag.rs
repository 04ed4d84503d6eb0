//! Tagger micro-benchmarks on inputs generated in code.
//!
//! A synthetic gazetteer of 10,000 aliases (5,000 entities, each a two-word
//! name plus its surname) and about 1 MB of synthetic articles (200 articles
//! of ~5 KB), in three variants:
//!
//! - `ascii_oneline`: plain ASCII, single spaces, no line breaks (the
//!   tagger's fast path: no normalised copy);
//! - `ascii_paragraphs`: the same articles with blank lines between
//!   paragraphs, as real corpora have;
//! - `messy_unicode`: curly quotes, dashes, no-break spaces, line breaks
//!   inside names, soft hyphens and accented filler words.
//!
//! Every variant inserts a known number of aliases into filler text that can
//! never match, and each benchmark checks its mention count once before
//! timing, so a fast wrong answer fails. `bare_*` benchmarks scan the same
//! text with a bare automaton over the same patterns (alias and ALL-CAPS
//! form), without the tagger's rules: aho-corasick's DFA, and
//! (`bare_daac_*`) daachorse, which the tagger picks at this size. The
//! difference is the cost of normalisation, boundaries, possessives,
//! offsets and sentence numbers.
//!
//! Run with `cargo bench --bench tag`; throughput is in bytes/s.

use std::collections::HashSet;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use comention::{Entity, Gazetteer, Tagger};
use daachorse::{
    DoubleArrayAhoCorasick, DoubleArrayAhoCorasickBuilder, MatchKind as DaachorseMatchKind,
};
use divan::counter::BytesCount;
use divan::{black_box, Bencher};

mod common;

use common::Rng;

fn main() {
    divan::main();
}

const SYLLABLES: &[&str] = &[
    "ka", "zo", "rin", "tal", "mar", "ve", "lo", "shi", "dun", "bre", "ak", "om", "ul", "ten",
    "gra", "pol", "vek", "sa", "ni", "tor", "qu", "fel", "ix", "hor", "bam", "eg", "yus", "dro",
];

/// Lower-case filler words: no alias (capitalised or ALL CAPS) can match them.
const FILLER: &[&str] = &[
    "the",
    "government",
    "said",
    "on",
    "talks",
    "energy",
    "with",
    "officials",
    "in",
    "a",
    "minister",
    "agreed",
    "to",
    "new",
    "pipeline",
    "deal",
    "after",
    "meeting",
    "of",
    "and",
    "security",
    "trade",
    "visit",
    "week",
    "leaders",
    "discussed",
    "border",
    "exports",
    "for",
    "summit",
    "economic",
    "cooperation",
    "sanctions",
    "oil",
    "gas",
    "region",
    "president",
];

/// Accented and typographic filler for the messy variant (never matches).
const MESSY_FILLER: &[&str] = &[
    "café",
    "naïve",
    "coöperation",
    "energy–security",
    "“talks”",
    "élite",
    "façade",
    "déjà",
    "rôle",
    "über-deal",
];

/// One synthetic alias of one entity.
struct Alias {
    text: String,
}

struct Input {
    gazetteer: Gazetteer,
    aliases: Vec<Alias>,
    ascii_oneline: Vec<String>,
    ascii_paragraphs: Vec<String>,
    messy_unicode: Vec<String>,
    /// Aliases inserted into each variant: the expected mention count.
    inserted: usize,
}

const ENTITIES: usize = 5_000;
const ARTICLES: usize = 200;
const PARAGRAPHS: usize = 6;
const SENTENCES: usize = 5;
const WORDS: usize = 25;

fn capitalised(rng: &mut Rng, syllables: usize) -> String {
    let mut word = String::new();
    for _ in 0..syllables {
        let syllable: &&str = rng.pick(SYLLABLES);
        word.push_str(syllable);
    }
    let mut chars = word.chars();
    let first = chars.next().expect("at least one syllable");
    first.to_uppercase().chain(chars).collect()
}

fn build_input() -> Input {
    let mut rng = Rng(0x5EED);
    let mut seen = HashSet::new();
    let mut gazetteer = Gazetteer::new();
    let mut aliases = Vec::new();
    while gazetteer.len() < ENTITIES {
        let n = 2 + rng.below(2);
        let first = capitalised(&mut rng, n);
        let n = 2 + rng.below(3);
        let last = capitalised(&mut rng, n);
        let full = format!("{first} {last}");
        // Every alias string is unique, so each insertion is one mention.
        if seen.contains(&full) || seen.contains(&last) || full == last {
            continue;
        }
        seen.insert(full.clone());
        seen.insert(last.clone());
        let mut entity = Entity::new(format!("e{}", gazetteer.len()), "PERSON", full.clone());
        entity.add_alias(last.clone(), false);
        gazetteer.insert(entity);
        aliases.push(Alias { text: full });
        aliases.push(Alias { text: last });
    }

    let mut ascii_oneline = Vec::new();
    let mut ascii_paragraphs = Vec::new();
    let mut messy_unicode = Vec::new();
    let mut inserted = 0;
    for _ in 0..ARTICLES {
        let mut paragraphs = Vec::new();
        let mut messy_paragraphs = Vec::new();
        for _ in 0..PARAGRAPHS {
            let mut words: Vec<String> = Vec::new();
            let mut messy: Vec<String> = Vec::new();
            for _ in 0..SENTENCES {
                words.push("The".into());
                messy.push("The".into());
                for w in 0..WORDS {
                    // An alias every ~16 words, never two in a row, never last.
                    let last_was_alias = w > 0
                        && words.last().is_some_and(|x| {
                            x.starts_with(|c: char| c.is_uppercase()) && x != "The"
                        });
                    if w + 1 < WORDS && !last_was_alias && rng.below(16) == 0 {
                        let alias = &rng.pick(&aliases).text;
                        inserted += 1;
                        let (plain, messy_form) = match rng.below(6) {
                            0 => (alias.to_uppercase(), alias.to_uppercase()),
                            1 => (format!("{alias}'s"), format!("{alias}\u{2019}s")),
                            2 => (alias.clone(), alias.replacen(' ', "\u{A0}", 1)),
                            3 => (alias.clone(), alias.replacen(' ', "\n", 1)),
                            4 => {
                                let cut = alias.char_indices().nth(3).map_or(0, |(i, _)| i);
                                let mut soft = alias.clone();
                                if cut > 0 && alias[..cut].chars().all(char::is_alphabetic) {
                                    soft.insert(cut, '\u{AD}');
                                }
                                (alias.clone(), soft)
                            }
                            _ => (alias.clone(), alias.clone()),
                        };
                        words.push(plain);
                        messy.push(messy_form);
                    } else {
                        let word = rng.pick(FILLER).to_string();
                        let messy_word = if rng.below(10) == 0 {
                            rng.pick(MESSY_FILLER).to_string()
                        } else {
                            word.clone()
                        };
                        words.push(word);
                        messy.push(messy_word);
                    }
                }
                let last = words.last_mut().expect("a sentence has words");
                last.push('.');
                messy.last_mut().expect("a sentence has words").push('.');
            }
            paragraphs.push(words.join(" "));
            messy_paragraphs.push(messy.join("  "));
        }
        ascii_oneline.push(paragraphs.join(" "));
        ascii_paragraphs.push(paragraphs.join("\n\n"));
        messy_unicode.push(messy_paragraphs.join("\n\n"));
    }
    Input {
        gazetteer,
        aliases,
        ascii_oneline,
        ascii_paragraphs,
        messy_unicode,
        inserted,
    }
}

static INPUT: LazyLock<Input> = LazyLock::new(build_input);
static TAGGER: LazyLock<Tagger> = LazyLock::new(|| Tagger::new(&INPUT.gazetteer));

/// The tagger without sentence and paragraph numbers: what remains over the
/// bare scan is the cost of the matching rules alone (normalisation,
/// boundaries, possessives, URLs, offsets).
static TAGGER_NO_SENTENCES: LazyLock<Tagger> = LazyLock::new(|| {
    comention::tagger::TaggerBuilder::new()
        .sentences(false)
        .build(&INPUT.gazetteer)
});

/// The automaton the tagger would build, without its rules: every alias and
/// its ALL-CAPS form, leftmost-longest, the same automaton kind.
static BARE: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(AhoCorasickKind::DFA))
        .build(bare_patterns())
        .expect("the patterns build")
});

/// The same with daachorse, the automaton the tagger picks at this size.
static BARE_DAAC: LazyLock<DoubleArrayAhoCorasick<u32>> = LazyLock::new(|| {
    DoubleArrayAhoCorasickBuilder::new()
        .match_kind(DaachorseMatchKind::LeftmostLongest)
        .build(bare_patterns())
        .expect("the patterns build")
});

/// Every alias and its ALL-CAPS form, without duplicates.
fn bare_patterns() -> Vec<String> {
    let mut patterns = Vec::new();
    for alias in &INPUT.aliases {
        patterns.push(alias.text.clone());
        patterns.push(alias.text.to_uppercase());
    }
    patterns.sort_unstable();
    patterns.dedup();
    patterns
}

fn bytes(articles: &[String]) -> BytesCount {
    BytesCount::new(articles.iter().map(String::len).sum::<usize>())
}

#[inline(never)]
fn tag_all(articles: &[String]) -> usize {
    let tagger = &*TAGGER;
    articles
        .iter()
        .map(|a| tagger.tag(black_box(a)).len())
        .sum()
}

fn bench_tag(bencher: Bencher, articles: &[String]) {
    // Build outside the measured function (callgrind toggles on it).
    LazyLock::force(&TAGGER);
    assert_eq!(tag_all(articles), INPUT.inserted, "mention count");
    bencher.counter(bytes(articles)).bench(|| tag_all(articles));
}

/// [`tag_all`] with [`TAGGER_NO_SENTENCES`].
#[inline(never)]
fn tag_rules_all(articles: &[String]) -> usize {
    let tagger = &*TAGGER_NO_SENTENCES;
    articles
        .iter()
        .map(|a| tagger.tag(black_box(a)).len())
        .sum()
}

fn bench_tag_rules(bencher: Bencher, articles: &[String]) {
    LazyLock::force(&TAGGER_NO_SENTENCES);
    assert_eq!(tag_rules_all(articles), INPUT.inserted, "mention count");
    bencher
        .counter(bytes(articles))
        .bench(|| tag_rules_all(articles));
}

#[divan::bench]
fn tag_rules_ascii_oneline(bencher: Bencher) {
    bench_tag_rules(bencher, &INPUT.ascii_oneline);
}

#[divan::bench]
fn tag_rules_ascii_paragraphs(bencher: Bencher) {
    bench_tag_rules(bencher, &INPUT.ascii_paragraphs);
}

/// Hits of the bare automaton that sit on ASCII word boundaries.
#[inline(never)]
fn bare_all(articles: &[String]) -> usize {
    let ac = &*BARE;
    let mut count = 0;
    for article in articles {
        let text = black_box(article.as_bytes());
        for hit in ac.find_iter(text) {
            count += usize::from(common::is_whole_word(text, hit.start(), hit.end()));
        }
    }
    count
}

/// [`bare_all`] with daachorse: one search per hit, as the tagger runs it,
/// so that its prefilter stays on.
#[inline(never)]
fn bare_daac_all(articles: &[String]) -> usize {
    let automaton = &*BARE_DAAC;
    let mut count = 0;
    for article in articles {
        count += common::daachorse_restart_hits(automaton, black_box(article.as_bytes()));
    }
    count
}

#[divan::bench]
fn tag_ascii_oneline(bencher: Bencher) {
    bench_tag(bencher, &INPUT.ascii_oneline);
}

#[divan::bench]
fn tag_ascii_paragraphs(bencher: Bencher) {
    bench_tag(bencher, &INPUT.ascii_paragraphs);
}

#[divan::bench]
fn tag_messy_unicode(bencher: Bencher) {
    bench_tag(bencher, &INPUT.messy_unicode);
}

/// Times a bare scan (`bare_all` or `bare_daac_all`, which callgrind.sh
/// toggles on); the first, checked call builds the automaton.
fn bench_bare(bencher: Bencher, articles: &[String], scan: fn(&[String]) -> usize) {
    // Build outside the measured function (callgrind toggles on it).
    LazyLock::force(&BARE);
    LazyLock::force(&BARE_DAAC);
    assert_eq!(scan(articles), INPUT.inserted, "bare hit count");
    bencher.counter(bytes(articles)).bench(|| scan(articles));
}

#[divan::bench]
fn bare_ascii_oneline(bencher: Bencher) {
    bench_bare(bencher, &INPUT.ascii_oneline, bare_all);
}

#[divan::bench]
fn bare_ascii_paragraphs(bencher: Bencher) {
    bench_bare(bencher, &INPUT.ascii_paragraphs, bare_all);
}

#[divan::bench]
fn bare_daac_ascii_oneline(bencher: Bencher) {
    bench_bare(bencher, &INPUT.ascii_oneline, bare_daac_all);
}

#[divan::bench]
fn bare_daac_ascii_paragraphs(bencher: Bencher) {
    bench_bare(bencher, &INPUT.ascii_paragraphs, bare_daac_all);
}

/// Building the tagger (normalising 10,000 aliases, adding their forms,
/// resolving conflicts, compiling the automaton).
#[divan::bench(sample_count = 10)]
fn build_tagger(bencher: Bencher) {
    let gazetteer = &INPUT.gazetteer;
    bencher.bench(|| Tagger::new(black_box(gazetteer)).pattern_count());
}
