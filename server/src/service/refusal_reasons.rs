//! The refusal-reason catalogue, kept by the department: schools choose from it when they
//! refuse an application. Reasons are deactivated, never deleted, so old refusals keep theirs.

use dnevnik_entities::refusal_reason;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

use super::audit::{self, AuditEntry};
use super::writer::Writer;
use crate::db::begin_write;
use crate::error::{AppError, AppResult, Reason};
use crate::policy::{Permission, Viewer};

/// The catalogue in display order; inactive reasons only when asked for.
pub async fn list(
    db: &impl ConnectionTrait,
    include_inactive: bool,
) -> AppResult<Vec<refusal_reason::Model>> {
    let mut query = refusal_reason::Entity::find();
    if !include_inactive {
        query = query.filter(refusal_reason::Column::Active.eq(true));
    }
    Ok(query
        .order_by_asc(refusal_reason::Column::SortOrder)
        .order_by_asc(refusal_reason::Column::Id)
        .all(db)
        .await?)
}

/// A reason's editable fields.
#[derive(Clone, Debug)]
pub struct ReasonInput {
    /// Russian title.
    pub title_ru: String,
    /// English title.
    pub title_en: String,
    /// Whether refusing for it needs a comment.
    pub requires_comment: bool,
    /// Position in lists.
    pub sort_order: i32,
}

fn require_department(viewer: &Viewer) -> AppResult<()> {
    viewer.authorize(Permission::AdministerDepartment)
}

fn check(input: &ReasonInput) -> AppResult<()> {
    for (field, value) in [("titleRu", &input.title_ru), ("titleEn", &input.title_en)] {
        let len = value.trim().chars().count();
        if len == 0 || len > 300 {
            return Err(AppError::bad_input(field, Reason::TitleLength));
        }
    }
    Ok(())
}

/// Adds a reason; `code` is a stable identifier (`lowercase_with_underscores`).
pub async fn create(
    writer: &Writer<'_>,
    code: &str,
    input: ReasonInput,
) -> AppResult<refusal_reason::Model> {
    let (db, viewer, ip) = (writer.db, writer.viewer, writer.ip.clone());
    require_department(viewer)?;
    check(&input)?;
    let code = code.trim();
    if code.is_empty()
        || code.len() > 64
        || !code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(AppError::bad_input("code", Reason::ReasonCodeFormat));
    }
    let txn = begin_write(db).await?;
    let taken = refusal_reason::Entity::find()
        .filter(refusal_reason::Column::Code.eq(code))
        .one(&txn)
        .await?
        .is_some();
    if taken {
        return Err(AppError::conflict_on("code", Reason::ReasonCodeTaken));
    }
    let now = writer.now();
    let reason = refusal_reason::ActiveModel {
        code: Set(code.to_owned()),
        title_ru: Set(input.title_ru.trim().to_owned()),
        title_en: Set(input.title_en.trim().to_owned()),
        requires_comment: Set(input.requires_comment),
        active: Set(true),
        sort_order: Set(input.sort_order),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        AuditEntry::new("refusal_reason.created", Some(viewer.account_id()))
            .object("refusal_reason", reason.id)
            .ip(ip),
    )
    .await?;
    txn.commit().await?;
    Ok(reason)
}

/// Changes a reason's titles, comment rule and order.
pub async fn update(
    writer: &Writer<'_>,
    id: i64,
    input: ReasonInput,
) -> AppResult<refusal_reason::Model> {
    let (db, viewer, ip) = (writer.db, writer.viewer, writer.ip.clone());
    require_department(viewer)?;
    check(&input)?;
    let txn = begin_write(db).await?;
    let reason = refusal_reason::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut active: refusal_reason::ActiveModel = reason.into();
    active.title_ru = Set(input.title_ru.trim().to_owned());
    active.title_en = Set(input.title_en.trim().to_owned());
    active.requires_comment = Set(input.requires_comment);
    active.sort_order = Set(input.sort_order);
    active.updated_at = Set(writer.now());
    let reason = active.update(&txn).await?;
    audit::record(
        &txn,
        AuditEntry::new("refusal_reason.updated", Some(viewer.account_id()))
            .object("refusal_reason", reason.id)
            .ip(ip),
    )
    .await?;
    txn.commit().await?;
    Ok(reason)
}

/// Activates or deactivates a reason.
pub async fn set_active(
    writer: &Writer<'_>,
    id: i64,
    active_now: bool,
) -> AppResult<refusal_reason::Model> {
    let (db, viewer, ip) = (writer.db, writer.viewer, writer.ip.clone());
    require_department(viewer)?;
    let txn = begin_write(db).await?;
    let reason = refusal_reason::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut active: refusal_reason::ActiveModel = reason.into();
    active.active = Set(active_now);
    active.updated_at = Set(writer.now());
    let reason = active.update(&txn).await?;
    audit::record(
        &txn,
        AuditEntry::new(
            if active_now {
                "refusal_reason.activated"
            } else {
                "refusal_reason.deactivated"
            },
            Some(viewer.account_id()),
        )
        .object("refusal_reason", reason.id)
        .ip(ip),
    )
    .await?;
    txn.commit().await?;
    Ok(reason)
}
