//! Corpus input options shared by every command that reads documents
//! (`sentences`, `tag`, `graph` …), and the terminal side of reading: the
//! progress bar, warning lines, the end-of-run summary and the exit code.
//!
//! A command flattens [`InputArgs`] into its own `Args`, then calls
//! [`InputArgs::process`] with a per-document function (run in parallel) and
//! a sink (run in input order), and ends with [`InputArgs::exit_code`].

use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use comention::corpus::{Event, Input, Pipeline, Progress, ReadOptions, Summary, Warning};
use comention::Document;

/// Where documents come from and how to read them.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Corpus files or folders: .txt (one article each), .jsonl/.ndjson (one per line),
    /// .csv (one per row), optionally .gz; a folder means every file below it.
    /// `-` or nothing reads stdin (JSONL if it starts with `{`, else one article).
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// JSONL key or CSV column holding the document id.
    #[arg(long, value_name = "NAME", default_value = "id")]
    pub id_field: String,
    /// JSONL key or CSV column holding the article text.
    #[arg(long, value_name = "NAME", default_value = "text")]
    pub text_field: String,
    /// JSONL key or CSV column holding the date (YYYY-MM-DD…).
    #[arg(long, value_name = "NAME", default_value = "date")]
    pub date_field: String,
    /// JSONL key or CSV column holding the title.
    #[arg(long, value_name = "NAME", default_value = "title")]
    pub title_field: String,
    /// Stop with an error (exit 2) at the first warning instead of skipping
    /// [default: off].
    #[arg(long)]
    pub strict: bool,
    /// Worker threads; the output is the same for any number [default: all cores].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// No progress bar and no summary line; warnings are still printed [default: off].
    #[arg(short, long)]
    pub quiet: bool,
    /// Read JSONL and CSV files with read calls, never through a memory map. By default a file
    /// of 1 MiB or more is mapped, which is faster; but if another program truncates it
    /// during the run, the run may be killed by SIGBUS [default: off].
    #[arg(long)]
    pub no_mmap: bool,
}

impl InputArgs {
    /// The inputs as the library sees them (`-` or none is stdin).
    pub fn inputs(&self) -> Vec<Input> {
        if self.inputs.is_empty() {
            return vec![Input::Stdin];
        }
        self.inputs.iter().cloned().map(Input::from_arg).collect()
    }

    /// The field names.
    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            id_field: self.id_field.clone(),
            text_field: self.text_field.clone(),
            date_field: self.date_field.clone(),
            title_field: self.title_field.clone(),
        }
    }

    /// Sizes rayon's global pool to `--threads`; `cli::run` calls it before
    /// the command loads anything. One command per process: the global pool
    /// is ours to size; it can only be built once.
    pub fn start_pool(&self) {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(self.threads.unwrap_or(0))
            .build_global();
    }

    /// Reads every document: `map` runs in parallel on the global pool
    /// (sized to `--threads` by [`InputArgs::start_pool`]),
    /// `sink` gets each document and its result in input order. Warnings are
    /// printed as they come (or end the run under `--strict`); a progress bar
    /// shows on a terminal. Call [`InputArgs::exit_code`] with the summary
    /// once the output is flushed.
    pub fn process<T: Send>(
        &self,
        map: impl Fn(&Document) -> T + Sync,
        sink: impl FnMut(Document, T) -> anyhow::Result<()>,
    ) -> anyhow::Result<Summary> {
        self.run(true, map, sink)
    }

    /// [`InputArgs::process`] for a sink that needs only what `map` made
    /// of each document: the texts are freed on the pool (see
    /// `Pipeline::keep_text`).
    pub fn process_results<T: Send>(
        &self,
        map: impl Fn(&Document) -> T + Sync,
        mut sink: impl FnMut(T) -> anyhow::Result<()>,
    ) -> anyhow::Result<Summary> {
        self.run(false, map, |_, value| sink(value))
    }

    fn run<T: Send>(
        &self,
        keep_text: bool,
        map: impl Fn(&Document) -> T + Sync,
        mut sink: impl FnMut(Document, T) -> anyhow::Result<()>,
    ) -> anyhow::Result<Summary> {
        let inputs = self.inputs();
        let options = self.read_options();
        let reporter = Reporter::new(self.strict, self.quiet);
        let mut pipeline = Pipeline::new(&inputs, &options);
        if self.no_mmap {
            pipeline = pipeline.memory_map(None);
        }
        let result = pipeline
            .keep_text(keep_text)
            .progress(reporter.progress())
            .run(map, |event| match event {
                Event::Document(doc, value) => sink(doc, value),
                Event::Warning(w) => reporter.warning(&w),
            });
        reporter.finish();
        result.map_err(|e| match e.downcast::<comention::Error>() {
            // The library's messages already name the cause; anyhow's `{:#}`
            // would print the io::Error source a second time.
            Ok(e) => anyhow::anyhow!("{e}"),
            Err(e) => e,
        })
    }

    /// Prints the summary line (unless `--quiet`) and gives the exit code:
    /// 1 if anything was skipped, else 0.
    pub fn exit_code(&self, summary: &Summary) -> ExitCode {
        if !self.quiet {
            eprintln!("{}", SummaryLine(summary));
        }
        if summary.skipped > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    }
}

/// `3 documents, 1 skipped, 2 warnings, 0.1 MB`.
struct SummaryLine<'a>(&'a Summary);

impl fmt::Display for SummaryLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        let plural = |n: u64| if n == 1 { "" } else { "s" };
        write!(
            f,
            "{} document{}, {} skipped, {} warning{}, {:.1} MB",
            s.documents,
            plural(s.documents),
            s.skipped,
            s.warnings,
            plural(s.warnings),
            s.bytes as f64 / 1e6
        )
    }
}

/// Progress bar and warning lines on stderr.
struct Reporter {
    strict: bool,
    progress: Arc<Progress>,
    bar: Option<ProgressBar>,
}

impl Reporter {
    fn new(strict: bool, quiet: bool) -> Self {
        use std::io::IsTerminal;
        let progress = Arc::new(Progress::default());
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let p = Arc::clone(&progress);
            let style = ProgressStyle::with_template("{spinner} {stats}")
                .expect("the template is valid")
                .with_key(
                    "stats",
                    move |state: &ProgressState, w: &mut dyn fmt::Write| {
                        let mb = p.bytes() as f64 / 1e6;
                        let secs = state.elapsed().as_secs_f64().max(1e-3);
                        let _ = write!(
                            w,
                            "{} documents, {mb:.1} MB, {:.1} MB/s",
                            p.documents(),
                            mb / secs
                        );
                    },
                );
            let bar =
                ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(style);
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Reporter {
            strict,
            progress,
            bar,
        }
    }

    fn progress(&self) -> Arc<Progress> {
        Arc::clone(&self.progress)
    }

    /// Prints `warning: file:line: message`, or fails under `--strict`.
    fn warning(&self, warning: &Warning) -> anyhow::Result<()> {
        if self.strict {
            // "…; skipped" would be untrue: the run stops here.
            let what = warning
                .message
                .rsplit_once("; ")
                .map_or(warning.message.as_str(), |(what, _)| what);
            let at = Warning {
                message: what.to_string(),
                ..warning.clone()
            };
            anyhow::bail!("{at} (--strict)");
        }
        let print = || eprintln!("warning: {warning}");
        match &self.bar {
            Some(bar) => bar.suspend(print),
            None => print(),
        }
        Ok(())
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_line() {
        let s = Summary {
            documents: 1,
            skipped: 2,
            warnings: 1,
            bytes: 1_250_000,
        };
        assert_eq!(
            SummaryLine(&s).to_string(),
            "1 document, 2 skipped, 1 warning, 1.2 MB"
        );
    }
}
