//! Sessions and local sign-in over HTTP: the form and the GraphQL mutation, cookie and bearer,
//! sign-out, the session list and revocation, expiry, disabled accounts, attempt limits and
//! identical answers for unknown logins and wrong passwords.

use dnevnik_tests::TestApp;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

const WHO: &str = "{ viewer { account { displayName } sessions { id current kind } } }";

async fn csrf(app: &TestApp, path: &str) -> String {
    let html = app.get(path).await.text().await.unwrap_or_default();
    dnevnik_tests::hidden_fields(&html)
        .into_iter()
        .find(|(name, _)| name == "csrf")
        .map(|(_, value)| value)
        .unwrap_or_default()
}

async fn form_login(app: &TestApp, login: &str, password: &str) -> reqwest::Response {
    let token = csrf(app, "/auth/login").await;
    app.client
        .post(app.url("/auth/login"))
        .form(&[
            ("login", login),
            ("password", password),
            ("csrf", &token),
            ("return_to", "/"),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("login form: {e}"))
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("dnevnik_session=") && !c.starts_with("dnevnik_session=;"))
        .map(str::to_owned)
}

async fn exec(app: &TestApp, sql: &str) {
    app.db
        .execute_raw(Statement::from_string(app.db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

#[tokio::test]
async fn the_login_form_sets_a_session_cookie_that_graphql_accepts() {
    let app = TestApp::spawn_demo().await;
    let response = form_login(&app, "teacher", "demo-teacher").await;
    assert_eq!(response.status(), 303);
    let cookie = session_cookie(&response).unwrap_or_default();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "development cookies are not Secure: {cookie}"
    );
    let me = app.graphql(WHO, json!({})).await;
    let data = me.assert_ok();
    assert_eq!(data["viewer"]["sessions"][0]["kind"], "WEB");
    assert!(data["viewer"]["account"]["displayName"].is_string());
}

#[tokio::test]
async fn production_cookies_are_secure() {
    let app = TestApp::spawn_with(|c| {
        c.environment = dnevnik_server::config::Environment::Production;
        c.secret_key = Some("a-test-secret-that-is-long-enough-1234".to_owned());
        c.public_url = Some("https://dnevnik.example.org".to_owned());
    })
    .await;
    let page = app.get("/auth/login").await;
    let csrf_cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("dnevnik_csrf="))
        .unwrap_or_default()
        .to_owned();
    assert!(csrf_cookie.contains("Secure"), "{csrf_cookie}");
}

#[tokio::test]
async fn a_bearer_token_from_the_login_mutation_works_and_sign_out_ends_it() {
    let app = TestApp::spawn_demo().await;
    let token = app.sign_in("student", "demo-student").await;
    let me = app.graphql_as(&token, WHO, json!({})).await;
    assert_eq!(me.assert_ok()["viewer"]["sessions"][0]["kind"], "API");
    let out = app
        .graphql_as(&token, "mutation { logout { ended } }", json!({}))
        .await;
    assert_eq!(out.assert_ok()["logout"]["ended"], true);
    let after = app.graphql_as(&token, WHO, json!({})).await;
    assert_eq!(after.assert_ok()["viewer"], serde_json::Value::Null);
}

#[tokio::test]
async fn the_logout_form_ends_the_session_and_clears_the_cookie() {
    let app = TestApp::spawn_demo().await;
    form_login(&app, "teacher", "demo-teacher").await;
    let token = csrf(&app, "/").await;
    let response = app
        .client
        .post(app.url("/auth/logout"))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), 303);
    let cleared = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.starts_with("dnevnik_session=;") && c.contains("Max-Age=0"));
    assert!(cleared);
    let me = app.graphql(WHO, json!({})).await;
    assert_eq!(me.assert_ok()["viewer"], serde_json::Value::Null);
}

#[tokio::test]
async fn every_sign_in_starts_a_new_session() {
    let app = TestApp::spawn_demo().await;
    let first = session_cookie(&form_login(&app, "teacher", "demo-teacher").await);
    let second = session_cookie(&form_login(&app, "teacher", "demo-teacher").await);
    assert!(first.is_some() && second.is_some());
    assert_ne!(first, second);
    // Signing in again from the same browser ended the first session.
    let sessions = app.graphql(WHO, json!({})).await;
    let list = sessions.assert_ok()["viewer"]["sessions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(list.len(), 1, "{list:?}");
}

#[tokio::test]
async fn sessions_are_listed_and_one_can_be_revoked_but_not_someone_elses() {
    let app = TestApp::spawn_demo().await;
    let phone = app.sign_in("teacher", "demo-teacher").await;
    let laptop = app.sign_in("teacher", "demo-teacher").await;
    let other = app.sign_in("student", "demo-student").await;
    let list = app.graphql_as(&laptop, WHO, json!({})).await;
    let sessions = list.assert_ok()["viewer"]["sessions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(sessions.len(), 2);
    let phone_id = sessions
        .iter()
        .find(|s| s["current"] == false)
        .map(|s| s["id"].as_str().unwrap_or_default().to_owned())
        .unwrap_or_default();
    let revoke = "mutation($id: ID!) { revokeSession(input: {sessionId: $id}) { sessionId } }";
    // The student cannot end the teacher's session.
    let refused = app
        .graphql_as(&other, revoke, json!({ "id": phone_id }))
        .await;
    assert_eq!(refused.error_codes(), vec!["NOT_FOUND"]);
    let done = app
        .graphql_as(&laptop, revoke, json!({ "id": phone_id }))
        .await;
    done.assert_ok();
    let gone = app.graphql_as(&phone, WHO, json!({})).await;
    assert_eq!(gone.assert_ok()["viewer"], serde_json::Value::Null);
}

#[tokio::test]
async fn idle_and_expired_sessions_stop_working() {
    let app = TestApp::spawn_demo().await;
    let idle = app.sign_in("teacher", "demo-teacher").await;
    let old = app.sign_in("student", "demo-student").await;
    // Pretend the first was last used long ago and the second has reached its lifetime.
    exec(
        &app,
        "UPDATE sessions SET last_seen_at = '2020-01-01 00:00:00+00:00' \
                WHERE account_id = (SELECT id FROM accounts WHERE login = 'teacher')",
    )
    .await;
    exec(
        &app,
        "UPDATE sessions SET expires_at = '2020-01-01 00:00:00+00:00' \
                WHERE account_id = (SELECT id FROM accounts WHERE login = 'student')",
    )
    .await;
    for token in [idle, old] {
        let me = app.graphql_as(&token, WHO, json!({})).await;
        assert_eq!(me.assert_ok()["viewer"], serde_json::Value::Null);
    }
}

#[tokio::test]
async fn disabling_an_account_takes_effect_at_once() {
    let app = TestApp::spawn_demo().await;
    let token = app.sign_in("teacher", "demo-teacher").await;
    exec(
        &app,
        "UPDATE accounts SET status = 'disabled' WHERE login = 'teacher'",
    )
    .await;
    let me = app.graphql_as(&token, WHO, json!({})).await;
    assert_eq!(me.assert_ok()["viewer"], serde_json::Value::Null);
    let again = app
        .graphql(
            "mutation { login(input: {login: \"teacher\", password: \"demo-teacher\"}) { token } }",
            json!({}),
        )
        .await;
    assert_eq!(again.error_codes(), vec!["UNAUTHENTICATED"]);
}

#[tokio::test]
async fn unknown_logins_and_wrong_passwords_get_the_same_answer() {
    let app = TestApp::spawn_demo().await;
    let login =
        "mutation($l: String!, $p: String!) { login(input: {login: $l, password: $p}) { token } }";
    let unknown = app
        .graphql(login, json!({ "l": "no-such-user", "p": "x" }))
        .await;
    let wrong = app
        .graphql(login, json!({ "l": "teacher", "p": "x" }))
        .await;
    assert_eq!(unknown.body["errors"], wrong.body["errors"]);
    assert_eq!(unknown.error_codes(), vec!["UNAUTHENTICATED"]);
}

#[tokio::test]
async fn five_wrong_passwords_lock_a_login_and_the_right_one_then_waits() {
    let app = TestApp::spawn_demo().await;
    let login =
        "mutation($p: String!) { login(input: {login: \"teacher\", password: $p}) { token } }";
    for attempt in 1..=5 {
        let response = app.graphql(login, json!({ "p": "wrong" })).await;
        assert_eq!(
            response.error_codes(),
            vec!["UNAUTHENTICATED"],
            "attempt {attempt}"
        );
    }
    let locked = app.graphql(login, json!({ "p": "demo-teacher" })).await;
    assert_eq!(locked.error_codes(), vec!["RATE_LIMITED"]);
    // Another login from the same address still works.
    app.sign_in("student", "demo-student").await;
}

#[tokio::test]
async fn a_burst_of_parallel_wrong_passwords_gets_no_more_tries_than_the_limit() {
    let app = TestApp::spawn_demo().await;
    let login =
        "mutation($p: String!) { login(input: {login: \"teacher\", password: $p}) { token } }";
    // All at once: every request would pass a check made before the first failure is
    // written; counting first lets exactly five be tried.
    let answers =
        futures::future::join_all((0..20).map(|_| app.graphql(login, json!({ "p": "wrong" }))))
            .await;
    let codes: Vec<Vec<String>> = answers.iter().map(|r| r.error_codes()).collect();
    let tried = codes
        .iter()
        .filter(|c| *c == &vec!["UNAUTHENTICATED"])
        .count();
    let limited = codes.iter().filter(|c| *c == &vec!["RATE_LIMITED"]).count();
    assert_eq!((tried, limited), (5, 15), "{codes:?}");
    let locked = app.graphql(login, json!({ "p": "demo-teacher" })).await;
    assert_eq!(locked.error_codes(), vec!["RATE_LIMITED"]);
}

#[tokio::test]
async fn a_right_password_gives_its_count_back() {
    let app = TestApp::spawn_demo().await;
    let login =
        "mutation($p: String!) { login(input: {login: \"teacher\", password: $p}) { token } }";
    // Four wrong, then right ten times: successes do not use up the limit...
    for _ in 0..4 {
        app.graphql(login, json!({ "p": "wrong" })).await;
    }
    for _ in 0..10 {
        app.graphql(login, json!({ "p": "demo-teacher" }))
            .await
            .assert_ok();
    }
    // ...so one more wrong password is still tried, and the sixth attempt is refused.
    let fifth = app.graphql(login, json!({ "p": "wrong" })).await;
    assert_eq!(fifth.error_codes(), vec!["UNAUTHENTICATED"]);
    let sixth = app.graphql(login, json!({ "p": "demo-teacher" })).await;
    assert_eq!(sixth.error_codes(), vec!["RATE_LIMITED"]);
}

#[tokio::test]
async fn thirty_failures_from_one_address_stop_it() {
    let app = TestApp::spawn_demo().await;
    let login = "mutation($l: String!) { login(input: {login: $l, password: \"x\"}) { token } }";
    for attempt in 0..30 {
        let response = app
            .graphql(login, json!({ "l": format!("user-{attempt}") }))
            .await;
        assert_eq!(
            response.error_codes(),
            vec!["UNAUTHENTICATED"],
            "attempt {attempt}"
        );
    }
    let stopped = app
        .graphql(
            "mutation { login(input: {login: \"teacher\", password: \"demo-teacher\"}) { token } }",
            json!({}),
        )
        .await;
    assert_eq!(stopped.error_codes(), vec!["RATE_LIMITED"]);
}

#[tokio::test]
async fn a_cookie_request_from_another_origin_is_refused() -> anyhow::Result<()> {
    let app = TestApp::spawn_demo().await;
    form_login(&app, "teacher", "demo-teacher").await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("origin", "https://evil.example")
        .json(&json!({ "query": WHO }))
        .send()
        .await?;
    assert_eq!(response.status(), 403);
    Ok(())
}

#[tokio::test]
async fn sign_in_events_are_audited_without_secrets() -> anyhow::Result<()> {
    let app = TestApp::spawn_demo().await;
    let token = app.sign_in("teacher", "demo-teacher").await;
    app.graphql(
        "mutation { login(input: {login: \"teacher\", password: \"wrong-password\"}) { token } }",
        json!({}),
    )
    .await;
    app.graphql_as(&token, "mutation { logout { ended } }", json!({}))
        .await;
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT action, COALESCE(details, '') AS details FROM audit_events ORDER BY id",
        ))
        .await?;
    let mut actions = Vec::new();
    for row in rows {
        let action: String = row.try_get("", "action")?;
        let details: String = row.try_get("", "details")?;
        assert!(
            !details.contains("wrong-password") && !details.contains("teacher"),
            "{details}"
        );
        actions.push(action);
    }
    for expected in ["sign_in.succeeded", "sign_in.failed", "sign_out"] {
        assert!(
            actions.iter().any(|a| a == expected),
            "{expected} missing in {actions:?}"
        );
    }
    assert_eq!(
        dnevnik_server::service::audit::verify_chain(&app.db, None)
            .await
            .ok(),
        Some(None)
    );
    Ok(())
}

/// A burst on both sides of an hour does not get twice the limit: the previous window's
/// failures still count for the part of it within the last hour.
#[tokio::test]
async fn a_limit_holds_across_a_window_boundary() {
    let app = TestApp::spawn().await;
    let limit = dnevnik_server::auth::login::PER_ADDRESS;
    let hour = chrono::DateTime::parse_from_rfc3339("2026-12-06T05:00:00Z")
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_else(|e| panic!("{e}"));
    let before = hour - chrono::Duration::seconds(1);
    let after = hour + chrono::Duration::seconds(1);
    let db = &app.db;
    let take = |at| async move {
        limit
            .take(db, "boundary-test", at)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    };
    for n in 0..limit.max {
        assert!(take(before).await, "attempt {n} refused");
    }
    assert!(
        !take(before).await,
        "the limit did not hold in its own window"
    );
    // One second into the next window, the last hour already holds the limit.
    assert!(!take(after).await, "a new window gave a fresh allowance");
    // Once the burst has slid out of the last hour, attempts are allowed again.
    let next = hour + chrono::Duration::hours(1) + chrono::Duration::seconds(1);
    assert!(take(next).await, "the limit never lifted");
}
