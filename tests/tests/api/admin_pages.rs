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
