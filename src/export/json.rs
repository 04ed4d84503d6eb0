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

use serde_json::{Number, Value as Json};

use super::{
    edge_slice_values, edge_values, endpoints, extra_columns, node_slice_values, node_values,
    Value, EDGE_ATTRIBUTES, EDGE_SLICE_ATTRIBUTES, NODE_ATTRIBUTES, NODE_SLICE_ATTRIBUTES,
};
use crate::graph::CoMentionGraph;

fn json(v: Value<'_>) -> Json {
    match v {
        Value::Str(s) => Json::String(s.into_owned()),
        Value::Long(n) => Json::Number(n.into()),
        Value::Double(x) => Number::from_f64(x).map_or(Json::Null, Json::Number),
    }
}

type Object = Vec<(String, Json)>;

fn insert(map: &mut Object, name: &str, v: Option<Value<'_>>) {
    if let Some(v) = v {
        map.push((name.to_string(), json(v)));
    }
}

/// Writes an object with its keys in the given order (serde_json's `Map`
/// order depends on a cargo feature that any dependency may switch on).
fn write_object(out: &mut dyn Write, object: &Object) -> io::Result<()> {
    out.write_all(b"{")?;
    for (i, (k, v)) in object.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut *out, k)?;
        out.write_all(b":")?;
        serde_json::to_writer(&mut *out, v)?;
    }
    out.write_all(b"}")
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
    let graph_attrs: Object = vec![
        ("scope".into(), Json::String(graph.scope.to_string())),
        (
            "weight".into(),
            Json::String(graph.options.weight.to_string()),
        ),
        ("documents".into(), graph.totals.documents.into()),
        ("scopes".into(), graph.totals.scopes.into()),
    ];
    out.write_all(br#"{"directed":false,"multigraph":false,"graph":"#)?;
    write_object(out, &graph_attrs)?;
    out.write_all(br#","nodes":["#)?;
    for (i, node) in graph.nodes.iter().enumerate() {
        let mut m: Object = vec![("id".into(), Json::String(node.id.clone()))];
        for ((name, _), v) in NODE_ATTRIBUTES.iter().zip(node_values(node, &node.counts)) {
            insert(&mut m, name, v);
        }
        for (attr, column) in &extras {
            if let Some(v) = node.attributes.get(attr) {
                m.push((column.clone(), Json::String(v.clone())));
            }
        }
        for (slice, counts) in &node.slices {
            for (name, v) in NODE_SLICE_ATTRIBUTES.iter().zip(node_slice_values(counts)) {
                insert(&mut m, &format!("{name}_{slice}"), Some(v));
            }
        }
        if i > 0 {
            out.write_all(b",")?;
        }
        write_object(out, &m)?;
    }
    out.write_all(br#"],"edges":["#)?;
    for (i, edge) in graph.edges.iter().enumerate() {
        let (s, t) = endpoints(graph, edge);
        let mut m: Object = vec![
            ("source".into(), Json::String(s.to_string())),
            ("target".into(), Json::String(t.to_string())),
        ];
        for ((name, _), v) in EDGE_ATTRIBUTES.iter().zip(edge_values(&edge.values, None)) {
            insert(&mut m, name, v);
        }
        if !edge.evidence.is_empty() {
            m.push(("evidence".into(), edge.evidence.clone().into()));
        }
        for (slice, values) in &edge.slices {
            for (name, v) in EDGE_SLICE_ATTRIBUTES.iter().zip(edge_slice_values(values)) {
                insert(&mut m, &format!("{name}_{slice}"), Some(v));
            }
        }
        if i > 0 {
            out.write_all(b",")?;
        }
        write_object(out, &m)?;
    }
    out.write_all(b"]}\n")?;
    out.flush()
}
