//! The durable outbox of every notification channel, kept in the registry, and its sender loop.
//!
//! A message is a row in `mail_outbox`, written in the same transaction as whatever caused it (an OTP
//! code, a password change), so nothing is lost on a crash. The sender delivers due rows over SMTP
//! with exponential backoff. Once the server has accepted a mail its row is marked sent and its
//! body wiped, so it is never sent again. Bodies may carry a one-time code, so they are sealed
//! (ChaCha20-Poly1305) with a key kept in the data dir, outside the database.
//!
//! Mail (`notify::mail`, over SMTP) and SMS (`notify::sms`) each have a channel: every channel's
//! sender is [`run_channel`] with its own [`Transport`], so all share the retry rules and the
//! never-twice rule.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::clock::now_ms;
use crate::error::{Error, Result};
use crate::registry::outbox::{self as queue, Due};
pub use crate::registry::outbox::{Channel, Priority};
use crate::registry::{Registry, Tx};

const KEY_FILE: &str = "outbox.key";
const FIRST_RETRY: Duration = Duration::from_secs(1);
const MAX_RETRY: Duration = Duration::from_secs(300);
const IDLE_POLL: Duration = Duration::from_secs(30);
const BATCH: i64 = 20;
const DIGEST_ENTRIES: usize = 50;
const DIGEST_SEPARATOR: &str = "\n----\n";
/// A message whose request went out and got no answer this many times is given up: each time,
/// the gateway may have sent it (issue 19 item 13: a slow gateway sent one code SMS 4 times in
/// 40 s). So it goes out at most twice, never a third time.
pub const MAX_UNANSWERED: i64 = 2;

/// Handle to the outbox: seals bodies for [`Outbox::enqueue`] and wakes the senders.
#[derive(Clone)]
pub struct Outbox {
    cipher: Arc<ChaCha20Poly1305>,
    /// One per channel (email, sms): each sender waits on its own.
    wake: Arc<[Notify; 2]>,
}

/// Why a delivery failed, and whether it is for good.
#[derive(Debug)]
pub struct Failure {
    pub error: String,
    /// Trying again cannot help (a 4xx, a refused recipient): the row is given up.
    pub permanent: bool,
    /// The request went out but no answer came (a timeout): the far end may have the message.
    /// Such a message is sent at most [`MAX_UNANSWERED`] times in all.
    pub unanswered: bool,
}

/// How one channel delivers a message: the SMTP server, the SMS gateway.
#[async_trait::async_trait]
pub trait Transport: Send + Sync {
    fn channel(&self) -> Channel;
    async fn deliver(&self, message: &Due, body: String) -> std::result::Result<(), Failure>;
}

fn wake_index(channel: Channel) -> usize {
    match channel {
        Channel::Email => 0,
        Channel::Sms => 1,
    }
}

impl Outbox {
    /// Loads the sealing key from `data_dir`, creating it (mode 0600) on first start.
    pub fn open(data_dir: &Path) -> Result<Outbox> {
        let path = data_dir.join(KEY_FILE);
        let key = match std::fs::read(&path) {
            Ok(bytes) if bytes.len() == 32 => bytes,
            Ok(_) => {
                return Err(Error::internal(format!(
                "{} is not a 32-byte key; restore it or remove it (pending mails are then lost)",
                path.display()
            )))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_key(&path)?,
            Err(e) => {
                return Err(Error::internal(format!(
                    "cannot read {}: {e}",
                    path.display()
                )))
            }
        };
        let key = Key::try_from(key.as_slice())
            .map_err(|_| Error::internal(format!("{} is not a 32-byte key", path.display())))?;
        Ok(Outbox {
            cipher: Arc::new(ChaCha20Poly1305::new(&key)),
            wake: Arc::new([Notify::new(), Notify::new()]),
        })
    }

    fn seal(&self, body: &str) -> Result<Vec<u8>> {
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(&Nonce::from(nonce), body.as_bytes())
            .map_err(|_| Error::internal("cannot seal mail body"))?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Ok(out)
    }

    fn open_body(&self, sealed: &[u8]) -> Result<String> {
        if sealed.len() < 12 {
            return Err(Error::internal("sealed mail body is truncated"));
        }
        let (nonce, data) = sealed.split_at(12);
        let nonce = Nonce::try_from(nonce)
            .map_err(|_| Error::internal("sealed mail nonce is truncated"))?;
        let plain = self
            .cipher
            .decrypt(&nonce, data)
            .map_err(|_| Error::internal("cannot open mail body: the outbox key changed"))?;
        String::from_utf8(plain).map_err(|_| Error::internal("mail body is not UTF-8"))
    }

    /// Queues a mail inside the caller's transaction. Call [`Outbox::wake`] after committing.
    pub fn enqueue(&self, tx: &Tx, to: &str, subject: &str, body: &str) -> Result<()> {
        self.enqueue_on(tx, Channel::Email, Priority::Other, to, subject, body)
    }

    /// Queues a message on `channel` (an SMS has no subject) inside the caller's transaction.
    pub fn enqueue_on(
        &self,
        tx: &Tx,
        channel: Channel,
        priority: Priority,
        to: &str,
        subject: &str,
        body: &str,
    ) -> Result<()> {
        let sealed = self.seal(body)?;
        let now = now_ms();
        queue::enqueue_with(tx, channel, priority, to, subject, &sealed, now, now)
    }

    /// Adds `entry` to the pending digest mail to `to` with `subject`, or queues a new one, due
    /// after `delay` so that what follows joins it. A digest holds at most
    /// [`DIGEST_ENTRIES`] entries; later ones are left to the feed.
    pub fn add_to_digest(
        &self,
        tx: &Tx,
        delay: Duration,
        to: &str,
        subject: &str,
        entry: &str,
    ) -> Result<()> {
        if let Some((id, sealed)) = queue::pending_to(tx, to, subject)? {
            let mut body = self.open_body(&sealed)?;
            // Past the cap the digest is left as it is: the feed itself holds the rest.
            if body.matches(DIGEST_SEPARATOR).count() >= DIGEST_ENTRIES {
                return Ok(());
            }
            body.push_str(DIGEST_SEPARATOR);
            body.push_str(entry);
            if queue::replace_body(tx, id, &self.seal(&body)?)? {
                return Ok(());
            }
        }
        let now = now_ms();
        let due = now + delay.as_millis() as i64;
        let body = format!("{DIGEST_SEPARATOR}{entry}");
        let sealed = self.seal(&body)?;
        queue::enqueue_with(
            tx,
            Channel::Email,
            Priority::Other,
            to,
            subject,
            &sealed,
            now,
            due,
        )
    }

    /// Wakes every channel's sender.
    pub fn wake(&self) {
        for notify in self.wake.iter() {
            notify.notify_one();
        }
    }
}

fn create_key(path: &Path) -> Result<Vec<u8>> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut key = vec![0u8; 32];
    rand::rng().fill_bytes(&mut key);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .and_then(|mut f| f.write_all(&key).and_then(|_| f.sync_all()).map(|_| f))
        .map_err(|e| Error::internal(format!("cannot create {}: {e}", path.display())))?;
    let _ = file.flush();
    Ok(key)
}

/// Delivers the due messages of `transport`'s channel until `shutdown` flips.
pub async fn run_channel(
    registry: Registry,
    outbox: Outbox,
    transport: Arc<dyn Transport>,
    shutdown: CancellationToken,
) {
    let channel = transport.channel();
    // A row claimed but never marked sent was cut off mid-send (a crash, a kill, a shutdown).
    // The server may have accepted it, so it is given up rather than sent twice.
    match registry
        .write(move |tx| queue::give_up_interrupted(tx, channel, now_ms()))
        .await
    {
        Ok(0) => {}
        Ok(n) => tracing::warn!(
            messages = n,
            channel = channel.as_str(),
            "messages interrupted while being sent are not sent again (they may have arrived)"
        ),
        Err(e) => tracing::error!(error = %e.chain(), "outbox"),
    }
    loop {
        let pause = match deliver_due(&registry, &outbox, transport.as_ref(), &shutdown).await {
            Ok(pause) => pause,
            Err(e) => {
                tracing::error!(error = %e.chain(), channel = channel.as_str(), "outbox");
                IDLE_POLL
            }
        };
        // A send cut off by the shutdown ends here, before another batch or pause starts.
        if shutdown.is_cancelled() {
            return;
        }
        tokio::select! {
            _ = outbox.wake[wake_index(channel)].notified() => {}
            _ = tokio::time::sleep(pause) => {}
            _ = shutdown.cancelled() => return,
        }
    }
}

/// Sends what is due; returns how long to wait before the next look.
async fn deliver_due(
    registry: &Registry,
    outbox: &Outbox,
    transport: &dyn Transport,
    shutdown: &CancellationToken,
) -> Result<Duration> {
    let channel = transport.channel();
    let now = now_ms();
    let due = registry
        .read(move |snap| queue::due(snap, channel, now, BATCH))
        .await?;

    for message in due {
        let id = message.id;
        let claimed = registry
            .write(move |tx| queue::claim(tx, id, now_ms()))
            .await?;
        if !claimed {
            continue;
        }
        let body = match &message.body_sealed {
            Some(sealed) => outbox.open_body(sealed),
            None => Err(Error::internal("message body is gone")),
        };
        let outcome = match body {
            Ok(body) => tokio::select! {
                sent = transport.deliver(&message, body) => sent,
                // Cut off mid-send: the claim stays, and the next start gives the row up.
                _ = shutdown.cancelled() => return Ok(IDLE_POLL),
            },
            Err(e) => Err(Failure {
                error: e.to_string(),
                permanent: true,
                unanswered: false,
            }),
        };
        let channel = channel.as_str();
        match outcome {
            Ok(()) => {
                tracing::info!(id, channel, "message sent");
                registry
                    .write(move |tx| queue::mark_sent(tx, id, now_ms()))
                    .await?;
            }
            Err(failure) => {
                let attempts = message.attempts + 1;
                let delay = backoff(attempts);
                let Failure {
                    error,
                    permanent,
                    unanswered,
                } = failure;
                let (given_up, error) = registry
                    .write(move |tx| {
                        let now = now_ms();
                        let unanswered = if unanswered {
                            queue::count_unanswered(tx, id)?
                        } else {
                            0
                        };
                        if permanent {
                            queue::mark_failed(tx, id, attempts, &error, now)?;
                            Ok((true, error))
                        } else if unanswered >= MAX_UNANSWERED {
                            let error = format!(
                                "{error}; sent {unanswered} times without an answer, so not sent \
                                 again (it may have arrived)"
                            );
                            queue::mark_failed(tx, id, attempts, &error, now)?;
                            Ok((true, error))
                        } else {
                            let next = now + delay.as_millis() as i64;
                            queue::retry_later(tx, id, attempts, &error, next)?;
                            Ok((false, error))
                        }
                    })
                    .await?;
                tracing::warn!(id, channel, attempts, given_up, %error, "message not sent");
            }
        }
    }

    let channel = transport.channel();
    let next = registry
        .read(move |snap| queue::next_due_at(snap, channel))
        .await?;
    Ok(match next {
        Some(at) => {
            Duration::from_millis((at - now_ms()).clamp(0, IDLE_POLL.as_millis() as i64) as u64)
        }
        None => IDLE_POLL,
    })
}

fn backoff(attempts: i64) -> Duration {
    let exp = attempts.clamp(1, 20) as u32 - 1;
    FIRST_RETRY
        .saturating_mul(2u32.saturating_pow(exp))
        .min(MAX_RETRY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff(1), Duration::from_secs(1));
        assert_eq!(backoff(2), Duration::from_secs(2));
        assert_eq!(backoff(4), Duration::from_secs(8));
        assert_eq!(backoff(30), MAX_RETRY);
    }

    #[test]
    fn bodies_are_sealed_and_open_with_the_same_key_only() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(dir.path()).unwrap();
        let sealed = outbox.seal("your code is 123456").unwrap();
        assert!(!String::from_utf8_lossy(&sealed).contains("123456"));
        assert_eq!(outbox.open_body(&sealed).unwrap(), "your code is 123456");
        // The key persists across opens.
        let again = Outbox::open(dir.path()).unwrap();
        assert_eq!(again.open_body(&sealed).unwrap(), "your code is 123456");
        let other = Outbox::open(tempfile::tempdir().unwrap().path()).unwrap();
        assert!(other.open_body(&sealed).is_err());
    }
}
