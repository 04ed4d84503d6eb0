//! Terminal views for `comention inspect`: an article with its mentions
//! highlighted, tables of entities and near misses, a list of articles, and
//! keyword-in-context lines.
//!
//! Two styles: with colour, a mention is drawn in its type's ANSI colour;
//! without, it is written `[text|TYPE:id]`. Near misses (from
//! [`Tagger::explain`](crate::Tagger::explain)) are numbered: `{text?3}`
//! without colour, underlined with a dim `?3` with colour; a near miss that
//! lies inside a mention gets its `?3` right after that mention. With
//! sentence marks on, each sentence is wrapped in `⟦ … ⟧`. Offsets shown
//! are character offsets. All article and gazetteer text goes through
//! [`escape::terminal`](super::escape::terminal) so that it cannot drive the
//! terminal. Choosing colour (is stdout a terminal?) is left to the CLI.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::escape::{push_terminal, terminal, terminal_line};
use super::type_ansi;
use crate::corpus::segment::Span;
use crate::corpus::Document;
use crate::gazetteer::{Entity, Gazetteer};
use crate::tagger::{Mention, NearMiss};

const RESET: &str = "\x1b[0m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";
/// Opening and closing marks of a sentence.
pub const SENTENCE_MARKS: (&str, &str) = ("⟦", "⟧");

/// How [`article`] draws a text.
#[derive(Debug, Clone, Copy, Default)]
pub struct ArticleView<'a> {
    /// ANSI colours instead of brackets.
    pub color: bool,
    /// Sentence spans to mark, if any.
    pub sentences: Option<&'a [Span]>,
    /// Near misses to mark and number (1-based, in this order).
    pub near_misses: &'a [NearMiss],
}

fn entity(gazetteer: &Gazetteer, index: u32) -> &Entity {
    &gazetteer.entities()[index as usize]
}

fn sgr(color: bool, code: &str) -> String {
    if color {
        format!("\x1b[{code}m")
    } else {
        String::new()
    }
}

/// Char offset of byte offset `byte` in `text`.
fn char_offset(text: &str, byte: usize) -> usize {
    text[..byte].chars().count()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum SpanKind {
    Mention(usize),
    Miss(usize),
}

/// The article's heading lines (id, date, title), then its text with every
/// mention highlighted.
///
/// ```
/// use comention::report::terminal::{article, ArticleView};
/// let gaz = comention::Gazetteer::from_csv_str("id,type,name,aliases\nkz,COUNTRY,Kazakhstan,\n")?;
/// let tagger = comention::Tagger::new(&gaz);
/// let doc = comention::Document::new("a1", "Talks in Kazakhstan.");
/// let out = article(&doc, &gaz, &tagger.tag(&doc.text), &ArticleView::default());
/// assert_eq!(out, "a1\n\nTalks in [Kazakhstan|COUNTRY:kz].\n");
/// # Ok::<(), comention::Error>(())
/// ```
pub fn article(
    doc: &Document,
    gazetteer: &Gazetteer,
    mentions: &[Mention],
    view: &ArticleView,
) -> String {
    let color = view.color;
    let mut out = String::new();
    out.push_str(&sgr(color, "1"));
    out.push_str(&terminal_line(&doc.id));
    out.push_str(&sgr(color, "0"));
    if let Some(date) = &doc.date {
        write!(out, "  {}", terminal_line(date)).expect("writing to a String cannot fail");
    }
    out.push('\n');
    if let Some(title) = &doc.title {
        writeln!(
            out,
            "{}{}{}",
            sgr(color, "1"),
            terminal_line(title),
            sgr(color, "0")
        )
        .expect("writing to a String cannot fail");
    }
    if color {
        // A legend of the types present, in their colours.
        let mut kinds: Vec<&str> = mentions
            .iter()
            .map(|m| entity(gazetteer, m.entity).kind.as_str())
            .collect();
        kinds.sort_unstable();
        kinds.dedup();
        if !kinds.is_empty() {
            let legend: Vec<String> = kinds
                .iter()
                .map(|k| format!("\x1b[{}m■ {}{RESET}", type_ansi(k), terminal_line(k)))
                .collect();
            writeln!(out, "{}", legend.join("  ")).expect("writing to a String cannot fail");
        }
    }
    out.push('\n');

    // Highlighted spans: every mention, plus the near misses that do not
    // overlap one; the others are flagged after the span that covers them.
    let mut spans: Vec<(usize, usize, SpanKind)> = mentions
        .iter()
        .enumerate()
        .map(|(i, m)| (m.start, m.end, SpanKind::Mention(i)))
        .collect();
    let mut suffixes: BTreeMap<SpanKind, Vec<usize>> = BTreeMap::new();
    for (n, miss) in view.near_misses.iter().enumerate() {
        let covering = spans
            .iter()
            .find(|s| s.0 < miss.end && miss.start < s.1)
            .map(|s| s.2);
        match covering {
            Some(kind) => suffixes.entry(kind).or_default().push(n + 1),
            None => spans.push((miss.start, miss.end, SpanKind::Miss(n + 1))),
        }
    }
    spans.sort();
    // Sentence marks: (position, 0 = close / 1 = open), closes first.
    let mut marks: Vec<(usize, u8)> = Vec::new();
    for s in view.sentences.unwrap_or(&[]) {
        marks.push((s.start, 1));
        marks.push((s.end, 0));
    }
    marks.sort_unstable();
    let mut marks = marks.into_iter().peekable();
    let text = &doc.text;
    let mut pos = 0;
    let mut emit_plain = |out: &mut String, from: usize, to: usize| {
        let mut at = from;
        while let Some(&(p, open)) = marks.peek() {
            if p > to {
                break;
            }
            let p = p.clamp(at, to);
            push_terminal(out, &text[at..p]);
            at = p;
            let mark = if open == 1 {
                SENTENCE_MARKS.0
            } else {
                SENTENCE_MARKS.1
            };
            write!(out, "{}{mark}{}", sgr(color, "2"), sgr(color, "0"))
                .expect("writing to a String cannot fail");
            marks.next();
        }
        push_terminal(out, &text[at..to]);
    };
    for &(start, end, kind) in &spans {
        emit_plain(&mut out, pos, start);
        let slice = &text[start..end];
        match kind {
            SpanKind::Mention(i) => {
                let e = entity(gazetteer, mentions[i].entity);
                if color {
                    write!(
                        out,
                        "\x1b[{}m{}{RESET}",
                        type_ansi(&e.kind),
                        terminal_line(slice)
                    )
                } else {
                    write!(
                        out,
                        "[{}|{}:{}]",
                        terminal_line(slice),
                        terminal_line(&e.kind),
                        terminal_line(&e.id)
                    )
                }
            }
            SpanKind::Miss(n) => {
                if color {
                    write!(
                        out,
                        "\x1b[4m{}{RESET}{DIM}?{n}{RESET}",
                        terminal_line(slice)
                    )
                } else {
                    write!(out, "{{{}?{n}}}", terminal_line(slice))
                }
            }
        }
        .expect("writing to a String cannot fail");
        for n in suffixes.get(&kind).into_iter().flatten() {
            write!(out, "{}?{n}{}", sgr(color, "2"), sgr(color, "0"))
                .expect("writing to a String cannot fail");
        }
        pos = end;
    }
    emit_plain(&mut out, pos, text.len());
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// Lays out rows in columns two spaces apart; `right` says which columns
/// are right-aligned. Cells are already terminal-safe, single-line text.
fn table(header: &[&str], rows: &[Vec<String>], right: &[bool], color: bool) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, cells: &mut dyn Iterator<Item = &str>| {
        let mut parts = Vec::new();
        for (i, cell) in cells.enumerate() {
            let pad = widths[i].saturating_sub(cell.chars().count());
            let last = i + 1 == widths.len();
            parts.push(if right.get(i) == Some(&true) {
                format!("{}{cell}", " ".repeat(pad))
            } else if last {
                cell.to_string()
            } else {
                format!("{cell}{}", " ".repeat(pad))
            });
        }
        out.push_str(parts.join("  ").trim_end());
        out.push('\n');
    };
    if color {
        out.push_str(BOLD);
    }
    line(&mut out, &mut header.iter().copied());
    if color {
        // Move the reset before the newline so the next line starts clean.
        out.pop();
        out.push_str(RESET);
        out.push('\n');
    }
    for row in rows {
        line(&mut out, &mut row.iter().map(String::as_str));
    }
    out
}

/// A table of the entities in `mentions`: entity name, type, id, mention
/// count and the char offset of the first mention; most mentioned first.
///
/// ```
/// use comention::report::terminal::entity_table;
/// let gaz = comention::Gazetteer::from_csv_str("id,type,name,aliases\nkz,COUNTRY,Kazakhstan,\n")?;
/// let text = "Kazakhstan and Kazakhstan";
/// let mentions = comention::Tagger::new(&gaz).tag(text);
/// assert_eq!(
///     entity_table(text, &gaz, &mentions, false),
///     "ENTITY      TYPE     ID  COUNT  FIRST\nKazakhstan  COUNTRY  kz      2      0\n"
/// );
/// # Ok::<(), comention::Error>(())
/// ```
pub fn entity_table(
    text: &str,
    gazetteer: &Gazetteer,
    mentions: &[Mention],
    color: bool,
) -> String {
    // entity -> (count, first byte offset)
    let mut counts: BTreeMap<u32, (usize, usize)> = BTreeMap::new();
    for m in mentions {
        let c = counts.entry(m.entity).or_insert((0, m.start));
        c.0 += 1;
        c.1 = c.1.min(m.start);
    }
    let mut order: Vec<(u32, (usize, usize))> = counts.into_iter().collect();
    order.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.1 .1.cmp(&b.1 .1)));
    let rows: Vec<Vec<String>> = order
        .iter()
        .map(|&(index, (count, first))| {
            let e = entity(gazetteer, index);
            vec![
                terminal_line(&e.name),
                terminal_line(&e.kind),
                terminal_line(&e.id),
                count.to_string(),
                char_offset(text, first).to_string(),
            ]
        })
        .collect();
    table(
        &["ENTITY", "TYPE", "ID", "COUNT", "FIRST"],
        &rows,
        &[false, false, false, true, true],
        color,
    )
}

/// A numbered table of near misses: the text found, its char offset, the
/// entity it almost matched, and why it was not kept.
///
/// ```
/// use comention::report::terminal::near_miss_table;
/// let gaz = comention::Gazetteer::from_csv_str("id,type,name,aliases\ntr,COUNTRY,Turkey,\n")?;
/// let text = "roast turkey";
/// let misses = comention::Tagger::new(&gaz).explain(text);
/// assert_eq!(
///     near_miss_table(text, &gaz, &misses, false),
///     "#   TEXT    AT  ENTITY               WHY\n?1  turkey   6  Turkey (COUNTRY:tr)  letter case refused by the case rule\n"
/// );
/// # Ok::<(), comention::Error>(())
/// ```
pub fn near_miss_table(
    text: &str,
    gazetteer: &Gazetteer,
    misses: &[NearMiss],
    color: bool,
) -> String {
    let rows: Vec<Vec<String>> = misses
        .iter()
        .enumerate()
        .map(|(n, miss)| {
            let e = entity(gazetteer, miss.entity);
            vec![
                format!("?{}", n + 1),
                terminal_line(&text[miss.start..miss.end]),
                char_offset(text, miss.start).to_string(),
                format!(
                    "{} ({}:{})",
                    terminal_line(&e.name),
                    terminal_line(&e.kind),
                    terminal_line(&e.id)
                ),
                miss.reason.to_string(),
            ]
        })
        .collect();
    table(
        &["#", "TEXT", "AT", "ENTITY", "WHY"],
        &rows,
        &[false, false, true, false, false],
        color,
    )
}

/// What the article list shows about one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleSummary {
    /// Document id.
    pub id: String,
    /// Date, if any.
    pub date: Option<String>,
    /// Number of mentions.
    pub mentions: usize,
    /// Number of distinct entities.
    pub entities: usize,
    /// The most mentioned entities: (entity index, count), most first.
    pub top: Vec<(u32, usize)>,
}

impl ArticleSummary {
    /// Summarises one article's mentions, keeping the `top` most mentioned
    /// entities (ties: earlier first mention first).
    ///
    /// ```
    /// use comention::report::terminal::ArticleSummary;
    /// let gaz = comention::Gazetteer::from_csv_str("id,type,name,aliases\nkz,COUNTRY,Kazakhstan,\nru,COUNTRY,Russia,\n")?;
    /// let doc = comention::Document::new("a1", "Russia, Kazakhstan, Kazakhstan.");
    /// let s = ArticleSummary::of(&doc, &comention::Tagger::new(&gaz).tag(&doc.text), 1);
    /// assert_eq!((s.mentions, s.entities, s.top), (3, 2, vec![(0, 2)]));
    /// # Ok::<(), comention::Error>(())
    /// ```
    pub fn of(doc: &Document, mentions: &[Mention], top: usize) -> Self {
        let mut counts: BTreeMap<u32, (usize, usize)> = BTreeMap::new();
        for m in mentions {
            let c = counts.entry(m.entity).or_insert((0, m.start));
            c.0 += 1;
        }
        let entities = counts.len();
        let mut order: Vec<(u32, (usize, usize))> = counts.into_iter().collect();
        order.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.1 .1.cmp(&b.1 .1)));
        ArticleSummary {
            id: doc.id.clone(),
            date: doc.date.clone(),
            mentions: mentions.len(),
            entities,
            top: order
                .into_iter()
                .take(top)
                .map(|(e, (c, _))| (e, c))
                .collect(),
        }
    }
}

/// The article list: id, date, mention and entity counts, top entities.
///
/// ```
/// use comention::report::terminal::{article_list, ArticleSummary};
/// let gaz = comention::Gazetteer::from_csv_str("id,type,name,aliases\nkz,COUNTRY,Kazakhstan,\n")?;
/// let doc = comention::Document::new("a1", "Kazakhstan.");
/// let s = ArticleSummary::of(&doc, &comention::Tagger::new(&gaz).tag(&doc.text), 5);
/// assert_eq!(
///     article_list(&gaz, &[s], false),
///     "ID  DATE  MENTIONS  ENTITIES  TOP ENTITIES\na1  -            1         1  Kazakhstan 1\n"
/// );
/// # Ok::<(), comention::Error>(())
/// ```
pub fn article_list(gazetteer: &Gazetteer, articles: &[ArticleSummary], color: bool) -> String {
    let rows: Vec<Vec<String>> = articles
        .iter()
        .map(|a| {
            let top: Vec<String> = a
                .top
                .iter()
                .map(|&(e, c)| format!("{} {c}", terminal_line(&entity(gazetteer, e).name)))
                .collect();
            vec![
                terminal_line(&a.id),
                a.date.as_deref().map_or("-".to_string(), terminal_line),
                a.mentions.to_string(),
                a.entities.to_string(),
                top.join(", "),
            ]
        })
        .collect();
    table(
        &["ID", "DATE", "MENTIONS", "ENTITIES", "TOP ENTITIES"],
        &rows,
        &[false, false, true, true, false],
        color,
    )
}

/// One keyword-in-context line: the char offset, up to `width` characters
/// each side (line breaks shown as spaces), and the hit, bracketed or in
/// its type's colour, so that hits line up in a column.
///
/// ```
/// use comention::report::terminal::keyword_in_context;
/// let text = "Talks in\nKazakhstan ended.";
/// assert_eq!(keyword_in_context(text, 9, 19, "COUNTRY", 6, false), "     9  ks in [Kazakhstan] ended");
/// ```
pub fn keyword_in_context(
    text: &str,
    start: usize,
    end: usize,
    kind: &str,
    width: usize,
    color: bool,
) -> String {
    let left_start = text[..start]
        .char_indices()
        .rev()
        .nth(width.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    let left = if width == 0 {
        String::new()
    } else {
        terminal_line(&text[left_start..start])
    };
    let right_end = text[end..]
        .char_indices()
        .nth(width)
        .map_or(text.len(), |(i, _)| end + i);
    let right = terminal_line(&text[end..right_end]);
    let hit = terminal_line(&text[start..end]);
    let hit = if color {
        format!("\x1b[{}m{hit}{RESET}", type_ansi(kind))
    } else {
        format!("[{hit}]")
    };
    let pad = width.saturating_sub(left.chars().count());
    format!(
        "{:>6}  {}{left}{hit}{right}",
        char_offset(text, start),
        " ".repeat(pad)
    )
    .trim_end()
    .to_string()
}

/// Makes a heading line for a section (`── Entities ──`), bold with colour.
///
/// ```
/// assert_eq!(comention::report::terminal::heading("Entities (2)", false), "── Entities (2) ──\n");
/// ```
pub fn heading(title: &str, color: bool) -> String {
    format!(
        "{}── {} ──{}\n",
        sgr(color, "1"),
        terminal(title),
        sgr(color, "0")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Tagger;

    fn gaz() -> Gazetteer {
        let mut gaz = Gazetteer::from_csv_str(
            "id,type,name,aliases\ntr,COUNTRY,Turkey,\nputin,PERSON,Vladimir Putin,Putin\n",
        )
        .unwrap();
        // The CSV reader refuses control characters; other sources may not.
        let mut evil = Entity::new("evil\u{1b}]0;x\u{7}", "ORG\u{9b}2J", "Evil\u{1b}[2J");
        evil.add_alias("EvilCorp", false);
        gaz.insert(evil);
        gaz
    }

    #[test]
    fn brackets_near_misses_and_sentences() {
        let gaz = gaz();
        let tagger = Tagger::new(&gaz);
        let doc = Document::new("d", "Vladimir Putin ate turkey. Turkey agreed.");
        let mentions = tagger.tag(&doc.text);
        let misses = tagger.explain(&doc.text);
        let sentences = [Span { start: 0, end: 26 }, Span { start: 27, end: 41 }];
        let view = ArticleView {
            color: false,
            sentences: Some(&sentences),
            near_misses: &misses,
        };
        let out = article(&doc, &gaz, &mentions, &view);
        assert_eq!(
            out,
            "d\n\n⟦[Vladimir Putin|PERSON:putin]?1 ate {turkey?2}.⟧ ⟦[Turkey|COUNTRY:tr] agreed.⟧\n"
        );
    }

    #[test]
    fn data_cannot_drive_the_terminal() {
        let gaz = gaz();
        let tagger = Tagger::new(&gaz);
        let mut doc = Document::new("d\u{1b}]0;pwned\u{7}", "EvilCorp \u{1b}[31mred\r\u{9b}2J");
        doc.title = Some("\u{1b}[2Jclear".into());
        let mentions = tagger.tag(&doc.text);
        for color in [false, true] {
            let view = ArticleView {
                color,
                ..ArticleView::default()
            };
            let out = article(&doc, &gaz, &mentions, &view)
                + &entity_table(&doc.text, &gaz, &mentions, color)
                + &keyword_in_context(&doc.text, 0, 8, "ORG", 10, color);
            // Our own escapes are SGR colour codes only: ESC [ digits/; m.
            let mut rest = out.as_str();
            while let Some(i) = rest.find('\u{1b}') {
                let after = &rest[i + 1..];
                let end = after.find('m').expect("SGR ends in m");
                assert!(
                    after.starts_with('[')
                        && after[1..end]
                            .bytes()
                            .all(|b| b.is_ascii_digit() || b == b';'),
                    "foreign escape in {out:?}"
                );
                rest = &after[end..];
            }
            assert!(!out.contains('\r') && !out.contains('\u{7}') && !out.contains('\u{9b}'));
        }
    }

    #[test]
    fn tables_align() {
        let gaz = gaz();
        let text = "Turkey, Putin, Turkey";
        let mentions = Tagger::new(&gaz).tag(text);
        assert_eq!(
            entity_table(text, &gaz, &mentions, false),
            "ENTITY          TYPE     ID     COUNT  FIRST\n\
             Turkey          COUNTRY  tr         2      0\n\
             Vladimir Putin  PERSON   putin      1      8\n"
        );
    }
}
