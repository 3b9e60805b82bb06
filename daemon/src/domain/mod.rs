//! What rsrc does, apart from how it is reached (`http`) and where it keeps things (`registry`)
//! or runs them (`engine`). One module per domain; handlers call these, and these call the
//! registry and the engine.

pub mod accounts;
pub mod events;
pub mod exec;
pub mod feed;
pub mod instances;
pub mod logs;
pub mod machines;
pub mod notify;
pub mod rates;
pub mod status;
pub mod uptime;
