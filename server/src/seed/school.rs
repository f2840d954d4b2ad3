//! One generated school, the shape shared by the demo and by synthetic data: its year and
//! quarters, subjects, staff with their teaching load, classes of students with families, a
//! clash-free weekly timetable materialised into lessons, and the diary those lessons produce
//! (topics, homework, marks, attendance, remarks, final marks), plus news, events, forum,
//! messages and access applications.
//!
//! Everything is drawn from one seeded generator, so the same plan and seed give the same
//! school. Rows go into [`Rows`] with ids from [`Ids`]; nothing here talks to the database.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};
use dnevnik_entities as e;
use dnevnik_entities::enums::{
    AccessKind, AccountStatus, ApplicantRelation, ApplicationStatus, AttendanceStatus, EventKind,
    FinalMarkValue, ForumAddressee, ForumScope, IdentityDocumentType, LessonStatus,
    MarkRevisionAction, NewsKind, NewsScope, RemarkKind, StaffPosition, StudyPeriodKind,
};
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::calendar::{AcademicCalendar, minus_days, plus_days};
use super::content::{self, Addressee, SubjectSpec};
use super::names::{Family, FullName, person};
use super::rows::{Ids, Rows};
use crate::grading::WeightedAverage;

/// A class by grade and letter, e.g. `(5, "А")`.
pub type ClassRef = (i16, &'static str);

/// What to generate for one school.
#[derive(Clone, Debug)]
pub struct SchoolPlan {
    /// Ordinal of the school in its batch; part of names and external ids.
    pub number: u32,
    /// Official name.
    pub name: String,
    /// Short name.
    pub short_name: String,
    /// The school's rounding threshold for final marks, in hundredths.
    pub rounding_threshold: i16,
    /// Classes to open.
    pub classes: Vec<ClassRef>,
    /// Smallest and largest class size.
    pub students_per_class: (u32, u32),
    /// First day with lessons.
    pub lessons_from: NaiveDate,
    /// Last day with lessons (future lessons are scheduled, not held).
    pub lessons_to: NaiveDate,
    /// The day the data is "as of": lessons up to it are held and marked.
    pub today: NaiveDate,
    /// A teacher with a fixed load (the demo's `teacher`).
    pub featured_teacher: Option<FeaturedTeacher>,
    /// Two classes whose first students are siblings with one parent account (the demo's
    /// `parent`).
    pub demo_family: Option<(ClassRef, ClassRef)>,
    /// A class whose first student has no parent account yet (the demo's `parent2` applies).
    pub unlinked_student_in: Option<ClassRef>,
    /// Share of families with a parent account in the diary.
    pub linked_family_share: f64,
    /// Seed of the generator.
    pub seed: u64,
}

/// A teacher whose subject and classes are fixed by the plan.
#[derive(Clone, Debug)]
pub struct FeaturedTeacher {
    /// Subject name, as in [`content::SUBJECTS`].
    pub subject: &'static str,
    /// The classes they teach it in.
    pub classes: Vec<ClassRef>,
    /// The class they lead.
    pub class_teacher_of: ClassRef,
}

/// Catalogue rows shared by every school, created once per batch.
#[derive(Clone, Debug, Default)]
pub struct Shared {
    /// Refusal reasons by code.
    pub refusal_reasons: HashMap<String, i64>,
}

/// What callers need to know about a generated school.
#[derive(Clone, Debug)]
pub struct GeneratedSchool {
    /// The school's id.
    pub school_id: i64,
    /// Account of the school administrator (the demo's `admin`).
    pub administrator_account_id: i64,
    /// Account of the featured teacher, if planned.
    pub featured_teacher_account_id: Option<i64>,
    /// The siblings and their parent's account, if planned.
    pub demo_family: Option<DemoFamily>,
    /// The student without a parent account, if planned.
    pub unlinked_student: Option<UnlinkedStudent>,
    /// Id of the 'year' study period.
    pub year_period_id: i64,
}

/// The demo family.
#[derive(Clone, Debug)]
pub struct DemoFamily {
    /// The parent's account.
    pub parent_account_id: i64,
    /// The first child (the demo `student`).
    pub first_student_id: i64,
    /// The second child.
    pub second_student_id: i64,
}

/// A student whose parent has applied but not linked yet.
#[derive(Clone, Debug)]
pub struct UnlinkedStudent {
    /// The student's id.
    pub student_id: i64,
    /// The student's name.
    pub name: FullName,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// "3А".
    pub class_name: String,
}

/// A Moscow wall-clock time as a UTC instant.
pub fn moscow(date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    crate::clock::instant(crate::clock::MOSCOW, date, time)
}

/// A wall-clock time.
pub fn hm(hour: u32, minute: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN)
}

/// An hour and a minute.
type Clock = (u32, u32);

/// The bell schedule: lesson number, start, end.
const BELLS: [(i16, Clock, Clock); 8] = [
    (1, (8, 30), (9, 15)),
    (2, (9, 25), (10, 10)),
    (3, (10, 30), (11, 15)),
    (4, (11, 35), (12, 20)),
    (5, (12, 30), (13, 15)),
    (6, (13, 25), (14, 10)),
    (7, (14, 20), (15, 5)),
    (8, (15, 15), (16, 0)),
];

fn bell(number: i16) -> (NaiveTime, NaiveTime) {
    let (_, s, e) = BELLS[usize::try_from(number - 1)
        .unwrap_or(0)
        .min(BELLS.len() - 1)];
    (hm(s.0, s.1), hm(e.0, e.1))
}

/// Subjects a primary class learns from specialists rather than from its own teacher.
fn taught_by_specialist_in_primary(subject: &SubjectSpec) -> bool {
    ["Иностран", "Англ", "Физическ", "Музык"]
        .iter()
        .any(|prefix| subject.name.starts_with(prefix))
}

/// Subjects without homework.
fn has_homework(subject: &SubjectSpec) -> bool {
    !["Физическ", "Музык", "Изобраз", "Труд"]
        .iter()
        .any(|prefix| subject.name.starts_with(prefix))
}

struct ClassInfo {
    id: i64,
    grade: i16,
    name: String,
    students: Vec<usize>,
    class_teacher: Option<usize>,
}

struct TeacherInfo {
    staff_id: i64,
    account_id: i64,
    load: u32,
    room: String,
    classes: HashSet<usize>,
}

struct StudentInfo {
    id: i64,
    class: usize,
    name: FullName,
    family: usize,
    ability: f64,
}

struct FamilyInfo {
    family: Family,
    parent_account: Option<i64>,
    parent_name: FullName,
    children: Vec<usize>,
}

struct LessonInfo {
    id: i64,
    class: usize,
    subject: usize,
    teacher: usize,
    date: NaiveDate,
    number: i16,
    status: LessonStatus,
}

/// Kinds of marks the generator gives, looked up in the control-form catalogue.
#[derive(Clone, Copy)]
enum Work {
    Oral,
    Homework,
    Quiz,
    Test,
}

/// Generates one school into `rows`.
pub fn generate(
    plan: &SchoolPlan,
    calendar: &AcademicCalendar,
    shared: &Shared,
    ids: &mut Ids,
    rows: &mut Rows,
) -> GeneratedSchool {
    Generator {
        plan,
        cal: calendar,
        shared,
        ids,
        rows,
        rng: ChaCha8Rng::seed_from_u64(plan.seed),
        school_id: 0,
        created: moscow(minus_days(calendar.year.starts_on, 7), hm(9, 0)),
        subjects: Vec::new(),
        control_forms: HashMap::new(),
        classes: Vec::new(),
        teachers: Vec::new(),
        students: Vec::new(),
        families: Vec::new(),
        assignments: HashMap::new(),
        lessons: Vec::new(),
        periods: Vec::new(),
        year_period: 0,
        academic_year: 0,
        averages: HashMap::new(),
    }
    .run()
}

struct Generator<'a> {
    plan: &'a SchoolPlan,
    cal: &'a AcademicCalendar,
    shared: &'a Shared,
    ids: &'a mut Ids,
    rows: &'a mut Rows,
    rng: ChaCha8Rng,
    school_id: i64,
    created: DateTime<Utc>,
    subjects: Vec<(i64, &'static SubjectSpec)>,
    control_forms: HashMap<&'static str, (i64, i16)>,
    classes: Vec<ClassInfo>,
    teachers: Vec<TeacherInfo>,
    students: Vec<StudentInfo>,
    families: Vec<FamilyInfo>,
    /// (class, subject) → teacher.
    assignments: HashMap<(usize, usize), usize>,
    lessons: Vec<LessonInfo>,
    /// Quarter ids in order.
    periods: Vec<i64>,
    year_period: i64,
    academic_year: i64,
    /// (student, subject, period) → weighted average of the marks generated so far.
    averages: HashMap<(usize, usize, i64), WeightedAverage>,
}

impl Generator<'_> {
    fn run(mut self) -> GeneratedSchool {
        self.school();
        self.year_and_periods();
        self.catalogues();
        let leaders = self.leadership();
        self.classes_and_teachers();
        self.families_and_students();
        self.parents();
        self.timetable_and_lessons();
        self.diary();
        self.final_marks();
        self.external_assessments();
        self.news_and_events(leaders.0);
        self.forum(leaders.1);
        self.conversations();
        self.applications(leaders.2);
        let featured = self
            .plan
            .featured_teacher
            .as_ref()
            .and_then(|_| self.teachers.first())
            .map(|t| t.account_id);
        GeneratedSchool {
            school_id: self.school_id,
            administrator_account_id: leaders.2,
            featured_teacher_account_id: featured,
            demo_family: self.demo_family(),
            unlinked_student: self.unlinked_student(),
            year_period_id: self.year_period,
        }
    }

    fn account(&mut self, name: &FullName) -> i64 {
        let id = self.ids.next("accounts");
        self.rows.accounts.push(e::account::Model {
            id,
            login: None,
            display_name: name.full(),
            status: AccountStatus::Active,
            confirmed: true,
            created_at: self.created,
            updated_at: self.created,
            last_sign_in_at: None,
        });
        id
    }

    fn school(&mut self) {
        self.school_id = self.ids.next("schools");
        self.rows.schools.push(e::school::Model {
            id: self.school_id,
            external_id: Some(format!("SCH-{:04}", self.plan.number)),
            name: self.plan.name.clone(),
            short_name: self.plan.short_name.clone(),
            city: "Москва".to_owned(),
            address: Some(format!(
                "г. Москва, ул. Учебная, д. {}",
                self.plan.number + 1
            )),
            timezone: "Europe/Moscow".to_owned(),
            rounding_threshold: self.plan.rounding_threshold,
            created_at: self.created,
            updated_at: self.created,
        });
    }

    fn year_and_periods(&mut self) {
        let year_id = self.ids.next("academic_years");
        self.rows.academic_years.push(e::academic_year::Model {
            id: year_id,
            school_id: self.school_id,
            external_id: Some(format!("AY-{}", self.cal.name)),
            name: self.cal.name.clone(),
            starts_on: self.cal.year.starts_on,
            ends_on: self.cal.year.ends_on,
            created_at: self.created,
            updated_at: self.created,
        });
        for (i, quarter) in self.cal.quarters.iter().enumerate() {
            let id = self.ids.next("study_periods");
            self.periods.push(id);
            self.rows.study_periods.push(e::study_period::Model {
                id,
                school_id: self.school_id,
                academic_year_id: year_id,
                kind: StudyPeriodKind::Quarter,
                number: i16::try_from(i + 1).unwrap_or(1),
                name: format!("{} четверть", i + 1),
                starts_on: quarter.starts_on,
                ends_on: quarter.ends_on,
                created_at: self.created,
                updated_at: self.created,
            });
        }
        self.year_period = self.ids.next("study_periods");
        self.rows.study_periods.push(e::study_period::Model {
            id: self.year_period,
            school_id: self.school_id,
            academic_year_id: year_id,
            kind: StudyPeriodKind::Year,
            number: 1,
            name: "Год".to_owned(),
            starts_on: self.cal.year.starts_on,
            ends_on: self.cal.year.ends_on,
            created_at: self.created,
            updated_at: self.created,
        });
        self.academic_year = year_id;
    }
}

impl Generator<'_> {
    fn catalogues(&mut self) {
        for (i, spec) in content::SUBJECTS.iter().enumerate() {
            let id = self.ids.next("subjects");
            self.subjects.push((id, spec));
            self.rows.subjects.push(e::subject::Model {
                id,
                school_id: self.school_id,
                external_id: Some(format!("SUBJ-{:02}", i + 1)),
                name: spec.name.to_owned(),
                short_name: spec.short_name.to_owned(),
                sort_order: i32::try_from(i).unwrap_or(0),
                created_at: self.created,
                updated_at: self.created,
            });
        }
        for (i, form) in content::CONTROL_FORMS.iter().enumerate() {
            let id = self.ids.next("control_forms");
            self.control_forms.insert(form.name, (id, form.weight));
            self.rows.control_forms.push(e::control_form::Model {
                id,
                school_id: self.school_id,
                name: form.name.to_owned(),
                short_name: form.short_name.to_owned(),
                default_weight: form.weight,
                sort_order: i32::try_from(i).unwrap_or(0),
                active: true,
                created_at: self.created,
                updated_at: self.created,
            });
        }
        let schedule = self.ids.next("bell_schedules");
        self.rows.bell_schedules.push(e::bell_schedule::Model {
            id: schedule,
            school_id: self.school_id,
            name: "Основное расписание звонков".to_owned(),
            is_default: true,
            created_at: self.created,
            updated_at: self.created,
        });
        for (number, _, _) in BELLS {
            let (starts_at, ends_at) = bell(number);
            let id = self.ids.next("bell_schedule_slots");
            self.rows
                .bell_schedule_slots
                .push(e::bell_schedule_slot::Model {
                    id,
                    school_id: self.school_id,
                    bell_schedule_id: schedule,
                    lesson_number: number,
                    starts_at,
                    ends_at,
                });
        }
    }

    fn staff(&mut self, name: &FullName, position: StaffPosition) -> (i64, i64) {
        let account_id = self.account(name);
        let staff_id = self.ids.next("staff_members");
        self.rows.staff_members.push(e::staff_member::Model {
            id: staff_id,
            school_id: self.school_id,
            external_id: Some(format!("STAFF-{staff_id}")),
            account_id: Some(account_id),
            last_name: name.last.clone(),
            first_name: name.first.clone(),
            middle_name: Some(name.middle.clone()),
            position,
            active: true,
            created_at: self.created,
            updated_at: self.created,
        });
        (staff_id, account_id)
    }

    /// Director, deputy director and school administrator: returns their account ids.
    fn leadership(&mut self) -> (i64, i64, i64) {
        let director = person(&mut self.rng);
        let deputy = person(&mut self.rng);
        let administrator = person(&mut self.rng);
        let (_, director) = self.staff(&director, StaffPosition::Director);
        let (_, deputy) = self.staff(&deputy, StaffPosition::DeputyDirector);
        let (_, administrator) = self.staff(&administrator, StaffPosition::Administrator);
        (director, deputy, administrator)
    }

    fn new_teacher(&mut self) -> usize {
        let name = person(&mut self.rng);
        let (staff_id, account_id) = self.staff(&name, StaffPosition::Teacher);
        let room = content::ROOMS
            .get(self.teachers.len() % content::ROOMS.len().max(1))
            .copied()
            .unwrap_or("101")
            .to_owned();
        self.teachers.push(TeacherInfo {
            staff_id,
            account_id,
            load: 0,
            room,
            classes: HashSet::new(),
        });
        self.teachers.len() - 1
    }

    fn subject_index(&self, name: &str) -> Option<usize> {
        self.subjects.iter().position(|(_, spec)| spec.name == name)
    }

    fn class_index(&self, class: ClassRef) -> Option<usize> {
        let name = format!("{}{}", class.0, class.1);
        self.classes.iter().position(|c| c.name == name)
    }

    fn assign(&mut self, class: usize, subject: usize, teacher: usize) {
        let hours = u32::from(self.subjects[subject].1.hours_per_week);
        self.assignments.insert((class, subject), teacher);
        self.teachers[teacher].load += hours;
        self.teachers[teacher].classes.insert(class);
    }

    /// Opens the classes and shares the teaching load out: a primary class has its own teacher
    /// for most subjects; every other (class, subject) goes to a subject teacher with room left
    /// under a full load.
    fn classes_and_teachers(&mut self) {
        for &(grade, letter) in &self.plan.classes {
            let id = self.ids.next("class_units");
            self.classes.push(ClassInfo {
                id,
                grade,
                name: format!("{grade}{letter}"),
                students: Vec::new(),
                class_teacher: None,
            });
        }
        // The featured teacher is the first teacher, so that callers can find them.
        if let Some(featured) = self.plan.featured_teacher.clone() {
            let teacher = self.new_teacher();
            if let Some(subject) = self.subject_index(featured.subject) {
                let classes: Vec<usize> = featured
                    .classes
                    .iter()
                    .filter_map(|c| self.class_index(*c))
                    .collect();
                for class in classes {
                    self.assign(class, subject, teacher);
                }
            }
            if let Some(class) = self.class_index(featured.class_teacher_of) {
                self.classes[class].class_teacher = Some(teacher);
            }
        }
        for class in 0..self.classes.len() {
            let grade = self.classes[class].grade;
            if grade > 4 {
                continue;
            }
            let teacher = match self.classes[class].class_teacher {
                Some(teacher) => teacher,
                None => self.new_teacher(),
            };
            self.classes[class].class_teacher = Some(teacher);
            for subject in 0..self.subjects.len() {
                let spec = self.subjects[subject].1;
                if taught_in(spec, grade)
                    && !taught_by_specialist_in_primary(spec)
                    && !self.assignments.contains_key(&(class, subject))
                {
                    self.assign(class, subject, teacher);
                }
            }
        }
        const FULL_LOAD: u32 = 24;
        for subject in 0..self.subjects.len() {
            let spec = self.subjects[subject].1;
            let mut current: Option<usize> = None;
            for class in 0..self.classes.len() {
                if !taught_in(spec, self.classes[class].grade)
                    || self.assignments.contains_key(&(class, subject))
                {
                    continue;
                }
                let hours = u32::from(spec.hours_per_week);
                let teacher = match current {
                    Some(t) if self.teachers[t].load + hours <= FULL_LOAD => t,
                    _ => self.new_teacher(),
                };
                current = Some(teacher);
                self.assign(class, subject, teacher);
            }
        }
        // Every class gets a class teacher from among those who teach it.
        let mut leading: HashSet<usize> = self
            .classes
            .iter()
            .filter_map(|c| c.class_teacher)
            .collect();
        for class in 0..self.classes.len() {
            if self.classes[class].class_teacher.is_some() {
                continue;
            }
            let mut candidates: Vec<usize> = self
                .assignments
                .iter()
                .filter(|((c, _), t)| *c == class && !leading.contains(*t))
                .map(|(_, t)| *t)
                .collect();
            candidates.sort_unstable();
            candidates.dedup();
            let teacher = match candidates.first() {
                Some(t) => *t,
                None => self.new_teacher(),
            };
            leading.insert(teacher);
            self.classes[class].class_teacher = Some(teacher);
        }
        for (index, class) in self.classes.iter().enumerate() {
            let letter = self.plan.classes[index].1;
            self.rows.class_units.push(e::class_unit::Model {
                id: class.id,
                school_id: self.school_id,
                external_id: Some(format!("CLASS-{}", class.id)),
                academic_year_id: self.academic_year,
                grade: class.grade,
                letter: letter.to_owned(),
                name: class.name.clone(),
                class_teacher_id: class.class_teacher.map(|t| self.teachers[t].staff_id),
                created_at: self.created,
                updated_at: self.created,
            });
        }
        let mut pairs: Vec<_> = self.assignments.iter().map(|(k, v)| (*k, *v)).collect();
        pairs.sort_unstable();
        for ((class, subject), teacher) in pairs {
            let id = self.ids.next("teaching_assignments");
            self.rows
                .teaching_assignments
                .push(e::teaching_assignment::Model {
                    id,
                    school_id: self.school_id,
                    external_id: Some(format!("TA-{id}")),
                    staff_member_id: self.teachers[teacher].staff_id,
                    class_unit_id: self.classes[class].id,
                    subject_id: self.subjects[subject].0,
                    hours_per_week: i16::from(self.subjects[subject].1.hours_per_week),
                    created_at: self.created,
                    updated_at: self.created,
                });
        }
    }

    fn families_and_students(&mut self) {
        let (low, high) = self.plan.students_per_class;
        let demo = self.plan.demo_family;
        let demo_second = demo.and_then(|(_, second)| self.class_index(second));
        let demo_first = demo.and_then(|(first, _)| self.class_index(first));
        let mut demo_family: Option<usize> = None;
        // The first child of the demo family is placed before the second one's class is
        // reached, whatever the order of classes.
        let order: Vec<usize> = {
            let mut order: Vec<usize> = (0..self.classes.len()).collect();
            if let Some(first) = demo_first {
                order.retain(|c| *c != first);
                order.insert(0, first);
            }
            order
        };
        for class in order {
            let size = self.rng.random_range(low..=high.max(low));
            let grade = self.classes[class].grade;
            for k in 0..size {
                let family = if k == 0 && Some(class) == demo_second && demo_family.is_some() {
                    demo_family.unwrap_or(0)
                } else if !self.families.is_empty() && self.rng.random_bool(0.08) && k > 0 {
                    // A sibling of a student in another class.
                    self.rng.random_range(0..self.families.len())
                } else {
                    let family = Family::random(&mut self.rng);
                    // Mothers apply for diary access more often than fathers.
                    let father = self.rng.random_bool(0.3);
                    let parent_name = family.parent(&mut self.rng, father);
                    self.families.push(FamilyInfo {
                        family,
                        parent_account: None,
                        parent_name,
                        children: Vec::new(),
                    });
                    self.families.len() - 1
                };
                if k == 0 && Some(class) == demo_first {
                    demo_family = Some(family);
                }
                let name = self.families[family].family.child(&mut self.rng);
                let id = self.ids.next("students");
                let birth_year = self.cal.year.starts_on.year() - i32::from(grade) - 6;
                let birth_date = NaiveDate::from_yo_opt(
                    birth_year - i32::from(self.rng.random_bool(0.3)),
                    self.rng.random_range(1..=365),
                )
                .unwrap_or(self.cal.year.starts_on);
                self.rows.students.push(e::student::Model {
                    id,
                    school_id: self.school_id,
                    external_id: Some(format!("STU-{id}")),
                    class_unit_id: self.classes[class].id,
                    account_id: None,
                    last_name: name.last.clone(),
                    first_name: name.first.clone(),
                    middle_name: Some(name.middle.clone()),
                    birth_date,
                    enrolled_on: self.cal.year.starts_on,
                    left_on: None,
                    created_at: self.created,
                    updated_at: self.created,
                });
                let index = self.students.len();
                self.families[family].children.push(index);
                self.classes[class].students.push(index);
                self.students.push(StudentInfo {
                    id,
                    class,
                    name,
                    family,
                    ability: self.rng.random_range(2.7..4.9),
                });
            }
        }
    }

    fn demo_family(&self) -> Option<DemoFamily> {
        let (first, second) = self.plan.demo_family?;
        let first = self
            .classes
            .get(self.class_index(first)?)?
            .students
            .first()?;
        let second = self
            .classes
            .get(self.class_index(second)?)?
            .students
            .first()?;
        let family = &self.families[self.students[*first].family];
        Some(DemoFamily {
            parent_account_id: family.parent_account?,
            first_student_id: self.students[*first].id,
            second_student_id: self.students[*second].id,
        })
    }

    fn unlinked_student(&self) -> Option<UnlinkedStudent> {
        let class = self.class_index(self.plan.unlinked_student_in?)?;
        let student = &self.students[*self.classes[class].students.first()?];
        let row = self.rows.students.iter().find(|s| s.id == student.id)?;
        Some(UnlinkedStudent {
            student_id: student.id,
            name: student.name.clone(),
            birth_date: row.birth_date,
            class_name: self.classes[class].name.clone(),
        })
    }

    /// Parent accounts (signed in through ESIA) for a share of families, linked to each child.
    fn parents(&mut self) {
        let unlinked = self
            .plan
            .unlinked_student_in
            .and_then(|c| self.class_index(c))
            .and_then(|c| self.classes[c].students.first().copied())
            .map(|s| self.students[s].family);
        let demo = self
            .plan
            .demo_family
            .and_then(|(first, _)| self.class_index(first))
            .and_then(|c| self.classes[c].students.first().copied())
            .map(|s| self.students[s].family);
        for family in 0..self.families.len() {
            let linked = Some(family) == demo
                || (Some(family) != unlinked
                    && self.rng.random_bool(self.plan.linked_family_share));
            if !linked {
                continue;
            }
            let name = self.families[family].parent_name.clone();
            let account = self.account(&name);
            self.families[family].parent_account = Some(account);
            let identity = self.ids.next("external_identities");
            self.rows
                .external_identities
                .push(e::external_identity::Model {
                    id: identity,
                    account_id: account,
                    provider: "esia".to_owned(),
                    issuer: "https://esia.gosuslugi.ru/".to_owned(),
                    subject: format!("{}", 1_000_000_000 + account),
                    trusted: true,
                    created_at: self.created,
                    last_used_at: self.created,
                });
            for child in self.families[family].children.clone() {
                let id = self.ids.next("guardianships");
                self.rows.guardianships.push(e::guardianship::Model {
                    id,
                    school_id: self.school_id,
                    account_id: account,
                    student_id: self.students[child].id,
                    label: self.students[child].name.first.clone(),
                    access_code_id: None,
                    created_at: self.created,
                });
            }
        }
    }
}

/// Whether a subject is taught in a grade.
fn taught_in(spec: &SubjectSpec, grade: i16) -> bool {
    let (low, high) = spec.grades;
    (i16::from(low)..=i16::from(high)).contains(&grade)
}

/// One lesson slot of the weekly timetable.
#[derive(Clone, Copy)]
struct Slot {
    class: usize,
    weekday: u32,
    number: i16,
    subject: usize,
    teacher: usize,
}

impl Generator<'_> {
    /// Places every class's weekly hours on a Monday–Friday grid with no teacher in two places
    /// at once, then lays that week over every study day.
    fn timetable_and_lessons(&mut self) {
        let mut busy: HashSet<(usize, u32, i16)> = HashSet::new();
        let mut slots: Vec<Slot> = Vec::new();
        for class in 0..self.classes.len() {
            let grade = self.classes[class].grade;
            let per_day: i16 = match grade {
                1 => 4,
                2..=4 => 5,
                5..=7 => 6,
                _ => 7,
            };
            let mut instances: Vec<(usize, usize)> = Vec::new();
            let mut taught: Vec<_> = self
                .assignments
                .iter()
                .filter(|((c, _), _)| *c == class)
                .map(|((_, s), t)| (*s, *t))
                .collect();
            taught.sort_unstable();
            for (subject, teacher) in taught {
                for _ in 0..self.subjects[subject].1.hours_per_week {
                    instances.push((subject, teacher));
                }
            }
            instances.shuffle(&mut self.rng);
            let mut day_load = [0i16; 5];
            let mut day_subjects: Vec<Vec<usize>> = vec![Vec::new(); 5];
            for (subject, teacher) in instances {
                let mut days: Vec<u32> = (1..=5).collect();
                days.sort_by_key(|d| {
                    let i = (*d - 1) as usize;
                    let repeats = day_subjects[i].iter().filter(|s| **s == subject).count();
                    (repeats, day_load[i])
                });
                let placed = days.iter().find_map(|&day| {
                    let i = (day - 1) as usize;
                    let number = day_load[i] + 1;
                    (number <= per_day + 1 && !busy.contains(&(teacher, day, number)))
                        .then_some((day, number))
                });
                let Some((day, number)) = placed else {
                    // No clash-free place left for this hour: the class simply has one lesson
                    // fewer, as happens in real timetables.
                    continue;
                };
                let i = (day - 1) as usize;
                day_load[i] = number;
                day_subjects[i].push(subject);
                busy.insert((teacher, day, number));
                slots.push(Slot {
                    class,
                    weekday: day,
                    number,
                    subject,
                    teacher,
                });
            }
        }
        slots.sort_by_key(|s| (s.class, s.weekday, s.number));
        for slot in &slots {
            let id = self.ids.next("timetable_entries");
            self.rows.timetable_entries.push(e::timetable_entry::Model {
                id,
                school_id: self.school_id,
                class_unit_id: self.classes[slot.class].id,
                subject_id: self.subjects[slot.subject].0,
                staff_member_id: self.teachers[slot.teacher].staff_id,
                weekday: i16::try_from(slot.weekday).unwrap_or(1),
                lesson_number: slot.number,
                room: Some(self.teachers[slot.teacher].room.clone()),
                group_name: None,
                valid_from: self.cal.year.starts_on,
                valid_to: self.cal.year.ends_on,
                created_at: self.created,
                updated_at: self.created,
            });
        }
        self.lessons_from(&slots);
    }

    fn lessons_from(&mut self, slots: &[Slot]) {
        let mut by_weekday: Vec<Vec<Slot>> = vec![Vec::new(); 5];
        for slot in slots {
            by_weekday[(slot.weekday - 1) as usize].push(*slot);
        }
        // Topics continue from where the course would be if lessons began at the year start.
        let weeks_before = (self.plan.lessons_from - self.cal.year.starts_on)
            .num_weeks()
            .max(0) as usize;
        let mut topic_position: HashMap<(usize, usize), usize> = HashMap::new();
        for day in self
            .cal
            .study_days(self.plan.lessons_from, self.plan.lessons_to)
        {
            let Some(quarter) = self.cal.quarter_of(day) else {
                continue;
            };
            let weekday = day.weekday().number_from_monday();
            for slot in by_weekday[(weekday - 1) as usize].clone() {
                let spec = self.subjects[slot.subject].1;
                let position = topic_position
                    .entry((slot.class, slot.subject))
                    .or_insert(weeks_before * usize::from(spec.hours_per_week));
                let topic = spec
                    .topics
                    .get(*position % spec.topics.len().max(1))
                    .map(|t| (*t).to_owned());
                *position += 1;
                let held = day <= self.plan.today;
                let roll: f64 = self.rng.random();
                let (status, replacement) = if !held {
                    (LessonStatus::Scheduled, None)
                } else if roll < 0.01 {
                    (LessonStatus::Cancelled, None)
                } else if roll < 0.025 && self.teachers.len() > 1 {
                    let other = self.rng.random_range(0..self.teachers.len());
                    if other == slot.teacher {
                        (LessonStatus::Held, None)
                    } else {
                        (LessonStatus::Replaced, Some(other))
                    }
                } else {
                    (LessonStatus::Held, None)
                };
                let (starts_at, ends_at) = bell(slot.number);
                let id = self.ids.next("lessons");
                self.rows.lessons.push(e::lesson::Model {
                    id,
                    school_id: self.school_id,
                    external_id: None,
                    class_unit_id: self.classes[slot.class].id,
                    subject_id: self.subjects[slot.subject].0,
                    staff_member_id: self.teachers[slot.teacher].staff_id,
                    replacement_staff_id: replacement.map(|t| self.teachers[t].staff_id),
                    study_period_id: self.periods[quarter],
                    date: day,
                    lesson_number: slot.number,
                    starts_at: Some(starts_at),
                    ends_at: Some(ends_at),
                    room: Some(self.teachers[slot.teacher].room.clone()),
                    group_name: None,
                    topic,
                    status,
                    created_at: self.created,
                    updated_at: self.created,
                });
                self.lessons.push(LessonInfo {
                    id,
                    class: slot.class,
                    subject: slot.subject,
                    teacher: replacement.unwrap_or(slot.teacher),
                    date: day,
                    number: slot.number,
                    status,
                });
            }
        }
    }

    fn control_form(&self, work: Work) -> Option<(i64, i16)> {
        let prefix = match work {
            Work::Oral => "Ответ",
            Work::Homework => "Домашн",
            Work::Quiz => "Самостоят",
            Work::Test => "Контрольн",
        };
        content::CONTROL_FORMS
            .iter()
            .find(|f| f.name.starts_with(prefix))
            .and_then(|f| self.control_forms.get(f.name).copied())
    }

    /// Who is absent or late on which day: short absences, most of them excused.
    fn absences(&mut self) -> HashMap<(usize, NaiveDate), AttendanceStatus> {
        let mut absent = HashMap::new();
        let days = self.cal.study_days(
            self.plan.lessons_from,
            self.plan.today.min(self.plan.lessons_to),
        );
        for student in 0..self.students.len() {
            let mut streak = 0u32;
            let mut excused = true;
            for day in &days {
                if streak == 0 && self.rng.random_bool(0.012) {
                    streak = self.rng.random_range(1..=4);
                    excused = self.rng.random_bool(0.7);
                }
                if streak > 0 {
                    streak -= 1;
                    let status = if excused {
                        AttendanceStatus::Excused
                    } else {
                        AttendanceStatus::Absent
                    };
                    absent.insert((student, *day), status);
                }
            }
        }
        absent
    }

    /// Homework, attendance, marks and remarks of every lesson.
    fn diary(&mut self) {
        let absences = self.absences();
        let mut series: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
        for (index, lesson) in self.lessons.iter().enumerate() {
            series
                .entry((lesson.class, lesson.subject))
                .or_default()
                .push(index);
        }
        let mut first_lesson_of_day: HashSet<(usize, NaiveDate, i16)> = HashSet::new();
        {
            let mut earliest: HashMap<(usize, NaiveDate), i16> = HashMap::new();
            for lesson in &self.lessons {
                let entry = earliest
                    .entry((lesson.class, lesson.date))
                    .or_insert(lesson.number);
                *entry = (*entry).min(lesson.number);
            }
            for ((class, date), number) in earliest {
                first_lesson_of_day.insert((class, date, number));
            }
        }
        let mut keys: Vec<_> = series.keys().copied().collect();
        keys.sort_unstable();
        for key in keys {
            let list = series.get(&key).cloned().unwrap_or_default();
            for (position, &index) in list.iter().enumerate() {
                let next = list.get(position + 1).map(|i| &self.lessons[*i]);
                let next = next.map(|n| (n.id, n.date));
                self.homework_for(index, next);
                if self.lessons[index].status == LessonStatus::Held
                    || self.lessons[index].status == LessonStatus::Replaced
                {
                    let first = first_lesson_of_day.contains(&(
                        self.lessons[index].class,
                        self.lessons[index].date,
                        self.lessons[index].number,
                    ));
                    self.lesson_records(index, position, first, &absences);
                }
            }
        }
    }

    fn homework_for(&mut self, index: usize, next: Option<(i64, NaiveDate)>) {
        let lesson = &self.lessons[index];
        let spec = self.subjects[lesson.subject].1;
        let grade = self.classes[lesson.class].grade;
        if lesson.status == LessonStatus::Cancelled
            || grade < 2
            || !has_homework(spec)
            || !self.rng.random_bool(0.75)
        {
            return;
        }
        let Some(template) = spec.homework.choose(&mut self.rng) else {
            return;
        };
        let text = template
            .replace("{p}", &self.rng.random_range(1..=40).to_string())
            .replace("{n}", &self.rng.random_range(1..=600).to_string());
        let (due_lesson_id, due_on) = match next {
            Some((id, date)) => (Some(id), date),
            None => (None, plus_days(lesson.date, 7)),
        };
        let id = self.ids.next("homework");
        let at = moscow(lesson.date, bell(lesson.number).1);
        self.rows.homework.push(e::homework::Model {
            id,
            school_id: self.school_id,
            class_unit_id: self.classes[lesson.class].id,
            subject_id: self.subjects[lesson.subject].0,
            staff_member_id: self.teachers[lesson.teacher].staff_id,
            lesson_id: Some(lesson.id),
            due_lesson_id,
            given_on: lesson.date,
            due_on,
            text,
            attachments: None,
            created_at: at,
            updated_at: at,
        });
    }

    fn lesson_records(
        &mut self,
        index: usize,
        position: usize,
        first_of_day: bool,
        absences: &HashMap<(usize, NaiveDate), AttendanceStatus>,
    ) {
        let (lesson_id, class, subject, teacher, date, number) = {
            let l = &self.lessons[index];
            (l.id, l.class, l.subject, l.teacher, l.date, l.number)
        };
        let grade = self.classes[class].grade;
        let at = moscow(date, bell(number).1);
        let staff_id = self.teachers[teacher].staff_id;
        let teacher_account = self.teachers[teacher].account_id;
        let period = self.lessons_period(index);
        let work = if position % 8 == 7 {
            Some(Work::Test)
        } else if position % 5 == 2 {
            Some(Work::Quiz)
        } else {
            None
        };
        let mut present = Vec::new();
        for &student in &self.classes[class].students.clone() {
            if let Some(status) = absences.get(&(student, date)) {
                let id = self.ids.next("attendance_records");
                self.rows
                    .attendance_records
                    .push(e::attendance_record::Model {
                        id,
                        school_id: self.school_id,
                        lesson_id,
                        student_id: self.students[student].id,
                        staff_member_id: Some(staff_id),
                        date,
                        status: *status,
                        minutes_late: None,
                        created_at: at,
                        updated_at: at,
                    });
                continue;
            }
            if first_of_day && self.rng.random_bool(0.008) {
                let id = self.ids.next("attendance_records");
                self.rows
                    .attendance_records
                    .push(e::attendance_record::Model {
                        id,
                        school_id: self.school_id,
                        lesson_id,
                        student_id: self.students[student].id,
                        staff_member_id: Some(staff_id),
                        date,
                        status: AttendanceStatus::Late,
                        minutes_late: Some(self.rng.random_range(3..=20)),
                        created_at: at,
                        updated_at: at,
                    });
            }
            present.push(student);
        }
        if self.rng.random_bool(0.03)
            && let Some(&student) = present.choose(&mut self.rng)
        {
            let praise = self.rng.random_bool(0.35);
            let text = if praise {
                content::PRAISES.choose(&mut self.rng)
            } else {
                content::REMARKS.choose(&mut self.rng)
            };
            let id = self.ids.next("remarks");
            self.rows.remarks.push(e::remark::Model {
                id,
                school_id: self.school_id,
                student_id: self.students[student].id,
                lesson_id: Some(lesson_id),
                staff_member_id: staff_id,
                date,
                kind: if praise {
                    RemarkKind::Praise
                } else {
                    RemarkKind::Remark
                },
                text: text.copied().unwrap_or("Замечание").to_owned(),
                created_at: at,
                updated_at: at,
            });
        }
        // First-graders are not given marks (безотметочное обучение).
        if grade < 2 {
            return;
        }
        let homework = has_homework(self.subjects[subject].1);
        for student in present {
            let given = match work {
                Some(Work::Test) => Some(Work::Test),
                Some(Work::Quiz) if self.rng.random_bool(0.6) => Some(Work::Quiz),
                _ if self.rng.random_bool(0.12) => Some(Work::Oral),
                _ if homework && self.rng.random_bool(0.04) => Some(Work::Homework),
                _ => None,
            };
            let Some(given) = given else {
                continue;
            };
            let value = self.mark_value(student, subject, given);
            let (control_form_id, weight) = match self.control_form(given) {
                Some((id, weight)) => (Some(id), weight),
                None => (None, 1),
            };
            let comment = if self.rng.random_bool(0.08) {
                content::MARK_COMMENTS
                    .choose(&mut self.rng)
                    .map(|c| (*c).to_owned())
            } else {
                None
            };
            let id = self.ids.next("marks");
            let student_id = self.students[student].id;
            self.rows.marks.push(e::mark::Model {
                id,
                school_id: self.school_id,
                external_id: None,
                student_id,
                subject_id: self.subjects[subject].0,
                lesson_id: Some(lesson_id),
                study_period_id: period,
                staff_member_id: staff_id,
                control_form_id,
                date,
                value,
                weight,
                is_exam: false,
                comment,
                deleted_at: None,
                created_at: at,
                updated_at: at,
            });
            self.averages
                .entry((student, subject, period))
                .or_default()
                .add(value, weight);
            if self.rng.random_bool(0.02) {
                // A corrected mark: its history shows the old value.
                let old = if value > 2 { value - 1 } else { value + 1 };
                let revision = self.ids.next("mark_revisions");
                let changed = at + chrono::Duration::hours(2);
                self.rows.mark_revisions.push(e::mark_revision::Model {
                    id: revision,
                    school_id: self.school_id,
                    mark_id: id,
                    account_id: Some(teacher_account),
                    action: MarkRevisionAction::Updated,
                    old_value: Some(old),
                    new_value: Some(value),
                    old_weight: Some(weight),
                    new_weight: Some(weight),
                    changed_at: changed,
                });
                if let Some(mark) = self.rows.marks.last_mut() {
                    mark.updated_at = changed;
                }
            }
        }
    }

    fn lessons_period(&self, index: usize) -> i64 {
        let date = self.lessons[index].date;
        self.cal
            .quarter_of(date)
            .and_then(|q| self.periods.get(q).copied())
            .unwrap_or(self.year_period)
    }

    /// A mark that follows the student's ability, with the noise of real marking.
    fn mark_value(&mut self, student: usize, subject: usize, work: Work) -> i16 {
        let ability = self.students[student].ability;
        // A stable per-subject bent: some pupils are better at some subjects.
        let bent =
            ((self.students[student].id as usize * 31 + subject * 17) % 9) as f64 / 10.0 - 0.4;
        let noise: f64 = self.rng.random_range(-0.6..0.6) + self.rng.random_range(-0.6..0.6);
        let harsher = if matches!(work, Work::Test) {
            -0.2
        } else {
            0.0
        };
        (ability + bent + noise + harsher).round().clamp(2.0, 5.0) as i16
    }
}

impl Generator<'_> {
    /// Final marks of every quarter that has ended, from the marks of that quarter under the
    /// school's rounding rule.
    fn final_marks(&mut self) {
        let finished: Vec<i64> = self
            .cal
            .quarters
            .iter()
            .zip(&self.periods)
            .filter(|(q, _)| q.ends_on < self.plan.today)
            .map(|(_, id)| *id)
            .collect();
        let mut keys: Vec<_> = self
            .averages
            .keys()
            .filter(|(_, _, period)| finished.contains(period))
            .copied()
            .collect();
        keys.sort_unstable();
        for (student, subject, period) in keys {
            let Some(value) = self.averages[&(student, subject, period)]
                .rounded(self.plan.rounding_threshold)
                .and_then(final_value)
            else {
                continue;
            };
            let class = self.students[student].class;
            let teacher = self
                .assignments
                .get(&(class, subject))
                .map(|t| self.teachers[*t].staff_id);
            let period_end = self
                .cal
                .quarters
                .iter()
                .zip(&self.periods)
                .find(|(_, id)| **id == period)
                .map_or(self.plan.today, |(q, _)| q.ends_on);
            let at = moscow(period_end, hm(16, 0));
            let id = self.ids.next("final_marks");
            self.rows.final_marks.push(e::final_mark::Model {
                id,
                school_id: self.school_id,
                student_id: self.students[student].id,
                subject_id: self.subjects[subject].0,
                study_period_id: period,
                staff_member_id: teacher,
                value,
                created_at: at,
                updated_at: at,
            });
        }
    }

    /// Results of city diagnostics (МЦКО, ВПР) for students from the fourth grade on.
    fn external_assessments(&mut self) {
        let days_so_far = (self.plan.today - self.cal.year.starts_on).num_days();
        if days_so_far < 14 {
            return;
        }
        for student in 0..self.students.len() {
            let grade = self.classes[self.students[student].class].grade;
            if grade < 4 {
                continue;
            }
            for spec in content::ASSESSMENTS {
                let Some(subject) = self.subject_index(spec.subject) else {
                    continue;
                };
                if !taught_in(self.subjects[subject].1, grade) || !self.rng.random_bool(0.5) {
                    continue;
                }
                let share = ((self.students[student].ability - 2.0) / 3.0
                    + self.rng.random_range(-0.15..0.15))
                .clamp(0.1, 1.0);
                let score =
                    ((f64::from(spec.max_score) * share).round() as i32).clamp(0, spec.max_score);
                let level = match score * 100 / spec.max_score.max(1) {
                    85.. => "высокий",
                    65..=84 => "повышенный",
                    50..=64 => "базовый",
                    _ => "пониженный",
                };
                let held_on = plus_days(
                    self.cal.year.starts_on,
                    self.rng.random_range(7..days_so_far) as u64,
                );
                let at = moscow(held_on, hm(15, 0));
                let id = self.ids.next("external_assessments");
                self.rows
                    .external_assessments
                    .push(e::external_assessment::Model {
                        id,
                        school_id: self.school_id,
                        external_id: Some(format!("EXT-{id}")),
                        student_id: self.students[student].id,
                        subject_id: Some(self.subjects[subject].0),
                        title: spec.title.to_owned(),
                        source: spec.source.to_owned(),
                        held_on,
                        score,
                        max_score: spec.max_score,
                        level: Some(level.to_owned()),
                        created_at: at,
                        updated_at: at,
                    });
            }
        }
    }

    fn news_and_events(&mut self, director: i64) {
        let today = self.plan.today;
        for (i, spec) in content::SCHOOL_NEWS.iter().enumerate() {
            let at = moscow(minus_days(today, 3 * i as u64 + 1), hm(10, 0));
            let id = self.ids.next("news_items");
            self.rows.news_items.push(e::news_item::Model {
                id,
                school_id: Some(self.school_id),
                class_unit_id: None,
                scope: NewsScope::School,
                kind: news_kind(spec.administrative),
                title: spec.title.to_owned(),
                body: spec.body.to_owned(),
                author_account_id: Some(director),
                published_at: at,
                withdrawn_at: None,
                created_at: at,
                updated_at: at,
            });
        }
        let meetings: Vec<_> = content::EVENTS
            .iter()
            .filter(|e| e.parent_meeting)
            .collect();
        let school_events: Vec<_> = content::EVENTS
            .iter()
            .filter(|e| !e.parent_meeting)
            .collect();
        for class in 0..self.classes.len() {
            let Some(teacher) = self.classes[class].class_teacher else {
                continue;
            };
            let author = self.teachers[teacher].account_id;
            let class_id = self.classes[class].id;
            for k in 0..2 {
                let Some(spec) =
                    content::CLASS_NEWS.get((class * 2 + k) % content::CLASS_NEWS.len())
                else {
                    continue;
                };
                let at = moscow(
                    minus_days(today, 5 * k as u64 + (class % 4) as u64),
                    hm(18, 0),
                );
                let id = self.ids.next("news_items");
                self.rows.news_items.push(e::news_item::Model {
                    id,
                    school_id: Some(self.school_id),
                    class_unit_id: Some(class_id),
                    scope: NewsScope::Class,
                    kind: news_kind(spec.administrative),
                    title: spec.title.to_owned(),
                    body: spec.body.to_owned(),
                    author_account_id: Some(author),
                    published_at: at,
                    withdrawn_at: None,
                    created_at: at,
                    updated_at: at,
                });
            }
            if let Some(meeting) = meetings.get(class % meetings.len().max(1)) {
                let day = plus_days(today, 2 + (class % 12) as u64);
                let starts = moscow(day, hm(18, 30));
                let id = self.ids.next("events");
                self.rows.events.push(e::event::Model {
                    id,
                    school_id: self.school_id,
                    class_unit_id: Some(class_id),
                    kind: EventKind::ParentMeeting,
                    title: meeting.title.to_owned(),
                    description: Some(meeting.description.to_owned()),
                    place: Some(meeting.place.to_owned()),
                    starts_at: starts,
                    ends_at: Some(starts + chrono::Duration::minutes(90)),
                    created_by_account_id: Some(author),
                    created_at: moscow(today, hm(9, 0)),
                    updated_at: moscow(today, hm(9, 0)),
                });
            }
        }
        for (i, spec) in school_events.iter().enumerate() {
            let day = plus_days(today, 3 + 4 * i as u64);
            let starts = moscow(day, hm(15, 0));
            let id = self.ids.next("events");
            self.rows.events.push(e::event::Model {
                id,
                school_id: self.school_id,
                class_unit_id: None,
                kind: EventKind::SchoolEvent,
                title: spec.title.to_owned(),
                description: Some(spec.description.to_owned()),
                place: Some(spec.place.to_owned()),
                starts_at: starts,
                ends_at: Some(starts + chrono::Duration::hours(2)),
                created_by_account_id: Some(director),
                created_at: moscow(minus_days(today, 7), hm(9, 0)),
                updated_at: moscow(minus_days(today, 7), hm(9, 0)),
            });
        }
    }

    /// Parent accounts of a class, demo family first.
    fn parents_of_class(&self, class: usize) -> Vec<i64> {
        let mut parents: Vec<i64> = self.classes[class]
            .students
            .iter()
            .filter_map(|s| self.families[self.students[*s].family].parent_account)
            .collect();
        parents.dedup();
        parents
    }

    fn forum(&mut self, deputy: i64) {
        if self.classes.is_empty() {
            return;
        }
        let today = self.plan.today;
        for (i, spec) in content::FORUM_THREADS.iter().enumerate() {
            let class = (i / 2) % self.classes.len();
            let parents = self.parents_of_class(class);
            let Some(&asker) = parents.first() else {
                continue;
            };
            let other_parent = parents
                .get(1 + i % parents.len().max(1))
                .copied()
                .unwrap_or(asker);
            let class_teacher = self.classes[class]
                .class_teacher
                .map(|t| self.teachers[t].account_id);
            let subject_teacher = self
                .assignments
                .iter()
                .filter(|((c, _), _)| *c == class)
                .map(|(_, t)| self.teachers[*t].account_id)
                .min();
            let staff = match spec.addressed_to {
                Addressee::ClassTeacher => class_teacher,
                Addressee::Teacher => subject_teacher,
                Addressee::DeputyDirector => Some(deputy),
                Addressee::Everyone => None,
            };
            let class_scope = i % 2 == 0;
            let start = moscow(minus_days(today, 2 * i as u64 + 1), hm(19, 0));
            let thread = self.ids.next("forum_threads");
            let mut last = start;
            for (k, body) in spec.posts.iter().enumerate() {
                let author = if k % 2 == 0 {
                    if k == 0 { asker } else { other_parent }
                } else {
                    staff.or(class_teacher).unwrap_or(deputy)
                };
                last = start + chrono::Duration::minutes(47 * k as i64);
                let id = self.ids.next("forum_posts");
                self.rows.forum_posts.push(e::forum_post::Model {
                    id,
                    school_id: self.school_id,
                    thread_id: thread,
                    author_account_id: Some(author),
                    body: (*body).to_owned(),
                    hidden: false,
                    created_at: last,
                    updated_at: last,
                });
            }
            self.rows.forum_threads.push(e::forum_thread::Model {
                id: thread,
                school_id: self.school_id,
                class_unit_id: class_scope.then_some(self.classes[class].id),
                scope: if class_scope {
                    ForumScope::Class
                } else {
                    ForumScope::School
                },
                addressed_to: match spec.addressed_to {
                    Addressee::Everyone => ForumAddressee::Everyone,
                    Addressee::ClassTeacher => ForumAddressee::ClassTeacher,
                    Addressee::Teacher => ForumAddressee::Teacher,
                    Addressee::DeputyDirector => ForumAddressee::DeputyDirector,
                },
                title: spec.title.to_owned(),
                author_account_id: Some(asker),
                pinned: i == 0,
                locked: false,
                last_post_at: last,
                created_at: start,
                updated_at: last,
            });
        }
    }

    /// Private conversations between parents and their children's teachers; the demo
    /// family's parent gets the first ones.
    fn conversations(&mut self) {
        let today = self.plan.today;
        let demo_parent = self.demo_family().map(|f| f.parent_account_id);
        let mut pairs: Vec<(i64, i64)> = Vec::new();
        for (class_index, class) in self.classes.iter().enumerate() {
            let Some(teacher) = class.class_teacher else {
                continue;
            };
            for parent in self.parents_of_class(class_index).into_iter().take(1) {
                pairs.push((parent, self.teachers[teacher].account_id));
            }
        }
        if let Some(demo) = demo_parent {
            pairs.sort_by_key(|(parent, _)| *parent != demo);
        }
        for (i, spec) in content::CONVERSATIONS.iter().enumerate() {
            let Some(&(parent, teacher)) = pairs.get(i % pairs.len().max(1)) else {
                return;
            };
            let start = moscow(minus_days(today, (i % 6) as u64), hm(17, 0));
            let conversation = self.ids.next("conversations");
            let mut times = Vec::new();
            for (k, body) in spec.messages.iter().enumerate() {
                let at = start + chrono::Duration::minutes(53 * k as i64);
                times.push((at, k % 2 == 0));
                let id = self.ids.next("messages");
                self.rows.messages.push(e::message::Model {
                    id,
                    school_id: self.school_id,
                    conversation_id: conversation,
                    sender_account_id: Some(if k % 2 == 0 { parent } else { teacher }),
                    body: (*body).to_owned(),
                    created_at: at,
                });
            }
            let last = times.last().map_or(start, |(at, _)| *at);
            let before_last = times.iter().rev().nth(1).map_or(start, |(at, _)| *at);
            let parent_sent_last = times.last().is_some_and(|(_, parent)| *parent);
            self.rows.conversations.push(e::conversation::Model {
                id: conversation,
                school_id: self.school_id,
                subject: spec.subject.to_owned(),
                created_by_account_id: Some(parent),
                last_message_at: last,
                created_at: start,
                updated_at: last,
            });
            // Whoever wrote last has read everything; the other has the last message unread.
            for (account, read) in [
                (parent, if parent_sent_last { last } else { before_last }),
                (teacher, if parent_sent_last { before_last } else { last }),
            ] {
                let id = self.ids.next("conversation_participants");
                self.rows
                    .conversation_participants
                    .push(e::conversation_participant::Model {
                        id,
                        school_id: self.school_id,
                        conversation_id: conversation,
                        account_id: account,
                        last_read_at: Some(read),
                        joined_at: start,
                    });
            }
        }
    }

    /// Access applications in every status, with the cases a clerk must notice: contradictory
    /// data, a child of another school, an incomplete set of documents, an overdue one.
    fn applications(&mut self, administrator: i64) {
        if self.students.is_empty() {
            return;
        }
        use ApplicationStatus::{Approved, InReview, Received, Refused, Withdrawn};
        let plan: [(ApplicationStatus, u32, Option<&str>); 12] = [
            (Received, 0, None),
            (Received, 1, None),
            (Received, 5, None),
            (InReview, 1, None),
            (InReview, 2, None),
            (Approved, 4, None),
            (Approved, 6, None),
            (Approved, 9, None),
            (Refused, 5, Some("contradictory_information")),
            (Refused, 7, Some("another_school")),
            (Refused, 8, Some("incomplete_documents")),
            (Withdrawn, 10, None),
        ];
        let today = self.plan.today;
        for (i, (status, days_ago, reason)) in plan.into_iter().enumerate() {
            let student = self.rng.random_range(0..self.students.len());
            let family = self.students[student].family;
            let child = self.students[student].name.clone();
            let class_name = self.classes[self.students[student].class].name.clone();
            let birth_date = self
                .rows
                .students
                .iter()
                .find(|s| s.id == self.students[student].id)
                .map_or(self.cal.year.starts_on, |s| s.birth_date);
            let applicant = self.families[family].parent_name.clone();
            let student_kind = i == 4;
            let received_on = self.cal.sub_business_days(today, days_ago);
            let due_on = self.cal.add_business_days(received_on, 3);
            let decided = matches!(status, Approved | Refused | Withdrawn);
            let decided_at = decided.then(|| {
                moscow(
                    self.cal.add_business_days(received_on, 2).min(today),
                    hm(14, 0),
                )
            });
            let (matched, child_birth, child_class) = match reason {
                Some("another_school") => (None, birth_date, "4В".to_owned()),
                Some("contradictory_information") => (
                    Some(self.students[student].id),
                    minus_days(birth_date, 400),
                    class_name,
                ),
                _ => (Some(self.students[student].id), birth_date, class_name),
            };
            let id = self.ids.next("access_applications");
            let created = moscow(received_on, hm(11, 0));
            self.rows
                .access_applications
                .push(e::access_application::Model {
                    id,
                    school_id: self.school_id,
                    student_id: matched.filter(|_| status != Received),
                    access_kind: if student_kind {
                        AccessKind::Student
                    } else {
                        AccessKind::Guardian
                    },
                    status,
                    applicant_last_name: if student_kind {
                        child.last.clone()
                    } else {
                        applicant.last.clone()
                    },
                    applicant_first_name: if student_kind {
                        child.first.clone()
                    } else {
                        applicant.first.clone()
                    },
                    applicant_middle_name: Some(if student_kind {
                        child.middle.clone()
                    } else {
                        applicant.middle.clone()
                    }),
                    applicant_phone: Some(format!(
                        "+7 (9{:02}) {:03}-{:02}-{:02}",
                        self.rng.random_range(0..100),
                        self.rng.random_range(0..1000),
                        self.rng.random_range(0..100),
                        self.rng.random_range(0..100)
                    )),
                    applicant_email: None,
                    applicant_relation: if student_kind {
                        ApplicantRelation::Oneself
                    } else if applicant.male {
                        ApplicantRelation::Father
                    } else {
                        ApplicantRelation::Mother
                    },
                    identity_document_type: if student_kind
                        && self.classes[self.students[student].class].grade < 8
                    {
                        IdentityDocumentType::BirthCertificate
                    } else {
                        IdentityDocumentType::PassportRf
                    },
                    identity_document_number_masked: format!(
                        "•• •• ••••{:02}",
                        self.rng.random_range(0..100)
                    ),
                    child_last_name: child.last.clone(),
                    child_first_name: child.first.clone(),
                    child_middle_name: Some(child.middle.clone()),
                    child_birth_date: child_birth,
                    child_class_name: child_class,
                    has_application_form: true,
                    has_birth_certificate: reason != Some("incomplete_documents"),
                    has_guardianship_document: false,
                    has_identity_document: true,
                    received_on,
                    due_on,
                    decided_at,
                    decided_by_account_id: decided.then_some(administrator),
                    decision_comment: match reason {
                        Some("contradictory_information") => Some(
                            "Дата рождения в заявлении не совпадает со свидетельством о рождении."
                                .to_owned(),
                        ),
                        Some("another_school") => {
                            Some("Ребёнок не числится в контингенте школы.".to_owned())
                        }
                        Some(_) => Some("Не представлено свидетельство о рождении.".to_owned()),
                        None if status == Withdrawn => {
                            Some("Заявитель отозвал заявление.".to_owned())
                        }
                        None => None,
                    },
                    registered_by_account_id: Some(administrator),
                    created_at: created,
                    updated_at: decided_at.unwrap_or(created),
                });
            if let Some(reason) = reason.and_then(|r| self.shared.refusal_reasons.get(r)) {
                self.rows
                    .access_application_refusals
                    .push(e::access_application_refusal::Model {
                        school_id: self.school_id,
                        access_application_id: id,
                        refusal_reason_id: *reason,
                    });
            }
        }
    }
}

fn news_kind(administrative: bool) -> NewsKind {
    if administrative {
        NewsKind::Administrative
    } else {
        NewsKind::Organisation
    }
}

fn final_value(value: i16) -> Option<FinalMarkValue> {
    Some(match value {
        1 => FinalMarkValue::One,
        2 => FinalMarkValue::Two,
        3 => FinalMarkValue::Three,
        4 => FinalMarkValue::Four,
        5 => FinalMarkValue::Five,
        _ => return None,
    })
}
