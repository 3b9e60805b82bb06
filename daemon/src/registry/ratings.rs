//! The `ratings` table: one rating (1–5 stars, optional feedback) per user per machine. The
//! per-machine count and sum are kept by triggers (migration 0011).

use rusqlite::{named_params, Row};

use super::query;
use crate::error::Result;
use crate::registry::{Snap, Tx};

/// A rating as `machine feedback` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub machine: String,
    pub author: String,
    pub stars: i64,
    pub feedback: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Sets the user's rating and feedback; the last one wins.
pub fn set(
    tx: &Tx,
    machine_id: i64,
    user_id: i64,
    stars: i64,
    feedback: Option<&str>,
    now: i64,
) -> Result<()> {
    query::execute(
        tx,
        "rate",
        "INSERT INTO ratings (machine_id, user_id, stars, feedback, created_at, updated_at)
         VALUES (:machine, :user, :stars, :feedback, :now, :now)
         ON CONFLICT (machine_id, user_id) DO UPDATE
         SET stars = excluded.stars, feedback = excluded.feedback, updated_at = excluded.updated_at",
        named_params! {":machine": machine_id, ":user": user_id, ":stars": stars,
                       ":feedback": feedback, ":now": now},
    )
    .map(drop)
}

pub fn clear(tx: &Tx, machine_id: i64, user_id: i64) -> Result<()> {
    query::execute(
        tx,
        "withdraw rating",
        "DELETE FROM ratings WHERE machine_id = :machine AND user_id = :user",
        named_params! {":machine": machine_id, ":user": user_id},
    )
    .map(drop)
}

/// The user's own ratings by machine id: one query for a whole listing.
pub fn own(snap: &Snap, user_id: i64) -> Result<Vec<(i64, i64)>> {
    query::list(
        snap,
        "read own ratings",
        "SELECT machine_id, stars FROM ratings WHERE user_id = :user",
        named_params! {":user": user_id},
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Stored> {
    Ok(Stored {
        machine: r.get(0)?,
        author: r.get(1)?,
        stars: r.get(2)?,
        feedback: r.get(3)?,
        created_at: r.get(4)?,
        updated_at: r.get(5)?,
    })
}

/// A machine's ratings, newest first; only `user`'s when given.
pub fn feedback(snap: &Snap, machine_id: i64, user: Option<i64>) -> Result<Vec<Stored>> {
    query::list(
        snap,
        "list feedback",
        "SELECT m.name, u.name, r.stars, r.feedback, r.created_at, r.updated_at
         FROM ratings r JOIN machines m ON m.id = r.machine_id JOIN users u ON u.id = r.user_id
         WHERE r.machine_id = :machine AND (:user IS NULL OR r.user_id = :user)
         ORDER BY r.updated_at DESC, r.user_id",
        named_params! {":machine": machine_id, ":user": user},
        from_row,
    )
}
