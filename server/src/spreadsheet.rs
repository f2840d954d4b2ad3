//! CSV that is safe to open in a spreadsheet: RFC 4180 quoting by the `csv` crate, and no cell
//! that a spreadsheet would run as a formula. Every export (the audit log today; marks and
//! school data with the import and export) writes through here.

/// Characters that make Excel, LibreOffice and Google Sheets read a cell as a formula (OWASP's
/// list for CSV injection).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell as written: text that would start a formula gets a leading apostrophe, which
/// spreadsheets show as plain text. Numbers (`-5`) are left alone.
pub fn cell(value: &str) -> std::borrow::Cow<'_, str> {
    let is_number = value.parse::<f64>().is_ok();
    if !is_number && value.starts_with(FORMULA_STARTS) {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

/// A whole table as CSV text with CRLF line ends: the header row, then the rows.
pub fn table<R, C>(header: &[&str], rows: R) -> anyhow::Result<String>
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = String>,
{
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(header)?;
    for row in rows {
        let cells: Vec<String> = row.into_iter().collect();
        writer.write_record(cells.iter().map(|c| cell(c).into_owned()))?;
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_quoting_follows_rfc_4180() -> anyhow::Result<()> {
        let text = table(
            &["a", "b"],
            [
                vec!["=HYPERLINK(\"http://x\")".to_owned(), "-5".to_owned()],
                vec!["@SUM(A1)".to_owned(), "он сказал, \"да\"".to_owned()],
            ],
        )?;
        assert_eq!(
            text,
            "a,b\r\n\"'=HYPERLINK(\"\"http://x\"\")\",-5\r\n'@SUM(A1),\"он сказал, \"\"да\"\"\"\r\n"
        );
        Ok(())
    }
}
