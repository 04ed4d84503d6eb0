//! XML helpers shared by GraphML and GEXF: escaping untrusted text and
//! making XML name tokens.

use std::borrow::Cow;

use super::Value;

/// What XML needs done with byte `b` of UTF-8 text: `None` keeps it;
/// `Some("")` drops it (control characters XML 1.0 forbids). The only
/// other characters XML forbids, U+FFFE and U+FFFF, are three bytes and
/// handled by [`push_escaped`].
fn replacement(b: u8) -> Option<&'static str> {
    match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&apos;"),
        b'\t' => Some("&#9;"),
        b'\n' => Some("&#10;"),
        b'\r' => Some("&#13;"),
        0..=0x1f => Some(""),
        _ => None,
    }
}

/// True if the bytes at `at` are U+FFFE or U+FFFF (`EF BF BE`, `EF BF BF`).
fn has_nonchar(bytes: &[u8], at: usize) -> bool {
    bytes[at] == 0xEF
        && bytes.get(at + 1) == Some(&0xBF)
        && matches!(bytes.get(at + 2), Some(0xBE | 0xBF))
}

/// Appends `s` escaped for element content and attribute values: drops
/// characters XML 1.0 forbids (control characters, U+FFFE, U+FFFF), escapes
/// `& < > " '` and writes tab, newline and carriage return as character
/// references, so attribute values keep them. Unchanged stretches are
/// copied whole.
pub(crate) fn push_escaped(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (skip, with) = if b < 0x80 {
            match replacement(b) {
                Some(r) => (1, r),
                None => {
                    i += 1;
                    continue;
                }
            }
        } else if has_nonchar(bytes, i) {
            (3, "")
        } else {
            i += 1;
            continue;
        };
        out.extend_from_slice(&bytes[copied..i]);
        out.extend_from_slice(with.as_bytes());
        i += skip;
        copied = i;
    }
    out.extend_from_slice(&bytes[copied..]);
}

/// [`push_escaped`] as a string, borrowed when nothing changes.
pub(crate) fn escape(s: &str) -> Cow<'_, str> {
    let bytes = s.as_bytes();
    let changes = bytes.iter().enumerate().any(|(i, &b)| {
        if b < 0x80 {
            replacement(b).is_some()
        } else {
            has_nonchar(bytes, i)
        }
    });
    if !changes {
        return Cow::Borrowed(s);
    }
    let mut out = Vec::with_capacity(s.len() + 16);
    push_escaped(&mut out, s);
    Cow::Owned(String::from_utf8(out).expect("escaping keeps UTF-8 whole"))
}

/// Appends `value` escaped for XML; false (nothing written) for a
/// non-finite float, which is never written.
pub(crate) fn push_value(out: &mut Vec<u8>, value: &Value<'_>) -> bool {
    match value {
        Value::Str(s) => push_escaped(out, s),
        Value::Long(n) => out.extend_from_slice(itoa::Buffer::new().format(*n).as_bytes()),
        Value::Double(x) if x.is_finite() => push_float(out, *x),
        Value::Double(_) => return false,
    }
    true
}

pub(crate) use super::push_float;

/// Makes an XML name token (`xs:NMTOKEN`) from any string, deterministically
/// and reversibly: ASCII letters, digits, `-` and `.` stay; `_` stays unless
/// followed by `x`; every other character, and the empty string, is written as
/// `_xHHHH_` (its code point in upper-case hex, at least 4 digits). So `Q159`
/// and `vladimir_putin` stay as they are and `New York` becomes `New_x0020_York`.
pub(crate) fn name_token(s: &str) -> Cow<'_, str> {
    let bytes = s.as_bytes();
    if !s.is_empty() && (0..bytes.len()).all(|i| keeps(bytes, i)) {
        return Cow::Borrowed(s);
    }
    let mut out = Vec::with_capacity(s.len() + 8);
    push_name_token(&mut out, s);
    Cow::Owned(String::from_utf8(out).expect("name tokens are ASCII"))
}

/// True if byte `i` of `bytes` stays as it is in a name token.
fn keeps(bytes: &[u8], i: usize) -> bool {
    let b = bytes[i];
    b.is_ascii_alphanumeric()
        || b == b'-'
        || b == b'.'
        || (b == b'_' && bytes.get(i + 1) != Some(&b'x'))
}

/// Appends [`name_token`] of `s`.
pub(crate) fn push_name_token(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    if s.is_empty() {
        out.extend_from_slice(b"_x0000_");
        return;
    }
    let bytes = s.as_bytes();
    for (i, c) in s.char_indices() {
        if c.is_ascii() && keeps(bytes, i) {
            out.push(c as u8);
            continue;
        }
        let code = c as u32;
        let digits = (32 - code.leading_zeros()).div_ceil(4).max(4);
        out.extend_from_slice(b"_x");
        for d in (0..digits).rev() {
            out.push(HEX[(code >> (4 * d) & 0xF) as usize]);
        }
        out.push(b'_');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The rules of [`escape`] written character by character, the
    /// obvious way, to check the byte-level version against.
    fn escape_by_chars(s: &str) -> String {
        let mut out = String::new();
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
                '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}' => {
                    out.push(c)
                }
                _ => {}
            }
        }
        out
    }

    /// [`name_token`]'s rule, with `format!` for the escapes.
    fn name_token_by_chars(s: &str) -> String {
        if s.is_empty() {
            return "_x0000_".into();
        }
        let chars: Vec<char> = s.chars().collect();
        let mut out = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let keep = c.is_ascii_alphanumeric()
                || c == '-'
                || c == '.'
                || (c == '_' && chars.get(i + 1) != Some(&'x'));
            if keep {
                out.push(c);
            } else {
                out.push_str(&format!("_x{:04X}_", c as u32));
            }
        }
        out
    }

    proptest! {
        #[test]
        fn escaping_by_bytes_equals_escaping_by_characters(
            s in "([a-z &<>\"'\t\n\r\x00-\x1f\x7f\u{80}-\u{a0}\u{fffd}-\u{ffff}\u{10000}é中😀_x]){0,24}"
        ) {
            let expected = escape_by_chars(&s);
            let escaped = escape(&s);
            prop_assert_eq!(escaped.as_ref(), expected.as_str());
            let mut out = b"<".to_vec();
            push_escaped(&mut out, &s);
            prop_assert_eq!(&out[1..], expected.as_bytes());
            prop_assert_eq!(matches!(escape(&s), Cow::Borrowed(_)), expected == s);
        }

        #[test]
        fn name_tokens_equal_the_rule(s in "([a-zA-Z0-9_x.\\- :é中😀\u{fffe}]){0,12}") {
            let expected = name_token_by_chars(&s);
            let token = name_token(&s);
            prop_assert_eq!(token.as_ref(), expected.as_str());
            let mut out = Vec::new();
            push_name_token(&mut out, &s);
            prop_assert_eq!(out, expected.into_bytes());
        }
    }

    #[test]
    fn values_are_written_escaped_or_not_at_all() {
        let mut out = Vec::new();
        assert!(push_value(&mut out, &Value::Str("a<b".into())));
        assert!(push_value(
            &mut out,
            &Value::Long(18_446_744_073_709_551_615)
        ));
        assert!(push_value(&mut out, &Value::Double(2.0)));
        assert!(push_value(&mut out, &Value::Double(1e-7)));
        assert!(!push_value(&mut out, &Value::Double(f64::NAN)));
        assert!(!push_value(&mut out, &Value::Double(f64::INFINITY)));
        assert_eq!(out, b"a&lt;b184467440737095516152.01e-7");
    }

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
