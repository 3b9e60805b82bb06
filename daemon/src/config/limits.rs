//! `[limits]`: what one user may hold and do, and the rates that keep one caller from crowding
//! out the others. Checked with the rest of the file when the config is loaded.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsConfig {
    pub max_instances_per_user: i64,
    /// Volumes one user may keep (of no instance); at it, creates are refused.
    pub max_volumes_per_user: i64,
    /// Log reads without follow one user may have going at once; unset: half the cores.
    pub log_reads_per_user: Option<usize>,
    /// SMS codes one number may be sent in `sms_window_hours`, whoever asks.
    pub sms_codes_per_number: u32,
    /// SMS codes one caller (uid) may have sent in `sms_window_hours`, to any numbers.
    pub sms_codes_per_caller: u32,
    pub sms_window_hours: u32,
    /// Mails a user can trigger (codes, notices) one address may get in `mail_window_hours`.
    pub mails_per_recipient: u32,
    /// Such mails one caller (uid) may trigger in `mail_window_hours`, to any addresses.
    pub mails_per_caller: u32,
    pub mail_window_hours: u32,
    /// Comments one user may post in an hour.
    pub comments_per_hour: u32,
    /// Votes and ratings one user may set in an hour.
    pub votes_per_hour: u32,
    /// How long a feedback digest to the admins collects comments before it is sent.
    pub feedback_digest_minutes: u32,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            max_instances_per_user: 10,
            max_volumes_per_user: 20,
            log_reads_per_user: None,
            sms_codes_per_number: 3,
            sms_codes_per_caller: 5,
            sms_window_hours: 24,
            mails_per_recipient: 10,
            mails_per_caller: 30,
            mail_window_hours: 1,
            comments_per_hour: 30,
            votes_per_hour: 120,
            feedback_digest_minutes: 10,
        }
    }
}

impl LimitsConfig {
    pub fn comments(&self) -> crate::domain::rates::Limit {
        crate::domain::rates::Limit {
            kind: "comments",
            max: self.comments_per_hour,
            window: hours(1),
        }
    }

    pub fn votes(&self) -> crate::domain::rates::Limit {
        crate::domain::rates::Limit {
            kind: "votes",
            max: self.votes_per_hour,
            window: hours(1),
        }
    }

    pub fn feedback_digest_delay(&self) -> std::time::Duration {
        std::time::Duration::from_secs(u64::from(self.feedback_digest_minutes) * 60)
    }

    pub fn mail_per_recipient(&self) -> crate::domain::rates::Limit {
        crate::domain::rates::Limit {
            kind: "mail_per_recipient",
            max: self.mails_per_recipient,
            window: hours(self.mail_window_hours),
        }
    }

    pub fn mail_per_caller(&self) -> crate::domain::rates::Limit {
        crate::domain::rates::Limit {
            kind: "mail_per_caller",
            max: self.mails_per_caller,
            window: hours(self.mail_window_hours),
        }
    }

    pub fn sms_per_number(&self) -> crate::domain::rates::Limit {
        crate::domain::rates::Limit {
            kind: "sms_per_number",
            max: self.sms_codes_per_number,
            window: hours(self.sms_window_hours),
        }
    }

    pub fn sms_per_caller(&self) -> crate::domain::rates::Limit {
        crate::domain::rates::Limit {
            kind: "sms_per_caller",
            max: self.sms_codes_per_caller,
            window: hours(self.sms_window_hours),
        }
    }

    pub fn log_reads_per_user(&self) -> usize {
        self.log_reads_per_user.unwrap_or_else(|| {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            (cores / 2).max(1)
        })
    }
}

fn hours(n: u32) -> std::time::Duration {
    std::time::Duration::from_secs(u64::from(n) * 3600)
}
