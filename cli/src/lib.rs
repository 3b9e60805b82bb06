//! `rsrc`, the command-line client of `rsrcd`.
//!
//! The whole command tree is the clap derive [`Cli`] below (man pages and completions are
//! generated from it, see [`docs`]); [`run`] executes one parsed command line and returns the
//! exit code of SPEC §9. `main.rs` only parses and calls [`run`].

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand};

pub mod client;
pub mod cmd;
pub mod complete;
pub mod docs;
pub mod duration;
pub mod error;
pub mod hints;
pub mod output;
pub mod session;
pub mod ui;
pub mod usage;

use client::Client;
use cmd::account::{AuthCmd, LoginArgs, OtpCmd, PasswordCmd, ProfileCmd, SignupArgs};
use cmd::admin::AdminCmd;
use cmd::instance::{InstanceCmd, LsArgs};
use cmd::logs::LogsArgs;
use cmd::machine::MachineCmd;
use cmd::volume::VolumeCmd;
use error::{CliError, CliResult};
use output::{Format, Output};
use session::Sessions;

const LONG_ABOUT: &str = "\
rsrc asks rsrcd, the daemon on this host, for instances of the services (machines) the operator
defined: Redis, Postgres, a web app. Each instance gets a host and port to connect to, persistent
volumes and an uptime history. You see and touch only your own instances.

Start with `rsrc signup`, `rsrc login`, `rsrc otp send` + `rsrc otp verify CODE`, then
`rsrc machine ls` and `rsrc instance create MACHINE --wait`.";

/// The exit codes (SPEC §9); also the EXIT STATUS section of rsrc(1).
pub const EXIT_STATUS: &[(&str, &str)] = &[
    ("0", "success"),
    ("1", "failure (the daemon, Docker or the reply failed)"),
    ("2", "usage error or invalid input"),
    ("3", "not found"),
    ("4", "not logged in, or not allowed"),
    ("5", "conflict, or a quota is exceeded"),
    ("69", "rsrcd cannot be reached"),
];

/// Environment variables read by rsrc; also the ENVIRONMENT section of rsrc(1).
pub const ENVIRONMENT: &[(&str, &str)] = &[
    ("RSRC_SOCKET", "the daemon's socket, like --socket"),
    (
        "RSRC_TOKEN",
        "a session token to use instead of the stored login",
    ),
    (
        "RSRC_CONFIG_DIR",
        "where the login state is kept (default: ~/.config/rsrc)",
    ),
    (
        "RSRC_NO_KEYRING",
        "set to 1 to keep tokens in the session file instead of the kernel keyring",
    ),
    (
        "NO_COLOR",
        "set (non-empty) to turn colour off under --color auto",
    ),
];

fn after_long_help() -> String {
    let mut text = String::from("Exit status:\n");
    for (code, meaning) in EXIT_STATUS {
        text.push_str(&format!("  {code:<3} {meaning}\n"));
    }
    text.push_str("\nEnvironment:\n");
    for (name, meaning) in ENVIRONMENT {
        text.push_str(&format!("  {name:<16} {meaning}\n"));
    }
    text
}

/// The rsrc command line.
#[derive(Debug, Parser)]
#[command(
    name = "rsrc",
    version,
    about = "Run shared services on a team host: the client of rsrcd",
    long_about = LONG_ABOUT,
    after_long_help = after_long_help(),
    propagate_version = false,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The daemon's socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it
    /// exists, else /run/rsrc/rsrcd.sock].
    // RSRC_SOCKET is read in `socket()`, not by clap: clap would print an environment value
    // as if it were typed, in the usage line of every error.
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "PATH"
    )]
    pub socket: Option<PathBuf>,
    /// How to print data: table for people, json for scripts [default: table]. Given as
    /// `--output table`, stop/start/restart print a table instead of the names acted on.
    #[arg(
        long,
        short = 'o',
        global = true,
        help_heading = "Global options",
        value_enum,
        value_name = "FORMAT"
    )]
    pub output: Option<Format>,
    /// Short for --output json; together with --output table it is a usage error.
    #[arg(long, global = true, help_heading = "Global options")]
    pub json: bool,
    /// Print only ids (instance ids, machine names, user emails, volume names); no progress.
    /// It wins over --json: scripts that ask for ids get ids.
    #[arg(long, short = 'q', global = true, help_heading = "Global options")]
    pub quiet: bool,
    /// Print requests and the full form of errors on stderr.
    #[arg(long, global = true, help_heading = "Global options")]
    pub debug: bool,
    /// Colour states in tables and errors: auto (only on a terminal, and not when NO_COLOR
    /// is set), always (also into pipes) or never. JSON and -q are never coloured.
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_enum,
        value_name = "WHEN",
        default_value_t = output::color::ColorChoice::Auto
    )]
    pub color: output::color::ColorChoice,
}

impl GlobalArgs {
    pub fn format(&self) -> Format {
        if self.json {
            Format::Json
        } else {
            self.output.unwrap_or_default()
        }
    }

    /// `--json` says json and `--output table` says table: which one was meant is unknowable.
    pub fn check(&self) -> CliResult {
        if self.json && self.output == Some(Format::Table) {
            return Err(
                CliError::usage("--json and --output table contradict each other")
                    .with_hint("give one of them"),
            );
        }
        Ok(())
    }

    pub fn socket(&self) -> PathBuf {
        resolve_socket(self.socket.clone())
    }
}

/// The daemon's socket: `--socket`, else RSRC_SOCKET, else the default (an empty value counts
/// as not given).
pub(crate) fn resolve_socket(flag: Option<PathBuf>) -> PathBuf {
    flag.or_else(|| std::env::var_os(rsrc_shared::paths::SOCKET_ENV).map(PathBuf::from))
        .filter(|s| !s.as_os_str().is_empty())
        .unwrap_or_else(rsrc_shared::paths::client_default_socket)
}

// Parsed once per process; boxing the big variants would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create an account (then log in and verify your email).
    Signup(SignupArgs),
    /// Log in and remember the session for this daemon.
    Login(LoginArgs),
    /// End the session with this daemon and forget its token.
    Logout,
    /// Show who you are logged in as.
    Whoami,
    /// Show, change or delete your account.
    Profile {
        #[command(subcommand)]
        cmd: ProfileCmd,
    },
    /// Change your password.
    Password {
        #[command(subcommand)]
        cmd: PasswordCmd,
    },
    /// Verify your email address with a one-time code.
    Otp {
        #[command(subcommand)]
        cmd: OtpCmd,
    },
    /// Verify the phone number that gets alerts by SMS.
    Phone {
        #[command(subcommand)]
        cmd: cmd::phone::PhoneCmd,
    },
    /// Session tokens for scripts.
    Auth {
        #[command(subcommand)]
        cmd: AuthCmd,
    },
    /// Administer users and the host (admins only).
    Admin {
        #[command(subcommand)]
        cmd: AdminCmd,
    },
    /// Machines: the services users may run (defining them is for admins).
    #[command(visible_alias = "machines")]
    Machine {
        #[command(subcommand)]
        cmd: MachineCmd,
    },
    /// Change or remove a comment on a machine (post with `machine comment`).
    Comment {
        #[command(subcommand)]
        cmd: cmd::feed::CommentCmd,
    },
    /// Instances: your running copies of a machine.
    #[command(visible_alias = "instances")]
    Instance {
        #[command(subcommand)]
        cmd: InstanceCmd,
    },
    /// List your instances (short for `instance ls`).
    Ps(LsArgs),
    /// Show an instance's output (stdout and stderr), and follow it with -f.
    Logs(LogsArgs),
    /// Run a command in one of your instances, with its exit code passed through.
    Exec(cmd::exec::ExecArgs),
    /// Show what happened to your instances, and with -f what happens next.
    Events(cmd::events::EventsArgs),
    /// Volumes kept from your instances.
    #[command(visible_alias = "volumes")]
    Volume {
        #[command(subcommand)]
        cmd: VolumeCmd,
    },
    /// Show the daemon, who is logged in, Docker's state and your quota use.
    Status,
    /// Show the versions of rsrc, rsrcd, its API and Docker.
    Version,
    /// Print the shell completion script for bash, zsh or fish.
    Completion(cmd::completion::CompletionArgs),
}

/// What every command gets: the client, the renderer, the login state.
pub struct Ctx {
    pub client: Client,
    pub out: Output,
    pub sessions: Sessions,
    pub quiet: bool,
    pub debug: bool,
    /// `--output table` was given: commands that print names by default print a table.
    pub table_asked: bool,
}

impl Ctx {
    /// Puts the stored token (or `RSRC_TOKEN`) on the client. Without one, requests go out
    /// unauthenticated and the daemon answers 401 (exit 4) where a login is needed.
    fn load_token(&mut self) -> CliResult {
        let token = self.sessions.active_token()?;
        self.client.set_token(token);
        Ok(())
    }
}

/// The `clap::Command` of rsrc, for man pages, completions and tests.
pub fn command() -> clap::Command {
    Cli::command()
}

/// Runs one parsed command line; errors are printed on stderr here.
pub fn run(cli: Cli) -> ExitCode {
    let debug = cli.global.debug;
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let err = CliError::failure("cannot start the async runtime").with_cause(e.to_string());
            err.print(debug);
            return ExitCode::from(err.exit_code());
        }
    };
    match runtime.block_on(execute(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            e.print(debug);
            ExitCode::from(e.exit_code())
        }
    }
}

async fn execute(cli: Cli) -> CliResult {
    let global = cli.global;
    output::color::set_choice(global.color);
    global.check()?;
    let socket = global.socket();
    let mut ctx = Ctx {
        client: Client::new(socket.clone(), global.debug),
        out: Output::new(global.format(), global.quiet).with_color(output::color::stdout_color()),
        sessions: Sessions::new(&socket, global.debug),
        quiet: global.quiet,
        debug: global.debug,
        table_asked: global.output == Some(Format::Table),
    };
    use cmd::account;
    match cli.command {
        // These need no token, or handle the stored one themselves.
        Command::Signup(args) => account::signup(&mut ctx, args).await,
        Command::Login(args) => account::login(&mut ctx, args).await,
        Command::Logout => account::logout(&mut ctx).await,
        Command::Auth { cmd } => account::auth(&mut ctx, cmd),
        Command::Version => cmd::version::run(&mut ctx).await,
        Command::Completion(args) => cmd::completion::run(args),
        command => {
            ctx.load_token()?;
            match command {
                Command::Status => cmd::status::run(&mut ctx).await,
                Command::Whoami => account::whoami(&mut ctx).await,
                Command::Profile { cmd } => account::profile(&mut ctx, cmd).await,
                Command::Password { cmd } => account::password(&mut ctx, cmd).await,
                Command::Otp { cmd } => account::otp(&mut ctx, cmd).await,
                Command::Phone { cmd } => cmd::phone::run(&mut ctx, cmd).await,
                Command::Admin { cmd } => cmd::admin::run(&mut ctx, cmd).await,
                Command::Machine { cmd } => cmd::machine::run(&mut ctx, cmd).await,
                Command::Comment { cmd } => cmd::feed::comment(&mut ctx, cmd).await,
                Command::Instance { cmd } => cmd::instance::run(&mut ctx, cmd).await,
                Command::Ps(args) => cmd::instance::ls(&mut ctx, args).await,
                Command::Logs(args) => cmd::logs::run(&mut ctx, args).await,
                Command::Events(args) => cmd::events::run(&mut ctx, args).await,
                Command::Exec(args) => cmd::exec::run(&mut ctx, args).await,
                Command::Volume { cmd } => cmd::volume::run(&mut ctx, cmd).await,
                Command::Signup(_)
                | Command::Login(_)
                | Command::Logout
                | Command::Auth { .. }
                | Command::Version
                | Command::Completion(_) => Ok(()),
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_command_tree_is_valid() {
        command().debug_assert();
    }

    #[test]
    fn json_flag_means_output_json() {
        let cli = Cli::try_parse_from(["rsrc", "--json", "machine", "ls"]).unwrap();
        assert_eq!(cli.global.format(), Format::Json);
        let cli = Cli::try_parse_from(["rsrc", "machine", "ls", "--json"]).unwrap();
        assert_eq!(cli.global.format(), Format::Json);
        let cli = Cli::try_parse_from(["rsrc", "-o", "json", "whoami"]).unwrap();
        assert_eq!(cli.global.format(), Format::Json);
        let cli = Cli::try_parse_from(["rsrc", "whoami"]).unwrap();
        assert_eq!(cli.global.format(), Format::Table);
        assert!(Cli::try_parse_from(["rsrc", "--output", "yaml", "whoami"]).is_err());
    }

    #[test]
    fn global_flags_go_anywhere() {
        let cli =
            Cli::try_parse_from(["rsrc", "instance", "ls", "-q", "--socket", "/tmp/s"]).unwrap();
        assert!(cli.global.quiet);
        assert_eq!(cli.global.socket(), PathBuf::from("/tmp/s"));
    }

    #[test]
    fn usage_errors_exit_2() {
        let err = Cli::try_parse_from(["rsrc", "instance", "frobnicate"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let err = Cli::try_parse_from(["rsrc", "profile", "update"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn subcommands_from_the_spec_parse() {
        for argv in [
            &[
                "rsrc",
                "signup",
                "--email",
                "a@b.c",
                "--name",
                "A",
                "--password-stdin",
            ][..],
            &["rsrc", "login", "--email", "a@b.c"],
            &["rsrc", "logout"],
            &["rsrc", "profile", "show"],
            &["rsrc", "profile", "update", "--notify-email", "off"],
            &["rsrc", "profile", "delete", "--yes", "--password-stdin"],
            &["rsrc", "password", "change", "--password-stdin"],
            &["rsrc", "otp", "send"],
            &["rsrc", "otp", "verify", "123456"],
            &[
                "rsrc",
                "profile",
                "update",
                "--phone",
                "+41791234567",
                "--notify-sms",
                "on",
            ],
            &["rsrc", "phone", "verify", "123456"],
            &["rsrc", "auth", "token"],
            &["rsrc", "admin", "users", "ls"],
            &["rsrc", "admin", "users", "promote", "a+b@c.d"],
            &["rsrc", "admin", "orphans"],
            &["rsrc", "machine", "apply", "-f", "m.toml"],
            &["rsrc", "machine", "rm", "redis", "--force"],
            &["rsrc", "instance", "ls", "--all"],
            &[
                "rsrc",
                "instance",
                "ls",
                "--all-users",
                "--filter",
                "status=running",
            ],
            &["rsrc", "volume", "ls", "-a"],
            &["rsrc", "volume", "ls", "--all-users"],
            &["rsrc", "completion", "zsh"],
            &["rsrc", "instance", "stop", "a", "b"],
            &["rsrc", "instance", "rm", "a", "--volumes"],
            &["rsrc", "volume", "rm", "v1"],
            &["rsrc", "ps", "-a"],
            &["rsrc", "logs", "web", "--tail", "20"],
            &["rsrc", "exec", "-i", "web", "--", "sh", "-c", "exit 3"],
            &["rsrc", "exec", "web", "ls", "-l"],
            &["rsrc", "version"],
            &["rsrc", "status"],
            &["rsrc", "machine", "comment", "redis", "-"],
            &[
                "rsrc", "machine", "comments", "redis", "--limit", "5", "--after", "3",
            ],
            &["rsrc", "comment", "edit", "3", "new text"],
            &["rsrc", "comment", "rm", "3", "4"],
            &["rsrc", "machine", "like", "redis"],
            &["rsrc", "machine", "unlike", "redis"],
            &["rsrc", "machine", "rate", "redis", "4", "--feedback", "ok"],
            &["rsrc", "machine", "unrate", "redis"],
            &["rsrc", "machine", "feedback", "redis"],
            &["rsrc", "machine", "ls", "--sort", "rating"],
            &["rsrc", "profile", "update", "--notify-feedback", "on"],
        ] {
            if let Err(e) = Cli::try_parse_from(argv) {
                panic!("{argv:?}: {e}");
            }
        }
    }
}
