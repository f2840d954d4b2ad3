//! Communication writes through the API: news and events in their scopes, the forum with its
//! moderation, and messages within the address book — each asked of every role of the matrix
//! (docs/AUTHZ.md), with what the others then see.

use dnevnik_server::graphql::ids::{Kind, encode};
use dnevnik_tests::TestApp;
use dnevnik_tests::matrix::{Outcome, ask, check_write, scalar, snapshot};
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

#[tokio::test]
async fn news_and_events_are_published_by_exactly_the_scopes_publishers() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await?;
    let class_a = id(Kind::ClassUnit, w.class_a);
    let school1 = id(Kind::School, w.school1);
    let publish =
        "mutation($i: PublishNewsInput!) { publishNews(input: $i) { newsItem { id scope } } }";

    // Class news: the class teacher and the school's administration (the department too).
    check_write(
        &app,
        &w,
        "publishNews (class 5А)",
        publish,
        |_| json!({ "i": { "classUnitId": class_a, "kind": "ORGANISATION", "title": "Экскурсия", "body": "В пятницу едем в музей." } }),
        &roles(
            &[ClassTeacherOfA, AdminOfSchool, DepartmentAdmin],
            &[ParentOfA, StudentA, TeacherOfA],
        ),
        TALK,
    )
    .await;
    // School news: the school's administration; every member of the school sees the scope.
    check_write(
        &app,
        &w,
        "publishNews (school 1)",
        publish,
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
    )
    .await;
    // City news: the department only; everyone signed in sees the city.
    check_write(
        &app,
        &w,
        "publishNews (city)",
        publish,
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
    )
    .await;

    // The class teacher's own class news: shown in the class's feed, told to its families only.
    let published = ask(
        &app,
        &w,
        ClassTeacherOfA,
        publish,
        json!({ "i": { "classUnitId": class_a, "kind": "ORGANISATION", "title": "Родительское собрание", "body": "В четверг в 18:00." } }),
    )
    .await;
    let item = published.assert_ok()["publishNews"]["newsItem"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let feed = ask(
        &app,
        &w,
        ParentOfA,
        "{ news(first: 100) { nodes { id } } }",
        json!({}),
    )
    .await;
    assert!(ids_of(&feed.assert_ok()["news"]["nodes"]).contains(&item));
    let other_feed = ask(
        &app,
        &w,
        ParentOfB,
        "{ news(first: 100) { nodes { id } } }",
        json!({}),
    )
    .await;
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

    // Editing and withdrawing: the author, or the administration above the scope.
    let edit = "mutation($i: EditNewsInput!) { editNews(input: $i) { newsItem { title } } }";
    check_write(
        &app,
        &w,
        "editNews (the class teacher's class news)",
        edit,
        |_| json!({ "i": { "newsItemId": item, "title": "Собрание переносится" } }),
        &roles(
            &[ClassTeacherOfA, AdminOfSchool, DepartmentAdmin],
            &[ParentOfA, StudentA, TeacherOfA],
        ),
        TALK,
    )
    .await;
    let admins_item = ask(
        &app,
        &w,
        AdminOfSchool,
        publish,
        json!({ "i": { "classUnitId": class_a, "kind": "ADMINISTRATIVE", "title": "Приказ", "body": "О дежурстве." } }),
    )
    .await;
    let admins_item = admins_item.assert_ok()["publishNews"]["newsItem"]["id"].clone();
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
    let feed = ask(
        &app,
        &w,
        ParentOfA,
        "{ news(first: 100) { nodes { id } } }",
        json!({}),
    )
    .await;
    assert!(!ids_of(&feed.assert_ok()["news"]["nodes"]).contains(&item));

    // Withdrawing asked of every role: each who may withdraws a class news item of their own
    // (refusals, asked first, all aim at the class teacher's, still published then).
    let mayors = [ClassTeacherOfA, AdminOfSchool, DepartmentAdmin];
    let mut to_withdraw = Vec::new();
    for who in mayors {
        let made = ask(
            &app,
            &w,
            ClassTeacherOfA,
            publish,
            json!({ "i": { "classUnitId": class_a, "kind": "ORGANISATION", "title": format!("Новость для {who:?}"), "body": "Текст." } }),
        )
        .await;
        to_withdraw.push((
            who,
            made.assert_ok()["publishNews"]["newsItem"]["id"].clone(),
        ));
    }
    let aimed_at = |all: &[(Who, Value)], who: Who| {
        all.iter()
            .find(|(w, _)| *w == who)
            .or_else(|| all.first())
            .map(|(_, id)| id.clone())
            .unwrap_or_default()
    };
    check_write(
        &app,
        &w,
        "withdrawNews (class news)",
        "mutation($i: WithdrawNewsInput!) { withdrawNews(input: $i) { newsItemId } }",
        |who| json!({ "i": { "newsItemId": aimed_at(&to_withdraw, who) } }),
        &roles(&mayors, &[ParentOfA, StudentA, TeacherOfA]),
        TALK,
    )
    .await;

    // A parent meeting of 5А: planned by the class teacher, seen by the class's families.
    let starts = (chrono::Utc::now() + chrono::Duration::days(3))
        .format("%Y-%m-%dT18:00:00Z")
        .to_string();
    check_write(
        &app,
        &w,
        "planEvent (5А parent meeting)",
        "mutation($i: PlanEventInput!) { planEvent(input: $i) { event { id } } }",
        |_| json!({ "i": { "classUnitId": class_a, "kind": "PARENT_MEETING", "title": "Собрание", "place": "каб. 21", "startsAt": starts } }),
        &roles(
            &[ClassTeacherOfA, AdminOfSchool, DepartmentAdmin],
            &[ParentOfA, StudentA, TeacherOfA],
        ),
        TALK,
    )
    .await;
    // Changing and cancelling asked of every role, on events the class teacher planned.
    let plan = "mutation($i: PlanEventInput!) { planEvent(input: $i) { event { id } } }";
    let mut to_cancel = Vec::new();
    for who in mayors {
        let made = ask(
            &app,
            &w,
            ClassTeacherOfA,
            plan,
            json!({ "i": { "classUnitId": class_a, "kind": "SCHOOL_EVENT", "title": format!("Событие для {who:?}"), "startsAt": starts } }),
        )
        .await;
        to_cancel.push((who, made.assert_ok()["planEvent"]["event"]["id"].clone()));
    }
    check_write(
        &app,
        &w,
        "changeEvent (5А event)",
        "mutation($i: ChangeEventInput!) { changeEvent(input: $i) { event { title } } }",
        |who| json!({ "i": { "eventId": aimed_at(&to_cancel, who), "kind": "SCHOOL_EVENT", "title": format!("Изменено: {who:?}"), "startsAt": starts } }),
        &roles(&mayors, &[ParentOfA, StudentA, TeacherOfA]),
        &[TALK, &["SELECT COALESCE(SUM(LENGTH(title)), 0) AS n FROM events"]].concat(),
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
    )
    .await;

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
        let response = ask(&app, &w, ClassTeacherOfA, publish, json!({ "i": input })).await;
        assert_eq!(response.error_fields(), vec![field], "{}", response.body);
    }
    // Another school's administrator pairing 5А with their own school learns nothing about
    // 5А: the same `NOT_FOUND` as for a class that does not exist.
    let school2 = id(Kind::School, w.school2);
    let no_class = id(Kind::ClassUnit, 999_999);
    for class in [&class_a, &no_class] {
        for (query, input) in [
            (
                publish,
                json!({ "classUnitId": class, "schoolId": school2, "kind": "ORGANISATION", "title": "x", "body": "y" }),
            ),
            (
                "mutation($i: PlanEventInput!) { planEvent(input: $i) { event { id } } }",
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
        publish,
        json!({ "i": { "classUnitId": class_a, "schoolId": school2, "kind": "ORGANISATION", "title": "x", "body": "y" } }),
    )
    .await;
    assert_eq!(mismatch.error_fields(), vec!["schoolId"]);
    let ends_first = ask(
        &app,
        &w,
        ClassTeacherOfA,
        "mutation($i: PlanEventInput!) { planEvent(input: $i) { event { id } } }",
        json!({ "i": { "classUnitId": class_a, "kind": "PARENT_MEETING", "title": "Собрание", "startsAt": starts, "endsAt": "2026-01-01T00:00:00Z" } }),
    )
    .await;
    assert_eq!(ends_first.error_fields(), vec!["endsAt"]);
    assert_eq!(snapshot(&app, TALK).await, before);
    Ok(())
}

#[tokio::test]
async fn the_forum_belongs_to_its_members_and_is_kept_by_its_moderators() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await?;
    let class_a = id(Kind::ClassUnit, w.class_a);
    let thread = id(Kind::ForumThread, w.thread_class_a);
    let members = [
        ParentOfA,
        StudentA,
        TeacherOfA,
        ClassTeacherOfA,
        AdminOfSchool,
        DepartmentAdmin,
    ];
    check_write(
        &app,
        &w,
        "createForumThread (5А, to the class teacher)",
        "mutation($i: CreateForumThreadInput!) { createForumThread(input: $i) { forumThread { id } } }",
        |_| json!({ "i": { "classUnitId": class_a, "addressedTo": "CLASS_TEACHER", "title": "Вопрос", "body": "Когда контрольная?" } }),
        &roles(&members, &[]),
        TALK,
    )
    .await;
    check_write(
        &app,
        &w,
        "addForumPost (5А thread)",
        "mutation($t: ID!) { addForumPost(input: {threadId: $t, body: \"Спасибо!\"}) { forumPost { id } } }",
        |_| json!({ "t": thread }),
        &roles(&members, &[]),
        TALK,
    )
    .await;
    check_write(
        &app,
        &w,
        "moderateForumThread (lock the 5А thread)",
        "mutation($t: ID!) { moderateForumThread(input: {threadId: $t, locked: true, pinned: true}) { forumThread { locked pinned } } }",
        |_| json!({ "t": thread }),
        &roles(
            &[TeacherOfA, ClassTeacherOfA, AdminOfSchool, DepartmentAdmin],
            &[ParentOfA, StudentA],
        ),
        TALK,
    )
    .await;
    // Locked: members may no longer post; moderators still may.
    let post = "mutation($t: ID!, $b: String!) { addForumPost(input: {threadId: $t, body: $b}) { forumPost { id } } }";
    let locked = ask(
        &app,
        &w,
        ParentOfA,
        post,
        json!({ "t": thread, "b": "А можно?" }),
    )
    .await;
    assert_eq!(locked.error_codes(), vec!["CONFLICT"]);
    let moderator = ask(
        &app,
        &w,
        TeacherOfA,
        post,
        json!({ "t": thread, "b": "Тема закрыта." }),
    )
    .await;
    moderator.assert_ok();

    // Hiding: an author takes their own post down; others may not; hidden posts vanish for
    // members and stay for moderators.
    let own = ask(
        &app,
        &w,
        ClassTeacherOfA,
        "mutation($i: CreateForumThreadInput!) { createForumThread(input: $i) { forumThread { id posts { nodes { id } } } } }",
        json!({ "i": { "classUnitId": class_a, "title": "Дежурство", "body": "График в приложении." } }),
    )
    .await;
    let own_thread = own.assert_ok()["createForumThread"]["forumThread"]["id"].clone();
    let reply = ask(
        &app,
        &w,
        ParentOfA,
        post,
        json!({ "t": own_thread, "b": "Лишнее сообщение" }),
    )
    .await;
    let reply_id = reply.assert_ok()["addForumPost"]["forumPost"]["id"].clone();
    let hide = "mutation($p: ID!, $h: Boolean!) { setForumPostHidden(input: {postId: $p, hidden: $h}) { forumPost { hidden } } }";
    let by_other = ask(
        &app,
        &w,
        StudentA,
        hide,
        json!({ "p": reply_id, "h": true }),
    )
    .await;
    assert_eq!(by_other.error_codes(), vec!["FORBIDDEN"]);
    ask(
        &app,
        &w,
        ParentOfA,
        hide,
        json!({ "p": reply_id, "h": true }),
    )
    .await
    .assert_ok();
    let back = ask(
        &app,
        &w,
        ParentOfA,
        hide,
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
        hide,
        json!({ "p": reply_id, "h": false }),
    )
    .await
    .assert_ok();

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
        let made = ask(
            &app,
            &w,
            ParentOfA,
            post,
            json!({ "t": own_thread, "b": format!("Сообщение для {who:?}") }),
        )
        .await;
        to_hide.push((
            who,
            made.assert_ok()["addForumPost"]["forumPost"]["id"].clone(),
        ));
    }
    let aimed_at = |who: Who| {
        to_hide
            .iter()
            .find(|(w, _)| *w == who)
            .or_else(|| to_hide.first())
            .map(|(_, id)| id.clone())
            .unwrap_or_default()
    };
    check_write(
        &app,
        &w,
        "setForumPostHidden (a parent's post in 5А)",
        hide,
        |who| json!({ "p": aimed_at(who), "h": true }),
        &roles(&hiders, &[StudentA]),
        TALK,
    )
    .await;

    // Pinned threads come first on every page walk, however old their last post: page by page,
    // one thread a page, the pinned 5А thread leads and the newer, unpinned one follows.
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

#[tokio::test]
async fn messages_go_only_to_the_address_book_and_unread_counts_follow_reading()
-> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await?;
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

    // A parent cannot write to a teacher outside their children's classes, nor a student to
    // the director; nothing is written.
    let ta = account_of(&app, &w, TeacherOfA).await;
    let to = account_of(&app, &w, TeacherOfOther).await;
    let director = account_of(&app, &w, AdminOfSchool).await;
    let start = "mutation($i: StartConversationInput!) { startConversation(input: $i) {
        conversation { id } message { id isMine } } }";
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
            start,
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

    // The parent writes to the mathematics teacher.
    let started = ask(
        &app,
        &w,
        ParentOfA,
        start,
        json!({ "i": { "recipientIds": [ta], "subject": "Контрольная", "body": "Можно переписать?" } }),
    )
    .await;
    let started = started.assert_ok()["startConversation"].clone();
    assert_eq!(started["message"]["isMine"], true);
    let conversation = started["conversation"]["id"].clone();
    let counts = "{ viewer { unreadMessageCount unreadNotificationCount } conversations(folder: INBOX) { nodes { id unreadCount } } }";
    let teacher_view = ask(&app, &w, TeacherOfA, counts, json!({})).await;
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
    let intrude = "mutation($c: ID!) { sendMessage(input: {conversationId: $c, body: \"Я тоже\"}) { message { id } } }";
    for who in [ParentOfB, ClassTeacherOfA, AdminOfSchool, DepartmentAdmin] {
        let response = ask(&app, &w, who, intrude, json!({ "c": conversation })).await;
        assert_eq!(response.error_codes(), vec!["NOT_FOUND"], "{who:?}");
    }

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
    let teacher_view = ask(&app, &w, TeacherOfA, counts, json!({})).await;
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

    // Writing into and reading a conversation, asked of every role: only its participants.
    let participants = [ParentOfA, TeacherOfA];
    check_write(
        &app,
        &w,
        "sendMessage (the parent's conversation with the teacher)",
        intrude,
        |_| json!({ "c": conversation }),
        &roles(&participants, &[]),
        TALK,
    )
    .await;
    check_write(
        &app,
        &w,
        "markConversationRead (the parent's conversation with the teacher)",
        "mutation($c: ID!) { markConversationRead(input: {conversationId: $c}) { conversation { id } } }",
        |_| json!({ "c": conversation }),
        &roles(&participants, &[]),
        &[
            "SELECT COUNT(*) AS n FROM conversation_participants WHERE last_read_at IS NOT NULL",
            "SELECT COUNT(*) AS n FROM notifications WHERE read_at IS NOT NULL",
        ],
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
