//! Fairness under load: a bounded number of heavy GraphQL operations (complexity at or above a
//! threshold) run at once; the rest wait their turn, up to a bound, and cheap operations never
//! wait. A few large reports thus cannot take every core and connection from the parents'
//! small requests. The gate is per replica, as the cores and the connection pool are.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextValidation,
};
use async_graphql::{ErrorExtensions as _, Response, ServerError, ValidationResult};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How long a heavy operation waits for its turn before it is answered `UNAVAILABLE`.
const WAIT: Duration = Duration::from_secs(5);

/// The gate, shared by every request of the schema.
#[derive(Clone, Debug)]
pub struct HeavyGate {
    permits: Arc<Semaphore>,
    threshold: usize,
}

impl HeavyGate {
    /// At most `concurrency` operations of complexity `threshold` or more at once.
    pub fn new(concurrency: usize, threshold: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            threshold,
        }
    }
}

impl ExtensionFactory for HeavyGate {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Turn {
            gate: self.clone(),
            complexity: Mutex::new(0),
        })
    }
}

/// One request's passage through the gate.
struct Turn {
    gate: HeavyGate,
    complexity: Mutex<usize>,
}

#[async_graphql::async_trait::async_trait]
impl Extension for Turn {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        tracing::debug!(complexity = result.complexity, "operation validated");
        *self
            .complexity
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = result.complexity;
        Ok(result)
    }

    /// Queries and mutations only: a subscription's stream would hold a turn for its lifetime.
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let complexity = *self
            .complexity
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let _turn: Option<OwnedSemaphorePermit> = if complexity >= self.gate.threshold {
            let waited =
                tokio::time::timeout(WAIT, Arc::clone(&self.gate.permits).acquire_owned()).await;
            match waited {
                Ok(Ok(permit)) => Some(permit),
                _ => {
                    tracing::warn!(complexity, "no turn for a heavy operation");
                    let error = async_graphql::Error::new(
                        "The server is busy with large requests; try again in a moment, or ask \
                         for less.",
                    )
                    .extend_with(|_, e| e.set("code", "UNAVAILABLE"));
                    return Response::from_errors(vec![
                        error.into_server_error(async_graphql::Pos::default()),
                    ]);
                }
            }
        } else {
            None
        };
        next.run(ctx, operation_name).await
    }
}
