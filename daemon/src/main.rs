use std::io::BufRead;
use std::process::ExitCode;

use clap::Parser;
use rsrcd::cli::{AdminCommand, Args, Command};
use rsrcd::config::{Config, Overrides};

// glibc's malloc keeps what it frees: each thread's arena, and argon2's 19 MiB blocks once its
// mmap threshold has grown past them. jemalloc's background thread returns freed pages to the
// system within seconds (bench/memory.sh measures the three; README, "Performance").
#[cfg(feature = "jemalloc")]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[cfg(all(feature = "mimalloc", not(feature = "jemalloc")))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    rsrcd::systemd::init_logging();
    // Before the runtime's threads exist: it unsets LISTEN_FDS and LISTEN_PID.
    let inherited = match rsrcd::systemd::take_inherited_listener() {
        Ok(l) => l,
        Err(e) => {
            tracing::error!("{e}");
            return ExitCode::FAILURE;
        }
    };
    // The registry runs on threads of its own, and password hashes take at most one thread per
    // core: the blocking pool only probes host ports. Each extra thread can keep a malloc arena
    // of its own, which is where memory went before.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(8)
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("rsrcd: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(rsrcd::run(config, inherited)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The log goes to stderr: one line says it.
            tracing::error!("{e}");
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
    if let Err(e) = rsrcd::domain::accounts::check_new_admin(email, name, &password) {
        eprintln!("rsrcd: {e}");
        return ExitCode::from(e.code().exit_code());
    }
    let registry = match rsrcd::open_registry(config) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("rsrcd: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rsrcd::domain::accounts::create_admin(&registry, email, name, &password) {
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
