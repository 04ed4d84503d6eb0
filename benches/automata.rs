//! Compares the tagger's automata on a real gazetteer and corpus: build time,
//! peak memory and tagging speed, one automaton per process (so that the
//! peak RSS belongs to that automaton alone).
//!
//!     cargo bench --bench automata -- AUTOMATON GAZETTEER CORPUS [RUNS]
//!
//! - AUTOMATON: `auto`, `aho-corasick`, `daachorse` or `trie`; or
//!   `auto-rules` (`auto` without sentence and paragraph numbers: the
//!   matching rules alone), or `bare:FORMS` (no tagger: a bare daachorse
//!   scan over the patterns of the file FORMS, one per line, such as the
//!   `GAZ.forms.txt` that `benches/corpus/prepare.py` writes, one search per
//!   hit as the tagger searches, counting hits on ASCII word boundaries:
//!   what matching costs without the tagger's rules);
//! - GAZETTEER: a gazetteer CSV, or `embedded` for the built-in one;
//! - CORPUS: a JSONL file of `{"text": …}` documents (e.g. the `sotu.jsonl`
//!   that `benches/corpus/prepare.py` writes);
//! - RUNS: tagging passes over the corpus; the fastest counts [default: 3].
//!
//! Prints one line: pattern count, build seconds, peak RSS after loading the
//! gazetteer and after building, tagging MB/s (text bytes, not JSON), and the
//! mention count (equal for every automaton, or one of them is wrong).

use std::time::Instant;

mod common;

use comention::tagger::{Automaton, TaggerBuilder};
use comention::Gazetteer;

/// Peak resident set size of this process so far, in MB (Linux only; 0 elsewhere).
fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn automaton(name: &str) -> Automaton {
    match name {
        "aho-corasick" => Automaton::AhoCorasick,
        "daachorse" => Automaton::Daachorse,
        "trie" => Automaton::Trie,
        other => panic!("unknown automaton {other}"),
    }
}

/// The `text` of every line of a JSONL corpus.
fn texts(corpus: &str) -> Vec<String> {
    std::fs::read_to_string(corpus)
        .expect("the corpus reads")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("a JSON line");
            v["text"].as_str().expect("a text field").to_string()
        })
        .collect()
}

fn runs(args: &[String]) -> usize {
    args.get(3)
        .map_or(3, |r| r.parse().expect("RUNS is a number"))
}

/// The `bare:FORMS` mode: daachorse alone over the same texts.
fn bare(forms: &str, corpus: &str, args: &[String]) {
    let patterns = common::read_forms(forms);
    let t = Instant::now();
    let automaton = common::daachorse(&patterns);
    let build = t.elapsed().as_secs_f64();
    let texts = texts(corpus);
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut best = f64::INFINITY;
    let mut hits = 0;
    for _ in 0..runs(args) {
        let t = Instant::now();
        hits = texts
            .iter()
            .map(|text| common::daachorse_restart_hits(&automaton, text.as_bytes()))
            .sum::<usize>();
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "bare          patterns={} build={build:.3}s tag={:.0}MB/s ({best:.3}s for {:.1} MB) hits={hits}",
        patterns.len(),
        bytes as f64 / 1e6 / best,
        bytes as f64 / 1e6,
    );
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if args.len() < 3 {
        eprintln!("usage: automata AUTOMATON GAZETTEER CORPUS [RUNS] (see benches/automata.rs)");
        std::process::exit(2);
    }
    if let Some(forms) = args[0].strip_prefix("bare:") {
        bare(forms, &args[2], &args);
        return;
    }
    let (automaton, sentences) = match args[0].as_str() {
        "auto" => (Automaton::Auto, true),
        "auto-rules" => (Automaton::Auto, false),
        other => (automaton(other), true),
    };
    let gazetteer = if args[1] == "embedded" {
        Gazetteer::embedded()
    } else {
        Gazetteer::from_paths([&args[1]]).expect("the gazetteer loads")
    };
    let texts = texts(&args[2]);
    let runs = runs(&args);
    let loaded_rss = peak_rss_mb();

    let t = Instant::now();
    let tagger = TaggerBuilder::new()
        .automaton(automaton)
        .sentences(sentences)
        .build(&gazetteer);
    let build = t.elapsed().as_secs_f64();
    let built_rss = peak_rss_mb();

    let bytes: usize = texts.iter().map(String::len).sum();
    let mut best = f64::INFINITY;
    let mut mentions = 0;
    for _ in 0..runs {
        let t = Instant::now();
        mentions = texts
            .iter()
            .map(|text| tagger.tag(text).len())
            .sum::<usize>();
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "{:<13} patterns={} build={build:.3}s rss_loaded={loaded_rss:.0}MB rss_built={built_rss:.0}MB \
         rss_peak={:.0}MB tag={:.0}MB/s ({best:.3}s for {:.1} MB) mentions={mentions}",
        args[0],
        tagger.pattern_count(),
        peak_rss_mb(),
        bytes as f64 / 1e6 / best,
        bytes as f64 / 1e6,
    );
}
