//! Mention tables: one record per mention, as JSONL or CSV.
//!
//! Fields, in order: `doc, entity, type, name, text, start, end, char_start,
//! char_end, sentence, paragraph`, then `left` and `right` (up to N
//! characters of context each side) when context is asked for. `start`/`end`
//! are byte offsets and `char_start`/`char_end` char offsets into the
//! document text; `text` is always `doc.text[start..end]`. CSV follows RFC
//! 4180 and neutralises spreadsheet formulas unless `raw` is set
//! (see [`cell::spreadsheet_safe`](super::cell::spreadsheet_safe)).

use serde::Serialize;

use super::cell::spreadsheet_safe;
use crate::corpus::Document;
use crate::error::{Error, Result};
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
    let mut csv = match options.format {
        MentionFormat::Csv => Some(
            ::csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(Vec::new()),
        ),
        MentionFormat::Jsonl => None,
    };
    for m in mentions {
        let entity = tagger.entity(m);
        let (left, right) = match options.context {
            Some(n) => {
                let (l, r) = context(&doc.text, m.start, m.end, n);
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
        match &mut csv {
            None => {
                serde_json::to_writer(&mut *out, &record)
                    .expect("serialising plain strings and numbers cannot fail");
                out.push(b'\n');
            }
            Some(w) => {
                let safe = |s: &'_ str| -> String {
                    if options.raw {
                        s.to_string()
                    } else {
                        spreadsheet_safe(s).into_owned()
                    }
                };
                let mut row = vec![
                    safe(record.doc),
                    safe(record.entity),
                    safe(record.kind),
                    safe(record.name),
                    safe(record.text),
                    m.start.to_string(),
                    m.end.to_string(),
                    m.char_start.to_string(),
                    m.char_end.to_string(),
                    m.sentence.to_string(),
                    m.paragraph.to_string(),
                ];
                if let (Some(l), Some(r)) = (left, right) {
                    row.push(safe(l));
                    row.push(safe(r));
                }
                w.write_record(&row)
                    .map_err(|e| Error::Invalid(format!("writing CSV: {e}")))?;
            }
        }
    }
    if let Some(w) = csv {
        let bytes = w
            .into_inner()
            .map_err(|e| Error::Invalid(format!("writing CSV: {e}")))?;
        out.extend_from_slice(&bytes);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Gazetteer;

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
