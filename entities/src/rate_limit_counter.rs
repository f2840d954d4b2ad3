//! Attempt counters behind the rate limits, shared by all server replicas: one row per bucket
//! (what is counted) and fixed time window.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rate_limit_counters")]
pub struct Model {
    /// What is counted, e.g. `login-account:17`; never a secret or a name.
    #[sea_orm(primary_key, auto_increment = false)]
    pub bucket: String,
    /// Start of the fixed window the attempts fall into.
    #[sea_orm(primary_key, auto_increment = false)]
    pub window_start: DateTimeUtc,
    /// Attempts counted in the window.
    pub attempts: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
