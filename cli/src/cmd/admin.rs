//! Admin commands: users and orphaned containers.

use clap::Subcommand;
use rsrc_shared::api::{Orphan, User, UserAction};

use crate::cmd::account::user_path;
use crate::error::CliResult;
use crate::Ctx;

#[derive(Debug, Subcommand)]
pub enum AdminCmd {
    /// Manage accounts (admins only).
    Users {
        #[command(subcommand)]
        cmd: UsersCmd,
    },
    /// List containers that carry rsrc's labels but have no instance in the registry.
    ///
    /// rsrcd never deletes them on its own; inspect them with `docker inspect` and remove them
    /// with `docker rm` when they are not needed.
    Orphans,
}

#[derive(Debug, Subcommand)]
pub enum UsersCmd {
    /// List all accounts.
    #[command(visible_alias = "list")]
    Ls,
    /// Make a user an admin.
    Promote {
        /// The account's email address.
        #[arg(value_name = "EMAIL")]
        #[arg(value_parser = clap::builder::NonEmptyStringValueParser::new())]
        email: String,
    },
    /// Make an admin a plain user again.
    Demote {
        /// The account's email address.
        #[arg(value_name = "EMAIL")]
        #[arg(value_parser = clap::builder::NonEmptyStringValueParser::new())]
        email: String,
    },
    /// Lock an account out: its sessions end and it cannot log in.
    Disable {
        /// The account's email address.
        #[arg(value_name = "EMAIL")]
        #[arg(value_parser = clap::builder::NonEmptyStringValueParser::new())]
        email: String,
    },
    /// Let a disabled account log in again.
    Enable {
        /// The account's email address.
        #[arg(value_name = "EMAIL")]
        #[arg(value_parser = clap::builder::NonEmptyStringValueParser::new())]
        email: String,
    },
}

pub async fn run(ctx: &mut Ctx, cmd: AdminCmd) -> CliResult {
    match cmd {
        AdminCmd::Users { cmd } => {
            let (action, email) = match cmd {
                UsersCmd::Ls => {
                    let mut users: Vec<User> = ctx.client.get("/v1/admin/users").await?;
                    ctx.out.list(&mut users);
                    return Ok(());
                }
                UsersCmd::Promote { email } => (UserAction::Promote, email),
                UsersCmd::Demote { email } => (UserAction::Demote, email),
                UsersCmd::Disable { email } => (UserAction::Disable, email),
                UsersCmd::Enable { email } => (UserAction::Enable, email),
            };
            let path = format!("{}/{}", user_path(&email), action.as_str());
            let user: User = ctx.client.post_empty(&path).await?;
            ctx.out.one(&user);
        }
        AdminCmd::Orphans => {
            let mut orphans: Vec<Orphan> = ctx.client.get("/v1/admin/orphans").await?;
            ctx.out.list(&mut orphans);
        }
    }
    Ok(())
}
