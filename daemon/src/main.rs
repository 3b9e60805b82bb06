use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use rsrcd::config::{Config, Overrides};

/// rsrcd — the rsrc daemon.
///
/// Holds the Docker socket, keeps every record in one SQLite file (`rsrc.db` in the data dir) and
/// serves the rsrc API on a Unix socket. Run it as root for the system service
/// (/run/rsrc/rsrcd.sock, /var/lib/rsrc) or as a user for a per-user daemon.
#[derive(Parser)]
#[command(name = "rsrcd", version)]
struct Args {
    /// Config file (TOML). Default: /etc/rsrc/rsrcd.toml as root, else the XDG config dir.
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Data directory; overrides the config file and RSRC_DATA_DIR.
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// API socket; overrides the config file and RSRC_SOCKET.
    #[arg(long, global = true, value_name = "PATH")]
    socket: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Offline administration: works on the registry directly, daemon running or not.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a verified admin account.
    Create {
        #[arg(long)]
        email: String,
        /// Display name (default: the part of the email before @).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
    },
}

fn main() -> ExitCode {
    let args = Args::parse();
    let overrides = Overrides {
        config: args.config,
        data_dir: args.data_dir,
        socket: args.socket,
    };
    let config = match Config::load(&overrides) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("rsrcd: {}", rsrcd::error_chain(&e));
            return ExitCode::from(2);
        }
    };
    match args.command {
        None => run_daemon(config),
        Some(Command::Admin {
            command:
                AdminCommand::Create {
                    email,
                    name,
                    password_stdin,
                },
        }) => admin_create(&config, &email, name.as_deref(), password_stdin),
    }
}

fn run_daemon(config: Config) -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("RSRC_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("rsrcd: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(rsrcd::run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("rsrcd: {e}");
            ExitCode::FAILURE
        }
    }
}

fn admin_create(
    config: &Config,
    email: &str,
    name: Option<&str>,
    password_stdin: bool,
) -> ExitCode {
    let password = if password_stdin {
        let mut line = String::new();
        if let Err(e) = std::io::stdin().lock().read_line(&mut line) {
            eprintln!("rsrcd: cannot read the password from stdin: {e}");
            return ExitCode::from(2);
        }
        line.trim_end_matches(['\n', '\r']).to_string()
    } else {
        match rpassword::prompt_password("Password for the new admin: ") {
            Ok(p) => p,
            Err(e) => {
                eprintln!("rsrcd: cannot read a password ({e}); use --password-stdin");
                return ExitCode::from(2);
            }
        }
    };
    let registry = match rsrcd::open_registry(config) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("rsrcd: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rsrcd::accounts::create_admin(&registry, email, name, &password) {
        Ok(user) => {
            println!("created admin {} (id {})", user.email, user.id);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("rsrcd: {}", e);
            ExitCode::from(e.code().exit_code())
        }
    }
}
