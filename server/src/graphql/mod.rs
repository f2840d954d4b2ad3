//! The GraphQL schema: its roots, object types and limits. Resolvers stay thin: they ask
//! `policy/` and call `service/`; they never touch role logic or SQL themselves.

use async_graphql::{Context, EmptyMutation, EmptySubscription, ID, Object, Schema, SimpleObject};

use crate::config::Config;

/// The schema type served at `/graphql`.
pub type DnevnikSchema = Schema<QueryRoot, EmptyMutation, EmptySubscription>;

/// Builds the schema with the limits that are on by default (see SECURITY.md).
pub fn build_schema(config: &Config) -> DnevnikSchema {
    let mut builder = Schema::build(QueryRoot, EmptyMutation, EmptySubscription)
        .limit_depth(10)
        .limit_complexity(1000)
        .limit_recursive_depth(32)
        .limit_directives(5)
        .disable_suggestions();
    if config.is_production() {
        builder = builder.disable_introspection();
    }
    builder.finish()
}

/// The schema as SDL, exactly as committed in `schema.graphql`.
pub fn sdl() -> String {
    build_schema(&Config::development()).sdl()
}

/// Who is calling, as established by the HTTP layer for one request.
#[derive(Clone, Debug, Default)]
pub struct RequestViewer {
    /// The signed-in account, if any.
    pub account: Option<ViewerAccount>,
}

/// The signed-in account of a request.
#[derive(Clone, Debug)]
pub struct ViewerAccount {
    /// Database id of the account.
    pub id: i64,
    /// The name shown in the interface.
    pub display_name: String,
}

/// The root of every read.
pub struct QueryRoot;

#[Object(name = "Query")]
impl QueryRoot {
    /// The signed-in viewer, or `null` for an anonymous request.
    async fn viewer(&self, ctx: &Context<'_>) -> Option<Viewer> {
        let viewer = ctx.data_opt::<RequestViewer>()?;
        viewer.account.as_ref().map(|account| Viewer {
            account: Account {
                id: ID(format!("Account:{}", account.id)),
                display_name: account.display_name.clone(),
            },
        })
    }
}

/// The signed-in user and what they may see.
#[derive(SimpleObject)]
pub struct Viewer {
    /// The viewer's own account.
    pub account: Account,
}

/// A sign-in account: a parent, student, teacher or administrator.
#[derive(SimpleObject)]
pub struct Account {
    /// Opaque global id.
    pub id: ID,
    /// The name shown in the interface.
    pub display_name: String,
}
