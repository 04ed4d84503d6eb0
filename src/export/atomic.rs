//! Atomic output files: readers of a path see the old file or the complete
//! new one, never a half-written one.
//!
//! A regular file (or a path that does not exist yet) is written to a
//! temporary file in the same directory (`.NAME.PID.N.tmp`), flushed, synced
//! and renamed over the target by [`AtomicFile::commit`]. A special file
//! that exists — `/dev/stdout`, `/dev/null`, a FIFO, a character device — is
//! opened and written directly, since it cannot be renamed over. If the
//! [`AtomicFile`] is dropped without `commit` (an error, a panic), the
//! temporary file is removed and the target is untouched.
//!
//! A process killed by a signal runs no destructors, so live temporary files
//! are also kept in a process-wide list: a signal handler (the CLI installs
//! one for Ctrl-C and SIGTERM) calls [`remove_temporary_files`] before it
//! exits. Installing the handler is left to the program.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use crate::error::{Error, Result};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Temporary files not yet renamed or removed. A path is listed before its
/// file is created and unlisted after it is renamed or removed, each under
/// the lock, so [`remove_temporary_files`] never misses one.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> MutexGuard<'static, Vec<PathBuf>> {
    // A panic while the lock was held leaves the list usable.
    LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Removes every temporary file of this process's unfinished
/// [`AtomicFile`]s and returns the lock on the (now empty) list: hold it
/// until the process exits, so that no new temporary file appears. For
/// signal handlers: the targets keep their previous contents.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("comention-doc-live-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let file = comention::export::atomic::AtomicFile::create(dir.join("out.csv"))?;
/// let removed = comention::export::atomic::remove_temporary_files();
/// assert_eq!(removed.len(), 0);
/// drop(removed);
/// assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
/// drop(file);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), comention::Error>(())
/// ```
pub fn remove_temporary_files() -> MutexGuard<'static, Vec<PathBuf>> {
    let mut list = live();
    for path in list.drain(..) {
        let _ = fs::remove_file(path);
    }
    list
}

fn unlist(list: &mut Vec<PathBuf>, path: &Path) {
    if let Some(i) = list.iter().position(|p| p == path) {
        list.swap_remove(i);
    }
}

/// A file being written; see the [module docs](self).
///
/// ```
/// use std::io::Write;
/// let dir = std::env::temp_dir().join(format!("comention-doc-atomic-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("out.txt");
/// let mut file = comention::export::atomic::AtomicFile::create(&path)?;
/// file.write_all(b"hello").unwrap();
/// assert!(!path.exists());
/// file.commit()?;
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "hello");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), comention::Error>(())
/// ```
#[derive(Debug)]
pub struct AtomicFile {
    target: PathBuf,
    /// The temporary file, `None` when writing a special file directly.
    temp: Option<PathBuf>,
    out: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Starts writing `path`.
    pub fn create(path: impl AsRef<Path>) -> Result<AtomicFile> {
        let target = path.as_ref().to_owned();
        let is_special = fs::metadata(&target).is_ok_and(|m| !m.is_file() && !m.is_dir());
        if is_special {
            let file = OpenOptions::new()
                .write(true)
                .open(&target)
                .map_err(|e| Error::io(&target, e))?;
            return Ok(AtomicFile {
                target,
                temp: None,
                out: Some(BufWriter::new(file)),
            });
        }
        let name = target.file_name().ok_or_else(|| {
            Error::io(
                &target,
                io::Error::new(io::ErrorKind::InvalidInput, "not a file name"),
            )
        })?;
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let mut temp_name = std::ffi::OsString::from(".");
            temp_name.push(name);
            temp_name.push(format!(".{}.{n}.tmp", std::process::id()));
            let temp = dir.join(temp_name);
            let mut list = live();
            list.push(temp.clone());
            match OpenOptions::new().write(true).create_new(true).open(&temp) {
                Ok(file) => {
                    return Ok(AtomicFile {
                        target,
                        temp: Some(temp),
                        out: Some(BufWriter::new(file)),
                    })
                }
                Err(e) => {
                    list.pop();
                    if e.kind() != io::ErrorKind::AlreadyExists {
                        return Err(Error::io(&target, e));
                    }
                }
            }
        }
    }

    /// The path being written.
    pub fn path(&self) -> &Path {
        &self.target
    }

    /// Flushes and moves the file into place.
    pub fn commit(mut self) -> Result<()> {
        let out = self.out.take().expect("commit runs once");
        let file = out
            .into_inner()
            .map_err(|e| Error::io(&self.target, e.into_error()))?;
        if let Some(temp) = &self.temp {
            file.sync_all().map_err(|e| Error::io(&self.target, e))?;
            drop(file);
            let mut list = live();
            fs::rename(temp, &self.target).map_err(|e| Error::io(&self.target, e))?;
            unlist(&mut list, temp);
            self.temp = None;
        }
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.as_mut().expect("not yet committed").write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.as_mut().expect("not yet committed").flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let Some(temp) = self.temp.take() {
            drop(self.out.take());
            let mut list = live();
            let _ = fs::remove_file(&temp);
            unlist(&mut list, &temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn replaces_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.graphml");
        fs::write(&path, "old").unwrap();
        let mut f = AtomicFile::create(&path).unwrap();
        f.write_all(b"new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(entries(dir.path()).len(), 2);
        f.commit().unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(entries(dir.path()), ["g.graphml"]);
    }

    #[test]
    fn dropping_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.json");
        let mut f = AtomicFile::create(&path).unwrap();
        f.write_all(b"partial").unwrap();
        drop(f);
        assert!(entries(dir.path()).is_empty());
    }

    #[test]
    fn special_files_are_written_directly() {
        let mut f = AtomicFile::create("/dev/null").unwrap();
        f.write_all(b"x").unwrap();
        f.commit().unwrap();
    }

    #[test]
    fn live_temporary_files_are_listed() {
        // `remove_temporary_files` itself is checked by its doctest and by
        // tests/bad_inputs.rs (SIGINT): here it would remove the temporary
        // files of tests running in parallel.
        let dir = tempfile::tempdir().unwrap();
        let f = AtomicFile::create(dir.path().join("g.graphml")).unwrap();
        let temp = f.temp.clone().unwrap();
        assert!(temp.exists());
        assert!(live().contains(&temp));
        drop(f);
        assert!(!live().contains(&temp));
    }

    #[test]
    fn committed_and_dropped_files_leave_the_list() {
        let dir = tempfile::tempdir().unwrap();
        let a = AtomicFile::create(dir.path().join("a")).unwrap();
        let b = AtomicFile::create(dir.path().join("b")).unwrap();
        let (ta, tb) = (a.temp.clone().unwrap(), b.temp.clone().unwrap());
        a.commit().unwrap();
        drop(b);
        let list = live();
        assert!(!list.contains(&ta) && !list.contains(&tb));
    }

    #[test]
    fn missing_directory_is_an_error_with_the_path() {
        let err = AtomicFile::create("/nonexistent-dir/x.csv").unwrap_err();
        assert!(
            err.to_string().starts_with("/nonexistent-dir/x.csv: "),
            "{err}"
        );
    }
}
