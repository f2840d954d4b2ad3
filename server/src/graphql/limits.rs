//! Document limits that async-graphql has no knob for: bracket nesting (checked on the text,
//! before the parser, whose recursion would otherwise overflow the stack on a few kilobytes of
//! `[[[[…`), field selections and aliases per document, root fields per operation, and
//! sensitive mutations (sign-in, code redemption) per document. The rest is checked right after
//! parsing, before anything runs.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{
    Directive, ExecutableDocument, OperationType, Selection, SelectionSet,
};
use async_graphql::{ErrorExtensions, Positioned, ServerError, ServerResult, Variables};
use async_graphql_value::{ConstValue, Value};

use crate::error::{AppError, Reason};
use crate::text::has_forbidden_control;

/// Limits on the shape of a document.
#[derive(Clone, Copy, Debug)]
pub struct DocumentLimits {
    /// Aliases in the whole document (`__typename` aliases are exempt).
    pub max_aliases: usize,
    /// Fields at the root of one operation.
    pub max_root_fields: usize,
    /// Field selections in the whole document, as written (`__typename` exempt).
    pub max_fields: usize,
    /// Sensitive mutations in one document.
    pub max_sensitive_mutations: usize,
}

impl Default for DocumentLimits {
    fn default() -> Self {
        Self {
            max_aliases: 15,
            max_root_fields: 20,
            max_fields: 250,
            max_sensitive_mutations: 1,
        }
    }
}

/// Deepest nesting of brackets (`{`, `[`, `(` together) in a document's text. Selections are
/// limited to 10 levels and no input of the schema nests more than a few, so honest documents
/// stay far below; the parser's recursion stays far from the stack's end.
pub const MAX_NESTING: usize = 64;

/// Fragments followed into fragments at most this deep (the schema's `limit_recursive_depth`).
const MAX_FRAGMENT_DEPTH: usize = 32;

/// Mutations that guess or spend a secret: at most one per document, so that batching inside
/// one request cannot multiply attempts.
const SENSITIVE: &[&str] = &["login", "redeemAccessCode"];

impl ExtensionFactory for DocumentLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(LimitsExtension(*self))
    }
}

struct LimitsExtension(DocumentLimits);

#[async_graphql::async_trait::async_trait]
impl Extension for LimitsExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        check_nesting(query)?;
        let document = next.run(ctx, query, variables).await?;
        check(&document, &self.0)?;
        check_text(&document, variables)?;
        Ok(document)
    }
}

/// Refuses a document whose brackets nest deeper than [`MAX_NESTING`], by a single pass over
/// its text that skips strings, block strings and comments. Runs before the parser, on every
/// transport: the parser (and everything after it) recurses once per level.
pub fn check_nesting(query: &str) -> ServerResult<()> {
    if nesting(query) > MAX_NESTING {
        return Err(rejected(format!(
            "The document nests brackets more than {MAX_NESTING} levels deep."
        )));
    }
    Ok(())
}

/// The deepest bracket nesting in a GraphQL document's text (unbalanced closers are the
/// parser's to report).
fn nesting(query: &str) -> usize {
    let bytes = query.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                // A block string ends at the first `"""` not escaped as `\"""`.
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    deepest
}

fn rejected(message: String) -> ServerError {
    let error =
        async_graphql::Error::new(message).extend_with(|_, e| e.set("code", "BAD_USER_INPUT"));
    error.into_server_error(async_graphql::Pos::default())
}

/// Checks a parsed document against the limits.
pub fn check(document: &ExecutableDocument, limits: &DocumentLimits) -> ServerResult<()> {
    let mut aliases = 0;
    let mut fields = 0;
    for fragment in document.fragments.values() {
        aliases += count_aliases(&fragment.node.selection_set);
        fields += count_fields(&fragment.node.selection_set);
    }
    for (_, operation) in document.operations.iter() {
        fields += count_fields(&operation.node.selection_set);
    }
    if fields > limits.max_fields {
        return Err(rejected(format!(
            "A document may select at most {} fields.",
            limits.max_fields
        )));
    }
    let mut sensitive = 0;
    for (_, operation) in document.operations.iter() {
        let selection = &operation.node.selection_set;
        aliases += count_aliases(selection);
        let roots = root_fields(selection, document);
        if roots.len() > limits.max_root_fields {
            return Err(rejected(format!(
                "An operation may select at most {} root fields.",
                limits.max_root_fields
            )));
        }
        if operation.node.ty == OperationType::Mutation {
            sensitive += roots
                .iter()
                .filter(|name| SENSITIVE.contains(&name.as_str()))
                .count();
        }
    }
    if aliases > limits.max_aliases {
        return Err(rejected(format!(
            "A document may use at most {} aliases.",
            limits.max_aliases
        )));
    }
    if sensitive > limits.max_sensitive_mutations {
        return Err(rejected(
            "Send sign-in and access-code mutations one per request.".to_owned(),
        ));
    }
    Ok(())
}

/// Refuses control characters in every string the request carries: variables, and literals
/// in arguments, directives and variable defaults (see [`crate::text`]).
pub fn check_text(document: &ExecutableDocument, variables: &Variables) -> ServerResult<()> {
    let mut clean = variables.values().all(const_text_ok);
    for fragment in document.fragments.values() {
        clean = clean && selection_text_ok(&fragment.node.selection_set);
    }
    for (_, operation) in document.operations.iter() {
        clean = clean
            && selection_text_ok(&operation.node.selection_set)
            && directives_text_ok(&operation.node.directives)
            && operation
                .node
                .variable_definitions
                .iter()
                .all(|definition| {
                    definition
                        .node
                        .default_value
                        .as_ref()
                        .is_none_or(|value| const_text_ok(&value.node))
                });
    }
    if clean {
        Ok(())
    } else {
        // The same refusal, reason and all, as every other transport gives.
        Err(
            async_graphql::Error::from(AppError::invalid(Reason::ControlCharacters))
                .into_server_error(async_graphql::Pos::default()),
        )
    }
}

fn selection_text_ok(set: &Positioned<SelectionSet>) -> bool {
    set.node.items.iter().all(|item| match &item.node {
        Selection::Field(field) => {
            field
                .node
                .arguments
                .iter()
                .all(|(_, value)| value_text_ok(&value.node))
                && directives_text_ok(&field.node.directives)
                && selection_text_ok(&field.node.selection_set)
        }
        Selection::InlineFragment(fragment) => {
            directives_text_ok(&fragment.node.directives)
                && selection_text_ok(&fragment.node.selection_set)
        }
        Selection::FragmentSpread(spread) => directives_text_ok(&spread.node.directives),
    })
}

fn directives_text_ok(directives: &[Positioned<Directive>]) -> bool {
    directives.iter().all(|directive| {
        directive
            .node
            .arguments
            .iter()
            .all(|(_, value)| value_text_ok(&value.node))
    })
}

fn value_text_ok(value: &Value) -> bool {
    match value {
        Value::String(text) => !has_forbidden_control(text),
        Value::List(items) => items.iter().all(value_text_ok),
        Value::Object(fields) => fields
            .iter()
            .all(|(name, value)| !has_forbidden_control(name) && value_text_ok(value)),
        _ => true,
    }
}

fn const_text_ok(value: &ConstValue) -> bool {
    match value {
        ConstValue::String(text) => !has_forbidden_control(text),
        ConstValue::List(items) => items.iter().all(const_text_ok),
        ConstValue::Object(fields) => fields
            .iter()
            .all(|(name, value)| !has_forbidden_control(name) && const_text_ok(value)),
        _ => true,
    }
}

/// Field selections as written: 500 copies of one field count 500, though they merge into one.
fn count_fields(set: &Positioned<SelectionSet>) -> usize {
    set.node
        .items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(field) => {
                let own = usize::from(field.node.name.node.as_str() != "__typename");
                own + count_fields(&field.node.selection_set)
            }
            Selection::InlineFragment(fragment) => count_fields(&fragment.node.selection_set),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

fn count_aliases(set: &Positioned<SelectionSet>) -> usize {
    set.node
        .items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(field) => {
                let own = usize::from(
                    field.node.alias.is_some() && field.node.name.node.as_str() != "__typename",
                );
                own + count_aliases(&field.node.selection_set)
            }
            Selection::InlineFragment(fragment) => count_aliases(&fragment.node.selection_set),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

/// The names of the root fields of an operation, following fragments (not recursively into
/// themselves: the parser rejects cycles later, and a visited set guards here).
fn root_fields(set: &Positioned<SelectionSet>, document: &ExecutableDocument) -> Vec<String> {
    let mut names = Vec::new();
    let mut visited = Vec::new();
    collect_roots(set, document, &mut names, &mut visited, 0);
    names
}

fn collect_roots(
    set: &Positioned<SelectionSet>,
    document: &ExecutableDocument,
    names: &mut Vec<String>,
    visited: &mut Vec<String>,
    depth: usize,
) {
    // A chain of fragments deeper than this is refused by the schema right after this check.
    if depth > MAX_FRAGMENT_DEPTH {
        return;
    }
    for item in &set.node.items {
        match &item.node {
            Selection::Field(field) => {
                if field.node.name.node.as_str() != "__typename" {
                    names.push(field.node.name.node.to_string());
                }
            }
            Selection::InlineFragment(fragment) => {
                collect_roots(
                    &fragment.node.selection_set,
                    document,
                    names,
                    visited,
                    depth,
                );
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.to_string();
                if visited.contains(&name) {
                    continue;
                }
                visited.push(name.clone());
                if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node) {
                    collect_roots(
                        &fragment.node.selection_set,
                        document,
                        names,
                        visited,
                        depth + 1,
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::nesting;

    #[test]
    fn nesting_counts_brackets_of_every_kind() {
        assert_eq!(nesting("{ a(x: [[1]]) { b } }"), 4);
        assert_eq!(nesting("{ a }"), 1);
    }

    #[test]
    fn nesting_skips_strings_block_strings_and_comments() {
        let query = "{ a(x: \"[[[\\\"[[\", y: \"\"\"[[[ \\\"\"\" [[\"\"\") # [[[[\n }";
        assert_eq!(nesting(query), 2);
    }
}
