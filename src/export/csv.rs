//! CSV export for Gephi's spreadsheet import: a nodes table and an edges
//! table.
//!
//! `-o NAME.csv` (or `-o NAME` with `--format csv`) writes `NAME.nodes.csv`
//! and `NAME.edges.csv` ([`paths`]); CSV cannot go to stdout. Nodes:
//! `Id,Label,` then the node attributes and extra gazetteer columns; edges:
//! `Source,Target,Type,Weight,` (Type is always `Undirected`) then the edge
//! attributes except `weight`. Text cells that start with `= + - @`, tab or
//! carriage return get a leading `'` (spreadsheet-formula neutralisation)
//! unless `raw` is set; numbers are never changed.
//!
//! With time slices a `slice` column follows `Label` (nodes) or `Weight`
//! (edges), and every row is one node or edge in one slice, with that
//! slice's counts and measures (the set of nodes and edges is the filtered
//! whole-corpus graph). Slice rows carry no evidence.

use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::cell::{push_csv_row, spreadsheet_safe};
use super::{
    edge_values, endpoints, extra_columns, node_values, write_in_order, Value, EDGE_ATTRIBUTES,
    NODE_ATTRIBUTES,
};
use crate::error::{Error, Result};
use crate::graph::CoMentionGraph;

/// One edges-table row: slice, values, evidence.
type EdgeRow<'a> = (
    Option<&'a str>,
    &'a crate::graph::EdgeValues,
    Option<&'a [String]>,
);

/// The two files of `-o PATH`: `PATH` without a `.csv` extension, plus
/// `.nodes.csv` and `.edges.csv`.
///
/// ```
/// use std::path::PathBuf;
/// let (n, e) = comention::export::csv::paths("out/net.csv".as_ref());
/// assert_eq!((n, e), (PathBuf::from("out/net.nodes.csv"), PathBuf::from("out/net.edges.csv")));
/// assert_eq!(comention::export::csv::paths("net".as_ref()).0, PathBuf::from("net.nodes.csv"));
/// ```
pub fn paths(path: &Path) -> (PathBuf, PathBuf) {
    let stem = match path.extension() {
        Some(ext) if ext.eq_ignore_ascii_case("csv") => path.with_extension(""),
        _ => path.to_owned(),
    };
    let with = |suffix: &str| {
        let mut s = stem.clone().into_os_string();
        s.push(suffix);
        PathBuf::from(s)
    };
    (with(".nodes.csv"), with(".edges.csv"))
}

/// Writes the nodes and edges tables.
///
/// ```
/// let graph = comention::graph::CoMentionGraph::build(&Default::default(), &Default::default());
/// let (mut nodes, mut edges) = (Vec::new(), Vec::new());
/// comention::export::csv::write(&graph, &mut nodes, &mut edges, false)?;
/// assert!(edges.starts_with(b"Source,Target,Type,Weight,cooccurrences"));
/// # Ok::<(), comention::Error>(())
/// ```
pub fn write(
    graph: &CoMentionGraph,
    nodes: &mut dyn Write,
    edges: &mut dyn Write,
    raw: bool,
) -> Result<()> {
    fn text(raw: bool, s: &str) -> Cow<'_, str> {
        if raw {
            Cow::Borrowed(s)
        } else {
            spreadsheet_safe(s)
        }
    }
    let cell = |v: Option<Value<'_>>| -> String {
        match v {
            Some(Value::Str(s)) => text(raw, &s).into_owned(),
            Some(v) => v.text().map(Cow::into_owned).unwrap_or_default(),
            None => String::new(),
        }
    };
    let sliced = graph.is_sliced();
    let extras = extra_columns(graph);
    let write_error = |e| Error::io("<csv>", e);

    // Rows are laid out on the pool and written in order; each cell is
    // quoted as the `csv` crate quotes (see `push_csv_row`).
    let mut header = vec!["Id".to_string(), "Label".to_string()];
    if sliced {
        header.push("slice".into());
    }
    header.extend(NODE_ATTRIBUTES[1..].iter().map(|(n, _)| n.to_string()));
    header.extend(extras.iter().map(|(_, c)| c.clone()));
    let mut head = Vec::new();
    push_csv_row(&mut head, header.iter().map(|h| h.as_bytes()));
    nodes.write_all(&head).map_err(write_error)?;
    write_in_order(&graph.nodes, nodes, |_, node, out| {
        let rows: Vec<(Option<&str>, &crate::counts::NodeCounts)> = if sliced {
            node.slices
                .iter()
                .map(|(k, c)| (Some(k.as_str()), c))
                .collect()
        } else {
            vec![(None, &node.counts)]
        };
        for (slice, counts) in rows {
            let mut row = vec![text(raw, &node.id), text(raw, &node.label)];
            row.extend(slice.map(Cow::Borrowed));
            row.extend(
                node_values(node, counts)
                    .into_iter()
                    .skip(1)
                    .map(|v| Cow::Owned(cell(v))),
            );
            row.extend(extras.iter().map(|(a, _)| {
                node.attributes
                    .get(a)
                    .map_or(Cow::Borrowed(""), |v| text(raw, v))
            }));
            push_csv_row(out, row.iter().map(|c| c.as_bytes()));
        }
    })
    .map_err(write_error)?;
    nodes.flush().map_err(write_error)?;

    let mut header: Vec<String> = ["Source", "Target", "Type", "Weight"]
        .map(String::from)
        .to_vec();
    if sliced {
        header.push("slice".into());
    }
    header.extend(EDGE_ATTRIBUTES[1..].iter().map(|(n, _)| n.to_string()));
    let mut head = Vec::new();
    push_csv_row(&mut head, header.iter().map(|h| h.as_bytes()));
    edges.write_all(&head).map_err(write_error)?;
    write_in_order(&graph.edges, edges, |_, edge, out| {
        let (s, t) = endpoints(graph, edge);
        let rows: Vec<EdgeRow<'_>> = if sliced {
            edge.slices
                .iter()
                .map(|(k, v)| (Some(k.as_str()), v, None))
                .collect()
        } else {
            vec![(None, &edge.values, Some(edge.evidence.as_slice()))]
        };
        for (slice, values, evidence) in rows {
            let mut cells = edge_values(values, evidence)
                .into_iter()
                .map(|v| Cow::Owned(cell(v)));
            let mut row = vec![text(raw, s), text(raw, t), Cow::Borrowed("Undirected")];
            row.push(cells.next().expect("weight is the first edge attribute"));
            row.extend(slice.map(Cow::Borrowed));
            row.extend(cells);
            push_csv_row(out, row.iter().map(|c| c.as_bytes()));
        }
    })
    .map_err(write_error)?;
    edges.flush().map_err(write_error)?;
    Ok(())
}
