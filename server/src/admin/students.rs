//! The school's students: the search, a student's card with guardians and codes, and
//! unlinking a guardian.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use dnevnik_admin_ui::admin::{GuardianRow, StudentPage, StudentRow, StudentsPage};
use serde::Deserialize;

use super::codes::code_rows;
use super::extract::{AdminForm, AdminPage};
use super::shared::{SchoolQuery, back_to, full, notices, show};
use super::{day, error_page};
use crate::error::AppError;
use crate::service::{codes, guardianships, roster};
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: Option<String>,
}

pub async fn students(
    State(state): State<AppState>,
    AdminPage(admin): AdminPage,
    Query(q): Query<SearchQuery>,
) -> Response {
    let search = q.q.clone().unwrap_or_default().trim().to_owned();
    let mut rows = Vec::new();
    if let (Ok(school), false) = (admin.school_id(), search.is_empty()) {
        match roster::search_students(&state.db, &admin.viewer, school, &search).await {
            Ok(found) => {
                rows = found
                    .into_iter()
                    .map(|found| StudentRow {
                        id: found.student.id,
                        name: full(
                            &found.student.last_name,
                            &found.student.first_name,
                            found.student.middle_name.as_deref(),
                        ),
                        class_name: found.class_name,
                        birth_date: day(found.student.birth_date),
                    })
                    .collect();
            }
            Err(err) => return error_page(admin.t(), err),
        }
    }
    show(
        &admin,
        &StudentsPage {
            shell: admin.shell.clone(),
            search,
            rows,
        },
    )
}

pub async fn student(
    State(state): State<AppState>,
    AdminPage(mut admin): AdminPage,
    Path(id): Path<i64>,
    Query(q): Query<SchoolQuery>,
) -> Response {
    notices(&mut admin, &q);
    let built = async {
        let found = roster::student(&state.db, &admin.viewer, id).await?;
        let s = found.student;
        let links = guardianships::of_student(&state.db, &admin.viewer, &s).await?;
        let code_list = codes::of_student(&state.db, &admin.viewer, &s).await?;
        Ok::<StudentPage, AppError>(StudentPage {
            shell: admin.shell.clone(),
            id: s.id,
            name: full(&s.last_name, &s.first_name, s.middle_name.as_deref()),
            class_name: found.class_name,
            guardians: links
                .into_iter()
                .map(|(g, a)| GuardianRow {
                    id: g.id,
                    label: g.label,
                    parent: a.map(|a| a.display_name).unwrap_or_default(),
                    since: admin.local(g.created_at),
                })
                .collect(),
            codes: code_rows(&admin, code_list),
        })
    }
    .await;
    match built {
        Ok(page) => show(&admin, &page),
        Err(err) => error_page(admin.t(), err),
    }
}

#[derive(Deserialize)]
pub struct UnlinkForm {
    student_id: i64,
}

pub async fn unlink(
    State(state): State<AppState>,
    AdminPage(admin): AdminPage,
    Path(id): Path<i64>,
    AdminForm(form): AdminForm<UnlinkForm>,
) -> Response {
    let outcome = guardianships::unlink(&state.db, &admin.viewer, id, admin.ip()).await;
    back_to(
        &format!("/admin/students/{}", form.student_id),
        &admin,
        outcome.map(|_| ()),
    )
}
