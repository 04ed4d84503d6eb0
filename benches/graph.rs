//! Co-mention counting and segmentation micro-benchmarks on inputs
//! generated in code.
//!
//! 2,000 synthetic news-like articles (~3 KB each, paragraphs, abbreviations,
//! quotes) over a gazetteer of 1,000 entities; each article carries 5–40
//! mentions, with entities drawn from a skewed distribution (a few are in
//! most articles, as countries are in news), numbered by sentence and
//! paragraph. The mentions are made here, not by the tagger, so that the
//! benchmarks time counting alone:
//!
//! - `count_*`: [`Counter::count`] of every article (the parallel part of
//!   `comention graph`) and [`Tally::add`] of the results (the sequential
//!   part), then [`Counter::finish`]; `tally_*` leaves out the finish,
//!   which builds the id-keyed maps once per run and, with this corpus's
//!   ~100k distinct pairs, costs as much as the counting; `tally_all_*`
//!   adds the counts in batches with [`Tally::add_all`] (parallel);
//! - `add_document_*`: the same through [`CoMentionCounts::add_document`],
//!   the one-document-at-a-time API;
//! - `network_from_*`: the network of a full tally (document scope, no
//!   filters), built from the id-keyed counts ([`Counter::finish`], then
//!   [`CoMentionGraph::build_taking`], as `graph --save-state` does) or
//!   straight from the tally ([`CoMentionGraph::from_tally`], as `graph`
//!   does otherwise);
//! - `sentences`/`paragraphs`: the segmenter over the same articles (the
//!   tagger numbers sentences with it; the sentence scope counts them).
//!
//! Each benchmark checks its result once before timing (the number of
//! distinct pairs against a naive count; the number of sentences against a
//! known total), so a fast wrong answer fails.
//!
//! Run with `cargo bench --bench graph`.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use comention::corpus::segment;
use comention::counts::{CoMentionCounts, CountOptions, Counter, Scope, Tally};
use comention::graph::{CoMentionGraph, GraphOptions};
use comention::tagger::Mention;
use comention::{Document, Gazetteer};
use divan::counter::{BytesCount, ItemsCount};
use divan::{black_box, Bencher};

mod common;

use common::Rng;

fn main() {
    divan::main();
}

const ENTITIES: usize = 1_000;
const ARTICLES: usize = 2_000;

/// Sentence templates: each ends a sentence; some hold abbreviations that
/// do not (`Mr.`, `U.S.`, `Nov. 29`, `3.5%`), as news text has.
/// (template, number of sentences in it).
const SENTENCES: &[(&str, usize)] = &[
    (
        "Officials met in the capital on Tuesday to discuss the new trade agreement.",
        1,
    ),
    (
        "Mr. Smith told reporters that the U.S. delegation would stay until Nov. 29.",
        1,
    ),
    (
        "Growth slowed to 3.5% in the third quarter, the central bank said.",
        1,
    ),
    (
        "\"We are ready to talk,\" the minister said. \"But not at any price.\"",
        2,
    ),
    (
        "Why now? Analysts point to the elections due next spring.",
        2,
    ),
    (
        "The talks, held behind closed doors, ended without a joint statement.",
        1,
    ),
    (
        "Gen. Milley and Sen. Warren were among those who spoke at the hearing.",
        1,
    ),
    (
        "Exports of grain rose by 12 per cent compared with the same period last year.",
        1,
    ),
];

struct Corpus {
    gazetteer: Gazetteer,
    docs: Vec<(Document, Vec<Mention>)>,
    bytes: usize,
    sentences: usize,
    paragraphs: usize,
    /// Distinct pairs of entities mentioned in one article (document scope).
    pairs: usize,
}

static CORPUS: LazyLock<Corpus> = LazyLock::new(|| {
    let mut csv = String::from("id,type,name,aliases\n");
    for e in 0..ENTITIES {
        csv.push_str(&format!("e{e:04},COUNTRY,Entity {e},\n"));
    }
    let gazetteer = Gazetteer::from_csv_str(&csv).expect("a valid generated gazetteer");
    let mut rng = Rng(6);
    let mut docs = Vec::with_capacity(ARTICLES);
    let (mut sentences, mut paragraphs) = (0, 0);
    let mut pairs = BTreeSet::new();
    for d in 0..ARTICLES {
        let mut text = String::new();
        let mut bounds = Vec::new(); // (start of sentence, sentence, paragraph)
        let paras = 3 + rng.below(5);
        for p in 0..paras {
            if p > 0 {
                text.push_str("\n\n");
            }
            for s in 0..3 + rng.below(3) {
                if s > 0 {
                    text.push(' ');
                }
                let (template, count) = SENTENCES[rng.below(SENTENCES.len())];
                bounds.push((text.len(), sentences, paragraphs));
                text.push_str(template);
                sentences += count;
            }
            paragraphs += 1;
        }
        // Mentions at sentence starts, entities skewed towards low indices.
        let count = 5 + rng.below(36);
        let mut mentions: Vec<Mention> = (0..count)
            .map(|_| {
                let (start, sentence, paragraph) = bounds[rng.below(bounds.len())];
                let r = rng.below(ENTITIES);
                let entity = (r * r / ENTITIES) as u32;
                let first_sentence = bounds[0].1;
                let first_paragraph = bounds[0].2;
                Mention {
                    start,
                    end: start + 1,
                    char_start: start,
                    char_end: start + 1,
                    entity,
                    sentence: (sentence - first_sentence) as u32,
                    paragraph: (paragraph - first_paragraph) as u32,
                }
            })
            .collect();
        mentions.sort_by_key(|m| m.start);
        let distinct: BTreeSet<u32> = mentions.iter().map(|m| m.entity).collect();
        let distinct: Vec<u32> = distinct.into_iter().collect();
        for (i, a) in distinct.iter().enumerate() {
            for b in &distinct[i + 1..] {
                pairs.insert((*a, *b));
            }
        }
        let mut doc = Document::new(format!("doc{d:05}"), text);
        doc.date = Some(format!("2023-{:02}-{:02}", 1 + d % 12, 1 + d % 28));
        docs.push((doc, mentions));
    }
    let bytes = docs.iter().map(|(d, _)| d.text.len()).sum();
    Corpus {
        gazetteer,
        docs,
        bytes,
        sentences,
        paragraphs,
        pairs: pairs.len(),
    }
});

fn options(scope: Scope) -> CountOptions {
    CountOptions {
        scope,
        ..CountOptions::default()
    }
}

#[inline(never)]
fn count_all(c: &Corpus, scope: Scope) -> CoMentionCounts {
    let counter = Counter::new(&c.gazetteer, options(scope));
    let mut tally = counter.tally();
    for (doc, mentions) in &c.docs {
        tally.add(counter.count(doc, mentions));
    }
    counter.finish(tally)
}

#[inline(never)]
fn add_document_all(c: &Corpus, scope: Scope) -> CoMentionCounts {
    let mut counts = CoMentionCounts::new(options(scope));
    for (doc, mentions) in &c.docs {
        counts.add_document(doc, mentions, &c.gazetteer);
    }
    counts
}

fn bench_counts(bencher: Bencher, scope: Scope, f: fn(&Corpus, Scope) -> CoMentionCounts) {
    let c = &*CORPUS;
    let counts = f(c, scope);
    if scope == Scope::Document {
        assert_eq!(counts.overall().pair_count(), c.pairs);
    }
    assert_eq!(counts.overall().totals().documents, ARTICLES as u64);
    bencher
        .counter(ItemsCount::new(ARTICLES))
        .bench(|| f(black_box(c), scope));
}

/// The per-document work of `comention graph` alone: count and tally,
/// without turning the tally into id-keyed counts at the end.
#[divan::bench]
fn tally_document_scope(bencher: Bencher) {
    let c = &*CORPUS;
    let counter = Counter::new(&c.gazetteer, options(Scope::Document));
    let run = || {
        let mut tally = counter.tally();
        for (doc, mentions) in &c.docs {
            tally.add(counter.count(doc, mentions));
        }
        tally
    };
    assert_eq!(run().pair_count(), c.pairs);
    bencher.counter(ItemsCount::new(ARTICLES)).bench(run);
}

/// `tally_document_scope` with the counts added by [`Tally::add_all`] in
/// batches of 256 documents, as `comention graph` does with more than one
/// thread (the pair shards added in parallel on the global pool).
#[divan::bench]
fn tally_all_document_scope(bencher: Bencher) {
    let c = &*CORPUS;
    let counter = Counter::new(&c.gazetteer, options(Scope::Document));
    let run = || {
        let mut tally = counter.tally();
        for batch in c.docs.chunks(256) {
            let counted = batch.iter().map(|(doc, m)| counter.count(doc, m)).collect();
            tally.add_all(counted);
        }
        tally
    };
    assert_eq!(run().pair_count(), c.pairs);
    bencher.counter(ItemsCount::new(ARTICLES)).bench(run);
}

/// The full tally of the corpus at document scope, and its counter.
fn full_tally(c: &Corpus) -> (Counter<'_>, Tally) {
    let counter = Counter::new(&c.gazetteer, options(Scope::Document));
    let mut tally = counter.tally();
    for (doc, mentions) in &c.docs {
        tally.add(counter.count(doc, mentions));
    }
    (counter, tally)
}

#[inline(never)]
fn network_through_counts(c: &Corpus, counter: &Counter, tally: Tally) -> CoMentionGraph {
    let mut counts = counter.finish(tally);
    counts.attach_entities(&c.gazetteer);
    CoMentionGraph::build_taking(&mut counts, &GraphOptions::default())
}

/// The network of the whole corpus from id-keyed counts.
#[divan::bench]
fn network_from_counts(bencher: Bencher) {
    let c = &*CORPUS;
    let (counter, tally) = full_tally(c);
    let graph = network_through_counts(c, &counter, tally.clone());
    assert_eq!(graph.edges.len(), c.pairs);
    bencher
        .counter(ItemsCount::new(c.pairs))
        .with_inputs(|| tally.clone())
        .bench_values(|t| network_through_counts(c, &counter, t));
}

/// The same network straight from the tally (checked equal to the one
/// above before timing).
#[divan::bench]
fn network_from_tally(bencher: Bencher) {
    let c = &*CORPUS;
    let (counter, tally) = full_tally(c);
    let graph = CoMentionGraph::from_tally(&counter, tally.clone(), &GraphOptions::default());
    assert_eq!(graph.edges.len(), c.pairs);
    assert_eq!(graph, network_through_counts(c, &counter, tally.clone()));
    bencher
        .counter(ItemsCount::new(c.pairs))
        .with_inputs(|| tally.clone())
        .bench_values(|t| CoMentionGraph::from_tally(&counter, t, &GraphOptions::default()));
}

#[divan::bench]
fn count_document_scope(bencher: Bencher) {
    bench_counts(bencher, Scope::Document, count_all);
}

#[divan::bench]
fn count_sentence_scope(bencher: Bencher) {
    bench_counts(bencher, Scope::Sentence, count_all);
}

#[divan::bench]
fn add_document_document_scope(bencher: Bencher) {
    bench_counts(bencher, Scope::Document, add_document_all);
}

#[divan::bench]
fn add_document_sentence_scope(bencher: Bencher) {
    bench_counts(bencher, Scope::Sentence, add_document_all);
}

/// Sentence spans of every article.
#[inline(never)]
fn sentences_all(c: &Corpus) -> usize {
    c.docs
        .iter()
        .map(|(d, _)| segment::sentences(&d.text).len())
        .sum()
}

/// Paragraph spans of every article.
#[inline(never)]
fn paragraphs_all(c: &Corpus) -> usize {
    c.docs
        .iter()
        .map(|(d, _)| segment::paragraphs(&d.text).len())
        .sum()
}

#[divan::bench]
fn sentences(bencher: Bencher) {
    let c = &*CORPUS;
    assert_eq!(sentences_all(c), c.sentences);
    bencher
        .counter(BytesCount::new(c.bytes))
        .bench(|| sentences_all(black_box(c)));
}

#[divan::bench]
fn paragraphs(bencher: Bencher) {
    let c = &*CORPUS;
    assert_eq!(paragraphs_all(c), c.paragraphs);
    bencher
        .counter(BytesCount::new(c.bytes))
        .bench(|| paragraphs_all(black_box(c)));
}
