//! The audit log (152-ФЗ art. 19): who did what to which object, when and from where. Events
//! are append-only and hash-chained per school, so that a changed or removed event breaks the
//! chain. Details hold identifiers and enum values only — never names, marks, codes or tokens.

use chrono::{DateTime, SubsecRound, Utc};
use dnevnik_entities::audit_event::{self, Column, Entity};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, Statement,
};
use sha2::{Digest, Sha256};

use crate::error::AppResult;

/// The hash that starts every chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One thing that happened.
#[derive(Clone, Debug, Default)]
pub struct AuditEntry {
    /// The account that acted, if any (failed sign-ins have none).
    pub actor: Option<i64>,
    /// The school the object belongs to; also selects the hash chain.
    pub school_id: Option<i64>,
    /// What happened, as `noun.verb`: `sign_in.succeeded`, `session.revoked`, …
    pub action: &'static str,
    /// The kind of object acted on, e.g. `session`, `student`.
    pub object_type: Option<&'static str>,
    /// The object's id.
    pub object_id: Option<i64>,
    /// Where the request came from.
    pub ip: Option<String>,
    /// Identifiers and enum values that explain the event.
    pub details: serde_json::Value,
}

impl AuditEntry {
    /// An entry for an action by an actor.
    pub fn new(action: &'static str, actor: Option<i64>) -> Self {
        Self {
            action,
            actor,
            details: serde_json::Value::Null,
            ..Self::default()
        }
    }

    /// Sets the object acted on.
    pub fn object(mut self, kind: &'static str, id: i64) -> Self {
        self.object_type = Some(kind);
        self.object_id = Some(id);
        self
    }

    /// Sets the school.
    pub fn school(mut self, school_id: Option<i64>) -> Self {
        self.school_id = school_id;
        self
    }

    /// Sets the client address.
    pub fn ip(mut self, ip: Option<String>) -> Self {
        self.ip = ip;
        self
    }

    /// Sets the details.
    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
}

/// Appends an event to its school's chain. Call it inside the transaction of the write it
/// records, so that both happen or neither does.
pub async fn record(db: &impl ConnectionTrait, entry: AuditEntry) -> AppResult<audit_event::Model> {
    lock_chain(db, entry.school_id).await?;
    let previous = Entity::find()
        .filter(chain_filter(entry.school_id))
        .order_by_desc(Column::Id)
        .one(db)
        .await?;
    let prev_hash = previous.map_or_else(|| GENESIS.to_owned(), |e| e.hash);
    // Stored with microsecond precision on both engines; the hash must match what is read back.
    let occurred_at = Utc::now().trunc_subsecs(6);
    let details = match &entry.details {
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    };
    let hash = chain_hash(
        &prev_hash,
        occurred_at,
        entry.actor,
        entry.school_id,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.ip.as_deref(),
        details.as_deref(),
    );
    let model = audit_event::ActiveModel {
        occurred_at: Set(occurred_at),
        actor_account_id: Set(entry.actor),
        school_id: Set(entry.school_id),
        action: Set(entry.action.to_owned()),
        object_type: Set(entry.object_type.map(str::to_owned)),
        object_id: Set(entry.object_id),
        ip: Set(entry.ip),
        details: Set(details),
        prev_hash: Set(prev_hash),
        hash: Set(hash),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(model)
}

/// Serialises writers of one chain on PostgreSQL (SQLite serialises all writers anyway).
async fn lock_chain(db: &impl ConnectionTrait, school_id: Option<i64>) -> AppResult<()> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock(727, $1)",
            [i32::try_from(school_id.unwrap_or(0) % i64::from(i32::MAX))
                .unwrap_or(0)
                .into()],
        ))
        .await?;
    }
    Ok(())
}

fn chain_filter(school_id: Option<i64>) -> sea_orm::Condition {
    match school_id {
        Some(id) => sea_orm::Condition::all().add(Column::SchoolId.eq(id)),
        None => sea_orm::Condition::all().add(Column::SchoolId.is_null()),
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "every stored field of the event is hashed"
)]
fn chain_hash(
    prev_hash: &str,
    occurred_at: DateTime<Utc>,
    actor: Option<i64>,
    school_id: Option<i64>,
    action: &str,
    object_type: Option<&str>,
    object_id: Option<i64>,
    ip: Option<&str>,
    details: Option<&str>,
) -> String {
    let mut hasher = Sha256::new();
    let fields = [
        prev_hash.to_owned(),
        occurred_at.timestamp_micros().to_string(),
        actor.map(|a| a.to_string()).unwrap_or_default(),
        school_id.map(|s| s.to_string()).unwrap_or_default(),
        action.to_owned(),
        object_type.unwrap_or_default().to_owned(),
        object_id.map(|o| o.to_string()).unwrap_or_default(),
        ip.unwrap_or_default().to_owned(),
        details.unwrap_or_default().to_owned(),
    ];
    for field in fields {
        // Length-prefixed, so that moving text between fields changes the hash.
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Recomputes a chain; returns the id of the first event that does not fit, or `None` when the
/// whole chain is intact.
pub async fn verify_chain(
    db: &impl ConnectionTrait,
    school_id: Option<i64>,
) -> AppResult<Option<i64>> {
    let events = Entity::find()
        .filter(chain_filter(school_id))
        .order_by_asc(Column::Id)
        .all(db)
        .await?;
    let mut prev = GENESIS.to_owned();
    for event in events {
        let expected = chain_hash(
            &prev,
            event.occurred_at,
            event.actor_account_id,
            event.school_id,
            &event.action,
            event.object_type.as_deref(),
            event.object_id,
            event.ip.as_deref(),
            event.details.as_deref(),
        );
        if event.prev_hash != prev || event.hash != expected {
            return Ok(Some(event.id));
        }
        prev = event.hash;
    }
    Ok(None)
}

/// Filters of the audit log viewer.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Only this school's events (required for school administrators).
    pub school_id: Option<i64>,
    /// Only this actor's.
    pub actor_account_id: Option<i64>,
    /// Only actions starting with this (`access_code.` for every code event).
    pub action_prefix: Option<String>,
    /// Only this kind of object.
    pub object_type: Option<String>,
    /// Only this object.
    pub object_id: Option<i64>,
    /// From this instant.
    pub from: Option<DateTime<Utc>>,
    /// Before this instant.
    pub to: Option<DateTime<Utc>>,
}

/// The display names of the accounts that acted in some events (events the caller has
/// already been allowed to read), in one statement.
pub async fn actor_names(
    db: &impl ConnectionTrait,
    events: &[audit_event::Model],
) -> AppResult<std::collections::HashMap<i64, String>> {
    use dnevnik_entities::account;
    let actors: Vec<i64> = events.iter().filter_map(|e| e.actor_account_id).collect();
    if actors.is_empty() {
        return Ok(Default::default());
    }
    Ok(account::Entity::find()
        .filter(account::Column::Id.is_in(actors))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.display_name))
        .collect())
}

/// A page of the audit log, newest first: department administrators see everything, school
/// administrators their schools' events.
pub async fn search(
    db: &impl ConnectionTrait,
    viewer: &crate::policy::Viewer,
    filter: &AuditFilter,
    offset: u64,
    limit: u64,
) -> AppResult<(Vec<audit_event::Model>, u64)> {
    use sea_orm::{PaginatorTrait, QuerySelect};
    let mut query = Entity::find();
    if let Some(schools) = viewer.audit_schools()? {
        query = query.filter(Column::SchoolId.is_in(schools));
    }
    if let Some(school) = filter.school_id {
        // Asking for a school one does not administer is refused, as the queue is, rather
        // than answered with an empty log that looks like a quiet school.
        viewer.authorize(crate::policy::Permission::AdministerSchool { school_id: school })?;
        query = query.filter(Column::SchoolId.eq(school));
    }
    if let Some(actor) = filter.actor_account_id {
        query = query.filter(Column::ActorAccountId.eq(actor));
    }
    if let Some(prefix) = filter.action_prefix.as_deref().filter(|p| !p.is_empty()) {
        query = query.filter(Column::Action.starts_with(prefix));
    }
    if let Some(kind) = filter.object_type.as_deref().filter(|p| !p.is_empty()) {
        query = query.filter(Column::ObjectType.eq(kind));
    }
    if let Some(id) = filter.object_id {
        query = query.filter(Column::ObjectId.eq(id));
    }
    if let Some(from) = filter.from {
        query = query.filter(Column::OccurredAt.gte(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(Column::OccurredAt.lt(to));
    }
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_desc(Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// The history of several objects of one kind, oldest first per object (at most 100 events
/// each), in one statement, within the viewer's audit scope.
pub async fn histories(
    db: &impl ConnectionTrait,
    viewer: &crate::policy::Viewer,
    object_type: &str,
    ids: &[i64],
) -> AppResult<std::collections::HashMap<i64, Vec<audit_event::Model>>> {
    let mut query = Entity::find()
        .filter(Column::ObjectType.eq(object_type))
        .filter(Column::ObjectId.is_in(ids.to_vec()));
    if let Some(schools) = viewer.audit_schools()? {
        query = query.filter(Column::SchoolId.is_in(schools));
    }
    let pages = super::pages::first_of_each(
        db,
        query,
        Column::ObjectId,
        &[("id", sea_orm::sea_query::Order::Desc)],
        100,
        |e| e.object_id.unwrap_or_default(),
    )
    .await?;
    Ok(pages
        .into_iter()
        .map(|(id, (mut events, _))| {
            events.reverse();
            (id, events)
        })
        .collect())
}

/// The events as CSV (RFC 4180, safe to open in a spreadsheet), for export.
pub fn to_csv(events: &[audit_event::Model]) -> AppResult<String> {
    let header = [
        "id",
        "occurred_at",
        "actor_account_id",
        "school_id",
        "action",
        "object_type",
        "object_id",
        "ip",
        "details",
        "hash",
    ];
    let rows = events.iter().map(|e| {
        [
            e.id.to_string(),
            e.occurred_at.to_rfc3339(),
            e.actor_account_id
                .map(|a| a.to_string())
                .unwrap_or_default(),
            e.school_id.map(|s| s.to_string()).unwrap_or_default(),
            e.action.clone(),
            e.object_type.clone().unwrap_or_default(),
            e.object_id.map(|o| o.to_string()).unwrap_or_default(),
            e.ip.clone().unwrap_or_default(),
            e.details.clone().unwrap_or_default(),
            e.hash.clone(),
        ]
    });
    crate::spreadsheet::table(&header, rows).map_err(crate::error::AppError::internal)
}

/// What the server knows of the client making a request, for limits and the audit log.
#[derive(Clone, Debug, Default)]
pub struct ClientInfo {
    /// The client's address.
    pub ip: Option<String>,
    /// The `User-Agent` header, shortened.
    pub user_agent: Option<String>,
}
