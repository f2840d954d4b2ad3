//! A dated school event or parent meeting (родительское собрание), for the whole school or one
//! class.

use sea_orm::entity::prelude::*;

use crate::enums::EventKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The school the row belongs to: every per-school query filters on it.
    pub school_id: i64,
    /// The class the event is for; `None` for the whole school.
    pub class_unit_id: Option<i64>,
    pub kind: EventKind,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: Option<String>,
    pub place: Option<String>,
    pub starts_at: DateTimeUtc,
    /// `None` when the end is open or unknown.
    pub ends_at: Option<DateTimeUtc>,
    /// Who created it; `None` once the account is gone.
    pub created_by_account_id: Option<i64>,
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
        from = "Column::CreatedByAccountId",
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
