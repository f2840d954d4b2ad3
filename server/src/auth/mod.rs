//! Who is calling: local passwords, sessions (cookie or bearer), attempt limits and local
//! sign-in; identity providers and access-code redemption join here.

pub mod login;
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
