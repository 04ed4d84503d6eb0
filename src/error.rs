//! The library's one error type. Every variant says where the problem is
//! (file, line, field) so that the CLI can print it as a single line.

use std::path::PathBuf;

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {cause}", path.display())]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying error (part of the message, so not also a
        /// `source()`: `{:#}` would print it twice).
        cause: std::io::Error,
    },
    /// A gazetteer file is malformed.
    #[error("{}:{line}: {message}", path.display())]
    Gazetteer {
        /// The gazetteer file (`<embedded>/…` for the default lists, `<string>` for in-memory text).
        path: PathBuf,
        /// 1-based line number (0 when the problem is with the whole file).
        line: u64,
        /// What is wrong and what to do.
        message: String,
    },
    /// A corpus record or file could not be read.
    #[error("{}:{line}: {message}", path.display())]
    Corpus {
        /// The corpus file.
        path: PathBuf,
        /// 1-based line number (0 when the problem is with the whole file).
        line: u64,
        /// What is wrong and what to do.
        message: String,
    },
    /// A saved counts state is malformed or incompatible.
    #[error("{}:{line}: {message}", path.display())]
    State {
        /// The state file.
        path: PathBuf,
        /// 1-based line number (0 when the problem is with the whole file).
        line: u64,
        /// What is wrong and what to do.
        message: String,
    },
    /// An option value is out of range or inconsistent.
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    ///
    /// ```
    /// let e = comention::Error::io("a.txt", std::io::Error::other("boom"));
    /// assert_eq!(e.to_string(), "a.txt: boom");
    /// ```
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            cause: source,
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
