//! May they: the only place that decides who may see or change what. Deny by default.
//!
//! A [`Viewer`] is everything the policy needs to know about a signed-in account, loaded once
//! per request: administrative grants, staff posts, what they teach, which class they lead,
//! which children they are a guardian of, and which student they are. Resolvers and services
//! ask the functions here; lists are filtered in SQL with the conditions built here.
//!
//! Answers for objects a viewer may not see are `NOT_FOUND`, never `FORBIDDEN`: ids must not
//! become a way to probe who exists. `FORBIDDEN` is for actions on objects the viewer does see.
//!
//! `Viewer`'s fields are private to this module: outside it, code asks a question
//! ([`Viewer::may`], the `may_*` predicates, the scope conditions of [`scope`]) and never
//! composes a rule from the viewer's grants itself.

pub mod contacts;
pub mod permission;
pub mod scope;

pub use permission::Permission;

use std::collections::{BTreeMap, BTreeSet};

use dnevnik_entities::enums::{Role, StaffPosition};
use dnevnik_entities::{
    account, class_unit, guardianship, lesson, role_grant, staff_member, student,
    teaching_assignment,
};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};

use crate::error::{AppError, AppResult};

/// A post held at a school.
#[derive(Clone, Debug)]
pub struct StaffPost {
    /// The staff member row.
    pub staff_id: i64,
    /// Their school.
    pub school_id: i64,
    /// Their position.
    pub position: StaffPosition,
}

/// A child the viewer is a guardian of.
#[derive(Clone, Debug)]
pub struct Child {
    /// The student.
    pub student_id: i64,
    /// The parent's label for this child.
    pub label: String,
    /// The child's school.
    pub school_id: i64,
    /// The child's class.
    pub class_unit_id: i64,
}

/// The student the viewer is.
#[derive(Clone, Copy, Debug)]
pub struct OwnStudent {
    /// The student.
    pub student_id: i64,
    /// Their school.
    pub school_id: i64,
    /// Their class.
    pub class_unit_id: i64,
}

/// A kind of role, as the viewer's own description lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleKind {
    /// The education department: every school.
    DepartmentAdmin,
    /// A school's administrator.
    SchoolAdmin,
    /// A school's director.
    Director,
    /// A school's deputy director.
    DeputyDirector,
    /// Leads a class.
    ClassTeacher,
    /// Teaches subjects in a class.
    Teacher,
    /// A child's parent or guardian.
    Parent,
    /// The student themselves.
    Student,
}

/// One role the viewer holds, with its scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldRole {
    /// The role.
    pub kind: RoleKind,
    /// Its school.
    pub school_id: Option<i64>,
    /// Its class.
    pub class_unit_id: Option<i64>,
    /// The subjects taught, for a teacher.
    pub subject_ids: Vec<i64>,
    /// The student, for a parent or a student.
    pub student_id: Option<i64>,
}

impl HeldRole {
    fn new(kind: RoleKind) -> Self {
        Self {
            kind,
            school_id: None,
            class_unit_id: None,
            subject_ids: Vec::new(),
            student_id: None,
        }
    }
}

/// A signed-in account and its scopes.
#[derive(Clone, Debug)]
pub struct Viewer {
    /// The account.
    account_id: i64,
    /// The session of this request.
    session_id: i64,
    /// The name shown in the interface.
    display_name: String,
    /// A confirmed (trusted) identity.
    confirmed: bool,
    /// Department administrator: every school.
    department_admin: bool,
    /// Schools administered (administrator, director, deputy director), with the grants.
    administers: BTreeMap<i64, BTreeSet<Role>>,
    /// Staff posts.
    staff: Vec<StaffPost>,
    /// Class → subjects the viewer teaches there.
    teaches: BTreeMap<i64, BTreeSet<i64>>,
    /// Classes the viewer leads as class teacher.
    leads: BTreeSet<i64>,
    /// The school of every class the viewer teaches or leads.
    class_schools: BTreeMap<i64, i64>,
    /// Children linked to the account.
    children: Vec<Child>,
    /// The student the account belongs to.
    own_student: Option<OwnStudent>,
}

/// How much of a student (or class) a viewer may see, and the proof that the policy granted
/// it: an `Access` is made only here (by [`Viewer::student_access`], [`Viewer::class_access`]
/// and the few grants below), so a read service that takes one cannot be called for a student
/// nobody checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Access(Scope);

#[derive(Clone, Debug, PartialEq, Eq)]
enum Scope {
    /// Everything.
    Full,
    /// Only what concerns these subjects (a subject teacher).
    Subjects(BTreeSet<i64>),
}

impl Access {
    fn full() -> Self {
        Self(Scope::Full)
    }

    fn subjects(subjects: BTreeSet<i64>) -> Self {
        Self(Scope::Subjects(subjects))
    }

    /// Whether it covers everything about the student (the family, the class teacher, the
    /// school's administration), not only some subjects.
    pub fn is_full(&self) -> bool {
        self.0 == Scope::Full
    }

    /// The subjects it is limited to, or `None` when it covers every subject.
    pub fn limited_to(&self) -> Option<&BTreeSet<i64>> {
        match &self.0 {
            Scope::Full => None,
            Scope::Subjects(subjects) => Some(subjects),
        }
    }

    /// Whether a subject is within the access.
    pub fn covers_subject(&self, subject_id: i64) -> bool {
        match &self.0 {
            Scope::Full => true,
            Scope::Subjects(subjects) => subjects.contains(&subject_id),
        }
    }

    /// The same access narrowed to one subject it covers (a class journal of one subject), or
    /// `None` when it does not cover it. An access can only shrink outside the policy.
    pub fn narrowed_to(&self, subject_id: i64) -> Option<Self> {
        self.covers_subject(subject_id)
            .then(|| Self::subjects(BTreeSet::from([subject_id])))
    }

    /// A SQL condition on a `subject_id` column limiting rows to the access.
    pub fn subject_condition<C: ColumnTrait>(&self, column: C) -> Condition {
        match &self.0 {
            Scope::Full => Condition::all(),
            Scope::Subjects(subjects) => {
                Condition::all().add(column.is_in(subjects.iter().copied()))
            }
        }
    }

    /// The access a redemption grants: the code's student, in full, to the account that has
    /// just linked it (its viewer was loaded before the link existed). Only
    /// [`crate::service::codes::codebook::redeem`] makes a `Redeemed`; a code that was only checked
    /// grants nothing.
    pub fn granted_by(redeemed: &crate::service::codes::codebook::Redeemed) -> Option<Self> {
        redeemed.linked().then(Self::full)
    }
}

/// The facts about a student the policy decides on.
#[derive(Clone, Copy, Debug)]
pub struct StudentRef {
    /// The student.
    pub id: i64,
    /// Their school.
    pub school_id: i64,
    /// Their class.
    pub class_unit_id: i64,
}

impl From<&student::Model> for StudentRef {
    fn from(s: &student::Model) -> Self {
        Self {
            id: s.id,
            school_id: s.school_id,
            class_unit_id: s.class_unit_id,
        }
    }
}

impl Viewer {
    /// Loads the scopes of a signed-in account.
    pub async fn load(
        db: &impl ConnectionTrait,
        account: &account::Model,
        session_id: i64,
    ) -> AppResult<Self> {
        let grants = role_grant::Entity::find()
            .filter(role_grant::Column::AccountId.eq(account.id))
            .all(db)
            .await?;
        let staff = staff_member::Entity::find()
            .filter(staff_member::Column::AccountId.eq(account.id))
            .filter(staff_member::Column::Active.eq(true))
            .all(db)
            .await?;
        let staff_ids: Vec<i64> = staff.iter().map(|s| s.id).collect();
        let (teaching, led) = if staff_ids.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            let teaching = teaching_assignment::Entity::find()
                .filter(teaching_assignment::Column::StaffMemberId.is_in(staff_ids.clone()))
                .all(db)
                .await?;
            let led = class_unit::Entity::find()
                .filter(class_unit::Column::ClassTeacherId.is_in(staff_ids))
                .all(db)
                .await?;
            (teaching, led)
        };
        let links = guardianship::Entity::find()
            .filter(guardianship::Column::AccountId.eq(account.id))
            .find_also_related(student::Entity)
            .all(db)
            .await?;
        let own = student::Entity::find()
            .filter(student::Column::AccountId.eq(account.id))
            .one(db)
            .await?;

        let mut administers: BTreeMap<i64, BTreeSet<Role>> = BTreeMap::new();
        let mut department_admin = false;
        for grant in grants {
            match (grant.role, grant.school_id) {
                (Role::DepartmentAdmin, _) => department_admin = true,
                (role, Some(school)) => {
                    administers.entry(school).or_default().insert(role);
                }
                (_, None) => {}
            }
        }
        let mut teaches: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
        let mut class_schools: BTreeMap<i64, i64> = BTreeMap::new();
        for t in teaching {
            teaches
                .entry(t.class_unit_id)
                .or_default()
                .insert(t.subject_id);
            class_schools.insert(t.class_unit_id, t.school_id);
        }
        for class in &led {
            class_schools.insert(class.id, class.school_id);
        }
        let mut children: Vec<Child> = links
            .into_iter()
            .filter_map(|(link, student)| {
                student.map(|s| Child {
                    student_id: s.id,
                    label: link.label,
                    school_id: s.school_id,
                    class_unit_id: s.class_unit_id,
                })
            })
            .collect();
        children.sort_by_key(|c| c.student_id);
        Ok(Self {
            account_id: account.id,
            session_id,
            display_name: account.display_name.clone(),
            confirmed: account.confirmed,
            department_admin,
            administers,
            staff: staff
                .iter()
                .map(|s| StaffPost {
                    staff_id: s.id,
                    school_id: s.school_id,
                    position: s.position,
                })
                .collect(),
            teaches,
            leads: led.iter().map(|c| c.id).collect(),
            class_schools,
            children,
            own_student: own.map(|s| OwnStudent {
                student_id: s.id,
                school_id: s.school_id,
                class_unit_id: s.class_unit_id,
            }),
        })
    }

    /// The account.
    pub fn account_id(&self) -> i64 {
        self.account_id
    }

    /// The session of this request.
    pub fn session_id(&self) -> i64 {
        self.session_id
    }

    /// The name shown in the interface.
    pub fn display_name(&self) -> &str {
        &self.display_name
    }

    /// Whether the identity is confirmed (a confirmed Gosuslugi account).
    pub fn is_confirmed(&self) -> bool {
        self.confirmed
    }

    /// The viewer's own staff records (one per school they work at).
    pub fn staff_ids(&self) -> Vec<i64> {
        self.staff.iter().map(|s| s.staff_id).collect()
    }

    /// The parent's label for a linked child, or `None` when the student is not their child.
    pub fn child_label(&self, student_id: i64) -> Option<&str> {
        self.children
            .iter()
            .find(|c| c.student_id == student_id)
            .map(|c| c.label.as_str())
    }

    /// Whether the viewer is already a guardian of the student.
    pub fn is_guardian_of(&self, student_id: i64) -> bool {
        self.child_label(student_id).is_some()
    }

    /// Whether the account holds a role that a student's own account never does — a parent,
    /// a member of staff, an administrator — so a student's sign-in code is not theirs to use.
    pub fn holds_another_role_than_student(&self) -> bool {
        !self.children.is_empty()
            || !self.staff.is_empty()
            || !self.administers.is_empty()
            || self.department_admin
    }

    /// Whether the account is already a student's own.
    pub fn is_a_student(&self) -> bool {
        self.own_student.is_some()
    }

    /// Every role the viewer holds, with its scope, in a fixed order: the department, school
    /// administration, class teacher, teacher, parent, student.
    pub fn roles(&self) -> Vec<HeldRole> {
        let mut roles = Vec::new();
        if self.department_admin {
            roles.push(HeldRole::new(RoleKind::DepartmentAdmin));
        }
        for (school, grants) in &self.administers {
            for grant in grants {
                let kind = match grant {
                    Role::SchoolAdmin => RoleKind::SchoolAdmin,
                    Role::Director => RoleKind::Director,
                    Role::DeputyDirector => RoleKind::DeputyDirector,
                    Role::DepartmentAdmin => continue,
                };
                roles.push(HeldRole {
                    school_id: Some(*school),
                    ..HeldRole::new(kind)
                });
            }
        }
        let school_of = |class: i64| self.class_schools.get(&class).copied();
        for class in &self.leads {
            roles.push(HeldRole {
                school_id: school_of(*class),
                class_unit_id: Some(*class),
                ..HeldRole::new(RoleKind::ClassTeacher)
            });
        }
        for (class, subjects) in &self.teaches {
            roles.push(HeldRole {
                school_id: school_of(*class),
                class_unit_id: Some(*class),
                subject_ids: subjects.iter().copied().collect(),
                ..HeldRole::new(RoleKind::Teacher)
            });
        }
        for child in &self.children {
            roles.push(HeldRole {
                school_id: Some(child.school_id),
                class_unit_id: Some(child.class_unit_id),
                student_id: Some(child.student_id),
                ..HeldRole::new(RoleKind::Parent)
            });
        }
        if let Some(own) = self.own_student {
            roles.push(HeldRole {
                school_id: Some(own.school_id),
                class_unit_id: Some(own.class_unit_id),
                student_id: Some(own.student_id),
                ..HeldRole::new(RoleKind::Student)
            });
        }
        roles
    }

    /// Whether the viewer administers the school (or every school).
    pub fn administers_school(&self, school_id: i64) -> bool {
        self.department_admin || self.administers.contains_key(&school_id)
    }

    /// Whether the viewer works at the school.
    pub fn works_at(&self, school_id: i64) -> bool {
        self.staff.iter().any(|s| s.school_id == school_id)
    }

    /// What of a student the viewer may see, or `None`.
    pub fn student_access(&self, student: StudentRef) -> Option<Access> {
        if self.administers_school(student.school_id)
            || self.children.iter().any(|c| c.student_id == student.id)
            || self.own_student.is_some_and(|s| s.student_id == student.id)
            || self.leads.contains(&student.class_unit_id)
        {
            return Some(Access::full());
        }
        self.teaches
            .get(&student.class_unit_id)
            .map(|subjects| Access::subjects(subjects.clone()))
    }

    /// What of a class's students and lessons the viewer may see, or `None`. Parents and
    /// students never see a class's roster: other children are not theirs.
    pub fn class_access(&self, class_unit_id: i64, school_id: i64) -> Option<Access> {
        if self.administers_school(school_id) || self.leads.contains(&class_unit_id) {
            return Some(Access::full());
        }
        self.teaches
            .get(&class_unit_id)
            .map(|subjects| Access::subjects(subjects.clone()))
    }

    /// Whether the viewer belongs to a class: its staff, its students, their parents. Members
    /// see the class's name, class teacher, timetable, news and forum.
    pub fn member_of_class(&self, class_unit_id: i64, school_id: i64) -> bool {
        self.class_access(class_unit_id, school_id).is_some()
            || self
                .children
                .iter()
                .any(|c| c.class_unit_id == class_unit_id)
            || self
                .own_student
                .is_some_and(|s| s.class_unit_id == class_unit_id)
    }

    /// Whether the viewer belongs to a school: its staff, its students, their parents.
    pub fn member_of_school(&self, school_id: i64) -> bool {
        self.administers_school(school_id)
            || self.works_at(school_id)
            || self.children.iter().any(|c| c.school_id == school_id)
            || self.own_student.is_some_and(|s| s.school_id == school_id)
    }

    /// Schools the viewer belongs to (for school-scoped lists); `None` means every school.
    pub fn member_schools(&self) -> Option<BTreeSet<i64>> {
        if self.department_admin {
            return None;
        }
        let mut schools: BTreeSet<i64> = self.administers.keys().copied().collect();
        schools.extend(self.staff.iter().map(|s| s.school_id));
        schools.extend(self.children.iter().map(|c| c.school_id));
        schools.extend(self.own_student.iter().map(|s| s.school_id));
        Some(schools)
    }

    /// Classes the viewer belongs to through children, own studies, leading or teaching.
    pub fn member_classes(&self) -> BTreeSet<i64> {
        let mut classes: BTreeSet<i64> = self.teaches.keys().copied().collect();
        classes.extend(self.leads.iter().copied());
        classes.extend(self.children.iter().map(|c| c.class_unit_id));
        classes.extend(self.own_student.iter().map(|s| s.class_unit_id));
        classes
    }

    /// Whether the viewer keeps the school's journal as its administration (administrator,
    /// director, deputy director). The department reads every school's diary but writes none:
    /// a journal is the school's legal record.
    pub fn keeps_journal_of(&self, school_id: i64) -> bool {
        self.administers.contains_key(&school_id)
    }

    /// The viewer's staff post at a school, if they hold one.
    pub fn staff_at(&self, school_id: i64) -> Option<i64> {
        self.staff
            .iter()
            .find(|s| s.school_id == school_id)
            .map(|s| s.staff_id)
    }

    /// Whether the viewer teaches a subject in a class.
    pub fn teaches_subject(&self, class_unit_id: i64, subject_id: i64) -> bool {
        self.teaches
            .get(&class_unit_id)
            .is_some_and(|subjects| subjects.contains(&subject_id))
    }

    /// Whether the viewer may grade a subject in a class — marks outside a lesson, homework,
    /// final marks: whoever teaches it there, and the school's administration.
    pub fn may_grade(&self, school_id: i64, class_unit_id: i64, subject_id: i64) -> bool {
        self.keeps_journal_of(school_id) || self.teaches_subject(class_unit_id, subject_id)
    }

    /// Whether the viewer may write at a lesson (marks, topic, status, homework given there):
    /// its teacher, the replacing teacher, whoever teaches the subject in the class, and the
    /// school's administration.
    pub fn may_write_lesson(&self, lesson: &lesson::Model) -> bool {
        let own = |staff: Option<i64>| {
            staff.is_some_and(|id| self.staff.iter().any(|s| s.staff_id == id))
        };
        self.may_grade(lesson.school_id, lesson.class_unit_id, lesson.subject_id)
            || own(Some(lesson.staff_member_id))
            || own(lesson.replacement_staff_id)
    }

    /// Whether the viewer may take attendance at a lesson: whoever may write at it, and the
    /// class teacher, who excuses absences for their class.
    pub fn may_take_attendance(&self, lesson: &lesson::Model) -> bool {
        self.may_write_lesson(lesson) || self.leads.contains(&lesson.class_unit_id)
    }

    /// Whether the viewer may write a remark about a student of a class: anyone who teaches
    /// the class, its class teacher, and the school's administration.
    pub fn may_remark(&self, school_id: i64, class_unit_id: i64) -> bool {
        self.keeps_journal_of(school_id)
            || self.leads.contains(&class_unit_id)
            || self.teaches.contains_key(&class_unit_id)
    }

    /// Whether the viewer may arrange a replacement teacher for a lesson: the school's
    /// administration only (замены are the deputy director's timetable).
    pub fn may_arrange_replacements(&self, school_id: i64) -> bool {
        self.keeps_journal_of(school_id)
    }

    /// Whether the viewer may publish news (and edit or withdraw others' news) in a scope: the
    /// city's for the department; a school's for its administration; a class's also for its
    /// class teacher.
    pub fn may_publish(&self, school_id: Option<i64>, class_unit_id: Option<i64>) -> bool {
        match (school_id, class_unit_id) {
            (None, _) => self.department_admin,
            (Some(school), None) => self.administers_school(school),
            (Some(school), Some(class)) => {
                self.administers_school(school) || self.leads.contains(&class)
            }
        }
    }

    /// Whether the viewer may read a forum thread of a school or one of its classes (and so
    /// post in it): the class's members and the school's administration, or the school's
    /// members for a school-wide thread.
    pub fn may_read_forum(&self, school_id: i64, class_unit_id: Option<i64>) -> bool {
        match class_unit_id {
            Some(class) => {
                self.member_of_class(class, school_id) || self.administers_school(school_id)
            }
            None => self.member_of_school(school_id),
        }
    }

    /// Whether the viewer moderates a forum thread (locks, pins, hides posts, sees hidden
    /// ones): the school's administration; for a class thread, the class's teachers and class
    /// teacher; for a school thread, the school's staff.
    pub fn moderates_forum(&self, school_id: i64, class_unit_id: Option<i64>) -> bool {
        if self.administers_school(school_id) {
            return true;
        }
        match class_unit_id {
            Some(class) => self.leads.contains(&class) || self.teaches.contains_key(&class),
            None => self.works_at(school_id),
        }
    }

    /// The students a viewer sees in lists of "my students": linked children or themselves.
    pub fn own_students(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.children.iter().map(|c| c.student_id).collect();
        ids.extend(self.own_student.iter().map(|s| s.student_id));
        ids
    }
}

/// The viewer of a request that requires signing in.
pub fn signed_in(viewer: Option<&Viewer>) -> AppResult<&Viewer> {
    viewer.ok_or(AppError::Unauthenticated)
}

/// The access to a student, or `NOT_FOUND` when there is none.
pub fn require_student(viewer: &Viewer, student: StudentRef) -> AppResult<Access> {
    viewer.student_access(student).ok_or(AppError::NotFound)
}
