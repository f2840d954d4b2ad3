//! Linking a child with the access code from the envelope: the printed demo code works once,
//! for a confirmed identity; used, expired, revoked and wrong codes get the same answer;
//! concurrent redemptions link once; and each attempt limit triggers at exactly its count.

use chrono::Utc;
use dnevnik_entities as e;
use dnevnik_entities::enums::{AccessKind, AccountStatus};
use dnevnik_server::service::codes::codebook::{self as access_code, CodeRequest};
use dnevnik_tests::TestApp;
use dnevnik_tests::matrix::scalar;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};
use serde_json::{Value, json};

const REDEEM: &str = "mutation($code: String!, $label: String) { \
    redeemAccessCode(input: {code: $code, label: $label}) { guardian student { fullName } } }";
const CHILDREN: &str = "{ viewer { students { label relation student { id } } } }";

async fn new_account(app: &TestApp, confirmed: bool) -> (i64, String) {
    let now = Utc::now();
    let account = e::account::ActiveModel {
        display_name: Set("Проверочный Родитель".to_owned()),
        status: Set(AccountStatus::Active),
        confirmed: Set(confirmed),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    (account.id, app.session_for(account.id).await)
}

/// A fresh code for a student who has no parent yet.
async fn code_for(app: &TestApp, kind: AccessKind, ttl: chrono::Duration) -> (String, i64) {
    let student = scalar(
        app,
        "SELECT MIN(id) AS n FROM students WHERE account_id IS NULL \
         AND id NOT IN (SELECT student_id FROM guardianships)",
    )
    .await;
    let school = scalar(
        app,
        &format!("SELECT school_id AS n FROM students WHERE id = {student}"),
    )
    .await;
    let issued = access_code::issue(
        &app.db,
        dnevnik_server::Config::development().secret_key(),
        CodeRequest {
            school_id: school,
            student_id: student,
            kind,
            application_id: None,
            issued_by: None,
            ttl,
            issued_at: chrono::Utc::now(),
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e:?}"));
    (issued.plaintext, student)
}

fn wrong_verifier(code: &str) -> String {
    let mut chars: Vec<char> = code.chars().collect();
    let last = chars.len() - 1;
    chars[last] = if chars[last] == 'Z' { 'Y' } else { 'Z' };
    chars.into_iter().collect()
}

#[tokio::test]
async fn parent2_redeems_the_printed_code_and_sees_the_child() {
    let app = TestApp::spawn_demo().await;
    let code = app.demo_code.clone().unwrap_or_default();
    assert_eq!(code.len(), 24, "the start-up code: {code:?}");
    let (status, _) = app.sign_in_dev("parent2", "demo-parent").await;
    assert_eq!(status, 303);
    let before = app.graphql(CHILDREN, json!({})).await;
    assert_eq!(before.assert_ok()["viewer"]["students"], json!([]));
    let redeemed = app
        .graphql(
            REDEEM,
            json!({ "code": code.to_lowercase(), "label": "Младшая" }),
        )
        .await;
    assert_eq!(redeemed.assert_ok()["redeemAccessCode"]["guardian"], true);
    let after = app.graphql(CHILDREN, json!({})).await;
    let students = after.assert_ok()["viewer"]["students"].clone();
    assert_eq!(students[0]["label"], "Младшая");
    assert_eq!(students[0]["relation"], "GUARDIAN");
    // The code is spent.
    let again = app.graphql(REDEEM, json!({ "code": code })).await;
    assert_eq!(again.error_codes(), vec!["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn an_unconfirmed_identity_cannot_redeem_a_guardian_code() {
    let app = TestApp::spawn_demo().await;
    let code = app.demo_code.clone().unwrap_or_default();
    app.sign_in_dev("parent3", "demo-parent").await;
    let refused = app.graphql(REDEEM, json!({ "code": code })).await;
    assert_eq!(refused.error_codes(), vec!["BAD_USER_INPUT"]);
    assert!(
        refused.body.to_string().contains("confirmed"),
        "{}",
        refused.body
    );
    assert_eq!(
        app.graphql(CHILDREN, json!({})).await.assert_ok()["viewer"]["students"],
        json!([])
    );
    // The code was not spent: a confirmed parent can still use it.
    let (_, token) = new_account(&app, true).await;
    let linked = app
        .graphql_as(&token, REDEEM, json!({ "code": code }))
        .await;
    linked.assert_ok();
}

#[tokio::test]
async fn used_expired_revoked_and_wrong_codes_get_the_same_answer() {
    let app = TestApp::spawn_demo().await;
    let (_, first) = new_account(&app, true).await;
    let (_, token) = new_account(&app, true).await;
    let (used, _) = code_for(&app, AccessKind::Guardian, access_code::DEFAULT_TTL).await;
    app.graphql_as(&first, REDEEM, json!({ "code": used }))
        .await
        .assert_ok();
    let (expired, _) = code_for(&app, AccessKind::Guardian, chrono::Duration::seconds(-1)).await;
    let (revoked, student) = code_for(&app, AccessKind::Guardian, access_code::DEFAULT_TTL).await;
    app.db
        .execute_unprepared(&format!(
            "UPDATE access_codes SET status = 'revoked' WHERE student_id = {student} AND status = 'issued'"
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let unknown = "ABCD-EFGH-JKMN-PQRS-TVWX".to_owned();
    let wrong = wrong_verifier(
        &code_for(&app, AccessKind::Guardian, access_code::DEFAULT_TTL)
            .await
            .0,
    );
    let mut answers = Vec::new();
    for code in [
        used,
        expired,
        revoked,
        unknown,
        wrong,
        "not a code".to_owned(),
    ] {
        let response = app
            .graphql_as(&token, REDEEM, json!({ "code": code }))
            .await;
        assert_eq!(response.error_codes(), vec!["BAD_USER_INPUT"], "{code}");
        answers.push(response.body["errors"][0]["message"].clone());
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
}

async fn refused_alone(
    code: impl FnOnce(&TestApp) -> std::pin::Pin<Box<dyn std::future::Future<Output = String> + '_>>,
) {
    let app = TestApp::spawn_demo().await;
    let code = code(&app).await;
    let (_, token) = new_account(&app, true).await;
    let response = app
        .graphql_as(&token, REDEEM, json!({ "code": code }))
        .await;
    assert_eq!(
        response.error_codes(),
        vec!["BAD_USER_INPUT"],
        "{}",
        response.body
    );
    assert_eq!(
        response.body["errors"][0]["message"],
        "This code is not valid. Check it and try again."
    );
    assert_eq!(
        app.graphql_as(&token, CHILDREN, json!({}))
            .await
            .assert_ok()["viewer"]["students"],
        json!([])
    );
}

#[tokio::test]
async fn a_used_code_is_refused() {
    refused_alone(|app| {
        Box::pin(async move {
            let (code, _) = code_for(app, AccessKind::Guardian, access_code::DEFAULT_TTL).await;
            let (_, first) = new_account(app, true).await;
            app.graphql_as(&first, REDEEM, json!({ "code": code }))
                .await
                .assert_ok();
            code
        })
    })
    .await;
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    refused_alone(|app| {
        Box::pin(async move {
            code_for(app, AccessKind::Guardian, chrono::Duration::seconds(-1))
                .await
                .0
        })
    })
    .await;
}

#[tokio::test]
async fn a_revoked_code_is_refused() {
    refused_alone(|app| {
        Box::pin(async move {
            let (code, student) =
                code_for(app, AccessKind::Guardian, access_code::DEFAULT_TTL).await;
            app.db
                .execute_unprepared(&format!(
                    "UPDATE access_codes SET status = 'revoked' WHERE student_id = {student}"
                ))
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            code
        })
    })
    .await;
}

#[tokio::test]
async fn a_wrong_code_is_refused() {
    refused_alone(|app| {
        Box::pin(async move {
            wrong_verifier(
                &code_for(app, AccessKind::Guardian, access_code::DEFAULT_TTL)
                    .await
                    .0,
            )
        })
    })
    .await;
}

#[tokio::test]
async fn twenty_parallel_redemptions_of_one_code_link_exactly_once() {
    let app = TestApp::spawn_demo().await;
    let (code, student) = code_for(&app, AccessKind::Guardian, access_code::DEFAULT_TTL).await;
    let mut tokens = Vec::new();
    for _ in 0..20 {
        tokens.push(new_account(&app, true).await.1);
    }
    let attempts = tokens
        .iter()
        .map(|token| app.graphql_as(token, REDEEM, json!({ "code": code })));
    let results = futures::future::join_all(attempts).await;
    let successes = results
        .iter()
        .filter(|r| r.body.get("errors").is_none())
        .count();
    assert_eq!(
        successes,
        1,
        "{:?}",
        results.iter().map(|r| &r.body).collect::<Vec<_>>()
    );
    for failure in results.iter().filter(|r| r.body.get("errors").is_some()) {
        assert_eq!(
            failure.error_codes(),
            vec!["BAD_USER_INPUT"],
            "{}",
            failure.body
        );
    }
    let links = scalar(
        &app,
        &format!("SELECT COUNT(*) AS n FROM guardianships WHERE student_id = {student}"),
    )
    .await;
    assert_eq!(links, 1);
}

#[tokio::test]
async fn a_code_is_burned_by_its_fifth_wrong_verifier() {
    let app = TestApp::spawn_demo().await;
    let (code, _) = code_for(&app, AccessKind::Guardian, access_code::DEFAULT_TTL).await;
    let mut tokens = Vec::new();
    for _ in 0..5 {
        tokens.push(new_account(&app, true).await.1);
    }
    // Four wrong guesses leave the code usable...
    for token in &tokens[..4] {
        let guess = app
            .graphql_as(token, REDEEM, json!({ "code": wrong_verifier(&code) }))
            .await;
        assert_eq!(guess.error_codes(), vec!["BAD_USER_INPUT"]);
    }
    let (_, check) = new_account(&app, true).await;
    let state = scalar(
        &app,
        "SELECT COUNT(*) AS n FROM access_codes WHERE status = 'issued' AND failed_attempts = 4",
    )
    .await;
    assert_eq!(state, 1);
    // ...the fifth burns it, and then even the right code fails.
    app.graphql_as(&tokens[4], REDEEM, json!({ "code": wrong_verifier(&code) }))
        .await;
    let right = app
        .graphql_as(&check, REDEEM, json!({ "code": code }))
        .await;
    assert_eq!(right.error_codes(), vec!["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn a_burst_of_parallel_wrong_verifiers_counts_every_guess_and_burns_the_code() {
    let app = TestApp::spawn_demo().await;
    let (code, _) = code_for(&app, AccessKind::Guardian, access_code::DEFAULT_TTL).await;
    let mut tokens = Vec::new();
    for _ in 0..12 {
        tokens.push(new_account(&app, true).await.1);
    }
    let guess = wrong_verifier(&code);
    let answers = futures::future::join_all(
        tokens
            .iter()
            .map(|token| app.graphql_as(token, REDEEM, json!({ "code": guess }))),
    )
    .await;
    for answer in &answers {
        assert_eq!(
            answer.error_codes(),
            vec!["BAD_USER_INPUT"],
            "{}",
            answer.body
        );
    }
    // Each guess counted, none lost to another running at the same time.
    let burned = scalar(
        &app,
        "SELECT COUNT(*) AS n FROM access_codes WHERE status = 'revoked' AND failed_attempts = 12",
    )
    .await;
    assert_eq!(burned, 1);
    let (_, check) = new_account(&app, true).await;
    let right = app
        .graphql_as(&check, REDEEM, json!({ "code": code }))
        .await;
    assert_eq!(right.error_codes(), vec!["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn an_account_gets_ten_failed_redemptions_a_day() {
    let app = TestApp::spawn_demo().await;
    let (_, token) = new_account(&app, true).await;
    for attempt in 1..=10 {
        let response = app
            .graphql_as(
                &token,
                REDEEM,
                json!({ "code": format!("ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZ{attempt:02}") }),
            )
            .await;
        assert_eq!(
            response.error_codes(),
            vec!["BAD_USER_INPUT"],
            "attempt {attempt}"
        );
    }
    let (good, _) = code_for(&app, AccessKind::Guardian, access_code::DEFAULT_TTL).await;
    let eleventh = app
        .graphql_as(&token, REDEEM, json!({ "code": good }))
        .await;
    assert_eq!(eleventh.error_codes(), vec!["RATE_LIMITED"]);
}

#[tokio::test]
async fn an_address_gets_thirty_failed_redemptions_an_hour() {
    let app = TestApp::spawn_demo().await;
    let mut failures = 0;
    while failures < 30 {
        let (_, token) = new_account(&app, true).await;
        for _ in 0..10 {
            if failures == 30 {
                break;
            }
            let response = app
                .graphql_as(
                    &token,
                    REDEEM,
                    json!({ "code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ" }),
                )
                .await;
            assert_eq!(
                response.error_codes(),
                vec!["BAD_USER_INPUT"],
                "failure {failures}"
            );
            failures += 1;
        }
    }
    let (_, fresh) = new_account(&app, true).await;
    let (good, _) = code_for(&app, AccessKind::Guardian, access_code::DEFAULT_TTL).await;
    let next = app
        .graphql_as(&fresh, REDEEM, json!({ "code": good }))
        .await;
    assert_eq!(next.error_codes(), vec!["RATE_LIMITED"]);
}

#[tokio::test]
async fn a_student_code_makes_the_account_the_students_own() {
    let app = TestApp::spawn_demo().await;
    let (code, student) = code_for(&app, AccessKind::Student, access_code::DEFAULT_TTL).await;
    // A student code needs no confirmed identity.
    let (_, token) = new_account(&app, false).await;
    let redeemed = app
        .graphql_as(&token, REDEEM, json!({ "code": code }))
        .await;
    assert_eq!(redeemed.assert_ok()["redeemAccessCode"]["guardian"], false);
    let me = app.graphql_as(&token, CHILDREN, json!({})).await;
    let students = me.assert_ok()["viewer"]["students"].clone();
    assert_eq!(students[0]["relation"], "MYSELF");
    let id =
        dnevnik_server::graphql::ids::encode(dnevnik_server::graphql::ids::Kind::Student, student);
    assert_eq!(students[0]["student"]["id"], Value::String(id.0));
}

#[tokio::test]
async fn the_link_page_redeems_a_code_for_a_signed_in_parent() {
    let app = TestApp::spawn_demo().await;
    let code = app.demo_code.clone().unwrap_or_default();
    // Signed out, the page sends the browser to sign in first.
    let anonymous = app.get("/auth/link").await;
    assert_eq!(anonymous.status(), 303);
    app.sign_in_dev("parent2", "demo-parent").await;
    let html = app.get("/auth/link").await.text().await.unwrap_or_default();
    let csrf = dnevnik_tests::hidden_fields(&html)
        .into_iter()
        .find(|(name, _)| name == "csrf")
        .map(|(_, v)| v)
        .unwrap_or_default();
    // The code is checked first: the page says whose code it is, and nothing is linked yet.
    let checked = app
        .client
        .post(app.url("/auth/link"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("code", code.as_str()),
            ("label", "Дочка"),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(checked.status(), 200);
    let confirm = checked.text().await.unwrap_or_default();
    assert!(confirm.contains("Код родителя"), "{confirm}");
    assert!(confirm.contains("«Дочка»"), "{confirm}");
    let before = app.get("/").await.text().await.unwrap_or_default();
    assert!(
        !before.contains("Дочка"),
        "linked before confirmation: {before}"
    );
    // The confirmation's own form links.
    let fields = dnevnik_tests::hidden_fields(&confirm);
    assert!(
        fields.contains(&("confirm".to_owned(), "1".to_owned())),
        "{fields:?}"
    );
    let posted = app
        .client
        .post(app.url("/auth/link"))
        .form(&fields)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(posted.status(), 303);
    let home = app
        .get("/?linked=guardian")
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(home.contains("Дочка"), "{home}");
    // Without the CSRF token the form is refused.
    let forged = app
        .client
        .post(app.url("/auth/link"))
        .form(&[
            ("csrf", "forged"),
            ("code", code.as_str()),
            ("confirm", "1"),
        ])
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    assert_eq!(forged, 403);
}

#[tokio::test]
async fn redemptions_are_audited() {
    let app = TestApp::spawn_demo().await;
    let (code, _) = code_for(&app, AccessKind::Guardian, access_code::DEFAULT_TTL).await;
    let (_, token) = new_account(&app, true).await;
    app.graphql_as(&token, REDEEM, json!({ "code": wrong_verifier(&code) }))
        .await;
    app.graphql_as(&token, REDEEM, json!({ "code": code }))
        .await
        .assert_ok();
    for action in [
        "access_code.redeem_failed",
        "access_code.redeemed",
        "guardianship.created",
    ] {
        let n = scalar(
            &app,
            &format!("SELECT COUNT(*) AS n FROM audit_events WHERE action = '{action}'"),
        )
        .await;
        assert_eq!(n, 1, "{action}");
    }
}

#[tokio::test]
async fn an_unconfirmed_account_hears_the_same_for_a_valid_parents_code_and_a_wrong_one() {
    let app = TestApp::spawn_demo().await;
    let (valid, _) = code_for(&app, AccessKind::Guardian, access_code::DEFAULT_TTL).await;
    // The same selector with another verifier: a wrong guess at that very code.
    let mut wrong = valid.clone();
    let last = wrong
        .pop()
        .map_or('0', |c| if c == '0' { '1' } else { '0' });
    wrong.push(last);
    let (_, token) = new_account(&app, false).await;
    let answers: Vec<Value> = futures::future::join_all(
        [valid.as_str(), wrong.as_str(), "ABCD-EFGH-JKMN-PQRS-TVWX"]
            .map(|code| app.graphql_as(&token, REDEEM, json!({ "code": code }))),
    )
    .await
    .into_iter()
    .map(|answer| answer.body["errors"].clone())
    .collect();
    assert!(
        answers[0].to_string().contains("confirmed"),
        "{}",
        answers[0]
    );
    assert_eq!(answers[0], answers[1], "valid and wrong codes differ");
    assert_eq!(answers[0], answers[2], "valid and unknown codes differ");
    // The valid code is still there for a confirmed parent.
    let (_, confirmed) = new_account(&app, true).await;
    app.graphql_as(&confirmed, REDEEM, json!({ "code": valid }))
        .await
        .assert_ok();
}

#[tokio::test]
async fn a_parent_who_types_the_childs_own_code_does_not_become_the_child() {
    let app = TestApp::spawn_demo().await;
    let (code, student) = code_for(&app, AccessKind::Student, access_code::DEFAULT_TTL).await;
    // The demo parent has two children linked.
    app.sign_in_dev("parent", "demo-parent").await;
    let before = app.graphql(CHILDREN, json!({})).await.assert_ok().clone();
    let refused = app.graphql(REDEEM, json!({ "code": code })).await;
    assert_eq!(
        refused.error_codes(),
        vec!["BAD_USER_INPUT"],
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .to_string()
            .contains("student's own sign-in code"),
        "{}",
        refused.body
    );
    assert_eq!(app.graphql(CHILDREN, json!({})).await.assert_ok(), &before);
    let owner = scalar(
        &app,
        &format!(
            "SELECT COUNT(*) AS n FROM students WHERE id = {student} AND account_id IS NOT NULL"
        ),
    )
    .await;
    assert_eq!(owner, 0, "the student now belongs to the parent's account");
    // Not spent: the student can still use it, from an account of their own.
    let (_, own) = new_account(&app, false).await;
    let redeemed = app.graphql_as(&own, REDEEM, json!({ "code": code })).await;
    assert_eq!(redeemed.assert_ok()["redeemAccessCode"]["guardian"], false);

    // A member of staff is refused the same way.
    let (staff_code, _) = code_for(&app, AccessKind::Student, access_code::DEFAULT_TTL).await;
    let teacher = app.sign_in("teacher", "demo-teacher").await;
    let refused = app
        .graphql_as(&teacher, REDEEM, json!({ "code": staff_code }))
        .await;
    assert_eq!(
        refused.error_codes(),
        vec!["BAD_USER_INPUT"],
        "{}",
        refused.body
    );
}

#[tokio::test]
async fn the_link_page_says_what_kind_of_code_it_takes_and_what_happened() {
    let app = TestApp::spawn_demo().await;
    let (code, _) = code_for(&app, AccessKind::Student, access_code::DEFAULT_TTL).await;
    app.sign_in_dev("parent", "demo-parent").await;
    let html = app.get("/auth/link").await.text().await.unwrap_or_default();
    assert!(html.contains("Код родителя"), "{html}");
    let csrf = dnevnik_tests::hidden_fields(&html)
        .into_iter()
        .find(|(name, _)| name == "csrf")
        .map(|(_, v)| v)
        .unwrap_or_default();
    let posted = app
        .client
        .post(app.url("/auth/link"))
        .form(&[("csrf", csrf.as_str()), ("code", code.as_str())])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(posted.status(), 422);
    let page = posted.text().await.unwrap_or_default();
    assert!(page.contains("код самого ученика"), "{page}");
    assert!(!page.contains("добавлен"), "{page}");
    // Even sent as a confirmation, the parent's account stays a parent's.
    let confirmed = app
        .client
        .post(app.url("/auth/link"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("code", code.as_str()),
            ("confirm", "1"),
        ])
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    assert_eq!(confirmed, 422);
}

#[tokio::test]
async fn a_student_code_is_named_before_it_makes_an_account_the_students() {
    let app = TestApp::spawn_demo().await;
    let (code, student) = code_for(&app, AccessKind::Student, access_code::DEFAULT_TTL).await;
    // A fresh account with no children and no post: the code may be its own.
    app.sign_in_dev("parent2", "demo-parent").await;
    let html = app.get("/auth/link").await.text().await.unwrap_or_default();
    let csrf = dnevnik_tests::hidden_fields(&html)
        .into_iter()
        .find(|(name, _)| name == "csrf")
        .map(|(_, v)| v)
        .unwrap_or_default();
    let checked = app
        .client
        .post(app.url("/auth/link"))
        .form(&[("csrf", csrf.as_str()), ("code", code.as_str())])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(checked.status(), 200);
    let page = checked.text().await.unwrap_or_default();
    assert!(page.contains("Код ученика"), "{page}");
    assert!(
        page.contains("Если вы родитель, не подтверждайте"),
        "{page}"
    );
    let owner = scalar(
        &app,
        &format!(
            "SELECT COUNT(*) AS n FROM students WHERE id = {student} AND account_id IS NOT NULL"
        ),
    )
    .await;
    assert_eq!(owner, 0, "the student code was used before confirmation");
    let unused = scalar(
        &app,
        &format!(
            "SELECT COUNT(*) AS n FROM access_codes WHERE student_id = {student} \
             AND kind = 'student' AND redeemed_at IS NULL"
        ),
    )
    .await;
    assert_eq!(unused, 1);
}
