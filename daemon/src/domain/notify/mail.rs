//! Mail over SMTP: the outbox's email channel. A mail leaves only through the outbox
//! (`notify::outbox`), so a crash never loses one and a retry never sends one twice.

use std::sync::Arc;
use std::time::Duration;

use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio_util::sync::CancellationToken;

use super::outbox::{run_channel, Channel, Failure, Outbox, Transport};
use crate::config::{SmtpConfig, SmtpTls};
use crate::error::{Error, Result};
use crate::registry::outbox::Due;
use crate::registry::Registry;

/// Delivers due mails until `shutdown` flips. Without `[smtp]` mails stay queued.
pub async fn run_sender(
    registry: Registry,
    outbox: Outbox,
    smtp: Option<SmtpConfig>,
    shutdown: CancellationToken,
) {
    let Some(smtp) = smtp else {
        tracing::warn!("no [smtp] table in the config: mails are queued but not sent");
        return;
    };
    let transport = match build_transport(&smtp) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "cannot set up SMTP; mails stay queued");
            return;
        }
    };
    let from: lettre::message::Mailbox = match smtp.from.parse() {
        Ok(m) => m,
        Err(e) => {
            tracing::error!(error = %e, "smtp.from is not a mailbox; mails stay queued");
            return;
        }
    };
    let smtp = Smtp { transport, from };
    run_channel(registry, outbox, Arc::new(smtp), shutdown).await;
}

struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::message::Mailbox,
}

#[async_trait::async_trait]
impl Transport for Smtp {
    fn channel(&self) -> Channel {
        Channel::Email
    }

    async fn deliver(&self, mail: &Due, body: String) -> std::result::Result<(), Failure> {
        let message = compose(&self.from, mail, body).map_err(|e| Failure {
            error: e.to_string(),
            permanent: true,
            unanswered: false,
        })?;
        self.transport
            .send(message)
            .await
            .map(drop)
            .map_err(|e| Failure {
                permanent: e.is_permanent(),
                error: e.to_string(),
                // SMTP: a server that took the message answers; lettre reports no half-sent state.
                unanswered: false,
            })
    }
}

fn build_transport(smtp: &SmtpConfig) -> Result<AsyncSmtpTransport<Tokio1Executor>> {
    let builder = match smtp.tls {
        SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
        SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
            .map_err(|e| Error::internal(format!("smtp starttls: {e}")))?,
        SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)
            .map_err(|e| Error::internal(format!("smtp tls: {e}")))?,
    };
    let mut builder = builder
        .port(smtp.port)
        .timeout(Some(Duration::from_secs(20)));
    if let (Some(user), Some(pass)) = (&smtp.username, &smtp.password) {
        builder = builder.credentials(Credentials::new(user.clone(), pass.clone()));
    }
    Ok(builder.build())
}

fn compose(from: &lettre::message::Mailbox, mail: &Due, body: String) -> Result<Message> {
    let to = mail
        .recipient
        .parse()
        .map_err(|e| Error::invalid(format!("bad recipient: {e}")))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        // Deterministic, so that a copy sent twice after a crash is recognisable as one mail.
        .message_id(Some(format!(
            "<outbox-{}-{}@rsrcd>",
            mail.id, mail.created_at
        )))
        .body(body)
        .map_err(|e| Error::internal(format!("cannot build mail: {e}")))
}
