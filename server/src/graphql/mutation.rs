//! Mutations: signing in and out, and ending sessions. Each calls `auth/` or `service/`, which
//! run one transaction with its audit event.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use dnevnik_entities::enums::SessionKind;

use super::communication::Account;
use super::context::ContextExt;
use super::ids::{self, Kind};
use crate::auth::{login, session};
use crate::error::{AppError, AppResult, Reason};
use crate::service::audit::{self, AuditEntry};

/// A login and password.
#[derive(InputObject)]
pub struct LoginInput {
    /// The login (case-insensitive).
    pub login: String,
    /// The password.
    pub password: String,
}

/// A new session for an API client.
#[derive(SimpleObject)]
pub struct LoginPayload {
    /// The session token: send it as `Authorization: Bearer <token>`. Shown once.
    pub token: String,
    /// The signed-in account.
    pub account: Account,
}

/// The result of signing out.
#[derive(SimpleObject)]
pub struct LogoutPayload {
    /// Whether a session was ended.
    pub ended: bool,
}

/// A session to end.
#[derive(InputObject)]
pub struct RevokeSessionInput {
    /// The session's id (from `viewer.sessions`).
    pub session_id: ID,
}

/// The result of ending a session.
#[derive(SimpleObject)]
pub struct RevokeSessionPayload {
    /// The ended session's id.
    pub session_id: ID,
}

/// An access code from an envelope.
#[derive(InputObject)]
pub struct RedeemAccessCodeInput {
    /// The code as printed, e.g. `K7QM-2X9D-HT4R-WB6N-Z3P8` (case, dashes and spaces do not
    /// matter).
    pub code: String,
    /// For a guardian code: the parent's own name for this child in the diary ("Маша");
    /// defaults to the child's first name.
    pub label: Option<String>,
}

/// What a redeemed code linked.
pub struct RedeemAccessCodePayload {
    student_id: i64,
    guardian: bool,
    /// What the redemption granted: the viewer was loaded before the link existed.
    access: crate::policy::Access,
}

/// What a redeemed code linked.
#[Object]
impl RedeemAccessCodePayload {
    /// The student now linked to the viewer.
    async fn student(&self, ctx: &Context<'_>) -> AppResult<super::student::Student> {
        let student =
            super::loaders::load::<dnevnik_entities::student::Entity>(ctx, self.student_id)
                .await?
                .ok_or(AppError::NotFound)?;
        Ok(super::student::Student::single(
            student,
            self.access.clone(),
        ))
    }

    /// Whether the viewer became the student's guardian (otherwise: the student themselves).
    async fn guardian(&self) -> bool {
        self.guardian
    }
}

/// Signing in and out, sessions and linking a child.
#[derive(Default)]
pub struct AuthMutation;

/// Signing in and out, sessions and linking a child.
#[Object]
impl AuthMutation {
    /// Signs in with a login and password and returns a bearer token. Unknown logins and wrong
    /// passwords give the same `UNAUTHENTICATED` answer; repeated failures give
    /// `RATE_LIMITED`. At most one per request.
    async fn login(&self, ctx: &Context<'_>, input: LoginInput) -> AppResult<LoginPayload> {
        let request = ctx.request()?;
        if input.login.len() > 200 || input.password.len() > 1000 {
            return Err(AppError::Unauthenticated);
        }
        let (token, account) = login::sign_in(
            &request.db,
            &input.login,
            &input.password,
            SessionKind::Api,
            &request.client,
            request.config.session_policy(),
            request.clock.now(),
        )
        .await?;
        Ok(LoginPayload {
            token,
            account: Account(account),
        })
    }

    /// Links a child to the signed-in account with the one-time code from the school's
    /// envelope. A guardian code needs a confirmed (Gosuslugi) account; a student code makes the
    /// account the student's own. Unknown, wrong, expired and used codes give the same
    /// `BAD_USER_INPUT`; too many failures give `RATE_LIMITED`. At most one per request.
    async fn redeem_access_code(
        &self,
        ctx: &Context<'_>,
        input: RedeemAccessCodeInput,
    ) -> AppResult<RedeemAccessCodePayload> {
        let request = ctx.request()?;
        let writer = ctx.writer()?;
        if input.code.len() > 100 || input.label.as_ref().is_some_and(|l| l.chars().count() > 64) {
            return Err(AppError::bad_input("code", Reason::InvalidCode));
        }
        let redeemed = crate::service::codes::codebook::redeem(
            &writer,
            request.config.secret_key(),
            &input.code,
            input.label.as_deref(),
            crate::service::codes::codebook::Step::Link,
        )
        .await?;
        Ok(RedeemAccessCodePayload {
            access: crate::policy::Access::granted_by(&redeemed).ok_or_else(|| {
                AppError::internal(anyhow::anyhow!("a redemption that linked nothing"))
            })?,
            student_id: redeemed.student_id,
            guardian: redeemed.kind == dnevnik_entities::enums::AccessKind::Guardian,
        })
    }

    /// Ends the session this request was made with.
    async fn logout(&self, ctx: &Context<'_>) -> AppResult<LogoutPayload> {
        let request = ctx.request()?;
        let (Some(viewer), Some(token)) = (request.viewer.as_ref(), request.token.as_deref())
        else {
            return Ok(LogoutPayload { ended: false });
        };
        let txn = crate::db::begin_write(&request.db).await?;
        session::end(&txn, token).await?;
        audit::record(
            &txn,
            AuditEntry::new("sign_out", Some(viewer.account_id()))
                .object("session", viewer.session_id())
                .ip(request.client.ip.clone()),
        )
        .await?;
        txn.commit().await?;
        // A browser session's cookie goes too.
        ctx.insert_http_header(
            "set-cookie",
            crate::http::cookies::clear_session(request.config.secure_cookies()),
        );
        Ok(LogoutPayload { ended: true })
    }

    /// Ends one of the viewer's own sessions (another device, a lost phone).
    async fn revoke_session(
        &self,
        ctx: &Context<'_>,
        input: RevokeSessionInput,
    ) -> AppResult<RevokeSessionPayload> {
        let request = ctx.request()?;
        let viewer = ctx.viewer()?;
        let session_id = ids::decode(&input.session_id, Kind::Session)?;
        let txn = crate::db::begin_write(&request.db).await?;
        session::revoke(&txn, viewer.account_id(), session_id).await?;
        audit::record(
            &txn,
            AuditEntry::new("session.revoked", Some(viewer.account_id()))
                .object("session", session_id)
                .ip(request.client.ip.clone()),
        )
        .await?;
        txn.commit().await?;
        Ok(RevokeSessionPayload {
            session_id: input.session_id,
        })
    }
}
