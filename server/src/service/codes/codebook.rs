//! Sealed one-time access codes (the envelope): generated from the OS CSPRNG as a public
//! selector and a secret verifier in Crockford Base32, stored as the selector and an
//! HMAC-SHA-256 of the verifier under the server secret; bound to one student and one kind,
//! single use under concurrency, expiring, with attempt limits. Unknown, wrong, expired and
//! used codes all get the same answer.

use std::time::Duration;

use chrono::{DateTime, Utc};
use dnevnik_entities::enums::{AccessCodeStatus, AccessKind};
use dnevnik_entities::{access_code, class_unit, guardianship, student};
use hmac::{Hmac, Mac};
use rand::TryRngCore as _;
use rand::rngs::OsRng;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QuerySelect,
};
use sha2::Sha256;
use subtle::ConstantTimeEq as _;

use crate::db::begin_write;
use crate::error::{AppError, AppResult, Reason};
use crate::service::audit::{self, AuditEntry};
use crate::service::rate_limit::Limit;
use crate::service::writer::Writer;

/// Crockford's Base32 alphabet: no I, L, O or U to misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Public part: 6 characters, 30 bits, to find the row.
const SELECTOR_LEN: usize = 6;
/// Secret part: 14 characters, 70 bits.
const VERIFIER_LEN: usize = 14;

// 14 characters of 5 bits: 70 bits of secret, above the 60 SECURITY.md requires.
const _: () = assert!(VERIFIER_LEN * 5 >= 60);

/// How long a code is valid by default.
pub const DEFAULT_TTL: chrono::Duration = chrono::Duration::days(30);

/// Wrong verifiers after which a code is burned.
pub const BURN_AFTER: i32 = 5;

/// Failed redemptions allowed per account.
pub const PER_ACCOUNT: Limit = Limit {
    max: 10,
    window: Duration::from_secs(24 * 60 * 60),
};

/// Failed redemptions allowed per client address.
pub const PER_ADDRESS: Limit = Limit {
    max: 30,
    window: Duration::from_secs(60 * 60),
};

/// The answer to every invalid code, whatever made it invalid.
fn invalid_code() -> AppError {
    AppError::bad_input("code", Reason::InvalidCode)
}

fn random_chars(n: usize) -> anyhow::Result<String> {
    let mut bytes = vec![0u8; n];
    OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    // 256 is a multiple of 32, so taking the low five bits keeps the distribution uniform.
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[usize::from(b & 31)] as char)
        .collect())
}

/// Groups a code for reading aloud: `K7QM-2X9D-HT4R-WB6N-Z3P8`.
pub fn format_code(selector: &str, verifier: &str) -> String {
    let all: Vec<char> = format!("{selector}{verifier}").chars().collect();
    all.chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Reads a code as typed: any case, with or without dashes and spaces, with the letters people
/// confuse with digits (I, L → 1; O → 0) forgiven.
pub fn parse_code(input: &str) -> Option<(String, String)> {
    let normalised: String = input
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\u{00a0}'))
        .map(|c| match c.to_ascii_uppercase() {
            'I' | 'L' => '1',
            'O' => '0',
            other => other,
        })
        .collect();
    if normalised.len() != SELECTOR_LEN + VERIFIER_LEN
        || !normalised.bytes().all(|b| ALPHABET.contains(&b))
    {
        return None;
    }
    let (selector, verifier) = normalised.split_at(SELECTOR_LEN);
    Some((selector.to_owned(), verifier.to_owned()))
}

/// HMAC-SHA-256 of a verifier under the server secret, hex.
pub fn verifier_hash(secret: &str, verifier: &str) -> AppResult<String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(AppError::internal)?;
    mac.update(verifier.as_bytes());
    Ok(mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Compares two hashes in constant time.
fn same(a: &str, b: &str) -> bool {
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// A newly issued code: the plaintext exists only here, for the envelope.
#[derive(Debug)]
pub struct IssuedCode {
    /// The code as printed.
    pub plaintext: String,
    /// The stored row (hash only).
    pub model: access_code::Model,
}

/// What a code is issued for.
#[derive(Clone, Copy, Debug)]
pub struct CodeRequest {
    /// The student's school.
    pub school_id: i64,
    /// The student.
    pub student_id: i64,
    /// Guardian or student access.
    pub kind: AccessKind,
    /// The application the code answers, if any.
    pub application_id: Option<i64>,
    /// Who issues it.
    pub issued_by: Option<i64>,
    /// How long it stays valid.
    pub ttl: chrono::Duration,
    /// When it is issued (by the server's clock).
    pub issued_at: DateTime<Utc>,
}

/// Issues a code for a student. Call inside the transaction of the decision that issues it.
pub async fn issue(
    db: &impl ConnectionTrait,
    secret: &str,
    request: CodeRequest,
) -> AppResult<IssuedCode> {
    let CodeRequest {
        school_id,
        student_id,
        kind,
        application_id,
        issued_by,
        ttl,
        issued_at: now,
    } = request;
    for _ in 0..5 {
        let selector = random_chars(SELECTOR_LEN).map_err(AppError::internal)?;
        let taken = access_code::Entity::find()
            .filter(access_code::Column::Selector.eq(selector.as_str()))
            .one(db)
            .await?
            .is_some();
        if taken {
            continue;
        }
        let verifier = random_chars(VERIFIER_LEN).map_err(AppError::internal)?;
        let model = access_code::ActiveModel {
            school_id: Set(school_id),
            student_id: Set(student_id),
            access_application_id: Set(application_id),
            kind: Set(kind),
            selector: Set(selector.clone()),
            verifier_hash: Set(verifier_hash(secret, &verifier)?),
            status: Set(AccessCodeStatus::Issued),
            failed_attempts: Set(0),
            expires_at: Set(now + ttl),
            issued_at: Set(now),
            issued_by_account_id: Set(issued_by),
            ..Default::default()
        }
        .insert(db)
        .await?;
        audit::record(
            db,
            AuditEntry::new("access_code.issued", issued_by)
                .school(Some(school_id))
                .object("access_code", model.id)
                .details(serde_json::json!({ "student_id": student_id, "kind": kind.as_str() })),
        )
        .await?;
        return Ok(IssuedCode {
            plaintext: format_code(&selector, &verifier),
            model,
        });
    }
    Err(AppError::internal(anyhow::anyhow!("no free selector")))
}

/// What a redemption linked, or on [`Step::Check`] would link.
#[derive(Clone, Debug)]
pub struct Redeemed {
    /// The student.
    pub student_id: i64,
    /// Guardian or student access.
    pub kind: AccessKind,
    /// The student's first name, for the confirmation screen.
    pub first_name: String,
    /// The student's class, for the confirmation screen.
    pub class_name: String,
    /// Whether the code was used and the link made ([`Step::Link`]). Only [`redeem`] makes a
    /// `Redeemed`, so [`crate::policy::Access::granted_by`] can trust this.
    linked: bool,
}

impl Redeemed {
    /// Whether the link was made (not only checked).
    pub fn linked(&self) -> bool {
        self.linked
    }
}

/// How far [`redeem`] goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Every check of a redemption, then stop: the code stays unused and nothing is linked, so
    /// a page can say whose code it is and what it will do before the person confirms. A wrong
    /// code counts against the limits exactly as a wrong redemption does.
    Check,
    /// Check and link.
    Link,
}

/// Redeems a code for the signed-in viewer: a guardian code links them as the child's
/// guardian under `label` (confirmed identities only); a student code makes their account the
/// student's own. With [`Step::Check`] it only says what the code would do.
pub async fn redeem(
    writer: &Writer<'_>,
    secret: &str,
    code: &str,
    label: Option<&str>,
    step: Step,
) -> AppResult<Redeemed> {
    let (db, viewer, now) = (writer.db, writer.viewer, writer.now());
    let account_bucket = format!("code-account:{}", viewer.account_id());
    let address_bucket = format!("code-ip:{}", writer.ip.as_deref().unwrap_or("unknown"));
    // Counted before the code is even looked at; only a redemption gives the count back.
    let account_allowed = PER_ACCOUNT.take(db, &account_bucket, now).await?;
    let address_allowed = PER_ADDRESS.take(db, &address_bucket, now).await?;
    if !(account_allowed && address_allowed) {
        let txn = begin_write(db).await?;
        audit::record(
            &txn,
            AuditEntry::new("access_code.rate_limited", Some(viewer.account_id()))
                .ip(writer.ip.clone()),
        )
        .await?;
        txn.commit().await?;
        return Err(AppError::RateLimited);
    }

    let txn = begin_write(db).await?;
    let parsed = parse_code(code);
    let row = match &parsed {
        Some((selector, _)) => {
            access_code::Entity::find()
                .filter(access_code::Column::Selector.eq(selector.as_str()))
                .one(&txn)
                .await?
        }
        None => None,
    };
    let verified = match (&parsed, &row) {
        (Some((_, verifier)), Some(row)) => {
            same(&verifier_hash(secret, verifier)?, &row.verifier_hash)
        }
        _ => {
            // Same work as a wrong verifier, so that timing does not tell the two apart.
            verifier_hash(secret, "00000000000000")?;
            false
        }
    };
    let usable = |row: &access_code::Model| {
        matches!(
            row.status,
            AccessCodeStatus::Issued | AccessCodeStatus::Printed | AccessCodeStatus::HandedOver
        ) && row.expires_at > now
    };
    // An unconfirmed account may only take a student's own code. It hears the same for every
    // other code, right or wrong, so that it learns nothing about the code it typed.
    let acceptable = |r: &access_code::Model| {
        verified && usable(r) && (viewer.is_confirmed() || r.kind == AccessKind::Student)
    };
    let Some(row) = row.filter(acceptable) else {
        // A wrong verifier counts against the code itself; the fifth burns it.
        let attempted = row_for_attempts(&txn, &parsed).await?;
        if let (Some(row), false) = (&attempted, verified) {
            // The row is locked (PostgreSQL) until this transaction ends, so parallel wrong
            // guesses count one after another and the fifth really burns the code.
            let attempts = row.failed_attempts + 1;
            let mut update = access_code::Entity::update_many()
                .col_expr(access_code::Column::FailedAttempts, Expr::value(attempts))
                .filter(access_code::Column::Id.eq(row.id));
            if attempts >= BURN_AFTER && usable(row) {
                update = update
                    .col_expr(
                        access_code::Column::Status,
                        Expr::value(AccessCodeStatus::Revoked.as_str()),
                    )
                    .col_expr(access_code::Column::RevokedAt, Expr::value(now));
            }
            update.exec(&txn).await?;
        }
        // Against the code whose selector was typed, so that its history shows the guesses.
        let mut entry = AuditEntry::new("access_code.redeem_failed", Some(viewer.account_id()))
            .ip(writer.ip.clone());
        if let Some(row) = &attempted {
            entry = entry
                .school(Some(row.school_id))
                .object("access_code", row.id);
        }
        audit::record(&txn, entry).await?;
        txn.commit().await?;
        return Err(if viewer.is_confirmed() {
            invalid_code()
        } else {
            AppError::bad_input("code", Reason::NeedsConfirmedAccount)
        });
    };

    let student = student::Entity::find_by_id(row.student_id)
        .one(&txn)
        .await?
        .ok_or_else(invalid_code)?;
    match row.kind {
        AccessKind::Guardian => {
            if viewer.is_guardian_of(student.id) {
                return Err(AppError::conflict(Reason::AlreadyLinked));
            }
        }
        AccessKind::Student => {
            // A parent who types the child's own code would otherwise become the child.
            if viewer.holds_another_role_than_student() {
                return Err(AppError::bad_input("code", Reason::StudentCodeForStudent));
            }
            if viewer.is_a_student() || student.account_id.is_some() {
                return Err(AppError::conflict(Reason::StudentSignInExists));
            }
        }
    }
    let class_name = class_unit::Entity::find_by_id(student.class_unit_id)
        .one(&txn)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    let redeemed = Redeemed {
        student_id: student.id,
        kind: row.kind,
        first_name: student.first_name.clone(),
        class_name,
        linked: false,
    };
    if step == Step::Check {
        // A right code typed for a look is not a failed attempt.
        PER_ACCOUNT.give_back(&txn, &account_bucket, now).await?;
        PER_ADDRESS.give_back(&txn, &address_bucket, now).await?;
        txn.commit().await?;
        return Ok(redeemed);
    }
    // The single use: only one of any number of concurrent redemptions changes the row.
    let consumed = access_code::Entity::update_many()
        .col_expr(
            access_code::Column::Status,
            Expr::value(AccessCodeStatus::Redeemed.as_str()),
        )
        .col_expr(access_code::Column::RedeemedAt, Expr::value(now))
        .col_expr(
            access_code::Column::RedeemedByAccountId,
            Expr::value(viewer.account_id()),
        )
        .filter(access_code::Column::Id.eq(row.id))
        .filter(access_code::Column::Status.is_in([
            AccessCodeStatus::Issued,
            AccessCodeStatus::Printed,
            AccessCodeStatus::HandedOver,
        ]))
        .exec(&txn)
        .await?;
    if consumed.rows_affected != 1 {
        txn.rollback().await?;
        return Err(invalid_code());
    }
    match row.kind {
        AccessKind::Guardian => {
            let label = label
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| l.chars().take(64).collect())
                .unwrap_or_else(|| student.first_name.clone());
            let link = guardianship::ActiveModel {
                school_id: Set(student.school_id),
                account_id: Set(viewer.account_id()),
                student_id: Set(student.id),
                label: Set(label),
                access_code_id: Set(Some(row.id)),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            audit::record(
                &txn,
                AuditEntry::new("guardianship.created", Some(viewer.account_id()))
                    .school(Some(student.school_id))
                    .object("guardianship", link.id)
                    .ip(writer.ip.clone())
                    .details(
                        serde_json::json!({ "student_id": student.id, "access_code_id": row.id }),
                    ),
            )
            .await?;
        }
        AccessKind::Student => {
            let mut active: student::ActiveModel = student.clone().into();
            active.account_id = Set(Some(viewer.account_id()));
            active.update(&txn).await?;
        }
    }
    audit::record(
        &txn,
        AuditEntry::new("access_code.redeemed", Some(viewer.account_id()))
            .school(Some(student.school_id))
            .object("access_code", row.id)
            .ip(writer.ip.clone())
            .details(serde_json::json!({ "student_id": student.id, "kind": row.kind.as_str() })),
    )
    .await?;
    PER_ACCOUNT.give_back(&txn, &account_bucket, now).await?;
    PER_ADDRESS.give_back(&txn, &address_bucket, now).await?;
    txn.commit().await?;
    Ok(Redeemed {
        linked: true,
        ..redeemed
    })
}

/// The row a failed attempt counts against: the one whose selector was given.
async fn row_for_attempts(
    db: &impl ConnectionTrait,
    parsed: &Option<(String, String)>,
) -> AppResult<Option<access_code::Model>> {
    match parsed {
        Some((selector, _)) => Ok(access_code::Entity::find()
            .filter(access_code::Column::Selector.eq(selector.as_str()))
            .lock_exclusive()
            .one(db)
            .await?),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_grouped_and_read_back_forgivingly() {
        let code = format_code("K7QM2X", "9DHT4RWB6NZ3P8");
        assert_eq!(code, "K7QM-2X9D-HT4R-WB6N-Z3P8");
        assert_eq!(
            parse_code("k7qm 2x9d-ht4r-wb6n-z3p8"),
            Some(("K7QM2X".to_owned(), "9DHT4RWB6NZ3P8".to_owned()))
        );
        // O and I typed for 0 and 1.
        assert_eq!(
            parse_code("1111-OOOO-1111-0000-IIII").map(|(s, _)| s),
            Some("111100".to_owned())
        );
        assert_eq!(parse_code("K7QM-2X9D"), None);
        assert_eq!(parse_code("K7QM-2X9D-HT4R-WB6N-Z3P!"), None);
    }

    #[test]
    fn random_codes_use_the_alphabet_and_carry_enough_secret() -> anyhow::Result<()> {
        let verifier = random_chars(VERIFIER_LEN)?;
        assert!(verifier.bytes().all(|b| ALPHABET.contains(&b)));
        assert_ne!(random_chars(VERIFIER_LEN)?, verifier);
        Ok(())
    }
}
