//! Background work backed by the database, safe with several replicas: a job is claimed
//! by a lease, so whichever replica claims it does it and the others skip it.

use std::time::Duration;

use kc_db::Db;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::watch;

const MAX_ATTEMPTS: i32 = 5;
const BATCH: u64 = 20;

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("invalid SMTP url: {0}")]
    SmtpUrl(String),
    #[error("invalid sender address: {0}")]
    From(String),
}

/// Sends outbox mail over SMTP until `shutdown` turns true.
pub struct MailSender {
    db: Db,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl MailSender {
    pub fn new(db: Db, smtp_url: &str, from: &str) -> Result<Self, JobError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| JobError::SmtpUrl(e.to_string()))?
            .build();
        let from = from.parse().map_err(|e: lettre::address::AddressError| JobError::From(e.to_string()))?;
        Ok(Self { db, transport, from })
    }

    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            if let Err(e) = self.tick().await {
                tracing::warn!(error = %e, "mail outbox pass failed");
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(5)) => {}
                _ = shutdown.changed() => break,
            }
        }
    }

    async fn tick(&self) -> Result<(), kc_db::DbError> {
        let now = chrono::Utc::now();
        let lease = now + chrono::Duration::minutes(2);
        let mails = kc_db::outbox::claim(self.db.write(), now, lease, BATCH).await?;
        for mail in mails {
            let message = mail.to_addr.parse::<Mailbox>().map_err(|e| e.to_string()).and_then(|to| {
                Message::builder()
                    .from(self.from.clone())
                    .to(to)
                    .subject(mail.subject.clone())
                    .header(ContentType::TEXT_PLAIN)
                    .body(mail.body.clone())
                    .map_err(|e| e.to_string())
            });
            let result = match message {
                Ok(m) => self.transport.send(m).await.map(|_| ()).map_err(|e| e.to_string()),
                Err(e) => Err(e),
            };
            match result {
                Ok(()) => kc_db::outbox::mark_sent(self.db.write(), mail.id, chrono::Utc::now()).await?,
                Err(e) => {
                    tracing::warn!(mail = %mail.id, error = %e, "sending mail failed");
                    kc_db::outbox::mark_failed(self.db.write(), &mail, &e, MAX_ATTEMPTS).await?;
                }
            }
        }
        Ok(())
    }
}
