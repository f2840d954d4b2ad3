//! School structure in the API: schools, academic years and study periods, classes, subjects
//! and staff. What a viewer sees of each is asked of `policy/`.

use async_graphql::{Context, Enum, ID, Object};
use dnevnik_entities::{academic_year, class_unit, school, staff_member, study_period, subject};

use super::context::ContextExt;
use super::diary::{ClassJournal, Lesson};
use super::ids::{self, Kind};
use super::loaders;
use super::scalars::Date;
use super::student::Student;
use crate::error::{AppError, AppResult};
use crate::graphql::cost;
pub use crate::names::{full_name, short_name};
use crate::service::{diary, structure};

/// A school (образовательное учреждение).
pub struct School(pub school::Model);

/// A school (образовательное учреждение).
#[Object]
impl School {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::School, self.0.id)
    }

    /// Official name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Short name for headers.
    async fn short_name(&self) -> &str {
        &self.0.short_name
    }

    /// City.
    async fn city(&self) -> &str {
        &self.0.city
    }

    /// Address.
    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }

    /// An average whose fractional part reaches this many hundredths rounds up for final
    /// marks (50: ordinary rounding; 60: the common school rule "3.6 gives 4").
    async fn rounding_threshold(&self) -> i32 {
        i32::from(self.0.rounding_threshold)
    }

    /// Academic years, newest first. Members of the school only.
    #[graphql(complexity = "cost::times(cost::YEARS, child_complexity)")]
    async fn academic_years(&self, ctx: &Context<'_>) -> AppResult<Vec<AcademicYear>> {
        let viewer = ctx.viewer()?;
        if !viewer.member_of_school(self.0.id) {
            return Err(AppError::NotFound);
        }
        let years = structure::academic_years(ctx.db()?, self.0.id).await?;
        Ok(years.into_iter().map(AcademicYear).collect())
    }

    /// Classes: all of them for the school's administrators, otherwise the classes the viewer
    /// teaches, leads or has children in.
    #[graphql(complexity = "cost::times(cost::CLASSES, child_complexity)")]
    async fn class_units(&self, ctx: &Context<'_>) -> AppResult<Vec<ClassUnit>> {
        let viewer = ctx.viewer()?;
        let classes = structure::class_units(ctx.db()?, self.0.id).await?;
        let all = viewer.administers_school(self.0.id);
        let mine = viewer.member_classes();
        Ok(classes
            .into_iter()
            .filter(|c| all || mine.contains(&c.id))
            .map(ClassUnit)
            .collect())
    }

    /// Subjects taught at the school. Members of the school only.
    #[graphql(complexity = "cost::times(cost::SUBJECTS, child_complexity)")]
    async fn subjects(&self, ctx: &Context<'_>) -> AppResult<Vec<Subject>> {
        let viewer = ctx.viewer()?;
        if !viewer.member_of_school(self.0.id) {
            return Err(AppError::NotFound);
        }
        let subjects = structure::subjects(ctx.db()?, self.0.id).await?;
        Ok(subjects.into_iter().map(Subject).collect())
    }

    /// The forms of assessment marks are given for, in the school's order. Members of the
    /// school only.
    #[graphql(complexity = "cost::times(cost::CONTROL_FORMS, child_complexity)")]
    async fn control_forms(&self, ctx: &Context<'_>) -> AppResult<Vec<super::diary::ControlForm>> {
        let viewer = ctx.viewer()?;
        if !viewer.member_of_school(self.0.id) {
            return Err(AppError::NotFound);
        }
        let forms = structure::control_forms(ctx.db()?, self.0.id).await?;
        Ok(forms.into_iter().map(Into::into).collect())
    }

    /// Staff of the school. The school's administrators and staff only.
    #[graphql(complexity = "cost::times(cost::STAFF, child_complexity)")]
    async fn staff(&self, ctx: &Context<'_>) -> AppResult<Vec<StaffMember>> {
        let viewer = ctx.viewer()?;
        viewer.authorize(crate::policy::Permission::ReadStaffList {
            school_id: self.0.id,
        })?;
        let staff = structure::staff(ctx.db()?, self.0.id).await?;
        Ok(staff.into_iter().map(StaffMember).collect())
    }
}

/// An academic year (учебный год).
pub struct AcademicYear(pub academic_year::Model);

/// An academic year (учебный год).
#[Object]
impl AcademicYear {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::AcademicYear, self.0.id)
    }

    /// "2026/2027".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// First day.
    async fn starts_on(&self) -> Date {
        Date(self.0.starts_on)
    }

    /// Last day.
    async fn ends_on(&self) -> Date {
        Date(self.0.ends_on)
    }

    /// Quarters (or trimesters, half-years) in order, and the year itself last.
    #[graphql(complexity = "cost::times(cost::PERIODS, child_complexity)")]
    async fn study_periods(&self, ctx: &Context<'_>) -> AppResult<Vec<StudyPeriod>> {
        let periods = structure::study_periods(ctx.db()?, self.0.id).await?;
        Ok(periods.into_iter().map(StudyPeriod).collect())
    }
}

/// What kind of period a study period is.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "StudyPeriodKind")]
#[graphql(remote = "dnevnik_entities::enums::StudyPeriodKind")]
pub enum StudyPeriodKindValue {
    /// Четверть.
    Quarter,
    /// Триместр.
    Trimester,
    /// Полугодие.
    HalfYear,
    /// The whole year (final year marks).
    Year,
}

/// A study period: a quarter, trimester, half-year or the year.
pub struct StudyPeriod(pub study_period::Model);

/// A study period: a quarter, trimester, half-year or the year.
#[Object]
impl StudyPeriod {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::StudyPeriod, self.0.id)
    }

    /// Quarter, trimester, half-year or year.
    async fn kind(&self) -> StudyPeriodKindValue {
        self.0.kind.into()
    }

    /// Number within the year (1 for the first quarter).
    async fn number(&self) -> i32 {
        i32::from(self.0.number)
    }

    /// "2 четверть".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// First day.
    async fn starts_on(&self) -> Date {
        Date(self.0.starts_on)
    }

    /// Last day.
    async fn ends_on(&self) -> Date {
        Date(self.0.ends_on)
    }
}

/// A class such as 5А: a grade level and a letter, with its class teacher.
pub struct ClassUnit(pub class_unit::Model);

/// A class such as 5А: a grade level and a letter, with its class teacher.
#[Object]
impl ClassUnit {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::ClassUnit, self.0.id)
    }

    /// "5А".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Grade level, 1 to 11.
    async fn grade(&self) -> i32 {
        i32::from(self.0.grade)
    }

    /// The letter.
    async fn letter(&self) -> &str {
        &self.0.letter
    }

    /// The school.
    async fn school(&self, ctx: &Context<'_>) -> AppResult<School> {
        let school = loaders::load::<school::Entity>(ctx, self.0.school_id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(School(school))
    }

    /// The class teacher (классный руководитель).
    async fn class_teacher(&self, ctx: &Context<'_>) -> AppResult<Option<StaffMember>> {
        match self.0.class_teacher_id {
            Some(id) => Ok(loaders::load::<staff_member::Entity>(ctx, id)
                .await?
                .map(StaffMember)),
            None => Ok(None),
        }
    }

    /// The students, by surname. For the class's teachers and the school's administrators
    /// only: parents and students never see a roster.
    #[graphql(complexity = "cost::times(cost::STUDENTS_PER_CLASS, child_complexity)")]
    async fn students(&self, ctx: &Context<'_>) -> AppResult<Vec<Student>> {
        let viewer = ctx.viewer()?;
        let access = viewer
            .class_access(self.0.id, self.0.school_id)
            .ok_or(AppError::Forbidden)?;
        let students = structure::students_of_class(ctx.db()?, self.0.id).await?;
        Ok(Student::group(students, |_| access.clone()))
    }

    /// The class's timetable in a date range (at most 93 days): every lesson in order, with
    /// topics. For members of the class: its teachers, its students and their parents.
    #[graphql(
        complexity = "cost::times(cost::days(&from, &to) * cost::LESSONS_PER_DAY, child_complexity)"
    )]
    async fn lessons(&self, ctx: &Context<'_>, from: Date, to: Date) -> AppResult<Vec<Lesson>> {
        let viewer = ctx.viewer()?;
        if !viewer.member_of_class(self.0.id, self.0.school_id) {
            return Err(AppError::NotFound);
        }
        diary::check_range(from.0, to.0)?;
        let lessons = structure::class_lessons(ctx.db()?, self.0.id, from.0, to.0).await?;
        Ok(lessons.into_iter().map(Lesson).collect())
    }

    /// The class journal of one subject: lessons as columns, students as rows, with their
    /// marks and absences. For whoever teaches that subject here, the class teacher and the
    /// school's administrators.
    async fn journal(
        &self,
        ctx: &Context<'_>,
        subject_id: ID,
        from: Date,
        to: Date,
    ) -> AppResult<ClassJournal> {
        let viewer = ctx.viewer()?;
        let subject_id = ids::decode(&subject_id, Kind::Subject)?;
        let access = viewer
            .class_access(self.0.id, self.0.school_id)
            .and_then(|access| access.narrowed_to(subject_id))
            .ok_or(AppError::Forbidden)?;
        diary::check_range(from.0, to.0)?;
        let view = crate::service::journal::read::class_journal(
            ctx.db()?,
            &self.0,
            &access,
            subject_id,
            from.0,
            to.0,
        )
        .await?;
        Ok(ClassJournal::new(view, &access))
    }
}

/// A school subject.
pub struct Subject(pub subject::Model);

/// A school subject.
#[Object]
impl Subject {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Subject, self.0.id)
    }

    /// "Математика".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// "Матем." for narrow columns.
    async fn short_name(&self) -> &str {
        &self.0.short_name
    }
}

/// A staff member's position.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "StaffPosition")]
#[graphql(remote = "dnevnik_entities::enums::StaffPosition")]
pub enum StaffPositionValue {
    /// Директор.
    Director,
    /// Заместитель директора (завуч).
    DeputyDirector,
    /// Учитель.
    Teacher,
    /// Administrative staff.
    Administrator,
    /// Other staff.
    Other,
}

/// A teacher or another member of a school's staff.
pub struct StaffMember(pub staff_member::Model);

/// A teacher or another member of a school's staff.
#[Object]
impl StaffMember {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::StaffMember, self.0.id)
    }

    /// Surname.
    async fn last_name(&self) -> &str {
        &self.0.last_name
    }

    /// First name.
    async fn first_name(&self) -> &str {
        &self.0.first_name
    }

    /// Patronymic.
    async fn middle_name(&self) -> Option<&str> {
        self.0.middle_name.as_deref()
    }

    /// "Фамилия Имя Отчество".
    async fn full_name(&self) -> String {
        full_name(
            &self.0.last_name,
            &self.0.first_name,
            self.0.middle_name.as_deref(),
        )
    }

    /// "Фамилия И. О.", as diaries print teachers.
    async fn short_name(&self) -> String {
        short_name(
            &self.0.last_name,
            &self.0.first_name,
            self.0.middle_name.as_deref(),
        )
    }

    /// Position at the school.
    async fn position(&self) -> StaffPositionValue {
        self.0.position.into()
    }
}
