//! comention finds people, countries, organisations and initiatives in
//! article text with gazetteers and turns co-mentions into networks.
#![deny(missing_docs)]

pub mod corpus;
pub mod counts;
pub mod error;
pub mod export;
pub mod gazetteer;
pub mod graph;
pub mod report;
pub mod tagger;

pub use corpus::Document;
pub use error::{Error, Result};
pub use gazetteer::{Alias, Entity, Gazetteer};
pub use tagger::{Mention, Tagger};
