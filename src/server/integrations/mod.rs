//! Clients for the outside world — Jira (Atlassian 3LO), GitHub and Slack —
//! each with a configurable base URL (tests aim them at local fakes), one
//! HTTP client with timeouts (`RC_OUTBOUND_TIMEOUT_MS`), and one error enum
//! derived from the status. Tokens are decrypted only by the services that
//! call these and are never logged or put into an error.

pub mod github;
pub mod jira;
pub mod mail;
pub mod oidc;
pub mod slack;
pub mod webhooks;

/// `Retry-After` in seconds (the delta form; an HTTP date is rare from
/// these APIs and is treated as "unknown").
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<u64> {
    headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// The origin of a Jira site as Atlassian names it (`https://acme.atlassian.net`),
/// or `None` unless it is a plain https origin — no credentials, and plain
/// http only on a loopback address (the local fakes of the tests). Links to
/// issues are built from this origin and nothing else.
pub fn site_origin(url: &str) -> Option<String> {
    let u = reqwest::Url::parse(url.trim()).ok()?;
    if !u.username().is_empty() || u.password().is_some() {
        return None;
    }
    let loopback = match u.host()? {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    };
    match u.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => return None,
    }
    Some(u.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::site_origin;

    #[test]
    fn only_https_origins_are_sites() {
        assert_eq!(
            site_origin("https://acme.atlassian.net/").as_deref(),
            Some("https://acme.atlassian.net")
        );
        assert_eq!(
            site_origin("http://127.0.0.1:9999").as_deref(),
            Some("http://127.0.0.1:9999")
        );
        for bad in [
            "javascript:alert(1)//",
            "http://acme.atlassian.net",
            "https://user:pw@acme.atlassian.net",
            "data:text/html,x",
            "acme.atlassian.net",
            "",
        ] {
            assert_eq!(site_origin(bad), None, "{bad}");
        }
    }
}
