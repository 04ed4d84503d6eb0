//! Writers: mention tables and graph exports. Only this module writes.

pub mod cell;
pub mod mentions;
