//! Writers: mention tables and graph exports. Only this module writes.
//!
//! Graph exports take a [`CoMentionGraph`] and write it as GraphML
//! ([`graphml`]), GEXF 1.3 ([`gexf`]), Gephi spreadsheet CSV ([`csv`]) or
//! NetworkX node-link JSON ([`json`]). Every format carries the same
//! attributes (see [`NODE_ATTRIBUTES`] and [`EDGE_ATTRIBUTES`], then the
//! gazetteer's extra columns, sorted by name), nodes sorted by id and edges by
//! `(source, target)`, and floats in Rust's shortest round-trip notation
//! (`0.5`, `2.0`, `1e-7`), so the same graph gives the same bytes. Files are
//! written through [`atomic`].
//!
//! An extra gazetteer column whose name is taken by a built-in attribute
//! (`label`, `type`, `mentions`, …) is exported as `gazetteer_<name>`.
//! Attributes without a value (dates of undated corpora, evidence with
//! `--evidence 0`) are left out of that node or edge (an empty cell in CSV).

pub mod atomic;
pub mod cell;
pub mod csv;
pub mod gexf;
pub mod graphml;
pub mod json;
pub mod mentions;
mod xml;

use std::borrow::Cow;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use crate::counts::NodeCounts;
use crate::error::{Error, Result};
use crate::graph::{CoMentionGraph, Edge, EdgeValues, Node};

/// A graph export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// GraphML 1.0.
    GraphMl,
    /// GEXF 1.3.
    Gexf,
    /// Two CSV files for Gephi's spreadsheet import.
    Csv,
    /// NetworkX node-link JSON.
    Json,
}

impl Format {
    /// The format named by a file extension (`.graphml`, `.gexf`, `.csv`,
    /// `.json`), if any.
    ///
    /// ```
    /// use comention::export::Format;
    /// assert_eq!(Format::from_path("out/net.GEXF".as_ref()), Some(Format::Gexf));
    /// assert_eq!(Format::from_path("net.txt".as_ref()), None);
    /// ```
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "graphml" => Some(Format::GraphMl),
            "gexf" => Some(Format::Gexf),
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::GraphMl => "graphml",
            Format::Gexf => "gexf",
            Format::Csv => "csv",
            Format::Json => "json",
        })
    }
}

impl FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "graphml" => Ok(Format::GraphMl),
            "gexf" => Ok(Format::Gexf),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            _ => Err(Error::Invalid(format!(
                "unknown format {s:?}; use graphml, gexf, csv or json"
            ))),
        }
    }
}

/// Writes a one-stream format (GraphML, GEXF, JSON) to `out`; CSV writes
/// two tables, so it fails here (use [`csv::write`] or [`save`]).
///
/// ```
/// let graph = comention::graph::CoMentionGraph::build(&Default::default(), &Default::default());
/// let mut out = Vec::new();
/// comention::export::write(&graph, comention::export::Format::Json, &mut out)?;
/// assert!(out.starts_with(b"{\"directed\":false"));
/// # Ok::<(), comention::Error>(())
/// ```
pub fn write(graph: &CoMentionGraph, format: Format, out: &mut dyn std::io::Write) -> Result<()> {
    let stdout = Path::new("<output>");
    let done = match format {
        Format::GraphMl => graphml::write(graph, out),
        Format::Gexf => gexf::write(graph, out),
        Format::Json => json::write(graph, out),
        Format::Csv => {
            return Err(Error::Invalid(
                "CSV export writes two files (NAME.nodes.csv and NAME.edges.csv); give -o NAME.csv instead of stdout"
                    .into(),
            ))
        }
    };
    done.map_err(|e| Error::io(stdout, e))
}

/// Writes the graph to `path` atomically; CSV writes the two files named by
/// [`csv::paths`]. `raw_csv` turns off spreadsheet-formula neutralisation.
pub fn save(graph: &CoMentionGraph, format: Format, path: &Path, raw_csv: bool) -> Result<()> {
    if format == Format::Csv {
        let (nodes_path, edges_path) = csv::paths(path);
        let mut nodes = atomic::AtomicFile::create(&nodes_path)?;
        let mut edges = atomic::AtomicFile::create(&edges_path)?;
        csv::write(graph, &mut nodes, &mut edges, raw_csv)?;
        nodes.commit()?;
        return edges.commit();
    }
    let mut file = atomic::AtomicFile::create(path)?;
    let done = match format {
        Format::GraphMl => graphml::write(graph, &mut file),
        Format::Gexf => gexf::write(graph, &mut file),
        Format::Json => json::write(graph, &mut file),
        Format::Csv => unreachable!("handled above"),
    };
    done.map_err(|e| Error::io(path, e))?;
    file.commit()
}

/// The type of an exported attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrType {
    /// Text.
    String,
    /// A non-negative integer count (GraphML `long`).
    Long,
    /// A float.
    Double,
}

impl AttrType {
    /// The type's name in GraphML's `attr.type` and GEXF's `type`, which agree.
    ///
    /// ```
    /// assert_eq!(comention::export::AttrType::Long.name(), "long");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            AttrType::String => "string",
            AttrType::Long => "long",
            AttrType::Double => "double",
        }
    }
}

/// Node attributes every export carries, in order, before the gazetteer's
/// extra columns.
pub const NODE_ATTRIBUTES: &[(&str, AttrType)] = &[
    ("label", AttrType::String),
    ("type", AttrType::String),
    ("mentions", AttrType::Long),
    ("scopes", AttrType::Long),
    ("documents", AttrType::Long),
    ("first_date", AttrType::String),
    ("last_date", AttrType::String),
];

/// Edge attributes every export carries, in order. `evidence` is the
/// example document ids joined with `|`.
pub const EDGE_ATTRIBUTES: &[(&str, AttrType)] = &[
    ("weight", AttrType::Double),
    ("cooccurrences", AttrType::Long),
    ("documents", AttrType::Long),
    ("pmi", AttrType::Double),
    ("npmi", AttrType::Double),
    ("jaccard", AttrType::Double),
    ("dice", AttrType::Double),
    ("llr", AttrType::Double),
    ("first_date", AttrType::String),
    ("last_date", AttrType::String),
    ("evidence", AttrType::String),
];

/// Per-slice node attributes (GraphML and JSON name them `NAME_SLICE`).
pub(crate) const NODE_SLICE_ATTRIBUTES: &[&str] = &["mentions", "documents"];
/// Per-slice edge attributes.
pub(crate) const EDGE_SLICE_ATTRIBUTES: &[&str] = &["weight", "cooccurrences", "documents"];

/// An attribute value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'a> {
    Str(Cow<'a, str>),
    Long(u64),
    Double(f64),
}

impl Value<'_> {
    /// The value as text; `None` for a non-finite float, which is never written.
    pub(crate) fn text(&self) -> Option<Cow<'_, str>> {
        match self {
            Value::Str(s) => Some(Cow::Borrowed(s.as_ref())),
            Value::Long(n) => Some(Cow::Owned(n.to_string())),
            Value::Double(x) => x.is_finite().then(|| Cow::Owned(float(*x))),
        }
    }
}

/// Items rendered per parallel task by [`write_in_order`].
const RENDER_CHUNK: usize = 512;
/// Tasks rendered before their bytes are written (bounds the memory held).
const RENDER_TASKS: usize = 16;

/// Renders `items` in parallel, chunk by chunk, and writes the bytes in
/// item order: the output equals rendering them one after the other into
/// `out`, on any number of threads. At most `RENDER_CHUNK * RENDER_TASKS`
/// items' bytes are held at once per group, in buffers that serve every
/// group (fresh memory for each would cost a page fault per 4 KiB written).
///
/// This thread writes each group while a helper thread has the pool
/// render the next one into a second set of buffers: writing a large
/// network to a file (copying ~100 MB into the page cache) then overlaps
/// the rendering instead of following it. Should writing fail, the helper
/// stops after the group at hand.
pub(crate) fn write_in_order<T: Sync>(
    items: &[T],
    out: &mut dyn std::io::Write,
    render: impl Fn(usize, &T, &mut Vec<u8>) + Sync,
) -> std::io::Result<()> {
    use std::sync::mpsc::sync_channel;
    let group_len = RENDER_CHUNK * RENDER_TASKS;
    if items.len() <= group_len {
        // One group: nothing to overlap.
        let mut buffers = vec![Vec::new(); items.len().div_ceil(RENDER_CHUNK)];
        render_group(items, 0, &mut buffers, &render);
        return buffers.iter().try_for_each(|bytes| out.write_all(bytes));
    }
    // Buffer sets go to the writer full and come back empty; two exist.
    let (full_tx, full_rx) = sync_channel::<Vec<Vec<u8>>>(1);
    let (empty_tx, empty_rx) = sync_channel::<Vec<Vec<u8>>>(2);
    for _ in 0..2 {
        empty_tx.send(Vec::new()).expect("the receiver is alive");
    }
    let render = &render;
    std::thread::scope(move |scope| {
        scope.spawn(move || {
            for (g, group) in items.chunks(group_len).enumerate() {
                let Ok(mut buffers) = empty_rx.recv() else {
                    return;
                };
                buffers.resize_with(group.len().div_ceil(RENDER_CHUNK), Vec::new);
                render_group(group, g * group_len, &mut buffers, render);
                if full_tx.send(buffers).is_err() {
                    return;
                }
            }
        });
        let mut written = Ok(());
        for buffers in full_rx.iter() {
            written = buffers.iter().try_for_each(|bytes| out.write_all(bytes));
            if written.is_err() {
                break;
            }
            // Fails once the helper is done: the groups it sent are still
            // to be written.
            let _ = empty_tx.send(buffers);
        }
        // The helper, waiting to send or for buffers, stops.
        drop((full_rx, empty_tx));
        written
    })
}

/// Renders `group` (whose first item is item `first`) into `buffers`, one
/// buffer per [`RENDER_CHUNK`] items, in parallel.
fn render_group<T: Sync>(
    group: &[T],
    first: usize,
    buffers: &mut [Vec<u8>],
    render: &(impl Fn(usize, &T, &mut Vec<u8>) + Sync),
) {
    use rayon::prelude::*;
    group
        .par_chunks(RENDER_CHUNK)
        .zip(buffers.par_iter_mut())
        .enumerate()
        .for_each(|(c, (chunk, bytes))| {
            bytes.clear();
            for (k, item) in chunk.iter().enumerate() {
                render(first + c * RENDER_CHUNK + k, item, bytes);
            }
        });
}

/// Shortest round-trip notation, always with a `.` or exponent (`2.0`, `1e-7`):
/// the notation of Rust's `{:?}`.
pub(crate) fn float(x: f64) -> String {
    let mut out = Vec::with_capacity(24);
    push_float(&mut out, x);
    String::from_utf8(out).expect("float notation is ASCII")
}

/// Appends [`float`]'s notation of `x`. The digits come from ryu (the
/// same shortest round-trip digits as `core::fmt`, several times faster:
/// formatting the measures was a fifth of writing a network), laid out as
/// `{:?}` lays them out: plain decimals for `1e-4 ≤ |x| < 1e16` and zero,
/// `d.ddde±N` otherwise; `NaN`, `inf`, `-inf` for the rest.
pub(crate) fn push_float(out: &mut Vec<u8>, x: f64) {
    if !x.is_finite() {
        use std::io::Write;
        write!(out, "{x:?}").expect("writing to a Vec cannot fail");
        return;
    }
    let mut buffer = ryu::Buffer::new();
    let text = buffer.format_finite(x).as_bytes();
    // Zero and 1e-4 ≤ |x| < 1e16 are where both ryu and `{:?}` write plain
    // decimals, alike: most measures need no layout of their own.
    if x == 0.0 || (1e-4..1e16).contains(&x.abs()) {
        out.extend_from_slice(text);
        return;
    }
    let (negative, text) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let (mantissa, exponent) = match text.iter().position(|&b| b == b'e') {
        Some(at) => {
            let exp = std::str::from_utf8(&text[at + 1..])
                .ok()
                .and_then(|e| e.parse::<i32>().ok())
                .expect("ryu writes a decimal exponent");
            (&text[..at], exp)
        }
        None => (text, 0),
    };
    // The value is 0.DIGITS × 10^point, DIGITS without leading or trailing zeros.
    // On the stack: this runs for every measure of every edge (ryu writes
    // at most 17 significant digits).
    let mut store = [0u8; 24];
    let mut len = 0;
    let mut point = exponent;
    let mut before_point = true;
    for &b in mantissa {
        match b {
            b'.' => before_point = false,
            b'0' if len == 0 => {
                if !before_point {
                    point -= 1;
                }
            }
            _ => {
                if before_point {
                    point += 1;
                }
                store[len] = b;
                len += 1;
            }
        }
    }
    while len > 0 && store[len - 1] == b'0' {
        len -= 1;
    }
    let digits = &store[..len];
    if negative {
        out.push(b'-');
    }
    if digits.is_empty() {
        out.extend_from_slice(b"0.0");
        return;
    }
    let len = len as i32;
    if (-3..=16).contains(&point) {
        if point <= 0 {
            out.extend_from_slice(b"0.");
            out.resize(out.len() + (-point) as usize, b'0');
            out.extend_from_slice(digits);
        } else if point >= len {
            out.extend_from_slice(digits);
            out.resize(out.len() + (point - len) as usize, b'0');
            out.extend_from_slice(b".0");
        } else {
            let (int, frac) = digits.split_at(point as usize);
            out.extend_from_slice(int);
            out.push(b'.');
            out.extend_from_slice(frac);
        }
    } else {
        out.push(digits[0]);
        if len > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        out.push(b'e');
        out.extend_from_slice(itoa::Buffer::new().format(point - 1).as_bytes());
    }
}

/// Column names of the gazetteer's extra attributes: `(attribute, exported name)`,
/// sorted by attribute.
pub(crate) fn extra_columns(graph: &CoMentionGraph) -> Vec<(String, String)> {
    let mut names: Vec<&String> = graph
        .nodes
        .iter()
        .flat_map(|n| n.attributes.keys())
        .collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|name| {
            let taken = NODE_ATTRIBUTES.iter().any(|(n, _)| n == name) || name == "id";
            let column = if taken {
                format!("gazetteer_{name}")
            } else {
                name.clone()
            };
            (name.clone(), column)
        })
        .collect()
}

/// The values of [`NODE_ATTRIBUTES`] for a node with these counts.
pub(crate) fn node_values<'a>(node: &'a Node, counts: &'a NodeCounts) -> [Option<Value<'a>>; 7] {
    [
        Some(Value::Str(Cow::Borrowed(&node.label))),
        Some(Value::Str(Cow::Borrowed(&node.kind))),
        Some(Value::Long(counts.mentions)),
        Some(Value::Long(counts.scopes)),
        Some(Value::Long(counts.documents)),
        counts
            .first_date
            .as_deref()
            .map(|d| Value::Str(Cow::Borrowed(d))),
        counts
            .last_date
            .as_deref()
            .map(|d| Value::Str(Cow::Borrowed(d))),
    ]
}

/// The values of [`EDGE_ATTRIBUTES`]; `evidence` only when given and not empty.
pub(crate) fn edge_values<'a>(
    v: &'a EdgeValues,
    evidence: Option<&'a [String]>,
) -> [Option<Value<'a>>; 11] {
    let m = &v.measures;
    [
        Some(Value::Double(v.weight)),
        Some(Value::Long(v.cooccurrences)),
        Some(Value::Long(v.documents)),
        Some(Value::Double(m.pmi)),
        Some(Value::Double(m.npmi)),
        Some(Value::Double(m.jaccard)),
        Some(Value::Double(m.dice)),
        Some(Value::Double(m.llr)),
        v.first_date
            .as_deref()
            .map(|d| Value::Str(Cow::Borrowed(d))),
        v.last_date.as_deref().map(|d| Value::Str(Cow::Borrowed(d))),
        evidence
            .filter(|e| !e.is_empty())
            .map(|e| Value::Str(Cow::Owned(e.join("|")))),
    ]
}

/// Per-slice node values, in [`NODE_SLICE_ATTRIBUTES`] order.
pub(crate) fn node_slice_values(n: &NodeCounts) -> [Value<'static>; 2] {
    [Value::Long(n.mentions), Value::Long(n.documents)]
}

/// Per-slice edge values, in [`EDGE_SLICE_ATTRIBUTES`] order.
pub(crate) fn edge_slice_values(v: &EdgeValues) -> [Value<'static>; 3] {
    [
        Value::Double(v.weight),
        Value::Long(v.cooccurrences),
        Value::Long(v.documents),
    ]
}

/// Ids of an edge's endpoints.
pub(crate) fn endpoints<'g>(graph: &'g CoMentionGraph, e: &Edge) -> (&'g str, &'g str) {
    (&graph.nodes[e.source].id, &graph.nodes[e.target].id)
}

#[cfg(test)]
mod tests;
