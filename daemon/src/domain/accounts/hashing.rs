//! Secrets at rest: passwords and OTP codes as argon2id hashes, session tokens as SHA-256.

use std::sync::{mpsc, Arc, Mutex, OnceLock};

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use rand::RngCore;
use sha2::{Digest, Sha256};
use tokio::sync::oneshot;

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

/// Argon2 is slow and takes ~19 MiB per hash on purpose. Hashes run on a pool of their own: a
/// few threads (one per core but one, at most [`MAX_HASHERS`]) fed by one queue, so a flood of logins
/// queues instead of running many hashes at once, and the threads (and the malloc arenas that
/// keep their memory) stay the same few instead of coming and going with tokio's blocking pool.
const MAX_HASHERS: usize = 4;

type HashJob = Box<dyn FnOnce() + Send>;

struct HashPool {
    jobs: mpsc::Sender<HashJob>,
}

impl HashPool {
    fn start() -> std::result::Result<HashPool, String> {
        let threads = hashers();
        let (jobs, queue) = mpsc::channel::<HashJob>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || {
                    lower_priority();
                    hash_jobs(&queue)
                })
                .map_err(|e| format!("cannot start a hashing thread: {e}"))?;
        }
        Ok(HashPool { jobs })
    }
}

/// How much nicer than the daemon's other threads the hashers run. A burst of logins (a
/// password guesser's, or a whole team's at nine) is CPU-bound for seconds; at the same
/// priority it takes a core from every other process on the host, `rsrc version` included.
/// A nice of 10 gives it about a tenth of the weight of ordinary work, and all of an idle core.
const HASHER_NICENESS: i32 = 10;

fn lower_priority() {
    // On Linux the nice value is per thread: PRIO_PROCESS with a thread id sets that thread's.
    let tid = rustix::thread::gettid();
    if let Err(e) = rustix::process::setpriority_process(Some(tid), HASHER_NICENESS) {
        tracing::debug!("hashing thread keeps its priority: {e}");
    }
}

fn hash_jobs(queue: &Mutex<mpsc::Receiver<HashJob>>) {
    loop {
        // Take one job, then let go of the queue so the next thread can wait on it.
        let job = match queue.lock() {
            Ok(q) => q.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        // A panicking job loses its answer (the caller sees an error), not the thread.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
    }
}

fn hash_pool() -> Result<&'static HashPool> {
    static POOL: OnceLock<std::result::Result<HashPool, String>> = OnceLock::new();
    POOL.get_or_init(HashPool::start)
        .as_ref()
        .map_err(|e| Error::internal(e.clone()))
}

async fn with_argon<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let (tx, rx) = oneshot::channel();
    hash_pool()?
        .jobs
        .send(Box::new(move || {
            let _ = tx.send(work());
        }))
        .map_err(|_| Error::internal("the hashing pool has stopped"))?;
    rx.await
        .map_err(|_| Error::internal("a hash task panicked"))
}

/// How many hashing threads run. One core is left to serve everything else: on a 2-core host
/// two hashers at once delayed `rsrc version` by 280 ms during a flood of failed logins.
fn hashers() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get().saturating_sub(1))
        .clamp(1, MAX_HASHERS)
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

    #[tokio::test]
    async fn hashes_run_on_the_pool_at_most_a_few_at_a_time() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static RUNNING: AtomicUsize = AtomicUsize::new(0);
        static PEAK: AtomicUsize = AtomicUsize::new(0);
        let jobs: Vec<_> = (0..12)
            .map(|_| {
                tokio::spawn(with_argon(|| {
                    let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
                    PEAK.fetch_max(now, Ordering::SeqCst);
                    let name = std::thread::current().name().map(str::to_string);
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    RUNNING.fetch_sub(1, Ordering::SeqCst);
                    name
                }))
            })
            .collect();
        for job in jobs {
            let name = job.await.unwrap().unwrap();
            assert!(name.is_some_and(|n| n.starts_with("argon2-")));
        }
        assert!(PEAK.load(Ordering::SeqCst) <= hashers());
        assert!(hashers() <= MAX_HASHERS);
        // A panicking job is an error for its caller, and the pool keeps working.
        assert!(with_argon(|| panic!("boom")).await.is_err());
        assert!(verify_blocking("x".into(), dummy_hash()).await.is_ok());
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
