//! `comention tag`: one record per mention, as JSONL or CSV. Matching lives
//! in `comention::tagger`, record layout in `comention::export::mentions`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args as ClapArgs, ValueEnum};

use comention::export::mentions::{self, MentionFormat, MentionOptions};

use super::input::InputArgs;
use super::output::Output;
use super::GazetteerArgs;

/// Mention table format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    /// One JSON object per line.
    Jsonl,
    /// CSV with a header line, formula-safe cells.
    Csv,
}

/// Find entity mentions: one record per mention with doc, entity, type, name,
/// text, start, end (byte offsets), char_start, char_end, sentence, paragraph.
#[derive(Debug, ClapArgs)]
pub struct Args {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
    /// Output format [default: csv when -o ends in .csv, else jsonl].
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Output file, replaced only when the run succeeds [default: stdout].
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Add `left` and `right`: N characters of context each side [default: none].
    #[arg(long, value_name = "N")]
    context: Option<usize>,
    /// Write CSV cells as they are, without neutralising spreadsheet formulas
    /// (cells starting with = + - @ get a leading ' by default) [default: off].
    #[arg(long)]
    raw_csv: bool,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs `comention tag`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let format = match args.format {
        Some(FormatArg::Csv) => MentionFormat::Csv,
        Some(FormatArg::Jsonl) => MentionFormat::Jsonl,
        None if args
            .output
            .as_ref()
            .and_then(|p| p.extension())
            .is_some_and(|e| e.eq_ignore_ascii_case("csv")) =>
        {
            MentionFormat::Csv
        }
        None => MentionFormat::Jsonl,
    };
    let options = MentionOptions {
        format,
        context: args.context,
        raw: args.raw_csv,
    };
    super::output::check_folder(args.output.as_deref())?;
    let tagger = args.gazetteer.tagger()?;
    let mut out = Output::open(args.output.as_deref())?;
    out.write_all(mentions::header(&options).as_bytes())?;
    let renderer = mentions::Renderer::new(&tagger, options);
    let mut total = 0usize;
    let summary = args.input.process_results(
        |doc| {
            let found = tagger.tag(&doc.text);
            // Rendered into a buffer kept by each thread, then copied out at
            // its exact size: a vector grown per document, among the texts
            // freed meanwhile, fragmented glibc's heap (peak RSS with small
            // on sotu-x20 at 2 threads: 40 MB that way, 34 MB this way).
            SCRATCH.with_borrow_mut(|scratch| {
                scratch.clear();
                renderer
                    .render(doc, &found, scratch)
                    .map(|()| (found.len(), scratch.as_slice().to_vec()))
            })
        },
        |rendered| {
            let (count, bytes) = rendered?;
            total += count;
            out.write_all(&bytes)?;
            Ok(())
        },
    )?;
    out.finish()?;
    super::finish_cache(&tagger);
    if !args.input.quiet {
        eprintln!("{total} mention{}", if total == 1 { "" } else { "s" });
    }
    // The process ends here: freeing the automaton and the gazetteer piece
    // by piece would only delay the exit (a tenth of the start-up time).
    drop(renderer);
    std::mem::forget(tagger);
    Ok(args.input.exit_code(&summary))
}
