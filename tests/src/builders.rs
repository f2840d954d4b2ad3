//! Fixture builders: the smallest honest school a test needs (a year with a quarter, a class, a
//! subject, a teacher, a student), written through the entities so that every constraint of the
//! schema applies to fixtures too.

use chrono::{NaiveDate, Utc};
use dnevnik_entities as e;
use dnevnik_entities::enums::{LessonStatus, StaffPosition, StudyPeriodKind};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr};

/// A school with one of everything.
#[derive(Clone, Debug)]
pub struct SchoolFixture {
    pub school_id: i64,
    pub academic_year_id: i64,
    pub period_id: i64,
    pub class_unit_id: i64,
    pub subject_id: i64,
    pub teacher_id: i64,
    pub student_id: i64,
}

/// A date in the fixture's quarter.
pub fn fixture_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap_or(NaiveDate::MIN)
}

impl SchoolFixture {
    /// Creates the school; `name` keeps several schools in one test apart.
    pub async fn create(db: &impl ConnectionTrait, name: &str) -> Result<Self, DbErr> {
        let now = Utc::now();
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap_or(NaiveDate::MIN);
        let school = e::school::ActiveModel {
            name: Set(format!("Школа {name}")),
            short_name: Set(name.to_owned()),
            city: Set("Москва".to_owned()),
            timezone: Set("Europe/Moscow".to_owned()),
            rounding_threshold: Set(50),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let year = e::academic_year::ActiveModel {
            school_id: Set(school.id),
            name: Set("2026/2027".to_owned()),
            starts_on: Set(day(9, 1)),
            ends_on: Set(NaiveDate::from_ymd_opt(2027, 5, 31).unwrap_or(NaiveDate::MAX)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let period = e::study_period::ActiveModel {
            school_id: Set(school.id),
            academic_year_id: Set(year.id),
            kind: Set(StudyPeriodKind::Quarter),
            number: Set(2),
            name: Set("2 четверть".to_owned()),
            starts_on: Set(day(11, 5)),
            ends_on: Set(day(12, 27)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let subject = e::subject::ActiveModel {
            school_id: Set(school.id),
            name: Set("Математика".to_owned()),
            short_name: Set("Матем.".to_owned()),
            sort_order: Set(0),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let teacher = e::staff_member::ActiveModel {
            school_id: Set(school.id),
            last_name: Set("Учителева".to_owned()),
            first_name: Set("Мария".to_owned()),
            middle_name: Set(Some("Ивановна".to_owned())),
            position: Set(StaffPosition::Teacher),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let class = e::class_unit::ActiveModel {
            school_id: Set(school.id),
            academic_year_id: Set(year.id),
            grade: Set(5),
            letter: Set("А".to_owned()),
            name: Set("5А".to_owned()),
            class_teacher_id: Set(Some(teacher.id)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let student = e::student::ActiveModel {
            school_id: Set(school.id),
            class_unit_id: Set(class.id),
            last_name: Set("Ученикова".to_owned()),
            first_name: Set("Анна".to_owned()),
            middle_name: Set(None),
            birth_date: Set(NaiveDate::from_ymd_opt(2015, 3, 14).unwrap_or(NaiveDate::MIN)),
            enrolled_on: Set(day(9, 1)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        Ok(Self {
            school_id: school.id,
            academic_year_id: year.id,
            period_id: period.id,
            class_unit_id: class.id,
            subject_id: subject.id,
            teacher_id: teacher.id,
            student_id: student.id,
        })
    }

    /// A held lesson of the fixture's class and subject.
    pub async fn lesson(&self, db: &impl ConnectionTrait, number: i16) -> Result<i64, DbErr> {
        let now = Utc::now();
        let lesson = e::lesson::ActiveModel {
            school_id: Set(self.school_id),
            class_unit_id: Set(self.class_unit_id),
            subject_id: Set(self.subject_id),
            staff_member_id: Set(self.teacher_id),
            study_period_id: Set(self.period_id),
            date: Set(fixture_date()),
            lesson_number: Set(number),
            status: Set(LessonStatus::Held),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        Ok(lesson.id)
    }

    /// A mark of the fixture's student, not yet saved.
    pub fn mark(&self, value: i16, weight: i16) -> e::mark::ActiveModel {
        let now = Utc::now();
        e::mark::ActiveModel {
            school_id: Set(self.school_id),
            student_id: Set(self.student_id),
            subject_id: Set(self.subject_id),
            study_period_id: Set(self.period_id),
            staff_member_id: Set(self.teacher_id),
            date: Set(fixture_date()),
            value: Set(value),
            weight: Set(weight),
            is_exam: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
    }
}
