//! Clients for the outside world — Jira (Atlassian 3LO), GitHub and Slack —
//! each with a configurable base URL (tests aim them at local fakes), one
//! HTTP client with timeouts, and one error enum derived from the status.
//! Tokens are decrypted only in here and never logged.

pub mod github;
pub mod slack;
