//! One run of an import from a school's source system (a file of classes, staff, students,
//! timetable...), with its counters; its rows' outcomes are in `import_batch_rows`.

use sea_orm::entity::prelude::*;

use crate::enums::{ImportBatchStatus, ImportKind};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_batches")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The school the row belongs to: every per-school query filters on it.
    pub school_id: i64,
    pub kind: ImportKind,
    /// What was imported, e.g. the uploaded file's name.
    pub source_name: String,
    pub status: ImportBatchStatus,
    /// Who started the import; `None` for scheduled imports or once the account is gone.
    pub created_by_account_id: Option<i64>,
    pub started_at: DateTimeUtc,
    /// `None` while the import is running.
    pub finished_at: Option<DateTimeUtc>,
    /// Rows read from the source.
    pub rows_total: i32,
    pub rows_inserted: i32,
    pub rows_updated: i32,
    pub rows_unchanged: i32,
    pub rows_failed: i32,
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

impl Related<super::account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Account.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
