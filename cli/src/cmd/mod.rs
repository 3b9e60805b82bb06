//! One module per noun, each with its clap `Subcommand` enum and its `run`.

pub mod account;
pub mod admin;
pub mod completion;
pub mod env;
pub mod events;
pub mod exec;
pub mod feed;
pub mod instance;
pub mod logs;
pub mod machine;
pub mod phone;
pub mod recreate;
pub mod status;
pub mod uptime;
pub mod version;
pub mod volume;
