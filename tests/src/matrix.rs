//! The write matrix: a mutation asked of every role of the world, refusals first — each must
//! answer its error code and change nothing in a snapshot of the tables it could touch — then
//! the roles that may, which must succeed.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::Value;

use crate::world::{Who, World};
use crate::{GraphqlResponse, TestApp};

/// What a role must get from a write.
#[derive(Clone, Copy, Debug)]
pub enum Outcome {
    /// It succeeds.
    Done,
    /// It answers this error code and writes nothing.
    Refused(&'static str),
}

/// Asks a query as a role of the world.
pub async fn ask(app: &TestApp, w: &World, who: Who, query: &str, vars: Value) -> GraphqlResponse {
    match w.token(who) {
        Some(token) => app.graphql_as(token, query, vars).await,
        None => app.graphql(query, vars).await,
    }
}

/// One number from SQL that answers a column `n`. A query that fails or answers nothing fails
/// the test: a snapshot of sentinels would compare equal and hide a write.
pub async fn scalar(app: &TestApp, sql: &str) -> i64 {
    let row = match app
        .db
        .query_one_raw(Statement::from_string(app.db.get_database_backend(), sql))
        .await
    {
        Ok(Some(row)) => row,
        Ok(None) => panic!("no row from {sql}"),
        Err(err) => panic!("{sql}: {err}"),
    };
    match row.try_get::<i64>("", "n") {
        Ok(n) => n,
        Err(err) => panic!("{sql}: no number `n`: {err}"),
    }
}

/// The answers of several such queries, as one comparable snapshot.
pub async fn snapshot(app: &TestApp, queries: &[&str]) -> Vec<i64> {
    let mut state = Vec::with_capacity(queries.len());
    for sql in queries {
        state.push(scalar(app, sql).await);
    }
    state
}

/// Asks a write of every role: refusals first (each must leave `state` as it was), then the
/// roles that may, which must succeed. `vars` may differ per role (for deletions).
pub async fn check_write(
    app: &TestApp,
    w: &World,
    name: &str,
    query: &str,
    vars: impl Fn(Who) -> Value,
    expect: &[(Who, Outcome)],
    state: &[&str],
) {
    assert_eq!(expect.len(), Who::ALL.len(), "{name}: ask every role");
    let mut failures = Vec::new();
    let refused = expect
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Refused(_)));
    let done = expect.iter().filter(|(_, o)| matches!(o, Outcome::Done));
    for (who, outcome) in refused.chain(done) {
        let before = snapshot(app, state).await;
        let response = ask(app, w, *who, query, vars(*who)).await;
        match outcome {
            Outcome::Refused(code) => {
                if response.error_codes() != vec![(*code).to_owned()] {
                    failures.push(format!("{who:?}: expected {code}, got {}", response.body));
                }
                if snapshot(app, state).await != before {
                    failures.push(format!("{who:?}: refused, but something was written"));
                }
            }
            Outcome::Done => {
                if !response.error_codes().is_empty() {
                    failures.push(format!("{who:?}: expected success, got {}", response.body));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "write «{name}» failed:\n{}",
        failures.join("\n")
    );
}
