//! The matcher for very large gazetteers: a trie walked from each place
//! where a mention may start.
//!
//! An Aho-Corasick automaton over a million patterns takes seconds and
//! hundreds of megabytes to build (failure links over ~9 million states). But
//! a mention must start where a word starts (or with a character that is not
//! part of a word), so the tagger need not look for patterns that start inside
//! a word. This matcher keeps the sorted patterns in a byte trie (flat
//! arrays, built level by level from the sorted patterns, 13 bytes per
//! node) and,
//! at each possible start, walks it as far as the text goes, collecting every
//! pattern that starts there. The candidates at the leftmost start, longest
//! first, are the ones the Aho-Corasick path would find, so both paths give the
//! same mentions.
//!
//! The walk is bound by memory latency, not by arithmetic, so the layout is
//! what makes it fast: nodes numbered level by level (the few thousand nodes
//! near the root, which nearly every walk visits, share cache lines), one
//! table for the first two bytes (the busiest nodes are skipped), and a
//! node's child found among eight labels at a time. On the State of the Union
//! corpus with the `large` gazetteer (`cargo bench --bench automata -- trie
//! large.csv sotu.jsonl 5`) the three took the walk from 77–79 to 103 MB/s.
//!
//! Most walks find nothing: of the 2.0 million places a walk started from
//! in that corpus, 130,447 gave a mention. Before a walk, a filter over
//! the patterns' first words ([`FirstWords`]) says whether any pattern can
//! be accepted there. 593,000 of the places begin a word that begins some
//! pattern; the filter passes those and the few whose words share their
//! bits. With one bit per word the same command then tagged at 83–86
//! MB/s where it had at 71–73 (on a host slower than the one above). A
//! place whose walk gave nothing is then left for the end of its ASCII
//! word, as no place inside a word is one to start from (86–87 → 99–101
//! MB/s); two bits per word took that to 101–102 MB/s.

use super::boundary::{is_ascii_word_byte, is_word_char};

/// No pattern ends at this node.
const NONE: u32 = u32::MAX;

/// Zero bytes after the last label, so that [`Trie::child`] can read any
/// node's labels eight at a time.
const LABEL_PAD: usize = 8;

/// The sorted patterns as a byte trie in flat arrays. Node 0 is the root;
/// the children of a node have consecutive ids, sorted by label, so finding
/// one is a scan of eight labels at a time ([`Trie::child`]); the root's
/// children and their children are found by table lookups.
#[derive(Clone)]
pub(crate) struct Trie {
    /// The byte on the edge into each node (apart from [`Node`], so that a
    /// node's children's labels are one short run of bytes).
    label: Vec<u8>,
    /// Each node's links, side by side: a step down the trie reads one
    /// record, not three arrays (a cache miss each on a large trie).
    nodes: Vec<Node>,
    /// The root's child for each byte, or 0 for none.
    root: Box<[u32; 256]>,
    /// The node two bytes down for each pair of first bytes (`b0 << 8 |
    /// b1`), or 0 for none. The root's children have the widest fan-out
    /// below the root (a letter is followed by most other letters); on the
    /// State of the Union corpus with the `large` gazetteer, searching their
    /// labels was 56% of all label comparisons of the walk. 256 KiB, so it
    /// stays in the second-level cache.
    depth2: Box<[u32]>,
    /// Which words may begin a mention (see [`FirstWords`]).
    first_words: FirstWords,
}

/// A filter over the first word of every pattern: most places a walk
/// starts from begin a word that begins no pattern (on the State of the
/// Union corpus with the `large` gazetteer, 70% of them), and two bits
/// say so where a walk took several steps down the trie to find out.
///
/// Here a word is a run of ASCII letters, digits and `_`
/// ([`is_ascii_word_byte`], a subset of the tagger's word characters,
/// [`is_word_char`]), empty where there is
/// none. A pattern accepted at a place begins the text there, so the
/// text's first word is the pattern's if the pattern has a character
/// after its first word (which stops both). If the pattern is one word,
/// the text's word goes on only past word characters, and a mention must
/// end where a word ends, or, with a lost apostrophe, before an `s` or
/// `S` and then a word's end: the text's first word is the pattern, or
/// the pattern and `s` or `S`. Two bits of one 64-bit word are set for
/// the hash of each such word of each pattern; a clear one of the two
/// means no pattern can be accepted there, both set (sometimes for other
/// words) means walk. Both bits in one word cost one cache miss, as one
/// bit did. On the State of the Union corpus, of the 2.0 million places
/// checked, the words let through that begin no pattern went from 224,000
/// (one bit) to 45,000 with `large` (593,000 places begin a pattern's
/// first word), and from 484,000 (one bit, 1 MiB) to 85,000 with
/// `million`.
#[derive(Clone)]
struct FirstWords {
    bits: Box<[u64]>,
}

impl FirstWords {
    /// The filter for `patterns`.
    fn new<'p>(patterns: impl ExactSizeIterator<Item = &'p [u8]>) -> Self {
        // Eight bits per pattern, at most 2 MiB (a million aliases have
        // 1.7 million patterns): few enough set bits that few other words
        // get through, and a table the second-level cache mostly holds.
        // With `million` on the State of the Union corpus, the tagging
        // went 85 → 91 MB/s from a 1 MiB cap to 2 MiB (`cargo bench
        // --bench automata`); 16 bits per pattern and 4 MiB gained nothing.
        let words = (patterns.len() / 8).next_power_of_two().clamp(64, 1 << 18);
        let mut filter = FirstWords {
            bits: vec![0; words].into_boxed_slice(),
        };
        for p in patterns {
            let word = first_word(p);
            let h = word_hash(word);
            filter.insert(h);
            // A one-word pattern may be glued to the `s` of a lost
            // apostrophe (a superset of what `boundary::ending` allows).
            if word.len() == p.len() {
                filter.insert(step(h, b's'));
                filter.insert(step(h, b'S'));
            }
        }
        filter
    }

    fn insert(&mut self, hash: u64) {
        let (word, bits) = self.slot(hash);
        self.bits[word] |= bits;
    }

    /// The word of a hash (from its top bits) and its two bits in that
    /// word (from its lowest twelve; the same bit twice now and then).
    #[inline]
    fn slot(&self, hash: u64) -> (usize, u64) {
        let h = finish(hash);
        let word = h >> (64 - self.bits.len().trailing_zeros());
        (word as usize, 1 << (h & 63) | 1 << ((h >> 6) & 63))
    }

    /// Whether a pattern may begin with a word hashed `hash`.
    #[inline]
    fn may_begin(&self, hash: u64) -> bool {
        let (word, bits) = self.slot(hash);
        self.bits[word] & bits == bits
    }
}

/// The leading ASCII word characters of `text` (letters, digits, `_`).
#[inline]
fn first_word(text: &[u8]) -> &[u8] {
    let end = text
        .iter()
        .position(|&b| !is_ascii_word_byte(b))
        .unwrap_or(text.len());
    &text[..end]
}

/// A hash of `word`, one byte at a time (so that `word` + `s` is one more
/// [`step`]), before [`finish`].
#[inline]
fn word_hash(word: &[u8]) -> u64 {
    word.iter().fold(0xCBF2_9CE4_8422_2325, |h, &b| step(h, b))
}

#[inline]
fn step(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3)
}

/// Mixes a [`word_hash`] so that its top bits depend on every byte.
#[inline]
fn finish(h: u64) -> u64 {
    let h = (h ^ (h >> 32)).wrapping_mul(0xD6E8_FEB8_6659_FD93);
    h ^ (h >> 32)
}

/// One node of a [`Trie`].
#[derive(Debug, Clone, Copy)]
struct Node {
    /// The id of the first child.
    first_child: u32,
    /// The pattern that ends here, or [`NONE`].
    value: u32,
    /// How many children.
    children: u16,
}

impl Node {
    const LEAF: Node = Node {
        first_child: 0,
        value: NONE,
        children: 0,
    };
}

impl std::fmt::Debug for Trie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trie")
            .field("nodes", &self.nodes.len())
            .finish()
    }
}

impl Trie {
    /// Builds the trie; `patterns` must be sorted, unique and non-empty.
    /// Pattern `i` gets the value `i`. No hashing, no search: each level is
    /// one pass over the bytes of the patterns that reach it.
    pub fn new<'p>(patterns: impl IntoIterator<Item = &'p [u8]>) -> Self {
        let count = |n: usize| u32::try_from(n).expect("fewer than 2^32 trie nodes");
        // The patterns side by side in their sorted order: the build reads
        // them in that order, level after level, and where the caller keeps
        // them (in gazetteer order) nearly every read would miss the cache.
        let offset = |n: usize| u32::try_from(n).expect("less than 4 GiB of patterns");
        let patterns = patterns.into_iter();
        let (mut buf, mut starts) = (Vec::new(), Vec::with_capacity(patterns.size_hint().0 + 1));
        for p in patterns {
            starts.push(offset(buf.len()));
            buf.extend_from_slice(p);
        }
        starts.push(offset(buf.len()));
        let mut trie = Trie {
            label: vec![0],
            nodes: vec![Node::LEAF],
            root: Box::new([0; 256]),
            depth2: vec![0; 1 << 16].into_boxed_slice(),
            first_words: FirstWords::new(
                starts
                    .windows(2)
                    .map(|w| &buf[w[0] as usize..w[1] as usize]),
            ),
        };
        let byte_at = |i: usize, depth: usize| buf[starts[i] as usize + depth];
        let len_of = |i: usize| (starts[i + 1] - starts[i]) as usize;
        let count_of_patterns = starts.len() - 1;
        // Breadth-first, one level at a time: ids follow the levels, so the
        // nodes near the root, which nearly every walk visits, lie together
        // at the front of the arrays in few cache lines instead of spread
        // over the whole trie; a node's children still get consecutive ids.
        // `level` holds the patterns `lo..hi` that pass through each node of
        // the current depth, in id order.
        let mut level = vec![(0, count(count_of_patterns))];
        let mut node = 0;
        let mut depth = 0;
        while !level.is_empty() {
            let mut next = Vec::new();
            for &(lo, hi) in &level {
                let (mut lo, hi) = (lo as usize, hi as usize);
                if len_of(lo) == depth {
                    trie.nodes[node].value = count(lo);
                    lo += 1;
                }
                // One child per distinct byte at `depth`.
                let first = trie.label.len();
                let mut i = lo;
                while i < hi {
                    let b = byte_at(i, depth);
                    let mut end = i + 1;
                    while end < hi && byte_at(end, depth) == b {
                        end += 1;
                    }
                    trie.label.push(b);
                    trie.nodes.push(Node::LEAF);
                    next.push((count(i), count(end)));
                    i = end;
                }
                let links = &mut trie.nodes[node];
                links.first_child = count(first);
                links.children =
                    u16::try_from(trie.label.len() - first).expect("at most 256 children");
                node += 1;
            }
            level = next;
            depth += 1;
        }
        let (first, n) = (
            trie.nodes[0].first_child as usize,
            trie.nodes[0].children as usize,
        );
        for id in first..first + n {
            let b0 = trie.label[id];
            trie.root[b0 as usize] = count(id);
            let links = trie.nodes[id];
            let children =
                links.first_child as usize..links.first_child as usize + links.children as usize;
            for child in children {
                trie.depth2[usize::from(b0) << 8 | usize::from(trie.label[child])] = count(child);
            }
        }
        // Room for the last node's labels to be read eight at a time.
        trie.label.extend_from_slice(&[0; LABEL_PAD]);
        trie
    }

    /// Writes the trie for the cache (see the `cache` module).
    /// `flush` takes what `out` holds every million nodes, so that the
    /// encoding of a large trie is never all in memory.
    pub(super) fn encode(
        &self,
        out: &mut super::cache::Out,
        flush: &mut dyn FnMut(&mut super::cache::Out) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        out.bytes(&self.label);
        flush(out)?;
        out.u64(self.nodes.len() as u64);
        for chunk in self.nodes.chunks(1 << 20) {
            for node in chunk {
                out.u32(node.first_child);
                out.u32(node.value);
                out.u16(node.children);
            }
            flush(out)?;
        }
        out.u32s(&self.root[..]);
        out.u32s(&self.depth2);
        out.u64s(&self.first_words.bits);
        flush(out)
    }

    /// Reads what [`Trie::encode`] wrote, checking every link, so that a
    /// walk over a damaged file cannot index out of bounds (pattern values
    /// are checked by [`Trie::values_below`]).
    pub(super) fn decode(input: &mut super::cache::In) -> Result<Trie, super::cache::Damaged> {
        use super::cache::Damaged;
        let label = input.bytes()?.to_vec();
        let n = input.len(10)?;
        let mut nodes = Vec::with_capacity(n);
        for _ in 0..n {
            nodes.push(Node {
                first_child: input.u32()?,
                value: input.u32()?,
                children: input.u16()?,
            });
        }
        let root: Box<[u32; 256]> = input
            .u32s()?
            .into_boxed_slice()
            .try_into()
            .map_err(|_| Damaged("the trie's root table is not 256 entries"))?;
        let depth2 = input.u32s()?.into_boxed_slice();
        let bits = input.u64s()?.into_boxed_slice();
        if !bits.len().is_power_of_two() || bits.len() < 64 {
            return Err(Damaged("the trie's word filter has a wrong size"));
        }
        let in_range = |id: u32| (id as usize) < nodes.len();
        let links_ok = nodes.iter().all(|node| {
            let end = node.first_child as usize + node.children as usize;
            end <= nodes.len() && (node.children == 0 || node.first_child > 0)
        });
        if nodes.is_empty()
            || label.len() != nodes.len() + LABEL_PAD
            || depth2.len() != 1 << 16
            || !links_ok
            || !root.iter().all(|&id| in_range(id))
            || !depth2.iter().all(|&id| in_range(id))
        {
            return Err(Damaged("the trie's links are out of range"));
        }
        Ok(Trie {
            label,
            nodes,
            root,
            depth2,
            first_words: FirstWords { bits },
        })
    }

    /// Whether every pattern the trie reports is below `count`.
    pub(super) fn values_below(&self, count: usize) -> bool {
        self.nodes
            .iter()
            .all(|n| n.value == NONE || (n.value as usize) < count)
    }

    /// The child of `links` along byte `b`, if any.
    #[inline]
    fn child(&self, links: Node, b: u8) -> Option<usize> {
        let first = links.first_child as usize;
        let n = links.children as usize;
        // Eight labels a byte each in one word: the byte equal to `b` is the
        // lowest zero byte of `word ^ b…b` (the labels are unique, so there
        // is at most one). Below a busy node this checks eight children per
        // step where a byte loop checked one.
        const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
        const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
        let wanted = ONES * u64::from(b);
        let mut k = 0;
        while k < n {
            let chunk: [u8; 8] = self.label[first + k..first + k + 8]
                .try_into()
                .expect("labels are padded by eight bytes");
            let x = u64::from_le_bytes(chunk) ^ wanted;
            let mut zero = x.wrapping_sub(ONES) & !x & HIGH;
            if n - k < 8 {
                // Only this node's labels count, not its neighbours'.
                zero &= (1u64 << (8 * (n - k))) - 1;
            }
            if zero != 0 {
                return Some(first + k + (zero.trailing_zeros() / 8) as usize);
            }
            k += 8;
        }
        None
    }

    /// Fills `out` with every `(end, pattern)` that starts at `start`,
    /// shortest first.
    #[inline]
    fn candidates(&self, text: &[u8], start: usize, out: &mut Vec<(usize, usize)>) {
        out.clear();
        let b0 = text[start];
        let node = self.root[b0 as usize] as usize;
        // One step, two bytes down: the root's child is one of 256 records
        // that stay in cache; only its value is needed.
        let value = self.nodes[node].value;
        if value != NONE {
            out.push((start + 1, value as usize));
        }
        let Some(&b1) = text.get(start + 1) else {
            return;
        };
        let mut node = self.depth2[usize::from(b0) << 8 | usize::from(b1)] as usize;
        if node == 0 {
            return;
        }
        let mut i = start + 2;
        loop {
            let links = self.nodes[node];
            if links.value != NONE {
                out.push((i, links.value as usize));
            }
            let Some(&b) = text.get(i) else { break };
            match self.child(links, b) {
                Some(child) => node = child,
                None => break,
            }
            i += 1;
        }
    }

    /// Visits the places in `text` from `from` on where a mention may start,
    /// leftmost first, with the patterns that start there. `accept(start,
    /// candidates)` (candidates shortest first) returns the end of an accepted
    /// mention, and the search resumes there; `None` moves on.
    pub fn scan(
        &self,
        text: &str,
        mut accept: impl FnMut(usize, &[(usize, usize)]) -> Option<usize>,
    ) {
        let bytes = text.as_bytes();
        let mut candidates = Vec::new();
        let mut p = 0;
        let mut after_word = false;
        while p < bytes.len() {
            let b = bytes[p];
            let (is_word, len) = if b < 0x80 {
                (is_ascii_word_byte(b), 1)
            } else {
                let c = text[p..].chars().next().expect("p is on a char boundary");
                (is_word_char(c), c.len_utf8())
            };
            // A pattern starting inside a word fails its word-boundary check
            // (its first character is this word character): skip it.
            if self.root[b as usize] != 0 && !(after_word && is_word) {
                let word = first_word(&bytes[p..]);
                if self.first_words.may_begin(word_hash(word)) {
                    self.candidates(bytes, p, &mut candidates);
                    if !candidates.is_empty() {
                        if let Some(end) = accept(p, &candidates) {
                            after_word = text[..end].chars().next_back().is_some_and(is_word_char);
                            p = end;
                            continue;
                        }
                    }
                }
                if !word.is_empty() {
                    // The rest of the word holds no place to start from
                    // (word characters after a word character): go past.
                    p += word.len();
                    after_word = true;
                    continue;
                }
            }
            after_word = is_word;
            p += len;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every `(end, pattern)` of `patterns` (sorted) that starts at `start`,
    /// shortest first: what [`Trie::candidates`] must return.
    fn naive(patterns: &[Vec<u8>], text: &[u8], start: usize) -> Vec<(usize, usize)> {
        let mut found: Vec<_> = patterns
            .iter()
            .enumerate()
            .filter(|(_, p)| text[start..].starts_with(p))
            .map(|(i, p)| (start + p.len(), i))
            .collect();
        found.sort_unstable();
        found
    }

    fn check(patterns: &[Vec<u8>], text: &[u8]) -> Result<(), TestCaseError> {
        let refs: Vec<&[u8]> = patterns.iter().map(Vec::as_slice).collect();
        let trie = Trie::new(refs.iter().copied());
        let mut out = Vec::new();
        for start in 0..text.len() {
            if trie.root[text[start] as usize] == 0 {
                prop_assert!(naive(patterns, text, start).is_empty());
                continue;
            }
            trie.candidates(text, start, &mut out);
            prop_assert_eq!(&out, &naive(patterns, text, start), "at {}", start);
        }
        Ok(())
    }

    #[test]
    fn a_node_with_every_byte_below_it_finds_each() {
        // 256 children under `a` (more than one eight-label word), and one-
        // and two-byte patterns that end at the text's last byte.
        let mut patterns: Vec<Vec<u8>> = (0..=255u8).map(|b| vec![b'a', b'x', b]).collect();
        patterns.extend([vec![b'a'], vec![b'a', b'x'], vec![b'z']]);
        patterns.sort();
        for b in 0..=255u8 {
            check(&patterns, &[b'a', b'x', b, b'a', b'x']).unwrap();
        }
        check(&patterns, b"z").unwrap();
        check(&patterns, b"ax").unwrap();
    }

    #[test]
    fn the_word_filter_holds_back_words_no_pattern_begins_with() {
        let patterns: [&[u8]; 4] = [b"(2 s", b"Russia", b"U.S.", b"Xi Jinping"];
        let trie = Trie::new(patterns);
        let may = |text: &str| {
            let word = first_word(text.as_bytes());
            trie.first_words.may_begin(word_hash(word))
        };
        for through in ["(", "Russia's", "Russias", "RussiaS", "U.S.A", "Xi said"] {
            assert!(may(through), "{through:?}");
        }
        for held in ["the", "Russian", "Russ", "US", "Xis", "Jinping"] {
            assert!(!may(held), "{held:?}");
        }
    }

    #[test]
    fn the_word_filter_lets_few_other_words_through() {
        // Two-word patterns (one entry each) at eight bits a pattern: with
        // one bit per word 7.3% of other words got through, with two
        // bits in one 64-bit word 2.3%.
        let patterns: Vec<Vec<u8>> = (0..10_000)
            .map(|i| format!("Word{i:05} x").into_bytes())
            .collect();
        let trie = Trie::new(patterns.iter().map(Vec::as_slice));
        for p in &patterns {
            assert!(trie.first_words.may_begin(word_hash(first_word(p))));
        }
        let through = (0..100_000)
            .filter(|i| {
                let word = format!("Other{i}");
                trie.first_words.may_begin(word_hash(word.as_bytes()))
            })
            .count();
        assert!(
            through < 4_000,
            "{through} of 100,000 other words got through"
        );
    }

    proptest! {
        #[test]
        fn candidates_are_every_pattern_that_starts_there(
            // A small alphabet makes busy nodes (up to 24 children: three
            // words of labels) and many shared prefixes; 0xFF checks the
            // top byte of a label word.
            patterns in prop::collection::btree_set(
                prop::collection::vec(prop::sample::select(b"abcdefghijklmnopqrstu \xC3\xFF".to_vec()), 1..6),
                1..400,
            ),
            text in prop::collection::vec(prop::sample::select(b"abcdefghijklmnopqrstu \xC3\xFFz".to_vec()), 0..80),
        ) {
            let patterns: Vec<Vec<u8>> = patterns.into_iter().collect();
            check(&patterns, &text)?;
        }
    }
}
