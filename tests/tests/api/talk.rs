//! Communication writes through the API: news and events in their scopes, the forum with its
//! moderation, and messages within the address book — each asked of every role of the matrix
//! (docs/AUTHZ.md), with what the others then see. A write a role may make must store what it
//! asked, under that role's account where the row names one: succeeding is not enough.

use dnevnik_server::graphql::ids::{Kind, encode};
use dnevnik_tests::TestApp;
use dnevnik_tests::matrix::{Outcome, Written, ask, check_write, number_in, scalar, snapshot};
use dnevnik_tests::world::{Who, World};
use serde_json::{Value, json};

use Outcome::*;
use Who::*;

fn id(kind: Kind, n: i64) -> String {
    encode(kind, n).0
}

/// Everything a communication write can change.
const TALK: &[&str] = &[
    "SELECT COUNT(*) AS n FROM news_items WHERE withdrawn_at IS NULL",
    "SELECT COALESCE(SUM(LENGTH(title)), 0) AS n FROM news_items",
    "SELECT COUNT(*) AS n FROM events",
    "SELECT COUNT(*) AS n FROM forum_threads",
    "SELECT COUNT(*) AS n FROM forum_threads WHERE locked OR pinned",
    "SELECT COUNT(*) AS n FROM forum_posts",
    "SELECT COUNT(*) AS n FROM forum_posts WHERE hidden",
    "SELECT COUNT(*) AS n FROM conversations",
    "SELECT COUNT(*) AS n FROM messages",
    "SELECT COUNT(*) AS n FROM notifications",
    "SELECT COUNT(*) AS n FROM audit_events",
];

/// Roles from a compact list: those named `done` succeed, the rest get the codes given, and
/// the anonymous caller is always unauthenticated.
fn roles(done: &[Who], forbidden: &[Who]) -> Vec<(Who, Outcome)> {
    Who::ALL
        .into_iter()
        .map(|who| {
            let outcome = if who == Anonymous {
                Refused("UNAUTHENTICATED")
            } else if done.contains(&who) {
                Done
            } else if forbidden.contains(&who) {
                Refused("FORBIDDEN")
            } else {
                Refused("NOT_FOUND")
            };
            (who, outcome)
        })
        .collect()
}

fn ids_of(value: &Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["id"].as_str().map(str::to_owned))
        .collect()
}

/// An app over the world of the matrix.
async fn world() -> anyhow::Result<(TestApp, World)> {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await?;
    Ok((app, w))
}

const PUBLISH: &str = "mutation($i: PublishNewsInput!) { publishNews(input: $i) { newsItem { id scope kind title body } } }";
const PLAN: &str =
    "mutation($i: PlanEventInput!) { planEvent(input: $i) { event { id kind title place } } }";
const NEWS_FEED: &str = "{ news(first: 100) { nodes { id } } }";

/// A news item published, as its global id.
async fn published(app: &TestApp, w: &World, who: Who, input: Value) -> Value {
    let response = ask(app, w, who, PUBLISH, json!({ "i": input })).await;
    response.assert_ok()["publishNews"]["newsItem"]["id"].clone()
}

/// Three days from now at 18:00 UTC: when the world's events start.
fn in_three_days() -> String {
    (chrono::Utc::now() + chrono::Duration::days(3))
        .format("%Y-%m-%dT18:00:00Z")
        .to_string()
}

/// One class news item or event per role that may act on it, made by the class teacher: each
/// role that may then acts on its own (refusals, asked first, all aim at the first, still
/// there then).
async fn one_each_by_the_class_teacher(
    app: &TestApp,
    w: &World,
    roles: &[Who],
    make: impl Fn(Who) -> (&'static str, Value),
    id_at: &str,
) -> Vec<(Who, Value)> {
    let mut made = Vec::new();
    for who in roles {
        let (query, input) = make(*who);
        let response = ask(app, w, ClassTeacherOfA, query, json!({ "i": input })).await;
        made.push((
            *who,
            response
                .assert_ok()
                .pointer(id_at)
                .cloned()
                .unwrap_or_default(),
        ));
    }
    made
}

/// The object `one_each_by_the_class_teacher` made for a role, or the first for the others.
fn aimed_at(all: &[(Who, Value)], who: Who) -> Value {
    all.iter()
        .find(|(w, _)| *w == who)
        .or_else(|| all.first())
        .map(|(_, id)| id.clone())
        .unwrap_or_default()
}

#[tokio::test]
async fn news_is_published_in_each_scope_by_exactly_the_scopes_publishers() -> anyhow::Result<()> {
    let (app, w) = world().await?;
    let class_a = id(Kind::ClassUnit, w.class_a);
    let school1 = id(Kind::School, w.school1);
    let accounts = accounts(&app, &w).await;

    // Class news: the class teacher and the school's administration (the department too).
    check_write(
        &app,
        &w,
        "publishNews (class 5А)",
        PUBLISH,
        |_| json!({ "i": { "classUnitId": class_a, "kind": "ORGANISATION", "title": "Экскурсия", "body": "В пятницу едем в музей." } }),
        &roles(
            &[ClassTeacherOfA, AdminOfSchool, DepartmentAdmin],
            &[ParentOfA, StudentA, TeacherOfA],
        ),
        TALK,
        |who| {
            Written::at("/publishNews/newsItem/id")
                .answers("/publishNews/newsItem/scope", "CLASS")
                .answers("/publishNews/newsItem/kind", "ORGANISATION")
                .answers("/publishNews/newsItem/title", "Экскурсия")
                .answers("/publishNews/newsItem/body", "В пятницу едем в музей.")
                .row(
                    format!(
                        "SELECT COUNT(*) AS n FROM news_items WHERE id = $id AND scope = 'class' \
                         AND school_id = {} AND class_unit_id = {} AND kind = 'organisation' \
                         AND title = 'Экскурсия' AND body = 'В пятницу едем в музей.' \
                         AND withdrawn_at IS NULL AND author_account_id = {}",
                        w.school1,
                        w.class_a,
                        account(&accounts, who)
                    ),
                    1,
                )
        },
    )
    .await;
    // School news: the school's administration; every member of the school sees the scope.
    check_write(
        &app,
        &w,
        "publishNews (school 1)",
        PUBLISH,
        |_| json!({ "i": { "schoolId": school1, "kind": "ADMINISTRATIVE", "title": "Каникулы", "body": "С 28 декабря." } }),
        &roles(
            &[AdminOfSchool, DepartmentAdmin],
            &[
                ParentOfA,
                ParentOfB,
                StudentA,
                TeacherOfA,
                TeacherOfOther,
                ClassTeacherOfA,
            ],
        ),
        TALK,
        |who| {
            Written::at("/publishNews/newsItem/id")
                .answers("/publishNews/newsItem/scope", "SCHOOL")
                .answers("/publishNews/newsItem/kind", "ADMINISTRATIVE")
                .answers("/publishNews/newsItem/title", "Каникулы")
                .row(
                    format!(
                        "SELECT COUNT(*) AS n FROM news_items WHERE id = $id \
                         AND scope = 'school' AND school_id = {} AND class_unit_id IS NULL \
                         AND kind = 'administrative' AND title = 'Каникулы' \
                         AND body = 'С 28 декабря.' AND author_account_id = {}",
                        w.school1,
                        account(&accounts, who)
                    ),
                    1,
                )
        },
    )
    .await;
    // City news: the department only; everyone signed in sees the city.
    check_write(
        &app,
        &w,
        "publishNews (city)",
        PUBLISH,
        |_| json!({ "i": { "kind": "ORGANISATION", "title": "Олимпиада", "body": "Регистрация открыта." } }),
        &roles(
            &[DepartmentAdmin],
            &[
                ParentOfA,
                ParentOfB,
                StudentA,
                TeacherOfA,
                TeacherOfOther,
                ClassTeacherOfA,
                AdminOfSchool,
                AdminOfOtherSchool,
            ],
        ),
        TALK,
        |who| {
            Written::at("/publishNews/newsItem/id")
                .answers("/publishNews/newsItem/scope", "CITY")
                .answers("/publishNews/newsItem/title", "Олимпиада")
                .row(
                    format!(
                        "SELECT COUNT(*) AS n FROM news_items WHERE id = $id AND scope = 'city' \
                         AND school_id IS NULL AND class_unit_id IS NULL \
                         AND kind = 'organisation' AND title = 'Олимпиада' \
                         AND body = 'Регистрация открыта.' AND author_account_id = {}",
                        account(&accounts, who)
                    ),
                    1,
                )
        },
    )
    .await;
    Ok(())
}

#[tokio::test]
async fn class_news_shows_in_the_classs_feed_and_is_told_to_its_families_only() -> anyhow::Result<()>
{
    let (app, w) = world().await?;
    let class_a = id(Kind::ClassUnit, w.class_a);

    // The class teacher's own class news: shown in the class's feed, told to its families only.
    let item = published(
        &app,
        &w,
        ClassTeacherOfA,
        json!({ "classUnitId": class_a, "kind": "ORGANISATION", "title": "Родительское собрание", "body": "В четверг в 18:00." }),
    )
    .await;
    let item = item.as_str().unwrap_or_default().to_owned();
    let feed = ask(&app, &w, ParentOfA, NEWS_FEED, json!({})).await;
    assert!(ids_of(&feed.assert_ok()["news"]["nodes"]).contains(&item));
    let other_feed = ask(&app, &w, ParentOfB, NEWS_FEED, json!({})).await;
    assert!(!ids_of(&other_feed.assert_ok()["news"]["nodes"]).contains(&item));
    let told = "{ viewer { notifications(first: 50) { nodes { kind newsItemId } } } }";
    let heard = |response: &dnevnik_tests::GraphqlResponse| {
        response.assert_ok()["viewer"]["notifications"]["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|n| n["kind"] == "NEWS" && n["newsItemId"] == item.as_str())
    };
    assert!(heard(&ask(&app, &w, ParentOfA, told, json!({})).await));
    assert!(heard(&ask(&app, &w, StudentA, told, json!({})).await));
    assert!(!heard(&ask(&app, &w, ParentOfB, told, json!({})).await));
    Ok(())
}

#[tokio::test]
async fn news_is_edited_and_withdrawn_by_its_author_or_the_administration_above_its_scope()
-> anyhow::Result<()> {
    let (app, w) = world().await?;
    let class_a = id(Kind::ClassUnit, w.class_a);
    let item = published(
        &app,
        &w,
        ClassTeacherOfA,
        json!({ "classUnitId": class_a, "kind": "ORGANISATION", "title": "Родительское собрание", "body": "В четверг в 18:00." }),
    )
    .await;

    // Editing and withdrawing: the author, or the administration above the scope. Each who
    // may gives the item a title of their own.
    let edit = "mutation($i: EditNewsInput!) { editNews(input: $i) { newsItem { id title } } }";
    let title = |who: Who| format!("Собрание переносится: {who:?}");
    check_write(
        &app,
        &w,
        "editNews (the class teacher's class news)",
        edit,
        |who| json!({ "i": { "newsItemId": item, "title": title(who) } }),
        &roles(
            &[ClassTeacherOfA, AdminOfSchool, DepartmentAdmin],
            &[ParentOfA, StudentA, TeacherOfA],
        ),
        TALK,
        |who| {
            Written::at("/editNews/newsItem/id")
                .answers("/editNews/newsItem/id", item.clone())
                .answers("/editNews/newsItem/title", title(who))
                .row(
                    format!(
                        "SELECT COUNT(*) AS n FROM news_items WHERE id = $id AND title = '{}' \
                         AND body = 'В четверг в 18:00.'",
                        title(who)
                    ),
                    1,
                )
        },
    )
    .await;
    let admins_item = published(
        &app,
        &w,
        AdminOfSchool,
        json!({ "classUnitId": class_a, "kind": "ADMINISTRATIVE", "title": "Приказ", "body": "О дежурстве." }),
    )
    .await;
    let by_class_teacher = ask(
        &app,
        &w,
        ClassTeacherOfA,
        "mutation($i: EditNewsInput!) { editNews(input: $i) { newsItem { id } } }",
        json!({ "i": { "newsItemId": admins_item, "title": "Иначе" } }),
    )
    .await;
    assert_eq!(by_class_teacher.error_codes(), vec!["FORBIDDEN"]);
    ask(
        &app,
        &w,
        ClassTeacherOfA,
        "mutation($i: WithdrawNewsInput!) { withdrawNews(input: $i) { newsItemId } }",
        json!({ "i": { "newsItemId": item } }),
    )
    .await
    .assert_ok();
    let feed = ask(&app, &w, ParentOfA, NEWS_FEED, json!({})).await;
    let item = item.as_str().unwrap_or_default().to_owned();
    assert!(!ids_of(&feed.assert_ok()["news"]["nodes"]).contains(&item));
    Ok(())
}

#[tokio::test]
async fn class_news_is_withdrawn_by_exactly_its_author_and_the_administration() -> anyhow::Result<()>
{
    let (app, w) = world().await?;
    let class_a = id(Kind::ClassUnit, w.class_a);

    // Withdrawing asked of every role: each who may withdraws a class news item of their own
    // (refusals, asked first, all aim at the class teacher's, still published then).
    let mayors = [ClassTeacherOfA, AdminOfSchool, DepartmentAdmin];
    let to_withdraw = one_each_by_the_class_teacher(
        &app,
        &w,
        &mayors,
        |who| {
            (
                PUBLISH,
                json!({ "classUnitId": class_a, "kind": "ORGANISATION", "title": format!("Новость для {who:?}"), "body": "Текст." }),
            )
        },
        "/publishNews/newsItem/id",
    )
    .await;
    check_write(
        &app,
        &w,
        "withdrawNews (class news)",
        "mutation($i: WithdrawNewsInput!) { withdrawNews(input: $i) { newsItemId } }",
        |who| json!({ "i": { "newsItemId": aimed_at(&to_withdraw, who) } }),
        &roles(&mayors, &[ParentOfA, StudentA, TeacherOfA]),
        TALK,
        |who| {
            Written::at("/withdrawNews/newsItemId")
                .answers("/withdrawNews/newsItemId", aimed_at(&to_withdraw, who))
                .row(
                    "SELECT COUNT(*) AS n FROM news_items WHERE id = $id \
                     AND withdrawn_at IS NOT NULL",
                    1,
                )
        },
    )
    .await;
    Ok(())
}

#[tokio::test]
async fn class_events_are_planned_changed_and_cancelled_by_exactly_the_classs_publishers()
-> anyhow::Result<()> {
    let (app, w) = world().await?;
    let class_a = id(Kind::ClassUnit, w.class_a);
    let starts = in_three_days();
    let mayors = [ClassTeacherOfA, AdminOfSchool, DepartmentAdmin];
    let accounts = accounts(&app, &w).await;

    // A parent meeting of 5А: planned by the class teacher and the administration.
    check_write(
        &app,
        &w,
        "planEvent (5А parent meeting)",
        PLAN,
        |_| json!({ "i": { "classUnitId": class_a, "kind": "PARENT_MEETING", "title": "Собрание", "place": "каб. 21", "startsAt": starts } }),
        &roles(&mayors, &[ParentOfA, StudentA, TeacherOfA]),
        TALK,
        |who| {
            Written::at("/planEvent/event/id")
                .answers("/planEvent/event/kind", "PARENT_MEETING")
                .answers("/planEvent/event/title", "Собрание")
                .answers("/planEvent/event/place", "каб. 21")
                .row(
                    format!(
                        "SELECT COUNT(*) AS n FROM events WHERE id = $id AND school_id = {} \
                         AND class_unit_id = {} AND kind = 'parent_meeting' \
                         AND title = 'Собрание' AND place = 'каб. 21' \
                         AND created_by_account_id = {}",
                        w.school1,
                        w.class_a,
                        account(&accounts, who)
                    ),
                    1,
                )
        },
    )
    .await;
    // Changing and cancelling asked of every role, on events the class teacher planned.
    let to_cancel = one_each_by_the_class_teacher(
        &app,
        &w,
        &mayors,
        |who| {
            (
                PLAN,
                json!({ "classUnitId": class_a, "kind": "SCHOOL_EVENT", "title": format!("Событие для {who:?}"), "startsAt": starts }),
            )
        },
        "/planEvent/event/id",
    )
    .await;
    let title = |who: Who| format!("Изменено: {who:?}");
    check_write(
        &app,
        &w,
        "changeEvent (5А event)",
        "mutation($i: ChangeEventInput!) { changeEvent(input: $i) { event { id title } } }",
        |who| json!({ "i": { "eventId": aimed_at(&to_cancel, who), "kind": "SCHOOL_EVENT", "title": title(who), "startsAt": starts } }),
        &roles(&mayors, &[ParentOfA, StudentA, TeacherOfA]),
        &[TALK, &["SELECT COALESCE(SUM(LENGTH(title)), 0) AS n FROM events"]].concat(),
        |who| {
            Written::at("/changeEvent/event/id")
                .answers("/changeEvent/event/id", aimed_at(&to_cancel, who))
                .answers("/changeEvent/event/title", title(who))
                .row(
                    format!(
                        "SELECT COUNT(*) AS n FROM events WHERE id = $id AND title = '{}' \
                         AND kind = 'school_event'",
                        title(who)
                    ),
                    1,
                )
        },
    )
    .await;
    check_write(
        &app,
        &w,
        "cancelEvent (5А event)",
        "mutation($i: CancelEventInput!) { cancelEvent(input: $i) { eventId } }",
        |who| json!({ "i": { "eventId": aimed_at(&to_cancel, who) } }),
        &roles(&mayors, &[ParentOfA, StudentA, TeacherOfA]),
        TALK,
        |who| {
            Written::at("/cancelEvent/eventId")
                .answers("/cancelEvent/eventId", aimed_at(&to_cancel, who))
                .row("SELECT COUNT(*) AS n FROM events WHERE id = $id", 0)
        },
    )
    .await;
    Ok(())
}

#[tokio::test]
async fn a_parent_meeting_is_seen_by_the_classs_families_and_no_other() -> anyhow::Result<()> {
    let (app, w) = world().await?;
    let class_a = id(Kind::ClassUnit, w.class_a);
    ask(
        &app,
        &w,
        ClassTeacherOfA,
        PLAN,
        json!({ "i": { "classUnitId": class_a, "kind": "PARENT_MEETING", "title": "Собрание", "place": "каб. 21", "startsAt": in_three_days() } }),
    )
    .await
    .assert_ok();

    let from = dnevnik_tests::today().to_string();
    let to = (chrono::Utc::now() + chrono::Duration::days(10))
        .date_naive()
        .to_string();
    let events = ask(
        &app,
        &w,
        ParentOfA,
        "query($f: Date!, $t: Date!) { events(from: $f, to: $t) { title place kind } }",
        json!({ "f": from, "t": to }),
    )
    .await;
    assert!(
        events.assert_ok()["events"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|e| e["title"] == "Собрание"
                && e["place"] == "каб. 21"
                && e["kind"] == "PARENT_MEETING"),
        "{}",
        events.body
    );
    let none = ask(
        &app,
        &w,
        ParentOfB,
        "query($f: Date!, $t: Date!) { events(from: $f, to: $t) { title } }",
        json!({ "f": from, "t": to }),
    )
    .await;
    assert_eq!(none.assert_ok()["events"], json!([]));
    Ok(())
}

#[tokio::test]
async fn bad_news_and_events_are_refused_with_a_field_or_as_not_found_and_write_nothing()
-> anyhow::Result<()> {
    let (app, w) = world().await?;
    let class_a = id(Kind::ClassUnit, w.class_a);
    let starts = in_three_days();

    // Bad input: a field error, nothing written.
    let before = snapshot(&app, TALK).await;
    for (input, field) in [
        (
            json!({ "classUnitId": class_a, "kind": "ORGANISATION", "title": " ", "body": "x" }),
            "title",
        ),
        (
            json!({ "classUnitId": class_a, "kind": "ORGANISATION", "title": "x", "body": "" }),
            "body",
        ),
    ] {
        let response = ask(&app, &w, ClassTeacherOfA, PUBLISH, json!({ "i": input })).await;
        assert_eq!(response.error_fields(), vec![field], "{}", response.body);
    }
    // Another school's administrator pairing 5А with their own school learns nothing about
    // 5А: the same `NOT_FOUND` as for a class that does not exist.
    let school2 = id(Kind::School, w.school2);
    let no_class = id(Kind::ClassUnit, 999_999);
    for class in [&class_a, &no_class] {
        for (query, input) in [
            (
                PUBLISH,
                json!({ "classUnitId": class, "schoolId": school2, "kind": "ORGANISATION", "title": "x", "body": "y" }),
            ),
            (
                PLAN,
                json!({ "classUnitId": class, "schoolId": school2, "kind": "SCHOOL_EVENT", "title": "x", "startsAt": starts }),
            ),
            (
                "mutation($i: CreateForumThreadInput!) { createForumThread(input: $i) { forumThread { id } } }",
                json!({ "classUnitId": class, "schoolId": school2, "title": "x", "body": "y" }),
            ),
        ] {
            let response = ask(&app, &w, AdminOfOtherSchool, query, json!({ "i": input })).await;
            assert_eq!(
                response.error_codes(),
                vec!["NOT_FOUND"],
                "{}",
                response.body
            );
        }
    }
    // Someone who sees the class still hears that the pair does not match.
    let mismatch = ask(
        &app,
        &w,
        ClassTeacherOfA,
        PUBLISH,
        json!({ "i": { "classUnitId": class_a, "schoolId": school2, "kind": "ORGANISATION", "title": "x", "body": "y" } }),
    )
    .await;
    assert_eq!(mismatch.error_fields(), vec!["schoolId"]);
    let ends_first = ask(
        &app,
        &w,
        ClassTeacherOfA,
        PLAN,
        json!({ "i": { "classUnitId": class_a, "kind": "PARENT_MEETING", "title": "Собрание", "startsAt": starts, "endsAt": "2026-01-01T00:00:00Z" } }),
    )
    .await;
    assert_eq!(ends_first.error_fields(), vec!["endsAt"]);
    assert_eq!(snapshot(&app, TALK).await, before);
    Ok(())
}

/// The account of each signed-in role, by number.
async fn accounts(app: &TestApp, w: &World) -> Vec<(Who, i64)> {
    let mut numbers = Vec::new();
    for who in Who::ALL {
        if who != Anonymous {
            numbers.push((who, number_in(&account_of(app, w, who).await)));
        }
    }
    numbers
}

/// A role's account number from `accounts`.
fn account(accounts: &[(Who, i64)], who: Who) -> i64 {
    match accounts.iter().find(|(w, _)| *w == who) {
        Some((_, number)) => *number,
        None => panic!("{who:?} has no account"),
    }
}

const MODERATE: &str = "mutation($t: ID!, $l: Boolean!, $p: Boolean!) { moderateForumThread(input: {threadId: $t, locked: $l, pinned: $p}) { forumThread { id locked pinned } } }";
const POST: &str = "mutation($t: ID!, $b: String!) { addForumPost(input: {threadId: $t, body: $b}) { forumPost { id } } }";
const HIDE: &str = "mutation($p: ID!, $h: Boolean!) { setForumPostHidden(input: {postId: $p, hidden: $h}) { forumPost { id hidden } } }";

/// The 5А thread locked and pinned by its mathematics teacher, a moderator.
async fn lock_and_pin(app: &TestApp, w: &World) {
    let thread = id(Kind::ForumThread, w.thread_class_a);
    ask(
        app,
        w,
        TeacherOfA,
        MODERATE,
        json!({ "t": thread, "l": true, "p": true }),
    )
    .await
    .assert_ok();
}

/// A 5А thread the class teacher starts, as its global id.
async fn class_teachers_thread(app: &TestApp, w: &World) -> Value {
    let own = ask(
        app,
        w,
        ClassTeacherOfA,
        "mutation($i: CreateForumThreadInput!) { createForumThread(input: $i) { forumThread { id posts { nodes { id } } } } }",
        json!({ "i": { "classUnitId": id(Kind::ClassUnit, w.class_a), "title": "Дежурство", "body": "График в приложении." } }),
    )
    .await;
    own.assert_ok()["createForumThread"]["forumThread"]["id"].clone()
}

/// A post written into a thread, as its global id.
async fn posted(app: &TestApp, w: &World, who: Who, thread: &Value, body: &str) -> Value {
    let reply = ask(app, w, who, POST, json!({ "t": thread, "b": body })).await;
    reply.assert_ok()["addForumPost"]["forumPost"]["id"].clone()
}

const MEMBERS: [Who; 6] = [
    ParentOfA,
    StudentA,
    TeacherOfA,
    ClassTeacherOfA,
    AdminOfSchool,
    DepartmentAdmin,
];

#[tokio::test]
async fn the_forum_is_written_by_its_members_and_moderated_by_its_moderators() -> anyhow::Result<()>
{
    let (app, w) = world().await?;
    let class_a = id(Kind::ClassUnit, w.class_a);
    let thread = id(Kind::ForumThread, w.thread_class_a);
    let accounts = accounts(&app, &w).await;
    check_write(
        &app,
        &w,
        "createForumThread (5А, to the class teacher)",
        "mutation($i: CreateForumThreadInput!) { createForumThread(input: $i) { forumThread { id title scope addressedTo } } }",
        |_| json!({ "i": { "classUnitId": class_a, "addressedTo": "CLASS_TEACHER", "title": "Вопрос", "body": "Когда контрольная?" } }),
        &roles(&MEMBERS, &[]),
        TALK,
        |who| {
            let author = account(&accounts, who);
            Written::at("/createForumThread/forumThread/id")
                .answers("/createForumThread/forumThread/title", "Вопрос")
                .answers("/createForumThread/forumThread/scope", "CLASS")
                .answers("/createForumThread/forumThread/addressedTo", "CLASS_TEACHER")
                .row(
                    format!(
                        "SELECT COUNT(*) AS n FROM forum_threads WHERE id = $id \
                         AND school_id = {} AND class_unit_id = {} AND scope = 'class' \
                         AND addressed_to = 'class_teacher' AND title = 'Вопрос' \
                         AND author_account_id = {author}",
                        w.school1, w.class_a
                    ),
                    1,
                )
                .row(
                    format!(
                        "SELECT COUNT(*) AS n FROM forum_posts WHERE thread_id = $id \
                         AND body = 'Когда контрольная?' AND author_account_id = {author}"
                    ),
                    1,
                )
        },
    )
    .await;
    check_write(
        &app,
        &w,
        "addForumPost (5А thread)",
        "mutation($t: ID!) { addForumPost(input: {threadId: $t, body: \"Спасибо!\"}) { forumPost { id body hidden } } }",
        |_| json!({ "t": thread }),
        &roles(&MEMBERS, &[]),
        TALK,
        |who| {
            Written::at("/addForumPost/forumPost/id")
                .answers("/addForumPost/forumPost/body", "Спасибо!")
                .answers("/addForumPost/forumPost/hidden", false)
                .row(
                    format!(
                        "SELECT COUNT(*) AS n FROM forum_posts WHERE id = $id \
                         AND thread_id = {} AND body = 'Спасибо!' AND NOT hidden \
                         AND author_account_id = {}",
                        w.thread_class_a,
                        account(&accounts, who)
                    ),
                    1,
                )
        },
    )
    .await;
    // Each moderator leaves the thread otherwise than the one before: a success that changes
    // nothing cannot pass.
    let flags = |who: Who| match who {
        ClassTeacherOfA => (false, true),
        AdminOfSchool => (true, false),
        _ => (true, true),
    };
    check_write(
        &app,
        &w,
        "moderateForumThread (lock and pin the 5А thread)",
        MODERATE,
        |who| json!({ "t": thread, "l": flags(who).0, "p": flags(who).1 }),
        &roles(
            &[TeacherOfA, ClassTeacherOfA, AdminOfSchool, DepartmentAdmin],
            &[ParentOfA, StudentA],
        ),
        TALK,
        |who| {
            let (locked, pinned) = flags(who);
            Written::at("/moderateForumThread/forumThread/id")
                .answers("/moderateForumThread/forumThread/id", thread.as_str())
                .answers("/moderateForumThread/forumThread/locked", locked)
                .answers("/moderateForumThread/forumThread/pinned", pinned)
                .row(
                    format!(
                        "SELECT COUNT(*) AS n FROM forum_threads WHERE id = $id \
                         AND locked = {locked} AND pinned = {pinned}"
                    ),
                    1,
                )
        },
    )
    .await;
    Ok(())
}

#[tokio::test]
async fn a_locked_thread_takes_posts_from_its_moderators_only() -> anyhow::Result<()> {
    let (app, w) = world().await?;
    let thread = id(Kind::ForumThread, w.thread_class_a);
    lock_and_pin(&app, &w).await;

    // Locked: members may no longer post; moderators still may.
    let locked = ask(
        &app,
        &w,
        ParentOfA,
        POST,
        json!({ "t": thread, "b": "А можно?" }),
    )
    .await;
    assert_eq!(locked.error_codes(), vec!["CONFLICT"]);
    let moderator = ask(
        &app,
        &w,
        TeacherOfA,
        POST,
        json!({ "t": thread, "b": "Тема закрыта." }),
    )
    .await;
    moderator.assert_ok();
    Ok(())
}

#[tokio::test]
async fn an_author_hides_their_own_post_and_hidden_posts_stay_for_moderators_only()
-> anyhow::Result<()> {
    let (app, w) = world().await?;

    // Hiding: an author takes their own post down; others may not; hidden posts vanish for
    // members and stay for moderators.
    let own_thread = class_teachers_thread(&app, &w).await;
    let reply_id = posted(&app, &w, ParentOfA, &own_thread, "Лишнее сообщение").await;
    let by_other = ask(
        &app,
        &w,
        StudentA,
        HIDE,
        json!({ "p": reply_id, "h": true }),
    )
    .await;
    assert_eq!(by_other.error_codes(), vec!["FORBIDDEN"]);
    ask(
        &app,
        &w,
        ParentOfA,
        HIDE,
        json!({ "p": reply_id, "h": true }),
    )
    .await
    .assert_ok();
    let back = ask(
        &app,
        &w,
        ParentOfA,
        HIDE,
        json!({ "p": reply_id, "h": false }),
    )
    .await;
    assert_eq!(back.error_codes(), vec!["NOT_FOUND"]);
    let posts = "query($t: ID!) { forumThread(id: $t) { posts { nodes { id hidden } } } }";
    let seen = ask(&app, &w, StudentA, posts, json!({ "t": own_thread })).await;
    assert!(
        !ids_of(&seen.assert_ok()["forumThread"]["posts"]["nodes"])
            .contains(&reply_id.as_str().unwrap_or_default().to_owned())
    );
    let kept = ask(&app, &w, ClassTeacherOfA, posts, json!({ "t": own_thread })).await;
    assert!(
        ids_of(&kept.assert_ok()["forumThread"]["posts"]["nodes"])
            .contains(&reply_id.as_str().unwrap_or_default().to_owned())
    );
    ask(
        &app,
        &w,
        ClassTeacherOfA,
        HIDE,
        json!({ "p": reply_id, "h": false }),
    )
    .await
    .assert_ok();
    Ok(())
}

#[tokio::test]
async fn a_post_is_hidden_by_exactly_its_author_and_the_forums_moderators() -> anyhow::Result<()> {
    let (app, w) = world().await?;
    let own_thread = class_teachers_thread(&app, &w).await;

    // Hiding asked of every role: the author and the forum's moderators may, each on a post
    // of the parent's of their own (refusals aim at the parent's own post, visible then).
    let hiders = [
        ParentOfA,
        TeacherOfA,
        ClassTeacherOfA,
        AdminOfSchool,
        DepartmentAdmin,
    ];
    let mut to_hide = Vec::new();
    for who in hiders {
        let made = posted(
            &app,
            &w,
            ParentOfA,
            &own_thread,
            &format!("Сообщение для {who:?}"),
        )
        .await;
        to_hide.push((who, made));
    }
    check_write(
        &app,
        &w,
        "setForumPostHidden (a parent's post in 5А)",
        HIDE,
        |who| json!({ "p": aimed_at(&to_hide, who), "h": true }),
        &roles(&hiders, &[StudentA]),
        TALK,
        |who| {
            Written::at("/setForumPostHidden/forumPost/id")
                .answers("/setForumPostHidden/forumPost/id", aimed_at(&to_hide, who))
                .answers("/setForumPostHidden/forumPost/hidden", true)
                .row(
                    "SELECT COUNT(*) AS n FROM forum_posts WHERE id = $id AND hidden",
                    1,
                )
        },
    )
    .await;
    Ok(())
}

#[tokio::test]
async fn pinned_threads_lead_every_page_walk() -> anyhow::Result<()> {
    let (app, w) = world().await?;
    let class_a = id(Kind::ClassUnit, w.class_a);
    let thread = id(Kind::ForumThread, w.thread_class_a);
    lock_and_pin(&app, &w).await;
    let own_thread = class_teachers_thread(&app, &w).await;
    for title in ["Экскурсия", "Олимпиада"] {
        ask(
            &app,
            &w,
            ParentOfA,
            "mutation($i: CreateForumThreadInput!) { createForumThread(input: $i) { forumThread { id } } }",
            json!({ "i": { "classUnitId": class_a, "title": title, "body": "Кто идёт?" } }),
        )
        .await
        .assert_ok();
    }

    // Pinned threads come first on every page walk, however old their last post: page by page,
    // one thread a page, the pinned 5А thread leads and the newer, unpinned ones follow.
    let listing =
        "query($c: ID!, $a: String) { forumThreads(classUnitId: $c, first: 1, after: $a) {
        nodes { id pinned } pageInfo { endCursor hasNextPage } } }";
    let mut walked: Vec<(String, bool)> = Vec::new();
    let mut cursor = Value::Null;
    loop {
        let page = ask(
            &app,
            &w,
            ParentOfA,
            listing,
            json!({ "c": class_a, "a": cursor }),
        )
        .await;
        let page = page.assert_ok()["forumThreads"].clone();
        for node in page["nodes"].as_array().into_iter().flatten() {
            walked.push((
                node["id"].as_str().unwrap_or_default().to_owned(),
                node["pinned"] == true,
            ));
        }
        if page["pageInfo"]["hasNextPage"] != true || walked.len() > 20 {
            break;
        }
        cursor = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(walked.first(), Some(&(thread.clone(), true)), "{walked:?}");
    assert!(
        walked
            .iter()
            .any(|(id, _)| Some(id.as_str()) == own_thread.as_str()),
        "{walked:?}"
    );
    let mut unique: Vec<&String> = walked.iter().map(|(id, _)| id).collect();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        walked.len(),
        "a thread on two pages: {walked:?}"
    );
    assert!(
        walked.windows(2).all(|pair| pair[0].1 >= pair[1].1),
        "an unpinned thread before a pinned one: {walked:?}"
    );
    Ok(())
}

#[tokio::test]
async fn bad_forum_input_is_refused_with_a_field_and_writes_nothing() -> anyhow::Result<()> {
    let (app, w) = world().await?;
    let class_a = id(Kind::ClassUnit, w.class_a);

    // Bad input: a question to the class teacher outside a class, an empty title.
    let before = snapshot(&app, TALK).await;
    let create = "mutation($i: CreateForumThreadInput!) { createForumThread(input: $i) { forumThread { id } } }";
    for (input, field) in [
        (
            json!({ "schoolId": id(Kind::School, w.school1), "addressedTo": "CLASS_TEACHER", "title": "x", "body": "y" }),
            "addressedTo",
        ),
        (
            json!({ "classUnitId": class_a, "title": "", "body": "y" }),
            "title",
        ),
        (json!({ "title": "x", "body": "y" }), "schoolId"),
    ] {
        let response = ask(&app, &w, ParentOfA, create, json!({ "i": input })).await;
        assert_eq!(response.error_fields(), vec![field], "{}", response.body);
    }
    assert_eq!(snapshot(&app, TALK).await, before);
    Ok(())
}

fn contact_names(response: &dnevnik_tests::GraphqlResponse) -> Vec<(String, String)> {
    response.assert_ok()["viewer"]["addressBook"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or_default().to_owned(),
                c["role"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

const BOOK: &str =
    "{ viewer { addressBook(first: 100) { nodes { accountId name role details } } } }";

async fn account_of(app: &TestApp, w: &World, who: Who) -> String {
    let response = ask(app, w, who, "{ viewer { account { id } } }", json!({})).await;
    response.assert_ok()["viewer"]["account"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

const START: &str = "mutation($i: StartConversationInput!) { startConversation(input: $i) {
        conversation { id } message { id isMine } } }";
const INTRUDE: &str = "mutation($c: ID!) { sendMessage(input: {conversationId: $c, body: \"Я тоже\"}) { message { id body } } }";
const COUNTS: &str = "{ viewer { unreadMessageCount unreadNotificationCount } conversations(folder: INBOX) { nodes { id unreadCount } } }";

/// The parent writes to the mathematics teacher: answers what `startConversation` did.
async fn parent_writes_to_the_teacher(app: &TestApp, w: &World) -> Value {
    let ta = account_of(app, w, TeacherOfA).await;
    let started = ask(
        app,
        w,
        ParentOfA,
        START,
        json!({ "i": { "recipientIds": [ta], "subject": "Контрольная", "body": "Можно переписать?" } }),
    )
    .await;
    started.assert_ok()["startConversation"].clone()
}

#[tokio::test]
async fn the_address_book_holds_exactly_whom_one_may_write_to() -> anyhow::Result<()> {
    let (app, w) = world().await?;
    let pair = |name: &str, role: &str| (name.to_owned(), role.to_owned());

    // Who may write to whom.
    let parent = contact_names(&ask(&app, &w, ParentOfA, BOOK, json!({})).await);
    assert_eq!(
        parent,
        vec![
            pair("Классная Руководительница", "CLASS_TEACHER"),
            pair("Учитель Математики", "TEACHER"),
            pair("Директор Школы 1", "ADMINISTRATION"),
        ]
    );
    let student = contact_names(&ask(&app, &w, StudentA, BOOK, json!({})).await);
    assert_eq!(
        student,
        vec![
            pair("Классная Руководительница", "CLASS_TEACHER"),
            pair("Учитель Математики", "TEACHER"),
        ]
    );
    let other_parent = contact_names(&ask(&app, &w, ParentOfB, BOOK, json!({})).await);
    assert_eq!(
        other_parent,
        vec![
            pair("Учитель Другого Класса", "TEACHER"),
            pair("Директор Школы 1", "ADMINISTRATION"),
        ]
    );
    let teacher = contact_names(&ask(&app, &w, TeacherOfA, BOOK, json!({})).await);
    for expected in [
        pair("Директор Школы 1", "ADMINISTRATION"),
        pair("Классная Руководительница", "STAFF"),
        pair("Учитель Другого Класса", "STAFF"),
        pair("Ученица А1", "STUDENT"),
        pair("Родитель А", "PARENT"),
    ] {
        assert!(
            teacher.contains(&expected),
            "{expected:?} not in {teacher:?}"
        );
    }
    // Families of classes the teacher does not teach are not in the book.
    assert!(
        !teacher.contains(&pair("Родитель Б", "PARENT")),
        "{teacher:?}"
    );
    assert!(
        !teacher
            .iter()
            .any(|(name, _)| name == "Администратор Школы 2")
    );
    let department = contact_names(&ask(&app, &w, DepartmentAdmin, BOOK, json!({})).await);
    assert!(department.is_empty());
    let searched = ask(
        &app,
        &w,
        TeacherOfA,
        "{ viewer { addressBook(search: \"родитель\") { nodes { name } } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        searched.assert_ok()["viewer"]["addressBook"]["nodes"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "the search finds the one parent of the teacher's class"
    );
    Ok(())
}

#[tokio::test]
async fn a_message_outside_the_address_book_or_without_text_is_refused_and_writes_nothing()
-> anyhow::Result<()> {
    let (app, w) = world().await?;

    // A parent cannot write to a teacher outside their children's classes, nor a student to
    // the director; nothing is written.
    let ta = account_of(&app, &w, TeacherOfA).await;
    let to = account_of(&app, &w, TeacherOfOther).await;
    let director = account_of(&app, &w, AdminOfSchool).await;
    let before = snapshot(&app, TALK).await;
    for (who, recipients, subject, body, field) in [
        (
            ParentOfA,
            vec![to.clone()],
            "Вопрос",
            "Здравствуйте",
            "recipientIds",
        ),
        (
            ParentOfA,
            vec![ta.clone(), to.clone()],
            "Вопрос",
            "Здравствуйте",
            "recipientIds",
        ),
        (
            StudentA,
            vec![director.clone()],
            "Вопрос",
            "Здравствуйте",
            "recipientIds",
        ),
        (ParentOfA, vec![], "Вопрос", "Здравствуйте", "recipientIds"),
        (ParentOfA, vec![ta.clone()], " ", "Здравствуйте", "subject"),
        (ParentOfA, vec![ta.clone()], "Вопрос", "", "body"),
    ] {
        let response = ask(
            &app,
            &w,
            who,
            START,
            json!({ "i": { "recipientIds": recipients, "subject": subject, "body": body } }),
        )
        .await;
        assert_eq!(
            response.error_fields(),
            vec![field],
            "{who:?}: {}",
            response.body
        );
    }
    assert_eq!(snapshot(&app, TALK).await, before);
    Ok(())
}

#[tokio::test]
async fn a_message_reaches_its_recipient_unread_and_outsiders_cannot_join_in() -> anyhow::Result<()>
{
    let (app, w) = world().await?;

    // The parent writes to the mathematics teacher.
    let started = parent_writes_to_the_teacher(&app, &w).await;
    assert_eq!(started["message"]["isMine"], true);
    let conversation = started["conversation"]["id"].clone();
    let teacher_view = ask(&app, &w, TeacherOfA, COUNTS, json!({})).await;
    let teacher_view = teacher_view.assert_ok().clone();
    assert_eq!(teacher_view["viewer"]["unreadMessageCount"], 1);
    assert_eq!(teacher_view["viewer"]["unreadNotificationCount"], 1);
    assert_eq!(
        teacher_view["conversations"]["nodes"],
        json!([{ "id": conversation, "unreadCount": 1 }])
    );
    let sent = ask(
        &app,
        &w,
        ParentOfA,
        "{ conversations(folder: SENT) { nodes { id unreadCount } } }",
        json!({}),
    )
    .await;
    assert!(
        sent.assert_ok()["conversations"]["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["id"] == conversation && c["unreadCount"] == 0)
    );

    // Outsiders neither read nor write there.
    for who in [ParentOfB, ClassTeacherOfA, AdminOfSchool, DepartmentAdmin] {
        let response = ask(&app, &w, who, INTRUDE, json!({ "c": conversation })).await;
        assert_eq!(response.error_codes(), vec!["NOT_FOUND"], "{who:?}");
    }
    Ok(())
}

#[tokio::test]
async fn reading_a_conversation_clears_the_unread_counts_and_shows_a_receipt() -> anyhow::Result<()>
{
    let (app, w) = world().await?;
    let started = parent_writes_to_the_teacher(&app, &w).await;
    let conversation = started["conversation"]["id"].clone();

    // Reading: the teacher's counts drop to zero, and the parent's message shows it was read.
    let read = ask(
        &app,
        &w,
        TeacherOfA,
        "mutation($c: ID!) { markConversationRead(input: {conversationId: $c}) { conversation { unreadCount } } }",
        json!({ "c": conversation }),
    )
    .await;
    assert_eq!(
        read.assert_ok()["markConversationRead"]["conversation"]["unreadCount"],
        0
    );
    let teacher_view = ask(&app, &w, TeacherOfA, COUNTS, json!({})).await;
    assert_eq!(teacher_view.assert_ok()["viewer"]["unreadMessageCount"], 0);
    assert_eq!(
        teacher_view.assert_ok()["viewer"]["unreadNotificationCount"],
        0
    );
    let receipts = ask(
        &app,
        &w,
        ParentOfA,
        "query($c: ID!) { node(id: $c) { ... on Conversation { messages { nodes { body isMine readBy { displayName } } } } } }",
        json!({ "c": conversation }),
    )
    .await;
    assert_eq!(
        receipts.assert_ok()["node"]["messages"]["nodes"][0]["readBy"],
        json!([{ "displayName": "Учитель Математики" }])
    );

    // The teacher answers: the parent has one unread message, until they read it.
    ask(
        &app,
        &w,
        TeacherOfA,
        "mutation($c: ID!) { sendMessage(input: {conversationId: $c, body: \"Да, в четверг.\"}) { message { id } } }",
        json!({ "c": conversation }),
    )
    .await
    .assert_ok();
    let parent_counts = "{ viewer { unreadMessageCount } }";
    let unread = ask(&app, &w, ParentOfA, parent_counts, json!({})).await;
    assert_eq!(unread.assert_ok()["viewer"]["unreadMessageCount"], 1);
    ask(
        &app,
        &w,
        ParentOfA,
        "mutation($c: ID!) { markConversationRead(input: {conversationId: $c}) { conversation { id } } }",
        json!({ "c": conversation }),
    )
    .await
    .assert_ok();
    let unread = ask(&app, &w, ParentOfA, parent_counts, json!({})).await;
    assert_eq!(unread.assert_ok()["viewer"]["unreadMessageCount"], 0);
    let audited = scalar(
        &app,
        "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'message.sent'",
    )
    .await;
    assert_eq!(audited, 2);
    Ok(())
}

#[tokio::test]
async fn only_a_conversations_participants_write_into_it_and_read_it() -> anyhow::Result<()> {
    let (app, w) = world().await?;
    let started = parent_writes_to_the_teacher(&app, &w).await;
    let conversation = started["conversation"]["id"].clone();
    let accounts = accounts(&app, &w).await;
    let number = number_in(conversation.as_str().unwrap_or_default());

    // Writing into and reading a conversation, asked of every role: only its participants.
    let participants = [ParentOfA, TeacherOfA];
    check_write(
        &app,
        &w,
        "sendMessage (the parent's conversation with the teacher)",
        INTRUDE,
        |_| json!({ "c": conversation }),
        &roles(&participants, &[]),
        TALK,
        |who| {
            Written::at("/sendMessage/message/id")
                .answers("/sendMessage/message/body", "Я тоже")
                .row(
                    format!(
                        "SELECT COUNT(*) AS n FROM messages WHERE id = $id \
                         AND conversation_id = {number} AND body = 'Я тоже' \
                         AND sender_account_id = {}",
                        account(&accounts, who)
                    ),
                    1,
                )
        },
    )
    .await;
    // Each participant has a message of the other's unread by then.
    check_write(
        &app,
        &w,
        "markConversationRead (the parent's conversation with the teacher)",
        "mutation($c: ID!) { markConversationRead(input: {conversationId: $c}) { conversation { id unreadCount } } }",
        |_| json!({ "c": conversation }),
        &roles(&participants, &[]),
        &[
            "SELECT COUNT(*) AS n FROM conversation_participants WHERE last_read_at IS NOT NULL",
            "SELECT COUNT(*) AS n FROM notifications WHERE read_at IS NOT NULL",
        ],
        |who| {
            let reader = account(&accounts, who);
            Written::at("/markConversationRead/conversation/id")
                .answers("/markConversationRead/conversation/id", conversation.clone())
                .answers("/markConversationRead/conversation/unreadCount", 0)
                .row(
                    format!(
                        "SELECT COUNT(*) AS n FROM conversation_participants \
                         WHERE conversation_id = $id AND account_id = {reader} \
                         AND last_read_at IS NOT NULL"
                    ),
                    1,
                )
                .row(
                    format!(
                        "SELECT COUNT(*) AS n FROM notifications WHERE account_id = {reader} \
                         AND object_type = 'message' AND read_at IS NULL AND object_id IN \
                         (SELECT id FROM messages WHERE conversation_id = $id)"
                    ),
                    0,
                )
        },
    )
    .await;
    Ok(())
}

#[tokio::test]
async fn a_teacher_writes_to_the_families_of_their_own_classes_and_the_administration_to_all()
-> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await?;
    let families = |who: Who| {
        let app = &app;
        let w = &w;
        async move {
            let book = contact_names(&ask(app, w, who, BOOK, json!({})).await);
            let mut names: Vec<String> = book
                .into_iter()
                .filter(|(_, role)| role == "PARENT" || role == "STUDENT")
                .map(|(name, _)| name)
                .collect();
            names.sort();
            names
        }
    };
    // 5А: student A1 signs in herself; parent A. 6Б: parent B.
    let class_a = vec!["Родитель А".to_owned(), "Ученица А1".to_owned()];
    assert_eq!(families(TeacherOfA).await, class_a);
    assert_eq!(families(ClassTeacherOfA).await, class_a);
    assert_eq!(
        families(TeacherOfOther).await,
        vec!["Родитель Б".to_owned()]
    );
    assert_eq!(
        families(AdminOfSchool).await,
        vec![
            "Родитель А".to_owned(),
            "Родитель Б".to_owned(),
            "Ученица А1".to_owned()
        ]
    );
    // Writing to a family outside one's classes is refused like any stranger.
    let parent_b = account_of(&app, &w, ParentOfB).await;
    let start = "mutation($i: StartConversationInput!) { startConversation(input: $i) { conversation { id } } }";
    let refused = ask(
        &app,
        &w,
        TeacherOfA,
        start,
        json!({ "i": { "recipientIds": [parent_b], "subject": "Вопрос", "body": "Здравствуйте" } }),
    )
    .await;
    assert_eq!(
        refused.error_fields(),
        vec!["recipientIds"],
        "{}",
        refused.body
    );
    Ok(())
}
