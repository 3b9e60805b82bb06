//! Accounts: signup and login, the caller's own account, and the admin's view of the others.

use rsrc_shared::api::{
    paths, CodeLogin, Login, LoginCodeRequest, LoginCodeSent, LoginResponse, Orphan, OtpSent,
    OtpVerify, PasswordChange, ProfileDelete, ProfileUpdate, Signup, SignupAccepted, User,
    UserAction,
};

use super::{Client, ClientError, Credential};

pub struct Accounts<'a> {
    client: &'a Client,
}

impl<'a> Accounts<'a> {
    pub(super) fn new(client: &'a Client) -> Self {
        Accounts { client }
    }

    /// The answer is the same whether or not the address already had an account.
    pub async fn signup(&self, req: &Signup) -> Result<SignupAccepted, ClientError> {
        self.client.post(&paths::signup(), req).await
    }

    /// A refusal here is of the email and password, not of a token.
    pub async fn login(&self, req: &Login) -> Result<LoginResponse, ClientError> {
        self.client
            .post(&paths::login(), req)
            .await
            .map_err(|e| e.sent(Credential::Password))
    }

    /// Asks for a login code by mail; the answer is the same whether or not the address has an
    /// account.
    pub async fn login_code(&self, req: &LoginCodeRequest) -> Result<LoginCodeSent, ClientError> {
        self.client.post(&paths::login_code(), req).await
    }

    /// A refusal here is of the email and code, not of a token.
    pub async fn login_with_code(&self, req: &CodeLogin) -> Result<LoginResponse, ClientError> {
        self.client
            .post(&paths::login(), req)
            .await
            .map_err(|e| e.sent(Credential::Password))
    }

    /// Revokes the token this client sends.
    pub async fn logout(&self) -> Result<(), ClientError> {
        self.client.post_no_content(&paths::logout()).await
    }

    pub async fn whoami(&self) -> Result<User, ClientError> {
        self.client.get(&paths::whoami()).await
    }

    pub async fn profile(&self) -> Result<User, ClientError> {
        self.client.get(&paths::profile()).await
    }

    pub async fn update_profile(&self, req: &ProfileUpdate) -> Result<User, ClientError> {
        self.client.patch(&paths::profile(), req).await
    }

    pub async fn delete_profile(&self, req: &ProfileDelete) -> Result<(), ClientError> {
        self.client.delete_with(&paths::profile(), req).await
    }

    pub async fn change_password(&self, req: &PasswordChange) -> Result<(), ClientError> {
        self.client.post_unit(&paths::password(), req).await
    }

    pub async fn otp_send(&self) -> Result<OtpSent, ClientError> {
        self.client.post_empty(&paths::otp_send()).await
    }

    pub async fn otp_verify(&self, req: &OtpVerify) -> Result<User, ClientError> {
        self.client.post(&paths::otp_verify(), req).await
    }

    pub async fn phone_verify(
        &self,
        req: &rsrc_shared::api::PhoneVerify,
    ) -> Result<User, ClientError> {
        self.client.post(&paths::phone_verify(), req).await
    }
}

pub struct Admin<'a> {
    client: &'a Client,
}

impl<'a> Admin<'a> {
    pub(super) fn new(client: &'a Client) -> Self {
        Admin { client }
    }

    pub async fn users(&self) -> Result<Vec<User>, ClientError> {
        self.client.get(&paths::admin_users()).await
    }

    pub async fn user_action(&self, email: &str, action: UserAction) -> Result<User, ClientError> {
        self.client
            .post_empty(&paths::admin_user_action(email, action))
            .await
    }

    pub async fn orphans(&self) -> Result<Vec<Orphan>, ClientError> {
        self.client.get(&paths::admin_orphans()).await
    }
}
