//! The school's register as its administrators read it: the schools they administer, a search
//! for students by name, a student's card, the classes with how many students have no sign-in
//! yet, and what an envelope prints about its student. Each asks the policy itself.

use std::collections::HashMap;

use dnevnik_entities::{class_unit, school, student};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::error::{AppError, AppResult};
use crate::policy::{Permission, Viewer};

/// At most this many students answer a search.
const SEARCH_LIMIT: u64 = 50;

/// The schools the viewer administers, by id.
pub async fn administered_schools(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
) -> AppResult<Vec<school::Model>> {
    let schools = school::Entity::find()
        .order_by_asc(school::Column::Id)
        .all(db)
        .await?;
    Ok(schools
        .into_iter()
        .filter(|s| viewer.administers_school(s.id))
        .collect())
}

/// A student with the name of their class.
#[derive(Clone, Debug)]
pub struct StudentInClass {
    /// The student.
    pub student: student::Model,
    /// Their class's name ("5А"), empty if the class is gone.
    pub class_name: String,
}

/// Students of a school whose surname or first name starts with `text`, by surname; at most
/// 50. An empty text finds nobody (the register is not listed whole).
pub async fn search_students(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    school_id: i64,
    text: &str,
) -> AppResult<Vec<StudentInClass>> {
    viewer.authorize(Permission::OpenSchoolRecord { school_id })?;
    let text = text.trim().replace(['%', '_'], "");
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let pattern = format!("{text}%");
    let found = student::Entity::find()
        .filter(student::Column::SchoolId.eq(school_id))
        .filter(
            Condition::any()
                .add(student::Column::LastName.like(&pattern))
                .add(student::Column::FirstName.like(&pattern)),
        )
        .order_by_asc(student::Column::LastName)
        .order_by_asc(student::Column::Id)
        .limit(SEARCH_LIMIT)
        .find_also_related(class_unit::Entity)
        .all(db)
        .await?;
    Ok(found
        .into_iter()
        .map(|(student, class)| StudentInClass {
            student,
            class_name: class.map(|c| c.name).unwrap_or_default(),
        })
        .collect())
}

/// A student of a school the viewer administers, with their class; another school's is "not
/// found".
pub async fn student(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> AppResult<StudentInClass> {
    let student = student::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    viewer.authorize(Permission::OpenSchoolRecord {
        school_id: student.school_id,
    })?;
    let class_name = class_unit::Entity::find_by_id(student.class_unit_id)
        .one(db)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    Ok(StudentInClass {
        student,
        class_name,
    })
}

/// What an envelope prints besides the code: the student, their class and their school.
#[derive(Clone, Debug)]
pub struct EnvelopeSubject {
    /// The student and their class.
    pub student: StudentInClass,
    /// The school's full name.
    pub school_name: String,
}

/// The envelope's subject for a student the viewer administers.
pub async fn envelope_subject(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    student_id: i64,
) -> AppResult<EnvelopeSubject> {
    let student = student(db, viewer, student_id).await?;
    let school_name = school::Entity::find_by_id(student.student.school_id)
        .one(db)
        .await?
        .map(|s| s.name)
        .unwrap_or_default();
    Ok(EnvelopeSubject {
        student,
        school_name,
    })
}

/// A class of the register with its counts.
#[derive(Clone, Debug)]
pub struct ClassCounts {
    /// The class.
    pub class: class_unit::Model,
    /// Students in it now.
    pub students: u64,
    /// Of them, those without a sign-in of their own (who need a student envelope).
    pub without_sign_in: u64,
}

/// The classes of a school with their counts, in the school's order.
pub async fn classes(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    school_id: i64,
) -> AppResult<Vec<ClassCounts>> {
    viewer.authorize(Permission::OpenSchoolRecord { school_id })?;
    let list = super::structure::class_units(db, school_id).await?;
    // One statement counts both: every current student, and those without an account.
    let rows: Vec<(i64, bool, i64)> = student::Entity::find()
        .select_only()
        .column(student::Column::ClassUnitId)
        .column_as(student::Column::AccountId.is_null(), "unlinked")
        .column_as(student::Column::Id.count(), "n")
        .filter(student::Column::SchoolId.eq(school_id))
        .filter(student::Column::LeftOn.is_null())
        .group_by(student::Column::ClassUnitId)
        .group_by(student::Column::AccountId.is_null())
        .into_tuple()
        .all(db)
        .await?;
    let mut counts: HashMap<i64, (u64, u64)> = HashMap::new();
    for (class, unlinked, n) in rows {
        let n = u64::try_from(n).unwrap_or(0);
        let entry = counts.entry(class).or_default();
        entry.0 += n;
        if unlinked {
            entry.1 += n;
        }
    }
    Ok(list
        .into_iter()
        .map(|class| {
            let (students, without_sign_in) = counts.get(&class.id).copied().unwrap_or_default();
            ClassCounts {
                class,
                students,
                without_sign_in,
            }
        })
        .collect())
}

/// The name of a class of a school the viewer administers.
pub async fn class_name(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    class_unit_id: i64,
) -> AppResult<String> {
    let class = class_unit::Entity::find_by_id(class_unit_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    viewer.authorize(Permission::OpenSchoolRecord {
        school_id: class.school_id,
    })?;
    Ok(class.name)
}
