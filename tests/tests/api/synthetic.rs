//! `dnevnik seed synthetic`: the demo's shapes at any scale, the same for the same seed.

use dnevnik_server::config::SyntheticArgs;
use dnevnik_tests::TestDatabase;
use sea_orm::{Database, DatabaseConnection};

async fn scalar(db: &DatabaseConnection, sql: &str) -> anyhow::Result<i64> {
    Ok(dnevnik_tests::sql::scalar(db, &format!("SELECT CAST(({sql}) AS BIGINT) AS n")).await)
}

async fn seeded(args: &SyntheticArgs) -> anyhow::Result<(TestDatabase, DatabaseConnection)> {
    let database = TestDatabase::create().await;
    let db = Database::connect(database.url.as_str()).await?;
    dnevnik_server::db::migrate(&db).await?;
    let today = dnevnik_tests::today();
    dnevnik_server::seed::synthetic::seed(&db, args, today).await?;
    Ok((database, db))
}

#[tokio::test]
async fn synthetic_schools_have_the_requested_size_and_a_living_diary() -> anyhow::Result<()> {
    let args = SyntheticArgs {
        schools: 2,
        students_per_school: 60,
        weeks: 2,
        seed: 7,
        workers: 2,
        fast_load: false,
    };
    let (_database, db) = seeded(&args).await?;
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM schools").await?, 2);
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM students").await?, 120);
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM class_units").await?, 6);
    assert!(scalar(&db, "SELECT COUNT(*) FROM lessons").await? > 100);
    assert!(scalar(&db, "SELECT COUNT(*) FROM marks").await? > 100);
    assert!(scalar(&db, "SELECT COUNT(*) FROM homework").await? > 10);
    // Nothing generated before the requested weeks.
    let week = dnevnik_tests::today()
        .week(chrono::Weekday::Mon)
        .first_day();
    let earliest = week - chrono::Duration::days(7);
    let before = format!("SELECT COUNT(*) FROM lessons WHERE date < '{earliest}'");
    assert_eq!(scalar(&db, &before).await?, 0);
    // The catalogues exist once, however many schools.
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM refusal_reasons").await?,
        6
    );
    // A second run adds schools after the first ones.
    dnevnik_server::seed::synthetic::seed(&db, &args, dnevnik_tests::today()).await?;
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM schools").await?, 4);
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM refusal_reasons").await?,
        6
    );
    Ok(())
}

#[tokio::test]
async fn the_same_seed_gives_the_same_data() -> anyhow::Result<()> {
    let args = SyntheticArgs {
        schools: 1,
        students_per_school: 50,
        weeks: 1,
        seed: 42,
        workers: 1,
        fast_load: false,
    };
    let (_a, first) = seeded(&args).await?;
    let (_b, second) = seeded(&args).await?;
    for sql in [
        "SELECT COUNT(*) FROM marks",
        "SELECT SUM(value * weight) FROM marks",
        "SELECT COUNT(*) FROM attendance_records",
        "SELECT SUM(id) FROM lessons",
    ] {
        assert_eq!(
            scalar(&first, sql).await?,
            scalar(&second, sql).await?,
            "{sql}"
        );
    }
    Ok(())
}
