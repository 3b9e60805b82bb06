//! Admin commands: users and orphaned containers.

use clap::Subcommand;
use rsrc_shared::api::{Orphan, User, UserAction};

use crate::error::CliResult;
use crate::output::{Listing, View};
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
    Orphans(Listing),
}

#[derive(Debug, Subcommand)]
pub enum UsersCmd {
    /// List all accounts.
    #[command(visible_alias = "list")]
    Ls(Listing),
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
                UsersCmd::Ls(args) => {
                    let view = View::parse::<User>(&args.view)?;
                    let mut users = ctx.client.admin().users().await?;
                    ctx.out.list_view(&mut users, &view);
                    return Ok(());
                }
                UsersCmd::Promote { email } => (UserAction::Promote, email),
                UsersCmd::Demote { email } => (UserAction::Demote, email),
                UsersCmd::Disable { email } => (UserAction::Disable, email),
                UsersCmd::Enable { email } => (UserAction::Enable, email),
            };
            let user = ctx.client.admin().user_action(&email, action).await?;
            ctx.out.one(&user);
        }
        AdminCmd::Orphans(args) => {
            let view = View::parse::<Orphan>(&args.view)?;
            let mut orphans = ctx.client.admin().orphans().await?;
            ctx.out.list_view(&mut orphans, &view);
        }
    }
    Ok(())
}
