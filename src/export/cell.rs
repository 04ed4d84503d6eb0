//! Making untrusted text safe in output cells.

use std::borrow::Cow;

/// Neutralises a spreadsheet formula: a cell that starts with `=`, `+`, `-`,
/// `@`, a tab or a carriage return gets a leading `'`, so that Excel,
/// LibreOffice and Google Sheets show it as text instead of evaluating it.
///
/// ```
/// use comention::export::cell::spreadsheet_safe;
/// assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
/// assert_eq!(spreadsheet_safe("Kazakhstan"), "Kazakhstan");
/// ```
pub fn spreadsheet_safe(cell: &str) -> Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// Appends one CSV row of `cells` and a line feed, quoted as the `csv`
/// crate's default writer quotes: a cell holding `,`, `"`, a carriage
/// return or a line feed goes in double quotes with its quotes doubled,
/// and a row of one empty cell is `""` (else it would be a blank line).
pub(crate) fn push_csv_row<'a>(out: &mut Vec<u8>, cells: impl IntoIterator<Item = &'a [u8]>) {
    let start = out.len();
    let mut count = 0;
    for cell in cells {
        if count > 0 {
            out.push(b',');
        }
        count += 1;
        if cell
            .iter()
            .any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
        {
            out.push(b'"');
            for part in cell.split_inclusive(|&b| b == b'"') {
                out.extend_from_slice(part);
                if part.last() == Some(&b'"') {
                    out.push(b'"');
                }
            }
            out.push(b'"');
        } else {
            out.extend_from_slice(cell);
        }
    }
    if count == 1 && out.len() == start {
        out.extend_from_slice(b"\"\"");
    }
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The bytes of the `csv` crate's default writer, for any cells.
        #[test]
        fn csv_rows_are_the_csv_crates(
            rows in proptest::collection::vec(
                proptest::collection::vec("[a,\"\r\n =']{0,5}", 1..5),
                0..5,
            ),
        ) {
            let mut ours = Vec::new();
            // Flexible: rows of different lengths, to cover more of them.
            let mut theirs = ::csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
            for row in &rows {
                push_csv_row(&mut ours, row.iter().map(|c| c.as_bytes()));
                theirs.write_record(row).unwrap();
            }
            prop_assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs.into_inner().unwrap()).unwrap()
            );
        }
    }

    #[test]
    fn every_trigger_is_neutralised() {
        for s in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(spreadsheet_safe(s), format!("'{s}"));
        }
        assert_eq!(spreadsheet_safe(""), "");
        assert_eq!(spreadsheet_safe("a=b"), "a=b");
    }
}
