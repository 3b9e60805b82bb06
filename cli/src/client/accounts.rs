//! Accounts: signup and login, the caller's own account, and the admin's view of the others.

use rsrc_shared::api::endpoints::{self as ep, LoginRequest, NoBody};
use rsrc_shared::api::query::NoQuery;
use rsrc_shared::api::{
    CodeLogin, Login, LoginCodeRequest, LoginCodeSent, LoginResponse, Orphan, OtpSent, OtpVerify,
    PasswordChange, ProfileDelete, ProfileUpdate, Signup, SignupAccepted, User, UserAction,
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
        self.client.call(ep::SignUp, &[], &NoQuery {}, req).await
    }

    /// A refusal here is of the email and password, not of a token.
    pub async fn login(&self, req: &Login) -> Result<LoginResponse, ClientError> {
        let req = LoginRequest::Password(req.clone());
        self.client
            .call(ep::LogIn, &[], &NoQuery {}, &req)
            .await
            .map_err(|e| e.sent(Credential::Password))
    }

    /// Asks for a login code by mail; the answer is the same whether or not the address has an
    /// account.
    pub async fn login_code(&self, req: &LoginCodeRequest) -> Result<LoginCodeSent, ClientError> {
        self.client
            .call(ep::RequestLoginCode, &[], &NoQuery {}, req)
            .await
    }

    /// A refusal here is of the email and code, not of a token.
    pub async fn login_with_code(&self, req: &CodeLogin) -> Result<LoginResponse, ClientError> {
        let req = LoginRequest::Code(req.clone());
        self.client
            .call(ep::LogIn, &[], &NoQuery {}, &req)
            .await
            .map_err(|e| e.sent(Credential::Code))
    }

    /// Revokes the token this client sends.
    pub async fn logout(&self) -> Result<(), ClientError> {
        self.client
            .call(ep::LogOut, &[], &NoQuery {}, &NoBody)
            .await
    }

    pub async fn whoami(&self) -> Result<User, ClientError> {
        self.client
            .call(ep::WhoAmI, &[], &NoQuery {}, &NoBody)
            .await
    }

    pub async fn profile(&self) -> Result<User, ClientError> {
        self.client
            .call(ep::ShowProfile, &[], &NoQuery {}, &NoBody)
            .await
    }

    pub async fn update_profile(&self, req: &ProfileUpdate) -> Result<User, ClientError> {
        self.client
            .call(ep::UpdateProfile, &[], &NoQuery {}, req)
            .await
    }

    pub async fn delete_profile(&self, req: &ProfileDelete) -> Result<(), ClientError> {
        self.client
            .call(ep::DeleteProfile, &[], &NoQuery {}, req)
            .await
    }

    pub async fn change_password(&self, req: &PasswordChange) -> Result<(), ClientError> {
        self.client
            .call(ep::ChangePassword, &[], &NoQuery {}, req)
            .await
    }

    pub async fn otp_send(&self) -> Result<OtpSent, ClientError> {
        self.client
            .call(ep::SendOtp, &[], &NoQuery {}, &NoBody)
            .await
    }

    pub async fn otp_verify(&self, req: &OtpVerify) -> Result<User, ClientError> {
        self.client.call(ep::VerifyOtp, &[], &NoQuery {}, req).await
    }

    pub async fn phone_verify(
        &self,
        req: &rsrc_shared::api::PhoneVerify,
    ) -> Result<User, ClientError> {
        self.client
            .call(ep::VerifyPhone, &[], &NoQuery {}, req)
            .await
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
        self.client
            .call(ep::ListUsers, &[], &NoQuery {}, &NoBody)
            .await
    }

    pub async fn user_action(&self, email: &str, action: UserAction) -> Result<User, ClientError> {
        let (client, args, q) = (self.client, &[email], &NoQuery {});
        match action {
            UserAction::Promote => client.call(ep::PromoteUser, args, q, &NoBody).await,
            UserAction::Demote => client.call(ep::DemoteUser, args, q, &NoBody).await,
            UserAction::Disable => client.call(ep::DisableUser, args, q, &NoBody).await,
            UserAction::Enable => client.call(ep::EnableUser, args, q, &NoBody).await,
        }
    }

    pub async fn orphans(&self) -> Result<Vec<Orphan>, ClientError> {
        self.client
            .call(ep::ListOrphans, &[], &NoQuery {}, &NoBody)
            .await
    }
}
