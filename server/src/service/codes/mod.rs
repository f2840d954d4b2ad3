//! Access codes in the back-office: issuing (on approval, or for a whole class's student
//! sign-ins), printing, handing over, revoking and reissuing. The plaintext of a code exists
//! only in the value returned by an issue; afterwards only its status can be seen.

use chrono::{DateTime, Utc};
use dnevnik_entities::enums::{AccessCodeStatus, AccessKind};
use dnevnik_entities::{access_code, student};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};

use super::applications::require_school_admin;
use super::audit::{self, AuditEntry};
pub mod codebook;

use codebook::{CodeRequest, IssuedCode};

use super::writer::Writer;
use crate::db::begin_write;
use crate::error::{AppError, AppResult, Reason};
use crate::policy::{Permission, Viewer};

/// What a code's state is, including expiry (which is not stored).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeState {
    /// Issued, not printed yet.
    Issued,
    /// Its envelope was printed.
    Printed,
    /// Handed over to the applicant.
    HandedOver,
    /// Used to link.
    Redeemed,
    /// Past its expiry unused.
    Expired,
    /// Revoked (or burned by wrong guesses).
    Revoked,
}

/// The state of a code at an instant.
pub fn state(code: &access_code::Model, now: DateTime<Utc>) -> CodeState {
    match code.status {
        AccessCodeStatus::Redeemed => CodeState::Redeemed,
        AccessCodeStatus::Revoked => CodeState::Revoked,
        _ if code.expires_at <= now => CodeState::Expired,
        AccessCodeStatus::Issued => CodeState::Issued,
        AccessCodeStatus::Printed => CodeState::Printed,
        AccessCodeStatus::HandedOver => CodeState::HandedOver,
    }
}

fn usable(code: &access_code::Model, now: DateTime<Utc>) -> bool {
    matches!(
        state(code, now),
        CodeState::Issued | CodeState::Printed | CodeState::HandedOver
    )
}

/// Issues a code inside the caller's transaction, after asking the policy.
pub async fn issue_for(
    txn: &impl ConnectionTrait,
    writer: &Writer<'_>,
    secret: &str,
    school_id: i64,
    student_id: i64,
    kind: AccessKind,
    application_id: Option<i64>,
) -> AppResult<IssuedCode> {
    let (viewer, ip, now) = (writer.viewer, writer.ip.clone(), writer.now());
    require_school_admin(viewer, school_id)?;
    let issued = codebook::issue(
        txn,
        secret,
        CodeRequest {
            school_id,
            student_id,
            kind,
            application_id,
            issued_by: Some(viewer.account_id()),
            ttl: codebook::DEFAULT_TTL,
            issued_at: now,
        },
    )
    .await?;
    // The envelope is produced with the plaintext, so the code counts as printed from here.
    let mut active: access_code::ActiveModel = issued.model.clone().into();
    active.status = Set(AccessCodeStatus::Printed);
    active.printed_at = Set(Some(now));
    let model = active.update(txn).await?;
    audit::record(
        txn,
        AuditEntry::new("access_code.printed", Some(viewer.account_id()))
            .school(Some(school_id))
            .object("access_code", model.id)
            .ip(ip),
    )
    .await?;
    Ok(IssuedCode {
        plaintext: issued.plaintext,
        model,
    })
}

/// A code the viewer may administer; another school's is "not found".
pub async fn find(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> AppResult<access_code::Model> {
    let code = access_code::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    viewer.authorize(Permission::OpenSchoolRecord {
        school_id: code.school_id,
    })?;
    Ok(code)
}

/// A student's codes, newest first.
pub async fn of_student(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    student: &student::Model,
) -> AppResult<Vec<access_code::Model>> {
    require_school_admin(viewer, student.school_id)?;
    Ok(access_code::Entity::find()
        .filter(access_code::Column::StudentId.eq(student.id))
        .order_by_desc(access_code::Column::IssuedAt)
        .order_by_desc(access_code::Column::Id)
        .all(db)
        .await?)
}

/// Records that the envelope was handed to the applicant.
pub async fn hand_over(writer: &Writer<'_>, code_id: i64) -> AppResult<access_code::Model> {
    let (viewer, ip, now) = (writer.viewer, writer.ip.clone(), writer.now());
    let txn = begin_write(writer.db).await?;
    let code = find(&txn, viewer, code_id).await?;
    if !matches!(state(&code, now), CodeState::Issued | CodeState::Printed) {
        return Err(AppError::conflict(Reason::NotHandable));
    }
    let mut active: access_code::ActiveModel = code.into();
    active.status = Set(AccessCodeStatus::HandedOver);
    active.handed_over_at = Set(Some(now));
    active.handed_over_by_account_id = Set(Some(viewer.account_id()));
    let code = active.update(&txn).await?;
    audit::record(
        &txn,
        AuditEntry::new("access_code.handed_over", Some(viewer.account_id()))
            .school(Some(code.school_id))
            .object("access_code", code.id)
            .ip(ip),
    )
    .await?;
    txn.commit().await?;
    Ok(code)
}

async fn revoke_in(
    txn: &impl ConnectionTrait,
    writer: &Writer<'_>,
    code: access_code::Model,
) -> AppResult<access_code::Model> {
    let (viewer, ip, now) = (writer.viewer, writer.ip.clone(), writer.now());
    if !usable(&code, now) {
        return Err(AppError::conflict(Reason::CodeNotUsable));
    }
    let mut active: access_code::ActiveModel = code.into();
    active.status = Set(AccessCodeStatus::Revoked);
    active.revoked_at = Set(Some(now));
    active.revoked_by_account_id = Set(Some(viewer.account_id()));
    let code = active.update(txn).await?;
    audit::record(
        txn,
        AuditEntry::new("access_code.revoked", Some(viewer.account_id()))
            .school(Some(code.school_id))
            .object("access_code", code.id)
            .ip(ip),
    )
    .await?;
    Ok(code)
}

/// Revokes a code that was not used yet.
pub async fn revoke(writer: &Writer<'_>, code_id: i64) -> AppResult<access_code::Model> {
    let txn = begin_write(writer.db).await?;
    let code = find(&txn, writer.viewer, code_id).await?;
    let code = revoke_in(&txn, writer, code).await?;
    txn.commit().await?;
    Ok(code)
}

/// Reprints an envelope: the old code is revoked and a new one issued for the same student,
/// kind and application (the old plaintext can never be shown again).
pub async fn reissue(writer: &Writer<'_>, secret: &str, code_id: i64) -> AppResult<IssuedCode> {
    let now = writer.now();
    let txn = begin_write(writer.db).await?;
    let code = find(&txn, writer.viewer, code_id).await?;
    let (school, student, kind, application) = (
        code.school_id,
        code.student_id,
        code.kind,
        code.access_application_id,
    );
    if usable(&code, now) {
        revoke_in(&txn, writer, code).await?;
    } else if state(&code, now) == CodeState::Redeemed {
        return Err(AppError::conflict(Reason::CodeUsed));
    }
    let issued = issue_for(&txn, writer, secret, school, student, kind, application).await?;
    txn.commit().await?;
    Ok(issued)
}

/// Student-access codes for every student of a class who has no student sign-in yet: their
/// unused student codes are revoked and new ones issued, for one printable document.
pub async fn class_student_codes(
    writer: &Writer<'_>,
    secret: &str,
    class_unit_id: i64,
) -> AppResult<Vec<(student::Model, IssuedCode)>> {
    let (viewer, ip, now) = (writer.viewer, writer.ip.clone(), writer.now());
    let txn = begin_write(writer.db).await?;
    let class = dnevnik_entities::class_unit::Entity::find_by_id(class_unit_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    viewer.authorize(Permission::PrintClassEnvelopes {
        school_id: class.school_id,
        class_unit_id: class.id,
    })?;
    let students = student::Entity::find()
        .filter(student::Column::ClassUnitId.eq(class.id))
        .filter(student::Column::AccountId.is_null())
        .filter(student::Column::LeftOn.is_null())
        .order_by_asc(student::Column::LastName)
        .order_by_asc(student::Column::FirstName)
        .all(&txn)
        .await?;
    let mut out = Vec::new();
    for student in students {
        let old = access_code::Entity::find()
            .filter(access_code::Column::StudentId.eq(student.id))
            .filter(access_code::Column::Kind.eq(AccessKind::Student))
            .all(&txn)
            .await?;
        for code in old.into_iter().filter(|c| usable(c, now)) {
            revoke_in(&txn, writer, code).await?;
        }
        let issued = codebook::issue(
            &txn,
            secret,
            CodeRequest {
                school_id: class.school_id,
                student_id: student.id,
                kind: AccessKind::Student,
                application_id: None,
                issued_by: Some(viewer.account_id()),
                ttl: codebook::DEFAULT_TTL,
                issued_at: now,
            },
        )
        .await?;
        let mut active: access_code::ActiveModel = issued.model.clone().into();
        active.status = Set(AccessCodeStatus::Printed);
        active.printed_at = Set(Some(now));
        let model = active.update(&txn).await?;
        out.push((
            student,
            IssuedCode {
                plaintext: issued.plaintext,
                model,
            },
        ));
    }
    audit::record(
        &txn,
        AuditEntry::new("access_code.class_printed", Some(viewer.account_id()))
            .school(Some(class.school_id))
            .object("class_unit", class.id)
            .ip(ip)
            .details(serde_json::json!({ "codes": out.len() })),
    )
    .await?;
    txn.commit().await?;
    Ok(out)
}

/// Codes issued or printed, unexpired and not handed over yet.
pub async fn awaiting_hand_over(
    db: &impl ConnectionTrait,
    school_id: i64,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    Ok(access_code::Entity::find()
        .filter(access_code::Column::SchoolId.eq(school_id))
        .filter(
            access_code::Column::Status
                .is_in([AccessCodeStatus::Issued, AccessCodeStatus::Printed]),
        )
        .filter(access_code::Column::ExpiresAt.gt(now))
        .count(db)
        .await?)
}
