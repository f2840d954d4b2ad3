//! Generated rows held in memory, with ids assigned up front, and their set-based insertion:
//! multi-row `INSERT`s in foreign-key order, sized to the engines' parameter limits.
//!
//! Assigning ids in the generator (rather than reading them back) is what lets millions of
//! rows reference each other without a round trip per row.

use std::collections::HashMap;

use dnevnik_entities as e;
use sea_orm::sea_query::{Expr, Func, Query};
use sea_orm::{
    ConnectionTrait, DbBackend, DbErr, EntityName, EntityTrait, FromQueryResult, Insert,
    IntoActiveModel, Iterable,
};

/// Largest number of bound parameters in one statement (SQLite allows 32 766, PostgreSQL
/// 65 535).
const MAX_PARAMS: usize = 30_000;

/// Hands out primary keys, continuing after what each table already holds.
#[derive(Debug, Default)]
pub struct Ids {
    next: HashMap<&'static str, i64>,
}

impl Ids {
    /// Reads the current maximum id of every table the generators write.
    pub async fn load(db: &impl ConnectionTrait) -> Result<Self, DbErr> {
        let mut ids = Self::default();
        for table in TABLES {
            let query = Query::select()
                .expr_as(Func::max(Expr::col("id")), "max_id")
                .from(*table)
                .to_owned();
            let max = match db.query_one(&query).await? {
                Some(row) => MaxId::from_query_result(&row, "")?.max_id.unwrap_or(0),
                None => 0,
            };
            ids.next.insert(table, max + 1);
        }
        Ok(ids)
    }

    /// The next id of a table.
    pub fn next(&mut self, table: &'static str) -> i64 {
        let slot = self.next.entry(table).or_insert(1);
        let id = *slot;
        *slot += 1;
        id
    }
}

#[derive(FromQueryResult)]
struct MaxId {
    max_id: Option<i64>,
}

/// Every table with an `id` that generated data may fill.
const TABLES: &[&str] = &[
    "accounts",
    "schools",
    "calendar_days",
    "academic_years",
    "study_periods",
    "subjects",
    "staff_members",
    "class_units",
    "students",
    "teaching_assignments",
    "bell_schedules",
    "bell_schedule_slots",
    "timetable_entries",
    "control_forms",
    "lessons",
    "homework",
    "marks",
    "mark_revisions",
    "attendance_records",
    "remarks",
    "final_marks",
    "external_assessments",
    "news_items",
    "events",
    "forum_threads",
    "forum_posts",
    "conversations",
    "conversation_participants",
    "messages",
    "password_credentials",
    "external_identities",
    "role_grants",
    "refusal_reasons",
    "access_applications",
    "guardianships",
];

/// Rows waiting to be inserted, one vector per table.
#[derive(Debug, Default)]
pub struct Rows {
    pub accounts: Vec<e::account::Model>,
    pub password_credentials: Vec<e::password_credential::Model>,
    pub external_identities: Vec<e::external_identity::Model>,
    pub role_grants: Vec<e::role_grant::Model>,
    pub calendar_days: Vec<e::calendar_day::Model>,
    pub refusal_reasons: Vec<e::refusal_reason::Model>,
    pub schools: Vec<e::school::Model>,
    pub academic_years: Vec<e::academic_year::Model>,
    pub study_periods: Vec<e::study_period::Model>,
    pub subjects: Vec<e::subject::Model>,
    pub control_forms: Vec<e::control_form::Model>,
    pub staff_members: Vec<e::staff_member::Model>,
    pub class_units: Vec<e::class_unit::Model>,
    pub students: Vec<e::student::Model>,
    pub teaching_assignments: Vec<e::teaching_assignment::Model>,
    pub bell_schedules: Vec<e::bell_schedule::Model>,
    pub bell_schedule_slots: Vec<e::bell_schedule_slot::Model>,
    pub timetable_entries: Vec<e::timetable_entry::Model>,
    pub lessons: Vec<e::lesson::Model>,
    pub homework: Vec<e::homework::Model>,
    pub marks: Vec<e::mark::Model>,
    pub mark_revisions: Vec<e::mark_revision::Model>,
    pub attendance_records: Vec<e::attendance_record::Model>,
    pub remarks: Vec<e::remark::Model>,
    pub final_marks: Vec<e::final_mark::Model>,
    pub external_assessments: Vec<e::external_assessment::Model>,
    pub guardianships: Vec<e::guardianship::Model>,
    pub news_items: Vec<e::news_item::Model>,
    pub events: Vec<e::event::Model>,
    pub forum_threads: Vec<e::forum_thread::Model>,
    pub forum_posts: Vec<e::forum_post::Model>,
    pub conversations: Vec<e::conversation::Model>,
    pub conversation_participants: Vec<e::conversation_participant::Model>,
    pub messages: Vec<e::message::Model>,
    pub access_applications: Vec<e::access_application::Model>,
    pub access_application_refusals: Vec<e::access_application_refusal::Model>,
}

impl Rows {
    /// How many rows are waiting, over all tables.
    pub fn len(&self) -> usize {
        self.counts().iter().map(|(_, n)| n).sum()
    }

    /// Whether nothing is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Rows per table, for reports.
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        vec![
            ("accounts", self.accounts.len()),
            ("password_credentials", self.password_credentials.len()),
            ("external_identities", self.external_identities.len()),
            ("role_grants", self.role_grants.len()),
            ("calendar_days", self.calendar_days.len()),
            ("refusal_reasons", self.refusal_reasons.len()),
            ("schools", self.schools.len()),
            ("academic_years", self.academic_years.len()),
            ("study_periods", self.study_periods.len()),
            ("subjects", self.subjects.len()),
            ("control_forms", self.control_forms.len()),
            ("staff_members", self.staff_members.len()),
            ("class_units", self.class_units.len()),
            ("students", self.students.len()),
            ("teaching_assignments", self.teaching_assignments.len()),
            ("bell_schedules", self.bell_schedules.len()),
            ("bell_schedule_slots", self.bell_schedule_slots.len()),
            ("timetable_entries", self.timetable_entries.len()),
            ("lessons", self.lessons.len()),
            ("homework", self.homework.len()),
            ("marks", self.marks.len()),
            ("mark_revisions", self.mark_revisions.len()),
            ("attendance_records", self.attendance_records.len()),
            ("remarks", self.remarks.len()),
            ("final_marks", self.final_marks.len()),
            ("external_assessments", self.external_assessments.len()),
            ("guardianships", self.guardianships.len()),
            ("news_items", self.news_items.len()),
            ("events", self.events.len()),
            ("forum_threads", self.forum_threads.len()),
            ("forum_posts", self.forum_posts.len()),
            ("conversations", self.conversations.len()),
            (
                "conversation_participants",
                self.conversation_participants.len(),
            ),
            ("messages", self.messages.len()),
            ("access_applications", self.access_applications.len()),
            (
                "access_application_refusals",
                self.access_application_refusals.len(),
            ),
        ]
    }

    /// Inserts everything in foreign-key order and empties `self`.
    pub async fn insert(&mut self, db: &impl ConnectionTrait) -> Result<(), DbErr> {
        let rows = std::mem::take(self);
        insert::<e::account::Entity>(db, rows.accounts).await?;
        insert::<e::password_credential::Entity>(db, rows.password_credentials).await?;
        insert::<e::external_identity::Entity>(db, rows.external_identities).await?;
        insert::<e::calendar_day::Entity>(db, rows.calendar_days).await?;
        insert::<e::refusal_reason::Entity>(db, rows.refusal_reasons).await?;
        insert::<e::school::Entity>(db, rows.schools).await?;
        insert::<e::role_grant::Entity>(db, rows.role_grants).await?;
        insert::<e::academic_year::Entity>(db, rows.academic_years).await?;
        insert::<e::study_period::Entity>(db, rows.study_periods).await?;
        insert::<e::subject::Entity>(db, rows.subjects).await?;
        insert::<e::control_form::Entity>(db, rows.control_forms).await?;
        insert::<e::staff_member::Entity>(db, rows.staff_members).await?;
        insert::<e::class_unit::Entity>(db, rows.class_units).await?;
        insert::<e::student::Entity>(db, rows.students).await?;
        insert::<e::teaching_assignment::Entity>(db, rows.teaching_assignments).await?;
        insert::<e::bell_schedule::Entity>(db, rows.bell_schedules).await?;
        insert::<e::bell_schedule_slot::Entity>(db, rows.bell_schedule_slots).await?;
        insert::<e::timetable_entry::Entity>(db, rows.timetable_entries).await?;
        insert::<e::lesson::Entity>(db, rows.lessons).await?;
        insert::<e::homework::Entity>(db, rows.homework).await?;
        insert::<e::mark::Entity>(db, rows.marks).await?;
        insert::<e::mark_revision::Entity>(db, rows.mark_revisions).await?;
        insert::<e::attendance_record::Entity>(db, rows.attendance_records).await?;
        insert::<e::remark::Entity>(db, rows.remarks).await?;
        insert::<e::final_mark::Entity>(db, rows.final_marks).await?;
        insert::<e::external_assessment::Entity>(db, rows.external_assessments).await?;
        insert::<e::guardianship::Entity>(db, rows.guardianships).await?;
        insert::<e::news_item::Entity>(db, rows.news_items).await?;
        insert::<e::event::Entity>(db, rows.events).await?;
        insert::<e::forum_thread::Entity>(db, rows.forum_threads).await?;
        insert::<e::forum_post::Entity>(db, rows.forum_posts).await?;
        insert::<e::conversation::Entity>(db, rows.conversations).await?;
        insert::<e::conversation_participant::Entity>(db, rows.conversation_participants).await?;
        insert::<e::message::Entity>(db, rows.messages).await?;
        insert::<e::access_application::Entity>(db, rows.access_applications).await?;
        insert::<e::access_application_refusal::Entity>(db, rows.access_application_refusals)
            .await?;
        Ok(())
    }
}

/// Inserts models with their ids in multi-row statements.
async fn insert<E>(db: &impl ConnectionTrait, models: Vec<E::Model>) -> Result<(), DbErr>
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel>,
{
    let columns = E::Column::iter().count().max(1);
    let per_statement = (MAX_PARAMS / columns).max(1);
    let mut models = models.into_iter().peekable();
    while models.peek().is_some() {
        let chunk: Vec<E::Model> = models.by_ref().take(per_statement).collect();
        Insert::<E::ActiveModel>::many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// After explicit ids were inserted, moves PostgreSQL's identity sequences past them so that
/// ordinary inserts do not collide. SQLite keeps its `AUTOINCREMENT` counters by itself.
pub async fn sync_sequences(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    for table in TABLES {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
             COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        );
        db.execute_unprepared(&sql).await?;
    }
    Ok(())
}

/// The table name of an entity, for [`Ids::next`].
pub fn table<E: EntityName + Default>() -> &'static str {
    E::default().table_name()
}
