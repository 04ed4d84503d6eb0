//! The saved counts state: JSON Lines whose records add up under a plain
//! `GROUP BY key SUM`, so that shards merge with comention or without it
//! (Spark `reduceByKey`, SQL). The full field-by-field description, with the
//! reduce rule for each record kind, is in `docs/state-format.md`; this
//! module writes and reads it.
//!
//! Version 1, in short — one JSON object per line, `kind` first:
//!
//! | kind | key | fields | combine |
//! | --- | --- | --- | --- |
//! | `header` | (kind) | `format` = `"comention-state"`, `version` = 1, `scope`, `slice`, `evidence`, `roll_up`, `fingerprint` | must be equal |
//! | `entity` | (kind, id) | `label`, `type`, `attributes` | equal; keep one |
//! | `total` | (kind, slice) | `documents`, `scopes`, `mentions` | sum |
//! | `node` | (kind, slice, id) | `mentions`, `scopes`, `documents`, `first_date`, `last_date` | sum; min; max |
//! | `pair` | (kind, slice, a, b), `a < b` | `cooccurrences`, `documents`, `first_date`, `last_date`, `evidence` | sum; min; max; union, sort, keep `evidence` smallest |
//!
//! `slice` is `null` for the whole corpus and a slice key (`"2023"`,
//! `"2023-05"`, `"2023-05-01"`) otherwise. The writer sorts records (header,
//! entities by id, totals, nodes, pairs; slice `null` first, then by key),
//! so equal counts give equal bytes. The reader accepts records in any order
//! and any number of copies of a key, and combines them with the rules above:
//! reading the concatenation of shard files *is* the merge.

use std::collections::BTreeMap;
use std::io::{BufRead, Read, Write};
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{
    describe_difference, CoMentionCounts, CountOptions, EntityInfo, NodeCounts, PairCounts, Scope,
    Slice, Totals,
};
use crate::error::{Error, Result};
use crate::export::write_in_order;

/// The `format` field of the header record.
pub const FORMAT: &str = "comention-state";
/// The state format version this crate writes and reads.
pub const VERSION: u32 = 1;

/// A state record: what [`Fields::record`] reads a line into. Headers,
/// entities and totals are written from it; nodes and pairs, the bulk,
/// through the borrowing [`NodeLine`] and [`PairLine`].
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Record {
    Header {
        format: String,
        version: u32,
        scope: Scope,
        slice: Option<Slice>,
        evidence: usize,
        roll_up: Option<String>,
        fingerprint: Option<String>,
    },
    Entity {
        id: String,
        label: String,
        #[serde(rename = "type")]
        kind: String,
        attributes: BTreeMap<String, String>,
    },
    Total {
        slice: Option<String>,
        documents: u64,
        scopes: u64,
        mentions: u64,
    },
    Node {
        slice: Option<String>,
        id: String,
        mentions: u64,
        scopes: u64,
        documents: u64,
        first_date: Option<String>,
        last_date: Option<String>,
    },
    Pair {
        slice: Option<String>,
        a: String,
        b: String,
        cooccurrences: u64,
        documents: u64,
        first_date: Option<String>,
        last_date: Option<String>,
        evidence: Vec<String>,
    },
}

/// A `node` record as written, its strings borrowed (the fields of
/// [`Record::Node`], in its order).
#[derive(Serialize)]
struct NodeLine<'a> {
    kind: &'static str,
    slice: Option<&'a str>,
    id: &'a str,
    mentions: u64,
    scopes: u64,
    documents: u64,
    first_date: Option<&'a str>,
    last_date: Option<&'a str>,
}

/// A `pair` record as written, its strings borrowed (the fields of
/// [`Record::Pair`], in its order).
#[derive(Serialize)]
struct PairLine<'a> {
    kind: &'static str,
    slice: Option<&'a str>,
    a: &'a str,
    b: &'a str,
    cooccurrences: u64,
    documents: u64,
    first_date: Option<&'a str>,
    last_date: Option<&'a str>,
    evidence: &'a [String],
}

/// Every record kind's fields, each optional: serde reads a line into this
/// in one pass, whatever the order of its keys, where the internally
/// tagged [`Record`] first copied each record into a buffer of its own to
/// find `kind` (a quarter of `merge`'s time).
/// [`Fields::record`] then checks what the kind needs.
#[derive(Deserialize)]
struct Fields {
    kind: Option<String>,
    format: Option<String>,
    version: Option<u32>,
    scope: Option<Scope>,
    slice: Option<String>,
    evidence: Option<Evidence>,
    roll_up: Option<String>,
    fingerprint: Option<String>,
    id: Option<String>,
    label: Option<String>,
    #[serde(rename = "type")]
    entity_type: Option<String>,
    attributes: Option<BTreeMap<String, String>>,
    documents: Option<u64>,
    scopes: Option<u64>,
    mentions: Option<u64>,
    first_date: Option<String>,
    last_date: Option<String>,
    a: Option<String>,
    b: Option<String>,
    cooccurrences: Option<u64>,
}

/// `evidence`: a count in the header, document ids in a pair.
enum Evidence {
    Count(usize),
    Ids(Vec<String>),
}

impl<'de> Deserialize<'de> for Evidence {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Evidence;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a count (header) or a list of document ids (pair)")
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> std::result::Result<Evidence, E> {
                usize::try_from(n)
                    .map(Evidence::Count)
                    .map_err(|_| E::custom(format!("evidence count {n} is too large")))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Evidence, A::Error> {
                let mut ids = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
                while let Some(id) = seq.next_element::<String>()? {
                    ids.push(id);
                }
                Ok(Evidence::Ids(ids))
            }
        }
        d.deserialize_any(V)
    }
}

/// A required field of a record.
fn need<T>(value: Option<T>, name: &str) -> std::result::Result<T, String> {
    value.ok_or_else(|| format!("missing field `{name}`"))
}

impl Fields {
    /// The record these fields make, or what is wrong with them (in
    /// serde's words, as the derived reader said it).
    fn record(self) -> std::result::Result<Record, String> {
        let Some(kind) = self.kind else {
            return Err("missing field `kind`".into());
        };
        Ok(match kind.as_str() {
            "header" => Record::Header {
                format: need(self.format, "format")?,
                version: need(self.version, "version")?,
                scope: need(self.scope, "scope")?,
                slice: match self.slice {
                    None => None,
                    Some(s) => Some(
                        Slice::deserialize(serde::de::value::StrDeserializer::<
                            serde::de::value::Error,
                        >::new(&s))
                        .map_err(|e| e.to_string())?,
                    ),
                },
                evidence: match need(self.evidence, "evidence")? {
                    Evidence::Count(n) => n,
                    Evidence::Ids(_) => {
                        return Err("invalid type: sequence, expected a count of evidence ids".into())
                    }
                },
                roll_up: self.roll_up,
                fingerprint: self.fingerprint,
            },
            "entity" => Record::Entity {
                id: need(self.id, "id")?,
                label: need(self.label, "label")?,
                kind: need(self.entity_type, "type")?,
                attributes: self.attributes.unwrap_or_default(),
            },
            "total" => Record::Total {
                slice: self.slice,
                documents: need(self.documents, "documents")?,
                scopes: need(self.scopes, "scopes")?,
                mentions: need(self.mentions, "mentions")?,
            },
            "node" => Record::Node {
                slice: self.slice,
                id: need(self.id, "id")?,
                mentions: need(self.mentions, "mentions")?,
                scopes: need(self.scopes, "scopes")?,
                documents: need(self.documents, "documents")?,
                first_date: self.first_date,
                last_date: self.last_date,
            },
            "pair" => Record::Pair {
                slice: self.slice,
                a: need(self.a, "a")?,
                b: need(self.b, "b")?,
                cooccurrences: need(self.cooccurrences, "cooccurrences")?,
                documents: need(self.documents, "documents")?,
                first_date: self.first_date,
                last_date: self.last_date,
                evidence: match self.evidence {
                    None => Vec::new(),
                    Some(Evidence::Ids(ids)) => ids,
                    Some(Evidence::Count(_)) => {
                        return Err(
                            "invalid type: integer, expected a list of document ids".into()
                        )
                    }
                },
            },
            other => {
                return Err(format!(
                    "unknown variant `{other}`, expected one of `header`, `entity`, `total`, `node`, `pair`"
                ))
            }
        })
    }
}

/// Bytes of a state read and parsed at once (then up to the next line
/// end): the lines of a block are parsed in parallel.
const READ_BLOCK: usize = 4 << 20;

/// The record on one line (`None` for a blank line), or the message for
/// a line that is not one.
fn parse_line(line: &[u8]) -> std::result::Result<Option<Record>, String> {
    // Blank: white space only, ASCII or (rarely) Unicode.
    let start = line.iter().position(|b| !b.is_ascii_whitespace());
    let blank = match start {
        None => true,
        Some(i) => line[i] >= 0x80 && std::str::from_utf8(line).is_ok_and(|s| s.trim().is_empty()),
    };
    if blank {
        return Ok(None);
    }
    let fields: Fields = serde_json::from_slice(line).map_err(|e| e.to_string())?;
    fields.record().map(Some)
}

/// Writes the state of `counts`, sorted, one record per line.
///
/// ```
/// use comention::counts::{state, CoMentionCounts, CountOptions};
/// let mut out = Vec::new();
/// state::write(&CoMentionCounts::new(CountOptions::default()), &mut out)?;
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.starts_with(r#"{"kind":"header","format":"comention-state","version":1,"scope":"document""#));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write(counts: &CoMentionCounts, out: &mut dyn Write) -> std::io::Result<()> {
    let o = counts.options();
    let line = |r: &Record, out: &mut dyn Write| -> std::io::Result<()> {
        serde_json::to_writer(&mut *out, r)?;
        out.write_all(b"\n")
    };
    line(
        &Record::Header {
            format: FORMAT.to_string(),
            version: VERSION,
            scope: o.scope,
            slice: o.slice,
            evidence: o.evidence,
            roll_up: o.roll_up.clone(),
            fingerprint: o.fingerprint.clone(),
        },
        out,
    )?;
    for (id, info) in counts.entities() {
        line(
            &Record::Entity {
                id: id.clone(),
                label: info.label.clone(),
                kind: info.kind.clone(),
                attributes: info.attributes.clone(),
            },
            out,
        )?;
    }
    let layers: Vec<(Option<&str>, &super::Layer)> = std::iter::once((None, counts.overall()))
        .chain(counts.slices().map(|(k, l)| (Some(k), l)))
        .collect();
    for (slice, layer) in &layers {
        let t = layer.totals();
        line(
            &Record::Total {
                slice: slice.map(str::to_string),
                documents: t.documents,
                scopes: t.scopes,
                mentions: t.mentions,
            },
            out,
        )?;
    }
    // Nodes and pairs, the bulk of a state, are rendered on the pool and
    // written in order, borrowing their strings.
    for (slice, layer) in &layers {
        let nodes = layer.sorted_nodes();
        write_in_order(&nodes, out, |_, &(id, n), buf| {
            let line = NodeLine {
                kind: "node",
                slice: *slice,
                id,
                mentions: n.mentions,
                scopes: n.scopes,
                documents: n.documents,
                first_date: n.first_date.as_deref(),
                last_date: n.last_date.as_deref(),
            };
            serde_json::to_writer(&mut *buf, &line).expect("writing to memory");
            buf.push(b'\n');
        })?;
    }
    for (slice, layer) in &layers {
        let pairs = layer.sorted_pairs();
        write_in_order(&pairs, out, |_, &(a, b, p), buf| {
            let line = PairLine {
                kind: "pair",
                slice: *slice,
                a,
                b,
                cooccurrences: p.cooccurrences,
                documents: p.documents,
                first_date: p.first_date.as_deref(),
                last_date: p.last_date.as_deref(),
                evidence: &p.evidence,
            };
            serde_json::to_writer(&mut *buf, &line).expect("writing to memory");
            buf.push(b'\n');
        })?;
    }
    Ok(())
}

/// Reads a state (possibly the concatenation of several shards' states, in
/// any record order) and combines its records. `path` names the input in
/// error messages (`file:line: …`).
///
/// ```
/// use comention::counts::state;
/// let text = r#"{"kind":"header","format":"comention-state","version":1,"scope":"document","slice":null,"evidence":3,"roll_up":null,"fingerprint":null}
/// {"kind":"node","slice":null,"id":"ru","mentions":2,"scopes":1,"documents":1,"first_date":null,"last_date":null}
/// {"kind":"node","slice":null,"id":"ru","mentions":1,"scopes":1,"documents":1,"first_date":null,"last_date":null}
/// "#;
/// let counts = state::read(text.as_bytes(), "s.jsonl".as_ref())?;
/// assert_eq!(counts.overall().node("ru").unwrap().mentions, 3);
/// # Ok::<(), comention::Error>(())
/// ```
pub fn read(input: impl BufRead, path: &Path) -> Result<CoMentionCounts> {
    read_with_header_line(input, path).map(|(counts, _)| counts)
}

/// [`read`], plus the line number of the (first) header record.
fn read_with_header_line(input: impl BufRead, path: &Path) -> Result<(CoMentionCounts, u64)> {
    read_in_blocks(input, path, READ_BLOCK, |options, _| {
        Ok(CoMentionCounts::new(options))
    })
}

/// Reads a state, parsing `block_bytes` at a time (then up to the next line
/// end), and adds its records to the counts `start` gives once the header
/// is known (from its options and line): new counts, or those of the files
/// read before. Returns the counts and the header's line.
fn read_in_blocks(
    input: impl BufRead,
    path: &Path,
    block_bytes: usize,
    start: impl FnOnce(CountOptions, u64) -> Result<CoMentionCounts>,
) -> Result<(CoMentionCounts, u64)> {
    let error = |line: u64, message: String| Error::State {
        path: path.to_owned(),
        line,
        message,
    };
    let mut header: Option<(u64, CountOptions)> = None;
    let mut records: Vec<(u64, Record)> = Vec::new();
    let mut input = input;
    let mut block = Vec::with_capacity(block_bytes + (64 << 10));
    let mut first_line = 1u64;
    loop {
        block.clear();
        let read = (&mut input)
            .take(block_bytes as u64)
            .read_to_end(&mut block)
            .and_then(|n| match n {
                0 => Ok(0),
                n => input.read_until(b'\n', &mut block).map(|m| n + m),
            })
            .map_err(|e| Error::io(path, e))?;
        if read == 0 {
            break;
        }
        let lines: Vec<&[u8]> = block
            .strip_suffix(b"\n")
            .unwrap_or(&block)
            .split(|&b| b == b'\n')
            .collect();
        let parsed: Vec<_> = lines.par_iter().map(|line| parse_line(line)).collect();
        let block_first = first_line;
        first_line += lines.len() as u64;
        for (number, record) in (block_first..).zip(parsed) {
            let record = match record {
                Ok(Some(record)) => record,
                Ok(None) => continue,
                Err(e) => {
                    return Err(error(
                        number,
                        format!("not a state record ({e}); is this a comention state file?"),
                    ))
                }
            };
            if let Record::Header {
                format,
                version,
                scope,
                slice,
                evidence,
                roll_up,
                fingerprint,
            } = record
            {
                if format != FORMAT {
                    return Err(error(
                        number,
                        format!("format is {format:?}, expected {FORMAT:?}"),
                    ));
                }
                if version != VERSION {
                    return Err(error(
                    number,
                    format!("state format version {version} is not supported; this comention reads version {VERSION}"),
                ));
                }
                let options = CountOptions {
                    scope,
                    slice,
                    evidence,
                    roll_up,
                    fingerprint,
                };
                match &header {
                Some((first, known)) if *known != options => {
                    return Err(error(
                        number,
                        format!(
                            "header differs from the one on line {first} ({}); merge only states counted with the same options and gazetteer",
                            describe_difference(&options, known)
                        ),
                    ))
                }
                Some(_) => {}
                None => header = Some((number, options)),
            }
            } else {
                records.push((number, record));
            }
        }
    }
    let Some((header_line, options)) = header else {
        return Err(error(
            0,
            "no header record; is this a comention state file?".into(),
        ));
    };
    let k = options.evidence;
    let mut counts = start(options, header_line)?;
    let check_slice = |line: u64, slice: &Option<String>, counts: &CoMentionCounts| -> Result<()> {
        match (slice, counts.options().slice) {
            (None, _) => Ok(()),
            (Some(key), Some(kind))
                if super::date_prefix(key).and_then(|d| kind.key(d)) == Some(key.as_str()) =>
            {
                Ok(())
            }
            (Some(key), _) => Err(error(
                line,
                format!(
                    "slice {key:?} does not match the header's slice option ({})",
                    counts
                        .options()
                        .slice
                        .map_or("none".to_string(), |s| s.to_string())
                ),
            )),
        }
    };
    for (line, record) in records {
        match record {
            Record::Header { .. } => unreachable!("headers were taken out above"),
            Record::Entity {
                id,
                label,
                kind,
                attributes,
            } => {
                let info = EntityInfo {
                    label,
                    kind,
                    attributes,
                };
                let keep = counts
                    .entities()
                    .get(&id)
                    .map_or(true, |known| info < *known);
                if keep {
                    counts.set_entity(id, info);
                }
            }
            Record::Total {
                slice,
                documents,
                scopes,
                mentions,
            } => {
                check_slice(line, &slice, &counts)?;
                counts.layer_mut(slice.as_deref()).add_totals(Totals {
                    documents,
                    scopes,
                    mentions,
                });
            }
            Record::Node {
                slice,
                id,
                mentions,
                scopes,
                documents,
                first_date,
                last_date,
            } => {
                check_slice(line, &slice, &counts)?;
                let n = NodeCounts {
                    mentions,
                    scopes,
                    documents,
                    first_date,
                    last_date,
                };
                counts.layer_mut(slice.as_deref()).add_node(&id, &n);
            }
            Record::Pair {
                slice,
                a,
                b,
                cooccurrences,
                documents,
                first_date,
                last_date,
                mut evidence,
            } => {
                check_slice(line, &slice, &counts)?;
                if a >= b {
                    return Err(error(
                        line,
                        format!("pair ids must be ordered a < b, found a={a:?} b={b:?}"),
                    ));
                }
                evidence.sort();
                evidence.dedup();
                evidence.truncate(if slice.is_some() { 0 } else { k });
                let p = PairCounts {
                    cooccurrences,
                    documents,
                    first_date,
                    last_date,
                    evidence,
                };
                let k = if slice.is_some() { 0 } else { k };
                counts.layer_mut(slice.as_deref()).add_pair(&a, &b, p, k);
            }
        }
    }
    Ok((counts, header_line))
}

/// Reads several state files (`-` is stdin) and merges them; files must
/// share their header options.
pub fn read_paths<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Result<CoMentionCounts> {
    // Each file's records are added straight to the counts of the files
    // before it (reading the concatenation is the merge), once its header
    // is checked against theirs: no counts of its own to merge after.
    let mut first: Option<std::path::PathBuf> = None;
    let mut merged: Option<CoMentionCounts> = None;
    for path in paths {
        let path = path.as_ref();
        let before = merged.take();
        let start = |options: CountOptions, line: u64| {
            match (before, &first) {
            (Some(total), Some(first)) if *total.options() != options => Err(Error::State {
                path: path.to_owned(),
                line,
                message: format!(
                    "counted with other options than {} ({}); merge only states counted with the same options and gazetteer",
                    first.display(),
                    describe_difference(&options, total.options())
                ),
            }),
            (Some(total), _) => Ok(total),
            (None, _) => Ok(CoMentionCounts::new(options)),
        }
        };
        let (counts, _) = if path == Path::new("-") {
            read_in_blocks(
                std::io::stdin().lock(),
                Path::new("<stdin>"),
                READ_BLOCK,
                start,
            )?
        } else {
            let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
            read_in_blocks(std::io::BufReader::new(file), path, READ_BLOCK, start)?
        };
        first.get_or_insert_with(|| path.to_owned());
        merged = Some(counts);
    }
    merged.ok_or_else(|| Error::Invalid("no state file given".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HEADER: &str = r#"{"kind":"header","format":"comention-state","version":1,"scope":"document","slice":"year","evidence":2,"roll_up":null,"fingerprint":null}"#;

    fn node(slice: Option<&str>, id: &str, mentions: u64) -> String {
        let slice = slice.map_or("null".to_string(), |s| format!("{s:?}"));
        format!(
            r#"{{"kind":"node","slice":{slice},"id":"{id}","mentions":{mentions},"scopes":1,"documents":1,"first_date":"2021-02-03","last_date":null}}"#
        )
    }

    fn pair(a: &str, b: &str, n: u64, evidence: &[&str]) -> String {
        format!(
            r#"{{"kind":"pair","slice":null,"a":"{a}","b":"{b}","cooccurrences":{n},"documents":{n},"first_date":null,"last_date":"2022-01-01","evidence":{}}}"#,
            serde_json::to_string(evidence).unwrap()
        )
    }

    fn read_text(text: &str, block: usize) -> std::result::Result<CoMentionCounts, String> {
        read_in_blocks(
            text.as_bytes(),
            Path::new("s.jsonl"),
            block,
            |options, _| Ok(CoMentionCounts::new(options)),
        )
        .map(|(counts, _)| counts)
        .map_err(|e| e.to_string())
    }

    /// Any key order reads: the reader does not rely on `kind` coming first.
    #[test]
    fn fields_read_in_any_order() {
        let first = format!("{HEADER}\n{}\n", node(None, "kz", 2));
        let last = format!(
            "{HEADER}\n{}\n",
            r#"{"id":"kz","mentions":2,"scopes":1,"documents":1,"first_date":"2021-02-03","last_date":null,"slice":null,"kind":"node"}"#
        );
        let counts = read_text(&last, READ_BLOCK).unwrap();
        assert_eq!(counts, read_text(&first, READ_BLOCK).unwrap());
        assert_eq!(counts.overall().node("kz").unwrap().mentions, 2);
    }

    #[test]
    fn a_record_that_is_not_one_is_named_with_its_line() {
        let with = |line: &str| read_text(&format!("{HEADER}\n\n{line}\n"), READ_BLOCK);
        let cases = [
            (r#"{"kind":"pair","slice":null,"b":"kz","cooccurrences":1,"documents":1}"#, "missing field `a`"),
            (r#"{"slice":null,"id":"kz","mentions":1,"scopes":1,"documents":1}"#, "missing field `kind`"),
            (r#"{"kind":"edge","a":"cn","b":"kz"}"#, "unknown variant `edge`, expected one of `header`, `entity`, `total`, `node`, `pair`"),
            (r#"{"kind":"pair","slice":null,"a":"cn","b":"kz","cooccurrences":1,"documents":1,"evidence":3}"#, "invalid type: integer, expected a list of document ids"),
            (r#"{"kind":"node","slice":null,"id":"kz","mentions":"two","scopes":1,"documents":1}"#, "invalid type: string \"two\", expected u64"),
            (r#"{"kind":"header","format":"comention-state","version":1,"scope":"document","slice":"week","evidence":3}"#, "unknown variant `week`, expected one of `year`, `month`, `day`"),
            (r#"{"kind":"header","format":"comention-state","version":1,"scope":"document","slice":null,"evidence":["d1"]}"#, "invalid type: sequence, expected a count of evidence ids"),
        ];
        for (line, message) in cases {
            let err = with(line).unwrap_err();
            assert!(err.starts_with("s.jsonl:3: not a state record ("), "{err}");
            assert!(err.contains(message), "{err} lacks {message}");
        }
        // Invalid UTF-8 inside a record is an error on its line too.
        let mut bytes = format!("{HEADER}\n").into_bytes();
        bytes.extend_from_slice(b"{\"kind\":\"node\",\"id\":\"k\xFF\"}\n");
        let err = read(&bytes[..], Path::new("s.jsonl")).unwrap_err();
        assert!(
            err.to_string().starts_with("s.jsonl:2: not a state record"),
            "{err}"
        );
    }

    /// Blank lines, white space (also Unicode) and CRLF line ends are skipped.
    #[test]
    fn blank_lines_and_crlf_are_skipped() {
        let text = format!(
            "\r\n{HEADER}\r\n \t\n\u{a0}\u{2003}\n{}\r\n\n{}",
            node(None, "kz", 2),
            pair("cn", "kz", 1, &["d1"])
        );
        let counts = read_text(&text, READ_BLOCK).unwrap();
        assert_eq!(counts.overall().node("kz").unwrap().mentions, 2);
        assert_eq!(counts.overall().pair("cn", "kz").unwrap().cooccurrences, 1);
    }

    proptest! {
        /// However the text is cut into blocks, the counts (or the error,
        /// with its line number) are those of one pass.
        #[test]
        fn blocks_of_any_size_read_alike(
            records in proptest::collection::vec((0u8..4, 0usize..5, 0usize..5, 1u64..9), 0..40),
            blanks in proptest::collection::vec(0usize..45, 0..6),
            bad in proptest::option::of(0usize..45),
            block in 1usize..300,
        ) {
            let ids = ["cn", "kz", "ru", "tr", "uz"];
            let mut lines = vec![HEADER.to_string()];
            for (kind, a, b, n) in records {
                lines.push(match kind {
                    0 => node(None, ids[a], n),
                    1 => node(Some("2021"), ids[a], n),
                    _ if a == b => node(None, ids[b], n),
                    _ => pair(ids[a.min(b)], ids[a.max(b)], n, &["d9", "d1", "d5"][..(n as usize % 4)]),
                });
            }
            for at in blanks {
                lines.insert(at.min(lines.len()), "  ".to_string());
            }
            if let Some(at) = bad {
                lines.insert(at.min(lines.len()), "{oops".to_string());
            }
            let text = lines.join("\n") + "\n";
            prop_assert_eq!(read_text(&text, block), read_text(&text, READ_BLOCK));
        }
    }
}
