//! Reads spaCy EntityRuler pattern files (JSONL). TODO(helper): implement.

use std::path::Path;

use super::Gazetteer;
use crate::error::{Error, Result};

pub(crate) fn read_str_into(_gaz: &mut Gazetteer, _text: &str, path: &Path) -> Result<()> {
    Err(Error::Gazetteer {
        path: path.to_owned(),
        line: 0,
        message: "not yet supported".into(),
    })
}
