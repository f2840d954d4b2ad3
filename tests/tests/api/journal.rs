//! The teachers' journal through the API: every write asked by every role of the matrix
//! (docs/AUTHZ.md, "Writes"), what the family then sees in the diary, the history of a changed
//! mark, notifications, and every validation rule refusing bad input with a field error while
//! writing nothing. A write a role may make must store what it asked, signed with that role's
//! staff post: succeeding is not enough.

use chrono::{Days, NaiveDate};
use dnevnik_server::graphql::ids::{Kind, encode};
use dnevnik_tests::TestApp;
use dnevnik_tests::matrix::{self, Outcome, Written, ask, scalar, snapshot};
use dnevnik_tests::world::{Who, World, day};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use Outcome::*;
use Who::*;

fn id(kind: Kind, n: i64) -> String {
    encode(kind, n).0
}

/// Everything a journal write can change.
const JOURNAL: &[&str] = &[
    "SELECT COUNT(*) AS n FROM marks WHERE deleted_at IS NULL",
    "SELECT COALESCE(SUM(value * 100 + weight), 0) AS n FROM marks WHERE deleted_at IS NULL",
    "SELECT COUNT(*) AS n FROM mark_revisions",
    "SELECT COUNT(*) AS n FROM attendance_records",
    "SELECT COALESCE(SUM(LENGTH(COALESCE(topic, ''))), 0) AS n FROM lessons",
    "SELECT COUNT(*) AS n FROM lessons WHERE replacement_staff_id IS NOT NULL OR status <> 'held'",
    "SELECT COUNT(*) AS n FROM homework",
    "SELECT COALESCE(SUM(LENGTH(text)), 0) AS n FROM homework",
    "SELECT COUNT(*) AS n FROM remarks",
    "SELECT COUNT(*) AS n FROM final_marks",
    "SELECT COUNT(*) AS n FROM final_marks WHERE value = '5'",
    "SELECT COUNT(*) AS n FROM notifications",
    "SELECT COUNT(*) AS n FROM audit_events",
];

async fn journal_state(app: &TestApp) -> Vec<i64> {
    snapshot(app, JOURNAL).await
}

/// Asks a journal write of every role; `written` says what each success stores.
async fn check_write(
    app: &TestApp,
    w: &World,
    name: &str,
    query: &str,
    vars: impl Fn(Who) -> Value,
    expect: &[(Who, Outcome)],
    written: impl Fn(Who) -> Written,
) {
    matrix::check_write(app, w, name, query, vars, expect, JOURNAL, written).await;
}

/// The usual answer of a write at A1's mathematics: the subject's teacher and the director
/// write; the family and the class teacher (who teaches Russian) see but may not; the rest do
/// not see; the department reads every school but writes no school's journal.
fn maths_writers() -> Vec<(Who, Outcome)> {
    vec![
        (Anonymous, Refused("UNAUTHENTICATED")),
        (ParentOfA, Refused("FORBIDDEN")),
        (ParentOfB, Refused("NOT_FOUND")),
        (StudentA, Refused("FORBIDDEN")),
        (TeacherOfA, Done),
        (TeacherOfOther, Refused("NOT_FOUND")),
        (ClassTeacherOfA, Refused("FORBIDDEN")),
        (AdminOfSchool, Done),
        (AdminOfOtherSchool, Refused("NOT_FOUND")),
        (DepartmentAdmin, Refused("FORBIDDEN")),
    ]
}

/// The director writes another value than the teacher before them, so that a success that
/// stores nothing cannot pass for the teacher's write.
fn by_role<T>(who: Who, director: T, others: T) -> T {
    if who == AdminOfSchool {
        director
    } else {
        others
    }
}

/// The staff post a role's journal writes are signed with.
fn staff_of(w: &World, who: Who) -> i64 {
    match who {
        TeacherOfA => w.staff_ta,
        TeacherOfOther => w.staff_to,
        ClassTeacherOfA => w.staff_ct,
        AdminOfSchool => w.staff_director,
        _ => panic!("{who:?} holds no staff post"),
    }
}

/// Inserts a mark for A1 in mathematics at the world's lesson, as a fixture to change or
/// delete.
async fn fixture_mark(app: &TestApp, w: &World) -> i64 {
    app.db
        .execute_unprepared(&format!(
            "INSERT INTO marks (school_id, student_id, subject_id, lesson_id, study_period_id, \
             staff_member_id, date, value, weight, is_exam, created_at, updated_at) VALUES \
             ({}, {}, {}, {}, {}, {}, '2026-11-16', 4, 1, false, '2026-11-16T09:00:00Z', \
             '2026-11-16T09:00:00Z')",
            w.school1, w.student_a1, w.math, w.lesson_math_a, w.quarter1, w.staff_ta
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    scalar(app, "SELECT MAX(id) AS n FROM marks").await
}

async fn fixture_homework(app: &TestApp, w: &World) -> i64 {
    app.db
        .execute_unprepared(&format!(
            "INSERT INTO homework (school_id, class_unit_id, subject_id, staff_member_id, \
             lesson_id, given_on, due_on, text, created_at, updated_at) VALUES \
             ({}, {}, {}, {}, {}, '2026-11-16', '2026-11-18', 'Упр. 5', \
             '2026-11-16T09:00:00Z', '2026-11-16T09:00:00Z')",
            w.school1, w.class_a, w.math, w.staff_ta, w.lesson_math_a
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    scalar(app, "SELECT MAX(id) AS n FROM homework").await
}

/// One fixture per role (for deletions, where each role that may needs one of its own), as
/// global ids.
async fn one_each(
    app: &TestApp,
    w: &World,
    kind: Kind,
    make: impl AsyncFn(&TestApp, &World) -> i64,
) -> Vec<(Who, String)> {
    let mut made = Vec::new();
    for who in Who::ALL {
        made.push((who, id(kind, make(app, w).await)));
    }
    made
}

/// The fixture `one_each` made for a role.
fn own(made: &[(Who, String)], who: Who) -> String {
    match made.iter().find(|(w, _)| *w == who) {
        Some((_, id)) => id.clone(),
        None => panic!("no fixture for {who:?}"),
    }
}

/// An app over the world of the matrix.
async fn world() -> anyhow::Result<(TestApp, World)> {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await?;
    Ok((app, w))
}

#[tokio::test]
async fn marks_are_recorded_changed_and_withdrawn_by_exactly_the_roles_the_policy_names()
-> anyhow::Result<()> {
    let (app, w) = world().await?;
    let a1 = id(Kind::Student, w.student_a1);
    let math = id(Kind::Subject, w.math);
    let lesson = id(Kind::Lesson, w.lesson_math_a);

    check_write(
        &app,
        &w,
        "recordMark at a lesson",
        "mutation($s: ID!, $l: ID!) { recordMark(input: {studentId: $s, lessonId: $l, value: 4}) { mark { id value weight } } }",
        |_| json!({ "s": a1, "l": lesson }),
        &maths_writers(),
        |who| {
            Written::at("/recordMark/mark/id")
                .answers("/recordMark/mark/value", 4)
                .answers("/recordMark/mark/weight", 1)
                .row(
                    format!(
                        "SELECT COUNT(*) AS n FROM marks WHERE id = $id AND student_id = {} \
                         AND lesson_id = {} AND subject_id = {} AND value = 4 AND weight = 1 \
                         AND staff_member_id = {} AND deleted_at IS NULL",
                        w.student_a1,
                        w.lesson_math_a,
                        w.math,
                        staff_of(&w, who)
                    ),
                    1,
                )
        },
    )
    .await;
    check_write(
        &app,
        &w,
        "recordMark for a subject on a day",
        "mutation($s: ID!, $sub: ID!) { recordMark(input: {studentId: $s, subjectId: $sub, date: \"2026-11-20\", value: 5, weight: 2}) { mark { id value weight date } } }",
        |_| json!({ "s": a1, "sub": math }),
        &maths_writers(),
        |who| {
            Written::at("/recordMark/mark/id")
                .answers("/recordMark/mark/value", 5)
                .answers("/recordMark/mark/weight", 2)
                .answers("/recordMark/mark/date", "2026-11-20")
                .row(
                    format!(
                        "SELECT COUNT(*) AS n FROM marks WHERE id = $id AND student_id = {} \
                         AND subject_id = {} AND date = '2026-11-20' AND value = 5 \
                         AND weight = 2 AND staff_member_id = {} AND deleted_at IS NULL",
                        w.student_a1,
                        w.math,
                        staff_of(&w, who)
                    ),
                    1,
                )
        },
    )
    .await;
    let mark = id(Kind::Mark, w.mark_math_a1);
    check_write(
        &app,
        &w,
        "changeMark",
        "mutation($m: ID!, $v: Int!) { changeMark(input: {markId: $m, value: $v}) { mark { id value } } }",
        |who| json!({ "m": mark, "v": by_role(who, 2, 3) }),
        &maths_writers(),
        |who| {
            let value = by_role(who, 2, 3);
            Written::at("/changeMark/mark/id")
                .answers("/changeMark/mark/id", mark.as_str())
                .answers("/changeMark/mark/value", value)
                .row(
                    format!("SELECT COUNT(*) AS n FROM marks WHERE id = $id AND value = {value}"),
                    1,
                )
        },
    )
    .await;
    let own_marks = one_each(&app, &w, Kind::Mark, fixture_mark).await;
    check_write(
        &app,
        &w,
        "deleteMark",
        "mutation($m: ID!) { deleteMark(input: {markId: $m}) { markId } }",
        |who| json!({ "m": own(&own_marks, who) }),
        &maths_writers(),
        |who| {
            Written::at("/deleteMark/markId")
                .answers("/deleteMark/markId", own(&own_marks, who))
                .row(
                    "SELECT COUNT(*) AS n FROM marks WHERE id = $id AND deleted_at IS NOT NULL",
                    1,
                )
        },
    )
    .await;
    Ok(())
}

#[tokio::test]
async fn attendance_and_lesson_topics_are_kept_by_exactly_the_roles_the_policy_names()
-> anyhow::Result<()> {
    let (app, w) = world().await?;
    let a1 = id(Kind::Student, w.student_a1);
    let lesson = id(Kind::Lesson, w.lesson_math_a);

    // Attendance: also the class teacher, who excuses absences for the class.
    let mut attendance = maths_writers();
    for (who, outcome) in &mut attendance {
        if *who == ClassTeacherOfA {
            *outcome = Done;
        }
    }
    // Each success is signed with its writer's post: one role's write cannot pass for another's.
    check_write(
        &app,
        &w,
        "setAttendance",
        "mutation($l: ID!, $s: ID!) { setAttendance(input: {lessonId: $l, studentId: $s, status: ABSENT}) { attendance { id status minutesLate } } }",
        |_| json!({ "l": lesson, "s": a1 }),
        &attendance,
        |who| {
            Written::at("/setAttendance/attendance/id")
                .answers("/setAttendance/attendance/status", "ABSENT")
                .answers("/setAttendance/attendance/minutesLate", Value::Null)
                .row(
                    format!(
                        "SELECT COUNT(*) AS n FROM attendance_records WHERE id = $id \
                         AND lesson_id = {} AND student_id = {} AND status = 'absent' \
                         AND minutes_late IS NULL AND staff_member_id = {}",
                        w.lesson_math_a,
                        w.student_a1,
                        staff_of(&w, who)
                    ),
                    1,
                )
        },
    )
    .await;

    let topic = |who: Who| by_role(who, "Десятичные дроби", "Дроби");
    check_write(
        &app,
        &w,
        "changeLesson (topic)",
        "mutation($l: ID!, $t: String!) { changeLesson(input: {lessonId: $l, topic: $t}) { lesson { id topic } } }",
        |who| json!({ "l": lesson, "t": topic(who) }),
        &maths_writers(),
        |who| {
            Written::at("/changeLesson/lesson/id")
                .answers("/changeLesson/lesson/id", lesson.as_str())
                .answers("/changeLesson/lesson/topic", topic(who))
                .row(
                    format!(
                        "SELECT COUNT(*) AS n FROM lessons WHERE id = $id AND topic = '{}'",
                        topic(who)
                    ),
                    1,
                )
        },
    )
    .await;
    Ok(())
}

#[tokio::test]
async fn homework_is_given_changed_and_deleted_by_exactly_the_roles_the_policy_names()
-> anyhow::Result<()> {
    let (app, w) = world().await?;
    let lesson = id(Kind::Lesson, w.lesson_math_a);

    check_write(
        &app,
        &w,
        "giveHomework",
        "mutation($l: ID!) { giveHomework(input: {lessonId: $l, text: \"№ 10\", dueOn: \"2026-11-18\"}) { homework { id text dueOn } } }",
        |_| json!({ "l": lesson }),
        &maths_writers(),
        |who| {
            Written::at("/giveHomework/homework/id")
                .answers("/giveHomework/homework/text", "№ 10")
                .answers("/giveHomework/homework/dueOn", "2026-11-18")
                .row(
                    format!(
                        "SELECT COUNT(*) AS n FROM homework WHERE id = $id AND lesson_id = {} \
                         AND class_unit_id = {} AND subject_id = {} AND text = '№ 10' \
                         AND due_on = '2026-11-18' AND staff_member_id = {}",
                        w.lesson_math_a,
                        w.class_a,
                        w.math,
                        staff_of(&w, who)
                    ),
                    1,
                )
        },
    )
    .await;
    let homework = id(Kind::Homework, w.homework_a);
    let text = |who: Who| by_role(who, "№ 6–9", "№ 1–5");
    check_write(
        &app,
        &w,
        "changeHomework",
        "mutation($h: ID!, $t: String!) { changeHomework(input: {homeworkId: $h, text: $t}) { homework { id text } } }",
        |who| json!({ "h": homework, "t": text(who) }),
        &maths_writers(),
        |who| {
            Written::at("/changeHomework/homework/id")
                .answers("/changeHomework/homework/id", homework.as_str())
                .answers("/changeHomework/homework/text", text(who))
                .row(
                    format!(
                        "SELECT COUNT(*) AS n FROM homework WHERE id = $id AND text = '{}'",
                        text(who)
                    ),
                    1,
                )
        },
    )
    .await;
    let own_homework = one_each(&app, &w, Kind::Homework, fixture_homework).await;
    check_write(
        &app,
        &w,
        "deleteHomework",
        "mutation($h: ID!) { deleteHomework(input: {homeworkId: $h}) { homeworkId } }",
        |who| json!({ "h": own(&own_homework, who) }),
        &maths_writers(),
        |who| {
            Written::at("/deleteHomework/homeworkId")
                .answers("/deleteHomework/homeworkId", own(&own_homework, who))
                .row("SELECT COUNT(*) AS n FROM homework WHERE id = $id", 0)
        },
    )
    .await;
    Ok(())
}

#[tokio::test]
async fn remarks_and_final_marks_are_written_by_exactly_the_roles_the_policy_names()
-> anyhow::Result<()> {
    let (app, w) = world().await?;
    let a1 = id(Kind::Student, w.student_a1);
    let math = id(Kind::Subject, w.math);

    // Remarks: anyone who teaches the class, and the class teacher.
    check_write(
        &app,
        &w,
        "addRemark",
        "mutation($s: ID!) { addRemark(input: {studentId: $s, kind: PRAISE, text: \"Молодец\"}) { remark { id kind text } } }",
        |_| json!({ "s": a1 }),
        &[
            (Anonymous, Refused("UNAUTHENTICATED")),
            (ParentOfA, Refused("FORBIDDEN")),
            (ParentOfB, Refused("NOT_FOUND")),
            (StudentA, Refused("FORBIDDEN")),
            (TeacherOfA, Done),
            (TeacherOfOther, Refused("NOT_FOUND")),
            (ClassTeacherOfA, Done),
            (AdminOfSchool, Done),
            (AdminOfOtherSchool, Refused("NOT_FOUND")),
            (DepartmentAdmin, Refused("FORBIDDEN")),
        ],
        |who| {
            Written::at("/addRemark/remark/id")
                .answers("/addRemark/remark/kind", "PRAISE")
                .answers("/addRemark/remark/text", "Молодец")
                .row(
                    format!(
                        "SELECT COUNT(*) AS n FROM remarks WHERE id = $id AND student_id = {} \
                         AND kind = 'praise' AND text = 'Молодец' AND staff_member_id = {}",
                        w.student_a1,
                        staff_of(&w, who)
                    ),
                    1,
                )
        },
    )
    .await;
    check_write(
        &app,
        &w,
        "setFinalMark",
        "mutation($s: ID!, $sub: ID!, $p: ID!) { setFinalMark(input: {studentId: $s, subjectId: $sub, studyPeriodId: $p, value: FIVE}) { finalMark { id value } } }",
        |_| json!({ "s": a1, "sub": math, "p": id(Kind::StudyPeriod, w.quarter1) }),
        &maths_writers(),
        |who| {
            Written::at("/setFinalMark/finalMark/id")
                .answers("/setFinalMark/finalMark/value", "FIVE")
                .row(
                    format!(
                        "SELECT COUNT(*) AS n FROM final_marks WHERE id = $id \
                         AND student_id = {} AND subject_id = {} AND study_period_id = {} \
                         AND value = '5' AND staff_member_id = {}",
                        w.student_a1,
                        w.math,
                        w.quarter1,
                        staff_of(&w, who)
                    ),
                    1,
                )
        },
    )
    .await;
    Ok(())
}

#[tokio::test]
async fn replacements_are_set_by_the_administration_and_the_replacing_teacher_writes_at_that_lesson_only()
-> anyhow::Result<()> {
    let (app, w) = world().await?;
    let a1 = id(Kind::Student, w.student_a1);
    let lesson = id(Kind::Lesson, w.lesson_math_a);
    let substitute = id(Kind::StaffMember, w.staff_to);

    // Replacements: the school's administration only. Then the replacing teacher, who does
    // not teach the class otherwise, writes at that lesson — and only that one.
    check_write(
        &app,
        &w,
        "setLessonReplacement",
        "mutation($l: ID!, $t: ID!) { setLessonReplacement(input: {lessonId: $l, teacherId: $t}) { lesson { id status replacementTeacher { id } } } }",
        |_| json!({ "l": lesson, "t": substitute }),
        &[
            (Anonymous, Refused("UNAUTHENTICATED")),
            (ParentOfA, Refused("FORBIDDEN")),
            (ParentOfB, Refused("NOT_FOUND")),
            (StudentA, Refused("FORBIDDEN")),
            (TeacherOfA, Refused("FORBIDDEN")),
            (TeacherOfOther, Refused("NOT_FOUND")),
            (ClassTeacherOfA, Refused("FORBIDDEN")),
            (AdminOfSchool, Done),
            (AdminOfOtherSchool, Refused("NOT_FOUND")),
            (DepartmentAdmin, Refused("FORBIDDEN")),
        ],
        |_| {
            Written::at("/setLessonReplacement/lesson/id")
                .answers("/setLessonReplacement/lesson/id", lesson.as_str())
                .answers("/setLessonReplacement/lesson/status", "REPLACED")
                .answers(
                    "/setLessonReplacement/lesson/replacementTeacher/id",
                    substitute.as_str(),
                )
                .row(
                    format!(
                        "SELECT COUNT(*) AS n FROM lessons WHERE id = $id \
                         AND replacement_staff_id = {} AND status = 'replaced'",
                        w.staff_to
                    ),
                    1,
                )
        },
    )
    .await;
    let replacing = ask(
        &app,
        &w,
        TeacherOfOther,
        "mutation($s: ID!, $l: ID!) { recordMark(input: {studentId: $s, lessonId: $l, value: 5}) { mark { teacher { lastName } } } }",
        json!({ "s": a1, "l": lesson }),
    )
    .await;
    assert_eq!(
        replacing.assert_ok()["recordMark"]["mark"]["teacher"]["lastName"],
        "Другова"
    );
    let elsewhere = ask(
        &app,
        &w,
        TeacherOfOther,
        "mutation($s: ID!, $l: ID!) { recordMark(input: {studentId: $s, lessonId: $l, value: 5}) { mark { id } } }",
        json!({ "s": a1, "l": id(Kind::Lesson, w.lesson_russian_a) }),
    )
    .await;
    assert_eq!(elsewhere.error_codes(), vec!["NOT_FOUND"]);
    Ok(())
}

const DIARY: &str = "query($s: ID!) { student(id: $s) { diary(from: \"2026-11-16\", to: \"2026-11-16\") {
  lessons { topic lesson { id status replacementTeacher { id } } marks { id value weight comment history { action oldValue newValue changedBy } }
    attendance { status minutesLate } remarks { kind text } homeworkGiven { id text attachments dueOn } } } } }";

fn lesson_of<'a>(diary: &'a Value, lesson: &str) -> &'a Value {
    diary["student"]["diary"][0]["lessons"]
        .as_array()
        .and_then(|lessons| lessons.iter().find(|l| l["lesson"]["id"] == lesson))
        .unwrap_or(&Value::Null)
}

/// A1's mathematics lesson as the parent's diary shows it.
async fn lesson_in_diary(app: &TestApp, w: &World) -> Value {
    let diary = ask(
        app,
        w,
        ParentOfA,
        DIARY,
        json!({ "s": id(Kind::Student, w.student_a1) }),
    )
    .await;
    lesson_of(diary.assert_ok(), &id(Kind::Lesson, w.lesson_math_a)).clone()
}

/// The homework with a link given at the lesson, as the diary shows it there.
fn given(at: &Value) -> Value {
    at["homeworkGiven"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|h| h["attachments"] == json!(["https://example.org/task.pdf"]))
        .cloned()
        .unwrap_or_default()
}

/// What the mathematics teacher writes at A1's lesson: a mark of 3 (weight 2, with a comment)
/// changed to 4, lateness of 7 minutes, the topic, homework with a link, and a remark. Answers
/// the mark's global id.
async fn write_the_lesson(app: &TestApp, w: &World) -> String {
    let a1 = id(Kind::Student, w.student_a1);
    let lesson = id(Kind::Lesson, w.lesson_math_a);
    let recorded = ask(
        app,
        w,
        TeacherOfA,
        "mutation($s: ID!, $l: ID!) { recordMark(input: {studentId: $s, lessonId: $l, value: 3, weight: 2, comment: \"Невнимательно\"}) { mark { id } } }",
        json!({ "s": a1, "l": lesson }),
    )
    .await;
    let mark = match recorded.assert_ok()["recordMark"]["mark"]["id"].as_str() {
        Some(mark) => mark.to_owned(),
        None => panic!("no mark id in {}", recorded.body),
    };
    ask(
        app,
        w,
        TeacherOfA,
        "mutation($m: ID!) { changeMark(input: {markId: $m, value: 4}) { mark { id } } }",
        json!({ "m": mark }),
    )
    .await
    .assert_ok();
    for (query, vars) in [
        (
            "mutation($l: ID!, $s: ID!) { setAttendance(input: {lessonId: $l, studentId: $s, status: LATE, minutesLate: 7}) { attendance { id } } }",
            json!({ "l": lesson, "s": a1 }),
        ),
        (
            "mutation($l: ID!) { changeLesson(input: {lessonId: $l, topic: \"Сложение дробей\"}) { lesson { id } } }",
            json!({ "l": lesson }),
        ),
        (
            "mutation($l: ID!) { giveHomework(input: {lessonId: $l, text: \"№ 12, 13\", attachments: [\"https://example.org/task.pdf\"], dueOn: \"2026-11-19\"}) { homework { id } } }",
            json!({ "l": lesson }),
        ),
        (
            "mutation($s: ID!, $l: ID!) { addRemark(input: {studentId: $s, lessonId: $l, kind: REMARK, text: \"Забыла тетрадь\"}) { remark { id } } }",
            json!({ "s": a1, "l": lesson }),
        ),
    ] {
        ask(app, w, TeacherOfA, query, vars).await.assert_ok();
    }
    mark
}

/// The parent's notifications, newest first.
async fn parents_notifications(app: &TestApp, w: &World) -> Value {
    let notifications = ask(
        app,
        w,
        ParentOfA,
        "{ viewer { unreadNotificationCount notifications(first: 20) { nodes { id kind oldValue newValue subject { name } student { id } mark { value } } } } }",
        json!({}),
    )
    .await;
    notifications.assert_ok()["viewer"].clone()
}

const CHANGE_HOMEWORK: &str = "mutation($h: ID!) { changeHomework(input: {homeworkId: $h, text: \"№ 12–14\", dueOn: \"2026-11-20\"}) { homework { id } } }";
const DELETE_MARK: &str = "mutation($m: ID!) { deleteMark(input: {markId: $m}) { markId } }";
const SET_FINAL_MARK: &str = "mutation($s: ID!, $sub: ID!, $p: ID!) { setFinalMark(input: {studentId: $s, subjectId: $sub, studyPeriodId: $p, value: FIVE}) { finalMark { id } } }";

#[tokio::test]
async fn what_a_teacher_writes_shows_in_the_familys_diary_with_the_history_of_a_mark()
-> anyhow::Result<()> {
    let (app, w) = world().await?;
    let mark = write_the_lesson(&app, &w).await;

    // The parent sees all of it at the lesson, and the mark's history: 3 → 4, by whom.
    let at = lesson_in_diary(&app, &w).await;
    assert_eq!(at["topic"], "Сложение дробей");
    assert_eq!(
        at["attendance"],
        json!({ "status": "LATE", "minutesLate": 7 })
    );
    assert!(
        at["remarks"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|r| r["text"] == "Забыла тетрадь" && r["kind"] == "REMARK"),
        "{at}"
    );
    assert!(
        at["homeworkGiven"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|h| h["text"] == "№ 12, 13"
                && h["attachments"] == json!(["https://example.org/task.pdf"])
                && h["dueOn"] == "2026-11-19"),
        "{at}"
    );
    let shown = at["marks"]
        .as_array()
        .and_then(|marks| marks.iter().find(|m| m["id"] == mark.as_str()))
        .cloned()
        .unwrap_or_default();
    assert_eq!(shown["value"], 4);
    assert_eq!(shown["weight"], 2);
    assert_eq!(shown["comment"], "Невнимательно");
    assert_eq!(
        shown["history"],
        json!([
            { "action": "CREATED", "oldValue": null, "newValue": 3, "changedBy": "Учитель Математики" },
            { "action": "UPDATED", "oldValue": 3, "newValue": 4, "changedBy": "Учитель Математики" },
        ])
    );
    Ok(())
}

#[tokio::test]
async fn the_family_is_told_of_each_write_about_their_child_and_no_other_family_is()
-> anyhow::Result<()> {
    let (app, w) = world().await?;
    let a1 = id(Kind::Student, w.student_a1);
    write_the_lesson(&app, &w).await;

    // The parent's notifications: the new mark, its change 3 → 4, the lateness, the homework
    // and the remark; each about A1.
    let viewer = parents_notifications(&app, &w).await;
    let nodes = viewer["notifications"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let kinds: Vec<&str> = nodes.iter().filter_map(|n| n["kind"].as_str()).collect();
    assert_eq!(
        kinds,
        vec![
            "REMARK",
            "HOMEWORK",
            "ATTENDANCE",
            "MARK_CHANGED",
            "MARK_RECORDED"
        ]
    );
    assert_eq!(viewer["unreadNotificationCount"], 5);
    let changed = &nodes[3];
    assert_eq!(changed["oldValue"], 3);
    assert_eq!(changed["newValue"], 4);
    assert_eq!(changed["subject"]["name"], "Математика");
    assert_eq!(changed["mark"]["value"], 4);
    assert!(nodes.iter().all(|n| n["student"]["id"] == a1.as_str()));
    // The other family hears nothing.
    let other = ask(
        &app,
        &w,
        ParentOfB,
        "{ viewer { unreadNotificationCount } }",
        json!({}),
    )
    .await;
    assert_eq!(other.assert_ok()["viewer"]["unreadNotificationCount"], 0);
    Ok(())
}

#[tokio::test]
async fn notifications_are_read_one_by_one_or_all_at_once_and_only_by_their_owner()
-> anyhow::Result<()> {
    let (app, w) = world().await?;
    write_the_lesson(&app, &w).await;
    let viewer = parents_notifications(&app, &w).await;
    let nodes = viewer["notifications"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(nodes.len(), 5, "{viewer}");

    // Reading one, then the rest.
    let read = ask(
        &app,
        &w,
        ParentOfA,
        "mutation($n: [ID!]) { markNotificationsRead(input: {notificationIds: $n}) { marked unreadCount } }",
        json!({ "n": [nodes[0]["id"]] }),
    )
    .await;
    assert_eq!(
        read.assert_ok()["markNotificationsRead"],
        json!({ "marked": 1, "unreadCount": 4 })
    );
    // Someone else's ids change nothing.
    let foreign = ask(
        &app,
        &w,
        ParentOfB,
        "mutation($n: [ID!]) { markNotificationsRead(input: {notificationIds: $n}) { marked } }",
        json!({ "n": [nodes[1]["id"]] }),
    )
    .await;
    assert_eq!(foreign.assert_ok()["markNotificationsRead"]["marked"], 0);
    let all = ask(
        &app,
        &w,
        ParentOfA,
        "mutation { markNotificationsRead(input: {}) { marked unreadCount } }",
        json!({}),
    )
    .await;
    assert_eq!(
        all.assert_ok()["markNotificationsRead"],
        json!({ "marked": 4, "unreadCount": 0 })
    );
    Ok(())
}

#[tokio::test]
async fn corrected_homework_shows_its_new_text_and_day_in_the_diary() -> anyhow::Result<()> {
    let (app, w) = world().await?;
    write_the_lesson(&app, &w).await;
    let homework = given(&lesson_in_diary(&app, &w).await)["id"].clone();

    // Homework corrected: the diary shows the new text and day, not the old.
    ask(
        &app,
        &w,
        TeacherOfA,
        CHANGE_HOMEWORK,
        json!({ "h": homework }),
    )
    .await
    .assert_ok();
    let at = lesson_in_diary(&app, &w).await;
    assert_eq!(
        given(&at),
        json!({ "id": homework, "text": "№ 12–14", "attachments": ["https://example.org/task.pdf"], "dueOn": "2026-11-20" })
    );
    Ok(())
}

#[tokio::test]
async fn a_replacement_names_the_replacing_teacher_in_the_diary_until_it_is_undone()
-> anyhow::Result<()> {
    let (app, w) = world().await?;
    let lesson = id(Kind::Lesson, w.lesson_math_a);

    // A replacement set by the administration: the diary names the replacing teacher, and
    // undoing it takes the name away again.
    let replace = "mutation($l: ID!, $t: ID) { setLessonReplacement(input: {lessonId: $l, teacherId: $t}) { lesson { id } } }";
    let substitute = id(Kind::StaffMember, w.staff_to);
    ask(
        &app,
        &w,
        AdminOfSchool,
        replace,
        json!({ "l": lesson, "t": substitute }),
    )
    .await
    .assert_ok();
    let at = lesson_in_diary(&app, &w).await;
    assert_eq!(at["lesson"]["status"], "REPLACED", "{at}");
    assert_eq!(
        at["lesson"]["replacementTeacher"]["id"],
        substitute.as_str()
    );
    ask(
        &app,
        &w,
        AdminOfSchool,
        replace,
        json!({ "l": lesson, "t": null }),
    )
    .await
    .assert_ok();
    let at = lesson_in_diary(&app, &w).await;
    assert_ne!(at["lesson"]["status"], "REPLACED", "{at}");
    assert_eq!(at["lesson"]["replacementTeacher"], Value::Null);
    Ok(())
}

#[tokio::test]
async fn a_withdrawn_mark_leaves_the_diary_and_the_family_is_told() -> anyhow::Result<()> {
    let (app, w) = world().await?;
    let mark = write_the_lesson(&app, &w).await;

    // Withdrawn: gone from the diary and the marks list; the family is told.
    ask(&app, &w, TeacherOfA, DELETE_MARK, json!({ "m": mark }))
        .await
        .assert_ok();
    let at = lesson_in_diary(&app, &w).await;
    assert!(
        !at["marks"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|m| m["id"] == mark.as_str()),
        "{at}"
    );
    let told = ask(
        &app,
        &w,
        StudentA,
        "{ viewer { notifications(first: 1) { nodes { kind oldValue mark { id } } } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        told.assert_ok()["viewer"]["notifications"]["nodes"][0],
        json!({ "kind": "MARK_DELETED", "oldValue": 4, "mark": null })
    );
    Ok(())
}

#[tokio::test]
async fn a_final_mark_shows_in_the_final_marks_table() -> anyhow::Result<()> {
    let (app, w) = world().await?;
    let a1 = id(Kind::Student, w.student_a1);

    // The final mark shows in the final-marks table.
    ask(
        &app,
        &w,
        TeacherOfA,
        SET_FINAL_MARK,
        json!({ "s": a1, "sub": id(Kind::Subject, w.math), "p": id(Kind::StudyPeriod, w.quarter1) }),
    )
    .await
    .assert_ok();
    let finals = ask(
        &app,
        &w,
        ParentOfA,
        &format!(
            "query($s: ID!) {{ student(id: $s) {{ finalMarks(academicYearId: \"{}\") {{ rows {{ subject {{ name }} cells {{ finalMark {{ display }} }} }} }} }} }}",
            id(Kind::AcademicYear, w.year1)
        ),
        json!({ "s": a1 }),
    )
    .await;
    let rows = finals.assert_ok()["student"]["finalMarks"]["rows"].clone();
    let maths = rows
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["subject"]["name"] == "Математика"))
        .cloned()
        .unwrap_or_default();
    assert!(
        maths["cells"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["finalMark"]["display"] == "5"),
        "{rows}"
    );
    Ok(())
}

#[tokio::test]
async fn every_journal_write_is_in_the_audit_log_once() -> anyhow::Result<()> {
    let (app, w) = world().await?;
    let a1 = id(Kind::Student, w.student_a1);
    let mark = write_the_lesson(&app, &w).await;
    let homework = given(&lesson_in_diary(&app, &w).await)["id"].clone();
    for (query, vars) in [
        (CHANGE_HOMEWORK, json!({ "h": homework })),
        (DELETE_MARK, json!({ "m": mark })),
        (
            SET_FINAL_MARK,
            json!({ "s": a1, "sub": id(Kind::Subject, w.math), "p": id(Kind::StudyPeriod, w.quarter1) }),
        ),
    ] {
        ask(&app, &w, TeacherOfA, query, vars).await.assert_ok();
    }

    // Every write is in the audit log.
    for action in [
        "mark.recorded",
        "mark.changed",
        "mark.deleted",
        "attendance.set",
        "lesson.changed",
        "homework.given",
        "homework.changed",
        "remark.added",
        "final_mark.set",
    ] {
        let n = scalar(
            &app,
            &format!("SELECT COUNT(*) AS n FROM audit_events WHERE action = '{action}'"),
        )
        .await;
        assert_eq!(n, 1, "{action}");
    }
    Ok(())
}

/// A lesson of 5А's mathematics a week from today.
async fn future_lesson(app: &TestApp, w: &World) -> i64 {
    let date = dnevnik_tests::today()
        .checked_add_days(Days::new(7))
        .unwrap_or(NaiveDate::MAX);
    app.db
        .execute_unprepared(&format!(
            "INSERT INTO lessons (school_id, class_unit_id, subject_id, staff_member_id, \
             study_period_id, date, lesson_number, status, created_at, updated_at) VALUES \
             ({}, {}, {}, {}, {}, '{date}', 3, 'scheduled', '2026-11-16T09:00:00Z', \
             '2026-11-16T09:00:00Z')",
            w.school1, w.class_a, w.math, w.staff_ta, w.quarter1
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    scalar(app, "SELECT MAX(id) AS n FROM lessons").await
}

/// A student of 5А who left in October.
async fn gone_student(app: &TestApp, w: &World) -> anyhow::Result<String> {
    app.db
        .execute_unprepared(&format!(
            "INSERT INTO students (school_id, class_unit_id, last_name, first_name, \
             birth_date, enrolled_on, left_on, created_at, updated_at) VALUES ({}, {}, \
             'Ушедшая', 'Анна', '2015-05-05', '2026-09-01', '2026-10-15', \
             '2026-11-16T09:00:00Z', '2026-11-16T09:00:00Z')",
            w.school1, w.class_a
        ))
        .await?;
    Ok(id(
        Kind::Student,
        scalar(app, "SELECT MAX(id) AS n FROM students").await,
    ))
}

const RECORD: &str = "mutation($i: RecordMarkInput!) { recordMark(input: $i) { mark { id } } }";
const ATTENDANCE: &str =
    "mutation($i: SetAttendanceInput!) { setAttendance(input: $i) { attendance { id } } }";
const CHANGE_LESSON: &str =
    "mutation($i: ChangeLessonInput!) { changeLesson(input: $i) { lesson { id } } }";
const HOMEWORK: &str =
    "mutation($i: GiveHomeworkInput!) { giveHomework(input: $i) { homework { id } } }";
const REMARK: &str = "mutation($i: AddRemarkInput!) { addRemark(input: $i) { remark { id } } }";
const FINAL_MARK: &str =
    "mutation($i: SetFinalMarkInput!) { setFinalMark(input: $i) { finalMark { id } } }";
const CHANGE_MARK: &str =
    "mutation($i: ChangeMarkInput!) { changeMark(input: $i) { mark { id } } }";
const REPLACE: &str = "mutation($i: SetLessonReplacementInput!) { setLessonReplacement(input: $i) { lesson { id } } }";

/// Asks each bad input (name, role, mutation, input, the field to blame): each must be refused
/// with a field error for that field and write nothing. Every case is asked before failing.
async fn refuses_each_with_its_field(
    app: &TestApp,
    w: &World,
    cases: Vec<(&str, Who, &str, Value, &str)>,
) {
    let mut failures = Vec::new();
    for (name, who, query, input, field) in cases {
        let before = journal_state(app).await;
        let response = ask(app, w, who, query, json!({ "i": input })).await;
        if response.error_codes() != vec!["BAD_USER_INPUT"]
            || response.error_fields() != vec![field.to_owned()]
        {
            failures.push(format!("{name}: expected {field}, got {}", response.body));
        }
        if journal_state(app).await != before {
            failures.push(format!("{name}: refused, but something was written"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn each_rule_of_a_mark_refuses_bad_input_with_its_field_and_writes_nothing()
-> anyhow::Result<()> {
    let (app, w) = world().await?;
    let a1 = id(Kind::Student, w.student_a1);
    let b1 = id(Kind::Student, w.student_b1);
    let math = id(Kind::Subject, w.math);
    let russian = id(Kind::Subject, w.russian);
    let lesson = id(Kind::Lesson, w.lesson_math_a);
    let future = id(Kind::Lesson, future_lesson(&app, &w).await);
    let future_day = dnevnik_tests::today()
        .checked_add_days(Days::new(1))
        .unwrap_or(NaiveDate::MAX)
        .to_string();
    let other_form = {
        app.db
            .execute_unprepared(&format!(
                "INSERT INTO control_forms (school_id, name, short_name, default_weight, \
                 sort_order, active, created_at, updated_at) VALUES ({}, 'Чужая', 'Ч', 2, 0, \
                 true, '2026-11-16T09:00:00Z', '2026-11-16T09:00:00Z')",
                w.school2
            ))
            .await?;
        id(
            Kind::ControlForm,
            scalar(&app, "SELECT MAX(id) AS n FROM control_forms").await,
        )
    };
    let long = "а".repeat(501);
    let gone = gone_student(&app, &w).await?;
    let mark = id(Kind::Mark, w.mark_math_a1);
    refuses_each_with_its_field(
        &app,
        &w,
        vec![
            (
                "a mark of 6",
                TeacherOfA,
                RECORD,
                json!({ "studentId": a1, "lessonId": lesson, "value": 6 }),
                "value",
            ),
            (
                "a mark of 0",
                TeacherOfA,
                RECORD,
                json!({ "studentId": a1, "lessonId": lesson, "value": 0 }),
                "value",
            ),
            (
                "a weight of 11",
                TeacherOfA,
                RECORD,
                json!({ "studentId": a1, "lessonId": lesson, "value": 5, "weight": 11 }),
                "weight",
            ),
            (
                "a mark at a future lesson",
                TeacherOfA,
                RECORD,
                json!({ "studentId": a1, "lessonId": future, "value": 5 }),
                "lessonId",
            ),
            (
                "a mark on a future day",
                TeacherOfA,
                RECORD,
                json!({ "studentId": a1, "subjectId": math, "date": future_day, "value": 5 }),
                "date",
            ),
            (
                "a mark outside the academic year",
                TeacherOfA,
                RECORD,
                json!({ "studentId": a1, "subjectId": math, "date": "2026-08-20", "value": 5 }),
                "date",
            ),
            (
                "a mark on a day after the student left",
                TeacherOfA,
                RECORD,
                json!({ "studentId": gone, "subjectId": math, "date": "2026-11-16", "value": 5 }),
                "date",
            ),
            (
                "a mark without lesson or day",
                TeacherOfA,
                RECORD,
                json!({ "studentId": a1, "value": 5 }),
                "subjectId",
            ),
            (
                "a mark for another class's student",
                AdminOfSchool,
                RECORD,
                json!({ "studentId": b1, "lessonId": lesson, "value": 5 }),
                "studentId",
            ),
            (
                "a mark in another subject than the lesson's",
                TeacherOfA,
                RECORD,
                json!({ "studentId": a1, "lessonId": lesson, "subjectId": russian, "value": 5 }),
                "subjectId",
            ),
            (
                "another school's control form",
                TeacherOfA,
                RECORD,
                json!({ "studentId": a1, "lessonId": lesson, "value": 5, "controlFormId": other_form }),
                "controlFormId",
            ),
            (
                "an overlong comment",
                TeacherOfA,
                RECORD,
                json!({ "studentId": a1, "lessonId": lesson, "value": 5, "comment": long }),
                "comment",
            ),
            (
                "a change to 7",
                TeacherOfA,
                CHANGE_MARK,
                json!({ "markId": mark, "value": 7 }),
                "value",
            ),
        ],
    )
    .await;
    // The lesson's own day is fine for a mark: the rules above are not refusing everything.
    ask(
        &app,
        &w,
        TeacherOfA,
        RECORD,
        json!({ "i": { "studentId": a1, "subjectId": math, "date": day().to_string(), "value": 5 } }),
    )
    .await
    .assert_ok();
    Ok(())
}

#[tokio::test]
async fn each_rule_of_attendance_and_lessons_refuses_bad_input_with_its_field_and_writes_nothing()
-> anyhow::Result<()> {
    let (app, w) = world().await?;
    let a1 = id(Kind::Student, w.student_a1);
    let b1 = id(Kind::Student, w.student_b1);
    let lesson = id(Kind::Lesson, w.lesson_math_a);
    let future = id(Kind::Lesson, future_lesson(&app, &w).await);
    refuses_each_with_its_field(
        &app,
        &w,
        vec![
            (
                "lateness without minutes",
                TeacherOfA,
                ATTENDANCE,
                json!({ "lessonId": lesson, "studentId": a1, "status": "LATE" }),
                "minutesLate",
            ),
            (
                "lateness of 91 minutes",
                TeacherOfA,
                ATTENDANCE,
                json!({ "lessonId": lesson, "studentId": a1, "status": "LATE", "minutesLate": 91 }),
                "minutesLate",
            ),
            (
                "minutes for an absence",
                TeacherOfA,
                ATTENDANCE,
                json!({ "lessonId": lesson, "studentId": a1, "status": "ABSENT", "minutesLate": 5 }),
                "minutesLate",
            ),
            (
                "attendance at a future lesson",
                TeacherOfA,
                ATTENDANCE,
                json!({ "lessonId": future, "studentId": a1, "status": "ABSENT" }),
                "lessonId",
            ),
            (
                "attendance for another class's student",
                AdminOfSchool,
                ATTENDANCE,
                json!({ "lessonId": lesson, "studentId": b1, "status": "ABSENT" }),
                "studentId",
            ),
            (
                "a teacher setting a replacement as a status",
                TeacherOfA,
                CHANGE_LESSON,
                json!({ "lessonId": lesson, "status": "REPLACED" }),
                "status",
            ),
            (
                "a future lesson held",
                TeacherOfA,
                CHANGE_LESSON,
                json!({ "lessonId": future, "status": "HELD" }),
                "status",
            ),
        ],
    )
    .await;
    Ok(())
}

#[tokio::test]
async fn each_rule_of_homework_and_remarks_refuses_bad_input_with_its_field_and_writes_nothing()
-> anyhow::Result<()> {
    let (app, w) = world().await?;
    let a1 = id(Kind::Student, w.student_a1);
    let lesson = id(Kind::Lesson, w.lesson_math_a);
    let future = id(Kind::Lesson, future_lesson(&app, &w).await);
    let gone = gone_student(&app, &w).await?;
    refuses_each_with_its_field(
        &app,
        &w,
        vec![
            (
                "empty homework",
                TeacherOfA,
                HOMEWORK,
                json!({ "lessonId": lesson, "text": "  ", "dueOn": "2026-11-18" }),
                "text",
            ),
            (
                "a homework link that is not http",
                TeacherOfA,
                HOMEWORK,
                json!({ "lessonId": lesson, "text": "№ 1", "attachments": ["javascript:alert(1)"], "dueOn": "2026-11-18" }),
                "attachments",
            ),
            (
                "homework due before it is given",
                TeacherOfA,
                HOMEWORK,
                json!({ "lessonId": lesson, "text": "№ 1", "dueOn": "2026-11-10" }),
                "dueOn",
            ),
            (
                "homework due at another subject's lesson",
                AdminOfSchool,
                HOMEWORK,
                json!({ "lessonId": lesson, "text": "№ 1", "dueLessonId": id(Kind::Lesson, w.lesson_russian_a) }),
                "dueLessonId",
            ),
            (
                "homework with no next lesson and no day",
                TeacherOfA,
                HOMEWORK,
                json!({ "lessonId": future, "text": "№ 1" }),
                "dueOn",
            ),
            (
                "an empty remark",
                TeacherOfA,
                REMARK,
                json!({ "studentId": a1, "kind": "REMARK", "text": "" }),
                "text",
            ),
            (
                "a remark about a student who has left",
                ClassTeacherOfA,
                REMARK,
                json!({ "studentId": gone, "kind": "REMARK", "text": "Опоздала" }),
                "studentId",
            ),
        ],
    )
    .await;
    Ok(())
}

#[tokio::test]
async fn each_rule_of_final_marks_and_replacements_refuses_bad_input_with_its_field_and_writes_nothing()
-> anyhow::Result<()> {
    let (app, w) = world().await?;
    let a1 = id(Kind::Student, w.student_a1);
    let math = id(Kind::Subject, w.math);
    let lesson = id(Kind::Lesson, w.lesson_math_a);
    let gone = gone_student(&app, &w).await?;
    let later_period = {
        let starts = dnevnik_tests::today()
            .checked_add_days(Days::new(30))
            .unwrap_or(NaiveDate::MAX);
        let ends = starts.checked_add_days(Days::new(60)).unwrap_or(starts);
        app.db
            .execute_unprepared(&format!(
                "INSERT INTO study_periods (school_id, academic_year_id, kind, number, name, \
                 starts_on, ends_on, created_at, updated_at) VALUES ({}, {}, 'quarter', 3, \
                 '3 четверть', '{starts}', '{ends}', '2026-11-16T09:00:00Z', \
                 '2026-11-16T09:00:00Z')",
                w.school1, w.year1
            ))
            .await?;
        id(
            Kind::StudyPeriod,
            scalar(&app, "SELECT MAX(id) AS n FROM study_periods").await,
        )
    };
    let other_school_period = id(
        Kind::StudyPeriod,
        scalar(
            &app,
            &format!(
                "SELECT MIN(id) AS n FROM study_periods WHERE school_id = {}",
                w.school2
            ),
        )
        .await,
    );
    let other_teacher = {
        app.db
            .execute_unprepared(&format!(
                "INSERT INTO staff_members (school_id, last_name, first_name, position, active, \
                 created_at, updated_at) VALUES ({}, 'Чужова', 'Ольга', 'teacher', true, \
                 '2026-11-16T09:00:00Z', '2026-11-16T09:00:00Z')",
                w.school2
            ))
            .await?;
        id(
            Kind::StaffMember,
            scalar(&app, "SELECT MAX(id) AS n FROM staff_members").await,
        )
    };
    refuses_each_with_its_field(
        &app,
        &w,
        vec![
            (
                "a final mark for a period after the student left",
                TeacherOfA,
                FINAL_MARK,
                json!({ "studentId": gone, "subjectId": math, "studyPeriodId": id(Kind::StudyPeriod, w.quarter1), "value": "FIVE" }),
                "studyPeriodId",
            ),
            (
                "a final mark for a period not begun",
                TeacherOfA,
                FINAL_MARK,
                json!({ "studentId": a1, "subjectId": math, "studyPeriodId": later_period, "value": "FIVE" }),
                "studyPeriodId",
            ),
            (
                "a final mark for another school's period",
                TeacherOfA,
                FINAL_MARK,
                json!({ "studentId": a1, "subjectId": math, "studyPeriodId": other_school_period, "value": "FIVE" }),
                "studyPeriodId",
            ),
            (
                "another school's teacher as a replacement",
                AdminOfSchool,
                REPLACE,
                json!({ "lessonId": lesson, "teacherId": other_teacher }),
                "teacherId",
            ),
            (
                "a teacher replacing themselves",
                AdminOfSchool,
                REPLACE,
                json!({ "lessonId": lesson, "teacherId": id(Kind::StaffMember, w.staff_ta) }),
                "teacherId",
            ),
        ],
    )
    .await;
    Ok(())
}
