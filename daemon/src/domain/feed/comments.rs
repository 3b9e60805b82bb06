//! Comments: post (verified users), list (everyone, by cursor), edit (the author), remove (the
//! author or an admin). Anyone else is told the comment does not exist, as for an instance that
//! is not theirs.

use rsrc_shared::api::{Comment, DEFAULT_PAGE, DELETED_USER, MAX_PAGE};

use super::{notify_admins, take_turn, validate_text};
use crate::clock::{now_ms, rfc3339};
use crate::domain::accounts::Caller;
use crate::domain::machines::by_name;
use crate::error::{Error, Result};
use crate::registry::comments::{self as rows, Cursor, Stored};
use crate::State;

pub use rsrc_shared::api::query::CommentsQuery as PageQuery;

fn number(field: &str, value: &str) -> Result<i64> {
    value
        .parse::<i64>()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(|| Error::invalid(format!("{field}: `{value}` is not a comment id")))
}

/// The cursor and size of the page `query` asks for.
fn page(query: &PageQuery) -> Result<(Cursor, u32)> {
    let limit = match &query.limit {
        None => DEFAULT_PAGE,
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_PAGE).contains(n))
            .ok_or_else(|| Error::invalid(format!("limit: must be 1 to {MAX_PAGE}, not `{v}`")))?,
    };
    let cursor = match (&query.before, &query.after) {
        (Some(_), Some(_)) => {
            return Err(Error::invalid(
                "before and after: give one of them, not both",
            ))
        }
        (Some(v), None) => Cursor::Before(number("before", v)?),
        (None, Some(v)) => Cursor::After(number("after", v)?),
        (None, None) => Cursor::Start,
    };
    Ok((cursor, limit))
}

fn to_api(c: Stored) -> Comment {
    Comment {
        id: c.id,
        machine: c.machine,
        author: c.author.unwrap_or_else(|| DELETED_USER.to_string()),
        text: c.text,
        created_at: rfc3339(c.created_at),
        edited_at: c.edited_at.map(rfc3339),
    }
}

fn no_comment(id: i64) -> Error {
    Error::not_found(format!("no comment {id}"))
}

/// Posts a comment; admins who asked are mailed of it in the same transaction.
pub async fn comment(
    state: &State,
    caller: &Caller,
    machine: String,
    text: &str,
) -> Result<Comment> {
    caller.require_verified()?;
    let text = validate_text("text", text)?;
    let (author, author_name) = (caller.user.id, caller.user.name.clone());
    let outbox = state.outbox.clone();
    let limit = state.config.limits.comments();
    let delay = state.config.limits.feedback_digest_delay();
    let (comment, mailed) = state
        .registry
        .write(move |tx| {
            let stored = by_name(tx, &machine)?;
            take_turn(tx, limit, author, "comments")?;
            let id = rows::insert(tx, stored.id, author, &text, now_ms())?;
            let mailed = notify_admins(
                tx,
                &outbox,
                delay,
                author,
                &format!(
                    "{author_name} commented on machine {machine} (comment {id}):\n\n{text}\n"
                ),
            )?;
            let comment = rows::by_id(tx, id)?.ok_or_else(|| no_comment(id))?;
            Ok((to_api(comment), mailed))
        })
        .await?;
    if mailed {
        state.outbox.wake();
    }
    Ok(comment)
}

/// One page of a machine's comments, oldest first.
pub async fn comments(state: &State, machine: String, query: PageQuery) -> Result<Vec<Comment>> {
    let (cursor, limit) = page(&query)?;
    state
        .registry
        .read(move |snap| {
            let stored = by_name(snap, &machine)?;
            Ok(rows::page(snap, stored.id, cursor, limit)?
                .into_iter()
                .map(to_api)
                .collect())
        })
        .await
}

/// Changes a comment's text; only its author may.
pub async fn edit_comment(state: &State, caller: &Caller, id: i64, text: &str) -> Result<Comment> {
    caller.require_verified()?;
    let text = validate_text("text", text)?;
    let me = caller.user.id;
    state
        .registry
        .write(move |tx| {
            match rows::by_id(tx, id)? {
                Some(c) if c.author_id == Some(me) => {}
                _ => return Err(no_comment(id)),
            }
            rows::set_text(tx, id, &text, now_ms())?;
            let comment = rows::by_id(tx, id)?.ok_or_else(|| no_comment(id))?;
            Ok(to_api(comment))
        })
        .await
}

/// Removes a comment; its author or an admin may.
pub async fn remove_comment(state: &State, caller: &Caller, id: i64) -> Result<()> {
    caller.require_verified()?;
    let (me, admin) = (caller.user.id, caller.is_admin());
    state
        .registry
        .write(move |tx| {
            match rows::by_id(tx, id)? {
                Some(c) if admin || c.author_id == Some(me) => {}
                _ => return Err(no_comment(id)),
            }
            rows::delete(tx, id)?;
            Ok(())
        })
        .await
}
