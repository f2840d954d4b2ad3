//! View models of the back-office pages. Handlers in the server fill them from services; the
//! templates only lay them out.

use askama::Template;

use crate::i18n::Texts;

/// What every back-office page shows around its content.
#[derive(Clone, Debug, Default)]
pub struct Shell {
    /// Language.
    pub t: Texts,
    /// The CSRF token for forms.
    pub csrf: String,
    /// Who is signed in.
    pub user_name: String,
    /// The school being administered, if chosen.
    pub school_name: Option<String>,
    /// The id of that school, for links.
    pub school_id: Option<i64>,
    /// Schools to switch between (department administrators): id, name, chosen.
    pub schools: Vec<(i64, String, bool)>,
    /// Whether the viewer is a department administrator.
    pub department: bool,
    /// The current section, for the navigation.
    pub section: &'static str,
    /// A message after an action.
    pub notice: Option<String>,
    /// An error after an action.
    pub error: Option<String>,
}

impl Shell {
    /// `?school=N` for links within the chosen school.
    pub fn school_query(&self) -> String {
        self.school_id
            .map(|id| format!("school={id}"))
            .unwrap_or_default()
    }
}

/// The sign-in page of the back-office.
#[derive(Template, Debug)]
#[template(path = "admin/login.html")]
pub struct AdminLoginPage {
    /// Language.
    pub t: Texts,
    /// The CSRF token.
    pub csrf: String,
    /// An error from the previous attempt.
    pub error: Option<String>,
    /// The name of a signed-in administrator who can continue without a password.
    pub continue_as: Option<String>,
}

/// A count with its link.
#[derive(Clone, Debug)]
pub struct CountLink {
    /// What is counted.
    pub label: String,
    /// How many.
    pub count: u64,
    /// Where the list is.
    pub href: String,
    /// Whether it needs attention.
    pub alert: bool,
}

/// The dashboard.
#[derive(Template, Debug)]
#[template(path = "admin/dashboard.html")]
pub struct DashboardPage {
    /// Around the content.
    pub shell: Shell,
    /// Counts with links.
    pub counts: Vec<CountLink>,
}

/// One application in the queue.
#[derive(Clone, Debug)]
pub struct QueueRow {
    /// Its id.
    pub id: i64,
    /// Received on.
    pub received_on: String,
    /// Due on.
    pub due_on: String,
    /// Undecided past its due date.
    pub overdue: bool,
    /// Status in words.
    pub status: String,
    /// Kind in words.
    pub kind: String,
    /// Applicant's name.
    pub applicant: String,
    /// Child's name.
    pub child: String,
    /// Class as stated.
    pub class_name: String,
}

/// The queue with its filters.
#[derive(Template, Debug)]
#[template(path = "admin/queue.html")]
pub struct QueuePage {
    /// Around the content.
    pub shell: Shell,
    /// The rows of this page.
    pub rows: Vec<QueueRow>,
    /// All matching.
    pub total: u64,
    /// Filter values as given: status, class, kind, search.
    pub status: String,
    /// Overdue only.
    pub overdue: bool,
    /// Due today only.
    pub due_today: bool,
    /// Class filter.
    pub class_name: String,
    /// Kind filter.
    pub kind: String,
    /// Search text.
    pub search: String,
    /// Link to the previous page.
    pub previous: Option<String>,
    /// Link to the next page.
    pub next: Option<String>,
}

/// The form to register a paper application.
#[derive(Template, Debug)]
#[template(path = "admin/new_application.html")]
pub struct NewApplicationPage {
    /// Around the content.
    pub shell: Shell,
    /// The field an error is about, for focus.
    pub field: Option<String>,
    /// The values entered, to show again after an error.
    pub values: Vec<(String, String)>,
    /// Today's date, the default receipt date.
    pub today: String,
}

impl NewApplicationPage {
    /// The value entered for a field.
    pub fn value(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Whether a checkbox was ticked.
    pub fn checked(&self, name: &str) -> bool {
        self.values.iter().any(|(k, v)| k == name && v == "on")
    }
}

/// A student who may be the stated child.
#[derive(Clone, Debug)]
pub struct CandidateRow {
    /// Student id.
    pub id: i64,
    /// Full name.
    pub name: String,
    /// Birth date.
    pub birth_date: String,
    /// Class.
    pub class_name: String,
    /// Whether the application is matched to this student.
    pub matched: bool,
}

/// A code in a list.
#[derive(Clone, Debug)]
pub struct CodeRow {
    /// Code id.
    pub id: i64,
    /// Kind in words.
    pub kind: String,
    /// State in words.
    pub state: String,
    /// Issued at.
    pub issued: String,
    /// Valid until.
    pub expires: String,
    /// Wrong guesses so far (the fifth revokes it).
    pub failed_attempts: i32,
    /// Whether it can be marked handed over.
    pub can_hand_over: bool,
    /// Whether it can be revoked.
    pub can_revoke: bool,
    /// Whether it can be reissued.
    pub can_reissue: bool,
}

/// An event in a history or the audit log.
#[derive(Clone, Debug)]
pub struct EventRow {
    /// When.
    pub when: String,
    /// Who.
    pub who: String,
    /// What.
    pub action: String,
    /// On what.
    pub object: String,
    /// From where.
    pub ip: String,
    /// Details (identifiers).
    pub details: String,
}

/// A refusal reason to choose.
#[derive(Clone, Debug)]
pub struct ReasonChoice {
    /// Reason id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Whether choosing it needs a comment.
    pub requires_comment: bool,
}

/// An application's page.
#[derive(Template, Debug)]
#[template(path = "admin/application.html")]
pub struct ApplicationPage {
    /// Around the content.
    pub shell: Shell,
    /// Its id.
    pub id: i64,
    /// Status in words.
    pub status: String,
    /// Kind in words.
    pub kind: String,
    /// Labelled facts as stated: (label, value).
    pub facts: Vec<(String, String)>,
    /// Documents: (name, presented).
    pub documents: Vec<(String, bool)>,
    /// Findings in words, each with whether it is serious.
    pub findings: Vec<(String, bool)>,
    /// Students who may be the child.
    pub candidates: Vec<CandidateRow>,
    /// Whether a decision may still be taken.
    pub undecided: bool,
    /// Whether the child has been matched.
    pub matched: bool,
    /// Reasons to choose from.
    pub reasons: Vec<ReasonChoice>,
    /// Reasons of a refusal, in words.
    pub refusal_reasons: Vec<String>,
    /// The decision's comment.
    pub decision_comment: Option<String>,
    /// Codes issued for it.
    pub codes: Vec<CodeRow>,
    /// Its history.
    pub history: Vec<EventRow>,
}

/// One envelope.
#[derive(Clone, Debug)]
pub struct Envelope {
    /// The school's name.
    pub school: String,
    /// The child's initials ("М. И. Петрова" shortened to "П. М. И.").
    pub initials: String,
    /// The class.
    pub class_name: String,
    /// Parent or student access, in words.
    pub kind: String,
    /// How to sign in, in words.
    pub how_to: String,
    /// The site to sign in at.
    pub sign_in_url: String,
    /// Where to enter the code.
    pub link_url: String,
    /// The code.
    pub code: String,
    /// Valid until.
    pub expires: String,
}

/// Printable envelopes: one after an approval or reissue, or a whole class's.
#[derive(Template, Debug)]
#[template(path = "admin/envelopes.html")]
pub struct EnvelopesPage {
    /// Language.
    pub t: Texts,
    /// The envelopes.
    pub envelopes: Vec<Envelope>,
    /// Where "back" goes.
    pub back: String,
}

/// A linked parent.
#[derive(Clone, Debug)]
pub struct GuardianRow {
    /// Guardianship id.
    pub id: i64,
    /// The parent's label for the child.
    pub label: String,
    /// The parent's name.
    pub parent: String,
    /// Since when.
    pub since: String,
}

/// A student's back-office page.
#[derive(Template, Debug)]
#[template(path = "admin/student.html")]
pub struct StudentPage {
    /// Around the content.
    pub shell: Shell,
    /// Student id.
    pub id: i64,
    /// Full name.
    pub name: String,
    /// Class.
    pub class_name: String,
    /// Linked parents.
    pub guardians: Vec<GuardianRow>,
    /// Codes.
    pub codes: Vec<CodeRow>,
}

/// A student found by search.
#[derive(Clone, Debug)]
pub struct StudentRow {
    /// Student id.
    pub id: i64,
    /// Full name.
    pub name: String,
    /// Class.
    pub class_name: String,
    /// Birth date.
    pub birth_date: String,
}

/// Searching students.
#[derive(Template, Debug)]
#[template(path = "admin/students.html")]
pub struct StudentsPage {
    /// Around the content.
    pub shell: Shell,
    /// The search text.
    pub search: String,
    /// Students found.
    pub rows: Vec<StudentRow>,
}

/// A class in the list.
#[derive(Clone, Debug)]
pub struct ClassRow {
    /// Class id.
    pub id: i64,
    /// "5А".
    pub name: String,
    /// Students.
    pub students: u64,
    /// Students without a student sign-in.
    pub without_sign_in: u64,
}

/// The classes, with bulk envelopes.
#[derive(Template, Debug)]
#[template(path = "admin/classes.html")]
pub struct ClassesPage {
    /// Around the content.
    pub shell: Shell,
    /// The classes.
    pub rows: Vec<ClassRow>,
}

/// A refusal reason in the catalogue.
#[derive(Clone, Debug)]
pub struct ReasonRow {
    /// Reason id.
    pub id: i64,
    /// Identifier.
    pub code: String,
    /// Russian title.
    pub title_ru: String,
    /// English title.
    pub title_en: String,
    /// Needs a comment.
    pub requires_comment: bool,
    /// Can be chosen.
    pub active: bool,
    /// Position.
    pub sort_order: i32,
}

/// The refusal-reason catalogue.
#[derive(Template, Debug)]
#[template(path = "admin/reasons.html")]
pub struct ReasonsPage {
    /// Around the content.
    pub shell: Shell,
    /// The reasons.
    pub rows: Vec<ReasonRow>,
}

/// A special day.
#[derive(Clone, Debug)]
pub struct DayRow {
    /// The date.
    pub date: String,
    /// Kind in words.
    pub kind: String,
    /// Name.
    pub name: String,
}

/// The business calendar of a year.
#[derive(Template, Debug)]
#[template(path = "admin/calendar.html")]
pub struct CalendarPage {
    /// Around the content.
    pub shell: Shell,
    /// The year.
    pub year: i32,
    /// Its special days.
    pub rows: Vec<DayRow>,
}

/// The audit log.
#[derive(Template, Debug)]
#[template(path = "admin/audit.html")]
pub struct AuditPage {
    /// Around the content.
    pub shell: Shell,
    /// The events of this page.
    pub rows: Vec<EventRow>,
    /// All matching.
    pub total: u64,
    /// Filters as given: actor id, action prefix, object type, from, to.
    pub actor: String,
    /// Action prefix.
    pub action: String,
    /// Object type.
    pub object_type: String,
    /// From date.
    pub from: String,
    /// To date.
    pub to: String,
    /// The same filters as a query string, for the CSV link and pages.
    pub query: String,
    /// Link to the previous page.
    pub previous: Option<String>,
    /// Link to the next page.
    pub next: Option<String>,
}
