//! Accounts: signup, login, logout, whoami, profile, password, otp, auth.

use clap::{Args, Subcommand, ValueEnum};
use rsrc_shared::api::{
    Code, CodeLogin, Login, LoginCodeRequest, LoginResponse, OtpVerify, PasswordChange,
    ProfileDelete, ProfileUpdate, Signup,
};
use rsrc_shared::ErrorCode;

use crate::client::{Client, ClientError};
use crate::error::{CliError, CliResult};
use crate::session::{TokenLocation, TokenSource};
use crate::ui;
use crate::Ctx;

#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  rsrc signup --email ada@example.com --name 'Ada Lovelace'
  printf '%s\\n' \"$PW\" | rsrc signup --email ada@example.com --name Ada --password-stdin")]
pub struct SignupArgs {
    /// Your email address; it is also your login name (case-insensitive).
    #[arg(long, value_name = "EMAIL")]
    pub email: String,
    /// Your display name.
    #[arg(long, value_name = "NAME")]
    pub name: String,
    /// Read the password from the first line of standard input instead of prompting.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  rsrc login --email ada@example.com
  printf '%s\\n' \"$PW\" | rsrc login --email ada@example.com --password-stdin
  rsrc login --email ada@example.com --code")]
pub struct LoginArgs {
    /// The account's email address.
    #[arg(long, value_name = "EMAIL")]
    pub email: String,
    /// Read the password from the first line of standard input instead of prompting.
    #[arg(long)]
    pub password_stdin: bool,
    /// Log in without the password: mail a 6-digit code to the address, then read it (a prompt
    /// on a terminal, else the first line of standard input). Works while wrong passwords
    /// throttle password logins; the code is valid 10 minutes, for your user only.
    #[arg(long, conflicts_with = "password_stdin")]
    pub code: bool,
}

#[derive(Debug, Subcommand)]
pub enum ProfileCmd {
    /// Show your account: email, name, role, verification and notification settings.
    Show,
    /// Change your display name or notification preferences.
    #[command(after_long_help = "Examples:
  rsrc profile update --name 'Ada L.'
  rsrc profile update --notify-email off")]
    Update(ProfileUpdateArgs),
    /// Delete your account for good.
    ///
    /// Asks for your password again, and for confirmation unless --yes is given. Your session
    /// on this daemon is forgotten afterwards.
    Delete(ProfileDeleteArgs),
}

#[derive(Debug, Args)]
#[group(required = true, multiple = true)]
pub struct ProfileUpdateArgs {
    /// A new display name.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Whether to get an email when one of your instances goes down unexpectedly.
    #[arg(long, value_name = "on|off")]
    pub notify_email: Option<OnOff>,
    /// Whether to get an SMS when one of your instances goes down unexpectedly (needs a verified
    /// phone, see --phone).
    #[arg(long, value_name = "on|off")]
    pub notify_sms: Option<OnOff>,
    /// Whether to get an email of each comment and feedback on a machine (admins only).
    #[arg(long, value_name = "on|off")]
    pub notify_feedback: Option<OnOff>,
    /// Your phone number for alerts by SMS, in E.164 (e.g. +41791234567), or `none` to clear it.
    /// A code is sent to it by SMS; prove it with `rsrc phone verify CODE`.
    #[arg(long, value_name = "+E164|none")]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Debug, Args)]
pub struct ProfileDeleteArgs {
    /// Read the password from the first line of standard input instead of prompting.
    #[arg(long)]
    pub password_stdin: bool,
    /// Do not ask for confirmation (needed when standard input is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Subcommand)]
pub enum PasswordCmd {
    /// Change your password (asks for the current one, then the new one twice).
    ///
    /// With --password-stdin, standard input holds two lines: the current password, then the
    /// new one.
    #[command(after_long_help = "Examples:
  rsrc password change
  printf '%s\\n%s\\n' \"$OLD\" \"$NEW\" | rsrc password change --password-stdin")]
    Change {
        /// Read two lines from standard input: the current password, then the new one.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum OtpCmd {
    /// Mail a 6-digit verification code to your address (valid 10 minutes).
    Send,
    /// Verify your email address with the code you received.
    Verify {
        /// The 6-digit code from the mail.
        #[arg(value_name = "CODE")]
        code: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuthCmd {
    /// Print the session token in use (RSRC_TOKEN, or the stored login), for scripts.
    ///
    /// Anyone holding the token acts as you until it expires or you log out: keep it secret.
    #[command(after_long_help = "Example:
  curl --unix-socket /run/rsrc/rsrcd.sock -H \"Authorization: Bearer $(rsrc auth token)\" \\
       http://rsrcd/v1/whoami")]
    Token,
}

pub async fn signup(ctx: &mut Ctx, args: SignupArgs) -> CliResult {
    let password = ui::new_password(args.password_stdin, "Password")?;
    let accepted = ctx
        .client
        .accounts()
        .signup(&Signup {
            email: args.email.clone(),
            name: args.name,
            password,
        })
        .await?;
    // The daemon answers alike whether or not the address was free (it mails the owner of an
    // existing account): so does this.
    ctx.out.custom(
        &accepted,
        &format!("sign-up for {} received\n", accepted.email),
        std::slice::from_ref(&accepted.email),
    );
    ui::note(
        ctx.quiet,
        &format!(
            "next: `rsrc login --email {}`, then verify your address with `rsrc otp send` and \
             `rsrc otp verify CODE`",
            accepted.email
        ),
    );
    Ok(())
}

/// Mails a login code, then reads it: a prompt on a terminal, else the first line of stdin.
async fn login_by_code(ctx: &mut Ctx, email: String) -> CliResult<LoginResponse> {
    let sent = ctx
        .client
        .accounts()
        .login_code(&LoginCodeRequest {
            email: email.clone(),
        })
        .await?;
    let minutes = sent.expires_in_seconds.div_ceil(60);
    ui::note(
        ctx.quiet,
        &format!(
            "if {} has an account, a login code is on its way there (valid {minutes} minutes)",
            sent.email
        ),
    );
    if ui::stdin_is_tty() {
        eprint!("Code from the mail: ");
    }
    let code: Code = ui::stdin_lines(1)?
        .pop()
        .unwrap_or_default()
        .parse()
        .map_err(|_| CliError::usage("a login code has 6 digits"))?;
    Ok(ctx
        .client
        .accounts()
        .login_with_code(&CodeLogin { email, code })
        .await?)
}

pub async fn login(ctx: &mut Ctx, args: LoginArgs) -> CliResult {
    // The session we replace, if any: revoke its token once the new login worked.
    let previous = ctx.sessions.active_token().ok().flatten();
    let response = if args.code {
        login_by_code(ctx, args.email).await?
    } else {
        let password = ui::password(args.password_stdin, "Password")?;
        ctx.client
            .accounts()
            .login(&Login {
                email: args.email,
                password,
            })
            .await?
    };
    if let Some(prev) = previous.filter(|p| p.source != TokenSource::Env) {
        if prev.token != response.token {
            let mut old = Client::new(ctx.client.socket().to_path_buf(), ctx.debug);
            old.set_token(Some(prev));
            let _ = old.accounts().logout().await;
        }
    }
    let location = ctx.sessions.save(
        &response.user.email,
        &response.token,
        Some(&response.expires_at),
    )?;
    let user = response.user;
    ctx.out.custom(
        &user,
        &format!("logged in as {} ({})\n", user.email, user.role.as_str()),
        std::slice::from_ref(&user.email),
    );
    if ctx.debug {
        let place = match location {
            TokenLocation::Keyring => "the kernel keyring".to_string(),
            TokenLocation::File => ctx
                .sessions
                .file()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
        };
        eprintln!("debug: token stored in {place}");
    }
    if !user.verified {
        ui::note(
            ctx.quiet,
            "your email is not verified yet: run `rsrc otp send`, then `rsrc otp verify CODE`",
        );
    }
    Ok(())
}

pub async fn logout(ctx: &mut Ctx) -> CliResult {
    let active = ctx.sessions.active_token()?;
    let Some(active) = active else {
        ui::note(ctx.quiet, "not logged in");
        return Ok(());
    };
    let (source, email) = (active.source, active.email.clone());
    ctx.client.set_token(Some(active));
    match ctx.client.accounts().logout().await {
        Ok(()) => {}
        // The daemon no longer knows the token (expired, revoked): forget it all the same.
        Err(ClientError::Api { body, .. }) if body.error.code == ErrorCode::Unauthenticated => {}
        Err(e) => return Err(e.into()),
    }
    if source == TokenSource::Env {
        ui::note(
            ctx.quiet,
            "revoked the token from RSRC_TOKEN; unset the variable too",
        );
    } else {
        ctx.sessions.forget()?;
    }
    let who = email.unwrap_or_else(|| "the session".into());
    ctx.out.custom(
        &serde_json::json!({ "logged_out": who }),
        &format!("logged out {who}\n"),
        &[],
    );
    Ok(())
}

pub async fn whoami(ctx: &mut Ctx) -> CliResult {
    let user = ctx.client.accounts().whoami().await?;
    ctx.out.one(&user);
    Ok(())
}

pub async fn profile(ctx: &mut Ctx, cmd: ProfileCmd) -> CliResult {
    match cmd {
        ProfileCmd::Show => {
            let user = ctx.client.accounts().profile().await?;
            ctx.out.one(&user);
        }
        ProfileCmd::Update(args) => {
            let phone = args
                .phone
                .map(|p| (!p.eq_ignore_ascii_case("none")).then_some(p));
            let proving = phone.as_ref().is_some_and(Option::is_some);
            let update = ProfileUpdate {
                name: args.name,
                notify_email: args.notify_email.map(|v| v == OnOff::On),
                notify_sms: args.notify_sms.map(|v| v == OnOff::On),
                notify_feedback: args.notify_feedback.map(|v| v == OnOff::On),
                phone,
            };
            let user = ctx.client.accounts().update_profile(&update).await?;
            ctx.out.one(&user);
            if proving && !user.phone_verified {
                ui::note(
                    ctx.quiet,
                    "a code was sent to your phone by SMS; run `rsrc phone verify CODE`",
                );
            }
        }
        ProfileCmd::Delete(args) => {
            let user = ctx.client.accounts().profile().await?;
            if !args.yes {
                let question = format!(
                    "Delete the account {} and everything it owns on this daemon?",
                    user.email
                );
                if !ui::confirm(&question)? {
                    return Err(CliError::failure("not deleted"));
                }
            }
            let password = ui::password(args.password_stdin, "Password")?;
            ctx.client
                .accounts()
                .delete_profile(&ProfileDelete { password })
                .await?;
            ctx.sessions.forget()?;
            ctx.out.custom(
                &serde_json::json!({ "deleted": user.email }),
                &format!("deleted account {}\n", user.email),
                std::slice::from_ref(&user.email),
            );
        }
    }
    Ok(())
}

pub async fn password(ctx: &mut Ctx, cmd: PasswordCmd) -> CliResult {
    match cmd {
        PasswordCmd::Change { password_stdin } => {
            let (current_password, new_password) = ui::password_change(password_stdin)?;
            ctx.client
                .accounts()
                .change_password(&PasswordChange {
                    current_password,
                    new_password,
                })
                .await?;
            ctx.out.custom(
                &serde_json::json!({ "password_changed": true }),
                "password changed\n",
                &[],
            );
        }
    }
    Ok(())
}

pub async fn otp(ctx: &mut Ctx, cmd: OtpCmd) -> CliResult {
    match cmd {
        OtpCmd::Send => {
            let sent = ctx.client.accounts().otp_send().await?;
            let minutes = sent.expires_in_seconds.div_ceil(60);
            ctx.out.custom(
                &sent,
                &format!(
                    "sent a code to {}; it is valid for {minutes} minutes\n",
                    sent.email
                ),
                std::slice::from_ref(&sent.email),
            );
            ui::note(ctx.quiet, "then run `rsrc otp verify CODE`");
        }
        OtpCmd::Verify { code } => {
            let code = parse_code(&code)?;
            let user = ctx
                .client
                .accounts()
                .otp_verify(&OtpVerify { code })
                .await?;
            ctx.out.custom(
                &user,
                &format!("verified {}\n", user.email),
                std::slice::from_ref(&user.email),
            );
        }
    }
    Ok(())
}

pub fn auth(ctx: &mut Ctx, cmd: AuthCmd) -> CliResult {
    match cmd {
        AuthCmd::Token => {
            let Some(active) = ctx.sessions.active_token()? else {
                return Err(CliError::not_logged_in());
            };
            // The token is the data here, whatever the output format.
            if ctx.out.is_json() {
                crate::output::print_out(&crate::output::json(
                    &serde_json::json!({ "token": active.token }),
                ));
            } else {
                crate::output::print_out(&format!("{}\n", active.token));
            }
        }
    }
    Ok(())
}

/// A code typed on the command line, checked before it is sent (a typo spends no try).
pub fn parse_code(text: &str) -> Result<Code, CliError> {
    text.parse()
        .map_err(|_| CliError::usage(format!("`{}` is not a 6-digit code", text.trim())))
}
