//! The outcome of one source row of an import batch, kept so that failures can be reported and
//! fixed.

use sea_orm::entity::prelude::*;

use crate::enums::ImportRowOutcome;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_batch_rows")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The school the row belongs to: every per-school query filters on it.
    pub school_id: i64,
    pub import_batch_id: i64,
    /// The row's position in the source; unique within the batch.
    pub row_number: i32,
    /// The row's external identifier, when it could be read.
    pub external_id: Option<String>,
    pub outcome: ImportRowOutcome,
    /// Why the row failed, or a note about it.
    #[sea_orm(column_type = "Text")]
    pub message: Option<String>,
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
        belongs_to = "super::import_batch::Entity",
        from = "Column::ImportBatchId",
        to = "super::import_batch::Column::Id",
        on_update = "Cascade",
        on_delete = "Cascade"
    )]
    ImportBatch,
}

impl Related<super::school::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::School.def()
    }
}

impl Related<super::import_batch::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ImportBatch.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
