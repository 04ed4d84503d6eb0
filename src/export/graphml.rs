//! GraphML 1.0 export, valid against the official schema.
//!
//! Every attribute is declared as a `<key>` with `attr.type` `string`, `long`
//! (counts) or `double` (weight and measures); keys have ids `g_NAME`,
//! `n_NAME` and `e_NAME`. The graph carries `scope`, `weight`, `documents`
//! and `scopes` (N). The schema wants node ids and attribute names to be
//! XML name tokens: an entity id that is one (`Q159`, `vladimir_putin`) is the
//! node id as it is; any other character is written `_xHHHH_` (so `New York`
//! becomes `New_x0020_York`; `_` followed by `x` is escaped too, which keeps
//! the mapping reversible).
//!
//! With time slices GraphML has no dynamics, so each slice adds attributes
//! named `NAME_SLICE` (`mentions_2023`, `documents_2023` on nodes;
//! `weight_2023`, `cooccurrences_2023`, `documents_2023` on edges) with a
//! declared default of 0, written only where non-zero.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Write};

use super::xml::{escape, name_token, push_escaped, push_name_token, push_value};
use super::{
    edge_slice_values, edge_values, extra_columns, node_slice_values, node_values, AttrType, Value,
    EDGE_ATTRIBUTES, EDGE_SLICE_ATTRIBUTES, NODE_ATTRIBUTES, NODE_SLICE_ATTRIBUTES,
};
use crate::graph::CoMentionGraph;

fn key(
    out: &mut dyn Write,
    prefix: &str,
    kind: &str,
    name: &str,
    t: AttrType,
    default: Option<&str>,
) -> io::Result<()> {
    let name = name_token(name);
    write!(
        out,
        "  <key id=\"{prefix}_{name}\" for=\"{kind}\" attr.name=\"{name}\" attr.type=\"{}\"",
        t.name()
    )?;
    match default {
        Some(d) => writeln!(out, "><default>{d}</default></key>"),
        None => writeln!(out, "/>"),
    }
}

/// `      <data key="PREFIX_NAME">`, made once per attribute.
fn data_open(prefix: &str, name: &str) -> Vec<u8> {
    let mut open = format!("      <data key=\"{prefix}_").into_bytes();
    push_name_token(&mut open, name);
    open.extend_from_slice(b"\">");
    open
}

/// A `<data>` line with the opening `open` (see [`data_open`]); nothing for
/// a value that is not written.
fn data(out: &mut Vec<u8>, open: &[u8], value: &Value<'_>) {
    let start = out.len();
    out.extend_from_slice(open);
    if push_value(out, value) {
        out.extend_from_slice(b"</data>\n");
    } else {
        out.truncate(start);
    }
}

/// The openings of every attribute's `<data>` line, per slice for the
/// per-slice ones.
struct Openings<'g> {
    node: Vec<Vec<u8>>,
    extras: Vec<Vec<u8>>,
    edge: Vec<Vec<u8>>,
    node_slices: HashMap<&'g str, Vec<Vec<u8>>>,
    edge_slices: HashMap<&'g str, Vec<Vec<u8>>>,
}

impl<'g> Openings<'g> {
    fn new(graph: &'g CoMentionGraph, extras: &[(String, String)]) -> Self {
        let per_slice = |prefix: &str, names: &[&str]| {
            graph
                .slice_keys
                .iter()
                .map(|slice| {
                    let opens = names
                        .iter()
                        .map(|name| data_open(prefix, &format!("{name}_{slice}")))
                        .collect();
                    (slice.as_str(), opens)
                })
                .collect()
        };
        Openings {
            node: NODE_ATTRIBUTES
                .iter()
                .map(|(n, _)| data_open("n", n))
                .collect(),
            extras: extras.iter().map(|(_, c)| data_open("n", c)).collect(),
            edge: EDGE_ATTRIBUTES
                .iter()
                .map(|(n, _)| data_open("e", n))
                .collect(),
            node_slices: per_slice("n", NODE_SLICE_ATTRIBUTES),
            edge_slices: per_slice("e", EDGE_SLICE_ATTRIBUTES),
        }
    }

    /// The openings of `slice`'s attributes (made on the spot for a slice
    /// the graph does not list, which [`CoMentionGraph::build`] never makes).
    fn slice<'a>(
        map: &'a HashMap<&'g str, Vec<Vec<u8>>>,
        prefix: &str,
        names: &[&str],
        slice: &str,
    ) -> Cow<'a, [Vec<u8>]> {
        match map.get(slice) {
            Some(opens) => Cow::Borrowed(opens),
            None => Cow::Owned(
                names
                    .iter()
                    .map(|name| data_open(prefix, &format!("{name}_{slice}")))
                    .collect(),
            ),
        }
    }
}

/// Writes `graph` as GraphML.
///
/// ```
/// let graph = comention::graph::CoMentionGraph::build(&Default::default(), &Default::default());
/// let mut out = Vec::new();
/// comention::export::graphml::write(&graph, &mut out).unwrap();
/// assert!(String::from_utf8(out).unwrap().contains("<graph id=\"G\" edgedefault=\"undirected\">"));
/// ```
pub fn write(graph: &CoMentionGraph, out: &mut dyn Write) -> io::Result<()> {
    let mut out = io::BufWriter::new(out);
    let out: &mut dyn Write = &mut out;
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )?;
    let graph_attrs = [
        ("scope", Value::Str(graph.scope.to_string().into())),
        (
            "weight",
            Value::Str(graph.options.weight.to_string().into()),
        ),
        ("documents", Value::Long(graph.totals.documents)),
        ("scopes", Value::Long(graph.totals.scopes)),
    ];
    for (name, v) in &graph_attrs {
        let t = if matches!(v, Value::Str(_)) {
            AttrType::String
        } else {
            AttrType::Long
        };
        key(out, "g", "graph", name, t, None)?;
    }
    let extras = extra_columns(graph);
    for (name, t) in NODE_ATTRIBUTES {
        key(out, "n", "node", name, *t, None)?;
    }
    for (_, column) in &extras {
        key(out, "n", "node", column, AttrType::String, None)?;
    }
    for slice in &graph.slice_keys {
        for name in NODE_SLICE_ATTRIBUTES {
            key(
                out,
                "n",
                "node",
                &format!("{name}_{slice}"),
                AttrType::Long,
                Some("0"),
            )?;
        }
    }
    for (name, t) in EDGE_ATTRIBUTES {
        key(out, "e", "edge", name, *t, None)?;
    }
    for slice in &graph.slice_keys {
        for name in EDGE_SLICE_ATTRIBUTES {
            let t = if *name == "weight" {
                AttrType::Double
            } else {
                AttrType::Long
            };
            let zero = if *name == "weight" { "0.0" } else { "0" };
            key(out, "e", "edge", &format!("{name}_{slice}"), t, Some(zero))?;
        }
    }
    writeln!(out, r#"  <graph id="G" edgedefault="undirected">"#)?;
    for (name, v) in &graph_attrs {
        if let Some(text) = v.text() {
            writeln!(out, "    <data key=\"g_{name}\">{}</data>", escape(&text))?;
        }
    }
    // Nodes and edges are rendered in parallel, in order (for a large
    // network, most of the bytes are edges). Each node's id token is made
    // once, not once per edge.
    let opens = Openings::new(graph, &extras);
    let tokens: Vec<Cow<'_, str>> = graph.nodes.iter().map(|n| name_token(&n.id)).collect();
    super::write_in_order(&graph.nodes, out, |i, node, out| {
        out.extend_from_slice(b"    <node id=\"");
        out.extend_from_slice(tokens[i].as_bytes());
        out.extend_from_slice(b"\">\n");
        for (open, v) in opens.node.iter().zip(node_values(node, &node.counts)) {
            if let Some(v) = v {
                data(out, open, &v);
            }
        }
        for ((attr, _), open) in extras.iter().zip(&opens.extras) {
            if let Some(v) = node.attributes.get(attr) {
                data(out, open, &Value::Str(v.into()));
            }
        }
        for (slice, counts) in &node.slices {
            let names = NODE_SLICE_ATTRIBUTES;
            let slice_opens = Openings::slice(&opens.node_slices, "n", names, slice);
            for (open, v) in slice_opens.iter().zip(node_slice_values(counts)) {
                data(out, open, &v);
            }
        }
        out.extend_from_slice(b"    </node>\n");
    })?;
    super::write_in_order(&graph.edges, out, |_, edge, out| {
        out.extend_from_slice(b"    <edge source=\"");
        out.extend_from_slice(tokens[edge.source].as_bytes());
        out.extend_from_slice(b"\" target=\"");
        out.extend_from_slice(tokens[edge.target].as_bytes());
        out.extend_from_slice(b"\">\n");
        // Evidence (the last attribute) is written from the list, without
        // joining it into a string first.
        for (open, v) in opens.edge.iter().zip(edge_values(&edge.values, None)) {
            if let Some(v) = v {
                data(out, open, &v);
            }
        }
        if !edge.evidence.is_empty() {
            out.extend_from_slice(opens.edge.last().expect("evidence is an edge attribute"));
            for (k, id) in edge.evidence.iter().enumerate() {
                if k > 0 {
                    out.push(b'|');
                }
                push_escaped(out, id);
            }
            out.extend_from_slice(b"</data>\n");
        }
        for (slice, values) in &edge.slices {
            let names = EDGE_SLICE_ATTRIBUTES;
            let slice_opens = Openings::slice(&opens.edge_slices, "e", names, slice);
            for (open, v) in slice_opens.iter().zip(edge_slice_values(values)) {
                data(out, open, &v);
            }
        }
        out.extend_from_slice(b"    </edge>\n");
    })?;
    writeln!(out, "  </graph>")?;
    writeln!(out, "</graphml>")?;
    out.flush()
}
