//! A small world for authorization tests: two schools and one person in every role the policy
//! knows, each with a session. School 1 has class 5А (students A1 and A2, class teacher CT who
//! teaches Russian there, subject teacher TA who teaches Mathematics there) and class 6Б
//! (student B1, teacher TO who teaches Mathematics only there). Parent PA is A1's guardian,
//! parent PB is B1's; SA is student A1 signing in; DIR is school 1's director (an
//! administrator with a staff post); AD2 administers school 2; DA is the department
//! administrator. A1 has marks in both subjects, lessons, homework, an absence, a
//! remark, a final mark and an assessment; there is class news, a class forum thread and a
//! conversation between PA and CT.

use chrono::{NaiveDate, NaiveTime, Utc};
use dnevnik_entities as e;
use dnevnik_entities::enums::*;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

use crate::TestApp;

/// Every role of the matrix, in the order the matrix lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Who {
    /// No session.
    Anonymous,
    /// A1's parent.
    ParentOfA,
    /// B1's parent.
    ParentOfB,
    /// Student A1.
    StudentA,
    /// Teaches Mathematics in A1's class.
    TeacherOfA,
    /// Teaches Mathematics in another class only.
    TeacherOfOther,
    /// Leads A1's class (and teaches Russian there).
    ClassTeacherOfA,
    /// Director of the school (administers it, holds a staff post, teaches nothing).
    AdminOfSchool,
    /// Administrator of the other school.
    AdminOfOtherSchool,
    /// Department administrator.
    DepartmentAdmin,
}

impl Who {
    /// All roles.
    pub const ALL: [Who; 10] = [
        Who::Anonymous,
        Who::ParentOfA,
        Who::ParentOfB,
        Who::StudentA,
        Who::TeacherOfA,
        Who::TeacherOfOther,
        Who::ClassTeacherOfA,
        Who::AdminOfSchool,
        Who::AdminOfOtherSchool,
        Who::DepartmentAdmin,
    ];
}

/// Ids of everything in the world, and a token per role.
#[derive(Clone, Debug)]
pub struct World {
    pub school1: i64,
    pub school2: i64,
    pub year1: i64,
    pub quarter1: i64,
    pub class_a: i64,
    pub class_b: i64,
    pub math: i64,
    pub russian: i64,
    pub student_a1: i64,
    pub student_a2: i64,
    pub student_b1: i64,
    pub lesson_math_a: i64,
    pub lesson_russian_a: i64,
    pub lesson_math_b: i64,
    pub staff_ta: i64,
    pub staff_ct: i64,
    pub staff_to: i64,
    pub staff_director: i64,
    pub mark_math_a1: i64,
    pub mark_russian_a1: i64,
    pub mark_math_a2: i64,
    pub mark_math_b1: i64,
    pub homework_a: i64,
    pub news_class_a: i64,
    pub news_school2: i64,
    pub thread_class_a: i64,
    pub conversation_pa_ct: i64,
    pub tokens: Vec<(Who, String)>,
}

/// The day the world's lessons happen.
pub fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap_or(NaiveDate::MIN)
}

impl World {
    /// The token of a role (`None` for anonymous).
    pub fn token(&self, who: Who) -> Option<&str> {
        self.tokens
            .iter()
            .find(|(w, _)| *w == who)
            .map(|(_, t)| t.as_str())
    }

    /// Builds the world in the app's database and signs everyone in.
    pub async fn build(app: &TestApp) -> Result<Self, DbErr> {
        let db = &app.db;
        let now = Utc::now();
        let school1 = school(db, "Школа 1").await?;
        let school2 = school(db, "Школа 2").await?;
        let (year1, quarter1) = year(db, school1).await?;
        let (year2, _) = year(db, school2).await?;
        let math = subject(db, school1, "Математика").await?;
        let russian = subject(db, school1, "Русский язык").await?;

        let ct_account = account(db, "Классная Руководительница", true).await?;
        let ta_account = account(db, "Учитель Математики", true).await?;
        let to_account = account(db, "Учитель Другого Класса", true).await?;
        let ct = staff(db, school1, ct_account, "Классная").await?;
        let ta = staff(db, school1, ta_account, "Математикова").await?;
        let to = staff(db, school1, to_account, "Другова").await?;

        let class_a = class(db, school1, year1, 5, "А", Some(ct)).await?;
        let class_b = class(db, school1, year1, 6, "Б", None).await?;
        let _class_2 = class(db, school2, year2, 5, "А", None).await?;
        teach(db, school1, ta, class_a, math).await?;
        teach(db, school1, ct, class_a, russian).await?;
        teach(db, school1, to, class_b, math).await?;

        let sa_account = account(db, "Ученица А1", true).await?;
        let student_a1 = student(db, school1, class_a, "Первая", Some(sa_account)).await?;
        let student_a2 = student(db, school1, class_a, "Вторая", None).await?;
        let student_b1 = student(db, school1, class_b, "Третья", None).await?;

        let pa_account = account(db, "Родитель А", true).await?;
        let pb_account = account(db, "Родитель Б", true).await?;
        guardian(db, school1, pa_account, student_a1, "Дочка").await?;
        guardian(db, school1, pb_account, student_b1, "Сын").await?;

        let dir_account = account(db, "Директор Школы 1", true).await?;
        grant(db, dir_account, Role::Director, Some(school1)).await?;
        let director = staff(db, school1, dir_account, "Директорова").await?;
        let mut post: e::staff_member::ActiveModel = e::staff_member::Entity::find_by_id(director)
            .one(db)
            .await?
            .ok_or_else(|| DbErr::RecordNotFound("director".to_owned()))?
            .into();
        post.position = Set(StaffPosition::Director);
        post.update(db).await?;
        let ad2_account = account(db, "Администратор Школы 2", true).await?;
        grant(db, ad2_account, Role::SchoolAdmin, Some(school2)).await?;
        let da_account = account(db, "Департамент", true).await?;
        grant(db, da_account, Role::DepartmentAdmin, None).await?;

        let lesson_math_a = lesson(db, school1, class_a, math, ta, quarter1, 1).await?;
        let lesson_russian_a = lesson(db, school1, class_a, russian, ct, quarter1, 2).await?;
        let lesson_math_b = lesson(db, school1, class_b, math, to, quarter1, 1).await?;
        let mark_math_a1 = mark(
            db,
            school1,
            student_a1,
            math,
            lesson_math_a,
            quarter1,
            ta,
            5,
        )
        .await?;
        let mark_russian_a1 = mark(
            db,
            school1,
            student_a1,
            russian,
            lesson_russian_a,
            quarter1,
            ct,
            4,
        )
        .await?;
        let mark_math_a2 = mark(
            db,
            school1,
            student_a2,
            math,
            lesson_math_a,
            quarter1,
            ta,
            3,
        )
        .await?;
        let mark_math_b1 = mark(
            db,
            school1,
            student_b1,
            math,
            lesson_math_b,
            quarter1,
            to,
            2,
        )
        .await?;
        let homework_a = e::homework::ActiveModel {
            school_id: Set(school1),
            class_unit_id: Set(class_a),
            subject_id: Set(math),
            staff_member_id: Set(ta),
            lesson_id: Set(Some(lesson_math_a)),
            given_on: Set(day()),
            due_on: Set(day() + chrono::Duration::days(1)),
            text: Set("№ 1, 2, 3".to_owned()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?
        .id;
        e::attendance_record::ActiveModel {
            school_id: Set(school1),
            lesson_id: Set(lesson_russian_a),
            student_id: Set(student_a1),
            staff_member_id: Set(Some(ct)),
            date: Set(day()),
            status: Set(AttendanceStatus::Late),
            minutes_late: Set(Some(5)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        e::remark::ActiveModel {
            school_id: Set(school1),
            student_id: Set(student_a1),
            lesson_id: Set(Some(lesson_math_a)),
            staff_member_id: Set(ta),
            date: Set(day()),
            kind: Set(RemarkKind::Praise),
            text: Set("Отличная работа".to_owned()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        e::final_mark::ActiveModel {
            school_id: Set(school1),
            student_id: Set(student_a1),
            subject_id: Set(russian),
            study_period_id: Set(quarter1),
            staff_member_id: Set(Some(ct)),
            value: Set(FinalMarkValue::Four),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        e::external_assessment::ActiveModel {
            school_id: Set(school1),
            student_id: Set(student_a1),
            subject_id: Set(Some(math)),
            title: Set("Диагностика МЦКО".to_owned()),
            source: Set("МЦКО".to_owned()),
            held_on: Set(day()),
            score: Set(20),
            max_score: Set(25),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let news_class_a = news(db, Some(school1), Some(class_a), NewsScope::Class).await?;
        let news_school2 = news(db, Some(school2), None, NewsScope::School).await?;
        news(db, None, None, NewsScope::City).await?;
        let thread_class_a = e::forum_thread::ActiveModel {
            school_id: Set(school1),
            class_unit_id: Set(Some(class_a)),
            scope: Set(ForumScope::Class),
            addressed_to: Set(ForumAddressee::ClassTeacher),
            title: Set("Экскурсия".to_owned()),
            author_account_id: Set(Some(pa_account)),
            pinned: Set(false),
            locked: Set(false),
            last_post_at: Set(now),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?
        .id;
        e::forum_post::ActiveModel {
            school_id: Set(school1),
            thread_id: Set(thread_class_a),
            author_account_id: Set(Some(pa_account)),
            body: Set("Когда экскурсия?".to_owned()),
            hidden: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let conversation_pa_ct = e::conversation::ActiveModel {
            school_id: Set(school1),
            subject: Set("Вопрос".to_owned()),
            created_by_account_id: Set(Some(pa_account)),
            last_message_at: Set(now),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?
        .id;
        for participant in [pa_account, ct_account] {
            e::conversation_participant::ActiveModel {
                school_id: Set(school1),
                conversation_id: Set(conversation_pa_ct),
                account_id: Set(participant),
                last_read_at: Set(None),
                joined_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
        e::message::ActiveModel {
            school_id: Set(school1),
            conversation_id: Set(conversation_pa_ct),
            sender_account_id: Set(Some(pa_account)),
            body: Set("Здравствуйте!".to_owned()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;

        let mut tokens = Vec::new();
        for (who, account) in [
            (Who::ParentOfA, pa_account),
            (Who::ParentOfB, pb_account),
            (Who::StudentA, sa_account),
            (Who::TeacherOfA, ta_account),
            (Who::TeacherOfOther, to_account),
            (Who::ClassTeacherOfA, ct_account),
            (Who::AdminOfSchool, dir_account),
            (Who::AdminOfOtherSchool, ad2_account),
            (Who::DepartmentAdmin, da_account),
        ] {
            tokens.push((who, app.session_for(account).await));
        }
        Ok(Self {
            school1,
            school2,
            year1,
            quarter1,
            class_a,
            class_b,
            math,
            russian,
            student_a1,
            student_a2,
            student_b1,
            lesson_math_a,
            lesson_russian_a,
            lesson_math_b,
            staff_ta: ta,
            staff_ct: ct,
            staff_to: to,
            staff_director: director,
            mark_math_a1,
            mark_russian_a1,
            mark_math_a2,
            mark_math_b1,
            homework_a,
            news_class_a,
            news_school2,
            thread_class_a,
            conversation_pa_ct,
            tokens,
        })
    }
}

async fn school(db: &impl ConnectionTrait, name: &str) -> Result<i64, DbErr> {
    let now = Utc::now();
    Ok(e::school::ActiveModel {
        name: Set(name.to_owned()),
        short_name: Set(name.to_owned()),
        city: Set("Москва".to_owned()),
        timezone: Set("Europe/Moscow".to_owned()),
        rounding_threshold: Set(50),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

async fn year(db: &impl ConnectionTrait, school: i64) -> Result<(i64, i64), DbErr> {
    let now = Utc::now();
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN);
    let year = e::academic_year::ActiveModel {
        school_id: Set(school),
        name: Set("2026/2027".to_owned()),
        starts_on: Set(date(2026, 9, 1)),
        ends_on: Set(date(2027, 5, 31)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let quarter = e::study_period::ActiveModel {
        school_id: Set(school),
        academic_year_id: Set(year.id),
        kind: Set(StudyPeriodKind::Quarter),
        number: Set(2),
        name: Set("2 четверть".to_owned()),
        starts_on: Set(date(2026, 11, 5)),
        ends_on: Set(date(2026, 12, 27)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((year.id, quarter.id))
}

async fn subject(db: &impl ConnectionTrait, school: i64, name: &str) -> Result<i64, DbErr> {
    let now = Utc::now();
    Ok(e::subject::ActiveModel {
        school_id: Set(school),
        name: Set(name.to_owned()),
        short_name: Set(name.chars().take(5).collect()),
        sort_order: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

async fn account(db: &impl ConnectionTrait, name: &str, confirmed: bool) -> Result<i64, DbErr> {
    let now = Utc::now();
    Ok(e::account::ActiveModel {
        display_name: Set(name.to_owned()),
        status: Set(AccountStatus::Active),
        confirmed: Set(confirmed),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

async fn staff(
    db: &impl ConnectionTrait,
    school: i64,
    account: i64,
    last_name: &str,
) -> Result<i64, DbErr> {
    let now = Utc::now();
    Ok(e::staff_member::ActiveModel {
        school_id: Set(school),
        account_id: Set(Some(account)),
        last_name: Set(last_name.to_owned()),
        first_name: Set("Анна".to_owned()),
        middle_name: Set(Some("Ивановна".to_owned())),
        position: Set(StaffPosition::Teacher),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

async fn class(
    db: &impl ConnectionTrait,
    school: i64,
    year: i64,
    grade: i16,
    letter: &str,
    teacher: Option<i64>,
) -> Result<i64, DbErr> {
    let now = Utc::now();
    Ok(e::class_unit::ActiveModel {
        school_id: Set(school),
        academic_year_id: Set(year),
        grade: Set(grade),
        letter: Set(letter.to_owned()),
        name: Set(format!("{grade}{letter}")),
        class_teacher_id: Set(teacher),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

async fn teach(
    db: &impl ConnectionTrait,
    school: i64,
    staff: i64,
    class: i64,
    subject: i64,
) -> Result<(), DbErr> {
    let now = Utc::now();
    e::teaching_assignment::ActiveModel {
        school_id: Set(school),
        staff_member_id: Set(staff),
        class_unit_id: Set(class),
        subject_id: Set(subject),
        hours_per_week: Set(4),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

async fn student(
    db: &impl ConnectionTrait,
    school: i64,
    class: i64,
    last_name: &str,
    account: Option<i64>,
) -> Result<i64, DbErr> {
    let now = Utc::now();
    Ok(e::student::ActiveModel {
        school_id: Set(school),
        class_unit_id: Set(class),
        account_id: Set(account),
        last_name: Set(last_name.to_owned()),
        first_name: Set("Мария".to_owned()),
        middle_name: Set(Some("Петровна".to_owned())),
        birth_date: Set(NaiveDate::from_ymd_opt(2015, 5, 5).unwrap_or(NaiveDate::MIN)),
        enrolled_on: Set(NaiveDate::from_ymd_opt(2026, 9, 1).unwrap_or(NaiveDate::MIN)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

async fn guardian(
    db: &impl ConnectionTrait,
    school: i64,
    account: i64,
    student: i64,
    label: &str,
) -> Result<(), DbErr> {
    e::guardianship::ActiveModel {
        school_id: Set(school),
        account_id: Set(account),
        student_id: Set(student),
        label: Set(label.to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

async fn grant(
    db: &impl ConnectionTrait,
    account: i64,
    role: Role,
    school: Option<i64>,
) -> Result<(), DbErr> {
    e::role_grant::ActiveModel {
        account_id: Set(account),
        role: Set(role),
        school_id: Set(school),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

async fn lesson(
    db: &impl ConnectionTrait,
    school: i64,
    class: i64,
    subject: i64,
    staff: i64,
    period: i64,
    number: i16,
) -> Result<i64, DbErr> {
    let now = Utc::now();
    Ok(e::lesson::ActiveModel {
        school_id: Set(school),
        class_unit_id: Set(class),
        subject_id: Set(subject),
        staff_member_id: Set(staff),
        study_period_id: Set(period),
        date: Set(day()),
        lesson_number: Set(number),
        starts_at: Set(NaiveTime::from_hms_opt(8, 30, 0)),
        topic: Set(Some("Тема".to_owned())),
        status: Set(LessonStatus::Held),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

#[expect(
    clippy::too_many_arguments,
    reason = "a fixture row with every reference"
)]
async fn mark(
    db: &impl ConnectionTrait,
    school: i64,
    student: i64,
    subject: i64,
    lesson: i64,
    period: i64,
    staff: i64,
    value: i16,
) -> Result<i64, DbErr> {
    let now = Utc::now();
    Ok(e::mark::ActiveModel {
        school_id: Set(school),
        student_id: Set(student),
        subject_id: Set(subject),
        lesson_id: Set(Some(lesson)),
        study_period_id: Set(period),
        staff_member_id: Set(staff),
        date: Set(day()),
        value: Set(value),
        weight: Set(1),
        is_exam: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

async fn news(
    db: &impl ConnectionTrait,
    school: Option<i64>,
    class: Option<i64>,
    scope: NewsScope,
) -> Result<i64, DbErr> {
    let now = Utc::now() - chrono::Duration::hours(1);
    Ok(e::news_item::ActiveModel {
        school_id: Set(school),
        class_unit_id: Set(class),
        scope: Set(scope),
        kind: Set(NewsKind::Organisation),
        title: Set(format!("Новость {scope:?}")),
        body: Set("Текст".to_owned()),
        published_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}
