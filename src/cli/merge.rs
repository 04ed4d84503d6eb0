//! `comention merge` (alias `export`): combine saved counts states and
//! write the network, applying the weight and filters only now.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use comention::counts::state;

use super::graph::{save_state, OutputArgs};

/// Merge counts states (from `graph --save-state`, shards, or a Spark
/// reduce) and write the network.
///
/// The result is byte for byte the output of one `comention graph` run over
/// the union of the shards, whatever their split and order. States must have
/// been counted with the same options and gazetteer. No gazetteer is needed:
/// labels, types and attributes travel in the state.
#[derive(Debug, Args)]
#[command(after_help = "Exit status: 0 all well, 2 failure (unreadable or incompatible state).")]
pub struct MergeArgs {
    /// State files (JSON Lines); `-` reads stdin. Records may come in any
    /// order and repeat: they are summed.
    #[arg(value_name = "STATE", required = true)]
    states: Vec<PathBuf>,
    /// Also write the merged state to FILE; `-` is stdout. Without -o, only
    /// the state is written [default: none].
    #[arg(long, value_name = "FILE")]
    save_state: Option<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
}

/// Runs `comention merge`.
pub fn run(args: MergeArgs) -> anyhow::Result<ExitCode> {
    args.output.check()?;
    super::output::check_folder(args.save_state.as_deref())?;
    let is_stdout = |p: Option<&Path>| p.map_or(true, |p| p == Path::new("-"));
    let graph_wanted = args.save_state.is_none() || args.output.output_path().is_some();
    let state_to_stdout = args.save_state.is_some() && is_stdout(args.save_state.as_deref());
    if graph_wanted && state_to_stdout && is_stdout(args.output.output_path()) {
        anyhow::bail!(
            "the state and the graph cannot both go to stdout; give -o FILE or --save-state FILE"
        );
    }
    let mut counts = state::read_paths(&args.states)?;
    if let Some(path) = &args.save_state {
        save_state(&counts, path)?;
    }
    if graph_wanted {
        args.output.write(&mut counts)?;
    }
    // The process ends here: freeing the counts one string at a time would
    // only delay the exit.
    std::mem::forget(counts);
    Ok(ExitCode::SUCCESS)
}
