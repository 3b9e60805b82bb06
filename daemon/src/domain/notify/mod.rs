//! Notifications beyond the account mails: alerts about instances that went down (and came
//! back), by mail and SMS, through the durable outbox (`crate::domain::notify::outbox`).

pub mod alerts;
pub mod mail;
mod message;
pub mod outbox;
pub mod sms;
