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
