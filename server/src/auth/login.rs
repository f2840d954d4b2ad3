//! Local sign-in with a login and a password. Unknown logins and wrong passwords get the same
//! answer in about the same time; failures are limited per login and per client address, and
//! every attempt is audited (without the login or the password).

use std::time::Duration;

use chrono::{DateTime, Utc};
use dnevnik_entities::enums::{AccountStatus, SessionKind};
use dnevnik_entities::{account, password_credential};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use super::password;
use super::session::{self, SessionPolicy};
use super::token::hash_token;
use crate::db::begin_write;
use crate::error::{AppError, AppResult};
use crate::service::audit::ClientInfo;
use crate::service::audit::{self, AuditEntry};
use crate::service::rate_limit::Limit;

/// Failures allowed per login.
pub const PER_LOGIN: Limit = Limit {
    max: 5,
    window: Duration::from_secs(15 * 60),
};

/// Failures allowed per client address.
pub const PER_ADDRESS: Limit = Limit {
    max: 30,
    window: Duration::from_secs(60 * 60),
};

/// The answer to every failed attempt, whatever failed.
fn wrong_credentials() -> AppError {
    AppError::Unauthenticated
}

/// A real hash, verified against when the login is unknown, so that unknown logins cost the
/// same time as wrong passwords.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| password::hash("no such account").unwrap_or_default());

/// Checks a login and password and starts a session; returns the token and the account.
pub async fn sign_in(
    db: &DatabaseConnection,
    login: &str,
    secret: &str,
    kind: SessionKind,
    client: &ClientInfo,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> AppResult<(String, account::Model)> {
    let login = login.trim().to_lowercase();
    // Buckets carry a hash of the login, not the login itself.
    let login_bucket = format!("login:{}", &hash_token(&login)[..32]);
    let address_bucket = format!("login-ip:{}", client.ip.as_deref().unwrap_or("unknown"));
    // Counted before the password is even looked at; a success gives the count back.
    let login_allowed = PER_LOGIN.take(db, &login_bucket, now).await?;
    let address_allowed = PER_ADDRESS.take(db, &address_bucket, now).await?;
    if !(login_allowed && address_allowed) {
        let txn = begin_write(db).await?;
        audit::record(
            &txn,
            AuditEntry::new("sign_in.rate_limited", None)
                .ip(client.ip.clone())
                .details(serde_json::json!({ "method": "password" })),
        )
        .await?;
        txn.commit().await?;
        return Err(AppError::RateLimited);
    }

    let account = account::Entity::find()
        .filter(account::Column::Login.eq(login.as_str()))
        .one(db)
        .await?;
    let credential = match &account {
        Some(account) => {
            password_credential::Entity::find()
                .filter(password_credential::Column::AccountId.eq(account.id))
                .one(db)
                .await?
        }
        None => None,
    };
    let (account, stored) = match (account, credential) {
        (Some(account), Some(credential)) => (Some(account), credential.password_hash),
        _ => (None, DUMMY_HASH.clone()),
    };
    let candidate = secret.to_owned();
    let matches = tokio::task::spawn_blocking(move || password::verify(&candidate, &stored))
        .await
        .map_err(AppError::internal)?;
    let account = match account {
        Some(account) if matches && account.status == AccountStatus::Active => account,
        other => {
            // The attempt was counted when it began.
            let txn = begin_write(db).await?;
            audit::record(
                &txn,
                AuditEntry::new("sign_in.failed", None)
                    .ip(client.ip.clone())
                    .details(serde_json::json!({
                        "method": "password",
                        "known_account": other.as_ref().map(|a| a.id),
                    })),
            )
            .await?;
            txn.commit().await?;
            return Err(wrong_credentials());
        }
    };

    let txn = begin_write(db).await?;
    PER_LOGIN.give_back(&txn, &login_bucket, now).await?;
    PER_ADDRESS.give_back(&txn, &address_bucket, now).await?;
    let (token, session) = session::start(
        &txn,
        account.id,
        kind,
        client.user_agent.as_deref(),
        policy,
        now,
    )
    .await?;
    let mut active: account::ActiveModel = account.into();
    active.last_sign_in_at = Set(Some(now));
    let account = active.update(&txn).await?;
    audit::record(
        &txn,
        AuditEntry::new("sign_in.succeeded", Some(account.id))
            .object("session", session.id)
            .ip(client.ip.clone())
            .details(serde_json::json!({ "method": "password", "kind": kind.as_str() })),
    )
    .await?;
    txn.commit().await?;
    Ok((token, account))
}
