//! Sign-in through identity providers, end to end over HTTP: the built-in development
//! provider, a standard OpenID Connect provider (a stub that can misbehave) and an ESIA-shaped
//! stub. Each refusal the security baseline demands is its own test.

use dnevnik_tests::TestApp;
use dnevnik_tests::stub_idp::{Misbehaviour, StubIdp};
use serde_json::{Value, json};

const WHO: &str = "{ viewer { account { displayName } confirmed students { label student { classUnit { name } } } } }";

async fn with_stub() -> (TestApp, StubIdp) {
    let stub = StubIdp::start().await;
    let providers = json!([stub.oidc_config("stub"), stub.esia_config("esia")]).to_string();
    let app = TestApp::spawn_with(move |c| c.oidc_providers = Some(providers)).await;
    (app, stub)
}

async fn viewer(app: &TestApp) -> Value {
    app.graphql(WHO, json!({})).await.assert_ok()["viewer"].clone()
}

async fn refused(mode: Misbehaviour) {
    let (app, stub) = with_stub().await;
    stub.misbehave(mode.clone());
    let (status, _) = app.sign_in_via("stub", "/").await;
    assert_eq!(status, 400, "{mode:?} was accepted");
    assert_eq!(viewer(&app).await, Value::Null, "{mode:?} signed in");
}

#[tokio::test]
async fn the_development_provider_signs_a_parent_in_without_a_browser() {
    let app = TestApp::spawn_demo().await;
    let (status, location) = app.sign_in_dev("parent", "demo-parent").await;
    assert_eq!(status, 303);
    assert_eq!(location.as_deref(), Some(app.url("/").as_str()));
    let me = viewer(&app).await;
    assert_eq!(me["confirmed"], true);
    let classes: Vec<&str> = me["students"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["student"]["classUnit"]["name"].as_str())
        .collect();
    assert_eq!(classes, vec!["5А", "2Б"]);
    // The landing page greets the parent and lists the children.
    let home = app.get("/").await.text().await.unwrap_or_default();
    assert!(
        home.contains("Мои дети") && home.contains("5А") && home.contains("2Б"),
        "{home}"
    );
}

#[tokio::test]
async fn the_development_provider_refuses_a_wrong_password() {
    let app = TestApp::spawn_demo().await;
    let (status, _) = app.sign_in_dev("parent", "wrong").await;
    assert_eq!(status, 0, "the provider must not send the browser back");
    assert_eq!(viewer(&app).await, Value::Null);
}

#[tokio::test]
async fn a_standard_provider_signs_in_and_creates_a_parent_account_once() {
    let (app, stub) = with_stub().await;
    stub.sign_in_as("alice", true);
    let (status, location) = app.sign_in_via("stub", "/auth/link").await;
    assert_eq!(status, 303);
    assert_eq!(location.as_deref(), Some(app.url("/auth/link").as_str()));
    let me = viewer(&app).await;
    assert_eq!(me["account"]["displayName"], "Тестовый Родитель");
    assert_eq!(me["confirmed"], true);
    assert_eq!(me["students"], json!([]));
    // The same identity again: the same account, not a second one.
    app.sign_in_via("stub", "/").await;
    let accounts = app
        .graphql("{ viewer { account { id } } }", json!({}))
        .await
        .assert_ok()["viewer"]["account"]["id"]
        .clone();
    let (_, _) = app.sign_in_via("stub", "/").await;
    let again = app
        .graphql("{ viewer { account { id } } }", json!({}))
        .await;
    assert_eq!(again.assert_ok()["viewer"]["account"]["id"], accounts);
}

#[tokio::test]
async fn the_esia_adapter_signs_in_with_signed_secrets_and_the_state_echo() {
    let (app, stub) = with_stub().await;
    stub.sign_in_as("1000012345", true);
    let (status, _) = app.sign_in_via("esia", "/").await;
    assert_eq!(status, 303);
    assert_eq!(stub.bad_signatures(), 0, "ESIA refused a client secret");
    let me = viewer(&app).await;
    assert_eq!(me["account"]["displayName"], "Госуслугова Анна Петровна");
    assert_eq!(me["confirmed"], true);
}

#[tokio::test]
async fn an_unconfirmed_esia_account_signs_in_unconfirmed() {
    let (app, stub) = with_stub().await;
    stub.sign_in_as("1000099999", false);
    let (status, _) = app.sign_in_via("esia", "/").await;
    assert_eq!(status, 303);
    assert_eq!(viewer(&app).await["confirmed"], false);
}

#[tokio::test]
async fn esia_refuses_a_token_response_with_another_state() {
    let (app, stub) = with_stub().await;
    stub.echo_wrong_state(true);
    let (status, _) = app.sign_in_via("esia", "/").await;
    assert_eq!(status, 400);
    assert_eq!(viewer(&app).await, Value::Null);
}

#[tokio::test]
async fn a_missing_state_is_refused() {
    let (app, _stub) = with_stub().await;
    let response = app.get("/auth/oidc/stub/callback?code=abc").await;
    assert_eq!(response.status(), 400);
    assert_eq!(viewer(&app).await, Value::Null);
}

#[tokio::test]
async fn a_wrong_state_is_refused() {
    let (app, stub) = with_stub().await;
    let start = app.get("/auth/oidc/stub/start").await;
    assert_eq!(start.status(), 303);
    let to_provider = start.headers()["location"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    let back = app.fetch(&to_provider).await;
    let callback = back.headers()["location"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    let tampered = url::Url::parse(&callback)
        .map(|mut u| {
            let pairs: Vec<(String, String)> = u
                .query_pairs()
                .map(|(k, v)| {
                    let v = if k == "state" {
                        "forged-state".to_owned()
                    } else {
                        v.into_owned()
                    };
                    (k.into_owned(), v)
                })
                .collect();
            u.query_pairs_mut().clear().extend_pairs(pairs);
            u.to_string()
        })
        .unwrap_or_default();
    assert_eq!(app.fetch(&tampered).await.status(), 400);
    assert_eq!(viewer(&app).await, Value::Null);
    drop(stub);
}

#[tokio::test]
async fn a_replayed_state_is_refused() {
    let (app, _stub) = with_stub().await;
    let start = app.get("/auth/oidc/stub/start").await;
    let to_provider = start.headers()["location"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    let back = app.fetch(&to_provider).await;
    let callback = back.headers()["location"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(app.fetch(&callback).await.status(), 303);
    // Sign out and replay the same callback.
    let token = app
        .graphql("mutation { logout { ended } }", json!({}))
        .await;
    token.assert_ok();
    assert_eq!(app.fetch(&callback).await.status(), 400);
    assert_eq!(viewer(&app).await, Value::Null);
}

#[tokio::test]
async fn a_callback_in_another_browser_is_refused() {
    let (app, _stub) = with_stub().await;
    let start = app.get("/auth/oidc/stub/start").await;
    let to_provider = start.headers()["location"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    let back = app.fetch(&to_provider).await;
    let callback = back.headers()["location"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    // A fresh client without the pre-login cookie (an attacker's link in a victim's browser).
    let other = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default();
    let response = other
        .get(&callback)
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    assert_eq!(response, 400);
}

#[tokio::test]
async fn a_wrong_nonce_is_refused() {
    refused(Misbehaviour {
        wrong_nonce: true,
        ..Default::default()
    })
    .await;
}

#[tokio::test]
async fn a_wrong_issuer_in_the_id_token_is_refused() {
    refused(Misbehaviour {
        wrong_issuer: true,
        ..Default::default()
    })
    .await;
}

#[tokio::test]
async fn a_wrong_issuer_in_the_authorization_response_is_refused() {
    refused(Misbehaviour {
        wrong_response_issuer: true,
        ..Default::default()
    })
    .await;
}

#[tokio::test]
async fn a_missing_issuer_from_a_provider_that_announces_it_is_refused() {
    refused(Misbehaviour {
        no_response_issuer: true,
        ..Default::default()
    })
    .await;
}

#[tokio::test]
async fn a_wrong_audience_is_refused() {
    refused(Misbehaviour {
        wrong_audience: true,
        ..Default::default()
    })
    .await;
}

#[tokio::test]
async fn an_unsigned_token_is_refused() {
    refused(Misbehaviour {
        alg_none: true,
        ..Default::default()
    })
    .await;
}

#[tokio::test]
async fn an_hs256_token_keyed_with_the_public_key_is_refused() {
    refused(Misbehaviour {
        hs256: true,
        ..Default::default()
    })
    .await;
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    refused(Misbehaviour {
        expired: true,
        ..Default::default()
    })
    .await;
}

#[tokio::test]
async fn a_token_from_the_future_is_refused() {
    refused(Misbehaviour {
        future: true,
        ..Default::default()
    })
    .await;
}

#[tokio::test]
async fn a_userinfo_subject_mismatch_is_refused() {
    refused(Misbehaviour {
        userinfo_other_subject: true,
        ..Default::default()
    })
    .await;
}

async fn stays_on_the_site(evil: &str) {
    let (app, _stub) = with_stub().await;
    let (status, location) = app.sign_in_via("stub", evil).await;
    assert_eq!(status, 303, "{evil}");
    assert_eq!(location.as_deref(), Some(app.url("/").as_str()), "{evil}");
}

#[tokio::test]
async fn return_to_another_origin_is_replaced_by_the_home_page() {
    stays_on_the_site("https://evil").await;
}

#[tokio::test]
async fn return_to_a_protocol_relative_url_is_replaced_by_the_home_page() {
    stays_on_the_site("//evil").await;
}

#[tokio::test]
async fn return_to_a_backslash_url_is_replaced_by_the_home_page() {
    stays_on_the_site("/\\evil").await;
}

#[tokio::test]
async fn an_unknown_provider_is_not_found() {
    let (app, _stub) = with_stub().await;
    assert_eq!(app.get("/auth/oidc/nope/start").await.status(), 404);
}

#[tokio::test]
async fn the_development_provider_does_not_exist_in_production() {
    let app = TestApp::spawn_with(|c| {
        c.environment = dnevnik_server::config::Environment::Production;
        c.secret_key = Some("a-test-secret-that-is-long-enough-1234".to_owned());
        c.public_url = Some("https://dnevnik.example.org".to_owned());
    })
    .await;
    assert_eq!(
        app.get("/dev-idp/.well-known/openid-configuration")
            .await
            .status(),
        404
    );
    assert_eq!(app.get("/auth/oidc/dev/start").await.status(), 404);
}
