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

use std::borrow::Cow;
use std::io::{self, Write};

use super::xml::{escape, push_escaped, push_float, push_value};
use super::{
    edge_slice_values, edge_values, extra_columns, node_slice_values, node_values, AttrType, Value,
    EDGE_ATTRIBUTES, EDGE_SLICE_ATTRIBUTES, NODE_ATTRIBUTES, NODE_SLICE_ATTRIBUTES,
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

/// `          <attvalue for="NAME" value="`, made once per attribute.
fn attvalue_open(name: &str) -> Vec<u8> {
    let mut open = b"          <attvalue for=\"".to_vec();
    push_escaped(&mut open, name);
    open.extend_from_slice(b"\" value=\"");
    open
}

/// An `<attvalue>` with the opening `open` (see [`attvalue_open`]);
/// nothing for a value that is not written.
fn attvalue(out: &mut Vec<u8>, open: &[u8], v: &Value<'_>, spell: Option<&(String, String)>) {
    let start = out.len();
    out.extend_from_slice(open);
    if !push_value(out, v) {
        out.truncate(start);
        return;
    }
    out.push(b'"');
    if let Some((start, end)) = spell {
        push_spell_range(out, start, end);
    }
    out.extend_from_slice(b"/>\n");
}

/// ` start="START" end="END"`.
fn push_spell_range(out: &mut Vec<u8>, start: &str, end: &str) {
    out.extend_from_slice(b" start=\"");
    out.extend_from_slice(start.as_bytes());
    out.extend_from_slice(b"\" end=\"");
    out.extend_from_slice(end.as_bytes());
    out.push(b'"');
}

fn spells<'a>(out: &mut Vec<u8>, keys: impl Iterator<Item = &'a (String, String)>) {
    out.extend_from_slice(b"        <spells>\n");
    for (start, end) in keys {
        out.extend_from_slice(b"          <spell");
        push_spell_range(out, start, end);
        out.extend_from_slice(b"/>\n");
    }
    out.extend_from_slice(b"        </spells>\n");
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
    // Nodes and edges are rendered in parallel, in order; attribute
    // openings and escaped node ids are made once.
    let node_opens: Vec<Vec<u8>> = NODE_ATTRIBUTES
        .iter()
        .map(|(n, _)| attvalue_open(n))
        .collect();
    let extra_opens: Vec<Vec<u8>> = extras.iter().map(|(_, c)| attvalue_open(c)).collect();
    let edge_opens: Vec<Vec<u8>> = EDGE_ATTRIBUTES
        .iter()
        .map(|(n, _)| attvalue_open(n))
        .collect();
    let slice_open = |name: &str| attvalue_open(&format!("slice_{name}"));
    let node_slice_opens: Vec<Vec<u8>> = NODE_SLICE_ATTRIBUTES
        .iter()
        .map(|n| slice_open(n))
        .collect();
    let edge_slice_opens: Vec<Vec<u8>> = EDGE_SLICE_ATTRIBUTES
        .iter()
        .map(|n| slice_open(n))
        .collect();
    let ids: Vec<Cow<'_, str>> = graph.nodes.iter().map(|n| escape(&n.id)).collect();
    writeln!(out, "    <nodes count=\"{}\">", graph.nodes.len())?;
    super::write_in_order(&graph.nodes, out, |i, node, out| {
        out.extend_from_slice(b"      <node id=\"");
        out.extend_from_slice(ids[i].as_bytes());
        out.extend_from_slice(b"\" label=\"");
        push_escaped(out, &node.label);
        out.extend_from_slice(b"\">\n        <attvalues>\n");
        for (open, v) in node_opens
            .iter()
            .zip(node_values(node, &node.counts))
            .skip(1)
        {
            if let Some(v) = v {
                attvalue(out, open, &v, None);
            }
        }
        for ((attr, _), open) in extras.iter().zip(&extra_opens) {
            if let Some(v) = node.attributes.get(attr) {
                attvalue(out, open, &Value::Str(v.into()), None);
            }
        }
        let node_spells: Vec<(String, String)> = node.slices.keys().map(|k| days(k)).collect();
        for ((_, counts), spell) in node.slices.iter().zip(&node_spells) {
            for (open, v) in node_slice_opens.iter().zip(node_slice_values(counts)) {
                attvalue(out, open, &v, Some(spell));
            }
        }
        out.extend_from_slice(b"        </attvalues>\n");
        if !node_spells.is_empty() {
            spells(out, node_spells.iter());
        }
        out.extend_from_slice(b"      </node>\n");
    })?;
    writeln!(out, "    </nodes>")?;
    writeln!(out, "    <edges count=\"{}\">", graph.edges.len())?;
    super::write_in_order(&graph.edges, out, |i, edge, out| {
        let mut number = itoa::Buffer::new();
        out.extend_from_slice(b"      <edge id=\"");
        out.extend_from_slice(number.format(i).as_bytes());
        out.extend_from_slice(b"\" source=\"");
        out.extend_from_slice(ids[edge.source].as_bytes());
        out.extend_from_slice(b"\" target=\"");
        out.extend_from_slice(ids[edge.target].as_bytes());
        out.push(b'"');
        if edge.values.weight.is_finite() {
            out.extend_from_slice(b" weight=\"");
            push_float(out, edge.values.weight);
            out.push(b'"');
        }
        out.extend_from_slice(b">\n        <attvalues>\n");
        // Evidence (the last attribute) is written from the list, without
        // joining it into a string first.
        for (open, v) in edge_opens.iter().zip(edge_values(&edge.values, None)) {
            if let Some(v) = v {
                attvalue(out, open, &v, None);
            }
        }
        if !edge.evidence.is_empty() {
            out.extend_from_slice(edge_opens.last().expect("evidence is an edge attribute"));
            for (k, id) in edge.evidence.iter().enumerate() {
                if k > 0 {
                    out.push(b'|');
                }
                push_escaped(out, id);
            }
            out.extend_from_slice(b"\"/>\n");
        }
        let edge_spells: Vec<(String, String)> = edge.slices.keys().map(|k| days(k)).collect();
        for ((_, values), spell) in edge.slices.iter().zip(&edge_spells) {
            for (open, v) in edge_slice_opens.iter().zip(edge_slice_values(values)) {
                attvalue(out, open, &v, Some(spell));
            }
        }
        out.extend_from_slice(b"        </attvalues>\n");
        if !edge_spells.is_empty() {
            spells(out, edge_spells.iter());
        }
        out.extend_from_slice(b"      </edge>\n");
    })?;
    writeln!(out, "    </edges>")?;
    writeln!(out, "  </graph>")?;
    writeln!(out, "</gexf>")?;
    out.flush()
}
