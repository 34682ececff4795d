//! A real SMTP server on loopback for the tests: it speaks enough SMTP for
//! any client (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; several messages
//! per connection), keeps every message it accepts, and can be told to
//! refuse the next messages (temporarily or for good) to exercise retries.
//! Messages are parsed with `mail-parser`, as a mail client would.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One message as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Received {
    /// The first link in the plain-text part that contains `path`.
    pub fn link(&self, path: &str) -> String {
        self.text
            .split_whitespace()
            .find(|w| w.starts_with("http") && w.contains(path))
            .unwrap_or_else(|| panic!("no {path} link in {:?}", self.text))
            .to_string()
    }

    /// The `token` query value of the link to `path`.
    pub fn token(&self, path: &str) -> String {
        let link = self.link(path);
        let url = url::Url::parse(&link).unwrap();
        url.query_pairs()
            .find(|(k, _)| k == "token")
            .map(|(_, v)| v.to_string())
            .unwrap_or_else(|| url.path().rsplit('/').next().unwrap().to_string())
    }
}

#[derive(Default)]
struct Shared {
    messages: Mutex<Vec<Received>>,
    fail_temporarily: AtomicUsize,
    fail_permanently: AtomicUsize,
}

/// The running sink.
#[derive(Clone)]
pub struct SmtpSink {
    pub port: u16,
    shared: Arc<Shared>,
}

impl SmtpSink {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Shared::default());
        let s = shared.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let s = s.clone();
                tokio::spawn(async move {
                    let _ = session(sock, s).await;
                });
            }
        });
        Self { port, shared }
    }

    /// `RC_SMTP_URL` for the app.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The next `n` messages get `451` (try again later).
    pub fn fail_next_temporarily(&self, n: usize) {
        self.shared.fail_temporarily.store(n, Ordering::SeqCst);
    }

    /// The next `n` messages get `550` (refused for good).
    pub fn fail_next_permanently(&self, n: usize) {
        self.shared.fail_permanently.store(n, Ordering::SeqCst);
    }

    /// Every message received so far.
    pub fn messages(&self) -> Vec<Received> {
        self.shared.messages.lock().unwrap().clone()
    }

    /// Messages received for `to`.
    pub fn to(&self, to: &str) -> Vec<Received> {
        self.messages()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(to)))
            .collect()
    }

    /// Waits (up to 10 s) until `to` has received `n` messages; returns the newest.
    pub async fn wait_for(&self, to: &str, n: usize) -> Received {
        self.wait_for_with(to, "", n).await
    }

    /// Waits until `to` has received `n` messages whose text has `path`;
    /// returns the newest of them.
    pub async fn wait_for_with(&self, to: &str, path: &str, n: usize) -> Received {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let got: Vec<Received> = self
                .to(to)
                .into_iter()
                .filter(|m| m.text.contains(path))
                .collect();
            if got.len() >= n {
                return got.last().unwrap().clone();
            }
            if tokio::time::Instant::now() > deadline {
                panic!(
                    "{to} received {} messages, expected {n}: {:?}",
                    got.len(),
                    self.messages()
                );
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

fn take_one(n: &AtomicUsize) -> bool {
    n.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |v| v.checked_sub(1))
        .is_ok()
}

async fn session(sock: tokio::net::TcpStream, shared: Arc<Shared>) -> std::io::Result<()> {
    let (r, mut w) = sock.into_split();
    let mut r = BufReader::new(r);
    w.write_all(b"220 sink.test ESMTP ready\r\n").await?;
    let mut to: Vec<String> = vec![];
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_string();
        let upper = cmd.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            w.write_all(b"250-sink.test\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 10485760\r\n")
                .await?;
        } else if upper.starts_with("HELO") {
            w.write_all(b"250 sink.test\r\n").await?;
        } else if upper.starts_with("MAIL FROM") {
            to.clear();
            w.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("RCPT TO") {
            let addr = cmd
                .split_once('<')
                .and_then(|(_, rest)| rest.split_once('>'))
                .map(|(a, _)| a.to_string())
                .unwrap_or_default();
            to.push(addr);
            w.write_all(b"250 OK\r\n").await?;
        } else if upper == "DATA" {
            w.write_all(b"354 go ahead\r\n").await?;
            let mut raw = Vec::new();
            loop {
                line.clear();
                if r.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                let l = line
                    .strip_prefix('.')
                    .filter(|_| line.starts_with(".."))
                    .unwrap_or(&line);
                raw.extend_from_slice(l.as_bytes());
            }
            if take_one(&shared.fail_temporarily) {
                w.write_all(b"451 4.3.0 try again later\r\n").await?;
                continue;
            }
            if take_one(&shared.fail_permanently) {
                w.write_all(b"550 5.1.1 no such mailbox\r\n").await?;
                continue;
            }
            let parsed = mail_parser::MessageParser::default().parse(&raw);
            let msg = match parsed {
                Some(m) => Received {
                    to: to.clone(),
                    subject: m.subject().unwrap_or_default().to_string(),
                    text: m.body_text(0).map(|t| t.to_string()).unwrap_or_default(),
                    html: m.body_html(0).map(|t| t.to_string()).unwrap_or_default(),
                },
                None => Received {
                    to: to.clone(),
                    subject: String::new(),
                    text: String::from_utf8_lossy(&raw).to_string(),
                    html: String::new(),
                },
            };
            shared.messages.lock().unwrap().push(msg);
            w.write_all(b"250 OK queued\r\n").await?;
        } else if upper.starts_with("QUIT") {
            w.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else if upper.starts_with("RSET") || upper.starts_with("NOOP") {
            w.write_all(b"250 OK\r\n").await?;
        } else {
            w.write_all(b"502 not implemented\r\n").await?;
        }
    }
}
