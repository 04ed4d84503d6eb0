//! The co-mention network: nodes and weighted undirected edges built from
//! [`CoMentionCounts`], with association [`measures`] and filters. Exporters
//! in [`crate::export`] write it; nothing here reads or writes files.
//!
//! [`CoMentionGraph::build`] takes the overall counts and applies, in order:
//!
//! 1. node filters: `min_mentions`, `types` (an entity without a known type
//!    fails a type filter); edges to removed nodes go too;
//! 2. edge filters: `min_cooccurrences`, then `min_weight` on the chosen
//!    [`Weight`];
//! 3. the disparity backbone ([`Backbone`]), on the graph left by 1–2;
//! 4. `top_k`: an edge stays if it is among the K strongest edges of *either*
//!    endpoint (ranked by weight, then co-occurrences, then the other
//!    endpoint's id), counted on the graph left by 1–3.
//!
//! Nodes that lose all their edges stay (they passed the node filters).
//! Nodes are sorted by id, edges by `(source id, target id)` with
//! `source < target`. With time slices, each surviving node and edge also
//! carries its per-slice counts and measures, computed from that slice's
//! counts (N = the slice's scopes); the filters only look at the whole corpus.
//!
//! # The disparity backbone
//!
//! Serrano, Boguñá and Vespignani (2009), *Extracting the multiscale backbone
//! of complex weighted networks*, PNAS 106(16). For an edge (i, j) and an
//! endpoint i with degree `k > 1` and strength `s_i` (sum of its edge
//! weights), `p = w_ij / s_i` and `α_ij = (1 − p)^(k − 1)`; the edge stays if
//! `α_ij < ALPHA` for either endpoint. A degree-1 endpoint does not vote (its
//! only edge always carries all its strength); an edge whose two endpoints
//! both have degree 1 (an isolated pair) stays. The test needs positive
//! weights: edges with weight ≤ 0 (possible with `pmi`, `npmi`) are dropped
//! by the backbone and do not count in degrees or strengths.

pub mod measures;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::str::FromStr;

pub use measures::Measures;

use rayon::prelude::*;

use crate::counts::{
    CoMentionCounts, Counter, Layer, NodeCounts, PairCounts, PairStrings, Scope, Slice, Tally,
    Totals,
};
use crate::error::{Error, Result};

/// What an edge's `weight` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Weight {
    /// Scopes holding both entities.
    #[default]
    Cooccurrences,
    /// Documents where both co-occur.
    Documents,
    /// [`Measures::pmi`].
    Pmi,
    /// [`Measures::npmi`].
    Npmi,
    /// [`Measures::jaccard`].
    Jaccard,
    /// [`Measures::dice`].
    Dice,
    /// [`Measures::llr`].
    Llr,
}

impl Weight {
    /// Every weight, in the order of the documentation.
    pub const ALL: [Weight; 7] = [
        Weight::Cooccurrences,
        Weight::Documents,
        Weight::Pmi,
        Weight::Npmi,
        Weight::Jaccard,
        Weight::Dice,
        Weight::Llr,
    ];

    /// The weight of an edge with these counts and measures.
    pub fn of(self, cooccurrences: u64, documents: u64, m: &Measures) -> f64 {
        match self {
            Weight::Cooccurrences => cooccurrences as f64,
            Weight::Documents => documents as f64,
            Weight::Pmi => m.pmi,
            Weight::Npmi => m.npmi,
            Weight::Jaccard => m.jaccard,
            Weight::Dice => m.dice,
            Weight::Llr => m.llr,
        }
    }
}

impl fmt::Display for Weight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Weight::Cooccurrences => "cooccurrences",
            Weight::Documents => "documents",
            Weight::Pmi => "pmi",
            Weight::Npmi => "npmi",
            Weight::Jaccard => "jaccard",
            Weight::Dice => "dice",
            Weight::Llr => "llr",
        })
    }
}

impl FromStr for Weight {
    type Err = Error;

    /// ```
    /// assert_eq!("npmi".parse::<comention::graph::Weight>()?, comention::graph::Weight::Npmi);
    /// # Ok::<(), comention::Error>(())
    /// ```
    fn from_str(s: &str) -> Result<Self> {
        Weight::ALL
            .into_iter()
            .find(|w| w.to_string() == s)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "unknown weight {s:?}; use cooccurrences, documents, pmi, npmi, jaccard, dice or llr"
                ))
            })
    }
}

/// A significance filter that keeps the backbone of the network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Backbone {
    /// The disparity filter at significance level `alpha` in (0, 1).
    Disparity {
        /// Keep edges with α_ij below this.
        alpha: f64,
    },
}

impl FromStr for Backbone {
    type Err = Error;

    /// Parses `disparity:ALPHA` with 0 < ALPHA < 1.
    ///
    /// ```
    /// use comention::graph::Backbone;
    /// assert_eq!("disparity:0.05".parse::<Backbone>()?, Backbone::Disparity { alpha: 0.05 });
    /// assert!("disparity:2".parse::<Backbone>().is_err());
    /// # Ok::<(), comention::Error>(())
    /// ```
    fn from_str(s: &str) -> Result<Self> {
        match s.strip_prefix("disparity:").map(str::parse::<f64>) {
            Some(Ok(alpha)) if alpha > 0.0 && alpha < 1.0 => Ok(Backbone::Disparity { alpha }),
            _ => Err(Error::Invalid(format!(
                "unknown backbone {s:?}; use disparity:ALPHA with 0 < ALPHA < 1, e.g. disparity:0.05"
            ))),
        }
    }
}

impl fmt::Display for Backbone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Backbone::Disparity { alpha } => write!(f, "disparity:{alpha}"),
        }
    }
}

/// How to turn counts into a graph: the weight and the filters.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GraphOptions {
    /// What `weight` holds.
    pub weight: Weight,
    /// Drop edges whose weight is below this.
    pub min_weight: Option<f64>,
    /// Drop edges with fewer co-occurrences.
    pub min_cooccurrences: u64,
    /// Drop nodes with fewer mentions.
    pub min_mentions: u64,
    /// Keep only nodes of these types (empty: all).
    pub types: BTreeSet<String>,
    /// Keep each node's K strongest edges.
    pub top_k: Option<usize>,
    /// Significance backbone.
    pub backbone: Option<Backbone>,
}

/// One entity of the graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Entity id.
    pub id: String,
    /// Label (the entity name; the id when unknown).
    pub label: String,
    /// Entity type (empty when unknown).
    pub kind: String,
    /// Extra gazetteer attributes.
    pub attributes: BTreeMap<String, String>,
    /// Counts over the whole corpus.
    pub counts: NodeCounts,
    /// Counts per time slice where the entity is mentioned.
    pub slices: BTreeMap<String, NodeCounts>,
}

/// Counts and measures of an edge in one time slice, or overall.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeValues {
    /// The chosen weight.
    pub weight: f64,
    /// Scopes holding both.
    pub cooccurrences: u64,
    /// Documents where both co-occur.
    pub documents: u64,
    /// Association measures.
    pub measures: Measures,
    /// Earliest date.
    pub first_date: Option<String>,
    /// Latest date.
    pub last_date: Option<String>,
}

/// One undirected edge; `source < target` as node indices and as ids.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    /// Index into [`CoMentionGraph::nodes`].
    pub source: usize,
    /// Index into [`CoMentionGraph::nodes`].
    pub target: usize,
    /// Values over the whole corpus.
    pub values: EdgeValues,
    /// Example document ids (the smallest).
    pub evidence: Vec<String>,
    /// Values per time slice where the pair co-occurs.
    pub slices: BTreeMap<String, EdgeValues>,
}

/// A co-mention network, ready to export.
#[derive(Debug, Clone, PartialEq)]
pub struct CoMentionGraph {
    /// Nodes sorted by id.
    pub nodes: Vec<Node>,
    /// Edges sorted by `(source, target)`.
    pub edges: Vec<Edge>,
    /// The scope the counts were made with.
    pub scope: Scope,
    /// The slice length, when sliced.
    pub slice: Option<Slice>,
    /// Every slice key present in the counts, sorted.
    pub slice_keys: Vec<String>,
    /// The weight and filters used.
    pub options: GraphOptions,
    /// Corpus totals.
    pub totals: Totals,
}

impl CoMentionGraph {
    /// Builds the graph (see the [module docs](self) for the filter order).
    ///
    /// ```
    /// use comention::counts::{CoMentionCounts, CountOptions};
    /// use comention::graph::{CoMentionGraph, GraphOptions};
    /// let gaz = comention::Gazetteer::from_csv_str(
    ///     "id,type,name,aliases\nru,COUNTRY,Russia,\nkz,COUNTRY,Kazakhstan,\n")?;
    /// let doc = comention::Document::new("d1", "Russia and Kazakhstan.");
    /// let mut counts = CoMentionCounts::of(&doc, &comention::Tagger::new(&gaz).tag(&doc.text), &gaz, &CountOptions::default());
    /// counts.attach_entities(&gaz);
    /// let graph = CoMentionGraph::build(&counts, &GraphOptions::default());
    /// assert_eq!(graph.nodes[0].id, "kz");
    /// assert_eq!(graph.edges[0].values.weight, 1.0);
    /// # Ok::<(), comention::Error>(())
    /// ```
    pub fn build(counts: &CoMentionCounts, options: &GraphOptions) -> CoMentionGraph {
        CoMentionGraph::assemble(counts, options, None)
    }

    /// Builds the graph as [`CoMentionGraph::build`] does, moving each
    /// pair's evidence ids and dates out of `counts` instead of copying
    /// them (copies were half the time of building a large network): for
    /// counts that are not needed afterwards. `counts` keeps its numbers;
    /// its overall pairs are left without evidence and dates.
    ///
    /// ```
    /// use comention::counts::{CoMentionCounts, CountOptions};
    /// use comention::graph::{CoMentionGraph, GraphOptions};
    /// let gaz = comention::Gazetteer::from_csv_str(
    ///     "id,type,name,aliases\nru,COUNTRY,Russia,\nkz,COUNTRY,Kazakhstan,\n")?;
    /// let doc = comention::Document::new("d1", "Russia and Kazakhstan.");
    /// let mut counts = CoMentionCounts::of(&doc, &comention::Tagger::new(&gaz).tag(&doc.text), &gaz, &CountOptions::default());
    /// let copied = CoMentionGraph::build(&counts, &GraphOptions::default());
    /// let moved = CoMentionGraph::build_taking(&mut counts, &GraphOptions::default());
    /// assert_eq!(moved, copied);
    /// assert_eq!(moved.edges[0].evidence, ["d1"]);
    /// assert!(counts.overall().pair("ru", "kz").unwrap().evidence.is_empty());
    /// # Ok::<(), comention::Error>(())
    /// ```
    pub fn build_taking(counts: &mut CoMentionCounts, options: &GraphOptions) -> CoMentionGraph {
        let taken = counts.overall_mut().take_pair_strings();
        CoMentionGraph::assemble(counts, options, Some(taken))
    }

    /// The graph of `counts`; `taken` holds the overall pairs' strings, in
    /// sorted pair order, when they were moved out of `counts`.
    fn assemble(
        counts: &CoMentionCounts,
        options: &GraphOptions,
        taken: Option<Vec<PairStrings>>,
    ) -> CoMentionGraph {
        let overall = counts.overall();
        let entities = counts.entities();
        // Kept ids, borrowed from the counts (so that `index` outlives
        // changes to `nodes`).
        let kept: Vec<(&str, &NodeCounts)> = overall
            .sorted_nodes()
            .into_iter()
            .filter(|(_, n)| n.mentions >= options.min_mentions)
            .filter(|(id, _)| {
                let kind = entities.get(*id).map_or("", |i| i.kind.as_str());
                options.types.is_empty() || options.types.contains(kind)
            })
            .collect();
        let nodes: Vec<Node> = kept
            .iter()
            .map(|&(id, n)| {
                let info = entities.get(id);
                Node {
                    id: id.to_string(),
                    label: info.map_or_else(|| id.to_string(), |i| i.label.clone()),
                    kind: info.map(|i| i.kind.clone()).unwrap_or_default(),
                    attributes: info.map(|i| i.attributes.clone()).unwrap_or_default(),
                    counts: n.clone(),
                    slices: BTreeMap::new(),
                }
            })
            .collect();
        let index: HashMap<&str, usize> = kept
            .iter()
            .enumerate()
            .map(|(i, &(id, _))| (id, i))
            .collect();

        // Edges in parallel, in the order of the sorted pairs; the scopes
        // of an edge's ends come from its nodes (the overall counts).
        let pairs = overall.sorted_pairs();
        let n = overall.totals().scopes;
        let edge = |&(a, b, p): &(&str, &str, &PairCounts), taken: Option<PairStrings>| {
            let (&source, &target) = (index.get(a)?, index.get(b)?);
            make_edge(&nodes, source, target, n, p, options, || {
                taken.unwrap_or_else(|| PairStrings::of(p))
            })
        };
        let edges: Vec<Edge> = match taken {
            None => pairs
                .par_iter()
                .filter_map(|pair| edge(pair, None))
                .collect(),
            Some(taken) => pairs
                .par_iter()
                .zip(taken)
                .filter_map(|(pair, strings)| edge(pair, Some(strings)))
                .collect(),
        };
        CoMentionGraph::complete(counts, &index, nodes, edges, options, overall.totals())
    }

    /// Builds the graph of a [`Tally`] as [`CoMentionGraph::build_taking`]
    /// builds it from [`Counter::finish`]'s counts with the gazetteer's
    /// entities attached, equal to it, but without keying every pair of
    /// the whole corpus by id strings first: the nodes are put in order of
    /// their ids once, and the pairs in order of their nodes' positions.
    /// For a large network this is most of the time spent after the last
    /// document (`comention graph` without `--save-state`).
    ///
    /// ```
    /// use comention::counts::{CountOptions, Counter};
    /// use comention::graph::{CoMentionGraph, GraphOptions};
    /// let gaz = comention::Gazetteer::from_csv_str(
    ///     "id,type,name,aliases\nru,COUNTRY,Russia,\nkz,COUNTRY,Kazakhstan,\n")?;
    /// let tagger = comention::Tagger::new(&gaz);
    /// let counter = Counter::new(&gaz, CountOptions::default());
    /// let (mut tally, mut again) = (counter.tally(), counter.tally());
    /// for (id, text) in [("a", "Russia and Kazakhstan."), ("b", "Kazakhstan.")] {
    ///     let doc = comention::Document::new(id, text);
    ///     tally.add(counter.count(&doc, &tagger.tag(&doc.text)));
    ///     again.add(counter.count(&doc, &tagger.tag(&doc.text)));
    /// }
    /// let graph = CoMentionGraph::from_tally(&counter, tally, &GraphOptions::default());
    /// let mut counts = counter.finish(again);
    /// counts.attach_entities(&gaz);
    /// assert_eq!(graph, CoMentionGraph::build(&counts, &GraphOptions::default()));
    /// assert_eq!(graph.edges[0].evidence, ["a"]);
    /// # Ok::<(), comention::Error>(())
    /// ```
    pub fn from_tally(counter: &Counter, tally: Tally, options: &GraphOptions) -> CoMentionGraph {
        let entities = counter.gazetteer().entities();
        let (overall, slices) = counter.finish_indexed(tally);
        let mut kept: Vec<(u32, NodeCounts)> = overall
            .nodes
            .into_iter()
            .filter(|(e, n)| {
                n.mentions >= options.min_mentions
                    && (options.types.is_empty()
                        || options.types.contains(&entities[*e as usize].kind))
            })
            .collect();
        kept.par_sort_unstable_by(|x, y| entities[x.0 as usize].id.cmp(&entities[y.0 as usize].id));
        let mut position = vec![u32::MAX; entities.len()];
        for (i, &(e, _)) in kept.iter().enumerate() {
            position[e as usize] = i as u32;
        }
        // Slices are looked up by id (see `add_slices`).
        let index: HashMap<&str, usize> = match slices.slices().next() {
            Some(_) => (kept.iter().enumerate())
                .map(|(i, &(e, _))| (entities[e as usize].id.as_str(), i))
                .collect(),
            None => HashMap::new(),
        };
        let nodes: Vec<Node> = kept
            .into_par_iter()
            .map(|(e, counts)| {
                let entity = &entities[e as usize];
                Node {
                    id: entity.id.clone(),
                    label: entity.name.clone(),
                    kind: entity.kind.clone(),
                    attributes: entity.attributes.clone(),
                    counts,
                    slices: BTreeMap::new(),
                }
            })
            .collect();
        let n = overall.totals.scopes;
        let totals = overall.totals;
        // A dropped edge's strings are never made.
        let edges: Vec<Edge> = overall.pairs.at(&position, |a, b, p, strings| {
            make_edge(&nodes, a as usize, b as usize, n, &p, options, || {
                strings.make()
            })
        });
        CoMentionGraph::complete(&slices, &index, nodes, edges, options, totals)
    }

    /// The graph of `nodes` and their candidate `edges` (in order, past the
    /// edge filters): the backbone, top K, and the slices of `counts`,
    /// whose ids `index` maps to nodes.
    fn complete(
        counts: &CoMentionCounts,
        index: &HashMap<&str, usize>,
        mut nodes: Vec<Node>,
        mut edges: Vec<Edge>,
        options: &GraphOptions,
        totals: Totals,
    ) -> CoMentionGraph {
        if let Some(Backbone::Disparity { alpha }) = options.backbone {
            edges = disparity(edges, nodes.len(), alpha);
        }
        if let Some(k) = options.top_k {
            edges = top_k(edges, &nodes, k);
        }
        add_slices(counts, index, &mut nodes, &mut edges, options.weight);
        CoMentionGraph {
            nodes,
            edges,
            scope: counts.options().scope,
            slice: counts.options().slice,
            slice_keys: counts.slices().map(|(k, _)| k.to_string()).collect(),
            options: options.clone(),
            totals,
        }
    }

    /// A copy as a petgraph undirected graph (node and edge weights are
    /// the [`Node`] and [`Edge`] values; node indices are kept).
    ///
    /// ```
    /// let g = comention::graph::CoMentionGraph::build(&Default::default(), &Default::default());
    /// assert_eq!(g.to_petgraph().node_count(), 0);
    /// ```
    pub fn to_petgraph(&self) -> petgraph::graph::UnGraph<Node, Edge> {
        let mut g = petgraph::graph::UnGraph::with_capacity(self.nodes.len(), self.edges.len());
        let ids: Vec<_> = self.nodes.iter().map(|n| g.add_node(n.clone())).collect();
        for e in &self.edges {
            g.add_edge(ids[e.source], ids[e.target], e.clone());
        }
        g
    }

    /// True when the graph has per-slice values.
    pub fn is_sliced(&self) -> bool {
        self.slice.is_some()
    }
}

/// The edge between `nodes[source]` and `nodes[target]` with the counts
/// `p`, of `n` scopes in all, unless the edge filters drop it; `strings`
/// gives its evidence and dates (asked for last: none is made for a
/// dropped edge).
fn make_edge(
    nodes: &[Node],
    source: usize,
    target: usize,
    n: u64,
    p: &PairCounts,
    options: &GraphOptions,
    strings: impl FnOnce() -> PairStrings,
) -> Option<Edge> {
    if p.cooccurrences < options.min_cooccurrences {
        return None;
    }
    let (sa, sb) = (nodes[source].counts.scopes, nodes[target].counts.scopes);
    let mut values = edge_values(sa, sb, n, p, options.weight, (None, None));
    if options.min_weight.is_some_and(|min| values.weight < min) {
        return None;
    }
    let PairStrings { evidence, dates } = strings();
    (values.first_date, values.last_date) = dates;
    Some(Edge {
        source,
        target,
        values,
        evidence,
        slices: BTreeMap::new(),
    })
}

/// The values of a pair whose ends are in `sa` and `sb` of `n` scopes.
/// Its first and last dates are `dates`.
fn edge_values(
    sa: u64,
    sb: u64,
    n: u64,
    p: &PairCounts,
    weight: Weight,
    dates: (Option<String>, Option<String>),
) -> EdgeValues {
    let measures = Measures::of(p.cooccurrences, sa, sb, n);
    EdgeValues {
        weight: weight.of(p.cooccurrences, p.documents, &measures),
        cooccurrences: p.cooccurrences,
        documents: p.documents,
        measures,
        first_date: dates.0,
        last_date: dates.1,
    }
}

/// Fills the per-slice counts of `nodes` and the per-slice values of
/// `edges` (whose ids `index` maps to node indices).
///
/// Each slice is looked at once, in parallel: its own nodes and pairs are
/// looked up among the graph's (a slice holds a fraction of the corpus's
/// pairs), instead of every edge being looked up in every slice. Each node
/// and edge then builds its map from its list, which comes in slice order.
fn add_slices(
    counts: &CoMentionCounts,
    index: &HashMap<&str, usize>,
    nodes: &mut [Node],
    edges: &mut [Edge],
    weight: Weight,
) {
    let slices: Vec<(&str, &Layer)> = counts.slices().collect();
    if slices.is_empty() {
        return;
    }
    let edge_at: HashMap<(usize, usize), usize> = edges
        .iter()
        .enumerate()
        .map(|(i, e)| ((e.source, e.target), i))
        .collect();
    type Found = (Vec<(usize, NodeCounts)>, Vec<(usize, EdgeValues)>);
    // `scopes[i]`: node i's scopes in the slice at hand, 0 for a node not
    // in it (as a state read from a file may pair one). One table per
    // worker, reset after each slice: many daily slices of a large network
    // must not each allocate and clear a table of all nodes.
    let found: Vec<Found> = slices
        .par_iter()
        .map_init(
            || vec![0; nodes.len()],
            |scopes, &(_, layer)| {
                let mut in_nodes = Vec::new();
                for (id, n) in layer.nodes() {
                    if let Some(&i) = index.get(id) {
                        scopes[i] = n.scopes;
                        in_nodes.push((i, n.clone()));
                    }
                }
                let mut in_edges = Vec::new();
                let total = layer.totals().scopes;
                let mut last: Option<(&str, Option<usize>)> = None;
                for (a, b, p) in layer.pairs() {
                    let source = match last {
                        Some((id, at)) if id == a => at,
                        _ => index.get(a).copied(),
                    };
                    last = Some((a, source));
                    let Some(source) = source else { continue };
                    let Some(&target) = index.get(b) else {
                        continue;
                    };
                    if let Some(&e) = edge_at.get(&(source, target)) {
                        let dates = (p.first_date.clone(), p.last_date.clone());
                        let values =
                            edge_values(scopes[source], scopes[target], total, p, weight, dates);
                        in_edges.push((e, values));
                    }
                }
                for &(i, _) in &in_nodes {
                    scopes[i] = 0;
                }
                (in_nodes, in_edges)
            },
        )
        .collect();
    let mut node_lists: Vec<Vec<(usize, NodeCounts)>> = vec![Vec::new(); nodes.len()];
    let mut edge_lists: Vec<Vec<(usize, EdgeValues)>> = vec![Vec::new(); edges.len()];
    for (s, (in_nodes, in_edges)) in found.into_iter().enumerate() {
        for (i, n) in in_nodes {
            node_lists[i].push((s, n));
        }
        for (e, v) in in_edges {
            edge_lists[e].push((s, v));
        }
    }
    let key = |s: usize| slices[s].0.to_string();
    nodes
        .par_iter_mut()
        .zip(node_lists)
        .for_each(|(node, list)| {
            node.slices = list.into_iter().map(|(s, n)| (key(s), n)).collect()
        });
    edges
        .par_iter_mut()
        .zip(edge_lists)
        .for_each(|(edge, list)| {
            edge.slices = list.into_iter().map(|(s, v)| (key(s), v)).collect()
        });
}

fn disparity(edges: Vec<Edge>, node_count: usize, alpha: f64) -> Vec<Edge> {
    let edges: Vec<Edge> = edges
        .into_iter()
        .filter(|e| e.values.weight > 0.0)
        .collect();
    let mut degree = vec![0u64; node_count];
    let mut strength = vec![0f64; node_count];
    for e in &edges {
        for i in [e.source, e.target] {
            degree[i] += 1;
            strength[i] += e.values.weight;
        }
    }
    let significant = |i: usize, w: f64| {
        let k = degree[i];
        k > 1 && (1.0 - w / strength[i]).powi((k - 1) as i32) < alpha
    };
    edges
        .into_iter()
        .filter(|e| {
            let (s, t, w) = (e.source, e.target, e.values.weight);
            (degree[s] == 1 && degree[t] == 1) || significant(s, w) || significant(t, w)
        })
        .collect()
}

fn top_k(edges: Vec<Edge>, nodes: &[Node], k: usize) -> Vec<Edge> {
    let mut incident: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    for (i, e) in edges.iter().enumerate() {
        incident[e.source].push(i);
        incident[e.target].push(i);
    }
    let mut keep = vec![false; edges.len()];
    for (node, list) in incident.iter_mut().enumerate() {
        let other = |e: &Edge| if e.source == node { e.target } else { e.source };
        list.sort_by(|&x, &y| {
            let (ex, ey) = (&edges[x], &edges[y]);
            ey.values
                .weight
                .total_cmp(&ex.values.weight)
                .then(ey.values.cooccurrences.cmp(&ex.values.cooccurrences))
                .then(nodes[other(ex)].id.cmp(&nodes[other(ey)].id))
        });
        for &i in list.iter().take(k) {
            keep[i] = true;
        }
    }
    edges
        .into_iter()
        .zip(keep)
        .filter_map(|(e, k)| k.then_some(e))
        .collect()
}

#[cfg(test)]
mod tests;
