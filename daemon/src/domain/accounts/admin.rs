//! The admins' side of accounts: the first admin, the user list and promote, demote, disable
//! and enable. The last active admin is never demoted, disabled or deleted.

use rsrc_shared::api::{Role, User, UserAction};

use super::hashing::hash_secret;
use super::validate::{validate_email, validate_name, validate_password};
use super::Caller;
use crate::clock::now_ms;
use crate::error::{Error, Result};
use crate::registry::{sessions, users, Registry, Snap};
use crate::State;

/// Checks what `rsrcd admin create` was given, before anything is made: a refused admin
/// leaves no data dir behind. Returns the email and name as they are stored.
pub fn check_new_admin(
    email: &str,
    name: Option<&str>,
    password: &str,
) -> Result<(String, String)> {
    let email = validate_email(email)?;
    let name = validate_name(name.unwrap_or_else(|| email.split('@').next().unwrap_or("admin")))?;
    validate_password(password)?;
    Ok((email, name))
}

/// Creates a verified admin straight in the registry (`rsrcd admin create`).
pub fn create_admin(
    registry: &Registry,
    email: &str,
    name: Option<&str>,
    password: &str,
) -> Result<User> {
    let (email, name) = check_new_admin(email, name, password)?;
    let hash = hash_secret(password)?;
    registry.write_blocking(|tx| {
        let user = users::NewUser {
            email: &email,
            name: &name,
            password_hash: &hash,
            role: Role::Admin,
            verified: true,
        };
        users::insert(tx, &user, now_ms())
    })
}

pub async fn list_users(state: &State, caller: &Caller) -> Result<Vec<User>> {
    caller.require_admin()?;
    state.registry.read(users::list).await
}

pub(super) fn ensure_not_last_admin(snap: &Snap, user_id: i64) -> Result<()> {
    let standing = users::admin_standing(snap, user_id)?;
    if standing.is_admin && standing.other_active_admins == 0 {
        return Err(Error::conflict(
            "this is the last active admin; promote another user first",
        ));
    }
    Ok(())
}

pub async fn admin_action(
    state: &State,
    caller: &Caller,
    email: String,
    action: UserAction,
) -> Result<User> {
    caller.require_admin()?;
    state
        .registry
        .write_immediate(move |tx| {
            let user = users::by_email(tx, email.trim())?
                .ok_or_else(|| Error::not_found(format!("no user {}", email.trim())))?;
            let now = now_ms();
            match action {
                UserAction::Promote => users::set_role(tx, user.id, Role::Admin, now)?,
                UserAction::Demote => {
                    ensure_not_last_admin(tx, user.id)?;
                    users::set_role(tx, user.id, Role::User, now)?;
                }
                UserAction::Disable => {
                    ensure_not_last_admin(tx, user.id)?;
                    users::disable(tx, user.id, now)?;
                    sessions::revoke_all(tx, user.id, now)?;
                }
                UserAction::Enable => users::enable(tx, user.id, now)?,
            }
            let user = users::by_id(tx, user.id)?;
            Ok(user)
        })
        .await
        .inspect(|user| {
            if matches!(action, UserAction::Disable) {
                state.streams.end_user(user.id, None);
            }
            tracing::info!(user = %user.email, by = %caller.user.email,
                action = action.as_str(), "user changed by an admin");
        })
}
