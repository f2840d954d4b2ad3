//! The back-office pages over HTTP: who gets in, the cookie that keeps them in, CSRF and the
//! school boundary.

use dnevnik_tests::TestApp;

async fn csrf(app: &TestApp, path: &str) -> String {
    let html = app.get(path).await.text().await.unwrap_or_default();
    dnevnik_tests::hidden_fields(&html)
        .into_iter()
        .find(|(name, _)| name == "csrf")
        .map(|(_, value)| value)
        .unwrap_or_default()
}

async fn admin_login(app: &TestApp, login: &str, password: &str) -> reqwest::Response {
    let token = csrf(app, "/admin/login").await;
    app.client
        .post(app.url("/admin/login"))
        .form(&[
            ("login", login),
            ("password", password),
            ("csrf", token.as_str()),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn the_back_office_sends_strangers_to_its_sign_in() {
    let app = TestApp::spawn_demo().await;
    for path in [
        "/admin",
        "/admin/applications",
        "/admin/audit",
        "/admin/audit.csv",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 303, "{path}");
        assert_eq!(response.headers()["location"], "/admin/login", "{path}");
    }
}

#[tokio::test]
async fn an_administrator_signs_in_with_a_strict_cookie_scoped_to_the_back_office() {
    let app = TestApp::spawn_demo().await;
    let response = admin_login(&app, "admin", "demo-admin").await;
    assert_eq!(response.status(), 303);
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("dnevnik_admin="))
        .unwrap_or_default()
        .to_owned();
    for flag in ["Path=/admin", "SameSite=Strict", "HttpOnly"] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    let dashboard = app.get("/admin").await;
    assert_eq!(dashboard.status(), 200);
    let html = dashboard.text().await.unwrap_or_default();
    assert!(
        html.contains("Сводка") && html.contains("Просрочено"),
        "{html}"
    );
    // The back-office session is not a diary session.
    let viewer = app
        .graphql("{ viewer { account { id } } }", serde_json::json!({}))
        .await;
    assert_eq!(viewer.assert_ok()["viewer"], serde_json::Value::Null);
}

#[tokio::test]
async fn a_teacher_is_not_let_into_the_back_office() {
    let app = TestApp::spawn_demo().await;
    admin_login(&app, "teacher", "demo-teacher").await;
    let response = app.get("/admin").await;
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn a_post_without_the_csrf_token_is_refused() {
    let app = TestApp::spawn_demo().await;
    admin_login(&app, "admin", "demo-admin").await;
    let response = app
        .client
        .post(app.url("/admin/applications/1/withdraw"))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), 403);
    let token = csrf(&app, "/admin").await;
    let foreign = app
        .client
        .post(app.url("/admin/applications/1/withdraw"))
        .header("origin", "https://evil.example")
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(foreign.status(), 403);
}

#[tokio::test]
async fn an_administrator_sees_only_their_school() {
    let app = TestApp::spawn_demo().await;
    let other = dnevnik_tests::builders::SchoolFixture::create(&app.db, "Чужая")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    admin_login(&app, "admin", "demo-admin").await;
    let response = app
        .get(&format!("/admin/applications?school={}", other.school_id))
        .await;
    assert_eq!(response.status(), 404);
    let student = app
        .get(&format!("/admin/students/{}", other.student_id))
        .await;
    assert_eq!(student.status(), 404);
}

#[tokio::test]
async fn the_back_office_speaks_english_on_request() {
    let app = TestApp::spawn_demo().await;
    admin_login(&app, "admin", "demo-admin").await;
    let switched = app.get("/admin/lang?lang=en").await;
    assert_eq!(switched.status(), 303);
    let html = app.get("/admin").await.text().await.unwrap_or_default();
    assert!(
        html.contains("Dashboard") && html.contains("lang=\"en\""),
        "{html}"
    );
}

#[tokio::test]
async fn the_audit_log_exports_csv() {
    let app = TestApp::spawn_demo().await;
    admin_login(&app, "admin", "demo-admin").await;
    // An audited action of the school: a withdrawn application.
    let pending = app
        .get("/admin/applications?status=received")
        .await
        .text()
        .await
        .unwrap_or_default();
    let id: String = pending
        .split("/admin/applications/")
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
        .find(|id| !id.is_empty())
        .unwrap_or_default();
    let token = csrf(&app, "/admin").await;
    let withdrawn = app
        .client
        .post(app.url(&format!("/admin/applications/{id}/withdraw")))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(withdrawn.status(), 303);
    let response = app.get("/admin/audit.csv?action=access_application").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/csv")
    );
    let csv = response.text().await.unwrap_or_default();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "id,occurred_at,actor_account_id,school_id,action,object_type,object_id,ip,details,hash"
        )
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 1, "{csv}");
    assert!(
        rows[0].contains(",access_application.withdrawn,access_application,"),
        "{csv}"
    );
}

/// An administrator of another school who signs in locally as `stranger` / `stranger-pass`.
async fn stranger_admin(app: &TestApp) {
    use dnevnik_entities as e;
    use dnevnik_entities::enums::{AccountStatus, Role};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let other = dnevnik_tests::builders::SchoolFixture::create(&app.db, "Чужая")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let now = chrono::Utc::now();
    let account = e::account::ActiveModel {
        display_name: Set("Чужой Администратор".to_owned()),
        login: Set(Some("stranger".to_owned())),
        status: Set(AccountStatus::Active),
        confirmed: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    e::password_credential::ActiveModel {
        account_id: Set(account.id),
        password_hash: Set(
            dnevnik_server::auth::password::hash("stranger-pass").unwrap_or_else(|e| panic!("{e}"))
        ),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    e::role_grant::ActiveModel {
        account_id: Set(account.id),
        role: Set(Role::SchoolAdmin),
        school_id: Set(Some(other.school_id)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
}

async fn first_id(app: &TestApp, sql: &str) -> i64 {
    dnevnik_tests::matrix::scalar(app, sql).await
}

/// The demo school's objects another school's administrator aims at: the school, an undecided
/// application, an unused code, a guardianship, a class, a student and a refusal reason.
struct Targets {
    school: i64,
    open: i64,
    code: i64,
    guardianship: i64,
    class: i64,
    student: i64,
    reason: i64,
}

/// The demo school with another school's administrator signed in to the back-office: the app,
/// what they aim at, and their CSRF token.
async fn stranger_signed_in() -> (TestApp, Targets, String) {
    let app = TestApp::spawn_demo().await;
    stranger_admin(&app).await;
    let school = first_id(&app, "SELECT MIN(id) AS n FROM schools").await;
    let targets = Targets {
        school,
        open: first_id(
            &app,
            "SELECT MIN(id) AS n FROM access_applications WHERE status IN ('received', 'in_review')",
        )
        .await,
        code: first_id(
            &app,
            "SELECT MIN(id) AS n FROM access_codes WHERE status IN ('issued', 'printed', 'handed_over')",
        )
        .await,
        guardianship: first_id(&app, "SELECT MIN(id) AS n FROM guardianships").await,
        class: first_id(
            &app,
            &format!("SELECT MIN(id) AS n FROM class_units WHERE school_id = {school}"),
        )
        .await,
        student: first_id(
            &app,
            &format!("SELECT MIN(id) AS n FROM students WHERE school_id = {school}"),
        )
        .await,
        reason: first_id(&app, "SELECT MIN(id) AS n FROM refusal_reasons").await,
    };
    assert_eq!(
        admin_login(&app, "stranger", "stranger-pass")
            .await
            .status(),
        303
    );
    assert_eq!(app.get("/admin").await.status(), 200);
    let token = csrf(&app, "/admin").await;
    (app, targets, token)
}

#[tokio::test]
async fn another_schools_administrator_is_refused_on_every_back_office_page() {
    let (app, targets, _) = stranger_signed_in().await;
    let Targets {
        school,
        open,
        student,
        ..
    } = targets;
    for path in [
        format!("/admin?school={school}"),
        format!("/admin/applications?school={school}"),
        format!("/admin/applications/new?school={school}"),
        format!("/admin/applications/{open}"),
        format!("/admin/students?school={school}"),
        format!("/admin/students/{student}"),
        format!("/admin/classes?school={school}"),
        format!("/admin/audit?school={school}"),
        format!("/admin/audit.csv?school={school}"),
    ] {
        let response = app.get(&path).await;
        assert_eq!(response.status(), 404, "GET {path}");
    }
}

#[tokio::test]
async fn another_schools_administrator_is_refused_every_back_office_action_and_writes_nothing() {
    let (app, targets, token) = stranger_signed_in().await;
    let Targets {
        school,
        open,
        code,
        guardianship,
        class,
        student,
        reason,
    } = targets;
    let before = crate::backoffice::back_office_state(&app).await;

    let posts: Vec<(String, Vec<(&str, String)>)> = vec![
        (
            format!("/admin/applications?school={school}"),
            vec![
                ("applicant_last_name", "Тестова".to_owned()),
                ("applicant_first_name", "Ирина".to_owned()),
                ("child_birth_date", "2015-03-14".to_owned()),
            ],
        ),
        (
            format!("/admin/applications/{open}/match"),
            vec![("student_id", student.to_string())],
        ),
        (format!("/admin/applications/{open}/approve"), vec![]),
        (
            format!("/admin/applications/{open}/refuse"),
            vec![("reason", reason.to_string()), ("comment", "x".to_owned())],
        ),
        (format!("/admin/applications/{open}/withdraw"), vec![]),
        (format!("/admin/codes/{code}/hand-over"), vec![]),
        (format!("/admin/codes/{code}/revoke"), vec![]),
        (format!("/admin/codes/{code}/reissue"), vec![]),
        (
            format!("/admin/guardianships/{guardianship}/unlink"),
            vec![("student_id", student.to_string())],
        ),
        (format!("/admin/classes/{class}/envelopes"), vec![]),
        (
            "/admin/reasons".to_owned(),
            vec![
                ("code", "stranger".to_owned()),
                ("title_ru", "Чужая".to_owned()),
            ],
        ),
        (
            format!("/admin/reasons/{reason}/active"),
            vec![("active", "false".to_owned())],
        ),
        (
            "/admin/calendar".to_owned(),
            vec![
                ("date", "2026-12-31".to_owned()),
                ("kind", "holiday".to_owned()),
            ],
        ),
    ];
    for (path, mut form) in posts {
        form.push(("csrf", token.clone()));
        let response = app
            .client
            .post(app.url(&path))
            .form(&form)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response.text().await.unwrap_or_default();
        // Refused outright, or sent back with an error; never a success or an envelope.
        assert!(
            matches!(status, 403 | 404) || (status == 303 && location.contains("error=")),
            "POST {path}: {status} {location}"
        );
        assert!(
            !body.contains("envelope"),
            "POST {path} printed an envelope"
        );
    }
    assert_eq!(
        crate::backoffice::back_office_state(&app).await,
        before,
        "a refused page action wrote something"
    );
    // The same action by the school's own administrator goes through: the refusals above were
    // the school boundary, not a broken form.
    admin_login(&app, "admin", "demo-admin").await;
    let token = csrf(&app, "/admin").await;
    let withdrawn = app
        .client
        .post(app.url(&format!("/admin/applications/{open}/withdraw")))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let location = withdrawn
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(location.contains("done=1"), "{location}");
}

#[tokio::test]
async fn a_refused_action_explains_itself_in_the_pages_language_and_nothing_else() {
    let app = TestApp::spawn_demo().await;
    admin_login(&app, "admin", "demo-admin").await;
    let open = first_id(
        &app,
        "SELECT MIN(id) AS n FROM access_applications WHERE status IN ('received', 'in_review')",
    )
    .await;
    // Refusing without a reason: back to the application, with the service's objection in
    // Russian.
    let token = csrf(&app, &format!("/admin/applications/{open}")).await;
    let refused = app
        .client
        .post(app.url(&format!("/admin/applications/{open}/refuse")))
        .form(&[("comment", "Без причины"), ("csrf", token.as_str())])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(refused.status(), 303);
    let back = refused
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    // The redirect names the reason by its code, not by a sentence.
    assert!(back.contains("error=NO_REASON"), "{back}");
    let html = app.get(&back).await.text().await.unwrap_or_default();
    assert!(html.contains("Выберите хотя бы одну причину."), "{html}");
    assert!(!html.contains("Choose at least one reason."), "{html}");
    // A link that carries words of its own shows only that the action failed.
    let crafted =
        format!("/admin/applications/{open}?error=Call%20%2B7%20900%20000-00-00%20to%20confirm.");
    let html = app.get(&crafted).await.text().await.unwrap_or_default();
    assert!(!html.contains("900 000-00-00"), "{html}");
    assert!(html.contains("Действие не выполнено."), "{html}");
    // Parameters are numbers only: text in them is not shown either.
    let crafted = format!(
        "/admin/applications/{open}?error=TOO_LONG&error_params=%7B%22max%22%3A%22Call%20me%22%7D"
    );
    let html = app.get(&crafted).await.text().await.unwrap_or_default();
    assert!(!html.contains("Call me"), "{html}");
    assert!(html.contains("Не более 0 символов."), "{html}");
}

/// A refusal in the back-office is a page in the clerk's language, never the API's JSON.
#[tokio::test]
async fn the_back_office_answers_errors_with_pages_not_json() {
    let app = TestApp::spawn_demo().await;
    let other = dnevnik_tests::builders::SchoolFixture::create(&app.db, "Чужая")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    admin_login(&app, "admin", "demo-admin").await;
    for path in [
        format!("/admin/applications?school={}", other.school_id),
        format!("/admin/students/{}", other.student_id),
        "/admin/applications/987654".to_owned(),
        "/admin/applications?status=nonsense".to_owned(),
    ] {
        let response = app.get(&path).await;
        assert!(
            response.status().is_client_error(),
            "{path}: {}",
            response.status()
        );
        let kind = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response.text().await.unwrap_or_default();
        assert!(kind.starts_with("text/html"), "{path}: {kind} {body}");
        assert!(body.contains("Кабинет администратора"), "{path}: {body}");
    }
}

#[tokio::test]
async fn a_form_with_a_missing_field_gets_a_page_and_changes_nothing() {
    let app = TestApp::spawn_demo().await;
    admin_login(&app, "admin", "demo-admin").await;
    let token = csrf(&app, "/admin").await;
    let guardianships = first_id(&app, "SELECT COUNT(*) AS n FROM guardianships").await;
    // The unlink form names the student to go back to; without it the form is incomplete.
    let response = app
        .client
        .post(app.url("/admin/guardianships/1/unlink"))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), 400);
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(kind.starts_with("text/html"), "{kind}");
    let body = response.text().await.unwrap_or_default();
    assert!(body.contains("Кабинет администратора"), "{body}");
    assert_eq!(
        first_id(&app, "SELECT COUNT(*) AS n FROM guardianships").await,
        guardianships
    );
    // The same form without its token is refused before it is read.
    let stale = app
        .client
        .post(app.url("/admin/guardianships/1/unlink"))
        .form(&[("student_id", "1")])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(stale.status(), 403);
}

#[tokio::test]
async fn the_classes_page_counts_current_students_and_those_without_a_sign_in() {
    let app = TestApp::spawn_demo().await;
    admin_login(&app, "admin", "demo-admin").await;
    let class = first_id(&app, "SELECT MIN(id) AS n FROM class_units").await;
    // One student leaves (not counted any more), one gets an account of their own.
    let leaver = first_id(
        &app,
        &format!(
            "SELECT MIN(id) AS n FROM students WHERE class_unit_id = {class} AND account_id IS NULL"
        ),
    )
    .await;
    let account = first_id(&app, "SELECT MIN(id) AS n FROM accounts").await;
    use sea_orm::ConnectionTrait;
    app.db
        .execute_unprepared(&format!(
            "UPDATE students SET left_on = '2026-09-01' WHERE id = {leaver}"
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let linked = first_id(
        &app,
        &format!(
            "SELECT MIN(id) AS n FROM students WHERE class_unit_id = {class} \
             AND account_id IS NULL AND left_on IS NULL"
        ),
    )
    .await;
    app.db
        .execute_unprepared(&format!(
            "UPDATE students SET account_id = {account} WHERE id = {linked}"
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let current = first_id(
        &app,
        &format!(
            "SELECT COUNT(*) AS n FROM students WHERE class_unit_id = {class} AND left_on IS NULL"
        ),
    )
    .await;
    let unlinked = first_id(
        &app,
        &format!(
            "SELECT COUNT(*) AS n FROM students WHERE class_unit_id = {class} \
             AND left_on IS NULL AND account_id IS NULL"
        ),
    )
    .await;
    assert!(unlinked < current, "{unlinked} of {current}");
    let html = app
        .get("/admin/classes")
        .await
        .text()
        .await
        .unwrap_or_default();
    let name = {
        let row = html
            .split("<tr><td>")
            .nth(1)
            .unwrap_or_else(|| panic!("no class rows: {html}"));
        row.split("</td>").nth(1).unwrap_or_default().to_owned()
    };
    assert_eq!(name, format!("<td>{current} ({unlinked} без входа)"));
}
