//! The one error every caller sees — REST clients and the browser alike.
//! The server maps its `AppError` into it once (`server::error`); REST
//! answers it as JSON, server functions return it as their error type, so
//! a page knows the kind (a conflict is `Conflict`, never a message to
//! match) and shows each field's message beside the field.

use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What went wrong, as a kind the caller can act on; each has one HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorKind {
    /// 400: malformed input, or a rule said no.
    BadRequest,
    /// 401: no valid session or token.
    Unauthorized,
    /// 403: signed in, not allowed.
    Forbidden,
    /// 404: missing, or another team's.
    NotFound,
    /// 408: took longer than the request time limit.
    Timeout,
    /// 409: stale revision, duplicate, cycle, replay.
    Conflict,
    /// 410: expired or already used.
    Gone,
    /// 413: the body is too large.
    PayloadTooLarge,
    /// 429: too many attempts.
    TooManyRequests,
    /// 500: a fault of ours (details are in the server log).
    Internal,
    /// 502: Slack, Jira or GitHub answered badly.
    BadGateway,
    /// 503: the database (or a service we need) is not available.
    Unavailable,
}

impl ErrorKind {
    /// The HTTP status of this kind.
    pub fn status(self) -> u16 {
        match self {
            Self::BadRequest => 400,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::Timeout => 408,
            Self::Conflict => 409,
            Self::Gone => 410,
            Self::PayloadTooLarge => 413,
            Self::TooManyRequests => 429,
            Self::Internal => 500,
            Self::BadGateway => 502,
            Self::Unavailable => 503,
        }
    }
}

/// A refused or failed request: its kind, a message for people, and the
/// message of each field at fault (by the form's field name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[error("{message}")]
pub struct ApiError {
    /// What kind of failure.
    pub kind: ErrorKind,
    /// What to tell the person.
    pub message: String,
    /// Per-field messages, when the input was at fault.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    /// A move refused by release policy: every check, the failing ones
    /// with `ok: false`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<crate::domain::policy::Check>,
}

impl ApiError {
    /// An error of `kind` with a message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            fields: BTreeMap::new(),
            checks: vec![],
        }
    }

    /// The message of one field, if that field is at fault.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

/// How the server-function machinery's own failures read: unreadable
/// arguments are the caller's (400); a network failure in the browser is
/// "unavailable"; anything else is ours.
impl FromServerFnError for ApiError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(e: ServerFnErrorErr) -> Self {
        if e.to_string().contains("length limit") {
            return Self::new(
                ErrorKind::PayloadTooLarge,
                "request body is too large (the limit is 1 MB)",
            );
        }
        // On the server, anything that could not be decoded came from the
        // request: the caller's fault. In the browser, it is the answer.
        let request_side = cfg!(feature = "ssr");
        // What the decoder said, cut short: it may quote the input.
        let short = |m: String| m.chars().take(200).collect::<String>();
        let (kind, message) = match e {
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::MissingArg(m) => (
                ErrorKind::BadRequest,
                format!("the request could not be read: {}", short(m)),
            ),
            ServerFnErrorErr::Deserialization(m) if request_side => (
                ErrorKind::BadRequest,
                format!("the request could not be read: {}", short(m)),
            ),
            ServerFnErrorErr::Request(_) => (
                ErrorKind::Unavailable,
                "the server could not be reached; check your connection and try again".into(),
            ),
            ServerFnErrorErr::Deserialization(_) | ServerFnErrorErr::Response(_) => (
                ErrorKind::Internal,
                "the server's answer could not be read; reload the page".into(),
            ),
            other => (ErrorKind::Internal, short(other.to_string())),
        };
        Self::new(kind, message)
    }
}
