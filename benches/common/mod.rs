//! What the benchmarks share: a deterministic random number generator, so
//! that every run and every machine benchmarks the same generated input,
//! and the bare daachorse scan that the tagger's cost is measured against.

use daachorse::{
    DoubleArrayAhoCorasick, DoubleArrayAhoCorasickBuilder, MatchKind as DaachorseMatchKind,
};

/// SplitMix64.
pub struct Rng(pub u64);

#[allow(dead_code)] // each benchmark uses part of it
impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Whether the hit `text[start..end]` has an ASCII word boundary at both
/// ends (neither the byte before nor the byte at `end` is an ASCII letter or
/// digit).
#[allow(dead_code)]
#[inline(always)]
pub fn is_whole_word(text: &[u8], start: usize, end: usize) -> bool {
    let before = start > 0 && text[start - 1].is_ascii_alphanumeric();
    let after = end < text.len() && text[end].is_ascii_alphanumeric();
    !before && !after
}

/// Whole-word hits of a leftmost-longest daachorse automaton in `text`,
/// one search per hit as the tagger searches (a new iterator keeps
/// daachorse's prefilter on; one iterator over a whole file shuts it once
/// its skips stop paying off).
#[allow(dead_code)]
#[inline]
pub fn daachorse_restart_hits(automaton: &DoubleArrayAhoCorasick<u32>, text: &[u8]) -> usize {
    let mut hits = 0;
    let mut at = 0;
    while let Some(hit) = automaton.leftmost_find_iter(&text[at..]).next() {
        let (start, end) = (at + hit.start(), at + hit.end());
        hits += usize::from(is_whole_word(text, start, end));
        at = end;
    }
    hits
}

/// The patterns of a forms file (one per line, such as the `GAZ.forms.txt`
/// of `benches/corpus/prepare.py`), sorted and distinct: daachorse refuses
/// duplicates.
#[allow(dead_code)]
pub fn read_forms(path: &str) -> Vec<String> {
    let forms = std::fs::read_to_string(path).expect("the forms list reads");
    let mut patterns: Vec<String> = forms
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    patterns.sort_unstable();
    patterns.dedup();
    patterns
}

/// A leftmost-longest daachorse automaton over distinct `patterns`.
#[allow(dead_code)]
pub fn daachorse<P: AsRef<[u8]>>(patterns: &[P]) -> DoubleArrayAhoCorasick<u32> {
    DoubleArrayAhoCorasickBuilder::new()
        .match_kind(DaachorseMatchKind::LeftmostLongest)
        .build(patterns)
        .expect("the patterns are distinct, non-empty and fewer than 2^24")
}
