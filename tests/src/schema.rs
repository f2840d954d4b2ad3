//! The served schema, read by introspection, for tests that must cover every field and
//! argument the server has (new ones included) instead of a hand-kept list.

use serde_json::{Value, json};

use crate::TestApp;

/// Every type with its fields, arguments, input fields and enum values, to four levels of
/// wrapping.
const INTROSPECTION: &str = "{ __schema { queryType { name } mutationType { name } \
    types { name kind enumValues { name } inputFields { name type { ...T } } \
    fields { name args { name type { ...T } } type { ...T } } } } } \
    fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name \
    ofType { kind name } } } } }";

/// The schema as served: `__schema` of the introspection answer.
pub async fn served(app: &TestApp, token: Option<&str>) -> Value {
    let answer = match token {
        Some(token) => app.graphql_as(token, INTROSPECTION, json!({})).await,
        None => app.graphql(INTROSPECTION, json!({})).await,
    };
    answer.assert_ok()["__schema"].clone()
}

/// The fields of a named type (the root `Query`, `Viewer`, ...).
pub fn fields(schema: &Value, type_name: &str) -> Vec<Value> {
    declared(schema, type_name)
        .and_then(|t| t["fields"].as_array())
        .cloned()
        .unwrap_or_default()
}

/// A type's declaration by name.
pub fn declared<'a>(schema: &'a Value, type_name: &str) -> Option<&'a Value> {
    schema["types"]
        .as_array()?
        .iter()
        .find(|t| t["name"] == type_name)
}

/// A type reference as written in a variable declaration (`[ID!]!`).
pub fn type_text(t: &Value) -> String {
    match t["kind"].as_str() {
        Some("NON_NULL") => format!("{}!", type_text(&t["ofType"])),
        Some("LIST") => format!("[{}]", type_text(&t["ofType"])),
        _ => t["name"].as_str().unwrap_or_default().to_owned(),
    }
}

/// The named type under any wrapping: its kind and name.
pub fn named(t: &Value) -> (&str, &str) {
    if t["ofType"].is_object() {
        named(&t["ofType"])
    } else {
        (
            t["kind"].as_str().unwrap_or_default(),
            t["name"].as_str().unwrap_or_default(),
        )
    }
}

/// The selection a field needs: none for a scalar or enum, `{ __typename }` for an object.
pub fn selection(t: &Value) -> &'static str {
    match named(t).0 {
        "OBJECT" | "INTERFACE" | "UNION" => " { __typename }",
        _ => "",
    }
}
