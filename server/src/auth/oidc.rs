//! Sign-in through a standard OpenID Connect provider, as SECURITY.md requires it:
//! authorization-code flow with PKCE S256, a one-time `state` bound to the browser that
//! started the sign-in, a `nonce`, a callback path per provider and the RFC 9207 `iss` check
//! against mix-up, the exact configured redirect URI, pinned asymmetric algorithms, `iat`/`nbf`
//! within 60 s, and a back-channel client that follows no redirects. Tokens from the provider
//! are used once and dropped; the identity is (issuer, subject).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use dnevnik_entities::login_state;
use openidconnect::core::{
    CoreAuthDisplay, CoreClaimName, CoreClaimType, CoreClient, CoreClientAuthMethod, CoreGrantType,
    CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm,
    CoreJwsSigningAlgorithm, CoreResponseMode, CoreResponseType, CoreSubjectIdentifierType,
};
use openidconnect::{
    AdditionalProviderMetadata, AuthenticationFlow, AuthorizationCode, ClientId, ClientSecret,
    CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    ProviderMetadata, RedirectUrl, Scope, TokenResponse,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};
use serde::{Deserialize, Serialize};

use super::token::{hash_token, new_token};
use crate::config::ProviderConfig;
use crate::error::{AppError, AppResult};

/// How long a started sign-in may take.
pub const LOGIN_STATE_TTL: chrono::Duration = chrono::Duration::minutes(10);

/// Allowed clock difference with a provider.
const LEEWAY_SECS: i64 = 60;

/// Discovery documents are reused this long.
const METADATA_TTL: Duration = Duration::from_secs(600);

/// The RFC 9207 flag, which the core metadata type does not carry.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct IssParameterSupport {
    /// Whether the provider adds `iss` to authorization responses.
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: Option<bool>,
}

impl AdditionalProviderMetadata for IssParameterSupport {}

/// Claims beyond the standard ones, kept by name (the trusted flag lives here).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct ExtraClaims {
    /// Every claim not otherwise modelled.
    #[serde(flatten)]
    pub claims: HashMap<String, serde_json::Value>,
}

impl openidconnect::AdditionalClaims for ExtraClaims {}

/// Discovery metadata with the RFC 9207 flag.
pub type Metadata = ProviderMetadata<
    IssParameterSupport,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

/// Why a sign-in through a provider failed. Shown to the user only as "sign-in failed";
/// logged and audited by its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The provider answered with an error (the user cancelled, …).
    ProviderError,
    /// No, an unknown, or an already used `state`.
    State,
    /// The callback came from another browser than the one that started.
    Browser,
    /// The sign-in took too long.
    Expired,
    /// The `iss` of the authorization response is missing or wrong (mix-up).
    Issuer,
    /// The code exchange failed.
    Exchange,
    /// The ID token failed verification (signature, algorithm, issuer, audience, times, nonce).
    IdToken,
    /// Userinfo failed or names another subject.
    UserInfo,
    /// The provider could not be reached or described itself wrongly.
    Discovery,
}

impl Failure {
    /// A stable code for logs and the audit log.
    pub fn code(self) -> &'static str {
        match self {
            Self::ProviderError => "provider_error",
            Self::State => "state",
            Self::Browser => "browser",
            Self::Expired => "expired",
            Self::Issuer => "issuer",
            Self::Exchange => "exchange",
            Self::IdToken => "id_token",
            Self::UserInfo => "userinfo",
            Self::Discovery => "discovery",
        }
    }
}

/// A person as a provider vouches for them.
#[derive(Clone, Debug)]
pub struct VerifiedIdentity {
    /// The configured provider name.
    pub provider: String,
    /// The issuer.
    pub issuer: String,
    /// The subject at that issuer.
    pub subject: String,
    /// A name to show; only what the diary needs.
    pub display_name: String,
    /// Whether the provider vouches that the identity is confirmed.
    pub trusted: bool,
}

/// What the callback receives.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CallbackParams {
    /// The authorization code.
    pub code: Option<String>,
    /// The state sent out.
    pub state: Option<String>,
    /// RFC 9207: the issuer that answered.
    pub iss: Option<String>,
    /// An error instead of a code.
    pub error: Option<String>,
}

/// A started sign-in: where to send the browser and the value of its pre-login cookie.
#[derive(Debug)]
pub struct Started {
    /// The provider's authorization URL.
    pub url: String,
    /// The random value the browser must bring back.
    pub browser_token: String,
}

/// The state of one authorization request, saved until its callback.
pub struct PendingLogin {
    /// The `state` value.
    pub state: String,
    /// The `nonce`.
    pub nonce: String,
    /// The PKCE verifier.
    pub pkce_verifier: String,
}

/// A `return_to` that stays on this site: a path starting with one `/`, never `//` or `/\`
/// (which browsers treat as another host), with no scheme or control characters.
pub fn safe_return_to(candidate: Option<&str>) -> String {
    let Some(path) = candidate else {
        return "/".to_owned();
    };
    let ok = path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && !path.contains("://")
        && !path.chars().any(|c| c.is_control() || c == '\\')
        && path.len() <= 500;
    if ok { path.to_owned() } else { "/".to_owned() }
}

/// Saves a login state and returns the browser token that binds it.
pub async fn save_state(
    db: &DatabaseConnection,
    provider: &str,
    pending: &PendingLogin,
    return_to: &str,
) -> AppResult<String> {
    let browser_token = new_token().map_err(AppError::internal)?;
    let now = Utc::now();
    // Expired states of everyone go on the way.
    login_state::Entity::delete_many()
        .filter(login_state::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?;
    login_state::ActiveModel {
        provider: Set(provider.to_owned()),
        state_hash: Set(hash_token(&pending.state)),
        browser_hash: Set(hash_token(&browser_token)),
        nonce: Set(pending.nonce.clone()),
        pkce_verifier: Set(pending.pkce_verifier.clone()),
        return_to: Set(return_to.to_owned()),
        created_at: Set(now),
        expires_at: Set(now + LOGIN_STATE_TTL),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(browser_token)
}

/// Takes the login state of a callback: it must exist for this provider, come from the same
/// browser and be fresh. It is deleted whatever the outcome, so a `state` works once.
pub async fn take_state(
    db: &DatabaseConnection,
    provider: &str,
    state: Option<&str>,
    browser_token: Option<&str>,
) -> Result<login_state::Model, Failure> {
    let state = state.filter(|s| !s.is_empty()).ok_or(Failure::State)?;
    let row = login_state::Entity::find()
        .filter(login_state::Column::StateHash.eq(hash_token(state)))
        .one(db)
        .await
        .map_err(|_| Failure::State)?
        .ok_or(Failure::State)?;
    let deleted = login_state::Entity::delete_by_id(row.id)
        .exec(db)
        .await
        .map_err(|_| Failure::State)?;
    // Another request got there first: a replay.
    if deleted.rows_affected != 1 || row.provider != provider {
        return Err(Failure::State);
    }
    let browser_matches = browser_token.is_some_and(|t| hash_token(t) == row.browser_hash);
    if !browser_matches {
        return Err(Failure::Browser);
    }
    if row.expires_at <= Utc::now() {
        return Err(Failure::Expired);
    }
    Ok(row)
}

/// The back-channel HTTP client: no redirects (SSRF), short timeouts.
pub fn http_client() -> anyhow::Result<openidconnect::reqwest::Client> {
    Ok(openidconnect::reqwest::Client::builder()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(5))
        .build()?)
}

/// A standard OpenID Connect provider.
pub struct OidcProvider {
    config: ProviderConfig,
    redirect_uri: String,
    http: openidconnect::reqwest::Client,
    cache: Mutex<Option<(Instant, Metadata)>>,
}

impl OidcProvider {
    /// A provider with its exact redirect URI.
    pub fn new(config: ProviderConfig, redirect_uri: String) -> anyhow::Result<Self> {
        Ok(Self {
            config,
            redirect_uri,
            http: http_client()?,
            cache: Mutex::new(None),
        })
    }

    /// The configured name.
    pub fn name(&self) -> &str {
        &self.config.name
    }

    async fn metadata(&self) -> Result<Metadata, Failure> {
        if let Ok(cache) = self.cache.lock()
            && let Some((at, metadata)) = cache.as_ref()
            && at.elapsed() < METADATA_TTL
        {
            return Ok(metadata.clone());
        }
        let issuer = IssuerUrl::new(self.config.issuer.clone()).map_err(|_| Failure::Discovery)?;
        let metadata = Metadata::discover_async(issuer, &self.http)
            .await
            .map_err(|err| {
                tracing::warn!(provider = %self.config.name, error = %err, "discovery failed");
                Failure::Discovery
            })?;
        if let Ok(mut cache) = self.cache.lock() {
            *cache = Some((Instant::now(), metadata.clone()));
        }
        Ok(metadata)
    }

    fn client(
        &self,
        metadata: Metadata,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        Failure,
    > {
        let redirect =
            RedirectUrl::new(self.redirect_uri.clone()).map_err(|_| Failure::Discovery)?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            self.config.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect))
    }

    /// Builds the authorization URL and the state to save.
    pub async fn authorize(&self) -> Result<(String, PendingLogin), Failure> {
        let metadata = self.metadata().await?;
        let client = self.client(metadata)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        for scope in &self.config.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.url();
        Ok((
            url.to_string(),
            PendingLogin {
                state: state.secret().clone(),
                nonce: nonce.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
            },
        ))
    }

    /// Finishes a sign-in: checks the response issuer, exchanges the code, verifies the ID
    /// token and userinfo.
    pub async fn finish(
        &self,
        params: &CallbackParams,
        state: &login_state::Model,
    ) -> Result<VerifiedIdentity, Failure> {
        let metadata = self.metadata().await?;
        let issuer = metadata.issuer().to_string();
        // RFC 9207: a provider that announces `iss` must send it; whatever is sent must match.
        let announces = metadata
            .additional_metadata()
            .authorization_response_iss_parameter_supported
            .unwrap_or(false);
        match params.iss.as_deref() {
            Some(iss) if iss != issuer => return Err(Failure::Issuer),
            None if announces => return Err(Failure::Issuer),
            _ => {}
        }
        let code = params.code.clone().ok_or(Failure::Exchange)?;
        let client = self.client(metadata)?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|_| Failure::Exchange)?
            .set_pkce_verifier(PkceCodeVerifier::new(state.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|err| {
                tracing::warn!(provider = %self.config.name, error = %err, "code exchange failed");
                Failure::Exchange
            })?;
        let id_token = tokens.id_token().ok_or(Failure::IdToken)?;
        let now = Utc::now();
        let verifier = client
            .id_token_verifier()
            .set_allowed_algs([
                CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
                CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
                CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
                CoreJwsSigningAlgorithm::RsaSsaPssSha256,
                CoreJwsSigningAlgorithm::EcdsaP256Sha256,
                CoreJwsSigningAlgorithm::EcdsaP384Sha384,
                CoreJwsSigningAlgorithm::EdDsa,
            ])
            .set_issue_time_verifier_fn(move |iat| {
                if iat > now + chrono::Duration::seconds(LEEWAY_SECS) {
                    Err("issued in the future".to_owned())
                } else {
                    Ok(())
                }
            });
        let nonce = Nonce::new(state.nonce.clone());
        let claims = id_token.claims(&verifier, &nonce).map_err(|err| {
            tracing::warn!(provider = %self.config.name, error = %err, "ID token refused");
            Failure::IdToken
        })?;
        // Claims the verifier leaves alone: `nbf`, and the trusted flag.
        let raw = payload(&id_token.to_string()).ok_or(Failure::IdToken)?;
        if let Some(nbf) = raw.get("nbf").and_then(serde_json::Value::as_i64)
            && nbf > now.timestamp() + LEEWAY_SECS
        {
            return Err(Failure::IdToken);
        }
        let subject = claims.subject().to_string();
        let mut display_name = claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.to_string());
        let mut trusted = self.trusted_flag(&raw);
        if let Ok(request) = client.user_info(
            tokens.access_token().clone(),
            Some(claims.subject().clone()),
        ) {
            let info: openidconnect::UserInfoClaims<
                ExtraClaims,
                openidconnect::core::CoreGenderClaim,
            > = request.request_async(&self.http).await.map_err(|err| {
                tracing::warn!(provider = %self.config.name, error = %err, "userinfo refused");
                Failure::UserInfo
            })?;
            if display_name.is_none() {
                display_name = info.name().and_then(|n| n.get(None)).map(|n| n.to_string());
            }
            // The trusted flag may come with userinfo instead of the ID token.
            if !trusted && let Some(claim) = &self.config.trusted_claim {
                trusted = info
                    .additional_claims()
                    .claims
                    .get(claim)
                    .and_then(serde_json::Value::as_bool)
                    .unwrap_or(false);
            }
        }
        Ok(VerifiedIdentity {
            provider: self.config.name.clone(),
            issuer,
            subject,
            display_name: display_name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| "Пользователь".to_owned()),
            trusted,
        })
    }

    fn trusted_flag(&self, claims: &serde_json::Value) -> bool {
        self.config
            .trusted_claim
            .as_deref()
            .and_then(|claim| claims.get(claim))
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false)
    }

    /// The provider's end-session URL for signing out there, if it has one.
    pub async fn end_session_url(&self, post_logout: &str) -> Option<String> {
        let metadata = self.metadata().await.ok()?;
        let discovery = serde_json::to_value(&metadata).ok()?;
        let endpoint = discovery.get("end_session_endpoint")?.as_str()?;
        let mut url = url::Url::parse(endpoint).ok()?;
        url.query_pairs_mut()
            .append_pair("client_id", &self.config.client_id)
            .append_pair("post_logout_redirect_uri", post_logout);
        Some(url.to_string())
    }
}

/// The JSON payload of a JWT whose signature has been checked elsewhere.
pub fn payload(jwt: &str) -> Option<serde_json::Value> {
    let part = jwt.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Every provider of a deployment by name.
#[derive(Default)]
pub struct Providers {
    by_name: HashMap<String, Provider>,
    order: Vec<String>,
}

/// One configured provider.
pub enum Provider {
    /// Standard OpenID Connect.
    Oidc(Box<OidcProvider>),
    /// ESIA.
    Esia(Box<super::esia::EsiaProvider>),
}

impl Provider {
    /// The configured name.
    pub fn name(&self) -> &str {
        match self {
            Self::Oidc(p) => p.name(),
            Self::Esia(p) => p.name(),
        }
    }
}

impl Providers {
    /// Builds the providers of a configuration; development adds `dev`.
    pub fn from_config(config: &crate::config::Config) -> anyhow::Result<Self> {
        let mut providers = Self::default();
        let base = config.public_url();
        let list = config.providers()?;
        #[cfg(feature = "demo")]
        let list = {
            let mut list = list;
            if config.demo_enabled() {
                list.insert(0, crate::http::dev_idp::client_config(&base));
            }
            list
        };
        for provider in list {
            let redirect = format!("{base}/auth/oidc/{}/callback", provider.name);
            let entry = match provider.kind {
                crate::config::ProviderKind::Oidc => {
                    Provider::Oidc(Box::new(OidcProvider::new(provider.clone(), redirect)?))
                }
                crate::config::ProviderKind::Esia => Provider::Esia(Box::new(
                    super::esia::EsiaProvider::new(provider.clone(), redirect)?,
                )),
            };
            providers.order.push(provider.name.clone());
            providers.by_name.insert(provider.name.clone(), entry);
        }
        Ok(providers)
    }

    /// A provider by name.
    pub fn get(&self, name: &str) -> Option<&Provider> {
        self.by_name.get(name)
    }

    /// Names and labels, in configuration order, for sign-in buttons.
    pub fn labels(&self) -> Vec<(String, String)> {
        self.order
            .iter()
            .map(|name| {
                let label = match self.by_name.get(name) {
                    Some(Provider::Oidc(p)) => p.config.label.clone(),
                    Some(Provider::Esia(p)) => p.label(),
                    None => None,
                };
                (name.clone(), label.unwrap_or_else(|| name.clone()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::safe_return_to;

    #[test]
    fn return_to_stays_on_this_site() {
        assert_eq!(safe_return_to(Some("/auth/link")), "/auth/link");
        assert_eq!(safe_return_to(Some("/?tab=marks")), "/?tab=marks");
        for evil in [
            "https://evil",
            "//evil",
            "/\\evil",
            "evil",
            "/x\r\nSet-Cookie: a=b",
            "",
        ] {
            assert_eq!(safe_return_to(Some(evil)), "/", "{evil:?}");
        }
        assert_eq!(safe_return_to(None), "/");
    }
}
