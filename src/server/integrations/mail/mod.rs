//! Outgoing email over SMTP with `lettre`: `RC_SMTP_URL` is lettre's own
//! URL form — `smtp://user:pass@host:587?tls=required` for STARTTLS,
//! `smtps://user:pass@host:465` for TLS from the start, plain
//! `smtp://host:25` for a local relay — and `RC_MAIL_FROM` the sender.
//! Messages are never sent from a request: `services::mail` queues them and
//! the outbox worker calls [`Mailer::send`]. The URL's password is never
//! logged; errors carry the server's answer, not the URL.

pub mod templates;

use crate::server::config::Secret;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// The configured SMTP connection and sender.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// One message, as the templates build it.
#[derive(Clone, PartialEq, Eq)]
pub struct Email {
    /// The subject line.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part (everything interpolated is escaped).
    pub html: String,
}

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The server refused it for good (a bad address, a 5xx answer):
    /// retrying does not help.
    #[error("{0}")]
    Permanent(String),
    /// The server could not be reached or asked to try later.
    #[error("{0}")]
    Transient(String),
}

impl Mailer {
    /// The mailer `RC_SMTP_URL` and `RC_MAIL_FROM` describe.
    pub fn new(url: &Secret<String>, from: &str, timeout_ms: u64) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
            .map_err(|e| anyhow::anyhow!("RC_SMTP_URL is not a usable SMTP URL: {e}"))?
            .timeout(Some(std::time::Duration::from_millis(timeout_ms.max(1000))))
            .build();
        let from: Mailbox = from
            .parse()
            .map_err(|e| anyhow::anyhow!("RC_MAIL_FROM {from:?} is not an address: {e}"))?;
        Ok(Self { transport, from })
    }

    /// The sender's address.
    pub fn from(&self) -> &Mailbox {
        &self.from
    }

    /// Sends one message with a plain-text and an HTML part.
    pub async fn send(&self, to: &str, email: &Email) -> Result<(), MailError> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| MailError::Permanent(format!("not a deliverable address: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone())
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(email.text.clone()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(email.html.clone()),
                    ),
            )
            .map_err(|e| MailError::Permanent(format!("could not build the message: {e}")))?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(MailError::Permanent(format!(
                "the mail server refused the message: {}",
                describe(&e)
            ))),
            Err(e) => Err(MailError::Transient(format!(
                "the mail server could not take the message: {}",
                describe(&e)
            ))),
        }
    }
}

/// The SMTP error without anything of the URL (lettre's messages carry the
/// server's answer and the kind of failure; never the credentials).
fn describe(e: &lettre::transport::smtp::Error) -> String {
    let mut s = e.to_string();
    s.truncate(300);
    s
}
