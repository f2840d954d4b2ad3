//! Reading marks: students' marks page by page, newest first, within the viewer's access.

use std::collections::HashMap;

use chrono::NaiveDate;
use dnevnik_entities::mark;
use sea_orm::sea_query::Order;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};

use super::diary::{MarkView, Scoped, control_forms_of};
use super::pages::first_of_each;
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
/// the page cut per student ([`first_of_each`]), and one for the control forms; so a class
/// roster asking for each student's last marks costs the same as one student.
pub async fn pages(
    db: &impl ConnectionTrait,
    group: &[Scoped],
    filter: &Filter,
    after: Option<(NaiveDate, i64)>,
    limit: u64,
) -> AppResult<HashMap<i64, (Vec<MarkView>, bool)>> {
    let mut by_student: HashMap<i64, (Vec<mark::Model>, bool)> = HashMap::new();
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
        let found = first_of_each(
            db,
            query,
            mark::Column::StudentId,
            &[("date", Order::Desc), ("id", Order::Desc)],
            limit,
            |m| m.student_id,
        )
        .await?;
        by_student.extend(found);
    }
    let forms = control_forms_of(db, by_student.values().flat_map(|(rows, _)| rows)).await?;
    Ok(group
        .iter()
        .map(|member| {
            let (rows, has_next) = by_student.remove(&member.student.id).unwrap_or_default();
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
