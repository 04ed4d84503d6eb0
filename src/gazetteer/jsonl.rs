//! Reads spaCy EntityRuler pattern files (JSONL), so that users can bring the
//! gazetteers they already have.
//!
//! One JSON object per line: `{"label": "GPE", "pattern": "Kazakhstan", "id": "kz"}`.
//! Blank lines are ignored; a line that is not such an object is an error
//! naming `file:line`. Other keys are ignored.
//!
//! How lines become entities:
//!
//! * `label` is kept as the entity type exactly as written (`GPE`, `ORG`,
//!   `PERSON`…); nothing is mapped to our own types.
//! * Lines with the same `id` (spaCy's `ent_id`) and the same `label` form one
//!   entity; its name is the first pattern seen. The same `id` under two
//!   labels gives two entities with one id, which the gazetteer merges (with a
//!   warning) and `comention gazetteer lint` reports as an error.
//! * A line without `id` (or with `"id": ""`) gets the id [`derived_id`] of its
//!   pattern: lower-cased, with every run of characters other than letters and
//!   digits turned into one `-` (`"Belt and Road"` → `belt-and-road`). So
//!   `Kazakhstan` and `KAZAKHSTAN` under one label are one entity, while
//!   `Kazakhstan` and `Republic of Kazakhstan` are two: give them an `id` to
//!   join them.
//! * A string pattern is an alias. A token-list pattern is read only when
//!   every token is an exact string under `ORTH`, `TEXT` or `LOWER`
//!   (`[{"LOWER": "belt"}, {"LOWER": "and"}, {"LOWER": "road"}]`): the tokens
//!   are joined with spaces, without a space around hyphens and slashes and
//!   before closing punctuation and `'s` (`["Nur", "-", "Sultan"]` →
//!   `Nur-Sultan`). Any other token (`OP`, `POS`, `IN`, regular
//!   expressions…) is an error asking to rewrite the line as a string pattern.
//! * `LOWER` matches any letter case in spaCy; here the alias keeps the
//!   lower-case spelling, which matches that spelling (and its ALL-CAPS form)
//!   only, unless the tagger runs with `--case insensitive`. The reader warns.
//! * An empty pattern is skipped with a warning.
//!
//! Matching is left to the [`tagger`](crate::tagger); checks such as
//! conflicts and common words to [`lint`](super::lint).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde_json::Value;

use super::{Entity, Gazetteer, Origin};
use crate::error::{Error, Result};

/// Keys of a token that hold an exact string we can read.
const EXACT_TOKEN_KEYS: &[&str] = &["ORTH", "TEXT", "LOWER"];

/// One line of a pattern file, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// Where the line is.
    pub origin: Origin,
    /// The `label`, kept as the entity type.
    pub label: String,
    /// The `id`, if the line has a non-empty one.
    pub id: Option<String>,
    /// The pattern text (token lists joined), trimmed; may be empty.
    pub text: String,
    /// True when a token of the pattern was a `LOWER` token.
    pub is_lowercase: bool,
}

impl Pattern {
    /// The id of the entity this line belongs to: its `id`, or else
    /// [`derived_id`] of its text.
    pub fn entity_id(&self) -> String {
        match &self.id {
            Some(id) => id.clone(),
            None => derived_id(&self.text),
        }
    }
}

/// The id given to a pattern line without `id`: the pattern lower-cased,
/// each run of characters other than letters and digits replaced by one `-`,
/// trimmed of `-` (the pattern itself when that leaves nothing).
///
/// ```
/// use comention::gazetteer::jsonl::derived_id;
/// assert_eq!(derived_id("Belt and Road"), "belt-and-road");
/// assert_eq!(derived_id("U.S."), "u-s");
/// assert_eq!(derived_id("Türkiye"), "türkiye");
/// assert_eq!(derived_id("!!"), "!!");
/// ```
pub fn derived_id(pattern: &str) -> String {
    let mut id = String::with_capacity(pattern.len());
    let mut pending_dash = false;
    for c in pattern.chars() {
        if c.is_alphanumeric() {
            if pending_dash && !id.is_empty() {
                id.push('-');
            }
            pending_dash = false;
            id.extend(c.to_lowercase());
        } else {
            pending_dash = true;
        }
    }
    if id.is_empty() {
        pattern.trim().to_string()
    } else {
        id
    }
}

/// Parses pattern-file text into one [`Pattern`] per non-blank line, failing
/// on the first line that cannot be read.
///
/// ```
/// use comention::gazetteer::jsonl::patterns;
/// let text = r#"{"label": "GPE", "pattern": "Kazakhstan", "id": "kz"}
/// {"label": "ORG", "pattern": [{"ORTH": "Belt"}, {"ORTH": "and"}, {"ORTH": "Road"}]}
/// "#;
/// let p = patterns(text, "p.jsonl".as_ref())?;
/// assert_eq!((p[0].id.as_deref(), p[0].text.as_str()), (Some("kz"), "Kazakhstan"));
/// assert_eq!((p[1].entity_id().as_str(), p[1].text.as_str()), ("belt-and-road", "Belt and Road"));
/// # Ok::<(), comention::Error>(())
/// ```
pub fn patterns(text: &str, path: &Path) -> Result<Vec<Pattern>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let shared_path: std::sync::Arc<Path> = std::sync::Arc::from(path);
    let mut out = Vec::new();
    for (index, line) in text.split('\n').enumerate() {
        let line_no = index as u64 + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let error = |message: String| Error::Gazetteer {
            path: path.to_owned(),
            line: line_no,
            message,
        };
        let value: Value = serde_json::from_str(line).map_err(|e| {
            error(format!(
                "not valid JSON ({e}); each line must be one object like {{\"label\": \"GPE\", \"pattern\": \"Kazakhstan\"}}"
            ))
        })?;
        let Value::Object(object) = value else {
            return Err(error(
                "not a JSON object; each line must look like {\"label\": \"GPE\", \"pattern\": \"Kazakhstan\"}"
                    .into(),
            ));
        };
        let label = match object.get("label") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
            Some(_) => return Err(error("\"label\" must be a non-empty string".into())),
            None => return Err(error("missing \"label\"; every pattern needs one".into())),
        };
        if label.chars().any(char::is_control) {
            return Err(error(format!(
                "the label {label:?} contains a control character; remove it"
            )));
        }
        let id = match object.get("id") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) => Some(s.trim().to_string()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(_) => return Err(error("\"id\" must be a string or a number".into())),
        };
        if let Some(id) = &id {
            if id.chars().any(char::is_control) {
                return Err(error(format!(
                    "the id {id:?} contains a control character; remove it"
                )));
            }
        }
        let (text, is_lowercase) = match object.get("pattern") {
            Some(Value::String(s)) => (s.trim().to_string(), false),
            Some(Value::Array(tokens)) => token_pattern(tokens).map_err(error)?,
            Some(_) => {
                return Err(error(
                    "\"pattern\" must be a string or a list of tokens".into(),
                ))
            }
            None => return Err(error("missing \"pattern\"".into())),
        };
        out.push(Pattern {
            origin: Origin {
                path: std::sync::Arc::clone(&shared_path),
                line: line_no,
            },
            label,
            id,
            text,
            is_lowercase,
        });
    }
    Ok(out)
}

/// Reads a token-list pattern made of exact-string tokens; anything else is
/// refused with a message saying what to do.
fn token_pattern(tokens: &[Value]) -> std::result::Result<(String, bool), String> {
    let mut words = Vec::with_capacity(tokens.len());
    let mut is_lowercase = false;
    for token in tokens {
        let exact = match token {
            Value::Object(map) if map.len() == 1 => map.iter().next().and_then(|(key, value)| {
                let key = key.to_uppercase();
                match value {
                    Value::String(s) if EXACT_TOKEN_KEYS.contains(&key.as_str()) => {
                        Some((key, s.as_str()))
                    }
                    _ => None,
                }
            }),
            _ => None,
        };
        let Some((key, word)) = exact else {
            return Err(format!(
                "token {token} is not an exact string; only token lists of {{\"ORTH\": …}}, {{\"TEXT\": …}} or {{\"LOWER\": …}} strings can be read; rewrite the line as a string pattern, e.g. \"pattern\": \"Belt and Road\""
            ));
        };
        is_lowercase |= key == "LOWER";
        words.push(word.trim());
    }
    Ok((join_tokens(&words), is_lowercase))
}

/// Joins spaCy tokens back into text: spaces between words, none around
/// hyphens and slashes, after opening brackets, or before closing
/// punctuation and clitics (`'s`, `n't`).
fn join_tokens(words: &[&str]) -> String {
    let is_glue = |w: &str| matches!(w, "-" | "–" | "—" | "/");
    let mut out = String::new();
    let mut previous: Option<&str> = None;
    for &word in words.iter().filter(|w| !w.is_empty()) {
        if let Some(prev) = previous {
            let closes = word
                .chars()
                .all(|c| matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '}'))
                || word.starts_with(['\'', '’'])
                || word.eq_ignore_ascii_case("n't");
            let opened = prev.ends_with(['(', '[', '{']);
            if !(closes || opened || is_glue(word) || is_glue(prev)) {
                out.push(' ');
            }
        }
        out.push_str(word);
        previous = Some(word);
    }
    out
}

/// Groups patterns into entities: lines with the same entity id and label
/// form one entity, named after its first pattern, in first-seen order.
/// Empty patterns are left out, and so is a group with nothing but them.
///
/// ```
/// use comention::gazetteer::jsonl::{entities, patterns};
/// let text = "{\"label\": \"GPE\", \"pattern\": \"Kazakhstan\", \"id\": \"kz\"}\n\
///             {\"label\": \"GPE\", \"pattern\": \"Qazaqstan\", \"id\": \"kz\"}\n";
/// let e = entities(&patterns(text, "p.jsonl".as_ref())?);
/// assert_eq!((e.len(), e[0].name.as_str(), e[0].aliases.len()), (1, "Kazakhstan", 2));
/// # Ok::<(), comention::Error>(())
/// ```
pub fn entities(patterns: &[Pattern]) -> Vec<Entity> {
    let mut out: Vec<Entity> = Vec::new();
    let mut index: HashMap<(String, &str), usize> = HashMap::new();
    for pattern in patterns.iter().filter(|p| !p.text.is_empty()) {
        let id = pattern.entity_id();
        match index.get(&(id.clone(), pattern.label.as_str())) {
            Some(&i) => {
                out[i].push_alias(pattern.text.clone(), false, pattern.origin.clone());
            }
            None => {
                index.insert((id.clone(), pattern.label.as_str()), out.len());
                let mut entity = Entity {
                    id,
                    kind: pattern.label.clone(),
                    name: pattern.text.clone(),
                    aliases: Vec::new(),
                    attributes: BTreeMap::new(),
                    origin: pattern.origin.clone(),
                };
                entity.push_alias(pattern.text.clone(), false, pattern.origin.clone());
                out.push(entity);
            }
        }
    }
    out
}

/// The warning for a pattern line that loads with a caveat, if any.
pub(crate) fn pattern_warning(pattern: &Pattern) -> Option<String> {
    if pattern.text.is_empty() {
        Some("empty pattern; skipped".into())
    } else if pattern.is_lowercase {
        Some(format!(
            "LOWER token pattern {:?} matches any letter case in spaCy, but here only that spelling and its ALL-CAPS form unless --case insensitive; write the pattern as a string with its usual capitalisation",
            pattern.text
        ))
    } else {
        None
    }
}

/// Reads pattern-file text into `gaz`.
pub(crate) fn read_str_into(gaz: &mut Gazetteer, text: &str, path: &Path) -> Result<()> {
    let patterns = patterns(text, path)?;
    for pattern in &patterns {
        if let Some(message) = pattern_warning(pattern) {
            gaz.warn(pattern.origin.clone(), message);
        }
    }
    for entity in entities(&patterns) {
        gaz.insert(entity);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Gazetteer> {
        let mut gaz = Gazetteer::new();
        read_str_into(&mut gaz, text, Path::new("p.jsonl"))?;
        Ok(gaz)
    }

    fn aliases(e: &Entity) -> Vec<&str> {
        e.aliases.iter().map(|a| a.text.as_str()).collect()
    }

    #[test]
    fn lines_with_one_id_and_label_form_one_entity_named_by_the_first() {
        let gaz = load(concat!(
            r#"{"label": "GPE", "pattern": "Kazakhstan", "id": "kz"}"#,
            "\n",
            r#"{"label": "GPE", "pattern": "Republic of Kazakhstan", "id": "kz"}"#,
            "\n"
        ))
        .unwrap();
        assert_eq!(gaz.len(), 1);
        let kz = gaz.get("kz").unwrap();
        assert_eq!((kz.kind.as_str(), kz.name.as_str()), ("GPE", "Kazakhstan"));
        assert_eq!(aliases(kz), ["Kazakhstan", "Republic of Kazakhstan"]);
        assert_eq!(kz.aliases[1].origin.line, 2);
    }

    #[test]
    fn lines_without_id_group_by_derived_id_and_label() {
        let gaz = load(concat!(
            r#"{"label": "GPE", "pattern": "Kazakhstan"}"#,
            "\n",
            r#"{"label": "GPE", "pattern": "KAZAKHSTAN"}"#,
            "\n",
            r#"{"label": "GPE", "pattern": "Republic of Kazakhstan"}"#,
            "\n"
        ))
        .unwrap();
        assert_eq!(gaz.len(), 2);
        assert_eq!(
            aliases(gaz.get("kazakhstan").unwrap()),
            ["Kazakhstan", "KAZAKHSTAN"]
        );
        assert!(gaz.get("republic-of-kazakhstan").is_some());
    }

    #[test]
    fn one_id_under_two_labels_is_two_entities_merged_with_a_warning() {
        let text = "{\"label\": \"GPE\", \"pattern\": \"Georgia\", \"id\": \"ge\"}\n\
                    {\"label\": \"PERSON\", \"pattern\": \"Georgia\", \"id\": \"ge\"}\n";
        let p = patterns(text, Path::new("p.jsonl")).unwrap();
        assert_eq!(entities(&p).len(), 2);
        let gaz = load(text).unwrap();
        assert_eq!(gaz.len(), 1);
        assert_eq!(gaz.warnings().len(), 1);
    }

    #[test]
    fn numeric_ids_blank_lines_bom_and_crlf_are_accepted() {
        let gaz =
            load("\u{feff}\r\n{\"label\": \"ORG\", \"pattern\": \"NATO\", \"id\": 7}\r\n\r\n")
                .unwrap();
        let nato = gaz.get("7").unwrap();
        assert_eq!(nato.origin.line, 2);
    }

    #[test]
    fn exact_token_lists_are_joined() {
        let gaz = load(concat!(
            r#"{"label": "GPE", "pattern": [{"ORTH": "Nur"}, {"ORTH": "-"}, {"ORTH": "Sultan"}], "id": "a"}"#,
            "\n",
            r#"{"label": "PERSON", "pattern": [{"TEXT": "Xi"}, {"TEXT": "Jinping"}, {"TEXT": "'s"}], "id": "b"}"#,
            "\n",
            r#"{"label": "ORG", "pattern": [{"orth": "Bank"}, {"orth": "("}, {"orth": "AIIB"}, {"orth": ")"}], "id": "c"}"#,
            "\n"
        ))
        .unwrap();
        assert_eq!(gaz.get("a").unwrap().name, "Nur-Sultan");
        assert_eq!(gaz.get("b").unwrap().name, "Xi Jinping's");
        assert_eq!(gaz.get("c").unwrap().name, "Bank (AIIB)");
        assert!(gaz.warnings().is_empty());
    }

    #[test]
    fn lower_tokens_are_read_with_a_warning() {
        let gaz = load(
            r#"{"label": "ORG", "pattern": [{"LOWER": "belt"}, {"LOWER": "and"}, {"LOWER": "road"}]}"#,
        )
        .unwrap();
        assert_eq!(gaz.get("belt-and-road").unwrap().name, "belt and road");
        assert_eq!(gaz.warnings().len(), 1);
        let w = &gaz.warnings()[0];
        assert_eq!(w.origin.line, 1);
        assert!(w.message.contains("--case insensitive"), "{}", w.message);
    }

    #[test]
    fn other_token_patterns_are_refused_with_advice() {
        for pattern in [
            r#"[{"LOWER": {"IN": ["belt", "road"]}}]"#,
            r#"[{"ORTH": "Belt"}, {"OP": "?"}]"#,
            r#"[{"ORTH": "Belt", "OP": "+"}]"#,
            r#"[{"POS": "PROPN"}]"#,
            r#"["Belt"]"#,
        ] {
            let text = format!("\n{{\"label\": \"ORG\", \"pattern\": {pattern}}}\n");
            let err = load(&text).unwrap_err().to_string();
            assert!(err.starts_with("p.jsonl:2: token "), "{err}");
            assert!(
                err.contains("rewrite the line as a string pattern"),
                "{err}"
            );
        }
    }

    #[test]
    fn bad_lines_are_errors_naming_file_and_line() {
        for (text, expected) in [
            (
                "{\"label\": \"ORG\", \"pattern\": \"A\"}\n{oops}\n",
                "p.jsonl:2: not valid JSON",
            ),
            ("[1, 2]\n", "p.jsonl:1: not a JSON object"),
            ("{\"pattern\": \"A\"}\n", "p.jsonl:1: missing \"label\""),
            ("{\"label\": \"ORG\"}\n", "p.jsonl:1: missing \"pattern\""),
            (
                "{\"label\": \"\", \"pattern\": \"A\"}\n",
                "p.jsonl:1: \"label\" must be",
            ),
            (
                "{\"label\": \"ORG\", \"pattern\": 3}\n",
                "p.jsonl:1: \"pattern\" must be",
            ),
            (
                "{\"label\": \"ORG\", \"pattern\": \"A\", \"id\": [1]}\n",
                "p.jsonl:1: \"id\" must be",
            ),
        ] {
            let err = load(text).unwrap_err().to_string();
            assert!(err.starts_with(expected), "{err}");
        }
    }

    #[test]
    fn empty_patterns_are_skipped_with_a_warning() {
        let gaz = load(concat!(
            r#"{"label": "ORG", "pattern": "  ", "id": "x"}"#,
            "\n",
            r#"{"label": "ORG", "pattern": "X Corp", "id": "x"}"#,
            "\n"
        ))
        .unwrap();
        assert_eq!(gaz.get("x").unwrap().name, "X Corp");
        assert_eq!(gaz.warnings()[0].origin.line, 1);
        assert!(gaz.warnings()[0].message.starts_with("empty pattern"));
    }

    #[test]
    fn read_path_picks_jsonl_by_extension() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.jsonl");
        std::fs::write(&path, "{\"label\": \"GPE\", \"pattern\": \"Chad\"}\n").unwrap();
        let gaz = Gazetteer::from_paths([&path]).unwrap();
        assert_eq!(gaz.get("chad").unwrap().kind, "GPE");
    }
}
