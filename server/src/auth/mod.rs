//! Who is calling: local passwords now; sessions, identity providers and access-code redemption
//! join here as they are built.

pub mod password;
