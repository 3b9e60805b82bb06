//! `GET /v1/events` (an NDJSON stream of events, read as it arrives) and
//! `GET /v1/instances/{ref}/uptime`.

use rsrc_shared::api::endpoints::{self as ep, NoBody};
use rsrc_shared::api::query::UptimeQuery;
use rsrc_shared::api::{Event, Uptime};
use rsrc_shared::ErrorBody;

use super::stream::Lines;
use super::{Client, ClientError, Credential};

pub use rsrc_shared::api::query::EventsQuery;

impl Client {
    pub async fn events(&self, q: &EventsQuery) -> Result<EventStream, ClientError> {
        let body = self.open_stream(ep::ListEvents, &[], q, &NoBody).await?;
        Ok(EventStream {
            lines: Lines::new(body, "the event stream"),
            finished: false,
            sent: self.credential,
        })
    }

    pub async fn uptime(
        &self,
        reference: &str,
        since: Option<&str>,
    ) -> Result<Uptime, ClientError> {
        let query = UptimeQuery {
            since: since.map(str::to_string),
        };
        self.call(ep::InstanceUptime, &[reference], &query, &NoBody)
            .await
    }
}

/// Events as they arrive.
pub struct EventStream {
    lines: Lines,
    finished: bool,
    sent: Credential,
}

impl EventStream {
    /// The next event; `None` at the end. A line with an error (a reader cut off for falling
    /// behind) ends the stream as that error.
    pub async fn next(&mut self) -> Option<Result<Event, ClientError>> {
        if self.finished {
            return None;
        }
        // `Lines` stops for good after an error or the end; `finished` is for the lines that
        // end the stream here (an error line, a line that is not JSON).
        let item = self.lines.next().await?;
        Some(item.and_then(|text| self.parse(&text)))
    }

    fn parse(&mut self, text: &str) -> Result<Event, ClientError> {
        if let Ok(body) = serde_json::from_str::<ErrorBody>(text) {
            self.finished = true;
            return Err(ClientError::from_detail(body.error, self.sent));
        }
        serde_json::from_str(text).map_err(|e| {
            self.finished = true;
            ClientError::Protocol(format!("a line of the event stream is not valid JSON: {e}"))
        })
    }
}
