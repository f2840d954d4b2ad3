//! The history of a mark: one row for each creation, change or deletion, with the value and weight
//! before and after, so that every change to a mark can be explained.

use sea_orm::entity::prelude::*;

use crate::enums::MarkRevisionAction;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mark_revisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The school the row belongs to: every per-school query filters on it.
    pub school_id: i64,
    pub mark_id: i64,
    /// Who made the change; `None` for imports or once the account is gone.
    pub account_id: Option<i64>,
    pub action: MarkRevisionAction,
    /// The value before the change; `None` on creation.
    pub old_value: Option<i16>,
    /// The value after the change; `None` on deletion.
    pub new_value: Option<i16>,
    /// The weight before the change; `None` on creation.
    pub old_weight: Option<i16>,
    /// The weight after the change; `None` on deletion.
    pub new_weight: Option<i16>,
    pub changed_at: DateTimeUtc,
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
        belongs_to = "super::mark::Entity",
        from = "Column::MarkId",
        to = "super::mark::Column::Id",
        on_update = "Cascade",
        on_delete = "Cascade"
    )]
    Mark,
    #[sea_orm(
        belongs_to = "super::account::Entity",
        from = "Column::AccountId",
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

impl Related<super::mark::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Mark.def()
    }
}

impl Related<super::account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Account.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
