//! A user's own account: profile changes, password changes and deletion.

use rsrc_shared::api::{self, User};

use super::hashing::{hash_blocking, verify_blocking};
use super::validate::{validate_name, validate_password};
use super::{admin::ensure_not_last_admin, Caller};
use crate::clock::now_ms;
use crate::domain::rates;
use crate::error::{Error, Result};
use crate::registry::{logins, sessions, users};
use crate::State;

pub async fn update_profile(
    state: &State,
    caller: &Caller,
    req: api::ProfileUpdate,
) -> Result<User> {
    let name = req.name.as_deref().map(validate_name).transpose()?;
    if req.notify_feedback == Some(true) && !caller.is_admin() {
        return Err(Error::forbidden(
            "notify-feedback: only admins get mail of comments and feedback",
        ));
    }
    let phone = super::phone::prepare(state, caller, req.phone).await?;
    let id = caller.user.id;
    let outbox = state.outbox.clone();
    let user = state
        .registry
        .write_immediate(move |tx| {
            if let Some(name) = name {
                users::set_name(tx, id, &name, now_ms())?;
            }
            if let Some(notify) = req.notify_email {
                users::set_notify_email(tx, id, notify, now_ms())?;
            }
            if let Some(notify) = req.notify_sms {
                users::set_notify_sms(tx, id, notify, now_ms())?;
            }
            if let Some(notify) = req.notify_feedback {
                users::set_notify_feedback(tx, id, notify, now_ms())?;
            }
            super::phone::apply(tx, &outbox, id, phone)?;
            let user = users::by_id(tx, id)?;
            Ok(user)
        })
        .await?;
    state.outbox.wake();
    Ok(user)
}

/// Checks the caller's password, throttled as a login of (email, caller uid) is: with a stolen
/// token, a wrong current password would otherwise be an unthrottled guess.
async fn check_password(state: &State, caller: &Caller, password: String) -> Result<()> {
    let user_id = caller.user.id;
    let email = caller.user.email.clone();
    let uid = caller.uid_key();
    let hash = state
        .registry
        .write_immediate({
            let email = email.clone();
            move |tx| {
                super::login::claim_try(tx, &email, uid, now_ms())?;
                users::password_hash(tx, user_id)
            }
        })
        .await?;
    if verify_blocking(uid, password, hash).await? {
        state
            .registry
            .write(move |tx| logins::clear(tx, &email, uid))
            .await
    } else {
        Err(Error::forbidden("wrong password"))
    }
}

pub async fn delete_profile(state: &State, caller: &Caller, req: api::ProfileDelete) -> Result<()> {
    check_password(state, caller, req.password).await?;
    let id = caller.user.id;
    state
        .registry
        .write(move |tx| {
            ensure_not_last_admin(tx, id)?;
            let (instances, volumes) = users::belongings(tx, id)?;
            if instances > 0 || volumes > 0 {
                return Err(Error::conflict(format!(
                    "you still have {instances} instance(s) and {volumes} volume(s); remove them first"
                )));
            }
            users::delete(tx, id)?;
            Ok(())
        })
        .await?;
    state.streams.end_user(id, None);
    crate::domain::instances::network::account_deleted(state, id).await;
    Ok(())
}

pub async fn change_password(
    state: &State,
    caller: &Caller,
    req: api::PasswordChange,
) -> Result<()> {
    validate_password(&req.new_password)?;
    check_password(state, caller, req.current_password).await?;
    let hash = hash_blocking(caller.uid_key(), req.new_password).await?;
    let id = caller.user.id;
    let keep = caller.token_hash.clone();
    let email = caller.user.email.clone();
    let outbox = state.outbox.clone();
    let limits = state.config.limits.clone();
    let uid = caller.uid_key();
    state
        .registry
        .write(move |tx| {
            let now = now_ms();
            users::set_password_hash(tx, id, &hash, now)?;
            sessions::revoke_others(tx, id, &keep, now)?;
            // 40 of these mails in 2.4 s went to an address the caller had signed up with:
            // past the limits the password still changes, unannounced.
            if rates::take_mail(tx, &limits, &email, uid, now)?.is_some() {
                return Ok(());
            }
            outbox.enqueue(
                tx,
                &email,
                "Your rsrc password was changed",
                "The password of your rsrc account was just changed, and your other sessions \
                 were logged out.\n\nIf this was not you, ask your rsrc admin to disable the \
                 account.\n",
            )?;
            Ok(())
        })
        .await?;
    state.streams.end_user(id, Some(&caller.token_hash));
    state.outbox.wake();
    tracing::info!(user = %caller.user.email, "password changed");
    Ok(())
}
