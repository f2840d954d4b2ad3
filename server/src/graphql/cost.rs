//! What each list of the schema is expected to hold, for the query-complexity limit: a list
//! costs its expected length times its selection (a connection costs its `first`), so a
//! document's complexity is about the number of values its answer carries, and the limit
//! bounds answers before they are computed. The figures are a typical Moscow school's; date
//! ranges count their days. docs/API.md lists them for front-end teams.

use super::scalars::Date;

/// A parent's children (`Viewer.students`).
pub const CHILDREN: usize = 2;
/// Roles of one account, staff posts, live sessions, subjects of one role.
pub const ROLES: usize = 3;
/// Staff posts of one account.
pub const STAFF_POSTS: usize = 1;
/// Live sessions of one account.
pub const SESSIONS: usize = 5;
/// Lessons of one class (or one student) on one day.
pub const LESSONS_PER_DAY: usize = 6;
/// Homework set or due, marks and remarks of one student at one lesson.
pub const PER_LESSON: usize = 1;
/// Lessons of a teacher's week.
pub const TEACHER_WEEK: usize = 30;
/// Classes of a school.
pub const CLASSES: usize = 30;
/// Students of a class (rows of its journal, envelopes of its codes).
pub const STUDENTS_PER_CLASS: usize = 30;
/// Subjects of a school, or of one student's progress and final marks.
pub const SUBJECTS: usize = 20;
/// Staff of a school.
pub const STAFF: usize = 60;
/// Academic years, study periods of a year, control forms.
pub const YEARS: usize = 3;
/// Study periods of a year (and the year itself, for final marks).
pub const PERIODS: usize = 5;
/// Control forms of a school.
pub const CONTROL_FORMS: usize = 10;
/// Marks of one student in one subject over a period.
pub const MARKS_PER_SUBJECT: usize = 12;
/// Teachers of one subject of a class.
pub const TEACHERS_PER_SUBJECT: usize = 2;
/// Lessons of one subject in a class journal's range, and a row's marks or absences.
pub const JOURNAL_LESSONS: usize = 40;
/// Absences, lateness and the like of one student over a range.
pub const ATTENDANCE: usize = 10;
/// People of one conversation, readers of one message, revisions of one mark.
pub const PARTICIPANTS: usize = 3;
/// Events of an application's history, and catalogue entries (refusal reasons, calendar days).
pub const CATALOGUE: usize = 30;
/// Small per-object lists: candidate students, access codes, guardianships, assessments,
/// counts by status.
pub const FEW: usize = 5;

/// The days of a range, both ends included, for ranged lists (at least 1, at most a year;
/// the resolvers refuse longer ranges).
pub fn days(from: &Date, to: &Date) -> usize {
    let days = (to.0 - from.0).num_days().saturating_add(1).clamp(1, 366);
    usize::try_from(days).unwrap_or(366)
}

/// The cost of a list: its length times the cost of one item. Saturating, and capped far
/// above any limit, so that no document (whatever the configured depth) can overflow the
/// engine's sums: it is refused as too complex instead.
pub fn times(length: usize, item: usize) -> usize {
    const CAP: usize = 1 << 40;
    length.saturating_mul(item).min(CAP)
}

/// Events in a range: about one a week.
pub fn events(from: &Date, to: &Date) -> usize {
    days(from, to) / 7 + 1
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::graphql::build_schema;

    /// The operations docs/API.md shows, each with the variables printed after it.
    fn documented_operations() -> Vec<(String, serde_json::Value)> {
        let doc = include_str!("../../../docs/API.md");
        let mut operations = Vec::new();
        let mut rest = doc;
        while let Some(start) = rest.find("```graphql\n") {
            rest = &rest[start + "```graphql\n".len()..];
            let Some(end) = rest.find("```") else { break };
            let operation = rest[..end].to_owned();
            rest = &rest[end + 3..];
            let variables = rest
                .trim_start()
                .strip_prefix("```json\n")
                .and_then(|json| json.split("```").next())
                .and_then(|json| serde_json::from_str(json).ok())
                .unwrap_or_else(|| serde_json::json!({}));
            operations.push((operation, variables));
        }
        operations
    }

    /// The complexity of a document under a schema: the least limit it passes.
    async fn complexity(operation: &str, variables: &serde_json::Value) -> usize {
        let (mut low, mut high) = (0usize, 1usize << 22);
        while low < high {
            let mid = (low + high) / 2;
            let mut config = Config::development();
            config.graphql_max_complexity = mid;
            let request = async_graphql::Request::new(operation)
                .variables(async_graphql::Variables::from_json(variables.clone()));
            let response = build_schema(&config).execute(request).await;
            let too_complex = response
                .errors
                .iter()
                .any(|e| e.message.contains("too complex"));
            if too_complex {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        low
    }

    #[tokio::test]
    async fn every_documented_operation_fits_the_default_limits() {
        let operations = documented_operations();
        assert!(operations.len() >= 20, "{} operations", operations.len());
        let limit = Config::development().graphql_max_complexity;
        for (operation, variables) in &operations {
            if operation.trim_start().starts_with("subscription") {
                continue;
            }
            let cost = complexity(operation, variables).await;
            let name = operation.lines().next().unwrap_or_default();
            eprintln!("{cost:>6}  {name}");
            assert!(cost <= limit, "{name} costs {cost}, over {limit}");
        }
    }
}
