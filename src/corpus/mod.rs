//! Corpus input: documents from text files, folders, JSONL, CSV, stdin and
//! gzip, and the sentence/paragraph segmenter. TODO(helper): readers.

pub mod segment;

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
