//! The `votes` table: one like (+1) or dislike (-1) per user per machine. The per-machine
//! counts are kept by triggers (migration 0011), so they follow every change, including the
//! cascades from a deleted user or machine.

use rusqlite::named_params;

use super::{query, Snap, Tx};
use crate::error::Result;

/// Sets the user's vote; the last one wins.
pub fn set(tx: &Tx, machine_id: i64, user_id: i64, value: i64, now: i64) -> Result<()> {
    query::execute(
        tx,
        "vote",
        "INSERT INTO votes (machine_id, user_id, value, at) VALUES (:machine, :user, :value, :now)
         ON CONFLICT (machine_id, user_id) DO UPDATE SET value = excluded.value, at = excluded.at
         WHERE value != excluded.value",
        named_params! {":machine": machine_id, ":user": user_id, ":value": value, ":now": now},
    )
    .map(drop)
}

/// Withdraws the user's vote; none is fine.
pub fn clear(tx: &Tx, machine_id: i64, user_id: i64) -> Result<()> {
    query::execute(
        tx,
        "withdraw vote",
        "DELETE FROM votes WHERE machine_id = :machine AND user_id = :user",
        named_params! {":machine": machine_id, ":user": user_id},
    )
    .map(drop)
}

/// The user's own votes by machine id: one query for a whole listing.
pub fn own(snap: &Snap, user_id: i64) -> Result<Vec<(i64, i64)>> {
    query::list(
        snap,
        "read own votes",
        "SELECT machine_id, value FROM votes WHERE user_id = :user",
        named_params! {":user": user_id},
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;
    use crate::registry::users::fixtures::{seeded, Seeded, NOW};
    use crate::registry::{comments, ratings};

    fn spec(name: &str) -> rsrc_shared::api::MachineSpec {
        serde_json::from_value(serde_json::json!({
            "name": name, "image": "redis:7", "ports": [{"port": 6379}], "max_per_user": 1
        }))
        .unwrap()
    }

    fn counts(snap: &Snap, machine: i64) -> (i64, i64, i64, i64, i64) {
        snap.query_row(
            "SELECT likes, dislikes, ratings, rating_sum, comments FROM machine_feed
             WHERE machine_id = ?1",
            [machine],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap()
    }

    /// The triggers keep the counters through changes, withdrawals and the cascades of a
    /// deleted user; a deleted user's comment stays, without its author.
    #[rstest]
    fn counters_follow_every_change(seeded: Seeded) {
        let (alice, bob) = (seeded.alice.id, seeded.bob.id);
        seeded
            .registry
            .write_blocking(|conn| {
                crate::registry::machines::insert(conn, &spec("redis"), NOW)?;
                let m = crate::registry::machines::by_name(conn, "redis")?
                    .unwrap()
                    .id;
                assert_eq!(counts(conn, m), (0, 0, 0, 0, 0));
                set(conn, m, alice, 1, NOW)?;
                set(conn, m, alice, 1, NOW)?;
                set(conn, m, bob, 1, NOW)?;
                assert_eq!(counts(conn, m), (2, 0, 0, 0, 0));
                set(conn, m, bob, -1, NOW)?;
                assert_eq!(counts(conn, m), (1, 1, 0, 0, 0));
                clear(conn, m, alice)?;
                clear(conn, m, alice)?;
                assert_eq!(counts(conn, m), (0, 1, 0, 0, 0));
                ratings::set(conn, m, alice, 4, None, NOW)?;
                ratings::set(conn, m, bob, 5, Some("good"), NOW)?;
                ratings::set(conn, m, bob, 2, Some("worse"), NOW)?;
                assert_eq!(counts(conn, m), (0, 1, 2, 6, 0));
                let c = comments::insert(conn, m, bob, "hi", NOW)?;
                assert_eq!(counts(conn, m).4, 1);
                crate::registry::users::delete(conn, bob)?;
                assert_eq!(counts(conn, m), (0, 0, 1, 4, 1));
                let kept = comments::by_id(conn, c)?.unwrap();
                assert_eq!((kept.author_id, kept.author), (None, None));
                comments::delete(conn, c)?;
                assert_eq!(counts(conn, m).4, 0);
                crate::registry::machines::delete(conn, m)?;
                let left: i64 = conn
                    .query_row(
                        "SELECT (SELECT COUNT(*) FROM votes) + (SELECT COUNT(*) FROM ratings)
                         + (SELECT COUNT(*) FROM comments) + (SELECT COUNT(*) FROM machine_feed)",
                        [],
                        |r| r.get(0),
                    )
                    .unwrap();
                assert_eq!(left, 0);
                Ok(())
            })
            .unwrap();
    }

    #[rstest]
    fn pages_neither_repeat_nor_skip(seeded: Seeded) {
        let alice = seeded.alice.id;
        seeded
            .registry
            .write_blocking(|conn| {
                crate::registry::machines::insert(conn, &spec("redis"), NOW)?;
                let m = crate::registry::machines::by_name(conn, "redis")?
                    .unwrap()
                    .id;
                let ids: Vec<i64> = (0..5)
                    .map(|i| comments::insert(conn, m, alice, &format!("c{i}"), NOW))
                    .collect::<Result<_>>()?;
                let page = |c| -> Result<Vec<i64>> {
                    Ok(comments::page(conn, m, c, 2)?
                        .iter()
                        .map(|c| c.id)
                        .collect())
                };
                assert_eq!(page(comments::Cursor::Start)?, ids[..2]);
                comments::delete(conn, ids[2])?;
                assert_eq!(page(comments::Cursor::After(ids[1]))?, [ids[3], ids[4]]);
                assert_eq!(page(comments::Cursor::Before(ids[4]))?, [ids[1], ids[3]]);
                Ok(())
            })
            .unwrap();
    }
}
