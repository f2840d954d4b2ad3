//! Per-request DataLoaders for objects referenced by id from many places (a lesson's subject, a
//! post's author). The main diary views do not depend on these: they load set-based through
//! `service/` and the request memo.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::time::Duration;

use async_graphql::dataloader::{DataLoader, Loader};
use dnevnik_entities as e;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{DatabaseConnection, EntityTrait, QueryFilter};

/// Rows that have a numeric id.
pub trait HasId {
    /// The primary key.
    fn id(&self) -> i64;
}

macro_rules! has_id {
    ($($module:ident),* $(,)?) => {
        $(impl HasId for e::$module::Model {
            fn id(&self) -> i64 {
                self.id
            }
        })*
    };
}

has_id!(
    account,
    school,
    academic_year,
    study_period,
    class_unit,
    subject,
    staff_member,
    student,
    lesson,
    control_form,
    news_item,
    forum_thread,
    mark,
    homework,
);

/// Loads rows of one entity by id.
pub struct ById<E> {
    db: DatabaseConnection,
    entity: PhantomData<fn() -> E>,
}

impl<E> Loader<i64> for ById<E>
where
    E: EntityTrait,
    E::Model: HasId + Clone + Send + Sync + 'static,
{
    type Value = E::Model;
    type Error = std::sync::Arc<sea_orm::DbErr>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, E::Model>, Self::Error> {
        let rows = E::find()
            .filter(Expr::col("id").is_in(keys.iter().copied()))
            .all(&self.db)
            .await
            .map_err(std::sync::Arc::new)?;
        Ok(rows.into_iter().map(|row| (row.id(), row)).collect())
    }
}

/// The batching delay. Resolvers of one list register their keys in the same poll; a short
/// delay lets a batch collect them without adding noticeable latency per nesting level.
const DELAY: Duration = Duration::from_micros(500);

/// A loader of one entity for one request.
pub fn by_id<E>(db: &DatabaseConnection) -> DataLoader<ById<E>>
where
    E: EntityTrait,
    E::Model: HasId + Clone + Send + Sync + 'static,
{
    DataLoader::new(
        ById {
            db: db.clone(),
            entity: PhantomData,
        },
        tokio::spawn,
    )
    .delay(DELAY)
}

/// Loads one row by id through the request's loader for its entity.
pub async fn load<E>(
    ctx: &async_graphql::Context<'_>,
    id: i64,
) -> crate::error::AppResult<Option<E::Model>>
where
    E: EntityTrait,
    E::Model: HasId + Clone + Send + Sync + 'static,
{
    let loader = ctx
        .data::<DataLoader<ById<E>>>()
        .map_err(|_| crate::error::AppError::internal(anyhow::anyhow!("loader missing")))?;
    loader
        .load_one(id)
        .await
        .map_err(|e| crate::error::AppError::internal(anyhow::anyhow!("{e}")))
}

/// Loads the history of marks by mark id, oldest change first.
pub struct MarkHistory {
    db: DatabaseConnection,
}

impl Loader<i64> for MarkHistory {
    type Value = Vec<e::mark_revision::Model>;
    type Error = std::sync::Arc<crate::error::AppError>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = crate::service::journal::history(&self.db, keys)
            .await
            .map_err(std::sync::Arc::new)?;
        let mut out: HashMap<i64, Self::Value> = HashMap::new();
        for row in rows {
            out.entry(row.mark_id).or_default().push(row);
        }
        Ok(out)
    }
}

/// The history of one mark through the request's loader.
pub async fn mark_history(
    ctx: &async_graphql::Context<'_>,
    mark_id: i64,
) -> crate::error::AppResult<Vec<e::mark_revision::Model>> {
    let loader = ctx
        .data::<DataLoader<MarkHistory>>()
        .map_err(|_| crate::error::AppError::internal(anyhow::anyhow!("loader missing")))?;
    Ok(loader
        .load_one(mark_id)
        .await
        .map_err(|e| (*e).clone())?
        .unwrap_or_default())
}

/// Loads the participants of conversations by conversation id, in joining order, so that a
/// list of conversations with their participants costs one statement, not one per item.
pub struct Participants {
    db: DatabaseConnection,
}

impl Loader<i64> for Participants {
    type Value = Vec<e::conversation_participant::Model>;
    type Error = std::sync::Arc<crate::error::AppError>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = crate::service::communication::participants(&self.db, keys)
            .await
            .map_err(std::sync::Arc::new)?;
        let mut out: HashMap<i64, Self::Value> = HashMap::new();
        for row in rows {
            out.entry(row.conversation_id).or_default().push(row);
        }
        Ok(out)
    }
}

/// The participants of one conversation through the request's loader.
pub async fn participants(
    ctx: &async_graphql::Context<'_>,
    conversation_id: i64,
) -> crate::error::AppResult<Vec<e::conversation_participant::Model>> {
    let loader = ctx
        .data::<DataLoader<Participants>>()
        .map_err(|_| crate::error::AppError::internal(anyhow::anyhow!("loader missing")))?;
    Ok(loader
        .load_one(conversation_id)
        .await
        .map_err(|e| (*e).clone())?
        .unwrap_or_default())
}

/// Puts a loader for every entity that resolvers look up by id into a request.
pub fn install(
    mut request: async_graphql::Request,
    db: &DatabaseConnection,
) -> async_graphql::Request {
    install_data(&mut request.data, db);
    request
}

/// Puts the loaders into a data set (a request's, or a subscription connection's). The
/// loaders batch but do not cache, so a long-lived connection never reads stale rows.
pub fn install_data(data: &mut async_graphql::Data, db: &DatabaseConnection) {
    data.insert(by_id::<e::account::Entity>(db));
    data.insert(by_id::<e::school::Entity>(db));
    data.insert(by_id::<e::academic_year::Entity>(db));
    data.insert(by_id::<e::study_period::Entity>(db));
    data.insert(by_id::<e::class_unit::Entity>(db));
    data.insert(by_id::<e::subject::Entity>(db));
    data.insert(by_id::<e::staff_member::Entity>(db));
    data.insert(by_id::<e::student::Entity>(db));
    data.insert(by_id::<e::lesson::Entity>(db));
    data.insert(by_id::<e::control_form::Entity>(db));
    data.insert(by_id::<e::mark::Entity>(db));
    data.insert(by_id::<e::homework::Entity>(db));
    data.insert(DataLoader::new(MarkHistory { db: db.clone() }, tokio::spawn).delay(DELAY));
    data.insert(DataLoader::new(Participants { db: db.clone() }, tokio::spawn).delay(DELAY));
}
