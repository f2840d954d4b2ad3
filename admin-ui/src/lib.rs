//! Server-rendered pages: askama templates with typed view models, and the stylesheet they
//! share, compiled into the binary. Nothing here touches the database or knows about HTTP:
//! handlers in the server build a view model and call [`askama::Template::render`].
//!
//! Every page works without JavaScript; forms POST and the server redirects (POST-redirect-GET).

pub use askama::Template;

pub mod admin;
pub mod i18n;

/// The shared stylesheet, served at `/static/site.css`.
pub const STYLESHEET: &str = include_str!("../static/site.css");

/// The back-office stylesheet (tables, tiles, print layout of envelopes), at `/static/admin.css`.
pub const ADMIN_STYLESHEET: &str = include_str!("../static/admin.css");

/// A link shown on a page: where it goes and its text.
#[derive(Clone, Debug)]
pub struct Link {
    /// Target URL (a path on this site or a provider's start URL).
    pub href: String,
    /// Text.
    pub text: String,
}

/// A child linked to the signed-in parent, as the home page lists them.
#[derive(Clone, Debug)]
pub struct ChildRow {
    /// The parent's label.
    pub label: String,
    /// The child's full name.
    pub name: String,
    /// The class.
    pub class_name: String,
    /// The school.
    pub school: String,
}

/// The landing page `/`: who is signed in and what they can do.
#[derive(Template, Debug)]
#[template(path = "home.html")]
pub struct HomePage {
    /// The display name, when signed in.
    pub signed_in_as: Option<String>,
    /// Whether the account is confirmed (may link a child).
    pub confirmed: bool,
    /// Linked children.
    pub children: Vec<ChildRow>,
    /// The student record, when the account is a student's.
    pub student: Option<ChildRow>,
    /// Roles in words ("учитель, 5А").
    pub roles: Vec<String>,
    /// Sign-in choices when signed out.
    pub providers: Vec<Link>,
    /// A notice after an action ("Ребёнок добавлен").
    pub notice: Option<String>,
    /// The CSRF token for the sign-out form.
    pub csrf: String,
    /// Whether GraphiQL is available.
    pub graphiql: bool,
}

/// The local sign-in page `/auth/login`.
#[derive(Template, Debug)]
#[template(path = "login.html")]
pub struct LoginPage {
    /// An error from the previous attempt.
    pub error: Option<String>,
    /// Where to go afterwards.
    pub return_to: String,
    /// The CSRF token.
    pub csrf: String,
    /// Identity providers.
    pub providers: Vec<Link>,
}

/// The page to link a child with an access code, `/auth/link`.
#[derive(Template, Debug)]
#[template(path = "link.html")]
pub struct LinkPage {
    /// The signed-in account's name.
    pub signed_in_as: String,
    /// Whether the account is confirmed.
    pub confirmed: bool,
    /// An error from the previous attempt.
    pub error: Option<String>,
    /// The CSRF token.
    pub csrf: String,
}

/// The step between typing a code and linking, `POST /auth/link`: whose code it is and what it
/// will do, with a button to go ahead.
#[derive(Template, Debug)]
#[template(path = "link_confirm.html")]
pub struct LinkConfirmPage {
    /// The signed-in account's name.
    pub signed_in_as: String,
    /// True for a parent's code, false for a student's own.
    pub guardian: bool,
    /// The student's first name.
    pub first_name: String,
    /// The student's class.
    pub class_name: String,
    /// The code as typed, sent again with the confirmation.
    pub code: String,
    /// The label as typed.
    pub label: String,
    /// The CSRF token.
    pub csrf: String,
}

/// A page with one message (a failed sign-in, a refused request).
#[derive(Template, Debug)]
#[template(path = "message.html")]
pub struct MessagePage {
    /// Heading.
    pub title: String,
    /// What happened, in words for the user.
    pub message: String,
    /// Where to go next.
    pub next: Link,
}

/// The development identity provider's login form.
#[derive(Template, Debug)]
#[template(path = "dev_login.html")]
pub struct DevLoginPage {
    /// An error from the previous attempt.
    pub error: Option<String>,
    /// The authorization request's parameters, carried through the form.
    pub hidden: Vec<(String, String)>,
    /// The demo users and their passwords, for convenience in development.
    pub users: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    #[test]
    fn every_phrase_a_template_asks_for_exists() {
        let keys: HashSet<&str> = crate::i18n::Texts::keys().collect();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/admin");
        let mut missing = Vec::new();
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            for part in text.split("get(\"").skip(1) {
                let key = part.split('"').next().unwrap_or_default();
                if !keys.contains(key) {
                    missing.push(format!("{}: {key}", entry.path().display()));
                }
            }
            for part in text.split("get('").skip(1) {
                let key = part.split('\'').next().unwrap_or_default();
                if !keys.contains(key) {
                    missing.push(format!("{}: {key}", entry.path().display()));
                }
            }
        }
        assert!(missing.is_empty(), "{missing:?}");
    }
}
