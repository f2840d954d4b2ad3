//! Reading students' records outside the diary grid: attendance, homework lists, external
//! assessments (each for a whole list of students at once), and the current academic year.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use dnevnik_entities::{academic_year, attendance_record, external_assessment, homework, lesson};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait,
};

use super::diary::Scoped;
use crate::error::{AppError, AppResult};
use crate::policy::Access;

/// The members of a list by the access they came with. Each function below runs one query per
/// distinct access (in practice one, two for a teacher who is also a parent in the list), so a
/// class roster costs the same as one student.
pub(crate) fn by_access(group: &[Scoped]) -> Vec<(&Access, Vec<&Scoped>)> {
    let mut parts: Vec<(&Access, Vec<&Scoped>)> = Vec::new();
    for member in group {
        match parts
            .iter_mut()
            .find(|(access, _)| **access == member.access)
        {
            Some((_, members)) => members.push(member),
            None => parts.push((&member.access, vec![member])),
        }
    }
    parts
}

/// Absences and lateness in a range, oldest first, within the viewer's subjects, for each
/// student of a list.
pub async fn attendance(
    db: &impl ConnectionTrait,
    group: &[Scoped],
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<HashMap<i64, Vec<attendance_record::Model>>> {
    let mut found: HashMap<i64, Vec<attendance_record::Model>> = HashMap::new();
    for (access, members) in by_access(group) {
        let rows = attendance_record::Entity::find()
            .join(
                JoinType::InnerJoin,
                attendance_record::Relation::Lesson.def(),
            )
            .filter(
                attendance_record::Column::StudentId.is_in(members.iter().map(|m| m.student.id)),
            )
            .filter(attendance_record::Column::Date.between(from, to))
            .filter(access.subject_condition(lesson::Column::SubjectId))
            .order_by_asc(attendance_record::Column::Date)
            .order_by_asc(attendance_record::Column::Id)
            .all(db)
            .await?;
        for row in rows {
            found.entry(row.student_id).or_default().push(row);
        }
    }
    Ok(found)
}

/// Homework of each student's class due in a range, by due date, for each student of a list.
pub async fn homework(
    db: &impl ConnectionTrait,
    group: &[Scoped],
    from: NaiveDate,
    to: NaiveDate,
    subject_id: Option<i64>,
) -> AppResult<HashMap<i64, Vec<homework::Model>>> {
    let mut found: HashMap<i64, Vec<homework::Model>> = HashMap::new();
    for (access, members) in by_access(group) {
        let classes: BTreeSet<i64> = members.iter().map(|m| m.student.class_unit_id).collect();
        let mut query = homework::Entity::find()
            .filter(homework::Column::ClassUnitId.is_in(classes))
            .filter(homework::Column::DueOn.between(from, to))
            .filter(access.subject_condition(homework::Column::SubjectId));
        if let Some(subject) = subject_id {
            query = query.filter(homework::Column::SubjectId.eq(subject));
        }
        let rows = query
            .order_by_asc(homework::Column::DueOn)
            .order_by_asc(homework::Column::Id)
            .all(db)
            .await?;
        for member in members {
            let of_class = rows
                .iter()
                .filter(|h| h.class_unit_id == member.student.class_unit_id)
                .cloned()
                .collect();
            found.insert(member.student.id, of_class);
        }
    }
    Ok(found)
}

/// External assessment results, newest first, within the viewer's subjects, for each student
/// of a list.
pub async fn external_assessments(
    db: &impl ConnectionTrait,
    group: &[Scoped],
) -> AppResult<HashMap<i64, Vec<external_assessment::Model>>> {
    let mut found: HashMap<i64, Vec<external_assessment::Model>> = HashMap::new();
    for (access, members) in by_access(group) {
        let subjects = access.subject_condition(external_assessment::Column::SubjectId);
        let rows = external_assessment::Entity::find()
            .filter(
                external_assessment::Column::StudentId.is_in(members.iter().map(|m| m.student.id)),
            )
            .filter(subjects)
            .order_by_desc(external_assessment::Column::HeldOn)
            .order_by_desc(external_assessment::Column::Id)
            .all(db)
            .await?;
        for row in rows {
            found.entry(row.student_id).or_default().push(row);
        }
    }
    Ok(found)
}

/// The school's academic year containing today, or its latest.
pub async fn current_academic_year(
    db: &impl ConnectionTrait,
    clock: &crate::clock::Clock,
    school_id: i64,
) -> AppResult<Option<i64>> {
    let today = clock.today_at(db, school_id).await?;
    let years = academic_year::Entity::find()
        .filter(academic_year::Column::SchoolId.eq(school_id))
        .order_by_desc(academic_year::Column::StartsOn)
        .all(db)
        .await?;
    Ok(years
        .iter()
        .find(|y| y.starts_on <= today && today <= y.ends_on)
        .or_else(|| years.first())
        .map(|y| y.id))
}

/// `NOT_FOUND` unless the academic year belongs to the school.
pub async fn check_year_in_school(
    db: &impl ConnectionTrait,
    academic_year_id: i64,
    school_id: i64,
) -> AppResult<()> {
    academic_year::Entity::find_by_id(academic_year_id)
        .filter(academic_year::Column::SchoolId.eq(school_id))
        .one(db)
        .await?
        .map(|_| ())
        .ok_or(AppError::NotFound)
}
