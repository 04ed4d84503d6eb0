//! Tagging with arbitrary aliases and text never panics, and every mention
//! is exact: offsets on char boundaries, char offsets agreeing with byte
//! offsets, the exported `text` equal to `doc[start..end]`, sorted and
//! non-overlapping. The trie (the automaton of large gazetteers, which a
//! small one never reaches by itself) finds the same mentions, and so does
//! the search of a normalised copy.
#![no_main]

use comention::export::mentions::{render, MentionOptions};
use comention::tagger::{Automaton, Case, TaggerBuilder};
use comention::{Document, Entity, Gazetteer};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, arbitrary::Arbitrary)]
struct Input {
    aliases: Vec<(String, bool)>,
    text: String,
    case: u8,
    fold_diacritics: bool,
}

fuzz_target!(|input: Input| {
    let mut gaz = Gazetteer::new();
    for (i, (alias, is_adjective)) in input.aliases.iter().enumerate().take(64) {
        let mut entity = Entity::new(format!("e{}", i % 7), "THING", alias.clone());
        entity.add_alias(alias.clone(), *is_adjective);
        gaz.insert(entity);
    }
    let case = match input.case % 3 {
        0 => Case::Smart,
        1 => Case::Sensitive,
        _ => Case::Insensitive,
    };
    let builder = TaggerBuilder::new()
        .case(case)
        .fold_diacritics(input.fold_diacritics);
    let tagger = builder.build(&gaz);
    let text = &input.text;
    let mentions = tagger.tag(text);
    let trie = builder.automaton(Automaton::Trie).build(&gaz);
    assert_eq!(trie.tag(text), mentions, "the trie differs");
    // ASCII text with line breaks is searched without a normalised copy
    // where no name may cross a break; a no-break space after it makes
    // it non-ASCII, so it takes the copy, and finds the same mentions.
    let copied = tagger.tag(&format!("{text}\u{A0}"));
    assert_eq!(copied, mentions, "the copy differs");
    let mut previous_end = 0;
    for m in &mentions {
        assert!(m.start < m.end, "{m:?}");
        assert!(
            m.start >= previous_end,
            "unsorted or overlapping: {mentions:?}"
        );
        assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
        assert_eq!(m.char_start, text[..m.start].chars().count());
        assert_eq!(m.char_end, text[..m.end].chars().count());
        assert!((m.entity as usize) < gaz.len());
        previous_end = m.end;
    }
    let doc = Document::new("d", text.clone());
    let mut out = Vec::new();
    render(
        &doc,
        &tagger,
        &mentions,
        &MentionOptions::default(),
        &mut out,
    )
    .expect("rendering");
    let lines: Vec<&[u8]> = out
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(lines.len(), mentions.len());
    for (line, m) in lines.iter().zip(&mentions) {
        let record: serde_json::Value = serde_json::from_slice(line).expect("a JSON line");
        assert_eq!(record["text"].as_str(), Some(&text[m.start..m.end]));
    }
});
