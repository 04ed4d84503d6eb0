//! GEXF 1.3 export, valid against the official RELAX NG grammar.
//!
//! Nodes carry `label` as the XML attribute and every other node attribute
//! as an `<attvalue>`; edges carry `weight` as the XML attribute (Gephi's
//! edge weight) and every edge attribute, `weight` included, as attvalues.
//! Attribute ids are their titles. GEXF ids are free strings, so node ids
//! are the entity ids as they are. Edge ids are `0`, `1`, … in edge order.
//!
//! With time slices the graph is `mode="dynamic"` with `timeformat="date"`:
//! every node and edge has one `<spell>` per slice where it occurs, from the
//! slice's first to its last day (`2023` → 2023-01-01 … 2023-12-31), and the
//! per-slice values are dynamic attributes (`<attributes mode="dynamic">`)
//! whose `<attvalue>`s carry the same `start`/`end`: `slice_mentions` and
//! `slice_documents` on nodes, `slice_weight`, `slice_cooccurrences` and
//! `slice_documents` on edges. The static attributes keep whole-corpus values.

use std::io::{self, Write};

use super::xml::escape;
use super::{
    edge_slice_values, edge_values, endpoints, extra_columns, node_slice_values, node_values,
    AttrType, Value, EDGE_ATTRIBUTES, EDGE_SLICE_ATTRIBUTES, NODE_ATTRIBUTES,
    NODE_SLICE_ATTRIBUTES,
};
use crate::graph::CoMentionGraph;

fn attribute(out: &mut dyn Write, title: &str, t: AttrType) -> io::Result<()> {
    let title = escape(title);
    writeln!(
        out,
        "      <attribute id=\"{title}\" title=\"{title}\" type=\"{}\"/>",
        t.name()
    )
}

fn attvalue(
    out: &mut dyn Write,
    name: &str,
    v: &Value<'_>,
    spell: Option<&(String, String)>,
) -> io::Result<()> {
    if let Some(text) = v.text() {
        write!(
            out,
            "          <attvalue for=\"{}\" value=\"{}\"",
            escape(name),
            escape(&text)
        )?;
        if let Some((start, end)) = spell {
            write!(out, " start=\"{start}\" end=\"{end}\"")?;
        }
        writeln!(out, "/>")?;
    }
    Ok(())
}

fn spells<'a>(
    out: &mut dyn Write,
    keys: impl Iterator<Item = &'a (String, String)>,
) -> io::Result<()> {
    writeln!(out, "        <spells>")?;
    for (start, end) in keys {
        writeln!(out, "          <spell start=\"{start}\" end=\"{end}\"/>")?;
    }
    writeln!(out, "        </spells>")
}

/// Writes `graph` as GEXF 1.3.
///
/// ```
/// let graph = comention::graph::CoMentionGraph::build(&Default::default(), &Default::default());
/// let mut out = Vec::new();
/// comention::export::gexf::write(&graph, &mut out).unwrap();
/// assert!(String::from_utf8(out).unwrap().contains(r#"<graph defaultedgetype="undirected" mode="static">"#));
/// ```
pub fn write(graph: &CoMentionGraph, out: &mut dyn Write) -> io::Result<()> {
    let mut out = io::BufWriter::new(out);
    let out: &mut dyn Write = &mut out;
    let days = |key: &str| {
        graph
            .slice
            .expect("slice keys only exist with a slice")
            .days(key)
    };
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<gexf xmlns="http://gexf.net/1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">"#
    )?;
    writeln!(out, "  <meta>")?;
    writeln!(out, "    <creator>comention</creator>")?;
    writeln!(
        out,
        "    <description>co-mention network; scope={}; weight={}; documents={}; scopes={}</description>",
        escape(&graph.scope.to_string()),
        graph.options.weight,
        graph.totals.documents,
        graph.totals.scopes
    )?;
    writeln!(out, "  </meta>")?;
    if graph.is_sliced() {
        writeln!(
            out,
            r#"  <graph defaultedgetype="undirected" mode="dynamic" timeformat="date">"#
        )?;
    } else {
        writeln!(
            out,
            r#"  <graph defaultedgetype="undirected" mode="static">"#
        )?;
    }
    let extras = extra_columns(graph);
    writeln!(out, r#"    <attributes class="node" mode="static">"#)?;
    for (name, t) in &NODE_ATTRIBUTES[1..] {
        attribute(out, name, *t)?;
    }
    for (_, column) in &extras {
        attribute(out, column, AttrType::String)?;
    }
    writeln!(out, "    </attributes>")?;
    writeln!(out, r#"    <attributes class="edge" mode="static">"#)?;
    for (name, t) in EDGE_ATTRIBUTES {
        attribute(out, name, *t)?;
    }
    writeln!(out, "    </attributes>")?;
    if graph.is_sliced() {
        writeln!(out, r#"    <attributes class="node" mode="dynamic">"#)?;
        for name in NODE_SLICE_ATTRIBUTES {
            attribute(out, &format!("slice_{name}"), AttrType::Long)?;
        }
        writeln!(out, "    </attributes>")?;
        writeln!(out, r#"    <attributes class="edge" mode="dynamic">"#)?;
        for name in EDGE_SLICE_ATTRIBUTES {
            let t = if *name == "weight" {
                AttrType::Double
            } else {
                AttrType::Long
            };
            attribute(out, &format!("slice_{name}"), t)?;
        }
        writeln!(out, "    </attributes>")?;
    }
    writeln!(out, "    <nodes count=\"{}\">", graph.nodes.len())?;
    for node in &graph.nodes {
        writeln!(
            out,
            "      <node id=\"{}\" label=\"{}\">",
            escape(&node.id),
            escape(&node.label)
        )?;
        writeln!(out, "        <attvalues>")?;
        for ((name, _), v) in NODE_ATTRIBUTES
            .iter()
            .zip(node_values(node, &node.counts))
            .skip(1)
        {
            if let Some(v) = v {
                attvalue(out, name, &v, None)?;
            }
        }
        for (attr, column) in &extras {
            if let Some(v) = node.attributes.get(attr) {
                attvalue(out, column, &Value::Str(v.into()), None)?;
            }
        }
        let node_spells: Vec<(String, String)> = node.slices.keys().map(|k| days(k)).collect();
        for ((_, counts), spell) in node.slices.iter().zip(&node_spells) {
            for (name, v) in NODE_SLICE_ATTRIBUTES.iter().zip(node_slice_values(counts)) {
                attvalue(out, &format!("slice_{name}"), &v, Some(spell))?;
            }
        }
        writeln!(out, "        </attvalues>")?;
        if !node_spells.is_empty() {
            spells(out, node_spells.iter())?;
        }
        writeln!(out, "      </node>")?;
    }
    writeln!(out, "    </nodes>")?;
    writeln!(out, "    <edges count=\"{}\">", graph.edges.len())?;
    // Edges are most of a large network's bytes: rendered in parallel, in
    // order.
    super::write_in_order(&graph.edges, out, |i, edge, out| {
        let (s, t) = endpoints(graph, edge);
        let weight = Value::Double(edge.values.weight);
        write!(
            out,
            "      <edge id=\"{i}\" source=\"{}\" target=\"{}\"",
            escape(s),
            escape(t)
        )?;
        if let Some(w) = weight.text() {
            write!(out, " weight=\"{w}\"")?;
        }
        writeln!(out, ">")?;
        writeln!(out, "        <attvalues>")?;
        for ((name, _), v) in EDGE_ATTRIBUTES
            .iter()
            .zip(edge_values(&edge.values, Some(&edge.evidence)))
        {
            if let Some(v) = v {
                attvalue(out, name, &v, None)?;
            }
        }
        let edge_spells: Vec<(String, String)> = edge.slices.keys().map(|k| days(k)).collect();
        for ((_, values), spell) in edge.slices.iter().zip(&edge_spells) {
            for (name, v) in EDGE_SLICE_ATTRIBUTES.iter().zip(edge_slice_values(values)) {
                attvalue(out, &format!("slice_{name}"), &v, Some(spell))?;
            }
        }
        writeln!(out, "        </attvalues>")?;
        if !edge_spells.is_empty() {
            spells(out, edge_spells.iter())?;
        }
        writeln!(out, "      </edge>")
    })?;
    writeln!(out, "    </edges>")?;
    writeln!(out, "  </graph>")?;
    writeln!(out, "</gexf>")?;
    out.flush()
}
