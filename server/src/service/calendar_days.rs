//! Editing the national business calendar (department administrators): public holidays,
//! moved days off and working weekends, which the three-business-day deadline counts with.

use chrono::NaiveDate;
use dnevnik_entities::calendar_day;
use dnevnik_entities::enums::CalendarDayKind;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};

use super::audit::{self, AuditEntry};
use crate::db::begin_write;
use crate::error::{AppError, AppResult, Reason};
use crate::policy::{Permission, Viewer};

/// The special days of a calendar year.
pub async fn of_year(db: &impl ConnectionTrait, year: i32) -> AppResult<Vec<calendar_day::Model>> {
    let from = NaiveDate::from_ymd_opt(year, 1, 1).ok_or(AppError::NotFound)?;
    let to = NaiveDate::from_ymd_opt(year, 12, 31).ok_or(AppError::NotFound)?;
    Ok(calendar_day::Entity::find()
        .filter(calendar_day::Column::Date.between(from, to))
        .order_by_asc(calendar_day::Column::Date)
        .all(db)
        .await?)
}

/// Sets what a day is (replacing what it was).
pub async fn set(
    db: &DatabaseConnection,
    viewer: &Viewer,
    date: NaiveDate,
    kind: CalendarDayKind,
    name: &str,
    ip: Option<String>,
) -> AppResult<calendar_day::Model> {
    viewer.authorize(Permission::AdministerDepartment)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::bad_input("name", Reason::DayName));
    }
    let txn = begin_write(db).await?;
    calendar_day::Entity::delete_many()
        .filter(calendar_day::Column::Date.eq(date))
        .exec(&txn)
        .await?;
    let day = calendar_day::ActiveModel {
        date: Set(date),
        kind: Set(kind),
        name: Set(name.to_owned()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        AuditEntry::new("calendar_day.set", Some(viewer.account_id()))
            .object("calendar_day", day.id)
            .ip(ip)
            .details(serde_json::json!({ "date": date.to_string(), "kind": kind.as_str() })),
    )
    .await?;
    txn.commit().await?;
    Ok(day)
}

/// Makes a day ordinary again.
pub async fn remove(
    db: &DatabaseConnection,
    viewer: &Viewer,
    date: NaiveDate,
    ip: Option<String>,
) -> AppResult<()> {
    viewer.authorize(Permission::AdministerDepartment)?;
    let txn = begin_write(db).await?;
    let removed = calendar_day::Entity::delete_many()
        .filter(calendar_day::Column::Date.eq(date))
        .exec(&txn)
        .await?;
    if removed.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &txn,
        AuditEntry::new("calendar_day.removed", Some(viewer.account_id()))
            .ip(ip)
            .details(serde_json::json!({ "date": date.to_string() })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
