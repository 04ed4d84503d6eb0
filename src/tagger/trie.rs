//! The matcher for very large gazetteers: a trie walked from each place
//! where a mention may start.
//!
//! An Aho-Corasick automaton over a million patterns takes seconds and
//! hundreds of megabytes to build (failure links over ~9 million states). But
//! a mention must start where a word starts (or with a character that is not
//! part of a word), so the tagger need not look for patterns that start inside
//! a word. This matcher keeps the sorted patterns in a byte trie (flat
//! arrays, built in one pass over the sorted patterns, 13 bytes per node) and,
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
    /// The byte on the edge into each node (apart from [`Node`], so that a
    /// node's children's labels are one short run of bytes).
    label: Vec<u8>,
    /// Each node's links, side by side: a step down the trie reads one
    /// record, not three arrays (a cache miss each on a large trie).
    nodes: Vec<Node>,
    /// The root's child for each byte, or 0 for none.
    root: Box<[u32; 256]>,
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
    /// Pattern `i` gets the value `i`. One pass over the bytes, no hashing.
    pub fn new(patterns: &[&[u8]]) -> Self {
        let mut trie = Trie {
            label: vec![0],
            nodes: vec![Node::LEAF],
            root: Box::new([0; 256]),
        };
        let count = |n: usize| u32::try_from(n).expect("fewer than 2^32 trie nodes");
        // Depth-first: (node, patterns lo..hi that pass through it, depth).
        let mut stack = vec![(0u32, 0usize, patterns.len(), 0usize)];
        while let Some((node, mut lo, hi, depth)) = stack.pop() {
            if patterns[lo].len() == depth {
                trie.nodes[node as usize].value = count(lo);
                lo += 1;
            }
            // One child per distinct byte at `depth`, with consecutive ids.
            let first = trie.label.len();
            let mut i = lo;
            while i < hi {
                let b = patterns[i][depth];
                let end = i + patterns[i..hi].partition_point(|p| p[depth] == b);
                trie.label.push(b);
                trie.nodes.push(Node::LEAF);
                stack.push((count(trie.label.len() - 1), i, end, depth + 1));
                i = end;
            }
            let links = &mut trie.nodes[node as usize];
            links.first_child = count(first);
            links.children = u16::try_from(trie.label.len() - first).expect("at most 256 children");
        }
        let (first, n) = (
            trie.nodes[0].first_child as usize,
            trie.nodes[0].children as usize,
        );
        for id in first..first + n {
            trie.root[trie.label[id] as usize] = count(id);
        }
        trie
    }

    /// Fills `out` with every `(end, pattern)` that starts at `start`,
    /// shortest first.
    #[inline]
    fn candidates(&self, text: &[u8], start: usize, out: &mut Vec<(usize, usize)>) {
        out.clear();
        let mut node = self.root[text[start] as usize] as usize;
        let mut i = start + 1;
        loop {
            let links = self.nodes[node];
            if links.value != NONE {
                out.push((i, links.value as usize));
            }
            let Some(&b) = text.get(i) else { break };
            let first = links.first_child as usize;
            let labels = &self.label[first..first + links.children as usize];
            match labels.iter().position(|&l| l >= b) {
                Some(k) if labels[k] == b => node = first + k,
                _ => break,
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
                (b.is_ascii_alphanumeric() || b == b'_', 1)
            } else {
                let c = text[p..].chars().next().expect("p is on a char boundary");
                (is_word_char(c), c.len_utf8())
            };
            // A pattern starting inside a word fails its word-boundary check
            // (its first character is this word character): skip it.
            if self.root[b as usize] != 0 && !(after_word && is_word) {
                self.candidates(bytes, p, &mut candidates);
                if !candidates.is_empty() {
                    if let Some(end) = accept(p, &candidates) {
                        after_word = text[..end].chars().next_back().is_some_and(is_word_char);
                        p = end;
                        continue;
                    }
                }
            }
            after_word = is_word;
            p += len;
        }
    }
}
