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
            Some(p) => {
                Ok(Output::File(AtomicFile::create(p).with_context(|| {
                    format!("cannot write {}", p.display())
                })?))
            }
        }
    }

    /// Flushes and, for a file, moves it into place.
    pub fn finish(self) -> anyhow::Result<()> {
        match self {
            Output::Stdout(mut out) => out.flush().context("writing to stdout"),
            Output::File(file) => {
                let path: PathBuf = file.path().to_owned();
                file.commit()
                    .with_context(|| format!("writing {}", path.display()))
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(out) => out.write(buf),
            Output::File(out) => out.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Output::Stdout(out) => out.write_all(buf),
            Output::File(out) => out.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(out) => out.flush(),
            Output::File(out) => out.flush(),
        }
    }
}
