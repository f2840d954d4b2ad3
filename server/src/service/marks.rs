//! Reading marks: one student's marks page by page, newest first, within the viewer's access.

use std::collections::HashSet;

use chrono::NaiveDate;
use dnevnik_entities::{control_form, mark};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::diary::{MarkView, Scoped, by_id};
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

/// A page of marks after a `(date, id)` cursor; returns the marks and whether more follow.
pub async fn page(
    db: &impl ConnectionTrait,
    student: &Scoped,
    filter: &Filter,
    after: Option<(NaiveDate, i64)>,
    limit: u64,
) -> AppResult<(Vec<MarkView>, bool)> {
    let mut query = mark::Entity::find()
        .filter(mark::Column::StudentId.eq(student.student.id))
        .filter(mark::Column::DeletedAt.is_null())
        .filter(student.access.subject_condition(mark::Column::SubjectId));
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
    let mut rows = query
        .order_by_desc(mark::Column::Date)
        .order_by_desc(mark::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let has_next = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let form_ids: HashSet<i64> = rows.iter().filter_map(|m| m.control_form_id).collect();
    let forms = by_id(
        control_form::Entity::find()
            .filter(control_form::Column::Id.is_in(form_ids))
            .all(db)
            .await?,
        |f| f.id,
    );
    let views = rows
        .into_iter()
        .map(|m| MarkView {
            control_form: m.control_form_id.and_then(|f| forms.get(&f).cloned()),
            mark: m,
        })
        .collect();
    Ok((views, has_next))
}
