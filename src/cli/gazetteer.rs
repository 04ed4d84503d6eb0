//! `comention gazetteer lint`: prints the problems that
//! [`comention::gazetteer::lint`] finds in gazetteer files.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use comention::gazetteer::lint::{self, Report};

/// Check gazetteer files: alias conflicts, duplicate ids, empty, one-letter
/// and common-word aliases, entities without a usable alias, stray characters.
///
/// Prints one line per problem on stdout, `path:line: severity: message`,
/// sorted by file (in the order given) and line, then a summary on stderr:
/// `N entities, M aliases, E errors, W warnings`
/// (singular when 1). Conflicts are warnings: the
/// tagger resolves them (an entity's name beats other aliases, a plain alias
/// beats an adjective, then the file and row loaded first win) and each
/// message says which entity gets the alias. Checks assume the default
/// matching options (smart case, no diacritic folding).
#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 no errors (warnings allowed), 1 errors found \
    (or warnings with --strict), 2 a file could not be read \
    (printed as `error: path:line: message`)."
)]
pub struct LintArgs {
    /// Gazetteer files (CSV, or spaCy EntityRuler .jsonl), checked together in
    /// this order; `-` reads CSV from stdin. Default: the embedded lists,
    /// reported as `<embedded>/NAME.csv`.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Exit 1 on warnings too [default: only errors give exit 1].
    #[arg(long)]
    strict: bool,
}

/// Runs `comention gazetteer lint`.
pub fn lint(args: LintArgs) -> anyhow::Result<ExitCode> {
    let report = if args.files.is_empty() {
        lint::lint_embedded()
    } else {
        let mut sources = Vec::with_capacity(args.files.len());
        for path in &args.files {
            if path.as_os_str() == "-" {
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .context("reading the gazetteer from stdin")?;
                sources.push((PathBuf::from("<stdin>"), text));
            } else {
                sources.push((path.clone(), comention::gazetteer::read_text(path)?));
            }
        }
        // No context: the error already reads `path:line: message`.
        lint::lint_sources(sources)?
    };
    print(&report).context("writing to stdout")?;
    eprintln!(
        "{}, {}, {}, {}",
        count(report.entities, "entity", "entities"),
        count(report.aliases, "alias", "aliases"),
        count(report.errors(), "error", "errors"),
        count(report.warnings(), "warning", "warnings"),
    );
    let failed = report.errors() > 0 || (args.strict && report.warnings() > 0);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn print(report: &Report) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for problem in &report.problems {
        writeln!(out, "{problem}")?;
    }
    out.flush()
}
