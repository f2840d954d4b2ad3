//! The diary views on the demo school: what the demo parent sees of each child, and that the
//! main views run a fixed number of SQL statements whatever the range and the number of
//! children (no N+1).

use chrono::{Days, NaiveDate, Weekday};
use dnevnik_tests::TestApp;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, Statement};
use serde_json::{Value, json};

fn today() -> NaiveDate {
    dnevnik_tests::today()
}

fn monday() -> NaiveDate {
    today().week(Weekday::Mon).first_day()
}

fn days(day: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 {
        day.checked_add_days(Days::new(n as u64)).unwrap_or(day)
    } else {
        day.checked_sub_days(Days::new((-n) as u64)).unwrap_or(day)
    }
}

async fn one_id(app: &TestApp, sql: &str) -> anyhow::Result<i64> {
    let row = app
        .db
        .query_one_raw(Statement::from_string(app.db.get_database_backend(), sql))
        .await?
        .ok_or_else(|| anyhow::anyhow!("no row for {sql}"))?;
    Ok(row.try_get::<i64>("", "id")?)
}

/// The demo parent (two children) and a parent with one child.
async fn parents(app: &TestApp) -> anyhow::Result<(String, String)> {
    let two = one_id(
        app,
        "SELECT account_id AS id FROM external_identities WHERE provider = 'dev' AND subject = 'parent'",
    )
    .await?;
    let one = one_id(
        app,
        "SELECT account_id AS id FROM guardianships GROUP BY account_id \
         HAVING COUNT(*) = 1 ORDER BY account_id LIMIT 1",
    )
    .await?;
    Ok((app.session_for(two).await, app.session_for(one).await))
}

const WEEK_DIARY: &str = "query($from: Date!, $to: Date!) { viewer { students { label student {
    fullName classUnit { name }
    diary(from: $from, to: $to) { date holiday lessons {
        number startsAt endsAt room topic status
        subject { name } teacher { shortName }
        homeworkDue { text dueOn } homeworkGiven { text }
        marks { value weight comment isExam controlForm { name } }
        attendance { status minutesLate } remarks { kind text } } } } } } }";

const QUARTER_MARKS: &str = "{ viewer { students { student {
    subjects { subject { name } teachers { shortName }
        marks { value weight date controlForm { shortName } }
        average roundedAverage finalMark { display } missedLessons heldLessons } } } } }";

#[tokio::test]
async fn the_demo_parent_sees_each_childs_week_and_nobody_else() -> anyhow::Result<()> {
    let app = TestApp::spawn_demo().await;
    let (parent, _) = parents(&app).await?;
    // The latest full school week that has already happened.
    let from = days(monday(), -7);
    let to = days(from, 6);
    let response = app
        .graphql_as(
            &parent,
            WEEK_DIARY,
            json!({ "from": from.to_string(), "to": to.to_string() }),
        )
        .await;
    let data = response.assert_ok();
    let students = data["viewer"]["students"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(students.len(), 2, "{data}");
    let classes: Vec<&str> = students
        .iter()
        .filter_map(|s| s["student"]["classUnit"]["name"].as_str())
        .collect();
    assert_eq!(classes, vec!["5А", "2Б"]);
    for child in &students {
        let days = child["student"]["diary"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(days.len(), 7);
        let lessons: Vec<&Value> = days
            .iter()
            .flat_map(|d| d["lessons"].as_array().into_iter().flatten())
            .collect();
        assert!(lessons.len() >= 10, "{} lessons", lessons.len());
        assert!(lessons.iter().all(|l| l["subject"]["name"].is_string()));
        assert!(lessons.iter().any(|l| l["topic"].is_string()));
        let homework = lessons
            .iter()
            .filter(|l| l["homeworkDue"].as_array().is_some_and(|h| !h.is_empty()))
            .count();
        assert!(homework > 0, "no homework in the week");
        let marks = lessons
            .iter()
            .filter(|l| l["marks"].as_array().is_some_and(|m| !m.is_empty()))
            .count();
        assert!(marks > 0, "no marks in the week");
    }

    // Any other student is refused.
    let stranger = one_id(
        &app,
        "SELECT id FROM students WHERE id NOT IN (SELECT student_id FROM guardianships \
         WHERE account_id = (SELECT account_id FROM external_identities WHERE subject = 'parent')) \
         ORDER BY id LIMIT 1",
    )
    .await?;
    let id =
        dnevnik_server::graphql::ids::encode(dnevnik_server::graphql::ids::Kind::Student, stranger);
    let response = app
        .graphql_as(
            &parent,
            "query($id: ID!) { student(id: $id) { fullName } }",
            json!({ "id": id.0 }),
        )
        .await;
    assert_eq!(response.error_codes(), vec!["NOT_FOUND"]);
    assert_eq!(response.data(), &Value::Null);
    Ok(())
}

#[tokio::test]
async fn the_quarter_view_gives_averages_by_the_schools_rounding() -> anyhow::Result<()> {
    let app = TestApp::spawn_demo().await;
    let token = app.sign_in("student", "demo-student").await;
    let response = app.graphql_as(&token, QUARTER_MARKS, json!({})).await;
    let data = response.assert_ok();
    let subjects = data["viewer"]["students"][0]["student"]["subjects"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(subjects.len() >= 10, "{} subjects", subjects.len());
    let mut checked = 0;
    for subject in subjects {
        let marks = subject["marks"].as_array().cloned().unwrap_or_default();
        if marks.is_empty() {
            assert_eq!(subject["average"], Value::Null);
            continue;
        }
        let (sum, weights) = marks.iter().fold((0i64, 0i64), |(s, w), m| {
            let v = m["value"].as_i64().unwrap_or(0);
            let wt = m["weight"].as_i64().unwrap_or(0);
            (s + v * wt, w + wt)
        });
        let hundredths = sum * 100 / weights;
        assert_eq!(subject["average"].as_f64(), Some(hundredths as f64 / 100.0));
        // The demo school rounds up from .60.
        let expected = hundredths / 100 + i64::from(hundredths % 100 >= 60);
        assert_eq!(
            subject["roundedAverage"].as_i64(),
            Some(expected),
            "{subject}"
        );
        checked += 1;
    }
    assert!(checked > 5);
    Ok(())
}

#[tokio::test]
async fn the_main_views_run_a_fixed_number_of_statements() -> anyhow::Result<()> {
    let (app, counter) = TestApp::spawn_counting(true).await;
    let (two_children, one_child) = parents(&app).await?;
    let one_day = (monday(), monday());
    let four_weeks = (days(monday(), -21), days(monday(), 6));
    let mut diary_counts = Vec::new();
    for token in [&one_child, &two_children] {
        for (from, to) in [one_day, four_weeks] {
            let vars = json!({ "from": from.to_string(), "to": to.to_string() });
            let (response, statements) = counter
                .during(app.graphql_as(token, WEEK_DIARY, vars))
                .await;
            response.assert_ok();
            diary_counts.push(statements);
        }
    }
    let mut quarter_counts = Vec::new();
    for token in [&one_child, &two_children] {
        let (response, statements) = counter
            .during(app.graphql_as(token, QUARTER_MARKS, json!({})))
            .await;
        response.assert_ok();
        quarter_counts.push(statements);
    }
    println!("diary statements: {diary_counts:?}; quarter statements: {quarter_counts:?}");
    assert!(
        diary_counts.iter().all(|c| *c == diary_counts[0]),
        "{diary_counts:?}"
    );
    assert!(
        quarter_counts.iter().all(|c| *c == quarter_counts[0]),
        "{quarter_counts:?}"
    );
    assert_eq!(diary_counts[0], 16, "{diary_counts:?}");
    assert_eq!(quarter_counts[0], 16, "{quarter_counts:?}");

    // The conversation list with everyone taking part and each one's last message: the same
    // for one conversation as for an inbox of twenty (participants and pages come through
    // loaders). The parent writes to a teacher until the inbox holds twenty.
    let contact = app
        .graphql_as(
            &two_children,
            "{ viewer { addressBook(first: 1) { nodes { accountId } } } }",
            json!({}),
        )
        .await;
    let teacher = contact.assert_ok()["viewer"]["addressBook"]["nodes"][0]["accountId"].clone();
    for n in 0..20 {
        app.graphql_as(
            &two_children,
            "mutation($i: StartConversationInput!) { startConversation(input: $i) { conversation { id } } }",
            json!({ "i": { "recipientIds": [teacher], "subject": format!("Вопрос {n}"), "body": "Добрый день!" } }),
        )
        .await
        .assert_ok();
    }
    let mut conversation_counts = Vec::new();
    for first in [1, 20] {
        let (response, statements) = counter
            .during(app.graphql_as(
                &two_children,
                "query($n: Int) { conversations(first: $n) { nodes { subject unreadCount participants { displayName } \
                 messages(first: 1) { nodes { body isMine sender { displayName } } pageInfo { hasNextPage } } } } }",
                json!({ "n": first }),
            ))
            .await;
        let nodes = response.assert_ok()["conversations"]["nodes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        // Each conversation comes with its last message.
        assert!(
            nodes.iter().all(|c| c["messages"]["nodes"]
                .as_array()
                .is_some_and(|m| m.len() == 1)),
            "{nodes:?}"
        );
        conversation_counts.push((nodes.len(), statements));
    }
    // A forum page with each thread's first posts: the same for one thread as for twenty.
    let mut forum_counts = Vec::new();
    for first in [1, 20] {
        let (response, statements) = counter
            .during(app.graphql_as(
                &two_children,
                "query($n: Int) { forumThreads(first: $n) { nodes { title \
                 posts(first: 3) { nodes { body author { displayName } } pageInfo { hasNextPage } } } } }",
                json!({ "n": first }),
            ))
            .await;
        let threads = response.assert_ok()["forumThreads"]["nodes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let posts: usize = threads
            .iter()
            .map(|t| t["posts"]["nodes"].as_array().map_or(0, Vec::len))
            .sum();
        forum_counts.push((threads.len(), posts, statements));
    }
    println!("forum (threads, posts, statements): {forum_counts:?}");
    assert!(
        forum_counts[1].0 > 1 && forum_counts[1].1 > forum_counts[0].1,
        "{forum_counts:?}"
    );
    assert_eq!(forum_counts[0].2, forum_counts[1].2, "{forum_counts:?}");
    // The notification feed with each notice's mark and homework: the same for a short page
    // holding marks and homework as for the whole feed (they come through loaders).
    let mut feed_counts = Vec::new();
    for first in [8, 20] {
        let (response, statements) = counter
            .during(app.graphql_as(
                &two_children,
                "query($n: Int) { viewer { notifications(first: $n) { nodes { kind mark { value } homework { text } subject { name } student { id } } } } }",
                json!({ "n": first }),
            ))
            .await;
        let nodes = response.assert_ok()["viewer"]["notifications"]["nodes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for kind in ["MARK_RECORDED", "HOMEWORK"] {
            assert!(
                nodes.iter().any(|n| n["kind"] == kind),
                "no {kind} in {nodes:?}"
            );
        }
        feed_counts.push((nodes.len(), statements));
    }
    println!("notifications (listed, statements): {feed_counts:?}");
    assert!(feed_counts[1].0 > 5, "{feed_counts:?}");
    assert_eq!(feed_counts[0].1, feed_counts[1].1, "{feed_counts:?}");
    println!("conversations (listed, statements): {conversation_counts:?}");
    assert_eq!(conversation_counts[1].0, 20, "{conversation_counts:?}");
    assert_eq!(
        conversation_counts[0].1, conversation_counts[1].1,
        "{conversation_counts:?}"
    );
    Ok(())
}

/// Everything a class teacher's or an administrator's roster page asks of each student.
const ROSTER: &str = "query($id: ID!, $from: Date!, $to: Date!) { node(id: $id) {
    ... on ClassUnit { students {
        fullName
        attendance(from: $from, to: $to) { absent late entries { status } }
        homework(from: $from, to: $to) { text }
        externalAssessments { title percent }
        rating { place classSize trend }
        finalMarks { rows { subject { name } } }
        marks(first: 5) { nodes { value controlForm { name } } pageInfo { hasNextPage } }
        subjects { average }
    } } } }";

#[tokio::test]
async fn a_class_roster_runs_the_same_statements_for_a_small_and_a_large_class()
-> anyhow::Result<()> {
    let (app, counter) = TestApp::spawn_counting(true).await;
    let admin = app.sign_in("admin", "demo-admin").await;
    let sizes = "SELECT class_unit_id AS id FROM students WHERE left_on IS NULL \
                 GROUP BY class_unit_id ORDER BY COUNT(*) {}, class_unit_id LIMIT 1";
    let small = one_id(&app, &sizes.replace("{}", "ASC")).await?;
    let large = one_id(&app, &sizes.replace("{}", "DESC")).await?;
    // The large class grows to thirty, as a full Moscow class is.
    let enrolled = |class: i64| {
        format!(
            "SELECT COUNT(*) AS id FROM students WHERE class_unit_id = {class} AND left_on IS NULL"
        )
    };
    let school = one_id(
        &app,
        &format!("SELECT school_id AS id FROM class_units WHERE id = {large}"),
    )
    .await?;
    let now = chrono::Utc::now();
    for n in one_id(&app, &enrolled(large)).await?..30 {
        dnevnik_entities::student::ActiveModel {
            school_id: Set(school),
            class_unit_id: Set(large),
            last_name: Set(format!("Новикова{n}")),
            first_name: Set("Анна".to_owned()),
            birth_date: Set(NaiveDate::from_ymd_opt(2015, 3, 1).unwrap_or_default()),
            enrolled_on: Set(NaiveDate::from_ymd_opt(2026, 9, 1).unwrap_or_default()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await?;
    }
    assert_eq!(one_id(&app, &enrolled(large)).await?, 30);
    let vars = |class: i64| {
        json!({
            "id": dnevnik_server::graphql::ids::encode(
                dnevnik_server::graphql::ids::Kind::ClassUnit, class).0,
            "from": days(monday(), -28).to_string(),
            "to": days(monday(), 6).to_string(),
        })
    };
    let mut counts = Vec::new();
    for class in [small, large] {
        let (response, statements) = counter
            .during(app.graphql_as(&admin, ROSTER, vars(class)))
            .await;
        let students = response.assert_ok()["node"]["students"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        // The answer holds what was asked: marks and ratings for the students who have them.
        assert!(
            students.iter().any(|s| s["marks"]["nodes"]
                .as_array()
                .is_some_and(|m| !m.is_empty())),
            "no marks in {students:?}"
        );
        assert!(
            students.iter().any(|s| s["rating"]["place"].is_number()),
            "no rating in {students:?}"
        );
        counts.push((students.len(), statements));
    }
    println!("roster (students, statements): {counts:?}");
    assert!(counts[1].0 > counts[0].0, "{counts:?}");
    assert_eq!(counts[0].1, counts[1].1, "{counts:?}");
    Ok(())
}
