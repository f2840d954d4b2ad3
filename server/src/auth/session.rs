//! Sessions: an opaque random token per sign-in, stored only as a hash, with an idle timeout
//! and an absolute lifetime. The same token works as the `dnevnik_session` cookie and as
//! `Authorization: Bearer`. Every sign-in starts a new session (no fixation), sign-out deletes
//! it, and a disabled account's sessions stop working at once.

use chrono::{DateTime, Duration, Utc};
use dnevnik_entities::enums::{AccountStatus, SessionKind};
use dnevnik_entities::{account, session};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

use super::token::{hash_token, new_token};
use crate::error::{AppError, AppResult};

/// The session cookie's name.
pub const COOKIE: &str = "dnevnik_session";

/// How long sessions live.
#[derive(Clone, Copy, Debug)]
pub struct SessionPolicy {
    /// Time without requests after which a session ends.
    pub idle: Duration,
    /// Time after sign-in after which a session ends.
    pub lifetime: Duration,
}

/// A back-office session ends after this long without a request, whatever the setting for
/// ordinary sessions.
pub const ADMIN_IDLE: Duration = Duration::minutes(30);

/// A back-office session ends this long after sign-in.
pub const ADMIN_LIFETIME: Duration = Duration::hours(12);

/// The back-office session cookie (`Path=/admin`, `SameSite=Strict`).
pub const ADMIN_COOKIE: &str = "dnevnik_admin";

/// `last_seen_at` is written at most this often, so that reads do not all become writes.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// A signed-in request's session and account.
#[derive(Clone, Debug)]
pub struct Authenticated {
    /// The session row.
    pub session: session::Model,
    /// The account it belongs to.
    pub account: account::Model,
}

/// Starts a session and returns its token, shown to the client once.
pub async fn start(
    db: &impl ConnectionTrait,
    account_id: i64,
    kind: SessionKind,
    user_agent: Option<&str>,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> AppResult<(String, session::Model)> {
    start_via(db, account_id, kind, user_agent, policy, None, now).await
}

/// Starts a session signed in through an identity provider.
pub async fn start_via(
    db: &impl ConnectionTrait,
    account_id: i64,
    kind: SessionKind,
    user_agent: Option<&str>,
    policy: SessionPolicy,
    provider: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<(String, session::Model)> {
    let token = new_token().map_err(AppError::internal)?;
    let model = session::ActiveModel {
        account_id: Set(account_id),
        token_hash: Set(hash_token(&token)),
        kind: Set(kind),
        user_agent: Set(user_agent.map(|ua| ua.chars().take(300).collect())),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now
            + if kind == SessionKind::Admin {
                ADMIN_LIFETIME.min(policy.lifetime)
            } else {
                policy.lifetime
            }),
        provider: Set(provider.map(str::to_owned)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((token, model))
}

/// The live session for a token, or `None` for an unknown, expired, idle or disabled one.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    token: &str,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> AppResult<Option<Authenticated>> {
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    let found = session::Entity::find()
        .filter(session::Column::TokenHash.eq(hash_token(token)))
        .find_also_related(account::Entity)
        .one(db)
        .await?;
    let Some((session, Some(account))) = found else {
        return Ok(None);
    };
    let idle = if session.kind == SessionKind::Admin {
        ADMIN_IDLE.min(policy.idle)
    } else {
        policy.idle
    };
    let idle_since = session.last_seen_at + idle;
    if session.expires_at <= now || idle_since <= now || account.status != AccountStatus::Active {
        session::Entity::delete_by_id(session.id).exec(db).await?;
        return Ok(None);
    }
    let session = if now - session.last_seen_at >= TOUCH_EVERY {
        let mut active: session::ActiveModel = session.into();
        active.last_seen_at = Set(now);
        active.update(db).await?
    } else {
        session
    };
    Ok(Some(Authenticated { session, account }))
}

/// Ends the session of a token (sign-out). Unknown tokens are ignored.
pub async fn end(db: &impl ConnectionTrait, token: &str) -> AppResult<()> {
    session::Entity::delete_many()
        .filter(session::Column::TokenHash.eq(hash_token(token)))
        .exec(db)
        .await?;
    Ok(())
}

/// An account's live sessions, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    account_id: i64,
    now: DateTime<Utc>,
) -> AppResult<Vec<session::Model>> {
    Ok(session::Entity::find()
        .filter(session::Column::AccountId.eq(account_id))
        .filter(session::Column::ExpiresAt.gt(now))
        .order_by_desc(session::Column::CreatedAt)
        .order_by_desc(session::Column::Id)
        .all(db)
        .await?)
}

/// Ends one of an account's own sessions. Another account's session is "not found".
pub async fn revoke(db: &impl ConnectionTrait, account_id: i64, session_id: i64) -> AppResult<()> {
    let result = session::Entity::delete_many()
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Ends every session of an account (used when it is disabled).
pub async fn end_all(db: &impl ConnectionTrait, account_id: i64) -> AppResult<u64> {
    let result = session::Entity::delete_many()
        .filter(session::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
