//! The matcher for very large gazetteers: a trie walked from each place
//! where a mention may start.
//!
//! An Aho-Corasick automaton over a million patterns takes seconds and
//! hundreds of megabytes to build (failure links over ~9 million states). But
//! a mention must start where a word starts (or with a character that is not
//! part of a word), so the tagger need not look for patterns that start inside
//! a word. This matcher keeps the sorted patterns in a byte trie (flat
//! arrays, built in one pass over the sorted patterns, 11 bytes per node) and,
//! at each possible start, walks it as far as the text goes, collecting every
//! pattern that starts there. The candidates at the leftmost start, longest
//! first, are the ones the Aho-Corasick path would find, so both paths give the
//! same mentions.

use super::boundary::is_word_char;

/// No pattern ends at this node.
const NONE: u32 = u32::MAX;

/// The sorted patterns as a byte trie in flat arrays. Node 0 is the root;
/// the children of a node have consecutive ids, sorted by label, so finding
/// one is a short scan (the root's, a table lookup).
#[derive(Clone)]
pub(crate) struct Trie {
    /// The byte on the edge into each node.
    label: Vec<u8>,
    /// The id of each node's first child.
    first_child: Vec<u32>,
    /// How many children each node has.
    children: Vec<u16>,
    /// The pattern that ends at each node, or [`NONE`].
    value: Vec<u32>,
    /// The root's child for each byte, or 0 for none.
    root: Box<[u32; 256]>,
    /// The grandchildren of the root: 256 entries for each child `c` of
    /// the root, from `(c - first_child[0]) * 256`: the child of `c` for
    /// each byte, or 0 for none.
    second: Vec<u32>,
    /// Which bytes can start a pattern.
    starts: Starts,
}

impl std::fmt::Debug for Trie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trie")
            .field("nodes", &self.label.len())
            .finish()
    }
}

impl Trie {
    /// Builds the trie; `patterns` must be sorted, unique and non-empty.
    /// Pattern `i` gets the value `i`. One pass over the bytes, no hashing.
    pub fn new(patterns: &[&[u8]]) -> Self {
        let mut trie = Trie {
            label: vec![0],
            first_child: vec![0],
            children: vec![0],
            value: vec![NONE],
            root: Box::new([0; 256]),
            second: Vec::new(),
            starts: Starts::new(
                patterns
                    .iter()
                    .filter_map(|p| std::str::from_utf8(p).ok()?.chars().next()),
            ),
        };
        let count = |n: usize| u32::try_from(n).expect("fewer than 2^32 trie nodes");
        // Depth-first: (node, patterns lo..hi that pass through it, depth).
        let mut stack = vec![(0u32, 0usize, patterns.len(), 0usize)];
        while let Some((node, mut lo, hi, depth)) = stack.pop() {
            if patterns[lo].len() == depth {
                trie.value[node as usize] = count(lo);
                lo += 1;
            }
            // One child per distinct byte at `depth`, with consecutive ids.
            let first = trie.label.len();
            let mut i = lo;
            while i < hi {
                let b = patterns[i][depth];
                let end = i + patterns[i..hi].partition_point(|p| p[depth] == b);
                trie.label.push(b);
                trie.first_child.push(0);
                trie.children.push(0);
                trie.value.push(NONE);
                stack.push((count(trie.label.len() - 1), i, end, depth + 1));
                i = end;
            }
            trie.first_child[node as usize] = count(first);
            trie.children[node as usize] =
                u16::try_from(trie.label.len() - first).expect("at most 256 children");
        }
        let (first, n) = (trie.first_child[0] as usize, trie.children[0] as usize);
        trie.second = vec![0; n * 256];
        for id in first..first + n {
            trie.root[trie.label[id] as usize] = count(id);
            let (grand, m) = (trie.first_child[id] as usize, trie.children[id] as usize);
            for g in grand..grand + m {
                trie.second[(id - first) * 256 + trie.label[g] as usize] = count(g);
            }
        }
        trie
    }

    /// Fills `out` with every `(end, pattern)` that starts at `start`,
    /// shortest first; `node` is the root's child for `text[start]`.
    #[inline]
    fn candidates(&self, text: &[u8], start: usize, node: u32, out: &mut Vec<(usize, usize)>) {
        out.clear();
        let mut node = node as usize;
        if self.value[node] != NONE {
            out.push((start + 1, self.value[node] as usize));
        }
        // The second byte: one table lookup, which turns most places away.
        let Some(&b) = text.get(start + 1) else {
            return;
        };
        let row = node - self.first_child[0] as usize;
        node = self.second[row * 256 + b as usize] as usize;
        if node == 0 {
            return;
        }
        let mut i = start + 2;
        loop {
            if self.value[node] != NONE {
                out.push((i, self.value[node] as usize));
            }
            let Some(&b) = text.get(i) else { break };
            let first = self.first_child[node] as usize;
            let labels = &self.label[first..first + self.children[node] as usize];
            match labels.iter().position(|&l| l >= b) {
                Some(k) if labels[k] == b => node = first + k,
                _ => break,
            }
            i += 1;
        }
    }

    /// Visits the places in `text` where a mention may start, leftmost
    /// first, with the patterns that start there. `accept(start,
    /// candidates)` (candidates shortest first) returns the end of an
    /// accepted mention, and the search resumes there; `None` moves on.
    ///
    /// The places are found eight bytes at a time (see [`Starts`]): only
    /// where no ASCII word character comes before, and only bytes that can
    /// start a pattern at all; the exact Unicode check then runs on those
    /// few places alone.
    pub fn scan(
        &self,
        text: &str,
        mut accept: impl FnMut(usize, &[(usize, usize)]) -> Option<usize>,
    ) {
        let bytes = text.as_bytes();
        let mut candidates = Vec::new();
        let mut p = 0;
        'chunks: while p < bytes.len() {
            let mut mask = self.starts.mask(bytes, p);
            while mask != 0 {
                let at = p + (mask.trailing_zeros() / 8) as usize;
                mask &= mask - 1;
                let b = bytes[at];
                let node = self.root[b as usize];
                if node == 0 {
                    continue;
                }
                // A pattern starting inside a word fails its word-boundary
                // check (its first character is this word character): skip
                // it. The mask left out ASCII words; this is the rest.
                if at > 0 && (self.starts.anywhere || bytes[at - 1] >= 0x80) {
                    let is_word = if b < 0x80 {
                        is_ascii_word(b)
                    } else {
                        is_word_char(text[at..].chars().next().expect("a char boundary"))
                    };
                    let after_word = text[..at].chars().next_back().is_some_and(is_word_char);
                    if is_word && after_word {
                        continue;
                    }
                }
                self.candidates(bytes, at, node, &mut candidates);
                if !candidates.is_empty() {
                    if let Some(end) = accept(at, &candidates) {
                        p = end;
                        continue 'chunks;
                    }
                }
            }
            p += 8;
        }
    }
}

/// `[A-Za-z0-9_]`: the ASCII characters that continue a word.
fn is_ascii_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Eight bytes with only their high bit set.
const HIGH: u64 = 0x8080_8080_8080_8080;
/// Eight bytes of 1.
const ONES: u64 = 0x0101_0101_0101_0101;

/// Which bytes can start a pattern, tested eight at a time on a `u64`
/// (SWAR: no `unsafe`, no target features). A byte's high bit in a mask
/// marks a place worth a look in the trie's root table.
#[derive(Debug, Clone)]
struct Starts {
    /// Some pattern starts with an ASCII lower-case letter.
    lower: bool,
    /// Some pattern starts with an ASCII upper-case letter, digit or `_`.
    other_word: bool,
    /// Some pattern starts with a non-ASCII byte.
    non_ascii: bool,
    /// Up to four ASCII bytes that start a pattern whose first character
    /// is not a word character (such a pattern may start after a letter).
    punct: Vec<u8>,
    /// More than that, or a non-ASCII non-word first character: every
    /// place is worth a look.
    anywhere: bool,
}

impl Starts {
    fn new(first_chars: impl Iterator<Item = char>) -> Self {
        let mut starts = Starts {
            lower: false,
            other_word: false,
            non_ascii: false,
            punct: Vec::new(),
            anywhere: false,
        };
        for c in first_chars {
            match u8::try_from(c) {
                Ok(b) if b.is_ascii_lowercase() => starts.lower = true,
                Ok(b) if is_ascii_word(b) => starts.other_word = true,
                Ok(b) if b < 0x80 => {
                    if !starts.punct.contains(&b) {
                        starts.punct.push(b);
                    }
                }
                _ => {
                    starts.non_ascii = true;
                    if !is_word_char(c) {
                        starts.anywhere = true;
                    }
                }
            }
        }
        if starts.punct.len() > 4 {
            starts.anywhere = true;
        }
        starts
    }

    /// The places in `bytes[p..p + 8]` worth a look: a byte's high bit is
    /// set when that byte may start a pattern and no ASCII word character
    /// comes before it (or, with `anywhere`, at every place).
    #[inline]
    fn mask(&self, bytes: &[u8], p: usize) -> u64 {
        let rest = bytes.len() - p;
        let w = match bytes.get(p..p + 8) {
            Some(chunk) => u64::from_le_bytes(chunk.try_into().expect("8 bytes")),
            None => {
                let mut chunk = [0u8; 8];
                chunk[..rest].copy_from_slice(&bytes[p..]);
                u64::from_le_bytes(chunk)
            }
        };
        let valid = if rest >= 8 {
            HIGH
        } else {
            HIGH & ((1u64 << (8 * rest)) - 1)
        };
        if self.anywhere {
            return valid;
        }
        let ascii = !w & HIGH;
        let x = w & !HIGH;
        // For 7-bit bytes, adding 0x80 - lo sets the high bit iff x >= lo,
        // and no byte carries into the next.
        let at_least = |lo: u8| x.wrapping_add(ONES * u64::from(0x80 - lo)) & HIGH;
        let in_range = |lo: u8, hi: u8| at_least(lo) & !at_least(hi + 1);
        let equal = |v: u8| {
            let d = x ^ (ONES * u64::from(v));
            !(d.wrapping_add(ONES * 0x7F)) & HIGH
        };
        let lower = in_range(b'a', b'z');
        let other = in_range(b'A', b'Z') | in_range(b'0', b'9') | equal(b'_');
        let word = ascii & (lower | other);
        let prev_word = if p > 0 && is_ascii_word(bytes[p - 1]) {
            0x80
        } else {
            0
        };
        let after_word = (word << 8) | prev_word;
        let mut may_start = 0;
        if self.lower {
            may_start |= ascii & lower;
        }
        if self.other_word {
            may_start |= ascii & other;
        }
        if self.non_ascii {
            may_start |= w & HIGH;
        }
        let mut mask = may_start & !after_word;
        for &b in &self.punct {
            mask |= ascii & equal(b);
        }
        mask & valid
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The places [`Starts::mask`] must keep, byte by byte.
    fn expected(starts: &Starts, bytes: &[u8], p: usize) -> u64 {
        let mut mask = 0;
        for (k, &b) in bytes[p..].iter().take(8).enumerate() {
            let after_word = p + k > 0 && is_ascii_word(bytes[p + k - 1]);
            let may_start = if b.is_ascii_lowercase() {
                starts.lower
            } else if is_ascii_word(b) {
                starts.other_word
            } else {
                b >= 0x80 && starts.non_ascii
            };
            let keep = starts.anywhere
                || (may_start && !after_word)
                || (b < 0x80 && starts.punct.contains(&b));
            if keep {
                mask |= 0x80 << (8 * k);
            }
        }
        mask
    }

    proptest! {
        #[test]
        fn mask_keeps_exactly_the_places_worth_a_look(
            text in proptest::collection::vec(any::<u8>(), 0..40),
            firsts in "[a-zA-Z0-9_.,;(«é]{1,6}",
        ) {
            let starts = Starts::new(firsts.chars());
            for p in 0..text.len() {
                prop_assert_eq!(starts.mask(&text, p), expected(&starts, &text, p), "at {}", p);
            }
        }
    }

    #[test]
    fn finds_every_pattern_at_word_starts() {
        let patterns: Vec<&[u8]> = vec![b"Nord Stream", b"Nord Stream 2", b"Xi", b"the Abode"];
        let trie = Trie::new(&patterns);
        let text = "Xi and the Abode; Nord Stream 2. aXi Nord";
        let mut found = Vec::new();
        trie.scan(text, |start, candidates| {
            let &(end, pattern) = candidates.last()?;
            found.push((&text[start..end], pattern));
            Some(end)
        });
        assert_eq!(found, [("Xi", 2), ("the Abode", 3), ("Nord Stream 2", 1)]);
    }
}
