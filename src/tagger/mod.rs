//! The tagger. TODO(lead): real implementation; this is a naive stand-in.

use aho_corasick::{AhoCorasick, MatchKind};

use crate::gazetteer::Gazetteer;

/// One hit of an entity in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mention {
    /// First byte of the mention in the original text.
    pub start: usize,
    /// One past the last byte in the original text.
    pub end: usize,
    /// Char offset of `start`.
    pub char_start: usize,
    /// Char offset of `end`.
    pub char_end: usize,
    /// Index of the entity in [`Gazetteer::entities`].
    pub entity: u32,
    /// 0-based sentence index (see [`crate::corpus::segment`]).
    pub sentence: u32,
    /// 0-based paragraph index (blank-line separated).
    pub paragraph: u32,
}

/// Finds gazetteer entities in text.
#[derive(Debug, Clone)]
pub struct Tagger {
    gazetteer: Gazetteer,
    automaton: AhoCorasick,
    pattern_entity: Vec<u32>,
}

impl Tagger {
    /// Builds a tagger with the default options.
    pub fn new(gazetteer: &Gazetteer) -> Self {
        let mut patterns = Vec::new();
        let mut pattern_entity = Vec::new();
        for (i, e) in gazetteer.entities().iter().enumerate() {
            for a in &e.aliases {
                patterns.push(a.text.clone());
                pattern_entity.push(i as u32);
            }
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .expect("automaton");
        Tagger {
            gazetteer: gazetteer.clone(),
            automaton,
            pattern_entity,
        }
    }

    /// The gazetteer this tagger was built from.
    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gazetteer
    }

    /// Finds the mentions in `text`.
    pub fn tag(&self, text: &str) -> Vec<Mention> {
        self.automaton
            .find_iter(text)
            .map(|m| Mention {
                start: m.start(),
                end: m.end(),
                char_start: text[..m.start()].chars().count(),
                char_end: text[..m.end()].chars().count(),
                entity: self.pattern_entity[m.pattern().as_usize()],
                sentence: 0,
                paragraph: 0,
            })
            .collect()
    }
}

/// The form of an alias that the tagger matches (whitespace runs, quotes and
/// dashes normalised); two aliases with the same key are the same pattern.
/// TODO(lead): real normalisation.
pub fn alias_key(alias: &str) -> String {
    alias.split_whitespace().collect::<Vec<_>>().join(" ")
}
