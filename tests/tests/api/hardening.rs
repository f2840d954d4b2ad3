//! One request must not take the server down, nor cost more than the document limits allow:
//! deeply nested documents on every transport and repeated fields (issue 9, points 2 and 10).

use std::time::Duration;

use dnevnik_tests::{GraphqlResponse, TestApp};
use serde_json::{Value, json};

/// A list value `levels` brackets deep, as an argument.
fn nested_lists(levels: usize) -> String {
    format!(
        "{{ node(id: {}\"x\"{}) {{ id }} }}",
        "[".repeat(levels),
        "]".repeat(levels)
    )
}

/// An input object `levels` objects deep, as an argument.
fn nested_objects(levels: usize) -> String {
    format!(
        "{{ node(id: {}1{}) {{ id }} }}",
        "{a:".repeat(levels),
        "}".repeat(levels)
    )
}

/// A selection `levels` fields deep.
fn nested_selections(levels: usize) -> String {
    format!("{}id{}", "{a ".repeat(levels), "}".repeat(levels))
}

/// A chain of `levels` fragments, each spreading the next.
fn chained_fragments(levels: usize) -> String {
    let mut document = "query { ...F0 }".to_owned();
    for n in 0..levels {
        let inner = if n + 1 == levels {
            "__typename".to_owned()
        } else {
            format!("...F{}", n + 1)
        };
        document.push_str(&format!(" fragment F{n} on Query {{ {inner} }}"));
    }
    document
}

/// Builds a document nested some number of levels deep.
type Builder = fn(usize) -> String;

/// Refused as the client's fault: `BAD_USER_INPUT`, or a body past the 64 KiB limit (413).
fn refused_as_bad_input(response: &GraphqlResponse) -> bool {
    response.status == 413
        || matches!(response.status.as_u16(), 200 | 400)
            && response.error_codes().iter().any(|c| c == "BAD_USER_INPUT")
}

async fn still_answers(app: &TestApp) {
    let alive = app.graphql("{ __typename }", json!({})).await;
    assert_eq!(alive.data()["__typename"], "Query", "{}", alive.body);
}

#[tokio::test]
async fn deeply_nested_documents_are_refused_and_the_server_lives_on() {
    let app = TestApp::spawn().await;
    let constructs: [(&str, Builder); 4] = [
        ("lists", nested_lists),
        ("input objects", nested_objects),
        ("selections", nested_selections),
        ("fragments", chained_fragments),
    ];
    for (name, build) in constructs {
        // Ten levels is an ordinary document: the schema answers it, whatever it says.
        let shallow = app.graphql(&build(10), json!({})).await;
        assert_eq!(shallow.status, 200, "{name} at 10: {}", shallow.body);
        // 1,500 levels fit in the 8 KiB document limit for brackets (the size that used to
        // overflow the stack); 10,000 levels do not fit anywhere.
        for levels in [1_500, 10_000] {
            let document = build(levels);
            let deep = app.graphql(&document, json!({})).await;
            assert!(
                refused_as_bad_input(&deep),
                "{name} at {levels}: {} {}",
                deep.status,
                deep.body
            );
            if document.len() <= 8 * 1024 && name != "fragments" {
                assert!(
                    deep.body.to_string().contains("nests brackets"),
                    "{name} at {levels}: {}",
                    deep.body
                );
            }
            still_answers(&app).await;
        }
    }
}

#[tokio::test]
async fn deeply_nested_variables_are_refused_and_the_server_lives_on() {
    let app = TestApp::spawn().await;
    for levels in [10, 10_000] {
        let value = format!("{}1{}", "[".repeat(levels), "]".repeat(levels));
        let body = format!(
            "{{\"query\": \"query($v: ID!) {{ node(id: $v) {{ id }} }}\", \"variables\": {{\"v\": {value}}}}}"
        );
        let response = app
            .client
            .post(app.url("/graphql"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await;
        let Ok(response) = response else {
            panic!("no answer at {levels} levels");
        };
        let status = response.status();
        let body: Value = response.json().await.unwrap_or_default();
        let answer = GraphqlResponse { status, body };
        assert!(
            refused_as_bad_input(&answer),
            "{levels}: {} {}",
            answer.status,
            answer.body
        );
        still_answers(&app).await;
    }
}

#[tokio::test]
async fn deeply_nested_documents_are_refused_over_the_websocket_too() -> anyhow::Result<()> {
    let app = TestApp::spawn_demo().await;
    let token = app.sign_in("student", "demo-student").await;
    let mut socket = app
        .ws_connect(Some(&token))
        .await
        .map_err(anyhow::Error::msg)?;
    let deep = format!(
        "subscription {{ markUpdated(studentId: {}\"x\"{}) {{ id }} }}",
        "[".repeat(1_500),
        "]".repeat(1_500)
    );
    socket
        .subscribe("deep", &deep, json!({}))
        .await
        .map_err(anyhow::Error::msg)?;
    let answer = socket
        .receive(Duration::from_secs(5))
        .await
        .unwrap_or_default();
    assert!(
        answer.to_string().contains("nests brackets")
            && answer.to_string().contains("BAD_USER_INPUT"),
        "{answer}"
    );
    still_answers(&app).await;
    Ok(())
}

#[tokio::test]
async fn a_document_selects_at_most_two_hundred_fifty_fields() {
    let app = TestApp::spawn().await;
    let copies = |n: usize| format!("{{ node(id: \"x\") {{ {} }} }}", "id ".repeat(n));
    // `node` and 249 copies of `id`: 250 fields.
    let at = app.graphql(&copies(249), json!({})).await;
    assert!(
        !at.body.to_string().contains("at most 250 fields"),
        "{}",
        at.body
    );
    for n in [250, 500] {
        let past = app.graphql(&copies(n), json!({})).await;
        assert!(refused_as_bad_input(&past), "{n}: {}", past.body);
        assert!(
            past.body.to_string().contains("at most 250 fields"),
            "{n}: {}",
            past.body
        );
    }
}

#[tokio::test]
async fn control_characters_in_text_are_refused_as_bad_input_and_nothing_is_written()
-> anyhow::Result<()> {
    use dnevnik_server::graphql::ids::{Kind, encode};
    use dnevnik_tests::matrix::{ask, scalar};
    use dnevnik_tests::world::{Who, World};

    let app = TestApp::spawn().await;
    let w = World::build(&app).await?;
    let conversation = encode(Kind::Conversation, w.conversation_pa_ct).0;
    let student = encode(Kind::Student, w.student_a1).0;
    let lesson = encode(Kind::Lesson, w.lesson_math_a).0;
    let send = "mutation($c: ID!, $b: String!) { sendMessage(input: {conversationId: $c, body: $b}) { message { id } } }";
    let record = "mutation($s: ID!, $l: ID!, $c: String) {
      recordMark(input: {studentId: $s, lessonId: $l, value: 4, comment: $c}) { mark { id } } }";
    let counts =
        "SELECT (SELECT COUNT(*) FROM messages) * 1000 + (SELECT COUNT(*) FROM marks) AS n";
    let before = scalar(&app, counts).await;

    for bad in ["a\u{0}b", "bell \u{7}", "escape \u{1b}[2J"] {
        let message = ask(
            &app,
            &w,
            Who::ParentOfA,
            send,
            json!({ "c": conversation, "b": bad }),
        )
        .await;
        assert_eq!(
            message.error_codes(),
            ["BAD_USER_INPUT"],
            "{}",
            message.body
        );
        let mark = ask(
            &app,
            &w,
            Who::TeacherOfA,
            record,
            json!({ "s": student, "l": lesson, "c": bad }),
        )
        .await;
        assert_eq!(mark.error_codes(), ["BAD_USER_INPUT"], "{}", mark.body);
        let login = app
            .graphql(
                "mutation($l: String!) { login(input: {login: $l, password: \"x\"}) { token } }",
                json!({ "l": bad }),
            )
            .await;
        assert_eq!(login.error_codes(), ["BAD_USER_INPUT"], "{}", login.body);
        // The same character written into the document as an escape.
        let literal = format!(
            "mutation {{ login(input: {{login: {}, password: \"x\"}}) {{ token }} }}",
            serde_json::to_string(bad)?
        );
        let login = app.graphql(&literal, json!({})).await;
        assert_eq!(login.error_codes(), ["BAD_USER_INPUT"], "{}", login.body);
    }
    assert_eq!(scalar(&app, counts).await, before, "something was written");

    // Line breaks and tabs are text: a multi-line message goes through.
    ask(
        &app,
        &w,
        Who::ParentOfA,
        send,
        json!({ "c": conversation, "b": "Добрый день!\n\tСпасибо." }),
    )
    .await
    .assert_ok();

    // A form and a query string are refused the same way, before any handler.
    let form = app
        .client
        .post(app.url("/auth/login"))
        .form(&[("login", "a\u{0}b"), ("password", "x")])
        .send()
        .await?;
    assert_eq!(form.status(), 422);
    let query = app.get("/auth/login?return_to=%2F%00").await;
    assert_eq!(query.status(), 422);
    // A browser gets a page in its language, not the API's JSON; the back-office's in the
    // clerk's language.
    let kind = |r: &reqwest::Response| {
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(kind(&form).starts_with("text/html"), "{}", kind(&form));
    let page = form.text().await?;
    assert!(page.contains("управляющие символы"), "{page}");
    let admin = app.get("/admin/students?q=%01").await;
    assert_eq!(admin.status(), 422);
    assert!(kind(&admin).starts_with("text/html"), "{}", kind(&admin));
    assert!(admin.text().await?.contains("Кабинет администратора"));
    Ok(())
}

const QUARTER: &str = "query($from: Date!, $to: Date!) { viewer { students { student {
  diary(from: $from, to: $to) { date lessons { number topic subject { name } marks { value weight }
  homeworkGiven { text } } } } } } }";

#[tokio::test]
async fn an_answer_over_the_size_limit_is_refused_with_the_sizes() {
    let app = TestApp::spawn_demo_with(|c| c.graphql_max_response_kib = 16).await;
    let token = app.sign_in("student", "demo-student").await;
    let today = dnevnik_tests::today();
    let range = |days: i64| {
        json!({
            "from": (today - chrono::Duration::days(days)).to_string(),
            "to": today.to_string(),
        })
    };
    let day = app.graphql_as(&token, QUARTER, range(0)).await;
    day.assert_ok();
    let quarter = app.graphql_as(&token, QUARTER, range(90)).await;
    assert_eq!(
        quarter.error_codes(),
        ["BAD_USER_INPUT"],
        "{}",
        quarter.body
    );
    assert!(quarter.data().is_null());
    let message = quarter.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("over the limit of 16 KB"), "{message}");
}

#[tokio::test]
async fn heavy_operations_take_turns_and_cheap_ones_never_wait() -> anyhow::Result<()> {
    use dnevnik_server::graphql::ids::{Kind, encode};
    use dnevnik_tests::world::{Who, World};
    use sea_orm::{ConnectionTrait, Database, Statement, TransactionTrait};

    // One heavy operation at a time; `{ __typename }` (complexity 1) is cheap, anything of
    // complexity 3 or more heavy.
    let app = TestApp::spawn_with(|c| {
        c.graphql_heavy_concurrency = 1;
        c.graphql_heavy_complexity = 3;
    })
    .await;
    let w = World::build(&app).await?;
    // A write held up by a lock another client holds keeps the only turn busy.
    let other = Database::connect(app.database.url.as_str()).await?;
    let backend = other.get_database_backend();
    let lock = if app.database.is_postgres() {
        let txn = other.begin().await?;
        txn.execute_raw(Statement::from_string(
            backend,
            "LOCK TABLE marks IN ACCESS EXCLUSIVE MODE",
        ))
        .await?;
        txn
    } else {
        let txn = dnevnik_server::db::begin_write(&other).await?;
        txn.execute_raw(Statement::from_string(
            backend,
            "UPDATE marks SET comment = comment WHERE id = 0",
        ))
        .await?;
        txn
    };
    let post = |who: Who, query: &'static str, variables: Value| {
        let client = app.client.clone();
        let url = app.url("/graphql");
        let token = w.token(who).unwrap_or_default().to_owned();
        tokio::spawn(async move {
            let response = client
                .post(url)
                .bearer_auth(token)
                .json(&json!({ "query": query, "variables": variables }))
                .send()
                .await
                .ok()?;
            response.json::<Value>().await.ok()
        })
    };
    let record = post(
        Who::TeacherOfA,
        "mutation($s: ID!, $l: ID!) { recordMark(input: {studentId: $s, lessonId: $l, value: 4}) { mark { id } } }",
        json!({
            "s": encode(Kind::Student, w.student_a1).0,
            "l": encode(Kind::Lesson, w.lesson_math_a).0,
        }),
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let heavy = post(Who::ParentOfA, "{ viewer { account { id } } }", json!({}));
    tokio::time::sleep(Duration::from_millis(300)).await;
    // A cheap operation runs while the turn is taken.
    still_answers(&app).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(
        !heavy.is_finished(),
        "a heavy operation did not wait its turn"
    );
    lock.rollback().await?;
    let recorded = record.await?.unwrap_or_default();
    assert!(recorded["errors"].is_null(), "{recorded}");
    let answered = heavy.await?.unwrap_or_default();
    assert!(answered["errors"].is_null(), "{answered}");
    Ok(())
}
