//! The domain enums stored in the database's CHECK-guarded `varchar(32)` columns: one Rust enum per
//! value set, so that code never handles those values as bare strings. The stored values are
//! exactly the migration's CHECK lists; serde uses the same strings.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Whether an account may sign in (`accounts.status`).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    /// The account may sign in.
    #[sea_orm(string_value = "active")]
    Active,
    /// The account is disabled and may not sign in.
    #[sea_orm(string_value = "disabled")]
    Disabled,
}

impl AccountStatus {
    /// The value as stored in the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Disabled => "disabled",
        }
    }
}

/// How a date of the national business calendar differs from the ordinary week
/// (`calendar_days.kind`).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
pub enum CalendarDayKind {
    /// A public holiday (праздничный день).
    #[sea_orm(string_value = "holiday")]
    Holiday,
    /// An extra day off moved from another date (перенесённый выходной).
    #[sea_orm(string_value = "day_off")]
    DayOff,
    /// A weekend day that is a working day (рабочая суббота).
    #[sea_orm(string_value = "working_day")]
    WorkingDay,
}

impl CalendarDayKind {
    /// The value as stored in the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Holiday => "holiday",
            Self::DayOff => "day_off",
            Self::WorkingDay => "working_day",
        }
    }
}

/// The kind of a study period (`study_periods.kind`).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
pub enum StudyPeriodKind {
    /// A quarter (четверть).
    #[sea_orm(string_value = "quarter")]
    Quarter,
    /// A trimester (триместр).
    #[sea_orm(string_value = "trimester")]
    Trimester,
    /// A half-year (полугодие).
    #[sea_orm(string_value = "half_year")]
    HalfYear,
    /// The whole academic year (год).
    #[sea_orm(string_value = "year")]
    Year,
}

impl StudyPeriodKind {
    /// The value as stored in the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Quarter => "quarter",
            Self::Trimester => "trimester",
            Self::HalfYear => "half_year",
            Self::Year => "year",
        }
    }
}

/// A staff member's position in the school (`staff_members.position`).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
pub enum StaffPosition {
    /// The head of the school (директор).
    #[sea_orm(string_value = "director")]
    Director,
    /// A deputy head (завуч, заместитель директора).
    #[sea_orm(string_value = "deputy_director")]
    DeputyDirector,
    /// A teacher (учитель).
    #[sea_orm(string_value = "teacher")]
    Teacher,
    /// An administrative employee (e.g. the diary administrator).
    #[sea_orm(string_value = "administrator")]
    Administrator,
    /// Any other position.
    #[sea_orm(string_value = "other")]
    Other,
}

impl StaffPosition {
    /// The value as stored in the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Director => "director",
            Self::DeputyDirector => "deputy_director",
            Self::Teacher => "teacher",
            Self::Administrator => "administrator",
            Self::Other => "other",
        }
    }
}

/// Where a lesson stands (`lessons.status`).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
pub enum LessonStatus {
    /// Planned and not yet marked as held.
    #[sea_orm(string_value = "scheduled")]
    Scheduled,
    /// Held as planned (проведён).
    #[sea_orm(string_value = "held")]
    Held,
    /// Did not take place (отменён).
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
    /// Given by a replacement teacher (замена).
    #[sea_orm(string_value = "replaced")]
    Replaced,
}

impl LessonStatus {
    /// The value as stored in the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::Held => "held",
            Self::Cancelled => "cancelled",
            Self::Replaced => "replaced",
        }
    }
}

/// What a change did to a mark (`mark_revisions.action`).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
pub enum MarkRevisionAction {
    /// The mark was given.
    #[sea_orm(string_value = "created")]
    Created,
    /// The mark's value or weight was changed.
    #[sea_orm(string_value = "updated")]
    Updated,
    /// The mark was withdrawn (soft-deleted).
    #[sea_orm(string_value = "deleted")]
    Deleted,
}

impl MarkRevisionAction {
    /// The value as stored in the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::Deleted => "deleted",
        }
    }
}

/// A student's recorded non-presence at a lesson (`attendance_records.status`); presence is not
/// stored.
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
pub enum AttendanceStatus {
    /// Absent without a valid reason ("Н").
    #[sea_orm(string_value = "absent")]
    Absent,
    /// Absent for a valid reason (уважительная причина).
    #[sea_orm(string_value = "excused")]
    Excused,
    /// Late for the lesson (опоздание).
    #[sea_orm(string_value = "late")]
    Late,
}

impl AttendanceStatus {
    /// The value as stored in the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Absent => "absent",
            Self::Excused => "excused",
            Self::Late => "late",
        }
    }
}

/// Whether a note about a student is a reproach or a praise (`remarks.kind`).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
pub enum RemarkKind {
    /// A remark (замечание).
    #[sea_orm(string_value = "remark")]
    Remark,
    /// A praise (благодарность).
    #[sea_orm(string_value = "praise")]
    Praise,
}

impl RemarkKind {
    /// The value as stored in the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Remark => "remark",
            Self::Praise => "praise",
        }
    }
}

/// A final mark for a study period (`final_marks.value`): a mark on the 1-5 scale or a non-numeric
/// outcome.
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
pub enum FinalMarkValue {
    /// 1, the lowest mark (очень плохо).
    #[sea_orm(string_value = "1")]
    #[serde(rename = "1")]
    One,
    /// 2, unsatisfactory (неудовлетворительно).
    #[sea_orm(string_value = "2")]
    #[serde(rename = "2")]
    Two,
    /// 3, satisfactory (удовлетворительно).
    #[sea_orm(string_value = "3")]
    #[serde(rename = "3")]
    Three,
    /// 4, good (хорошо).
    #[sea_orm(string_value = "4")]
    #[serde(rename = "4")]
    Four,
    /// 5, excellent (отлично).
    #[sea_orm(string_value = "5")]
    #[serde(rename = "5")]
    Five,
    /// Passed, for subjects without marks (зачёт).
    #[sea_orm(string_value = "pass")]
    Pass,
    /// Not passed, for subjects without marks (незачёт).
    #[sea_orm(string_value = "fail")]
    Fail,
    /// Not attested, e.g. for too many absences (н/а, не аттестован).
    #[sea_orm(string_value = "not_attested")]
    NotAttested,
    /// Exempt from the subject (освобождён).
    #[sea_orm(string_value = "exempt")]
    Exempt,
}

impl FinalMarkValue {
    /// The value as stored in the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::One => "1",
            Self::Two => "2",
            Self::Three => "3",
            Self::Four => "4",
            Self::Five => "5",
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::NotAttested => "not_attested",
            Self::Exempt => "exempt",
        }
    }
}

/// Who a news item is for (`news_items.scope`).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
pub enum NewsScope {
    /// Everyone in the city; the item belongs to no school.
    #[sea_orm(string_value = "city")]
    City,
    /// One school.
    #[sea_orm(string_value = "school")]
    School,
    /// One class of a school.
    #[sea_orm(string_value = "class")]
    Class,
}

impl NewsScope {
    /// The value as stored in the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::City => "city",
            Self::School => "school",
            Self::Class => "class",
        }
    }
}

/// The kind of a news item (`news_items.kind`).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
pub enum NewsKind {
    /// Organisational news (организационные).
    #[sea_orm(string_value = "organisation")]
    Organisation,
    /// Administrative news (административные).
    #[sea_orm(string_value = "administrative")]
    Administrative,
}

impl NewsKind {
    /// The value as stored in the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Organisation => "organisation",
            Self::Administrative => "administrative",
        }
    }
}

/// The kind of an event (`events.kind`).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A parent meeting (родительское собрание).
    #[sea_orm(string_value = "parent_meeting")]
    ParentMeeting,
    /// Any other school event (мероприятие).
    #[sea_orm(string_value = "school_event")]
    SchoolEvent,
}

impl EventKind {
    /// The value as stored in the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::ParentMeeting => "parent_meeting",
            Self::SchoolEvent => "school_event",
        }
    }
}

/// Where a forum thread lives (`forum_threads.scope`).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
pub enum ForumScope {
    /// The school's forum.
    #[sea_orm(string_value = "school")]
    School,
    /// One class's forum.
    #[sea_orm(string_value = "class")]
    Class,
}

impl ForumScope {
    /// The value as stored in the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::School => "school",
            Self::Class => "class",
        }
    }
}

/// Whom a forum thread's question is for (`forum_threads.addressed_to`).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
pub enum ForumAddressee {
    /// Anyone who can read the thread.
    #[sea_orm(string_value = "everyone")]
    Everyone,
    /// The class teacher (классный руководитель).
    #[sea_orm(string_value = "class_teacher")]
    ClassTeacher,
    /// A subject teacher (учитель).
    #[sea_orm(string_value = "teacher")]
    Teacher,
    /// The deputy director (завуч).
    #[sea_orm(string_value = "deputy_director")]
    DeputyDirector,
}

impl ForumAddressee {
    /// The value as stored in the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Everyone => "everyone",
            Self::ClassTeacher => "class_teacher",
            Self::Teacher => "teacher",
            Self::DeputyDirector => "deputy_director",
        }
    }
}

/// Which client a session belongs to (`sessions.kind`).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    /// The diary's web interface.
    #[sea_orm(string_value = "web")]
    Web,
    /// A programmatic API client.
    #[sea_orm(string_value = "api")]
    Api,
    /// The administration interface.
    #[sea_orm(string_value = "admin")]
    Admin,
}

impl SessionKind {
    /// The value as stored in the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Api => "api",
            Self::Admin => "admin",
        }
    }
}

/// An administrative role held through a role grant (`role_grants.role`).
#[derive(
    Copy,
    Clone,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Administers one school's diary (администратор школы).
    #[sea_orm(string_value = "school_admin")]
    SchoolAdmin,
    /// The head of one school (директор).
    #[sea_orm(string_value = "director")]
    Director,
    /// A deputy head of one school (завуч).
    #[sea_orm(string_value = "deputy_director")]
    DeputyDirector,
    /// Administers the city's education department across all schools; the only role
    /// without a school.
    #[sea_orm(string_value = "department_admin")]
    DepartmentAdmin,
}

impl Role {
    /// The value as stored in the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::SchoolAdmin => "school_admin",
            Self::Director => "director",
            Self::DeputyDirector => "deputy_director",
            Self::DepartmentAdmin => "department_admin",
        }
    }
}

/// Which diary access is asked for or given: `access_applications.access_kind` and
/// `access_codes.kind`.
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
pub enum AccessKind {
    /// A parent's or guardian's access to the child's diary (законный представитель).
    #[sea_orm(string_value = "guardian")]
    Guardian,
    /// The student's own sign-in.
    #[sea_orm(string_value = "student")]
    Student,
}

impl AccessKind {
    /// The value as stored in the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Guardian => "guardian",
            Self::Student => "student",
        }
    }
}

/// Where an access application stands (`access_applications.status`).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    /// Registered and not yet taken up.
    #[sea_orm(string_value = "received")]
    Received,
    /// Being checked.
    #[sea_orm(string_value = "in_review")]
    InReview,
    /// Granted: an access code may be issued.
    #[sea_orm(string_value = "approved")]
    Approved,
    /// Refused, for the reasons in `access_application_refusals`.
    #[sea_orm(string_value = "refused")]
    Refused,
    /// Withdrawn by the applicant.
    #[sea_orm(string_value = "withdrawn")]
    Withdrawn,
}

impl ApplicationStatus {
    /// The value as stored in the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::InReview => "in_review",
            Self::Approved => "approved",
            Self::Refused => "refused",
            Self::Withdrawn => "withdrawn",
        }
    }
}

/// Who the applicant is to the child (`access_applications.applicant_relation`).
///
/// Its SeaORM impls are written out by hand below: see [`ApplicantRelationEnum`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantRelation {
    /// The child's mother (мать).
    Mother,
    /// The child's father (отец).
    Father,
    /// Another legal guardian (опекун, попечитель).
    Guardian,
    /// The student applies for themself (stored as `self`).
    #[serde(rename = "self")]
    Oneself,
}

impl ApplicantRelation {
    /// The value as stored in the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Mother => "mother",
            Self::Father => "father",
            Self::Guardian => "guardian",
            Self::Oneself => "self",
        }
    }
}

// `DeriveActiveEnum` cannot be used for ApplicantRelation: it makes a Rust identifier out of every
// stored value, and the value `self` becomes the keyword `Self`, which does not parse. What
// follows is what the derive generates for a `String`-backed enum, minus the Postgres-array
// impls (no column holds an array of these).

/// The SeaORM name of [`ApplicantRelation`], as `DeriveActiveEnum` would generate it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicantRelationEnum;

impl sea_orm::Iden for ApplicantRelationEnum {
    fn unquoted(&self) -> &str {
        "ApplicantRelation"
    }
}

impl sea_orm::ActiveEnum for ApplicantRelation {
    type Value = String;

    type ValueVec = Vec<String>;

    fn name() -> DynIden {
        ApplicantRelationEnum.into()
    }

    fn to_value(&self) -> String {
        self.as_str().to_owned()
    }

    fn try_from_value(v: &String) -> Result<Self, DbErr> {
        match v.as_str() {
            "mother" => Ok(Self::Mother),
            "father" => Ok(Self::Father),
            "guardian" => Ok(Self::Guardian),
            "self" => Ok(Self::Oneself),
            _ => Err(DbErr::Type(format!(
                "unexpected value for ApplicantRelation enum: {v}"
            ))),
        }
    }

    fn db_type() -> ColumnDef {
        ColumnTypeTrait::def(ColumnType::String(StringLen::N(32)))
    }
}

impl From<ApplicantRelation> for Value {
    fn from(source: ApplicantRelation) -> Self {
        Value::from(source.as_str().to_owned())
    }
}

impl sea_orm::TryGetable for ApplicantRelation {
    fn try_get_by<I: sea_orm::ColIdx>(
        res: &QueryResult,
        idx: I,
    ) -> Result<Self, sea_orm::TryGetError> {
        let value = <String as sea_orm::TryGetable>::try_get_by(res, idx)?;
        <Self as ActiveEnum>::try_from_value(&value).map_err(sea_orm::TryGetError::DbErr)
    }
}

impl sea_orm::sea_query::ValueType for ApplicantRelation {
    fn try_from(v: Value) -> Result<Self, sea_orm::sea_query::ValueTypeErr> {
        let value = <String as sea_orm::sea_query::ValueType>::try_from(v)?;
        <Self as ActiveEnum>::try_from_value(&value).map_err(|_| sea_orm::sea_query::ValueTypeErr)
    }

    fn type_name() -> String {
        "ApplicantRelation".to_owned()
    }

    fn array_type() -> sea_orm::sea_query::ArrayType {
        <String as sea_orm::sea_query::ValueType>::array_type()
    }

    fn column_type() -> ColumnType {
        <Self as ActiveEnum>::db_type().get_column_type().clone()
    }

    fn enum_type_name() -> Option<&'static str> {
        None
    }
}

impl sea_orm::sea_query::Nullable for ApplicantRelation {
    fn null() -> Value {
        <String as sea_orm::sea_query::Nullable>::null()
    }
}

impl sea_orm::IntoActiveValue<ApplicantRelation> for ApplicantRelation {
    fn into_active_value(self) -> sea_orm::ActiveValue<ApplicantRelation> {
        sea_orm::ActiveValue::set(self)
    }
}

/// The type of the applicant's identity document (`access_applications.identity_document_type`).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
pub enum IdentityDocumentType {
    /// A Russian internal passport (паспорт гражданина РФ).
    #[sea_orm(string_value = "passport_rf")]
    PassportRf,
    /// A foreign citizen's passport.
    #[sea_orm(string_value = "foreign_passport")]
    ForeignPassport,
    /// A birth certificate (свидетельство о рождении), for young students applying themselves.
    #[sea_orm(string_value = "birth_certificate")]
    BirthCertificate,
    /// Any other identity document.
    #[sea_orm(string_value = "other")]
    Other,
}

impl IdentityDocumentType {
    /// The value as stored in the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::PassportRf => "passport_rf",
            Self::ForeignPassport => "foreign_passport",
            Self::BirthCertificate => "birth_certificate",
            Self::Other => "other",
        }
    }
}

/// Where an access code stands in its life (`access_codes.status`).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
pub enum AccessCodeStatus {
    /// Created; the sealed slip is not yet printed.
    #[sea_orm(string_value = "issued")]
    Issued,
    /// The sealed slip is printed.
    #[sea_orm(string_value = "printed")]
    Printed,
    /// The slip has been handed to its recipient.
    #[sea_orm(string_value = "handed_over")]
    HandedOver,
    /// Used: the link to the diary exists.
    #[sea_orm(string_value = "redeemed")]
    Redeemed,
    /// Cancelled before use; it can no longer be redeemed.
    #[sea_orm(string_value = "revoked")]
    Revoked,
}

impl AccessCodeStatus {
    /// The value as stored in the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Issued => "issued",
            Self::Printed => "printed",
            Self::HandedOver => "handed_over",
            Self::Redeemed => "redeemed",
            Self::Revoked => "revoked",
        }
    }
}

/// What an import batch brings in (`import_batches.kind`).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    /// Classes.
    #[sea_orm(string_value = "classes")]
    Classes,
    /// Subjects.
    #[sea_orm(string_value = "subjects")]
    Subjects,
    /// Staff members.
    #[sea_orm(string_value = "staff")]
    Staff,
    /// Students.
    #[sea_orm(string_value = "students")]
    Students,
    /// The weekly timetable.
    #[sea_orm(string_value = "timetable")]
    Timetable,
    /// External assessment results.
    #[sea_orm(string_value = "assessments")]
    Assessments,
}

impl ImportKind {
    /// The value as stored in the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Classes => "classes",
            Self::Subjects => "subjects",
            Self::Staff => "staff",
            Self::Students => "students",
            Self::Timetable => "timetable",
            Self::Assessments => "assessments",
        }
    }
}

/// Where an import batch stands (`import_batches.status`).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
pub enum ImportBatchStatus {
    /// Still in progress.
    #[sea_orm(string_value = "running")]
    Running,
    /// Finished; individual rows may still have failed.
    #[sea_orm(string_value = "completed")]
    Completed,
    /// Aborted as a whole.
    #[sea_orm(string_value = "failed")]
    Failed,
}

impl ImportBatchStatus {
    /// The value as stored in the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Completed => "completed",
            Self::Failed => "failed",
        }
    }
}

/// What happened to one source row of an import (`import_batch_rows.outcome`).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
pub enum ImportRowOutcome {
    /// A new row was created.
    #[sea_orm(string_value = "inserted")]
    Inserted,
    /// An existing row was changed.
    #[sea_orm(string_value = "updated")]
    Updated,
    /// An existing row already matched.
    #[sea_orm(string_value = "unchanged")]
    Unchanged,
    /// The row could not be imported; see its message.
    #[sea_orm(string_value = "failed")]
    Failed,
}

impl ImportRowOutcome {
    /// The value as stored in the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Inserted => "inserted",
            Self::Updated => "updated",
            Self::Unchanged => "unchanged",
            Self::Failed => "failed",
        }
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::ActiveEnum;
    use sea_orm::Iterable;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as DeError, StrDeserializer};

    use super::*;

    /// `as_str`, the SeaORM value and the serde name agree for every variant.
    fn check<E>()
    where
        E: ActiveEnum<Value = String> + Iterable + PartialEq + std::fmt::Debug + Copy,
        E: for<'de> Deserialize<'de>,
        E: AsStr,
    {
        for variant in E::iter() {
            let stored = variant.stored();
            assert_eq!(variant.to_value(), stored);
            assert_eq!(E::try_from_value(&stored.to_owned()).ok(), Some(variant));
            let de: StrDeserializer<'_, DeError> = stored.into_deserializer();
            assert_eq!(E::deserialize(de).ok(), Some(variant));
        }
    }

    trait AsStr {
        fn stored(&self) -> &'static str;
    }

    macro_rules! all {
        ($($name:ident),* $(,)?) => {
            $(impl AsStr for $name {
                fn stored(&self) -> &'static str {
                    self.as_str()
                }
            })*

            #[test]
            fn stored_values_agree() {
                $(check::<$name>();)*
            }
        };
    }

    all!(
        AccountStatus,
        CalendarDayKind,
        StudyPeriodKind,
        StaffPosition,
        LessonStatus,
        MarkRevisionAction,
        AttendanceStatus,
        RemarkKind,
        FinalMarkValue,
        NewsScope,
        NewsKind,
        EventKind,
        ForumScope,
        ForumAddressee,
        SessionKind,
        Role,
        AccessKind,
        ApplicationStatus,
        ApplicantRelation,
        IdentityDocumentType,
        AccessCodeStatus,
        ImportKind,
        ImportBatchStatus,
        ImportRowOutcome
    );

    #[test]
    fn unknown_values_are_rejected() {
        assert!(ApplicantRelation::try_from_value(&"Self".to_owned()).is_err());
        assert!(FinalMarkValue::try_from_value(&"one".to_owned()).is_err());
    }
}

/// What a notification is about (`notifications.kind`).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// A new mark.
    #[sea_orm(string_value = "mark_recorded")]
    MarkRecorded,
    /// A mark's value changed.
    #[sea_orm(string_value = "mark_changed")]
    MarkChanged,
    /// A mark was withdrawn.
    #[sea_orm(string_value = "mark_deleted")]
    MarkDeleted,
    /// New homework.
    #[sea_orm(string_value = "homework")]
    Homework,
    /// An absence or lateness.
    #[sea_orm(string_value = "attendance")]
    Attendance,
    /// A remark or praise.
    #[sea_orm(string_value = "remark")]
    Remark,
    /// A new message.
    #[sea_orm(string_value = "message")]
    Message,
    /// News published.
    #[sea_orm(string_value = "news")]
    News,
}

impl NotificationKind {
    /// The value as stored in the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::MarkRecorded => "mark_recorded",
            Self::MarkChanged => "mark_changed",
            Self::MarkDeleted => "mark_deleted",
            Self::Homework => "homework",
            Self::Attendance => "attendance",
            Self::Remark => "remark",
            Self::Message => "message",
            Self::News => "news",
        }
    }
}
