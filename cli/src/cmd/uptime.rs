//! `rsrc instance uptime`: up, down and unknown intervals with their causes, and availability.

use clap::Args;
use rsrc_shared::api::{Uptime, UptimeState};

use crate::error::CliResult;
use crate::output::table;
use crate::Ctx;

#[derive(Debug, Args)]
pub struct UptimeArgs {
    /// The instance's id (or a unique prefix of it) or name.
    #[arg(value_name = "ID|NAME")]
    #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::instances))]
    #[arg(value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub reference: String,
    /// Where the report starts: a duration back from now (default 7d) or an RFC 3339 time.
    #[arg(long, value_name = "DURATION|RFC3339", allow_hyphen_values = true)]
    pub since: Option<String>,
}

pub async fn run(ctx: &mut Ctx, args: UptimeArgs) -> CliResult {
    let report = ctx
        .client
        .uptime(&args.reference, args.since.as_deref())
        .await?;
    ctx.out.custom(
        &report,
        &text(&report),
        std::slice::from_ref(&report.instance),
    );
    Ok(())
}

fn percent(p: Option<f64>) -> String {
    p.map_or_else(|| "n/a (no known time)".into(), |p| format!("{p:.3}%"))
}

/// `1d 2h 3m 4s`, largest units first, zero units left out.
fn duration(secs: f64) -> String {
    let mut left = secs.max(0.0).round() as u64;
    let mut parts = Vec::new();
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if left >= size {
            parts.push(format!("{}{unit}", left / size));
            left %= size;
        }
    }
    if parts.is_empty() {
        "0s".into()
    } else {
        parts.join(" ")
    }
}

fn text(r: &Uptime) -> String {
    let rows: Vec<Vec<String>> = r
        .intervals
        .iter()
        .map(|i| {
            vec![
                match i.state {
                    UptimeState::Up => "up",
                    UptimeState::Down => "down",
                    UptimeState::Unknown => "unknown",
                }
                .to_string(),
                i.from.clone(),
                i.to.clone(),
                duration(i.seconds),
                if i.planned {
                    format!("{} (planned)", i.cause)
                } else {
                    i.cause.clone()
                },
            ]
        })
        .collect();
    let mut out = format!("{} ({}) since {}\n\n", r.name, r.instance, r.since);
    out.push_str(&table(&["STATE", "FROM", "TO", "FOR", "CAUSE"], &rows));
    out.push_str(&format!(
        "\ndowntime:            {} ({} unplanned)\n",
        duration(r.downtime_seconds),
        duration(r.unplanned_downtime_seconds)
    ));
    out.push_str(&format!(
        "availability:        {}\n",
        percent(r.availability)
    ));
    out.push_str(&format!(
        "availability wanted: {}  (time up while its owner wanted it running)\n",
        percent(r.availability_wanted)
    ));
    for note in &r.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations_read_as_units() {
        assert_eq!(super::duration(0.2), "0s");
        assert_eq!(super::duration(3_725.0), "1h 2m 5s");
        assert_eq!(super::duration(86_400.0), "1d");
    }
}
