//! Document limits that async-graphql has no knob for: aliases per document, root fields per
//! operation, and sensitive mutations (sign-in, code redemption) per document. Checked right
//! after parsing, before anything runs.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{ErrorExtensions, Positioned, ServerError, ServerResult, Variables};

/// Limits on the shape of a document.
#[derive(Clone, Copy, Debug)]
pub struct DocumentLimits {
    /// Aliases in the whole document (`__typename` aliases are exempt).
    pub max_aliases: usize,
    /// Fields at the root of one operation.
    pub max_root_fields: usize,
    /// Sensitive mutations in one document.
    pub max_sensitive_mutations: usize,
}

impl Default for DocumentLimits {
    fn default() -> Self {
        Self {
            max_aliases: 15,
            max_root_fields: 20,
            max_sensitive_mutations: 1,
        }
    }
}

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
        let document = next.run(ctx, query, variables).await?;
        check(&document, &self.0)?;
        Ok(document)
    }
}

fn rejected(message: String) -> ServerError {
    let error =
        async_graphql::Error::new(message).extend_with(|_, e| e.set("code", "BAD_USER_INPUT"));
    error.into_server_error(async_graphql::Pos::default())
}

/// Checks a parsed document against the limits.
pub fn check(document: &ExecutableDocument, limits: &DocumentLimits) -> ServerResult<()> {
    let mut aliases = 0;
    for fragment in document.fragments.values() {
        aliases += count_aliases(&fragment.node.selection_set);
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
    collect_roots(set, document, &mut names, &mut visited);
    names
}

fn collect_roots(
    set: &Positioned<SelectionSet>,
    document: &ExecutableDocument,
    names: &mut Vec<String>,
    visited: &mut Vec<String>,
) {
    for item in &set.node.items {
        match &item.node {
            Selection::Field(field) => {
                if field.node.name.node.as_str() != "__typename" {
                    names.push(field.node.name.node.to_string());
                }
            }
            Selection::InlineFragment(fragment) => {
                collect_roots(&fragment.node.selection_set, document, names, visited);
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.to_string();
                if visited.contains(&name) {
                    continue;
                }
                visited.push(name.clone());
                if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node) {
                    collect_roots(&fragment.node.selection_set, document, names, visited);
                }
            }
        }
    }
}
