//! What text the diary accepts from anyone: no control characters but tab and line breaks.
//! PostgreSQL refuses a NUL byte in text outright, and the others only hide text from readers
//! or corrupt exports, so they are refused at the edge (GraphQL values and variables, forms
//! and query strings) on both engines, before any service sees them.

/// Whether `text` holds a character no field accepts: a C0 control other than tab, line feed
/// and carriage return, DEL, or a C1 control.
pub fn has_forbidden_control(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

#[cfg(test)]
mod tests {
    use super::has_forbidden_control;

    #[test]
    fn tabs_and_line_breaks_pass_and_other_controls_do_not() {
        assert!(!has_forbidden_control("Домашнее задание:\n\t№ 5,\r\n№ 6"));
        for bad in ["a\0b", "\u{7}", "\u{1b}[31m", "\u{7f}", "\u{85}"] {
            assert!(has_forbidden_control(bad), "{bad:?}");
        }
    }
}
