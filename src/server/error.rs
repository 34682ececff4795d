//! The one error type of the web edge. Services return [`AppError`]; REST
//! handlers turn it into `{"error": …}` bodies with the status codes of
//! `API.md`; server functions turn it into a `ServerFnError` with the same
//! message. Internal faults are logged with their cause chain and reach the
//! client only as a generic message.

use crate::domain::DomainError;
use crate::views::{ApiError, ErrorKind};
use axum::extract::rejection::JsonRejection;
use axum::extract::FromRequest;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::collections::BTreeMap;

/// Everything that can go wrong while serving a request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the input is malformed or breaks a rule.
    #[error("{message}")]
    BadRequest {
        /// What is wrong.
        message: String,
        /// Per-field messages, when known.
        fields: BTreeMap<String, String>,
    },
    /// 400: a move release policy refuses (a freeze, missing approvals,
    /// open tickets): the message names the first failing check.
    #[error("{message}")]
    PolicyRefused {
        /// What is wrong.
        message: String,
        /// Every check of the move.
        checks: Vec<crate::domain::policy::Check>,
    },
    /// 401: no valid session or token.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: signed in, but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// 404: missing — or another team's.
    #[error("{0}")]
    NotFound(String),
    /// 409: stale revision, duplicate, cycle.
    #[error("{0}")]
    Conflict(String),
    /// 410: expired or already used.
    #[error("{0}")]
    Gone(String),
    /// 413: the body is too large.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 429: too many failed sign-ins.
    #[error("{0}")]
    TooManyRequests(String),
    /// 502: an upstream service (Slack, Jira, GitHub) answered badly.
    #[error("{0}")]
    BadGateway(String),
    /// 503: a dependency (the database) is not available.
    #[error("{0}")]
    Unavailable(String),
    /// 500: a real server fault; the cause is logged, never shown.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// The JSON body of every error response (`#/components/schemas/Error` in
/// the OpenAPI document).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    /// Human-readable message.
    pub error: String,
    /// Per-field messages of a validation error, by field name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    /// A move refused by release policy: every check of it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<crate::domain::policy::Check>,
}

impl AppError {
    /// A 400 without field details.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::BadRequest {
            message: message.into(),
            fields: BTreeMap::new(),
        }
    }

    /// A 400 on one field.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::BadRequest {
            fields: BTreeMap::from([(field.to_string(), message.clone())]),
            message,
        }
    }

    /// A 404 for a named kind of thing.
    pub fn not_found(what: &str) -> Self {
        Self::NotFound(format!("{what} not found"))
    }

    /// The HTTP status this error maps to.
    pub fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } | Self::PolicyRefused { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Gone(_) => StatusCode::GONE,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::BadGateway(_) => StatusCode::BAD_GATEWAY,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The kind callers see (`views::ErrorKind`, one HTTP status each).
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::BadRequest { .. } | Self::PolicyRefused { .. } => ErrorKind::BadRequest,
            Self::Unauthorized(_) => ErrorKind::Unauthorized,
            Self::Forbidden(_) => ErrorKind::Forbidden,
            Self::NotFound(_) => ErrorKind::NotFound,
            Self::Conflict(_) => ErrorKind::Conflict,
            Self::Gone(_) => ErrorKind::Gone,
            Self::PayloadTooLarge(_) => ErrorKind::PayloadTooLarge,
            Self::TooManyRequests(_) => ErrorKind::TooManyRequests,
            Self::BadGateway(_) => ErrorKind::BadGateway,
            Self::Unavailable(_) => ErrorKind::Unavailable,
            Self::Internal(_) => ErrorKind::Internal,
        }
    }

    /// What the caller is told (an internal fault's cause stays here).
    pub fn to_api(&self) -> ApiError {
        ApiError {
            kind: self.kind(),
            message: self.to_string(),
            fields: match self {
                Self::BadRequest { fields, .. } => fields.clone(),
                _ => BTreeMap::new(),
            },
            checks: match self {
                Self::PolicyRefused { checks, .. } => checks.clone(),
                _ => vec![],
            },
        }
    }

    /// The body sent to REST clients: `API.md`'s `{error, fields}`.
    pub fn body(&self) -> ErrorBody {
        ErrorBody::from(self.to_api())
    }
}

impl From<ApiError> for ErrorBody {
    fn from(e: ApiError) -> Self {
        ErrorBody {
            error: e.message,
            fields: e.fields,
            checks: e.checks,
        }
    }
}

/// For server functions (`?` on a service call): the same error the REST
/// API would give; an internal fault is logged here, once, with its cause.
/// The HTTP status follows the kind (`rpc_input_errors`).
impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        if let AppError::Internal(cause) = &e {
            tracing::error!(
                error = format!("{cause:#}"),
                "internal error in a server function"
            );
        }
        e.to_api()
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Self::Internal(cause) = &self {
            tracing::error!(error = format!("{cause:#}"), "internal error");
        }
        (self.status_code(), axum::Json(self.body())).into_response()
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid {
                field: Some(f),
                message,
            } => Self::invalid_field(f, message),
            DomainError::Invalid {
                field: None,
                message,
            } => Self::bad_request(message),
            e @ DomainError::IllegalTransition { .. } => Self::bad_request(e.to_string()),
            e @ DomainError::Forbidden { .. } => Self::Forbidden(e.to_string()),
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        if crate::server::db::is_unique_violation(&e) {
            return Self::Conflict("that already exists".into());
        }
        if crate::server::db::is_bad_value(&e) {
            return Self::bad_request(
                "the request holds a value the database cannot store (a NUL character, a number out of range)",
            );
        }
        if crate::server::db::is_unavailable(&e) {
            tracing::warn!(error = %e, "database unavailable");
            return Self::Unavailable(
                "the database is not reachable right now; try again in a moment".into(),
            );
        }
        Self::Internal(anyhow::Error::new(e))
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        Self::Internal(e)
    }
}

/// `Json<T>` whose rejections are our JSON errors: malformed JSON and wrong
/// field types are 400 (never axum's plain-text 422), a missing
/// `Content-Type` is 400, an oversize body 413.
#[derive(Debug, Clone, Copy, Default, FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct ApiJson<T>(pub T);

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonDataError(e) => match field_at_fault(&e) {
                // A wrong value of a known field (an unknown status, a
                // number for a string): said beside that field.
                Some((field, why)) => Self::invalid_field(&field, format!("{field}: {why}")),
                None => Self::bad_request(format!("invalid request body: {}", e.body_text())),
            },
            JsonRejection::JsonSyntaxError(_) => {
                Self::bad_request("request body is not valid JSON")
            }
            JsonRejection::MissingJsonContentType(_) => Self::bad_request(
                "send the request body as JSON with Content-Type: application/json",
            ),
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Self::PayloadTooLarge("request body is too large (the limit is 1 MB)".into())
            }
            other => Self::bad_request(other.body_text()),
        }
    }
}

/// The field a body's data error is about, and serde's reason without its
/// position: axum reads JSON through `serde_path_to_error`, whose error is
/// in the rejection's source chain. `None` for the body as a whole.
fn field_at_fault(e: &axum::extract::rejection::JsonDataError) -> Option<(String, String)> {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(p) = s.downcast_ref::<serde_path_to_error::Error<serde_json::Error>>() {
            let field = p.path().to_string();
            if field == "." {
                return None;
            }
            let why = p.inner().to_string();
            let why = why
                .split(" at line ")
                .next()
                .unwrap_or_default()
                .to_string();
            return Some((field, why));
        }
        source = s.source();
    }
    None
}

/// The result type of handlers and services.
pub type AppResult<T> = Result<T, AppError>;

/// Middleware for `/rpc`: a server function that fails answers with its
/// `ApiError` as JSON, but Leptos sends every error with status 500. The
/// status follows the error's kind instead (a refused move is a 400, an
/// unreadable argument a 400, a body over the limit 413), so the browser,
/// proxies and logs see what happened; our own faults stay 500.
pub async fn rpc_input_errors(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if !req.uri().path().starts_with(crate::serverfns::PREFIX) {
        return next.run(req).await;
    }
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, crate::server::startup::MAX_BODY_BYTES).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    };
    if let Ok(e) = serde_json::from_slice::<ApiError>(&bytes) {
        parts.status =
            StatusCode::from_u16(e.kind.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&e).unwrap_or_default();
        parts.headers.remove(axum::http::header::CONTENT_LENGTH);
        return Response::from_parts(parts, axum::body::Body::from(body));
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}
