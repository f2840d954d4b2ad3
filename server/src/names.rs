//! People's names as the diary shows them: in full («Фамилия Имя Отчество») and short
//! («Фамилия И. О.»), the same in the API, the pages and the back-office.

/// "Фамилия Имя Отчество".
pub fn full_name(last: &str, first: &str, middle: Option<&str>) -> String {
    match middle {
        Some(middle) if !middle.is_empty() => format!("{last} {first} {middle}"),
        _ => format!("{last} {first}"),
    }
}

/// "Фамилия И. О.".
pub fn short_name(last: &str, first: &str, middle: Option<&str>) -> String {
    let initial = |s: &str| {
        s.chars()
            .next()
            .map(|c| format!("{c}."))
            .unwrap_or_default()
    };
    match middle {
        Some(middle) if !middle.is_empty() => {
            format!("{last} {} {}", initial(first), initial(middle))
        }
        _ => format!("{last} {}", initial(first)),
    }
}
