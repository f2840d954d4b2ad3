//! Identity providers for tests, on loopback: an OpenID Connect provider that can be told to
//! misbehave in each way the relying party must refuse (wrong nonce, issuer, audience,
//! algorithm, times, userinfo subject, response `iss`), and an ESIA-shaped stub that checks
//! the signed client secrets and answers like ESIA (state echo, `urn:esia:sbj`, `is_tru`).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Two RSA keys per test process: the providers' signing key and the relying party's ESIA
/// client-secret key. Generated once: RSA key generation is slow.
static KEYS: LazyLock<(RsaPrivateKey, RsaPrivateKey)> = LazyLock::new(|| {
    let mut rng = rsa::rand_core::OsRng;
    let provider = RsaPrivateKey::new(&mut rng, 2048);
    let client = RsaPrivateKey::new(&mut rng, 2048);
    match (provider, client) {
        (Ok(p), Ok(c)) => (p, c),
        _ => panic!("no RSA keys"),
    }
});

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Signs a JWT with RS256 under the provider key.
pub fn sign_rs256(claims: &Value) -> String {
    let header = b64(json!({ "alg": "RS256", "typ": "JWT", "kid": "stub-1" })
        .to_string()
        .as_bytes());
    let payload = b64(claims.to_string().as_bytes());
    let input = format!("{header}.{payload}");
    let key = SigningKey::<Sha256>::new(KEYS.0.clone());
    let signature: Signature = key.sign(input.as_bytes());
    format!("{input}.{}", b64(&signature.to_bytes()))
}

/// An unsigned JWT (`alg: none`).
fn unsigned(claims: &Value) -> String {
    let header = b64(json!({ "alg": "none", "typ": "JWT" })
        .to_string()
        .as_bytes());
    format!("{header}.{}.", b64(claims.to_string().as_bytes()))
}

/// HS256 keyed with the provider's public key: the algorithm-confusion attack.
fn hs256_with_public_key(claims: &Value) -> String {
    let header = b64(json!({ "alg": "HS256", "typ": "JWT", "kid": "stub-1" })
        .to_string()
        .as_bytes());
    let input = format!("{header}.{}", b64(claims.to_string().as_bytes()));
    let public = RsaPublicKey::from(&KEYS.0)
        .to_public_key_pem(LineEnding::LF)
        .unwrap_or_default();
    let mut mac = match Hmac::<Sha256>::new_from_slice(public.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => return input,
    };
    mac.update(input.as_bytes());
    format!("{input}.{}", b64(&mac.finalize().into_bytes()))
}

/// The provider's public key as PEM (what an ESIA configuration pins).
pub fn provider_public_pem() -> String {
    RsaPublicKey::from(&KEYS.0)
        .to_public_key_pem(LineEnding::LF)
        .unwrap_or_default()
}

/// The relying party's ESIA signing key as PKCS#8 PEM.
pub fn client_private_pem() -> String {
    KEYS.1
        .to_pkcs8_pem(LineEnding::LF)
        .map(|pem| pem.to_string())
        .unwrap_or_default()
}

/// How the OpenID Connect stub should misbehave.
#[derive(Clone, Debug, Default)]
pub struct Misbehaviour {
    /// Put another nonce into the ID token.
    pub wrong_nonce: bool,
    /// Put another issuer into the ID token.
    pub wrong_issuer: bool,
    /// Put another audience into the ID token.
    pub wrong_audience: bool,
    /// Send an unsigned token.
    pub alg_none: bool,
    /// Sign HS256 with the public key.
    pub hs256: bool,
    /// An ID token that expired an hour ago.
    pub expired: bool,
    /// An ID token issued (and valid from) an hour from now.
    pub future: bool,
    /// Userinfo answers for another subject.
    pub userinfo_other_subject: bool,
    /// Leave out `iss` from the authorization response.
    pub no_response_issuer: bool,
    /// Put another `iss` into the authorization response (mix-up).
    pub wrong_response_issuer: bool,
}

struct Pending {
    nonce: Option<String>,
    challenge: String,
    redirect_uri: String,
}

struct StubState {
    base: String,
    subject: Mutex<String>,
    trusted: Mutex<bool>,
    mode: Mutex<Misbehaviour>,
    codes: Mutex<HashMap<String, Pending>>,
    /// For ESIA: the relying party's public key that client secrets are checked with.
    client_key: VerifyingKey<Sha256>,
    /// For ESIA: echo another state than the one sent.
    wrong_state_echo: Mutex<bool>,
    /// Requests ESIA refused because a client secret did not verify.
    bad_signatures: Mutex<u32>,
}

/// A running stub provider.
#[derive(Clone)]
pub struct StubIdp {
    state: Arc<StubState>,
    /// Its base URL (the OIDC issuer; the ESIA base).
    pub url: String,
}

impl StubIdp {
    /// Starts a stub on an ephemeral port.
    pub async fn start() -> Self {
        let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
            Ok(listener) => listener,
            Err(err) => panic!("stub cannot listen: {err}"),
        };
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
        let url = format!("http://127.0.0.1:{port}");
        let state = Arc::new(StubState {
            base: url.clone(),
            subject: Mutex::new("user-1".to_owned()),
            trusted: Mutex::new(true),
            mode: Mutex::new(Misbehaviour::default()),
            codes: Mutex::new(HashMap::new()),
            client_key: VerifyingKey::<Sha256>::new(RsaPublicKey::from(&KEYS.1)),
            wrong_state_echo: Mutex::new(false),
            bad_signatures: Mutex::new(0),
        });
        let router = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .route("/userinfo", get(userinfo))
            .route("/aas/oauth2/v2/ac", get(esia_authorize))
            .route("/aas/oauth2/v3/te", post(esia_token))
            .route("/rs/prns/{oid}", get(esia_person))
            .with_state(Arc::clone(&state));
        tokio::spawn(async move {
            axum::serve(listener, router).await.ok();
        });
        Self { state, url }
    }

    /// Sets the misbehaviour for the next sign-ins.
    pub fn misbehave(&self, mode: Misbehaviour) {
        if let Ok(mut current) = self.state.mode.lock() {
            *current = mode;
        }
    }

    /// Sets who signs in next.
    pub fn sign_in_as(&self, subject: &str, trusted: bool) {
        if let Ok(mut s) = self.state.subject.lock() {
            *s = subject.to_owned();
        }
        if let Ok(mut t) = self.state.trusted.lock() {
            *t = trusted;
        }
    }

    /// ESIA: echo another state at the token endpoint.
    pub fn echo_wrong_state(&self, wrong: bool) {
        if let Ok(mut w) = self.state.wrong_state_echo.lock() {
            *w = wrong;
        }
    }

    /// ESIA: how many requests carried a client secret that did not verify.
    pub fn bad_signatures(&self) -> u32 {
        self.state.bad_signatures.lock().map(|n| *n).unwrap_or(0)
    }

    /// The provider entry for `DNEVNIK_OIDC_PROVIDERS`.
    pub fn oidc_config(&self, name: &str) -> Value {
        json!({
            "name": name,
            "kind": "oidc",
            "issuer": self.url,
            "client_id": "dnevnik-test",
            "client_secret": "test-secret",
            "scopes": ["profile"],
            "trusted_claim": "trusted",
        })
    }

    /// The ESIA provider entry for `DNEVNIK_OIDC_PROVIDERS`.
    pub fn esia_config(&self, name: &str) -> Value {
        json!({
            "name": name,
            "kind": "esia",
            "issuer": self.url,
            "token_issuer": "http://esia-stub/",
            "client_id": "DNEVNIK",
            "client_certificate_hash": "0123456789ABCDEF",
            "provider_certificate_pem": provider_public_pem(),
            "signer": { "kind": "rsa-test", "private_key_pem": client_private_pem() },
        })
    }
}

async fn discovery(State(s): State<Arc<StubState>>) -> Json<Value> {
    Json(json!({
        "issuer": s.base,
        "authorization_endpoint": format!("{}/authorize", s.base),
        "token_endpoint": format!("{}/token", s.base),
        "userinfo_endpoint": format!("{}/userinfo", s.base),
        "jwks_uri": format!("{}/jwks", s.base),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "HS256", "none"],
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": true,
    }))
}

async fn jwks() -> Json<Value> {
    let public = RsaPublicKey::from(&KEYS.0);
    Json(json!({ "keys": [{
        "kty": "RSA", "use": "sig", "alg": "RS256", "kid": "stub-1",
        "n": b64(&public.n().to_bytes_be()),
        "e": b64(&public.e().to_bytes_be()),
    }]}))
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    redirect_uri: String,
    state: String,
    #[serde(default)]
    nonce: Option<String>,
    #[serde(default)]
    code_challenge: String,
}

/// Approves at once and sends the browser back with a code.
async fn authorize(State(s): State<Arc<StubState>>, Query(q): Query<AuthorizeQuery>) -> Response {
    let code = uuid::Uuid::new_v4().simple().to_string();
    if let Ok(mut codes) = s.codes.lock() {
        codes.insert(
            code.clone(),
            Pending {
                nonce: q.nonce,
                challenge: q.code_challenge,
                redirect_uri: q.redirect_uri.clone(),
            },
        );
    }
    let mode = s.mode.lock().map(|m| m.clone()).unwrap_or_default();
    let Ok(mut target) = url::Url::parse(&q.redirect_uri) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    {
        let mut query = target.query_pairs_mut();
        query
            .append_pair("code", &code)
            .append_pair("state", &q.state);
        if mode.wrong_response_issuer {
            query.append_pair("iss", "http://evil.example");
        } else if !mode.no_response_issuer {
            query.append_pair("iss", &s.base);
        }
    }
    Redirect::to(target.as_str()).into_response()
}

#[derive(Deserialize)]
struct TokenForm {
    code: String,
    #[serde(default)]
    code_verifier: String,
    #[serde(default)]
    redirect_uri: String,
}

async fn token(State(s): State<Arc<StubState>>, Form(form): Form<TokenForm>) -> Response {
    let pending = s.codes.lock().ok().and_then(|mut c| c.remove(&form.code));
    let Some(pending) = pending else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": "invalid_grant" })),
        )
            .into_response();
    };
    let challenge = b64(&Sha256::digest(form.code_verifier.as_bytes()));
    if challenge != pending.challenge || form.redirect_uri != pending.redirect_uri {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": "invalid_grant" })),
        )
            .into_response();
    }
    let mode = s.mode.lock().map(|m| m.clone()).unwrap_or_default();
    let subject = s.subject.lock().map(|x| x.clone()).unwrap_or_default();
    let trusted = s.trusted.lock().map(|t| *t).unwrap_or(false);
    let now = chrono::Utc::now().timestamp();
    let (iat, exp) = if mode.expired {
        (now - 7200, now - 3600)
    } else if mode.future {
        (now + 3600, now + 7200)
    } else {
        (now, now + 300)
    };
    let mut claims = json!({
        "iss": if mode.wrong_issuer { "http://evil.example".to_owned() } else { s.base.clone() },
        "sub": subject,
        "aud": if mode.wrong_audience { "someone-else" } else { "dnevnik-test" },
        "iat": iat,
        "exp": exp,
        "name": "Тестовый Родитель",
        "trusted": trusted,
    });
    if mode.future {
        claims["nbf"] = json!(iat);
    }
    if let Some(nonce) = pending.nonce {
        claims["nonce"] = json!(if mode.wrong_nonce {
            "another-nonce".to_owned()
        } else {
            nonce
        });
    }
    let id_token = if mode.alg_none {
        unsigned(&claims)
    } else if mode.hs256 {
        hs256_with_public_key(&claims)
    } else {
        sign_rs256(&claims)
    };
    Json(json!({
        "access_token": "stub-access-token",
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": id_token,
    }))
    .into_response()
}

async fn userinfo(State(s): State<Arc<StubState>>) -> Json<Value> {
    let mode = s.mode.lock().map(|m| m.clone()).unwrap_or_default();
    let subject = s.subject.lock().map(|x| x.clone()).unwrap_or_default();
    let trusted = s.trusted.lock().map(|t| *t).unwrap_or(false);
    let sub = if mode.userinfo_other_subject {
        "someone-else".to_owned()
    } else {
        subject
    };
    Json(json!({ "sub": sub, "name": "Тестовый Родитель", "trusted": trusted }))
}

fn verifies(s: &StubState, text: &str, signature: &str) -> bool {
    let ok = URL_SAFE_NO_PAD
        .decode(signature)
        .ok()
        .and_then(|bytes| Signature::try_from(bytes.as_slice()).ok())
        .is_some_and(|sig| s.client_key.verify(text.as_bytes(), &sig).is_ok());
    if !ok && let Ok(mut n) = s.bad_signatures.lock() {
        *n += 1;
    }
    ok
}

#[derive(Deserialize)]
struct EsiaAuthorize {
    client_id: String,
    client_secret: String,
    redirect_uri: String,
    scope: String,
    state: String,
    timestamp: String,
    #[serde(default)]
    client_certificate_hash: Option<String>,
}

/// ESIA's `/aas/oauth2/v2/ac`: checks the signed secret and the timestamp's format, then
/// approves.
async fn esia_authorize(
    State(s): State<Arc<StubState>>,
    Query(q): Query<EsiaAuthorize>,
) -> Response {
    let text = format!(
        "{}{}{}{}{}",
        q.client_id, q.scope, q.timestamp, q.state, q.redirect_uri
    );
    let timestamp_ok = chrono::NaiveDateTime::parse_from_str(
        q.timestamp.trim_end_matches(" +0000"),
        "%Y.%m.%d %H:%M:%S",
    )
    .is_ok();
    if !verifies(&s, &text, &q.client_secret)
        || !timestamp_ok
        || uuid::Uuid::parse_str(&q.state).is_err()
        || q.client_certificate_hash.is_none()
    {
        return (StatusCode::BAD_REQUEST, "ESIA-007014: bad request").into_response();
    }
    let code = uuid::Uuid::new_v4().simple().to_string();
    if let Ok(mut codes) = s.codes.lock() {
        codes.insert(
            code.clone(),
            Pending {
                nonce: None,
                challenge: String::new(),
                redirect_uri: q.redirect_uri.clone(),
            },
        );
    }
    let Ok(mut target) = url::Url::parse(&q.redirect_uri) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    target
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &q.state);
    Redirect::to(target.as_str()).into_response()
}

#[derive(Deserialize)]
struct EsiaToken {
    client_id: String,
    code: String,
    grant_type: String,
    client_secret: String,
    state: String,
    redirect_uri: String,
    scope: String,
    timestamp: String,
    token_type: String,
}

/// ESIA's `/aas/oauth2/v3/te`: checks the secret signed with the code, echoes the state.
async fn esia_token(State(s): State<Arc<StubState>>, Form(f): Form<EsiaToken>) -> Response {
    let text = format!(
        "{}{}{}{}{}{}",
        f.client_id, f.scope, f.timestamp, f.state, f.redirect_uri, f.code
    );
    let known = s
        .codes
        .lock()
        .ok()
        .and_then(|mut c| c.remove(&f.code))
        .is_some();
    if !known
        || f.grant_type != "authorization_code"
        || f.token_type != "Bearer"
        || !verifies(&s, &text, &f.client_secret)
    {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": "invalid_request" })),
        )
            .into_response();
    }
    let subject = s.subject.lock().map(|x| x.clone()).unwrap_or_default();
    let trusted = s.trusted.lock().map(|t| *t).unwrap_or(false);
    let now = chrono::Utc::now().timestamp();
    let id_token = sign_rs256(&json!({
        "iss": "http://esia-stub/",
        "aud": f.client_id,
        "sub": subject.parse::<i64>().unwrap_or(0),
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
        "urn:esia:sbj": {
            "urn:esia:sbj:typ": "P",
            "urn:esia:sbj:is_tru": trusted,
            "urn:esia:sbj:oid": subject.parse::<i64>().unwrap_or(0),
        },
    }));
    let echoed = if s.wrong_state_echo.lock().map(|w| *w).unwrap_or(false) {
        uuid::Uuid::new_v4().to_string()
    } else {
        f.state
    };
    Json(json!({
        "access_token": "esia-access-token",
        "id_token": id_token,
        "state": echoed,
        "token_type": "Bearer",
        "expires_in": 3600,
    }))
    .into_response()
}

async fn esia_person(Path(_oid): Path<String>, headers: HeaderMap) -> Response {
    let authorised = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "Bearer esia-access-token");
    if !authorised {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    Json(json!({ "lastName": "Госуслугова", "firstName": "Анна", "middleName": "Петровна", "trusted": true }))
        .into_response()
}
