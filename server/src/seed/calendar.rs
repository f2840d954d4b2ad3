//! The school calendar the generators lay lessons on: the academic year containing a date, its
//! four quarters, Russian public holidays, and which days are study days.
//!
//! Demo data must always show a living diary, so when "today" falls into a break or the summer,
//! the quarter around it is stretched to cover the current week and the two weeks after it. This
//! bends the calendar only for generated data; real schools enter their own periods.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// One study period's dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day (inclusive).
    pub ends_on: NaiveDate,
}

impl Span {
    /// Whether the day lies within the span.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.starts_on <= day && day <= self.ends_on
    }
}

/// What a day in the national business calendar is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayKind {
    /// A public holiday (нерабочий праздничный день).
    Holiday,
    /// A day off moved from a holiday that fell on a weekend.
    DayOff,
}

/// The academic year around a date.
#[derive(Clone, Debug)]
pub struct AcademicCalendar {
    /// "2026/2027".
    pub name: String,
    /// The whole year, also the span of the year's final marks.
    pub year: Span,
    /// Quarters 1–4.
    pub quarters: [Span; 4],
    /// Public holidays and moved days off of both calendar years.
    pub days_off: BTreeMap<NaiveDate, (DayKind, &'static str)>,
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

/// Monday of the week containing `day`.
pub fn monday_of(day: NaiveDate) -> NaiveDate {
    day.week(Weekday::Mon).first_day()
}

/// Adds days, saturating at the end of the calendar.
pub fn plus_days(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_add_days(Days::new(days))
        .unwrap_or(NaiveDate::MAX)
}

/// Subtracts days, saturating at the start of the calendar.
pub fn minus_days(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_sub_days(Days::new(days))
        .unwrap_or(NaiveDate::MIN)
}

impl AcademicCalendar {
    /// The academic year that `today` belongs to, bent so that the current week and the two
    /// after it are study weeks.
    pub fn around(today: NaiveDate) -> Self {
        // July and August already belong to the coming year; January to June to the running one.
        let y = if today.month() >= 7 {
            today.year()
        } else {
            today.year() - 1
        };
        let mut quarters = [
            Span {
                starts_on: date(y, 9, 1),
                ends_on: date(y, 10, 24),
            },
            Span {
                starts_on: date(y, 11, 5),
                ends_on: date(y, 12, 27),
            },
            Span {
                starts_on: date(y + 1, 1, 12),
                ends_on: date(y + 1, 3, 20),
            },
            Span {
                starts_on: date(y + 1, 3, 30),
                ends_on: date(y + 1, 5, 26),
            },
        ];
        let window_start = monday_of(today);
        let window_end = plus_days(window_start, 20);
        let in_quarter = quarters.iter().any(|q| q.contains(window_start));
        if !in_quarter {
            if window_start < quarters[0].starts_on {
                quarters[0].starts_on = window_start;
            } else {
                // The last quarter that began before the window is stretched over it; the next
                // one starts after it.
                let k = quarters
                    .iter()
                    .rposition(|q| q.starts_on <= window_start)
                    .unwrap_or(0);
                quarters[k].ends_on = quarters[k].ends_on.max(window_end);
                if let Some(next) = quarters.get_mut(k + 1) {
                    next.starts_on = next.starts_on.max(plus_days(window_end, 1));
                    next.ends_on = next.ends_on.max(plus_days(next.starts_on, 27));
                }
            }
        }
        let year = Span {
            starts_on: quarters[0].starts_on.min(date(y, 9, 1)),
            ends_on: quarters[3].ends_on.max(date(y + 1, 5, 31)),
        };
        let mut days_off = russian_days_off(y);
        days_off.extend(russian_days_off(y + 1));
        Self {
            name: format!("{y}/{}", y + 1),
            year,
            quarters,
            days_off,
        }
    }

    /// The quarter (1–4) a day belongs to, if any.
    pub fn quarter_of(&self, day: NaiveDate) -> Option<usize> {
        self.quarters.iter().position(|q| q.contains(day))
    }

    /// A weekday inside a quarter that is neither a holiday nor a moved day off.
    pub fn is_study_day(&self, day: NaiveDate) -> bool {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
            && self.quarter_of(day).is_some()
            && !self.days_off.contains_key(&day)
    }

    /// A weekday that is neither a public holiday nor a moved day off.
    pub fn is_business_day(&self, day: NaiveDate) -> bool {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.days_off.contains_key(&day)
    }

    /// The business day `n` business days after `day` (the deadline of an application received
    /// on `day`).
    pub fn add_business_days(&self, day: NaiveDate, n: u32) -> NaiveDate {
        let mut day = day;
        let mut left = n;
        while left > 0 {
            day = plus_days(day, 1);
            if self.is_business_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// The business day `n` business days before `day`.
    pub fn sub_business_days(&self, day: NaiveDate, n: u32) -> NaiveDate {
        let mut day = day;
        let mut left = n;
        while left > 0 {
            day = minus_days(day, 1);
            if self.is_business_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// Every study day from `from` to `to`, inclusive.
    pub fn study_days(&self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        from.iter_days()
            .take_while(|d| *d <= to)
            .filter(|d| self.is_study_day(*d))
            .collect()
    }
}

/// Russian public holidays of a calendar year (Labour Code art. 112), with a holiday that falls
/// on a weekend moved to the next working day. The January holidays are moved by government
/// decree each year, differently; they are left as they are, plus 31 December, which has been a
/// day off in recent years.
pub fn russian_days_off(year: i32) -> BTreeMap<NaiveDate, (DayKind, &'static str)> {
    let mut days = BTreeMap::new();
    for day in 1..=6 {
        days.insert(
            date(year, 1, day),
            (DayKind::Holiday, "Новогодние каникулы"),
        );
    }
    days.insert(date(year, 1, 7), (DayKind::Holiday, "Рождество Христово"));
    days.insert(date(year, 1, 8), (DayKind::Holiday, "Новогодние каникулы"));
    let movable = [
        (date(year, 2, 23), "День защитника Отечества"),
        (date(year, 3, 8), "Международный женский день"),
        (date(year, 5, 1), "Праздник Весны и Труда"),
        (date(year, 5, 9), "День Победы"),
        (date(year, 6, 12), "День России"),
        (date(year, 11, 4), "День народного единства"),
    ];
    for (day, name) in movable {
        days.insert(day, (DayKind::Holiday, name));
    }
    for (day, _) in movable {
        if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            let mut moved = plus_days(day, 1);
            while matches!(moved.weekday(), Weekday::Sat | Weekday::Sun)
                || days.contains_key(&moved)
            {
                moved = plus_days(moved, 1);
            }
            days.insert(moved, (DayKind::DayOff, "Перенос выходного дня"));
        }
    }
    days.insert(date(year, 12, 31), (DayKind::DayOff, "Новогодний выходной"));
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_november_day_falls_into_the_second_quarter_of_the_running_year() {
        let calendar = AcademicCalendar::around(date(2026, 11, 28));
        assert_eq!(calendar.name, "2026/2027");
        assert_eq!(calendar.quarter_of(date(2026, 11, 30)), Some(1));
        assert!(calendar.is_study_day(date(2026, 11, 30)));
        assert!(!calendar.is_study_day(date(2026, 11, 4)), "a holiday");
        assert!(
            !calendar.is_study_day(date(2026, 11, 1)),
            "a Sunday in the break"
        );
    }

    #[test]
    fn every_day_of_the_year_gets_a_current_study_week() {
        let mut day = date(2026, 1, 1);
        while day < date(2028, 1, 1) {
            let calendar = AcademicCalendar::around(day);
            let week = monday_of(day);
            // The current week, or the next one when the whole week is a holiday.
            let this_week = calendar.study_days(week, plus_days(week, 6));
            let next_week = calendar.study_days(plus_days(week, 7), plus_days(week, 13));
            assert!(
                !this_week.is_empty() || !next_week.is_empty(),
                "{day}: no study day this week or the next"
            );
            assert!(calendar.year.contains(day), "{day} outside its year");
            for pair in calendar.quarters.windows(2) {
                assert!(
                    pair[0].ends_on < pair[1].starts_on,
                    "{day}: quarters overlap"
                );
            }
            day = plus_days(day, 1);
        }
    }

    #[test]
    fn three_business_days_skip_weekends_and_holidays() {
        let calendar = AcademicCalendar::around(date(2026, 11, 28));
        // Received on Monday 2 November 2026: Wednesday 4 November is a holiday.
        assert_eq!(
            calendar.add_business_days(date(2026, 11, 2), 3),
            date(2026, 11, 6)
        );
        // Received on a Friday: due on Wednesday.
        assert_eq!(
            calendar.add_business_days(date(2026, 11, 27), 3),
            date(2026, 12, 2)
        );
        assert_eq!(
            calendar.sub_business_days(date(2026, 12, 2), 3),
            date(2026, 11, 27)
        );
    }

    #[test]
    fn a_holiday_on_a_weekend_moves_to_the_next_working_day() {
        // 23 February 2025 was a Sunday.
        let days = russian_days_off(2025);
        assert_eq!(
            days.get(&date(2025, 2, 24)),
            Some(&(DayKind::DayOff, "Перенос выходного дня"))
        );
    }
}
