//! The registry: one SQLite file, `rsrc.db` in the data dir, holding every record of the daemon.
//!
//! This module owns the connections, their pragmas and the migrations; the SQL itself lives in
//! one repository per noun beside it (`users`, `instances`, `history`, ...), and domain modules
//! call those. Nothing here touches Docker.
//!
//! rusqlite is synchronous. Every write goes to one writer connection on a thread of its own;
//! reads go to a few read-only connections on threads of their own, which WAL lets run beside
//! the writer. Async code hands them closures through [`Registry::call`] and [`Registry::read`].
//! The threads are fixed, so a burst of requests queues instead of growing the blocking pool.
//! Keep closures short: hash passwords and talk to Docker outside them.
//!
//! After each write the newest history id is published (see [`Registry::history_cursor`]): the
//! event bus needs no call site to remember it.

pub mod alerts;
pub mod comments;
#[cfg(test)]
pub mod fixtures;
pub mod history;
pub mod instances;
pub mod leftovers;
pub mod login_codes;
pub mod logins;
pub mod machines;
pub mod otp;
pub mod outbox;
pub mod phone_codes;
pub mod ports;
pub mod query;
pub mod quota;
pub mod ratings;
pub mod rebuild;
pub mod runs;
pub mod sessions;
pub mod signups;
pub mod uptime_marks;
pub mod users;
pub mod volumes;
pub mod votes;

use std::path::Path;
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};
use tokio::sync::{oneshot, watch};

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
];

/// The schema level this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Who is looking: an admin sees every user's instances (and counts them in listings), a user
/// only their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub all: bool,
    pub user_id: i64,
}

impl Viewer {
    pub const ADMIN: Viewer = Viewer {
        all: true,
        user_id: 0,
    };
}

/// Read-only connections beside the writer. Reads are short; a few keep 32 clients busy.
const READERS: usize = 4;

/// Statements each connection keeps prepared: every repository's, with room to spare.
const STATEMENT_CACHE: usize = 64;

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// Connections served by threads of their own, which share one queue of jobs.
#[derive(Clone)]
struct Workers {
    jobs: mpsc::Sender<Job>,
}

impl Workers {
    fn spawn(name: &str, connections: Vec<Arc<Mutex<Connection>>>) -> Result<Workers> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for (n, conn) in connections.into_iter().enumerate() {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("{name}-{n}"))
                .spawn(move || loop {
                    // Take one job, then let go of the queue so the next thread can wait on it.
                    let job = match queue.lock() {
                        Ok(q) => q.recv(),
                        Err(_) => return,
                    };
                    let Ok(job) = job else { return };
                    match conn.lock() {
                        Ok(mut conn) => job(&mut conn),
                        Err(_) => return,
                    }
                })
                .map_err(|e| Error::internal(format!("cannot start a registry thread: {e}")))?;
        }
        Ok(Workers { jobs })
    }

    async fn run<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send(Box::new(move |conn| {
                let _ = tx.send(f(conn));
            }))
            .map_err(|_| Error::internal("the registry has stopped"))?;
        rx.await
            .map_err(|_| Error::internal("a registry call panicked"))?
    }
}

#[derive(Clone)]
pub struct Registry {
    writer: Workers,
    /// The writer's connection, also locked directly by [`Registry::call_blocking`].
    writer_conn: Arc<Mutex<Connection>>,
    /// `None` for an in-memory registry, whose one connection serves reads too.
    readers: Option<Workers>,
    history: Arc<watch::Sender<i64>>,
}

impl Registry {
    /// Opens (creating if needed) and migrates the registry. A database written by a newer rsrcd
    /// is refused before anything is changed.
    pub fn open(path: &Path) -> Result<Registry> {
        create_private(path)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, flags)
            .context(&format!("cannot open {}", path.display()))?;
        // Refuse a newer registry before anything, even its journal mode, is changed.
        refuse_newer(&conn)?;
        configure(&conn)?;
        migrate(&mut conn)?;
        repair_modes(path)?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let reader = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .context(&format!("cannot open {} for reading", path.display()))?;
            per_connection(&reader)?;
            readers.push(reader);
        }
        Registry::start(conn, Some(readers))
    }

    /// An in-memory registry, for unit tests.
    pub fn open_in_memory() -> Result<Registry> {
        let mut conn = Connection::open_in_memory().context("cannot open in-memory database")?;
        configure(&conn)?;
        migrate(&mut conn)?;
        Registry::start(conn, None)
    }

    fn start(writer: Connection, readers: Option<Vec<Connection>>) -> Result<Registry> {
        let latest = history::latest_id(&writer)?;
        let writer = Arc::new(Mutex::new(writer));
        let readers = readers.map(|r| r.into_iter().map(|c| Arc::new(Mutex::new(c))).collect());
        Ok(Registry {
            writer: Workers::spawn("registry-writer", vec![Arc::clone(&writer)])?,
            writer_conn: writer,
            readers: readers
                .map(|r| Workers::spawn("registry-reader", r))
                .transpose()?,
            history: Arc::new(watch::channel(latest).0),
        })
    }

    /// Runs `f` on the writer connection.
    pub async fn call<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let history = Arc::clone(&self.history);
        self.writer
            .run(move |conn| {
                let out = f(conn);
                publish_history(conn, &history);
                out
            })
            .await
    }

    /// Runs a read-only `f` on a reader connection, beside the writer, in one snapshot.
    pub async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        match &self.readers {
            Some(readers) => readers.run(move |conn| in_snapshot(conn, f)).await,
            None => self.writer.run(move |conn| in_snapshot(conn, f)).await,
        }
    }

    /// Runs `f` with the writer connection on this thread, for synchronous callers (`rsrcd
    /// admin`, unit tests). Never call it from async code: it blocks until the writer is free.
    pub fn call_blocking<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut conn = self
            .writer_conn
            .lock()
            .map_err(|_| Error::internal("registry lock poisoned"))?;
        let out = f(&mut conn);
        publish_history(&conn, &self.history);
        out
    }

    /// Whether the writer is free, or becomes free within a moment (a job that has answered
    /// may still be letting go of it), for tests that check what runs outside the writer.
    #[cfg(test)]
    pub fn writer_is_idle(&self) -> bool {
        let deadline = std::time::Instant::now() + Duration::from_millis(200);
        loop {
            if self.writer_conn.try_lock().is_ok() {
                return true;
            }
            if std::time::Instant::now() > deadline {
                return false;
            }
            std::thread::yield_now();
        }
    }

    /// The id of the newest history entry, updated after every write that added one.
    pub fn history_cursor(&self) -> watch::Receiver<i64> {
        self.history.subscribe()
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

/// Tells the bus about history entries a write committed. Runs after every write: a write that
/// added none costs one indexed lookup.
fn publish_history(conn: &Connection, history: &watch::Sender<i64>) {
    match history::latest_id(conn) {
        Ok(latest) => {
            history.send_if_modified(|current| {
                let newer = latest > *current;
                if newer {
                    *current = latest;
                }
                newer
            });
        }
        Err(e) => tracing::error!(error = %e.chain(), "reading the newest history id"),
    }
}

/// Creates the registry file 0600 when it does not exist yet, whoever runs (the daemon sets a
/// private umask; `rsrcd admin create` on a fresh data dir runs with the caller's). SQLite gives
/// its `-wal` and `-shm` files the database file's mode.
fn create_private(path: &Path) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::internal(format!(
            "cannot create {}: {e}",
            path.display()
        ))),
    }
}

/// Closes the registry's files to others: they hold hashes and sealed mail. A registry made
/// 0644 by an older rsrcd is repaired here; files of another owner are left alone.
fn repair_modes(path: &Path) -> Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let mut files = vec![path.to_path_buf()];
    for suffix in ["-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        files.push(name.into());
    }
    for file in files {
        let Ok(meta) = std::fs::metadata(&file) else {
            continue;
        };
        if meta.mode() & 0o077 != 0 && Some(meta.uid()) == rsrc_shared::paths::effective_uid() {
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).map_err(
                |e| Error::internal(format!("cannot make {} private: {e}", file.display())),
            )?;
        }
    }
    Ok(())
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

/// Plans that never depend on the values bound to a statement. Without this guarantee SQLite
/// looks at bound values while planning (to match them against indexes) and then compiles the
/// statement again whenever one changes: with a new session hash or instance id on every
/// request, nearly every run of a cached statement was a fresh compile (bench/registry.sh,
/// counted with SQLITE_STMTSTATUS_REPREPARE: 999 of 1,000 runs of the per-instance startup
/// reads, most runs of the listing's), and the statement cache saved nothing.
fn stable_plans(conn: &Connection) -> Result<()> {
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
        .context("enable the query planner stability guarantee")?;
    Ok(())
}

/// What every connection, the writer's and each reader's, is set up with.
fn per_connection(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(5))
        .context("set busy timeout")?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    stable_plans(conn)
}

fn configure(conn: &Connection) -> Result<()> {
    per_connection(conn)?;
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
    // The rollup of 0012 is filled from the history it sums, in the migration's transaction.
    if current < 12 {
        uptime_marks::backfill(&tx)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)
        .context("write schema version")?;
    tx.commit().context("commit migration")
}

/// Runs `f` in a read transaction, so that all its queries see one state of the registry: a
/// listing's rows, ports, volumes and uptime marks must agree (a mark written between two of
/// its queries would make the newest mark older than the window's first).
fn in_snapshot<T>(conn: &Connection, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
    conn.execute_batch("BEGIN DEFERRED")
        .context("begin a read")?;
    let out = f(conn);
    if !conn.is_autocommit() {
        // A read transaction has nothing to keep: ending it either way only lets go of the
        // snapshot.
        if let Err(e) = conn.execute_batch("ROLLBACK") {
            tracing::warn!(error = %e, "cannot end a read transaction");
        }
    }
    out
}

/// Milliseconds since the Unix epoch: every time in the registry is stored this way, so that
/// ranges compare as integers.
pub fn now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    (now.unix_timestamp_nanos() / 1_000_000) as i64
}

/// Formats registry time for the API: RFC 3339, UTC, always with three fraction digits, so
/// every time has one width and sorts as text (`2024-05-01T12:00:00.000Z`). A listing formats two
/// per row: the digits are written straight into the text, without `format!`.
pub fn rfc3339(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    if !(0..=9999).contains(&year) {
        return String::new();
    }
    let mut text = *b"0000-00-00T00:00:00.000Z";
    let mut put = |at: usize, width: usize, mut value: i64| {
        for i in (at..at + width).rev() {
            text[i] = b'0' + (value % 10) as u8;
            value /= 10;
        }
    };
    put(0, 4, year);
    put(5, 2, month);
    put(8, 2, day);
    put(11, 2, in_day / 3_600_000);
    put(14, 2, in_day / 60_000 % 60);
    put(17, 2, in_day / 1000 % 60);
    put(20, 3, in_day % 1000);
    text.iter().map(|&b| char::from(b)).collect()
}

/// The proleptic Gregorian (year, month, day) of a count of days since 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The slow, obvious formatting, to check the fast one against.
    fn rfc3339_by_time(ms: i64) -> String {
        let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
            .expect("in range");
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.millisecond()
        )
    }

    #[test]
    fn rfc3339_agrees_with_the_time_crate() {
        let mut samples = vec![
            0,
            1,
            999,
            1000,
            -1,
            -86_400_000,
            951_782_400_000,
            4_107_542_399_999,
        ];
        // Every day of a few leap and century years, at odd times, and a spread of others.
        let mut ms: i64 = -2_208_988_800_000; // 1900-01-01
        while ms < 7_258_118_400_000 {
            samples.push(ms);
            ms += 86_400_000 * 13 + 3_723_456;
        }
        for ms in samples {
            assert_eq!(rfc3339(ms), rfc3339_by_time(ms), "{ms}");
        }
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(rfc3339(i64::MAX), "");
    }

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
    fn migration_13_copies_each_instances_newest_uptime_mark() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rsrc.db");
        let conn = Connection::open(&path).unwrap();
        for sql in &MIGRATIONS[..12] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 12).unwrap();
        conn.execute_batch(
            "INSERT INTO users (id, email, name, password_hash, role, verified, created_at,
                                updated_at)
             VALUES (1, 'a@example.com', 'a', 'x', 'user', 1, 0, 0);
             INSERT INTO machines (id, name, spec, created_at, updated_at)
             VALUES (1, 'm', '{}', 0, 0);
             INSERT INTO instances (id, name, owner_id, machine_id, container_name, state,
                                    created_at, updated_at)
             VALUES ('marked', 'a', 1, 1, 'c-a', 'running', 0, 0),
                    ('quiet', 'b', 1, 1, 'c-b', 'running', 0, 0);
             INSERT INTO uptime_marks (instance_id, at, label, engine_out, before, up_ms, down_ms)
             VALUES ('marked', 10, 2, 0, 0, 0, 10), ('marked', 30, 1, 0, 1, 20, 10);",
        )
        .unwrap();
        drop(conn);
        drop(Registry::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
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
    }

    #[tokio::test]
    async fn a_read_sees_one_state_of_the_registry_however_many_queries_it_makes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rsrc.db");
        let reg = Registry::open(&path).unwrap();
        let writer_path = path.clone();
        let (before, after) = reg
            .read(move |conn| {
                let count = |conn: &Connection| -> Result<i64> {
                    conn.query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))
                        .context("count users")
                };
                let before = count(conn)?;
                // Another connection commits between the read's two queries.
                let other = Connection::open(&writer_path).context("open")?;
                fixtures::insert_user(&other, 7, "late@example.com", false)?;
                Ok((before, count(conn)?))
            })
            .await
            .unwrap();
        assert_eq!(before, after, "the second query saw a later state");
        let now: i64 = reg
            .read(|conn| {
                conn.query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))
                    .context("count users")
            })
            .await
            .unwrap();
        assert_eq!(now, before + 1, "the next read sees the commit");
    }

    #[test]
    fn times_format_as_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(1_500), "1970-01-01T00:00:01.500Z");
        assert_eq!(rfc3339(1_714_564_800_007), "2024-05-01T12:00:00.007Z");
    }
}
