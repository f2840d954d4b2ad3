//! Pages of many lists in one statement: the first rows of each partition of a query (each
//! student's marks, each conversation's messages, each thread's posts), cut by a window
//! function, so that a list of twenty conversations with their last message costs what one
//! does.

use std::collections::HashMap;

use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait as _, Order, Query};
use sea_orm::{ConnectionTrait, EntityTrait, FromQueryResult, QueryTrait, Select};

use crate::error::AppResult;

/// How rows are ordered within each partition: column names of the query's table, first key
/// first.
pub type Ordering<'a> = &'a [(&'a str, Order)];

/// The first `limit` rows of each partition of `query` (rows with the same `partition`
/// column), in `order`, and whether more follow, by partition value.
pub async fn first_of_each<E>(
    db: &impl ConnectionTrait,
    query: Select<E>,
    partition: E::Column,
    order: Ordering<'_>,
    limit: u64,
    key: impl Fn(&E::Model) -> i64,
) -> AppResult<HashMap<i64, (Vec<E::Model>, bool)>>
where
    E: EntityTrait,
    E::Model: FromQueryResult,
{
    let table = E::default().table_name().to_owned();
    let quoted = |column: &str| format!(r#""{table}"."{column}""#);
    let within = order
        .iter()
        .map(|(column, direction)| {
            let direction = match direction {
                Order::Desc => "DESC",
                _ => "ASC",
            };
            format!("{} {direction}", quoted(column))
        })
        .collect::<Vec<_>>()
        .join(", ");
    let partition = sea_orm::IdenStatic::as_str(&partition).to_owned();
    let mut ranked = query.into_query();
    ranked.expr_as(
        Expr::cust(format!(
            "ROW_NUMBER() OVER (PARTITION BY {} ORDER BY {within})",
            quoted(&partition)
        )),
        Alias::new("page_row"),
    );
    // One more than a page, to tell whether another page follows.
    let keep = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
    let mut outer = Query::select();
    outer
        .column(Asterisk)
        .from_subquery(ranked, Alias::new("ranked"))
        .and_where(Expr::col(Alias::new("page_row")).lte(keep));
    for (column, direction) in order {
        outer.order_by(Alias::new(*column), direction.clone());
    }
    let rows = E::Model::find_by_statement(db.get_database_backend().build(&outer))
        .all(db)
        .await?;
    let page = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut found: HashMap<i64, (Vec<E::Model>, bool)> = HashMap::new();
    for row in rows {
        let entry = found.entry(key(&row)).or_default();
        if entry.0.len() < page {
            entry.0.push(row);
        } else {
            entry.1 = true;
        }
    }
    Ok(found)
}
