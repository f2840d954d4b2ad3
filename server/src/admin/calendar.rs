//! The business calendar that deadlines are counted in: holidays, days off, working days.

use axum::extract::{Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use dnevnik_admin_ui::admin::{CalendarPage, DayRow};
use dnevnik_entities::enums::CalendarDayKind;
use serde::Deserialize;

use super::error_page;
use super::extract::{AdminForm, AdminPage};
use super::shared::{SchoolQuery, back_to, notices, show};
use crate::error::{AppError, Reason};
use crate::service::calendar_days;
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    year: Option<i32>,
}

pub async fn calendar(
    State(state): State<AppState>,
    AdminPage(mut admin): AdminPage,
    Query(q): Query<YearQuery>,
    Query(notice): Query<SchoolQuery>,
) -> Response {
    notices(&mut admin, &notice);
    let t = admin.t();
    let year = q
        .year
        .unwrap_or_else(|| chrono::Datelike::year(&admin.today));
    match calendar_days::of_year(&state.db, year).await {
        Ok(days) => {
            let rows = days
                .into_iter()
                .map(|d| DayRow {
                    date: d.date.to_string(),
                    kind: t
                        .get(match d.kind {
                            CalendarDayKind::Holiday => "holiday",
                            CalendarDayKind::DayOff => "day_off",
                            CalendarDayKind::WorkingDay => "working_day",
                        })
                        .to_owned(),
                    name: d.name,
                })
                .collect();
            show(
                &admin,
                &CalendarPage {
                    shell: admin.shell.clone(),
                    year,
                    rows,
                },
            )
        }
        Err(err) => error_page(admin.t(), err),
    }
}

#[derive(Deserialize)]
pub struct DayForm {
    date: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
}

pub async fn set_day(
    State(state): State<AppState>,
    AdminPage(admin): AdminPage,
    AdminForm(form): AdminForm<DayForm>,
) -> Response {
    let kind = match form.kind.as_str() {
        "day_off" => CalendarDayKind::DayOff,
        "working_day" => CalendarDayKind::WorkingDay,
        _ => CalendarDayKind::Holiday,
    };
    let outcome = match NaiveDate::parse_from_str(&form.date, "%Y-%m-%d") {
        Ok(date) => {
            calendar_days::set(&state.db, &admin.viewer, date, kind, &form.name, admin.ip())
                .await
                .map(|_| ())
        }
        Err(_) => Err(AppError::bad_input("date", Reason::DateMissing)),
    };
    back_to("/admin/calendar", &admin, outcome)
}

pub async fn remove_day(
    State(state): State<AppState>,
    AdminPage(admin): AdminPage,
    AdminForm(form): AdminForm<DayForm>,
) -> Response {
    let outcome = match NaiveDate::parse_from_str(&form.date, "%Y-%m-%d") {
        Ok(date) => calendar_days::remove(&state.db, &admin.viewer, date, admin.ip()).await,
        Err(_) => Err(AppError::bad_input("date", Reason::DateMissing)),
    };
    back_to("/admin/calendar", &admin, outcome)
}
