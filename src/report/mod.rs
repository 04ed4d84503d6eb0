//! Views of what the tagger found, for people checking it before they trust
//! a network: the terminal views of `comention inspect` ([`terminal`]) and
//! the self-contained HTML report of `comention report` ([`html`]), with the
//! network drawing ([`svg`]) and its layout ([`layout`]).
//!
//! Every function here returns text; the CLI decides where it goes. All
//! corpus and gazetteer text is untrusted and passes through [`escape`].
//! Counting co-mentions is left to the `graph` module: the report draws a
//! [`Network`] that the caller fills from it.

pub mod escape;
pub mod html;
pub mod layout;
pub mod svg;
pub mod terminal;

/// A network to draw: nodes with a size, weighted edges between them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Network {
    /// The nodes, in the order the caller wants them listed.
    pub nodes: Vec<NetworkNode>,
    /// The edges, by node index.
    pub edges: Vec<NetworkEdge>,
    /// One line saying what was counted and filtered (shown under the drawing).
    pub description: String,
}

/// One node of a [`Network`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NetworkNode {
    /// Entity id (links to the entity table).
    pub id: String,
    /// Label drawn next to the node (the canonical name).
    pub label: String,
    /// Entity type; sets the colour.
    pub kind: String,
    /// What the node's area shows (mention count).
    pub size: f64,
}

/// One edge of a [`Network`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct NetworkEdge {
    /// Index of one end in [`Network::nodes`].
    pub source: usize,
    /// Index of the other end.
    pub target: usize,
    /// Edge weight (co-mention count); sets the stroke width.
    pub weight: f64,
}

/// Colours for the well-known entity types, then for any other type.
const KNOWN_TYPES: &[&str] = &["COUNTRY", "PERSON", "ORG", "INITIATIVE", "CITY", "REGION"];
/// Tableau 10, in an order where neighbours contrast.
pub(crate) const PALETTE: &[&str] = &[
    "#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#76b7b2", "#b07aa1", "#edc948", "#ff9da7",
    "#9c755f", "#bab0ac",
];
/// ANSI SGR foreground codes matching [`PALETTE`] as closely as 16 colours allow.
const ANSI: &[&str] = &[
    "1;34", "1;31", "1;32", "1;33", "1;36", "1;35", "1;93", "1;91", "1;33", "1;37",
];

/// The palette slot of an entity type: fixed for the well-known types, a
/// stable hash (FNV-1a) of the name for others, so a type keeps its colour
/// across runs and reports.
///
/// ```
/// use comention::report::type_slot;
/// assert_eq!(type_slot("COUNTRY"), 0);
/// assert_eq!(type_slot("SHIP"), type_slot("SHIP"));
/// ```
pub fn type_slot(kind: &str) -> usize {
    if let Some(i) = KNOWN_TYPES.iter().position(|k| *k == kind) {
        return i;
    }
    let mut h: u32 = 0x811c_9dc5;
    for b in kind.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    KNOWN_TYPES.len() + h as usize % (PALETTE.len() - KNOWN_TYPES.len())
}

/// The colour of an entity type, as `#rrggbb`.
///
/// ```
/// assert_eq!(comention::report::type_color("PERSON"), "#e15759");
/// ```
pub fn type_color(kind: &str) -> &'static str {
    PALETTE[type_slot(kind)]
}

/// The ANSI SGR parameters (`"1;34"`) of an entity type on a terminal.
///
/// ```
/// assert_eq!(comention::report::type_ansi("COUNTRY"), "1;34");
/// ```
pub fn type_ansi(kind: &str) -> &'static str {
    ANSI[type_slot(kind)]
}
