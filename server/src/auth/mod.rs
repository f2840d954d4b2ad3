//! Who is calling: local passwords, sessions (cookie or bearer), attempt limits, local
//! sign-in, identity providers (standard OpenID Connect and ESIA) and the accounts they lead
//! to. Access codes (`service::codes`) and attempt limits (`service::rate_limit`) are domain
//! services that sign-in uses; nothing in `service/` uses `auth/`.

pub mod esia;
pub mod identity;
pub mod login;
pub mod oidc;
pub mod password;
pub mod session;
pub mod token;
