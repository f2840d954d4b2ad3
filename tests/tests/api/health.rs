//! Liveness, readiness and the headers every response carries.

use dnevnik_migration::{Migrator, MigratorTrait};
use dnevnik_tests::TestApp;

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
async fn the_server_stops_when_told_to() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let url = app.url("/healthz");
    let client = app.client.clone();
    app.stop().await?;
    assert!(client.get(url).send().await.is_err(), "still answering");
    Ok(())
}
