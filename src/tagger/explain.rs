//! Near misses: the places where an alias almost matched, and why it did not.
//!
//! Explaining runs a second, case-insensitive automaton that reports every
//! overlapping candidate, then classifies each one the tagger did not keep.
//! It is for looking at a few documents (`comention inspect --explain`), not
//! for whole corpora.

use aho_corasick::{AhoCorasick, MatchKind};

use super::boundary;
use super::fold::{Normalizer, OffsetMap};
use super::{Mention, Tagger};

/// Why a candidate was not kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    /// A longer or earlier mention covers part of it ("Putin" inside
    /// "Vladimir Putin").
    Overlapped,
    /// Another entity won the same alias (see the conflict rule).
    LostConflict,
    /// It lies inside a longer word (`BRI` in `BRICS`).
    InsideWord,
    /// It lies inside a URL.
    InUrl,
    /// The letter case does not fit the case rule (`turkey` for `Turkey`).
    Case,
    /// It is an adjectival alias and adjectives are switched off.
    Adjective,
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Reason::Overlapped => "covered by a longer or earlier mention",
            Reason::LostConflict => "the alias belongs to another entity (conflict rule)",
            Reason::InsideWord => "inside a longer word",
            Reason::InUrl => "inside a URL",
            Reason::Case => "letter case refused by the case rule",
            Reason::Adjective => "adjectival alias, and adjectives are off",
        })
    }
}

/// A candidate the tagger did not keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NearMiss {
    /// First byte in the original text.
    pub start: usize,
    /// One past the last byte in the original text.
    pub end: usize,
    /// Index of the entity in the gazetteer.
    pub entity: u32,
    /// Why it was not kept.
    pub reason: Reason,
}

impl Tagger {
    /// Lists the near misses in `text`: every place where some alias matches
    /// case-insensitively but the tagger kept no mention of that entity
    /// there, with the reason. Sorted by position.
    ///
    /// ```
    /// use comention::tagger::Reason;
    /// let gaz = comention::Gazetteer::from_csv_str(
    ///     "id,type,name,aliases\ntr,COUNTRY,Turkey,\nbri,INITIATIVE,Belt and Road,BRI\nbrics,ORG,BRICS,\n",
    /// )?;
    /// let tagger = comention::Tagger::new(&gaz);
    /// let reasons: Vec<_> = tagger.explain("roast turkey; BRIC").iter().map(|n| n.reason).collect();
    /// assert_eq!(reasons, [Reason::Case, Reason::InsideWord]);
    /// # Ok::<(), comention::Error>(())
    /// ```
    pub fn explain(&self, text: &str) -> Vec<NearMiss> {
        let lower = Normalizer {
            fold_diacritics: self.options.fold_diacritics,
            lowercase: true,
        };
        // Every alias, adjectives included, with its entity.
        let mut keys: Vec<(String, u32, bool)> = Vec::new();
        for (index, entity) in self.gazetteer.entities().iter().enumerate() {
            for alias in &entity.aliases {
                let key = lower.alias(&alias.text);
                if !key.is_empty() {
                    keys.push((key, index as u32, alias.is_adjective));
                }
            }
        }
        if keys.is_empty() {
            return Vec::new();
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(keys.iter().map(|k| &k.0))
            .expect("aliases are non-empty");
        let mut norm = String::new();
        let mut map = OffsetMap::default();
        lower.text_into(text, &mut norm, &mut map);
        let mentions = self.tag(text);
        let mut out = Vec::new();
        for hit in automaton.find_overlapping_iter(&norm) {
            let (_, entity, is_adjective) = keys[hit.pattern().as_usize()];
            let (start, end) = (map.start(hit.start()), map.end(hit.end()));
            if start >= end {
                continue;
            }
            let kept = |m: &&Mention| m.start == start && m.end == end && m.entity == entity;
            if mentions.iter().any(|m| kept(&m)) {
                continue;
            }
            let reason = classify(self, text, start, end, entity, is_adjective, &mentions);
            out.push(NearMiss {
                start,
                end,
                entity,
                reason,
            });
        }
        out.sort();
        out.dedup();
        out
    }
}

fn classify(
    tagger: &Tagger,
    text: &str,
    start: usize,
    end: usize,
    entity: u32,
    is_adjective: bool,
    mentions: &[Mention],
) -> Reason {
    if let Some(m) = mentions.iter().find(|m| m.start < end && start < m.end) {
        return if m.start == start && m.end == end && m.entity != entity {
            Reason::LostConflict
        } else {
            Reason::Overlapped
        };
    }
    if boundary::in_url(text, start) {
        return Reason::InUrl;
    }
    let slice = &text[start..end];
    let (first, last) = (
        slice.chars().next().expect("non-empty"),
        slice.chars().next_back().expect("non-empty"),
    );
    let glued_after = {
        let after = boundary::char_at(text, end);
        boundary::is_word_char(last)
            && after.is_some_and(boundary::is_word_char)
            && boundary::ending(text, end, last, true, true) == boundary::Ending::Glued
    };
    if !boundary::starts_word(text, start, first) || glued_after {
        return Reason::InsideWord;
    }
    if is_adjective && !tagger.options.adjectives {
        return Reason::Adjective;
    }
    Reason::Case
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Gazetteer;

    fn explain(text: &str) -> Vec<(String, Reason)> {
        let gaz = Gazetteer::from_csv_str(
            "id,type,name,aliases\ntr,COUNTRY,Turkey,\nbri,INITIATIVE,Belt and Road Initiative,BRI\nputin,PERSON,Vladimir Putin,Putin\nkz,COUNTRY,Kazakhstan,\n",
        )
        .unwrap();
        Tagger::new(&gaz)
            .explain(text)
            .iter()
            .map(|n| (text[n.start..n.end].to_string(), n.reason))
            .collect()
    }

    #[test]
    fn each_reason() {
        assert_eq!(explain("roast turkey"), [("turkey".into(), Reason::Case)]);
        assert_eq!(explain("BRICS"), [("BRI".into(), Reason::InsideWord)]);
        assert_eq!(
            explain("a bright day"),
            [("bri".into(), Reason::InsideWord)]
        );
        assert_eq!(
            explain("President Vladimir Putin"),
            [("Putin".into(), Reason::Overlapped)]
        );
        assert_eq!(
            explain("see https://x.kz/Kazakhstan now"),
            [("Kazakhstan".into(), Reason::InUrl)]
        );
        assert!(explain("Turkey, Kazakhstan's").is_empty());
    }
}
