//! `comention report`: one self-contained HTML page about a corpus.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use comention::counts::{CoMentionCounts, CountOptions, Scope};
use comention::export::atomic::AtomicFile;
use comention::graph::CoMentionGraph;
use comention::report::html::{Report, ReportOptions};
use comention::report::{Network, NetworkEdge, NetworkNode};

use super::filters::FilterArgs;
use super::input::InputArgs;
use super::GazetteerArgs;

/// Write an HTML report: corpus overview, co-mention network, entity table,
/// articles with their mentions highlighted.
///
/// The page is one file with no external resource: it opens offline, and
/// its Content-Security-Policy forbids every network load and every script
/// but its own (sorting the entity table). Article text and gazetteer labels
/// are escaped. The network is counted and filtered as `comention graph`
/// does; its layout is computed here and is the same on every run.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    /// Output file; `-` for stdout [default: stdout].
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Articles shown in full, the first ones in input order; the others are
    /// counted in the overview and tables only.
    #[arg(long, value_name = "N", default_value_t = 200)]
    max_articles: usize,
    /// Nodes drawn in the network, the most mentioned ones.
    #[arg(long, value_name = "N", default_value_t = 80)]
    max_nodes: usize,
    /// Page title.
    #[arg(long, value_name = "TEXT", default_value = "comention report")]
    title: String,
    #[command(flatten)]
    network: NetworkArgs,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

/// The network's scope and filters: the names, values and defaults of
/// `comention graph`.
#[derive(Debug, Clone, clap::Args)]
struct NetworkArgs {
    /// Co-occurrence unit: document, paragraph, sentence or window:N.
    #[arg(long, value_name = "SCOPE", default_value = "document")]
    scope: Scope,
    #[command(flatten)]
    filters: FilterArgs,
}

impl NetworkArgs {
    /// One line saying how the network was counted and filtered.
    fn describe(&self, graph: &CoMentionGraph, shown: usize) -> String {
        let mut parts = vec![
            format!("scope: {}", self.scope),
            format!("weight: {}", self.filters.weight),
        ];
        if let Some(w) = self.filters.min_weight {
            parts.push(format!("min weight {w}"));
        }
        if self.filters.min_cooccurrences > 1 {
            parts.push(format!(
                "min co-occurrences {}",
                self.filters.min_cooccurrences
            ));
        }
        if self.filters.min_mentions > 1 {
            parts.push(format!("min mentions {}", self.filters.min_mentions));
        }
        if !self.filters.types.is_empty() {
            parts.push(format!("types {}", self.filters.types.join(", ")));
        }
        if let Some(k) = self.filters.top_k {
            parts.push(format!("top {k} edges per entity"));
        }
        if let Some(b) = self.filters.backbone {
            parts.push(format!("backbone {b}"));
        }
        let nodes = if shown < graph.nodes.len() {
            format!(
                "showing the {shown} most mentioned of {} entities (--max-nodes)",
                graph.nodes.len()
            )
        } else {
            format!("{} entities", graph.nodes.len())
        };
        format!(
            "{} · {nodes}, {} co-mention pairs",
            parts.join(" · "),
            graph.edges.len()
        )
    }
}

/// The drawing: the `max_nodes` most mentioned nodes (ties by id) and the
/// edges between them, with line width by co-occurrences.
fn network(graph: &CoMentionGraph, max_nodes: usize, description: String) -> Network {
    let mut order: Vec<usize> = (0..graph.nodes.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&graph.nodes[a], &graph.nodes[b]);
        y.counts
            .mentions
            .cmp(&x.counts.mentions)
            .then_with(|| x.id.cmp(&y.id))
    });
    let kept: BTreeSet<usize> = order.into_iter().take(max_nodes).collect();
    // Keep the graph's id order so the layout input does not depend on ties.
    let mut index = vec![usize::MAX; graph.nodes.len()];
    let mut nodes = Vec::new();
    for &i in &kept {
        index[i] = nodes.len();
        let n = &graph.nodes[i];
        nodes.push(NetworkNode {
            id: n.id.clone(),
            label: n.label.clone(),
            kind: n.kind.clone(),
            size: n.counts.mentions as f64,
        });
    }
    let edges = graph
        .edges
        .iter()
        .filter(|e| kept.contains(&e.source) && kept.contains(&e.target))
        .map(|e| NetworkEdge {
            source: index[e.source],
            target: index[e.target],
            weight: e.values.cooccurrences as f64,
        })
        .collect();
    Network {
        nodes,
        edges,
        description,
    }
}

/// Runs `comention report`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let tagger = args.gazetteer.tagger()?;
    let gaz = tagger.gazetteer();
    let options = ReportOptions {
        title: args.title.clone(),
        max_articles: args.max_articles,
        ..ReportOptions::default()
    };
    let mut report = Report::new(gaz, options);
    let mut counts = CoMentionCounts::new(CountOptions {
        scope: args.network.scope,
        ..CountOptions::default()
    });
    let summary = args.input.process(
        |doc| tagger.tag(&doc.text),
        |doc, mentions| {
            counts.add_document(&doc, &mentions, gaz);
            report.add(doc, mentions);
            Ok(())
        },
    )?;
    super::finish_cache(&tagger);
    counts.attach_entities(gaz);
    let graph = CoMentionGraph::build(&counts, &args.network.filters.graph_options());
    let shown = graph.nodes.len().min(args.max_nodes);
    let description = args.network.describe(&graph, shown);
    let page = report.render(&network(&graph, args.max_nodes, description));
    match &args.output {
        Some(path) if path.as_os_str() != "-" => {
            let mut file = AtomicFile::create(path)?;
            file.write_all(page.as_bytes())
                .with_context(|| format!("writing {}", path.display()))?;
            file.commit()?;
        }
        _ => {
            let mut out = std::io::stdout().lock();
            out.write_all(page.as_bytes()).context("writing stdout")?;
            out.flush().context("writing stdout")?;
        }
    }
    Ok(args.input.exit_code(&summary))
}
