//! Live updates over graphql-ws at `/graphql/ws`: a parent hears the mark a teacher records,
//! a parent of another child is refused, an unlinked parent stops hearing, messages reach
//! their recipients, and — on PostgreSQL — a write on one server replica reaches subscribers
//! of another.

use std::time::{Duration, Instant};

use dnevnik_server::graphql::ids::{Kind, encode};
use dnevnik_tests::TestApp;
use dnevnik_tests::matrix::ask;
use dnevnik_tests::world::{Who, World};
use dnevnik_tests::ws::WsClient;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use Who::*;

fn id(kind: Kind, n: i64) -> String {
    encode(kind, n).0
}

const MARKS: &str = "subscription($s: ID!) { markUpdated(studentId: $s) {
  kind markId mark { value subject { name } history { action oldValue newValue } } } }";
const RECORD: &str = "mutation($s: ID!, $l: ID!, $v: Int!) {
  recordMark(input: {studentId: $s, lessonId: $l, value: $v}) { mark { id } } }";

/// How long the server may take to set up a subscription after the `subscribe` message: the
/// protocol has no acknowledgement for it.
const SETTLE: Duration = Duration::from_millis(500);

async fn connect(app: &TestApp, w: &World, who: Who) -> WsClient {
    match app.ws_connect(w.token(who)).await {
        Ok(client) => client,
        Err(err) => panic!("{who:?} could not connect: {err}"),
    }
}

/// The next message of a subscription, expecting a `next` with data.
async fn next_data(client: &mut WsClient, within: Duration) -> Value {
    match client.receive(within).await {
        Some(message) if message["type"] == "next" => message["payload"]["data"].clone(),
        other => panic!("expected an event, got {other:?}"),
    }
}

#[tokio::test]
async fn a_parent_hears_the_mark_a_teacher_records_within_a_second() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await?;
    let a1 = id(Kind::Student, w.student_a1);
    let lesson = id(Kind::Lesson, w.lesson_math_a);
    let mut parent = connect(&app, &w, ParentOfA).await;
    parent
        .subscribe("marks", MARKS, json!({ "s": a1 }))
        .await
        .map_err(anyhow::Error::msg)?;
    tokio::time::sleep(SETTLE).await;

    let recorded = ask(
        &app,
        &w,
        TeacherOfA,
        RECORD,
        json!({ "s": a1, "l": lesson, "v": 4 }),
    )
    .await;
    let committed = Instant::now();
    let mark = recorded.assert_ok()["recordMark"]["mark"]["id"].clone();
    let heard = next_data(&mut parent, Duration::from_secs(1)).await;
    let latency = committed.elapsed();
    assert!(latency < Duration::from_secs(1), "{latency:?}");
    assert_eq!(
        heard["markUpdated"],
        json!({
            "kind": "RECORDED",
            "markId": mark,
            "mark": { "value": 4, "subject": { "name": "Математика" }, "history": [
                { "action": "CREATED", "oldValue": null, "newValue": 4 }
            ] },
        })
    );

    // A change and a withdrawal arrive too, in order.
    ask(
        &app,
        &w,
        TeacherOfA,
        "mutation($m: ID!) { changeMark(input: {markId: $m, value: 5}) { mark { id } } }",
        json!({ "m": mark }),
    )
    .await
    .assert_ok();
    let changed = next_data(&mut parent, Duration::from_secs(5)).await;
    assert_eq!(changed["markUpdated"]["kind"], "CHANGED");
    assert_eq!(
        changed["markUpdated"]["mark"]["history"][1],
        json!({ "action": "UPDATED", "oldValue": 4, "newValue": 5 })
    );
    ask(
        &app,
        &w,
        TeacherOfA,
        "mutation($m: ID!) { deleteMark(input: {markId: $m}) { markId } }",
        json!({ "m": mark }),
    )
    .await
    .assert_ok();
    let deleted = next_data(&mut parent, Duration::from_secs(5)).await;
    assert_eq!(
        deleted["markUpdated"],
        json!({ "kind": "DELETED", "markId": mark, "mark": null })
    );

    // Another child's marks are not this parent's business: nothing arrives.
    ask(
        &app,
        &w,
        AdminOfSchool,
        RECORD,
        json!({ "s": id(Kind::Student, w.student_a2), "l": lesson, "v": 3 }),
    )
    .await
    .assert_ok();
    assert_eq!(parent.receive(Duration::from_millis(700)).await, None);
    Ok(())
}

#[tokio::test]
async fn subscribing_is_authorised_by_the_same_policy_as_reading() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await?;
    let a1 = id(Kind::Student, w.student_a1);

    // No session: the connection itself is refused.
    assert!(app.ws_connect(None).await.is_err());
    assert!(app.ws_connect(Some("not-a-token")).await.is_err());

    // A parent of another child, another class's teacher, another school's administrator:
    // refused as `NOT_FOUND`, as `student(id:)` would be.
    for who in [ParentOfB, TeacherOfOther, AdminOfOtherSchool] {
        let mut client = connect(&app, &w, who).await;
        client
            .subscribe("marks", MARKS, json!({ "s": a1 }))
            .await
            .map_err(anyhow::Error::msg)?;
        let answer = client.receive(Duration::from_secs(5)).await;
        let answer = answer.unwrap_or_default();
        // An execution error comes as a `next` with `errors` and no data, then `complete`.
        assert_eq!(answer["type"], "next", "{who:?}: {answer}");
        assert_eq!(answer["payload"]["data"], Value::Null, "{who:?}: {answer}");
        assert_eq!(
            answer["payload"]["errors"][0]["extensions"]["code"], "NOT_FOUND",
            "{who:?}: {answer}"
        );
        let ended = client
            .receive(Duration::from_secs(5))
            .await
            .unwrap_or_default();
        assert_eq!(ended["type"], "complete", "{who:?}: {ended}");
    }

    // A subject teacher hears only their subject.
    let mut teacher = connect(&app, &w, TeacherOfA).await;
    teacher
        .subscribe("marks", MARKS, json!({ "s": a1 }))
        .await
        .map_err(anyhow::Error::msg)?;
    tokio::time::sleep(SETTLE).await;
    ask(
        &app,
        &w,
        ClassTeacherOfA,
        RECORD,
        json!({ "s": a1, "l": id(Kind::Lesson, w.lesson_russian_a), "v": 5 }),
    )
    .await
    .assert_ok();
    assert_eq!(teacher.receive(Duration::from_millis(700)).await, None);
    ask(
        &app,
        &w,
        TeacherOfA,
        RECORD,
        json!({ "s": a1, "l": id(Kind::Lesson, w.lesson_math_a), "v": 5 }),
    )
    .await
    .assert_ok();
    let heard = next_data(&mut teacher, Duration::from_secs(5)).await;
    assert_eq!(
        heard["markUpdated"]["mark"]["subject"]["name"],
        "Математика"
    );

    // A parent unlinked from the child stops hearing at once: the stream completes.
    let mut parent = connect(&app, &w, ParentOfA).await;
    parent
        .subscribe("marks", MARKS, json!({ "s": a1 }))
        .await
        .map_err(anyhow::Error::msg)?;
    tokio::time::sleep(SETTLE).await;
    app.db
        .execute_unprepared(&format!(
            "DELETE FROM guardianships WHERE student_id = {}",
            w.student_a1
        ))
        .await?;
    ask(
        &app,
        &w,
        TeacherOfA,
        RECORD,
        json!({ "s": a1, "l": id(Kind::Lesson, w.lesson_math_a), "v": 2 }),
    )
    .await
    .assert_ok();
    let answer = parent
        .receive(Duration::from_secs(5))
        .await
        .unwrap_or_default();
    assert_eq!(answer["type"], "complete", "{answer}");
    Ok(())
}

#[tokio::test]
async fn the_socket_runs_subscriptions_only_and_a_signed_out_session_stops_hearing()
-> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await?;
    let a1 = id(Kind::Student, w.student_a1);
    let lesson = id(Kind::Lesson, w.lesson_math_a);

    // Queries and mutations would run with the identity checked when the socket opened, so
    // the socket refuses them, and writes nothing.
    let marks = "SELECT COUNT(*) AS n FROM marks";
    let before = dnevnik_tests::matrix::scalar(&app, marks).await;
    let mut teacher = connect(&app, &w, TeacherOfA).await;
    for (n, (query, variables)) in [
        ("{ viewer { account { id } } }", json!({})),
        (RECORD, json!({ "s": a1, "l": lesson, "v": 5 })),
    ]
    .into_iter()
    .enumerate()
    {
        teacher
            .subscribe(&format!("op{n}"), query, variables)
            .await
            .map_err(anyhow::Error::msg)?;
        let answer = teacher
            .receive(Duration::from_secs(5))
            .await
            .unwrap_or_default();
        let codes: Vec<&str> = answer["payload"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(answer["payload"]["errors"].as_array().into_iter().flatten())
            .filter_map(|e| e["extensions"]["code"].as_str())
            .collect();
        assert_eq!(codes, vec!["BAD_USER_INPUT"], "{query}: {answer}");
        assert!(
            answer.to_string().contains("POST /graphql"),
            "{query}: {answer}"
        );
        if answer["type"] == "next" {
            let ended = teacher
                .receive(Duration::from_secs(5))
                .await
                .unwrap_or_default();
            assert_eq!(ended["type"], "complete", "{query}: {ended}");
        }
    }
    assert_eq!(dnevnik_tests::matrix::scalar(&app, marks).await, before);

    // A parent who signs out stops hearing: the next event ends the stream instead.
    let mut parent = connect(&app, &w, ParentOfA).await;
    parent
        .subscribe("marks", MARKS, json!({ "s": a1 }))
        .await
        .map_err(anyhow::Error::msg)?;
    tokio::time::sleep(SETTLE).await;
    ask(
        &app,
        &w,
        ParentOfA,
        "mutation { logout { ended } }",
        json!({}),
    )
    .await
    .assert_ok();
    ask(
        &app,
        &w,
        TeacherOfA,
        RECORD,
        json!({ "s": a1, "l": lesson, "v": 4 }),
    )
    .await
    .assert_ok();
    let answer = parent
        .receive(Duration::from_secs(5))
        .await
        .unwrap_or_default();
    assert!(
        answer["payload"]["data"]["markUpdated"].is_null(),
        "a signed-out session heard a mark: {answer}"
    );
    Ok(())
}

#[tokio::test]
async fn a_message_reaches_its_recipient_live() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await?;
    let mut teacher = connect(&app, &w, ClassTeacherOfA).await;
    teacher
        .subscribe(
            "inbox",
            "subscription { messageReceived { conversationId message { body isMine sender { displayName } } } }",
            json!({}),
        )
        .await
        .map_err(anyhow::Error::msg)?;
    let mut outsider = connect(&app, &w, TeacherOfA).await;
    outsider
        .subscribe(
            "inbox",
            "subscription { messageReceived { message { body } } }",
            json!({}),
        )
        .await
        .map_err(anyhow::Error::msg)?;
    tokio::time::sleep(SETTLE).await;
    let conversation = id(Kind::Conversation, w.conversation_pa_ct);
    ask(
        &app,
        &w,
        ParentOfA,
        "mutation($c: ID!) { sendMessage(input: {conversationId: $c, body: \"Спасибо!\"}) { message { id } } }",
        json!({ "c": conversation }),
    )
    .await
    .assert_ok();
    let heard = next_data(&mut teacher, Duration::from_secs(1)).await;
    assert_eq!(
        heard["messageReceived"],
        json!({
            "conversationId": conversation,
            "message": { "body": "Спасибо!", "isMine": false, "sender": { "displayName": "Родитель А" } },
        })
    );
    assert_eq!(outsider.receive(Duration::from_millis(700)).await, None);
    Ok(())
}

/// Replicas share live updates through PostgreSQL's `LISTEN`/`NOTIFY`. SQLite is embedded in
/// one process by design, so there the test checks the one server only; `.ci/run` runs it on
/// PostgreSQL.
#[tokio::test]
async fn every_replica_delivers_a_write_made_on_another() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await?;
    let a1 = id(Kind::Student, w.student_a1);
    let lesson = id(Kind::Lesson, w.lesson_math_a);
    let postgres = app.database.is_postgres();
    let replica = if postgres {
        Some(app.replica().await)
    } else {
        None
    };

    let mut on_first = connect(&app, &w, ParentOfA).await;
    on_first
        .subscribe("marks", MARKS, json!({ "s": a1 }))
        .await
        .map_err(anyhow::Error::msg)?;
    let mut on_second = match &replica {
        Some(replica) => Some(match replica.ws_connect(w.token(StudentA)).await {
            Ok(client) => client,
            Err(err) => panic!("the replica refused: {err}"),
        }),
        None => None,
    };
    if let Some(client) = on_second.as_mut() {
        client
            .subscribe("marks", MARKS, json!({ "s": a1 }))
            .await
            .map_err(anyhow::Error::msg)?;
    }
    tokio::time::sleep(SETTLE).await;

    // The teacher writes through the first replica.
    ask(
        &app,
        &w,
        TeacherOfA,
        RECORD,
        json!({ "s": a1, "l": lesson, "v": 5 }),
    )
    .await
    .assert_ok();
    let first = next_data(&mut on_first, Duration::from_secs(1)).await;
    assert_eq!(first["markUpdated"]["mark"]["value"], 5);
    if let Some(client) = on_second.as_mut() {
        let second = next_data(client, Duration::from_secs(1)).await;
        assert_eq!(second["markUpdated"]["mark"]["value"], 5);
    }
    // And the other way round: a write on the second replica reaches the first's subscriber.
    if let Some(replica) = &replica {
        let token = w.token(TeacherOfA).unwrap_or_default();
        replica
            .graphql_as(token, RECORD, json!({ "s": a1, "l": lesson, "v": 3 }))
            .await
            .assert_ok();
        let first = next_data(&mut on_first, Duration::from_secs(1)).await;
        assert_eq!(first["markUpdated"]["mark"]["value"], 3);
    }
    Ok(())
}

#[tokio::test]
async fn a_quiet_subscriber_is_kept_alive_with_pings_and_hears_the_next_mark() -> anyhow::Result<()>
{
    let app = TestApp::spawn_with(|c| c.ws_keepalive_secs = 1).await;
    let w = World::build(&app).await?;
    let a1 = id(Kind::Student, w.student_a1);
    let mut parent = connect(&app, &w, ParentOfA).await;
    parent
        .subscribe("marks", MARKS, json!({ "s": a1 }))
        .await
        .map_err(anyhow::Error::msg)?;
    // The client never pings (standard graphql-ws clients do not): four keep-alive intervals
    // of silence, and the connection stays open.
    let quiet = parent.receive(Duration::from_secs(4)).await;
    assert!(quiet.is_none(), "the server said something: {quiet:?}");
    assert!(parent.pings >= 3, "{} pings in 4 s", parent.pings);
    ask(
        &app,
        &w,
        TeacherOfA,
        RECORD,
        json!({ "s": a1, "l": id(Kind::Lesson, w.lesson_math_a), "v": 5 }),
    )
    .await
    .assert_ok();
    let heard = next_data(&mut parent, Duration::from_secs(2)).await;
    assert_eq!(heard["markUpdated"]["mark"]["value"], 5, "{heard}");
    Ok(())
}

#[tokio::test]
async fn a_client_that_answers_no_ping_is_closed() -> anyhow::Result<()> {
    let app = TestApp::spawn_with(|c| c.ws_keepalive_secs = 1).await;
    let w = World::build(&app).await?;
    let mut parent = connect(&app, &w, ParentOfA).await;
    let mut listener = connect(&app, &w, ParentOfA).await;
    // Not reading means not answering pings: after three unanswered ones the server hangs up.
    // A client that reads (and so answers) stays.
    assert!(!listener.closed_within(Duration::from_secs(5)).await);
    assert!(parent.closed_within(Duration::from_secs(2)).await);
    Ok(())
}

#[tokio::test]
async fn shutting_down_closes_subscriptions_with_a_close_frame() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await?;
    let mut parent = connect(&app, &w, ParentOfA).await;
    parent
        .subscribe(
            "marks",
            MARKS,
            json!({ "s": id(Kind::Student, w.student_a1) }),
        )
        .await
        .map_err(anyhow::Error::msg)?;
    tokio::time::sleep(SETTLE).await;
    app.stop().await?;
    let closed = parent
        .receive(Duration::from_secs(3))
        .await
        .unwrap_or_default();
    assert_eq!(closed["type"], "close", "{closed}");
    assert_eq!(closed["code"], 1001, "{closed}");
    assert_eq!(closed["reason"], "server shutting down", "{closed}");
    Ok(())
}
