//! The catalogue of control forms (формы контроля: "Контрольная работа", "Ответ на уроке"): what a
//! mark was given for, and the weight it carries by default.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "control_forms")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The school the row belongs to: every per-school query filters on it.
    pub school_id: i64,
    /// Unique within the school.
    pub name: String,
    /// Abbreviation shown next to a mark ("К/р").
    pub short_name: String,
    /// Weight a new mark of this form gets, 1 to 10.
    pub default_weight: i16,
    /// Position in lists; lower comes first.
    pub sort_order: i32,
    /// `false` hides the form from new marks; old marks keep it.
    pub active: bool,
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
}

impl Related<super::school::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::School.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
