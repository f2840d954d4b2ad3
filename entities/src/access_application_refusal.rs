//! The reasons an access application was refused for: a link between an application and the
//! refusal-reason catalogue (an application may be refused for several reasons).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "access_application_refusals")]
pub struct Model {
    /// The school the row belongs to: every per-school query filters on it.
    pub school_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub access_application_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub refusal_reason_id: i64,
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
        belongs_to = "super::access_application::Entity",
        from = "Column::AccessApplicationId",
        to = "super::access_application::Column::Id",
        on_update = "Cascade",
        on_delete = "Cascade"
    )]
    AccessApplication,
    #[sea_orm(
        belongs_to = "super::refusal_reason::Entity",
        from = "Column::RefusalReasonId",
        to = "super::refusal_reason::Column::Id",
        on_update = "Cascade",
        on_delete = "Restrict"
    )]
    RefusalReason,
}

impl Related<super::school::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::School.def()
    }
}

impl Related<super::access_application::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AccessApplication.def()
    }
}

impl Related<super::refusal_reason::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RefusalReason.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
