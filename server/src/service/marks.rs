//! Reading marks: students' marks page by page, newest first, within the viewer's access.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use dnevnik_entities::{control_form, mark};
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait as _, Order, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryTrait,
};

use super::diary::{MarkView, Scoped, by_id};
use super::records::by_access;
use crate::error::AppResult;

/// What to list.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// From this day.
    pub from: Option<NaiveDate>,
    /// Up to this day.
    pub to: Option<NaiveDate>,
    /// In this subject.
    pub subject_id: Option<i64>,
    /// In this study period.
    pub study_period_id: Option<i64>,
}

/// A page of marks after a `(date, id)` cursor for each student of a list: the marks and
/// whether more follow. One statement per distinct access in the list (in practice one), with
/// the page cut per student by a window function, and one for the control forms; so a class
/// roster asking for each student's last marks costs the same as one student.
pub async fn pages(
    db: &impl ConnectionTrait,
    group: &[Scoped],
    filter: &Filter,
    after: Option<(NaiveDate, i64)>,
    limit: u64,
) -> AppResult<HashMap<i64, (Vec<MarkView>, bool)>> {
    let mut by_student: HashMap<i64, Vec<mark::Model>> = HashMap::new();
    for (access, members) in by_access(group) {
        let mut query = mark::Entity::find()
            .filter(mark::Column::StudentId.is_in(members.iter().map(|m| m.student.id)))
            .filter(mark::Column::DeletedAt.is_null())
            .filter(access.subject_condition(mark::Column::SubjectId));
        if let Some(from) = filter.from {
            query = query.filter(mark::Column::Date.gte(from));
        }
        if let Some(to) = filter.to {
            query = query.filter(mark::Column::Date.lte(to));
        }
        if let Some(subject) = filter.subject_id {
            query = query.filter(mark::Column::SubjectId.eq(subject));
        }
        if let Some(period) = filter.study_period_id {
            query = query.filter(mark::Column::StudyPeriodId.eq(period));
        }
        if let Some((date, id)) = after {
            query = query.filter(
                Condition::any().add(mark::Column::Date.lt(date)).add(
                    Condition::all()
                        .add(mark::Column::Date.eq(date))
                        .add(mark::Column::Id.lt(id)),
                ),
            );
        }
        // Each student's rows numbered newest first; the outer query keeps one more than a
        // page, to tell whether another page follows.
        let mut ranked = query.into_query();
        ranked.expr_as(
            Expr::cust(
                r#"ROW_NUMBER() OVER (PARTITION BY "marks"."student_id" ORDER BY "marks"."date" DESC, "marks"."id" DESC)"#,
            ),
            Alias::new("page_row"),
        );
        let keep = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
        let outer = Query::select()
            .column(Asterisk)
            .from_subquery(ranked, Alias::new("ranked"))
            .and_where(Expr::col(Alias::new("page_row")).lte(keep))
            .order_by(Alias::new("date"), Order::Desc)
            .order_by(Alias::new("id"), Order::Desc)
            .to_owned();
        let rows = mark::Model::find_by_statement(db.get_database_backend().build(&outer))
            .all(db)
            .await?;
        for row in rows {
            by_student.entry(row.student_id).or_default().push(row);
        }
    }
    let form_ids: HashSet<i64> = by_student
        .values()
        .flatten()
        .filter_map(|m| m.control_form_id)
        .collect();
    let forms = if form_ids.is_empty() {
        HashMap::new()
    } else {
        by_id(
            control_form::Entity::find()
                .filter(control_form::Column::Id.is_in(form_ids))
                .all(db)
                .await?,
            |f| f.id,
        )
    };
    let page = usize::try_from(limit).unwrap_or(usize::MAX);
    Ok(group
        .iter()
        .map(|member| {
            let mut rows = by_student.remove(&member.student.id).unwrap_or_default();
            let has_next = rows.len() > page;
            rows.truncate(page);
            let views = rows
                .into_iter()
                .map(|m| MarkView {
                    control_form: m.control_form_id.and_then(|f| forms.get(&f).cloned()),
                    mark: m,
                })
                .collect();
            (member.student.id, (views, has_next))
        })
        .collect())
}
