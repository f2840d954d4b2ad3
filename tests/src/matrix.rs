//! The write matrix: a mutation asked of every role of the world, refusals first — each must
//! answer its error code and change nothing in a snapshot of the tables it could touch — then
//! the roles that may, which must succeed and store what they asked (`Written`).

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
    crate::sql::scalar(&app.db, sql).await
}

/// The number inside a global id (`base64url("Mark:123")` → 123); anything else fails the test.
pub fn number_in(global: &str) -> i64 {
    match dnevnik_server::graphql::ids::decode_any(&global.to_owned().into()) {
        Ok((_, number)) => number,
        Err(err) => panic!("not a global id: {global:?}: {err:?}"),
    }
}

/// What an allowed write must have stored, checked after each success — so that a write that
/// succeeds but stores something else (another value, another row, nothing) fails too.
#[derive(Clone, Debug, Default)]
pub struct Written {
    /// Where the written object's global id is in the answer (a JSON pointer into `data`).
    id_at: String,
    /// Fields of the answer (JSON pointers into `data`) and what they must equal.
    answers: Vec<(String, Value)>,
    /// SQL answering `n` (`$id` stands for the written object's number), and what it must
    /// answer after the write.
    rows: Vec<(String, i64)>,
}

impl Written {
    /// The object written, whose global id the answer holds at `pointer` (e.g.
    /// `/recordMark/mark/id`).
    pub fn at(pointer: &str) -> Self {
        Self {
            id_at: pointer.to_owned(),
            ..Self::default()
        }
    }

    /// The answer holds `value` at `pointer`: what was asked, as the server read it back.
    pub fn answers(mut self, pointer: &str, value: impl Into<Value>) -> Self {
        self.answers.push((pointer.to_owned(), value.into()));
        self
    }

    /// After the write `sql` answers `n`; `$id` in it stands for the written object's number.
    pub fn row(mut self, sql: impl Into<String>, n: i64) -> Self {
        self.rows.push((sql.into(), n));
        self
    }

    /// What differs from the expectation in a successful answer and the database after it.
    async fn mismatches(&self, app: &TestApp, response: &GraphqlResponse) -> Vec<String> {
        let mut wrong = Vec::new();
        let data = response.data();
        for (pointer, expected) in &self.answers {
            let got = data.pointer(pointer).unwrap_or(&Value::Null);
            if got != expected {
                wrong.push(format!("answered {got} at {pointer}, asked {expected}"));
            }
        }
        let Some(global) = data.pointer(&self.id_at).and_then(Value::as_str) else {
            wrong.push(format!("no id at {} in {}", self.id_at, response.body));
            return wrong;
        };
        let number = number_in(global).to_string();
        for (sql, expected) in &self.rows {
            let sql = sql.replace("$id", &number);
            let got = scalar(app, &sql).await;
            if got != *expected {
                wrong.push(format!("{sql} answered {got}, not {expected}"));
            }
        }
        wrong
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
/// roles that may, which must succeed and store what `written` says for them. `vars` may
/// differ per role (for deletions), and so may `written`.
#[expect(
    clippy::too_many_arguments,
    reason = "one row of the matrix, spelled out"
)]
pub async fn check_write(
    app: &TestApp,
    w: &World,
    name: &str,
    query: &str,
    vars: impl Fn(Who) -> Value,
    expect: &[(Who, Outcome)],
    state: &[&str],
    written: impl Fn(Who) -> Written,
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
                    continue;
                }
                let expected = written(*who);
                assert!(
                    !expected.rows.is_empty(),
                    "{name}: say what a success stores (Written::row)"
                );
                for wrong in expected.mismatches(app, &response).await {
                    failures.push(format!("{who:?}: succeeded, but {wrong}"));
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
