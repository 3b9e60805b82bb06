//! The few helpers every repository uses: cached statements, row lists and optional rows, each
//! failure carrying the repository's context.

use rusqlite::{OptionalExtension, Params, Row};

use super::{Snap, Tx};

use crate::error::{RegistryContext, Result};

/// Runs a cached statement and maps every row.
pub fn list<T, P: Params>(
    conn: &Snap,
    context: &str,
    sql: &str,
    params: P,
    map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql).context(context)?;
    let rows = stmt.query_map(params, map).context(context)?;
    rows.collect::<rusqlite::Result<Vec<T>>>().context(context)
}

/// Runs a cached statement that yields at most one row.
pub fn optional<T, P: Params>(
    conn: &Snap,
    context: &str,
    sql: &str,
    params: P,
    map: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Option<T>> {
    let mut stmt = conn.prepare_cached(sql).context(context)?;
    stmt.query_row(params, map).optional().context(context)
}

/// Runs a cached statement that changes rows; returns how many.
pub fn execute<P: Params>(conn: &Tx, context: &str, sql: &str, params: P) -> Result<usize> {
    let mut stmt = conn.prepare_cached(sql).context(context)?;
    stmt.execute(params).context(context)
}

/// Runs a cached statement and hands every row to `each`, collecting nothing: for reads that
/// group rows into something of the caller's.
pub fn each<P: Params>(
    conn: &Snap,
    context: &str,
    sql: &str,
    params: P,
    mut each: impl FnMut(&Row<'_>) -> rusqlite::Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(sql).context(context)?;
    let mut rows = stmt.query(params).context(context)?;
    while let Some(row) = rows.next().context(context)? {
        each(row).context(context)?;
    }
    Ok(())
}
