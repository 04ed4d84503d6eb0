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
use std::io::{BufRead, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{
    describe_difference, CoMentionCounts, CountOptions, EntityInfo, NodeCounts, PairCounts, Scope,
    Slice, Totals,
};
use crate::error::{Error, Result};

/// The `format` field of the header record.
pub const FORMAT: &str = "comention-state";
/// The state format version this crate writes and reads.
pub const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
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
        #[serde(default)]
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
        #[serde(default)]
        evidence: Vec<String>,
    },
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
    for (slice, layer) in &layers {
        for (id, n) in layer.sorted_nodes() {
            line(
                &Record::Node {
                    slice: slice.map(str::to_string),
                    id: id.to_string(),
                    mentions: n.mentions,
                    scopes: n.scopes,
                    documents: n.documents,
                    first_date: n.first_date.clone(),
                    last_date: n.last_date.clone(),
                },
                out,
            )?;
        }
    }
    for (slice, layer) in &layers {
        for (a, b, p) in layer.sorted_pairs() {
            line(
                &Record::Pair {
                    slice: slice.map(str::to_string),
                    a: a.to_string(),
                    b: b.to_string(),
                    cooccurrences: p.cooccurrences,
                    documents: p.documents,
                    first_date: p.first_date.clone(),
                    last_date: p.last_date.clone(),
                    evidence: p.evidence.clone(),
                },
                out,
            )?;
        }
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
    let error = |line: u64, message: String| Error::State {
        path: path.to_owned(),
        line,
        message,
    };
    let mut header: Option<(u64, CountOptions)> = None;
    let mut records: Vec<(u64, Record)> = Vec::new();
    for (index, text) in input.lines().enumerate() {
        let number = index as u64 + 1;
        let text = text.map_err(|e| Error::io(path, e))?;
        if text.trim().is_empty() {
            continue;
        }
        let record: Record = serde_json::from_str(&text).map_err(|e| {
            error(
                number,
                format!("not a state record ({e}); is this a comention state file?"),
            )
        })?;
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
    let Some((header_line, options)) = header else {
        return Err(error(
            0,
            "no header record; is this a comention state file?".into(),
        ));
    };
    let k = options.evidence;
    let mut counts = CoMentionCounts::new(options);
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
    let mut merged: Option<(std::path::PathBuf, CoMentionCounts)> = None;
    for path in paths {
        let path = path.as_ref();
        let (counts, line) = if path == Path::new("-") {
            read_with_header_line(std::io::stdin().lock(), Path::new("<stdin>"))?
        } else {
            let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
            read_with_header_line(std::io::BufReader::new(file), path)?
        };
        match &mut merged {
            None => merged = Some((path.to_owned(), counts)),
            Some((first, total)) => {
                if total.options() != counts.options() {
                    return Err(Error::State {
                        path: path.to_owned(),
                        line,
                        message: format!(
                            "counted with other options than {} ({}); merge only states counted with the same options and gazetteer",
                            first.display(),
                            describe_difference(counts.options(), total.options())
                        ),
                    });
                }
                total.merge(counts)?;
            }
        }
    }
    merged
        .map(|(_, c)| c)
        .ok_or_else(|| Error::Invalid("no state file given".into()))
}
