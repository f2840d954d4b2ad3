//! The audit log: the filtered page and its CSV export.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use dnevnik_admin_ui::admin::{AuditPage, EventRow};
use serde::Deserialize;

use super::extract::AdminPage;
use super::shared::{PAGE, show};
use super::{Admin, error_page};
use crate::error::AppError;
use crate::policy::Permission;
use crate::service::audit;
use crate::state::AppState;

pub(super) async fn event_rows(
    state: &AppState,
    admin: &Admin,
    events: Vec<dnevnik_entities::audit_event::Model>,
) -> Result<Vec<EventRow>, AppError> {
    let names = audit::actor_names(&state.db, &events).await?;
    Ok(events
        .into_iter()
        .map(|e| EventRow {
            when: admin.local(e.occurred_at),
            who: e
                .actor_account_id
                .and_then(|a| names.get(&a).cloned())
                .unwrap_or_else(|| "—".to_owned()),
            action: e.action,
            object: match (e.object_type, e.object_id) {
                (Some(kind), Some(id)) => format!("{kind} {id}"),
                (Some(kind), None) => kind,
                _ => String::new(),
            },
            ip: e.ip.unwrap_or_default(),
            details: e.details.unwrap_or_default(),
        })
        .collect())
}

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    school: Option<i64>,
    #[serde(default)]
    actor: Option<String>,
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    object_type: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    page: Option<u64>,
}

impl AuditQuery {
    /// The filter, with the days read in the administrator's school's zone.
    fn filter(&self, admin: &Admin, school: Option<i64>) -> audit::AuditFilter {
        let date = |s: &Option<String>| {
            s.as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        };
        audit::AuditFilter {
            school_id: school,
            actor_account_id: self.actor.as_deref().and_then(|a| a.trim().parse().ok()),
            action_prefix: self.action.clone().filter(|a| !a.is_empty()),
            object_type: self.object_type.clone().filter(|o| !o.is_empty()),
            object_id: None,
            from: date(&self.from).map(|d| admin.start_of(d)),
            to: date(&self.to)
                .and_then(|d| d.succ_opt())
                .map(|d| admin.start_of(d)),
        }
    }

    fn query(&self, school: Option<i64>) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        if let Some(s) = school {
            q.append_pair("school", &s.to_string());
        }
        for (k, v) in [
            ("actor", &self.actor),
            ("action", &self.action),
            ("object_type", &self.object_type),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                q.append_pair(k, v);
            }
        }
        q.finish()
    }
}

pub async fn audit(
    State(state): State<AppState>,
    AdminPage(admin): AdminPage,
    Query(q): Query<AuditQuery>,
) -> Response {
    let school = admin
        .school
        .as_ref()
        .map(|s| s.id)
        .filter(|_| !admin.viewer.may(Permission::AdministerDepartment) || q.school.is_some());
    let page = q.page.unwrap_or(0);
    let (events, total) = match audit::search(
        &state.db,
        &admin.viewer,
        &q.filter(&admin, school),
        page * PAGE,
        PAGE,
    )
    .await
    {
        Ok(found) => found,
        Err(err) => return error_page(admin.t(), err),
    };
    let rows = match event_rows(&state, &admin, events).await {
        Ok(rows) => rows,
        Err(err) => return error_page(admin.t(), err),
    };
    let query = q.query(school);
    let view = AuditPage {
        shell: admin.shell.clone(),
        rows,
        total,
        actor: q.actor.clone().unwrap_or_default(),
        action: q.action.clone().unwrap_or_default(),
        object_type: q.object_type.clone().unwrap_or_default(),
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
        previous: (page > 0).then(|| format!("/admin/audit?{query}&page={}", page - 1)),
        next: ((page + 1) * PAGE < total)
            .then(|| format!("/admin/audit?{query}&page={}", page + 1)),
        query,
    };
    show(&admin, &view)
}

/// The filtered audit log as CSV (at most 10,000 events per export).
pub async fn audit_csv(
    State(state): State<AppState>,
    AdminPage(admin): AdminPage,
    Query(q): Query<AuditQuery>,
) -> Response {
    let school = admin
        .school
        .as_ref()
        .map(|s| s.id)
        .filter(|_| !admin.viewer.may(Permission::AdministerDepartment) || q.school.is_some());
    let exported = audit::search(
        &state.db,
        &admin.viewer,
        &q.filter(&admin, school),
        0,
        10_000,
    )
    .await
    .and_then(|(events, _)| audit::to_csv(&events));
    match exported {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"audit.csv\"",
                ),
            ],
            csv,
        )
            .into_response(),
        Err(err) => error_page(admin.t(), err),
    }
}
