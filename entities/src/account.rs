//! A person's sign-in account: the identity that passwords, external identities, sessions, role
//! grants and guardianships hang off. Staff members and students link to it once they sign in.

use sea_orm::entity::prelude::*;

use crate::enums::AccountStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Local sign-in name; `None` for accounts that only sign in through an external identity.
    #[sea_orm(unique)]
    pub login: Option<String>,
    /// The name shown in the interface.
    pub display_name: String,
    pub status: AccountStatus,
    /// A confirmed (trusted) identity, like ESIA's `is_tru`: only such accounts may link a child
    /// with a guardian access code.
    pub confirmed: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When the account last signed in; `None` if it never has.
    pub last_sign_in_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
