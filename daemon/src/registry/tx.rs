//! Transactions as the registry hands them out: [`Tx`] and [`Snap`], which only code in
//! `registry/` can run SQL through, the begin/commit/rollback around a closure, and how SQLite's
//! errors become the daemon's.

use rusqlite::Connection;

use crate::error::{Error, RegistryContext, Result};

/// A view of the registry in one snapshot: what repositories' read functions take. Code outside
/// `registry/` gets one from [`Registry::read`] (or as a [`Tx`]) and cannot run SQL with it.
pub struct Snap<'c> {
    pub(super) conn: &'c Connection,
}

/// A write transaction on the writer connection, from [`Registry::write`]: what repositories'
/// write functions take. It is a [`Snap`] too, so read functions accept it.
pub struct Tx<'c> {
    pub(super) snap: Snap<'c>,
}

impl<'c> std::ops::Deref for Tx<'c> {
    type Target = Snap<'c>;

    fn deref(&self) -> &Snap<'c> {
        &self.snap
    }
}

impl Snap<'_> {
    /// The connection, for the repositories.
    pub(in crate::registry) fn conn(&self) -> &Connection {
        self.conn
    }

    pub(in crate::registry) fn prepare_cached(
        &self,
        sql: &str,
    ) -> rusqlite::Result<rusqlite::CachedStatement<'_>> {
        self.conn.prepare_cached(sql)
    }

    #[cfg(test)]
    pub(in crate::registry) fn query_row<T, P, F>(
        &self,
        sql: &str,
        params: P,
        f: F,
    ) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    {
        self.conn.query_row(sql, params, f)
    }
}

impl Tx<'_> {
    #[cfg(test)]
    pub(in crate::registry) fn execute<P: rusqlite::Params>(
        &self,
        sql: &str,
        params: P,
    ) -> rusqlite::Result<usize> {
        self.conn().execute(sql, params)
    }

    #[cfg(test)]
    pub(in crate::registry) fn execute_batch(&self, sql: &str) -> rusqlite::Result<()> {
        self.conn().execute_batch(sql)
    }

    pub(in crate::registry) fn last_insert_rowid(&self) -> i64 {
        self.conn().last_insert_rowid()
    }

    /// Runs `f` as a nested step of this transaction: its writes are undone when it returns
    /// `Err`, and the transaction goes on.
    pub fn savepoint<T>(&self, f: impl FnOnce(&Tx) -> Result<T>) -> Result<T> {
        let conn = self.conn();
        conn.execute_batch("SAVEPOINT step")
            .context("begin a step")?;
        match f(self) {
            Ok(out) => {
                conn.execute_batch("RELEASE step").context("end a step")?;
                Ok(out)
            }
            Err(e) => {
                if let Err(undo) = conn.execute_batch("ROLLBACK TO step; RELEASE step") {
                    tracing::warn!(error = %undo, "cannot undo a step");
                }
                Err(e)
            }
        }
    }
}

/// A failure of the database itself, the source of [`Error::Registry`].
#[derive(Debug)]
pub struct DbError(pub(super) rusqlite::Error);

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for DbError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl<T> RegistryContext<T> for rusqlite::Result<T> {
    fn context(self, context: &str) -> Result<T> {
        self.map_err(|source| Error::Registry {
            context: context.to_string(),
            source: DbError(source),
        })
    }
}

/// Whether a rusqlite error is a UNIQUE (or PRIMARY KEY) constraint violation.
pub(super) fn is_unique_violation(err: &rusqlite::Error) -> bool {
    matches!(
        err,
        rusqlite::Error::SqliteFailure(e, _)
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
    )
}

#[derive(Clone, Copy)]
pub(super) enum Begin {
    Deferred,
    Immediate,
}

/// Ends a transaction that was not committed (an `Err`, a failed commit, a panic): rolls back.
struct Open<'c> {
    conn: &'c Connection,
}

impl Drop for Open<'_> {
    fn drop(&mut self) {
        if !self.conn.is_autocommit() {
            if let Err(e) = self.conn.execute_batch("ROLLBACK") {
                tracing::warn!(error = %e, "cannot roll back a transaction");
            }
        }
    }
}

/// Runs `f` in a transaction: commits on `Ok`, rolls back on `Err`.
pub(super) fn in_transaction<T>(
    conn: &Connection,
    begin: Begin,
    f: impl FnOnce(&Tx) -> Result<T>,
) -> Result<T> {
    let sql = match begin {
        Begin::Deferred => "BEGIN DEFERRED",
        Begin::Immediate => "BEGIN IMMEDIATE",
    };
    conn.execute_batch(sql).context("begin")?;
    let open = Open { conn };
    let out = f(&Tx {
        snap: Snap { conn },
    })?;
    conn.execute_batch("COMMIT").context("commit")?;
    drop(open);
    Ok(out)
}

/// Runs `f` in a read transaction, so that all its queries see one state of the registry: a
/// listing's rows, ports, volumes and uptime marks must agree (a mark written between two of
/// its queries would make the newest mark older than the window's first).
pub(super) fn in_snapshot<T>(conn: &Connection, f: impl FnOnce(&Snap) -> Result<T>) -> Result<T> {
    conn.execute_batch("BEGIN DEFERRED")
        .context("begin a read")?;
    // A read transaction has nothing to keep: ending it either way only lets go of the snapshot.
    let _open = Open { conn };
    f(&Snap { conn })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::{fixtures, Registry};

    #[tokio::test]
    async fn a_read_sees_one_state_of_the_registry_however_many_queries_it_makes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rsrc.db");
        let reg = Registry::open(&path).unwrap();
        let writer_path = path.clone();
        let (before, after) = reg
            .read(move |snap| {
                let count = |snap: &Snap| -> Result<i64> {
                    snap.query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))
                        .context("count users")
                };
                let before = count(snap)?;
                // Another connection commits between the read's two queries.
                let other = Connection::open(&writer_path).context("open")?;
                in_transaction(&other, Begin::Deferred, |tx| {
                    fixtures::insert_user(tx, 7, "late@example.com", false)
                })?;
                Ok((before, count(snap)?))
            })
            .await
            .unwrap();
        assert_eq!(before, after, "the second query saw a later state");
        let now: i64 = reg
            .read(|snap| {
                snap.query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))
                    .context("count users")
            })
            .await
            .unwrap();
        assert_eq!(now, before + 1, "the next read sees the commit");
    }

    fn users(snap: &Snap) -> Result<i64> {
        snap.query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))
            .context("count users")
    }

    #[tokio::test]
    async fn a_write_commits_on_ok_and_rolls_back_on_err() {
        let reg = Registry::open_in_memory().unwrap();
        let refused = reg
            .write(|tx| {
                fixtures::insert_user(tx, 1, "a@example.com", false)?;
                Err::<(), _>(Error::conflict("changed my mind"))
            })
            .await;
        assert!(matches!(refused, Err(Error::Conflict(_))), "{refused:?}");
        assert_eq!(reg.read(users).await.unwrap(), 0, "rolled back");
        reg.write_immediate(|tx| fixtures::insert_user(tx, 1, "a@example.com", false))
            .await
            .unwrap();
        assert_eq!(reg.read(users).await.unwrap(), 1, "committed");
    }

    #[test]
    fn a_savepoint_undoes_its_own_step_only() {
        let reg = Registry::open_in_memory().unwrap();
        reg.write_blocking(|tx| {
            fixtures::insert_user(tx, 1, "a@example.com", false)?;
            let step = tx.savepoint(|tx| {
                fixtures::insert_user(tx, 2, "b@example.com", false)?;
                Err::<(), _>(Error::conflict("undo the step"))
            });
            assert!(step.is_err());
            assert_eq!(users(tx)?, 1, "the step is undone, the transaction goes on");
            tx.savepoint(|tx| fixtures::insert_user(tx, 3, "c@example.com", false))
        })
        .unwrap();
        assert_eq!(reg.write_blocking(|tx| users(tx)).unwrap(), 2);
    }
}
