//! `rsrc events` (SPEC §6): the history as NDJSON, then, when following, each new entry as it is
//! committed. A user reads only their own instances' entries (the owner is checked in the query
//! of every page, also while following); an admin reads everyone's with `all`.
//!
//! The stream is pulled: a page is read from the table only when the client has taken the last
//! one, so memory stays bounded whatever the reader's pace, and the table is the buffer. The
//! cursor is an entry id: the seam between the history and the live part has no gap and no
//! duplicate. A follower so far behind that the table would have to be its buffer for long is
//! cut off with a last line that says so.

use std::collections::VecDeque;

use bytes::Bytes;
use futures_util::Stream;
use rsrc_shared::api::Event;
use rsrc_shared::{ErrorBody, ErrorCode};
use tokio::sync::watch;

use crate::clock::{now_ms, rfc3339};
use crate::domain::accounts::Caller;
use crate::domain::instances::resolve;
use crate::domain::uptime::parse_since;
use crate::error::{Error, Result};
use crate::registry::history::{self as repo, Filter, Listed};
use crate::registry::Registry;
use crate::State;

/// Entries read per page.
const PAGE: i64 = 256;
/// How many entries a follower may fall behind the newest before it is cut off.
pub const MAX_LAG: i64 = 50_000;

/// What `GET /v1/events` asks for.
#[derive(Debug, Default, Clone)]
pub struct Query {
    pub since: Option<String>,
    pub until: Option<String>,
    pub instance: Option<String>,
    pub all: bool,
    pub follow: bool,
    /// Entries after this id only: a follower reconnecting goes on where it was.
    pub after: Option<i64>,
}

/// The API's view of an entry.
pub fn to_api(listed: Listed) -> Event {
    let Listed {
        stored: e,
        owner,
        name,
    } = listed;
    Event {
        id: e.id,
        at: rfc3339(e.event.at),
        instance: e.event.instance_id.clone(),
        name,
        owner,
        kind: e.event.kind,
        cause: e.event.cause.clone(),
        up: e.event.up,
        exit_code: e.event.exit_code,
        detail: e.event.detail.clone(),
    }
}

/// Checks the request and returns the NDJSON stream of its entries.
pub async fn stream(
    state: &State,
    caller: &Caller,
    q: Query,
) -> Result<impl Stream<Item = Result<Bytes>> + Send + 'static> {
    if q.all {
        caller.require_admin()?;
    }
    let now = now_ms();
    let since = q
        .since
        .as_deref()
        .map(|s| parse_since(s, now))
        .transpose()?;
    let until = q
        .until
        .as_deref()
        .map(|s| parse_since(s, now))
        .transpose()?;
    let mut filter = Filter {
        owner: (!q.all).then_some(caller.user.id),
        instance: None,
        since,
        until,
    };
    if let Some(reference) = q.instance {
        let who = caller.clone();
        let r = reference.clone();
        let found = state
            .registry
            .read(move |snap| match resolve(snap, &who, &r) {
                Ok(row) => Ok(Some(row)),
                Err(Error::NotFound(_)) => Ok(None),
                Err(e) => Err(e),
            })
            .await?;
        match found {
            // An admin names any instance they may see; a user's stays filtered by owner.
            Some(row) => {
                if caller.is_admin() {
                    filter.owner = None;
                }
                filter.instance = Some(row.id);
            }
            // A removed instance's history is still there under its id; an id or name with no
            // history the caller may read is not found, as `uptime` says.
            None => {
                filter.instance = Some(reference.clone());
                let probe = filter.clone();
                let any = state
                    .registry
                    .read(move |snap| repo::page(snap, &probe, 0, 1))
                    .await?;
                if any.is_empty() {
                    return Err(Error::NotFound(format!("no instance `{reference}`")));
                }
            }
        }
    }
    // With an end in the past or present there is nothing to follow.
    let follow = q.follow && until.is_none();
    let published = state.registry.history_cursor();
    Ok(Reader {
        registry: state.registry.clone(),
        filter,
        cursor: q.after.unwrap_or(0).max(0),
        follow,
        live: false,
        published,
        pending: VecDeque::new(),
        done: false,
    }
    .into_stream())
}

struct Reader {
    registry: Registry,
    filter: Filter,
    /// The id of the last entry read (or passed over: not the caller's).
    cursor: i64,
    follow: bool,
    /// Caught up with the history: from here on, waiting for new entries.
    live: bool,
    published: watch::Receiver<i64>,
    pending: VecDeque<Bytes>,
    done: bool,
}

impl Reader {
    fn into_stream(self) -> impl Stream<Item = Result<Bytes>> + Send + 'static {
        futures_util::stream::unfold(self, |mut r| async move {
            match r.next().await {
                Ok(Some(line)) => Some((Ok(line), r)),
                Ok(None) => None,
                Err(e) => {
                    r.done = true;
                    Some((Err(e), r))
                }
            }
        })
    }

    async fn next(&mut self) -> Result<Option<Bytes>> {
        loop {
            if let Some(line) = self.pending.pop_front() {
                return Ok(Some(line));
            }
            if self.done {
                return Ok(None);
            }
            let newest = *self.published.borrow_and_update();
            if self.live && newest - self.cursor > MAX_LAG {
                self.done = true;
                return Ok(Some(error_line(&format!(
                    "this reader fell more than {MAX_LAG} entries behind and was cut off; \
                     read on with --since"
                ))));
            }
            let (filter, after) = (self.filter.clone(), self.cursor);
            let page = self
                .registry
                .read(move |snap| repo::page(snap, &filter, after, PAGE))
                .await?;
            let full = page.len() as i64 == PAGE;
            if let Some(last) = page.last() {
                self.cursor = last.stored.id;
            }
            if !full {
                // Everything up to `newest` was committed before it was published: read.
                self.cursor = self.cursor.max(newest);
            }
            for listed in page {
                let mut line = serde_json::to_vec(&to_api(listed))
                    .map_err(|e| Error::internal(format!("encoding an event: {e}")))?;
                line.push(b'\n');
                self.pending.push_back(Bytes::from(line));
            }
            if !self.pending.is_empty() || full {
                continue;
            }
            if !self.follow {
                self.done = true;
                continue;
            }
            self.live = true;
            if *self.published.borrow() <= self.cursor {
                self.published
                    .changed()
                    .await
                    .map_err(|_| Error::internal("the registry has stopped"))?;
            }
        }
    }
}

fn error_line(message: &str) -> Bytes {
    let mut line = serde_json::to_vec(&ErrorBody::new(ErrorCode::Unavailable, message))
        .unwrap_or_else(|_| b"{}".to_vec());
    line.push(b'\n');
    Bytes::from(line)
}
