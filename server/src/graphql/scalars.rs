//! Scalars of the API: `Date` (a calendar day, `2026-11-30`), `DateTime` (an instant in UTC,
//! RFC 3339) and `LocalTime` (a wall-clock time at the school, `08:30`).

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{
    DateTime as ChronoDateTime, Datelike, NaiveDate, NaiveTime, SecondsFormat, Utc, Weekday,
};

use crate::error::{AppError, AppResult, Reason};

/// The years a school diary has any business with. Outside them a date is a typo or a probe,
/// and week and period arithmetic near chrono's limits would overflow.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// What a date outside [`YEARS`] answers.
const OUT_OF_RANGE: &str = "expected a date between 1900-01-01 and 2200-12-31";

/// A calendar day in ISO 8601, e.g. `2026-11-30`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl Date {
    /// Monday and Sunday of the week containing the day; checked, so that a day at the end of
    /// the calendar is refused instead of panicking (the scalar's range keeps it far from there).
    pub fn week(self, argument: &str) -> AppResult<(NaiveDate, NaiveDate)> {
        let week = self.0.week(Weekday::Mon);
        match (week.checked_first_day(), week.checked_last_day()) {
            (Some(monday), Some(sunday)) => Ok((monday, sunday)),
            _ => Err(AppError::bad_input(argument, Reason::DateOutOfRange)),
        }
    }
}

/// A calendar day in ISO 8601 (`YYYY-MM-DD`), e.g. `2026-11-30`, between 1900-01-01 and
/// 2200-12-31.
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => {
                let date = NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_err(|_| InputValueError::custom("expected a date as YYYY-MM-DD"))?;
                if !YEARS.contains(&date.year()) {
                    return Err(InputValueError::custom(OUT_OF_RANGE));
                }
                Ok(Date(date))
            }
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// An instant in UTC, RFC 3339 / ISO 8601, e.g. `2026-11-30T09:15:00Z`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DateTime(pub ChronoDateTime<Utc>);

/// An instant in ISO 8601 / RFC 3339 with a UTC offset, e.g. `2026-11-30T09:15:00Z`, in the
/// years 1900 to 2200.
#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => {
                let at = ChronoDateTime::parse_from_rfc3339(s)
                    .map_err(|_| InputValueError::custom("expected an RFC 3339 date and time"))?
                    .with_timezone(&Utc);
                if !YEARS.contains(&at.year()) {
                    return Err(InputValueError::custom(OUT_OF_RANGE));
                }
                Ok(DateTime(at))
            }
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339_opts(SecondsFormat::Secs, true))
    }
}

/// A wall-clock time at the school (its own time zone), `HH:MM`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LocalTime(pub NaiveTime);

/// A wall-clock time in the school's time zone, `HH:MM`, e.g. `08:30`.
#[Scalar(name = "LocalTime")]
impl ScalarType for LocalTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => NaiveTime::parse_from_str(s, "%H:%M")
                .map(LocalTime)
                .map_err(|_| InputValueError::custom("expected a time as HH:MM")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%H:%M").to_string())
    }
}
