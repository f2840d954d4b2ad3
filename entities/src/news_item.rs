//! A news item in city, school or class scope. City news belongs to no school, so `school_id` is
//! nullable here; a CHECK keeps the scope and the two references consistent.

use sea_orm::entity::prelude::*;

use crate::enums::{NewsKind, NewsScope};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "news_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The school; `None` exactly for city news.
    pub school_id: Option<i64>,
    /// The class; set exactly for class news.
    pub class_unit_id: Option<i64>,
    pub scope: NewsScope,
    pub kind: NewsKind,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// Who wrote it; `None` once the account is gone.
    pub author_account_id: Option<i64>,
    /// When the item was (or is to be) published.
    pub published_at: DateTimeUtc,
    /// When the item was taken down; `None` while it is shown.
    pub withdrawn_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::school::Entity",
        from = "Column::SchoolId",
        to = "super::school::Column::Id",
        on_update = "Cascade",
        on_delete = "Cascade"
    )]
    School,
    #[sea_orm(
        belongs_to = "super::class_unit::Entity",
        from = "Column::ClassUnitId",
        to = "super::class_unit::Column::Id",
        on_update = "Cascade",
        on_delete = "Cascade"
    )]
    ClassUnit,
    #[sea_orm(
        belongs_to = "super::account::Entity",
        from = "Column::AuthorAccountId",
        to = "super::account::Column::Id",
        on_update = "Cascade",
        on_delete = "SetNull"
    )]
    Account,
}

impl Related<super::school::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::School.def()
    }
}

impl Related<super::class_unit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ClassUnit.def()
    }
}

impl Related<super::account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Account.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
