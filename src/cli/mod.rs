//! Glue between clap and the library: one file per subcommand.

mod filters;
mod input;
mod output;
mod sentences;
mod tag;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};

use comention::Gazetteer;

mod gazetteer;
mod graph;
mod inspect;
mod merge;
mod report;

/// Find entities in article text with gazetteers and build co-mention networks.
#[derive(Debug, Parser)]
#[command(name = "comention", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Gazetteer tools (lint).
    #[command(subcommand)]
    Gazetteer(GazetteerCommand),
    /// Build the co-mention network of a corpus (and/or its counts state).
    Graph(graph::GraphArgs),
    /// Merge counts states and write the network (alias: export).
    #[command(alias = "export")]
    Merge(merge::MergeArgs),
    /// Find entity mentions in documents: one record per mention.
    Tag(tag::Args),
    /// Show articles with their mentions highlighted, list articles, find an entity.
    Inspect(inspect::Args),
    /// Write a self-contained HTML report: overview, network, entities, articles.
    Report(report::Args),
    /// Print the sentences of each document as JSONL, to check the segmenter.
    Sentences(sentences::Args),
}

#[derive(Debug, Subcommand)]
enum GazetteerCommand {
    Lint(gazetteer::LintArgs),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    output::exit_cleanly_on_interrupt();
    // Size the global pool before anything uses it: the tagger's build
    // sorts in parallel, and a pool, once built, keeps its size.
    let input = match &cli.command {
        Command::Graph(args) => Some(&args.input),
        Command::Tag(args) => Some(&args.input),
        Command::Inspect(args) => Some(&args.input),
        Command::Report(args) => Some(&args.input),
        Command::Sentences(args) => Some(&args.input),
        Command::Gazetteer(_) | Command::Merge(_) => None,
    };
    if let Some(input) = input {
        input.start_pool();
    }
    match cli.command {
        Command::Gazetteer(g) => match g {
            GazetteerCommand::Lint(args) => gazetteer::lint(args),
        },
        Command::Graph(args) => graph::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Report(args) => report::run(args),
        Command::Sentences(args) => sentences::run(args),
        Command::Tag(args) => tag::run(args),
    }
}

/// True when the error chain ends in a broken pipe (e.g. `comention tag … | head -1`).
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            // serde_json keeps the io::Error inside, not as a `source()`.
            || e.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
            || e.downcast_ref::<comention::Error>().is_some_and(|c| {
                matches!(c, comention::Error::Io { cause, .. } if cause.kind() == std::io::ErrorKind::BrokenPipe)
            })
    })
}

/// How the tagger treats letter case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum CaseArg {
    /// An alias matches its own spelling and its ALL-CAPS form.
    #[default]
    Smart,
    /// An alias matches only its own spelling.
    Sensitive,
    /// Any case matches.
    Insensitive,
}

/// Gazetteer and matching options shared by every command that tags.
#[derive(Debug, Clone, Args)]
pub struct GazetteerArgs {
    /// Gazetteer file (CSV, or spaCy EntityRuler .jsonl); repeat to combine
    /// [default: the embedded lists].
    #[arg(short = 'g', long = "gazetteer", value_name = "FILE")]
    pub gazetteers: Vec<PathBuf>,
    /// Letter case rule.
    #[arg(long, value_enum, default_value_t = CaseArg::Smart)]
    pub case: CaseArg,
    /// Fold diacritics so that "Turkiye" matches "Türkiye" [default: off].
    #[arg(long)]
    pub fold_diacritics: bool,
    /// Do not match adjectival/demonym aliases ("Russian", "Kazakh") [default: they match].
    #[arg(long)]
    pub no_adjectives: bool,
    /// Folder for compiled automata of gazetteers with 10,000 aliases or
    /// more: the next run with the same gazetteer and options reads the
    /// automaton instead of building it (one file per gazetteer and
    /// options, the 8 most recent kept) [default: $XDG_CACHE_HOME/comention,
    /// else ~/.cache/comention].
    #[arg(long, value_name = "DIR", env = "COMENTION_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Neither read nor write compiled automata [default: off].
    #[arg(long)]
    pub no_cache: bool,
}

/// Gazetteers with fewer aliases build in milliseconds: no cache file.
pub const CACHE_MIN_ALIASES: usize = 10_000;

impl GazetteerArgs {
    /// Loads the gazetteers named with `-g`, or the embedded default.
    pub fn load(&self) -> anyhow::Result<Gazetteer> {
        if self.gazetteers.is_empty() {
            return Ok(Gazetteer::embedded());
        }
        let gaz = Gazetteer::from_paths(&self.gazetteers).context("loading the gazetteer")?;
        for w in gaz.warnings() {
            eprintln!(
                "warning: {}:{}: {}",
                w.origin.path.display(),
                w.origin.line,
                w.message
            );
        }
        Ok(gaz)
    }

    /// The tagger options these arguments ask for.
    pub fn builder(&self) -> comention::tagger::TaggerBuilder {
        let case = match self.case {
            CaseArg::Smart => comention::tagger::Case::Smart,
            CaseArg::Sensitive => comention::tagger::Case::Sensitive,
            CaseArg::Insensitive => comention::tagger::Case::Insensitive,
        };
        // With more than one thread (`run` sizes the pool first), a large
        // gazetteer's daachorse automaton is built on its own thread while
        // the trie tags the first documents.
        comention::tagger::TaggerBuilder::new()
            .case(case)
            .fold_diacritics(self.fold_diacritics)
            .adjectives(!self.no_adjectives)
            .build_in_background(rayon::current_num_threads() > 1)
    }

    /// The folder for compiled automata of `gazetteer`, if it gets one.
    pub fn cache_folder(&self, gazetteer: &Gazetteer) -> Option<PathBuf> {
        if self.no_cache {
            return None;
        }
        let aliases: usize = gazetteer.entities().iter().map(|e| e.aliases.len()).sum();
        if aliases < CACHE_MIN_ALIASES {
            return None;
        }
        let from_env = |name: &str| {
            std::env::var_os(name)
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
        };
        self.cache_dir
            .clone()
            .or_else(|| from_env("XDG_CACHE_HOME").map(|p| p.join("comention")))
            .or_else(|| from_env("HOME").map(|p| p.join(".cache").join("comention")))
            .or_else(|| from_env("LOCALAPPDATA").map(|p| p.join("comention")))
    }

    /// Loads the gazetteer and builds the tagger with these options.
    pub fn tagger(&self) -> anyhow::Result<comention::Tagger> {
        Ok(self.build(&self.load()?, self.builder()))
    }

    /// Builds the tagger `builder` asks for over `gazetteer`, with the
    /// cache these arguments ask for. A cache that cannot be used is a
    /// warning: the run goes on without it.
    pub fn build(
        &self,
        gazetteer: &Gazetteer,
        mut builder: comention::tagger::TaggerBuilder,
    ) -> comention::Tagger {
        if let Some(dir) = self.cache_folder(gazetteer) {
            builder = builder.cache_dir(dir);
        }
        let tagger = builder.build(gazetteer);
        warn_about_cache(tagger.cache_outcome());
        tagger
    }
}

/// Prints a warning if the compiled-automaton cache failed.
fn warn_about_cache(outcome: comention::tagger::CacheOutcome) {
    if let comention::tagger::CacheOutcome::Failed(why) = outcome {
        eprintln!("warning: automaton cache: {why} (--no-cache turns it off)");
    }
}

/// At the end of a run: waits for an automaton still being built in the
/// background to be written to the cache (a short run would otherwise
/// never leave one), and reports a failure to write it.
pub fn finish_cache(tagger: &comention::Tagger) {
    if tagger.cache_outcome() == comention::tagger::CacheOutcome::Building {
        warn_about_cache(tagger.wait_for_cache());
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }

    /// Every option's help states its default once: clap appends
    /// "[default: …]" for an option with a default value, so its doc must
    /// not say it again; an option without one says it in words.
    #[test]
    fn every_option_states_its_default_once() {
        fn check(command: &clap::Command, path: &str, wrong: &mut Vec<String>) {
            for arg in command.get_arguments() {
                let id = arg.get_id().as_str();
                if id == "help" || id == "version" || arg.is_positional() {
                    continue;
                }
                let help = arg
                    .get_long_help()
                    .or(arg.get_help())
                    .map(|h| h.to_string())
                    .unwrap_or_default();
                let shown_by_clap = arg.get_action().takes_values()
                    && !arg.get_default_values().is_empty()
                    && !arg.is_hide_default_value_set();
                let stated = help.matches("[default:").count() + usize::from(shown_by_clap);
                if stated != 1 {
                    wrong.push(format!("{path} --{id}: default stated {stated} times"));
                }
            }
            for sub in command.get_subcommands() {
                check(sub, &format!("{path} {}", sub.get_name()), wrong);
            }
        }
        let mut wrong = Vec::new();
        check(&super::Cli::command(), "comention", &mut wrong);
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
