//! The authorization matrix (docs/AUTHZ.md): every entry point and every field that carries a
//! child's data, asked by every role, including the ways round through nested fields. A row
//! passes only when each role gets exactly what the matrix says — and allowed answers are
//! checked for what they contain, so that a partial leak fails too.

use std::collections::BTreeSet;

use dnevnik_server::graphql::ids::{Kind, encode};
use dnevnik_tests::world::{Who, World};
use dnevnik_tests::{GraphqlResponse, TestApp, schema};
use serde_json::{Value, json};

use Who::*;

const FROM: &str = "2026-11-16";
const TO: &str = "2026-11-22";

fn id(kind: Kind, id: i64) -> String {
    encode(kind, id).0
}

async fn ask(app: &TestApp, world: &World, who: Who, query: &str, vars: Value) -> GraphqlResponse {
    match world.token(who) {
        Some(token) => app.graphql_as(token, query, vars).await,
        None => app.graphql(query, vars).await,
    }
}

/// Collects every `id` value at a JSON path like `student.marks.nodes[].id`.
fn ids_at(value: &Value, path: &[&str]) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    collect(value, path, &mut found);
    found
}

fn collect(value: &Value, path: &[&str], found: &mut BTreeSet<String>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| collect(v, path, found)),
        _ => match path.split_first() {
            None => {
                if let Some(s) = value.as_str() {
                    found.insert(s.to_owned());
                }
            }
            Some((head, rest)) => collect(&value[*head], rest, found),
        },
    }
}

/// What a role must get.
#[derive(Debug)]
enum Expect {
    /// Data, with exactly these ids at the checked path.
    Ids(Vec<String>),
    /// An error with this code and no data at the root field.
    Error(&'static str),
}

struct Row<'a> {
    name: &'a str,
    query: String,
    vars: Value,
    /// Where in `data` the ids to compare are.
    path: Vec<&'a str>,
}

async fn check_row(app: &TestApp, world: &World, row: &Row<'_>, expect: &[(Who, Expect)]) {
    let mut failures = Vec::new();
    for (who, expected) in expect {
        let response = ask(app, world, *who, &row.query, row.vars.clone()).await;
        match expected {
            Expect::Error(code) => {
                let codes = response.error_codes();
                if !codes.iter().any(|c| c == code) {
                    failures.push(format!("{who:?}: expected {code}, got {}", response.body));
                }
                let leaked = ids_at(response.data(), &row.path);
                if !leaked.is_empty() {
                    failures.push(format!("{who:?}: denied but data leaked: {leaked:?}"));
                }
            }
            Expect::Ids(ids) => {
                if !response.error_codes().is_empty() {
                    failures.push(format!("{who:?}: expected data, got {}", response.body));
                    continue;
                }
                let got = ids_at(response.data(), &row.path);
                let want: BTreeSet<String> = ids.iter().cloned().collect();
                if got != want {
                    failures.push(format!("{who:?}: expected {want:?}, got {got:?}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "matrix row «{}» failed:\n{}",
        row.name,
        failures.join("\n")
    );
}

fn ids(list: &[String]) -> Expect {
    Expect::Ids(list.to_vec())
}

fn not_found() -> Expect {
    Expect::Error("NOT_FOUND")
}

fn forbidden() -> Expect {
    Expect::Error("FORBIDDEN")
}

fn anonymous() -> Expect {
    Expect::Error("UNAUTHENTICATED")
}

/// An app over the world of the matrix.
async fn world() -> anyhow::Result<(TestApp, World)> {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await?;
    Ok((app, w))
}

/// A student, their marks and their diary are seen by exactly the roles the policy names.
#[tokio::test]
async fn a_student_their_marks_and_their_diary_are_seen_by_exactly_the_roles_the_policy_names()
-> anyhow::Result<()> {
    let (app, w) = world().await?;
    let a1 = id(Kind::Student, w.student_a1);
    let mark_math_a1 = id(Kind::Mark, w.mark_math_a1);
    let mark_russian_a1 = id(Kind::Mark, w.mark_russian_a1);
    let lesson_math = id(Kind::Lesson, w.lesson_math_a);
    let lesson_russian = id(Kind::Lesson, w.lesson_russian_a);
    let both_marks = vec![mark_math_a1.clone(), mark_russian_a1.clone()];
    let math_only = vec![mark_math_a1.clone()];

    // A student by id: their family, themselves, their teachers, their school's and the
    // city's administrators; nobody else learns they exist.
    let row = Row {
        name: "student(id: A1)",
        query: "query($id: ID!) { student(id: $id) { id fullName } }".into(),
        vars: json!({ "id": a1 }),
        path: vec!["student", "id"],
    };
    let a1_only = vec![a1.clone()];
    check_row(
        &app,
        &w,
        &row,
        &[
            (Anonymous, anonymous()),
            (ParentOfA, ids(&a1_only)),
            (ParentOfB, not_found()),
            (StudentA, ids(&a1_only)),
            (TeacherOfA, ids(&a1_only)),
            (TeacherOfOther, not_found()),
            (ClassTeacherOfA, ids(&a1_only)),
            (AdminOfSchool, ids(&a1_only)),
            (AdminOfOtherSchool, not_found()),
            (DepartmentAdmin, ids(&a1_only)),
        ],
    )
    .await;

    // Marks: a subject teacher sees their subject only.
    let row = Row {
        name: "student(A1).marks",
        query: "query($id: ID!) { student(id: $id) { marks(first: 100) { nodes { id } } } }".into(),
        vars: json!({ "id": a1 }),
        path: vec!["student", "marks", "nodes", "id"],
    };
    check_row(
        &app,
        &w,
        &row,
        &[
            (Anonymous, anonymous()),
            (ParentOfA, ids(&both_marks)),
            (ParentOfB, not_found()),
            (StudentA, ids(&both_marks)),
            (TeacherOfA, ids(&math_only)),
            (TeacherOfOther, not_found()),
            (ClassTeacherOfA, ids(&both_marks)),
            (AdminOfSchool, ids(&both_marks)),
            (AdminOfOtherSchool, not_found()),
            (DepartmentAdmin, ids(&both_marks)),
        ],
    )
    .await;

    // The diary: lessons and marks, within the subject scope.
    let row = Row {
        name: "student(A1).diary marks",
        query: format!(
            "query($id: ID!) {{ student(id: $id) {{ diary(from: \"{FROM}\", to: \"{TO}\") {{ \
             lessons {{ marks {{ id }} }} }} }} }}"
        ),
        vars: json!({ "id": a1 }),
        path: vec!["student", "diary", "lessons", "marks", "id"],
    };
    check_row(
        &app,
        &w,
        &row,
        &[
            (Anonymous, anonymous()),
            (ParentOfA, ids(&both_marks)),
            (ParentOfB, not_found()),
            (StudentA, ids(&both_marks)),
            (TeacherOfA, ids(&math_only)),
            (TeacherOfOther, not_found()),
            (ClassTeacherOfA, ids(&both_marks)),
            (AdminOfSchool, ids(&both_marks)),
            (AdminOfOtherSchool, not_found()),
            (DepartmentAdmin, ids(&both_marks)),
        ],
    )
    .await;
    let row = Row {
        name: "student(A1).diary lessons",
        query: format!(
            "query($id: ID!) {{ student(id: $id) {{ diary(from: \"{FROM}\", to: \"{TO}\") {{ \
             lessons {{ lesson {{ id }} }} }} }} }}"
        ),
        vars: json!({ "id": a1 }),
        path: vec!["student", "diary", "lessons", "lesson", "id"],
    };
    let both_lessons = vec![lesson_math.clone(), lesson_russian.clone()];
    check_row(
        &app,
        &w,
        &row,
        &[
            (ParentOfA, ids(&both_lessons)),
            (TeacherOfA, ids(std::slice::from_ref(&lesson_math))),
            (ClassTeacherOfA, ids(&both_lessons)),
            (AdminOfSchool, ids(&both_lessons)),
            (ParentOfB, not_found()),
        ],
    )
    .await;
    Ok(())
}

/// Progress, attendance and final marks keep the subject scope; birth date and rating need
/// full access.
#[tokio::test]
async fn progress_attendance_and_final_marks_keep_the_subject_scope_and_the_rating_needs_full_access()
-> anyhow::Result<()> {
    let (app, w) = world().await?;
    let a1 = id(Kind::Student, w.student_a1);
    let mark_math_a1 = id(Kind::Mark, w.mark_math_a1);
    let mark_russian_a1 = id(Kind::Mark, w.mark_russian_a1);
    let lesson_russian = id(Kind::Lesson, w.lesson_russian_a);
    let both_marks = vec![mark_math_a1.clone(), mark_russian_a1.clone()];
    let math_only = vec![mark_math_a1.clone()];

    // Progress per subject, attendance, final marks, assessments: the same scope.
    let row = Row {
        name: "student(A1).subjects marks",
        query: "query($id: ID!, $p: ID) { student(id: $id) { subjects(studyPeriodId: $p) { \
                marks { id } } } }"
            .into(),
        vars: json!({ "id": a1, "p": id(Kind::StudyPeriod, w.quarter1) }),
        path: vec!["student", "subjects", "marks", "id"],
    };
    check_row(
        &app,
        &w,
        &row,
        &[
            (Anonymous, anonymous()),
            (ParentOfA, ids(&both_marks)),
            (StudentA, ids(&both_marks)),
            (TeacherOfA, ids(&math_only)),
            (ClassTeacherOfA, ids(&both_marks)),
            (AdminOfSchool, ids(&both_marks)),
            (TeacherOfOther, not_found()),
            (AdminOfOtherSchool, not_found()),
            (DepartmentAdmin, ids(&both_marks)),
        ],
    )
    .await;
    let row = Row {
        name: "student(A1).attendance",
        query: format!(
            "query($id: ID!) {{ student(id: $id) {{ attendance(from: \"{FROM}\", to: \"{TO}\") {{ \
             entries {{ lesson {{ id }} }} }} }} }}"
        ),
        vars: json!({ "id": a1 }),
        path: vec!["student", "attendance", "entries", "lesson", "id"],
    };
    check_row(
        &app,
        &w,
        &row,
        &[
            (ParentOfA, ids(std::slice::from_ref(&lesson_russian))),
            (TeacherOfA, ids(&[])),
            (ClassTeacherOfA, ids(std::slice::from_ref(&lesson_russian))),
            (AdminOfSchool, ids(std::slice::from_ref(&lesson_russian))),
            (ParentOfB, not_found()),
            (Anonymous, anonymous()),
        ],
    )
    .await;
    let row = Row {
        name: "student(A1).finalMarks",
        query: format!(
            "query($id: ID!) {{ student(id: $id) {{ finalMarks(academicYearId: \"{}\") {{ \
             rows {{ subject {{ id }} }} }} }} }}",
            id(Kind::AcademicYear, w.year1)
        ),
        vars: json!({ "id": a1 }),
        path: vec!["student", "finalMarks", "rows", "subject", "id"],
    };
    let russian = vec![id(Kind::Subject, w.russian)];
    check_row(
        &app,
        &w,
        &row,
        &[
            (ParentOfA, ids(&russian)),
            (StudentA, ids(&russian)),
            (TeacherOfA, ids(&[])),
            (ClassTeacherOfA, ids(&russian)),
            (AdminOfSchool, ids(&russian)),
            (AdminOfOtherSchool, not_found()),
        ],
    )
    .await;

    // Birth date and rating: full access only.
    let response = ask(
        &app,
        &w,
        TeacherOfA,
        "query($id: ID!) { student(id: $id) { birthDate } }",
        json!({ "id": a1 }),
    )
    .await;
    assert_eq!(response.assert_ok()["student"]["birthDate"], Value::Null);
    let response = ask(
        &app,
        &w,
        ParentOfA,
        "query($id: ID!) { student(id: $id) { birthDate } }",
        json!({ "id": a1 }),
    )
    .await;
    assert_eq!(response.assert_ok()["student"]["birthDate"], "2015-05-05");
    let row = Row {
        name: "student(A1).rating",
        query: "query($id: ID!) { student(id: $id) { rating { studyPeriod { id } } } }".into(),
        vars: json!({ "id": a1 }),
        path: vec!["student", "rating", "studyPeriod", "id"],
    };
    let quarter = vec![id(Kind::StudyPeriod, w.quarter1)];
    check_row(
        &app,
        &w,
        &row,
        &[
            (ParentOfA, ids(&quarter)),
            (StudentA, ids(&quarter)),
            (TeacherOfA, forbidden()),
            (ClassTeacherOfA, ids(&quarter)),
            (AdminOfSchool, ids(&quarter)),
            (ParentOfB, not_found()),
        ],
    )
    .await;
    Ok(())
}

/// A parent or a student never reaches another child, directly or by the way round.
#[tokio::test]
async fn a_parent_or_a_student_never_reaches_another_child() -> anyhow::Result<()> {
    let (app, w) = world().await?;
    let a2 = id(Kind::Student, w.student_a2);
    let b1 = id(Kind::Student, w.student_b1);

    // Classmates and other classes: a parent or student never reaches another child.
    let row = Row {
        name: "student(id: A2), A1's classmate",
        query: "query($id: ID!) { student(id: $id) { id } }".into(),
        vars: json!({ "id": a2 }),
        path: vec!["student", "id"],
    };
    let a2_only = vec![a2.clone()];
    check_row(
        &app,
        &w,
        &row,
        &[
            (ParentOfA, not_found()),
            (StudentA, not_found()),
            (ParentOfB, not_found()),
            (TeacherOfA, ids(&a2_only)),
            (ClassTeacherOfA, ids(&a2_only)),
            (AdminOfSchool, ids(&a2_only)),
            (TeacherOfOther, not_found()),
        ],
    )
    .await;
    let row = Row {
        name: "student(id: B1), another class",
        query: "query($id: ID!) { student(id: $id) { id } }".into(),
        vars: json!({ "id": b1 }),
        path: vec!["student", "id"],
    };
    let b1_only = vec![b1.clone()];
    check_row(
        &app,
        &w,
        &row,
        &[
            (ParentOfA, not_found()),
            (ParentOfB, ids(&b1_only)),
            (StudentA, not_found()),
            (TeacherOfA, not_found()),
            (TeacherOfOther, ids(&b1_only)),
            (ClassTeacherOfA, not_found()),
            (AdminOfSchool, ids(&b1_only)),
            (AdminOfOtherSchool, not_found()),
            (DepartmentAdmin, ids(&b1_only)),
        ],
    )
    .await;

    // The way round: from one's own child to the class and on to the classmates.
    let row = Row {
        name: "viewer.students.student.classUnit.students.marks",
        query: "{ viewer { students { student { classUnit { students { \
                marks(first: 100) { nodes { id } } } } } } } }"
            .into(),
        vars: json!({}),
        path: vec![
            "viewer",
            "students",
            "student",
            "classUnit",
            "students",
            "marks",
            "nodes",
            "id",
        ],
    };
    check_row(
        &app,
        &w,
        &row,
        &[
            (ParentOfA, forbidden()),
            (ParentOfB, forbidden()),
            (StudentA, forbidden()),
        ],
    )
    .await;
    Ok(())
}

/// The class is seen by its members; its roster and journal by its teachers.
#[tokio::test]
async fn the_class_is_seen_by_its_members_and_its_roster_and_journal_by_its_teachers()
-> anyhow::Result<()> {
    let (app, w) = world().await?;
    let class_a = id(Kind::ClassUnit, w.class_a);
    let mark_math_a1 = id(Kind::Mark, w.mark_math_a1);
    let mark_russian_a1 = id(Kind::Mark, w.mark_russian_a1);
    let mark_math_a2 = id(Kind::Mark, w.mark_math_a2);

    // The class: members see it; only its teachers see the roster.
    let row = Row {
        name: "classUnit(5А)",
        query: "query($id: ID!) { classUnit(id: $id) { id } }".into(),
        vars: json!({ "id": class_a }),
        path: vec!["classUnit", "id"],
    };
    let class_only = vec![class_a.clone()];
    check_row(
        &app,
        &w,
        &row,
        &[
            (Anonymous, anonymous()),
            (ParentOfA, ids(&class_only)),
            (ParentOfB, not_found()),
            (StudentA, ids(&class_only)),
            (TeacherOfA, ids(&class_only)),
            (TeacherOfOther, not_found()),
            (ClassTeacherOfA, ids(&class_only)),
            (AdminOfSchool, ids(&class_only)),
            (AdminOfOtherSchool, not_found()),
            (DepartmentAdmin, ids(&class_only)),
        ],
    )
    .await;
    let row = Row {
        name: "classUnit(5А).students.marks",
        query: "query($id: ID!) { classUnit(id: $id) { students { marks(first: 100) { \
                nodes { id } } } } }"
            .into(),
        vars: json!({ "id": class_a }),
        path: vec!["classUnit", "students", "marks", "nodes", "id"],
    };
    let class_math = vec![mark_math_a1.clone(), mark_math_a2.clone()];
    let class_all = vec![
        mark_math_a1.clone(),
        mark_russian_a1.clone(),
        mark_math_a2.clone(),
    ];
    check_row(
        &app,
        &w,
        &row,
        &[
            (Anonymous, anonymous()),
            (ParentOfA, forbidden()),
            (ParentOfB, not_found()),
            (StudentA, forbidden()),
            (TeacherOfA, ids(&class_math)),
            (TeacherOfOther, not_found()),
            (ClassTeacherOfA, ids(&class_all)),
            (AdminOfSchool, ids(&class_all)),
            (AdminOfOtherSchool, not_found()),
            (DepartmentAdmin, ids(&class_all)),
        ],
    )
    .await;

    // The class journal: the subject's teacher, the class teacher, administrators.
    let row = Row {
        name: "classUnit(5А).journal(Mathematics)",
        query: format!(
            "query($id: ID!, $s: ID!) {{ classUnit(id: $id) {{ journal(subjectId: $s, \
             from: \"{FROM}\", to: \"{TO}\") {{ rows {{ marks {{ id }} }} }} }} }}"
        ),
        vars: json!({ "id": class_a, "s": id(Kind::Subject, w.math) }),
        path: vec!["classUnit", "journal", "rows", "marks", "id"],
    };
    check_row(
        &app,
        &w,
        &row,
        &[
            (ParentOfA, forbidden()),
            (StudentA, forbidden()),
            (TeacherOfA, ids(&class_math)),
            (ClassTeacherOfA, ids(&class_math)),
            (AdminOfSchool, ids(&class_math)),
            (TeacherOfOther, not_found()),
            (DepartmentAdmin, ids(&class_math)),
        ],
    )
    .await;
    let row = Row {
        name: "classUnit(5А).journal(Russian) by the mathematics teacher",
        query: format!(
            "query($id: ID!, $s: ID!) {{ classUnit(id: $id) {{ journal(subjectId: $s, \
             from: \"{FROM}\", to: \"{TO}\") {{ rows {{ marks {{ id }} }} }} }} }}"
        ),
        vars: json!({ "id": class_a, "s": id(Kind::Subject, w.russian) }),
        path: vec!["classUnit", "journal", "rows", "marks", "id"],
    };
    check_row(
        &app,
        &w,
        &row,
        &[
            (TeacherOfA, forbidden()),
            (ClassTeacherOfA, ids(std::slice::from_ref(&mark_russian_a1))),
            (AdminOfSchool, ids(std::slice::from_ref(&mark_russian_a1))),
        ],
    )
    .await;
    Ok(())
}

/// A mark by global id is seen by exactly those who see it elsewhere.
#[tokio::test]
async fn a_mark_by_global_id_is_seen_by_exactly_those_who_see_it_elsewhere() -> anyhow::Result<()> {
    let (app, w) = world().await?;
    let mark_russian_a1 = id(Kind::Mark, w.mark_russian_a1);
    let mark_math_b1 = id(Kind::Mark, w.mark_math_b1);

    // Objects by global id.
    for (mark, name, allowed) in [
        (
            &mark_russian_a1,
            "node(A1's Russian mark)",
            vec![
                ParentOfA,
                StudentA,
                ClassTeacherOfA,
                AdminOfSchool,
                DepartmentAdmin,
            ],
        ),
        (
            &mark_math_b1,
            "node(B1's mark)",
            vec![ParentOfB, TeacherOfOther, AdminOfSchool, DepartmentAdmin],
        ),
    ] {
        let row = Row {
            name,
            query: "query($id: ID!) { node(id: $id) { id } }".into(),
            vars: json!({ "id": mark }),
            path: vec!["node", "id"],
        };
        let expect: Vec<(Who, Expect)> = Who::ALL
            .into_iter()
            .map(|who| {
                let outcome = if who == Anonymous {
                    anonymous()
                } else if allowed.contains(&who) {
                    ids(std::slice::from_ref(mark))
                } else {
                    not_found()
                };
                (who, outcome)
            })
            .collect();
        check_row(&app, &w, &row, &expect).await;
    }
    Ok(())
}

/// A school's staff, classes, subjects and periods are for its members.
#[tokio::test]
async fn a_schools_staff_classes_subjects_and_periods_are_for_its_members() -> anyhow::Result<()> {
    let (app, w) = world().await?;
    let class_a = id(Kind::ClassUnit, w.class_a);
    let class_only = vec![class_a.clone()];

    // The school's staff list: its staff and administrators.
    let row = Row {
        name: "school(1).staff",
        query: "query($id: ID!) { school(id: $id) { staff { lastName } } }".into(),
        vars: json!({ "id": id(Kind::School, w.school1) }),
        path: vec!["school", "staff", "lastName"],
    };
    let school1: Vec<String> = ["Директорова", "Другова", "Классная", "Математикова"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    check_row(
        &app,
        &w,
        &row,
        &[
            (Anonymous, anonymous()),
            (ParentOfA, forbidden()),
            (StudentA, forbidden()),
            (TeacherOfA, ids(&school1)),
            (ClassTeacherOfA, ids(&school1)),
            (AdminOfSchool, ids(&school1)),
            (AdminOfOtherSchool, not_found()),
            (DepartmentAdmin, ids(&school1)),
        ],
    )
    .await;
    let row = Row {
        name: "school(1).classUnits",
        query: "query($id: ID!) { school(id: $id) { classUnits { id } } }".into(),
        vars: json!({ "id": id(Kind::School, w.school1) }),
        path: vec!["school", "classUnits", "id"],
    };
    let class_b = id(Kind::ClassUnit, w.class_b);
    check_row(
        &app,
        &w,
        &row,
        &[
            (ParentOfA, ids(&class_only)),
            (ParentOfB, ids(std::slice::from_ref(&class_b))),
            (TeacherOfA, ids(&class_only)),
            (TeacherOfOther, ids(std::slice::from_ref(&class_b))),
            (AdminOfSchool, ids(&[class_a.clone(), class_b.clone()])),
            (DepartmentAdmin, ids(&[class_a.clone(), class_b.clone()])),
            (AdminOfOtherSchool, not_found()),
        ],
    )
    .await;

    // A school's subjects and years: for its members.
    let school1 = id(Kind::School, w.school1);
    let subjects = vec![id(Kind::Subject, w.math), id(Kind::Subject, w.russian)];
    let row = Row {
        name: "school(1).subjects",
        query: "query($id: ID!) { school(id: $id) { subjects { id } academicYears { id } } }"
            .into(),
        vars: json!({ "id": school1 }),
        path: vec!["school", "subjects", "id"],
    };
    check_row(
        &app,
        &w,
        &row,
        &[
            (Anonymous, anonymous()),
            (ParentOfA, ids(&subjects)),
            (ParentOfB, ids(&subjects)),
            (StudentA, ids(&subjects)),
            (TeacherOfA, ids(&subjects)),
            (TeacherOfOther, ids(&subjects)),
            (ClassTeacherOfA, ids(&subjects)),
            (AdminOfSchool, ids(&subjects)),
            (AdminOfOtherSchool, not_found()),
            (DepartmentAdmin, ids(&subjects)),
        ],
    )
    .await;
    for (name, kind, object) in [
        (
            "node(staff of school 1)",
            "StaffMember",
            id(Kind::StaffMember, w.staff_ta),
        ),
        (
            "node(study period of school 1)",
            "StudyPeriod",
            id(Kind::StudyPeriod, w.quarter1),
        ),
    ] {
        let row = Row {
            name,
            query: format!("query($id: ID!) {{ node(id: $id) {{ ... on {kind} {{ id }} }} }}"),
            vars: json!({ "id": object }),
            path: vec!["node", "id"],
        };
        let only = vec![object.clone()];
        check_row(
            &app,
            &w,
            &row,
            &[
                (Anonymous, anonymous()),
                (ParentOfA, ids(&only)),
                (ParentOfB, ids(&only)),
                (StudentA, ids(&only)),
                (TeacherOfA, ids(&only)),
                (TeacherOfOther, ids(&only)),
                (ClassTeacherOfA, ids(&only)),
                (AdminOfSchool, ids(&only)),
                (AdminOfOtherSchool, not_found()),
                (DepartmentAdmin, ids(&only)),
            ],
        )
        .await;
    }
    Ok(())
}

/// News, the forum and conversations reach their audiences only.
#[tokio::test]
async fn news_the_forum_and_conversations_reach_their_audiences_only() -> anyhow::Result<()> {
    let (app, w) = world().await?;

    // News: the city's, one's schools' and one's classes'.
    let row = Row {
        name: "news",
        query: "{ news(first: 100) { nodes { id scope } } }".into(),
        vars: json!({}),
        path: vec!["news", "nodes", "id"],
    };
    let news_a = id(Kind::NewsItem, w.news_class_a);
    let news_s2 = id(Kind::NewsItem, w.news_school2);
    let city = city_news_id(&app, &w).await;
    check_row(
        &app,
        &w,
        &row,
        &[
            (Anonymous, anonymous()),
            (ParentOfA, ids(&[city.clone(), news_a.clone()])),
            (ParentOfB, ids(std::slice::from_ref(&city))),
            (StudentA, ids(&[city.clone(), news_a.clone()])),
            (TeacherOfA, ids(&[city.clone(), news_a.clone()])),
            (TeacherOfOther, ids(std::slice::from_ref(&city))),
            (AdminOfSchool, ids(&[city.clone(), news_a.clone()])),
            (AdminOfOtherSchool, ids(&[city.clone(), news_s2.clone()])),
            (
                DepartmentAdmin,
                ids(&[city.clone(), news_a.clone(), news_s2.clone()]),
            ),
        ],
    )
    .await;

    // The class forum: the class's members.
    let thread = id(Kind::ForumThread, w.thread_class_a);
    let row = Row {
        name: "forumThread(5А) posts",
        query: "query($id: ID!) { forumThread(id: $id) { id posts { nodes { body } } } }".into(),
        vars: json!({ "id": thread }),
        path: vec!["forumThread", "id"],
    };
    let thread_only = vec![thread.clone()];
    check_row(
        &app,
        &w,
        &row,
        &[
            (Anonymous, anonymous()),
            (ParentOfA, ids(&thread_only)),
            (ParentOfB, not_found()),
            (StudentA, ids(&thread_only)),
            (TeacherOfA, ids(&thread_only)),
            (TeacherOfOther, not_found()),
            (ClassTeacherOfA, ids(&thread_only)),
            (AdminOfSchool, ids(&thread_only)),
            (AdminOfOtherSchool, not_found()),
            (DepartmentAdmin, ids(&thread_only)),
        ],
    )
    .await;
    let row = Row {
        name: "forumThreads",
        query: "{ forumThreads { nodes { id } } }".into(),
        vars: json!({}),
        path: vec!["forumThreads", "nodes", "id"],
    };
    check_row(
        &app,
        &w,
        &row,
        &[
            (ParentOfA, ids(&thread_only)),
            (AdminOfSchool, ids(&thread_only)),
            (ParentOfB, ids(&[])),
            (TeacherOfOther, ids(&[])),
            (AdminOfOtherSchool, ids(&[])),
        ],
    )
    .await;

    // Conversations: participants only — not even the department administrator.
    let conversation = id(Kind::Conversation, w.conversation_pa_ct);
    let row = Row {
        name: "node(conversation) messages",
        query: "query($id: ID!) { node(id: $id) { id ... on Conversation { messages { \
                nodes { body } } } } }"
            .into(),
        vars: json!({ "id": conversation }),
        path: vec!["node", "id"],
    };
    let conversation_only = vec![conversation.clone()];
    check_row(
        &app,
        &w,
        &row,
        &[
            (Anonymous, anonymous()),
            (ParentOfA, ids(&conversation_only)),
            (ParentOfB, not_found()),
            (StudentA, not_found()),
            (TeacherOfA, not_found()),
            (ClassTeacherOfA, ids(&conversation_only)),
            (AdminOfSchool, not_found()),
            (DepartmentAdmin, not_found()),
        ],
    )
    .await;
    let row = Row {
        name: "conversations",
        query: "{ conversations { nodes { id unreadCount } } }".into(),
        vars: json!({}),
        path: vec!["conversations", "nodes", "id"],
    };
    check_row(
        &app,
        &w,
        &row,
        &[
            (ParentOfA, ids(&conversation_only)),
            (ClassTeacherOfA, ids(&conversation_only)),
            (AdminOfSchool, ids(&[])),
            (ParentOfB, ids(&[])),
            (DepartmentAdmin, ids(&[])),
        ],
    )
    .await;
    Ok(())
}

/// Remarks, homework, assessments and the week's schedule are scoped like the diary.
#[tokio::test]
async fn remarks_homework_assessments_and_the_schedule_are_scoped_like_the_diary()
-> anyhow::Result<()> {
    let (app, w) = world().await?;
    let a1 = id(Kind::Student, w.student_a1);
    let lesson_math = id(Kind::Lesson, w.lesson_math_a);
    let lesson_russian = id(Kind::Lesson, w.lesson_russian_a);

    // Remarks are about one child: at a lesson, seen by whoever sees that lesson of the child.
    let remark = id(
        Kind::Remark,
        dnevnik_tests::matrix::scalar(&app, "SELECT MIN(id) AS n FROM remarks").await,
    );
    let remark_only = vec![remark];
    let row = Row {
        name: "student(A1).diary remarks",
        query: format!(
            "query($id: ID!) {{ student(id: $id) {{ diary(from: \"{FROM}\", to: \"{TO}\") {{ \
             lessons {{ remarks {{ id }} }} }} }} }}"
        ),
        vars: json!({ "id": a1 }),
        path: vec!["student", "diary", "lessons", "remarks", "id"],
    };
    check_row(
        &app,
        &w,
        &row,
        &[
            (Anonymous, anonymous()),
            (ParentOfA, ids(&remark_only)),
            (ParentOfB, not_found()),
            (StudentA, ids(&remark_only)),
            (TeacherOfA, ids(&remark_only)),
            (TeacherOfOther, not_found()),
            (ClassTeacherOfA, ids(&remark_only)),
            (AdminOfSchool, ids(&remark_only)),
            (AdminOfOtherSchool, not_found()),
            (DepartmentAdmin, ids(&remark_only)),
        ],
    )
    .await;

    // Homework of A1's class, through the student and by id.
    let homework_only = vec![id(Kind::Homework, w.homework_a)];
    let row = Row {
        name: "student(A1).homework",
        query: "query($id: ID!) { student(id: $id) { homework(from: \"2026-11-01\", to: \"2026-12-31\") { id } } }".into(),
        vars: json!({ "id": a1 }),
        path: vec!["student", "homework", "id"],
    };
    check_row(
        &app,
        &w,
        &row,
        &[
            (Anonymous, anonymous()),
            (ParentOfA, ids(&homework_only)),
            (ParentOfB, not_found()),
            (StudentA, ids(&homework_only)),
            (TeacherOfA, ids(&homework_only)),
            (TeacherOfOther, not_found()),
            (ClassTeacherOfA, ids(&homework_only)),
            (AdminOfSchool, ids(&homework_only)),
            (AdminOfOtherSchool, not_found()),
            (DepartmentAdmin, ids(&homework_only)),
        ],
    )
    .await;
    // The city diagnostics result (Mathematics) and the week's timetable (scoped like the diary).
    let assessment_only = vec![id(
        Kind::ExternalAssessment,
        dnevnik_tests::matrix::scalar(&app, "SELECT MIN(id) AS n FROM external_assessments").await,
    )];
    let both_lessons = vec![lesson_math.clone(), lesson_russian.clone()];
    let math_lesson = vec![lesson_math.clone()];
    for (name, query, path, family, subject_teacher) in [
        (
            "student(A1).externalAssessments",
            "query($id: ID!) { student(id: $id) { externalAssessments { id } } }".to_owned(),
            vec!["student", "externalAssessments", "id"],
            &assessment_only,
            &assessment_only,
        ),
        (
            "student(A1).schedule",
            format!(
                "query($id: ID!) {{ student(id: $id) {{ schedule(weekOf: \"{FROM}\") {{ lessons {{ id }} }} }} }}"
            ),
            vec!["student", "schedule", "lessons", "id"],
            &both_lessons,
            &math_lesson,
        ),
    ] {
        let row = Row {
            name,
            query,
            vars: json!({ "id": a1 }),
            path,
        };
        check_row(
            &app,
            &w,
            &row,
            &[
                (Anonymous, anonymous()),
                (ParentOfA, ids(family)),
                (ParentOfB, not_found()),
                (StudentA, ids(family)),
                (TeacherOfA, ids(subject_teacher)),
                (TeacherOfOther, not_found()),
                (ClassTeacherOfA, ids(family)),
                (AdminOfSchool, ids(family)),
                (AdminOfOtherSchool, not_found()),
                (DepartmentAdmin, ids(family)),
            ],
        )
        .await;
    }
    Ok(())
}

/// The class's timetable and its objects by global id are for the class's members.
#[tokio::test]
async fn the_classs_timetable_and_its_objects_are_for_the_classs_members() -> anyhow::Result<()> {
    let (app, w) = world().await?;
    let class_a = id(Kind::ClassUnit, w.class_a);
    let lesson_math = id(Kind::Lesson, w.lesson_math_a);
    let lesson_russian = id(Kind::Lesson, w.lesson_russian_a);
    let both_lessons = vec![lesson_math.clone(), lesson_russian.clone()];

    // The class timetable is the class's: every member sees every lesson of it.
    let row = Row {
        name: "classUnit(5А).lessons",
        query: format!(
            "query($id: ID!) {{ classUnit(id: $id) {{ lessons(from: \"{FROM}\", to: \"{TO}\") {{ id }} }} }}"
        ),
        vars: json!({ "id": class_a }),
        path: vec!["classUnit", "lessons", "id"],
    };
    check_row(
        &app,
        &w,
        &row,
        &[
            (Anonymous, anonymous()),
            (ParentOfA, ids(&both_lessons)),
            (ParentOfB, not_found()),
            (StudentA, ids(&both_lessons)),
            (TeacherOfA, ids(&both_lessons)),
            (TeacherOfOther, not_found()),
            (ClassTeacherOfA, ids(&both_lessons)),
            (AdminOfSchool, ids(&both_lessons)),
            (AdminOfOtherSchool, not_found()),
            (DepartmentAdmin, ids(&both_lessons)),
        ],
    )
    .await;
    for (name, kind, object, path) in [
        (
            "node(homework of 5А)",
            "Homework",
            id(Kind::Homework, w.homework_a),
            "id",
        ),
        ("node(lesson of 5А)", "Lesson", lesson_math.clone(), "id"),
        (
            "node(class news of 5А)",
            "NewsItem",
            id(Kind::NewsItem, w.news_class_a),
            "id",
        ),
    ] {
        let row = Row {
            name,
            query: format!("query($id: ID!) {{ node(id: $id) {{ ... on {kind} {{ {path} }} }} }}"),
            vars: json!({ "id": object }),
            path: vec!["node", "id"],
        };
        let only = vec![object.clone()];
        check_row(
            &app,
            &w,
            &row,
            &[
                (Anonymous, anonymous()),
                (ParentOfA, ids(&only)),
                (ParentOfB, not_found()),
                (StudentA, ids(&only)),
                (TeacherOfA, ids(&only)),
                (TeacherOfOther, not_found()),
                (ClassTeacherOfA, ids(&only)),
                (AdminOfSchool, ids(&only)),
                (AdminOfOtherSchool, not_found()),
                (DepartmentAdmin, ids(&only)),
            ],
        )
        .await;
    }
    Ok(())
}

async fn city_news_id(app: &TestApp, w: &World) -> String {
    let response = ask(
        app,
        w,
        DepartmentAdmin,
        "{ news(first: 100) { nodes { id scope } } }",
        json!({}),
    )
    .await;
    response.assert_ok()["news"]["nodes"]
        .as_array()
        .and_then(|nodes| nodes.iter().find(|n| n["scope"] == "CITY"))
        .and_then(|n| n["id"].as_str())
        .unwrap_or_default()
        .to_owned()
}

/// Root fields an anonymous caller may use: signing in, and `viewer`, which is `null` for
/// them. Everything else the schema serves must answer `UNAUTHENTICATED`.
const PUBLIC_ROOTS: &[&str] = &["login", "logout", "viewer"];

/// A valid value for a required argument of a type, by introspection: enough to get past
/// validation to the resolver, whose first question is who is asking.
fn sample(t: &Value, served: &Value, ids: &str, depth: usize) -> Value {
    match t["kind"].as_str() {
        Some("NON_NULL") => sample(&t["ofType"], served, ids, depth),
        Some("LIST") => json!([sample(&t["ofType"], served, ids, depth)]),
        _ => {
            let name = t["name"].as_str().unwrap_or_default();
            let declared = schema::declared(served, name);
            match (t["kind"].as_str(), name) {
                (Some("ENUM"), _) => declared
                    .and_then(|d| d["enumValues"][0]["name"].as_str())
                    .map_or(Value::Null, |v| json!(v)),
                (Some("INPUT_OBJECT"), _) if depth < 4 => {
                    let mut object = serde_json::Map::new();
                    for field in declared
                        .and_then(|d| d["inputFields"].as_array())
                        .into_iter()
                        .flatten()
                        .filter(|f| f["type"]["kind"] == "NON_NULL")
                    {
                        object.insert(
                            field["name"].as_str().unwrap_or_default().to_owned(),
                            sample(&field["type"], served, ids, depth + 1),
                        );
                    }
                    Value::Object(object)
                }
                (_, "ID") => json!(ids),
                (_, "Date") => json!("2026-11-18"),
                (_, "DateTime") => json!("2026-11-18T09:00:00Z"),
                (_, "LocalTime") => json!("09:00"),
                (_, "Int") => json!(1),
                (_, "Float") => json!(1.0),
                (_, "Boolean") => json!(true),
                _ => json!("x"),
            }
        }
    }
}

/// Every root query and mutation the server serves, new ones included, asked anonymously
/// with valid arguments: each answers `UNAUTHENTICATED`, except the few that are public.
#[tokio::test]
async fn every_served_root_field_refuses_an_anonymous_caller() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await?;
    let a1 = id(Kind::Student, w.student_a1);
    let served = schema::served(&app, None).await;
    let mut asked = 0;
    let mut wrong = Vec::new();
    for (operation, root) in [
        ("query", &served["queryType"]["name"]),
        ("mutation", &served["mutationType"]["name"]),
    ] {
        let fields = schema::fields(&served, root.as_str().unwrap_or_default());
        for field in fields {
            let name = field["name"].as_str().unwrap_or_default();
            if PUBLIC_ROOTS.contains(&name) {
                continue;
            }
            let required: Vec<&Value> = field["args"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|a| a["type"]["kind"] == "NON_NULL")
                .collect();
            let mut declared = Vec::new();
            let mut passed = Vec::new();
            let mut variables = serde_json::Map::new();
            // An id of the kind the field looks up, so that the answer cannot be a
            // `NOT_FOUND` for a wrong kind.
            let real = match name {
                "classUnit" => id(Kind::ClassUnit, w.class_a),
                "school" => id(Kind::School, w.school1),
                "forumThread" => id(Kind::ForumThread, w.thread_class_a),
                _ => a1.clone(),
            };
            for (i, arg) in required.iter().enumerate() {
                declared.push(format!("$a{i}: {}", schema::type_text(&arg["type"])));
                passed.push(format!(
                    "{}: $a{i}",
                    arg["name"].as_str().unwrap_or_default()
                ));
                variables.insert(format!("a{i}"), sample(&arg["type"], &served, &real, 0));
            }
            let selection = schema::selection(&field["type"]);
            let arguments = if passed.is_empty() {
                String::new()
            } else {
                format!("({})", passed.join(", "))
            };
            let header = if declared.is_empty() {
                operation.to_owned()
            } else {
                format!("{operation}({})", declared.join(", "))
            };
            let query = format!("{header} {{ {name}{arguments}{selection} }}");
            let response = app.graphql(&query, Value::Object(variables)).await;
            asked += 1;
            if response.error_codes() != ["UNAUTHENTICATED"] {
                wrong.push(format!("{query} -> {}", response.body));
            }
        }
    }
    assert!(asked > 50, "only {asked} root fields asked");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The public ones: `viewer` is null for nobody.
    let response = app
        .graphql("{ viewer { account { id } } }", json!({}))
        .await;
    assert_eq!(response.assert_ok()["viewer"], Value::Null);
    Ok(())
}
