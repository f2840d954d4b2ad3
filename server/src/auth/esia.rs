//! Sign-in through ESIA (Gosuslugi), which differs from standard OpenID Connect: fixed
//! endpoints (`/aas/oauth2/v2/ac`, `/aas/oauth2/v3/te`), no discovery or JWKS (ESIA's key is
//! pinned in configuration), a `client_secret` that is the system's signature over
//! `client_id + scope + timestamp + state + redirect_uri` (plus `code` at the token endpoint),
//! `timestamp` as `yyyy.MM.dd HH:mm:ss +0000`, a UUID `state` that the token response must echo,
//! and the subject as the numeric `oid` in `urn:esia:sbj`, whose `is_tru` marks a confirmed
//! account.
//!
//! The signer is pluggable: production signs with GOST R 34.10-2012 through an external program
//! (`"signer": {"kind": "command", ...}`); tests sign with RSA against an ESIA-shaped stub.

use std::io::Write as _;
use std::process::{Command, Stdio};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use dnevnik_entities::login_state;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use rsa::pkcs1v15::{Signature, SigningKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::signature::{SignatureEncoding, Signer as _};
use rsa::traits::PublicKeyParts as _;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde::Deserialize;
use sha2::Sha256;

use super::oidc::{CallbackParams, Failure, PendingLogin, VerifiedIdentity, http_client};
use crate::config::{ProviderConfig, SignerConfig};

/// Allowed clock difference with ESIA.
const LEEWAY_SECS: i64 = 60;

/// Signs ESIA client secrets.
pub trait ClientSecretSigner: Send + Sync {
    /// The detached signature of `text`, base64url without padding.
    fn sign(&self, text: &str) -> anyhow::Result<String>;
}

/// RSA-SHA256 (PKCS#1 v1.5): for tests against a stub only; ESIA itself requires GOST.
pub struct RsaTestSigner(SigningKey<Sha256>);

impl RsaTestSigner {
    /// From a PKCS#8 PEM private key.
    pub fn from_pem(pem: &str) -> anyhow::Result<Self> {
        Ok(Self(SigningKey::<Sha256>::new(
            RsaPrivateKey::from_pkcs8_pem(pem)?,
        )))
    }
}

impl ClientSecretSigner for RsaTestSigner {
    fn sign(&self, text: &str) -> anyhow::Result<String> {
        let signature: Signature = self.0.sign(text.as_bytes());
        Ok(URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }
}

/// An external signing program (the GOST signer): text on standard input, base64url
/// signature on standard output.
pub struct CommandSigner {
    program: String,
    args: Vec<String>,
}

impl ClientSecretSigner for CommandSigner {
    fn sign(&self, text: &str) -> anyhow::Result<String> {
        let mut child = Command::new(&self.program)
            .args(&self.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(text.as_bytes())?;
        }
        let output = child.wait_with_output()?;
        if !output.status.success() {
            anyhow::bail!("the signer exited with {}", output.status);
        }
        Ok(String::from_utf8(output.stdout)?.trim().to_owned())
    }
}

/// An ESIA provider.
pub struct EsiaProvider {
    config: ProviderConfig,
    redirect_uri: String,
    scope: String,
    signer: Box<dyn ClientSecretSigner>,
    esia_key: DecodingKey,
    http: openidconnect::reqwest::Client,
}

/// The token endpoint's answer.
#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    id_token: String,
    state: String,
}

/// The person data the diary needs: the name.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Person {
    #[serde(default)]
    last_name: Option<String>,
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    middle_name: Option<String>,
}

/// ESIA's timestamp format.
pub fn timestamp(now: chrono::DateTime<Utc>) -> String {
    now.format("%Y.%m.%d %H:%M:%S +0000").to_string()
}

impl EsiaProvider {
    /// Builds the provider; its signer and pinned key must be configured.
    pub fn new(config: ProviderConfig, redirect_uri: String) -> anyhow::Result<Self> {
        let signer: Box<dyn ClientSecretSigner> = match &config.signer {
            Some(SignerConfig::RsaTest { private_key_pem }) => {
                Box::new(RsaTestSigner::from_pem(private_key_pem)?)
            }
            Some(SignerConfig::Command { program, args }) => Box::new(CommandSigner {
                program: program.clone(),
                args: args.clone(),
            }),
            None => anyhow::bail!("ESIA provider `{}` needs a signer", config.name),
        };
        let pem = config
            .provider_certificate_pem
            .as_deref()
            .ok_or_else(|| anyhow::anyhow!("ESIA provider `{}` needs ESIA's key", config.name))?;
        // Parsed by `rsa` (it reads both SPKI and PKCS#1 PEM), handed to `jsonwebtoken` as
        // its modulus and exponent.
        let key = RsaPublicKey::from_public_key_pem(pem)?;
        let esia_key =
            DecodingKey::from_rsa_raw_components(&key.n().to_bytes_be(), &key.e().to_bytes_be());
        let mut scopes = vec!["openid".to_owned(), "fullname".to_owned()];
        scopes.extend(config.scopes.iter().cloned());
        scopes.dedup();
        Ok(Self {
            scope: scopes.join(" "),
            config,
            redirect_uri,
            signer,
            esia_key,
            http: http_client()?,
        })
    }

    /// The configured name.
    pub fn name(&self) -> &str {
        &self.config.name
    }

    /// The button label.
    pub fn label(&self) -> Option<String> {
        self.config
            .label
            .clone()
            .or_else(|| Some("Госуслуги".to_owned()))
    }

    fn base(&self) -> &str {
        self.config.issuer.trim_end_matches('/')
    }

    /// The authorization URL with a signed client secret, and the state to save.
    pub fn authorize(&self) -> Result<(String, PendingLogin), Failure> {
        let state = uuid::Uuid::new_v4().to_string();
        let timestamp = timestamp(Utc::now());
        let secret = self
            .signer
            .sign(&format!(
                "{}{}{}{}{}",
                self.config.client_id, self.scope, timestamp, state, self.redirect_uri
            ))
            .map_err(|err| {
                tracing::error!(provider = %self.config.name, error = %err, "ESIA signer failed");
                Failure::Discovery
            })?;
        let mut url = url::Url::parse(&format!("{}/aas/oauth2/v2/ac", self.base()))
            .map_err(|_| Failure::Discovery)?;
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("client_id", &self.config.client_id)
                .append_pair("client_secret", &secret)
                .append_pair("redirect_uri", &self.redirect_uri)
                .append_pair("scope", &self.scope)
                .append_pair("response_type", "code")
                .append_pair("state", &state)
                .append_pair("timestamp", &timestamp)
                .append_pair("access_type", "online");
            if let Some(hash) = &self.config.client_certificate_hash {
                query.append_pair("client_certificate_hash", hash);
            }
        }
        Ok((
            url.to_string(),
            PendingLogin {
                state,
                nonce: String::new(),
                pkce_verifier: String::new(),
            },
        ))
    }

    /// Exchanges the code (with a fresh signed secret and state, which must come back), checks
    /// the ID token against the pinned key, and reads the person's name.
    pub async fn finish(
        &self,
        params: &CallbackParams,
        _state: &login_state::Model,
    ) -> Result<VerifiedIdentity, Failure> {
        let code = params.code.clone().ok_or(Failure::Exchange)?;
        let state = uuid::Uuid::new_v4().to_string();
        let timestamp = timestamp(Utc::now());
        let secret = self
            .signer
            .sign(&format!(
                "{}{}{}{}{}{}",
                self.config.client_id, self.scope, timestamp, state, self.redirect_uri, code
            ))
            .map_err(|_| Failure::Exchange)?;
        let mut form = vec![
            ("client_id", self.config.client_id.clone()),
            ("code", code),
            ("grant_type", "authorization_code".to_owned()),
            ("client_secret", secret),
            ("state", state.clone()),
            ("redirect_uri", self.redirect_uri.clone()),
            ("scope", self.scope.clone()),
            ("timestamp", timestamp),
            ("token_type", "Bearer".to_owned()),
        ];
        if let Some(hash) = &self.config.client_certificate_hash {
            form.push(("client_certificate_hash", hash.clone()));
        }
        let response = self
            .http
            .post(format!("{}/aas/oauth2/v3/te", self.base()))
            .form(&form)
            .send()
            .await
            .map_err(|_| Failure::Exchange)?;
        if !response.status().is_success() {
            return Err(Failure::Exchange);
        }
        let tokens: TokenResponse = response.json().await.map_err(|_| Failure::Exchange)?;
        if tokens.state != state {
            return Err(Failure::State);
        }
        let claims = self.verify_id_token(&tokens.id_token)?;
        let subject_block = claims.get("urn:esia:sbj");
        let oid = subject_block
            .and_then(|s| s.get("urn:esia:sbj:oid"))
            .and_then(|v| match v {
                serde_json::Value::Number(n) => Some(n.to_string()),
                serde_json::Value::String(s) => Some(s.clone()),
                _ => None,
            })
            .or_else(|| {
                claims
                    .get("sub")
                    .and_then(|s| s.as_str())
                    .map(str::to_owned)
            })
            .filter(|oid| !oid.is_empty() && oid.chars().all(|c| c.is_ascii_digit()))
            .ok_or(Failure::IdToken)?;
        let trusted = subject_block
            .and_then(|s| s.get("urn:esia:sbj:is_tru"))
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false);
        let person: Option<Person> = match self
            .http
            .get(format!("{}/rs/prns/{oid}", self.base()))
            .bearer_auth(&tokens.access_token)
            .send()
            .await
        {
            Ok(response) if response.status().is_success() => response.json().await.ok(),
            _ => None,
        };
        let display_name = person
            .map(|p| {
                [p.last_name, p.first_name, p.middle_name]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| "Пользователь Госуслуг".to_owned());
        Ok(VerifiedIdentity {
            provider: self.config.name.clone(),
            issuer: self
                .config
                .token_issuer
                .clone()
                .unwrap_or_else(|| self.config.issuer.clone()),
            subject: oid,
            display_name,
            trusted,
        })
    }

    /// Verifies an ESIA ID token with `jsonwebtoken`: RS256 only, signed by the pinned key,
    /// issuer, audience, expiry and not-before (with a minute's leeway); an issue time in the
    /// future is refused too, which the crate does not check.
    fn verify_id_token(&self, jwt: &str) -> Result<serde_json::Value, Failure> {
        let expected_issuer = self
            .config
            .token_issuer
            .as_deref()
            .unwrap_or(&self.config.issuer);
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[expected_issuer]);
        validation.set_audience(&[self.config.client_id.as_str()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECS.unsigned_abs();
        let claims = jsonwebtoken::decode::<serde_json::Value>(jwt, &self.esia_key, &validation)
            .map_err(|err| {
                tracing::warn!(provider = %self.config.name, error = %err, "ESIA ID token refused");
                Failure::IdToken
            })?
            .claims;
        // Real time on purpose: the token was stamped by ESIA's clock, not ours.
        let now = Utc::now().timestamp();
        if claims
            .get("iat")
            .and_then(serde_json::Value::as_i64)
            .is_some_and(|iat| iat > now + LEEWAY_SECS)
        {
            return Err(Failure::IdToken);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esia_timestamps_have_esias_format() {
        let at = chrono::DateTime::from_timestamp(1_796_000_000, 0).unwrap_or_default();
        assert_eq!(timestamp(at), "2026.11.30 00:53:20 +0000");
    }
}
