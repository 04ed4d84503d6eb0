//! The network's weight and filters, shared by `graph`, `merge` and
//! `report` so that one option means the same everywhere.

use std::collections::BTreeSet;

use clap::Args;

use comention::graph::{Backbone, GraphOptions, Weight};

/// What edge `weight` holds, and which nodes and edges stay.
#[derive(Debug, Clone, Args)]
pub struct FilterArgs {
    /// What edge `weight` holds: cooccurrences, documents, pmi, npmi, jaccard,
    /// dice or llr.
    #[arg(long, value_name = "WEIGHT", default_value = "cooccurrences")]
    pub weight: Weight,
    /// Drop edges whose weight is below X [default: keep all].
    #[arg(long, value_name = "X")]
    pub min_weight: Option<f64>,
    /// Drop edges with fewer co-occurrences.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub min_cooccurrences: u64,
    /// Drop entities with fewer mentions.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub min_mentions: u64,
    /// Keep only entities of these types, comma-separated (e.g. PERSON,COUNTRY) [default: all].
    #[arg(long, value_name = "TYPES", value_delimiter = ',')]
    pub types: Vec<String>,
    /// Keep each entity's K strongest edges [default: all].
    #[arg(long, value_name = "K")]
    pub top_k: Option<usize>,
    /// Keep the significant backbone: disparity:ALPHA (Serrano et al. 2009) [default: off].
    #[arg(long, value_name = "disparity:ALPHA")]
    pub backbone: Option<Backbone>,
}

impl FilterArgs {
    /// The graph options these arguments ask for.
    pub fn graph_options(&self) -> GraphOptions {
        GraphOptions {
            weight: self.weight,
            min_weight: self.min_weight,
            min_cooccurrences: self.min_cooccurrences,
            min_mentions: self.min_mentions,
            types: self
                .types
                .iter()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect::<BTreeSet<_>>(),
            top_k: self.top_k,
            backbone: self.backbone,
        }
    }
}
