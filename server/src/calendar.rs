//! The business calendar: which days are working days, from the national calendar kept in the
//! database (public holidays and moved days off, and weekends made working days), so that an
//! access application's three business days are counted the way the law counts them.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use dnevnik_entities::calendar_day;
use dnevnik_entities::enums::CalendarDayKind;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::error::AppResult;

/// Working days are weekdays that are not holidays, plus weekends declared working days.
#[derive(Clone, Debug, Default)]
pub struct BusinessCalendar {
    days: BTreeMap<NaiveDate, CalendarDayKind>,
}

impl BusinessCalendar {
    /// A calendar over explicit special days.
    pub fn new(days: impl IntoIterator<Item = (NaiveDate, CalendarDayKind)>) -> Self {
        Self {
            days: days.into_iter().collect(),
        }
    }

    /// Loads the special days from `from` over the following `span_days`.
    pub async fn load(
        db: &impl ConnectionTrait,
        from: NaiveDate,
        span_days: u64,
    ) -> AppResult<Self> {
        let to = from.checked_add_days(Days::new(span_days)).unwrap_or(from);
        let rows = calendar_day::Entity::find()
            .filter(calendar_day::Column::Date.between(from, to))
            .all(db)
            .await?;
        Ok(Self::new(rows.into_iter().map(|d| (d.date, d.kind))))
    }

    /// Whether people work on this day.
    pub fn is_business_day(&self, day: NaiveDate) -> bool {
        match self.days.get(&day) {
            Some(CalendarDayKind::Holiday | CalendarDayKind::DayOff) => false,
            Some(CalendarDayKind::WorkingDay) => true,
            None => !matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The business day `n` business days after `day`.
    pub fn add_business_days(&self, day: NaiveDate, n: u32) -> NaiveDate {
        let mut day = day;
        let mut left = n;
        while left > 0 {
            day = day.succ_opt().unwrap_or(day);
            if self.is_business_day(day) {
                left -= 1;
            }
        }
        day
    }
}

/// The due date of an application received on `received_on`: three business days later.
pub async fn application_due_on(
    db: &impl ConnectionTrait,
    received_on: NaiveDate,
) -> AppResult<NaiveDate> {
    // Three business days fit in a month even around the New Year holidays.
    let calendar = BusinessCalendar::load(db, received_on, 45).await?;
    Ok(calendar.add_business_days(received_on, 3))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn three_business_days_skip_weekends_holidays_and_count_working_saturdays() {
        let calendar = BusinessCalendar::new([
            (date(11, 4), CalendarDayKind::Holiday),
            (date(11, 7), CalendarDayKind::WorkingDay),
        ]);
        // Received Monday 2 November: Tuesday 3, (Wednesday 4 is a holiday), Thursday 5, Friday 6.
        assert_eq!(calendar.add_business_days(date(11, 2), 3), date(11, 6));
        // Received Thursday 5: Friday 6, Saturday 7 (a working Saturday), Monday 9.
        assert_eq!(calendar.add_business_days(date(11, 5), 3), date(11, 9));
        // Received on a Friday: due the Wednesday after.
        assert_eq!(calendar.add_business_days(date(11, 27), 3), date(12, 2));
    }
}
