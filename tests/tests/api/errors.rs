//! Refusals are codes, not sentences: every `BAD_USER_INPUT` and `CONFLICT` carries a stable
//! `reason` and its numeric `params` beside the English `message`, so a client can translate
//! or react without parsing words.

use dnevnik_server::graphql::ids::{Kind, encode};
use dnevnik_tests::TestApp;
use dnevnik_tests::world::{Who, World};
use serde_json::{Value, json};

fn extensions(answer: &dnevnik_tests::GraphqlResponse) -> Value {
    answer.body["errors"][0]["extensions"].clone()
}

#[tokio::test]
async fn a_refused_mark_names_its_reason_and_parameters() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await?;
    let token = w.token(Who::TeacherOfA).unwrap_or_default();
    let record = "mutation($s: ID!, $l: ID!, $v: Int!, $c: String) {
        recordMark(input: {studentId: $s, lessonId: $l, value: $v, comment: $c}) { mark { id } } }";
    let vars = |value: i64, comment: &str| {
        json!({
            "s": encode(Kind::Student, w.student_a1).0,
            "l": encode(Kind::Lesson, w.lesson_math_a).0,
            "v": value,
            "c": comment,
        })
    };
    let off_scale = app.graphql_as(token, record, vars(7, "")).await;
    assert_eq!(
        extensions(&off_scale),
        json!({ "code": "BAD_USER_INPUT", "field": "value", "reason": "MARK_VALUE" })
    );
    assert_eq!(
        off_scale.body["errors"][0]["message"],
        "A mark is from 1 to 5."
    );
    let long = app
        .graphql_as(token, record, vars(4, &"д".repeat(501)))
        .await;
    assert_eq!(
        extensions(&long),
        json!({
            "code": "BAD_USER_INPUT",
            "field": "comment",
            "reason": "TOO_LONG",
            "params": { "max": 500 },
        })
    );
    Ok(())
}

#[tokio::test]
async fn a_taken_code_is_a_conflict_on_its_field() {
    let app = TestApp::spawn_demo().await;
    let department = app.sign_in("deptadmin", "demo-dept").await;
    let create = "mutation($code: String!) { createRefusalReason(input: {code: $code, titleRu: \"Т\", titleEn: \"T\", requiresComment: false, sortOrder: 90}) { refusalReason { id } } }";
    app.graphql_as(&department, create, json!({ "code": "twice" }))
        .await
        .assert_ok();
    let again = app
        .graphql_as(&department, create, json!({ "code": "twice" }))
        .await;
    assert_eq!(
        extensions(&again),
        json!({ "code": "CONFLICT", "field": "code", "reason": "REASON_CODE_TAKEN" })
    );
}
