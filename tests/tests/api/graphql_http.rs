//! The GraphQL endpoint over HTTP: one JSON request per POST, nothing else.

use dnevnik_tests::TestApp;
use serde_json::json;

#[tokio::test]
async fn an_anonymous_viewer_is_null() {
    let app = TestApp::spawn().await;
    let response = app
        .graphql("{ viewer { account { id } } }", json!({}))
        .await;
    assert_eq!(response.status, 200);
    assert_eq!(response.assert_ok()["viewer"], serde_json::Value::Null);
}

#[tokio::test]
async fn a_text_plain_body_is_refused() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "text/plain")
        .body(r#"{"query":"{ viewer { account { id } } }"}"#)
        .send()
        .await?;
    assert_eq!(response.status(), 415);
    Ok(())
}

#[tokio::test]
async fn malformed_json_gets_a_generic_error() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body(r#"{"query": "{ viewer "#)
        .send()
        .await?;
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await?;
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(!message.contains("line"), "serde detail leaked: {message}");
    Ok(())
}

#[tokio::test]
async fn a_batch_of_requests_is_refused() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&json!([{ "query": "{ viewer { account { id } } }" }, { "query": "{ viewer { account { id } } }" }]))
        .send()
        .await?;
    assert_eq!(response.status(), 400);
    Ok(())
}

#[tokio::test]
async fn an_oversized_body_is_refused() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let padding = "x".repeat(70 * 1024);
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": "{ viewer { account { id } } }", "variables": { "p": padding } }))
        .send()
        .await?;
    assert_eq!(response.status(), 413);
    Ok(())
}

#[tokio::test]
async fn field_suggestions_are_not_given() {
    let app = TestApp::spawn().await;
    let response = app.graphql("{ viewr { account { id } } }", json!({})).await;
    let message = response.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!message.is_empty());
    assert!(!message.contains("Did you mean"), "{message}");
}

#[tokio::test]
async fn graphiql_is_served_in_development() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let response = app.get("/graphql").await;
    assert_eq!(response.status(), 200);
    assert!(response.text().await?.contains("graphiql"));
    Ok(())
}

#[tokio::test]
async fn production_serves_neither_graphiql_nor_introspection() {
    let app = TestApp::spawn_with(|config| {
        config.environment = dnevnik_server::config::Environment::Production;
        config.secret_key = Some("a-test-secret-that-is-long-enough-1234".to_owned());
        config.public_url = Some("https://dnevnik.example.org".to_owned());
    })
    .await;
    assert_eq!(app.get("/graphql").await.status(), 405);
    let response = app
        .graphql("{ __schema { types { name } } }", json!({}))
        .await;
    assert!(
        response.body["data"]["__schema"].is_null(),
        "introspection answered: {}",
        response.body
    );
}
