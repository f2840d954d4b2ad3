//! The catalogue of reasons an access application may be refused for, shared by all schools, so
//! that refusals are uniform and can be counted.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "refusal_reasons")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Stable machine code of the reason; unique.
    #[sea_orm(unique)]
    pub code: String,
    /// The reason as shown to applicants, in Russian.
    pub title_ru: String,
    /// The reason in English.
    pub title_en: String,
    /// Whether a refusal for this reason must be explained in `decision_comment`.
    pub requires_comment: bool,
    /// `false` hides the reason from new decisions; old refusals keep it.
    pub active: bool,
    /// Position in lists; lower comes first.
    pub sort_order: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
