//! `comention graph`: tag a corpus, count co-mentions, write the network
//! and/or the mergeable counts state.

use std::collections::BTreeSet;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use rayon::prelude::*;

use comention::counts::{self, state, CoMentionCounts, CountOptions, Scope, Slice};
use comention::export::{self, Format};
use comention::graph::{Backbone, CoMentionGraph, GraphOptions, Weight};
use comention::tagger::{Case, TaggerBuilder};
use comention::Document;

use super::{CaseArg, GazetteerArgs};

/// Build the co-mention network of a corpus.
///
/// Tags every document, counts entities and pairs per scope, and writes the
/// network (GraphML, GEXF, CSV or JSON) and/or the counts state that
/// `comention merge` combines across shards.
#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 all well, 1 some inputs were skipped (warnings), 2 failure."
)]
pub struct GraphArgs {
    /// Corpus files: JSON Lines (`.jsonl`/`.ndjson`, fields id, text, date,
    /// title) or plain text (one document per file); `-` or nothing reads
    /// JSON Lines from stdin.
    #[arg(value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
    /// Co-occurrence unit: document, paragraph, sentence or window:N (mentions
    /// at most N words apart) [default: document].
    #[arg(long, default_value = "document", value_parser = parse_scope)]
    scope: Scope,
    /// Also count per time slice of the document date [default: no slices].
    #[arg(long, value_enum)]
    slice: Option<SliceArg>,
    /// Example document ids kept per edge (the K smallest ids) [default: 3].
    #[arg(long, value_name = "K", default_value_t = 3)]
    evidence: usize,
    /// Count an entity as the entity whose id is its value of this gazetteer
    /// attribute (e.g. `country`: Moscow counts as Russia) [default: off].
    #[arg(long, value_name = "ATTR")]
    roll_up: Option<String>,
    /// Write the counts state (JSON Lines, see docs/state-format.md) to FILE;
    /// `-` is stdout. Without -o, only the state is written [default: none].
    #[arg(long, value_name = "FILE")]
    save_state: Option<PathBuf>,
    /// Worker threads [default: all cores].
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    #[command(flatten)]
    output: OutputArgs,
}

/// Weight, filters and output, shared by `graph` and `merge`.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// What edge `weight` holds [default: cooccurrences].
    #[arg(long, value_enum, default_value_t = WeightArg::Cooccurrences)]
    weight: WeightArg,
    /// Drop edges whose weight is below X [default: keep all].
    #[arg(long, value_name = "X")]
    min_weight: Option<f64>,
    /// Drop edges with fewer co-occurrences [default: 1].
    #[arg(long, value_name = "N", default_value_t = 1)]
    min_cooccurrences: u64,
    /// Drop entities with fewer mentions [default: 1].
    #[arg(long, value_name = "N", default_value_t = 1)]
    min_mentions: u64,
    /// Keep only entities of these types, comma-separated (e.g. PERSON,COUNTRY) [default: all].
    #[arg(long, value_name = "TYPES", value_delimiter = ',')]
    types: Vec<String>,
    /// Keep each node's K strongest edges [default: all].
    #[arg(long, value_name = "K")]
    top_k: Option<usize>,
    /// Keep the significant backbone: disparity:ALPHA (Serrano et al. 2009) [default: off].
    #[arg(long, value_name = "disparity:ALPHA", value_parser = parse_backbone)]
    backbone: Option<Backbone>,
    /// Output format [default: from the -o extension, else graphml].
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Output file; `-` is stdout. CSV writes NAME.nodes.csv and NAME.edges.csv
    /// for `-o NAME.csv` [default: stdout].
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Write CSV cells as they are, without spreadsheet-formula neutralisation [default: off].
    #[arg(long)]
    raw_csv: bool,
}

fn parse_scope(s: &str) -> Result<Scope, String> {
    s.parse().map_err(|e: comention::Error| e.to_string())
}

fn parse_backbone(s: &str) -> Result<Backbone, String> {
    s.parse().map_err(|e: comention::Error| e.to_string())
}

/// Time slice length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SliceArg {
    /// YYYY.
    Year,
    /// YYYY-MM.
    Month,
    /// YYYY-MM-DD.
    Day,
}

/// What edge `weight` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WeightArg {
    /// Scopes holding both entities.
    Cooccurrences,
    /// Documents where both co-occur.
    Documents,
    /// Pointwise mutual information.
    Pmi,
    /// Normalised PMI.
    Npmi,
    /// Jaccard index.
    Jaccard,
    /// Dice coefficient.
    Dice,
    /// Log-likelihood ratio G².
    Llr,
}

/// Export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// GraphML 1.0.
    Graphml,
    /// GEXF 1.3.
    Gexf,
    /// Gephi spreadsheet CSV (two files).
    Csv,
    /// NetworkX node-link JSON.
    Json,
}

impl OutputArgs {
    /// The graph options these arguments ask for.
    fn graph_options(&self) -> GraphOptions {
        let weight = match self.weight {
            WeightArg::Cooccurrences => Weight::Cooccurrences,
            WeightArg::Documents => Weight::Documents,
            WeightArg::Pmi => Weight::Pmi,
            WeightArg::Npmi => Weight::Npmi,
            WeightArg::Jaccard => Weight::Jaccard,
            WeightArg::Dice => Weight::Dice,
            WeightArg::Llr => Weight::Llr,
        };
        GraphOptions {
            weight,
            min_weight: self.min_weight,
            min_cooccurrences: self.min_cooccurrences,
            min_mentions: self.min_mentions,
            types: self
                .types
                .iter()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect::<BTreeSet<_>>(),
            top_k: self.top_k,
            backbone: self.backbone,
        }
    }

    /// The `-o` argument, if given.
    pub(crate) fn output_path(&self) -> Option<&Path> {
        self.output.as_deref()
    }

    fn is_stdout(&self) -> bool {
        self.output.as_deref().map_or(true, |p| p == Path::new("-"))
    }

    fn format(&self) -> Format {
        match self.format {
            Some(FormatArg::Graphml) => Format::GraphMl,
            Some(FormatArg::Gexf) => Format::Gexf,
            Some(FormatArg::Csv) => Format::Csv,
            Some(FormatArg::Json) => Format::Json,
            None => self
                .output
                .as_deref()
                .and_then(Format::from_path)
                .unwrap_or(Format::GraphMl),
        }
    }

    /// Checks what can be checked before the corpus is read.
    pub(crate) fn check(&self) -> anyhow::Result<()> {
        if self.format() == Format::Csv && self.is_stdout() {
            bail!(
                "CSV export writes two files (NAME.nodes.csv and NAME.edges.csv); give -o NAME.csv"
            );
        }
        Ok(())
    }

    /// Builds the graph from `counts` and writes it.
    pub(crate) fn write(&self, counts: &CoMentionCounts) -> anyhow::Result<()> {
        let graph = CoMentionGraph::build(counts, &self.graph_options());
        let format = self.format();
        match self.output.as_deref() {
            Some(path) if path != Path::new("-") => {
                export::save(&graph, format, path, self.raw_csv)
                    .with_context(|| format!("writing {}", path.display()))
            }
            _ => {
                let stdout = std::io::stdout();
                let mut out = stdout.lock();
                export::write(&graph, format, &mut out)?;
                out.flush().context("writing to stdout")?;
                Ok(())
            }
        }
    }
}

/// Writes the counts state to FILE (atomically) or stdout.
pub(crate) fn save_state(counts: &CoMentionCounts, path: &Path) -> anyhow::Result<()> {
    if path == Path::new("-") {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        state::write(counts, &mut out).context("writing the state to stdout")?;
        out.flush().context("writing the state to stdout")?;
        return Ok(());
    }
    let mut file = export::atomic::AtomicFile::create(path)?;
    state::write(counts, &mut file).with_context(|| format!("writing {}", path.display()))?;
    file.commit()?;
    Ok(())
}

/// Runs `comention graph`.
pub fn run(args: GraphArgs) -> anyhow::Result<ExitCode> {
    args.output.check()?;
    let state_to_stdout = args.save_state.as_deref() == Some(Path::new("-"));
    let graph_wanted = args.save_state.is_none() || args.output.output.is_some();
    if state_to_stdout && graph_wanted && args.output.is_stdout() {
        bail!(
            "the state and the graph cannot both go to stdout; give -o FILE or --save-state FILE"
        );
    }
    let gazetteer = args.gazetteer.load()?;
    let g = &args.gazetteer;
    let case = match g.case {
        CaseArg::Smart => Case::Smart,
        CaseArg::Sensitive => Case::Sensitive,
        CaseArg::Insensitive => Case::Insensitive,
    };
    let tagger = TaggerBuilder::new()
        .case(case)
        .fold_diacritics(g.fold_diacritics)
        .adjectives(!g.no_adjectives)
        .sentences(matches!(args.scope, Scope::Sentence | Scope::Paragraph))
        .build(&gazetteer);
    let matching = format!(
        "case={:?};fold_diacritics={};adjectives={}",
        g.case, g.fold_diacritics, !g.no_adjectives
    );
    let options = CountOptions {
        scope: args.scope,
        slice: args.slice.map(|s| match s {
            SliceArg::Year => Slice::Year,
            SliceArg::Month => Slice::Month,
            SliceArg::Day => Slice::Day,
        }),
        evidence: args.evidence,
        roll_up: args.roll_up.clone(),
        fingerprint: Some(counts::fingerprint(&gazetteer, &matching)),
    };
    if let Some(attr) = &options.roll_up {
        if !gazetteer.attribute_names().iter().any(|a| a == attr) {
            eprintln!("warning: no gazetteer has an attribute {attr:?}; --roll-up changes nothing");
        }
    }

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("starting worker threads")?;
    let mut counts = CoMentionCounts::new(options.clone());
    let count_batch = |batch: &[Document]| -> CoMentionCounts {
        pool.install(|| {
            batch
                .par_iter()
                .fold(
                    || CoMentionCounts::new(options.clone()),
                    |mut acc, doc| {
                        acc.add_document(doc, &tagger.tag(&doc.text), &gazetteer);
                        acc
                    },
                )
                .reduce(|| CoMentionCounts::new(options.clone()), |a, b| a + b)
        })
    };
    let skipped = read_corpus(&args.inputs, 2048, |batch| counts += count_batch(batch))?;
    counts.attach_entities(&gazetteer);

    if let Some(path) = &args.save_state {
        save_state(&counts, path)?;
    }
    if graph_wanted {
        args.output.write(&counts)?;
    }
    Ok(if skipped > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Reads the corpus sequentially and hands documents over in batches;
/// returns the number of skipped records. Warnings go to stderr.
///
/// A stand-in for the corpus pipeline (`comention::corpus` readers): JSON
/// Lines with `id`, `text`, `date`, `title` (a record without `id` gets
/// `FILE:LINE`), or any other file as one plain-text document whose id is
/// its path. Kept in this one function so that it can be swapped.
fn read_corpus(
    inputs: &[PathBuf],
    batch_size: usize,
    mut sink: impl FnMut(&[Document]),
) -> anyhow::Result<u64> {
    #[derive(serde::Deserialize)]
    struct Record {
        id: Option<serde_json::Value>,
        text: Option<String>,
        date: Option<String>,
        title: Option<String>,
    }
    let stdin = [PathBuf::from("-")];
    let inputs = if inputs.is_empty() {
        &stdin[..]
    } else {
        inputs
    };
    let mut skipped = 0;
    let mut batch: Vec<Document> = Vec::with_capacity(batch_size);
    for path in inputs {
        let is_stdin = path == Path::new("-");
        let name = if is_stdin {
            "<stdin>".to_string()
        } else {
            path.display().to_string()
        };
        let is_jsonl = is_stdin
            || matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("jsonl" | "ndjson")
            );
        if !is_jsonl {
            let text = match std::fs::read(path) {
                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Err(e) => {
                    eprintln!("warning: {name}: {e}; skipped");
                    skipped += 1;
                    continue;
                }
            };
            batch.push(Document::new(name, text));
        } else {
            let reader: Box<dyn BufRead> = if is_stdin {
                Box::new(std::io::stdin().lock())
            } else {
                match std::fs::File::open(path) {
                    Ok(f) => Box::new(std::io::BufReader::new(f)),
                    Err(e) => {
                        eprintln!("warning: {name}: {e}; skipped");
                        skipped += 1;
                        continue;
                    }
                }
            };
            for (i, line) in reader.lines().enumerate() {
                let line = line.with_context(|| format!("reading {name}"))?;
                if line.trim().is_empty() {
                    continue;
                }
                let number = i + 1;
                let record: Record = match serde_json::from_str(&line) {
                    Ok(r) => r,
                    Err(e) => {
                        eprintln!("warning: {name}:{number}: not a JSON record ({e}); skipped");
                        skipped += 1;
                        continue;
                    }
                };
                let Some(text) = record.text else {
                    eprintln!("warning: {name}:{number}: missing field \"text\"; skipped");
                    skipped += 1;
                    continue;
                };
                let id = match record.id {
                    Some(serde_json::Value::String(s)) => s,
                    Some(serde_json::Value::Null) | None => format!("{name}:{number}"),
                    Some(other) => other.to_string(),
                };
                batch.push(Document {
                    id,
                    text,
                    date: record.date,
                    title: record.title,
                });
                if batch.len() >= batch_size {
                    sink(&batch);
                    batch.clear();
                }
            }
        }
        if batch.len() >= batch_size {
            sink(&batch);
            batch.clear();
        }
    }
    if !batch.is_empty() {
        sink(&batch);
    }
    Ok(skipped)
}
