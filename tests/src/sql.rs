//! SQL for fixtures and inspection that fails loudly: a query that fails, answers no row, or
//! lacks the column asked for fails the test with the SQL and the error. A sentinel instead
//! (−1, 0, an empty string) compares equal to itself, so a broken write would pass unseen.
//!
//! And the schema's constraints by name, to tell which one refused a row: a test of a
//! constraint must not pass because the row failed for another reason (a typo in the SQL, a
//! missing column, another constraint).

use sea_orm::{ConnectionTrait, DbErr, QueryResult, Statement, TryGetable};

/// The one row `sql` answers (the first, if it answers several).
pub async fn one(db: &impl ConnectionTrait, sql: &str) -> QueryResult {
    match db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
    {
        Ok(Some(row)) => row,
        Ok(None) => panic!("no row from {sql}"),
        Err(err) => panic!("{sql}: {err}"),
    }
}

/// Every row `sql` answers.
pub async fn all(db: &impl ConnectionTrait, sql: &str) -> Vec<QueryResult> {
    match db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
    {
        Ok(rows) => rows,
        Err(err) => panic!("{sql}: {err}"),
    }
}

/// The column `column` of a row that `sql` answered.
pub fn get<T: TryGetable>(row: &QueryResult, sql: &str, column: &str) -> T {
    match row.try_get::<T>("", column) {
        Ok(value) => value,
        Err(err) => panic!("{sql}: no `{column}` of the type asked: {err}"),
    }
}

/// The number `sql` answers as its column `n`.
pub async fn scalar(db: &impl ConnectionTrait, sql: &str) -> i64 {
    get(&one(db, sql).await, sql, "n")
}

/// One column of every row `sql` answers, in order.
pub async fn column<T: TryGetable>(db: &impl ConnectionTrait, sql: &str, column: &str) -> Vec<T> {
    all(db, sql)
        .await
        .iter()
        .map(|row| get(row, sql, column))
        .collect()
}

/// A constraint of the schema, named as the migrations name them (`migration/src/dsl.rs`).
#[derive(Clone, Copy, Debug)]
pub enum Constraint<'a> {
    /// `ck_<table>_<name>`: a CHECK (an enumeration's is named after its column).
    Check {
        /// The table.
        table: &'a str,
        /// The CHECK's name within the table.
        name: &'a str,
    },
    /// `uq_<table>_<columns>`: a unique index.
    Unique {
        /// The table.
        table: &'a str,
        /// The indexed columns, in order.
        columns: &'a [&'a str],
    },
    /// `fk_<table>_<column>`: a foreign key.
    ForeignKey {
        /// The referencing table.
        table: &'a str,
        /// The referencing column.
        column: &'a str,
    },
}

impl Constraint<'_> {
    /// What the engine's error says when this constraint refuses a row. PostgreSQL names every
    /// constraint; SQLite names CHECKs, lists a unique index's columns, and says nothing of
    /// which foreign key failed.
    pub fn message(&self, postgres: bool) -> String {
        match (*self, postgres) {
            (Self::Check { table, name }, true) => {
                format!("violates check constraint \"ck_{table}_{name}\"")
            }
            (Self::Check { table, name }, false) => {
                format!("CHECK constraint failed: ck_{table}_{name}")
            }
            (Self::Unique { table, columns }, true) => {
                format!(
                    "violates unique constraint \"uq_{table}_{}\"",
                    columns.join("_")
                )
            }
            (Self::Unique { table, columns }, false) => format!(
                "UNIQUE constraint failed: {}",
                columns
                    .iter()
                    .map(|column| format!("{table}.{column}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            (Self::ForeignKey { table, column }, true) => {
                format!("violates foreign key constraint \"fk_{table}_{column}\"")
            }
            (Self::ForeignKey { .. }, false) => "FOREIGN KEY constraint failed".to_owned(),
        }
    }
}

/// Asserts that the database refused a write (`what`) because of `constraint`, and not for
/// another reason: the error must carry the constraint's own message on this engine.
pub fn assert_refused_by<T: std::fmt::Debug>(
    result: Result<T, DbErr>,
    constraint: Constraint<'_>,
    postgres: bool,
    what: &str,
) {
    let expected = constraint.message(postgres);
    match result {
        Ok(stored) => panic!("{what}: stored ({stored:?}), expected a refusal by {expected}"),
        Err(err) => {
            let text = err.to_string();
            assert!(
                text.contains(&expected),
                "{what}: refused, but not by {constraint:?}: expected «{expected}» in «{text}»"
            );
        }
    }
}
