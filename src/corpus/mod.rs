//! Corpus input: documents from text files, folders, JSONL, CSV, stdin and
//! gzip ([`read`]), the ordered parallel [`pipeline`] that the commands run
//! documents through, and the sentence/paragraph [`segment`]er.
//!
//! This module reads and decodes; it never prints. What to do with warnings
//! (print them, fail under `--strict`) is the caller's choice.

pub mod pipeline;
pub mod read;
pub mod segment;

pub use pipeline::{process, read_all, Event, Pipeline, Summary};
pub use read::{Input, Progress, ReadOptions, Warning};

/// One article.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Document {
    /// Document id (file name, relative path, or the id field).
    pub id: String,
    /// The article text; every offset points into it.
    pub text: String,
    /// Publication date as given (ISO 8601 `YYYY-MM-DD…` recommended).
    pub date: Option<String>,
    /// Title, when the record has one.
    pub title: Option<String>,
}

impl Document {
    /// A document with an id and text only.
    ///
    /// ```
    /// let d = comention::Document::new("a1", "Talks in Astana.");
    /// assert_eq!(d.id, "a1");
    /// ```
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Document {
            id: id.into(),
            text: text.into(),
            date: None,
            title: None,
        }
    }
}
