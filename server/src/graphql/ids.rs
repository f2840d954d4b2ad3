//! Opaque global ids (Relay): `base64url("Student:42")`. Clients must treat them as opaque; the
//! server decodes them and checks the type, so an id of one type never finds another.

use async_graphql::ID;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::{AppError, AppResult, Reason};

/// Node types and their names inside global ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Account,
    School,
    AcademicYear,
    StudyPeriod,
    ClassUnit,
    Subject,
    StaffMember,
    Student,
    Lesson,
    Homework,
    Mark,
    Remark,
    AttendanceRecord,
    FinalMark,
    ExternalAssessment,
    NewsItem,
    Event,
    ForumThread,
    ForumPost,
    Conversation,
    Message,
    Session,
    AccessApplication,
    AccessCode,
    RefusalReason,
    Guardianship,
    ControlForm,
    Notification,
}

impl Kind {
    /// The type name, as in the schema.
    pub fn name(self) -> &'static str {
        match self {
            Self::Account => "Account",
            Self::School => "School",
            Self::AcademicYear => "AcademicYear",
            Self::StudyPeriod => "StudyPeriod",
            Self::ClassUnit => "ClassUnit",
            Self::Subject => "Subject",
            Self::StaffMember => "StaffMember",
            Self::Student => "Student",
            Self::Lesson => "Lesson",
            Self::Homework => "Homework",
            Self::Mark => "Mark",
            Self::Remark => "Remark",
            Self::AttendanceRecord => "AttendanceRecord",
            Self::FinalMark => "FinalMark",
            Self::ExternalAssessment => "ExternalAssessment",
            Self::NewsItem => "NewsItem",
            Self::Event => "Event",
            Self::ForumThread => "ForumThread",
            Self::ForumPost => "ForumPost",
            Self::Conversation => "Conversation",
            Self::Message => "Message",
            Self::Session => "Session",
            Self::AccessApplication => "AccessApplication",
            Self::AccessCode => "AccessCode",
            Self::RefusalReason => "RefusalReason",
            Self::Guardianship => "Guardianship",
            Self::ControlForm => "ControlForm",
            Self::Notification => "Notification",
        }
    }

    const ALL: [Kind; 28] = [
        Self::Account,
        Self::School,
        Self::AcademicYear,
        Self::StudyPeriod,
        Self::ClassUnit,
        Self::Subject,
        Self::StaffMember,
        Self::Student,
        Self::Lesson,
        Self::Homework,
        Self::Mark,
        Self::Remark,
        Self::AttendanceRecord,
        Self::FinalMark,
        Self::ExternalAssessment,
        Self::NewsItem,
        Self::Event,
        Self::ForumThread,
        Self::ForumPost,
        Self::Conversation,
        Self::Message,
        Self::Session,
        Self::AccessApplication,
        Self::AccessCode,
        Self::RefusalReason,
        Self::Guardianship,
        Self::ControlForm,
        Self::Notification,
    ];
}

/// The global id of an object.
pub fn encode(kind: Kind, id: i64) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", kind.name())))
}

/// Decodes any global id into its kind and database id.
pub fn decode_any(id: &ID) -> AppResult<(Kind, i64)> {
    let invalid = || AppError::bad_input("id", Reason::InvalidId);
    let bytes = URL_SAFE_NO_PAD.decode(id.as_str()).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (name, number) = text.split_once(':').ok_or_else(invalid)?;
    let kind = Kind::ALL
        .into_iter()
        .find(|k| k.name() == name)
        .ok_or_else(invalid)?;
    let number = number.parse::<i64>().map_err(|_| invalid())?;
    Ok((kind, number))
}

/// Decodes a global id that must be of one kind; an id of another kind is "not found".
pub fn decode(id: &ID, kind: Kind) -> AppResult<i64> {
    match decode_any(id)? {
        (found, number) if found == kind => Ok(number),
        _ => Err(AppError::NotFound),
    }
}

/// Decodes an optional id argument.
pub fn decode_opt(id: Option<&ID>, kind: Kind) -> AppResult<Option<i64>> {
    id.map(|id| decode(id, kind)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_keep_their_kind() -> AppResult<()> {
        let id = encode(Kind::Student, 42);
        assert_eq!(decode(&id, Kind::Student)?, 42);
        assert!(matches!(decode(&id, Kind::Mark), Err(AppError::NotFound)));
        assert!(matches!(
            decode(&ID("not-base64!".into()), Kind::Student),
            Err(AppError::BadUserInput { .. })
        ));
        Ok(())
    }
}
