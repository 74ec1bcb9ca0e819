//! API bearer tokens for integrations (PLT-1).

use axum::extract::State;
use axum::http::StatusCode;
use kc_db::entities::api_token;
use uuid::Uuid;

use super::dto::{ApiToken, CreateTokenRequest, CreatedToken};
use crate::auth::{CurrentUser, TOKEN_PREFIX, random_token, token_hash};
use crate::error::{ApiError, ApiResult, Problem, Validator};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// The current user's API tokens (never the secrets).
#[utoipa::path(get, path = "/me/api-tokens", tag = "identity",
    responses((status = 200, body = Vec<ApiToken>), (status = 401, body = Problem)))]
pub async fn list_tokens(State(state): State<AppState>, current: CurrentUser) -> ApiResult<axum::Json<Vec<ApiToken>>> {
    let tokens = kc_db::identity::api_tokens_of(state.db.read(), current.user.id).await?;
    Ok(axum::Json(
        tokens
            .into_iter()
            .map(|t| ApiToken {
                id: t.id,
                name: t.name,
                created_at: t.created_at,
                expires_at: t.expires_at,
                last_used_at: t.last_used_at,
            })
            .collect(),
    ))
}

/// Create a token; the secret is in this response only.
#[utoipa::path(post, path = "/me/api-tokens", tag = "identity", request_body = CreateTokenRequest,
    responses((status = 201, body = CreatedToken), (status = 422, body = Problem), (status = 401, body = Problem)))]
pub async fn create_token(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiJson(req): ApiJson<CreateTokenRequest>,
) -> ApiResult<(StatusCode, axum::Json<CreatedToken>)> {
    let mut v = Validator::default();
    v.text("name", &req.name, "名称", 1, 60);
    if req.expires_in_days.is_some_and(|d| !(1..=3650).contains(&d)) {
        v.add("expires_in_days", "range", "有效期应为 1–3650 天", "Validity must be 1–3650 days");
    }
    v.finish()?;
    let now = state.clock.now();
    let secret = format!("{TOKEN_PREFIX}{}", random_token());
    let t = api_token::Model {
        id: Uuid::now_v7(),
        user_id: current.user.id,
        name: req.name.trim().to_string(),
        token_hash: token_hash(&secret),
        created_at: now,
        expires_at: req.expires_in_days.map(|d| now + chrono::Duration::days(d)),
        last_used_at: None,
    };
    let created = CreatedToken { id: t.id, name: t.name.clone(), token: secret };
    kc_db::identity::insert_api_token(state.db.write(), t).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

/// Revoke one of the current user's tokens.
#[utoipa::path(delete, path = "/me/api-tokens/{id}", tag = "identity", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 401, body = Problem)))]
pub async fn delete_token(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    if kc_db::identity::delete_api_token(state.db.write(), current.user.id, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found())
    }
}
