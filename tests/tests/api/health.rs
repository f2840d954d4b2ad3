//! Liveness, readiness and the headers every response carries.

use dnevnik_migration::{Migrator, MigratorTrait};
use dnevnik_tests::TestApp;
use serde_json::json;

#[tokio::test]
async fn healthz_answers_while_the_process_lives() {
    let app = TestApp::spawn().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn readyz_answers_ready_when_the_database_is_migrated() {
    let app = TestApp::spawn().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    assert_eq!(body["database"], true);
    assert_eq!(body["migrations"], true);
}

#[tokio::test]
async fn readyz_answers_not_ready_when_a_migration_is_missing() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    Migrator::down(&app.db, Some(1)).await?;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 503);
    let body: serde_json::Value = response.json().await?;
    assert_eq!(body["migrations"], false);
    Ok(())
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_is_not_cacheable() {
    let app = TestApp::spawn().await;
    for path in ["/healthz", "/graphql", "/no-such-page"] {
        let response = app.get(path).await;
        let id = response.headers().get("x-request-id");
        assert!(id.is_some_and(|v| !v.is_empty()), "{path}: no request id");
        assert_eq!(
            response
                .headers()
                .get("cache-control")
                .map(|v| v.as_bytes()),
            Some(&b"no-store"[..]),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_client_request_id_is_echoed_back() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "trace-me-42")
        .send()
        .await?;
    assert_eq!(response.headers()["x-request-id"], "trace-me-42");
    Ok(())
}

#[tokio::test]
async fn metrics_count_answered_requests() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    app.get("/healthz").await;
    app.get("/no-such-page").await;
    let text = app.get("/metrics").await.text().await?;
    assert!(text.contains("dnevnik_http_requests_total 2"), "{text}");
    assert!(
        text.contains("dnevnik_http_client_errors_total 1"),
        "{text}"
    );
    Ok(())
}

#[tokio::test]
async fn metrics_time_graphql_requests_by_operation_and_outcome() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let post = |body: serde_json::Value| {
        let request = app.client.post(app.url("/graphql")).json(&body).send();
        async move { request.await?.error_for_status().map(drop) }
    };
    // Named in the document only, as the test client sends it.
    app.graphql("query Probe { __typename }", json!({}))
        .await
        .assert_ok();
    // Named by `operationName` among two operations.
    post(json!({
        "query": "query Probe { __typename } query Other { __typename }",
        "operationName": "Probe",
    }))
    .await?;
    app.graphql("{ __typename }", json!({})).await.assert_ok();
    // A field that does not exist: the answer carries errors.
    app.graphql("query Broken { noSuchField }", json!({})).await;
    // A name no dashboard wants as a label, and one the document does not even hold.
    let junk = "J".repeat(300);
    post(json!({ "query": "{ __typename }", "operationName": junk })).await?;
    app.graphql(&format!("query {junk} {{ __typename }}"), json!({}))
        .await
        .assert_ok();
    let text = app.get("/metrics").await.text().await?;
    let count = |operation: &str, outcome: &str| {
        format!(
            "dnevnik_graphql_request_duration_seconds_count{{operation=\"{operation}\",outcome=\"{outcome}\"}} "
        )
    };
    for (operation, outcome, n) in [
        ("Probe", "ok", 2),
        ("Probe", "error", 0),
        ("anonymous", "ok", 1),
        ("Broken", "error", 1),
        ("other", "error", 1),
        ("other", "ok", 1),
    ] {
        let line = format!("{}{n}\n", count(operation, outcome));
        assert!(text.contains(&line), "no {line:?} in\n{text}");
    }
    assert!(!text.contains(&junk), "{text}");
    // A histogram with buckets, not a summary.
    assert!(
        text.contains("# TYPE dnevnik_graphql_request_duration_seconds histogram"),
        "{text}"
    );
    assert!(
        text.contains(
            "dnevnik_graphql_request_duration_seconds_bucket{operation=\"Probe\",outcome=\"ok\",le=\"10\"} 2"
        ),
        "{text}"
    );
    // And HTTP requests by status class: the six POSTs so far answered 200.
    assert!(
        text.contains("dnevnik_http_request_duration_seconds_count{status=\"2xx\"} 6"),
        "{text}"
    );
    Ok(())
}

#[tokio::test]
async fn the_server_stops_when_told_to() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let url = app.url("/healthz");
    let client = app.client.clone();
    app.stop().await?;
    assert!(client.get(url).send().await.is_err(), "still answering");
    Ok(())
}

#[tokio::test]
async fn the_shutdown_grace_is_a_hard_limit_even_for_a_request_stuck_on_a_lock()
-> anyhow::Result<()> {
    use dnevnik_server::graphql::ids::{Kind, encode};
    use dnevnik_tests::world::{Who, World};
    use sea_orm::{ConnectionTrait, Database, Statement, TransactionTrait};
    use std::time::{Duration, Instant};

    let app = TestApp::spawn_with(|c| c.shutdown_grace_secs = 1).await;
    let w = World::build(&app).await?;
    // Another client holds the lock a mark needs, for longer than the grace.
    let other = Database::connect(app.database.url.as_str()).await?;
    let backend = other.get_database_backend();
    let lock = if app.database.is_postgres() {
        let txn = other.begin().await?;
        txn.execute_raw(Statement::from_string(
            backend,
            "LOCK TABLE marks IN ACCESS EXCLUSIVE MODE",
        ))
        .await?;
        txn
    } else {
        let txn = dnevnik_server::db::begin_write(&other).await?;
        txn.execute_raw(Statement::from_string(
            backend,
            "UPDATE marks SET comment = comment WHERE id = 0",
        ))
        .await?;
        txn
    };
    let record = {
        let app_url = app.url("/graphql");
        let client = app.client.clone();
        let token = w.token(Who::TeacherOfA).unwrap_or_default().to_owned();
        let variables = serde_json::json!({
            "s": encode(Kind::Student, w.student_a1).0,
            "l": encode(Kind::Lesson, w.lesson_math_a).0,
        });
        tokio::spawn(async move {
            client
                .post(app_url)
                .bearer_auth(token)
                .json(&serde_json::json!({
                    "query": "mutation($s: ID!, $l: ID!) { recordMark(input: {studentId: $s, lessonId: $l, value: 3}) { mark { id } } }",
                    "variables": variables,
                }))
                .send()
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = Instant::now();
    app.stop().await?;
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(3),
        "stopping with a 1 s grace took {took:?}"
    );
    // Stopping dropped the test database (and on PostgreSQL this connection with it).
    lock.rollback().await.ok();
    record.abort();
    Ok(())
}

#[tokio::test]
async fn pages_carry_a_content_security_policy_and_every_answer_the_basic_headers() {
    let app = TestApp::spawn().await;
    let page = app.get("/auth/login").await;
    let header = |response: &reqwest::Response, name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let csp = header(&page, "content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    for path in ["/auth/login", "/healthz", "/no-such-page"] {
        let response = app.get(path).await;
        assert_eq!(
            header(&response, "x-content-type-options"),
            "nosniff",
            "{path}"
        );
        assert_eq!(
            header(&response, "referrer-policy"),
            "same-origin",
            "{path}"
        );
        // Development runs on plain HTTP: no HSTS there.
        assert_eq!(header(&response, "strict-transport-security"), "", "{path}");
    }
    // No page has an inline script for the policy to break.
    let html = page.text().await.unwrap_or_default();
    assert!(!html.contains("<script>"), "{html}");
}

#[tokio::test]
async fn production_adds_hsts_and_hides_metrics_without_the_token() {
    let app = TestApp::spawn_with(|c| {
        c.environment = dnevnik_server::config::Environment::Production;
        c.secret_key = Some("s".repeat(40));
        c.public_url = Some("https://dnevnik.example.org".to_owned());
        c.metrics_token = Some("metrics-secret-token".to_owned());
    })
    .await;
    let health = app.get("/healthz").await;
    assert!(
        health
            .headers()
            .get("strict-transport-security")
            .is_some_and(|v| v.to_str().unwrap_or_default().contains("max-age=")),
    );
    assert_eq!(app.get("/metrics").await.status(), 404);
    let wrong = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("guess")
        .send()
        .await;
    assert_eq!(wrong.map(|r| r.status().as_u16()).unwrap_or(0), 404);
    let right = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("metrics-secret-token")
        .send()
        .await;
    assert_eq!(right.map(|r| r.status().as_u16()).unwrap_or(0), 200);
}
