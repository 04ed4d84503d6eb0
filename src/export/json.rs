//! JSON export in NetworkX's node-link format.
//!
//! `{"directed":false,"multigraph":false,"graph":{…},"nodes":[{"id":…,…}],"edges":[{"source":…,"target":…,…}]}`
//! on one line, ending with a newline. The edge list is named `edges`, the
//! default of `networkx.node_link_graph` since NetworkX 3.6, so
//! `nx.node_link_graph(json.load(f))` reads it; NetworkX 3.4–3.5 need
//! `edges="edges"` and older versions `link="edges"`. `graph` holds `scope`,
//! `weight`, `documents` and `scopes` (N). Attributes without a value are
//! left out; with time slices nodes and edges carry `NAME_SLICE` keys like
//! the GraphML export (absent means 0).

use std::io::{self, Write};

use super::{
    edge_slice_values, edge_values, endpoints, extra_columns, node_slice_values, node_values,
    Value, EDGE_ATTRIBUTES, EDGE_SLICE_ATTRIBUTES, NODE_ATTRIBUTES, NODE_SLICE_ATTRIBUTES,
};
use crate::graph::CoMentionGraph;

/// Appends `s` as a JSON string.
fn string(out: &mut Vec<u8>, s: &str) {
    serde_json::to_writer(out, s).expect("writing to memory");
}

/// Appends `,"name":value`; a non-finite float is `null`, as serde_json
/// writes it.
fn member(out: &mut Vec<u8>, name: &str, v: &Value<'_>) {
    out.push(b',');
    string(out, name);
    out.push(b':');
    match v {
        Value::Str(s) => string(out, s),
        Value::Long(n) => serde_json::to_writer(&mut *out, n).expect("writing to memory"),
        Value::Double(x) => serde_json::to_writer(&mut *out, x).expect("writing to memory"),
    }
}

/// Writes `graph` as node-link JSON.
///
/// ```
/// let graph = comention::graph::CoMentionGraph::build(&Default::default(), &Default::default());
/// let mut out = Vec::new();
/// comention::export::json::write(&graph, &mut out).unwrap();
/// assert!(String::from_utf8(out).unwrap().ends_with("\"nodes\":[],\"edges\":[]}\n"));
/// ```
pub fn write(graph: &CoMentionGraph, out: &mut dyn Write) -> io::Result<()> {
    let extras = extra_columns(graph);
    let mut out = io::BufWriter::new(out);
    let out: &mut dyn Write = &mut out;
    // The graph's attributes in this order (serde_json's `Map` order
    // depends on a cargo feature that any dependency may switch on).
    let mut head = br#"{"directed":false,"multigraph":false,"graph":{"scope":"#.to_vec();
    string(&mut head, &graph.scope.to_string());
    member(
        &mut head,
        "weight",
        &Value::Str(graph.options.weight.to_string().into()),
    );
    member(&mut head, "documents", &Value::Long(graph.totals.documents));
    member(&mut head, "scopes", &Value::Long(graph.totals.scopes));
    head.extend_from_slice(br#"},"nodes":["#);
    out.write_all(&head)?;
    // Nodes and edges are laid out straight into bytes, on the pool (an
    // object of owned keys and values per edge made JSON the slowest
    // export of a large network).
    super::write_in_order(&graph.nodes, out, |i, node, out| {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"id\":");
        string(out, &node.id);
        for ((name, _), v) in NODE_ATTRIBUTES.iter().zip(node_values(node, &node.counts)) {
            if let Some(v) = v {
                member(out, name, &v);
            }
        }
        for (attr, column) in &extras {
            if let Some(v) = node.attributes.get(attr) {
                member(out, column, &Value::Str(v.into()));
            }
        }
        for (slice, counts) in &node.slices {
            for (name, v) in NODE_SLICE_ATTRIBUTES.iter().zip(node_slice_values(counts)) {
                member(out, &format!("{name}_{slice}"), &v);
            }
        }
        out.push(b'}');
    })?;
    out.write_all(br#"],"edges":["#)?;
    super::write_in_order(&graph.edges, out, |i, edge, out| {
        if i > 0 {
            out.push(b',');
        }
        let (s, t) = endpoints(graph, edge);
        out.extend_from_slice(b"{\"source\":");
        string(out, s);
        out.extend_from_slice(b",\"target\":");
        string(out, t);
        for ((name, _), v) in EDGE_ATTRIBUTES.iter().zip(edge_values(&edge.values, None)) {
            if let Some(v) = v {
                member(out, name, &v);
            }
        }
        if !edge.evidence.is_empty() {
            out.extend_from_slice(b",\"evidence\":");
            serde_json::to_writer(&mut *out, &edge.evidence).expect("writing to memory");
        }
        for (slice, values) in &edge.slices {
            for (name, v) in EDGE_SLICE_ATTRIBUTES.iter().zip(edge_slice_values(values)) {
                member(out, &format!("{name}_{slice}"), &v);
            }
        }
        out.push(b'}');
    })?;
    out.write_all(b"]}\n")?;
    out.flush()
}
