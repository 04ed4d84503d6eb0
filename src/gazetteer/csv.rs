//! Reads gazetteers in the project's CSV format.
//!
//! UTF-8, header required: `id,type,name,aliases` in any order, then any
//! extra columns. `aliases` is `|`-separated and the name is always an alias.
//! An optional `adjectives` column holds adjectival/demonym forms
//! (`Russian|Russians`), which the tagger can switch off. Every other column
//! becomes an entity attribute. A leading UTF-8 BOM is ignored.

use std::collections::BTreeMap;
use std::path::Path;

use super::{Entity, Gazetteer, Origin};
use crate::error::{Error, Result};

/// Columns with a meaning of their own; all others are attributes.
pub const RESERVED_COLUMNS: &[&str] = &["id", "type", "name", "aliases", "adjectives"];

/// One data row as read, before it becomes an entity (used by the linter).
#[derive(Debug, Clone)]
pub struct Row {
    /// Where the row starts.
    pub origin: Origin,
    /// The entity built from the row.
    pub entity: Entity,
    /// Alias cells that were empty after trimming (e.g. in `a||b`).
    pub empty_aliases: usize,
}

/// Parses CSV gazetteer text into rows, failing on the first malformed row.
///
/// ```
/// let rows = comention::gazetteer::csv::rows("id,type,name,aliases\nx,ORG,X Corp,X||XC\n", "g.csv".as_ref())?;
/// assert_eq!(rows[0].empty_aliases, 1);
/// # Ok::<(), comention::Error>(())
/// ```
pub fn rows(text: &str, path: &Path) -> Result<Vec<Row>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let error = |line: u64, message: String| Error::Gazetteer {
        path: path.to_owned(),
        line,
        message,
    };
    if text.trim().is_empty() {
        return Err(error(
            1,
            "empty gazetteer; the first line must be the header id,type,name,aliases".into(),
        ));
    }
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| error(1, format!("cannot read the header: {e}")))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (Some(id_col), Some(type_col), Some(name_col)) =
        (column("id"), column("type"), column("name"))
    else {
        return Err(error(
            1,
            format!(
                "the header must name the columns id,type,name,aliases (found {:?}); add a header line",
                headers.iter().collect::<Vec<_>>().join(",")
            ),
        ));
    };
    let alias_col = column("aliases");
    let adjective_col = column("adjectives");
    let extra: Vec<(usize, String)> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| !RESERVED_COLUMNS.contains(&h.trim()))
        .map(|(i, h)| (i, h.trim().to_string()))
        .collect();
    if let Some((_, empty)) = extra.iter().find(|(_, h)| h.is_empty()) {
        let _ = empty;
        return Err(error(1, "a header cell is empty; name every column".into()));
    }

    // One shared path for every origin of this file.
    let shared_path: std::sync::Arc<Path> = std::sync::Arc::from(path);
    let mut out = Vec::new();
    let mut record = ::csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                let message = match e.kind() {
                    ::csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!(
                        "expected {expected_len} fields like the header, found {len}; quote cells that contain commas"
                    ),
                    _ => format!("malformed CSV: {e}"),
                };
                return Err(error(line, message));
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let origin = Origin {
            path: std::sync::Arc::clone(&shared_path),
            line,
        };
        let cell = |i: usize| record.get(i).unwrap_or("").trim();
        let id = cell(id_col);
        let kind = cell(type_col);
        let name = cell(name_col);
        for (value, what) in [(id, "id"), (kind, "type"), (name, "name")] {
            if value.is_empty() {
                return Err(error(
                    line,
                    format!("empty {what}; every row needs an id, a type and a name"),
                ));
            }
            if value.chars().any(char::is_control) {
                return Err(error(
                    line,
                    format!("the {what} {value:?} contains a control character; remove it"),
                ));
            }
        }
        let mut entity = Entity {
            id: id.to_string(),
            kind: kind.to_string(),
            name: name.to_string(),
            aliases: Vec::new(),
            attributes: BTreeMap::new(),
            origin: origin.clone(),
        };
        entity.push_alias(name.to_string(), false, origin.clone());
        let mut empty_aliases = 0;
        for (col, is_adjective) in [(alias_col, false), (adjective_col, true)] {
            let Some(col) = col else { continue };
            let cell = record.get(col).unwrap_or("");
            if cell.trim().is_empty() {
                continue;
            }
            for alias in cell.split('|') {
                let alias = alias.trim();
                if alias.is_empty() {
                    empty_aliases += 1;
                } else {
                    entity.push_alias(alias.to_string(), is_adjective, origin.clone());
                }
            }
        }
        for (col, key) in &extra {
            let value = cell(*col);
            if !value.is_empty() {
                entity.attributes.insert(key.clone(), value.to_string());
            }
        }
        out.push(Row {
            origin,
            entity,
            empty_aliases,
        });
    }
    Ok(out)
}

/// Reads CSV gazetteer text into `gaz`.
pub(crate) fn read_str_into(gaz: &mut Gazetteer, text: &str, path: &Path) -> Result<()> {
    let rows = rows(text, path)?;
    gaz.reserve(rows.len());
    for row in rows {
        if row.empty_aliases > 0 {
            gaz.warn(
                row.origin.clone(),
                format!("{} empty alias(es) skipped", row.empty_aliases),
            );
        }
        gaz.insert(row.entity);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Gazetteer> {
        Gazetteer::from_csv_str(text)
    }

    #[test]
    fn name_is_always_an_alias_and_extra_columns_are_attributes() {
        let gaz = load("id,type,name,aliases,iso3\nkz,COUNTRY,Kazakhstan,Qazaqstan,KAZ\n").unwrap();
        let kz = gaz.get("kz").unwrap();
        let aliases: Vec<_> = kz.aliases.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(aliases, ["Kazakhstan", "Qazaqstan"]);
        assert_eq!(kz.attributes["iso3"], "KAZ");
        assert_eq!(gaz.attribute_names(), ["iso3"]);
    }

    #[test]
    fn adjectives_column_marks_aliases() {
        let gaz =
            load("id,type,name,aliases,adjectives\nru,COUNTRY,Russia,,Russian|Russians\n").unwrap();
        let ru = gaz.get("ru").unwrap();
        assert!(!ru.aliases[0].is_adjective);
        assert!(ru.aliases[1].is_adjective && ru.aliases[2].is_adjective);
        assert!(!ru.attributes.contains_key("adjectives"));
    }

    #[test]
    fn missing_header_is_an_error_naming_line_one() {
        let err = load("kz,COUNTRY,Kazakhstan,Qazaqstan\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("<string>:1: the header must name"),
            "{err}"
        );
    }

    #[test]
    fn wrong_column_count_names_the_line() {
        let err = load("id,type,name,aliases\nkz,COUNTRY,Kazakhstan\n").unwrap_err();
        assert!(
            err.to_string().starts_with("<string>:2: expected 4 fields"),
            "{err}"
        );
    }

    #[test]
    fn empty_aliases_are_skipped_with_a_warning() {
        let gaz = load("id,type,name,aliases\nx,ORG,X Corp,|||\n").unwrap();
        assert_eq!(gaz.get("x").unwrap().aliases.len(), 1);
        assert_eq!(gaz.warnings().len(), 1);
        assert!(gaz.warnings()[0].message.contains("4 empty"));
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        let gaz = load("\u{feff}id,type,name,aliases\r\nx,ORG,X Corp,XC\r\n").unwrap();
        assert_eq!(gaz.get("x").unwrap().aliases.len(), 2);
    }

    #[test]
    fn empty_id_is_an_error() {
        let err = load("id,type,name,aliases\n,ORG,X Corp,XC\n").unwrap_err();
        assert!(err.to_string().contains(":2: empty id"), "{err}");
    }

    #[test]
    fn duplicate_id_merges_aliases() {
        let gaz = load("id,type,name,aliases\nx,ORG,X Corp,XC\nx,ORG,X Corp,X Company\n").unwrap();
        assert_eq!(gaz.len(), 1);
        assert_eq!(gaz.get("x").unwrap().aliases.len(), 3);
    }
}
