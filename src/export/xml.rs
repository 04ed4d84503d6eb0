//! XML helpers shared by GraphML and GEXF: escaping untrusted text and
//! making XML name tokens.

use std::borrow::Cow;

/// True for characters XML 1.0 allows in a document.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Escapes text for element content and attribute values: drops characters
/// XML 1.0 forbids (control characters, U+FFFE, U+FFFF), escapes `& < > " '`
/// and writes tab, newline and carriage return as character references, so
/// attribute values keep them.
pub(crate) fn escape(s: &str) -> Cow<'_, str> {
    let clean =
        |c: char| is_xml_char(c) && !matches!(c, '&' | '<' | '>' | '"' | '\'' | '\t' | '\n' | '\r');
    if s.chars().all(clean) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
    Cow::Owned(out)
}

/// Makes an XML name token (`xs:NMTOKEN`) from any string, deterministically
/// and reversibly: ASCII letters, digits, `-` and `.` stay; `_` stays unless
/// followed by `x`; every other character, and the empty string, is written as
/// `_xHHHH_` (its code point in upper-case hex, at least 4 digits). So `Q159`
/// and `vladimir_putin` stay as they are and `New York` becomes `New_x0020_York`.
pub(crate) fn name_token(s: &str) -> Cow<'_, str> {
    let bytes = s.as_bytes();
    let keeps = |i: usize, b: u8| {
        b.is_ascii_alphanumeric()
            || b == b'-'
            || b == b'.'
            || (b == b'_' && bytes.get(i + 1) != Some(&b'x'))
    };
    if !s.is_empty() && bytes.iter().enumerate().all(|(i, &b)| keeps(i, b)) {
        return Cow::Borrowed(s);
    }
    if s.is_empty() {
        return Cow::Borrowed("_x0000_");
    }
    let mut out = String::with_capacity(s.len() + 8);
    for (i, c) in s.char_indices() {
        if c.is_ascii() && keeps(i, c as u8) {
            out.push(c);
        } else {
            out.push_str(&format!("_x{:04X}_", c as u32));
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_specials_and_drops_invalid_characters() {
        assert_eq!(escape("Kazakhstan"), "Kazakhstan");
        assert_eq!(escape("A&B <\"x'>"), "A&amp;B &lt;&quot;x&apos;&gt;");
        assert_eq!(escape("a\u{0}b\u{1b}c\u{FFFE}"), "abc");
        assert_eq!(escape("a\tb\nc"), "a&#9;b&#10;c");
        assert_eq!(escape("Türkiye 中国 😀"), "Türkiye 中国 😀");
    }

    #[test]
    fn name_tokens_are_kept_or_escaped_reversibly() {
        assert_eq!(name_token("Q159"), "Q159");
        assert_eq!(name_token("vladimir_putin"), "vladimir_putin");
        assert_eq!(name_token("New York"), "New_x0020_York");
        assert_eq!(name_token("a_xb"), "a_x005F_xb");
        assert_eq!(
            name_token("Москва"),
            "_x041C__x043E__x0441__x043A__x0432__x0430_"
        );
        assert_eq!(name_token("😀"), "_x1F600_");
        assert_eq!(name_token(""), "_x0000_");
        assert_ne!(name_token("a b"), name_token("a_x0020_b"));
    }
}
