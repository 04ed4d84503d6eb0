//! comention finds people, countries, organisations and initiatives in
//! article text with gazetteers, and turns who-is-mentioned-with-whom into a
//! co-mention network for Gephi, NetworkX, igraph or a spreadsheet.
//!
//! Data flows one way: a [`Gazetteer`] (entity lists) builds a [`Tagger`];
//! [`corpus`] reads [`Document`]s; the tagger finds [`Mention`]s with exact
//! offsets; [`counts`] turns each document's mentions into co-mention counts
//! that add up exactly across documents and shards; [`graph`] builds the
//! network with association measures and filters; [`export`] writes it.
//! Only `gazetteer` and `corpus` read and only `export` writes; the library
//! never prints.
//!
//! ```
//! use comention::counts::{CoMentionCounts, CountOptions};
//! use comention::graph::{CoMentionGraph, GraphOptions};
//! use comention::{export, Document, Gazetteer, Tagger};
//!
//! let gazetteer = Gazetteer::from_csv_str(
//!     "id,type,name,aliases\n\
//!      kz,COUNTRY,Kazakhstan,\n\
//!      cn,COUNTRY,China,PRC\n\
//!      ru,COUNTRY,Russia,Russian Federation\n",
//! )?;
//! let tagger = Tagger::new(&gazetteer);
//! let corpus = [
//!     Document::new("a1", "KAZAKHSTAN and China signed a pipeline deal."),
//!     Document::new("a2", "Russia’s gas, Kazakhstan’s oil and Chinas demand."),
//! ];
//! let options = CountOptions::default(); // document scope
//! let mut counts = CoMentionCounts::new(options.clone());
//! for doc in &corpus {
//!     counts += CoMentionCounts::of(doc, &tagger.tag(&doc.text), &gazetteer, &options);
//! }
//! let graph = CoMentionGraph::build(&counts, &GraphOptions::default());
//! let edges: Vec<_> = graph
//!     .edges
//!     .iter()
//!     .map(|e| {
//!         let (a, b) = (&graph.nodes[e.source].id, &graph.nodes[e.target].id);
//!         (a.as_str(), b.as_str(), e.values.cooccurrences)
//!     })
//!     .collect();
//! assert_eq!(edges, [("cn", "kz", 2), ("cn", "ru", 1), ("kz", "ru", 1)]);
//!
//! let mut graphml = Vec::new();
//! export::write(&graph, export::Format::GraphMl, &mut graphml)?;
//! assert!(String::from_utf8(graphml).unwrap().contains("<graphml"));
//! # Ok::<(), comention::Error>(())
//! ```
#![deny(missing_docs)]

pub mod corpus;
pub mod counts;
pub mod error;
pub mod export;
pub mod gazetteer;
pub mod graph;
pub mod tagger;

pub use corpus::Document;
pub use error::{Error, Result};
pub use gazetteer::{Alias, Entity, Gazetteer};
pub use tagger::{Mention, Tagger};
