//! Normalisation of text and aliases before matching, with a map back to
//! the original byte offsets.
//!
//! Both sides go through the same [`Normalizer`]: runs of whitespace become
//! one space, curly quotes become straight ones, dash variants become `-`,
//! invisible format characters (soft hyphen, zero-width space/joiners, BOM)
//! are dropped, the Turkish capital `İ` becomes `I` (so that the ALL-CAPS
//! `TÜRKİYE` meets the upper-cased alias `TÜRKIYE`), and, on request,
//! diacritics are folded and letters lower-cased. The matcher runs on the
//! normalised text; [`OffsetMap`] turns its offsets back into offsets of the
//! original text, so mentions always slice the original exactly.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// How text is normalised before matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Normalizer {
    /// Fold diacritics (`Türkiye` → `Turkiye`, `ø` → `o`, `ß` → `ss`).
    pub fold_diacritics: bool,
    /// Lower-case every letter (case-insensitive matching).
    pub lowercase: bool,
}

/// A point where normalised and original offsets stop moving together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Anchor {
    /// Byte offset in the normalised text.
    norm: usize,
    /// Byte offset in the original text.
    orig: usize,
    /// For a replaced unit (e.g. a whitespace run or `’`), the original end of
    /// the unit; `None` where the texts advance byte for byte from here.
    unit_end: Option<usize>,
}

/// Maps byte offsets of the normalised text back to the original text.
#[derive(Debug, Clone, Default)]
pub(crate) struct OffsetMap {
    anchors: Vec<Anchor>,
}

impl OffsetMap {
    fn clear(&mut self) {
        self.anchors.clear();
        self.anchors.push(Anchor {
            norm: 0,
            orig: 0,
            unit_end: None,
        });
    }

    /// True when no offset moved: normalised offsets equal original offsets.
    pub fn is_identity(&self) -> bool {
        match self.anchors.as_slice() {
            [] => true,
            [only] => only.orig == 0,
            _ => false,
        }
    }

    /// Original offset of the normalised offset `p` taken as a start.
    pub fn start(&self, p: usize) -> usize {
        let i = self.anchors.partition_point(|a| a.norm <= p) - 1;
        let a = self.anchors[i];
        match a.unit_end {
            Some(_) => a.orig,
            None => a.orig + (p - a.norm),
        }
    }

    /// Original offset of the normalised offset `p` taken as an exclusive end.
    pub fn end(&self, p: usize) -> usize {
        if p == 0 {
            return 0;
        }
        let i = self.anchors.partition_point(|a| a.norm < p) - 1;
        let a = self.anchors[i];
        match a.unit_end {
            Some(end) => end,
            None => a.orig + (p - a.norm),
        }
    }

    fn push(&mut self, anchor: Anchor) {
        let last = self
            .anchors
            .last_mut()
            .expect("the map starts with an anchor");
        if last.norm == anchor.norm && last.unit_end.is_none() && anchor.unit_end.is_none() {
            *last = anchor;
        } else {
            self.anchors.push(anchor);
        }
    }
}

/// What one original character becomes.
enum Replacement {
    /// Kept as it is.
    Keep,
    /// Dropped (format characters).
    Drop,
    /// Part of a whitespace run, which becomes one space.
    Space,
    /// Replaced by one character.
    Char(char),
    /// Replaced by several characters (folding, lower-casing).
    Chars(smallvec_like::Chars),
}

/// A tiny inline char buffer, so that folding a character allocates nothing.
mod smallvec_like {
    /// Up to four chars.
    #[derive(Clone, Copy)]
    pub struct Chars {
        buf: [char; 4],
        len: u8,
    }

    impl Chars {
        pub fn new() -> Self {
            Chars {
                buf: ['\0'; 4],
                len: 0,
            }
        }
        pub fn push(&mut self, c: char) {
            if (self.len as usize) < self.buf.len() {
                self.buf[self.len as usize] = c;
                self.len += 1;
            }
        }
        pub fn as_slice(&self) -> &[char] {
            &self.buf[..self.len as usize]
        }
    }
}

/// Quote marks that count as the straight apostrophe.
fn is_single_quote(c: char) -> bool {
    matches!(
        c,
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' | '\u{FF07}'
    )
}

/// Quote marks that count as the straight double quote.
fn is_double_quote(c: char) -> bool {
    matches!(
        c,
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{FF02}'
    )
}

/// Hyphen and dash variants that count as `-`.
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}'
    )
}

/// Invisible characters that are dropped: soft hyphen, zero-width space and
/// joiners, word joiner, BOM.
fn is_dropped(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// Letters that have no canonical decomposition but fold to ASCII.
fn fold_special(c: char) -> Option<&'static str> {
    Some(match c {
        'ø' => "o",
        'Ø' => "O",
        'ł' => "l",
        'Ł' => "L",
        'đ' | 'ð' => "d",
        'Đ' | 'Ð' => "D",
        'ħ' => "h",
        'Ħ' => "H",
        'ı' => "i",
        'æ' => "ae",
        'Æ' => "AE",
        'œ' => "oe",
        'Œ' => "OE",
        'ß' => "ss",
        'þ' => "th",
        'Þ' => "TH",
        _ => return None,
    })
}

/// Whether byte `b`, followed by byte `next`, may be changed by
/// normalisation (case folding aside): a non-ASCII byte, an ASCII whitespace
/// byte other than the space (tab, line feed, vertical tab, form feed,
/// carriage return), or a space followed by ASCII whitespace or a non-ASCII
/// byte (which may start a whitespace character). Other ASCII control
/// characters are kept as they are.
#[inline(always)]
fn is_special(b: u8, next: u8) -> bool {
    let is_break = |x: u8| x.wrapping_sub(b'\t') < 5;
    (b >= 0x80) | is_break(b) | ((b == b' ') & ((next == b' ') | is_break(next) | (next >= 0x80)))
}

/// Bytes per block of [`next_special`]'s search.
const BLOCK: usize = 32;

/// A cheap test that is true for every byte [`is_special`] is true for (and
/// for a few more): a byte below 14 or from 0x80 up (signed, below 14), or
/// a space followed by a byte below 0x21 or from 0x80 up. Four vector
/// instructions per 16 bytes.
#[inline(always)]
fn may_be_special(b: u8, next: u8) -> bool {
    let below = |x: u8, n: i8| (x as i8) < n;
    below(b, 14) | ((b == b' ') & below(next, 0x21))
}

/// The first byte at or after `from` that normalisation may change (see
/// [`is_special`]). Every byte before it is copied unchanged. Tests a block
/// of 32 bytes (and the byte after each) with [`may_be_special`], without a
/// branch per byte, which the compiler turns into vector instructions; only
/// a block that passes that test is looked at byte by byte.
pub(crate) fn next_special(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while i + BLOCK < bytes.len() {
        let block: &[u8; BLOCK] = bytes[i..i + BLOCK].try_into().expect("a block");
        let next: &[u8; BLOCK] = bytes[i + 1..i + 1 + BLOCK].try_into().expect("a block");
        let mut any = 0u8;
        for k in 0..BLOCK {
            any |= u8::from(may_be_special(block[k], next[k]));
        }
        if any != 0 {
            if let Some(k) = (0..BLOCK).find(|&k| is_special(block[k], next[k])) {
                return i + k;
            }
        }
        i += BLOCK;
    }
    while i < bytes.len() {
        if is_special(bytes[i], bytes.get(i + 1).copied().unwrap_or(b'a')) {
            return i;
        }
        i += 1;
    }
    i
}

/// Eight copies of byte `b`.
const fn splat(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// Bit 7 of each byte set where that byte of `w` is below `n` (exact for
/// bytes below 0x80; bytes from 0x80 up are reported separately).
#[inline]
fn below(w: u64, n: u8) -> u64 {
    !((w | splat(0x80)) - splat(n)) & splat(0x80)
}

/// [`next_special`] for text where such bytes are close together (two
/// spaces between words, curly quotes): eight bytes at a time, without a
/// block's set-up. It may stop early, at an ASCII control character or a
/// space before one (only ever on a char boundary), never late.
fn next_special_near(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    // Load bytes i..i+8 and i+1..i+9 (to see the byte after each space).
    while i + 9 <= bytes.len() {
        let w = u64::from_le_bytes(bytes[i..i + 8].try_into().expect("8 bytes"));
        let next = u64::from_le_bytes(bytes[i + 1..i + 9].try_into().expect("8 bytes"));
        let high = w & splat(0x80);
        let control = below(w, 0x20);
        let space = below(w, 0x21) & !control;
        let special = high | control | (space & (below(next, 0x21) | (next & splat(0x80))));
        if special != 0 {
            return i + (special.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() {
        let b = bytes[i];
        if !(0x20..0x80).contains(&b)
            || (b == b' ' && bytes.get(i + 1).is_some_and(|&n| n <= b' ' || n >= 0x80))
        {
            return i;
        }
        i += 1;
    }
    i
}

/// Finds the next byte that normalisation may change, as [`next_special`]
/// does, but with `memchr`'s searches when the text is ASCII without
/// vertical tabs or form feeds: there the only such bytes are `\t`, `\n`,
/// `\r` and a space followed by one of them or by a space. Each search's
/// next hit is cached, so every byte is searched once per kind (this beats
/// [`next_special`] when such bytes are many and far between).
struct Specials<'t> {
    bytes: &'t [u8],
    /// The text from `from` on is ASCII without `\x0B` and `\x0C`.
    ascii: bool,
    /// The next `\t`, `\n` or `\r` at or after the last search's start.
    line: usize,
    /// The next double space at or after the last search's start.
    double: usize,
}

impl<'t> Specials<'t> {
    /// For searches in `text` from byte `from` on.
    fn new(text: &'t str, from: usize) -> Self {
        let bytes = text.as_bytes();
        let rest = &bytes[from..];
        let ascii = rest.is_ascii() && memchr::memchr2(0x0B, 0x0C, rest).is_none();
        let mut specials = Specials {
            bytes,
            ascii,
            line: 0,
            double: 0,
        };
        if ascii {
            specials.line = specials.find_line(from);
            specials.double = specials.find_double(from);
        }
        specials
    }

    fn find_line(&self, from: usize) -> usize {
        memchr::memchr3(b'\t', b'\n', b'\r', &self.bytes[from..])
            .map_or(self.bytes.len(), |k| from + k)
    }

    fn find_double(&self, from: usize) -> usize {
        memchr::memmem::find(&self.bytes[from..], b"  ").map_or(self.bytes.len(), |k| from + k)
    }

    /// The first byte at or after `from` that normalisation may change, or
    /// the text's length; in non-ASCII text it may stop early (on a char
    /// boundary), never late.
    #[inline]
    fn next(&mut self, from: usize) -> usize {
        if !self.ascii {
            return next_special_near(self.bytes, from);
        }
        if self.line < from {
            self.line = self.find_line(from);
        }
        if self.double < from {
            self.double = self.find_double(from);
        }
        // A space before a line break starts the whitespace run.
        let found = self.line < self.bytes.len();
        let line = if found && self.line > from && self.bytes[self.line - 1] == b' ' {
            self.line - 1
        } else {
            self.line
        };
        line.min(self.double)
    }
}

impl Normalizer {
    fn replacement(&self, c: char) -> Replacement {
        if c.is_whitespace() {
            return Replacement::Space;
        }
        if c.is_ascii() {
            return if self.lowercase && c.is_ascii_uppercase() {
                Replacement::Char(c.to_ascii_lowercase())
            } else {
                Replacement::Keep
            };
        }
        if is_single_quote(c) {
            return Replacement::Char('\'');
        }
        if is_double_quote(c) {
            return Replacement::Char('"');
        }
        if is_dash(c) {
            return Replacement::Char('-');
        }
        if is_dropped(c) {
            return Replacement::Drop;
        }
        let mut out = smallvec_like::Chars::new();
        let base = if c == '\u{0130}' { 'I' } else { c };
        if self.fold_diacritics {
            if let Some(s) = fold_special(base) {
                s.chars().for_each(|f| out.push(f));
            } else {
                decompose_canonical(base, |d| {
                    if !is_combining_mark(d) {
                        out.push(d);
                    }
                });
            }
        } else {
            out.push(base);
        }
        if self.lowercase {
            let mut lower = smallvec_like::Chars::new();
            for &f in out.as_slice() {
                f.to_lowercase().for_each(|l| lower.push(l));
            }
            out = lower;
        }
        match out.as_slice() {
            [] => Replacement::Drop,
            [only] if *only == c => Replacement::Keep,
            [only] => Replacement::Char(*only),
            _ => Replacement::Chars(out),
        }
    }

    /// True when `text` needs no normalisation: it would come out unchanged.
    /// This is the fast path for plain ASCII text with single spaces.
    pub fn is_noop(&self, text: &str) -> bool {
        self.first_change(text) == text.len()
    }

    /// The length of the prefix of `text` that normalisation leaves as it
    /// is (a lower bound, on a char boundary): `text.len()` for the fast
    /// path.
    pub fn first_change(&self, text: &str) -> usize {
        if self.lowercase {
            return 0;
        }
        next_special(text.as_bytes(), 0)
    }

    /// Normalises an alias: the same rules as text, trimmed.
    pub fn alias(&self, alias: &str) -> String {
        let mut out = String::new();
        self.alias_into(alias, &mut out);
        out
    }

    /// Writes the normalised alias into `out` (cleared first).
    pub fn alias_into(&self, alias: &str, out: &mut String) {
        out.clear();
        let alias = alias.trim();
        if self.is_noop(alias) {
            // Plain ASCII with single spaces, already trimmed: most aliases.
            out.push_str(alias);
            return;
        }
        let mut map = OffsetMap::default();
        self.text_into(alias, out, &mut map);
        let trimmed = out.trim();
        if trimmed.len() != out.len() {
            *out = trimmed.to_string();
        }
    }

    /// Writes the normalised form of `text` into `out` and the offset map
    /// into `map` (both cleared first).
    pub fn text_into(&self, text: &str, out: &mut String, map: &mut OffsetMap) {
        self.text_into_after(text, 0, out, map);
    }

    /// [`Normalizer::text_into`] for a text whose first `plain` bytes are
    /// known to come out unchanged (as found by [`Normalizer::first_change`]),
    /// so that they are copied without being scanned again.
    pub fn text_into_after(&self, text: &str, plain: usize, out: &mut String, map: &mut OffsetMap) {
        self.copy_into(text, plain, Specials::new(text, plain), out, map);
    }

    /// For a text whose first `plain` bytes come out unchanged (as found by
    /// [`Normalizer::first_change`]): true when the rest is ASCII and the
    /// only bytes normalisation changes are runs of spaces, tabs and line
    /// breaks, and `keep(run)` is true for the first byte of each run
    /// (called in order, until it is false or another byte to change turns
    /// up). A vertical tab or form feed answers false.
    pub fn changes_only_whitespace_runs(
        &self,
        text: &str,
        plain: usize,
        mut keep: impl FnMut(usize) -> bool,
    ) -> bool {
        if self.lowercase {
            return false;
        }
        // Every byte before `plain` is ASCII (a non-ASCII byte may change).
        let bytes = text.as_bytes();
        // Runs of these only: the URL check does not take a vertical tab
        // for whitespace, and such text is rare enough to take the copy.
        let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
        let mut i = plain;
        loop {
            // The first byte of a run: a line break or tab, or the space
            // before more whitespace (a lone space is not special).
            let run = next_special(bytes, i);
            if run == bytes.len() {
                return true;
            }
            if !is_space(bytes[run]) || !keep(run) {
                return false;
            }
            i = run + 1;
            while i < bytes.len() && is_space(bytes[i]) {
                i += 1;
            }
        }
    }

    /// [`Normalizer::text_into_after`] with the search for the bytes to
    /// change already set up (for any start at or before `plain`).
    fn copy_into(
        &self,
        text: &str,
        plain: usize,
        mut specials: Specials<'_>,
        out: &mut String,
        map: &mut OffsetMap,
    ) {
        out.clear();
        map.clear();
        out.reserve(text.len());
        let bytes = text.as_bytes();
        out.push_str(&text[..plain]);
        let mut i = plain;
        while i < bytes.len() {
            if !self.lowercase {
                // Copy everything up to the next byte that may change: the
                // common case.
                let next = specials.next(i);
                out.push_str(&text[i..next]);
                i = next;
                if i == bytes.len() {
                    break;
                }
            }
            let b = bytes[i];
            // ASCII letters, digits and punctuation.
            if b < 0x80 && b > b' ' && !(self.lowercase && b.is_ascii_uppercase()) {
                let run_start = i;
                while i < bytes.len()
                    && bytes[i] < 0x80
                    && bytes[i] > b' '
                    && !(self.lowercase && bytes[i].is_ascii_uppercase())
                {
                    i += 1;
                }
                out.push_str(&text[run_start..i]);
                continue;
            }
            let c = text[i..].chars().next().expect("i is on a char boundary");
            let len = c.len_utf8();
            match self.replacement(c) {
                Replacement::Keep => {
                    out.push(c);
                    i += len;
                }
                Replacement::Space => {
                    let mut end = i + len;
                    for next in text[end..].chars() {
                        if next.is_whitespace() {
                            end += next.len_utf8();
                        } else {
                            break;
                        }
                    }
                    self.replace(out, map, i, end, &[' ']);
                    i = end;
                }
                Replacement::Drop => {
                    self.replace(out, map, i, i + len, &[]);
                    i += len;
                }
                Replacement::Char(r) => {
                    self.replace(out, map, i, i + len, &[r]);
                    i += len;
                }
                Replacement::Chars(chars) => {
                    self.replace(out, map, i, i + len, chars.as_slice());
                    i += len;
                }
            }
        }
    }

    /// Emits `with` for the original bytes `start..end`, recording anchors
    /// only when the byte lengths differ.
    fn replace(
        &self,
        out: &mut String,
        map: &mut OffsetMap,
        start: usize,
        end: usize,
        with: &[char],
    ) {
        let norm_start = out.len();
        with.iter().for_each(|&c| out.push(c));
        let norm_len = out.len() - norm_start;
        if norm_len == end - start {
            return;
        }
        if norm_len > 0 {
            map.push(Anchor {
                norm: norm_start,
                orig: start,
                unit_end: Some(end),
            });
        }
        map.push(Anchor {
            norm: out.len(),
            orig: end,
            unit_end: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalise(n: Normalizer, text: &str) -> (String, OffsetMap) {
        let mut out = String::new();
        let mut map = OffsetMap::default();
        n.text_into(text, &mut out, &mut map);
        (out, map)
    }

    #[test]
    fn whitespace_runs_become_one_space_and_map_back() {
        let text = "Xi\n\t Jinping said";
        let (norm, map) = normalise(Normalizer::default(), text);
        assert_eq!(norm, "Xi Jinping said");
        let s = norm.find("Jinping").unwrap();
        assert_eq!(&text[map.start(s)..map.end(s + 7)], "Jinping");
        assert_eq!(&text[map.start(0)..map.end(10)], "Xi\n\t Jinping");
    }

    #[test]
    fn single_newline_keeps_offsets() {
        let (norm, map) = normalise(Normalizer::default(), "a\nb");
        assert_eq!(norm, "a b");
        assert!(map.is_identity());
    }

    #[test]
    fn curly_quotes_dashes_and_dropped_characters() {
        let text = "Russia\u{2019}s \u{201C}war\u{201D} Russia\u{2013}Ukraine Kazakh\u{AD}stan";
        let (norm, map) = normalise(Normalizer::default(), text);
        assert_eq!(norm, "Russia's \"war\" Russia-Ukraine Kazakhstan");
        let s = norm.find("Kazakhstan").unwrap();
        assert_eq!(&text[map.start(s)..map.end(s + 10)], "Kazakh\u{AD}stan");
        let s = norm.find("Ukraine").unwrap();
        assert_eq!(&text[map.start(s)..map.end(s + 7)], "Ukraine");
        let s = norm.find("Russia's").unwrap();
        assert_eq!(&text[map.start(s)..map.end(s + 6)], "Russia");
    }

    #[test]
    fn dropped_character_after_a_word_is_not_part_of_it() {
        let text = "Astana\u{200B} talks";
        let (norm, map) = normalise(Normalizer::default(), text);
        assert_eq!(norm, "Astana talks");
        assert_eq!(map.end(6), 6);
        assert_eq!(map.start(7), 10);
    }

    #[test]
    fn turkish_dotted_capital_i_becomes_i() {
        let (norm, _) = normalise(Normalizer::default(), "TÜRKİYE");
        assert_eq!(norm, "TÜRKIYE");
        assert_eq!(norm, "Türkiye".to_uppercase());
    }

    #[test]
    fn diacritic_folding() {
        let n = Normalizer {
            fold_diacritics: true,
            lowercase: false,
        };
        let text = "Türkiye Erdoğan Łódź TÜRKİYE";
        let (norm, map) = normalise(n, text);
        assert_eq!(norm, "Turkiye Erdogan Lodz TURKIYE");
        let s = norm.find("Erdogan").unwrap();
        assert_eq!(&text[map.start(s)..map.end(s + 7)], "Erdoğan");
        let s = norm.find("TURKIYE").unwrap();
        assert_eq!(&text[map.start(s)..map.end(s + 7)], "TÜRKİYE");
    }

    #[test]
    fn lowercasing() {
        let n = Normalizer {
            fold_diacritics: false,
            lowercase: true,
        };
        let (norm, _) = normalise(n, "KAZAKHSTAN and Türkiye");
        assert_eq!(norm, "kazakhstan and türkiye");
    }

    /// The byte-by-byte definition that `next_special` speeds up.
    fn next_special_reference(bytes: &[u8], from: usize) -> usize {
        (from..bytes.len())
            .find(|&i| {
                let b = bytes[i];
                let space = |c: char| c.is_ascii() && c.is_whitespace();
                b >= 0x80
                    || (b != b' ' && space(char::from(b)))
                    || (b == b' '
                        && bytes
                            .get(i + 1)
                            .is_some_and(|&n| n >= 0x80 || space(char::from(n))))
            })
            .unwrap_or(bytes.len())
    }

    /// `next_special_near`'s definition: also every ASCII control
    /// character, and a space before one.
    fn next_special_near_reference(bytes: &[u8], from: usize) -> usize {
        (from..bytes.len())
            .find(|&i| {
                let b = bytes[i];
                !(0x20..0x80).contains(&b)
                    || (b == b' ' && bytes.get(i + 1).is_some_and(|&n| n <= b' ' || n >= 0x80))
            })
            .unwrap_or(bytes.len())
    }

    proptest::proptest! {
        #[test]
        fn next_special_near_matches_its_definition_and_is_never_late(
            text in "[a-c \\n\\t\u{1}\u{7f}é’]{0,40}",
            from in 0usize..40,
        ) {
            let bytes = text.as_bytes();
            let from = (0..=from.min(bytes.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap();
            let near = next_special_near(bytes, from);
            proptest::prop_assert_eq!(near, next_special_near_reference(bytes, from));
            proptest::prop_assert!(near <= next_special(bytes, from));
        }

        #[test]
        fn next_special_matches_its_definition(
            text in "[a-c \\n\\t\u{1}\u{7f}é’]{0,100}",
            from in 0usize..100,
        ) {
            let bytes = text.as_bytes();
            let from = (0..=from.min(bytes.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap();
            proptest::prop_assert_eq!(next_special(bytes, from), next_special_reference(bytes, from));
        }

        #[test]
        fn next_special_finds_a_late_byte(
            plain in "[a-z.]{0,3}( {1,2}[a-z.]{1,3}){0,30}",
            special in "[\n\t\r\u{1}\u{7f}é’\u{A0}]| [ \n\u{A0}]",
            rest in "[a-z \n]{0,10}",
        ) {
            let text = format!("{plain}{special}{rest}");
            let bytes = text.as_bytes();
            for from in (0..=bytes.len()).filter(|&i| text.is_char_boundary(i)) {
                proptest::prop_assert_eq!(next_special(bytes, from), next_special_reference(bytes, from));
            }
        }

        #[test]
        fn fast_copy_keeps_the_normalised_text_and_map(text in "[a-c \\n\\t\u{A0}é’\u{AD}-]{0,40}") {
            let (norm, map) = normalise(Normalizer::default(), &text);
            let lower = Normalizer { fold_diacritics: false, lowercase: true };
            // Lower-casing takes the byte-by-byte path; on lower-case text
            // both paths must agree.
            let (slow, slow_map) = normalise(lower, &text);
            proptest::prop_assert_eq!(&norm, &slow);
            proptest::prop_assert_eq!(&map.anchors, &slow_map.anchors);
        }
    }

    proptest::proptest! {
        #[test]
        fn ascii_searches_keep_the_normalised_text_and_map(
            text in "[a-c \n\t\r\u{1}\u{b}\u{c}\u{1f}.]{0,60}",
        ) {
            // ASCII text takes the vectorised searches (unless it has a
            // vertical tab or form feed); lower-casing, the byte-by-byte path.
            let (norm, map) = normalise(Normalizer::default(), &text);
            let lower = Normalizer { fold_diacritics: false, lowercase: true };
            let (slow, slow_map) = normalise(lower, &text);
            proptest::prop_assert_eq!(&norm, &slow);
            proptest::prop_assert_eq!(&map.anchors, &slow_map.anchors);
            let plain = Normalizer::default().first_change(&text);
            proptest::prop_assert!(norm.as_bytes().starts_with(&text.as_bytes()[..plain]));
            proptest::prop_assert_eq!(plain == text.len(), norm == text);
        }
    }

    #[test]
    fn known_plain_prefix_is_copied() {
        let n = Normalizer::default();
        for text in ["Xi  Jinping and  Putin", "plain", "a\n\nb’s", ""] {
            let (expected, expected_map) = normalise(n, text);
            let (mut out, mut map) = (String::new(), OffsetMap::default());
            n.text_into_after(text, n.first_change(text), &mut out, &mut map);
            assert_eq!(out, expected);
            for p in 0..=out.len() {
                assert_eq!(map.start(p), expected_map.start(p));
                assert_eq!(map.end(p), expected_map.end(p));
            }
        }
    }

    #[test]
    fn first_change_and_copy_normalise_or_report_the_fast_path() {
        for n in [
            Normalizer::default(),
            Normalizer {
                fold_diacritics: true,
                lowercase: false,
            },
            Normalizer {
                fold_diacritics: false,
                lowercase: true,
            },
        ] {
            for text in [
                "Xi  Jinping and  Putin",
                "plain",
                "a\n\nb’s",
                "",
                "Türkiye",
                "A\tB",
            ] {
                let (expected, expected_map) = normalise(n, text);
                let plain = n.first_change(text);
                if plain == text.len() {
                    assert_eq!(expected, text, "{text:?} changes");
                    assert!(n.is_noop(text));
                } else {
                    let (mut out, mut map) = ("untouched".to_string(), OffsetMap::default());
                    n.text_into_after(text, plain, &mut out, &mut map);
                    assert_eq!(out, expected, "{text:?}");
                    assert_eq!(map.anchors, expected_map.anchors, "{text:?}");
                }
            }
        }
    }

    #[test]
    fn whitespace_runs_alone_are_reported_run_by_run() {
        let runs = |n: Normalizer, text: &str| {
            let mut seen = Vec::new();
            let only = n.changes_only_whitespace_runs(text, n.first_change(text), |run| {
                seen.push(run);
                true
            });
            (only, seen)
        };
        let n = Normalizer::default();
        assert_eq!(runs(n, "a\n\nb  c \td\r\ne"), (true, vec![1, 4, 7, 10]));
        assert_eq!(runs(n, "plain text"), (true, vec![]));
        assert_eq!(runs(n, "a\nb’s"), (false, vec![1]));
        assert_eq!(runs(n, "a\nb\x0Bc"), (false, vec![1]));
        assert_eq!(runs(n, "a\n\x0Bb"), (false, vec![1]));
        assert_eq!(runs(n, "’a\nb"), (false, vec![]));
        let lower = Normalizer {
            fold_diacritics: false,
            lowercase: true,
        };
        assert_eq!(runs(lower, "a\nb"), (false, vec![]));
        // A run `keep` refuses ends the walk.
        let (mut calls, n) = (0, Normalizer::default());
        assert!(!n.changes_only_whitespace_runs("a\nb\nc", 0, |_| {
            calls += 1;
            false
        }));
        assert_eq!(calls, 1);
    }

    #[test]
    fn noop_detection() {
        let n = Normalizer::default();
        assert!(n.is_noop("Plain ASCII text. Two sentences."));
        assert!(!n.is_noop("Two  spaces"));
        assert!(!n.is_noop("line\nbreak"));
        assert!(!n.is_noop("Türkiye"));
        assert!(n.is_noop("Exactly nine"));
        assert!(!n.is_noop("Exactly  nine bytes, twice over"));
        assert!(!n.is_noop("Eight by \ttabs"));
        assert!(!n.is_noop("Ends with a space then a line break \n"));
    }

    #[test]
    fn alias_normalisation_trims_and_collapses() {
        let n = Normalizer::default();
        assert_eq!(n.alias("  Xi \u{A0} Jinping "), "Xi Jinping");
        assert_eq!(n.alias("Côte d\u{2019}Ivoire"), "Côte d'Ivoire");
    }
}
