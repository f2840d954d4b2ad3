//! The append-only, hash-chained audit log. Deliberately without foreign keys: the log must outlive
//! the rows it speaks of, and nothing may ever cascade into it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub occurred_at: DateTimeUtc,
    /// The account that acted (not a foreign key); `None` for the system.
    pub actor_account_id: Option<i64>,
    /// The school concerned (not a foreign key); `None` for events outside any school.
    pub school_id: Option<i64>,
    /// What happened, as a short action code.
    pub action: String,
    /// The kind of object acted on.
    pub object_type: Option<String>,
    /// The id of the object acted on (not a foreign key).
    pub object_id: Option<i64>,
    /// The client's IP address, when the action came over the network.
    pub ip: Option<String>,
    /// JSON with identifiers and enum values only, never names, marks or secrets.
    #[sea_orm(column_type = "Text")]
    pub details: Option<String>,
    /// `hash` of the previous event in the chain (hex).
    pub prev_hash: String,
    /// Hash over this event's content and `prev_hash` (hex); unique. Changing or removing an
    /// event breaks the chain.
    #[sea_orm(unique)]
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
