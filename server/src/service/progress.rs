//! Progress in a study period: per subject the marks, the weighted average under the school's
//! rounding rule, the final mark and missed lessons; the year's table of final marks; the
//! student's place in class. Set-based like the diary: a fixed number of statements for any
//! number of students.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use dnevnik_entities::enums::{AttendanceStatus, LessonStatus, StudyPeriodKind};
use dnevnik_entities::{
    attendance_record, final_mark, lesson, mark, school, staff_member, student, study_period,
    subject, teaching_assignment,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait,
};

use super::diary::{MarkView, Scoped, by_id};
use crate::error::{AppError, AppResult};
use crate::grading::WeightedAverage;

/// One subject's progress for one student in one period.
#[derive(Clone, Debug)]
pub struct SubjectProgress {
    /// The subject.
    pub subject: subject::Model,
    /// Who teaches it in the student's class.
    pub teachers: Vec<staff_member::Model>,
    /// The marks, oldest first.
    pub marks: Vec<MarkView>,
    /// The weighted average.
    pub average: WeightedAverage,
    /// The school's rounding threshold.
    pub rounding_threshold: i16,
    /// The final mark for the period, once set.
    pub final_mark: Option<final_mark::Model>,
    /// Lessons missed (absent or excused).
    pub missed_lessons: i64,
    /// Lessons held so far.
    pub held_lessons: i64,
}

/// The study period to show: the given one, or the one containing `today`, or the latest
/// quarter that has begun, in the student's school.
pub async fn resolve_period(
    db: &impl ConnectionTrait,
    school_id: i64,
    period_id: Option<i64>,
    today: NaiveDate,
) -> AppResult<study_period::Model> {
    if let Some(id) = period_id {
        return study_period::Entity::find_by_id(id)
            .filter(study_period::Column::SchoolId.eq(school_id))
            .one(db)
            .await?
            .ok_or(AppError::NotFound);
    }
    let periods = study_period::Entity::find()
        .filter(study_period::Column::SchoolId.eq(school_id))
        .filter(study_period::Column::Kind.ne(StudyPeriodKind::Year))
        .filter(study_period::Column::StartsOn.lte(today))
        .order_by_desc(study_period::Column::StartsOn)
        .all(db)
        .await?;
    periods
        .iter()
        .find(|p| p.ends_on >= today)
        .or_else(|| periods.first())
        .cloned()
        .ok_or(AppError::NotFound)
}

/// Progress per subject for several students of one school in one period.
pub async fn subjects(
    db: &impl ConnectionTrait,
    students: &[Scoped],
    period: &study_period::Model,
) -> AppResult<HashMap<i64, Vec<SubjectProgress>>> {
    let ids: Vec<i64> = students.iter().map(|s| s.student.id).collect();
    let classes: HashSet<i64> = students.iter().map(|s| s.student.class_unit_id).collect();
    let schools: HashSet<i64> = students.iter().map(|s| s.student.school_id).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let thresholds: HashMap<i64, i16> = school::Entity::find()
        .filter(school::Column::Id.is_in(schools))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.rounding_threshold))
        .collect();
    let assignments = teaching_assignment::Entity::find()
        .filter(teaching_assignment::Column::ClassUnitId.is_in(classes.iter().copied()))
        .all(db)
        .await?;
    let subject_ids: HashSet<i64> = assignments.iter().map(|a| a.subject_id).collect();
    let staff_ids: HashSet<i64> = assignments.iter().map(|a| a.staff_member_id).collect();
    let subjects = subject::Entity::find()
        .filter(subject::Column::Id.is_in(subject_ids))
        .order_by_asc(subject::Column::SortOrder)
        .order_by_asc(subject::Column::Name)
        .all(db)
        .await?;
    let staff = by_id(
        staff_member::Entity::find()
            .filter(staff_member::Column::Id.is_in(staff_ids))
            .all(db)
            .await?,
        |s| s.id,
    );
    let marks = mark::Entity::find()
        .filter(mark::Column::StudentId.is_in(ids.clone()))
        .filter(mark::Column::StudyPeriodId.eq(period.id))
        .filter(mark::Column::DeletedAt.is_null())
        .order_by_asc(mark::Column::Date)
        .order_by_asc(mark::Column::Id)
        .all(db)
        .await?;
    let forms = super::diary::control_forms_of(db, &marks).await?;
    let finals = final_mark::Entity::find()
        .filter(final_mark::Column::StudentId.is_in(ids.clone()))
        .filter(final_mark::Column::StudyPeriodId.eq(period.id))
        .all(db)
        .await?;
    // Missed lessons: absences joined with their lesson's subject.
    let missed: Vec<(i64, i64)> = attendance_record::Entity::find()
        .select_only()
        .column(attendance_record::Column::StudentId)
        .column(lesson::Column::SubjectId)
        .join(
            JoinType::InnerJoin,
            attendance_record::Relation::Lesson.def(),
        )
        .filter(attendance_record::Column::StudentId.is_in(ids))
        .filter(
            attendance_record::Column::Status
                .is_in([AttendanceStatus::Absent, AttendanceStatus::Excused]),
        )
        .filter(lesson::Column::StudyPeriodId.eq(period.id))
        .into_tuple()
        .all(db)
        .await?;
    // Lessons held per class and subject.
    let held: Vec<(i64, i64, i64)> = lesson::Entity::find()
        .select_only()
        .column(lesson::Column::ClassUnitId)
        .column(lesson::Column::SubjectId)
        .column_as(lesson::Column::Id.count(), "held")
        .filter(lesson::Column::ClassUnitId.is_in(classes))
        .filter(lesson::Column::StudyPeriodId.eq(period.id))
        .filter(lesson::Column::Status.is_in([LessonStatus::Held, LessonStatus::Replaced]))
        .group_by(lesson::Column::ClassUnitId)
        .group_by(lesson::Column::SubjectId)
        .into_tuple()
        .all(db)
        .await?;

    let mut result = HashMap::new();
    for scoped in students {
        let student = scoped.student;
        let threshold = thresholds.get(&student.school_id).copied().unwrap_or(50);
        let mut rows = Vec::new();
        for subject in &subjects {
            let teachers: Vec<staff_member::Model> = assignments
                .iter()
                .filter(|a| a.class_unit_id == student.class_unit_id && a.subject_id == subject.id)
                .filter_map(|a| staff.get(&a.staff_member_id).cloned())
                .collect();
            if teachers.is_empty() || !scoped.access.covers_subject(subject.id) {
                continue;
            }
            let subject_marks: Vec<MarkView> = marks
                .iter()
                .filter(|m| m.student_id == student.id && m.subject_id == subject.id)
                .map(|m| MarkView {
                    mark: m.clone(),
                    control_form: m.control_form_id.and_then(|f| forms.get(&f).cloned()),
                })
                .collect();
            let mut average = WeightedAverage::default();
            for m in &subject_marks {
                average.add(m.mark.value, m.mark.weight);
            }
            rows.push(SubjectProgress {
                subject: subject.clone(),
                teachers,
                marks: subject_marks,
                average,
                rounding_threshold: threshold,
                final_mark: finals
                    .iter()
                    .find(|f| f.student_id == student.id && f.subject_id == subject.id)
                    .cloned(),
                missed_lessons: missed
                    .iter()
                    .filter(|(s, subj)| *s == student.id && *subj == subject.id)
                    .count() as i64,
                held_lessons: held
                    .iter()
                    .find(|(c, subj, _)| *c == student.class_unit_id && *subj == subject.id)
                    .map_or(0, |(_, _, n)| *n),
            });
        }
        result.insert(student.id, rows);
    }
    Ok(result)
}

/// The year's final marks of one student: the periods as columns, the subjects as rows.
#[derive(Clone, Debug)]
pub struct FinalMarksTable {
    /// The periods of the year in order, the year itself last.
    pub periods: Vec<study_period::Model>,
    /// Subject rows: the subject and its final mark per period (by period id).
    pub rows: Vec<(subject::Model, BTreeMap<i64, final_mark::Model>)>,
}

/// The final marks of students for the academic year.
pub async fn final_marks(
    db: &impl ConnectionTrait,
    students: &[Scoped],
    academic_year_id: i64,
) -> AppResult<HashMap<i64, FinalMarksTable>> {
    let ids: Vec<i64> = students.iter().map(|s| s.student.id).collect();
    let mut periods = study_period::Entity::find()
        .filter(study_period::Column::AcademicYearId.eq(academic_year_id))
        .order_by_asc(study_period::Column::StartsOn)
        .order_by_asc(study_period::Column::Id)
        .all(db)
        .await?;
    // The year column comes after the periods it sums up.
    periods.sort_by_key(|p| (p.kind == StudyPeriodKind::Year, p.starts_on, p.id));
    let period_ids: Vec<i64> = periods.iter().map(|p| p.id).collect();
    let finals = final_mark::Entity::find()
        .filter(final_mark::Column::StudentId.is_in(ids))
        .filter(final_mark::Column::StudyPeriodId.is_in(period_ids))
        .all(db)
        .await?;
    let subject_ids: HashSet<i64> = finals.iter().map(|f| f.subject_id).collect();
    let subjects = subject::Entity::find()
        .filter(subject::Column::Id.is_in(subject_ids))
        .order_by_asc(subject::Column::SortOrder)
        .order_by_asc(subject::Column::Name)
        .all(db)
        .await?;
    let mut result = HashMap::new();
    for scoped in students {
        let rows = subjects
            .iter()
            .filter(|s| scoped.access.covers_subject(s.id))
            .map(|s| {
                let cells = finals
                    .iter()
                    .filter(|f| f.student_id == scoped.student.id && f.subject_id == s.id)
                    .map(|f| (f.study_period_id, f.clone()))
                    .collect::<BTreeMap<_, _>>();
                (s.clone(), cells)
            })
            .filter(|(_, cells)| !cells.is_empty())
            .collect();
        result.insert(
            scoped.student.id,
            FinalMarksTable {
                periods: periods.clone(),
                rows,
            },
        );
    }
    Ok(result)
}

/// The direction of an average.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trend {
    /// Higher than two weeks ago.
    Up,
    /// Lower than two weeks ago.
    Down,
    /// About the same.
    Steady,
    /// Not enough marks to tell.
    Unknown,
}

/// A student's standing in class: place and size, own average and trend; no other student's
/// name or marks.
#[derive(Clone, Debug)]
pub struct Rating {
    /// 1 for the best average; students without marks are not ranked.
    pub place: Option<i64>,
    /// Students in the class.
    pub class_size: i64,
    /// The student's weighted average over all subjects.
    pub average: WeightedAverage,
    /// Compared with two weeks before `today`.
    pub trend: Trend,
}

/// The rating of each student of a list in their class for a period: two statements per class
/// in the list (the class's marks and its size), however many of its students are asked about.
/// The caller has checked that each student's access is full.
pub async fn ratings(
    db: &impl ConnectionTrait,
    group: &[Scoped],
    period: &study_period::Model,
    today: NaiveDate,
) -> AppResult<HashMap<i64, Rating>> {
    let classes: HashSet<i64> = group.iter().map(|m| m.student.class_unit_id).collect();
    let mut ratings = HashMap::new();
    for class in classes {
        let class_marks: Vec<(i64, i16, i16, NaiveDate)> = mark::Entity::find()
            .select_only()
            .column(mark::Column::StudentId)
            .column(mark::Column::Value)
            .column(mark::Column::Weight)
            .column(mark::Column::Date)
            .join(JoinType::InnerJoin, mark::Relation::Student.def())
            .filter(student::Column::ClassUnitId.eq(class))
            .filter(mark::Column::StudyPeriodId.eq(period.id))
            .filter(mark::Column::DeletedAt.is_null())
            .into_tuple()
            .all(db)
            .await?;
        let class_size = student::Entity::find()
            .filter(student::Column::ClassUnitId.eq(class))
            .filter(student::Column::LeftOn.is_null())
            .count_rows(db)
            .await?;
        let two_weeks_ago = today
            .checked_sub_days(chrono::Days::new(14))
            .unwrap_or(NaiveDate::MIN);
        // Every student's average now, and two weeks ago for the trend.
        let mut averages: HashMap<i64, WeightedAverage> = HashMap::new();
        let mut before: HashMap<i64, WeightedAverage> = HashMap::new();
        for (id, value, weight, date) in &class_marks {
            averages.entry(*id).or_default().add(*value, *weight);
            if *date <= two_weeks_ago {
                before.entry(*id).or_default().add(*value, *weight);
            }
        }
        for member in group.iter().filter(|m| m.student.class_unit_id == class) {
            let id = member.student.id;
            let own_before = before.get(&id).copied().unwrap_or_default();
            let own = averages.get(&id).copied().unwrap_or_default();
            let place = own.hundredths().map(|mine| {
                1 + averages
                    .values()
                    .filter_map(WeightedAverage::hundredths)
                    .filter(|other| *other > mine)
                    .count() as i64
            });
            let trend = match (own.hundredths(), own_before.hundredths()) {
                (Some(now), Some(before)) if now - before >= 10 => Trend::Up,
                (Some(now), Some(before)) if before - now >= 10 => Trend::Down,
                (Some(_), Some(_)) => Trend::Steady,
                _ => Trend::Unknown,
            };
            ratings.insert(
                id,
                Rating {
                    place,
                    class_size,
                    average: own,
                    trend,
                },
            );
        }
    }
    Ok(ratings)
}

trait CountRows {
    async fn count_rows(self, db: &impl ConnectionTrait) -> Result<i64, sea_orm::DbErr>;
}

impl CountRows for sea_orm::Select<student::Entity> {
    async fn count_rows(self, db: &impl ConnectionTrait) -> Result<i64, sea_orm::DbErr> {
        use sea_orm::PaginatorTrait;
        Ok(i64::try_from(self.count(db).await?).unwrap_or(i64::MAX))
    }
}
