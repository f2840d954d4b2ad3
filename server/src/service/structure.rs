//! Reading school structure: years, periods, classes, subjects, staff, rosters and class
//! lessons. Callers have asked the policy first; these only read.

use chrono::NaiveDate;
use dnevnik_entities::{
    academic_year, class_unit, lesson, school, staff_member, student, study_period, subject,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::error::AppResult;

/// A school by id.
pub async fn school(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<school::Model>> {
    Ok(school::Entity::find_by_id(id).one(db).await?)
}

/// A staff member by id.
pub async fn staff_member(
    db: &impl ConnectionTrait,
    id: i64,
) -> AppResult<Option<staff_member::Model>> {
    Ok(staff_member::Entity::find_by_id(id).one(db).await?)
}

/// A school's academic years, newest first.
pub async fn academic_years(
    db: &impl ConnectionTrait,
    school_id: i64,
) -> AppResult<Vec<academic_year::Model>> {
    Ok(academic_year::Entity::find()
        .filter(academic_year::Column::SchoolId.eq(school_id))
        .order_by_desc(academic_year::Column::StartsOn)
        .all(db)
        .await?)
}

/// A year's study periods in order, the year itself last.
pub async fn study_periods(
    db: &impl ConnectionTrait,
    academic_year_id: i64,
) -> AppResult<Vec<study_period::Model>> {
    let mut periods = study_period::Entity::find()
        .filter(study_period::Column::AcademicYearId.eq(academic_year_id))
        .order_by_asc(study_period::Column::StartsOn)
        .all(db)
        .await?;
    periods.sort_by_key(|p| {
        (
            p.kind == dnevnik_entities::enums::StudyPeriodKind::Year,
            p.starts_on,
            p.id,
        )
    });
    Ok(periods)
}

/// A school's classes by grade and letter.
pub async fn class_units(
    db: &impl ConnectionTrait,
    school_id: i64,
) -> AppResult<Vec<class_unit::Model>> {
    Ok(class_unit::Entity::find()
        .filter(class_unit::Column::SchoolId.eq(school_id))
        .order_by_asc(class_unit::Column::Grade)
        .order_by_asc(class_unit::Column::Letter)
        .all(db)
        .await?)
}

/// A school's subjects in timetable order.
pub async fn subjects(db: &impl ConnectionTrait, school_id: i64) -> AppResult<Vec<subject::Model>> {
    Ok(subject::Entity::find()
        .filter(subject::Column::SchoolId.eq(school_id))
        .order_by_asc(subject::Column::SortOrder)
        .order_by_asc(subject::Column::Name)
        .all(db)
        .await?)
}

/// A school's active control forms in its order.
pub async fn control_forms(
    db: &impl ConnectionTrait,
    school_id: i64,
) -> AppResult<Vec<dnevnik_entities::control_form::Model>> {
    use dnevnik_entities::control_form;
    Ok(control_form::Entity::find()
        .filter(control_form::Column::SchoolId.eq(school_id))
        .filter(control_form::Column::Active.eq(true))
        .order_by_asc(control_form::Column::SortOrder)
        .order_by_asc(control_form::Column::Name)
        .all(db)
        .await?)
}

/// A school's active staff by surname.
pub async fn staff(
    db: &impl ConnectionTrait,
    school_id: i64,
) -> AppResult<Vec<staff_member::Model>> {
    Ok(staff_member::Entity::find()
        .filter(staff_member::Column::SchoolId.eq(school_id))
        .filter(staff_member::Column::Active.eq(true))
        .order_by_asc(staff_member::Column::LastName)
        .order_by_asc(staff_member::Column::FirstName)
        .all(db)
        .await?)
}

/// A class's current students by surname.
pub async fn students_of_class(
    db: &impl ConnectionTrait,
    class_unit_id: i64,
) -> AppResult<Vec<student::Model>> {
    Ok(student::Entity::find()
        .filter(student::Column::ClassUnitId.eq(class_unit_id))
        .filter(student::Column::LeftOn.is_null())
        .order_by_asc(student::Column::LastName)
        .order_by_asc(student::Column::FirstName)
        .order_by_asc(student::Column::Id)
        .all(db)
        .await?)
}

/// A class's lessons in a date range, in order.
pub async fn class_lessons(
    db: &impl ConnectionTrait,
    class_unit_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<lesson::Model>> {
    Ok(lesson::Entity::find()
        .filter(lesson::Column::ClassUnitId.eq(class_unit_id))
        .filter(lesson::Column::Date.between(from, to))
        .order_by_asc(lesson::Column::Date)
        .order_by_asc(lesson::Column::LessonNumber)
        .all(db)
        .await?)
}

/// Lessons taught by staff members in a date range (their own or as a replacement).
pub async fn teacher_lessons(
    db: &impl ConnectionTrait,
    staff_ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<lesson::Model>> {
    Ok(lesson::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(lesson::Column::StaffMemberId.is_in(staff_ids.iter().copied()))
                .add(lesson::Column::ReplacementStaffId.is_in(staff_ids.iter().copied())),
        )
        .filter(lesson::Column::Date.between(from, to))
        .order_by_asc(lesson::Column::Date)
        .order_by_asc(lesson::Column::LessonNumber)
        .all(db)
        .await?)
}

/// Students by id, in the order of the ids given.
pub async fn students(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<Vec<student::Model>> {
    let mut rows = student::Entity::find()
        .filter(student::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    rows.sort_by_key(|s| ids.iter().position(|id| *id == s.id));
    Ok(rows)
}

/// A class by id.
pub async fn class_unit(
    db: &impl ConnectionTrait,
    id: i64,
) -> AppResult<Option<class_unit::Model>> {
    Ok(class_unit::Entity::find_by_id(id).one(db).await?)
}
