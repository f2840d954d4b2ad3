//! The student in the API, and the flexible diary views that hang off it: the diary for any
//! date range, the week's schedule, marks with filters, progress per subject, final marks,
//! attendance, homework, rating and external assessments.
//!
//! A `Student` object exists only once the policy has granted access to it, and carries that
//! access: a subject teacher's `Student` shows only their subjects. Students that come in a
//! list (a parent's children, a class) share a group, so that a view asked of each of them is
//! loaded once for the whole group.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::future::Future;
use std::sync::Arc;

use async_graphql::{Context, ID, Object};
use chrono::NaiveDate;
use dnevnik_entities::{class_unit, school, student};
use sea_orm::DatabaseConnection;

use super::context::ContextExt;
use super::diary::{
    AttendanceRecord, AttendanceSummary, DiaryDay, ExternalAssessment, FinalMarksTable, Homework,
    Lesson, Mark, Rating, SubjectProgress,
};
use super::ids::{self, Kind};
use super::loaders;
use super::page::{self, Page};
use super::scalars::Date;
use super::school::{ClassUnit, School, full_name};
use crate::error::{AppError, AppResult, Reason};
use crate::graphql::cost;
use crate::policy::{Access, StudentRef, Viewer};
use crate::service::diary::{self as diary_service, Scoped};
use crate::service::{marks, progress, records};

/// Largest page of any connection.
pub const MAX_PAGE: i32 = 100;

/// A student, as far as the viewer may see them.
pub struct Student {
    /// The row.
    pub model: student::Model,
    /// What the viewer may see of them.
    pub access: Access,
    /// The list this student came in, for set-based loading.
    pub group: Arc<Vec<Scoped>>,
    /// What the list holds (each student with the viewer's access), as the memo's key: two
    /// lists with the same content share their loads, and no two different lists ever do.
    group_key: Arc<str>,
}

/// The memo key of a list: every member with the access it came with.
fn content_key(group: &[Scoped]) -> Arc<str> {
    let mut key = String::with_capacity(group.len() * 8);
    for member in group {
        let _ = write!(key, "{}", member.student.id);
        match member.access.limited_to() {
            None => key.push_str("=*;"),
            Some(subjects) => {
                key.push('=');
                for subject in subjects {
                    let _ = write!(key, "{subject},");
                }
                key.push(';');
            }
        }
    }
    key.into()
}

impl Student {
    /// Students that came in one list, each with the viewer's access.
    pub fn group(
        models: Vec<student::Model>,
        access: impl Fn(&student::Model) -> Access,
    ) -> Vec<Self> {
        Self::group_of(
            models
                .into_iter()
                .map(|m| {
                    let a = access(&m);
                    (m, a)
                })
                .collect(),
        )
    }

    /// Students with the access granted to each, as one group.
    fn group_of(scoped: Vec<(student::Model, Access)>) -> Vec<Self> {
        let group = Arc::new(
            scoped
                .iter()
                .map(|(m, a)| Scoped {
                    student: StudentRef::from(m),
                    access: a.clone(),
                })
                .collect::<Vec<_>>(),
        );
        let group_key = content_key(&group);
        scoped
            .into_iter()
            .map(|(model, access)| Self {
                model,
                access,
                group: Arc::clone(&group),
                group_key: Arc::clone(&group_key),
            })
            .collect()
    }

    /// A student as the viewer may see them, or `None` when they may not.
    pub fn visible(viewer: &Viewer, model: student::Model) -> Option<Self> {
        let access = viewer.student_access(StudentRef::from(&model))?;
        Some(Self::single(model, access))
    }

    /// The students of a list the viewer may see, each with their access, as one group.
    pub fn visible_group(viewer: &Viewer, models: Vec<student::Model>) -> Vec<Self> {
        Self::group_of(
            models
                .into_iter()
                .filter_map(|m| viewer.student_access(StudentRef::from(&m)).map(|a| (m, a)))
                .collect(),
        )
    }

    /// One student on their own.
    pub fn single(model: student::Model, access: Access) -> Self {
        let group = Arc::new(vec![Scoped {
            student: StudentRef::from(&model),
            access: access.clone(),
        }]);
        Self {
            model,
            access,
            group_key: content_key(&group),
            group,
        }
    }

    /// The group members of this student's school (progress is per school).
    fn school_group(&self) -> Vec<Scoped> {
        self.group
            .iter()
            .filter(|s| s.student.school_id == self.model.school_id)
            .cloned()
            .collect()
    }

    fn group_key(&self) -> &str {
        &self.group_key
    }

    fn full(&self) -> bool {
        self.access.is_full()
    }

    async fn diary_days(
        &self,
        ctx: &Context<'_>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> AppResult<Vec<diary_service::DiaryDay>> {
        diary_service::check_range(from, to)?;
        self.own_part(ctx, format!("diary|{from}|{to}"), |db, group| async move {
            diary_service::diaries(&db, &group, from, to).await
        })
        .await
    }

    /// This student's part of a view loaded once for the whole group: `view` names the view
    /// with its arguments, `load` loads it for every member of the group.
    async fn own_part<V, F, Fut>(&self, ctx: &Context<'_>, view: String, load: F) -> AppResult<V>
    where
        V: Clone + Default + Send + Sync + 'static,
        F: FnOnce(DatabaseConnection, Arc<Vec<Scoped>>) -> Fut,
        Fut: Future<Output = AppResult<HashMap<i64, V>>>,
    {
        let request = ctx.request()?;
        let (db, group) = (request.db.clone(), Arc::clone(&self.group));
        let all = request
            .memo
            .get_or_load(format!("{view}|{}", self.group_key()), || load(db, group))
            .await?;
        Ok(all.get(&self.model.id).cloned().unwrap_or_default())
    }
}

/// A student, as far as the viewer may see them.
#[Object]
impl Student {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Student, self.model.id)
    }

    /// Surname.
    async fn last_name(&self) -> &str {
        &self.model.last_name
    }

    /// First name.
    async fn first_name(&self) -> &str {
        &self.model.first_name
    }

    /// Patronymic.
    async fn middle_name(&self) -> Option<&str> {
        self.model.middle_name.as_deref()
    }

    /// "Фамилия Имя Отчество".
    async fn full_name(&self) -> String {
        full_name(
            &self.model.last_name,
            &self.model.first_name,
            self.model.middle_name.as_deref(),
        )
    }

    /// Date of birth: for the family, the class teacher and the school's administrators only.
    async fn birth_date(&self) -> Option<Date> {
        self.full().then_some(Date(self.model.birth_date))
    }

    /// The student's class.
    async fn class_unit(&self, ctx: &Context<'_>) -> AppResult<ClassUnit> {
        loaders::load::<class_unit::Entity>(ctx, self.model.class_unit_id)
            .await?
            .map(ClassUnit)
            .ok_or(AppError::NotFound)
    }

    /// The student's school.
    async fn school(&self, ctx: &Context<'_>) -> AppResult<School> {
        loaders::load::<school::Entity>(ctx, self.model.school_id)
            .await?
            .map(School)
            .ok_or(AppError::NotFound)
    }

    /// The diary for any date range (at most 93 days): every day with its lessons, homework,
    /// marks, attendance and remarks.
    #[graphql(complexity = "cost::times(cost::days(&from, &to), child_complexity)")]
    async fn diary(&self, ctx: &Context<'_>, from: Date, to: Date) -> AppResult<Vec<DiaryDay>> {
        Ok(self
            .diary_days(ctx, from.0, to.0)
            .await?
            .into_iter()
            .map(DiaryDay)
            .collect())
    }

    /// The timetable of the week (Monday to Sunday) containing `weekOf`.
    #[graphql(complexity = "cost::times(7, child_complexity)")]
    async fn schedule(&self, ctx: &Context<'_>, week_of: Date) -> AppResult<Vec<ScheduleDay>> {
        let (monday, sunday) = week_of.week("weekOf")?;
        Ok(self
            .diary_days(ctx, monday, sunday)
            .await?
            .into_iter()
            .map(|day| ScheduleDay {
                date: Date(day.date),
                holiday: day.holiday,
                lessons: day.lessons.into_iter().map(|l| Lesson(l.lesson)).collect(),
            })
            .collect())
    }

    /// Marks, newest first, filtered by dates, subject and study period.
    #[graphql(complexity = "cost::times(first.unwrap_or(20).max(0) as usize, child_complexity)")]
    #[expect(clippy::too_many_arguments, reason = "the filters of a GraphQL field")]
    async fn marks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last mark seen.")] after: Option<String>,
        #[graphql(desc = "Only marks on or after this day.")] from: Option<Date>,
        #[graphql(desc = "Only marks on or before this day.")] to: Option<Date>,
        #[graphql(desc = "Only marks in this subject.")] subject_id: Option<ID>,
        #[graphql(desc = "Only marks in this study period.")] study_period_id: Option<ID>,
    ) -> AppResult<Page<Mark>> {
        let limit = page_size(first)?;
        let after = page::after::<(NaiveDate, i64)>(after)?;
        let filter = marks::Filter {
            from: from.map(|d| d.0),
            to: to.map(|d| d.0),
            subject_id: ids::decode_opt(subject_id.as_ref(), Kind::Subject)?,
            study_period_id: ids::decode_opt(study_period_id.as_ref(), Kind::StudyPeriod)?,
        };
        let view = format!("marks|{filter:?}|{after:?}|{limit}");
        let (rows, has_next) = self
            .own_part(ctx, view, |db, group| async move {
                marks::pages(&db, &group, &filter, after, limit).await
            })
            .await?;
        Ok(Page::build(
            rows,
            after.is_some(),
            has_next,
            |view| (view.mark.date, view.mark.id),
            Mark,
        ))
    }

    /// Progress per subject in a study period (default: the current quarter): marks, weighted
    /// average, the school's rounding, final mark, missed lessons.
    #[graphql(complexity = "cost::times(cost::SUBJECTS, child_complexity)")]
    async fn subjects(
        &self,
        ctx: &Context<'_>,
        study_period_id: Option<ID>,
    ) -> AppResult<Vec<SubjectProgress>> {
        let request = ctx.request()?;
        let period_id = ids::decode_opt(study_period_id.as_ref(), Kind::StudyPeriod)?;
        let school_id = self.model.school_id;
        let today = request.clock.today_at(&request.db, school_id).await?;
        let group = self.school_group();
        let key = format!("subjects|{}|{school_id}|{period_id:?}", self.group_key());
        let all = request
            .memo
            .get_or_load(key, || async move {
                let period =
                    progress::resolve_period(&request.db, school_id, period_id, today).await?;
                progress::subjects(&request.db, &group, &period).await
            })
            .await?;
        Ok(all
            .get(&self.model.id)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(SubjectProgress)
            .collect())
    }

    /// Final marks of an academic year (default: the current one): quarters and year in one
    /// table.
    async fn final_marks(
        &self,
        ctx: &Context<'_>,
        academic_year_id: Option<ID>,
    ) -> AppResult<FinalMarksTable> {
        let request = ctx.request()?;
        let asked = ids::decode_opt(academic_year_id.as_ref(), Kind::AcademicYear)?;
        let school_id = self.model.school_id;
        // Which year, once per school and argument, not once per student of a roster.
        let year_id = *request
            .memo
            .get_or_load(format!("year|{school_id}|{asked:?}"), || async move {
                let year_id = match asked {
                    Some(id) => id,
                    None => records::current_academic_year(&request.db, &request.clock, school_id)
                        .await?
                        .ok_or(AppError::NotFound)?,
                };
                records::check_year_in_school(&request.db, year_id, school_id).await?;
                Ok(year_id)
            })
            .await?;
        let group = self.school_group();
        let key = format!("finals|{}|{year_id}", self.group_key());
        let all = request
            .memo
            .get_or_load(key, || async move {
                progress::final_marks(&request.db, &group, year_id).await
            })
            .await?;
        all.get(&self.model.id)
            .cloned()
            .map(FinalMarksTable)
            .ok_or(AppError::NotFound)
    }

    /// Absences and lateness in a date range (at most 93 days), with totals.
    async fn attendance(
        &self,
        ctx: &Context<'_>,
        from: Date,
        to: Date,
    ) -> AppResult<AttendanceSummary> {
        diary_service::check_range(from.0, to.0)?;
        let view = format!("attendance|{from:?}|{to:?}");
        let entries = self
            .own_part(ctx, view, |db, group| async move {
                records::attendance(&db, &group, from.0, to.0).await
            })
            .await?;
        let count = |status| entries.iter().filter(|e| e.status == status).count() as i32;
        use dnevnik_entities::enums::AttendanceStatus as S;
        Ok(AttendanceSummary {
            from,
            to,
            absent: count(S::Absent),
            excused: count(S::Excused),
            late: count(S::Late),
            entries: entries.into_iter().map(AttendanceRecord).collect(),
        })
    }

    /// Homework due in a date range (at most 93 days), optionally of one subject.
    #[graphql(
        complexity = "cost::times(cost::days(&from, &to) * cost::PER_LESSON * 2, child_complexity)"
    )]
    async fn homework(
        &self,
        ctx: &Context<'_>,
        from: Date,
        to: Date,
        subject_id: Option<ID>,
    ) -> AppResult<Vec<Homework>> {
        diary_service::check_range(from.0, to.0)?;
        let subject_id = ids::decode_opt(subject_id.as_ref(), Kind::Subject)?;
        let view = format!("homework|{from:?}|{to:?}|{subject_id:?}");
        let rows = self
            .own_part(ctx, view, |db, group| async move {
                records::homework(&db, &group, from.0, to.0, subject_id).await
            })
            .await?;
        Ok(rows.into_iter().map(Homework).collect())
    }

    /// Place in class for a study period (default: the current quarter), own average and
    /// trend. For the family and the school's staff with full access only.
    async fn rating(&self, ctx: &Context<'_>, study_period_id: Option<ID>) -> AppResult<Rating> {
        if !self.full() {
            return Err(AppError::Forbidden);
        }
        let request = ctx.request()?;
        let period_id = ids::decode_opt(study_period_id.as_ref(), Kind::StudyPeriod)?;
        let today = request
            .clock
            .today_at(&request.db, self.model.school_id)
            .await?;
        // Only the members with full access are rated; the period is resolved per school.
        let group: Vec<Scoped> = self
            .school_group()
            .into_iter()
            .filter(|m| m.access.is_full())
            .collect();
        let school_id = self.model.school_id;
        let key = format!("rating|{}|{school_id}|{period_id:?}", self.group_key());
        let all = request
            .memo
            .get_or_load(key, || async move {
                let period =
                    progress::resolve_period(&request.db, school_id, period_id, today).await?;
                let ratings = progress::ratings(&request.db, &group, &period, today).await?;
                Ok((period, ratings))
            })
            .await?;
        let (period, ratings) = &*all;
        let rating = ratings
            .get(&self.model.id)
            .cloned()
            .ok_or(AppError::NotFound)?;
        Ok(Rating {
            period: period.clone(),
            rating,
        })
    }

    /// The parents linked to this student. The school's administrators only.
    #[graphql(complexity = "cost::times(cost::FEW, child_complexity)")]
    async fn guardianships(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Vec<super::backoffice::Guardianship>> {
        super::backoffice::student_guardianships(ctx, &self.model).await
    }

    /// The access codes issued for this student, newest first (never the codes themselves).
    /// The school's administrators only.
    #[graphql(complexity = "cost::times(cost::FEW, child_complexity)")]
    async fn access_codes(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Vec<super::backoffice::AccessCode>> {
        super::backoffice::student_codes(ctx, &self.model).await
    }

    /// Results of external assessments (МЦКО, ВПР), newest first.
    #[graphql(complexity = "cost::times(cost::FEW, child_complexity)")]
    async fn external_assessments(&self, ctx: &Context<'_>) -> AppResult<Vec<ExternalAssessment>> {
        let rows = self
            .own_part(ctx, "external".to_owned(), |db, group| async move {
                records::external_assessments(&db, &group).await
            })
            .await?;
        Ok(rows.into_iter().map(ExternalAssessment).collect())
    }
}

/// One day of a timetable.
#[derive(async_graphql::SimpleObject)]
pub struct ScheduleDay {
    /// The day.
    pub date: Date,
    /// The holiday's name, when the day is one.
    pub holiday: Option<String>,
    /// The lessons in order.
    #[graphql(complexity = "cost::times(cost::LESSONS_PER_DAY, child_complexity)")]
    pub lessons: Vec<Lesson>,
}

/// Checks a page size.
pub fn page_size(first: Option<i32>) -> AppResult<u64> {
    let first = first.unwrap_or(20);
    if !(0..=MAX_PAGE).contains(&first) {
        return Err(AppError::bad_input(
            "first",
            Reason::PageSize {
                max: MAX_PAGE as i64,
            },
        ));
    }
    Ok(u64::try_from(first).unwrap_or(20))
}
