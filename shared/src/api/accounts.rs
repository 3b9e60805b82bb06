use serde::{Deserialize, Serialize};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Role {
    User,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// `user` or `admin`, as serde spells them.
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

/// An account as the API shows it. Never carries a password hash.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub verified: bool,
    pub disabled: bool,
    /// Mail me when one of my instances goes down unexpectedly.
    pub notify_email: bool,
    /// The number alerts by SMS go to (E.164), once verified.
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub phone_verified: bool,
    /// Send me an SMS when one of my instances goes down unexpectedly (needs a verified phone).
    #[serde(default)]
    pub notify_sms: bool,
    /// Mail me each comment and feedback on a machine (admins only).
    #[serde(default)]
    pub notify_feedback: bool,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signup {
    pub email: String,
    pub name: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Login {
    pub email: String,
    pub password: String,
}

/// The answer to a sign-up: the same whether or not the address already had an account, so that
/// sign-up cannot tell who has one (the owner of an existing account gets a mail instead).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignupAccepted {
    pub email: String,
    pub message: String,
}

/// `POST /v1/login` with a code from `POST /v1/login/code` instead of a password.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeLogin {
    pub email: String,
    pub code: super::Code,
}

/// Asks for a login code by mail (`POST /v1/login/code`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginCodeRequest {
    pub email: String,
}

/// The answer to a login code request: the same whether or not the address has an account.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginCodeSent {
    pub email: String,
    /// How long a code stays valid.
    pub expires_in_seconds: u64,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginResponse {
    pub token: String,
    pub expires_at: String,
    pub user: User,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_email: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_sms: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_feedback: Option<bool>,
    /// A new phone number (E.164, e.g. "+41791234567"), sent a code to prove it; `null` clears
    /// the number.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub phone: Option<Option<String>>,
}

/// Tells a field given as `null` (`Some(None)`) from one left out (`None`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// `POST /v1/phone/verify`: the code sent by SMS to the profile's phone.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhoneVerify {
    pub code: super::Code,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileDelete {
    /// Deleting an account asks for its password again.
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OtpSent {
    /// The address the code was queued for.
    pub email: String,
    /// How long the code stays valid.
    pub expires_in_seconds: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtpVerify {
    pub code: super::Code,
}

/// The admin actions on a user, as the last path segment of `/v1/admin/users/{email}/{action}`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum UserAction {
    Promote,
    Demote,
    Disable,
    Enable,
}

impl UserAction {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}
