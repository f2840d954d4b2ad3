//! The back-office through the API: registering, matching, approving with a sealed code,
//! refusing with reasons, codes and guardianships, the catalogue and the calendar — each under
//! the policy, each audited.

use chrono::{Datelike, Days, NaiveDate, Utc, Weekday};
use dnevnik_entities as e;
use dnevnik_entities::enums::{AccountStatus, Role};
use dnevnik_server::graphql::ids::{Kind, encode};
use dnevnik_tests::builders::SchoolFixture;
use dnevnik_tests::matrix::scalar;
use dnevnik_tests::{TestApp, sql};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};
use serde_json::{Value, json};

fn id(kind: Kind, n: i64) -> String {
    encode(kind, n).0
}

const REGISTER: &str = "mutation($input: RegisterAccessApplicationInput!) {
  registerAccessApplication(input: $input) { accessApplication { id status dueOn receivedOn
    findings { noMatchingStudent documentsMissing } candidates { id } } } }";

/// An unlinked demo student: (id, last, first, middle, birth date, class).
async fn unlinked_student(app: &TestApp) -> (i64, String, String, String, String, String) {
    let query = "SELECT s.id AS id, s.last_name AS l, s.first_name AS f, \
                 COALESCE(s.middle_name, '') AS m, s.birth_date AS b, c.name AS c \
                 FROM students s JOIN class_units c ON c.id = s.class_unit_id \
                 WHERE s.id NOT IN (SELECT student_id FROM guardianships) AND s.account_id IS NULL \
                 ORDER BY s.id LIMIT 1";
    let row = sql::one(&app.db, query).await;
    let text = |c: &str| sql::get::<String>(&row, query, c);
    let birth: NaiveDate = sql::get(&row, query, "b");
    (
        sql::get(&row, query, "id"),
        text("l"),
        text("f"),
        text("m"),
        birth.to_string(),
        text("c"),
    )
}

async fn school_id(app: &TestApp) -> String {
    id(
        Kind::School,
        scalar(app, "SELECT MIN(id) AS n FROM schools").await,
    )
}

fn application_input(
    school: &str,
    child: &(i64, String, String, String, String, String),
    complete: bool,
) -> Value {
    json!({
        "schoolId": school,
        "accessKind": "GUARDIAN",
        "applicantLastName": "Тестова",
        "applicantFirstName": "Ирина",
        "applicantRelation": "MOTHER",
        "identityDocumentType": "PASSPORT_RF",
        "identityDocumentLastDigits": "1234",
        "childLastName": child.1,
        "childFirstName": child.2,
        "childMiddleName": child.3,
        "childBirthDate": child.4,
        "childClassName": child.5,
        "documents": {
            "applicationForm": true,
            "birthCertificate": complete,
            "guardianshipDocument": false,
            "identityDocument": true,
        },
    })
}

async fn register(app: &TestApp, token: &str, input: Value) -> Value {
    let response = app
        .graphql_as(token, REGISTER, json!({ "input": input }))
        .await;
    response.assert_ok()["registerAccessApplication"]["accessApplication"].clone()
}

fn business_days_after(day: NaiveDate, n: u32, holidays: &[NaiveDate]) -> NaiveDate {
    let mut d = day;
    let mut left = n;
    while left > 0 {
        d = d.checked_add_days(Days::new(1)).unwrap_or(d);
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&d) {
            left -= 1;
        }
    }
    d
}

#[tokio::test]
async fn an_application_is_due_three_business_days_later_and_approval_issues_a_code_once() {
    let app = TestApp::spawn_demo().await;
    let admin = app.sign_in("admin", "demo-admin").await;
    let child = unlinked_student(&app).await;
    let school = school_id(&app).await;
    // Received on a Friday before a public holiday on Monday: due on Thursday.
    let friday = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or(NaiveDate::MIN);
    app.db
        .execute_unprepared(
            "INSERT INTO calendar_days (date, kind, name) VALUES ('2026-11-23', 'holiday', 'Тест')",
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut input = application_input(&school, &child, true);
    input["receivedOn"] = json!(friday.to_string());
    let application = register(&app, &admin, input).await;
    let holiday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or(NaiveDate::MIN);
    assert_eq!(application["status"], "RECEIVED");
    assert_eq!(
        application["dueOn"],
        business_days_after(friday, 3, &[holiday]).to_string()
    );
    assert_eq!(application["dueOn"], "2026-11-26");
    assert_eq!(
        application["candidates"][0]["id"],
        id(Kind::Student, child.0)
    );

    let app_id = application["id"].as_str().unwrap_or_default().to_owned();
    let approve = "mutation($a: ID!) { approveAccessApplication(input: {applicationId: $a}) {
        accessApplication { status } issued { code accessCode { state } } } }";
    // Not before the child is matched to a record.
    let early = app
        .graphql_as(&admin, approve, json!({ "a": app_id }))
        .await;
    assert_eq!(early.error_codes(), vec!["BAD_USER_INPUT"]);
    let matched = app
        .graphql_as(
            &admin,
            "mutation($a: ID!, $s: ID!) { matchAccessApplication(input: {applicationId: $a, studentId: $s}) {
                accessApplication { status findings { birthDateDiffers classDiffers nameDiffers } } } }",
            json!({ "a": app_id, "s": id(Kind::Student, child.0) }),
        )
        .await;
    let matched = matched.assert_ok()["matchAccessApplication"]["accessApplication"].clone();
    assert_eq!(matched["status"], "IN_REVIEW");
    assert_eq!(
        matched["findings"],
        json!({ "birthDateDiffers": false, "classDiffers": false, "nameDiffers": false })
    );
    let approved = app
        .graphql_as(&admin, approve, json!({ "a": app_id }))
        .await;
    let approved = approved.assert_ok()["approveAccessApplication"].clone();
    assert_eq!(approved["accessApplication"]["status"], "APPROVED");
    assert_eq!(approved["issued"]["accessCode"]["state"], "PRINTED");
    let code = approved["issued"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(code.len(), 24);
    // A second decision is a conflict; the code is never shown again.
    let again = app
        .graphql_as(&admin, approve, json!({ "a": app_id }))
        .await;
    assert_eq!(again.error_codes(), vec!["CONFLICT"]);
    let listed = app
        .graphql_as(
            &admin,
            "query($a: ID!) { accessApplication(id: $a) { accessCodes { state } } }",
            json!({ "a": app_id }),
        )
        .await;
    assert!(!listed.body.to_string().contains(&code));

    // The parent redeems it and sees the child.
    let (status, _) = app.sign_in_dev("parent2", "demo-parent").await;
    assert_eq!(status, 303);
    let redeemed = app
        .graphql(
            "mutation($c: String!) { redeemAccessCode(input: {code: $c}) { student { id } } }",
            json!({ "c": code }),
        )
        .await;
    assert_eq!(
        redeemed.assert_ok()["redeemAccessCode"]["student"]["id"],
        id(Kind::Student, child.0)
    );
    let codes = app
        .graphql_as(
            &admin,
            "query($a: ID!) { accessApplication(id: $a) { accessCodes { state } } }",
            json!({ "a": app_id }),
        )
        .await;
    assert_eq!(
        codes.assert_ok()["accessApplication"]["accessCodes"][0]["state"],
        "REDEEMED"
    );
    for action in [
        "access_application.registered",
        "access_application.matched",
        "access_application.approved",
        "access_code.issued",
    ] {
        let n = scalar(
            &app,
            &format!("SELECT COUNT(*) AS n FROM audit_events WHERE action = '{action}'"),
        )
        .await;
        assert!(n >= 1, "{action}");
    }
}

#[tokio::test]
async fn incomplete_documents_cannot_be_approved_and_a_refusal_shows_its_reasons() {
    let app = TestApp::spawn_demo().await;
    let admin = app.sign_in("admin", "demo-admin").await;
    let child = unlinked_student(&app).await;
    let school = school_id(&app).await;
    let application = register(&app, &admin, application_input(&school, &child, false)).await;
    assert_eq!(application["findings"]["documentsMissing"], true);
    let app_id = application["id"].as_str().unwrap_or_default().to_owned();
    app.graphql_as(
        &admin,
        "mutation($a: ID!, $s: ID!) { matchAccessApplication(input: {applicationId: $a, studentId: $s}) { accessApplication { id } } }",
        json!({ "a": app_id, "s": id(Kind::Student, child.0) }),
    )
    .await
    .assert_ok();
    let approve = app
        .graphql_as(
            &admin,
            "mutation($a: ID!) { approveAccessApplication(input: {applicationId: $a}) { issued { code } } }",
            json!({ "a": app_id }),
        )
        .await;
    assert_eq!(approve.error_codes(), vec!["BAD_USER_INPUT"]);
    let reasons = app
        .graphql_as(
            &admin,
            "{ refusalReasons { id code requiresComment } }",
            json!({}),
        )
        .await;
    let reasons = reasons.assert_ok()["refusalReasons"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let by_code = |code: &str| {
        reasons
            .iter()
            .find(|r| r["code"] == code)
            .map(|r| r["id"].as_str().unwrap_or_default().to_owned())
            .unwrap_or_default()
    };
    let refuse = "mutation($a: ID!, $r: [ID!]!, $c: String) { refuseAccessApplication(input: {applicationId: $a, reasonIds: $r, comment: $c}) {
        accessApplication { status decisionComment refusalReasons { code } } } }";
    // "Other" needs a comment; no reason at all is refused too.
    let no_comment = app
        .graphql_as(
            &admin,
            refuse,
            json!({ "a": app_id, "r": [by_code("other")] }),
        )
        .await;
    assert_eq!(no_comment.error_codes(), vec!["BAD_USER_INPUT"]);
    assert_eq!(
        no_comment.body["errors"][0]["extensions"]["field"],
        "comment"
    );
    let no_reason = app
        .graphql_as(&admin, refuse, json!({ "a": app_id, "r": [] }))
        .await;
    assert_eq!(no_reason.error_codes(), vec!["BAD_USER_INPUT"]);
    let refused = app
        .graphql_as(
            &admin,
            refuse,
            json!({ "a": app_id, "r": [by_code("incomplete_documents"), by_code("other")], "c": "Нет свидетельства" }),
        )
        .await;
    let refused = refused.assert_ok()["refuseAccessApplication"]["accessApplication"].clone();
    assert_eq!(refused["status"], "REFUSED");
    assert_eq!(refused["decisionComment"], "Нет свидетельства");
    let codes: Vec<&str> = refused["refusalReasons"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"incomplete_documents") && codes.contains(&"other"),
        "{codes:?}"
    );
}

#[tokio::test]
async fn registration_rejects_bad_input_with_a_field_and_writes_nothing() {
    let app = TestApp::spawn_demo().await;
    let admin = app.sign_in("admin", "demo-admin").await;
    let child = unlinked_student(&app).await;
    let school = school_id(&app).await;
    let before = scalar(&app, "SELECT COUNT(*) AS n FROM access_applications").await;
    let cases = [
        ("identityDocumentLastDigits", json!("4512 345678")),
        ("applicantLastName", json!("  ")),
        ("childBirthDate", json!("2024-01-01")),
        ("receivedOn", json!("2099-01-01")),
        ("applicantEmail", json!("not-an-address")),
    ];
    for (field, value) in cases {
        let mut input = application_input(&school, &child, true);
        input[field] = value;
        let response = app
            .graphql_as(&admin, REGISTER, json!({ "input": input }))
            .await;
        assert_eq!(
            response.error_codes(),
            vec!["BAD_USER_INPUT"],
            "{field}: {}",
            response.body
        );
        assert_eq!(
            response.body["errors"][0]["extensions"]["field"], field,
            "{}",
            response.body
        );
    }
    // A student applying as a parent, or a parent for student access.
    let mut input = application_input(&school, &child, true);
    input["accessKind"] = json!("STUDENT");
    let response = app
        .graphql_as(&admin, REGISTER, json!({ "input": input }))
        .await;
    assert_eq!(response.error_codes(), vec!["BAD_USER_INPUT"]);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) AS n FROM access_applications").await,
        before
    );
}

async fn other_school_admin(app: &TestApp) -> (String, i64) {
    let other = SchoolFixture::create(&app.db, "Другая")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let now = Utc::now();
    let account = e::account::ActiveModel {
        display_name: Set("Чужой Администратор".to_owned()),
        status: Set(AccountStatus::Active),
        confirmed: Set(true),
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
    (app.session_for(account.id).await, other.school_id)
}

#[tokio::test]
async fn only_the_schools_administrators_may_act_on_its_applications() {
    let app = TestApp::spawn_demo().await;
    let admin = app.sign_in("admin", "demo-admin").await;
    let teacher = app.sign_in("teacher", "demo-teacher").await;
    let dept = app.sign_in("deptadmin", "demo-dept").await;
    let (stranger, _) = other_school_admin(&app).await;
    let school = school_id(&app).await;
    let child = unlinked_student(&app).await;
    // Registering: the school's admin and the department; not a teacher nor another school.
    for (token, expected) in [(&teacher, "FORBIDDEN"), (&stranger, "FORBIDDEN")] {
        let response = app
            .graphql_as(
                token,
                REGISTER,
                json!({ "input": application_input(&school, &child, true) }),
            )
            .await;
        assert_eq!(response.error_codes(), vec![expected]);
    }
    let anonymous = app
        .graphql(
            REGISTER,
            json!({ "input": application_input(&school, &child, true) }),
        )
        .await;
    assert_eq!(anonymous.error_codes(), vec!["UNAUTHENTICATED"]);
    register(&app, &dept, application_input(&school, &child, true)).await;
    let application = register(&app, &admin, application_input(&school, &child, true)).await;
    let app_id = application["id"].as_str().unwrap_or_default().to_owned();
    // Another school's administrator does not even see it.
    for query in [
        "query($a: ID!) { accessApplication(id: $a) { id } }",
        "query($a: ID!) { node(id: $a) { id } }",
    ] {
        let response = app
            .graphql_as(&stranger, query, json!({ "a": app_id }))
            .await;
        assert_eq!(response.error_codes(), vec!["NOT_FOUND"], "{query}");
    }
    let queue = app
        .graphql_as(
            &stranger,
            "query($s: ID!) { accessApplications(schoolId: $s) { nodes { id } } }",
            json!({ "s": school }),
        )
        .await;
    assert_eq!(queue.error_codes(), vec!["FORBIDDEN"]);
    let withdraw = app
        .graphql_as(&teacher, "mutation($a: ID!) { withdrawAccessApplication(input: {applicationId: $a}) { accessApplication { id } } }", json!({ "a": app_id }))
        .await;
    assert_eq!(withdraw.error_codes(), vec!["NOT_FOUND"]);
    // The queue filters.
    let overdue = app
        .graphql_as(&admin, "query($s: ID!) { accessApplications(schoolId: $s, overdue: true, first: 100) { nodes { status dueOn } } }", json!({ "s": school }))
        .await;
    let today = dnevnik_tests::today().to_string();
    for node in overdue.assert_ok()["accessApplications"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
    {
        assert!(
            node["dueOn"].as_str().unwrap_or_default() < today.as_str(),
            "{node}"
        );
        assert!(node["status"] == "RECEIVED" || node["status"] == "IN_REVIEW");
    }
    let search = app
        .graphql_as(&admin, "query($s: ID!, $q: String) { accessApplications(schoolId: $s, search: $q) { nodes { childLastName } } }", json!({ "s": school, "q": child.1 }))
        .await;
    let found = search.assert_ok()["accessApplications"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!found.is_empty() && found.iter().all(|n| n["childLastName"] == child.1));
}

#[tokio::test]
async fn unlinking_a_parent_takes_effect_at_once() {
    let app = TestApp::spawn_demo().await;
    let admin = app.sign_in("admin", "demo-admin").await;
    let (status, _) = app.sign_in_dev("parent", "demo-parent").await;
    assert_eq!(status, 303);
    let mine = app
        .graphql(
            "{ viewer { students { student { id guardianships { id } } } } }",
            json!({}),
        )
        .await;
    // A parent does not see the school's list of guardians.
    assert!(
        mine.error_codes().contains(&"FORBIDDEN".to_owned()),
        "{}",
        mine.body
    );
    let students = app
        .graphql("{ viewer { students { student { id } } } }", json!({}))
        .await;
    let first = students.assert_ok()["viewer"]["students"][0]["student"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let links = app
        .graphql_as(&admin, "query($s: ID!) { student(id: $s) { guardianships { id label account { displayName } } } }", json!({ "s": first }))
        .await;
    let link = links.assert_ok()["student"]["guardianships"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (teacher_token, other) = (app.sign_in("teacher", "demo-teacher").await, link.clone());
    let refused = app
        .graphql_as(&teacher_token, "mutation($g: ID!) { unlinkGuardianship(input: {guardianshipId: $g}) { guardianshipId } }", json!({ "g": other }))
        .await;
    assert_eq!(refused.error_codes(), vec!["NOT_FOUND"]);
    app.graphql_as(
        &admin,
        "mutation($g: ID!) { unlinkGuardianship(input: {guardianshipId: $g}) { guardianshipId } }",
        json!({ "g": link }),
    )
    .await
    .assert_ok();
    let after = app
        .graphql("{ viewer { students { student { id } } } }", json!({}))
        .await;
    let remaining = after.assert_ok()["viewer"]["students"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(remaining.len(), 1);
    let gone = app
        .graphql(
            "query($s: ID!) { student(id: $s) { id } }",
            json!({ "s": first }),
        )
        .await;
    assert_eq!(gone.error_codes(), vec!["NOT_FOUND"]);
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'guardianship.removed'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn codes_are_handed_over_revoked_and_reissued_and_class_envelopes_cover_a_class() {
    let app = TestApp::spawn_demo().await;
    let admin = app.sign_in("admin", "demo-admin").await;
    let class_a = scalar(&app, "SELECT id AS n FROM class_units WHERE name = '5А'").await;
    let class_b = scalar(&app, "SELECT id AS n FROM class_units WHERE name = '6Б'").await;
    let issue = "mutation($c: ID!) { issueClassStudentCodes(input: {classUnitId: $c}) { envelopes { student { id } issued { code accessCode { id state } } } } }";
    // The class teacher of 5А may print its envelopes; not those of 6Б, which they only teach.
    let teacher = app.sign_in("teacher", "demo-teacher").await;
    let theirs = app
        .graphql_as(
            &teacher,
            issue,
            json!({ "c": id(Kind::ClassUnit, class_a) }),
        )
        .await;
    let envelopes = theirs.assert_ok()["issueClassStudentCodes"]["envelopes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let without_sign_in = scalar(&app, &format!("SELECT COUNT(*) AS n FROM students WHERE class_unit_id = {class_a} AND account_id IS NULL")).await;
    assert_eq!(envelopes.len() as i64, without_sign_in);
    let not_theirs = app
        .graphql_as(
            &teacher,
            issue,
            json!({ "c": id(Kind::ClassUnit, class_b) }),
        )
        .await;
    assert_eq!(not_theirs.error_codes(), vec!["NOT_FOUND"]);
    let code_id = envelopes[0]["issued"]["accessCode"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let old_code = envelopes[0]["issued"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let hand = app
        .graphql_as(&admin, "mutation($c: ID!) { markAccessCodeHandedOver(input: {accessCodeId: $c}) { accessCode { state handedOverAt } } }", json!({ "c": code_id }))
        .await;
    assert_eq!(
        hand.assert_ok()["markAccessCodeHandedOver"]["accessCode"]["state"],
        "HANDED_OVER"
    );
    let reissued = app
        .graphql_as(&admin, "mutation($c: ID!) { reissueAccessCode(input: {accessCodeId: $c}) { issued { code accessCode { id } } } }", json!({ "c": code_id }))
        .await;
    let new_code = reissued.assert_ok()["reissueAccessCode"]["issued"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_ne!(new_code, old_code);
    // The old code no longer works; the new one does.
    let (_, parent_like) = {
        let now = Utc::now();
        let account = e::account::ActiveModel {
            display_name: Set("Ученик".to_owned()),
            status: Set(AccountStatus::Active),
            confirmed: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        (account.id, app.session_for(account.id).await)
    };
    let redeem = "mutation($c: String!) { redeemAccessCode(input: {code: $c}) { guardian } }";
    let old = app
        .graphql_as(&parent_like, redeem, json!({ "c": old_code }))
        .await;
    assert_eq!(old.error_codes(), vec!["BAD_USER_INPUT"]);
    let new = app
        .graphql_as(&parent_like, redeem, json!({ "c": new_code }))
        .await;
    assert_eq!(new.assert_ok()["redeemAccessCode"]["guardian"], false);
    // Revoking a used code is a conflict.
    let new_id = reissued.body["data"]["reissueAccessCode"]["issued"]["accessCode"]["id"].clone();
    let revoke = app
        .graphql_as(&admin, "mutation($c: ID!) { revokeAccessCode(input: {accessCodeId: $c}) { accessCode { state } } }", json!({ "c": new_id }))
        .await;
    assert_eq!(revoke.error_codes(), vec!["CONFLICT"]);
}

#[tokio::test]
async fn only_the_department_keeps_the_catalogue_of_refusal_reasons() {
    let app = TestApp::spawn_demo().await;
    let admin = app.sign_in("admin", "demo-admin").await;
    let dept = app.sign_in("deptadmin", "demo-dept").await;
    let create = "mutation { createRefusalReason(input: {code: \"no_signature\", titleRu: \"Нет подписи\", titleEn: \"No signature\"}) { refusalReason { id active } } }";
    assert_eq!(
        app.graphql_as(&admin, create, json!({}))
            .await
            .error_codes(),
        vec!["FORBIDDEN"]
    );
    let created = app.graphql_as(&dept, create, json!({})).await;
    let reason = created.assert_ok()["createRefusalReason"]["refusalReason"]["id"].clone();
    assert_eq!(
        created.data()["createRefusalReason"]["refusalReason"]["active"],
        true
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) AS n FROM refusal_reasons WHERE code = 'no_signature' \
             AND title_ru = 'Нет подписи' AND title_en = 'No signature' AND active"
        )
        .await,
        1
    );
    let duplicate = app.graphql_as(&dept, create, json!({})).await;
    assert_eq!(duplicate.error_codes(), vec!["CONFLICT"]);
    let off = app
        .graphql_as(&dept, "mutation($r: ID!) { setRefusalReasonActive(input: {refusalReasonId: $r, active: false}) { refusalReason { active } } }", json!({ "r": reason }))
        .await;
    assert_eq!(
        off.assert_ok()["setRefusalReasonActive"]["refusalReason"]["active"],
        false
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) AS n FROM refusal_reasons WHERE code = 'no_signature' AND NOT active"
        )
        .await,
        1
    );
    let visible = app
        .graphql_as(&admin, "{ refusalReasons { code } }", json!({}))
        .await;
    assert!(
        !visible.body.to_string().contains("no_signature"),
        "an inactive reason is offered"
    );
    // Renaming: the department only; the school administrator's attempt changes nothing.
    let update = "mutation($r: ID!) { updateRefusalReason(input: {refusalReasonId: $r, titleRu: \"Нет подписи заявителя\", titleEn: \"Applicant's signature missing\", requiresComment: true, sortOrder: 50}) { refusalReason { titleRu titleEn requiresComment } } }";
    assert_eq!(
        app.graphql_as(&admin, update, json!({ "r": reason }))
            .await
            .error_codes(),
        vec!["FORBIDDEN"]
    );
    let updated = app.graphql_as(&dept, update, json!({ "r": reason })).await;
    assert_eq!(
        updated.assert_ok()["updateRefusalReason"]["refusalReason"],
        json!({ "titleRu": "Нет подписи заявителя", "titleEn": "Applicant's signature missing", "requiresComment": true })
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) AS n FROM refusal_reasons WHERE code = 'no_signature' \
             AND title_ru = 'Нет подписи заявителя' \
             AND title_en = 'Applicant''s signature missing' AND requires_comment \
             AND sort_order = 50"
        )
        .await,
        1
    );
    let blank = app
        .graphql_as(&dept, "mutation($r: ID!) { updateRefusalReason(input: {refusalReasonId: $r, titleRu: \" \", titleEn: \"x\", requiresComment: false, sortOrder: 50}) { refusalReason { titleRu } } }", json!({ "r": reason }))
        .await;
    assert_eq!(blank.error_fields(), vec!["titleRu"], "{}", blank.body);
    let kept = app
        .graphql_as(
            &dept,
            "{ refusalReasons(includeInactive: true) { code titleRu } }",
            json!({}),
        )
        .await;
    assert!(
        kept.body.to_string().contains("Нет подписи заявителя"),
        "{}",
        kept.body
    );
    let teacher = app.sign_in("teacher", "demo-teacher").await;
    assert_eq!(
        app.graphql_as(&teacher, "{ refusalReasons { code } }", json!({}))
            .await
            .error_codes(),
        vec!["FORBIDDEN"]
    );
}

#[tokio::test]
async fn only_the_department_keeps_the_business_calendar() {
    let app = TestApp::spawn_demo().await;
    let admin = app.sign_in("admin", "demo-admin").await;
    let dept = app.sign_in("deptadmin", "demo-dept").await;
    let set_day = "mutation { setCalendarDay(input: {date: \"2027-01-11\", kind: DAY_OFF, name: \"Перенос\"}) { calendarDay { date kind } } }";
    assert_eq!(
        app.graphql_as(&admin, set_day, json!({}))
            .await
            .error_codes(),
        vec!["FORBIDDEN"]
    );
    let set = app.graphql_as(&dept, set_day, json!({})).await;
    assert_eq!(
        set.assert_ok()["setCalendarDay"]["calendarDay"],
        json!({ "date": "2027-01-11", "kind": "DAY_OFF" })
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) AS n FROM calendar_days WHERE date = '2027-01-11' \
             AND kind = 'day_off' AND name = 'Перенос'"
        )
        .await,
        1
    );
    let calendar = app
        .graphql_as(
            &admin,
            "{ businessCalendar(year: 2027) { date kind } }",
            json!({}),
        )
        .await;
    assert!(calendar.body.to_string().contains("2027-01-11"));
    // Making the day ordinary again: the department only.
    let remove =
        "mutation { removeCalendarDay(input: {date: \"2027-01-11\"}) { calendarDay { date } } }";
    assert_eq!(
        app.graphql_as(&admin, remove, json!({}))
            .await
            .error_codes(),
        vec!["FORBIDDEN"]
    );
    app.graphql_as(&dept, remove, json!({})).await.assert_ok();
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) AS n FROM calendar_days WHERE date = '2027-01-11'"
        )
        .await,
        0
    );
    let calendar = app
        .graphql_as(
            &admin,
            "{ businessCalendar(year: 2027) { date kind } }",
            json!({}),
        )
        .await;
    assert!(!calendar.body.to_string().contains("2027-01-11"));
}

#[tokio::test]
async fn the_dashboard_and_audit_log_are_for_administrators_of_their_school() {
    let app = TestApp::spawn_demo().await;
    let admin = app.sign_in("admin", "demo-admin").await;
    let school = school_id(&app).await;
    let dashboard = app
        .graphql_as(&admin, "query($s: ID!) { adminDashboard(schoolId: $s) { overdue dueToday codesAwaitingHandOver byStatus { status count } } }", json!({ "s": school }))
        .await;
    let data = dashboard.assert_ok()["adminDashboard"].clone();
    let total: i64 = data["byStatus"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["count"].as_i64())
        .sum();
    assert_eq!(
        total,
        scalar(&app, "SELECT COUNT(*) AS n FROM access_applications").await
    );
    let (stranger, _) = other_school_admin(&app).await;
    let refused = app
        .graphql_as(
            &stranger,
            "query($s: ID!) { adminDashboard(schoolId: $s) { overdue } }",
            json!({ "s": school }),
        )
        .await;
    assert_eq!(refused.error_codes(), vec!["FORBIDDEN"]);
    let teacher = app.sign_in("teacher", "demo-teacher").await;
    let log = app
        .graphql_as(&teacher, "{ auditEvents { nodes { action } } }", json!({}))
        .await;
    assert_eq!(log.error_codes(), vec!["FORBIDDEN"]);
    let own = app
        .graphql_as(
            &admin,
            "{ auditEvents(first: 100) { nodes { action } } }",
            json!({}),
        )
        .await;
    own.assert_ok();
    // The other school's administrator sees none of this school's events.
    let theirs = app
        .graphql_as(
            &stranger,
            "{ auditEvents(first: 100) { nodes { action } } }",
            json!({}),
        )
        .await;
    assert_eq!(theirs.assert_ok()["auditEvents"]["nodes"], json!([]));
}

/// The code with its last character changed: the right selector, a wrong verifier.
fn wrong_guess(code: &str) -> String {
    let mut wrong = code.to_owned();
    let last = wrong.pop();
    wrong.push(if last == Some('0') { '1' } else { '0' });
    wrong
}

/// The audit events of one object, oldest first, as `action` strings.
async fn actions_on(app: &TestApp, object_type: &str, object_id: i64) -> Vec<String> {
    sql::column(
        &app.db,
        &format!(
            "SELECT action FROM audit_events WHERE object_type = '{object_type}' \
             AND object_id = '{object_id}' ORDER BY id"
        ),
        "action",
    )
    .await
}

#[tokio::test]
async fn the_audit_trail_of_a_full_journey_is_complete_and_in_order() {
    let app = TestApp::spawn_demo().await;
    let admin = app.sign_in("admin", "demo-admin").await;
    let child = unlinked_student(&app).await;
    let school = school_id(&app).await;
    let application = register(&app, &admin, application_input(&school, &child, true)).await;
    let app_id = application["id"].as_str().unwrap_or_default().to_owned();
    app.graphql_as(
        &admin,
        "mutation($a: ID!, $s: ID!) { matchAccessApplication(input: {applicationId: $a, studentId: $s}) { accessApplication { id } } }",
        json!({ "a": app_id, "s": id(Kind::Student, child.0) }),
    )
    .await
    .assert_ok();
    let approved = app
        .graphql_as(
            &admin,
            "mutation($a: ID!) { approveAccessApplication(input: {applicationId: $a}) { issued { code accessCode { id } } } }",
            json!({ "a": app_id }),
        )
        .await;
    let issued = approved.assert_ok()["approveAccessApplication"]["issued"].clone();
    let code = issued["code"].as_str().unwrap_or_default().to_owned();
    app.graphql_as(
        &admin,
        "mutation($c: ID!) { markAccessCodeHandedOver(input: {accessCodeId: $c}) { accessCode { id } } }",
        json!({ "c": issued["accessCode"]["id"] }),
    )
    .await
    .assert_ok();
    let (status, _) = app.sign_in_dev("parent2", "demo-parent").await;
    assert_eq!(status, 303);
    // One wrong guess first: failures are audited too.
    let wrong = app
        .graphql(
            "mutation($c: String!) { redeemAccessCode(input: {code: $c}) { student { id } } }",
            json!({ "c": wrong_guess(&code) }),
        )
        .await;
    assert_eq!(wrong.error_codes(), vec!["BAD_USER_INPUT"]);
    app.graphql(
        "mutation($c: String!) { redeemAccessCode(input: {code: $c}) { student { id } } }",
        json!({ "c": code }),
    )
    .await
    .assert_ok();

    let application_row = scalar(&app, "SELECT MAX(id) AS n FROM access_applications").await;
    assert_eq!(
        actions_on(&app, "access_application", application_row).await,
        vec![
            "access_application.registered",
            "access_application.matched",
            "access_application.approved",
        ]
    );
    let code_row = scalar(
        &app,
        &format!(
            "SELECT id AS n FROM access_codes WHERE access_application_id = {application_row}"
        ),
    )
    .await;
    assert_eq!(
        actions_on(&app, "access_code", code_row).await,
        vec![
            "access_code.issued",
            "access_code.printed",
            "access_code.handed_over",
            "access_code.redeem_failed",
            "access_code.redeemed",
        ]
    );
    let guardianship = scalar(
        &app,
        &format!(
            "SELECT id AS n FROM guardianships WHERE student_id = {}",
            child.0
        ),
    )
    .await;
    assert_eq!(
        actions_on(&app, "guardianship", guardianship).await,
        vec!["guardianship.created"]
    );
    let attempts = app
        .graphql_as(
            &admin,
            "query($a: ID!) { accessApplication(id: $a) { accessCodes { failedAttempts state } } }",
            json!({ "a": app_id }),
        )
        .await;
    assert_eq!(
        attempts.assert_ok()["accessApplication"]["accessCodes"],
        json!([{ "failedAttempts": 1, "state": "REDEEMED" }])
    );
    // Who did it: the administrator for the school's steps, the parent for the redemption.
    let actors = scalar(
        &app,
        &format!(
            "SELECT COUNT(DISTINCT actor_account_id) AS n FROM audit_events \
             WHERE object_type = 'access_application' AND object_id = '{application_row}'"
        ),
    )
    .await;
    assert_eq!(actors, 1);
    // The plaintext code appears in no audit row.
    let leaked = scalar(
        &app,
        &format!("SELECT COUNT(*) AS n FROM audit_events WHERE details LIKE '%{code}%'"),
    )
    .await;
    assert_eq!(leaked, 0);
}

#[tokio::test]
async fn a_child_enrolled_at_another_school_stands_out_before_deciding() {
    let app = TestApp::spawn_demo().await;
    let admin = app.sign_in("admin", "demo-admin").await;
    let school = school_id(&app).await;
    // The other school's student, Ученикова Анна, born 2015-03-14 (the fixture's child).
    SchoolFixture::create(&app.db, "Соседняя")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let elsewhere = (
        0,
        "Ученикова".to_owned(),
        "Анна".to_owned(),
        String::new(),
        "2015-03-14".to_owned(),
        "5А".to_owned(),
    );
    let findings = "query($a: ID!) { accessApplication(id: $a) { findings { noMatchingStudent enrolledElsewhere } } }";
    let application = register(&app, &admin, application_input(&school, &elsewhere, true)).await;
    let seen = app
        .graphql_as(&admin, findings, json!({ "a": application["id"] }))
        .await;
    assert_eq!(
        seen.assert_ok()["accessApplication"]["findings"],
        json!({ "noMatchingStudent": true, "enrolledElsewhere": true })
    );
    // A child of this school is not flagged.
    let ours = unlinked_student(&app).await;
    let application = register(&app, &admin, application_input(&school, &ours, true)).await;
    let seen = app
        .graphql_as(&admin, findings, json!({ "a": application["id"] }))
        .await;
    assert_eq!(
        seen.assert_ok()["accessApplication"]["findings"],
        json!({ "noMatchingStudent": false, "enrolledElsewhere": false })
    );
}

/// Everything the back-office can change, as one comparable snapshot.
pub(crate) async fn back_office_state(app: &TestApp) -> Vec<i64> {
    let mut state = Vec::new();
    for sql in [
        "SELECT COUNT(*) AS n FROM access_applications",
        "SELECT COUNT(*) AS n FROM access_applications WHERE status IN ('received', 'in_review')",
        "SELECT COUNT(*) AS n FROM access_applications WHERE student_id IS NOT NULL",
        "SELECT COUNT(*) AS n FROM access_codes",
        "SELECT COUNT(*) AS n FROM access_codes WHERE revoked_at IS NOT NULL",
        "SELECT COUNT(*) AS n FROM access_codes WHERE handed_over_at IS NOT NULL",
        "SELECT COUNT(*) AS n FROM guardianships",
        "SELECT COUNT(*) AS n FROM refusal_reasons WHERE active",
        "SELECT COUNT(*) AS n FROM calendar_days",
        "SELECT COUNT(*) AS n FROM audit_events WHERE action NOT LIKE 'sign_in.%'",
    ] {
        state.push(scalar(app, sql).await);
    }
    state
}

#[tokio::test]
async fn another_schools_administrator_is_refused_on_every_back_office_operation() {
    let app = TestApp::spawn_demo().await;
    let admin = app.sign_in("admin", "demo-admin").await;
    let (stranger, _) = other_school_admin(&app).await;
    let school = school_id(&app).await;
    let child = unlinked_student(&app).await;
    // An undecided application, and an approved one with an unused code.
    let open = register(&app, &admin, application_input(&school, &child, true)).await;
    let decided = register(&app, &admin, application_input(&school, &child, true)).await;
    app.graphql_as(
        &admin,
        "mutation($a: ID!, $s: ID!) { matchAccessApplication(input: {applicationId: $a, studentId: $s}) { accessApplication { id } } }",
        json!({ "a": decided["id"], "s": id(Kind::Student, child.0) }),
    )
    .await
    .assert_ok();
    let approved = app
        .graphql_as(
            &admin,
            "mutation($a: ID!) { approveAccessApplication(input: {applicationId: $a}) { issued { accessCode { id } } } }",
            json!({ "a": decided["id"] }),
        )
        .await;
    let code =
        approved.assert_ok()["approveAccessApplication"]["issued"]["accessCode"]["id"].clone();
    let guardianship = id(
        Kind::Guardianship,
        scalar(&app, "SELECT MIN(id) AS n FROM guardianships").await,
    );
    let class = id(
        Kind::ClassUnit,
        scalar(&app, "SELECT MIN(id) AS n FROM class_units").await,
    );
    let reason = id(
        Kind::RefusalReason,
        scalar(&app, "SELECT MIN(id) AS n FROM refusal_reasons").await,
    );
    let student = id(Kind::Student, child.0);
    let before = back_office_state(&app).await;

    let operations: Vec<(&str, &str, Value)> = vec![
        (
            "register",
            REGISTER,
            json!({ "input": application_input(&school, &child, true) }),
        ),
        (
            "read",
            "query($a: ID!) { accessApplication(id: $a) { id } }",
            json!({ "a": open["id"] }),
        ),
        (
            "queue",
            "query($s: ID!) { accessApplications(schoolId: $s) { nodes { id } } }",
            json!({ "s": school }),
        ),
        (
            "dashboard",
            "query($s: ID!) { adminDashboard(schoolId: $s) { overdue } }",
            json!({ "s": school }),
        ),
        (
            "audit",
            "query($s: ID!) { auditEvents(schoolId: $s) { nodes { id } } }",
            json!({ "s": school }),
        ),
        (
            "match",
            "mutation($a: ID!, $s: ID!) { matchAccessApplication(input: {applicationId: $a, studentId: $s}) { accessApplication { id } } }",
            json!({ "a": open["id"], "s": student }),
        ),
        (
            "approve",
            "mutation($a: ID!) { approveAccessApplication(input: {applicationId: $a}) { issued { code } } }",
            json!({ "a": open["id"] }),
        ),
        (
            "refuse",
            "mutation($a: ID!, $r: ID!) { refuseAccessApplication(input: {applicationId: $a, reasonIds: [$r], comment: \"x\"}) { accessApplication { id } } }",
            json!({ "a": open["id"], "r": reason }),
        ),
        (
            "withdraw",
            "mutation($a: ID!) { withdrawAccessApplication(input: {applicationId: $a}) { accessApplication { id } } }",
            json!({ "a": open["id"] }),
        ),
        (
            "hand over",
            "mutation($c: ID!) { markAccessCodeHandedOver(input: {accessCodeId: $c}) { accessCode { id } } }",
            json!({ "c": code }),
        ),
        (
            "revoke",
            "mutation($c: ID!) { revokeAccessCode(input: {accessCodeId: $c}) { accessCode { id } } }",
            json!({ "c": code }),
        ),
        (
            "reissue",
            "mutation($c: ID!) { reissueAccessCode(input: {accessCodeId: $c}) { issued { code } } }",
            json!({ "c": code }),
        ),
        (
            "class envelopes",
            "mutation($c: ID!) { issueClassStudentCodes(input: {classUnitId: $c}) { envelopes { issued { code } } } }",
            json!({ "c": class }),
        ),
        (
            "unlink",
            "mutation($g: ID!) { unlinkGuardianship(input: {guardianshipId: $g}) { guardianshipId } }",
            json!({ "g": guardianship }),
        ),
        (
            "student",
            "query($s: ID!) { student(id: $s) { id } }",
            json!({ "s": student }),
        ),
    ];
    for (name, query, variables) in &operations {
        let response = app.graphql_as(&stranger, query, variables.clone()).await;
        let codes = response.error_codes();
        assert!(
            codes == vec!["NOT_FOUND"] || codes == vec!["FORBIDDEN"],
            "{name}: {}",
            response.body
        );
        assert!(
            response.body["data"].is_null()
                || response.body["data"]
                    .as_object()
                    .is_some_and(|o| o.values().all(Value::is_null)),
            "{name} leaked data: {}",
            response.body
        );
    }
    assert_eq!(
        back_office_state(&app).await,
        before,
        "a refused operation wrote something"
    );
}

/// The application queue with everything a clerk reads of each application runs the same
/// statements for one application as for a page of them (the reviews load together).
#[tokio::test]
async fn the_queue_with_each_applications_review_runs_a_fixed_number_of_statements() {
    let (app, counter) = TestApp::spawn_counting(true).await;
    let admin = app.sign_in("admin", "demo-admin").await;
    let school = school_id(&app).await;
    let queue = "query($school: ID!, $n: Int) { accessApplications(schoolId: $school, first: $n) {
        nodes { id status
            findings { noMatchingStudent birthDateDiffers documentsMissing overdue enrolledElsewhere }
            student { fullName } candidates { fullName }
            refusalReasons { titleRu } accessCodes { state } history { action } } } }";
    let mut counts = Vec::new();
    for n in [1, 20] {
        let (response, statements) = counter
            .during(app.graphql_as(&admin, queue, json!({ "school": school, "n": n })))
            .await;
        let nodes = response.assert_ok()["accessApplications"]["nodes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        // The reviews hold what the records say: candidates for most applications, and
        // for the decided ones their student or codes.
        assert!(
            nodes
                .iter()
                .any(|a| a["candidates"].as_array().is_some_and(|c| !c.is_empty())),
            "{nodes:?}"
        );
        counts.push((nodes.len(), statements));
    }
    println!("queue (applications, statements): {counts:?}");
    assert!(counts[1].0 > 3, "{counts:?}");
    assert_eq!(counts[0].1, counts[1].1, "{counts:?}");
}
