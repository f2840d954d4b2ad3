//! `schema.graphql` is the contract with front-end teams: it must be exactly what the server
//! serves.

#[test]
fn the_committed_schema_matches_the_server() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let served = dnevnik_server::graphql::sdl();
    assert!(
        committed == served,
        "schema.graphql is out of date; regenerate it with `cargo run -- print-schema > schema.graphql`"
    );
}

/// Whether every type, field, argument and enum value of the SDL has a description: each
/// definition line is preceded by the end of a `"""` block.
#[test]
fn every_type_field_and_argument_is_described() {
    let sdl = dnevnik_server::graphql::sdl();
    let lines: Vec<&str> = sdl.lines().collect();
    let mut missing = Vec::new();
    let mut in_block = false;
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with("\"\"\"") {
            // A one-line description opens and closes on the same line.
            let one_line = trimmed.len() > 3 && trimmed.ends_with("\"\"\"");
            if !one_line {
                in_block = !in_block;
            }
            continue;
        }
        if in_block
            || trimmed.is_empty()
            || trimmed == "}"
            || trimmed.starts_with(")")
            || trimmed.starts_with("directive ")
            || trimmed.starts_with("schema")
            || trimmed.starts_with("query:")
            || trimmed.starts_with("mutation:")
            || trimmed.starts_with("subscription:")
        {
            continue;
        }
        let previous = lines[..i]
            .iter()
            .rev()
            .map(|l| l.trim())
            .find(|l| !l.is_empty())
            .unwrap_or_default();
        if !previous.ends_with("\"\"\"") {
            missing.push(trimmed.to_owned());
        }
    }
    assert!(missing.is_empty(), "undescribed:\n{}", missing.join("\n"));
}
