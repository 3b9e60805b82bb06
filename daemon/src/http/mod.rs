//! How rsrcd is reached: the listener and its connection handling (`server`) and the route
//! table with its thin handlers (`api`). Nothing below here decides anything about the domain.

pub mod api;
pub mod server;
