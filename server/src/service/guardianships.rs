//! Who is linked to a student, for the school's administrators, and unlinking — which takes
//! effect at the parent's next request, because scopes are read per request.

use dnevnik_entities::{account, guardianship, student};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};

use super::applications::require_school_admin;
use super::audit::{self, AuditEntry};
use crate::db::begin_write;
use crate::error::{AppError, AppResult};
use crate::policy::{Permission, Viewer};

/// A student's guardianships with the parents' accounts.
pub async fn of_student(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    student: &student::Model,
) -> AppResult<Vec<(guardianship::Model, Option<account::Model>)>> {
    require_school_admin(viewer, student.school_id)?;
    Ok(guardianship::Entity::find()
        .filter(guardianship::Column::StudentId.eq(student.id))
        .order_by_asc(guardianship::Column::CreatedAt)
        .find_also_related(account::Entity)
        .all(db)
        .await?)
}

/// Removes a parent's link to a child.
pub async fn unlink(
    db: &DatabaseConnection,
    viewer: &Viewer,
    guardianship_id: i64,
    ip: Option<String>,
) -> AppResult<guardianship::Model> {
    let txn = begin_write(db).await?;
    let link = guardianship::Entity::find_by_id(guardianship_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    viewer.authorize(Permission::OpenSchoolRecord {
        school_id: link.school_id,
    })?;
    guardianship::Entity::delete_by_id(link.id)
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        AuditEntry::new("guardianship.removed", Some(viewer.account_id()))
            .school(Some(link.school_id))
            .object("guardianship", link.id)
            .ip(ip)
            .details(
                serde_json::json!({ "student_id": link.student_id, "account_id": link.account_id }),
            ),
    )
    .await?;
    txn.commit().await?;
    Ok(link)
}
