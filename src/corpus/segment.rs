//! Sentence and paragraph segmentation. TODO(helper): implement.

/// A byte range `[start, end)` of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// Splits `text` into sentences (placeholder: the whole text).
pub fn sentences(text: &str) -> Vec<Span> {
    vec![Span {
        start: 0,
        end: text.len(),
    }]
}

/// Splits `text` into paragraphs (placeholder: the whole text).
pub fn paragraphs(text: &str) -> Vec<Span> {
    vec![Span {
        start: 0,
        end: text.len(),
    }]
}
