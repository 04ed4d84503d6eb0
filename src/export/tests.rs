use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::*;
use crate::counts::{CoMentionCounts, CountOptions, Slice};
use crate::graph::{GraphOptions, Weight};
use crate::{Document, Gazetteer, Tagger};

/// Entities with hostile names: an id that is no XML name, markup and a
/// control character in a label, an extra column named like a built-in, and
/// a formula-looking attribute (the label with markup and a control
/// character is set on the counts below).
const GAZ: &str = "id,type,name,aliases,label,note\n\
ru,COUNTRY,Russia,,,\n\
kz,COUNTRY,Kazakhstan,,,=HYPERLINK(\"x\")\n\
New York,CITY,New York,NYC,big,\n\
-x,ORG,-Minus Org,Minus Org,,\n";

fn docs() -> Vec<Document> {
    let d = |id: &str, date: Option<&str>, text: &str| Document {
        id: id.into(),
        text: text.into(),
        date: date.map(Into::into),
        title: None,
    };
    vec![
        d(
            "a1",
            Some("2023-01-05"),
            "Russia and Kazakhstan met in NYC.",
        ),
        d("a2", Some("2023-02-11"), "Kazakhstan, NYC and Minus Org."),
        d("a3", Some("2024-02-29"), "Russia and NYC."),
        d("a4", None, "Russia, Kazakhstan."),
    ]
}

fn graph(slice: Option<Slice>, weight: Weight) -> CoMentionGraph {
    let gaz = Gazetteer::from_csv_str(GAZ).unwrap();
    let tagger = Tagger::new(&gaz);
    let options = CountOptions {
        slice,
        ..CountOptions::default()
    };
    let mut counts = CoMentionCounts::new(options);
    for d in docs() {
        counts.add_document(&d, &tagger.tag(&d.text), &gaz);
    }
    counts.attach_entities(&gaz);
    // Gazetteers refuse control characters, but a state file may carry anything.
    let mut info = counts.entities()["New York"].clone();
    info.label = "New <York> & \"Co\"\u{1}".into();
    counts.set_entity("New York".into(), info);
    CoMentionGraph::build(
        &counts,
        &GraphOptions {
            weight,
            ..GraphOptions::default()
        },
    )
}

fn render(graph: &CoMentionGraph, format: Format) -> String {
    let mut out = Vec::new();
    write(graph, format, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn schemas() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas")
}

/// True when `tool --version` runs. Under CI a missing tool fails the test;
/// elsewhere the check is skipped with a note.
fn have(tool: &str, args: &[&str]) -> bool {
    let ok = Command::new(tool)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{tool} {args:?} is required in CI (apt-get install libxml2-utils / pip install networkx igraph)"
        );
        eprintln!("note: {tool} {args:?} unavailable; check skipped");
    }
    ok
}

fn xmllint(document: &str, schema_args: &[&str]) {
    if !have("xmllint", &["--version"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.xml");
    std::fs::write(&path, document).unwrap();
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet"])
        .args(schema_args)
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "xmllint rejected the document:\n{}\n{document}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn validate_graphml(document: &str) {
    let xsd = schemas().join("graphml-1.0/graphml.xsd");
    xmllint(document, &["--schema", xsd.to_str().unwrap()]);
}

fn validate_gexf(document: &str) {
    // The RELAX NG grammar has no slot for xsi:schemaLocation (see tests/schemas/SOURCES.md).
    let stripped = document.replace(
        r#" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd""#,
        "",
    );
    assert_ne!(stripped, document);
    let rng = schemas().join("gexf-1.3/gexf.rng");
    xmllint(&stripped, &["--relaxng", rng.to_str().unwrap()]);
}

#[test]
fn graphml_is_valid_against_the_schema() {
    for slice in [None, Some(Slice::Month)] {
        validate_graphml(&render(&graph(slice, Weight::Npmi), Format::GraphMl));
    }
    let empty = CoMentionGraph::build(&CoMentionCounts::default(), &GraphOptions::default());
    validate_graphml(&render(&empty, Format::GraphMl));
}

#[test]
fn gexf_is_valid_against_the_relax_ng_grammar() {
    for slice in [
        None,
        Some(Slice::Year),
        Some(Slice::Month),
        Some(Slice::Day),
    ] {
        validate_gexf(&render(&graph(slice, Weight::Pmi), Format::Gexf));
    }
    let empty = CoMentionGraph::build(&CoMentionCounts::default(), &GraphOptions::default());
    validate_gexf(&render(&empty, Format::Gexf));
}

#[test]
fn gexf_is_dynamic_with_spells_when_sliced() {
    let text = render(
        &graph(Some(Slice::Month), Weight::Cooccurrences),
        Format::Gexf,
    );
    assert!(text.contains(r#"mode="dynamic" timeformat="date""#));
    assert!(text.contains(r#"<spell start="2024-02-01" end="2024-02-29"/>"#));
    assert!(text.contains(
        r#"<attvalue for="slice_cooccurrences" value="1" start="2023-01-01" end="2023-01-31"/>"#
    ));
    assert!(
        text.contains(r#"<node id="New York" label="New &lt;York&gt; &amp; &quot;Co&quot;">"#),
        "{text}"
    );
}

/// Reads our GraphML back with an independent parser and checks that every
/// value is declared and parses as its declared type.
#[test]
fn graphml_round_trips_through_roxmltree() {
    let g = graph(Some(Slice::Year), Weight::Llr);
    let text = render(&g, Format::GraphMl);
    let doc = roxmltree::Document::parse(&text).unwrap();
    let keys: BTreeMap<&str, (&str, &str, &str)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("key"))
        .map(|k| {
            let a = |name| k.attribute(name).unwrap();
            (a("id"), (a("for"), a("attr.name"), a("attr.type")))
        })
        .collect();
    assert_eq!(
        keys["n_gazetteer_label"],
        ("node", "gazetteer_label", "string")
    );
    assert_eq!(keys["e_llr"], ("edge", "llr", "double"));
    assert_eq!(keys["n_mentions_2024"], ("node", "mentions_2024", "long"));
    let mut labels = BTreeMap::new();
    for data in doc.descendants().filter(|n| n.has_tag_name("data")) {
        let (_, _, kind) = keys[data.attribute("key").unwrap()];
        let value = data.text().unwrap_or("");
        match kind {
            "long" => assert!(value.parse::<u64>().is_ok(), "{value}"),
            "double" => assert!(value.parse::<f64>().unwrap().is_finite(), "{value}"),
            _ => {}
        }
        let owner = data.parent().unwrap();
        if data.attribute("key") == Some("n_label") {
            labels.insert(
                owner.attribute("id").unwrap().to_string(),
                value.to_string(),
            );
        }
    }
    let expected: BTreeMap<String, String> = [
        ("-x", "-Minus Org"),
        ("New_x0020_York", "New <York> & \"Co\""),
        ("kz", "Kazakhstan"),
        ("ru", "Russia"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(labels, expected);
    let edges: Vec<(&str, &str)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("edge"))
        .map(|e| {
            (
                e.attribute("source").unwrap(),
                e.attribute("target").unwrap(),
            )
        })
        .collect();
    assert_eq!(edges.len(), g.edges.len());
    assert!(edges.iter().all(|(s, t)| s < t || s.starts_with("New_x")));
}

/// NetworkX reads both exports with numbers as numbers (runs when python3
/// and networkx are installed; required under CI).
#[test]
fn networkx_reads_graphml_and_json() {
    if !have("python3", &["-c", "import networkx"]) {
        return;
    }
    let g = graph(Some(Slice::Year), Weight::Dice);
    let dir = tempfile::tempdir().unwrap();
    let graphml = dir.path().join("g.graphml");
    let json = dir.path().join("g.json");
    save(&g, Format::GraphMl, &graphml, false).unwrap();
    save(&g, Format::Json, &json, false).unwrap();
    let script = r#"
import json, sys, warnings
import networkx as nx
warnings.simplefilter("error")
a = nx.read_graphml(sys.argv[1])
b = nx.node_link_graph(json.load(open(sys.argv[2])))
for g in (a, b):
    assert not g.is_directed() and not g.is_multigraph()
    assert sorted(g.nodes) == ["-x", "New York", "kz", "ru"] or sorted(g.nodes) == ["-x", "New_x0020_York", "kz", "ru"], sorted(g.nodes)
    for _, d in g.nodes(data=True):
        assert isinstance(d["mentions"], int) and isinstance(d["label"], str), d
    for _, _, d in g.edges(data=True):
        assert isinstance(d["weight"], float) and isinstance(d["cooccurrences"], int), d
        assert isinstance(d["pmi"], float), d
assert a.number_of_edges() == b.number_of_edges() > 0
assert b.nodes["kz"]["note"] == "=HYPERLINK(\"x\")"
assert b.graph["scope"] == "document"
print("ok")
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&graphml)
        .arg(&json)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// igraph reads our GraphML without a warning, with numeric attributes as
/// numbers (runs when python3 and the igraph package are installed;
/// required under CI).
#[test]
fn igraph_reads_graphml() {
    if !have("python3", &["-c", "import igraph"]) {
        return;
    }
    let g = graph(Some(Slice::Year), Weight::Npmi);
    let dir = tempfile::tempdir().unwrap();
    let graphml = dir.path().join("g.graphml");
    save(&g, Format::GraphMl, &graphml, false).unwrap();
    let script = r#"
import sys, warnings
import igraph
warnings.simplefilter("error")
g = igraph.Graph.Read_GraphML(sys.argv[1])
assert not g.is_directed()
assert g.vcount() == 4 and g.ecount() > 0, (g.vcount(), g.ecount())
assert sorted(g.vs["id"]) == ["-x", "New_x0020_York", "kz", "ru"], g.vs["id"]
for v in g.vs:
    assert isinstance(v["mentions"], float) and isinstance(v["label"], str), v.attributes()
for e in g.es:
    assert isinstance(e["weight"], float) and isinstance(e["cooccurrences"], float), e.attributes()
print("ok")
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&graphml)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.trim().is_empty(),
        "{}{stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn csv_tables_follow_gephi_and_neutralise_formulas() {
    let g = graph(None, Weight::Cooccurrences);
    let (mut nodes, mut edges) = (Vec::new(), Vec::new());
    csv::write(&g, &mut nodes, &mut edges, false).unwrap();
    let nodes = String::from_utf8(nodes).unwrap();
    let edges = String::from_utf8(edges).unwrap();
    let lines: Vec<&str> = nodes.lines().collect();
    assert_eq!(
        lines[0],
        "Id,Label,type,mentions,scopes,documents,first_date,last_date,gazetteer_label,note"
    );
    assert_eq!(
        lines[1],
        "'-x,'-Minus Org,ORG,1,1,1,2023-02-11,2023-02-11,,"
    );
    assert!(lines.contains(
        &"kz,Kazakhstan,COUNTRY,3,3,3,2023-01-05,2023-02-11,,\"'=HYPERLINK(\"\"x\"\")\""
    ));
    let lines: Vec<&str> = edges.lines().collect();
    assert_eq!(
        lines[0],
        "Source,Target,Type,Weight,cooccurrences,documents,pmi,npmi,jaccard,dice,llr,first_date,last_date,evidence"
    );
    assert!(
        lines[1].starts_with("'-x,New York,Undirected,1.0,1,1,"),
        "{}",
        lines[1]
    );
    assert!(lines
        .iter()
        .any(|l| l.starts_with("kz,ru,Undirected,2.0,2,2,")
            && l.ends_with(",2023-01-05,2023-01-05,a1|a4")));

    let (mut raw_nodes, mut raw_edges) = (Vec::new(), Vec::new());
    csv::write(&g, &mut raw_nodes, &mut raw_edges, true).unwrap();
    assert!(String::from_utf8(raw_nodes)
        .unwrap()
        .contains("\n-x,-Minus Org,"));
}

#[test]
fn csv_with_slices_has_one_row_per_slice() {
    let g = graph(Some(Slice::Year), Weight::Cooccurrences);
    let (mut nodes, mut edges) = (Vec::new(), Vec::new());
    csv::write(&g, &mut nodes, &mut edges, false).unwrap();
    let nodes = String::from_utf8(nodes).unwrap();
    assert!(nodes.starts_with("Id,Label,slice,type,"));
    assert!(
        nodes.contains("\nru,Russia,2023,COUNTRY,1,1,1,2023-01-05,2023-01-05,,\n"),
        "{nodes}"
    );
    assert!(nodes.contains("\nru,Russia,2024,COUNTRY,1,1,1,2024-02-29,2024-02-29,,\n"));
    let edges = String::from_utf8(edges).unwrap();
    assert!(edges.starts_with("Source,Target,Type,Weight,slice,cooccurrences,"));
    assert!(
        edges.contains("\nkz,ru,Undirected,1.0,2023,1,1,"),
        "{edges}"
    );
}

#[test]
fn json_is_node_link_with_sorted_nodes() {
    let g = graph(None, Weight::Jaccard);
    let text = render(&g, Format::Json);
    assert!(text.starts_with(r#"{"directed":false,"multigraph":false,"graph":{"scope":"document","weight":"jaccard","documents":4,"scopes":4},"nodes":[{"id":"-x","label":"-Minus Org""#), "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let ids: Vec<&str> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["-x", "New York", "kz", "ru"]);
    assert_eq!(v["nodes"][1]["label"], "New <York> & \"Co\"\u{1}");
    let kz_ru = &v["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["source"] == "kz" && e["target"] == "ru")
        .unwrap();
    assert_eq!(kz_ru["evidence"], serde_json::json!(["a1", "a4"]));
    assert_eq!(kz_ru["cooccurrences"], 2);
}

/// A network of 160 entities all in one document: 12,720 edges, more than
/// one group of `write_in_order`, so rows from several groups meet.
fn clique() -> CoMentionGraph {
    let mut csv = String::from("id,type,name,aliases\n");
    let mut text = String::new();
    for i in 0..160 {
        csv.push_str(&format!("e{i:03},ORG,\"Org, {i}\",Org{i}x\n"));
        text.push_str(&format!("Org{i}x met. "));
    }
    let gaz = Gazetteer::from_csv_str(&csv).unwrap();
    let doc = Document::new("d\"1", &text);
    let mut counts = CoMentionCounts::new(CountOptions::default());
    counts.add_document(&doc, &Tagger::new(&gaz).tag(&doc.text), &gaz);
    counts.attach_entities(&gaz);
    CoMentionGraph::build(&counts, &GraphOptions::default())
}

#[test]
fn json_and_csv_of_a_large_network_read_back_whole() {
    let g = clique();
    assert_eq!(g.edges.len(), 160 * 159 / 2);
    let v: serde_json::Value = serde_json::from_str(&render(&g, Format::Json)).unwrap();
    let edges = v["edges"].as_array().unwrap();
    assert_eq!(edges.len(), g.edges.len());
    for (e, edge) in edges.iter().zip(&g.edges) {
        let (s, t) = endpoints(&g, edge);
        assert_eq!(
            (e["source"].as_str(), e["target"].as_str()),
            (Some(s), Some(t))
        );
        assert_eq!(e["evidence"], serde_json::json!(["d\"1"]));
    }
    assert_eq!(v["nodes"][159]["label"], "Org, 159");
    let (mut nodes, mut edges) = (Vec::new(), Vec::new());
    csv::write(&g, &mut nodes, &mut edges, false).unwrap();
    let mut reader = ::csv::Reader::from_reader(&edges[..]);
    let rows: Vec<::csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), g.edges.len());
    for (row, edge) in rows.iter().zip(&g.edges) {
        let (s, t) = endpoints(&g, edge);
        assert_eq!((&row[0], &row[1], &row[2]), (s, t, "Undirected"));
    }
    let mut reader = ::csv::Reader::from_reader(&nodes[..]);
    let labels: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[1].to_string())
        .collect();
    assert_eq!(labels.len(), 160);
    assert_eq!(labels[7], "Org, 7");
}

#[test]
fn same_graph_same_bytes() {
    for format in [Format::GraphMl, Format::Gexf, Format::Json] {
        assert_eq!(
            render(&graph(Some(Slice::Day), Weight::Llr), format),
            render(&graph(Some(Slice::Day), Weight::Llr), format)
        );
    }
}

#[test]
fn save_writes_csv_pairs_and_refuses_csv_on_a_stream() {
    let g = graph(None, Weight::Cooccurrences);
    let dir = tempfile::tempdir().unwrap();
    save(&g, Format::Csv, &dir.path().join("net.csv"), false).unwrap();
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["net.edges.csv", "net.nodes.csv"]);
    let err = write(&g, Format::Csv, &mut Vec::new()).unwrap_err();
    assert!(err.to_string().contains("NAME.nodes.csv"));
    assert_eq!("gexf".parse::<Format>().unwrap(), Format::Gexf);
}

#[test]
fn floats_are_shortest_round_trip() {
    assert_eq!(float(2.0), "2.0");
    assert_eq!(float(0.1), "0.1");
    assert_eq!(float(-0.1823215567939546), "-0.1823215567939546");
    assert_eq!(float(1e-7), "1e-7");
    assert_eq!(Value::Double(f64::NAN).text(), None);
    // Each side of `{:?}`'s switch to exponents, zeros, extremes.
    for x in [
        1e-4,
        9.999e-5,
        1e16,
        9999999999999998.0,
        1e15,
        0.0,
        -0.0,
        1.5e300,
        5e-324,
        f64::MAX,
        f64::MIN_POSITIVE,
        123456.789,
        100.0,
        -2.5e-10,
        0.001,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
    ] {
        assert_eq!(float(x), format!("{x:?}"));
    }
    // A tie between two shortest forms goes to the even digit
    // (707336297401104.25, exactly).
    assert_eq!(
        float(f64::from_bits(4829013891293010050)),
        "707336297401104.2"
    );
}

/// The layout of a float's notation: its length, and where its `.`, `e`
/// and `-` signs are.
fn layout(s: &str) -> (usize, Option<usize>, Option<usize>, Vec<usize>) {
    let minus = s.match_indices('-').map(|(i, _)| i).collect();
    (s.len(), s.find('.'), s.find('e'), minus)
}

proptest::proptest! {
    /// For any bit pattern, the fast notation reads back as the same number
    /// and is laid out as `{:?}` (as many digits, same point and
    /// exponent). The digits themselves may differ only where two
    /// shortest forms are equally near (`707336297401104.25`: ryu rounds
    /// to even, `.2`, as Python does; core::fmt writes `.3`).
    #[test]
    fn floats_read_back_and_match_debug_layout(bits in proptest::num::u64::ANY) {
        let x = f64::from_bits(bits);
        let fast = float(x);
        let debug = format!("{x:?}");
        if x.is_nan() {
            proptest::prop_assert_eq!(fast, debug);
        } else {
            proptest::prop_assert_eq!(fast.parse::<f64>().unwrap().to_bits(), bits);
            proptest::prop_assert_eq!(layout(&fast), layout(&debug));
        }
    }

    /// Around `{:?}`'s switches between plain decimals and exponents
    /// (1e-4 and 1e16), where ryu's own text is handed through as it is.
    #[test]
    fn floats_near_the_notation_switch_match_debug_layout(
        m in 1.0f64..10.0,
        e in -7i32..19,
        negative in proptest::bool::ANY,
    ) {
        let x = if negative { -m } else { m } * 10f64.powi(e);
        let fast = float(x);
        proptest::prop_assert_eq!(fast.parse::<f64>().unwrap().to_bits(), x.to_bits());
        proptest::prop_assert_eq!(layout(&fast), layout(&format!("{x:?}")));
    }

    /// Also for values like the measures (short decimals, small integers).
    #[test]
    fn measure_like_floats_match_debug_notation(n in -1_000_000i64..1_000_000, scale in 0i32..20) {
        let x = n as f64 / 10f64.powi(scale);
        proptest::prop_assert_eq!(float(x), format!("{x:?}"));
    }
}

#[test]
#[ignore = "prints samples for eyeballing"]
fn print_samples() {
    let g = graph(Some(Slice::Year), Weight::Npmi);
    println!("{}", render(&g, Format::GraphMl));
    println!("{}", render(&g, Format::Gexf));
}

/// Round trips with hostile text (issue 7): whatever a gazetteer, a state
/// file or a corpus puts in an id, label, type, attribute, document id or
/// article, every export parses back to it — minus the characters XML 1.0
/// forbids in XML, spreadsheet-neutralised (or raw with `--raw-csv`) in CSV.
mod hostile_text {
    use super::*;
    use crate::export::cell::spreadsheet_safe;
    use crate::export::mentions::{header, render, MentionFormat, MentionOptions};
    use crate::export::xml::name_token;
    use crate::Entity;
    use proptest::prelude::*;

    /// Strings made of any characters plus the ones that break formats:
    /// formula triggers, quotes, separators, markup, `]]>`, control
    /// characters, non-characters and the BOM.
    fn hostile() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            3 => any::<char>().prop_map(String::from),
            2 => prop::sample::select(vec![
                "=", "+", "-", "@", "\t", "\r", "\n", "\r\n", "\"", "'", ",", ";", "|", " ",
                "<", ">", "&", "&amp;", "]]>", "<![CDATA[", "\u{0}", "\u{1b}", "\u{7f}",
                "\u{85}", "\u{D7FF}", "\u{E000}", "\u{FFFE}", "\u{FFFF}", "\u{FEFF}", "a", "Z",
            ])
            .prop_map(String::from),
        ];
        prop::collection::vec(piece, 0..8).prop_map(|v| v.concat())
    }

    /// The XML 1.0 `Char` production, written out independently of the
    /// exporter's own check.
    fn xml_allowed(s: &str) -> String {
        s.chars()
            .filter(|&c| {
                let c = c as u32;
                c == 0x9
                    || c == 0xA
                    || c == 0xD
                    || (0x20..=0xD7FF).contains(&c)
                    || (0xE000..=0xFFFD).contains(&c)
                    || (0x10000..=0x10FFFF).contains(&c)
            })
            .collect()
    }

    const ALIASES: [&str; 3] = ["Alpha", "Beta", "Gamma"];
    const ARTICLE: &str = "Alpha met Beta and Gamma.";

    /// Three entities with hostile ids, types, names and `note` values,
    /// mentioned together in a document with a hostile id.
    fn hostile_graph(fields: &[(String, String, String, String)], doc_id: &str) -> CoMentionGraph {
        let mut gaz = Gazetteer::new();
        for (i, (id, kind, name, note)) in fields.iter().enumerate() {
            let mut e = Entity::new(format!("{id}{i}"), kind.clone(), name.clone());
            e.add_alias(ALIASES[i], false);
            e.attributes.insert("note".into(), note.clone());
            gaz.insert(e);
        }
        let tagger = Tagger::new(&gaz);
        let doc = Document::new(doc_id, ARTICLE);
        let mut counts = CoMentionCounts::new(CountOptions::default());
        counts.add_document(&doc, &tagger.tag(&doc.text), &gaz);
        counts.attach_entities(&gaz);
        CoMentionGraph::build(&counts, &GraphOptions::default())
    }

    fn fields() -> impl Strategy<Value = Vec<(String, String, String, String)>> {
        prop::collection::vec((hostile(), hostile(), hostile(), hostile()), 3)
    }

    /// GraphML `data` values of one element by attribute name.
    fn data<'a>(
        element: roxmltree::Node<'a, 'a>,
        keys: &BTreeMap<&str, &str>,
    ) -> BTreeMap<String, String> {
        element
            .children()
            .filter(|n| n.has_tag_name("data"))
            .map(|d| {
                let name = keys[d.attribute("key").unwrap()];
                (name.to_string(), d.text().unwrap_or("").to_string())
            })
            .collect()
    }

    fn csv_rows(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
        let mut reader = ::csv::Reader::from_reader(bytes);
        let header = reader.headers().unwrap().iter().map(String::from).collect();
        let rows = reader
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        (header, rows)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn graphml_and_gexf_parse_back_to_the_text_minus_forbidden_characters(
            fields in fields(),
            doc_id in hostile(),
        ) {
            let g = hostile_graph(&fields, &doc_id);
            prop_assert!(g.nodes.len() >= 2);

            let text = super::render(&g, Format::GraphMl);
            let doc = roxmltree::Document::parse(&text)
                .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            let keys: BTreeMap<&str, &str> = doc
                .descendants()
                .filter(|n| n.has_tag_name("key"))
                .map(|k| (k.attribute("id").unwrap(), k.attribute("attr.name").unwrap()))
                .collect();
            let nodes: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("node")).collect();
            prop_assert_eq!(nodes.len(), g.nodes.len());
            for (element, node) in nodes.iter().zip(&g.nodes) {
                prop_assert_eq!(element.attribute("id").unwrap(), name_token(&node.id));
                let values = data(*element, &keys);
                prop_assert_eq!(&values["label"], &xml_allowed(&node.label));
                prop_assert_eq!(&values["type"], &xml_allowed(&node.kind));
                prop_assert_eq!(&values["note"], &xml_allowed(&node.attributes["note"]));
            }
            let edges: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("edge")).collect();
            prop_assert_eq!(edges.len(), g.edges.len());
            for (element, edge) in edges.iter().zip(&g.edges) {
                let (s, t) = endpoints(&g, edge);
                prop_assert_eq!(element.attribute("source").unwrap(), name_token(s));
                prop_assert_eq!(element.attribute("target").unwrap(), name_token(t));
                let values = data(*element, &keys);
                let evidence = values.get("evidence").map_or("", String::as_str);
                prop_assert_eq!(evidence, xml_allowed(&edge.evidence.join("|")));
            }

            let text = super::render(&g, Format::Gexf);
            let doc = roxmltree::Document::parse(&text)
                .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            let nodes: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("node")).collect();
            prop_assert_eq!(nodes.len(), g.nodes.len());
            for (element, node) in nodes.iter().zip(&g.nodes) {
                prop_assert_eq!(element.attribute("id").unwrap(), xml_allowed(&node.id));
                prop_assert_eq!(element.attribute("label").unwrap(), xml_allowed(&node.label));
            }
        }

        #[test]
        fn gephi_csv_reads_back_neutralised_or_raw(
            fields in fields(),
            doc_id in hostile(),
            raw in any::<bool>(),
        ) {
            let g = hostile_graph(&fields, &doc_id);
            let cell = |s: &str| if raw { s.to_string() } else { spreadsheet_safe(s).into_owned() };
            let (mut nodes, mut edges) = (Vec::new(), Vec::new());
            csv::write(&g, &mut nodes, &mut edges, raw).unwrap();
            let (header, rows) = csv_rows(&nodes);
            let note = header.iter().position(|h| h == "note").unwrap();
            let kind = header.iter().position(|h| h == "type").unwrap();
            prop_assert_eq!(rows.len(), g.nodes.len());
            for (row, node) in rows.iter().zip(&g.nodes) {
                prop_assert_eq!(row.len(), header.len());
                prop_assert_eq!(&row[0], &cell(&node.id));
                prop_assert_eq!(&row[1], &cell(&node.label));
                prop_assert_eq!(&row[kind], &cell(&node.kind));
                prop_assert_eq!(&row[note], &cell(&node.attributes["note"]));
            }
            let (header, rows) = csv_rows(&edges);
            let evidence = header.iter().position(|h| h == "evidence").unwrap();
            prop_assert_eq!(rows.len(), g.edges.len());
            for (row, edge) in rows.iter().zip(&g.edges) {
                let (s, t) = endpoints(&g, edge);
                prop_assert_eq!(&row[0], &cell(s));
                prop_assert_eq!(&row[1], &cell(t));
                prop_assert_eq!(&row[evidence], &cell(&edge.evidence.join("|")));
            }
        }

        #[test]
        fn json_reads_back_to_the_text(fields in fields(), doc_id in hostile()) {
            let g = hostile_graph(&fields, &doc_id);
            let text = super::render(&g, Format::Json);
            let v: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            let nodes = v["nodes"].as_array().unwrap();
            prop_assert_eq!(nodes.len(), g.nodes.len());
            for (n, node) in nodes.iter().zip(&g.nodes) {
                prop_assert_eq!(n["id"].as_str(), Some(node.id.as_str()));
                prop_assert_eq!(n["label"].as_str(), Some(node.label.as_str()));
                prop_assert_eq!(n["type"].as_str(), Some(node.kind.as_str()));
                prop_assert_eq!(n["note"].as_str(), Some(node.attributes["note"].as_str()));
            }
            let edges = v["edges"].as_array().unwrap();
            prop_assert_eq!(edges.len(), g.edges.len());
            for (e, edge) in edges.iter().zip(&g.edges) {
                let (s, t) = endpoints(&g, edge);
                prop_assert_eq!(e["source"].as_str(), Some(s));
                prop_assert_eq!(e["target"].as_str(), Some(t));
                prop_assert_eq!(&e["evidence"], &serde_json::json!(edge.evidence));
            }
        }

        #[test]
        fn mention_csv_reads_back_neutralised_or_raw(
            fields in fields(),
            doc_id in hostile(),
            before in hostile(),
            after in hostile(),
            raw in any::<bool>(),
        ) {
            let mut gaz = Gazetteer::new();
            for (i, (id, kind, name, _)) in fields.iter().enumerate() {
                let mut e = Entity::new(format!("{id}{i}"), kind.clone(), name.clone());
                e.add_alias(ALIASES[i], false);
                gaz.insert(e);
            }
            let tagger = Tagger::new(&gaz);
            let doc = Document::new(doc_id, format!("{before} {ARTICLE} {after}"));
            let found = tagger.tag(&doc.text);
            let options = MentionOptions { format: MentionFormat::Csv, context: Some(12), raw };
            let mut out = header(&options).into_bytes();
            render(&doc, &tagger, &found, &options, &mut out).unwrap();
            let cell = |s: &str| if raw { s.to_string() } else { spreadsheet_safe(s).into_owned() };
            let (header, rows) = csv_rows(&out);
            prop_assert_eq!(rows.len(), found.len());
            for (row, m) in rows.iter().zip(&found) {
                prop_assert_eq!(row.len(), header.len());
                let entity = tagger.entity(m);
                let text = &doc.text;
                let left_start = text[..m.start].char_indices().rev().nth(11).map_or(0, |(i, _)| i);
                let right_end = text[m.end..].char_indices().nth(12).map_or(text.len(), |(i, _)| m.end + i);
                let expected = [
                    cell(&doc.id), cell(&entity.id), cell(&entity.kind), cell(&entity.name),
                    cell(&text[m.start..m.end]),
                    m.start.to_string(), m.end.to_string(),
                    m.char_start.to_string(), m.char_end.to_string(),
                    m.sentence.to_string(), m.paragraph.to_string(),
                    cell(&text[left_start..m.start]), cell(&text[m.end..right_end]),
                ];
                prop_assert_eq!(row.as_slice(), &expected[..]);
            }
        }
    }
}

/// A writer that sleeps a millisecond in each write: the rendering
/// helper is done with the last groups before they are written.
struct Slow(Vec<u8>);

impl std::io::Write for Slow {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        std::thread::sleep(std::time::Duration::from_millis(1));
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What [`write_in_order`] writes for `n` items on a pool of `threads`,
/// into a fast or a slow writer.
fn in_order(n: usize, threads: usize, slow: bool) -> Vec<u8> {
    let items: Vec<usize> = (0..n).map(|i| i * 7 % 13).collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let render = |i: usize, item: &usize, bytes: &mut Vec<u8>| {
        bytes.extend_from_slice(format!("{i}:{item}\n").as_bytes())
    };
    if slow {
        let mut out = Slow(Vec::new());
        pool.install(|| write_in_order(&items, &mut out, render))
            .unwrap();
        return out.0;
    }
    let mut out = Vec::new();
    pool.install(|| write_in_order(&items, &mut out, render))
        .unwrap();
    out
}

/// One group, a group and one item, and several groups with a short last
/// one (each group rendered while the one before is written): the bytes
/// of rendering the items one after the other, on 1–3 threads, and when
/// writing is slower than rendering.
#[test]
fn write_in_order_equals_rendering_one_after_the_other() {
    let group = RENDER_CHUNK * RENDER_TASKS;
    for n in [0, 1, RENDER_CHUNK + 1, group, group + 1, 3 * group + 17] {
        let expected: String = (0..n).map(|i| format!("{i}:{}\n", i * 7 % 13)).collect();
        for threads in 1..=3 {
            let out = in_order(n, threads, false);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                expected,
                "{n} items, {threads} threads"
            );
        }
        let out = in_order(n, 2, true);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            expected,
            "{n} items, slow writer"
        );
    }
}

/// A writer that fails once it has taken `room` bytes.
struct FailsAfter {
    taken: Vec<u8>,
    room: usize,
}

impl std::io::Write for FailsAfter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.taken.len() + buf.len() > self.room {
            return Err(std::io::Error::other("disk full"));
        }
        self.taken.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A failed write is returned, whichever group it hits (the rendering
/// helper stops instead of waiting forever), after a prefix of the output.
#[test]
fn write_in_order_returns_a_write_error() {
    let n = 5 * RENDER_CHUNK * RENDER_TASKS;
    let full = in_order(n, 2, false);
    for room in [0, 10, full.len() / 2, full.len() - 1] {
        let items: Vec<usize> = (0..n).map(|i| i * 7 % 13).collect();
        let mut out = FailsAfter {
            taken: Vec::new(),
            room,
        };
        let result = write_in_order(&items, &mut out, |i, item, bytes| {
            bytes.extend_from_slice(format!("{i}:{item}\n").as_bytes())
        });
        assert_eq!(result.unwrap_err().to_string(), "disk full", "room {room}");
        assert!(full.starts_with(&out.taken), "room {room}");
    }
}
