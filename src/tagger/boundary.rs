//! Word-boundary, possessive and URL checks around a candidate hit.
//!
//! All checks run on the normalised text (where `’` is already `'`), and
//! look at one character on each side, so they cost nothing per byte of text.

/// True for characters that continue a word: letters, digits, combining
/// marks and `_`.
#[inline]
pub(crate) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        // No ASCII character is a combining mark: skip the table look-up
        // that most checks around a hit (a space, a full stop) would make.
        return is_ascii_word_byte(c as u8);
    }
    if ('\u{C0}'..='\u{24F}').contains(&c) {
        // The Latin letters of most European names: all letters but `×`
        // and `÷`, without the slow look-up in Unicode's tables (a tenth
        // of building the trie for GeoNames names).
        return c != '×' && c != '÷';
    }
    c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)
}

/// [`is_word_char`] for an ASCII byte: letters, digits and `_`. (False
/// for every byte of a multi-byte character.)
#[inline]
pub(crate) fn is_ascii_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The character just before byte `i`, if any.
pub(crate) fn char_before(text: &str, i: usize) -> Option<char> {
    text[..i].chars().next_back()
}

/// The character at byte `i`, if any.
pub(crate) fn char_at(text: &str, i: usize) -> Option<char> {
    text[i..].chars().next()
}

/// Where the search for a mention may resume after a candidate at byte `i`
/// was rejected: one char further on, or, when `i` starts word characters,
/// at the end of their run. A hit that starts inside the run starts with a
/// word character after a word character, so it can never pass
/// [`starts_word`]: skipping the run finds the same mentions, without
/// re-scanning a long word for each of the patterns hidden inside it.
pub(crate) fn resume_after(text: &str, i: usize) -> usize {
    let bytes = text.as_bytes();
    let mut p = i;
    while p < bytes.len() {
        let b = bytes[p];
        let (is_word, len) = if b < 0x80 {
            (is_ascii_word_byte(b), 1)
        } else {
            let c = char_at(text, p).expect("p is on a char boundary");
            (is_word_char(c), c.len_utf8())
        };
        if !is_word {
            return if p == i { p + len } else { p };
        }
        p += len;
    }
    p
}

/// True when no word continues across byte `i` from the left, given that the
/// hit starts with `first`.
pub(crate) fn starts_word(text: &str, i: usize, first: char) -> bool {
    !is_word_char(first) || !char_before(text, i).is_some_and(is_word_char)
}

/// How a hit ending at byte `end` may be followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ending {
    /// A word boundary (or the alias does not end in a word character).
    Clean,
    /// A possessive: `'s`, `'S` or the apostrophe-less `s` of scraped text.
    Possessive,
    /// Glued to more word characters: not a hit.
    Glued,
}

/// Classifies what follows a hit that ends with `last` at byte `end`.
/// `lost_apostrophe` allows the bare suffix `s` (and `S` when `caps_suffix`).
pub(crate) fn ending(
    text: &str,
    end: usize,
    last: char,
    lost_apostrophe: bool,
    caps_suffix: bool,
) -> Ending {
    if !is_word_char(last) {
        return Ending::Clean;
    }
    let rest = &text[end..];
    let mut chars = rest.chars();
    let Some(next) = chars.next() else {
        return Ending::Clean;
    };
    if !is_word_char(next) {
        if next == '\'' {
            // "Russia's" is a possessive; "Xi'an" is another word.
            match chars.next() {
                Some('s' | 'S') if !chars.next().is_some_and(is_word_char) => {
                    return Ending::Possessive
                }
                Some(c) if is_word_char(c) => return Ending::Glued,
                _ => {}
            }
        }
        return Ending::Clean;
    }
    // The trie's first-word filter (`trie::FirstWords`) lets a one-word
    // pattern through with `s` or `S` after it: a new suffix here needs
    // its word there too.
    let suffix_ok = next == 's' || (caps_suffix && next == 'S');
    if lost_apostrophe
        && suffix_ok
        && last.is_alphabetic()
        && !chars.next().is_some_and(is_word_char)
    {
        return Ending::Possessive;
    }
    Ending::Glued
}

/// True when byte `i` lies inside a URL-like token (`http://…`, `https://…`,
/// `www.…`): names glued into web addresses are not mentions.
pub(crate) fn in_url(text: &str, i: usize) -> bool {
    // The token is the run of non-whitespace characters around `i`; look back
    // at most 2 KiB so that a pathological text cannot make this quadratic.
    let bytes = text.as_bytes();
    let floor = i.saturating_sub(2048);
    let mut start = i;
    while start > floor && !bytes[start - 1].is_ascii_whitespace() {
        start -= 1;
    }
    let token = &bytes[start..i];
    let has = |needle: &[u8]| {
        token
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    has(b"http://") || has(b"https://") || has(b"www.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_letters_take_the_short_way_right() {
        for c in '\u{80}'..='\u{2FF}' {
            let slow = c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c);
            assert_eq!(is_word_char(c), slow, "{c:?}");
        }
    }

    #[test]
    fn endings() {
        assert_eq!(ending("Russia is", 6, 'a', true, false), Ending::Clean);
        assert_eq!(ending("Russia's", 6, 'a', true, false), Ending::Possessive);
        assert_eq!(
            ending("Russias gas", 6, 'a', true, false),
            Ending::Possessive
        );
        assert_eq!(ending("Russias gas", 6, 'a', false, false), Ending::Glued);
        assert_eq!(ending("Russian", 6, 'a', true, false), Ending::Glued);
        assert_eq!(ending("Russiasx", 6, 'a', true, false), Ending::Glued);
        assert_eq!(ending("RUSSIAS", 6, 'A', true, true), Ending::Possessive);
        assert_eq!(ending("USS Enterprise", 2, 'S', true, false), Ending::Glued);
        assert_eq!(ending("Russia'sx", 6, 'a', true, false), Ending::Glued);
        assert_eq!(ending("Xi'an", 2, 'i', true, false), Ending::Glued);
        assert_eq!(ending("Xi' said", 2, 'i', true, false), Ending::Clean);
        assert_eq!(ending("G20s", 3, '0', true, false), Ending::Glued);
        assert_eq!(ending("U.S.A", 4, '.', true, false), Ending::Clean);
    }

    #[test]
    fn word_chars() {
        for c in ['a', 'Z', '0', '_', 'é', 'İ', '\u{301}', '٣'] {
            assert!(is_word_char(c), "{c:?}");
        }
        for c in [' ', '.', '\'', '-', '\u{A0}', '\u{2019}', '\u{0}'] {
            assert!(!is_word_char(c), "{c:?}");
        }
        // The ASCII shortcut agrees with the general rule on all of ASCII.
        for b in 0u8..0x80 {
            let c = char::from(b);
            let general = c.is_alphanumeric()
                || c == '_'
                || unicode_normalization::char::is_combining_mark(c);
            assert_eq!(is_word_char(c), general, "{c:?}");
        }
    }

    #[test]
    fn starts() {
        assert!(starts_word("in Iran", 3, 'I'));
        assert!(!starts_word("BRICS", 1, 'R'));
        assert!(starts_word("x/RL", 2, 'R'));
        assert!(starts_word("a.U.S.", 2, '.'));
    }

    #[test]
    fn resumes() {
        assert_eq!(resume_after("Iranian officials", 0), 7);
        assert_eq!(resume_after("Iranian officials", 3), 7);
        assert_eq!(resume_after("Iranian", 3), 7);
        assert_eq!(resume_after("a.kz", 1), 2);
        assert_eq!(resume_after("’s", 0), 3);
        assert_eq!(resume_after("Türkiye’s", 0), 8);
    }

    #[test]
    fn urls() {
        let t = "see https://example.com/kazakhstan-role and Kazakhstan";
        assert!(in_url(t, t.find("kazakhstan").unwrap()));
        assert!(!in_url(t, t.rfind("Kazakhstan").unwrap()));
        assert!(in_url("www.Kazakhstan.kz", 4));
    }
}
