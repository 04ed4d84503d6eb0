//! Sentence and paragraph segmentation for news English, as byte spans of
//! the original text, so that mentions can be numbered by sentence and
//! paragraph.
//!
//! One pass over the text with a few bytes of look-behind and look-ahead at
//! each `.`, `?`, `!`, `…` and line break (found with vectorised `memchr`
//! searches, so the bytes in between cost little); no regular expressions
//! and no allocation besides the result. The rules:
//!
//! - A paragraph break (a line break, optional blanks, another line break;
//!   or U+2029) always ends a sentence. A single line break does not.
//! - `?`, `!`, `…` and `.` (and runs of them, like `?!` or `...`),
//!   followed by any closing quotes or brackets and then whitespace, end a
//!   sentence unless the next word starts with a lower-case letter
//!   (`"Why?" he asked.` is one sentence).
//! - A single `.` after a known abbreviation needs more evidence:
//!   - never a sentence end after a title or Latin abbreviation: `Mr.`,
//!     `Mrs.`, `Dr.`, `Prof.`, `Gen.`, `Sen.`, `Rep.`, `Gov.`, `St.`, `e.g.`,
//!     `i.e.`, `vs.` …;
//!   - no end before a number after `No.`, `Art.`, `Vol.`, `pp.` …;
//!   - after an abbreviation that also ends sentences (initials `F.`,
//!     dotted `U.S.`, `U.K.`, `a.m.`, and `Inc.`, `Jr.`, months `Jan.` …
//!     `Dec.`), the sentence ends only if the next word is a common
//!     sentence opener (`The`, `He`, `But`, `In` …): `U.S. President` and
//!     `Nov. 29` stay together, `in the U.S. The talks` splits.
//! - A `.` inside a token (`3.5%`, `U.S.-led`, `example.com`) never ends a
//!   sentence, and neither does the number of a numbered list line (`1.`).
//!
//! Spans are trimmed of whitespace (Unicode `White_Space`) and together
//! cover every non-whitespace character exactly once, in order. What counts
//! as a mention's sentence is left to the tagger ([`index_of`]).

/// A byte range `[start, end)` of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// Splits `text` into sentences (see the module doc for the rules).
///
/// ```
/// use comention::corpus::segment::sentences;
/// let text = "Mr. Smith met U.S. officials on Nov. 29. \"It went well.\" The end.";
/// let s: Vec<&str> = sentences(text).iter().map(|s| &text[s.start..s.end]).collect();
/// assert_eq!(s, ["Mr. Smith met U.S. officials on Nov. 29.", "\"It went well.\"", "The end."]);
/// ```
pub fn sentences(text: &str) -> Vec<Span> {
    sentences_until(text, usize::MAX)
}

/// The sentences of `text` that start at or before byte `offset` (the
/// first spans of [`sentences`]), scanning no further than needed: enough
/// to number mentions that start at or before `offset`.
///
/// ```
/// use comention::corpus::segment::{sentences, sentences_until};
/// let text = "One. Two. Three. Four.";
/// assert_eq!(sentences_until(text, 6), sentences(text)[..2]);
/// assert_eq!(sentences_until(text, usize::MAX), sentences(text));
/// ```
pub fn sentences_until(text: &str, offset: usize) -> Vec<Span> {
    let mut spans = Vec::with_capacity(offset.min(text.len()) / 100 + 1);
    scan_sentences(text, offset, |s| {
        if s.start <= offset {
            spans.push(s);
        }
    });
    spans
}

/// The number of sentences of `text` (`sentences(text).len()`, without the
/// spans).
///
/// ```
/// assert_eq!(comention::corpus::segment::sentence_count("Hi. Mr. Li came."), 2);
/// ```
pub fn sentence_count(text: &str) -> usize {
    let mut n = 0;
    scan_sentences(text, usize::MAX, |_| n += 1);
    n
}

/// Feeds the sentences of `text` to `f` in order, and stops once no later
/// sentence can start at or before `limit` (`usize::MAX`: the whole text).
fn scan_sentences(text: &str, limit: usize, mut f: impl FnMut(Span)) {
    let b = text.as_bytes();
    let mut candidates = Candidates::new(b);
    let mut seg = 0;
    let mut i = 0;
    while let Some(at) = candidates.next(i) {
        i = at;
        match b[i] {
            b'\n' => {
                if let Some(next) = blank_line_end(text, i) {
                    push_trimmed(text, seg, i, &mut f);
                    seg = next;
                    i = next;
                    if seg > limit {
                        return;
                    }
                    continue;
                }
            }
            0xE2 if b[i + 1..].starts_with(PARAGRAPH_SEPARATOR) => {
                push_trimmed(text, seg, i, &mut f);
                seg = i + 3;
                i += 3;
                if seg > limit {
                    return;
                }
                continue;
            }
            0xE2 if !b[i + 1..].starts_with(ELLIPSIS) => {}
            _ => match sentence_end(text, seg, i) {
                Ok(end) => {
                    push_trimmed(text, seg, end, &mut f);
                    seg = end;
                    i = end;
                    if seg > limit {
                        return;
                    }
                    continue;
                }
                Err(resume) => {
                    i = resume;
                    continue;
                }
            },
        }
        i += 1;
    }
    push_trimmed(text, seg, b.len(), &mut f);
}

/// The positions of the bytes that may end a sentence or paragraph (`.`,
/// `?`, `!`, line feed, and 0xE2, the lead byte of `…` and U+2029), found
/// with two vectorised `memchr` searches whose next hits are cached.
struct Candidates<'t> {
    bytes: &'t [u8],
    /// Next `.`, line feed or 0xE2 at or after the last search start
    /// (`usize::MAX`: none).
    common: usize,
    /// Next `?` or `!`.
    rare: usize,
}

impl<'t> Candidates<'t> {
    fn new(bytes: &'t [u8]) -> Self {
        let mut c = Candidates {
            bytes,
            common: 0,
            rare: 0,
        };
        c.common = c.find_common(0);
        c.rare = c.find_rare(0);
        c
    }

    fn find_common(&self, from: usize) -> usize {
        self.bytes
            .get(from..)
            .and_then(|rest| memchr::memchr3(b'.', b'\n', 0xE2, rest))
            .map_or(usize::MAX, |at| from + at)
    }

    fn find_rare(&self, from: usize) -> usize {
        self.bytes
            .get(from..)
            .and_then(|rest| memchr::memchr2(b'?', b'!', rest))
            .map_or(usize::MAX, |at| from + at)
    }

    /// The first candidate at or after `from`.
    fn next(&mut self, from: usize) -> Option<usize> {
        if self.common < from {
            self.common = self.find_common(from);
        }
        if self.rare < from {
            self.rare = self.find_rare(from);
        }
        let at = self.common.min(self.rare);
        (at != usize::MAX).then_some(at)
    }
}

/// Splits `text` into paragraphs: blank-line (or U+2029) separated, trimmed.
///
/// ```
/// use comention::corpus::segment::paragraphs;
/// let text = "One.\nStill one.\n \t\r\nTwo.";
/// let p: Vec<&str> = paragraphs(text).iter().map(|s| &text[s.start..s.end]).collect();
/// assert_eq!(p, ["One.\nStill one.", "Two."]);
/// ```
pub fn paragraphs(text: &str) -> Vec<Span> {
    paragraphs_until(text, usize::MAX)
}

/// The paragraphs of `text` that start at or before byte `offset` (the
/// first spans of [`paragraphs`]), scanning no further than needed.
///
/// ```
/// use comention::corpus::segment::{paragraphs, paragraphs_until};
/// let text = "One.\n\nTwo.\n\nThree.";
/// assert_eq!(paragraphs_until(text, 0), paragraphs(text)[..1]);
/// ```
pub fn paragraphs_until(text: &str, offset: usize) -> Vec<Span> {
    let mut spans = Vec::new();
    scan_paragraphs(text, offset, |s| {
        if s.start <= offset {
            spans.push(s);
        }
    });
    spans
}

/// The number of paragraphs of `text` (`paragraphs(text).len()`).
///
/// ```
/// assert_eq!(comention::corpus::segment::paragraph_count("A.\n\nB.\n"), 2);
/// ```
pub fn paragraph_count(text: &str) -> usize {
    let mut n = 0;
    scan_paragraphs(text, usize::MAX, |_| n += 1);
    n
}

/// Feeds the paragraphs of `text` to `f`; stops as [`scan_sentences`] does.
fn scan_paragraphs(text: &str, limit: usize, mut f: impl FnMut(Span)) {
    let b = text.as_bytes();
    let mut seg = 0;
    let mut i = 0;
    while let Some(off) = memchr::memchr2(b'\n', 0xE2, &b[i..]) {
        i += off;
        if b[i] == b'\n' {
            if let Some(next) = blank_line_end(text, i) {
                push_trimmed(text, seg, i, &mut f);
                seg = next;
                i = next;
                if seg > limit {
                    return;
                }
                continue;
            }
        } else if b[i + 1..].starts_with(PARAGRAPH_SEPARATOR) {
            push_trimmed(text, seg, i, &mut f);
            seg = i + 3;
            i += 3;
            if seg > limit {
                return;
            }
            continue;
        }
        i += 1;
    }
    push_trimmed(text, seg, b.len(), &mut f);
}

/// The index of the span that contains `offset` (or, between spans, of the
/// next one; past the end, of the last one), in O(log n). Spans must be
/// sorted and non-overlapping, as [`sentences`] and [`paragraphs`] give.
///
/// ```
/// use comention::corpus::segment::{index_of, sentences};
/// let text = "Talks in Astana. Russia agreed.";
/// let s = sentences(text);
/// assert_eq!(index_of(&s, text.find("Astana").unwrap()), 0);
/// assert_eq!(index_of(&s, text.find("Russia").unwrap()), 1);
/// ```
pub fn index_of(spans: &[Span], offset: usize) -> u32 {
    let i = spans
        .partition_point(|s| s.end <= offset)
        .min(spans.len().saturating_sub(1));
    u32::try_from(i).expect("fewer than 2³² sentences in one document")
}

/// The bytes after 0xE2 in U+2026 HORIZONTAL ELLIPSIS.
const ELLIPSIS: &[u8] = &[0x80, 0xA6];
/// The bytes after 0xE2 in U+2029 PARAGRAPH SEPARATOR.
const PARAGRAPH_SEPARATOR: &[u8] = &[0x80, 0xA9];

/// Gives `text[start..end]` trimmed to `f`, if anything is left.
fn push_trimmed(text: &str, start: usize, end: usize, f: &mut impl FnMut(Span)) {
    // ASCII whitespace byte by byte (the usual single space or line break);
    // `str::trim_*` from the first non-ASCII byte on, for Unicode spaces.
    let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r');
    let b = text.as_bytes();
    let mut start = start;
    while start < end && is_space(b[start]) {
        start += 1;
    }
    if start < end && b[start] >= 0x80 {
        let s = &text[start..end];
        start += s.len() - s.trim_start().len();
    }
    let mut end = end;
    while end > start && is_space(b[end - 1]) {
        end -= 1;
    }
    if end > start && b[end - 1] >= 0x80 {
        end = start + text[start..end].trim_end().len();
    }
    if end > start {
        f(Span { start, end });
    }
}

/// If the line break at `i` is followed by blanks and another line break,
/// the position after that second break.
fn blank_line_end(text: &str, i: usize) -> Option<usize> {
    let mut j = i + 1;
    for c in text[j..].chars() {
        if c == '\n' || c == '\u{2029}' {
            return Some(j + c.len_utf8());
        }
        if !c.is_whitespace() {
            return None;
        }
        j += c.len_utf8();
    }
    None
}

/// Closing quotes and brackets that may follow the end of a sentence.
fn closer_len(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' | b'\'' | b')' | b']' | b'}' => Some(1),
        // ” ’ »
        0xE2 if b[i + 1..].starts_with(&[0x80, 0x9D]) || b[i + 1..].starts_with(&[0x80, 0x99]) => {
            Some(3)
        }
        0xC2 if b.get(i + 1) == Some(&0xBB) => Some(2),
        _ => None,
    }
}

/// Opening quotes and brackets that may start a sentence.
fn opener_len(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' | b'\'' | b'(' | b'[' | b'{' => Some(1),
        // “ ‘
        0xE2 if b[i + 1..].starts_with(&[0x80, 0x9C]) || b[i + 1..].starts_with(&[0x80, 0x98]) => {
            Some(3)
        }
        // « ¿ ¡
        0xC2 if matches!(b.get(i + 1), Some(0xAB | 0xBF | 0xA1)) => Some(2),
        _ => None,
    }
}

/// How a word followed by a single `.` behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// An ordinary word: the `.` ends the sentence unless lower case follows.
    Word,
    /// Never sentence-final (`Mr.`, `e.g.`).
    Never,
    /// Not final before a number (`No. 10`).
    BeforeNumber,
    /// Final only before a common sentence opener (`U.S.`, `Jr.`, `Jan.`, `F.`).
    Ambiguous,
}

/// Titles and Latin abbreviations (a `match`: a jump on the length, then
/// a few comparisons; this runs at every sentence end).
fn is_never(w: &str) -> bool {
    matches!(
        w,
        "Mr" | "Mrs"
            | "Ms"
            | "Mx"
            | "Messrs"
            | "Mmes"
            | "Mme"
            | "Mlle"
            | "Dr"
            | "Drs"
            | "Prof"
            | "Profs"
            | "Gen"
            | "Gens"
            | "Sen"
            | "Sens"
            | "Rep"
            | "Reps"
            | "Gov"
            | "Govs"
            | "Pres"
            | "St"
            | "Ste"
            | "Lt"
            | "Col"
            | "Capt"
            | "Cpt"
            | "Cmdr"
            | "Cdr"
            | "Sgt"
            | "Cpl"
            | "Pvt"
            | "Maj"
            | "Adm"
            | "Brig"
            | "Rev"
            | "Hon"
            | "Rt"
            | "Fr"
            | "Supt"
            | "Insp"
            | "Det"
            | "Atty"
            | "Amb"
            | "Mt"
            | "Ft"
            | "vs"
            | "v"
            | "cf"
            | "viz"
            | "approx"
            | "ca"
            | "e.g"
            | "i.e"
            | "Gov.-elect"
    )
}

/// Abbreviations followed by a number.
fn is_before_number(w: &str) -> bool {
    matches!(
        w,
        "No" | "Nos"
            | "no"
            | "nos"
            | "Art"
            | "Arts"
            | "art"
            | "Vol"
            | "Vols"
            | "vol"
            | "pp"
            | "p"
            | "Fig"
            | "fig"
            | "Figs"
            | "Sec"
            | "sec"
            | "Ch"
            | "ch"
            | "Para"
            | "para"
            | "Nr"
            | "nr"
            | "Tel"
            | "tel"
            | "Ed"
            | "ed"
    )
}

/// Abbreviations that also end sentences.
fn is_ambiguous(w: &str) -> bool {
    matches!(
        w,
        "Jan"
            | "Feb"
            | "Mar"
            | "Apr"
            | "Jun"
            | "Jul"
            | "Aug"
            | "Sep"
            | "Sept"
            | "Oct"
            | "Nov"
            | "Dec"
            | "Mon"
            | "Tue"
            | "Tues"
            | "Wed"
            | "Thu"
            | "Thur"
            | "Thurs"
            | "Fri"
            | "Sat"
            | "Sun"
            | "Inc"
            | "Corp"
            | "Co"
            | "Cos"
            | "Ltd"
            | "Plc"
            | "Bros"
            | "Jr"
            | "Sr"
            | "Esq"
            | "Dept"
            | "Univ"
            | "Assn"
            | "Ave"
            | "Blvd"
            | "Rd"
            | "Sq"
            | "al"
    )
}

/// Words that commonly open a sentence; after an ambiguous abbreviation
/// only these make the `.` a sentence end.
const OPENERS: &[&str] = &[
    "A",
    "About",
    "According",
    "After",
    "Again",
    "All",
    "Also",
    "Although",
    "An",
    "Analysts",
    "And",
    "Another",
    "Any",
    "As",
    "Asked",
    "At",
    "Because",
    "Before",
    "Both",
    "But",
    "By",
    "Critics",
    "Despite",
    "During",
    "Each",
    "Earlier",
    "Elsewhere",
    "Even",
    "Experts",
    "For",
    "From",
    "He",
    "Her",
    "Here",
    "His",
    "How",
    "However",
    "I",
    "If",
    "In",
    "Instead",
    "It",
    "Its",
    "Last",
    "Later",
    "Many",
    "Meanwhile",
    "More",
    "Most",
    "My",
    "Neither",
    "No",
    "Nor",
    "Not",
    "Now",
    "Officials",
    "On",
    "One",
    "Only",
    "Or",
    "Other",
    "Our",
    "Over",
    "Overall",
    "Separately",
    "She",
    "Since",
    "So",
    "Some",
    "Still",
    "Such",
    "That",
    "The",
    "Their",
    "Then",
    "There",
    "These",
    "They",
    "This",
    "Those",
    "Though",
    "Thus",
    "To",
    "Today",
    "Under",
    "Until",
    "We",
    "What",
    "When",
    "Where",
    "While",
    "Who",
    "Why",
    "With",
    "Without",
    "Yesterday",
    "Yet",
    "You",
];

/// `U.S`, `a.m`, `Ph.D`: letter groups of one or two, joined by dots.
fn is_dotted(w: &str) -> bool {
    w.contains('.')
        && w.split('.').all(|part| {
            (1..=2).contains(&part.len()) && part.bytes().all(|c| c.is_ascii_alphabetic())
        })
}

fn classify(w: &str, is_first_token: bool) -> Kind {
    if w.is_empty() {
        Kind::Word
    } else if is_never(w) {
        Kind::Never
    } else if is_before_number(w) {
        Kind::BeforeNumber
    } else if is_ambiguous(w)
        || is_dotted(w)
        || (w.len() == 1 && w.as_bytes()[0].is_ascii_uppercase())
    {
        // Abbreviations that also end sentences, dotted ones, and initials.
        Kind::Ambiguous
    } else if is_first_token && w.len() <= 2 && w.bytes().all(|c| c.is_ascii_digit()) {
        Kind::Never // "1. Introduction"
    } else {
        Kind::Word
    }
}

fn is_terminator(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'.' | b'?' | b'!' => Some(1),
        0xE2 if b[i + 1..].starts_with(ELLIPSIS) => Some(3),
        _ => None,
    }
}

/// Decides whether the terminator at `i` ends the sentence that started at
/// `seg`: `Ok(end)` with the end after any closers, or `Err(resume)` with
/// where to continue scanning.
fn sentence_end(text: &str, seg: usize, i: usize) -> Result<usize, usize> {
    let b = text.as_bytes();
    let mut j = i;
    let mut count = 0;
    while let Some(n) = is_terminator(b, j) {
        j += n;
        count += 1;
    }
    let resume = j;
    let single_period = count == 1 && b[i] == b'.';
    while let Some(n) = closer_len(b, j) {
        j += n;
    }
    let end = j;
    // A terminator must be followed by whitespace ("3.5", "U.S.-led").
    let Some(after) = text[end..].chars().next() else {
        return Err(resume); // the end of the text ends the sentence anyway
    };
    if !after.is_whitespace() {
        return Err(resume);
    }
    let Some(ws) = text[end..].find(|c: char| !c.is_whitespace()) else {
        return Err(resume);
    };
    let mut k = end + ws;
    while let Some(n) = opener_len(b, k) {
        k += n;
    }
    let Some(next) = text[k..].chars().next() else {
        return Ok(end);
    };
    if next.is_lowercase() {
        return Err(resume);
    }
    if !single_period {
        return Ok(end);
    }
    let kind = match word_before(text, seg, i) {
        Some((w, is_first)) => classify(w, is_first),
        None => Kind::Word,
    };
    let breaks = match kind {
        Kind::Word => true,
        Kind::Never => false,
        Kind::BeforeNumber => !next.is_ascii_digit(),
        Kind::Ambiguous => {
            let word_len = b[k..]
                .iter()
                .take_while(|c| c.is_ascii_alphabetic())
                .count();
            let word = &text[k..k + word_len];
            let is_initial = word_len == 1 && b.get(k + 1) == Some(&b'.');
            OPENERS.contains(&word) && !is_initial
        }
    };
    if breaks {
        Ok(end)
    } else {
        Err(resume)
    }
}

/// The word just before the `.` at `i` (without quotes or brackets), and
/// whether it is the first word of its sentence or line. `None` if it is too long
/// to be an abbreviation.
fn word_before(text: &str, seg: usize, i: usize) -> Option<(&str, bool)> {
    const MAX: usize = 32;
    let b = text.as_bytes();
    let mut s = i;
    while s > seg && !b[s - 1].is_ascii_whitespace() {
        if i - s >= MAX {
            return None;
        }
        s -= 1;
    }
    // First on its line (or in the sentence): a list number like "2.".
    // Only the blanks just before the word are looked at, so that a long
    // sentence full of abbreviations stays linear.
    let mut p = s;
    while p > seg && matches!(b[p - 1], b' ' | b'\t' | b'\r') {
        p -= 1;
    }
    let is_first = p == seg || b[p - 1] == b'\n';
    let mut w = &text[s..i];
    loop {
        let wb = w.as_bytes();
        if let Some(n) = opener_len(wb, 0) {
            w = &w[n..];
        } else {
            break;
        }
    }
    loop {
        let trimmed = w.strip_suffix([')', ']', '"', '\'', '’', '”']).unwrap_or(w);
        if trimmed.len() == w.len() {
            break;
        }
        w = trimmed;
    }
    Some((w, is_first))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text)
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect()
    }

    macro_rules! case {
        ($name:ident, $text:expr, [$($s:expr),* $(,)?]) => {
            #[test]
            fn $name() {
                let expected: Vec<&str> = vec![$($s),*];
                assert_eq!(split($text), expected);
            }
        };
    }

    case!(empty, "", []);
    case!(blank, " \n\t \n ", []);
    case!(one_without_period, "Talks in Astana", ["Talks in Astana"]);
    case!(
        two_plain,
        "Talks began. They ended.",
        ["Talks began.", "They ended."]
    );
    case!(
        trimmed,
        "  Talks began.   They ended.  \n",
        ["Talks began.", "They ended."]
    );
    case!(
        question_and_bang,
        "Why now? Because! It matters.",
        ["Why now?", "Because!", "It matters."]
    );
    case!(interrobang_run, "Really?! Yes.", ["Really?!", "Yes."]);
    case!(
        question_in_quotes_then_lower,
        "\"Why?\" he asked. Nobody knew.",
        ["\"Why?\" he asked.", "Nobody knew."]
    );
    case!(
        quote_after_period,
        "He said: \"We will go.\" The next day they went.",
        ["He said: \"We will go.\"", "The next day they went."]
    );
    case!(
        curly_quote_after_period,
        "He said: “We will go.” The next day they went.",
        ["He said: “We will go.”", "The next day they went."]
    );
    case!(
        single_curly_quote,
        "It was ‘final.’ Then it was not.",
        ["It was ‘final.’", "Then it was not."]
    );
    case!(
        bracket_after_period,
        "(This was new.) The old one stays.",
        ["(This was new.)", "The old one stays."]
    );
    case!(
        opening_quote_starts_next,
        "Talks ended. \"We are done,\" he said.",
        ["Talks ended.", "\"We are done,\" he said."]
    );
    case!(
        opening_curly_quote_starts_next,
        "Talks ended. “We are done,” he said.",
        ["Talks ended.", "“We are done,” he said."]
    );
    case!(
        lowercase_after_period_continues,
        "The deal was worth $3 bn. the company said.",
        ["The deal was worth $3 bn. the company said."]
    );
    case!(
        titles,
        "Mr. Smith, Mrs. May, Ms. Lee, Dr. Jones and Prof. Li met Gen. Milley.",
        ["Mr. Smith, Mrs. May, Ms. Lee, Dr. Jones and Prof. Li met Gen. Milley."]
    );
    case!(
        politicians,
        "Sen. Warren, Rep. Pelosi and Gov. Newsom spoke. Others did not.",
        [
            "Sen. Warren, Rep. Pelosi and Gov. Newsom spoke.",
            "Others did not."
        ]
    );
    case!(
        saint,
        "He flew to St. Petersburg. Then home.",
        ["He flew to St. Petersburg.", "Then home."]
    );
    case!(
        junior_mid,
        "Martin Luther King Jr. said so. Later he left.",
        ["Martin Luther King Jr. said so.", "Later he left."]
    );
    case!(
        junior_name_continues,
        "Martin Luther King Jr. Day is a holiday.",
        ["Martin Luther King Jr. Day is a holiday."]
    );
    case!(
        junior_final,
        "It was Martin Luther King Jr. The crowd cheered.",
        ["It was Martin Luther King Jr.", "The crowd cheered."]
    );
    case!(
        us_before_name,
        "U.S. President Joe Biden arrived.",
        ["U.S. President Joe Biden arrived."]
    );
    case!(
        us_lowercase_after,
        "The U.S. officials said no.",
        ["The U.S. officials said no."]
    );
    case!(
        us_sentence_final,
        "Troops left the U.S. The base closed.",
        ["Troops left the U.S.", "The base closed."]
    );
    case!(
        us_final_then_he,
        "He returned to the U.S. He was tired.",
        ["He returned to the U.S.", "He was tired."]
    );
    case!(
        uk_un_eu,
        "The U.K., the U.N. Security Council and the E.U. Commission met.",
        ["The U.K., the U.N. Security Council and the E.U. Commission met."]
    );
    case!(
        eu_final,
        "Kazakhstan is not in the E.U. It trades with it.",
        ["Kazakhstan is not in the E.U.", "It trades with it."]
    );
    case!(
        us_led,
        "The U.S.-led talks ended. Next week more.",
        ["The U.S.-led talks ended.", "Next week more."]
    );
    case!(
        us_in_quotes_final,
        "He said \"the U.S.\" The crowd laughed.",
        ["He said \"the U.S.\"", "The crowd laughed."]
    );
    case!(
        am_pm_continue,
        "The talks began at 9 a.m. Moscow time and ended at 5 p.m. on Friday.",
        ["The talks began at 9 a.m. Moscow time and ended at 5 p.m. on Friday."]
    );
    case!(
        am_final,
        "They met at 9 a.m. The talks lasted hours.",
        ["They met at 9 a.m.", "The talks lasted hours."]
    );
    case!(
        eg_ie,
        "Some states, e.g. Russia, and others, i.e. China, agreed. Fine.",
        [
            "Some states, e.g. Russia, and others, i.e. China, agreed.",
            "Fine."
        ]
    );
    case!(
        eg_before_capital_never_ends,
        "Neighbours, e.g. Kazakhstan, objected.",
        ["Neighbours, e.g. Kazakhstan, objected."]
    );
    case!(
        etc_final,
        "Oil, gas, coal, etc. The list is long.",
        ["Oil, gas, coal, etc.", "The list is long."]
    );
    case!(
        etc_mid,
        "Oil, gas, etc. were discussed.",
        ["Oil, gas, etc. were discussed."]
    );
    case!(
        months,
        "On Nov. 29 and Jan. 6 they met. On Sept. 11 too.",
        ["On Nov. 29 and Jan. 6 they met.", "On Sept. 11 too."]
    );
    case!(
        month_final,
        "The summit is in Oct. The agenda is open.",
        ["The summit is in Oct.", "The agenda is open."]
    );
    case!(
        date_then_sentence,
        "They met on Jan. 6. The talks failed.",
        ["They met on Jan. 6.", "The talks failed."]
    );
    case!(
        initials,
        "John F. Kennedy and J. R. R. Tolkien and George W. Bush.",
        ["John F. Kennedy and J. R. R. Tolkien and George W. Bush."]
    );
    case!(
        initial_then_initial_a,
        "Written by J. A. Smith in 2020.",
        ["Written by J. A. Smith in 2020."]
    );
    case!(
        letter_final,
        "They chose Plan B. The rest failed.",
        ["They chose Plan B.", "The rest failed."]
    );
    case!(
        decimals,
        "Growth was 3.5% in 2023, down from 4.1 per cent. Inflation rose.",
        [
            "Growth was 3.5% in 2023, down from 4.1 per cent.",
            "Inflation rose."
        ]
    );
    case!(
        money,
        "It cost $1.2bn. Critics balked.",
        ["It cost $1.2bn.", "Critics balked."]
    );
    case!(
        number_then_sentence,
        "Output rose 5. Exports fell 2.",
        ["Output rose 5.", "Exports fell 2."]
    );
    case!(
        number_abbreviation,
        "He lives at No. 10 Downing Street. The door is black.",
        ["He lives at No. 10 Downing Street.", "The door is black."]
    );
    case!(
        no_at_end_is_a_word,
        "He said No. Then he left.",
        ["He said No.", "Then he left."]
    );
    case!(
        ellipsis_dots,
        "He paused... Then he spoke.",
        ["He paused...", "Then he spoke."]
    );
    case!(
        ellipsis_dots_mid,
        "The talks ... and the deal.",
        ["The talks ... and the deal."]
    );
    case!(
        ellipsis_char,
        "He paused… Then he spoke… and stopped.",
        ["He paused…", "Then he spoke… and stopped."]
    );
    case!(
        ellipsis_after_abbreviation,
        "Mr... Smith.",
        ["Mr...", "Smith."]
    );
    case!(
        url,
        "See example.com for more. Or not.",
        ["See example.com for more.", "Or not."]
    );
    case!(
        url_at_end,
        "Details at www.example.org. Later more.",
        ["Details at www.example.org.", "Later more."]
    );
    case!(
        single_line_break_inside,
        "Xi\nJinping met\nPutin. They spoke.",
        ["Xi\nJinping met\nPutin.", "They spoke."]
    );
    case!(
        headline_without_period,
        "Talks in Astana\n\nLeaders met today.",
        ["Talks in Astana", "Leaders met today."]
    );
    case!(
        paragraph_break_ends_after_abbreviation,
        "He moved to the U.S.\n\nThe next year.",
        ["He moved to the U.S.", "The next year."]
    );
    case!(
        paragraph_break_with_blanks,
        "One line\n \t \nTwo",
        ["One line", "Two"]
    );
    case!(
        paragraph_break_crlf,
        "First.\r\nSame.\r\n\r\nSecond",
        ["First.", "Same.", "Second"]
    );
    case!(
        crlf_single_break,
        "Xi\r\nJinping spoke",
        ["Xi\r\nJinping spoke"]
    );
    case!(paragraph_separator, "One\u{2029}Two", ["One", "Two"]);
    case!(
        numbered_list,
        "1. Introduction of the plan\n2. Results",
        ["1. Introduction of the plan\n2. Results"]
    );
    case!(
        period_after_closing_paren_word,
        "It was agreed (in Baku). The rest followed.",
        ["It was agreed (in Baku).", "The rest followed."]
    );
    case!(
        reuters_dateline,
        "MOSCOW (Reuters) - Russia said on Monday it would act. It did.",
        [
            "MOSCOW (Reuters) - Russia said on Monday it would act.",
            "It did."
        ]
    );
    case!(
        next_starts_with_digit,
        "Output fell. 2023 was worse.",
        ["Output fell.", "2023 was worse."]
    );
    case!(
        nbsp_as_space,
        "Talks ended.\u{a0}Then more.",
        ["Talks ended.", "Then more."]
    );
    case!(
        unicode_words,
        "Türkiye agreed. Ürümqi too.",
        ["Türkiye agreed.", "Ürümqi too."]
    );
    case!(
        terminal_at_end_with_quote,
        "He said \"no.\"",
        ["He said \"no.\""]
    );
    case!(
        inc_final,
        "The buyer was Apple Inc. The price was high.",
        ["The buyer was Apple Inc.", "The price was high."]
    );
    case!(
        inc_mid,
        "Apple Inc. Chief Tim Cook spoke.",
        ["Apple Inc. Chief Tim Cook spoke."]
    );
    case!(
        vs,
        "Russia vs. Ukraine at the court.",
        ["Russia vs. Ukraine at the court."]
    );
    case!(
        phd,
        "She has a Ph.D. in law. She teaches.",
        ["She has a Ph.D. in law.", "She teaches."]
    );
    case!(
        lone_period,
        "Odd . Spacing here.",
        ["Odd .", "Spacing here."]
    );

    #[test]
    fn paragraphs_split_on_blank_lines() {
        let text = "\n\nFirst para.\nStill first.\n\n\n  Second.\r\n\r\nThird\u{2029}Fourth  \n";
        let p: Vec<&str> = paragraphs(text)
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect();
        assert_eq!(
            p,
            ["First para.\nStill first.", "Second.", "Third", "Fourth"]
        );
        assert!(paragraphs("").is_empty());
        assert!(paragraphs(" \n ").is_empty());
    }

    #[test]
    fn sentences_never_cross_paragraphs() {
        let text = "A b\n\nC d. E f\n\nG";
        let p = paragraphs(text);
        for s in sentences(text) {
            let i = index_of(&p, s.start) as usize;
            assert!(p[i].start <= s.start && s.end <= p[i].end);
        }
    }

    #[test]
    fn long_sentences_of_abbreviations_stay_linear() {
        // Quadratic look-behind would not finish on these.
        let text = "Mr. Smith and ".repeat(300_000);
        assert_eq!(sentences(&text).len(), 1);
        let text = format!("{}.", "word ".repeat(1_000_000));
        assert_eq!(sentences(&text).len(), 1);
        let text = "A. ".repeat(300_000);
        assert_eq!(sentences(&text).len(), 1);
    }

    #[test]
    fn index_of_cases() {
        let spans = [Span { start: 2, end: 5 }, Span { start: 7, end: 9 }];
        let got: Vec<u32> = (0..12).map(|o| index_of(&spans, o)).collect();
        assert_eq!(got, [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
        assert_eq!(index_of(&[], 3), 0);
    }

    fn check_invariants(text: &str, spans: &[Span]) -> Result<(), TestCaseError> {
        let mut covered = 0;
        let mut prev_end = 0;
        for s in spans {
            prop_assert!(s.start >= prev_end && s.start < s.end && s.end <= text.len());
            prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            let t = &text[s.start..s.end];
            prop_assert_eq!(t, t.trim());
            prop_assert!(text[prev_end..s.start].trim().is_empty());
            covered += t.chars().filter(|c| !c.is_whitespace()).count();
            prev_end = s.end;
        }
        prop_assert!(text[prev_end..].trim().is_empty());
        prop_assert_eq!(covered, text.chars().filter(|c| !c.is_whitespace()).count());
        Ok(())
    }

    proptest! {
        #[test]
        fn spans_cover_every_non_space_char_once(
            text in "([a-zA-Z]{1,4}|[.?!…\"'“”’()\\[\\]]|[ \t\r\n\u{a0}\u{2029}]|U\\.S\\.|Mr\\.|[0-9]\\.[0-9]|ü|İ){0,60}"
        ) {
            check_invariants(&text, &sentences(&text))?;
            check_invariants(&text, &paragraphs(&text))?;
        }

        #[test]
        fn trimming_equals_str_trim(
            text in "[ \t\n\r\u{b}\u{c}\u{85}\u{a0}\u{2028}\u{3000}aé]{0,12}",
            cut in 0usize..12,
        ) {
            let cut = (0..=cut.min(text.len())).rev().find(|&c| text.is_char_boundary(c)).unwrap();
            let mut spans = Vec::new();
            push_trimmed(&text, cut, text.len(), &mut |s| spans.push(s));
            let t = text[cut..].trim();
            if t.is_empty() {
                prop_assert!(spans.is_empty());
            } else {
                let start = cut + text[cut..].len() - text[cut..].trim_start().len();
                prop_assert_eq!(spans, vec![Span { start, end: start + t.len() }]);
            }
        }

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,80}") {
            check_invariants(&text, &sentences(&text))?;
            check_invariants(&text, &paragraphs(&text))?;
        }

        #[test]
        fn until_gives_the_spans_starting_by_the_offset(
            text in "([a-zA-Z]{1,4}|[.?!…\"“”()]|[ \n\u{2029}]|U\\.S\\.|Mr\\.){0,60}",
            offset in 0usize..100,
        ) {
            let all = sentences(&text);
            let expected: Vec<Span> = all.iter().copied().filter(|s| s.start <= offset).collect();
            prop_assert_eq!(sentences_until(&text, offset), expected);
            prop_assert_eq!(sentence_count(&text), all.len());
            let all = paragraphs(&text);
            let expected: Vec<Span> = all.iter().copied().filter(|s| s.start <= offset).collect();
            prop_assert_eq!(paragraphs_until(&text, offset), expected);
            prop_assert_eq!(paragraph_count(&text), all.len());
        }
    }
}
