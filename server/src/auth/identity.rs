//! From a verified external identity to a signed-in account. The identity is (issuer,
//! subject); accounts are never merged on e-mail or phone. A first sign-in creates a parent
//! account with no children; every sign-in refreshes whether the identity is confirmed.

use chrono::{DateTime, Utc};
use dnevnik_entities::enums::{AccountStatus, SessionKind};
use dnevnik_entities::{account, external_identity};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use super::oidc::VerifiedIdentity;
use super::session::{self, SessionPolicy};
use crate::db::begin_write;
use crate::error::{AppError, AppResult};
use crate::service::audit::ClientInfo;
use crate::service::audit::{self, AuditEntry};

/// Signs in the account of an identity (creating it on first sign-in); returns the session
/// token and the account.
pub async fn sign_in(
    db: &DatabaseConnection,
    identity: &VerifiedIdentity,
    client: &ClientInfo,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> AppResult<(String, account::Model)> {
    let txn = begin_write(db).await?;
    let existing = external_identity::Entity::find()
        .filter(external_identity::Column::Issuer.eq(identity.issuer.as_str()))
        .filter(external_identity::Column::Subject.eq(identity.subject.as_str()))
        .one(&txn)
        .await?;
    let account = match existing {
        Some(row) => {
            let account_id = row.account_id;
            let mut active: external_identity::ActiveModel = row.into();
            active.trusted = Set(identity.trusted);
            active.last_used_at = Set(now);
            active.update(&txn).await?;
            let account = account::Entity::find_by_id(account_id)
                .one(&txn)
                .await?
                .ok_or(AppError::Unauthenticated)?;
            if account.status != AccountStatus::Active {
                return Err(AppError::Unauthenticated);
            }
            let mut active: account::ActiveModel = account.into();
            active.confirmed = Set(identity.trusted);
            active.last_sign_in_at = Set(Some(now));
            active.updated_at = Set(now);
            active.update(&txn).await?
        }
        None => {
            let account = account::ActiveModel {
                login: Set(None),
                display_name: Set(identity.display_name.chars().take(200).collect()),
                status: Set(AccountStatus::Active),
                confirmed: Set(identity.trusted),
                created_at: Set(now),
                updated_at: Set(now),
                last_sign_in_at: Set(Some(now)),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            let row = external_identity::ActiveModel {
                account_id: Set(account.id),
                provider: Set(identity.provider.clone()),
                issuer: Set(identity.issuer.clone()),
                subject: Set(identity.subject.clone()),
                trusted: Set(identity.trusted),
                created_at: Set(now),
                last_used_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            audit::record(
                &txn,
                AuditEntry::new("account.created", Some(account.id))
                    .object("external_identity", row.id)
                    .ip(client.ip.clone())
                    .details(serde_json::json!({ "provider": identity.provider })),
            )
            .await?;
            account
        }
    };
    let (token, session) = session::start_via(
        &txn,
        account.id,
        SessionKind::Web,
        client.user_agent.as_deref(),
        policy,
        Some(&identity.provider),
        now,
    )
    .await?;
    audit::record(
        &txn,
        AuditEntry::new("sign_in.succeeded", Some(account.id))
            .object("session", session.id)
            .ip(client.ip.clone())
            .details(serde_json::json!({
                "method": "identity_provider",
                "provider": identity.provider,
                "trusted": identity.trusted,
            })),
    )
    .await?;
    txn.commit().await?;
    Ok((token, account))
}

/// Records a failed sign-in through a provider.
pub async fn record_failure(
    db: &DatabaseConnection,
    provider: &str,
    reason: &'static str,
    client: &ClientInfo,
) -> AppResult<()> {
    let txn = begin_write(db).await?;
    audit::record(
        &txn,
        AuditEntry::new("sign_in.failed", None)
            .ip(client.ip.clone())
            .details(serde_json::json!({
                "method": "identity_provider",
                "provider": provider,
                "reason": reason,
            })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Development only: the built-in provider's issuer includes the port, so identities seeded
/// under an earlier address are moved to the current one.
#[cfg(feature = "demo")]
pub async fn rekey_dev_identities(db: &DatabaseConnection, issuer: &str) -> AppResult<()> {
    external_identity::Entity::update_many()
        .col_expr(
            external_identity::Column::Issuer,
            sea_orm::sea_query::Expr::value(issuer.to_owned()),
        )
        .filter(external_identity::Column::Provider.eq("dev"))
        .exec(db)
        .await?;
    Ok(())
}
