//! An identity at an external provider (ESIA, an OpenID Connect issuer) linked to an account. An
//! identity is (issuer, subject); accounts are never merged on e-mail or phone.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "external_identities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    /// The configured provider this identity came through.
    pub provider: String,
    /// The provider's issuer identifier; with `subject`, unique.
    pub issuer: String,
    /// The user's stable identifier at the issuer (OIDC `sub`).
    pub subject: String,
    /// Whether the provider vouches for the person's identity (as ESIA's `is_tru` does).
    pub trusted: bool,
    pub created_at: DateTimeUtc,
    /// When the identity was last used to sign in.
    pub last_used_at: DateTimeUtc,
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
