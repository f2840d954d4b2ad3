//! Who is calling: local passwords, sessions (cookie or bearer), attempt limits, local
//! sign-in, identity providers (standard OpenID Connect and ESIA) and the accounts they lead
//! to, and access codes that link a child.

pub mod access_code;
pub mod esia;
pub mod identity;
pub mod login;
pub mod oidc;
pub mod password;
pub mod rate_limit;
pub mod session;
pub mod token;

/// What the server knows of the client making a request, for limits and the audit log.
#[derive(Clone, Debug, Default)]
pub struct ClientInfo {
    /// The client's address.
    pub ip: Option<String>,
    /// The `User-Agent` header, shortened.
    pub user_agent: Option<String>,
}
