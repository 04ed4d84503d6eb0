//! Matching ASCII text with line breaks without a normalised copy.
//!
//! Normalisation turns every whitespace run (a line break, a blank line, two
//! spaces) into one space, so that `Xi\nJinping` matches `Xi Jinping`. That
//! needs a copy of the text and a map back to its offsets. But a pattern has
//! no whitespace other than single spaces, so in ASCII text whose only bytes
//! to normalise are whitespace runs, the copy makes a difference only where
//! a pattern could match across a run. The text itself, searched as it is,
//! has every other occurrence of every pattern at the same place, and the
//! checks around a hit see whitespace on both sides alike.
//!
//! An occurrence across the run that starts at byte `r` has a space at `r`
//! in the copy, so the part of the pattern before that space is a word `w`
//! (no space) that ends the text at `r`: either the whole non-whitespace
//! token before `r` (the occurrence started earlier), or a suffix of it
//! where the occurrence starts. An occurrence that starts inside a word
//! (a word character after a word character) can never be a mention, and
//! the search skips the rest of that word after it, so only suffixes that
//! start after a non-word byte or start with a non-word byte matter, and
//! those are a pattern's first word; the whole token may be any word that
//! a pattern has before a space. [`SpaceWords`] holds both kinds of words
//! in a Bloom filter: when no suffix or token is in it at any run, the
//! tagger searches the text itself. A false positive only costs the copy.

use super::boundary;

/// The words that patterns have before a space (`Xi` and `XI` for `Xi
/// Jinping` and its ALL-CAPS form, `Bank` and `of` for `Bank of England`),
/// each as a first word or not, as a Bloom filter with one hash: a set bit
/// per word and kind.
#[derive(Debug, Clone)]
pub(super) struct SpaceWords {
    bits: Vec<u64>,
    /// `64 - log2(bit count)`: a hash's top bits pick its bit.
    shift: u32,
    /// The longest such word, in bytes (0: no pattern has a space).
    longest: usize,
    /// The bytes such words end with, one bit each: most tokens before a
    /// line break end with a byte no such word ends with (a full stop).
    last_bytes: [u64; 4],
}

/// One step of the hash, which reads a word from its last byte back, so
/// that the suffixes of a token are hashed as the scan walks left.
#[inline]
fn step(hash: u64, byte: u8) -> u64 {
    (hash ^ u64::from(byte)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The hash of an empty word.
const SEED: u64 = 0x243F_6A88_85A3_08D3;

/// A last step that tells a word anywhere before a space (checked against a
/// whole token) from a first word (checked against suffixes).
const ANY_WORD: u8 = 0xFF;

/// Collects the words before a space of every pattern for [`SpaceWords`]
/// (patterns given more than once, or dropped later, only cost bits).
#[derive(Debug, Default)]
pub(super) struct SpaceWordsBuilder {
    hashes: Vec<u64>,
    longest: usize,
    last_bytes: [u64; 4],
}

impl SpaceWordsBuilder {
    /// Adds the words that `pattern` has before a space.
    pub fn add(&mut self, pattern: &[u8]) {
        let mut words = pattern.split(|&b| b == b' ');
        // The last word is followed by no space.
        words.next_back();
        for (i, word) in words.enumerate() {
            let hash = word.iter().rev().fold(SEED, |h, &b| step(h, b));
            self.hashes.push(step(hash, ANY_WORD));
            if i == 0 {
                self.hashes.push(hash);
            }
            self.longest = self.longest.max(word.len());
            if let Some(&last) = word.last() {
                self.last_bytes[usize::from(last / 64)] |= 1 << (last % 64);
            }
        }
    }

    /// The filter, with about 16 bits per word added (a false positive on
    /// ~6% of look-ups).
    pub fn build(self) -> SpaceWords {
        let bit_count = (self.hashes.len() * 16).next_power_of_two().max(1024);
        let mut filter = SpaceWords {
            bits: vec![0; bit_count / 64],
            shift: 64 - bit_count.trailing_zeros(),
            longest: self.longest,
            last_bytes: self.last_bytes,
        };
        for hash in self.hashes {
            let bit = filter.bit(hash);
            filter.bits[bit / 64] |= 1 << (bit % 64);
        }
        filter
    }
}

impl SpaceWords {
    /// Writes the filter for the cache (see the `cache` module).
    pub(super) fn encode(&self, out: &mut super::cache::Out) {
        out.u64s(&self.bits);
        out.u32(self.shift);
        out.u64(self.longest as u64);
        for word in self.last_bytes {
            out.u64(word);
        }
    }

    /// Reads what [`SpaceWords::encode`] wrote, checking that every hash
    /// picks a bit the filter has.
    pub(super) fn decode(
        input: &mut super::cache::In,
    ) -> Result<SpaceWords, super::cache::Damaged> {
        let bits = input.u64s()?;
        let shift = input.u32()?;
        let longest = usize::try_from(input.u64()?).unwrap_or(usize::MAX);
        let mut last_bytes = [0; 4];
        for word in &mut last_bytes {
            *word = input.u64()?;
        }
        let bit_count = bits.len() * 64;
        if !bit_count.is_power_of_two() || shift != 64 - bit_count.trailing_zeros() {
            return Err(super::cache::Damaged(
                "the space-word filter's size is wrong",
            ));
        }
        Ok(SpaceWords {
            bits,
            shift,
            longest,
            last_bytes,
        })
    }

    fn bit(&self, hash: u64) -> usize {
        (hash >> self.shift) as usize
    }

    fn may_contain(&self, hash: u64) -> bool {
        let bit = self.bit(hash);
        self.bits[bit / 64] & (1 << (bit % 64)) != 0
    }

    /// Whether a pattern may match across the whitespace run that starts at
    /// byte `run` of ASCII `text`: the token before `run` may be a word
    /// that a pattern has before a space, or a suffix of it that a mention
    /// could start (see the module doc) may be a pattern's first word.
    pub fn may_cross(&self, text: &[u8], run: usize) -> bool {
        let is_word = |b: u8| boundary::is_word_char(char::from(b));
        // Every word to look for ends where the token does.
        let ends_a_word = |b: u8| self.last_bytes[usize::from(b / 64)] & (1 << (b % 64)) != 0;
        if run == 0 || !ends_a_word(text[run - 1]) {
            return false;
        }
        let mut hash = SEED;
        let mut start = run;
        while start > 0 && run - start < self.longest {
            let b = text[start - 1];
            if b.is_ascii_whitespace() {
                break;
            }
            hash = step(hash, b);
            start -= 1;
            if start == 0 || text[start - 1].is_ascii_whitespace() {
                return self.may_contain(step(hash, ANY_WORD));
            }
            let may_start = !is_word(text[start - 1]) || !is_word(b);
            if may_start && self.may_contain(hash) {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(patterns: &[&str]) -> SpaceWords {
        let mut builder = SpaceWordsBuilder::default();
        patterns.iter().for_each(|p| builder.add(p.as_bytes()));
        builder.build()
    }

    /// `may_cross` at the first line break or tab of `text`.
    fn crosses(words: &SpaceWords, text: &str) -> bool {
        let run = text.find(['\n', '\r', '\t']).unwrap();
        words.may_cross(text.as_bytes(), run)
    }

    #[test]
    fn words_before_a_space_are_found() {
        let words = filter(&["Xi Jinping", "Bank of England", "Putin", "U.S. Army"]);
        assert_eq!(words.longest, 4);
        assert!(crosses(&words, "Xi\nJinping"));
        assert!(crosses(&words, "said Xi\n\nJinping"));
        assert!(crosses(&words, "Bank of\nEngland"));
        assert!(crosses(&words, "Bank\r\nof England"));
        assert!(crosses(&words, "the U.S.\nArmy"));
        // Starts after a non-word byte: `(Xi`, `"Bank`.
        assert!(crosses(&words, "(Xi\nJinping"));
        assert!(crosses(&words, "\"Bank\nof"));
    }

    #[test]
    fn other_tokens_are_not() {
        let words = filter(&["Xi Jinping", "Bank of England", "Putin"]);
        // `Jinping`, `England` and `Putin` end patterns; `economy.` is no
        // pattern's word.
        for text in [
            "Jinping\nsaid",
            "England\n\nThe",
            "Putin\nsaid",
            "economy.\n\nThe",
        ] {
            assert!(!crosses(&words, text), "{text:?}");
        }
        // Inside a word: `Xi` ends `TaXi`, but no mention starts at its `X`.
        assert!(!crosses(&words, "TaXi\nJinping"));
        // At the start of the text.
        assert!(!words.may_cross(b"\nXi Jinping", 0));
    }

    #[test]
    fn inner_words_count_as_whole_tokens_only() {
        let words = filter(&["Trinidad and Tobago", "Star Wars : Andor"]);
        assert!(crosses(&words, "Trinidad\nand Tobago"));
        assert!(crosses(&words, "Trinidad and\nTobago"));
        assert!(crosses(&words, "Wars :\nAndor"));
        // No pattern starts with `and` or `:`.
        assert!(!crosses(&words, "(and\nTobago"));
        assert!(!crosses(&words, "as follows:\nThe"));
        assert!(crosses(&words, "(Trinidad\nand"));
    }

    #[test]
    fn last_bytes_rule_out_tokens_at_once() {
        let words = filter(&["Xi Jinping", "St. Louis"]);
        assert!(crosses(&words, "Xi\nJinping"));
        assert!(crosses(&words, "St.\nLouis"));
        // Ends with `i` like `Xi`, but is not a word.
        assert!(!crosses(&words, "Taxi\nJinping"));
        // No word ends with `a` or `,`.
        assert!(!crosses(&words, "Xia\nJinping"));
        assert!(!crosses(&words, "Xi,\nJinping"));
    }

    #[test]
    fn no_multi_word_pattern_crosses_nothing() {
        let words = filter(&["Putin", "Kazakhstan"]);
        assert_eq!(words.longest, 0);
        assert!(!crosses(&words, "Putin\nKazakhstan"));
    }
}
