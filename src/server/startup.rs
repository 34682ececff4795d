//! Builds the whole application — database, router, listener — from
//! [`Settings`]. `main` and the integration tests both go through
//! [`Application::build`], so tests exercise the real server on port 0.

use crate::server::auth;
use crate::server::config::Settings;
use crate::server::crypto::Cipher;
use crate::server::events::EventBus;
use crate::server::state::AppState;
use crate::server::{api, db};
use crate::ui::app::{shell, App};
use anyhow::Context;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// Largest request body accepted (413 beyond).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A built application, bound to its port, not yet serving.
pub struct Application {
    listener: tokio::net::TcpListener,
    router: Router,
    state: AppState,
}

impl Application {
    /// Connects and migrates the database, builds the router and binds the
    /// listener (port 0 picks a free port).
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let db = db::connect(settings.database_url.expose(), settings.backend).await?;
        db::migrate(&db)
            .await
            .context("applying database migrations")?;

        let listener = tokio::net::TcpListener::bind(settings.site_addr)
            .await
            .with_context(|| format!("cannot listen on {}", settings.site_addr))?;
        let bound = listener.local_addr()?;
        let public_url: Arc<str> = settings
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{bound}"))
            .into();

        let leptos_options = LeptosOptions::builder()
            .output_name(env!("CARGO_CRATE_NAME"))
            .site_root(settings.site_root.as_str())
            .site_pkg_dir(settings.site_pkg_dir.as_str())
            .site_addr(bound)
            .hash_files(built_with_hashes())
            .build();

        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            // Never followed: a redirect could lead an allowed host's request
            // anywhere (an internal address, another service).
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_millis(settings.outbound_timeout_ms.max(100)))
            .user_agent(concat!("release-coordinator/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("building the HTTP client")?;
        let cipher = Cipher::with_old_keys(&settings.encryption_key, &settings.old_encryption_keys);
        let (per_user, total) = (settings.sse_max_per_user, settings.sse_max_total);
        let events = match settings.backend {
            crate::server::config::Backend::Postgres => {
                EventBus::with_postgres(db.clone(), settings.database_url.expose(), per_user, total)
                    .await
                    .context("starting the PostgreSQL event relay (LISTEN/NOTIFY)")?
            }
            crate::server::config::Backend::Sqlite => EventBus::new(per_user, total),
        };
        let limits = Arc::new(crate::server::limits::Limits::new(&settings));
        let settings_timeout = settings.outbound_timeout_ms;
        let mailer = match &settings.smtp_url {
            Some(url) => Some(Arc::new(crate::server::integrations::mail::Mailer::new(
                url,
                &settings.mail_from,
                settings.outbound_timeout_ms,
            )?)),
            None => None,
        };
        let state = AppState {
            leptos_options,
            db,
            settings: Arc::new(settings),
            public_url,
            limits,
            cipher,
            events,
            http,
            outbox_wake: Arc::new(tokio::sync::Notify::new()),
            metrics: Arc::new(crate::server::metrics::Metrics::new()),
            mailer,
            oidc: Arc::new(crate::server::integrations::oidc::Oidc::new(
                settings_timeout,
            )?),
        };
        let router = router(state.clone());
        Ok(Self {
            listener,
            router,
            state,
        })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.listener
            .local_addr()
            .map(|a| a.port())
            .unwrap_or_default()
    }

    /// The shared state (tests use its database handle).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        tracing::info!(addr = %self.listener.local_addr()?, public_url = %self.state.public_url, "serving");
        let (stop_jobs, stopped) = tokio::sync::watch::channel(false);
        let outbox = tokio::spawn(crate::server::jobs::outbox::run(
            self.state.clone(),
            stopped.clone(),
        ));
        let item_sync = tokio::spawn(crate::server::jobs::item_sync::run(
            self.state.clone(),
            stopped.clone(),
        ));
        let stream_check = tokio::spawn(crate::server::jobs::stream_check::run(
            self.state.clone(),
            stopped.clone(),
        ));
        let freeze_notices = tokio::spawn(crate::server::jobs::freeze_notices::run(
            self.state.clone(),
            stopped.clone(),
        ));
        let purge = tokio::spawn(crate::server::jobs::purge::run(self.state.clone(), stopped));
        let events = self.state.events.clone();
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            shutdown.await;
            // Open live streams end, so the graceful shutdown can finish.
            events.close();
        })
        .await?;
        // Background jobs stop before the pool closes.
        let _ = stop_jobs.send(true);
        let _ = tokio::time::timeout(Duration::from_secs(15), async {
            let _ = tokio::join!(outbox, item_sync, stream_check, freeze_notices, purge);
        })
        .await;
        self.state.db.clone().close().await.ok();
        tracing::info!("stopped");
        Ok(())
    }
}

/// The pages' routes, generated once per process. Generating them runs the
/// app with data loading switched off for the whole process (leptos#4773):
/// a page another server of the same process is rendering at that moment
/// (the HTTP test suite runs many servers in one process) would wait for
/// its data forever — seen as a rare 408 in the suite.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The whole HTTP surface: `/api` (REST), `/rpc` (server functions), pages,
/// static files — wrapped in request ids, tracing, compression and limits.
pub fn router(state: AppState) -> Router {
    let routes = route_list();
    let app = Router::new()
        .merge(api::router())
        // `nest` does not see the bare prefix with a trailing slash.
        .route("/api/", axum::routing::any(api::unmatched))
        .route(
            "/metrics",
            axum::routing::get(crate::server::metrics::endpoint),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let state = state.clone();
                move || {
                    provide_context(state.clone());
                    crate::server::headers::provide_page_nonce();
                }
            },
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        // The front end's files: the Brotli or gzip copy written at build
        // time (scripts/precompress.mjs) when the browser accepts it, so
        // nothing is compressed per request.
        .nest_service(
            &format!("/{}", state.leptos_options.site_pkg_dir),
            tower::ServiceBuilder::new()
                // One cached copy per encoding.
                .layer(SetResponseHeaderLayer::if_not_present(
                    axum::http::header::VARY,
                    axum::http::HeaderValue::from_static("accept-encoding"),
                ))
                .service(
                    ServeDir::new(
                        std::path::Path::new(state.leptos_options.site_root.as_ref())
                            .join(state.leptos_options.site_pkg_dir.as_ref()),
                    )
                    .precompressed_br()
                    .precompressed_gzip(),
                ),
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(crate::server::headers::provide_page_nonce, shell))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(
            crate::server::error::rpc_input_errors,
        ))
        // Outermost last: the session is resolved first, then CSRF is
        // checked, then pages are guarded.
        .layer(axum::middleware::from_fn(auth::page_guard))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::csrf_guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::resolve_session,
        ))
        // Outermost of the per-route layers: counts every answer under its
        // matched route, the time of the layers above included.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::server::metrics::track,
        ))
        .with_state(state.clone());

    let request_id = HeaderName::from_static("x-request-id");
    app.layer(axum::middleware::from_fn_with_state(
        state.clone(),
        crate::server::headers::time_limit,
    ))
    .layer(CompressionLayer::new())
    .layer(axum::middleware::from_fn_with_state(
        state,
        crate::server::headers::security_headers,
    ))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", request_id = %id, method = %req.method(), path = %loggable_path(req.uri().path()))
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        // Our own id for every request: one a client sends is dropped, so
        // logs cannot be salted with ids of somebody else's choosing.
        .layer(axum::middleware::map_request(|mut req: Request<Body>| async move {
            req.headers_mut().remove("x-request-id");
            req
        }))
}

/// The path as it may be logged: query strings are dropped (they carry OAuth
/// codes and states) and invitation tokens in paths are masked.
pub fn loggable_path(path: &str) -> String {
    let mut out = Vec::new();
    let mut mask_next = false;
    for seg in path.split('/') {
        if mask_next && !seg.is_empty() {
            out.push("[token]");
            mask_next = false;
            continue;
        }
        mask_next = matches!(seg, "invite" | "invitations");
        out.push(seg);
    }
    out.join("/")
}

/// Resolves when the process is asked to stop (Ctrl-C or SIGTERM).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutdown requested");
}

/// Whether the front end was built with content hashes in its file names
/// (`hash-files` in Cargo.toml): cargo-leptos then writes `hash.txt`, the
/// names, beside the server binary, where Leptos reads them.
fn built_with_hashes() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt").is_file()))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn tokens_in_paths_are_masked() {
        assert_eq!(loggable_path("/invite/abc123"), "/invite/[token]");
        assert_eq!(
            loggable_path("/api/invitations/abc/accept"),
            "/api/invitations/[token]/accept"
        );
        assert_eq!(loggable_path("/api/releases/1"), "/api/releases/1");
    }
}
