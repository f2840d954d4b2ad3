//! Request-scoped memos for set-based loads. When a list of students (a parent's children, a
//! class) asks for the same view, the first resolver loads it for the whole list and the others
//! read the result: one load per view, whatever the list's length. Unlike a DataLoader this
//! does not depend on a batching delay, so the number of statements is fixed.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use crate::error::{AppError, AppResult};

type Cell = Arc<OnceCell<Arc<dyn Any + Send + Sync>>>;

/// Memoised loads of one request.
#[derive(Default)]
pub struct Memo {
    cells: Mutex<HashMap<(TypeId, String), Cell>>,
}

impl Memo {
    /// The value for `key`, loading it once per request. Concurrent callers wait for the
    /// first load; a failed load is retried by the next caller.
    pub async fn get_or_load<V, F, Fut>(&self, key: String, load: F) -> AppResult<Arc<V>>
    where
        V: Any + Send + Sync,
        F: FnOnce() -> Fut,
        Fut: Future<Output = AppResult<V>>,
    {
        let cell = {
            let mut cells = self
                .cells
                .lock()
                .map_err(|_| AppError::internal(anyhow::anyhow!("memo poisoned")))?;
            cells
                .entry((TypeId::of::<V>(), key))
                .or_insert_with(|| Arc::new(OnceCell::new()))
                .clone()
        };
        let value = cell
            .get_or_try_init(|| async {
                let value = load().await?;
                Ok::<_, AppError>(Arc::new(value) as Arc<dyn Any + Send + Sync>)
            })
            .await?
            .clone();
        value
            .downcast::<V>()
            .map_err(|_| AppError::internal(anyhow::anyhow!("memo type mismatch")))
    }
}
