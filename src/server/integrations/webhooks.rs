//! Outgoing webhook deliveries: the URL guard, the Standard Webhooks
//! signature (`standardwebhooks`, the reference Rust library of the
//! specification), and one signed POST.
//!
//! The guard runs twice: when a webhook is saved ([`check_url`]: the
//! scheme, no credentials, no address literal that is not public) and at
//! send time, after name resolution ([`resolve`]): every address the name
//! resolves to must be public — no loopback, private, link-local,
//! carrier-grade NAT, multicast or unspecified address — unless the host is
//! listed in `RC_OUTBOUND_ALLOW_HOSTS`. The request then goes to the
//! address that was checked (the client is pinned to it, so a second DNS
//! answer cannot swap in an internal address), redirects are never
//! followed, and a 2xx within 10 seconds is success.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// How long a receiver has to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Why a URL is refused, or a delivery failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// The URL may not be called (the guard's reason).
    #[error("{0}")]
    Refused(String),
    /// No answer: DNS, connection, TLS or the time limit.
    #[error("{0}")]
    Unreachable(String),
    /// The receiver answered, but not with 2xx.
    #[error("the receiver answered {0}")]
    Status(u16),
}

/// Whether `ip` is an address on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
                || (a == 198 && (b == 18 || b == 19)) // benchmarking
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
                || first == 0x2001 && v6.segments()[1] == 0x0db8) // documentation
        }
    }
}

/// A webhook URL's host, lower-case, without brackets.
fn host_of(url: &url::Url) -> Option<String> {
    Some(
        url.host_str()?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase(),
    )
}

/// Checks a URL when a webhook is saved: https (or http to an allowed
/// host), no credentials, and no address literal that is not public unless
/// allowed. Names are checked again at send time, after resolution.
pub fn check_url(raw: &str, allow_hosts: &[String]) -> Result<url::Url, String> {
    let raw = raw.trim();
    if raw.len() > 2000 || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("the URL must be one line of at most 2,000 characters".into());
    }
    let url =
        url::Url::parse(raw).map_err(|_| "the URL must be an https:// address".to_string())?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("the URL may not carry a user name or password".into());
    }
    let host = host_of(&url).ok_or("the URL must name a host")?;
    let allowed = allow_hosts.iter().any(|h| h.eq_ignore_ascii_case(&host));
    match url.scheme() {
        "https" => {}
        "http" if allowed => {}
        _ => return Err("the URL must be an https:// address".into()),
    }
    if !allowed {
        if let Ok(ip) = host.parse::<IpAddr>() {
            if !is_public(ip) {
                return Err(format!(
                    "{host} is not a public address: webhooks never reach loopback, private or link-local networks"
                ));
            }
        }
        if host == "localhost" || host.ends_with(".localhost") {
            return Err("localhost is not a public address".into());
        }
    }
    Ok(url)
}

/// Resolves the URL's host and checks every address it names (send time).
pub async fn resolve(url: &url::Url, allow_hosts: &[String]) -> Result<SocketAddr, DeliveryError> {
    let host = host_of(url).ok_or_else(|| DeliveryError::Refused("no host".into()))?;
    let port = url.port_or_known_default().unwrap_or(443);
    let allowed = allow_hosts.iter().any(|h| h.eq_ignore_ascii_case(&host));
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|_| DeliveryError::Unreachable(format!("{host} could not be resolved")))?
        .collect();
    let first = *addrs
        .first()
        .ok_or_else(|| DeliveryError::Unreachable(format!("{host} has no address")))?;
    if !allowed {
        if let Some(bad) = addrs.iter().find(|a| !is_public(a.ip())) {
            return Err(DeliveryError::Refused(format!(
                "{host} resolves to {}, which is not a public address",
                bad.ip()
            )));
        }
    }
    Ok(first)
}

/// The three Standard Webhooks headers of one attempt.
pub fn signature(
    secret: &str,
    message_id: &str,
    timestamp: i64,
    body: &[u8],
) -> anyhow::Result<String> {
    let wh = standardwebhooks::Webhook::new(secret)
        .map_err(|e| anyhow::anyhow!("the webhook secret is unusable: {e:?}"))?;
    wh.sign(message_id, timestamp, body)
        .map_err(|e| anyhow::anyhow!("signing failed: {e:?}"))
}

/// A new signing secret: `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> String {
    use base64::Engine;
    let key: [u8; 32] = rand::random();
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(key)
    )
}

/// One attempt: POSTs `body` to `url`, signed, and answers the status.
pub async fn deliver(
    url: &str,
    allow_hosts: &[String],
    secret: &str,
    message_id: &str,
    body: &str,
) -> Result<u16, DeliveryError> {
    let url = check_url(url, allow_hosts).map_err(DeliveryError::Refused)?;
    let addr = resolve(&url, allow_hosts).await?;
    let host = host_of(&url).unwrap_or_default();
    let client = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .resolve(&host, addr)
        .user_agent("Release-Coordinator-Webhooks/1")
        .build()
        .map_err(|e| DeliveryError::Unreachable(format!("HTTP client: {e}")))?;
    let timestamp = chrono::Utc::now().timestamp();
    let signed = signature(secret, message_id, timestamp, body.as_bytes())
        .map_err(|e| DeliveryError::Refused(e.to_string()))?;
    let res = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", message_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signed)
        .body(body.to_string())
        .send()
        .await
        .map_err(|e| {
            DeliveryError::Unreachable(if e.is_timeout() {
                "the receiver did not answer within 10 seconds".into()
            } else if e.is_connect() {
                "the connection failed".into()
            } else {
                "the request failed".into()
            })
        })?;
    let status = res.status().as_u16();
    if (200..300).contains(&status) {
        Ok(status)
    } else {
        Err(DeliveryError::Status(status))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "224.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn urls_are_checked_when_saved() {
        let none: Vec<String> = vec![];
        assert!(check_url("https://hooks.example.com/rc", &none).is_ok());
        assert!(check_url("http://hooks.example.com/rc", &none).is_err());
        assert!(check_url("https://user:pw@hooks.example.com/", &none).is_err());
        assert!(check_url("https://127.0.0.1/x", &none).is_err());
        assert!(check_url("https://[::1]/x", &none).is_err());
        assert!(check_url("https://localhost/x", &none).is_err());
        assert!(check_url("https://169.254.169.254/latest", &none).is_err());
        assert!(check_url("ftp://hooks.example.com/", &none).is_err());
        let allowed = vec!["127.0.0.1".to_string()];
        assert!(check_url("http://127.0.0.1:9999/hook", &allowed).is_ok());
    }

    #[test]
    fn a_signature_verifies_with_the_reference_library() {
        let secret = new_secret();
        assert!(secret.starts_with("whsec_"));
        let body = br#"{"type":"ping"}"#;
        let sig = signature(&secret, "msg_1", 1_700_000_000, body).unwrap();
        assert!(sig.starts_with("v1,"), "{sig}");
        // By hand, as the specification says: HMAC-SHA256 of "id.ts.body".
        use base64::Engine;
        use hmac::{Hmac, Mac};
        let key = base64::engine::general_purpose::STANDARD
            .decode(secret.trim_start_matches("whsec_"))
            .unwrap();
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
        mac.update(b"msg_1.1700000000.");
        mac.update(body);
        let expected =
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        assert_eq!(sig, format!("v1,{expected}"));
    }
}
