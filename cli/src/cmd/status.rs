//! `rsrc status`: which daemon this rsrc talks to, who is logged in, Docker's state, and the
//! caller's quota use. Exit 0 whenever the daemon answers, logged in or not; 69 when it does
//! not answer.

use rsrc_shared::api::{DaemonStatus, DockerStatus, Quota, StatusUser};
use serde::Serialize;

use crate::client::StatusReply;
use crate::error::CliResult;
use crate::output::{key_values, print_out, table, Format};
use crate::Ctx;

/// The JSON of `rsrc status --json`; `user` and `quota` are null without a login.
#[derive(Debug, Serialize)]
pub struct StatusView {
    pub daemon: DaemonView,
    pub user: Option<StatusUser>,
    pub docker: DockerStatus,
    pub quota: Option<Quota>,
}

#[derive(Debug, Serialize)]
pub struct DaemonView {
    pub socket: String,
    #[serde(flatten)]
    pub daemon: DaemonStatus,
}

pub async fn run(ctx: &mut Ctx) -> CliResult {
    let socket = ctx.client.socket().display().to_string();
    let (view, why) = match ctx.client.status().await? {
        StatusReply::Full(s) => (
            StatusView {
                daemon: DaemonView {
                    socket,
                    daemon: s.daemon,
                },
                user: Some(s.user),
                docker: s.docker,
                quota: Some(s.quota),
            },
            None,
        ),
        StatusReply::Anonymous { version, why } => (
            StatusView {
                daemon: DaemonView {
                    socket,
                    daemon: DaemonStatus {
                        version: version.daemon_version,
                        api_version: version.api_version,
                    },
                },
                user: None,
                docker: version.docker.into(),
                quota: None,
            },
            Some(why),
        ),
    };
    if ctx.quiet {
        if let Some(user) = &view.user {
            print_out(&format!("{}\n", user.email));
        }
        return Ok(());
    }
    match ctx.out.format {
        Format::Json => print_out(&crate::output::json(&view)),
        Format::Table => print_out(&render(&view, why.as_deref())),
    }
    Ok(())
}

/// The human form: key/value lines, then the per-machine quota table.
pub fn render(view: &StatusView, why: Option<&str>) -> String {
    let d = &view.daemon;
    let mut fields = vec![(
        "daemon",
        format!(
            "{} (rsrcd {}, API {})",
            d.socket, d.daemon.version, d.daemon.api_version
        ),
    )];
    fields.push((
        "user",
        match &view.user {
            Some(u) => format!(
                "{} ({}, {})",
                u.email,
                u.role.as_str(),
                if u.verified {
                    "verified"
                } else {
                    "email not verified"
                }
            ),
            None => why.unwrap_or("not logged in").to_string(),
        },
    ));
    let docker = &view.docker;
    fields.push((
        "docker",
        if docker.reachable {
            format!(
                "{} (API {})",
                docker.version.as_deref().unwrap_or("?"),
                docker.api_version.as_deref().unwrap_or("?")
            )
        } else {
            match &docker.error {
                Some(e) => format!("unreachable, retrying: {e}"),
                None => "unreachable, retrying".to_string(),
            }
        },
    ));
    if let Some(q) = &view.quota {
        fields.push(("quota", format!("{} of {} instances", q.used, q.allowed)));
    }
    let mut out = key_values(&fields);
    if let Some(q) = &view.quota {
        if !q.machines.is_empty() {
            let rows: Vec<Vec<String>> = q
                .machines
                .iter()
                .map(|m| vec![m.machine.clone(), m.used.to_string(), m.allowed.to_string()])
                .collect();
            out.push('\n');
            out.push_str(&table(&["MACHINE", "USED", "ALLOWED"], &rows));
        }
    }
    out
}
