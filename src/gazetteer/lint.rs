//! Checks gazetteer files for problems before they are used: the library side
//! of `comention gazetteer lint`.
//!
//! [`lint_paths`] (or [`lint_sources`] for text in memory, [`lint_embedded`]
//! for the default lists) reads the files as the tagger would, in order, and
//! returns a [`Report`]: every [`Problem`] with its `file:line`, sorted by file
//! (in the order given) and line. A file that cannot be read at all is an
//! [`Error`](crate::Error), as when loading.
//!
//! | kind | severity | what |
//! |---|---|---|
//! | [`Conflict`](ProblemKind::Conflict) | warning | two entities claim one alias, or the ALL-CAPS form of an alias equals another entity's alias or ALL-CAPS form (smart case matches both); the tagger resolves it by [`conflict_order`] |
//! | [`DuplicateId`](ProblemKind::DuplicateId) | warning; error when the types differ | an id seen again (in the same or a later file): its aliases join the first entity, which keeps its type |
//! | [`EmptyAlias`](ProblemKind::EmptyAlias) | warning | `a\|\|b`, `\|\|\|`, an empty spaCy pattern |
//! | [`OneLetterAlias`](ProblemKind::OneLetterAlias) | warning | an alias with fewer than two letters or digits (`X`, `X.`) |
//! | [`CommonWord`](ProblemKind::CommonWord) | warning | an alias that is a common English word in lower case ([`is_common_word`]) |
//! | [`NoUsableAlias`](ProblemKind::NoUsableAlias) | error | an entity whose aliases are all empty or one letter |
//! | [`ControlCharacter`](ProblemKind::ControlCharacter) | error | an alias with a control or invisible character (tab, zero-width space…) |
//! | [`EdgePunctuation`](ProblemKind::EdgePunctuation) | warning | an alias that starts or ends with punctuation (a trailing `.` as in `U.S.`, or a closing bracket opened inside the alias, is fine) |
//! | [`FormulaLike`](ProblemKind::FormulaLike) | warning | an id, type or name starting with `=`, `+`, `-` or `@`, which a spreadsheet may run as a formula (comention's CSV output neutralises it; other tools may not) |
//! | [`LowercasePattern`](ProblemKind::LowercasePattern) | warning | a spaCy `LOWER` token pattern, which matches any case in spaCy but not here (see [`jsonl`]) |
//!
//! Conflicts are warnings because the tagger resolves them deterministically;
//! the message says which entity wins. Lint checks the default matching
//! options (smart case, no diacritic folding). Aliases are compared by
//! [`alias_key`], the form the tagger matches. Printing, exit codes and
//! options are left to the CLI.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::{csv, jsonl, Alias, Entity, Gazetteer, Origin, EMBEDDED};
use crate::error::Result;
use crate::tagger::alias_key;

/// How serious a [`Problem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Worth a look; the gazetteer still works as documented.
    Warning,
    /// The gazetteer does not do what its author meant; fix it.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// Which rule a [`Problem`] breaks (see the table in the [module doc](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ProblemKind {
    /// An alias claimed by two entities (directly or through its ALL-CAPS form).
    Conflict,
    /// An id used by two records.
    DuplicateId,
    /// An empty alias cell or pattern.
    EmptyAlias,
    /// An alias with fewer than two letters or digits.
    OneLetterAlias,
    /// An alias that is a common English word.
    CommonWord,
    /// An entity without any alias of two letters or more.
    NoUsableAlias,
    /// An alias with a control or invisible character.
    ControlCharacter,
    /// An alias starting or ending with punctuation.
    EdgePunctuation,
    /// An id, type or name that a spreadsheet may take for a formula.
    FormulaLike,
    /// A spaCy `LOWER` pattern, case-insensitive in spaCy but not here.
    LowercasePattern,
}

/// One problem found by the linter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where (`file:line`).
    pub origin: Origin,
    /// How serious.
    pub severity: Severity,
    /// Which rule.
    pub kind: ProblemKind,
    /// What is wrong and what to do, on one line.
    pub message: String,
}

impl fmt::Display for Problem {
    /// `path:line: severity: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}",
            location(&self.origin),
            self.severity,
            self.message
        )
    }
}

/// The result of linting: the problems, and the size of the combined gazetteer.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Every problem, sorted by file (in the order given), then line.
    pub problems: Vec<Problem>,
    /// Entities in the combined gazetteer (records with one id count once).
    pub entities: usize,
    /// Aliases over those entities.
    pub aliases: usize,
}

impl Report {
    /// Number of problems of severity [`Severity::Error`].
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    /// Number of problems of severity [`Severity::Warning`].
    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == severity)
            .count()
    }
}

/// One entity's claim on an alias, for the tagger's conflict rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    /// The entity's position in load order ([`Gazetteer::entities`] index).
    pub entity: usize,
    /// True when the alias is the entity's name.
    pub is_name: bool,
    /// True when the alias is adjectival ([`Alias::is_adjective`]).
    pub is_adjective: bool,
}

impl Claim {
    /// The claim of entity number `entity_index` on one of its aliases.
    ///
    /// ```
    /// let e = comention::Entity::new("tr", "COUNTRY", "Türkiye");
    /// let c = comention::gazetteer::lint::Claim::new(3, &e, &e.aliases[0]);
    /// assert!(c.is_name && !c.is_adjective && c.entity == 3);
    /// ```
    pub fn new(entity_index: usize, entity: &Entity, alias: &Alias) -> Self {
        Claim {
            entity: entity_index,
            is_name: alias.text == entity.name,
            is_adjective: alias.is_adjective,
        }
    }
}

/// The tagger's rule for an alias claimed by several entities: `Less` means
/// `a` wins. (1) An alias that is its entity's name beats one that is not;
/// (2) then a non-adjective alias beats an adjective one; (3) then the entity
/// loaded first (earlier `-g` file, earlier row) wins.
///
/// ```
/// use comention::gazetteer::lint::{conflict_order, Claim};
/// use std::cmp::Ordering;
/// let name = Claim { entity: 5, is_name: true, is_adjective: false };
/// let alias = Claim { entity: 0, is_name: false, is_adjective: false };
/// assert_eq!(conflict_order(&name, &alias), Ordering::Less);
/// ```
pub fn conflict_order(a: &Claim, b: &Claim) -> Ordering {
    (!a.is_name, a.is_adjective, a.entity).cmp(&(!b.is_name, b.is_adjective, b.entity))
}

/// The claim that wins by [`conflict_order`], if there is any claim.
///
/// ```
/// use comention::gazetteer::lint::{conflict_winner, Claim};
/// let adjective = Claim { entity: 0, is_name: false, is_adjective: true };
/// let plain = Claim { entity: 1, is_name: false, is_adjective: false };
/// assert_eq!(conflict_winner(&[adjective, plain]), Some(&plain));
/// ```
pub fn conflict_winner(claims: &[Claim]) -> Option<&Claim> {
    claims.iter().min_by(|a, b| conflict_order(a, b))
}

/// Why `winner` beats `loser`, in words.
fn conflict_reason(winner: &Claim, loser: &Claim) -> &'static str {
    if winner.is_name != loser.is_name {
        "an entity's name beats other aliases"
    } else if winner.is_adjective != loser.is_adjective {
        "a plain alias beats an adjective"
    } else {
        "it was loaded first"
    }
}

/// The common English words (see `common_words.txt`).
const COMMON_WORDS: &str = include_str!("common_words.txt");

/// True when `word`, lower-cased, is a common English word (a list of about
/// 3,000 frequent words written for comention, including ordinary words that
/// are also place or person names: turkey, chad, china, nice, bush…).
///
/// ```
/// use comention::gazetteer::lint::is_common_word;
/// assert!(is_common_word("Turkey") && is_common_word("the"));
/// assert!(!is_common_word("Kazakhstan"));
/// ```
pub fn is_common_word(word: &str) -> bool {
    static WORDS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    let words = WORDS.get_or_init(|| {
        COMMON_WORDS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    });
    words.contains(word.to_lowercase().as_str())
}

/// Lints gazetteer files, read in order as by [`Gazetteer::from_paths`].
///
/// ```no_run
/// let report = comention::gazetteer::lint::lint_paths(["people.csv", "patterns.jsonl"])?;
/// for problem in &report.problems {
///     println!("{problem}");
/// }
/// # Ok::<(), comention::Error>(())
/// ```
pub fn lint_paths<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Result<Report> {
    let mut sources = Vec::new();
    for path in paths {
        let path = path.as_ref();
        sources.push((path.to_owned(), super::read_text(path)?));
    }
    lint_sources(sources)
}

/// Lints the embedded default gazetteers (reported as `<embedded>/name.csv`).
///
/// ```
/// let report = comention::gazetteer::lint::lint_embedded();
/// assert_eq!(report.errors(), 0);
/// ```
pub fn lint_embedded() -> Report {
    lint_sources(
        EMBEDDED
            .iter()
            .map(|(name, text)| (format!("<embedded>/{name}"), *text)),
    )
    .expect("the embedded gazetteers are checked by the test suite")
}

/// Lints gazetteer texts given as `(path, text)`, in order; the path names
/// the file in problems and picks the format (`.jsonl`/`.ndjson`: spaCy
/// patterns, else CSV).
///
/// ```
/// use comention::gazetteer::lint::{lint_sources, ProblemKind};
/// let report = lint_sources([
///     ("a.csv", "id,type,name,aliases\ntr,COUNTRY,Türkiye,Turkey\n"),
///     ("b.csv", "id,type,name,aliases\nbird,ANIMAL,Turkey,\n"),
/// ])?;
/// let kinds: Vec<_> = report.problems.iter().map(|p| p.kind).collect();
/// assert_eq!(kinds, [ProblemKind::Conflict, ProblemKind::CommonWord, ProblemKind::CommonWord]);
/// assert!(report.problems[0].message.contains("the tagger gives it to bird"));
/// # Ok::<(), comention::Error>(())
/// ```
pub fn lint_sources<P: AsRef<Path>, T: AsRef<str>>(
    sources: impl IntoIterator<Item = (P, T)>,
) -> Result<Report> {
    let mut files: Vec<PathBuf> = Vec::new();
    let mut records: Vec<Entity> = Vec::new();
    let mut problems = Vec::new();
    for (path, text) in sources {
        let (path, text) = (path.as_ref(), text.as_ref());
        files.push(path.to_owned());
        if super::is_jsonl(path) {
            let patterns = jsonl::patterns(text, path)?;
            for pattern in &patterns {
                let Some(message) = jsonl::pattern_warning(pattern) else {
                    continue;
                };
                let kind = if pattern.text.is_empty() {
                    ProblemKind::EmptyAlias
                } else {
                    ProblemKind::LowercasePattern
                };
                problems.push(problem(&pattern.origin, Severity::Warning, kind, message));
            }
            records.extend(jsonl::entities(&patterns));
        } else {
            for row in csv::rows(text, path)? {
                if row.empty_aliases > 0 {
                    problems.push(problem(
                        &row.origin,
                        Severity::Warning,
                        ProblemKind::EmptyAlias,
                        format!(
                            "{} empty alias(es) in {} (as in `a||b` or `|||`); remove the extra `|`",
                            row.empty_aliases, row.entity.id
                        ),
                    ));
                }
                records.push(row.entity);
            }
        }
    }

    check_duplicate_ids(&records, &mut problems);
    for record in &records {
        check_record(record, &mut problems);
    }
    let mut gaz = Gazetteer::new();
    for record in records {
        gaz.insert(record);
    }
    for entity in gaz.entities() {
        check_usable(entity, &mut problems);
    }
    check_conflicts(&gaz, &mut problems);

    let file_index: HashMap<&Path, usize> = files
        .iter()
        .enumerate()
        .rev()
        .map(|(i, p)| (p.as_path(), i))
        .collect();
    problems.sort_by(|a, b| {
        let key = |p: &Problem| (file_index.get(&*p.origin.path).copied(), p.origin.line);
        // Stable: within one line and kind, aliases keep their order.
        key(a).cmp(&key(b)).then(a.kind.cmp(&b.kind))
    });
    problems.dedup();
    Ok(Report {
        problems,
        entities: gaz.len(),
        aliases: gaz.alias_count(),
    })
}

fn problem(origin: &Origin, severity: Severity, kind: ProblemKind, message: String) -> Problem {
    Problem {
        origin: origin.clone(),
        severity,
        kind,
        message,
    }
}

/// `path:line`.
fn location(origin: &Origin) -> String {
    format!("{}:{}", origin.path.display(), origin.line)
}

fn check_duplicate_ids(records: &[Entity], problems: &mut Vec<Problem>) {
    let mut first: HashMap<&str, &Entity> = HashMap::new();
    for record in records {
        let Some(earlier) = first.get(record.id.as_str()) else {
            first.insert(&record.id, record);
            continue;
        };
        let (severity, message) = if earlier.kind == record.kind {
            (
                Severity::Warning,
                format!(
                    "id {:?} was already used at {}; these aliases join that entity ({:?})",
                    record.id,
                    location(&earlier.origin),
                    earlier.name
                ),
            )
        } else {
            (
                Severity::Error,
                format!(
                    "id {:?} was already used at {} with type {}; this {} {:?} would join that entity and lose its type; give it its own id",
                    record.id,
                    location(&earlier.origin),
                    earlier.kind,
                    record.kind,
                    record.name
                ),
            )
        };
        problems.push(problem(
            &record.origin,
            severity,
            ProblemKind::DuplicateId,
            message,
        ));
    }
}

/// Checks of one record on its own: fields and aliases.
fn check_record(entity: &Entity, problems: &mut Vec<Problem>) {
    for (what, value) in [
        ("id", &entity.id),
        ("type", &entity.kind),
        ("name", &entity.name),
    ] {
        if let Some(c) = value.chars().next().filter(|c| "=+-@".contains(*c)) {
            problems.push(problem(
                &entity.origin,
                Severity::Warning,
                ProblemKind::FormulaLike,
                format!(
                    "the {what} {value:?} starts with {c:?}, which a spreadsheet may run as a formula; comention's CSV output neutralises it, other tools may not"
                ),
            ));
        }
    }
    for alias in &entity.aliases {
        let text = alias.text.as_str();
        let of = format!("alias {text:?} of {}", entity.id);
        if let Some(c) = text.chars().find(|&c| is_invisible(c)) {
            problems.push(problem(
                &alias.origin,
                Severity::Error,
                ProblemKind::ControlCharacter,
                format!(
                    "{of} contains the control or invisible character U+{:04X}; remove it",
                    c as u32
                ),
            ));
        }
        if let Some((end, c)) = edge_punctuation(text) {
            problems.push(problem(
                &alias.origin,
                Severity::Warning,
                ProblemKind::EdgePunctuation,
                format!("{of} {end} with {c:?}, so it needs no word boundary on that side; remove it if it is not part of the name"),
            ));
        }
        let letters = text.chars().filter(|c| c.is_alphanumeric()).count();
        if letters < 2 {
            let what = if letters == 0 {
                "has no letters or digits"
            } else {
                "has only one letter or digit"
            };
            problems.push(problem(
                &alias.origin,
                Severity::Warning,
                ProblemKind::OneLetterAlias,
                format!("{of} {what}; it would match stray characters; drop it or spell it out"),
            ));
        } else if is_common_word(text) {
            let message = if !text.chars().any(char::is_lowercase) {
                format!(
                    "{of} is the common English word {:?} in capitals; it matches that word in ALL-CAPS text (headlines, footers)",
                    text.to_lowercase()
                )
            } else if text.chars().any(char::is_uppercase) {
                format!(
                    "{of} is the common English word {:?}; smart case protects it only where the word is written in lower case (not at the start of a sentence, in ALL-CAPS text or under --case insensitive)",
                    text.to_lowercase()
                )
            } else {
                format!(
                    "{of} is the common English word {text:?} in lower case; it will match that word everywhere; capitalise it as the name is written"
                )
            };
            problems.push(problem(
                &alias.origin,
                Severity::Warning,
                ProblemKind::CommonWord,
                message,
            ));
        }
    }
}

/// Control characters, and format characters that do not show (zero-width
/// spaces and joiners, direction marks, word joiner, BOM).
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}'
        )
}

/// The punctuation an alias starts or ends with, if any; a trailing `.`
/// (`U.S.`, `Corp.`) and a closing bracket opened inside the alias are fine.
fn edge_punctuation(alias: &str) -> Option<(&'static str, char)> {
    let is_punctuation = |c: char| !c.is_alphanumeric() && !c.is_whitespace();
    let first = alias.chars().next()?;
    let last = alias.chars().next_back()?;
    if is_punctuation(first) {
        return Some(("starts", first));
    }
    let is_fine =
        last == '.' || (last == ')' && alias.contains('(')) || (last == ']' && alias.contains('['));
    (is_punctuation(last) && !is_fine).then_some(("ends", last))
}

/// An entity needs at least one alias with two letters or more.
fn check_usable(entity: &Entity, problems: &mut Vec<Problem>) {
    let usable = entity
        .aliases
        .iter()
        .any(|a| a.text.chars().filter(|c| c.is_alphanumeric()).count() >= 2);
    if !usable {
        problems.push(problem(
            &entity.origin,
            Severity::Error,
            ProblemKind::NoUsableAlias,
            format!(
                "{} ({:?}) has no usable alias (all are empty or one letter); add its full name",
                entity.id, entity.name
            ),
        ));
    }
}

/// Reports every pair of entities whose aliases match the same text under
/// smart case: equal keys, or an ALL-CAPS form equal to the other's alias or
/// ALL-CAPS form. One problem per losing claim, at the losing alias.
fn check_conflicts(gaz: &Gazetteer, problems: &mut Vec<Problem>) {
    // Matched text → (entity index, alias index), in load order.
    let mut by_key: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    for (e, entity) in gaz.entities().iter().enumerate() {
        for (a, alias) in entity.aliases.iter().enumerate() {
            let key = alias_key(&alias.text);
            let caps = alias_key(&alias.text.to_uppercase());
            if caps != key {
                by_key.entry(caps).or_default().push((e, a));
            }
            by_key.entry(key).or_default().push((e, a));
        }
    }
    let claim = |(e, a): (usize, usize)| {
        let entity = &gaz.entities()[e];
        Claim::new(e, entity, &entity.aliases[a])
    };
    let mut seen = BTreeSet::new();
    for (key, claims) in &by_key {
        // The best claim of each entity on this text.
        let mut best: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
        for &(e, a) in claims {
            let keep = best
                .get(&e)
                .is_some_and(|&old| conflict_order(&claim(old), &claim((e, a))).is_le());
            if !keep {
                best.insert(e, (e, a));
            }
        }
        if best.len() < 2 {
            continue;
        }
        let winner = *best
            .values()
            .min_by(|x, y| conflict_order(&claim(**x), &claim(**y)))
            .expect("two or more claims");
        for &loser in best.values().filter(|&&c| c != winner) {
            if !seen.insert((loser, winner)) {
                continue;
            }
            let (le, la) = (
                &gaz.entities()[loser.0],
                &gaz.entities()[loser.0].aliases[loser.1],
            );
            let (we, wa) = (
                &gaz.entities()[winner.0],
                &gaz.entities()[winner.0].aliases[winner.1],
            );
            // The pair may meet under several keys; name the plainest.
            let (shared, caps_note) = if alias_key(&la.text) == alias_key(&wa.text) {
                (alias_key(&la.text), "")
            } else {
                (key.clone(), " (smart case matches ALL-CAPS forms)")
            };
            problems.push(problem(
                &la.origin,
                Severity::Warning,
                ProblemKind::Conflict,
                format!(
                    "alias conflict: {:?} of {} ({:?}) and {:?} of {} ({:?}, {}) both match {:?}{caps_note}; the tagger gives it to {} ({})",
                    la.text,
                    le.id,
                    le.name,
                    wa.text,
                    we.id,
                    we.name,
                    location(&wa.origin),
                    shared,
                    we.id,
                    conflict_reason(&claim(winner), &claim(loser)),
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "id,type,name,aliases,adjectives\n";

    fn lint(files: &[(&str, &str)]) -> Report {
        lint_sources(files.iter().copied()).unwrap()
    }

    fn csv(rows: &str) -> String {
        format!("{HEADER}{rows}")
    }

    fn of_kind(report: &Report, kind: ProblemKind) -> Vec<String> {
        report
            .problems
            .iter()
            .filter(|p| p.kind == kind)
            .map(|p| p.to_string())
            .collect()
    }

    #[test]
    fn common_words_file_is_sorted_lower_case_and_large_enough() {
        let words: Vec<&str> = COMMON_WORDS
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect();
        assert!(words.len() >= 1500, "{}", words.len());
        assert!(
            words.windows(2).all(|w| w[0] < w[1]),
            "sorted, no duplicates"
        );
        assert!(words
            .iter()
            .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase())));
        for word in [
            "turkey", "chad", "china", "guinea", "nice", "reading", "split", "bath",
        ] {
            assert!(is_common_word(word), "{word}");
        }
        for word in [
            "mobile", "male", "may", "rice", "bush", "brown", "young", "price",
        ] {
            assert!(is_common_word(word), "{word}");
        }
        for word in ["bill", "hope", "grant", "gay", "rich", "king", "us", "who"] {
            assert!(is_common_word(word), "{word}");
        }
        for name in [
            "jordan",
            "georgia",
            "victoria",
            "kazakhstan",
            "putin",
            "sunday",
        ] {
            assert!(!is_common_word(name), "{name}");
        }
    }

    #[test]
    fn conflicting_alias_across_files_names_both_and_the_winner() {
        let a = csv("tr,COUNTRY,Türkiye,Turkey,Turkish\n");
        let b = csv("bird,ANIMAL,Turkey,,\n");
        let report = lint(&[("a.csv", &a), ("b.csv", &b)]);
        assert_eq!(
            of_kind(&report, ProblemKind::Conflict),
            ["a.csv:2: warning: alias conflict: \"Turkey\" of tr (\"Türkiye\") and \"Turkey\" of bird (\"Turkey\", b.csv:2) both match \"Turkey\"; the tagger gives it to bird (an entity's name beats other aliases)"]
        );
    }

    #[test]
    fn all_caps_forms_conflict_too() {
        // "NICE" (an agency) is the ALL-CAPS form of the city "Nice".
        let text = csv("nice,CITY,Nice,,\nnice_org,ORG,NICE,,\n");
        let report = lint(&[("g.csv", &text)]);
        let conflicts = of_kind(&report, ProblemKind::Conflict);
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        assert!(conflicts[0].starts_with("g.csv:3: warning: alias conflict: \"NICE\" of nice_org"));
        assert!(conflicts[0].contains("both match \"NICE\" (smart case matches ALL-CAPS forms)"));
        assert!(conflicts[0].ends_with("gives it to nice (it was loaded first)"));
        // Two spellings whose ALL-CAPS forms meet also conflict.
        let text = csv("a,ORG,McX,,\nb,ORG,MCx,,\n");
        assert_eq!(
            of_kind(&lint(&[("g.csv", &text)]), ProblemKind::Conflict).len(),
            1
        );
    }

    #[test]
    fn aliases_of_one_entity_never_conflict_with_each_other() {
        let text = csv("a,ORG,Nice Corp,NICE CORP|Nice  Corp,\n");
        let report = lint(&[("g.csv", &text)]);
        assert!(of_kind(&report, ProblemKind::Conflict).is_empty());
        // Nor do the rows of one id.
        let text = csv("a,ORG,Alpha,Al,\na,ORG,Alpha,Al,\n");
        assert!(of_kind(&lint(&[("g.csv", &text)]), ProblemKind::Conflict).is_empty());
    }

    #[test]
    fn conflicts_compare_aliases_by_their_key() {
        let text = csv("a,ORG,Belt and Road,,\nb,ORG,Belt  and Road,,\n");
        assert_eq!(
            of_kind(&lint(&[("g.csv", &text)]), ProblemKind::Conflict).len(),
            1
        );
    }

    #[test]
    fn conflict_rule_prefers_name_then_plain_alias_then_load_order() {
        // Plain alias beats adjective, even when loaded later.
        let text = csv("ru,COUNTRY,Russia,,Russian\nlang,LANGUAGE,Russian Language,Russian,\n");
        let c = of_kind(&lint(&[("g.csv", &text)]), ProblemKind::Conflict);
        assert_eq!(c.len(), 1);
        assert!(
            c[0].starts_with("g.csv:2:")
                && c[0].ends_with("gives it to lang (a plain alias beats an adjective)"),
            "{c:?}"
        );
        // Three entities on one alias: two problems, both naming the winner.
        let text = csv("a,ORG,Alpha,AX,\nb,ORG,Beta,AX,\nc,ORG,AX,,\n");
        let c = of_kind(&lint(&[("g.csv", &text)]), ProblemKind::Conflict);
        assert_eq!(c.len(), 2, "{c:?}");
        assert!(c
            .iter()
            .all(|m| m.ends_with("gives it to c (an entity's name beats other aliases)")));
        let claims = [
            Claim {
                entity: 0,
                is_name: false,
                is_adjective: true,
            },
            Claim {
                entity: 1,
                is_name: false,
                is_adjective: false,
            },
            Claim {
                entity: 2,
                is_name: false,
                is_adjective: false,
            },
        ];
        assert_eq!(conflict_winner(&claims), Some(&claims[1]));
        assert_eq!(conflict_winner(&[]), None);
    }

    #[test]
    fn duplicate_ids_within_and_across_files() {
        let a = csv("x,ORG,X Corp,,\nx,ORG,X Corp,X Company,\n");
        let b = csv("x,PERSON,Mr X,,\n");
        let report = lint(&[("a.csv", &a), ("b.csv", &b)]);
        assert_eq!(
            of_kind(&report, ProblemKind::DuplicateId),
            [
                "a.csv:3: warning: id \"x\" was already used at a.csv:2; these aliases join that entity (\"X Corp\")",
                "b.csv:2: error: id \"x\" was already used at a.csv:2 with type ORG; this PERSON \"Mr X\" would join that entity and lose its type; give it its own id",
            ]
        );
        assert_eq!((report.entities, report.errors()), (1, 1));
    }

    #[test]
    fn empty_and_one_letter_aliases() {
        let text = csv("x,ORG,X Corp,|||,\ny,ORG,Y Corp,Y|Y.|—,\n");
        let report = lint(&[("g.csv", &text)]);
        assert_eq!(
            of_kind(&report, ProblemKind::EmptyAlias),
            ["g.csv:2: warning: 4 empty alias(es) in x (as in `a||b` or `|||`); remove the extra `|`"]
        );
        let short = of_kind(&report, ProblemKind::OneLetterAlias);
        assert_eq!(short.len(), 3, "{short:?}");
        assert!(short[0].contains("\"Y\" of y has only one letter"));
        assert!(short[2].contains("\"—\" of y has no letters or digits"));
        assert!(of_kind(&report, ProblemKind::NoUsableAlias).is_empty());
    }

    #[test]
    fn entity_without_usable_alias_is_an_error() {
        let text = csv("q,LETTER,Q,|q.,\n");
        let report = lint(&[("g.csv", &text)]);
        assert_eq!(
            of_kind(&report, ProblemKind::NoUsableAlias),
            ["g.csv:2: error: q (\"Q\") has no usable alias (all are empty or one letter); add its full name"]
        );
    }

    #[test]
    fn common_words_warn_differently_for_capitalised_and_lower_case_aliases() {
        let text = csv("tr,COUNTRY,Türkiye,Turkey|turkey|TURKEY,\n");
        let c = of_kind(&lint(&[("g.csv", &text)]), ProblemKind::CommonWord);
        assert_eq!(c.len(), 3);
        assert!(c[2].contains("\"TURKEY\" of tr is the common English word \"turkey\" in capitals"));
        assert!(c[0].contains("\"Turkey\" of tr is the common English word \"turkey\"; smart case protects it only where"));
        assert!(
            c[1].contains("\"turkey\" of tr is the common English word \"turkey\" in lower case")
        );
    }

    #[test]
    fn control_characters_and_edge_punctuation() {
        let text = csv(
            "a,ORG,Alpha,\"Al\tpha|Al\u{200b}pha|\"\"Alpha\"\"|Alpha Inc.|Asian Bank (AIIB)|Alpha-\",\n",
        );
        let report = lint(&[("g.csv", &text)]);
        let control = of_kind(&report, ProblemKind::ControlCharacter);
        assert_eq!(control.len(), 2, "{control:?}");
        assert!(control[0].contains("U+0009") && control[0].contains(": error: "));
        assert!(control[1].contains("U+200B"));
        let edge = of_kind(&report, ProblemKind::EdgePunctuation);
        assert_eq!(edge.len(), 2, "{edge:?}");
        assert!(edge[0].contains("\"\\\"Alpha\\\"\" of a starts with '\"'"));
        assert!(edge[1].contains("\"Alpha-\" of a ends with '-'"));
    }

    #[test]
    fn formula_like_fields_warn() {
        let text = csv("=x,+T,@Name,,\n");
        let f = of_kind(&lint(&[("g.csv", &text)]), ProblemKind::FormulaLike);
        assert_eq!(f.len(), 3, "{f:?}");
        assert!(f[0].contains("the id \"=x\" starts with '='"));
    }

    #[test]
    fn spacy_patterns_are_linted_line_by_line() {
        let text = concat!(
            r#"{"label": "GPE", "pattern": "Turkey", "id": "tr"}"#,
            "\n",
            r#"{"label": "GPE", "pattern": "", "id": "tr"}"#,
            "\n",
            r#"{"label": "GPE", "pattern": [{"LOWER": "türkiye"}], "id": "tr"}"#,
            "\n",
            r#"{"label": "ANIMAL", "pattern": "Turkey", "id": "bird"}"#,
            "\n",
            r#"{"label": "PERSON", "pattern": "Erdoğan", "id": "tr"}"#,
            "\n",
        );
        let report = lint(&[("p.jsonl", text)]);
        let lines: Vec<_> = report
            .problems
            .iter()
            .map(|p| (p.origin.line, p.kind))
            .collect();
        assert_eq!(
            lines,
            [
                (1, ProblemKind::CommonWord),
                (2, ProblemKind::EmptyAlias),
                (3, ProblemKind::LowercasePattern),
                (4, ProblemKind::Conflict),
                (4, ProblemKind::CommonWord),
                (5, ProblemKind::DuplicateId),
            ]
        );
        assert_eq!(report.errors(), 1);
    }

    #[test]
    fn unreadable_file_is_an_error() {
        let err = lint_sources([("g.csv", "id,type,name,aliases\nx,ORG\n")]).unwrap_err();
        assert!(
            err.to_string().starts_with("g.csv:2: expected 4 fields"),
            "{err}"
        );
        let err = lint_sources([(
            "p.jsonl",
            "{\"label\": \"ORG\", \"pattern\": [{\"OP\": \"+\"}]}",
        )])
        .unwrap_err();
        assert!(err.to_string().starts_with("p.jsonl:1: token"), "{err}");
    }

    #[test]
    fn problems_are_sorted_by_file_order_then_line() {
        let b = csv("b,ORG,B,,\n");
        let a = csv("a1,ORG,Alpha,,\na2,ORG,A,,\n");
        let report = lint(&[("z.csv", &b), ("a.csv", &a)]);
        let at: Vec<_> = report
            .problems
            .iter()
            .map(|p| location(&p.origin))
            .collect();
        assert_eq!(at, ["z.csv:2", "z.csv:2", "a.csv:3", "a.csv:3"]);
        assert_eq!((report.entities, report.aliases), (3, 3));
    }

    #[test]
    fn embedded_gazetteers_have_no_errors() {
        let report = lint_embedded();
        assert_eq!(report.errors(), 0, "{:#?}", report.problems);
        assert!(report.entities > 0);
    }
}
