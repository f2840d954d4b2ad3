//! A signed-in session, found by the hash of its opaque token: the token itself is never stored.

use sea_orm::entity::prelude::*;

use crate::enums::SessionKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    /// SHA-256 of the opaque session token, hex.
    #[sea_orm(unique)]
    pub token_hash: String,
    pub kind: SessionKind,
    /// The client's User-Agent at sign-in, shown in the list of sessions.
    pub user_agent: Option<String>,
    pub created_at: DateTimeUtc,
    /// When the session was last used.
    pub last_seen_at: DateTimeUtc,
    /// After this instant the session is invalid and may be purged.
    pub expires_at: DateTimeUtc,
    /// The identity provider the session was signed in through, for signing out there too.
    pub provider: Option<String>,
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
}

impl Related<super::account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Account.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
