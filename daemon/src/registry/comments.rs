//! The `comments` table: comments on machines, oldest first by id. A deleted author's comments
//! stay with `author_id` NULL; a removed machine takes its comments along (ON DELETE CASCADE).
//! The per-machine count is kept by triggers (migration 0011).

use rusqlite::{named_params, Row};

use super::query;
use crate::registry::{Snap, Tx};

/// A comment as stored, with its machine's name and its author's display name (`None` once the
/// account is deleted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub id: i64,
    pub machine: String,
    pub author_id: Option<i64>,
    pub author: Option<String>,
    pub text: String,
    pub created_at: i64,
    pub edited_at: Option<i64>,
}

/// Where a page starts: after or before an id (exclusive), or at the oldest comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    Start,
    After(i64),
    Before(i64),
}

const SELECT: &str = "SELECT c.id, m.name, c.author_id, u.name, c.text, c.created_at, c.edited_at
     FROM comments c
     JOIN machines m ON m.id = c.machine_id
     LEFT JOIN users u ON u.id = c.author_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Stored> {
    Ok(Stored {
        id: r.get(0)?,
        machine: r.get(1)?,
        author_id: r.get(2)?,
        author: r.get(3)?,
        text: r.get(4)?,
        created_at: r.get(5)?,
        edited_at: r.get(6)?,
    })
}

pub fn insert(
    tx: &Tx,
    machine_id: i64,
    author_id: i64,
    text: &str,
    now: i64,
) -> crate::error::Result<i64> {
    query::execute(
        tx,
        "insert comment",
        "INSERT INTO comments (machine_id, author_id, text, created_at)
         VALUES (:machine, :author, :text, :now)",
        named_params! {":machine": machine_id, ":author": author_id, ":text": text, ":now": now},
    )?;
    Ok(tx.last_insert_rowid())
}

pub fn by_id(snap: &Snap, id: i64) -> crate::error::Result<Option<Stored>> {
    query::optional(
        snap,
        "read comment",
        &format!("{SELECT} WHERE c.id = :id"),
        named_params! {":id": id},
        from_row,
    )
}

/// One page of a machine's comments, oldest first. A page before an id is the `limit` comments
/// just before it, still oldest first. Ids only grow, so a cursor neither repeats nor skips a
/// comment whatever is added or removed between pages.
pub fn page(
    snap: &Snap,
    machine_id: i64,
    cursor: Cursor,
    limit: u32,
) -> crate::error::Result<Vec<Stored>> {
    let (sql, bound) = match cursor {
        Cursor::Start | Cursor::After(_) => (
            format!(
                "{SELECT} WHERE c.machine_id = :machine AND c.id > :id ORDER BY c.id LIMIT :limit"
            ),
            if let Cursor::After(id) = cursor {
                id
            } else {
                0
            },
        ),
        Cursor::Before(id) => (
            format!(
                "SELECT * FROM ({SELECT} WHERE c.machine_id = :machine AND c.id < :id
                 ORDER BY c.id DESC LIMIT :limit) ORDER BY 1"
            ),
            id,
        ),
    };
    query::list(
        snap,
        "list comments",
        &sql,
        named_params! {":machine": machine_id, ":id": bound, ":limit": limit},
        from_row,
    )
}

pub fn set_text(tx: &Tx, id: i64, text: &str, now: i64) -> crate::error::Result<()> {
    query::execute(
        tx,
        "edit comment",
        "UPDATE comments SET text = :text, edited_at = :now WHERE id = :id",
        named_params! {":id": id, ":text": text, ":now": now},
    )
    .map(drop)
}

pub fn delete(tx: &Tx, id: i64) -> crate::error::Result<()> {
    query::execute(
        tx,
        "remove comment",
        "DELETE FROM comments WHERE id = :id",
        named_params! {":id": id},
    )
    .map(drop)
}
