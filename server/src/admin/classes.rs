//! The school's classes with how many students still need a sign-in.

use axum::extract::State;
use axum::response::Response;
use dnevnik_admin_ui::admin::{ClassRow, ClassesPage};

use super::error_page;
use super::extract::AdminPage;
use super::shared::show;
use crate::error::AppError;
use crate::service::roster;
use crate::state::AppState;

pub async fn classes(State(state): State<AppState>, AdminPage(admin): AdminPage) -> Response {
    let built = async {
        let school = admin.school_id()?;
        let list = roster::classes(&state.db, &admin.viewer, school).await?;
        Ok::<Vec<ClassRow>, AppError>(
            list.into_iter()
                .map(|c| ClassRow {
                    students: c.students,
                    without_sign_in: c.without_sign_in,
                    id: c.class.id,
                    name: c.class.name,
                })
                .collect(),
        )
    }
    .await;
    match built {
        Ok(rows) => show(
            &admin,
            &ClassesPage {
                shell: admin.shell.clone(),
                rows,
            },
        ),
        Err(err) => error_page(admin.t(), err),
    }
}
