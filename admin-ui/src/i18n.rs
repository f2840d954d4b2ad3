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
const SERVICE_MESSAGES: &[(&str, &str)] = &[
    ("Sign in to continue.", "Войдите, чтобы продолжить."),
    (
        "You are not allowed to do this.",
        "У вас нет прав на это действие.",
    ),
    ("Not found.", "Не найдено."),
    ("Internal error.", "Внутренняя ошибка."),
    (
        "Someone changed this at the same moment. Reload and try again.",
        "Эти данные только что изменил кто-то другой. Обновите страницу и попробуйте ещё раз.",
    ),
    (
        "Too many attempts. Try again later.",
        "Слишком много попыток. Попробуйте позже.",
    ),
    (
        "The diary cannot reach its database right now; nothing was saved. Try again in a minute.",
        "Дневник сейчас не может связаться со своей базой данных; ничего не сохранено. Попробуйте через минуту.",
    ),
    (
        "Text may not contain control characters (only tabs and line breaks).",
        "Текст не может содержать управляющие символы (допустимы только табуляция и перевод строки).",
    ),
    (
        "A reason with this code exists.",
        "Причина с таким кодом уже есть.",
    ),
    (
        "A school student is between 5 and 20 years old.",
        "Школьнику от 5 до 20 лет: проверьте дату рождения.",
    ),
    (
        "Choose at least one reason.",
        "Выберите хотя бы одну причину.",
    ),
    (
        "Choose reasons from the catalogue.",
        "Выберите причины из справочника.",
    ),
    (
        "Enter a name of 1 to 100 characters.",
        "Введите имя длиной от 1 до 100 символов.",
    ),
    (
        "Enter a title of 1 to 300 characters.",
        "Введите название длиной от 1 до 300 символов.",
    ),
    (
        "Enter only the last 2 to 4 digits of the document number.",
        "Введите только последние 2–4 цифры номера документа.",
    ),
    ("Enter the class, e.g. 5А.", "Укажите класс, например 5А."),
    (
        "Explain the refusal in the comment.",
        "Поясните отказ в комментарии.",
    ),
    (
        "Match the child to a student record before approving.",
        "Перед одобрением сопоставьте ребёнка с учеником школы.",
    ),
    (
        "Name the day (1 to 200 characters).",
        "Назовите день (от 1 до 200 символов).",
    ),
    (
        "No such student at this school.",
        "В этой школе нет такого ученика.",
    ),
    (
        "Only an issued or printed code can be handed over.",
        "Выдать можно только созданный или напечатанный код.",
    ),
    (
        "Students apply for student access themselves; parents and guardians for parent access.",
        "Доступ ученика запрашивает сам ученик, доступ родителя — родитель или законный представитель.",
    ),
    (
        "The application cannot be received in the future.",
        "Дата приёма заявления не может быть в будущем.",
    ),
    (
        "The application has already been decided.",
        "По заявлению уже принято решение.",
    ),
    (
        "The code is already used, expired or revoked.",
        "Код уже использован, истёк или отозван.",
    ),
    (
        "The code was used; issue a new one from the student's page.",
        "Код использован; выпустите новый на странице ученика.",
    ),
    ("The comment is too long.", "Комментарий слишком длинный."),
    (
        "The date is more than a year ago.",
        "Дата больше чем год назад.",
    ),
    (
        "The documents are incomplete: refuse the application or register the missing documents.",
        "Документы неполные: откажите в заявлении или отметьте недостающие документы.",
    ),
    (
        "This is not an e-mail address.",
        "Это не адрес электронной почты.",
    ),
    (
        "Use lowercase letters, digits and underscores.",
        "Используйте строчные латинские буквы, цифры и знак подчёркивания.",
    ),
];

impl Texts {
    /// A service's message in this language; anything unknown becomes "the action failed".
    pub fn service_message(&self, english: &str) -> &'static str {
        SERVICE_MESSAGES
            .iter()
            .find(|(en, _)| *en == english)
            .map_or_else(
                || self.get("action_failed"),
                |(en, ru)| if self.en { *en } else { *ru },
            )
    }

    /// Every service message the back-office knows, in English, for tests.
    pub fn service_messages() -> impl Iterator<Item = &'static str> {
        SERVICE_MESSAGES.iter().map(|(en, _)| *en)
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
    fn service_messages_are_translated_and_unknown_text_is_not_repeated() {
        let ru = Texts { en: false };
        let en = Texts { en: true };
        assert_eq!(
            ru.service_message("Choose at least one reason."),
            "Выберите хотя бы одну причину."
        );
        assert_eq!(
            en.service_message("Choose at least one reason."),
            "Choose at least one reason."
        );
        assert_eq!(
            ru.service_message("Call +7 900 000-00-00 to confirm your account."),
            ru.get("action_failed")
        );
        assert_eq!(en.service_message(""), en.get("action_failed"));
        let mut seen = std::collections::HashSet::new();
        for (english, russian) in SERVICE_MESSAGES {
            assert!(seen.insert(*english), "duplicate {english}");
            assert!(!russian.is_empty() && russian != english, "{english}");
        }
    }
}
