//! A notification for one account: a new or changed mark, homework, an absence, a remark, a
//! message or news, with read state. `data` holds the identifiers and values it shows.

use sea_orm::entity::prelude::*;

use crate::enums::NotificationKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The recipient.
    pub account_id: i64,
    /// The school it comes from; `None` for city news.
    pub school_id: Option<i64>,
    /// The child it is about, if any.
    pub student_id: Option<i64>,
    pub kind: NotificationKind,
    /// The kind of object it points at (`mark`, `homework`, `message`, …).
    pub object_type: Option<String>,
    pub object_id: Option<i64>,
    /// A JSON object of identifiers and values (subject, old and new value, …).
    #[sea_orm(column_type = "Text")]
    pub data: String,
    pub created_at: DateTimeUtc,
    /// When the recipient read it; `None` while unread.
    pub read_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::account::Entity",
        from = "Column::AccountId",
        to = "super::account::Column::Id",
        on_update = "Cascade",
        on_delete = "Cascade"
    )]
    Account,
    #[sea_orm(
        belongs_to = "super::student::Entity",
        from = "Column::StudentId",
        to = "super::student::Column::Id",
        on_update = "Cascade",
        on_delete = "Cascade"
    )]
    Student,
}

impl ActiveModelBehavior for ActiveModel {}
