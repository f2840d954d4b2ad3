//! Time: "today" is the school's today in the school's time zone, read from the server's
//! clock, which a test can start at a chosen instant.

use chrono::{DateTime, NaiveDate, Utc};
use dnevnik_server::graphql::ids::{Kind, encode};
use dnevnik_tests::TestApp;
use dnevnik_tests::matrix::scalar;
use dnevnik_tests::world::{Who, World};
use sea_orm::ConnectionTrait;
use serde_json::json;

fn at(text: &str) -> DateTime<Utc> {
    match DateTime::parse_from_rfc3339(text) {
        Ok(at) => at.with_timezone(&Utc),
        Err(err) => panic!("{text}: {err}"),
    }
}

/// A scheduled mathematics lesson of 5А on a day.
async fn lesson_on(app: &TestApp, w: &World, date: NaiveDate) -> String {
    app.db
        .execute_unprepared(&format!(
            "INSERT INTO lessons (school_id, class_unit_id, subject_id, staff_member_id, \
             study_period_id, date, lesson_number, status, created_at, updated_at) VALUES \
             ({}, {}, {}, {}, {}, '{date}', 5, 'scheduled', '2026-11-16T09:00:00Z', \
             '2026-11-16T09:00:00Z')",
            w.school1, w.class_a, w.math, w.staff_ta, w.quarter1
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    encode(
        Kind::Lesson,
        scalar(app, "SELECT MAX(id) AS n FROM lessons").await,
    )
    .0
}

/// Records a 4 at a lesson as 5А's mathematics teacher; the error codes and fields.
async fn mark_at(app: &TestApp, w: &World, lesson: &str) -> (Vec<String>, Vec<String>) {
    let token = w.token(Who::TeacherOfA).unwrap_or_default();
    let answer = app
        .graphql_as(
            token,
            "mutation($s: ID!, $l: ID!) { recordMark(input: {studentId: $s, lessonId: $l, value: 4}) { mark { id date } } }",
            json!({ "s": encode(Kind::Student, w.student_a1).0, "l": lesson }),
        )
        .await;
    (answer.error_codes(), answer.error_fields())
}

/// 19:30 UTC on Monday 16 November 2026: 22:30 the same Monday in Moscow, 05:30 on Tuesday
/// in Vladivostok.
const EVENING_IN_MOSCOW: &str = "2026-11-16T19:30:00Z";

fn tuesday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 17).unwrap_or(NaiveDate::MIN)
}

#[tokio::test]
async fn tomorrow_s_lesson_in_moscow_has_not_happened_yet() -> anyhow::Result<()> {
    let app = TestApp::spawn_at(at(EVENING_IN_MOSCOW)).await;
    let w = World::build(&app).await?;
    let tuesday_lesson = lesson_on(&app, &w, tuesday()).await;
    let monday_lesson = lesson_on(&app, &w, dnevnik_tests::world::day()).await;
    // Monday's lesson took place; Tuesday's has not, although it is Tuesday by UTC+10.
    assert_eq!(mark_at(&app, &w, &monday_lesson).await, (vec![], vec![]));
    assert_eq!(
        mark_at(&app, &w, &tuesday_lesson).await,
        (
            vec!["BAD_USER_INPUT".to_owned()],
            vec!["lessonId".to_owned()]
        )
    );
    Ok(())
}

#[tokio::test]
async fn at_the_same_instant_it_is_already_tuesday_in_vladivostok() -> anyhow::Result<()> {
    let app = TestApp::spawn_at(at(EVENING_IN_MOSCOW)).await;
    let w = World::build(&app).await?;
    // The school is in Vladivostok; nothing has asked for its zone yet.
    app.db
        .execute_unprepared(&format!(
            "UPDATE schools SET timezone = 'Asia/Vladivostok' WHERE id = {}",
            w.school1
        ))
        .await?;
    let tuesday_lesson = lesson_on(&app, &w, tuesday()).await;
    assert_eq!(mark_at(&app, &w, &tuesday_lesson).await, (vec![], vec![]));
    // A mark without a lesson, on Wednesday, is still a mark given in advance.
    let token = w.token(Who::TeacherOfA).unwrap_or_default();
    let wednesday = app
        .graphql_as(
            token,
            "mutation($s: ID!, $subject: ID!) { recordMark(input: {studentId: $s, subjectId: $subject, date: \"2026-11-18\", value: 5}) { mark { id } } }",
            json!({
                "s": encode(Kind::Student, w.student_a1).0,
                "subject": encode(Kind::Subject, w.math).0,
            }),
        )
        .await;
    assert_eq!(wednesday.error_fields(), vec!["date"]);
    Ok(())
}

#[tokio::test]
async fn an_application_received_after_midnight_in_moscow_is_received_that_day() {
    // 21:30 UTC on Friday 4 December is 00:30 on Saturday 5 December in Moscow.
    let app = TestApp::spawn_demo_with(|config| {
        config.clock = dnevnik_server::clock::Clock::starting_at(at("2026-12-04T21:30:00Z"));
    })
    .await;
    let admin = app.sign_in("admin", "demo-admin").await;
    let school = encode(
        Kind::School,
        scalar(&app, "SELECT MIN(id) AS n FROM schools").await,
    )
    .0;
    let answer = app
        .graphql_as(
            &admin,
            "mutation($input: RegisterAccessApplicationInput!) {
               registerAccessApplication(input: $input) { accessApplication { receivedOn dueOn } } }",
            json!({ "input": {
                "schoolId": school,
                "accessKind": "GUARDIAN",
                "applicantLastName": "Полуночная",
                "applicantFirstName": "Ирина",
                "applicantRelation": "MOTHER",
                "identityDocumentType": "PASSPORT_RF",
                "identityDocumentLastDigits": "1234",
                "childLastName": "Полуночный",
                "childFirstName": "Пётр",
                "childBirthDate": "2015-03-01",
                "childClassName": "5А",
                "documents": { "applicationForm": true, "birthCertificate": true,
                               "guardianshipDocument": false, "identityDocument": true },
            } }),
        )
        .await;
    let application = &answer.assert_ok()["registerAccessApplication"]["accessApplication"];
    assert_eq!(application["receivedOn"], "2026-12-05");
    // Three business days after a Saturday: Monday, Tuesday, Wednesday.
    assert_eq!(application["dueOn"], "2026-12-09");
}
