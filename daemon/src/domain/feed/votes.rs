//! Votes and ratings: one of each per user per machine, the last one winning; feedback is the
//! text that comes with a rating. Each answer is the machine with its new counts.

use rsrc_shared::api::{Feedback, Machine, RatingSet, Vote};

use super::{notify_admins, take_turn, validate_stars, validate_text};
use crate::clock::{now_ms, rfc3339};
use crate::domain::accounts::Caller;
use crate::domain::machines::by_name;
use crate::error::Result;
use crate::registry::{ratings, votes};
use crate::State;

/// Likes or dislikes `machine`; `None` withdraws the vote.
async fn set_vote(
    state: &State,
    caller: &Caller,
    machine: String,
    vote: Option<Vote>,
) -> Result<Machine> {
    caller.require_verified()?;
    let me = caller.user.id;
    let name = machine.clone();
    let limit = state.config.limits.votes();
    state
        .registry
        .write(move |tx| {
            let stored = by_name(tx, &name)?;
            take_turn(tx, limit, me, "votes and ratings")?;
            match vote {
                Some(v) => {
                    let value = if v == Vote::Like { 1 } else { -1 };
                    votes::set(tx, stored.id, me, value, now_ms())
                }
                None => votes::clear(tx, stored.id, me),
            }
        })
        .await?;
    crate::domain::machines::show(state, caller, machine).await
}

pub async fn vote(state: &State, caller: &Caller, machine: String, vote: Vote) -> Result<Machine> {
    set_vote(state, caller, machine, Some(vote)).await
}

pub async fn unvote(state: &State, caller: &Caller, machine: String) -> Result<Machine> {
    set_vote(state, caller, machine, None).await
}

/// Rates `machine`; feedback text, when given, is mailed to the admins who asked.
pub async fn rate(
    state: &State,
    caller: &Caller,
    machine: String,
    req: RatingSet,
) -> Result<Machine> {
    caller.require_verified()?;
    let stars = validate_stars(req.stars)?;
    let feedback = req
        .feedback
        .as_deref()
        .map(|t| validate_text("feedback", t))
        .transpose()?;
    let (me, my_name) = (caller.user.id, caller.user.name.clone());
    let outbox = state.outbox.clone();
    let name = machine.clone();
    let limit = state.config.limits.votes();
    let delay = state.config.limits.feedback_digest_delay();
    let mailed = state
        .registry
        .write(move |tx| {
            let stored = by_name(tx, &name)?;
            take_turn(tx, limit, me, "votes and ratings")?;
            ratings::set(tx, stored.id, me, stars, feedback.as_deref(), now_ms())?;
            let mailed = match &feedback {
                Some(text) => notify_admins(
                    tx,
                    &outbox,
                    delay,
                    me,
                    &format!("{my_name} rated machine {name} {stars}/5:\n\n{text}\n"),
                )?,
                None => false,
            };
            Ok(mailed)
        })
        .await?;
    if mailed {
        state.outbox.wake();
    }
    crate::domain::machines::show(state, caller, machine).await
}

pub async fn unrate(state: &State, caller: &Caller, machine: String) -> Result<Machine> {
    caller.require_verified()?;
    let me = caller.user.id;
    let name = machine.clone();
    state
        .registry
        .write(move |tx| {
            let stored = by_name(tx, &name)?;
            ratings::clear(tx, stored.id, me)
        })
        .await?;
    crate::domain::machines::show(state, caller, machine).await
}

/// A machine's ratings and feedback, newest first: all of them for an admin, a user's own
/// otherwise.
pub async fn feedback(state: &State, caller: &Caller, machine: String) -> Result<Vec<Feedback>> {
    let only = (!caller.is_admin()).then_some(caller.user.id);
    state
        .registry
        .read(move |snap| {
            let stored = by_name(snap, &machine)?;
            Ok(ratings::feedback(snap, stored.id, only)?
                .into_iter()
                .map(|r| Feedback {
                    machine: r.machine,
                    author: r.author,
                    stars: r.stars,
                    feedback: r.feedback,
                    created_at: rfc3339(r.created_at),
                    updated_at: rfc3339(r.updated_at),
                })
                .collect())
        })
        .await
}
