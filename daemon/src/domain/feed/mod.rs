//! The feed (SPEC §7, issue 10): comments, votes, ratings and feedback on machines.
//!
//! Only verified users write (the route says so, and every write checks again); everyone logged
//! in reads. The counts shown with a machine come from `machine_feed`, which triggers keep in the
//! same transaction as every vote, rating and comment (migration 0011), so `machine ls` never
//! scans votes and the counts equal a recount whatever runs at once. The SQL is in
//! `registry::{comments, votes, ratings}`.

mod comments;
mod votes;

use std::collections::HashMap;
use std::time::Duration;

use rsrc_shared::api::{Machine, MachineSort, Vote, MAX_TEXT_CHARS};

use crate::clock::now_ms;
use crate::domain::notify::outbox::Outbox;
use crate::domain::rates;
use crate::error::{Error, Result};
use crate::registry::machines::Feed;
use crate::registry::{ratings, users, votes as vote_rows, Snap, Tx};

pub use comments::{comment, comments, edit_comment, remove_comment, PageQuery};
pub use votes::{feedback, rate, unrate, unvote, vote};

/// Checks a comment or feedback text and returns it trimmed: 1 to 2000 characters (not
/// bytes), no control characters but newline and tab. `field` names it in the error.
pub fn validate_text(field: &str, text: &str) -> Result<String> {
    let text = text.trim();
    let chars = text.chars().count();
    if chars == 0 {
        return Err(Error::invalid(format!("{field}: must not be empty")));
    }
    if chars > MAX_TEXT_CHARS {
        return Err(Error::invalid(format!(
            "{field}: {chars} characters is more than {MAX_TEXT_CHARS}"
        )));
    }
    if let Some(c) = text
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\t'))
    {
        return Err(Error::invalid(format!(
            "{field}: control character {} is not allowed (only newline and tab are)",
            c.escape_unicode()
        )));
    }
    Ok(text.to_string())
}

/// Copies a machine's counters into its API form; the mean to one decimal.
pub fn apply_counts(machine: &mut Machine, feed: Feed) {
    machine.likes = feed.likes;
    machine.dislikes = feed.dislikes;
    machine.ratings = feed.ratings;
    machine.comments = feed.comments;
    machine.rating = (feed.ratings > 0)
        .then(|| (feed.rating_sum as f64 / feed.ratings as f64 * 10.0).round() / 10.0);
}

/// The caller's own votes and ratings, read once for a whole listing.
#[derive(Debug, Default)]
pub struct Own {
    votes: HashMap<i64, i64>,
    ratings: HashMap<i64, i64>,
}

impl Own {
    /// Reads `user_id`'s votes and ratings; user 0 (an internal viewer) has none.
    pub fn read(snap: &Snap, user_id: i64) -> Result<Own> {
        if user_id == 0 {
            return Ok(Own::default());
        }
        Ok(Own {
            votes: vote_rows::own(snap, user_id)?.into_iter().collect(),
            ratings: ratings::own(snap, user_id)?.into_iter().collect(),
        })
    }

    pub fn apply(&self, machine_id: i64, machine: &mut Machine) {
        machine.my_vote =
            self.votes
                .get(&machine_id)
                .map(|v| if *v > 0 { Vote::Like } else { Vote::Dislike });
        machine.my_rating = self.ratings.get(&machine_id).copied();
    }
}

/// Orders a listing: by name, or best first with the name breaking ties (and machines without
/// a rating last when sorting by rating).
pub fn sort(machines: &mut [Machine], by: MachineSort) {
    use std::cmp::Ordering;
    machines.sort_by(|a, b| {
        let order = match by {
            MachineSort::Name => Ordering::Equal,
            MachineSort::Rating => match (a.rating, b.rating) {
                (Some(x), Some(y)) => y.total_cmp(&x).then(b.ratings.cmp(&a.ratings)),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
            MachineSort::Likes => b.likes.cmp(&a.likes).then(a.dislikes.cmp(&b.dislikes)),
            MachineSort::Instances => b.instances.cmp(&a.instances),
        };
        order.then_with(|| a.name.cmp(&b.name))
    });
}

/// The subject of the admins' feedback digest.
const DIGEST_SUBJECT: &str = "Feedback on rsrc machines";

/// Adds `entry` to the feedback digest of every admin who asked for feedback mail, but not of
/// `author` themself, inside the caller's transaction. One mail per comment let a loop of
/// comments fill the outbox for everyone; a digest is one mail per admin however many come.
fn notify_admins(
    tx: &Tx,
    outbox: &Outbox,
    delay: Duration,
    author: i64,
    entry: &str,
) -> Result<bool> {
    let recipients = users::feedback_recipients(tx, author)?;
    for to in &recipients {
        outbox.add_to_digest(tx, delay, to, DIGEST_SUBJECT, entry)?;
    }
    Ok(!recipients.is_empty())
}

/// Takes one of `user`'s places under `limit`, or refuses: "too many `what` from you".
fn take_turn(tx: &Tx, limit: rates::Limit, user: i64, what: &str) -> Result<()> {
    match rates::take(tx, &[(limit, &user.to_string())], now_ms())? {
        None => Ok(()),
        Some(wait) => Err(Error::RateLimited(format!(
            "too many {what} from you lately; try again {}",
            rates::wait_words(wait)
        ))),
    }
}

/// Reads `stars` 1 to 5.
fn validate_stars(stars: i64) -> Result<i64> {
    if (1..=5).contains(&stars) {
        Ok(stars)
    } else {
        Err(Error::invalid(format!(
            "stars: must be 1 to 5, not {stars}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_trimmed_counted_in_characters_and_free_of_controls() {
        assert_eq!(validate_text("text", "  hi\n").unwrap(), "hi");
        assert_eq!(validate_text("text", "a\n\tb").unwrap(), "a\n\tb");
        assert!(validate_text("text", " \n ").is_err());
        let long = "é".repeat(MAX_TEXT_CHARS);
        assert_eq!(validate_text("text", &long).unwrap(), long);
        let err = validate_text("feedback", &format!("{long}x")).unwrap_err();
        assert!(err.to_string().contains("feedback"), "{err}");
        for bad in ["a\u{1b}[31mb", "a\rb", "a\u{0}b", "a\u{7f}b", "a\u{9b}b"] {
            let err = validate_text("text", bad).unwrap_err();
            assert!(matches!(err, Error::Invalid(_)), "{bad:?}");
        }
    }

    #[test]
    fn means_have_one_decimal() {
        let mut m: Machine = serde_json::from_str(
            r#"{"name":"a","description":"","image":"i","ports":[],"props":[],"command":null,
            "volumes":[],"limits":{},"max_per_user":1,"active":true,"connect":null,
            "restart":"no","instances":0,"likes":0,"dislikes":0,"rating":null,
            "created_at":"","updated_at":""}"#,
        )
        .unwrap();
        apply_counts(&mut m, Feed::default());
        assert_eq!(m.rating, None);
        apply_counts(
            &mut m,
            Feed {
                ratings: 3,
                rating_sum: 11,
                ..Feed::default()
            },
        );
        assert_eq!(m.rating, Some(3.7));
    }
}
