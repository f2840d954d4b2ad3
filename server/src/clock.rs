//! Time for the whole server: one clock that says what instant it is, and each school's time
//! zone to read days and wall-clock times off it. Nothing else reads the system clock: "today"
//! is always some school's today, so a school in Vladivostok starts its day seven hours before
//! one in Moscow, and a test can set the date.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chrono::{
    DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc,
};
use chrono_tz::Tz;
use dnevnik_entities::school;
use sea_orm::{ConnectionTrait, EntityTrait, QuerySelect};

use crate::error::{AppError, AppResult};

/// The zone of the demo school, and of the seeds' "today".
pub const MOSCOW: Tz = chrono_tz::Europe::Moscow;

/// The server's clock and the schools' zones. Cheap to clone; every clone shares the zones.
#[derive(Clone)]
pub struct Clock {
    /// Added to the system clock: zero in production, the distance to a chosen start in tests.
    shift: TimeDelta,
    /// School id → zone. A school's zone is set when the school is created and never changes
    /// (nothing in the API or the back-office changes it), so a cache filled on a miss is
    /// correct on every replica.
    zones: Arc<RwLock<HashMap<i64, Tz>>>,
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clock").field("now", &self.now()).finish()
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::system()
    }
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self {
            shift: TimeDelta::zero(),
            zones: Arc::default(),
        }
    }

    /// A clock that starts at `at` and runs forward from there at the system clock's pace:
    /// for tests and demonstrations that need a given day (sessions still expire, limits
    /// still slide).
    pub fn starting_at(at: DateTime<Utc>) -> Self {
        Self {
            shift: at - Utc::now(),
            zones: Arc::default(),
        }
    }

    /// This instant.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.shift
    }

    /// Today in a zone.
    pub fn today_in(&self, zone: Tz) -> NaiveDate {
        self.now().with_timezone(&zone).date_naive()
    }

    /// Today at a school.
    pub async fn today_at(
        &self,
        db: &impl ConnectionTrait,
        school_id: i64,
    ) -> AppResult<NaiveDate> {
        Ok(self.today_in(self.zone(db, school_id).await?))
    }

    /// A school's zone; one query the first time a school is asked about.
    pub async fn zone(&self, db: &impl ConnectionTrait, school_id: i64) -> AppResult<Tz> {
        if let Some(zone) = self.cached(school_id) {
            return Ok(zone);
        }
        let name: Option<String> = school::Entity::find_by_id(school_id)
            .select_only()
            .column(school::Column::Timezone)
            .into_tuple()
            .one(db)
            .await?;
        let name = name.ok_or(AppError::NotFound)?;
        let zone = parse_zone(school_id, &name);
        self.remember(school_id, zone);
        Ok(zone)
    }

    /// The zones of several schools (each looked up once).
    pub async fn zones(
        &self,
        db: &impl ConnectionTrait,
        school_ids: impl IntoIterator<Item = i64>,
    ) -> AppResult<Vec<Tz>> {
        let mut zones = Vec::new();
        for id in school_ids {
            let zone = self.zone(db, id).await?;
            if !zones.contains(&zone) {
                zones.push(zone);
            }
        }
        Ok(zones)
    }

    /// Every zone of the schools this server knows (for lists that span every school).
    pub fn known_zones(&self) -> Vec<Tz> {
        let zones = match self.zones.read() {
            Ok(zones) => zones.values().copied().collect::<Vec<_>>(),
            Err(poisoned) => poisoned.into_inner().values().copied().collect(),
        };
        let mut distinct: Vec<Tz> = Vec::new();
        for zone in zones {
            if !distinct.contains(&zone) {
                distinct.push(zone);
            }
        }
        distinct
    }

    /// Reads every school's zone, so that the requests that follow find them in memory.
    pub async fn load_zones(&self, db: &impl ConnectionTrait) -> AppResult<()> {
        let rows: Vec<(i64, String)> = school::Entity::find()
            .select_only()
            .column(school::Column::Id)
            .column(school::Column::Timezone)
            .into_tuple()
            .all(db)
            .await?;
        for (id, name) in rows {
            self.remember(id, parse_zone(id, &name));
        }
        Ok(())
    }

    fn cached(&self, school_id: i64) -> Option<Tz> {
        match self.zones.read() {
            Ok(zones) => zones.get(&school_id).copied(),
            Err(poisoned) => poisoned.into_inner().get(&school_id).copied(),
        }
    }

    fn remember(&self, school_id: i64, zone: Tz) {
        match self.zones.write() {
            Ok(mut zones) => zones.insert(school_id, zone),
            Err(poisoned) => poisoned.into_inner().insert(school_id, zone),
        };
    }
}

/// A zone by its IANA name. A school row with an unknown name is a data error that must not
/// take the school's diary down: it reads as UTC, and says so in the log.
fn parse_zone(school_id: i64, name: &str) -> Tz {
    name.parse().unwrap_or_else(|_| {
        tracing::warn!(
            school_id,
            zone = name,
            "unknown time zone; reading it as UTC"
        );
        Tz::UTC
    })
}

/// The instant a wall-clock time happens in a zone. A time skipped by a clock change reads
/// as the first instant after the gap; a repeated one as its first occurrence.
pub fn instant(zone: Tz, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let wall = date.and_time(time);
    match zone.from_local_datetime(&wall) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => at.with_timezone(&Utc),
        LocalResult::None => {
            // Gaps are at most a few hours; walk forward to the first time that exists.
            (1..=24 * 4)
                .map(|quarter| wall + TimeDelta::minutes(15 * quarter))
                .find_map(|later| zone.from_local_datetime(&later).earliest())
                .map_or_else(|| wall.and_utc(), |at| at.with_timezone(&Utc))
        }
    }
}

/// The first instant of a day in a zone.
pub fn start_of_day(zone: Tz, date: NaiveDate) -> DateTime<Utc> {
    instant(zone, date, NaiveTime::MIN)
}

/// The wall-clock time of an instant in a zone.
pub fn wall_clock(zone: Tz, at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&zone).naive_local()
}

/// The instants that cover whole days `from..=to` in every one of `zones`: from the earliest
/// midnight to the latest end, so that a list spanning schools in several zones misses none
/// of any school's days (and may include a few hours more for the others).
pub fn days_span(zones: &[Tz], from: NaiveDate, to: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let after = to.succ_opt().unwrap_or(to);
    let zones: &[Tz] = if zones.is_empty() { &[Tz::UTC] } else { zones };
    let start = zones.iter().map(|z| start_of_day(*z, from)).min();
    let end = zones.iter().map(|z| start_of_day(*z, after)).max();
    (
        start.unwrap_or_else(|| start_of_day(Tz::UTC, from)),
        end.unwrap_or_else(|| start_of_day(Tz::UTC, after)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn today_depends_on_the_school_zone() {
        // 22:30 UTC on 31 August is already 1 September in Moscow and in Vladivostok.
        let at = day(2026, 8, 31)
            .and_hms_opt(22, 30, 0)
            .unwrap_or_default()
            .and_utc();
        let clock = Clock::starting_at(at);
        assert_eq!(clock.today_in(MOSCOW), day(2026, 9, 1));
        assert_eq!(
            clock.today_in(chrono_tz::Asia::Vladivostok),
            day(2026, 9, 1)
        );
        assert_eq!(
            clock.today_in(chrono_tz::Europe::Kaliningrad),
            day(2026, 9, 1)
        );
        assert_eq!(clock.today_in(Tz::UTC), day(2026, 8, 31));
    }

    #[test]
    fn a_day_starts_at_local_midnight() {
        let moscow = start_of_day(MOSCOW, day(2026, 12, 6));
        assert_eq!(moscow.to_rfc3339(), "2026-12-05T21:00:00+00:00");
        let berlin_summer = start_of_day(chrono_tz::Europe::Berlin, day(2026, 7, 1));
        assert_eq!(berlin_summer.to_rfc3339(), "2026-06-30T22:00:00+00:00");
    }

    #[test]
    fn a_skipped_time_reads_as_the_first_one_after_the_gap() {
        // Berlin skipped 02:00–03:00 on 29 March 2026.
        let at = instant(
            chrono_tz::Europe::Berlin,
            day(2026, 3, 29),
            NaiveTime::from_hms_opt(2, 30, 0).unwrap_or_default(),
        );
        assert_eq!(at.to_rfc3339(), "2026-03-29T01:00:00+00:00");
    }

    #[test]
    fn a_span_over_zones_covers_every_zone_s_days() {
        let zones = [MOSCOW, chrono_tz::Asia::Vladivostok];
        let (start, end) = days_span(&zones, day(2026, 12, 1), day(2026, 12, 1));
        assert_eq!(start.to_rfc3339(), "2026-11-30T14:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-12-01T21:00:00+00:00");
    }

    /// Every `.rs` file under `src/`, with its path relative to `src/`.
    fn sources() -> Vec<(String, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut out = Vec::new();
        let mut dirs = vec![root.clone()];
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let name = path
                        .strip_prefix(&root)
                        .map(|p| p.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    out.push((name, std::fs::read_to_string(&path).unwrap_or_default()));
                }
            }
        }
        assert!(out.len() > 50, "the sources were not found");
        out
    }

    #[test]
    fn nothing_but_the_clock_reads_the_system_clock() {
        // Instants that must be real time: tokens from identity providers are stamped by their
        // clocks, the audit log's chain records when things really happened, the health probe
        // and the development provider are not the product's time, and the seeds are demo data.
        let real_time = [
            "clock.rs",
            "auth/esia.rs",
            "auth/oidc.rs",
            "service/audit.rs",
            "db.rs",
            "http/dev_idp.rs",
        ];
        let mut offenders = Vec::new();
        for (name, text) in sources() {
            let text = text.split("#[cfg(test)]").next().unwrap_or_default();
            if text.contains(concat!("Local", "::now")) {
                offenders.push(format!(
                    "{name}: the server's local time is no school's time"
                ));
            }
            let exempt = real_time.contains(&name.as_str()) || name.starts_with("seed/");
            if !exempt && text.contains(concat!("Utc", "::now()")) {
                offenders.push(format!("{name}: read the time from the Clock"));
            }
            // The wiring of the `demo` feature: seeding at start, the seed commands, the banner.
            let wiring = ["app.rs", "cli.rs", "lib.rs", "banner.rs"].contains(&name.as_str());
            if !wiring && !name.starts_with("seed/") && text.contains(concat!("seed", "::")) {
                offenders.push(format!("{name}: production code calls into seed/"));
            }
        }
        assert!(offenders.is_empty(), "{offenders:#?}");
    }

    #[test]
    fn a_started_clock_runs_on() {
        let at = day(2030, 1, 1)
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc();
        let clock = Clock::starting_at(at);
        let now = clock.now();
        assert!(now >= at && now - at < TimeDelta::seconds(5));
    }
}
