//! The demo school: seeded on first start in development, never in production, never twice,
//! and alive around today (DESIGN.md "Demo mode").

use chrono::{Datelike, Days, NaiveDate, Weekday};
use dnevnik_tests::{TestApp, test_config};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, Statement};

async fn count(db: &DatabaseConnection, sql: &str) -> anyhow::Result<i64> {
    Ok(dnevnik_tests::sql::scalar(db, &format!("SELECT COUNT(*) AS n FROM ({sql}) AS q")).await)
}

fn today() -> NaiveDate {
    dnevnik_tests::today()
}

fn monday(day: NaiveDate) -> NaiveDate {
    day.week(Weekday::Mon).first_day()
}

fn plus(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_add_days(Days::new(days)).unwrap_or(day)
}

#[tokio::test]
async fn the_demo_school_has_the_promised_size() -> anyhow::Result<()> {
    let app = TestApp::spawn_demo().await;
    let db = &app.db;
    assert_eq!(count(db, "SELECT id FROM schools").await?, 1);
    assert!(count(db, "SELECT id FROM class_units WHERE grade <= 4").await? >= 3);
    assert!(count(db, "SELECT id FROM class_units WHERE grade >= 5").await? >= 5);
    assert!(count(db, "SELECT id FROM class_units").await? >= 8);
    assert!(count(db, "SELECT id FROM subjects").await? >= 15);
    assert!(count(db, "SELECT id FROM staff_members").await? >= 20);
    assert!(count(db, "SELECT id FROM students").await? >= 200);
    assert_eq!(
        count(db, "SELECT id FROM study_periods WHERE kind = 'quarter'").await?,
        4
    );
    assert_eq!(count(db, "SELECT id FROM bell_schedule_slots").await?, 8);
    assert!(count(db, "SELECT id FROM refusal_reasons").await? >= 6);
    assert!(count(db, "SELECT id FROM calendar_days WHERE kind = 'holiday'").await? >= 10);
    for scope in ["city", "school", "class"] {
        let sql = format!("SELECT id FROM news_items WHERE scope = '{scope}'");
        assert!(count(db, &sql).await? > 0, "no {scope} news");
    }
    let upcoming = format!(
        "SELECT id FROM events WHERE kind = 'parent_meeting' AND starts_at > '{}'",
        today()
    );
    assert!(
        count(db, &upcoming).await? > 0,
        "no upcoming parent meeting"
    );
    assert!(
        count(
            db,
            "SELECT t.id FROM forum_threads t WHERE EXISTS \
             (SELECT 1 FROM forum_posts p WHERE p.thread_id = t.id)"
        )
        .await?
            >= 5
    );
    assert!(
        count(
            db,
            "SELECT c.id FROM conversations c WHERE EXISTS \
             (SELECT 1 FROM messages m WHERE m.conversation_id = c.id)"
        )
        .await?
            >= 5
    );
    assert!(count(db, "SELECT id FROM external_assessments").await? > 0);
    assert!(count(db, "SELECT id FROM remarks").await? > 0);
    assert!(
        count(
            db,
            "SELECT id FROM attendance_records WHERE status = 'late'"
        )
        .await?
            > 0
    );
    assert!(count(db, "SELECT id FROM mark_revisions").await? > 0);
    for status in ["received", "in_review", "approved", "refused", "withdrawn"] {
        let sql = format!("SELECT id FROM access_applications WHERE status = '{status}'");
        assert!(count(db, &sql).await? > 0, "no {status} application");
    }
    Ok(())
}

#[tokio::test]
async fn every_student_is_in_a_class_and_every_class_has_a_class_teacher() -> anyhow::Result<()> {
    let app = TestApp::spawn_demo().await;
    let db = &app.db;
    let homeless = "SELECT s.id FROM students s LEFT JOIN class_units c \
                    ON c.id = s.class_unit_id AND c.school_id = s.school_id WHERE c.id IS NULL";
    assert_eq!(count(db, homeless).await?, 0);
    let leaderless = "SELECT c.id FROM class_units c LEFT JOIN staff_members t \
                      ON t.id = c.class_teacher_id AND t.school_id = c.school_id WHERE t.id IS NULL";
    assert_eq!(count(db, leaderless).await?, 0);
    let empty = "SELECT c.id FROM class_units c WHERE NOT EXISTS \
                 (SELECT 1 FROM students s WHERE s.class_unit_id = c.id)";
    assert_eq!(count(db, empty).await?, 0);
    let nameless = "SELECT id FROM students WHERE last_name = '' OR first_name = '' \
                    OR middle_name IS NULL OR middle_name = ''";
    assert_eq!(count(db, nameless).await?, 0);
    Ok(())
}

#[tokio::test]
async fn no_lesson_falls_on_a_holiday_or_a_weekend() -> anyhow::Result<()> {
    let app = TestApp::spawn_demo().await;
    let db = &app.db;
    let on_holiday = "SELECT l.id FROM lessons l JOIN calendar_days d ON d.date = l.date \
                      WHERE d.kind IN ('holiday', 'day_off')";
    assert_eq!(count(db, on_holiday).await?, 0);
    // Lessons are laid on weekdays only; check a sample of the dates used.
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT DISTINCT date FROM lessons",
        ))
        .await?;
    assert!(rows.len() > 20);
    for row in rows {
        let date: NaiveDate = row.try_get("", "date")?;
        assert!(
            !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
            "a lesson on {date}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn the_current_week_has_lessons_homework_and_recent_marks() -> anyhow::Result<()> {
    let app = TestApp::spawn_demo().await;
    let db = &app.db;
    // The current week, or the next one when the whole week is a holiday (early January).
    let mut week = monday(today());
    let mut lessons = 0;
    for _ in 0..3 {
        let sql = format!(
            "SELECT id FROM lessons WHERE date BETWEEN '{week}' AND '{}'",
            plus(week, 6)
        );
        lessons = count(db, &sql).await?;
        if lessons > 0 {
            break;
        }
        week = plus(week, 7);
    }
    assert!(lessons > 0, "no lessons in the current study week");
    let homework = format!(
        "SELECT id FROM homework WHERE due_on BETWEEN '{week}' AND '{}'",
        plus(week, 6)
    );
    assert!(count(db, &homework).await? > 0, "no homework due this week");
    let topics = format!(
        "SELECT id FROM lessons WHERE topic IS NOT NULL AND date BETWEEN '{week}' AND '{}'",
        plus(week, 6)
    );
    assert!(count(db, &topics).await? > 0, "no lesson topics this week");
    // Marks on the latest day that had lessons.
    let latest = format!(
        "SELECT m.id FROM marks m WHERE m.date = \
         (SELECT MAX(date) FROM lessons WHERE date <= '{}' AND status = 'held')",
        today()
    );
    assert!(
        count(db, &latest).await? > 0,
        "no marks on the latest school day"
    );
    let future_marks = format!("SELECT id FROM marks WHERE date > '{}'", today());
    assert_eq!(count(db, &future_marks).await?, 0, "marks in the future");
    Ok(())
}

#[tokio::test]
async fn finished_quarters_have_final_marks() -> anyhow::Result<()> {
    let app = TestApp::spawn_demo().await;
    let db = &app.db;
    let finished = format!(
        "SELECT id FROM study_periods WHERE kind = 'quarter' AND ends_on < '{}'",
        today()
    );
    if count(db, &finished).await? == 0 {
        // Early in the year nothing has finished yet: then nothing may be final.
        assert_eq!(count(db, "SELECT id FROM final_marks").await?, 0);
        return Ok(());
    }
    let with_finals = format!(
        "SELECT p.id FROM study_periods p WHERE p.kind = 'quarter' AND p.ends_on < '{}' \
         AND EXISTS (SELECT 1 FROM final_marks f WHERE f.study_period_id = p.id)",
        today()
    );
    assert_eq!(count(db, &with_finals).await?, count(db, &finished).await?);
    let unfinished = format!(
        "SELECT f.id FROM final_marks f JOIN study_periods p ON p.id = f.study_period_id \
         WHERE p.ends_on >= '{}'",
        today()
    );
    assert_eq!(count(db, &unfinished).await?, 0);
    Ok(())
}

#[tokio::test]
async fn the_demo_sign_ins_exist_as_designed() -> anyhow::Result<()> {
    let app = TestApp::spawn_demo().await;
    let db = &app.db;
    for login in ["admin", "teacher", "student", "deptadmin"] {
        let sql = format!(
            "SELECT a.id FROM accounts a JOIN password_credentials p ON p.account_id = a.id \
             WHERE a.login = '{login}' AND p.password_hash LIKE '$argon2id$%'"
        );
        assert_eq!(count(db, &sql).await?, 1, "{login}");
    }
    let admin = "SELECT g.id FROM role_grants g JOIN accounts a ON a.id = g.account_id \
                 WHERE a.login = 'admin' AND g.role = 'school_admin' AND g.school_id IS NOT NULL";
    assert_eq!(count(db, admin).await?, 1);
    let dept = "SELECT g.id FROM role_grants g JOIN accounts a ON a.id = g.account_id \
                WHERE a.login = 'deptadmin' AND g.role = 'department_admin'";
    assert_eq!(count(db, dept).await?, 1);
    let teaches = "SELECT c.name FROM teaching_assignments t \
                   JOIN staff_members s ON s.id = t.staff_member_id \
                   JOIN accounts a ON a.id = s.account_id \
                   JOIN subjects j ON j.id = t.subject_id \
                   JOIN class_units c ON c.id = t.class_unit_id \
                   WHERE a.login = 'teacher' AND j.name = 'Математика' AND c.name IN ('5А', '6Б')";
    assert_eq!(count(db, teaches).await?, 2);
    let leads = "SELECT c.id FROM class_units c JOIN staff_members s ON s.id = c.class_teacher_id \
                 JOIN accounts a ON a.id = s.account_id WHERE a.login = 'teacher' AND c.name = '5А'";
    assert_eq!(count(db, leads).await?, 1);
    let student = "SELECT s.id FROM students s JOIN accounts a ON a.id = s.account_id \
                   JOIN class_units c ON c.id = s.class_unit_id \
                   WHERE a.login = 'student' AND c.name = '5А'";
    assert_eq!(count(db, student).await?, 1);

    let children = "SELECT c.name FROM guardianships g \
                    JOIN external_identities i ON i.account_id = g.account_id \
                    JOIN students s ON s.id = g.student_id \
                    JOIN class_units c ON c.id = s.class_unit_id \
                    WHERE i.provider = 'dev' AND i.subject = 'parent' AND i.trusted = TRUE";
    assert_eq!(count(db, children).await?, 2);
    let siblings = "SELECT c.name FROM guardianships g \
                    JOIN external_identities i ON i.account_id = g.account_id \
                    JOIN students s ON s.id = g.student_id \
                    JOIN class_units c ON c.id = s.class_unit_id \
                    WHERE i.subject = 'parent' AND c.name IN ('5А', '2Б')";
    assert_eq!(count(db, siblings).await?, 2);
    let own_child = "SELECT g.id FROM guardianships g \
                     JOIN external_identities i ON i.account_id = g.account_id \
                     JOIN students s ON s.id = g.student_id \
                     JOIN accounts a ON a.id = s.account_id \
                     WHERE i.subject = 'parent' AND a.login = 'student'";
    assert_eq!(
        count(db, own_child).await?,
        1,
        "the demo student is the parent's child"
    );

    let parent2 = "SELECT a.id FROM accounts a JOIN external_identities i ON i.account_id = a.id \
                   WHERE i.subject = 'parent2' AND i.trusted = TRUE AND a.confirmed = TRUE \
                   AND NOT EXISTS (SELECT 1 FROM guardianships g WHERE g.account_id = a.id)";
    assert_eq!(count(db, parent2).await?, 1);
    let parent3 = "SELECT a.id FROM accounts a JOIN external_identities i ON i.account_id = a.id \
                   WHERE i.subject = 'parent3' AND i.trusted = FALSE AND a.confirmed = FALSE";
    assert_eq!(count(db, parent3).await?, 1);
    let approved_unlinked = "SELECT p.id FROM access_applications p \
                             WHERE p.status = 'approved' AND p.student_id IS NOT NULL \
                             AND NOT EXISTS (SELECT 1 FROM guardianships g \
                             WHERE g.student_id = p.student_id)";
    assert!(count(db, approved_unlinked).await? >= 1);
    Ok(())
}

#[tokio::test]
async fn the_demo_family_starts_with_a_feed_of_recent_news() -> anyhow::Result<()> {
    let app = TestApp::spawn_demo().await;
    // The parent hears of both children; nobody outside the family hears anything.
    let parent = "SELECT DISTINCT n.student_id FROM notifications n \
                  JOIN external_identities i ON i.account_id = n.account_id \
                  WHERE i.subject = 'parent' AND n.read_at IS NULL";
    assert_eq!(count(&app.db, parent).await?, 2);
    let outsiders = "SELECT n.id FROM notifications n WHERE NOT EXISTS \
                     (SELECT 1 FROM guardianships g WHERE g.account_id = n.account_id \
                      AND g.student_id = n.student_id) \
                     AND NOT EXISTS (SELECT 1 FROM students s WHERE s.account_id = n.account_id \
                      AND s.id = n.student_id)";
    assert_eq!(count(&app.db, outsiders).await?, 0);
    // The student reads their own feed through the API: recent marks and homework, each
    // about them.
    let token = app.sign_in("student", "demo-student").await;
    let feed = app
        .graphql_as(
            &token,
            "{ viewer { unreadNotificationCount notifications(first: 50) { nodes { kind date student { id } } } } me: viewer { students { student { id } } } }",
            serde_json::json!({}),
        )
        .await;
    let data = feed.assert_ok().clone();
    let nodes = data["viewer"]["notifications"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        data["viewer"]["unreadNotificationCount"].as_i64() >= Some(3),
        "{data}"
    );
    assert!(nodes.iter().any(|n| n["kind"] == "MARK_RECORDED"), "{data}");
    assert!(nodes.iter().any(|n| n["kind"] == "HOMEWORK"), "{data}");
    let me = data["me"]["students"][0]["student"]["id"].clone();
    assert!(nodes.iter().all(|n| n["student"]["id"] == me), "{data}");
    Ok(())
}

#[tokio::test]
async fn a_second_start_reuses_the_database_without_seeding_again() -> anyhow::Result<()> {
    let app = TestApp::spawn_demo().await;
    let students = count(&app.db, "SELECT id FROM students").await?;
    let marks = count(&app.db, "SELECT id FROM marks").await?;
    let mut config = test_config(&app.database.url);
    config.demo = true;
    let again = dnevnik_server::Application::build(config).await?;
    assert_eq!(
        count(&again.state().db, "SELECT id FROM students").await?,
        students
    );
    assert_eq!(
        count(&again.state().db, "SELECT id FROM marks").await?,
        marks
    );
    assert_eq!(count(&again.state().db, "SELECT id FROM schools").await?, 1);
    Ok(())
}

#[tokio::test]
async fn rows_added_after_the_seed_get_fresh_ids() -> anyhow::Result<()> {
    let app = TestApp::spawn_demo().await;
    let school = count(&app.db, "SELECT id FROM schools").await?;
    assert_eq!(school, 1);
    let now = chrono::Utc::now();
    let reason = dnevnik_entities::refusal_reason::ActiveModel {
        code: Set("test_reason".to_owned()),
        title_ru: Set("Проверка".to_owned()),
        title_en: Set("Check".to_owned()),
        requires_comment: Set(false),
        active: Set(true),
        sort_order: Set(99),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await?;
    assert!(reason.id > 6);
    Ok(())
}

#[tokio::test]
async fn production_never_seeds_demo_data() -> anyhow::Result<()> {
    let app = TestApp::spawn_with(|config| {
        config.environment = dnevnik_server::config::Environment::Production;
        config.secret_key = Some("a-test-secret-that-is-long-enough-1234".to_owned());
        config.public_url = Some("https://dnevnik.example.org".to_owned());
        config.demo = true;
    })
    .await;
    assert_eq!(count(&app.db, "SELECT id FROM schools").await?, 0);
    assert_eq!(count(&app.db, "SELECT id FROM accounts").await?, 0);
    Ok(())
}

#[tokio::test]
async fn the_seed_demo_command_is_refused_in_production() {
    use clap::Parser;
    let args = dnevnik_server::config::Cli::parse_from([
        "dnevnik",
        "--env",
        "production",
        "--database-url",
        "sqlite::memory:",
        "--secret-key",
        "a-test-secret-that-is-long-enough-1234",
        "--public-url",
        "https://dnevnik.example.org",
        "seed",
        "demo",
    ]);
    let result = dnevnik_server::cli::run(args).await;
    let message = format!(
        "{:#}",
        result.err().map(|e| e.to_string()).unwrap_or_default()
    );
    assert!(message.contains("never seeded in production"), "{message}");
}
