//! Handlers for version, accounts and user administration.

use hyper::Response;
use rsrc_shared::api::endpoints::{LoginRequest, NoBody};
use rsrc_shared::api::query::NoQuery;
use rsrc_shared::api::{self, User, UserAction, VersionInfo};

use super::response::{self, Body};
use super::Ctx;
use crate::domain::accounts::Caller;
use crate::error::Result;

pub async fn version(ctx: Ctx, _: NoQuery, _: NoBody) -> Result<VersionInfo> {
    Ok(VersionInfo {
        daemon_version: env!("CARGO_PKG_VERSION").to_string(),
        api_version: api::API_VERSION.to_string(),
        docker: ctx.state.engine.info().await,
    })
}

/// Always 202 with the same body, whether or not the address had an account.
pub async fn signup(ctx: Ctx, _: NoQuery, req: api::Signup) -> Result<api::SignupAccepted> {
    crate::domain::accounts::signup(&ctx.state, req, ctx.peer).await
}

/// `{email, password}`, or `{email, code}` with a code from `POST /v1/login/code`. The body is
/// decoded here, as the one it is, so that its errors are those of that shape.
pub async fn login(ctx: Ctx) -> Result<Response<Body>> {
    let body: serde_json::Value = ctx.json()?;
    let req = if body.get("code").is_some() {
        LoginRequest::Code(ctx.json()?)
    } else {
        LoginRequest::Password(ctx.json()?)
    };
    let answer = match req {
        LoginRequest::Code(req) => {
            crate::domain::accounts::login_with_code(&ctx.state, req, ctx.peer).await?
        }
        LoginRequest::Password(req) => {
            crate::domain::accounts::login(&ctx.state, req, ctx.peer).await?
        }
    };
    Ok(response::ok(&answer))
}

/// Always 202 with the same body, whether or not the address has an account.
pub async fn login_code(
    ctx: Ctx,
    _: NoQuery,
    req: api::LoginCodeRequest,
) -> Result<api::LoginCodeSent> {
    crate::domain::accounts::request_login_code(&ctx.state, req, ctx.peer).await
}

pub async fn logout(ctx: Ctx, caller: Caller, _: NoQuery, _: NoBody) -> Result<()> {
    crate::domain::accounts::logout(&ctx.state, &caller).await
}

pub async fn whoami(_: Ctx, caller: Caller, _: NoQuery, _: NoBody) -> Result<User> {
    Ok(caller.user)
}

pub async fn update_profile(
    ctx: Ctx,
    caller: Caller,
    _: NoQuery,
    req: api::ProfileUpdate,
) -> Result<User> {
    crate::domain::accounts::update_profile(&ctx.state, &caller, req).await
}

pub async fn delete_profile(
    ctx: Ctx,
    caller: Caller,
    _: NoQuery,
    req: api::ProfileDelete,
) -> Result<()> {
    crate::domain::accounts::delete_profile(&ctx.state, &caller, req).await
}

pub async fn change_password(
    ctx: Ctx,
    caller: Caller,
    _: NoQuery,
    req: api::PasswordChange,
) -> Result<()> {
    crate::domain::accounts::change_password(&ctx.state, &caller, req).await
}

pub async fn send_otp(ctx: Ctx, caller: Caller, _: NoQuery, _: NoBody) -> Result<api::OtpSent> {
    crate::domain::accounts::send_otp(&ctx.state, &caller).await
}

pub async fn verify_otp(ctx: Ctx, caller: Caller, _: NoQuery, req: api::OtpVerify) -> Result<User> {
    crate::domain::accounts::verify_otp(&ctx.state, &caller, req).await
}

pub async fn verify_phone(
    ctx: Ctx,
    caller: Caller,
    _: NoQuery,
    req: api::PhoneVerify,
) -> Result<User> {
    crate::domain::accounts::verify_phone(&ctx.state, &caller, req).await
}

pub async fn list_users(ctx: Ctx, caller: Caller, _: NoQuery, _: NoBody) -> Result<Vec<User>> {
    crate::domain::accounts::list_users(&ctx.state, &caller).await
}

async fn admin_action(ctx: Ctx, caller: Caller, action: UserAction) -> Result<User> {
    let email = ctx.param("email")?.to_string();
    crate::domain::accounts::admin_action(&ctx.state, &caller, email, action).await
}

pub async fn promote(ctx: Ctx, caller: Caller, _: NoQuery, _: NoBody) -> Result<User> {
    admin_action(ctx, caller, UserAction::Promote).await
}

pub async fn demote(ctx: Ctx, caller: Caller, _: NoQuery, _: NoBody) -> Result<User> {
    admin_action(ctx, caller, UserAction::Demote).await
}

pub async fn disable(ctx: Ctx, caller: Caller, _: NoQuery, _: NoBody) -> Result<User> {
    admin_action(ctx, caller, UserAction::Disable).await
}

pub async fn enable(ctx: Ctx, caller: Caller, _: NoQuery, _: NoBody) -> Result<User> {
    admin_action(ctx, caller, UserAction::Enable).await
}
