//! Handlers for version, accounts and user administration.

use hyper::Response;
use rsrc_shared::api::{self, UserAction, VersionInfo};

use super::response::{self, Body};
use super::Ctx;
use crate::domain::accounts::Caller;
use crate::error::{Error, Result};

pub async fn version(ctx: Ctx) -> Result<Response<Body>> {
    Ok(response::ok(&VersionInfo {
        daemon_version: env!("CARGO_PKG_VERSION").to_string(),
        api_version: api::API_VERSION.to_string(),
        docker: ctx.state.engine.info().await,
    }))
}

/// Always 202 with the same body, whether or not the address had an account.
pub async fn signup(ctx: Ctx) -> Result<Response<Body>> {
    let req: api::Signup = ctx.json()?;
    let accepted = crate::domain::accounts::signup(&ctx.state, req, ctx.peer).await?;
    Ok(response::json(hyper::StatusCode::ACCEPTED, &accepted))
}

/// `{email, password}`, or `{email, code}` with a code from `POST /v1/login/code`.
pub async fn login(ctx: Ctx) -> Result<Response<Body>> {
    let body: serde_json::Value = ctx.json()?;
    let answer = if body.get("code").is_some() {
        let req: api::CodeLogin = ctx.json()?;
        crate::domain::accounts::login_with_code(&ctx.state, req, ctx.peer).await?
    } else {
        let req: api::Login = ctx.json()?;
        crate::domain::accounts::login(&ctx.state, req, ctx.peer).await?
    };
    Ok(response::ok(&answer))
}

/// Always 202 with the same body, whether or not the address has an account.
pub async fn login_code(ctx: Ctx) -> Result<Response<Body>> {
    let req: api::LoginCodeRequest = ctx.json()?;
    let sent = crate::domain::accounts::request_login_code(&ctx.state, req, ctx.peer).await?;
    Ok(response::json(hyper::StatusCode::ACCEPTED, &sent))
}

pub async fn logout(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    crate::domain::accounts::logout(&ctx.state, &caller).await?;
    Ok(response::no_content())
}

pub async fn whoami(_: Ctx, caller: Caller) -> Result<Response<Body>> {
    Ok(response::ok(&caller.user))
}

pub async fn update_profile(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let req: api::ProfileUpdate = ctx.json()?;
    let user = crate::domain::accounts::update_profile(&ctx.state, &caller, req).await?;
    Ok(response::ok(&user))
}

pub async fn delete_profile(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let req: api::ProfileDelete = ctx.json()?;
    crate::domain::accounts::delete_profile(&ctx.state, &caller, req).await?;
    Ok(response::no_content())
}

pub async fn change_password(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let req: api::PasswordChange = ctx.json()?;
    crate::domain::accounts::change_password(&ctx.state, &caller, req).await?;
    Ok(response::no_content())
}

pub async fn send_otp(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let sent = crate::domain::accounts::send_otp(&ctx.state, &caller).await?;
    Ok(response::json(hyper::StatusCode::ACCEPTED, &sent))
}

pub async fn verify_otp(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let req: api::OtpVerify = ctx.json()?;
    let user = crate::domain::accounts::verify_otp(&ctx.state, &caller, req).await?;
    Ok(response::ok(&user))
}

pub async fn verify_phone(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let req: api::PhoneVerify = ctx.json()?;
    let user = crate::domain::accounts::verify_phone(&ctx.state, &caller, req).await?;
    Ok(response::ok(&user))
}

pub async fn list_users(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let users = crate::domain::accounts::list_users(&ctx.state, &caller).await?;
    Ok(response::ok(&users))
}

pub async fn admin_action(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let action = ctx.param("action")?;
    let action = UserAction::parse(action)
        .ok_or_else(|| Error::UnknownEndpoint(format!("/v1/admin/users/{{email}}/{action}")))?;
    let email = ctx.param("email")?.to_string();
    let user = crate::domain::accounts::admin_action(&ctx.state, &caller, email, action).await?;
    Ok(response::ok(&user))
}
