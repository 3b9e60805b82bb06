//! The feed (SPEC §7): comments, votes, ratings and feedback on machines.

use serde::{Deserialize, Serialize};

/// Longest comment or feedback text, in characters after trimming.
pub const MAX_TEXT_CHARS: usize = 2000;

/// Most comments one page may hold; `DEFAULT_PAGE` when no limit is given.
pub const MAX_PAGE: u32 = 500;
pub const DEFAULT_PAGE: u32 = 50;

/// Shown as a comment's author once the account is deleted.
pub const DELETED_USER: &str = "deleted user";

/// A comment on a machine. `text` is exactly what was stored (trimmed on the way in).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    pub id: i64,
    pub machine: String,
    /// The author's display name, or "deleted user".
    pub author: String,
    pub text: String,
    pub created_at: String,
    pub edited_at: Option<String>,
}

/// `POST /v1/machines/{name}/comments` and `PATCH /v1/comments/{id}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentText {
    pub text: String,
}

/// One vote per user per machine; the last one wins.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Vote {
    Like,
    Dislike,
}

impl Vote {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// `PUT /v1/machines/{name}/vote`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoteSet {
    pub vote: Vote,
}

/// `PUT /v1/machines/{name}/rating`: 1 to 5 stars, with optional feedback text.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingSet {
    pub stars: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
}

/// A rating with its feedback, as `GET /v1/machines/{name}/feedback` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feedback {
    pub machine: String,
    /// The rater's display name.
    pub author: String,
    pub stars: i64,
    pub feedback: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// How `GET /v1/machines?sort=` orders the list: by name (the default), or best first.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum MachineSort {
    #[default]
    Name,
    Rating,
    Likes,
    Instances,
}

impl MachineSort {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}
