//! The catalogue of refusal reasons (department administrators).

use axum::extract::{Path, Query, State};
use axum::response::Response;
use dnevnik_admin_ui::admin::{ReasonRow, ReasonsPage};
use serde::Deserialize;

use super::error_page;
use super::extract::{AdminForm, AdminPage};
use super::shared::{SchoolQuery, back_to, field, notices, show};
use crate::service::refusal_reasons;
use crate::state::AppState;

pub async fn reasons(
    State(state): State<AppState>,
    AdminPage(mut admin): AdminPage,
    Query(q): Query<SchoolQuery>,
) -> Response {
    notices(&mut admin, &q);
    match refusal_reasons::list(&state.db, true).await {
        Ok(list) => {
            let rows = list
                .into_iter()
                .map(|r| ReasonRow {
                    id: r.id,
                    code: r.code,
                    title_ru: r.title_ru,
                    title_en: r.title_en,
                    requires_comment: r.requires_comment,
                    active: r.active,
                    sort_order: r.sort_order,
                })
                .collect();
            show(
                &admin,
                &ReasonsPage {
                    shell: admin.shell.clone(),
                    rows,
                },
            )
        }
        Err(err) => error_page(admin.t(), err),
    }
}

pub(super) fn reason_input(values: &[(String, String)]) -> refusal_reasons::ReasonInput {
    refusal_reasons::ReasonInput {
        title_ru: field(values, "title_ru").to_owned(),
        title_en: field(values, "title_en").to_owned(),
        requires_comment: field(values, "requires_comment") == "on",
        sort_order: field(values, "sort_order").parse().unwrap_or(0),
    }
}

pub async fn create_reason(
    State(state): State<AppState>,
    AdminPage(admin): AdminPage,
    AdminForm(values): AdminForm<Vec<(String, String)>>,
) -> Response {
    let outcome = refusal_reasons::create(
        &admin.writer(&state),
        field(&values, "code"),
        reason_input(&values),
    )
    .await;
    back_to("/admin/reasons", &admin, outcome.map(|_| ()))
}

pub async fn update_reason(
    State(state): State<AppState>,
    AdminPage(admin): AdminPage,
    Path(id): Path<i64>,
    AdminForm(values): AdminForm<Vec<(String, String)>>,
) -> Response {
    let outcome = refusal_reasons::update(&admin.writer(&state), id, reason_input(&values)).await;
    back_to("/admin/reasons", &admin, outcome.map(|_| ()))
}

#[derive(Deserialize)]
pub struct ActiveForm {
    active: bool,
}

pub async fn reason_active(
    State(state): State<AppState>,
    AdminPage(admin): AdminPage,
    Path(id): Path<i64>,
    AdminForm(form): AdminForm<ActiveForm>,
) -> Response {
    let outcome = refusal_reasons::set_active(&admin.writer(&state), id, form.active).await;
    back_to("/admin/reasons", &admin, outcome.map(|_| ()))
}
