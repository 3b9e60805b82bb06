//! Types shared by `rsrc` and `rsrcd`: the wire contract of the `/v1` API, the error codes with
//! their HTTP statuses and exit codes, and the default paths both sides agree on.
//!
//! Keep this crate small: serde types and pure functions only. No tokio, hyper, rusqlite or
//! bollard here, so that the contract can be read in one sitting.

pub mod api;
pub mod env;
pub mod error;
pub mod limits;
pub mod options;
pub mod paths;
pub mod signal;
pub mod text;
pub mod time;
pub mod words;

pub use error::{ErrorBody, ErrorCode, ErrorDetail};
