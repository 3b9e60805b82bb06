//! Secrets at rest: passwords and OTP codes as argon2id hashes, session tokens as SHA-256.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex, OnceLock};

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
/// few threads (one per core but one, at most [`MAX_HASHERS`]), so a flood of logins queues
/// instead of running many hashes at once, and the threads (and the malloc arenas that keep
/// their memory) stay the same few instead of coming and going with tokio's blocking pool.
///
/// The queue is fair between callers (uids), not first come first served: start-time fair
/// queueing. Each job gets a tag when it is queued, the later of the pool's virtual time (the
/// tag of the job started last) and the end of its caller's previous job; a free thread takes
/// the job with the lowest tag. A flood from a few uids (random emails to `POST /v1/login/code`
/// hash before any lookup) then delays another uid's login by one job per flooding uid, not by
/// the whole backlog; and a caller who hashed a lot a while ago starts level with everyone else
/// instead of paying for it later.
const MAX_HASHERS: usize = 4;

/// Jobs one caller may have waiting; more are refused rather than queued without bound.
const MAX_WAITING_PER_CALLER: usize = 64;

type HashJob = Box<dyn FnOnce() + Send>;

/// The key a hash job is queued under: the caller's uid (see [`super::uid_key`]).
pub type Who = i64;

#[derive(Default)]
struct Sched {
    /// Each caller's waiting jobs, oldest first, with their start tags.
    waiting: HashMap<Who, VecDeque<(u64, HashJob)>>,
    /// Where each caller's last queued job ends (its start tag + 1); callers whose last job
    /// ended before the virtual time are forgotten, as they would start at it anyway.
    finish: HashMap<Who, u64>,
    /// The start tag of the job started last.
    virtual_time: u64,
}

impl Sched {
    fn push(&mut self, who: Who, job: HashJob) -> std::result::Result<(), HashJob> {
        let queue = self.waiting.entry(who).or_default();
        if queue.len() >= MAX_WAITING_PER_CALLER {
            return Err(job);
        }
        let tag = self
            .finish
            .get(&who)
            .map_or(self.virtual_time, |&end| end.max(self.virtual_time));
        queue.push_back((tag, job));
        self.finish.insert(who, tag + 1);
        Ok(())
    }

    /// The next job: the lowest start tag among the callers' oldest jobs (ties: lowest uid).
    fn next(&mut self) -> Option<HashJob> {
        let (who, tag) = self
            .waiting
            .iter()
            .filter_map(|(who, queue)| queue.front().map(|(tag, _)| (*who, *tag)))
            .min_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)))?;
        let queue = self.waiting.get_mut(&who)?;
        let (_, job) = queue.pop_front()?;
        if queue.is_empty() {
            self.waiting.remove(&who);
        }
        self.virtual_time = self.virtual_time.max(tag);
        let (now, waiting) = (self.virtual_time, &self.waiting);
        self.finish
            .retain(|who, end| *end > now || waiting.contains_key(who));
        Some(job)
    }
}

struct HashPool {
    sched: Mutex<Sched>,
    ready: Condvar,
}

impl HashPool {
    fn start(threads: usize) -> std::result::Result<Arc<HashPool>, String> {
        let pool = Arc::new(HashPool {
            sched: Mutex::new(Sched::default()),
            ready: Condvar::new(),
        });
        for n in 0..threads {
            let pool = Arc::clone(&pool);
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || {
                    lower_priority();
                    pool.hash_jobs()
                })
                .map_err(|e| format!("cannot start a hashing thread: {e}"))?;
        }
        Ok(pool)
    }

    fn submit(&self, who: Who, job: HashJob) -> Result<()> {
        let mut sched = self
            .sched
            .lock()
            .map_err(|_| Error::internal("the hashing pool has stopped"))?;
        if sched.push(who, job).is_err() {
            return Err(Error::RateLimited(
                "too many logins and codes at once from your user; try again in a few seconds"
                    .into(),
            ));
        }
        drop(sched);
        self.ready.notify_one();
        Ok(())
    }

    fn hash_jobs(&self) {
        loop {
            // Take one job, then let go of the queue so the next thread can choose.
            let job = {
                let Ok(mut sched) = self.sched.lock() else {
                    return;
                };
                loop {
                    if let Some(job) = sched.next() {
                        break job;
                    }
                    sched = match self.ready.wait(sched) {
                        Ok(sched) => sched,
                        Err(_) => return,
                    };
                }
            };
            // A panicking job loses its answer (the caller sees an error), not the thread.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
        }
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

fn hash_pool() -> Result<&'static HashPool> {
    static POOL: OnceLock<std::result::Result<Arc<HashPool>, String>> = OnceLock::new();
    POOL.get_or_init(|| HashPool::start(hashers()))
        .as_ref()
        .map(|pool| pool.as_ref())
        .map_err(|e| Error::internal(e.clone()))
}

/// Queues `work` as `who`'s; its answer comes on the receiver.
fn queue<T: Send + 'static>(
    pool: &HashPool,
    who: Who,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<oneshot::Receiver<T>> {
    let (tx, rx) = oneshot::channel();
    pool.submit(
        who,
        Box::new(move || {
            let _ = tx.send(work());
        }),
    )?;
    Ok(rx)
}

async fn with_argon<T: Send + 'static>(
    who: Who,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    queue(hash_pool()?, who, work)?
        .await
        .map_err(|_| Error::internal("a hash task panicked"))
}

/// How many hashing threads run. One core is left to serve everything else: on a 2-core host
/// two hashers at once delayed `rsrc version` by 280 ms during a flood of failed logins.
fn hashers() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get().saturating_sub(1))
        .clamp(1, MAX_HASHERS)
}

/// Hashes `secret` on the pool, queued as `who`'s.
pub async fn hash_blocking(who: Who, secret: String) -> Result<String> {
    with_argon(who, move || hash_secret(&secret)).await?
}

/// Checks `secret` against `hash` on the pool, queued as `who`'s.
pub async fn verify_blocking(who: Who, secret: String, hash: String) -> Result<bool> {
    with_argon(who, move || verify_secret(&secret, &hash)).await
}

/// Computes the timing-equaliser hash up front, so no request pays for it on an async worker.
pub async fn warm_up() -> Result<()> {
    with_argon(-1, || {
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
                tokio::spawn(with_argon(7, || {
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
        assert!(with_argon(7, || panic!("boom")).await.is_err());
        assert!(verify_blocking(7, "x".into(), dummy_hash()).await.is_ok());
    }

    /// Issue 19 item 4: one uid's flood of hashes no longer queues ahead of another's login.
    #[test]
    fn a_flood_from_one_caller_does_not_queue_ahead_of_another() {
        let pool = HashPool::start(1).unwrap();
        let order = Arc::new(Mutex::new(Vec::new()));
        // Hold the one thread until everything is queued, so the order is the pool's choice.
        let (open, gate) = std::sync::mpsc::channel::<()>();
        let held = queue(&pool, 1, move || {
            let _ = gate.recv();
        })
        .unwrap();
        let answers: Vec<_> = std::iter::repeat_n(1, 20)
            .chain([2])
            .enumerate()
            .map(|(n, who)| {
                let order = Arc::clone(&order);
                queue(&pool, who, move || order.lock().unwrap().push((who, n))).unwrap()
            })
            .collect();
        open.send(()).unwrap();
        held.blocking_recv().unwrap();
        for answer in answers {
            answer.blocking_recv().unwrap();
        }
        let order = order.lock().unwrap().clone();
        assert_eq!(order.len(), 21);
        let second = order.iter().position(|&(who, _)| who == 2).unwrap();
        assert!(
            second == 0,
            "uid 2's one job ran after {second} of uid 1's: {order:?}"
        );
        // Uid 1's own jobs keep their order.
        let ones: Vec<usize> = order.iter().filter(|j| j.0 == 1).map(|j| j.1).collect();
        assert!(ones.windows(2).all(|w| w[0] < w[1]), "{ones:?}");
    }

    /// bench/abuse.sh: a user who hashed a lot a minute ago (setting up accounts, say) waited
    /// 6-12 s behind eight fresh flooding uids, because the queue remembered their past use.
    #[test]
    fn past_use_does_not_put_a_caller_behind_newcomers() {
        let mut sched = Sched::default();
        for _ in 0..20 {
            sched.push(1, Box::new(|| {})).map_err(|_| "full").unwrap();
            sched.next().unwrap()();
        }
        // Eight uids flood: each has one job waiting at all times.
        for who in 10..18 {
            sched
                .push(who, Box::new(|| {}))
                .map_err(|_| "full")
                .unwrap();
        }
        let ran = Arc::new(Mutex::new(false));
        let flag = Arc::clone(&ran);
        sched
            .push(1, Box::new(move || *flag.lock().unwrap() = true))
            .map_err(|_| "full")
            .unwrap();
        let mut before = 0;
        while !*ran.lock().unwrap() {
            let job = sched.next().unwrap();
            job();
            if *ran.lock().unwrap() {
                break;
            }
            before += 1;
            // The flooder whose job ran queues its next at once.
            let who = 10 + (before - 1) % 8;
            sched
                .push(who, Box::new(|| {}))
                .map_err(|_| "full")
                .unwrap();
            assert!(
                before <= 8,
                "uid 1 waited behind {before} jobs of the flooders"
            );
        }
    }

    #[test]
    fn one_caller_has_a_bounded_number_of_jobs_waiting() {
        let pool = HashPool::start(1).unwrap();
        let (open, gate) = std::sync::mpsc::channel::<()>();
        pool.submit(
            1,
            Box::new(move || {
                let _ = gate.recv();
            }),
        )
        .unwrap();
        // Let the thread take the gate job, so every later one waits.
        while pool.sched.lock().unwrap().waiting.contains_key(&1) {
            std::thread::yield_now();
        }
        for _ in 0..MAX_WAITING_PER_CALLER {
            pool.submit(1, Box::new(|| {})).unwrap();
        }
        let refused = pool.submit(1, Box::new(|| {}));
        assert!(matches!(refused, Err(Error::RateLimited(_))), "{refused:?}");
        // Another caller still gets in.
        pool.submit(2, Box::new(|| {})).unwrap();
        open.send(()).unwrap();
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
