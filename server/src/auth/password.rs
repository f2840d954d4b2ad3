//! Local passwords, stored as argon2id PHC strings (the crate's defaults: 19 MiB, two passes,
//! one lane, which OWASP lists as a minimum configuration for argon2id).

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// Hashes a password with a fresh random salt.
pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash a password: {e}"))
}

/// Whether the password matches the stored hash. A malformed hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_and_nothing_else() -> anyhow::Result<()> {
        let stored = hash("demo-admin")?;
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("demo-admin", &stored));
        assert!(!verify("demo-admin ", &stored));
        assert!(!verify("demo-admin", "not a hash"));
        Ok(())
    }
}
