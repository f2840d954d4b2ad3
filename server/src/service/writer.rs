//! The writer of a change: who they are, where the change is written, and where its side
//! effects (audit, live events) go. Every writing service takes one.

use sea_orm::{DatabaseConnection, DatabaseTransaction};

use super::audit::AuditEntry;
use crate::error::AppResult;
use crate::live::{Live, LiveEvent};
use crate::policy::Viewer;

/// Who writes, and where the write's side effects go.
pub struct Writer<'a> {
    /// The database.
    pub db: &'a DatabaseConnection,
    /// The signed-in writer.
    pub viewer: &'a Viewer,
    /// Live updates.
    pub live: &'a Live,
    /// What time it is, and each school's zone.
    pub clock: &'a crate::clock::Clock,
    /// The client address, for the audit log.
    pub ip: Option<String>,
}

impl Writer<'_> {
    /// This instant, by the server's clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Today at a school, in its time zone.
    pub async fn today_at(&self, school_id: i64) -> AppResult<chrono::NaiveDate> {
        self.clock.today_at(self.db, school_id).await
    }

    /// An audit entry for an action of the writer on an object of a school.
    pub fn audit(
        &self,
        action: &'static str,
        school: impl Into<Option<i64>>,
        kind: &'static str,
        id: i64,
    ) -> AuditEntry {
        AuditEntry::new(action, Some(self.viewer.account_id()))
            .school(school.into())
            .object(kind, id)
            .ip(self.ip.clone())
    }

    /// Commits a write and hands its live events on.
    pub async fn commit(&self, txn: DatabaseTransaction, events: Vec<LiveEvent>) -> AppResult<()> {
        self.live.stage(&txn, &events).await?;
        txn.commit().await?;
        self.live.committed(events);
        Ok(())
    }
}
