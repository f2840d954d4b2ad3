//! A forum thread in school or class scope, addressed to everyone or to a particular role.

use sea_orm::entity::prelude::*;

use crate::enums::{ForumAddressee, ForumScope};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "forum_threads")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The school the row belongs to: every per-school query filters on it.
    pub school_id: i64,
    /// The class; set exactly for class-scope threads.
    pub class_unit_id: Option<i64>,
    pub scope: ForumScope,
    /// Whom the question is for: anyone, the class teacher, a teacher or the deputy director.
    pub addressed_to: ForumAddressee,
    pub title: String,
    /// Who opened the thread; `None` once the account is gone.
    pub author_account_id: Option<i64>,
    /// Pinned threads are listed first.
    pub pinned: bool,
    /// A locked thread accepts no new posts.
    pub locked: bool,
    /// When the latest post was written, kept here to order the thread list.
    pub last_post_at: DateTimeUtc,
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
