//! Clients for the outside world — Jira (Atlassian 3LO), GitHub and Slack —
//! each with a configurable base URL (tests aim them at local fakes), one
//! HTTP client with timeouts (`RC_OUTBOUND_TIMEOUT_MS`), and one error enum
//! derived from the status. Tokens are decrypted only by the services that
//! call these and are never logged or put into an error.

pub mod github;
pub mod jira;
pub mod slack;

/// `Retry-After` in seconds (the delta form; an HTTP date is rare from
/// these APIs and is treated as "unknown").
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<u64> {
    headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}
