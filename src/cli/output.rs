//! Where a command's results go: stdout (no `-o`, or `-o -`) or a file
//! written atomically (see `comention::export::atomic`), so that a failed or
//! interrupted run never leaves a half-written file.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

use comention::export::atomic::AtomicFile;

/// An open output.
pub enum Output {
    /// Standard output, buffered.
    Stdout(BufWriter<io::StdoutLock<'static>>),
    /// A file, replaced only by [`Output::finish`].
    File(AtomicFile),
}

impl Output {
    /// Opens `path`, or stdout for `None` and `-`.
    pub fn open(path: Option<&Path>) -> anyhow::Result<Output> {
        match path {
            None => Ok(Output::Stdout(BufWriter::with_capacity(
                1 << 16,
                io::stdout().lock(),
            ))),
            Some(p) if p.as_os_str() == "-" => Ok(Output::open(None)?),
            Some(p) => Ok(Output::File(AtomicFile::create(p).map_err(|e| {
                about_file(e, format!("cannot write {}", p.display()), p)
            })?)),
        }
    }

    /// Flushes and, for a file, moves it into place.
    pub fn finish(self) -> anyhow::Result<()> {
        match self {
            Output::Stdout(mut out) => out.flush().context("writing to stdout"),
            Output::File(file) => {
                let path: PathBuf = file.path().to_owned();
                file.commit()
                    .map_err(|e| about_file(e, format!("writing {}", path.display()), &path))
            }
        }
    }
}

/// `{context}: cause`, where the context names `path`: the library's I/O
/// errors already start with the path, which the context would otherwise
/// repeat (`cannot write x/o.csv: x/o.csv: No such file or directory`).
pub fn about_file(err: comention::Error, context: String, path: &Path) -> anyhow::Error {
    match err {
        comention::Error::Io { path: p, cause } if p == path => {
            anyhow::Error::new(cause).context(context)
        }
        other => anyhow::Error::new(other).context(context),
    }
}

impl Output {
    /// An I/O error that says where: `writing out.jsonl: No space left on
    /// device`. The kind is kept, so a broken pipe is still recognised.
    fn located(&self, err: io::Error) -> io::Error {
        let at = match self {
            Output::Stdout(_) => "writing to stdout".to_string(),
            Output::File(file) => format!("writing {}", file.path().display()),
        };
        io::Error::new(err.kind(), format!("{at}: {err}"))
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let done = match self {
            Output::Stdout(out) => out.write(buf),
            Output::File(out) => out.write(buf),
        };
        done.map_err(|e| self.located(e))
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let done = match self {
            Output::Stdout(out) => out.write_all(buf),
            Output::File(out) => out.write_all(buf),
        };
        done.map_err(|e| self.located(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        let done = match self {
            Output::Stdout(out) => out.flush(),
            Output::File(out) => out.flush(),
        };
        done.map_err(|e| self.located(e))
    }
}

/// Fails early, before a long run, when `path` (a file to write at the end)
/// is in a folder that does not exist: the same message the write would
/// give, without reading the corpus first. `-` and `None` are stdout.
pub fn check_folder(path: Option<&Path>) -> anyhow::Result<()> {
    let Some(path) = path.filter(|p| p.as_os_str() != "-") else {
        return Ok(());
    };
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match std::fs::metadata(folder) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => anyhow::bail!(
            "cannot write {}: {} is not a folder",
            path.display(),
            folder.display()
        ),
        Err(e) => Err(anyhow::Error::new(e).context(format!("cannot write {}", path.display()))),
    }
}

/// Exit status after Ctrl-C or SIGTERM (128 + SIGINT, as shells report it).
const INTERRUPTED: u8 = 130;

/// Installs the Ctrl-C / SIGTERM handler: it removes the temporary files of
/// unfinished outputs, so that an interrupted run leaves every previous
/// output file as it was and no `.NAME.*.tmp` behind, and exits 130.
pub fn exit_cleanly_on_interrupt() {
    // Failing to install (a handler already set) only loses the cleanup.
    let _ = ctrlc::set_handler(|| {
        let _held_until_exit = comention::export::atomic::remove_temporary_files();
        eprintln!("error: interrupted; no output file was replaced");
        std::process::exit(INTERRUPTED.into());
    });
}
