//! Interoperability with a certified OpenID Connect provider (node `oidc-provider`, kept in
//! tests/oidc-provider). Ignored in a plain `cargo test`: `.ci/run` starts the provider on
//! 127.0.0.1:4444 and runs this with `--ignored`.

use dnevnik_tests::TestApp;
use serde_json::json;

/// Where `.ci/run` starts the provider; the app must listen where its redirect URI points.
const ISSUER: &str = "http://127.0.0.1:4444";
const APP: &str = "127.0.0.1:18765";

async fn sign_in(app: &TestApp, login: &str, password: &str) -> u16 {
    let mut next = app.url("/auth/oidc/certified/start?return_to=%2F");
    let callback = app.url("/auth/oidc/certified/callback");
    for _ in 0..12 {
        let response = app.fetch(&next).await;
        let status = response.status().as_u16();
        if let Some(location) = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
        {
            next = if location.starts_with('/') {
                let base = if next.starts_with(ISSUER) {
                    ISSUER.to_owned()
                } else {
                    app.url("")
                };
                format!("{base}{location}")
            } else {
                location.to_owned()
            };
            if next.starts_with(&callback) {
                return app.fetch(&next).await.status().as_u16();
            }
            continue;
        }
        let html = response.text().await.unwrap_or_default();
        let Some(action) = html
            .split("action=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(str::to_owned)
        else {
            return status;
        };
        let posted = app
            .client
            .post(format!("{ISSUER}{action}"))
            .form(&[("login", login), ("password", password)])
            .send()
            .await;
        let Some(location) = posted.ok().and_then(|r| {
            r.headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        }) else {
            return 0;
        };
        next = if location.starts_with('/') {
            format!("{ISSUER}{location}")
        } else {
            location
        };
    }
    0
}

async fn spawn() -> TestApp {
    let providers = json!([{
        "name": "certified",
        "kind": "oidc",
        "issuer": ISSUER,
        "client_id": "dnevnik",
        "client_secret": "dnevnik-interop-secret",
        "scopes": ["profile", "trusted"],
        "trusted_claim": "trusted",
    }])
    .to_string();
    TestApp::spawn_with(move |c| {
        c.oidc_providers = Some(providers);
        c.listen = APP.parse().unwrap_or(c.listen);
    })
    .await
}

#[tokio::test]
#[ignore = "needs the certified provider that .ci/run starts"]
async fn a_certified_provider_signs_parents_in_end_to_end() -> anyhow::Result<()> {
    let who = "{ viewer { confirmed account { displayName } } }";
    let app = spawn().await;
    assert_eq!(sign_in(&app, "confirmed", "confirmed-pass").await, 303);
    let viewer = app.graphql(who, json!({})).await.assert_ok()["viewer"].clone();
    assert_eq!(viewer["account"]["displayName"], "Иванова Мария Петровна");
    assert_eq!(viewer["confirmed"], true);
    app.stop().await?;

    // An unconfirmed identity signs in unconfirmed; a wrong password never reaches us.
    let app = spawn().await;
    assert_ne!(sign_in(&app, "unconfirmed", "wrong").await, 303);
    assert_eq!(
        app.graphql(who, json!({})).await.assert_ok()["viewer"],
        serde_json::Value::Null
    );
    assert_eq!(sign_in(&app, "unconfirmed", "unconfirmed-pass").await, 303);
    let viewer = app.graphql(who, json!({})).await.assert_ok()["viewer"].clone();
    assert_eq!(viewer["confirmed"], false);
    app.stop().await?;
    Ok(())
}
