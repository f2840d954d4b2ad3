//! The back-office's words in Russian (the default) and English. Templates ask `t.get("key")`;
//! a key without a translation shows itself, which the tests catch.

/// The language of a page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Texts {
    /// English instead of Russian.
    pub en: bool,
}

/// Every phrase: key, Russian, English.
const PHRASES: &[(&str, &str, &str)] = &[
    ("backoffice", "Кабинет администратора", "Back-office"),
    ("dashboard", "Сводка", "Dashboard"),
    ("applications", "Заявления", "Applications"),
    ("application", "Заявление", "Application"),
    ("new_application", "Новое заявление", "New application"),
    ("students", "Ученики", "Students"),
    ("classes", "Классы", "Classes"),
    ("reasons", "Причины отказа", "Refusal reasons"),
    (
        "calendar",
        "Производственный календарь",
        "Business calendar",
    ),
    ("audit", "Журнал действий", "Audit log"),
    ("sign_out", "Выйти", "Sign out"),
    ("sign_in", "Войти", "Sign in"),
    ("login", "Логин", "Login"),
    ("password", "Пароль", "Password"),
    (
        "admin_sign_in",
        "Вход для администрации школы",
        "Sign-in for school administration",
    ),
    ("continue_as", "Продолжить как", "Continue as"),
    (
        "wrong_credentials",
        "Неверный логин или пароль.",
        "Wrong login or password.",
    ),
    (
        "not_admin",
        "У этой учётной записи нет прав администратора школы.",
        "This account does not administer a school.",
    ),
    (
        "too_many",
        "Слишком много попыток. Попробуйте позже.",
        "Too many attempts. Try again later.",
    ),
    ("school", "Школа", "School"),
    ("status", "Статус", "Status"),
    ("received", "Принято", "Received"),
    ("in_review", "На рассмотрении", "In review"),
    ("approved", "Одобрено", "Approved"),
    ("refused", "Отказано", "Refused"),
    ("withdrawn", "Отозвано", "Withdrawn"),
    ("overdue", "Просрочено", "Overdue"),
    ("due_today", "Срок сегодня", "Due today"),
    (
        "action_failed",
        "Действие не выполнено. Проверьте данные и попробуйте ещё раз.",
        "The action failed. Check the details and try again.",
    ),
    (
        "codes_awaiting",
        "Коды ждут выдачи",
        "Codes awaiting hand-over",
    ),
    ("kind", "Вид доступа", "Access kind"),
    (
        "guardian",
        "Родитель (законный представитель)",
        "Parent (legal representative)",
    ),
    ("student_access", "Ученик", "Student"),
    ("applicant", "Заявитель", "Applicant"),
    ("child", "Ребёнок", "Child"),
    ("class", "Класс", "Class"),
    ("received_on", "Дата приёма", "Received on"),
    ("due_on", "Срок", "Due on"),
    ("search", "Поиск", "Search"),
    ("filter", "Показать", "Filter"),
    ("all", "Все", "All"),
    ("nothing", "Ничего не найдено.", "Nothing found."),
    ("previous", "Назад", "Previous"),
    ("next", "Дальше", "Next"),
    ("last_name", "Фамилия", "Surname"),
    ("first_name", "Имя", "First name"),
    ("middle_name", "Отчество", "Patronymic"),
    ("phone", "Телефон", "Phone"),
    ("email", "Эл. почта", "E-mail"),
    ("relation", "Кем приходится", "Relation"),
    ("mother", "Мать", "Mother"),
    ("father", "Отец", "Father"),
    ("guardian_relation", "Опекун (попечитель)", "Guardian"),
    ("self", "Сам ученик", "The student"),
    (
        "identity_document",
        "Документ, удостоверяющий личность",
        "Identity document",
    ),
    ("passport_rf", "Паспорт РФ", "Russian passport"),
    (
        "foreign_passport",
        "Иностранный паспорт",
        "Foreign passport",
    ),
    (
        "birth_certificate_doc",
        "Свидетельство о рождении",
        "Birth certificate",
    ),
    ("other_document", "Иной документ", "Other document"),
    (
        "last_digits",
        "Последние цифры номера (2–4)",
        "Last digits of the number (2–4)",
    ),
    ("birth_date", "Дата рождения", "Birth date"),
    (
        "documents",
        "Представленные документы",
        "Documents presented",
    ),
    ("application_form", "Заявление", "Application form"),
    (
        "birth_certificate",
        "Свидетельство о рождении ребёнка",
        "The child's birth certificate",
    ),
    (
        "guardianship_document",
        "Документ, подтверждающий права законного представителя",
        "Guardianship document",
    ),
    (
        "identity_document_short",
        "Документ, удостоверяющий личность заявителя",
        "The applicant's identity document",
    ),
    ("register", "Зарегистрировать", "Register"),
    ("findings", "Обратите внимание", "Check before deciding"),
    ("wrong_guesses", "Неверных попыток", "Wrong guesses"),
    (
        "no_match",
        "В контингенте школы нет такого ученика — возможно, ребёнок учится в другой школе.",
        "No such student at this school: the child may study at another school.",
    ),
    (
        "enrolled_elsewhere",
        "Ученик с такими фамилией, именем и датой рождения учится в другой школе.",
        "A student with this surname, first name and birth date studies at another school.",
    ),
    (
        "birth_differs",
        "Дата рождения в заявлении не совпадает с данными ученика.",
        "The stated birth date differs from the student record.",
    ),
    (
        "class_differs",
        "Класс в заявлении не совпадает с классом ученика.",
        "The stated class differs from the student's class.",
    ),
    (
        "name_differs",
        "Имя в заявлении не совпадает с данными ученика.",
        "The stated name differs from the student record.",
    ),
    (
        "docs_missing",
        "Представлен неполный комплект документов.",
        "The set of documents is incomplete.",
    ),
    (
        "is_overdue",
        "Срок рассмотрения истёк.",
        "The due date has passed.",
    ),
    (
        "all_clear",
        "Противоречий не найдено.",
        "No contradictions found.",
    ),
    ("candidates", "Ученики школы", "Students of the school"),
    ("match", "Это он", "This one"),
    ("matched", "Сопоставлен", "Matched"),
    ("decision", "Решение", "Decision"),
    (
        "approve",
        "Одобрить и выдать код",
        "Approve and issue a code",
    ),
    ("refuse", "Отказать", "Refuse"),
    (
        "withdraw",
        "Заявитель отозвал заявление",
        "The applicant withdrew",
    ),
    ("comment", "Комментарий", "Comment"),
    (
        "comment_required",
        "обязателен комментарий",
        "needs a comment",
    ),
    ("codes", "Коды доступа", "Access codes"),
    ("issued", "Выдан", "Issued"),
    ("printed", "Напечатан", "Printed"),
    ("handed_over", "Передан заявителю", "Handed over"),
    ("redeemed", "Использован", "Redeemed"),
    ("expired", "Истёк", "Expired"),
    ("revoked", "Отозван", "Revoked"),
    ("expires", "Действует до", "Valid until"),
    ("hand_over", "Отметить передачу", "Mark handed over"),
    ("revoke", "Отозвать", "Revoke"),
    ("reissue", "Перевыпустить", "Reissue"),
    ("history", "История", "History"),
    ("when", "Когда", "When"),
    ("who", "Кто", "Who"),
    ("action", "Действие", "Action"),
    ("object", "Объект", "Object"),
    ("details", "Подробности", "Details"),
    (
        "envelope",
        "Конверт с кодом доступа",
        "Access-code envelope",
    ),
    (
        "envelope_note",
        "Код показывается один раз. Распечатайте конверт сейчас: после ухода со страницы код увидеть нельзя.",
        "The code is shown once. Print the envelope now: it cannot be shown again.",
    ),
    ("print", "Печать", "Print"),
    ("back", "Вернуться", "Back"),
    ("how_to", "Как подключиться", "How to connect"),
    (
        "how_to_guardian",
        "Войдите на сайт дневника через Госуслуги (подтверждённая учётная запись), откройте «Добавить ребёнка» и введите код.",
        "Sign in to the diary with a confirmed Gosuslugi account, open “Add a child” and enter the code.",
    ),
    (
        "how_to_student",
        "Войдите на сайт дневника, откройте «Добавить ребёнка» и введите код — учётная запись станет учётной записью ученика.",
        "Sign in to the diary, open “Add a child” and enter the code: the account becomes the student's.",
    ),
    (
        "tear_here",
        "Отрезать по линии — код только для получателя",
        "Tear here: the code is for the recipient only",
    ),
    ("code", "Код", "Code"),
    ("one_use", "Код одноразовый.", "The code works once."),
    ("guardianships", "Подключённые родители", "Linked parents"),
    ("label", "Подпись", "Label"),
    ("since", "С", "Since"),
    ("unlink", "Отключить", "Unlink"),
    ("none_linked", "Никто не подключён.", "Nobody is linked."),
    (
        "class_envelopes",
        "Конверты для учеников класса",
        "Student envelopes for the class",
    ),
    ("without_sign_in", "без входа", "without sign-in"),
    ("add", "Добавить", "Add"),
    ("save", "Сохранить", "Save"),
    ("activate", "Включить", "Activate"),
    ("deactivate", "Отключить", "Deactivate"),
    ("active", "Действует", "Active"),
    ("inactive", "Отключена", "Inactive"),
    ("title_ru", "Название (рус.)", "Title (Russian)"),
    ("title_en", "Название (англ.)", "Title (English)"),
    ("order", "Порядок", "Order"),
    ("code_id", "Идентификатор", "Identifier"),
    (
        "department_only",
        "Изменять может только администратор департамента.",
        "Only the department administrator may change this.",
    ),
    ("year", "Год", "Year"),
    ("holiday", "Праздник", "Holiday"),
    ("day_off", "Перенесённый выходной", "Day off"),
    ("working_day", "Рабочий выходной", "Working weekend"),
    ("date", "Дата", "Date"),
    ("name", "Название", "Name"),
    ("remove", "Удалить", "Remove"),
    ("export_csv", "Выгрузить CSV", "Export CSV"),
    ("from", "С", "From"),
    ("to", "По", "To"),
    ("done", "Готово.", "Done."),
    ("language", "English", "Русский"),
    (
        "form_expired",
        "Форма устарела. Обновите страницу.",
        "The form expired. Reload the page.",
    ),
    (
        "students_search_hint",
        "Фамилия ученика",
        "Student's surname",
    ),
    ("no_school", "Выберите школу.", "Choose a school."),
];

/// What the services answer to bad input or a conflict, in English (the API's language), with
/// the Russian the back-office shows. A message not listed here is never shown as it is: the
/// page says only that the action failed, so that text carried in a link cannot put words of
/// someone else's on an administrator's screen.
/// The refusals that carry no reason of their own, by the API's error code: code, Russian,
/// English. Refusals with a reason are translated by the server's reason catalogue.
const ERROR_CODES: &[(&str, &str, &str)] = &[
    (
        "UNAUTHENTICATED",
        "Войдите, чтобы продолжить.",
        "Sign in to continue.",
    ),
    (
        "FORBIDDEN",
        "У вас нет прав на это действие.",
        "You are not allowed to do this.",
    ),
    ("NOT_FOUND", "Не найдено.", "Not found."),
    (
        "RATE_LIMITED",
        "Слишком много попыток. Попробуйте позже.",
        "Too many attempts. Try again later.",
    ),
    (
        "UNAVAILABLE",
        "Дневник сейчас не может связаться со своей базой данных; ничего не сохранено. Попробуйте через минуту.",
        "The diary cannot reach its database right now; nothing was saved. Try again in a minute.",
    ),
];

impl Texts {
    /// The text of an error code without a reason; anything else says the action failed.
    pub fn error_code(&self, code: &str) -> &'static str {
        ERROR_CODES.iter().find(|(c, _, _)| *c == code).map_or_else(
            || self.get("action_failed"),
            |(_, ru, en)| if self.en { *en } else { *ru },
        )
    }

    /// The phrase for a key in this language.
    pub fn get(&self, key: &str) -> &'static str {
        PHRASES
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, ru, en)| if self.en { *en } else { *ru })
            .unwrap_or("???")
    }

    /// The `lang` attribute.
    pub fn lang(&self) -> &'static str {
        if self.en { "en" } else { "ru" }
    }

    /// Every key, for tests.
    pub fn keys() -> impl Iterator<Item = &'static str> {
        PHRASES.iter().map(|(k, _, _)| *k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_phrase_has_both_languages_and_keys_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for (key, ru, en) in PHRASES {
            assert!(seen.insert(*key), "duplicate key {key}");
            assert!(!ru.is_empty() && !en.is_empty(), "{key}");
        }
        assert_eq!(Texts { en: false }.get("no_such_key"), "???");
    }

    #[test]
    fn error_codes_are_translated_and_unknown_ones_are_not_repeated() {
        let ru = Texts { en: false };
        let en = Texts { en: true };
        assert_eq!(ru.error_code("NOT_FOUND"), "Не найдено.");
        assert_eq!(en.error_code("NOT_FOUND"), "Not found.");
        assert_eq!(
            ru.error_code("Call +7 900 000-00-00 to confirm your account."),
            ru.get("action_failed")
        );
        assert_eq!(en.error_code(""), en.get("action_failed"));
        for (code, russian, english) in ERROR_CODES {
            assert!(!russian.is_empty() && russian != english, "{code}");
        }
    }
}
