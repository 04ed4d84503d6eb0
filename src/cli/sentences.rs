//! `comention sentences`: one JSONL record per sentence, so that users can
//! check the segmenter on their own corpus. Segmentation rules live in
//! `comention::corpus::segment`; reading options in [`super::input`].

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args as ClapArgs;
use serde::Serialize;

use comention::corpus::segment;

use super::input::InputArgs;
use super::output::Output;

/// Print every sentence as JSONL: {"doc","index","start","end","text"}
/// (index from 0; start/end are byte offsets into the document text).
#[derive(Debug, ClapArgs)]
pub struct Args {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    /// Output file, replaced only when the run succeeds [default: stdout].
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Serialize)]
struct Record<'a> {
    doc: &'a str,
    index: usize,
    start: usize,
    end: usize,
    text: &'a str,
}

/// Runs `comention sentences`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut out = Output::open(args.output.as_deref())?;
    let summary = args.input.process(
        |doc| segment::sentences(&doc.text),
        |doc, spans| {
            for (index, span) in spans.iter().enumerate() {
                let record = Record {
                    doc: &doc.id,
                    index,
                    start: span.start,
                    end: span.end,
                    text: &doc.text[span.start..span.end],
                };
                serde_json::to_writer(&mut out, &record)?;
                out.write_all(b"\n")?;
            }
            Ok(())
        },
    )?;
    out.finish()?;
    Ok(args.input.exit_code(&summary))
}
