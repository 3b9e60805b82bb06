//! Secrets at rest: passwords and OTP codes as argon2id hashes, session tokens as SHA-256.

use std::sync::OnceLock;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

pub fn hash_secret(secret: &str) -> Result<String> {
    Argon2::default()
        .hash_password(secret.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::internal(format!("cannot hash: {e}")))
}

fn verify_secret(secret: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(secret.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Argon2 is slow and takes ~19 MiB per hash on purpose. Hashes run on the blocking pool, at
/// most one per core at a time, so a flood of logins queues instead of exhausting memory.
fn argon_permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        tokio::sync::Semaphore::new(cores)
    })
}

async fn with_argon<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let _permit = argon_permits()
        .acquire()
        .await
        .map_err(|_| Error::internal("hash limiter closed"))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::internal(format!("hash task: {e}")))
}

pub async fn hash_blocking(secret: String) -> Result<String> {
    with_argon(move || hash_secret(&secret)).await?
}

pub async fn verify_blocking(secret: String, hash: String) -> Result<bool> {
    with_argon(move || verify_secret(&secret, &hash)).await
}

/// Computes the timing-equaliser hash up front, so no request pays for it on an async worker.
pub async fn warm_up() -> Result<()> {
    with_argon(|| {
        dummy_hash();
    })
    .await
}

/// A hash to verify against when the email is unknown, so that both cases take the same time.
pub fn dummy_hash() -> String {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY
        .get_or_init(|| hash_secret("rsrc-timing-equaliser").unwrap_or_default())
        .clone()
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("rsrc_{}", hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_hash_and_verify() {
        let h = hash_secret("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_secret("correct horse", &h));
        assert!(!verify_secret("wrong horse", &h));
        assert!(!verify_secret("x", "not a hash"));
    }

    #[test]
    fn tokens_are_long_and_hashed() {
        let t = new_token();
        assert!(t.len() >= 5 + 32, "at least 128 bits of hex");
        assert_ne!(t, new_token());
        assert_eq!(token_hash(&t).len(), 64);
        assert!(!token_hash(&t).contains(&t[5..]));
    }

    #[test]
    fn token_hashes_are_sha256_hex() {
        // The stored hashes of existing sessions must survive the sha2 upgrade.
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
