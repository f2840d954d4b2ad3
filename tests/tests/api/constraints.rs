//! The schema itself keeps data honest: out-of-range marks, unknown enum values, orphan rows
//! and inconsistent attendance are refused by the database, whatever the application does.
//! Each refusal must come from the constraint under test — named in the engine's error — and
//! the same row without the fault must be stored, so that no case passes because the row
//! failed for another reason.

use dnevnik_tests::TestApp;
use dnevnik_tests::builders::SchoolFixture;
use dnevnik_tests::sql::{Constraint, assert_refused_by};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait, PaginatorTrait};

const MARK_VALUE: Constraint = Constraint::Check {
    table: "marks",
    name: "value",
};
const MARK_WEIGHT: Constraint = Constraint::Check {
    table: "marks",
    name: "weight",
};

#[tokio::test]
async fn a_mark_on_the_scale_is_accepted() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let school = SchoolFixture::create(&app.db, "A").await?;
    school.mark(5, 3).insert(&app.db).await?;
    school.mark(1, 1).insert(&app.db).await?;
    assert_eq!(
        dnevnik_entities::mark::Entity::find()
            .count(&app.db)
            .await?,
        2
    );
    Ok(())
}

#[tokio::test]
async fn a_mark_out_of_range_is_refused() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let postgres = app.database.is_postgres();
    let school = SchoolFixture::create(&app.db, "A").await?;
    for value in [0, 6, -1] {
        assert_refused_by(
            school.mark(value, 1).insert(&app.db).await,
            MARK_VALUE,
            postgres,
            &format!("value {value}"),
        );
    }
    for weight in [0, 11] {
        assert_refused_by(
            school.mark(4, weight).insert(&app.db).await,
            MARK_WEIGHT,
            postgres,
            &format!("weight {weight}"),
        );
    }
    assert_eq!(
        dnevnik_entities::mark::Entity::find()
            .count(&app.db)
            .await?,
        0
    );
    // The same marks on the scale are stored: only the value or the weight was wrong.
    school.mark(4, 1).insert(&app.db).await?;
    school.mark(4, 10).insert(&app.db).await?;
    Ok(())
}

#[tokio::test]
async fn an_orphan_mark_is_refused() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let postgres = app.database.is_postgres();
    let school = SchoolFixture::create(&app.db, "A").await?;
    let lesson = school.lesson(&app.db, 1).await?;
    let mut orphan = school.mark(4, 1);
    orphan.student_id = Set(school.student_id + 1000);
    assert_refused_by(
        orphan.insert(&app.db).await,
        Constraint::ForeignKey {
            table: "marks",
            column: "student_id",
        },
        postgres,
        "a mark of a student who does not exist",
    );
    let mut orphan = school.mark(4, 1);
    orphan.lesson_id = Set(Some(424_242));
    assert_refused_by(
        orphan.insert(&app.db).await,
        Constraint::ForeignKey {
            table: "marks",
            column: "lesson_id",
        },
        postgres,
        "a mark at a lesson that does not exist",
    );
    // The same mark with a real student and lesson is stored: only the reference was wrong
    // (SQLite does not name the foreign key that failed; this shows it was that one).
    let mut kept = school.mark(4, 1);
    kept.lesson_id = Set(Some(lesson));
    kept.insert(&app.db).await?;
    Ok(())
}

#[tokio::test]
async fn an_unknown_enum_value_is_refused() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let school = SchoolFixture::create(&app.db, "A").await?;
    let lesson = school.lesson(&app.db, 1).await?;
    let result = app
        .db
        .execute_unprepared(&format!(
            "UPDATE lessons SET status = 'postponed' WHERE id = {lesson}"
        ))
        .await;
    assert_refused_by(
        result,
        Constraint::Check {
            table: "lessons",
            name: "status",
        },
        app.database.is_postgres(),
        "an unknown lesson status",
    );
    // A known status goes through the same statement.
    let known = app
        .db
        .execute_unprepared(&format!(
            "UPDATE lessons SET status = 'cancelled' WHERE id = {lesson}"
        ))
        .await?;
    assert_eq!(known.rows_affected(), 1);
    Ok(())
}

#[tokio::test]
async fn lateness_minutes_need_a_late_status() -> anyhow::Result<()> {
    use dnevnik_entities::attendance_record;
    use dnevnik_entities::enums::AttendanceStatus;
    let app = TestApp::spawn().await;
    let postgres = app.database.is_postgres();
    let school = SchoolFixture::create(&app.db, "A").await?;
    let lesson = school.lesson(&app.db, 1).await?;
    let now = chrono::Utc::now();
    let record = |status, minutes| attendance_record::ActiveModel {
        school_id: Set(school.school_id),
        lesson_id: Set(lesson),
        student_id: Set(school.student_id),
        date: Set(dnevnik_tests::builders::fixture_date()),
        status: Set(status),
        minutes_late: Set(minutes),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let minutes_late = Constraint::Check {
        table: "attendance_records",
        name: "minutes_late",
    };
    assert_refused_by(
        record(AttendanceStatus::Absent, Some(10))
            .insert(&app.db)
            .await,
        minutes_late,
        postgres,
        "minutes for an absence",
    );
    assert_refused_by(
        record(AttendanceStatus::Late, Some(500))
            .insert(&app.db)
            .await,
        minutes_late,
        postgres,
        "lateness of 500 minutes",
    );
    record(AttendanceStatus::Late, Some(10))
        .insert(&app.db)
        .await?;
    // One record per student and lesson.
    assert_refused_by(
        record(AttendanceStatus::Absent, None).insert(&app.db).await,
        Constraint::Unique {
            table: "attendance_records",
            columns: &["lesson_id", "student_id"],
        },
        postgres,
        "a second record for the student at the lesson",
    );
    // At another lesson the same absence is stored.
    let mut elsewhere = record(AttendanceStatus::Absent, None);
    elsewhere.lesson_id = Set(school.lesson(&app.db, 2).await?);
    elsewhere.insert(&app.db).await?;
    Ok(())
}

#[tokio::test]
async fn a_class_grade_outside_one_to_eleven_is_refused() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let school = SchoolFixture::create(&app.db, "A").await?;
    let now = chrono::Utc::now();
    let class = |grade: i16| dnevnik_entities::class_unit::ActiveModel {
        school_id: Set(school.school_id),
        academic_year_id: Set(school.academic_year_id),
        grade: Set(grade),
        letter: Set("А".to_owned()),
        name: Set(format!("{grade}А")),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    for grade in [12, 0] {
        assert_refused_by(
            class(grade).insert(&app.db).await,
            Constraint::Check {
                table: "class_units",
                name: "grade",
            },
            app.database.is_postgres(),
            &format!("grade {grade}"),
        );
    }
    class(11).insert(&app.db).await?;
    Ok(())
}
