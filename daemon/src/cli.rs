//! The command line of `rsrcd`; main.rs runs it, and the man page is generated from it.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

const AFTER_HELP: &str = "\
Configuration:
  The config file is TOML; every key, its type, default and meaning: see rsrcd.toml(5)
  (`man rsrcd.toml`). An unknown key or a bad value stops rsrcd with a message naming the
  key. contrib/rsrcd.toml.example lists every key with its default.

Environment:
  RSRC_DATA_DIR, RSRC_SOCKET  override data_dir and socket (flags override both)
  RSRC_LOG                    log filter, e.g. debug or info,rsrcd=debug (default info)
  DOCKER_HOST                 Docker's address when docker_host is not set
  NO_COLOR                    no colour in the log

Signals:
  SIGTERM, SIGINT  stop accepting, finish requests in flight, close the registry, exit 0

Exit status:
  0 stopped cleanly; 1 could not start or failed; 2 bad configuration or usage;
  admin create: 5 when the account exists.";

/// rsrcd — the rsrc daemon.
///
/// Holds the Docker socket, keeps every record in one SQLite file (`rsrc.db` in the data dir) and
/// serves the rsrc API on a Unix socket. Run it as root for the system service
/// (/run/rsrc/rsrcd.sock, /var/lib/rsrc) or as a user for a per-user daemon.
#[derive(Parser)]
#[command(name = "rsrcd", version, after_long_help = AFTER_HELP)]
pub struct Args {
    /// Config file (TOML). Default: /etc/rsrc/rsrcd.toml as root, else the XDG config dir.
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Data directory; overrides the config file and RSRC_DATA_DIR.
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// API socket; overrides the config file and RSRC_SOCKET.
    #[arg(long, value_name = "PATH")]
    pub socket: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Offline administration: works on the registry directly, daemon running or not.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create a verified admin account.
    Create {
        /// The admin's email; it is also their login.
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

/// The man pages of rsrcd: file name -> content, one for rsrcd and one for each subcommand
/// (section 8), and rsrcd.toml(5) from the config key table (`config::doc`). `cargo run -p rsrcd --example gen-man` writes them to `man/`;
/// `daemon/tests/generated_man.rs` fails when the committed copies are stale.
pub fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    use clap::CommandFactory;
    fn collect(cmd: &clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
        // After `build()`, a subcommand's display name is `rsrcd-admin-create`.
        let man = clap_mangen::Man::new(cmd.clone())
            .section("8")
            .manual("rsrc manual")
            .source(concat!("rsrc ", env!("CARGO_PKG_VERSION")));
        let mut out = Vec::new();
        man.render(&mut out)?;
        pages.push((man.get_filename(), out));
        for sub in cmd.get_subcommands() {
            collect(sub, pages)?;
        }
        Ok(())
    }
    let mut cmd = Args::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    collect(&cmd, &mut pages)?;
    pages.push(crate::config::doc::man_page()?);
    pages.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(pages)
}
