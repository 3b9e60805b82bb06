//! `GET /v1/events` (an NDJSON stream of events, read as it arrives) and
//! `GET /v1/instances/{ref}/uptime`.

use hyper::Method;
use rsrc_shared::api::{paths, Event, Uptime};
use rsrc_shared::ErrorBody;

use super::stream::Lines;
use super::{error_from_reply, read_body, Client, ClientError, Credential};

/// What `rsrc events` asks for.
#[derive(Debug, Default, Clone)]
pub struct EventsQuery {
    pub since: Option<String>,
    pub until: Option<String>,
    pub instance: Option<String>,
    pub all: bool,
    pub follow: bool,
}

impl Client {
    pub async fn events(&self, q: &EventsQuery) -> Result<EventStream, ClientError> {
        let mut path = paths::events();
        for (name, value) in [
            ("since", &q.since),
            ("until", &q.until),
            ("instance", &q.instance),
        ] {
            if let Some(v) = value {
                path = paths::param(path, name, v);
            }
        }
        let path = paths::flag(paths::flag(path, "all", q.all), "follow", q.follow);
        let response = self.send(Method::GET, &path, None).await?;
        let status = response.status();
        if !status.is_success() {
            let bytes = read_body(response.into_body()).await?;
            return Err(error_from_reply(status, &bytes).sent(self.credential));
        }
        Ok(EventStream {
            lines: Lines::new(response.into_body(), "the event stream"),
            finished: false,
            sent: self.credential,
        })
    }

    pub async fn uptime(
        &self,
        reference: &str,
        since: Option<&str>,
    ) -> Result<Uptime, ClientError> {
        let mut path = paths::instance_uptime(reference);
        if let Some(s) = since {
            path = paths::param(path, "since", s);
        }
        self.get(&path).await
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
