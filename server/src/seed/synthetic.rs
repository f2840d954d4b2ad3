//! `dnevnik seed synthetic`: many schools of the demo's shape, for measuring performance.
//! Deterministic for a seed, inserted set-based, one transaction per school. Schools are
//! generated one after another (ids are handed out in order) and inserted by a few workers at
//! once, with a progress bar on standard error.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context as _, bail};
use dnevnik_entities as e;
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait, TransactionTrait,
};
use tokio::sync::{Mutex, mpsc};

use super::calendar::{AcademicCalendar, minus_days, monday_of, plus_days};
use super::demo;
use super::rows::{Ids, Rows, sync_sequences};
use super::school::{self, ClassRef, SchoolPlan, Shared};
use crate::config::SyntheticArgs;

/// Class letters in the order schools open parallel classes.
const LETTERS: [&str; 12] = ["А", "Б", "В", "Г", "Д", "Е", "Ж", "З", "И", "К", "Л", "М"];

/// Students per class that synthetic schools aim for.
const CLASS_SIZE: u32 = 25;

/// The classes of a school with `students` students: grades 1–11 in turn, as many parallel
/// classes as needed, and the class size that gives the total.
pub fn class_layout(students: u32) -> (Vec<ClassRef>, u32) {
    let max_classes = 11 * LETTERS.len() as u32;
    let count = students.div_ceil(CLASS_SIZE).clamp(1, max_classes);
    let size = students.div_ceil(count).max(1);
    let classes = (0..count)
        .map(|i| {
            let grade = i16::try_from(i % 11 + 1).unwrap_or(1);
            (grade, LETTERS[(i / 11) as usize % LETTERS.len()])
        })
        .collect();
    (classes, size)
}

/// Generates and inserts `args.schools` schools as of `today`.
pub async fn seed(
    db: &DatabaseConnection,
    args: &SyntheticArgs,
    today: chrono::NaiveDate,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let fast_load = args.fast_load && fast_load_allowed(db).await?;
    let calendar = AcademicCalendar::around(today);
    let mut ids = Ids::load(db).await?;
    let shared = catalogues(db, &calendar, &mut ids).await?;
    let existing_schools = e::school::Entity::find().count(db).await?;

    let (classes, size) = class_layout(args.students_per_school);
    let weeks = u64::from(args.weeks.max(1));
    let lessons_from = minus_days(monday_of(today), 7 * (weeks - 1)).max(calendar.year.starts_on);
    let lessons_to = plus_days(monday_of(today), 6);

    let progress = ProgressBar::new(u64::from(args.schools));
    progress.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} schools, {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );

    // Generation feeds a short queue; the workers drain it, one school per transaction.
    let workers = args.workers.max(1);
    let (queue, receiver) = mpsc::channel::<Rows>(workers);
    let receiver = Arc::new(Mutex::new(receiver));
    let inserted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut handles = Vec::new();
    for _ in 0..workers {
        let db = db.clone();
        let receiver = Arc::clone(&receiver);
        let progress = progress.clone();
        let inserted = Arc::clone(&inserted);
        handles.push(tokio::spawn(async move {
            loop {
                let next = receiver.lock().await.recv().await;
                let Some(mut rows) = next else {
                    return Ok::<(), anyhow::Error>(());
                };
                let count = rows.len();
                let txn = db.begin().await?;
                if fast_load {
                    txn.execute_unprepared("SET LOCAL session_replication_role = replica")
                        .await?;
                }
                rows.insert(&txn).await?;
                txn.commit().await?;
                let total = inserted.fetch_add(count, std::sync::atomic::Ordering::Relaxed) + count;
                let rate = total as f64 / started.elapsed().as_secs_f64().max(0.001);
                progress.set_message(format!("{total} rows, {rate:.0} rows/s"));
                progress.inc(1);
            }
        }));
    }

    let mut totals: Vec<(&'static str, usize)> = Vec::new();
    for n in 0..args.schools {
        let number = u32::try_from(existing_schools).unwrap_or(0) + n + 1;
        let plan = SchoolPlan {
            number,
            name: format!("ГБОУ «Школа № {}»", 1000 + number),
            short_name: format!("Школа № {}", 1000 + number),
            rounding_threshold: if number % 3 == 0 { 60 } else { 50 },
            classes: classes.clone(),
            students_per_class: (size, size),
            lessons_from,
            lessons_to,
            today,
            featured_teacher: None,
            demo_family: None,
            unlinked_student_in: None,
            linked_family_share: 0.6,
            seed: args
                .seed
                .wrapping_mul(1_000_003)
                .wrapping_add(u64::from(number)),
        };
        let mut rows = Rows::default();
        school::generate(&plan, &calendar, &shared, &mut ids, &mut rows);
        let counts = rows.counts();
        if totals.is_empty() {
            totals = counts.iter().map(|(t, _)| (*t, 0)).collect();
        }
        for ((_, total), (_, count)) in totals.iter_mut().zip(&counts) {
            *total += count;
        }
        if queue.send(rows).await.is_err() {
            break;
        }
    }
    drop(queue);
    for handle in handles {
        handle.await.context("an insert worker stopped")??;
    }
    sync_sequences(db).await?;
    progress.finish();

    let inserted = inserted.load(std::sync::atomic::Ordering::Relaxed);
    println!(
        "Seeded {} schools × {} students × {} weeks (seed {}, {} workers{}) in {:.1} s: {} rows.",
        args.schools,
        classes.len() as u32 * size,
        args.weeks,
        args.seed,
        workers,
        if fast_load { ", fast load" } else { "" },
        started.elapsed().as_secs_f64(),
        inserted
    );
    for (table, count) in totals.iter().filter(|(_, c)| *c > 0) {
        println!("  {table:<30} {count:>12}");
    }
    Ok(())
}

/// The national catalogues, created once per database.
async fn catalogues(
    db: &DatabaseConnection,
    calendar: &AcademicCalendar,
    ids: &mut Ids,
) -> anyhow::Result<Shared> {
    if e::refusal_reason::Entity::find().count(db).await? == 0 {
        let mut rows = Rows::default();
        let shared = demo::catalogues(calendar, ids, &mut rows);
        let txn = db.begin().await?;
        rows.insert(&txn).await?;
        txn.commit().await?;
        return Ok(shared);
    }
    let mut shared = Shared::default();
    for reason in e::refusal_reason::Entity::find().all(db).await? {
        shared.refusal_reasons.insert(reason.code, reason.id);
    }
    Ok(shared)
}

/// Fast load turns foreign-key triggers off for the loading transactions, which PostgreSQL
/// only allows a superuser.
async fn fast_load_allowed(db: &DatabaseConnection) -> anyhow::Result<bool> {
    if db.get_database_backend() != DbBackend::Postgres {
        bail!("--fast-load works on PostgreSQL only");
    }
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            DbBackend::Postgres,
            "SELECT current_setting('is_superuser') AS superuser",
        ))
        .await?;
    let superuser: String = match row {
        Some(row) => row.try_get("", "superuser")?,
        None => String::new(),
    };
    if superuser != "on" {
        bail!("--fast-load needs a superuser connection (it sets session_replication_role)");
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thousand_students_fill_forty_classes_of_twenty_five() {
        let (classes, size) = class_layout(1000);
        assert_eq!(classes.len(), 40);
        assert_eq!(size, 25);
        assert_eq!(classes[0], (1, "А"));
        assert_eq!(classes[11], (1, "Б"));
        let unique: std::collections::HashSet<_> = classes.iter().collect();
        assert_eq!(unique.len(), classes.len());
    }
}
