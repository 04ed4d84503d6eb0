use super::*;
use crate::counts::tests::{corpus, count, doc};
use crate::counts::CountOptions;

/// The counts module's corpus plus `d5`: 5 documents (document scope, N = 5);
/// Russia in 3 (4 mentions), Kazakhstan in 2, China in 3; China–Kazakhstan
/// in 2, China–Russia in 2, Kazakhstan–Russia in 1.
fn counts_with(options: &CountOptions) -> CoMentionCounts {
    let mut docs = corpus();
    docs.push(doc("d5", Some("2023-03-01"), "Russia and China. Russia."));
    count(&docs, options)
}

fn graph(options: &GraphOptions) -> CoMentionGraph {
    CoMentionGraph::build(&counts_with(&CountOptions::default()), options)
}

fn edge<'g>(g: &'g CoMentionGraph, a: &str, b: &str) -> Option<&'g Edge> {
    g.edges
        .iter()
        .find(|e| g.nodes[e.source].id == a && g.nodes[e.target].id == b)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

// Expected values computed once with python3 from the formulas in measures.rs.
#[test]
fn every_measure_by_hand() {
    let g = graph(&GraphOptions::default());
    let ids: Vec<&str> = g.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["cn", "kz", "ru"]);
    assert_eq!(g.totals.scopes, 5);
    let pairs: Vec<(&str, &str)> = g
        .edges
        .iter()
        .map(|e| (g.nodes[e.source].id.as_str(), g.nodes[e.target].id.as_str()))
        .collect();
    assert_eq!(pairs, [("cn", "kz"), ("cn", "ru"), ("kz", "ru")]);

    let cases = [
        (
            "cn",
            "kz",
            2,
            [
                0.5108256237659907,
                0.5574929506502402,
                2.0 / 3.0,
                0.8,
                2.9110316603236877,
            ],
        ),
        (
            "cn",
            "ru",
            2,
            [
                0.10536051565782635,
                0.1149859013004802,
                0.5,
                2.0 / 3.0,
                0.13844293808390656,
            ],
        ),
        (
            "kz",
            "ru",
            1,
            [
                -0.1823215567939546,
                -0.11328275255937834,
                0.25,
                0.4,
                0.13844293808390656,
            ],
        ),
    ];
    for (a, b, cooccurrences, [pmi, npmi, jaccard, dice, llr]) in cases {
        let v = &edge(&g, a, b).unwrap().values;
        assert_eq!(v.cooccurrences, cooccurrences, "{a}-{b}");
        assert_eq!(v.weight, cooccurrences as f64);
        let m = v.measures;
        assert!(close(m.pmi, pmi) && close(m.npmi, npmi), "{a}-{b}: {m:?}");
        assert!(
            close(m.jaccard, jaccard) && close(m.dice, dice),
            "{a}-{b}: {m:?}"
        );
        assert!(close(m.llr, llr), "{a}-{b}: {m:?}");
    }
    let ru = &g.nodes[2];
    assert_eq!((ru.label.as_str(), ru.kind.as_str()), ("Russia", "COUNTRY"));
    assert_eq!((ru.counts.mentions, ru.counts.documents), (4, 3));
    assert_eq!(edge(&g, "cn", "ru").unwrap().evidence, ["d1", "d5"]);
}

#[test]
fn weight_selects_the_measure() {
    for w in Weight::ALL {
        let g = graph(&GraphOptions {
            weight: w,
            ..GraphOptions::default()
        });
        let e = edge(&g, "kz", "ru").unwrap();
        assert_eq!(
            e.values.weight,
            w.of(
                e.values.cooccurrences,
                e.values.documents,
                &e.values.measures
            )
        );
        assert_eq!(w.to_string().parse::<Weight>().unwrap(), w);
    }
    let g = graph(&GraphOptions {
        weight: Weight::Pmi,
        ..GraphOptions::default()
    });
    assert!(close(
        edge(&g, "kz", "ru").unwrap().values.weight,
        -0.1823215567939546
    ));
}

#[test]
fn node_filters_remove_their_edges() {
    let g = graph(&GraphOptions {
        min_mentions: 4,
        ..GraphOptions::default()
    });
    assert_eq!(g.nodes.len(), 1);
    assert!(g.edges.is_empty());
    let g = graph(&GraphOptions {
        types: ["CITY".to_string()].into(),
        ..GraphOptions::default()
    });
    assert!(g.nodes.is_empty());
}

#[test]
fn edge_thresholds() {
    let g = graph(&GraphOptions {
        min_cooccurrences: 2,
        ..GraphOptions::default()
    });
    assert_eq!(g.edges.len(), 2);
    assert_eq!(g.nodes.len(), 3, "nodes stay when their edges go");
    let g = graph(&GraphOptions {
        weight: Weight::Npmi,
        min_weight: Some(0.2),
        ..GraphOptions::default()
    });
    assert_eq!(g.edges.len(), 1);
    assert!(edge(&g, "cn", "kz").is_some());
}

#[test]
fn top_k_keeps_each_nodes_strongest_edges() {
    // cn: cn-kz and cn-ru tie at 2 → cn-kz (smaller other id); kz: cn-kz; ru: cn-ru.
    let g = graph(&GraphOptions {
        top_k: Some(1),
        ..GraphOptions::default()
    });
    assert!(edge(&g, "cn", "kz").is_some() && edge(&g, "cn", "ru").is_some());
    assert!(edge(&g, "kz", "ru").is_none());
}

fn synthetic(edges: &[(usize, usize, f64)]) -> Vec<Edge> {
    edges
        .iter()
        .map(|&(source, target, weight)| Edge {
            source,
            target,
            values: EdgeValues {
                weight,
                cooccurrences: 1,
                documents: 1,
                measures: Measures::default(),
                first_date: None,
                last_date: None,
            },
            evidence: Vec::new(),
            slices: BTreeMap::new(),
        })
        .collect()
}

#[test]
fn disparity_by_hand() {
    // Hub 0: 0-1 (10), 0-2 (1), 0-3 (1); 1-2 (1); isolated pair 4-5 (1); 5-6 (-1) dropped.
    // Degrees 3, 2, 2, 1, 1, 1; strengths 12, 11, 2, 1, 1, 1 (non-positive weights excluded).
    // α(0-1) from 0 = (1 − 10/12)² = 0.0278; α(0-2) from 2 = (1 − 1/2)¹ = 0.5;
    // α(0-2) from 0 = (11/12)² = 0.840; α(1-2) from 1 = (10/11)¹ = 0.909, from 2 = 0.5.
    let edges = [
        (0, 1, 10.0),
        (0, 2, 1.0),
        (0, 3, 1.0),
        (1, 2, 1.0),
        (4, 5, 1.0),
        (5, 6, -1.0),
    ];
    let kept = |alpha| -> Vec<(usize, usize)> {
        disparity(synthetic(&edges), 7, alpha)
            .iter()
            .map(|e| (e.source, e.target))
            .collect()
    };
    assert_eq!(kept(0.05), [(0, 1), (4, 5)]);
    assert_eq!(kept(0.6), [(0, 1), (0, 2), (1, 2), (4, 5)]);
    assert_eq!(kept(0.85), [(0, 1), (0, 2), (0, 3), (1, 2), (4, 5)]);
}

#[test]
fn backbone_option_runs_on_the_graph() {
    let g = graph(&GraphOptions {
        backbone: Some("disparity:0.5".parse().unwrap()),
        ..GraphOptions::default()
    });
    // Every node has degree 2: α = 1 − w/s; cn-kz and cn-ru have 1 − 2/4 = 0.5 at cn,
    // 1 − 2/3 = 0.33 at kz and ru; kz-ru has 1 − 1/3 = 0.67 at both.
    assert!(edge(&g, "cn", "kz").is_some() && edge(&g, "cn", "ru").is_some());
    assert!(edge(&g, "kz", "ru").is_none());
}

#[test]
fn slices_carry_their_own_counts_and_measures() {
    let opts = CountOptions {
        slice: Some(crate::counts::Slice::Year),
        ..CountOptions::default()
    };
    let g = CoMentionGraph::build(&counts_with(&opts), &GraphOptions::default());
    assert_eq!(g.slice_keys, ["2022", "2023"]);
    let e = edge(&g, "cn", "kz").unwrap();
    assert_eq!(e.slices.keys().collect::<Vec<_>>(), ["2022"]);
    // 2022: N = 2, cn and kz in both documents: npmi is defined as 1.
    assert_eq!(e.slices["2022"].measures.npmi, 1.0);
    let ru = g.nodes.iter().find(|n| n.id == "ru").unwrap();
    assert_eq!(ru.slices["2023"].mentions, 3);
}

#[test]
fn to_petgraph_keeps_structure() {
    let g = graph(&GraphOptions::default());
    let p = g.to_petgraph();
    assert_eq!((p.node_count(), p.edge_count()), (3, 3));
}

/// The values of pair `a`–`b` in `layer`, looked up the plain way.
fn reference_values(layer: &Layer, a: &str, b: &str, weight: Weight) -> Option<EdgeValues> {
    let p = layer.pair(a, b)?;
    let scopes = |id: &str| layer.node(id).map_or(0, |n| n.scopes);
    let m = Measures::of(p.cooccurrences, scopes(a), scopes(b), layer.totals().scopes);
    Some(EdgeValues {
        weight: weight.of(p.cooccurrences, p.documents, &m),
        cooccurrences: p.cooccurrences,
        documents: p.documents,
        measures: m,
        first_date: p.first_date.clone(),
        last_date: p.last_date.clone(),
    })
}

proptest::proptest! {
    /// Every node's and edge's values, overall and per slice, equal what
    /// looking each one up in each layer gives, whatever the filters.
    #[test]
    fn values_equal_plain_lookups(
        spec in proptest::collection::vec(crate::counts::tests::arb_doc(), 0..25),
        options in crate::counts::tests::arb_options(),
        min_mentions in 0u64..3,
        countries_only in proptest::bool::ANY,
        top_k in proptest::option::of(1usize..3),
        weight in proptest::sample::select(Weight::ALL.to_vec()),
    ) {
        let mut counts = count(&crate::counts::tests::build(&spec), &options);
        counts.attach_entities(&crate::counts::tests::gaz());
        let types = if countries_only { ["COUNTRY".to_string()].into() } else { BTreeSet::new() };
        let opts = GraphOptions { weight, min_mentions, types, top_k, ..GraphOptions::default() };
        let g = CoMentionGraph::build(&counts, &opts);
        for node in &g.nodes {
            let expected: BTreeMap<String, NodeCounts> = counts
                .slices()
                .filter_map(|(key, layer)| Some((key.to_string(), layer.node(&node.id)?.clone())))
                .collect();
            proptest::prop_assert_eq!(&node.slices, &expected);
        }
        for e in &g.edges {
            let (a, b) = (&g.nodes[e.source].id, &g.nodes[e.target].id);
            proptest::prop_assert!(a < b);
            let overall = reference_values(counts.overall(), a, b, weight);
            proptest::prop_assert_eq!(Some(&e.values), overall.as_ref());
            let expected: BTreeMap<String, EdgeValues> = counts
                .slices()
                .filter_map(|(key, layer)| Some((key.to_string(), reference_values(layer, a, b, weight)?)))
                .collect();
            proptest::prop_assert_eq!(&e.slices, &expected);
        }
    }

    /// Moving the evidence and dates out of the counts builds the same
    /// graph as copying them, whatever the filters, and leaves the overall
    /// pairs without strings but with their numbers.
    #[test]
    fn build_taking_equals_build(
        spec in proptest::collection::vec(crate::counts::tests::arb_doc(), 0..25),
        options in crate::counts::tests::arb_options(),
        min_cooccurrences in 0u64..3,
        min_weight in proptest::option::of(0.0f64..2.0),
        top_k in proptest::option::of(1usize..3),
        alpha in proptest::option::of(0.05f64..0.95),
        weight in proptest::sample::select(Weight::ALL.to_vec()),
    ) {
        let mut counts = count(&crate::counts::tests::build(&spec), &options);
        counts.attach_entities(&crate::counts::tests::gaz());
        let backbone = alpha.map(|alpha| Backbone::Disparity { alpha });
        let opts = GraphOptions { weight, min_weight, min_cooccurrences, top_k, backbone, ..GraphOptions::default() };
        let copied = CoMentionGraph::build(&counts, &opts);
        let before: Vec<(String, String, u64, u64)> = counts
            .overall()
            .pairs()
            .map(|(a, b, p)| (a.to_string(), b.to_string(), p.cooccurrences, p.documents))
            .collect();
        let moved = CoMentionGraph::build_taking(&mut counts, &opts);
        proptest::prop_assert_eq!(&moved, &copied);
        let after: Vec<(String, String, u64, u64)> = counts
            .overall()
            .pairs()
            .map(|(a, b, p)| (a.to_string(), b.to_string(), p.cooccurrences, p.documents))
            .collect();
        proptest::prop_assert_eq!(after, before);
        for (_, _, p) in counts.overall().pairs() {
            proptest::prop_assert!(p.evidence.is_empty() && p.first_date.is_none() && p.last_date.is_none());
        }
    }
}

proptest::proptest! {
    /// The graph of a tally, built without keying its pairs by id strings,
    /// equals the graph of the same documents counted one by one with
    /// [`CoMentionCounts::add_document`], whatever the counting options and
    /// filters; on a pool of 3 threads, so that its parallel steps split.
    #[test]
    fn from_tally_equals_build(
        spec in proptest::collection::vec(crate::counts::tests::arb_doc(), 0..25),
        options in crate::counts::tests::arb_options(),
        min_mentions in 0u64..3,
        countries_only in proptest::bool::ANY,
        min_cooccurrences in 0u64..3,
        min_weight in proptest::option::of(0.0f64..2.0),
        top_k in proptest::option::of(1usize..3),
        alpha in proptest::option::of(0.05f64..0.95),
        weight in proptest::sample::select(Weight::ALL.to_vec()),
    ) {
        let docs = crate::counts::tests::build(&spec);
        let backbone = alpha.map(|alpha| Backbone::Disparity { alpha });
        let types = if countries_only { BTreeSet::from(["COUNTRY".to_string()]) } else { BTreeSet::new() };
        let opts = GraphOptions { weight, min_weight, min_cooccurrences, min_mentions, types, top_k, backbone };
        let expected = CoMentionGraph::build(&count(&docs, &options), &opts);
        let gaz = crate::counts::tests::gaz();
        let tagger = crate::Tagger::new(&gaz);
        let counter = Counter::new(&gaz, options);
        let mut tally = counter.tally();
        for d in &docs {
            tally.add(counter.count(d, &tagger.tag(&d.text)));
        }
        let pool = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
        let graph = pool.install(|| CoMentionGraph::from_tally(&counter, tally, &opts));
        proptest::prop_assert_eq!(graph, expected);
    }
}

/// A state may pair an entity in a slice without listing it as a node of
/// that slice: it then has 0 scopes there, whichever slices a worker
/// handled before. 40 yearly slices on one thread (workers reuse their
/// tables across neighbouring slices): in even years `a` is a node with 7
/// scopes, in odd years only the pair names it.
#[test]
fn a_slice_node_missing_from_a_state_has_no_scopes() {
    let header = r#"{"kind":"header","format":"comention-state","version":1,"scope":"document","slice":"year","evidence":0,"roll_up":null,"fingerprint":null}"#;
    let years: Vec<String> = (2000..2040).map(|y| format!("\"{y}\"")).collect();
    let mut lines = vec![header.to_string()];
    for slice in std::iter::once("null").chain(years.iter().map(String::as_str)) {
        lines.push(format!(
            r#"{{"kind":"total","slice":{slice},"documents":10,"scopes":10,"mentions":40}}"#
        ));
    }
    let node = |slice: &str, id: &str, scopes: u32| {
        format!(
            r#"{{"kind":"node","slice":{slice},"id":"{id}","mentions":{scopes},"scopes":{scopes},"documents":{scopes},"first_date":null,"last_date":null}}"#
        )
    };
    let pair = |slice: &str| {
        format!(
            r#"{{"kind":"pair","slice":{slice},"a":"a","b":"b","cooccurrences":2,"documents":2,"first_date":null,"last_date":null,"evidence":[]}}"#
        )
    };
    lines.extend([node("null", "a", 9), node("null", "b", 6), pair("null")]);
    for (k, year) in years.iter().enumerate() {
        lines.push(node(year, "b", 4));
        if k % 2 == 0 {
            lines.push(node(year, "a", 7));
        } else {
            lines.push(pair(year));
        }
    }
    let text = lines.join("\n") + "\n";
    let counts =
        crate::counts::state::read(text.as_bytes(), std::path::Path::new("t.state")).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let g = pool.install(|| CoMentionGraph::build(&counts, &GraphOptions::default()));
    let e = edge(&g, "a", "b").unwrap();
    let odd: Vec<String> = (2000..2040)
        .skip(1)
        .step_by(2)
        .map(|y| y.to_string())
        .collect();
    assert_eq!(e.slices.keys().cloned().collect::<Vec<_>>(), odd);
    for values in e.slices.values() {
        assert_eq!(values.measures, Measures::of(2, 0, 4, 10));
    }
}
