//! The schema itself keeps data honest: out-of-range marks, unknown enum values, orphan rows
//! and inconsistent attendance are refused by the database, whatever the application does.

use dnevnik_tests::TestApp;
use dnevnik_tests::builders::SchoolFixture;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait, PaginatorTrait};

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
    let school = SchoolFixture::create(&app.db, "A").await?;
    for value in [0, 6, -1] {
        assert!(
            school.mark(value, 1).insert(&app.db).await.is_err(),
            "value {value}"
        );
    }
    for weight in [0, 11] {
        assert!(
            school.mark(4, weight).insert(&app.db).await.is_err(),
            "weight {weight}"
        );
    }
    assert_eq!(
        dnevnik_entities::mark::Entity::find()
            .count(&app.db)
            .await?,
        0
    );
    Ok(())
}

#[tokio::test]
async fn an_orphan_mark_is_refused() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let school = SchoolFixture::create(&app.db, "A").await?;
    let mut orphan = school.mark(4, 1);
    orphan.student_id = Set(school.student_id + 1000);
    assert!(orphan.insert(&app.db).await.is_err());
    let mut orphan = school.mark(4, 1);
    orphan.lesson_id = Set(Some(424_242));
    assert!(orphan.insert(&app.db).await.is_err());
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
    assert!(result.is_err(), "an unknown lesson status was stored");
    Ok(())
}

#[tokio::test]
async fn lateness_minutes_need_a_late_status() -> anyhow::Result<()> {
    use dnevnik_entities::attendance_record;
    use dnevnik_entities::enums::AttendanceStatus;
    let app = TestApp::spawn().await;
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
    assert!(
        record(AttendanceStatus::Absent, Some(10))
            .insert(&app.db)
            .await
            .is_err()
    );
    assert!(
        record(AttendanceStatus::Late, Some(500))
            .insert(&app.db)
            .await
            .is_err()
    );
    record(AttendanceStatus::Late, Some(10))
        .insert(&app.db)
        .await?;
    // One record per student and lesson.
    assert!(
        record(AttendanceStatus::Absent, None)
            .insert(&app.db)
            .await
            .is_err()
    );
    Ok(())
}

#[tokio::test]
async fn a_class_grade_outside_one_to_eleven_is_refused() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let school = SchoolFixture::create(&app.db, "A").await?;
    let now = chrono::Utc::now();
    let class = dnevnik_entities::class_unit::ActiveModel {
        school_id: Set(school.school_id),
        academic_year_id: Set(school.academic_year_id),
        grade: Set(12),
        letter: Set("А".to_owned()),
        name: Set("12А".to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    assert!(class.insert(&app.db).await.is_err());
    Ok(())
}
