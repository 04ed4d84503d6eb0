//! `comention report`: one self-contained HTML page about a corpus.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use comention::report::html::{Report, ReportOptions};
use comention::report::svg::SvgOptions;
use comention::report::Network;

use super::inspect::{build_tagger, read_documents};
use super::GazetteerArgs;

/// Write an HTML report: corpus overview, co-mention network, entity table,
/// articles with their mentions highlighted.
///
/// The page is one file with no external resource: it opens offline, and
/// its Content-Security-Policy forbids every network load and every script
/// but its own (sorting the entity table). Article text and gazetteer labels
/// are escaped.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Input files: JSONL (one {"id","text","date","title"} object per line)
    /// or plain text (one document per file); `-` or none: stdin.
    #[arg(value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Output file; `-` for stdout [default: stdout].
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Articles shown in full, the first ones in input order; the others are
    /// counted in the overview and tables only [default: 200].
    #[arg(long, value_name = "N", default_value_t = 200)]
    max_articles: usize,
    /// Nodes drawn in the network, the most mentioned ones [default: 80].
    #[arg(long, value_name = "N", default_value_t = 80)]
    max_nodes: usize,
    /// Page title [default: "comention report"].
    #[arg(long, value_name = "TEXT", default_value = "comention report")]
    title: String,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

/// Runs `comention report`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let tagger = build_tagger(&args.gazetteer)?;
    let (docs, skipped) = read_documents(&args.inputs)?;
    let gaz = tagger.gazetteer();
    let options = ReportOptions {
        title: args.title.clone(),
        max_articles: args.max_articles,
        svg: SvgOptions::default(),
        ..ReportOptions::default()
    };
    let mut report = Report::new(gaz, options);
    for doc in docs {
        let mentions = tagger.tag(&doc.text);
        report.add(doc, mentions);
    }
    let network = Network {
        description: "The network appears once the graph module is merged.".into(),
        ..Network::default()
    };
    let _ = args.max_nodes;
    let page = report.render(&network);
    match &args.output {
        None => write_stdout(page.as_bytes())?,
        Some(p) if p.as_os_str() == "-" => write_stdout(page.as_bytes())?,
        Some(path) => write_file(path, page.as_bytes())?,
    }
    Ok(if skipped {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes).context("writing stdout")?;
    out.flush().context("writing stdout")
}

/// Writes a regular file atomically (a temporary file in the same folder,
/// then a rename); special files such as /dev/stdout are written directly.
// Stand-in for export::atomic::AtomicFile, to be swapped when it is merged.
fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let is_special = std::fs::metadata(path).is_ok_and(|m| !m.is_file());
    if is_special {
        return std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().context("the output path names no file")?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| format!("writing {}", path.display()))
}
