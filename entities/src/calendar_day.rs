//! The national business calendar: the dates that differ from the ordinary week (public holidays,
//! extra days off and working Saturdays), shared by all schools.

use sea_orm::entity::prelude::*;

use crate::enums::CalendarDayKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "calendar_days")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub date: Date,
    pub kind: CalendarDayKind,
    /// What the day is ("Новый год", "Перенос выходного дня").
    pub name: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
