//! Mention tables: one record per mention, as JSONL or CSV.
//!
//! Fields, in order: `doc, entity, type, name, text, start, end, char_start,
//! char_end, sentence, paragraph`, then `left` and `right` (up to N
//! characters of context each side) when context is asked for. `start`/`end`
//! are byte offsets and `char_start`/`char_end` char offsets into the
//! document text; `text` is always `doc.text[start..end]`. CSV follows RFC
//! 4180 and neutralises spreadsheet formulas unless `raw` is set
//! (see [`cell::spreadsheet_safe`](super::cell::spreadsheet_safe)).

use std::borrow::Cow;
use std::sync::OnceLock;

use super::cell::{push_csv_row, spreadsheet_safe};
use crate::corpus::Document;
use crate::error::Result;
use crate::tagger::{Mention, Tagger};

/// Output format of a mention table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MentionFormat {
    /// One JSON object per line.
    #[default]
    Jsonl,
    /// Comma-separated values with a header line.
    Csv,
}

/// How mention records are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MentionOptions {
    /// JSONL or CSV.
    pub format: MentionFormat,
    /// Characters of context each side (`None`: no `left`/`right` fields).
    pub context: Option<usize>,
    /// Write CSV cells as they are, without formula neutralisation.
    pub raw: bool,
}

const CSV_HEADER: &[&str] = &[
    "doc",
    "entity",
    "type",
    "name",
    "text",
    "start",
    "end",
    "char_start",
    "char_end",
    "sentence",
    "paragraph",
];

/// The header line of a CSV mention table (empty for JSONL).
///
/// ```
/// use comention::export::mentions::{header, MentionOptions, MentionFormat};
/// let opts = MentionOptions { format: MentionFormat::Csv, context: Some(20), raw: false };
/// assert_eq!(header(&opts), "doc,entity,type,name,text,start,end,char_start,char_end,sentence,paragraph,left,right\n");
/// ```
pub fn header(options: &MentionOptions) -> String {
    match options.format {
        MentionFormat::Jsonl => String::new(),
        MentionFormat::Csv => {
            let mut line = CSV_HEADER.join(",");
            if options.context.is_some() {
                line.push_str(",left,right");
            }
            line.push('\n');
            line
        }
    }
}

/// Up to `n` characters before `start` and after `end`.
fn context(text: &str, start: usize, end: usize, n: usize) -> (&str, &str) {
    let left_start = text[..start]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    let left = if n == 0 { "" } else { &text[left_start..start] };
    let right_end = text[end..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| end + i);
    (left, &text[end..right_end])
}

/// Appends the records of one document's mentions to `out`.
///
/// For many documents, build one [`Renderer`] and call
/// [`Renderer::render`]: it escapes each entity's fields once, not once per
/// mention.
///
/// ```
/// use comention::export::mentions::{render, MentionOptions};
/// let gaz = comention::Gazetteer::from_csv_str("id,type,name,aliases\nkz,COUNTRY,Kazakhstan,\n")?;
/// let tagger = comention::Tagger::new(&gaz);
/// let doc = comention::Document::new("a1", "Talks in Kazakhstan.");
/// let mut out = Vec::new();
/// render(&doc, &tagger, &tagger.tag(&doc.text), &MentionOptions::default(), &mut out)?;
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     r#"{"doc":"a1","entity":"kz","type":"COUNTRY","name":"Kazakhstan","text":"Kazakhstan","start":9,"end":19,"char_start":9,"char_end":19,"sentence":0,"paragraph":0}"#.to_string() + "\n"
/// );
/// # Ok::<(), comention::Error>(())
/// ```
pub fn render(
    doc: &Document,
    tagger: &Tagger,
    mentions: &[Mention],
    options: &MentionOptions,
    out: &mut Vec<u8>,
) -> Result<()> {
    // No table of every entity's fields for one document's records.
    Renderer {
        tagger,
        options: *options,
        entity_fields: Vec::new(),
    }
    .render(doc, mentions, out)
}

/// `expect` message for writes into a `Vec`.
const INFALLIBLE: &str = "writing to a Vec cannot fail";

/// Writes mention records for one tagger and one set of options, keeping
/// each entity's escaped JSON fields once made (shared by threads).
///
/// ```
/// use comention::export::mentions::{MentionOptions, Renderer};
/// let gaz = comention::Gazetteer::from_csv_str("id,type,name,aliases\nkz,COUNTRY,Kazakhstan,\n")?;
/// let tagger = comention::Tagger::new(&gaz);
/// let renderer = Renderer::new(&tagger, MentionOptions::default());
/// let mut out = Vec::new();
/// for (id, text) in [("a1", "Kazakhstan."), ("a2", "KAZAKHSTAN's oil")] {
///     let doc = comention::Document::new(id, text);
///     renderer.render(&doc, &tagger.tag(&doc.text), &mut out)?;
/// }
/// assert_eq!(String::from_utf8(out).unwrap().lines().count(), 2);
/// # Ok::<(), comention::Error>(())
/// ```
#[derive(Debug)]
pub struct Renderer<'t> {
    tagger: &'t Tagger,
    options: MentionOptions,
    /// Per entity, once needed: `,"entity":…,"type":…,"name":…,"text":`
    /// (empty: made anew for each record, see [`render`]).
    entity_fields: Vec<OnceLock<Box<[u8]>>>,
}

impl<'t> Renderer<'t> {
    /// A renderer for the mentions `tagger` finds.
    pub fn new(tagger: &'t Tagger, options: MentionOptions) -> Self {
        let entities = match options.format {
            MentionFormat::Jsonl => tagger.gazetteer().entities().len(),
            MentionFormat::Csv => 0,
        };
        Renderer {
            tagger,
            options,
            entity_fields: std::iter::repeat_with(OnceLock::new)
                .take(entities)
                .collect(),
        }
    }

    /// Appends the records of one document's mentions to `out`. Writing
    /// into memory does not fail today; the `Result` leaves room for a
    /// format that can.
    pub fn render(&self, doc: &Document, mentions: &[Mention], out: &mut Vec<u8>) -> Result<()> {
        match self.options.format {
            MentionFormat::Jsonl => self.render_jsonl(doc, mentions, out),
            MentionFormat::Csv => self.render_csv(doc, mentions, out),
        }
        Ok(())
    }

    /// JSONL, field by field in the order of the fields list above; strings
    /// escaped by serde_json (the tests check the bytes against serde_json
    /// serialising a whole record).
    fn render_jsonl(&self, doc: &Document, mentions: &[Mention], out: &mut Vec<u8>) {
        if mentions.is_empty() {
            return;
        }
        let mut doc_field = b"{\"doc\":".to_vec();
        serde_json::to_writer(&mut doc_field, &doc.id).expect(INFALLIBLE);
        out.reserve(mentions.len() * (doc_field.len() + 160));
        for m in mentions {
            out.extend_from_slice(&doc_field);
            out.extend_from_slice(&self.entity_fields(m.entity));
            serde_json::to_writer(&mut *out, m.text(&doc.text)).expect(INFALLIBLE);
            let mut number = itoa::Buffer::new();
            for (field, value) in [
                (&b",\"start\":"[..], m.start),
                (b",\"end\":", m.end),
                (b",\"char_start\":", m.char_start),
                (b",\"char_end\":", m.char_end),
                (b",\"sentence\":", m.sentence as usize),
                (b",\"paragraph\":", m.paragraph as usize),
            ] {
                out.extend_from_slice(field);
                out.extend_from_slice(number.format(value).as_bytes());
            }
            if let Some(n) = self.options.context {
                let (left, right) = context(&doc.text, m.start, m.end, n);
                out.extend_from_slice(b",\"left\":");
                serde_json::to_writer(&mut *out, left).expect(INFALLIBLE);
                out.extend_from_slice(b",\"right\":");
                serde_json::to_writer(&mut *out, right).expect(INFALLIBLE);
            }
            out.extend_from_slice(b"}\n");
        }
    }

    /// The escaped entity, type and name fields of entity `index`.
    fn entity_fields(&self, index: u32) -> Cow<'_, [u8]> {
        let make = || {
            let entity = &self.tagger.gazetteer().entities()[index as usize];
            let mut fields = b",\"entity\":".to_vec();
            serde_json::to_writer(&mut fields, &entity.id).expect(INFALLIBLE);
            fields.extend_from_slice(b",\"type\":");
            serde_json::to_writer(&mut fields, &entity.kind).expect(INFALLIBLE);
            fields.extend_from_slice(b",\"name\":");
            serde_json::to_writer(&mut fields, &entity.name).expect(INFALLIBLE);
            fields.extend_from_slice(b",\"text\":");
            fields
        };
        match self.entity_fields.get(index as usize) {
            Some(cell) => Cow::Borrowed(cell.get_or_init(|| make().into_boxed_slice())),
            None => Cow::Owned(make()),
        }
    }

    /// CSV, each row laid out by [`push_csv_row`] (the `csv` crate's
    /// quoting) from borrowed cells: no row of owned strings per mention
    /// (that took 14% of a `tag` run's time more than JSONL did).
    fn render_csv(&self, doc: &Document, mentions: &[Mention], out: &mut Vec<u8>) {
        let raw = self.options.raw;
        let doc_id = csv_cell(raw, &doc.id);
        let mut numbers = [itoa::Buffer::new(); 6];
        for m in mentions {
            let entity = self.tagger.entity(m);
            let texts = [&entity.id, &entity.kind, &entity.name, m.text(&doc.text)]
                .map(|cell| csv_cell(raw, cell));
            let positions = [
                m.start,
                m.end,
                m.char_start,
                m.char_end,
                m.sentence as usize,
                m.paragraph as usize,
            ];
            let context = self.options.context.map(|n| {
                let (l, r) = context(&doc.text, m.start, m.end, n);
                [csv_cell(raw, l), csv_cell(raw, r)]
            });
            let cells = std::iter::once(doc_id.as_bytes())
                .chain(texts.iter().map(|c| c.as_bytes()))
                .chain(
                    numbers
                        .iter_mut()
                        .zip(positions)
                        .map(|(b, n)| b.format(n).as_bytes()),
                )
                .chain(context.iter().flatten().map(|c| c.as_bytes()));
            push_csv_row(out, cells);
        }
    }
}

/// A text cell as written: made safe for spreadsheets unless `raw`.
fn csv_cell(raw: bool, text: &str) -> Cow<'_, str> {
    if raw {
        Cow::Borrowed(text)
    } else {
        spreadsheet_safe(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Gazetteer;
    use proptest::prelude::*;
    use serde::Serialize;

    /// The reference layout of a JSONL record: serde_json serialising it
    /// gives the bytes [`Renderer`] writes.
    #[derive(Serialize)]
    struct Record<'a> {
        doc: &'a str,
        entity: &'a str,
        #[serde(rename = "type")]
        kind: &'a str,
        name: &'a str,
        text: &'a str,
        start: usize,
        end: usize,
        char_start: usize,
        char_end: usize,
        sentence: u32,
        paragraph: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        left: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        right: Option<&'a str>,
    }

    /// What the renderer must write: serde_json over a [`Record`] per mention.
    fn reference(
        doc: &Document,
        tagger: &Tagger,
        mentions: &[Mention],
        context: Option<usize>,
    ) -> Vec<u8> {
        let mut out = Vec::new();
        for m in mentions {
            let entity = tagger.entity(m);
            let (left, right) = match context {
                Some(n) => {
                    let (l, r) = super::context(&doc.text, m.start, m.end, n);
                    (Some(l), Some(r))
                }
                None => (None, None),
            };
            let record = Record {
                doc: &doc.id,
                entity: &entity.id,
                kind: &entity.kind,
                name: &entity.name,
                text: m.text(&doc.text),
                start: m.start,
                end: m.end,
                char_start: m.char_start,
                char_end: m.char_end,
                sentence: m.sentence,
                paragraph: m.paragraph,
                left,
                right,
            };
            serde_json::to_writer(&mut out, &record).unwrap();
            out.push(b'\n');
        }
        out
    }

    /// A tagger for one entity, a document that mentions its name between
    /// two fillers, and the mentions: a hand-made one of the name
    /// (wherever the tagger would stand on such text) plus what the tagger
    /// finds.
    fn one_entity_case(
        id: String,
        kind: String,
        name: &str,
        doc_id: &str,
        filler: &str,
    ) -> (Tagger, Document, Vec<Mention>) {
        let mut gaz = Gazetteer::default();
        gaz.insert(crate::Entity::new(id, kind, name.to_string()));
        let tagger = Tagger::new(&gaz);
        let text = format!("{filler} {name}.{filler}");
        let doc = Document::new(doc_id, &text);
        let start = filler.len() + 1;
        let end = start + name.len();
        let mut mentions = vec![crate::tagger::Mention {
            start,
            end,
            char_start: text[..start].chars().count(),
            char_end: text[..end].chars().count(),
            entity: 0,
            sentence: 3,
            paragraph: 1,
        }];
        mentions.extend(tagger.tag(&doc.text));
        (tagger, doc, mentions)
    }

    proptest! {
        /// Hostile ids, names, types and texts: the hand-laid JSONL equals
        /// serde_json's, byte for byte, and parses back.
        #[test]
        fn jsonl_equals_serde_json(
            id in "\\PC{0,8}",
            name in "[A-Z][\"\\\\\u{0}-\u{1f}\u{7f}\u{2028}a-z é]{2,8}",
            kind in "\\PC{1,6}",
            doc_id in "[\"\\\\\u{0}-\u{1f}\u{2029}a-z]{0,8}",
            filler in "[\"\\\\\u{0}-\u{1f}\u{2028} .a-z]{0,12}",
            context in proptest::option::of(0usize..6),
        ) {
            let (tagger, doc, mentions) = one_entity_case(id, kind, &name, &doc_id, &filler);
            let options = MentionOptions { format: MentionFormat::Jsonl, context, raw: false };
            let renderer = Renderer::new(&tagger, options);
            let mut out = Vec::new();
            // Twice: the second time from the cached entity fields.
            renderer.render(&doc, &mentions, &mut out).unwrap();
            renderer.render(&doc, &mentions, &mut out).unwrap();
            let mut expected = reference(&doc, &tagger, &mentions, context);
            expected.extend_from_within(..);
            prop_assert_eq!(String::from_utf8(out.clone()).unwrap(), String::from_utf8(expected.clone()).unwrap());
            // The free function, which keeps no table, writes the same.
            let mut free = Vec::new();
            render(&doc, &tagger, &mentions, &options, &mut free).unwrap();
            prop_assert_eq!(&free[..], &expected[..expected.len() / 2]);
            for line in out.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                serde_json::from_slice::<serde_json::Value>(line).unwrap();
            }
        }
    }

    /// The cells a CSV row must hold for `m`, made safe unless `raw`.
    fn csv_row(
        doc: &Document,
        tagger: &Tagger,
        m: &Mention,
        context_words: Option<usize>,
        raw: bool,
    ) -> Vec<String> {
        let entity = tagger.entity(m);
        let mut row: Vec<String> = [&doc.id, &entity.id, &entity.kind, &entity.name]
            .into_iter()
            .map(|s| s.to_string())
            .chain([m.text(&doc.text).to_string()])
            .collect();
        row.extend(
            [
                m.start,
                m.end,
                m.char_start,
                m.char_end,
                m.sentence as usize,
                m.paragraph as usize,
            ]
            .map(|n| n.to_string()),
        );
        if let Some(n) = context_words {
            let (l, r) = context(&doc.text, m.start, m.end, n);
            row.extend([l.to_string(), r.to_string()]);
        }
        let safe = |c: String| {
            if raw {
                c
            } else {
                super::spreadsheet_safe(&c).into_owned()
            }
        };
        row.into_iter().map(safe).collect()
    }

    proptest! {
        /// Hostile cells (delimiters, quotes, line breaks, formula starts):
        /// the CSV reads back, with the `csv` crate, as exactly each
        /// mention's cells, one record per mention.
        #[test]
        fn csv_reads_back_as_the_cells(
            id in "[=+@\\-]?[\",\r\na-z]{0,6}",
            name in "[A-Z][\",\r\n\t a-z é]{2,8}",
            kind in "[=\",a-z]{1,5}",
            doc_id in "[=+@\",\r\n a-z]{0,8}",
            filler in "[\",\r\n .=a-z]{0,12}",
            context_words in proptest::option::of(0usize..6),
            raw in any::<bool>(),
        ) {
            let (tagger, doc, mentions) = one_entity_case(id, kind, &name, &doc_id, &filler);
            let options = MentionOptions { format: MentionFormat::Csv, context: context_words, raw };
            let mut out = Vec::new();
            Renderer::new(&tagger, options).render(&doc, &mentions, &mut out).unwrap();
            let mut reader = ::csv::ReaderBuilder::new().has_headers(false).from_reader(&out[..]);
            let rows: Vec<Vec<String>> = reader
                .records()
                .map(|r| r.unwrap().iter().map(str::to_string).collect())
                .collect();
            let expected: Vec<Vec<String>> = mentions
                .iter()
                .map(|m| csv_row(&doc, &tagger, m, context_words, raw))
                .collect();
            prop_assert_eq!(rows, expected);
        }
    }

    fn tagger() -> Tagger {
        Tagger::new(
            &Gazetteer::from_csv_str(
                "id,type,name,aliases\nkz,COUNTRY,Kazakhstan,\nevil,ORG,=cmd|' /C calc'!A0,=Evil\n",
            )
            .unwrap(),
        )
    }

    #[test]
    fn context_is_counted_in_characters() {
        assert_eq!(context("ééé Astana ééé", 7, 13, 2), ("é ", " é"));
        assert_eq!(context("Astana", 0, 6, 5), ("", ""));
        assert_eq!(context("ab Astana", 3, 9, 0), ("", ""));
    }

    #[test]
    fn csv_neutralises_formulas_unless_raw() {
        let t = tagger();
        let doc = Document::new("=1+1", "Talks in Kazakhstan, \"quoted\"\nand =Evil.");
        let mut options = MentionOptions {
            format: MentionFormat::Csv,
            context: Some(3),
            raw: false,
        };
        let mut out = Vec::new();
        render(&doc, &t, &t.tag(&doc.text), &options, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("'=1+1,kz,COUNTRY,Kazakhstan,Kazakhstan,9,19"),
            "{text}"
        );
        assert!(text.contains("'=cmd|' /C calc'!A0,'=Evil"), "{text}");
        // RFC 4180 round trip.
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        let rows: Vec<_> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[0][12], ", \"");
        options.raw = true;
        let mut out = Vec::new();
        render(&doc, &t, &t.tag(&doc.text), &options, &mut out).unwrap();
        assert!(String::from_utf8(out).unwrap().starts_with("=1+1,"));
    }
}
