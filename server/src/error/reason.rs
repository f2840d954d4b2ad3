//! Why a request was refused, for machines and for people: every reason has a stable code
//! (sent as `extensions.reason`), whole-number parameters (`extensions.params`), and its
//! sentence in English (the API's `message`) and in Russian (the pages and the back-office).
//! Pages translate reasons by code, never by comparing sentences.
//!
//! Parameters are numbers only, so that a reason carried through a redirect's query string
//! (the back-office's POST-redirect-GET) can never smuggle text onto a page.

use serde_json::{Map, Value};

/// Declares the reasons: `Variant { params } = "CODE" => "English", "Russian";`. Placeholders
/// `{name}` in the sentences are the parameters.
macro_rules! reasons {
    ($(
        $(#[$doc:meta])*
        $variant:ident $({ $($param:ident),* $(,)? })? = $code:literal => $en:literal, $ru:literal;
    )*) => {
        /// A reason for refusing a request; see the module's documentation.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum Reason {
            $(
                $(#[$doc])*
                $variant $({ $(
                    #[allow(missing_docs)]
                    $param: i64
                ),* })?,
            )*
        }

        impl Reason {
            /// The stable code, e.g. `LESSON_NOT_HELD_YET`.
            pub fn code(&self) -> &'static str {
                match self {
                    $( Self::$variant { .. } => $code, )*
                }
            }

            /// The parameters by name.
            pub fn params(&self) -> Map<String, Value> {
                #[allow(unused_mut)]
                let mut map = Map::new();
                match self {
                    $( Self::$variant $({ $($param),* })? => {
                        $($( map.insert(stringify!($param).to_owned(), Value::from(*$param)); )*)?
                    } )*
                }
                map
            }

            /// The sentence with its parameters filled in: Russian unless `english`.
            pub fn text(&self, english: bool) -> String {
                let template = match self {
                    $( Self::$variant { .. } => if english { $en } else { $ru }, )*
                };
                fill(template, &self.params())
            }

            /// The reason named by a code, with its parameters read from `params` (missing
            /// ones are 0); `None` for an unknown code.
            pub fn from_code(code: &str, params: &Map<String, Value>) -> Option<Self> {
                #[allow(unused_variables)]
                let get = |name: &str| params.get(name).and_then(Value::as_i64).unwrap_or(0);
                match code {
                    $( $code => Some(Self::$variant $({ $($param: get(stringify!($param))),* })?), )*
                    _ => None,
                }
            }

            /// Every code with its English and Russian templates, for tests.
            pub fn catalogue() -> &'static [(&'static str, &'static str, &'static str)] {
                &[ $( ($code, $en, $ru), )* ]
            }
        }
    };
}

fn fill(template: &str, params: &Map<String, Value>) -> String {
    let mut text = template.to_owned();
    for (name, value) in params {
        text = text.replace(&format!("{{{name}}}"), &value.to_string());
    }
    text
}

reasons! {
    // Generic checks of input.
    /// An id that is not one of the API's ids.
    InvalidId = "INVALID_ID" => "This is not a valid id.", "Это не идентификатор.";
    /// A page cursor that the server did not give.
    InvalidCursor = "INVALID_CURSOR" => "This is not a valid cursor.", "Это не курсор страницы.";
    /// A date outside 1900–2200.
    DateOutOfRange = "DATE_OUT_OF_RANGE" => "expected a date between 1900-01-01 and 2200-12-31",
        "Ожидается дата с 1900-01-01 по 2200-12-31.";
    /// A page size out of bounds.
    PageSize { max } = "PAGE_SIZE" => "Ask for between 0 and {max} items.",
        "Запросите от 0 до {max} записей.";
    /// A text longer than allowed.
    TooLong { max } = "TOO_LONG" => "At most {max} characters.", "Не более {max} символов.";
    /// A required text left empty.
    Empty = "EMPTY" => "This cannot be empty.", "Это поле не может быть пустым.";
    /// A text of the wrong length.
    TextLength { max } = "TEXT_LENGTH" => "Write 1 to {max} characters.",
        "Напишите от 1 до {max} символов.";
    /// Control characters in a text.
    ControlCharacters = "CONTROL_CHARACTERS"
        => "Text may not contain control characters (only tabs and line breaks).",
        "Текст не может содержать управляющие символы (допустимы только табуляция и перевод строки).";
    /// A query document over the size limit.
    QueryTooLarge = "QUERY_TOO_LARGE" => "The query document is too large.",
        "Запрос слишком большой.";
    /// A query or mutation sent over the subscriptions' WebSocket.
    SubscriptionsOnly = "SUBSCRIPTIONS_ONLY"
        => "Only subscriptions run over /graphql/ws; send queries and mutations to POST /graphql.",
        "По /graphql/ws выполняются только подписки; запросы и изменения отправляйте на POST /graphql.";
    /// A date range that ends before it starts.
    RangeReversed = "RANGE_REVERSED" => "The range ends before it starts.",
        "Конец периода раньше его начала.";
    /// Too many days at once.
    TooManyDays { max } = "TOO_MANY_DAYS" => "Ask for at most {max} days at a time.",
        "Запросите не более {max} дней за раз.";
    /// More than a year of events.
    EventsRangeTooLong = "EVENTS_RANGE_TOO_LONG" => "Ask for at most a year of events.",
        "Запросите события не более чем за год.";
    /// A date left empty in a form.
    DateMissing = "DATE_MISSING" => "Enter a date.", "Укажите дату.";
    /// A school not chosen in the back-office.
    SchoolNotChosen = "SCHOOL_NOT_CHOSEN" => "Choose a school.", "Выберите школу.";
    /// An unknown status filter.
    UnknownStatus = "UNKNOWN_STATUS" => "Unknown status.", "Неизвестный статус.";

    // Access applications.
    /// A name of the wrong length.
    NameLength = "NAME_LENGTH" => "Enter a name of 1 to 100 characters.",
        "Введите имя длиной от 1 до 100 символов.";
    /// A document number given in full.
    DocumentDigits = "DOCUMENT_DIGITS"
        => "Enter only the last 2 to 4 digits of the document number.",
        "Введите только последние 2–4 цифры номера документа.";
    /// A receipt date in the future.
    ReceivedInFuture = "RECEIVED_IN_FUTURE" => "The application cannot be received in the future.",
        "Дата приёма заявления не может быть в будущем.";
    /// A receipt date over a year ago.
    ReceivedTooLongAgo = "RECEIVED_TOO_LONG_AGO" => "The date is more than a year ago.",
        "Дата больше чем год назад.";
    /// A receipt date left empty in a form.
    ReceivedMissing = "RECEIVED_MISSING" => "Enter the date of receipt.", "Укажите дату приёма.";
    /// A birth date left empty in a form.
    BirthDateMissing = "BIRTH_DATE_MISSING" => "Enter the birth date.", "Укажите дату рождения.";
    /// A child too young or too old for school.
    SchoolAge = "SCHOOL_AGE" => "A school student is between 5 and 20 years old.",
        "Школьнику от 5 до 20 лет: проверьте дату рождения.";
    /// A relation that does not fit the kind of access.
    RelationForKind = "RELATION_FOR_KIND"
        => "Students apply for student access themselves; parents and guardians for parent access.",
        "Доступ ученика запрашивает сам ученик, доступ родителя — родитель или законный представитель.";
    /// A class name missing or too long.
    ClassName = "CLASS_NAME" => "Enter the class, e.g. 5А.", "Укажите класс, например 5А.";
    /// Not an e-mail address.
    NotAnEmail = "NOT_AN_EMAIL" => "This is not an e-mail address.",
        "Это не адрес электронной почты.";
    /// An application decided before.
    AlreadyDecided = "ALREADY_DECIDED" => "The application has already been decided.",
        "По заявлению уже принято решение.";
    /// A student of another school, or none.
    NoSuchStudent = "NO_SUCH_STUDENT" => "No such student at this school.",
        "В этой школе нет такого ученика.";
    /// Approval before the child is matched.
    NotMatched = "NOT_MATCHED" => "Match the child to a student record before approving.",
        "Перед одобрением сопоставьте ребёнка с учеником школы.";
    /// Documents missing for approval.
    DocumentsIncomplete = "DOCUMENTS_INCOMPLETE"
        => "The documents are incomplete: refuse the application or register the missing documents.",
        "Документы неполные: откажите в заявлении или отметьте недостающие документы.";
    /// A refusal without reasons.
    NoReason = "NO_REASON" => "Choose at least one reason.", "Выберите хотя бы одну причину.";
    /// A refusal comment that is too long.
    CommentTooLong = "COMMENT_TOO_LONG" => "The comment is too long.",
        "Комментарий слишком длинный.";
    /// Reasons not from the catalogue.
    UnknownReason = "UNKNOWN_REASON" => "Choose reasons from the catalogue.",
        "Выберите причины из справочника.";
    /// A reason that needs a comment.
    CommentRequired = "COMMENT_REQUIRED" => "Explain the refusal in the comment.",
        "Поясните отказ в комментарии.";

    // The catalogue and the calendar.
    /// A title of the wrong length.
    TitleLength = "TITLE_LENGTH" => "Enter a title of 1 to 300 characters.",
        "Введите название длиной от 1 до 300 символов.";
    /// A reason code with other characters.
    ReasonCodeFormat = "REASON_CODE_FORMAT" => "Use lowercase letters, digits and underscores.",
        "Используйте строчные латинские буквы, цифры и знак подчёркивания.";
    /// A reason code in use.
    ReasonCodeTaken = "REASON_CODE_TAKEN" => "A reason with this code exists.",
        "Причина с таким кодом уже есть.";
    /// A special day without a name.
    DayName = "DAY_NAME" => "Name the day (1 to 200 characters).",
        "Назовите день (от 1 до 200 символов).";

    // Access codes.
    /// An unknown, wrong, expired or used code: one answer for all.
    InvalidCode = "INVALID_CODE" => "This code is not valid. Check it and try again.",
        "Код не подошёл. Проверьте его и попробуйте ещё раз.";
    /// A parent's code on an unconfirmed account, or a mistyped student code.
    NeedsConfirmedAccount = "NEEDS_CONFIRMED_ACCOUNT"
        => "This account cannot use this code. A parent's code needs a confirmed Gosuslugi account: confirm yours and sign in again. A student's own code must be typed exactly as printed.",
        "Этот код нельзя использовать с этой учётной записью. Код родителя принимает только подтверждённая учётная запись Госуслуг: подтвердите её и войдите снова. Код самого ученика введите точно так, как он напечатан.";
    /// A child linked before.
    AlreadyLinked = "ALREADY_LINKED" => "This child is already linked to your account.",
        "Этот ребёнок уже есть в вашем дневнике.";
    /// A student's own code used by a parent.
    StudentCodeForStudent = "STUDENT_CODE_FOR_STUDENT"
        => "This is a student's own sign-in code: the student enters it from their own account. To add your child, enter the parent's code from your envelope.",
        "Это код самого ученика: его вводит ученик в своей учётной записи. Чтобы добавить ребёнка, введите код родителя из вашего конверта.";
    /// A second student sign-in.
    StudentSignInExists = "STUDENT_SIGN_IN_EXISTS"
        => "This account or this student already has a student sign-in.",
        "У этой учётной записи или у этого ученика уже есть вход ученика.";
    /// Handing over a code in another state.
    NotHandable = "NOT_HANDABLE" => "Only an issued or printed code can be handed over.",
        "Выдать можно только созданный или напечатанный код.";
    /// Revoking a code that is not usable.
    CodeNotUsable = "CODE_NOT_USABLE" => "The code is already used, expired or revoked.",
        "Код уже использован, истёк или отозван.";
    /// Reissuing a redeemed code.
    CodeUsed = "CODE_USED" => "The code was used; issue a new one from the student's page.",
        "Код использован; выпустите новый на странице ученика.";

    // The journal.
    /// A lesson in the future.
    LessonNotHeldYet = "LESSON_NOT_HELD_YET" => "The lesson has not taken place yet.",
        "Урок ещё не прошёл.";
    /// A cancelled lesson.
    LessonCancelled = "LESSON_CANCELLED" => "The lesson was cancelled.", "Урок отменён.";
    /// A status only the administration sets.
    ReplacementByAdministration = "REPLACEMENT_BY_ADMINISTRATION"
        => "A replacement is arranged by the school's administration.",
        "Замену назначает администрация школы.";
    /// Lateness without minutes.
    MinutesMissing = "MINUTES_MISSING" => "Give the minutes of lateness.",
        "Укажите, на сколько минут опоздание.";
    /// Minutes on another status.
    MinutesOnlyForLateness = "MINUTES_ONLY_FOR_LATENESS" => "Minutes are only for lateness.",
        "Минуты указывают только для опоздания.";
    /// Lateness out of range.
    LatenessRange = "LATENESS_RANGE" => "Lateness is from 1 to 90 minutes.",
        "Опоздание — от 1 до 90 минут.";
    /// A teacher of another school, or none.
    NoSuchTeacher = "NO_SUCH_TEACHER" => "No such teacher at this school.",
        "В этой школе нет такого учителя.";
    /// A teacher replacing themselves.
    SelfReplacement = "SELF_REPLACEMENT" => "A teacher cannot replace themselves.",
        "Учитель не может заменять сам себя.";
    /// A mark off the scale.
    MarkValue = "MARK_VALUE" => "A mark is from 1 to 5.", "Оценка — от 1 до 5.";
    /// A weight off the scale.
    MarkWeight = "MARK_WEIGHT" => "A weight is from 1 to 10.", "Вес — от 1 до 10.";
    /// A control form of another school, or inactive.
    NoSuchControlForm = "NO_SUCH_CONTROL_FORM" => "No such control form at this school.",
        "В этой школе нет такой формы контроля.";
    /// A subject other than the lesson's.
    NotTheLessonsSubject = "NOT_THE_LESSONS_SUBJECT" => "The subject is not the lesson's subject.",
        "Предмет не совпадает с предметом урока.";
    /// Neither a lesson nor a subject and a day.
    LessonOrSubjectAndDay = "LESSON_OR_SUBJECT_AND_DAY"
        => "Give the lesson, or the subject and the day.",
        "Укажите урок или предмет и день.";
    /// A mark dated in the future.
    MarkInAdvance = "MARK_IN_ADVANCE" => "A mark cannot be given in advance.",
        "Оценку нельзя поставить заранее.";
    /// A period of another academic year.
    PeriodOfAnotherYear = "PERIOD_OF_ANOTHER_YEAR"
        => "Choose a study period of the student's academic year.",
        "Выберите учебный период учебного года ученика.";
    /// A period that has not begun.
    PeriodNotStarted = "PERIOD_NOT_STARTED" => "The study period has not started yet.",
        "Учебный период ещё не начался.";
    /// A student not enrolled in the period.
    NotEnrolledInPeriod = "NOT_ENROLLED_IN_PERIOD"
        => "The student was not enrolled in that study period.",
        "Ученик не учился в этом учебном периоде.";
    /// A student of another class.
    NotInLessonClass = "NOT_IN_LESSON_CLASS" => "The student is not in this lesson's class.",
        "Ученик не из класса этого урока.";
    /// A day outside the student's enrolment.
    NotEnrolledOnDay = "NOT_ENROLLED_ON_DAY" => "The student was not enrolled on that day.",
        "Ученик в этот день не учился в школе.";
    /// A day outside the academic year.
    OutsideAcademicYear = "OUTSIDE_ACADEMIC_YEAR" => "The day is outside the class's academic year.",
        "День вне учебного года класса.";
    /// A subject of another school.
    NoSuchSubject = "NO_SUCH_SUBJECT" => "No such subject at this school.",
        "В этой школе нет такого предмета.";
    /// Too many links on homework.
    TooManyLinks { max } = "TOO_MANY_LINKS" => "At most {max} links.", "Не более {max} ссылок.";
    /// A link that is not http(s).
    LinkScheme = "LINK_SCHEME" => "Attachments are http(s) links.",
        "Вложения — это ссылки http(s).";
    /// A due lesson of another subject or class.
    DueLessonMismatch = "DUE_LESSON_MISMATCH"
        => "Choose a lesson of the same subject in the same class.",
        "Выберите урок того же предмета в том же классе.";
    /// A due lesson before the lesson homework is given at.
    DueLessonBefore = "DUE_LESSON_BEFORE"
        => "The due lesson comes after the lesson the homework is given at.",
        "Урок сдачи должен идти после урока, на котором задано задание.";
    /// A due day that is not the due lesson's.
    DueDayMismatch = "DUE_DAY_MISMATCH" => "The day differs from the due lesson's day.",
        "День не совпадает с днём урока сдачи.";
    /// A due day before the day given.
    DueBeforeGiven = "DUE_BEFORE_GIVEN" => "Homework cannot be due before it is given.",
        "Срок сдачи не может быть раньше дня, когда задание задано.";
    /// No next lesson to be due at.
    NoNextLesson = "NO_NEXT_LESSON"
        => "There is no next lesson of the subject yet: give the day.",
        "Следующего урока по предмету ещё нет: укажите день.";

    // Messages, the forum, news and events.
    /// A message without text.
    WriteSomething = "WRITE_SOMETHING" => "Write something.", "Напишите что-нибудь.";
    /// A message subject of the wrong length.
    SubjectLength { max } = "SUBJECT_LENGTH" => "A subject of 1 to {max} characters.",
        "Тема — от 1 до {max} символов.";
    /// Too few or too many recipients.
    RecipientCount { max } = "RECIPIENT_COUNT" => "Choose 1 to {max} recipients.",
        "Выберите от 1 до {max} получателей.";
    /// Recipients outside the address book, or of several schools.
    OutsideAddressBook = "OUTSIDE_ADDRESS_BOOK"
        => "You can write only to people in your address book, of one school at a time.",
        "Писать можно только людям из вашей адресной книги, и только одной школы за раз.";
    /// Recipients not from the address book.
    ChooseFromAddressBook = "CHOOSE_FROM_ADDRESS_BOOK" => "Choose from your address book.",
        "Выберите из адресной книги.";
    /// A thread without a school or class.
    ThreadScope = "THREAD_SCOPE" => "Choose the school or the class the thread is for.",
        "Выберите школу или класс для темы.";
    /// A question to the class teacher outside the class forum.
    QuestionInClassForum = "QUESTION_IN_CLASS_FORUM"
        => "A question to the class teacher belongs in the class's forum.",
        "Вопрос классному руководителю задают на форуме класса.";
    /// A closed thread.
    ThreadClosed = "THREAD_CLOSED" => "The thread is closed.", "Тема закрыта.";
    /// A class of another school.
    ClassOfAnotherSchool = "CLASS_OF_ANOTHER_SCHOOL" => "The class is not of this school.",
        "Класс не из этой школы.";
    /// An event that ends before it starts.
    EventEndsBeforeStart = "EVENT_ENDS_BEFORE_START" => "The event ends before it starts.",
        "Событие заканчивается раньше, чем начинается.";
    /// An event too far back or ahead.
    EventWindow = "EVENT_WINDOW" => "Plan events from today to a year ahead.",
        "Планируйте события от сегодняшнего дня до года вперёд.";
    /// An event without a school or class.
    EventScope = "EVENT_SCOPE" => "Choose the school or the class the event is for.",
        "Выберите школу или класс для события.";

    // Races.
    /// Another write created the same row at the same moment.
    ConcurrentChange = "CONCURRENT_CHANGE"
        => "Someone changed this at the same moment. Reload and try again.",
        "Эти данные только что изменил кто-то другой. Обновите страницу и попробуйте ещё раз.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_sentences_name_only_their_parameters() {
        let mut codes: Vec<&str> = Reason::catalogue().iter().map(|(c, _, _)| *c).collect();
        let count = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), count, "a code is used twice");
        for (code, en, ru) in Reason::catalogue() {
            assert!(!en.is_empty() && !ru.is_empty(), "{code}");
            assert!(
                code.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
                "{code}"
            );
            let reason = Reason::from_code(code, &Map::new())
                .unwrap_or_else(|| panic!("{code} does not round-trip"));
            assert_eq!(reason.code(), *code);
            for text in [reason.text(true), reason.text(false)] {
                assert!(
                    !text.contains('{'),
                    "{code}: a placeholder is left in {text}"
                );
            }
            // The Russian sentence names exactly the parameters the English one does.
            let placeholders = |t: &str| {
                let mut names: Vec<String> = t
                    .split('{')
                    .skip(1)
                    .filter_map(|rest| rest.split('}').next().map(str::to_owned))
                    .collect();
                names.sort();
                names
            };
            assert_eq!(placeholders(en), placeholders(ru), "{code}");
        }
    }

    #[test]
    fn parameters_fill_the_sentence_and_survive_a_round_trip() {
        let reason = Reason::TooLong { max: 500 };
        assert_eq!(reason.text(true), "At most 500 characters.");
        assert_eq!(reason.text(false), "Не более 500 символов.");
        let back = Reason::from_code(reason.code(), &reason.params());
        assert_eq!(back, Some(reason));
        assert_eq!(Reason::from_code("NO_SUCH_CODE", &Map::new()), None);
    }
}
