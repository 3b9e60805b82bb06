//! The `mail_outbox` table. A row is pending until it is claimed (`sending_at`), then sent or
//! failed; bodies are stored sealed and wiped once a row is done. A claimed row is never handed
//! out again, so a mail cut off mid-send is not sent twice. Each row goes out on one channel
//! (mail or SMS), and each channel's sender reads only its own rows.

use rusqlite::named_params;

use super::query;
use crate::error::Result;
use crate::registry::{Snap, Tx};

/// Pending, unclaimed rows: the partial index `mail_outbox_pending` covers exactly these.
const PENDING: &str = "sent_at IS NULL AND failed_at IS NULL AND sending_at IS NULL";

/// How a row is delivered; stored as its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Which rows go first: codes, then alerts, then the rest; stored as 0, 1, 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    Code = 0,
    Alert = 1,
    Other = 2,
}

/// A mail that is due to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body_sealed: Option<Vec<u8>>,
    pub created_at: i64,
    pub attempts: i64,
}

/// Queues a message, due at once.
pub fn enqueue(
    tx: &Tx,
    channel: Channel,
    recipient: &str,
    subject: &str,
    body_sealed: &[u8],
    now: i64,
) -> Result<()> {
    enqueue_with(
        tx,
        channel,
        Priority::Other,
        recipient,
        subject,
        body_sealed,
        now,
        now,
    )
}

/// Queues a message of `priority`, due at `due_at`.
#[allow(clippy::too_many_arguments)]
pub fn enqueue_with(
    tx: &Tx,
    channel: Channel,
    priority: Priority,
    recipient: &str,
    subject: &str,
    body_sealed: &[u8],
    now: i64,
    due_at: i64,
) -> Result<()> {
    query::execute(
        tx,
        "queue mail",
        "INSERT INTO mail_outbox
            (channel, priority, recipient, subject, body_sealed, created_at, next_attempt_at)
         VALUES (:channel, :priority, :to, :subject, :body, :now, :due)",
        named_params! {
            ":channel": channel.as_str(),
            ":priority": priority as i64,
            ":to": recipient,
            ":subject": subject,
            ":body": body_sealed,
            ":now": now,
            ":due": due_at,
        },
    )
    .map(drop)
}

/// The pending, unclaimed mail to `recipient` with `subject`, if any: (id, sealed body).
pub fn pending_to(tx: &Tx, recipient: &str, subject: &str) -> Result<Option<(i64, Vec<u8>)>> {
    query::optional(
        tx,
        "find pending mail",
        &format!(
            "SELECT id, body_sealed FROM mail_outbox
             WHERE {PENDING} AND channel = 'email' AND recipient = :to AND subject = :subject
               AND body_sealed IS NOT NULL
             ORDER BY id LIMIT 1"
        ),
        named_params! {":to": recipient, ":subject": subject},
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// Replaces the body of a pending, unclaimed row; false if it is no longer pending.
pub fn replace_body(tx: &Tx, id: i64, body_sealed: &[u8]) -> Result<bool> {
    query::execute(
        tx,
        "update pending mail",
        &format!("UPDATE mail_outbox SET body_sealed = :body WHERE id = :id AND {PENDING}"),
        named_params! {":id": id, ":body": body_sealed},
    )
    .map(|changed| changed > 0)
}

/// Gives up rows that were claimed but never marked sent: they were cut off mid-send, and the
/// server may have accepted them. Returns how many.
pub fn give_up_interrupted(tx: &Tx, channel: Channel, now: i64) -> Result<usize> {
    query::execute(
        tx,
        "give up interrupted mails",
        "UPDATE mail_outbox SET failed_at = :now, body_sealed = NULL,
            last_error = 'interrupted while being sent; not retried, so that it is never sent twice'
         WHERE channel = :channel
           AND sending_at IS NOT NULL AND sent_at IS NULL AND failed_at IS NULL",
        named_params! {":now": now, ":channel": channel.as_str()},
    )
}

/// Up to `limit` pending rows of `channel` due at `now`: codes first, then alerts, then the
/// rest, each oldest first.
pub fn due(snap: &Snap, channel: Channel, now: i64, limit: i64) -> Result<Vec<Due>> {
    query::list(
        snap,
        "select due mail",
        &format!(
            "SELECT id, recipient, subject, body_sealed, created_at, attempts FROM mail_outbox
             WHERE {PENDING} AND channel = :channel AND next_attempt_at <= :now
             ORDER BY priority, id LIMIT :limit"
        ),
        named_params! {":now": now, ":limit": limit, ":channel": channel.as_str()},
        |r| {
            Ok(Due {
                id: r.get(0)?,
                recipient: r.get(1)?,
                subject: r.get(2)?,
                body_sealed: r.get(3)?,
                created_at: r.get(4)?,
                attempts: r.get(5)?,
            })
        },
    )
}

/// Claims a pending row for sending; false if it is no longer pending.
pub fn claim(tx: &Tx, id: i64, now: i64) -> Result<bool> {
    query::execute(
        tx,
        "claim mail",
        &format!("UPDATE mail_outbox SET sending_at = :now WHERE id = :id AND {PENDING}"),
        named_params! {":id": id, ":now": now},
    )
    .map(|changed| changed > 0)
}

pub fn mark_sent(tx: &Tx, id: i64, now: i64) -> Result<()> {
    query::execute(
        tx,
        "mark mail sent",
        "UPDATE mail_outbox SET sent_at = :now, body_sealed = NULL,
                attempts = attempts + 1, last_error = NULL
         WHERE id = :id",
        named_params! {":id": id, ":now": now},
    )
    .map(drop)
}

/// Releases a claimed row after a failed try, due again at `next_attempt_at`.
pub fn retry_later(
    tx: &Tx,
    id: i64,
    attempts: i64,
    error: &str,
    next_attempt_at: i64,
) -> Result<()> {
    query::execute(
        tx,
        "record mail failure",
        "UPDATE mail_outbox SET attempts = :attempts, last_error = :error,
                next_attempt_at = :next, sending_at = NULL
         WHERE id = :id",
        named_params! {":id": id, ":attempts": attempts, ":error": error, ":next": next_attempt_at},
    )
    .map(drop)
}

/// Counts one more try of a claimed row that went out and got no answer; returns the count.
pub fn count_unanswered(tx: &Tx, id: i64) -> Result<i64> {
    query::execute(
        tx,
        "count unanswered send",
        "UPDATE mail_outbox SET unanswered = unanswered + 1 WHERE id = :id",
        named_params! {":id": id},
    )?;
    query::optional(
        tx,
        "read unanswered sends",
        "SELECT unanswered FROM mail_outbox WHERE id = :id",
        named_params! {":id": id},
        |r| r.get(0),
    )
    .map(Option::unwrap_or_default)
}

/// Gives a row up for good after a permanent failure, wiping its body.
pub fn mark_failed(tx: &Tx, id: i64, attempts: i64, error: &str, now: i64) -> Result<()> {
    query::execute(
        tx,
        "record mail failure",
        "UPDATE mail_outbox SET attempts = :attempts, last_error = :error, sending_at = NULL,
                failed_at = :now, body_sealed = NULL
         WHERE id = :id",
        named_params! {":id": id, ":attempts": attempts, ":error": error, ":now": now},
    )
    .map(drop)
}

/// When the next pending row of `channel` is due, if any.
pub fn next_due_at(snap: &Snap, channel: Channel) -> Result<Option<i64>> {
    query::optional(
        snap,
        "next mail",
        &format!(
            "SELECT MIN(next_attempt_at) FROM mail_outbox WHERE {PENDING} AND channel = :channel"
        ),
        named_params! {":channel": channel.as_str()},
        |r| r.get::<_, Option<i64>>(0),
    )
    .map(Option::flatten)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Registry;

    fn queued(registry: &Registry, recipients: &[&str], now: i64) {
        registry
            .write_blocking(|conn| {
                for to in recipients {
                    enqueue(conn, Channel::Email, to, "hello", b"sealed", now)?;
                }
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn due_rows_come_oldest_first_up_to_the_limit() {
        let registry = Registry::open_in_memory().unwrap();
        assert_eq!(
            registry
                .write_blocking(|c| next_due_at(c, Channel::Email))
                .unwrap(),
            None
        );
        queued(&registry, &["a@x.org", "b@x.org", "c@x.org"], 100);
        registry
            .write_blocking(|conn| {
                assert!(due(conn, Channel::Email, 99, 10)?.is_empty(), "not due yet");
                let rows = due(conn, Channel::Email, 100, 2)?;
                let to: Vec<&str> = rows.iter().map(|d| d.recipient.as_str()).collect();
                assert_eq!(to, ["a@x.org", "b@x.org"]);
                assert_eq!(rows[0].body_sealed.as_deref(), Some(&b"sealed"[..]));
                assert_eq!((rows[0].created_at, rows[0].attempts), (100, 0));
                assert_eq!(next_due_at(conn, Channel::Email)?, Some(100));
                Ok(())
            })
            .unwrap();
    }

    /// Issue 19 item 3: a code queued behind a flood of notices goes out first.
    #[test]
    fn codes_go_before_alerts_before_the_rest() {
        let registry = Registry::open_in_memory().unwrap();
        queued(&registry, &["flood1@x.org", "flood2@x.org"], 100);
        registry
            .write_blocking(|conn| {
                let alert = Priority::Alert;
                enqueue_with(
                    conn,
                    Channel::Email,
                    alert,
                    "alert@x.org",
                    "",
                    b"s",
                    101,
                    101,
                )?;
                let code = Priority::Code;
                enqueue_with(conn, Channel::Email, code, "code@x.org", "", b"s", 102, 102)?;
                let rows = due(conn, Channel::Email, 200, 10)?;
                let to: Vec<&str> = rows.iter().map(|d| d.recipient.as_str()).collect();
                assert_eq!(
                    to,
                    ["code@x.org", "alert@x.org", "flood1@x.org", "flood2@x.org"]
                );
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn a_row_is_claimed_once_and_retried_or_finished() {
        let registry = Registry::open_in_memory().unwrap();
        queued(&registry, &["a@x.org", "b@x.org"], 100);
        registry
            .write_blocking(|conn| {
                let rows = due(conn, Channel::Email, 100, 10)?;
                let (a, b) = (rows[0].id, rows[1].id);
                assert!(claim(conn, a, 101)?);
                assert!(!claim(conn, a, 102)?, "claimed once");
                assert_eq!(
                    due(conn, Channel::Email, 200, 10)?.len(),
                    1,
                    "a claimed row is not due"
                );
                retry_later(conn, a, 1, "busy", 500)?;
                assert!(due(conn, Channel::Email, 499, 10)?
                    .iter()
                    .all(|d| d.id != a));
                let again = due(conn, Channel::Email, 500, 10)?;
                assert_eq!(
                    again.iter().find(|d| d.id == a).map(|d| d.attempts),
                    Some(1)
                );
                assert!(claim(conn, a, 500)?);
                mark_sent(conn, a, 501)?;
                assert!(claim(conn, b, 501)?);
                mark_failed(conn, b, 1, "no such user", 502)?;
                assert!(!claim(conn, b, 503)?, "a failed row stays failed");
                assert!(due(conn, Channel::Email, i64::MAX, 10)?.is_empty());
                assert_eq!(next_due_at(conn, Channel::Email)?, None);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn each_channel_reads_only_its_own_rows() {
        let registry = Registry::open_in_memory().unwrap();
        queued(&registry, &["a@x.org"], 100);
        registry
            .write_blocking(|conn| {
                enqueue(conn, Channel::Sms, "+15550001", "", b"sealed", 50)?;
                let sms = due(conn, Channel::Sms, 100, 10)?;
                assert_eq!(sms.len(), 1);
                assert_eq!(sms[0].recipient, "+15550001");
                assert_eq!(next_due_at(conn, Channel::Sms)?, Some(50));
                assert_eq!(next_due_at(conn, Channel::Email)?, Some(100));
                assert!(claim(conn, sms[0].id, 101)?);
                assert_eq!(give_up_interrupted(conn, Channel::Email, 102)?, 0);
                assert_eq!(give_up_interrupted(conn, Channel::Sms, 102)?, 1);
                assert_eq!(due(conn, Channel::Email, 100, 10)?.len(), 1);
                Ok(())
            })
            .unwrap();
    }

    /// Issue 19 item 13: unanswered sends are counted per row, across retries.
    #[test]
    fn unanswered_sends_are_counted_per_row() {
        let registry = Registry::open_in_memory().unwrap();
        queued(&registry, &["+1555", "+1666"], 100);
        registry
            .write_blocking(|conn| {
                let rows = due(conn, Channel::Email, 100, 10)?;
                let (a, b) = (rows[0].id, rows[1].id);
                assert!(claim(conn, a, 101)?);
                assert_eq!(count_unanswered(conn, a)?, 1);
                retry_later(conn, a, 1, "no answer", 102)?;
                assert!(claim(conn, a, 102)?);
                assert_eq!(count_unanswered(conn, a)?, 2);
                assert_eq!(count_unanswered(conn, b)?, 1, "each row its own count");
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn interrupted_sends_are_given_up_not_resent() {
        let registry = Registry::open_in_memory().unwrap();
        queued(&registry, &["a@x.org", "b@x.org"], 100);
        registry
            .write_blocking(|conn| {
                let a = due(conn, Channel::Email, 100, 10)?[0].id;
                assert!(claim(conn, a, 101)?);
                assert_eq!(give_up_interrupted(conn, Channel::Email, 200)?, 1);
                assert_eq!(give_up_interrupted(conn, Channel::Email, 201)?, 0);
                let left: Vec<i64> = due(conn, Channel::Email, 300, 10)?
                    .iter()
                    .map(|d| d.id)
                    .collect();
                assert!(!left.contains(&a));
                assert_eq!(left.len(), 1);
                Ok(())
            })
            .unwrap();
    }
}
