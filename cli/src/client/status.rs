//! `GET /v1/status`, with the fallback to `GET /v1/version` when there is no valid login.

use rsrc_shared::api::endpoints::{self as ep, NoBody};
use rsrc_shared::api::query::NoQuery;
use rsrc_shared::api::{Status, VersionInfo};
use rsrc_shared::ErrorCode;

use super::{Client, ClientError};

/// What the daemon says about itself and the caller.
pub enum StatusReply {
    /// Logged in: everything.
    Full(Status),
    /// No login, or a refused one: the daemon's and Docker's part, and why there is no user.
    Anonymous { version: VersionInfo, why: String },
}

impl Client {
    /// The full status with a login; without one (or when the daemon refuses it) the public
    /// version answer. A second request only in that case.
    pub async fn status(&self) -> Result<StatusReply, ClientError> {
        match self.call(ep::GetStatus, &[], &NoQuery {}, &NoBody).await {
            Ok(status) => Ok(StatusReply::Full(status)),
            Err(e) if e.code() == Some(ErrorCode::Unauthenticated) => {
                let why = if self.token.is_none() {
                    "not logged in".to_string()
                } else {
                    e.to_string()
                };
                let version = self.version().await?;
                Ok(StatusReply::Anonymous { version, why })
            }
            Err(e) => Err(e),
        }
    }
}
