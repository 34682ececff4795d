//! The one error type of the web edge. Services return [`AppError`]; REST
//! handlers turn it into `{"error": …}` bodies with the status codes of
//! `API.md`; server functions turn it into a `ServerFnError` with the same
//! message. Internal faults are logged with their cause chain and reach the
//! client only as a generic message.

use crate::domain::DomainError;
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

/// The JSON body of every error response.
#[derive(Debug, Serialize)]
pub struct ErrorBody {
    /// Human-readable message.
    pub error: String,
    /// Per-field messages of a validation error.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
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
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
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

    /// The body sent to the client.
    pub fn body(&self) -> ErrorBody {
        let fields = match self {
            Self::BadRequest { fields, .. } => fields.clone(),
            _ => BTreeMap::new(),
        };
        ErrorBody {
            error: self.to_string(),
            fields,
        }
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

impl AppError {
    /// For server functions: the same message the REST API would give, and
    /// internal faults logged with their cause here (the client sees only
    /// "internal error"). `ServerFnError: From<E: Error>` covers the rest.
    pub fn into_server_fn_error(self) -> leptos::prelude::ServerFnError {
        if let AppError::Internal(cause) = &self {
            tracing::error!(
                error = format!("{cause:#}"),
                "internal error in a server function"
            );
        }
        // The server function's HTTP answer carries the same status as the
        // REST API would (a refused move is a 400, not a 500); the browser's
        // client reads any 4xx/5xx as the error. A plain form post (no
        // JavaScript) is left alone: Leptos answers it with a redirect back.
        let plain_form = leptos::prelude::use_context::<http::request::Parts>().is_some_and(|p| {
            p.headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
        });
        if !plain_form {
            if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                res.set_status(self.status_code());
            }
        }
        leptos::prelude::ServerFnError::ServerError(self.to_string())
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
            JsonRejection::JsonDataError(e) => {
                Self::bad_request(format!("invalid request body: {}", e.body_text()))
            }
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

/// The result type of handlers and services.
pub type AppResult<T> = Result<T, AppError>;

/// Middleware for `/rpc`: a server function whose arguments cannot be read
/// (garbage, a missing or mistyped field, an oversize body) is answered by
/// Leptos with a 500, as if the server were at fault. It is the caller's:
/// such answers become 400 (413 for a body over the limit), with the same
/// body. Our own internal errors (`ServerError|internal error`) stay 500.
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
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    };
    let text = String::from_utf8_lossy(&bytes);
    let kind = text.split('|').next().unwrap_or_default();
    if matches!(kind, "Args" | "MissingArg" | "Deserialization" | "Request") {
        parts.status = if text.contains("length limit") {
            StatusCode::PAYLOAD_TOO_LARGE
        } else {
            StatusCode::BAD_REQUEST
        };
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}
