//! A school: the tenant that almost every other row belongs to through its `school_id`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "schools")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Identifier in the regional registry of schools; unique across all schools.
    #[sea_orm(unique)]
    pub external_id: Option<String>,
    /// The full official name.
    pub name: String,
    /// The everyday name shown in lists ("Школа №12").
    pub short_name: String,
    pub city: String,
    pub address: Option<String>,
    /// IANA time zone (e.g. `Europe/Moscow`) in which the school's dates and bell times are meant.
    pub timezone: String,
    /// An average whose fractional part reaches this many hundredths rounds up (50 is
    /// ordinary rounding; many schools use 60). Between 1 and 99.
    pub rounding_threshold: i16,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
