//! The registry: one SQLite file, `rsrc.db` in the data dir, holding every record of the daemon.
//!
//! This module owns the connection, its pragmas and the migrations. Queries live beside the domain
//! that uses them (accounts, mail, machines, instances). Nothing here touches Docker.
//!
//! rusqlite is synchronous, so async code reaches the connection through [`Registry::call`], which
//! runs the closure on the blocking pool while holding the connection's mutex. Keep closures
//! short: hash passwords and talk to Docker outside them.

pub mod logins;
pub mod machines;
pub mod otp;
pub mod outbox;
pub mod query;
pub mod sessions;
pub mod users;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::error::{Error, RegistryContext, Result};

/// Migrations, applied in order; the schema level is `PRAGMA user_version`. Append only: never
/// edit or reorder a file that has shipped.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_accounts.sql"),
    include_str!("migrations/0002_machines_instances.sql"),
];

/// The schema level this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

#[derive(Clone)]
pub struct Registry {
    conn: Arc<Mutex<Connection>>,
}

impl Registry {
    /// Opens (creating if needed) and migrates the registry. A database written by a newer rsrcd
    /// is refused before anything is changed.
    pub fn open(path: &Path) -> Result<Registry> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, flags)
            .context(&format!("cannot open {}", path.display()))?;
        // Refuse a newer registry before anything, even its journal mode, is changed.
        refuse_newer(&conn)?;
        configure(&conn)?;
        migrate(&mut conn)?;
        Ok(Registry {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// An in-memory registry, for unit tests.
    pub fn open_in_memory() -> Result<Registry> {
        let mut conn = Connection::open_in_memory().context("cannot open in-memory database")?;
        configure(&conn)?;
        migrate(&mut conn)?;
        Ok(Registry {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` with the connection on the blocking pool.
    pub async fn call<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            let mut guard = conn
                .lock()
                .map_err(|_| Error::internal("registry lock poisoned"))?;
            f(&mut guard)
        })
        .await
        .map_err(|e| Error::internal(format!("registry task failed: {e}")))?
    }

    /// Runs a read-only `f`. Reads may be served by a connection of their own (WAL allows
    /// concurrent readers); never write from one.
    pub async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        self.call(move |conn| f(conn)).await
    }

    /// Runs `f` with the connection on this thread, for synchronous callers (`rsrcd admin`).
    pub fn call_blocking<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut guard = self
            .conn
            .lock()
            .map_err(|_| Error::internal("registry lock poisoned"))?;
        f(&mut guard)
    }

    /// This registry's identity, made on first use. It tells this daemon's containers and volumes
    /// apart from those of another rsrcd on the same engine.
    pub fn daemon_id(&self) -> Result<String> {
        self.call_blocking(|conn| {
            let mut bytes = [0u8; 6];
            rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
            conn.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('daemon_id', ?1)",
                [hex::encode(bytes)],
            )
            .context("create daemon id")?;
            conn.query_row("SELECT value FROM meta WHERE key = 'daemon_id'", [], |r| {
                r.get(0)
            })
            .context("read daemon id")
        })
    }

    /// Checkpoints the WAL so the file is whole on its own after shutdown.
    pub fn close(&self) -> Result<()> {
        self.call_blocking(|conn| {
            conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
                .context("checkpoint")
        })
    }
}

fn refuse_newer(conn: &Connection) -> Result<()> {
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

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(5))
        .context("set busy timeout")?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;",
    )
    .context("set pragmas")
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .context("begin migration")?;
    // Checked again inside the transaction: another process may have migrated meanwhile.
    refuse_newer(&tx)?;
    let current: i64 = tx
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .context("read schema version")?;
    for (level, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.execute_batch(sql)
            .context(&format!("apply migration {}", level + 1))?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)
        .context("write schema version")?;
    tx.commit().context("commit migration")
}

/// Milliseconds since the Unix epoch: every time in the registry is stored this way, so that
/// ranges compare as integers.
pub fn now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    (now.unix_timestamp_nanos() / 1_000_000) as i64
}

/// Formats registry time for the API (RFC 3339, UTC).
pub fn rfc3339(ms: i64) -> String {
    let nanos = i128::from(ms) * 1_000_000;
    time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_an_empty_database_and_refuses_a_newer_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rsrc.db");
        let reg = Registry::open(&path).unwrap();
        let level: i64 = reg
            .call_blocking(|c| {
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

    #[test]
    fn times_format_as_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_500), "1970-01-01T00:00:01.5Z");
    }
}
