//! Making untrusted text (article text, titles, ids, gazetteer labels) safe
//! to show: in HTML text and attributes, in anchor ids, and on a terminal.
//!
//! Everything that comes from a corpus or a gazetteer goes through one of
//! these functions before it reaches a report; nothing here decides layout.

use std::fmt::Write as _;

/// Escapes text for HTML element content *and* quoted attribute values:
/// `& < > " '` become character references, and characters HTML forbids
/// (NUL, C0/C1 controls other than tab, line feed and carriage return)
/// become U+FFFD.
///
/// ```
/// use comention::report::escape::html;
/// assert_eq!(html("<script>alert('x')</script>"), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
/// assert_eq!(html("a \"b\" & c"), "a &quot;b&quot; &amp; c");
/// ```
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    push_html(&mut out, text);
    out
}

/// Appends `text` to `out`, escaped as [`html`] does.
pub fn push_html(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// Turns any string into a valid, unique-per-input HTML id fragment:
/// ASCII letters, digits and `-` stay, every other byte becomes `_` and two
/// hex digits. Distinct inputs give distinct outputs, and the result never
/// needs escaping in an attribute or a URL fragment.
///
/// ```
/// use comention::report::escape::anchor;
/// assert_eq!(anchor("Q232"), "Q232");
/// assert_eq!(anchor("a b\"><script>"), "a_20b_22_3e_3cscript_3e");
/// assert_ne!(anchor("a_20"), anchor("a 0"));
/// ```
pub fn anchor(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' {
            out.push(b as char);
        } else {
            write!(out, "_{b:02x}").expect("writing to a String cannot fail");
        }
    }
    out
}

/// Makes text safe to print on a terminal: the escape character and every
/// other control character except line feed and tab is shown as a visible
/// symbol (`␛`, `␍`, `␇`… from the Unicode Control Pictures block, `\u{9b}`
/// style for C1 controls), and bidirectional overrides and isolates (which
/// can reorder what a reader sees) as `<U+202E>`. An article can then not
/// move the cursor, change colours, set the window title or hide text.
///
/// ```
/// use comention::report::escape::terminal;
/// assert_eq!(terminal("red \x1b[31mtext\x07\r\n"), "red ␛[31mtext␇␍\n");
/// assert_eq!(terminal("a\u{202E}b\u{9b}c"), "a<U+202E>b\\u{9b}c");
/// ```
pub fn terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_terminal(&mut out, text);
    out
}

/// Appends `text` to `out`, made safe as [`terminal`] does.
pub fn push_terminal(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            '\u{0}'..='\u{1f}' => {
                out.push(char::from_u32(0x2400 + c as u32).expect("U+2400..U+241F are chars"))
            }
            '\u{7f}' => out.push('\u{2421}'),
            '\u{80}'..='\u{9f}' => {
                write!(out, "\\u{{{:x}}}", c as u32).expect("writing to a String cannot fail")
            }
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' => {
                write!(out, "<U+{:04X}>", c as u32).expect("writing to a String cannot fail")
            }
            c => out.push(c),
        }
    }
}

/// Like [`terminal`], and also shows line feeds and tabs as one space each:
/// for one-line displays such as keyword-in-context lines and table cells.
///
/// ```
/// use comention::report::escape::terminal_line;
/// assert_eq!(terminal_line("a\nb\tc\x1b"), "a b c␛");
/// ```
pub fn terminal_line(text: &str) -> String {
    terminal(text).replace(['\n', '\t'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_every_dangerous_character() {
        let nasty = "<img src=x onerror=alert(1)> \"'&\u{0}\u{1b}\u{85}";
        let out = html(nasty);
        for bad in ['<', '>', '"', '\'', '\u{0}', '\u{1b}', '\u{85}'] {
            assert!(!out.contains(bad), "{bad:?} in {out}");
        }
        assert_eq!(
            out,
            "&lt;img src=x onerror=alert(1)&gt; &quot;&#39;&amp;\u{FFFD}\u{FFFD}\u{FFFD}"
        );
        // Text stays readable: nothing else changes.
        assert_eq!(html("Türkiye — “BRI” 10%"), "Türkiye — “BRI” 10%");
    }

    #[test]
    fn anchor_is_injective_and_inert() {
        let ids = ["a", "a_61", "a a", "a_20a", "é", "_c3_a9", "", "-"];
        let mut seen = std::collections::BTreeSet::new();
        for id in ids {
            let a = anchor(id);
            assert!(a
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
            assert!(seen.insert(a), "{id:?} collides");
        }
        assert_eq!(anchor("javascript:alert(1)"), "javascript_3aalert_281_29");
    }

    #[test]
    fn terminal_output_contains_no_control_characters() {
        let all: String = (0u32..0x250).filter_map(char::from_u32).collect();
        let out = terminal(&all);
        assert!(out
            .chars()
            .all(|c| c == '\n' || c == '\t' || !c.is_control()));
        assert!(!terminal("\u{1b}]0;title\u{7}").contains('\u{1b}'));
        assert_eq!(terminal("\u{2067}x"), "<U+2067>x");
    }
}
