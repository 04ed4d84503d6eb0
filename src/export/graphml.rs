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

use std::io::{self, Write};

use super::xml::{escape, name_token};
use super::{
    edge_slice_values, edge_values, endpoints, extra_columns, node_slice_values, node_values,
    AttrType, Value, EDGE_ATTRIBUTES, EDGE_SLICE_ATTRIBUTES, NODE_ATTRIBUTES,
    NODE_SLICE_ATTRIBUTES,
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

fn data(out: &mut dyn Write, prefix: &str, name: &str, value: &Value<'_>) -> io::Result<()> {
    if let Some(text) = value.text() {
        writeln!(
            out,
            "      <data key=\"{prefix}_{}\">{}</data>",
            name_token(name),
            escape(&text)
        )?;
    }
    Ok(())
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
    for node in &graph.nodes {
        writeln!(out, "    <node id=\"{}\">", name_token(&node.id))?;
        for ((name, _), v) in NODE_ATTRIBUTES.iter().zip(node_values(node, &node.counts)) {
            if let Some(v) = v {
                data(out, "n", name, &v)?;
            }
        }
        for (attr, column) in &extras {
            if let Some(v) = node.attributes.get(attr) {
                data(out, "n", column, &Value::Str(v.into()))?;
            }
        }
        for (slice, counts) in &node.slices {
            for (name, v) in NODE_SLICE_ATTRIBUTES.iter().zip(node_slice_values(counts)) {
                data(out, "n", &format!("{name}_{slice}"), &v)?;
            }
        }
        writeln!(out, "    </node>")?;
    }
    // Edges are most of a large network's bytes: rendered in parallel, in
    // order.
    super::write_in_order(&graph.edges, out, |_, edge, out| {
        let (s, t) = endpoints(graph, edge);
        writeln!(
            out,
            "    <edge source=\"{}\" target=\"{}\">",
            name_token(s),
            name_token(t)
        )?;
        for ((name, _), v) in EDGE_ATTRIBUTES
            .iter()
            .zip(edge_values(&edge.values, Some(&edge.evidence)))
        {
            if let Some(v) = v {
                data(out, "e", name, &v)?;
            }
        }
        for (slice, values) in &edge.slices {
            for (name, v) in EDGE_SLICE_ATTRIBUTES.iter().zip(edge_slice_values(values)) {
                data(out, "e", &format!("{name}_{slice}"), &v)?;
            }
        }
        writeln!(out, "    </edge>")
    })?;
    writeln!(out, "  </graph>")?;
    writeln!(out, "</graphml>")?;
    out.flush()
}
