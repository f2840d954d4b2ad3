//! `dnevnik seed synthetic`: many schools of the demo's shape, for measuring performance.
//! Deterministic for a seed, inserted set-based, one transaction per school, with a progress
//! bar on standard error.

use std::time::Instant;

use dnevnik_entities as e;
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait, TransactionTrait};

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
    let calendar = AcademicCalendar::around(today);
    let mut ids = Ids::load(db).await?;
    let mut shared = Shared::default();

    // The national catalogues exist once per database.
    if e::refusal_reason::Entity::find().count(db).await? == 0 {
        let mut rows = Rows::default();
        shared = demo::catalogues(&calendar, &mut ids, &mut rows);
        let txn = db.begin().await?;
        rows.insert(&txn).await?;
        txn.commit().await?;
    } else {
        for reason in e::refusal_reason::Entity::find().all(db).await? {
            shared.refusal_reasons.insert(reason.code, reason.id);
        }
    }
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
    let mut totals: Vec<(&'static str, usize)> = Vec::new();
    let mut inserted = 0usize;
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
        inserted += rows.len();
        let txn = db.begin().await?;
        rows.insert(&txn).await?;
        txn.commit().await?;
        let rate = inserted as f64 / started.elapsed().as_secs_f64().max(0.001);
        progress.set_message(format!("{inserted} rows, {rate:.0} rows/s"));
        progress.inc(1);
    }
    sync_sequences(db).await?;
    progress.finish();
    println!(
        "Seeded {} schools × {} students × {} weeks (seed {}) in {:.1} s: {} rows.",
        args.schools,
        classes.len() as u32 * size,
        args.weeks,
        args.seed,
        started.elapsed().as_secs_f64(),
        inserted
    );
    for (table, count) in totals.iter().filter(|(_, c)| *c > 0) {
        println!("  {table:<30} {count:>12}");
    }
    Ok(())
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
