//! The one-time state of a sign-in through an identity provider, from the redirect to the
//! provider until its callback. Deleted when used or expired.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_states")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The provider's configured name.
    pub provider: String,
    /// SHA-256 of the `state` parameter.
    #[sea_orm(unique)]
    pub state_hash: String,
    /// SHA-256 of the pre-login cookie that binds the flow to one browser.
    pub browser_hash: String,
    /// The `nonce` the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier.
    pub pkce_verifier: String,
    /// Where to go after signing in: a path on this site.
    pub return_to: String,
    pub created_at: DateTimeUtc,
    /// After this the state is refused.
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
