//! The registry: one SQLite file, `rsrc.db` in the data dir, holding every record of the daemon.
//!
//! This module owns the connections and their pragmas (the migrations are in `schema`, the
//! time format in `clock`); the SQL itself lives in
//! one repository per noun beside it (`users`, `instances`, `history`, ...), and domain modules
//! call those. Nothing here touches Docker.
//!
//! rusqlite is synchronous. Every write goes to one writer connection on a thread of its own;
//! reads go to a few read-only connections on threads of their own, which WAL lets run beside
//! the writer. Async code hands them closures through [`Registry::write`] and [`Registry::read`], which
//! begin a transaction, commit it on `Ok` and roll it back on `Err`; repositories take the
//! [`Tx`] or [`Snap`] those closures get (`tx.rs`).
//! The threads are fixed, so a burst of requests queues instead of growing the blocking pool.
//! Keep closures short: hash passwords and talk to Docker outside them.
//!
//! After each write the newest history id is published (see [`Registry::history_cursor`]): the
//! event bus needs no call site to remember it.

pub mod alerts;
pub mod codes;
pub mod comments;
#[cfg(test)]
pub mod fixtures;
pub mod history;
pub mod instances;
pub mod leftovers;
pub mod listing;
pub mod logins;
pub mod machines;
pub mod networks;
pub mod outbox;
pub mod ports;
pub mod query;
pub mod quota;
pub mod rates;
pub mod ratings;
pub mod rebuild;
pub mod runs;
mod schema;
pub mod sessions;
pub mod signups;
mod tx;
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

pub use schema::SCHEMA_VERSION;
use schema::{migrate, refuse_newer};
use tx::is_unique_violation;
use tx::{in_snapshot, in_transaction, Begin};
pub use tx::{DbError, Snap, Tx};

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
            // The log of whoever opened the registry, also where it is not the process's
            // (a daemon run inside a test process).
            let log = tracing::dispatcher::get_default(Clone::clone);
            std::thread::Builder::new()
                .name(format!("{name}-{n}"))
                .spawn(move || {
                    let _log = tracing::dispatcher::set_default(&log);
                    loop {
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
    /// The writer's connection, also locked directly by [`Registry::write_blocking`].
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
        let conn = Connection::open_with_flags(path, flags)
            .context(&format!("cannot open {}", path.display()))?;
        // Refuse a newer registry before anything, even its journal mode, is changed.
        refuse_newer(&conn)?;
        configure(&conn)?;
        migrate(&conn)?;
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
        let conn = Connection::open_in_memory().context("cannot open in-memory database")?;
        configure(&conn)?;
        migrate(&conn)?;
        Registry::start(conn, None)
    }

    fn start(writer: Connection, readers: Option<Vec<Connection>>) -> Result<Registry> {
        let latest = history::latest_id(&Snap { conn: &writer })?;
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

    /// Runs `f` in a transaction on the writer (BEGIN DEFERRED): committed when `f` returns
    /// `Ok`, rolled back when it returns `Err`.
    pub async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Tx) -> Result<T> + Send + 'static,
    {
        self.on_writer(Begin::Deferred, f).await
    }

    /// As [`Registry::write`], but takes the write lock at once (BEGIN IMMEDIATE): for a
    /// transaction that reads, then writes what it read (a claim, a quota check), which a
    /// concurrent writer must not slip between.
    pub async fn write_immediate<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Tx) -> Result<T> + Send + 'static,
    {
        self.on_writer(Begin::Immediate, f).await
    }

    async fn on_writer<T, F>(&self, begin: Begin, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Tx) -> Result<T> + Send + 'static,
    {
        let history = Arc::clone(&self.history);
        self.writer
            .run(move |conn| {
                let out = in_transaction(conn, begin, f);
                publish_history(conn, &history);
                out
            })
            .await
    }

    /// Runs a read-only `f` on a reader connection, beside the writer, in one snapshot.
    pub async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Snap) -> Result<T> + Send + 'static,
    {
        match &self.readers {
            Some(readers) => readers.run(move |conn| in_snapshot(conn, f)).await,
            None => self.writer.run(move |conn| in_snapshot(conn, f)).await,
        }
    }

    /// [`Registry::write`] on this thread, for synchronous callers (`rsrcd admin`, unit tests).
    /// Never call it from async code: it blocks until the writer is free.
    pub fn write_blocking<T>(&self, f: impl FnOnce(&Tx) -> Result<T>) -> Result<T> {
        self.on_writer_blocking(|conn| in_transaction(conn, Begin::Deferred, f))
    }

    /// [`Registry::write_immediate`] on this thread; see [`Registry::write_blocking`].
    pub fn write_immediate_blocking<T>(&self, f: impl FnOnce(&Tx) -> Result<T>) -> Result<T> {
        self.on_writer_blocking(|conn| in_transaction(conn, Begin::Immediate, f))
    }

    /// Runs `f` with the writer connection on this thread, then publishes the history cursor.
    fn on_writer_blocking<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = self
            .writer_conn
            .lock()
            .map_err(|_| Error::internal("registry lock poisoned"))?;
        let out = f(&conn);
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
        self.write_blocking(|tx| {
            let conn = tx.conn();
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
        self.on_writer_blocking(|conn| {
            conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
                .context("checkpoint")
        })
    }
}

/// Tells the bus about history entries a write committed. Runs after every write: a write that
/// added none costs one indexed lookup.
fn publish_history(conn: &Connection, history: &watch::Sender<i64>) {
    match history::latest_id(&Snap { conn }) {
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
