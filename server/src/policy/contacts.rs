//! Who may write to whom: a viewer's address book. A parent writes to the teachers and class
//! teachers of their children's classes and to the administration of their children's schools;
//! a student to their class's teachers and class teacher; a teacher to the school's staff and
//! administration and to the students and parents of the classes they teach or lead; the
//! administration of a school to anyone of that school — its staff, its students, their
//! parents. The department administrator has no address book: it does not take part in a
//! school's correspondence.

use std::collections::{BTreeMap, BTreeSet};

use dnevnik_entities::enums::{Role, StaffPosition};
use dnevnik_entities::{
    account, class_unit, guardianship, role_grant, staff_member, student, subject,
    teaching_assignment,
};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};

use super::Viewer;
use crate::error::AppResult;

/// How a contact relates to the viewer; the order is the address book's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ContactRole {
    /// The class teacher of a child's (or one's own) class.
    ClassTeacher,
    /// A teacher of a child's (or one's own) class.
    Teacher,
    /// The school's administration.
    Administration,
    /// A member of the school's staff.
    Staff,
    /// A student of the school.
    Student,
    /// A parent of a student of the school.
    Parent,
}

/// Someone the viewer may write to.
#[derive(Clone, Debug)]
pub struct Contact {
    /// Their account.
    pub account_id: i64,
    /// The school through which the viewer may write to them.
    pub school_id: i64,
    /// How they relate to the viewer.
    pub role: ContactRole,
    /// Their name as shown.
    pub name: String,
    /// Why they are in the book: "Математика, 5А", "ученик 7Б", "родитель: Иванов Пётр, 5А".
    pub details: Vec<String>,
}

fn is_administration(position: StaffPosition) -> bool {
    matches!(
        position,
        StaffPosition::Director | StaffPosition::DeputyDirector | StaffPosition::Administrator
    )
}

/// Adds a contact, merging the reasons of one person reached several ways.
fn add(
    book: &mut BTreeMap<(i64, i64), Contact>,
    school_id: i64,
    account_id: i64,
    role: ContactRole,
    detail: String,
) {
    let entry = book.entry((school_id, account_id)).or_insert(Contact {
        account_id,
        school_id,
        role,
        name: String::new(),
        details: Vec::new(),
    });
    entry.role = entry.role.min(role);
    if !detail.is_empty() && !entry.details.contains(&detail) {
        entry.details.push(detail);
    }
}

/// Everyone the viewer may write to, in address-book order (role, then name).
pub async fn address_book(db: &impl ConnectionTrait, viewer: &Viewer) -> AppResult<Vec<Contact>> {
    let mut book: BTreeMap<(i64, i64), Contact> = BTreeMap::new();

    // Families: the classes of one's children and of oneself.
    let mut family_classes: BTreeMap<i64, bool> = BTreeMap::new();
    for child in &viewer.children {
        family_classes.insert(child.class_unit_id, true);
    }
    if let Some(own) = viewer.own_student {
        family_classes.entry(own.class_unit_id).or_insert(false);
    }
    if !family_classes.is_empty() {
        let classes = class_unit::Entity::find()
            .filter(class_unit::Column::Id.is_in(family_classes.keys().copied()))
            .all(db)
            .await?;
        let teaching = teaching_assignment::Entity::find()
            .filter(teaching_assignment::Column::ClassUnitId.is_in(family_classes.keys().copied()))
            .all(db)
            .await?;
        let subjects: BTreeMap<i64, String> = subject::Entity::find()
            .filter(subject::Column::Id.is_in(teaching.iter().map(|t| t.subject_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect();
        let staff_ids: BTreeSet<i64> = teaching
            .iter()
            .map(|t| t.staff_member_id)
            .chain(classes.iter().filter_map(|c| c.class_teacher_id))
            .collect();
        let staff: BTreeMap<i64, staff_member::Model> = staff_member::Entity::find()
            .filter(staff_member::Column::Id.is_in(staff_ids))
            .filter(staff_member::Column::Active.eq(true))
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        let class_names: BTreeMap<i64, &str> =
            classes.iter().map(|c| (c.id, c.name.as_str())).collect();
        for class in &classes {
            if let Some(teacher) = class.class_teacher_id.and_then(|id| staff.get(&id))
                && let Some(account) = teacher.account_id
            {
                add(
                    &mut book,
                    class.school_id,
                    account,
                    ContactRole::ClassTeacher,
                    format!("классный руководитель {}", class.name),
                );
            }
        }
        for t in &teaching {
            if let Some(account) = staff.get(&t.staff_member_id).and_then(|s| s.account_id) {
                let subject = subjects.get(&t.subject_id).map_or("", String::as_str);
                let class = class_names.get(&t.class_unit_id).copied().unwrap_or("");
                add(
                    &mut book,
                    t.school_id,
                    account,
                    ContactRole::Teacher,
                    format!("{subject}, {class}"),
                );
            }
        }
        // Parents (not students) also write to the administration of their children's schools.
        let parent_schools: BTreeSet<i64> = viewer.children.iter().map(|c| c.school_id).collect();
        add_administration(db, &mut book, &parent_schools).await?;
    }

    // Staff: the administration and staff of their schools. The administration (a grant, or
    // an administrative post) also reaches every student and parent of the school; a teacher
    // only those of the classes they teach or lead.
    let mut whole_schools: BTreeSet<i64> = viewer.administers.keys().copied().collect();
    whole_schools.extend(
        viewer
            .staff
            .iter()
            .filter(|post| is_administration(post.position))
            .map(|post| post.school_id),
    );
    let mut schools: BTreeSet<i64> = viewer.staff.iter().map(|s| s.school_id).collect();
    schools.extend(whole_schools.iter().copied());
    let taught_classes: BTreeSet<i64> = viewer
        .teaches
        .keys()
        .chain(viewer.leads.iter())
        .copied()
        .filter(|class| {
            viewer
                .class_schools
                .get(class)
                .is_none_or(|school| !whole_schools.contains(school))
        })
        .collect();
    if !schools.is_empty() {
        add_administration(db, &mut book, &schools).await?;
        let staff = staff_member::Entity::find()
            .filter(staff_member::Column::SchoolId.is_in(schools.iter().copied()))
            .filter(staff_member::Column::Active.eq(true))
            .filter(staff_member::Column::AccountId.is_not_null())
            .all(db)
            .await?;
        for s in staff {
            if let Some(account) = s.account_id {
                add(
                    &mut book,
                    s.school_id,
                    account,
                    ContactRole::Staff,
                    String::new(),
                );
            }
        }
        let students = student::Entity::find()
            .filter(
                Condition::any()
                    .add(student::Column::SchoolId.is_in(whole_schools.iter().copied()))
                    .add(student::Column::ClassUnitId.is_in(taught_classes.iter().copied())),
            )
            .filter(student::Column::LeftOn.is_null())
            .all(db)
            .await?;
        let class_names: BTreeMap<i64, String> = class_unit::Entity::find()
            .filter(class_unit::Column::SchoolId.is_in(schools.iter().copied()))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect();
        let by_id: BTreeMap<i64, &student::Model> = students.iter().map(|s| (s.id, s)).collect();
        for s in &students {
            if let Some(account) = s.account_id {
                let class = class_names.get(&s.class_unit_id).map_or("", String::as_str);
                add(
                    &mut book,
                    s.school_id,
                    account,
                    ContactRole::Student,
                    format!("ученик {class}"),
                );
            }
        }
        let links = guardianship::Entity::find()
            .filter(guardianship::Column::StudentId.is_in(students.iter().map(|s| s.id)))
            .all(db)
            .await?;
        for link in links {
            if let Some(child) = by_id.get(&link.student_id) {
                let class = class_names
                    .get(&child.class_unit_id)
                    .map_or("", String::as_str);
                add(
                    &mut book,
                    child.school_id,
                    link.account_id,
                    ContactRole::Parent,
                    format!(
                        "родитель: {} {}, {class}",
                        child.last_name, child.first_name
                    ),
                );
            }
        }
    }

    book.retain(|(_, account), _| *account != viewer.account_id);
    let names: BTreeMap<i64, String> = account::Entity::find()
        .filter(account::Column::Id.is_in(book.values().map(|c| c.account_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.display_name))
        .collect();
    let mut contacts: Vec<Contact> = book
        .into_values()
        .filter_map(|mut c| {
            c.name = names.get(&c.account_id)?.clone();
            Some(c)
        })
        .collect();
    contacts.sort_by(|a, b| {
        (a.role, &a.name, a.account_id, a.school_id).cmp(&(
            b.role,
            &b.name,
            b.account_id,
            b.school_id,
        ))
    });
    Ok(contacts)
}

/// The administration of some schools: accounts with an administrative grant there, and
/// staff holding an administrative post.
async fn add_administration(
    db: &impl ConnectionTrait,
    book: &mut BTreeMap<(i64, i64), Contact>,
    schools: &BTreeSet<i64>,
) -> AppResult<()> {
    if schools.is_empty() {
        return Ok(());
    }
    let grants = role_grant::Entity::find()
        .filter(role_grant::Column::SchoolId.is_in(schools.iter().copied()))
        .filter(role_grant::Column::Role.ne(Role::DepartmentAdmin))
        .all(db)
        .await?;
    for grant in grants {
        if let Some(school) = grant.school_id {
            add(
                book,
                school,
                grant.account_id,
                ContactRole::Administration,
                String::new(),
            );
        }
    }
    let posts = staff_member::Entity::find()
        .filter(staff_member::Column::SchoolId.is_in(schools.iter().copied()))
        .filter(staff_member::Column::Active.eq(true))
        .all(db)
        .await?;
    for post in posts.into_iter().filter(|p| is_administration(p.position)) {
        if let Some(account) = post.account_id {
            add(
                book,
                post.school_id,
                account,
                ContactRole::Administration,
                String::new(),
            );
        }
    }
    Ok(())
}
