//! The registry's schema: the migrations, in order, and how a database is brought up to date.

use rusqlite::Connection;

use super::uptime_marks;
use crate::error::{Error, RegistryContext, Result};

/// Migrations, applied in order; the schema level is `PRAGMA user_version`. Append only: never
/// edit or reorder a file that has shipped.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_accounts.sql"),
    include_str!("migrations/0002_machines_instances.sql"),
    include_str!("migrations/0003_volume_index.sql"),
    include_str!("migrations/0004_listing_indexes.sql"),
    include_str!("migrations/0005_failed_creates.sql"),
    include_str!("migrations/0006_throttles.sql"),
    include_str!("migrations/0007_uptime.sql"),
    include_str!("migrations/0008_alerts.sql"),
    include_str!("migrations/0009_leftovers.sql"),
    include_str!("migrations/0010_rebuild.sql"),
    include_str!("migrations/0011_feed.sql"),
    include_str!("migrations/0012_uptime_marks.sql"),
    include_str!("migrations/0013_newest_uptime_mark.sql"),
    include_str!("migrations/0014_mark_before_newest.sql"),
    include_str!("migrations/0015_codes.sql"),
    include_str!("migrations/0016_send_limits.sql"),
    include_str!("migrations/0017_outbox_priority.sql"),
    include_str!("migrations/0018_instance_names.sql"),
    include_str!("migrations/0019_sms_attempts.sql"),
    include_str!("migrations/0020_came_up.sql"),
    include_str!("migrations/0021_user_networks.sql"),
    include_str!("migrations/0022_freed_ports.sql"),
];

/// The schema level this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub(super) fn refuse_newer(conn: &Connection) -> Result<()> {
    let current: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .context("read schema version")?;
    if current > SCHEMA_VERSION {
        return Err(Error::internal(format!(
            "the registry has schema version {current}, but this rsrcd knows only up to \
             {SCHEMA_VERSION}: it was written by a newer rsrcd; refusing to touch it"
        )));
    }
    Ok(())
}

pub(super) fn migrate(conn: &Connection) -> Result<()> {
    super::in_transaction(conn, super::Begin::Immediate, |tx| {
        let conn = tx.conn();
        // Checked again inside the transaction: another process may have migrated meanwhile.
        refuse_newer(conn)?;
        let current: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .context("read schema version")?;
        for (level, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            conn.execute_batch(sql)
                .context(&format!("apply migration {}", level + 1))?;
        }
        // The rollup of 0012 is filled from the history it sums, in the migration's transaction.
        if current < 12 {
            uptime_marks::backfill(tx)?;
        }
        conn.pragma_update(None, "user_version", SCHEMA_VERSION)
            .context("write schema version")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Registry;

    #[test]
    fn migrates_an_empty_database_and_refuses_a_newer_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rsrc.db");
        let reg = Registry::open(&path).unwrap();
        let level: i64 = reg
            .write_blocking(|c| {
                c.query_row("PRAGMA user_version", [], |r| r.get(0))
                    .context("x")
            })
            .unwrap();
        assert_eq!(level, SCHEMA_VERSION);
        drop(reg);
        // Opening again is a no-op.
        drop(Registry::open(&path).unwrap());

        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        drop(conn);
        let err = Registry::open(&path).err().unwrap().to_string();
        assert!(err.contains("newer rsrcd"), "{err}");
        let conn = Connection::open(&path).unwrap();
        let level: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            level,
            SCHEMA_VERSION + 1,
            "a newer database is left as it was"
        );
    }

    /// A registry file at schema `level`, with one user (id 1), not opened by rsrcd yet.
    fn at_level(level: usize) -> (tempfile::TempDir, std::path::PathBuf, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rsrc.db");
        let conn = Connection::open(&path).unwrap();
        for sql in &MIGRATIONS[..level] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", level as i64)
            .unwrap();
        conn.execute_batch(
            "INSERT INTO users (id, email, name, password_hash, role, verified, created_at,
                                updated_at)
             VALUES (1, 'a@example.com', 'a', 'x', 'user', 1, 0, 0);",
        )
        .unwrap();
        (dir, path, conn)
    }

    /// A registry at schema `level` holding one user, one machine, an instance per name in
    /// `instances` and `marks` (SQL `VALUES` rows of `uptime_marks`); then migrated by a real
    /// open, and connected to.
    fn migrated_from(
        level: usize,
        instances: &[&str],
        marks: &str,
    ) -> (tempfile::TempDir, Connection) {
        let (dir, path, conn) = at_level(level);
        conn.execute_batch(
            "INSERT INTO machines (id, name, spec, created_at, updated_at)
             VALUES (1, 'm', '{}', 0, 0);",
        )
        .unwrap();
        for id in instances {
            conn.execute(
                "INSERT INTO instances (id, name, owner_id, machine_id, container_name, state,
                                        created_at, updated_at)
                 VALUES (?1, ?1, 1, 1, 'c-' || ?1, 'running', 0, 0)",
                [id],
            )
            .unwrap();
        }
        conn.execute_batch(&format!(
            "INSERT INTO uptime_marks (instance_id, at, label, engine_out, before, up_ms, down_ms)
             VALUES {marks}"
        ))
        .unwrap();
        drop(conn);
        drop(Registry::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        (dir, conn)
    }

    #[test]
    fn migration_13_copies_each_instances_newest_uptime_mark() {
        let (_dir, conn) = migrated_from(
            12,
            &["marked", "quiet"],
            "('marked', 10, 2, 0, 0, 0, 10), ('marked', 30, 1, 0, 1, 20, 10)",
        );
        let copy = |id: &str| -> Vec<Option<i64>> {
            conn.query_row(
                "SELECT newest_mark_at, newest_mark_label, newest_mark_engine_out,
                        newest_mark_before, newest_mark_up_ms, newest_mark_down_ms
                 FROM instances WHERE id = ?1",
                [id],
                |r| (0..6).map(|i| r.get(i)).collect(),
            )
            .unwrap()
        };
        assert_eq!(
            copy("marked"),
            [Some(30), Some(1), Some(0), Some(1), Some(20), Some(10)]
        );
        assert_eq!(copy("quiet"), [None; 6]);
        let err = conn
            .execute("UPDATE uptime_marks SET up_ms = 0", [])
            .unwrap_err()
            .to_string();
        assert!(err.contains("never updated"), "{err}");
    }

    #[test]
    fn migration_14_keeps_when_the_mark_before_the_newest_is() {
        let (_dir, conn) = migrated_from(
            13,
            &["three", "one", "none"],
            "('three', 10, 2, 0, 0, 0, 10), ('three', 30, 1, 0, 1, 20, 10),
             ('three', 20, 2, 0, 1, 10, 10), ('one', 5, 2, 0, 2, 0, 0)",
        );
        let before_newest = |id: &str| -> Option<i64> {
            conn.query_row(
                "SELECT mark_before_newest_at FROM instances WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .unwrap()
        };
        assert_eq!(before_newest("three"), Some(20), "filled by the migration");
        assert_eq!(before_newest("one"), None);
        assert_eq!(before_newest("none"), None);
        let run = |sql: &str| conn.execute_batch(sql).unwrap();
        run("INSERT INTO uptime_marks VALUES ('three', 40, 2, 0, 0, 30, 10)");
        assert_eq!(before_newest("three"), Some(30), "a newer mark");
        run("INSERT INTO uptime_marks VALUES ('three', 35, 2, 0, 0, 25, 10)");
        assert_eq!(
            before_newest("three"),
            Some(35),
            "a late mark between the two"
        );
        run("INSERT INTO uptime_marks VALUES ('three', 1, 2, 0, 0, 0, 1)");
        assert_eq!(before_newest("three"), Some(35), "a mark older than both");
        run("DELETE FROM uptime_marks WHERE instance_id = 'three' AND at = 40");
        assert_eq!(before_newest("three"), Some(30), "the newest deleted");
        run("DELETE FROM uptime_marks WHERE instance_id = 'three' AND at = 30");
        assert_eq!(before_newest("three"), Some(20), "the one before deleted");
        run("DELETE FROM uptime_marks WHERE instance_id = 'three' AND at < 35");
        assert_eq!(before_newest("three"), None, "one mark left");
        run("INSERT INTO uptime_marks VALUES ('one', 6, 2, 0, 0, 1, 0)");
        assert_eq!(before_newest("one"), Some(5), "a second mark");
    }

    #[test]
    fn migration_15_moves_every_pending_code_into_one_table() {
        let (_dir, path, conn) = at_level(14);
        conn.execute_batch(
            "INSERT INTO otp_codes VALUES (1, 'h-email', 10, 610, 2);
             INSERT INTO phone_codes VALUES (1, '+41791234567', 'h-phone', 20, 620, 1);
             INSERT INTO login_codes VALUES (1, 1000, 'h-login', 30, 630, 3);
             INSERT INTO login_codes VALUES (1, -1, 'h-nobody', 40, 640, 0);",
        )
        .unwrap();
        drop(conn);
        drop(Registry::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT purpose, user_id, peer_uid, sent_to, code_hash, sent_at, expires_at,
                        failed_attempts
                 FROM codes ORDER BY sent_at",
            )
            .unwrap();
        type CodeRow = (String, i64, i64, Option<String>, String, i64, i64, i64);
        let rows: Vec<CodeRow> = stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let row = |purpose: &str, uid, to: Option<&str>, hash: &str, at, tries| {
            let to = to.map(str::to_string);
            (
                purpose.to_string(),
                1,
                uid,
                to,
                hash.to_string(),
                at,
                at + 600,
                tries,
            )
        };
        assert_eq!(
            rows,
            [
                row("email", 0, None, "h-email", 10, 2),
                row("phone", 0, Some("+41791234567"), "h-phone", 20, 1),
                row("login", 1000, None, "h-login", 30, 3),
                row("login", -1, None, "h-nobody", 40, 0),
            ]
        );
        let old: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master
                 WHERE name IN ('otp_codes', 'phone_codes', 'login_codes')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(old, 0, "the tables of each purpose are gone");
    }

    /// Issue 19 item 21: migration 18 keeps the name of every instance with a history, for
    /// `rsrc events`: today's instances and removed ones whose volumes were kept, then each new
    /// instance; a name goes with the last of its instance and its history.
    #[test]
    fn migration_18_keeps_the_names_of_instances_with_a_history() {
        let (_dir, path, conn) = at_level(17);
        conn.execute_batch(
            "INSERT INTO machines (id, name, spec, created_at, updated_at)
             VALUES (1, 'm', '{}', 0, 0);
             INSERT INTO instances (id, name, owner_id, machine_id, container_name, state,
                                    created_at, updated_at)
             VALUES ('live-id', 'live', 1, 1, 'c-live', 'running', 0, 0);
             INSERT INTO volumes (name, instance_id, instance_name, owner_id, path, created_at)
             VALUES ('v-gone', 'gone-id', 'gone', 1, '/data', 0);
             INSERT INTO instance_events (instance_id, owner_id, at, kind, up, cause)
             VALUES ('live-id', 1, 0, 'created', 0, 'user'),
                    ('gone-id', 1, 0, 'created', 0, 'user'),
                    ('gone-id', 1, 1, 'removed', 0, 'user'),
                    ('lost-id', 1, 0, 'created', 0, 'user');",
        )
        .unwrap();
        drop(conn);
        drop(Registry::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        let names = || -> Vec<(String, String)> {
            let mut stmt = conn
                .prepare("SELECT instance_id, name FROM instance_names ORDER BY instance_id")
                .unwrap();
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        let pair = |id: &str, name: &str| (id.to_string(), name.to_string());
        // A removed instance without kept volumes is not known: its entries show no name.
        assert_eq!(names(), [pair("gone-id", "gone"), pair("live-id", "live")]);
        let run = |sql: &str| conn.execute_batch(sql).unwrap();
        run(
            "INSERT INTO instances (id, name, owner_id, machine_id, container_name, state,
                                    created_at, updated_at)
             VALUES ('new-id', 'fresh', 1, 1, 'c-new', 'creating', 0, 0)",
        );
        assert!(names().contains(&pair("new-id", "fresh")), "a new instance");
        run("DELETE FROM instances WHERE id = 'live-id'");
        assert!(
            names().contains(&pair("live-id", "live")),
            "kept for its history"
        );
        run("DELETE FROM instance_events WHERE instance_id IN ('live-id', 'gone-id')");
        run("DELETE FROM instances WHERE id = 'new-id'");
        assert_eq!(names(), [], "no instance and no history left to name");
    }
}
