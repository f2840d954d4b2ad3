//! Migrations go up, down to the very start and up again on the engine under test, and leave
//! every table of the model.

use dnevnik_migration::{Migrator, MigratorTrait};
use dnevnik_tests::TestDatabase;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};

/// Every table of the data model (DESIGN.md), as the migrations create them.
const MODEL_TABLES: &[&str] = &[
    "academic_years",
    "access_application_refusals",
    "access_applications",
    "access_codes",
    "accounts",
    "attendance_records",
    "audit_events",
    "bell_schedule_slots",
    "bell_schedules",
    "calendar_days",
    "class_units",
    "control_forms",
    "conversation_participants",
    "conversations",
    "events",
    "external_assessments",
    "external_identities",
    "final_marks",
    "forum_posts",
    "forum_threads",
    "guardianships",
    "health_probes",
    "homework",
    "import_batch_rows",
    "import_batches",
    "lessons",
    "login_states",
    "mark_revisions",
    "marks",
    "messages",
    "news_items",
    "notifications",
    "password_credentials",
    "rate_limit_counters",
    "refusal_reasons",
    "remarks",
    "role_grants",
    "schools",
    "sessions",
    "staff_members",
    "students",
    "study_periods",
    "subjects",
    "teaching_assignments",
    "timetable_entries",
];

async fn tables(db: &DatabaseConnection) -> anyhow::Result<Vec<String>> {
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => {
            "SELECT table_name AS name FROM information_schema.tables \
             WHERE table_schema = 'public' ORDER BY table_name"
        }
        _ => {
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
    };
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    let mut names = Vec::new();
    for row in rows {
        let name: String = row.try_get("", "name")?;
        if name != "seaql_migrations" {
            names.push(name);
        }
    }
    Ok(names)
}

#[tokio::test]
async fn migrations_go_up_down_to_the_start_and_up_again() -> anyhow::Result<()> {
    let database = TestDatabase::create().await;
    let db = Database::connect(database.url.as_str()).await?;
    Migrator::up(&db, None).await?;
    assert_eq!(tables(&db).await?, MODEL_TABLES);

    Migrator::down(&db, None).await?;
    assert_eq!(tables(&db).await?, Vec::<String>::new());
    assert_eq!(Migrator::get_applied_migrations(&db).await?.len(), 0);

    Migrator::up(&db, None).await?;
    assert_eq!(tables(&db).await?, MODEL_TABLES);
    assert!(Migrator::get_pending_migrations(&db).await?.is_empty());
    db.close().await?;
    Ok(())
}

#[tokio::test]
async fn each_migration_rolls_back_on_its_own() -> anyhow::Result<()> {
    let database = TestDatabase::create().await;
    let db = Database::connect(database.url.as_str()).await?;
    Migrator::up(&db, None).await?;
    let count = Migrator::migrations().len();
    for applied in (0..count).rev() {
        Migrator::down(&db, Some(1)).await?;
        assert_eq!(Migrator::get_applied_migrations(&db).await?.len(), applied);
    }
    assert!(tables(&db).await?.is_empty());
    db.close().await?;
    Ok(())
}

#[tokio::test]
async fn a_migration_that_fails_halfway_leaves_nothing_behind_and_the_next_start_completes()
-> anyhow::Result<()> {
    // A start killed in the middle of a migration, made deterministic: the sixth migration
    // creates `import_batches`, `import_batch_rows`, then `audit_events`, and a table in the
    // way of the third makes it fail after the first two.
    let database = TestDatabase::create().await;
    let db = Database::connect(database.url.as_str()).await?;
    Migrator::up(&db, Some(5)).await?;
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_string(
        backend,
        "CREATE TABLE audit_events (obstacle INTEGER)",
    ))
    .await?;
    assert!(Migrator::up(&db, None).await.is_err());
    let left = tables(&db).await?;
    assert!(
        !left
            .iter()
            .any(|t| t == "import_batches" || t == "import_batch_rows"),
        "a failed migration left tables behind: {left:?}"
    );
    assert_eq!(Migrator::get_applied_migrations(&db).await?.len(), 5);

    // Once the obstacle is gone, the next start applies everything.
    db.execute_raw(Statement::from_string(backend, "DROP TABLE audit_events"))
        .await?;
    Migrator::up(&db, None).await?;
    assert_eq!(tables(&db).await?, MODEL_TABLES);
    db.close().await?;
    Ok(())
}
