//! Notifications beyond the account mails: alerts about instances that went down (and came
//! back), by mail and SMS, through the durable outbox (`crate::mail`).

pub mod alerts;
mod message;
pub mod sms;
