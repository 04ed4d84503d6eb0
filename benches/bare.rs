//! A bare automaton scan of a corpus file: the floor under `comention tag`'s
//! cost, which `benches/corpus/bench.py` times in the same run as the tagger
//! so that their ratio can be stated.
//!
//!     cargo bench --bench bare -- MODE FORMS CORPUS
//!
//! - MODE: `daachorse` (daachorse's bytewise double array, the automaton the
//!   tagger picks up to 100,000 patterns, one iterator over the whole file),
//!   `daachorse-restart` (the same, with a new search after each hit, as the
//!   tagger runs it: the iterator's prefilter gate, which shuts for good once
//!   its skips stop paying off, opens again at every hit),
//!   `aho-corasick-dfa` or `aho-corasick-nfa` (aho-corasick's DFA or
//!   contiguous NFA);
//! - FORMS: one pattern per line (the smart-case `GAZ.forms.txt` that
//!   `benches/corpus/prepare.py` writes: every alias and its ALL-CAPS form);
//! - CORPUS: any file, read whole and scanned as raw bytes (no JSON parsing).
//!
//! The scan is leftmost-longest and case-sensitive, and counts the hits with
//! an ASCII word boundary at both ends (neither the byte before the start nor
//! the byte at the end is an ASCII letter or digit). It prints `MODE: N hits`
//! on stderr and nothing on stdout. Everything else the tagger does (JSON
//! decoding, normalisation, Unicode boundaries, possessives, overlaps,
//! offsets, sentence numbers, output) is left out: that is the overhead the
//! ratio measures.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use daachorse::DoubleArrayAhoCorasick;

mod common;

use common::{daachorse, daachorse_restart_hits, is_whole_word, read_forms};

/// Whole-word hits of one daachorse iterator over the whole text.
fn scan_daachorse(automaton: &DoubleArrayAhoCorasick<u32>, text: &[u8]) -> usize {
    automaton
        .leftmost_find_iter(text)
        .filter(|hit| is_whole_word(text, hit.start(), hit.end()))
        .count()
}

/// Whole-word hits of an aho-corasick automaton over the whole text.
fn scan_aho_corasick(automaton: &AhoCorasick, text: &[u8]) -> usize {
    automaton
        .find_iter(text)
        .filter(|hit| is_whole_word(text, hit.start(), hit.end()))
        .count()
}

fn aho_corasick(patterns: &[String], kind: AhoCorasickKind) -> AhoCorasick {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(kind))
        .build(patterns)
        .expect("the patterns build")
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let [mode, forms, corpus] = &args[..] else {
        eprintln!("usage: bare MODE FORMS.txt CORPUS (see benches/bare.rs)");
        std::process::exit(2);
    };
    let patterns = read_forms(forms);
    let text = std::fs::read(corpus).expect("the corpus reads");
    let hits = match mode.as_str() {
        "daachorse" => scan_daachorse(&daachorse(&patterns), &text),
        "daachorse-restart" => daachorse_restart_hits(&daachorse(&patterns), &text),
        "aho-corasick-dfa" => {
            scan_aho_corasick(&aho_corasick(&patterns, AhoCorasickKind::DFA), &text)
        }
        "aho-corasick-nfa" => scan_aho_corasick(
            &aho_corasick(&patterns, AhoCorasickKind::ContiguousNFA),
            &text,
        ),
        other => {
            eprintln!("error: unknown MODE {other:?} (see benches/bare.rs)");
            std::process::exit(2);
        }
    };
    eprintln!("{mode}: {hits} hits");
}
