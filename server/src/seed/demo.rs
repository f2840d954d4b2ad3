//! The demo school: one generated school plus the demo sign-ins of DESIGN.md, the national
//! calendar, the refusal-reason catalogue and city news. Seeded only in development, only into
//! an empty database, in one transaction, with dates relative to today.

use chrono::{NaiveDate, Utc};
use dnevnik_entities as e;
use dnevnik_entities::enums::{
    AccessKind, AccountStatus, ApplicantRelation, ApplicationStatus, CalendarDayKind,
    IdentityDocumentType, NewsKind, NewsScope, Role,
};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, TransactionTrait,
};

use super::calendar::{AcademicCalendar, DayKind, monday_of, plus_days};
use super::content;
use super::names::{Family, FullName};
use super::rows::{Ids, Rows, sync_sequences};
use super::school::{self, FeaturedTeacher, SchoolPlan, Shared, hm, moscow};
use crate::auth::password;
use crate::config::Config;
use crate::service::notifications::{self, Notice};

/// The demo sign-ins, as DESIGN.md fixes them: login, password, who.
pub const DEMO_SIGN_INS: &[(&str, &str, &str)] = &[
    (
        "admin",
        "demo-admin",
        "school administrator of the demo school",
    ),
    (
        "teacher",
        "demo-teacher",
        "teaches mathematics in 5А and 6Б, class teacher of 5А",
    ),
    ("student", "demo-student", "a student of 5А"),
    ("deptadmin", "demo-dept", "department administrator"),
];

/// The demo parents of the development identity provider: login, password, who.
pub const DEMO_PARENTS: &[(&str, &str, &str)] = &[
    (
        "parent",
        "demo-parent",
        "confirmed account; two children linked (5А and 2Б)",
    ),
    (
        "parent2",
        "demo-parent",
        "confirmed account, no child yet; an approved application awaits its code",
    ),
    (
        "parent3",
        "demo-parent",
        "unconfirmed account (may sign in, may not link a child)",
    ),
];

/// Marks parent2's application in the demo data, so that each start can issue its code.
pub const PARENT2_EMAIL: &str = "parent2@demo.invalid";

/// The development identity provider's name.
pub const DEV_PROVIDER: &str = "dev";

/// The issuer of the development identity provider for this configuration.
pub fn dev_issuer(config: &Config) -> String {
    format!("{}/dev-idp", config.public_url())
}

/// The refusal-reason catalogue every deployment starts with: code, Russian, English, whether
/// a comment is required.
pub const REFUSAL_REASONS: &[(&str, &str, &str, bool)] = &[
    (
        "contradictory_information",
        "Противоречивые сведения в документах",
        "Contradictory information in the documents",
        false,
    ),
    (
        "another_school",
        "Ребёнок обучается в другой школе",
        "The child studies at another school",
        false,
    ),
    (
        "documents_not_compliant",
        "Документы не соответствуют требованиям",
        "The documents do not meet the requirements",
        false,
    ),
    (
        "incomplete_documents",
        "Представлен неполный комплект документов",
        "An incomplete set of documents",
        false,
    ),
    (
        "not_legal_representative",
        "Заявитель не является законным представителем",
        "The applicant is not a legal representative",
        false,
    ),
    ("other", "Иная причина", "Other", true),
];

/// Whether the database holds no school and no account yet.
pub async fn is_empty(db: &DatabaseConnection) -> Result<bool, DbErr> {
    let schools = e::school::Entity::find().count(db).await?;
    let accounts = e::account::Entity::find().count(db).await?;
    Ok(schools == 0 && accounts == 0)
}

/// The demo school's plan for a given day.
pub fn plan(today: NaiveDate, calendar: &AcademicCalendar) -> SchoolPlan {
    SchoolPlan {
        number: 1,
        name: "ГБОУ «Школа № 2048 имени Н. И. Лобачевского»".to_owned(),
        short_name: "Школа № 2048".to_owned(),
        rounding_threshold: 60,
        classes: vec![
            (1, "А"),
            (2, "А"),
            (2, "Б"),
            (3, "А"),
            (4, "А"),
            (5, "А"),
            (5, "Б"),
            (6, "А"),
            (6, "Б"),
            (7, "А"),
            (8, "А"),
            (9, "А"),
            (10, "А"),
            (11, "А"),
        ],
        students_per_class: (17, 22),
        lessons_from: calendar.year.starts_on,
        lessons_to: plus_days(monday_of(today), 20),
        today,
        featured_teacher: Some(FeaturedTeacher {
            subject: "Математика",
            classes: vec![(5, "А"), (6, "Б")],
            class_teacher_of: (5, "А"),
        }),
        demo_family: Some(((5, "А"), (2, "Б"))),
        unlinked_student_in: Some((3, "А")),
        linked_family_share: 0.6,
        seed: 2048,
    }
}

/// Seeds the demo school as of `today`.
pub async fn seed(
    db: &DatabaseConnection,
    today: NaiveDate,
    config: &Config,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let calendar = AcademicCalendar::around(today);
    let txn = db.begin().await?;
    let mut ids = Ids::load(&txn).await?;
    let mut rows = Rows::default();
    let now = config.clock.now();

    let shared = catalogues(&calendar, &mut ids, &mut rows);
    let generated = school::generate(
        &plan(today, &calendar),
        &calendar,
        &shared,
        &mut ids,
        &mut rows,
    );

    // Local sign-ins on the generated administrator and teacher.
    let admin = generated.administrator_account_id;
    set_login(&mut rows, &mut ids, admin, "admin", "demo-admin")?;
    grant(
        &mut rows,
        &mut ids,
        admin,
        Role::SchoolAdmin,
        Some(generated.school_id),
    );
    if let Some(teacher) = generated.featured_teacher_account_id {
        set_login(&mut rows, &mut ids, teacher, "teacher", "demo-teacher")?;
    }
    let department = new_account(&mut rows, &mut ids, "Департамент образования (демо)", true);
    set_login(&mut rows, &mut ids, department, "deptadmin", "demo-dept")?;
    grant(&mut rows, &mut ids, department, Role::DepartmentAdmin, None);
    city_news(&mut rows, &mut ids, department, today);

    // The demo student signs in as the first child of the demo family.
    let issuer = dev_issuer(config);
    if let Some(family) = &generated.demo_family {
        let student = rows
            .students
            .iter()
            .find(|s| s.id == family.first_student_id)
            .map(|s| format!("{} {}", s.first_name, s.last_name))
            .unwrap_or_else(|| "Ученик".to_owned());
        let account = new_account(&mut rows, &mut ids, &student, true);
        set_login(&mut rows, &mut ids, account, "student", "demo-student")?;
        if let Some(row) = rows
            .students
            .iter_mut()
            .find(|s| s.id == family.first_student_id)
        {
            row.account_id = Some(account);
        }
        // The demo family's parent signs in through the development provider.
        rows.external_identities
            .retain(|i| i.account_id != family.parent_account_id);
        identity(
            &mut rows,
            &mut ids,
            family.parent_account_id,
            &issuer,
            "parent",
            true,
        );
    }

    // parent2: confirmed, no child, an approved application for a child of 3А.
    let mut rng_family = {
        use rand::SeedableRng;
        rand_chacha::ChaCha8Rng::seed_from_u64(2049)
    };
    let parent2_name = Family::random(&mut rng_family).parent(&mut rng_family, false);
    let parent2 = new_account(&mut rows, &mut ids, &parent2_name.full(), true);
    identity(&mut rows, &mut ids, parent2, &issuer, "parent2", true);
    if let Some(child) = &generated.unlinked_student {
        parent2_application(
            &mut rows,
            &mut ids,
            &calendar,
            generated.school_id,
            admin,
            &parent2_name,
            child,
            today,
        );
    }
    // parent3: an unconfirmed Gosuslugi account.
    let parent3_name = Family::random(&mut rng_family).parent(&mut rng_family, true);
    let parent3 = new_account(&mut rows, &mut ids, &parent3_name.full(), false);
    identity(&mut rows, &mut ids, parent3, &issuer, "parent3", false);

    let total = rows.len();
    let inbox = generated
        .demo_family
        .as_ref()
        .map(|family| recent_news_for(&rows, family, today))
        .unwrap_or_default();
    rows.insert(&txn).await?;
    sync_sequences(&txn).await?;
    for (student, notice) in inbox {
        notifications::notify_family(&txn, &student, notice, now)
            .await
            .map_err(|err| anyhow::anyhow!("cannot seed demo notifications: {err:?}"))?;
    }
    txn.commit().await?;
    tracing::info!(
        rows = total,
        elapsed_ms = started.elapsed().as_millis() as u64,
        generated_at = %now,
        "demo school seeded"
    );
    Ok(())
}

/// What the demo family's notification feed starts with: for each child, the marks of the last
/// week, the homework set in the last three days, and the absences and remarks of the last
/// fortnight — a few of each, as if teachers had just written them — so that a front-end team
/// sees a living feed, not an empty one. Oldest first: the feed lists the latest written first.
fn recent_news_for(
    rows: &Rows,
    family: &school::DemoFamily,
    today: NaiveDate,
) -> Vec<(e::student::Model, Notice)> {
    let mut inbox = Vec::new();
    for id in [family.first_student_id, family.second_student_id] {
        let Some(student) = rows.students.iter().find(|s| s.id == id) else {
            continue;
        };
        let marks = newest(&rows.marks, today, 7, 5, |m| {
            (m.student_id == id && m.deleted_at.is_none()).then_some((m.date, m.id))
        });
        let homework = newest(&rows.homework, today, 3, 3, |h| {
            (h.class_unit_id == student.class_unit_id).then_some((h.given_on, h.id))
        });
        let absences = newest(&rows.attendance_records, today, 14, 2, |r| {
            (r.student_id == id).then_some((r.date, r.id))
        });
        let remarks = newest(&rows.remarks, today, 14, 2, |r| {
            (r.student_id == id).then_some((r.date, r.id))
        });
        let notices = (marks
            .into_iter()
            .map(|(d, m)| (d, Notice::mark_recorded(m))))
        .chain(homework.into_iter().map(|(d, h)| (d, Notice::homework(h))))
        .chain(absences.into_iter().filter_map(|(d, r)| {
            let lesson = rows.lessons.iter().find(|l| l.id == r.lesson_id)?;
            Some((d, Notice::attendance(r, lesson)))
        }))
        .chain(remarks.into_iter().map(|(d, r)| (d, Notice::remark(r))));
        inbox.extend(notices.map(|(date, notice)| (date, student.clone(), notice)));
    }
    // Stable: on one day, the order above (marks, homework, absences, remarks) is kept.
    inbox.sort_by_key(|(date, _, _)| *date);
    inbox
        .into_iter()
        .map(|(_, student, notice)| (student, notice))
        .collect()
}

/// The `n` newest of the rows that `dated` keeps (giving their day and id), among those of
/// the last `days` days up to `today`, with their days.
fn newest<T>(
    rows: &[T],
    today: NaiveDate,
    days: u64,
    n: usize,
    dated: impl Fn(&T) -> Option<(NaiveDate, i64)>,
) -> Vec<(NaiveDate, &T)> {
    let since = today
        .checked_sub_days(chrono::Days::new(days))
        .unwrap_or(NaiveDate::MIN);
    let mut found: Vec<_> = rows
        .iter()
        .filter_map(|row| dated(row).map(|key| (key, row)))
        .filter(|((day, _), _)| *day > since && *day <= today)
        .collect();
    found.sort_by_key(|(key, _)| std::cmp::Reverse(*key));
    found
        .into_iter()
        .take(n)
        .map(|((day, _), row)| (day, row))
        .collect()
}

/// The national calendar and the refusal-reason catalogue.
pub fn catalogues(calendar: &AcademicCalendar, ids: &mut Ids, rows: &mut Rows) -> Shared {
    for (date, (kind, name)) in &calendar.days_off {
        rows.calendar_days.push(e::calendar_day::Model {
            id: ids.next("calendar_days"),
            date: *date,
            kind: match kind {
                DayKind::Holiday => CalendarDayKind::Holiday,
                DayKind::DayOff => CalendarDayKind::DayOff,
            },
            name: (*name).to_owned(),
        });
    }
    let mut shared = Shared::default();
    let at = moscow(calendar.year.starts_on, hm(9, 0));
    for (i, (code, ru, en, comment)) in REFUSAL_REASONS.iter().enumerate() {
        let id = ids.next("refusal_reasons");
        shared.refusal_reasons.insert((*code).to_owned(), id);
        rows.refusal_reasons.push(e::refusal_reason::Model {
            id,
            code: (*code).to_owned(),
            title_ru: (*ru).to_owned(),
            title_en: (*en).to_owned(),
            requires_comment: *comment,
            active: true,
            sort_order: i32::try_from(i).unwrap_or(0),
            created_at: at,
            updated_at: at,
        });
    }
    shared
}

fn city_news(rows: &mut Rows, ids: &mut Ids, author: i64, today: NaiveDate) {
    for (i, spec) in content::CITY_NEWS.iter().enumerate() {
        let at = moscow(
            super::calendar::minus_days(today, 4 * i as u64 + 2),
            hm(12, 0),
        );
        rows.news_items.push(e::news_item::Model {
            id: ids.next("news_items"),
            school_id: None,
            class_unit_id: None,
            scope: NewsScope::City,
            kind: if spec.administrative {
                NewsKind::Administrative
            } else {
                NewsKind::Organisation
            },
            title: spec.title.to_owned(),
            body: spec.body.to_owned(),
            author_account_id: Some(author),
            published_at: at,
            withdrawn_at: None,
            created_at: at,
            updated_at: at,
        });
    }
}

fn new_account(rows: &mut Rows, ids: &mut Ids, display_name: &str, confirmed: bool) -> i64 {
    let id = ids.next("accounts");
    let now = Utc::now();
    rows.accounts.push(e::account::Model {
        id,
        login: None,
        display_name: display_name.to_owned(),
        status: AccountStatus::Active,
        confirmed,
        created_at: now,
        updated_at: now,
        last_sign_in_at: None,
    });
    id
}

fn set_login(
    rows: &mut Rows,
    ids: &mut Ids,
    account: i64,
    login: &str,
    secret: &str,
) -> anyhow::Result<()> {
    let hash = password::hash(secret)?;
    if let Some(row) = rows.accounts.iter_mut().find(|a| a.id == account) {
        row.login = Some(login.to_owned());
    }
    let now = Utc::now();
    let id = ids.next("password_credentials");
    rows.password_credentials
        .push(e::password_credential::Model {
            id,
            account_id: account,
            password_hash: hash,
            created_at: now,
            updated_at: now,
        });
    Ok(())
}

fn grant(rows: &mut Rows, ids: &mut Ids, account: i64, role: Role, school: Option<i64>) {
    rows.role_grants.push(e::role_grant::Model {
        id: ids.next("role_grants"),
        account_id: account,
        role,
        school_id: school,
        granted_by_account_id: None,
        created_at: Utc::now(),
    });
}

fn identity(
    rows: &mut Rows,
    ids: &mut Ids,
    account: i64,
    issuer: &str,
    subject: &str,
    trusted: bool,
) {
    let now = Utc::now();
    rows.external_identities.push(e::external_identity::Model {
        id: ids.next("external_identities"),
        account_id: account,
        provider: DEV_PROVIDER.to_owned(),
        issuer: issuer.to_owned(),
        subject: subject.to_owned(),
        trusted,
        created_at: now,
        last_used_at: now,
    });
}

#[expect(
    clippy::too_many_arguments,
    reason = "a one-off builder of one demo row"
)]
fn parent2_application(
    rows: &mut Rows,
    ids: &mut Ids,
    calendar: &AcademicCalendar,
    school_id: i64,
    admin: i64,
    applicant: &FullName,
    child: &school::UnlinkedStudent,
    today: NaiveDate,
) {
    let received_on = calendar.sub_business_days(today, 2);
    let decided = moscow(calendar.sub_business_days(today, 1), hm(15, 30));
    rows.access_applications.push(e::access_application::Model {
        id: ids.next("access_applications"),
        school_id,
        student_id: Some(child.student_id),
        access_kind: AccessKind::Guardian,
        status: ApplicationStatus::Approved,
        applicant_last_name: applicant.last.clone(),
        applicant_first_name: applicant.first.clone(),
        applicant_middle_name: Some(applicant.middle.clone()),
        applicant_phone: Some("+7 (900) 000-00-02".to_owned()),
        applicant_email: Some(PARENT2_EMAIL.to_owned()),
        applicant_relation: ApplicantRelation::Mother,
        identity_document_type: IdentityDocumentType::PassportRf,
        identity_document_number_masked: "•• •• ••••02".to_owned(),
        child_last_name: child.name.last.clone(),
        child_first_name: child.name.first.clone(),
        child_middle_name: Some(child.name.middle.clone()),
        child_birth_date: child.birth_date,
        child_class_name: child.class_name.clone(),
        has_application_form: true,
        has_birth_certificate: true,
        has_guardianship_document: false,
        has_identity_document: true,
        received_on,
        due_on: calendar.add_business_days(received_on, 3),
        decided_at: Some(decided),
        decided_by_account_id: Some(admin),
        decision_comment: None,
        registered_by_account_id: Some(admin),
        created_at: moscow(received_on, hm(10, 0)),
        updated_at: decided,
    });
}

/// Development only: revokes the unused codes of parent2's approved application and issues a
/// fresh one, whose plaintext is returned for the start-up banner. `None` once parent2 has
/// linked the child (or without demo data).
pub async fn fresh_parent2_code(
    db: &DatabaseConnection,
    secret: &str,
    now: chrono::DateTime<Utc>,
) -> anyhow::Result<Option<String>> {
    use dnevnik_entities::enums::AccessCodeStatus;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, QueryFilter};
    let Some(application) = e::access_application::Entity::find()
        .filter(e::access_application::Column::ApplicantEmail.eq(PARENT2_EMAIL))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(student) = application.student_id else {
        return Ok(None);
    };
    let linked = e::guardianship::Entity::find()
        .filter(e::guardianship::Column::StudentId.eq(student))
        .count(db)
        .await?;
    if linked > 0 {
        return Ok(None);
    }
    let txn = crate::db::begin_write(db).await?;
    e::access_code::Entity::update_many()
        .col_expr(
            e::access_code::Column::Status,
            Expr::value(AccessCodeStatus::Revoked.as_str()),
        )
        .col_expr(e::access_code::Column::RevokedAt, Expr::value(now))
        .filter(e::access_code::Column::AccessApplicationId.eq(application.id))
        .filter(e::access_code::Column::Status.is_in([
            AccessCodeStatus::Issued,
            AccessCodeStatus::Printed,
            AccessCodeStatus::HandedOver,
        ]))
        .exec(&txn)
        .await?;
    let issued = crate::service::codes::codebook::issue(
        &txn,
        secret,
        crate::service::codes::codebook::CodeRequest {
            school_id: application.school_id,
            student_id: student,
            kind: AccessKind::Guardian,
            application_id: Some(application.id),
            issued_by: application.decided_by_account_id,
            ttl: crate::service::codes::codebook::DEFAULT_TTL,
            issued_at: now,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("cannot issue the demo code: {e:?}"))?;
    txn.commit().await?;
    Ok(Some(issued.plaintext))
}

/// Whether the demo sign-ins exist (so that the banner may list them).
pub async fn has_demo_sign_ins(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let found = e::account::Entity::find()
        .filter(e::account::Column::Login.eq("admin"))
        .count(db)
        .await?;
    Ok(found > 0)
}
