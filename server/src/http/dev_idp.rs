//! The development identity provider `dev`, mounted at `/dev-idp` in development only: a
//! small but real OpenID Connect provider (discovery, JWKS, authorize with a plain HTML login
//! form, token with PKCE S256, userinfo, end-session) with the demo parents of DESIGN.md. It
//! lets a parent sign in locally the way they would through ESIA; the relying party code that
//! talks to it is the same that talks to any provider.
//!
//! Its state (pending codes, access tokens) lives in this process: it exists for one developer
//! machine, never for a replicated deployment.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use dnevnik_admin_ui::{DevLoginPage, Template};
use openidconnect::core::{
    CoreGenderClaim, CoreJsonWebKeySet, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreRsaPrivateSigningKey,
};
use openidconnect::{
    AdditionalClaims, Audience, EndUserName, IdToken, IdTokenClaims, IssuerUrl, JsonWebKeyId,
    LocalizedClaim, Nonce, PrivateSigningKey, StandardClaims, SubjectIdentifier,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::auth::token::new_token;
use crate::config::{ProviderConfig, ProviderKind};
use crate::state::AppState;

/// The relying party's client id at the development provider.
pub const CLIENT_ID: &str = "dnevnik-dev";
/// Its client secret (public: development only).
pub const CLIENT_SECRET: &str = "dnevnik-dev-secret";

/// The demo users: login, password, name, whether the account is confirmed.
pub const USERS: &[(&str, &str, &str, bool)] = &[
    ("parent", "demo-parent", "Демо-родитель", true),
    ("parent2", "demo-parent", "Демо-родитель 2", true),
    (
        "parent3",
        "demo-parent",
        "Демо-родитель 3 (не подтверждён)",
        false,
    ),
];

/// The `trusted` claim (the development stand-in for ESIA's `is_tru`).
#[derive(Clone, Debug, Deserialize, Serialize)]
struct TrustedClaim {
    trusted: bool,
}

impl AdditionalClaims for TrustedClaim {}

type DevIdToken = IdToken<
    TrustedClaim,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

/// The provider's signing key, made once per process (development only).
static KEY: LazyLock<Option<CoreRsaPrivateSigningKey>> = LazyLock::new(|| {
    use rsa::pkcs1::{EncodeRsaPrivateKey, LineEnding};
    let mut rng = rsa::rand_core::OsRng;
    let key = rsa::RsaPrivateKey::new(&mut rng, 2048).ok()?;
    let pem = key.to_pkcs1_pem(LineEnding::LF).ok()?;
    CoreRsaPrivateSigningKey::from_pem(&pem, Some(JsonWebKeyId::new("dev-1".to_owned()))).ok()
});

struct Grant {
    login: &'static str,
    redirect_uri: String,
    challenge: String,
    nonce: Option<String>,
    expires: chrono::DateTime<Utc>,
}

#[derive(Default)]
struct Store {
    codes: HashMap<String, Grant>,
    tokens: HashMap<String, &'static str>,
}

static STORE: LazyLock<Mutex<Store>> = LazyLock::new(|| Mutex::new(Store::default()));

/// The provider entry the relying party uses for `dev`.
pub fn client_config(base: &str) -> ProviderConfig {
    ProviderConfig {
        name: "dev".to_owned(),
        kind: ProviderKind::Oidc,
        label: Some("Войти через Госуслуги (тестовый поставщик)".to_owned()),
        issuer: issuer(base),
        client_id: CLIENT_ID.to_owned(),
        client_secret: Some(CLIENT_SECRET.to_owned()),
        scopes: vec!["profile".to_owned()],
        trusted_claim: Some("trusted".to_owned()),
        token_issuer: None,
        provider_certificate_pem: None,
        client_certificate_hash: None,
        signer: None,
    }
}

/// The provider's issuer for a public base URL.
pub fn issuer(base: &str) -> String {
    format!("{base}/dev-idp")
}

/// The provider's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dev-idp/.well-known/openid-configuration", get(discovery))
        .route("/dev-idp/jwks", get(jwks))
        .route("/dev-idp/authorize", get(authorize_form).post(authorize))
        .route("/dev-idp/token", axum::routing::post(token))
        .route("/dev-idp/userinfo", get(userinfo))
        .route("/dev-idp/logout", get(logout))
}

async fn discovery(State(state): State<AppState>) -> Json<serde_json::Value> {
    let issuer = issuer(&state.config.public_url());
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "userinfo_endpoint": format!("{issuer}/userinfo"),
        "jwks_uri": format!("{issuer}/jwks"),
        "end_session_endpoint": format!("{issuer}/logout"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid", "profile"],
        "claims_supported": ["sub", "name", "trusted"],
        "authorization_response_iss_parameter_supported": true,
    }))
}

async fn jwks() -> Response {
    match KEY.as_ref() {
        Some(key) => Json(CoreJsonWebKeySet::new(vec![key.as_verification_key()])).into_response(),
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// An authorization request, as query (GET) or form fields (POST).
#[derive(Clone, Debug, Default, Deserialize)]
struct AuthorizeParams {
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    redirect_uri: String,
    #[serde(default)]
    response_type: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    nonce: Option<String>,
    #[serde(default)]
    code_challenge: String,
    #[serde(default)]
    code_challenge_method: String,
    #[serde(default)]
    login: Option<String>,
    #[serde(default)]
    password: Option<String>,
}

impl AuthorizeParams {
    fn hidden(&self) -> Vec<(String, String)> {
        let mut fields = vec![
            ("client_id".to_owned(), self.client_id.clone()),
            ("redirect_uri".to_owned(), self.redirect_uri.clone()),
            ("response_type".to_owned(), self.response_type.clone()),
            ("scope".to_owned(), self.scope.clone()),
            ("state".to_owned(), self.state.clone()),
            ("code_challenge".to_owned(), self.code_challenge.clone()),
            (
                "code_challenge_method".to_owned(),
                self.code_challenge_method.clone(),
            ),
        ];
        if let Some(nonce) = &self.nonce {
            fields.push(("nonce".to_owned(), nonce.clone()));
        }
        fields
    }

    /// The request is for our relying party, at its exact redirect URI, with PKCE S256.
    fn check(&self, base: &str) -> Result<(), &'static str> {
        if self.client_id != CLIENT_ID {
            return Err("unknown client");
        }
        if self.redirect_uri != format!("{base}/auth/oidc/dev/callback") {
            return Err("redirect URI not registered");
        }
        if self.response_type != "code" || !self.scope.split(' ').any(|s| s == "openid") {
            return Err("only the authorization-code flow with openid is supported");
        }
        if self.code_challenge_method != "S256" || self.code_challenge.len() < 43 {
            return Err("PKCE S256 is required");
        }
        Ok(())
    }
}

fn login_page(params: &AuthorizeParams, error: Option<String>, status: StatusCode) -> Response {
    let page = DevLoginPage {
        error,
        hidden: params.hidden(),
        users: USERS
            .iter()
            .map(|(login, _, _, trusted)| {
                let note = if *trusted {
                    "подтверждённая"
                } else {
                    "неподтверждённая"
                };
                ((*login).to_owned(), note.to_owned())
            })
            .collect(),
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn authorize_form(
    State(state): State<AppState>,
    Query(params): Query<AuthorizeParams>,
) -> Response {
    if let Err(problem) = params.check(&state.config.public_url()) {
        return (StatusCode::BAD_REQUEST, problem).into_response();
    }
    login_page(&params, None, StatusCode::OK)
}

async fn authorize(State(state): State<AppState>, Form(params): Form<AuthorizeParams>) -> Response {
    let base = state.config.public_url();
    if let Err(problem) = params.check(&base) {
        return (StatusCode::BAD_REQUEST, problem).into_response();
    }
    let user = USERS.iter().find(|(login, password, _, _)| {
        params.login.as_deref() == Some(*login) && params.password.as_deref() == Some(*password)
    });
    let Some((login, _, _, _)) = user else {
        return login_page(
            &params,
            Some("Неверный логин или пароль.".to_owned()),
            StatusCode::UNAUTHORIZED,
        );
    };
    let Ok(code) = new_token() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(mut store) = STORE.lock() {
        store.codes.retain(|_, g| g.expires > Utc::now());
        store.codes.insert(
            code.clone(),
            Grant {
                login,
                redirect_uri: params.redirect_uri.clone(),
                challenge: params.code_challenge.clone(),
                nonce: params.nonce.clone(),
                expires: Utc::now() + chrono::Duration::minutes(2),
            },
        );
    }
    let Ok(mut target) = url::Url::parse(&params.redirect_uri) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    target
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &params.state)
        .append_pair("iss", &issuer(&base));
    Redirect::to(target.as_str()).into_response()
}

#[derive(Deserialize)]
struct TokenRequest {
    grant_type: String,
    code: String,
    redirect_uri: String,
    code_verifier: String,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    client_secret: Option<String>,
}

fn token_error(error: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))).into_response()
}

/// Client authentication by HTTP Basic or form fields.
fn client_authenticated(headers: &HeaderMap, form: &TokenRequest) -> bool {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .and_then(|b| String::from_utf8(b).ok());
    let (id, secret) = match basic {
        Some(pair) => match pair.split_once(':') {
            Some((id, secret)) => (id.to_owned(), secret.to_owned()),
            None => return false,
        },
        None => (
            form.client_id.clone().unwrap_or_default(),
            form.client_secret.clone().unwrap_or_default(),
        ),
    };
    // The form-urlencoded Basic credentials of RFC 6749 decode to the same plain strings here.
    id == CLIENT_ID && secret == CLIENT_SECRET
}

async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<TokenRequest>,
) -> Response {
    if !client_authenticated(&headers, &form) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "error": "invalid_client" })),
        )
            .into_response();
    }
    if form.grant_type != "authorization_code" {
        return token_error("unsupported_grant_type");
    }
    let grant = STORE
        .lock()
        .ok()
        .and_then(|mut s| s.codes.remove(&form.code));
    let Some(grant) = grant.filter(|g| g.expires > Utc::now()) else {
        return token_error("invalid_grant");
    };
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(form.code_verifier.as_bytes()));
    if grant.redirect_uri != form.redirect_uri || challenge != grant.challenge {
        return token_error("invalid_grant");
    }
    let Some(user) = USERS.iter().find(|u| u.0 == grant.login) else {
        return token_error("invalid_grant");
    };
    let Some(key) = KEY.as_ref() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let base = state.config.public_url();
    let Ok(issuer_url) = IssuerUrl::new(issuer(&base)) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let now = Utc::now();
    let mut name = LocalizedClaim::new();
    name.insert(None, EndUserName::new(user.2.to_owned()));
    let claims = IdTokenClaims::new(
        issuer_url,
        vec![Audience::new(CLIENT_ID.to_owned())],
        now + chrono::Duration::minutes(5),
        now,
        StandardClaims::new(SubjectIdentifier::new(user.0.to_owned())).set_name(Some(name)),
        TrustedClaim { trusted: user.3 },
    )
    .set_nonce(grant.nonce.map(Nonce::new));
    let id_token = match DevIdToken::new(
        claims,
        key,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        None,
        None,
    ) {
        Ok(token) => token,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let Ok(access_token) = new_token() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(mut store) = STORE.lock() {
        store.tokens.insert(access_token.clone(), user.0);
    }
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token.to_string(),
        })),
    )
        .into_response()
}

async fn userinfo(headers: HeaderMap) -> Response {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let login = bearer.and_then(|t| STORE.lock().ok().and_then(|s| s.tokens.get(t).copied()));
    match login.and_then(|l| USERS.iter().find(|u| u.0 == l)) {
        Some((login, _, name, trusted)) => {
            Json(json!({ "sub": login, "name": name, "trusted": trusted })).into_response()
        }
        None => StatusCode::UNAUTHORIZED.into_response(),
    }
}

#[derive(Deserialize)]
struct LogoutParams {
    #[serde(default)]
    post_logout_redirect_uri: Option<String>,
}

async fn logout(State(state): State<AppState>, Query(params): Query<LogoutParams>) -> Response {
    let base = state.config.public_url();
    match params.post_logout_redirect_uri {
        // Only back to the relying party.
        Some(uri) if uri == format!("{base}/") || uri == base => Redirect::to(&uri).into_response(),
        _ => Html("<!doctype html><title>Выход</title><p>Вы вышли из тестового поставщика.</p>")
            .into_response(),
    }
}
