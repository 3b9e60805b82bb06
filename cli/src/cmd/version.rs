//! `rsrc version`: the client's version, then the daemon's, the API's and Docker's.

use rsrc_shared::api::{VersionInfo, API_VERSION};
use serde::Serialize;

use crate::error::CliResult;
use crate::output::{key_values, print_out, Format};
use crate::Ctx;

pub const CLIENT_VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Debug, Serialize)]
struct Versions {
    client_version: String,
    client_api_version: String,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    daemon: Option<VersionInfo>,
}

pub async fn run(ctx: &mut Ctx) -> CliResult {
    let result = ctx.client.version().await;
    let info = match result {
        Ok(info) => Some(info),
        Err(e) => {
            // The client's own version is known without the daemon: print it, then fail.
            print_versions(ctx, None);
            return Err(e.into());
        }
    };
    print_versions(ctx, info.as_ref());
    if let Some(info) = &info {
        if info.api_version != API_VERSION {
            crate::ui::note(
                ctx.quiet,
                &format!(
                    "warning: rsrcd speaks API {}, this rsrc speaks {API_VERSION}",
                    info.api_version
                ),
            );
        }
    }
    Ok(())
}

fn print_versions(ctx: &Ctx, info: Option<&VersionInfo>) {
    if ctx.quiet {
        print_out(&format!("{CLIENT_VERSION}\n"));
        return;
    }
    match ctx.out.format {
        Format::Json => print_out(&crate::output::json(&Versions {
            client_version: CLIENT_VERSION.into(),
            client_api_version: API_VERSION.into(),
            daemon: info.cloned(),
        })),
        Format::Table => {
            let mut fields = vec![("client", CLIENT_VERSION.to_string())];
            if let Some(info) = info {
                let docker = &info.docker;
                let docker_text = if docker.connected {
                    format!(
                        "{} (API {})",
                        docker.version.as_deref().unwrap_or("?"),
                        docker.api_version.as_deref().unwrap_or("?")
                    )
                } else {
                    format!(
                        "not connected{}",
                        docker
                            .error
                            .as_deref()
                            .map(|e| format!(": {e}"))
                            .unwrap_or_default()
                    )
                };
                fields.push(("daemon", info.daemon_version.clone()));
                fields.push(("api", info.api_version.clone()));
                fields.push(("docker", docker_text));
            }
            print_out(&key_values(&fields));
        }
    }
}
