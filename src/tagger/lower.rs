//! A leftmost-longest search for a few patterns that start with common
//! letters, found by a rare window inside each rather than by their start.
//!
//! Aliases such as `the Abode of Peace`, `al-Qaeda` or `el Raval` start with
//! a word that running English text is full of: any search that looks for
//! where they start stops at every `the `. Each pattern here is looked for
//! by its *anchor* instead, the window of up to [`ANCHOR_LEN`] bytes that is
//! least likely in English text (`Abod`, `al-Q`, `l Ra`), with a
//! leftmost Aho-Corasick search over the anchors, whose SIMD prefilter
//! then rarely stops; each anchor hit is checked against the whole pattern
//! around it. Only [`super::Split`] uses it, for at most
//! [`super::LOWER_APART_MAX`] patterns.

use aho_corasick::{AhoCorasick, Input, MatchKind};

/// The longest anchor, in bytes (aho-corasick's SIMD prefilter looks at up
/// to four bytes of each pattern).
const ANCHOR_LEN: usize = 4;

/// Patterns found by their rarest window.
#[derive(Debug, Clone)]
pub(super) struct Lower {
    /// A leftmost-longest search over the distinct anchors (aho-corasick
    /// gives its SIMD prefilter to leftmost searches only).
    anchors: AhoCorasick,
    /// For each anchor: the `(slot, offset)` of each pattern anchored by it
    /// or by an anchor that is a prefix of it (the search reports only the
    /// longest anchor at a place), `offset` being where the anchor starts in
    /// the pattern.
    owners: Vec<Vec<(u32, u32)>>,
    /// The patterns, by slot, with the value a hit of each reports.
    keys: Vec<(Box<[u8]>, u32)>,
    /// The largest offset of an anchor in its pattern.
    max_offset: usize,
}

/// How common byte `b` is in English text, higher for more common; only the
/// order matters. Lower-case letters follow their usual frequency order.
fn commonness(b: u8) -> u32 {
    const LETTERS: &[u8; 26] = b"zqjxkvbpygfwmucldrhsnioate";
    match b {
        b' ' => 40,
        b'a'..=b'z' => 10 + LETTERS.iter().position(|&l| l == b).unwrap_or(0) as u32,
        b'\n' | b',' | b'.' | b'\'' | b'-' => 8,
        b'A'..=b'Z' => 5,
        b'0'..=b'9' => 4,
        0x80.. => 1,
        _ => 3,
    }
}

/// Where the anchor of `key` starts and how long it is: the window with the
/// smallest total commonness, the earliest of equals.
fn anchor(key: &[u8]) -> (usize, usize) {
    let len = key.len().min(ANCHOR_LEN);
    let score = |w: &[u8]| w.iter().map(|&b| commonness(b)).sum::<u32>();
    let start = key
        .windows(len)
        .enumerate()
        .min_by_key(|&(i, w)| (score(w), i))
        .map_or(0, |(i, _)| i);
    (start, len)
}

impl Lower {
    /// Builds the search over `keys` (non-empty, distinct patterns, each
    /// with the value its hits report).
    pub(super) fn new(keys: &[(&[u8], u32)]) -> Lower {
        let mut anchors: Vec<&[u8]> = Vec::new();
        let mut own: Vec<Vec<(u32, u32)>> = Vec::new();
        let mut max_offset = 0;
        for (slot, (key, _)) in keys.iter().enumerate() {
            let (offset, len) = anchor(key);
            let window = &key[offset..offset + len];
            let owner = (
                u32::try_from(slot).expect("a few patterns"),
                u32::try_from(offset).expect("an alias under 4 GiB"),
            );
            match anchors.iter().position(|a| *a == window) {
                Some(i) => own[i].push(owner),
                None => {
                    anchors.push(window);
                    own.push(vec![owner]);
                }
            }
            max_offset = max_offset.max(offset);
        }
        let owners = anchors
            .iter()
            .map(|anchor| {
                anchors
                    .iter()
                    .zip(&own)
                    .filter(|(prefix, _)| anchor.starts_with(prefix))
                    .flat_map(|(_, owners)| owners.iter().copied())
                    .collect()
            })
            .collect();
        Lower {
            anchors: AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&anchors)
                .expect("a few short non-empty anchors"),
            owners,
            keys: keys.iter().map(|&(k, v)| (Box::from(k), v)).collect(),
            max_offset,
        }
    }

    /// The patterns with their values, as given to [`Lower::new`] (what
    /// the cache stores: the search is rebuilt from them in microseconds).
    pub(super) fn keys(&self) -> &[(Box<[u8]>, u32)] {
        &self.keys
    }

    /// How many patterns the search holds.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.keys.len()
    }

    /// The leftmost-longest hit of the patterns inside `text[from..to]`, as
    /// `(start, end, value)`.
    pub(super) fn find(
        &self,
        text: &[u8],
        from: usize,
        to: usize,
    ) -> Option<(usize, usize, usize)> {
        let mut best: Option<(usize, usize, usize)> = None;
        let mut at = from;
        // Every place where an anchor starts, in order, until no later one
        // can belong to a pattern that starts at or before the best start.
        while let Some(hit) = self.anchors.find(Input::new(text).range(at..to)) {
            if best.is_some_and(|(start, _, _)| hit.start() > start + self.max_offset) {
                break;
            }
            for &(slot, offset) in &self.owners[hit.pattern().as_usize()] {
                let Some(start) = hit.start().checked_sub(offset as usize) else {
                    continue;
                };
                let (key, value) = &self.keys[slot as usize];
                let end = start + key.len();
                if start < from || end > to || text[start..end] != **key {
                    continue;
                }
                let is_better = best.map_or(true, |(best_start, best_end, _)| {
                    start < best_start || (start == best_start && end > best_end)
                });
                if is_better {
                    best = Some((start, end, *value as usize));
                }
            }
            at = hit.start() + 1;
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn anchors_avoid_common_words() {
        let window = |key: &str| {
            let (start, len) = anchor(key.as_bytes());
            key[start..start + len].to_string()
        };
        assert_eq!(window("the Abode of Peace"), "Abod");
        assert_eq!(window("al-Qaeda"), "al-Q");
        assert_eq!(window("el"), "el");
        assert_eq!(window("ilaṅkai"), "ṅk");
    }

    #[test]
    fn finds_leftmost_longest() {
        let keys: [&[u8]; 4] = [b"the Abode", b"the Abode of Peace", b"al-Qaeda", b"he Ab"];
        let values: Vec<(&[u8], u32)> = keys.iter().zip(0..).map(|(&k, v)| (k, v)).collect();
        let lower = Lower::new(&values);
        let text = b"in the Abode of Peace, al-Qaeda";
        assert_eq!(lower.find(text, 0, text.len()), Some((3, 21, 1)));
        // Too short a range for the long one: the shorter at the same start.
        assert_eq!(lower.find(text, 0, 20), Some((3, 12, 0)));
        // Starting past `t`: the pattern that starts inside.
        assert_eq!(lower.find(text, 4, text.len()), Some((4, 9, 3)));
        assert_eq!(lower.find(text, 5, text.len()), Some((23, 31, 2)));
        assert_eq!(lower.find(text, 5, 30), None);
    }

    proptest! {
        /// The same hits as aho-corasick's own leftmost-longest search over
        /// the patterns, for any range.
        #[test]
        fn same_as_leftmost_longest(
            keys in proptest::collection::hash_set("[ab A-]{1,7}", 1..8),
            text in "[ab A-]{0,60}",
            from in 0usize..60,
            len in 0usize..60,
        ) {
            let keys: Vec<&[u8]> = keys.iter().map(|k| k.as_bytes()).collect();
            let reference = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&keys)
                .unwrap();
            let values: Vec<(&[u8], u32)> = keys.iter().zip(0..).map(|(&k, v)| (k, v)).collect();
            let lower = Lower::new(&values);
            let text = text.as_bytes();
            let from = from.min(text.len());
            let to = (from + len).min(text.len());
            let expected = reference
                .find(Input::new(text).range(from..to))
                .map(|m| (m.start(), m.end(), m.pattern().as_usize()));
            prop_assert_eq!(lower.find(text, from, to), expected);
        }
    }
}
