//! HTTP API: axum routers per context, auth extractors, problem+json errors, OpenAPI.

pub mod auth;
pub mod clock;
pub mod demo;
pub mod error;
pub mod extract;
pub mod grants;
pub mod identity;
pub mod read_cache;
pub mod services;
pub mod settings;
pub mod showcase;
pub mod state;
pub mod web;

use axum::Router;
use axum::http::{HeaderName, StatusCode};
use axum::routing::get;
use serde::Serialize;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::SwaggerUi;

pub use state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kechuang API",
        description = "科创 — S&T innovation service platform. Errors are RFC 9457 problem+json with `code`, `message_zh`, `message_en` and field `errors`. Browser sessions use the `kc_session` cookie and must send `X-CSRF-Token` on every state change; integrations use `Authorization: Bearer kc_…`.",
        license(name = "Apache-2.0")
    ),
    tags(
        (name = "platform", description = "Health and diagnostics"),
        (name = "identity", description = "Accounts, organisations, sessions, audit"),
        (name = "grants", description = "Calls and applications"),
        (name = "services", description = "Notifications")
    )
)]
struct ApiDoc;

#[derive(Serialize, ToSchema)]
pub struct Pong {
    pub ok: bool,
}

/// A bare endpoint: no database, no auth (the benchmark's baseline).
#[utoipa::path(get, path = "/ping", tag = "platform", responses((status = 200, body = Pong)))]
async fn ping() -> axum::Json<Pong> {
    axum::Json(Pong { ok: true })
}

/// The API routes and their OpenAPI document, built from the same declarations.
pub fn api_router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(ping))
        .merge(identity::router())
        .merge(grants::router())
        .merge(services::router())
        .split_for_parts()
}

/// The OpenAPI document served at `/api/v1/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = api_router();
    doc.servers = Some(vec![utoipa::openapi::Server::new("/api/v1")]);
    doc
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(axum::extract::State(state): axum::extract::State<AppState>) -> (StatusCode, &'static str) {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

/// The whole application: API, docs, health probes and the web app.
pub fn app(state: AppState) -> Router {
    let (api, _) = api_router();
    let doc = openapi();
    let request_id = HeaderName::from_static("x-request-id");
    Router::new()
        .nest("/api/v1", api.fallback(api_not_found))
        .merge(SwaggerUi::new("/api/v1/docs").url("/api/v1/openapi.json", doc))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .fallback(web::serve)
        .layer(axum::middleware::from_fn_with_state(state.clone(), writes_move_the_epoch))
        .layer(RequestBodyLimitLayer::new(64 * 1024 * 1024))
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024 * 1024))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

/// Once a request that may have written is handled, and before its answer leaves, reads
/// cached under the old write epoch stop being served (see `read_cache`): the client that
/// just changed something never reads the old state back.
async fn writes_move_the_epoch(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let writes = !request.method().is_safe();
    let response = next.run(request).await;
    if writes {
        state.db.note_write();
    }
    response
}

async fn api_not_found() -> error::ApiError {
    error::ApiError::new(StatusCode::NOT_FOUND, "no_such_endpoint", "没有这个接口", "No such API endpoint")
}

/// Connects to the configured database and brings its schema up to date.
pub async fn connect(settings: &settings::Settings) -> Result<kc_db::Db, kc_db::DbError> {
    if settings.database_url.as_deref().is_none_or(|u| u.trim().is_empty()) {
        std::fs::create_dir_all(&settings.data_dir)
            .map_err(|e| kc_db::DbError::Corrupt(format!("cannot create {}: {e}", settings.data_dir.display())))?;
    }
    let db = kc_db::Db::connect(&kc_db::DbOptions {
        url: settings.effective_database_url(),
        max_connections: settings.database_max_connections,
        sqlite_synchronous: settings.sqlite_synchronous.clone(),
    })
    .await?;
    db.migrate().await?;
    Ok(db)
}
