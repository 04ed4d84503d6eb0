//! Gazetteers: the entity lists the tagger looks for.
//!
//! A gazetteer is a list of [`Entity`] values, each with an id, a type, a
//! canonical name, its aliases and free-form attributes. They are read from
//! CSV ([`csv`] module: `id,type,name,aliases[,adjectives][,extra…]`)
//! or from spaCy EntityRuler pattern files ([`jsonl`]). Several files combine
//! into one [`Gazetteer`]; an entity id seen again adds its aliases to the
//! first entity of that id (and [`lint`] reports it). Matching is left to the
//! [`tagger`](crate::tagger).

pub mod csv;
pub mod jsonl;
pub mod lint;

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, Result};

/// Where an entity or alias was read from.
///
/// The path is shared: every alias of a file points at the same allocation,
/// so a million-alias gazetteer does not hold a million copies of its path.
///
/// ```
/// let o = comention::gazetteer::Origin::new("people.csv", 3);
/// assert_eq!(format!("{}:{}", o.path.display(), o.line), "people.csv:3");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin {
    /// The file (or `<embedded>/name.csv`, `<string>`).
    pub path: Arc<Path>,
    /// 1-based line number of the record.
    pub line: u64,
}

impl Origin {
    /// An origin at `line` of `path`.
    pub fn new(path: impl AsRef<Path>, line: u64) -> Self {
        Origin {
            path: Arc::from(path.as_ref()),
            line,
        }
    }
}

/// One surface form of an entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    /// The alias as written in the gazetteer (trimmed).
    pub text: String,
    /// True for adjectival or demonym forms ("Russian", "Kazakh") that users
    /// may switch off.
    pub is_adjective: bool,
    /// Where the alias was read from.
    pub origin: Origin,
}

/// A person, country, organisation, initiative… that the tagger finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    /// Stable identifier (`russia`, `Q159`).
    pub id: String,
    /// Entity type (`COUNTRY`, `PERSON`, …).
    pub kind: String,
    /// Canonical name, used as the node label.
    pub name: String,
    /// Every alias, the name first, without duplicates.
    pub aliases: Vec<Alias>,
    /// Extra columns (e.g. `wikidata`, `iso3`, `country`), empty values left out.
    pub attributes: BTreeMap<String, String>,
    /// Where the entity's first record was read from.
    pub origin: Origin,
}

impl Entity {
    /// Creates an entity whose only alias is its name.
    ///
    /// ```
    /// let e = comention::Entity::new("russia", "COUNTRY", "Russia");
    /// assert_eq!(e.aliases[0].text, "Russia");
    /// ```
    pub fn new(id: impl Into<String>, kind: impl Into<String>, name: impl Into<String>) -> Self {
        let name = name.into();
        let origin = Origin::new("<code>", 0);
        Entity {
            id: id.into(),
            kind: kind.into(),
            aliases: vec![Alias {
                text: name.clone(),
                is_adjective: false,
                origin: origin.clone(),
            }],
            name,
            attributes: BTreeMap::new(),
            origin,
        }
    }

    /// Adds an alias unless the entity already has it (same text).
    ///
    /// ```
    /// let mut e = comention::Entity::new("russia", "COUNTRY", "Russia");
    /// e.add_alias("Russian", true);
    /// e.add_alias("Russia", false);
    /// assert_eq!(e.aliases.len(), 2);
    /// ```
    pub fn add_alias(&mut self, text: impl Into<String>, is_adjective: bool) {
        let origin = self.origin.clone();
        self.push_alias(text.into(), is_adjective, origin);
    }

    pub(crate) fn push_alias(&mut self, text: String, is_adjective: bool, origin: Origin) {
        if let Some(existing) = self.aliases.iter_mut().find(|a| a.text == text) {
            // A form listed both as alias and adjective counts as a plain alias.
            existing.is_adjective &= is_adjective;
            return;
        }
        self.aliases.push(Alias {
            text,
            is_adjective,
            origin,
        });
    }
}

/// A problem found while loading that does not stop the load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadWarning {
    /// Where.
    pub origin: Origin,
    /// What, and what to do.
    pub message: String,
}

/// A set of entities, in load order, indexed by id.
///
/// Cloning is cheap (the contents are shared and copied only when a clone is
/// changed), so a [`Tagger`](crate::Tagger) keeps its own handle on a
/// million-alias gazetteer without doubling its memory.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    inner: Arc<Contents>,
}

#[derive(Debug, Clone, Default)]
struct Contents {
    entities: Vec<Entity>,
    by_id: HashMap<String, usize, foldhash::fast::RandomState>,
    attribute_names: Vec<String>,
    warnings: Vec<LoadWarning>,
}

/// The default gazetteer files, embedded in the binary: `(file name, CSV text)`.
pub const EMBEDDED: &[(&str, &str)] = &[
    (
        "countries.csv",
        include_str!("../../gazetteers/countries.csv"),
    ),
    ("cities.csv", include_str!("../../gazetteers/cities.csv")),
    ("regions.csv", include_str!("../../gazetteers/regions.csv")),
    ("people.csv", include_str!("../../gazetteers/people.csv")),
    (
        "organizations.csv",
        include_str!("../../gazetteers/organizations.csv"),
    ),
    (
        "initiatives.csv",
        include_str!("../../gazetteers/initiatives.csv"),
    ),
];

impl Gazetteer {
    /// An empty gazetteer.
    ///
    /// ```
    /// assert!(comention::Gazetteer::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The default lists from `gazetteers/`, embedded in the binary.
    ///
    /// ```
    /// let gaz = comention::Gazetteer::embedded();
    /// assert!(gaz.get("russia").is_some() || gaz.len() > 0);
    /// ```
    pub fn embedded() -> Self {
        let mut gaz = Gazetteer::new();
        for (name, text) in EMBEDDED {
            let path = PathBuf::from(format!("<embedded>/{name}"));
            csv::read_str_into(&mut gaz, text, &path)
                .expect("the embedded gazetteers are checked by the test suite");
        }
        gaz
    }

    /// Reads a gazetteer from CSV text (`id,type,name,aliases[,…]`).
    ///
    /// ```
    /// let gaz = comention::Gazetteer::from_csv_str(
    ///     "id,type,name,aliases,iso3\nrussia,COUNTRY,Russia,Russian Federation|RF,RUS\n",
    /// )?;
    /// let russia = gaz.get("russia").unwrap();
    /// assert_eq!(russia.aliases.len(), 3);
    /// assert_eq!(russia.attributes["iso3"], "RUS");
    /// # Ok::<(), comention::Error>(())
    /// ```
    pub fn from_csv_str(text: &str) -> Result<Self> {
        let mut gaz = Gazetteer::new();
        csv::read_str_into(&mut gaz, text, Path::new("<string>"))?;
        Ok(gaz)
    }

    /// Reads one or more gazetteer files and combines them in order. Files
    /// ending in `.jsonl` are spaCy EntityRuler patterns; everything else is CSV.
    ///
    /// ```no_run
    /// let gaz = comention::Gazetteer::from_paths(["people.csv", "patterns.jsonl"])?;
    /// # Ok::<(), comention::Error>(())
    /// ```
    pub fn from_paths<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Result<Self> {
        let mut gaz = Gazetteer::new();
        for path in paths {
            gaz.read_path(path.as_ref())?;
        }
        Ok(gaz)
    }

    /// Reads one more file into this gazetteer (see [`Gazetteer::from_paths`]).
    /// On an error the gazetteer is left as it was.
    pub fn read_path(&mut self, path: &Path) -> Result<()> {
        let text = read_text(path)?;
        if is_jsonl(path) {
            jsonl::read_str_into(self, &text, path)
        } else {
            csv::read_str_into(self, &text, path)
        }
    }

    /// Adds an entity, or merges its aliases into the entity with the same id.
    ///
    /// ```
    /// let mut gaz = comention::Gazetteer::new();
    /// gaz.insert(comention::Entity::new("eu", "ORG", "European Union"));
    /// assert_eq!(gaz.len(), 1);
    /// ```
    pub fn insert(&mut self, entity: Entity) {
        let this = Arc::make_mut(&mut self.inner);
        for key in entity.attributes.keys() {
            if !this.attribute_names.contains(key) {
                this.attribute_names.push(key.clone());
            }
        }
        let index = match this.by_id.entry(entity.id.clone()) {
            Entry::Vacant(slot) => {
                slot.insert(this.entities.len());
                this.entities.push(entity);
                return;
            }
            Entry::Occupied(slot) => *slot.get(),
        };
        let existing = &mut this.entities[index];
        if existing.kind != entity.kind {
            this.warnings.push(LoadWarning {
                origin: entity.origin.clone(),
                message: format!(
                    "id {:?} was already read with type {} (at {}:{}); its aliases join that entity",
                    entity.id,
                    existing.kind,
                    existing.origin.path.display(),
                    existing.origin.line
                ),
            });
        }
        for alias in entity.aliases {
            existing.push_alias(alias.text, alias.is_adjective, alias.origin);
        }
        for (key, value) in entity.attributes {
            existing.attributes.entry(key).or_insert(value);
        }
    }

    /// Makes room for `additional` more entities.
    pub(crate) fn reserve(&mut self, additional: usize) {
        let this = Arc::make_mut(&mut self.inner);
        this.entities.reserve(additional);
        this.by_id.reserve(additional);
    }

    /// Records a non-fatal load problem.
    pub(crate) fn warn(&mut self, origin: Origin, message: String) {
        Arc::make_mut(&mut self.inner)
            .warnings
            .push(LoadWarning { origin, message });
    }

    /// The entities in load order.
    pub fn entities(&self) -> &[Entity] {
        &self.inner.entities
    }

    /// The entity with this id.
    pub fn get(&self, id: &str) -> Option<&Entity> {
        self.inner.by_id.get(id).map(|&i| &self.inner.entities[i])
    }

    /// The position of the entity with this id in [`Gazetteer::entities`].
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.inner.by_id.get(id).copied()
    }

    /// Names of the extra attribute columns, in first-seen order.
    pub fn attribute_names(&self) -> &[String] {
        &self.inner.attribute_names
    }

    /// Problems found while loading that did not stop it.
    pub fn warnings(&self) -> &[LoadWarning] {
        &self.inner.warnings
    }

    /// Number of entities.
    pub fn len(&self) -> usize {
        self.inner.entities.len()
    }

    /// True when there are no entities.
    pub fn is_empty(&self) -> bool {
        self.inner.entities.is_empty()
    }

    /// Total number of aliases over all entities.
    pub fn alias_count(&self) -> usize {
        self.inner.entities.iter().map(|e| e.aliases.len()).sum()
    }
}

/// Reads a gazetteer file as UTF-8 text (an error names the first line that is not).
///
/// ```no_run
/// let text = comention::gazetteer::read_text("people.csv".as_ref())?;
/// # Ok::<(), comention::Error>(())
/// ```
pub fn read_text(path: &Path) -> Result<String> {
    let text = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    String::from_utf8(text).map_err(|e| Error::Gazetteer {
        path: path.to_owned(),
        line: line_of_byte(e.as_bytes(), e.utf8_error().valid_up_to()),
        message: "not valid UTF-8; save the gazetteer as UTF-8".to_string(),
    })
}

/// True for spaCy pattern files (`.jsonl`, `.ndjson`); everything else is CSV.
pub(crate) fn is_jsonl(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("jsonl" | "ndjson")
    )
}

/// 1-based line number of a byte offset.
pub(crate) fn line_of_byte(bytes: &[u8], offset: usize) -> u64 {
    1 + bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
}
