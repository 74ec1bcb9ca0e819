//! Call configuration (CALL-1..7): the whole call is one document. Every signed-in user reads
//! it (the web renders forms and attachment slots from it); the bureau saves it only when
//! `Call::problems` finds nothing, so a malformed rule is refused here, not at submission.

use axum::extract::State;
use kc_core::grants::call::Call;
use kc_db::TransactionTrait;
use kc_db::audit::NewAuditEvent;
use serde_json::Value;

use super::call_row;
use crate::auth::{Authorized, CurrentUser, ManageCalls};
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// The stored document read afresh (what a save replaces), not through the cache.
async fn stored(state: &AppState, code: &str) -> ApiResult<Option<Call>> {
    match kc_db::grants::call_by_code(state.db.read(), code).await? {
        Some(m) => serde_json::from_str(&m.document).map(Some).map_err(|_| ApiError::internal()),
        None => Ok(None),
    }
}

/// The call document: categories, sub-types, caps, windows, quotas, rules and forms.
#[utoipa::path(get, path = "/calls/{code}", tag = "grants", params(("code" = String, Path)),
    responses((status = 200, description = "the call document", body = Object), (status = 404, body = Problem),
              (status = 401, body = Problem)))]
pub async fn get_call(
    State(state): State<AppState>,
    _user: CurrentUser,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<axum::Json<Call>> {
    Ok(axum::Json(super::stored_call_by_code(&state, &code).await?.call.clone()))
}

/// Creates or replaces the call with this code. Every problem is listed under `errors`
/// (field = where in the call it is); nothing is saved while any remains.
#[utoipa::path(put, path = "/admin/calls/{code}", tag = "grants", params(("code" = String, Path)),
    request_body(content = Object, description = "the call document"),
    responses((status = 200, description = "the saved call document", body = Object), (status = 422, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn save(
    State(state): State<AppState>,
    auth: Authorized<ManageCalls>,
    ApiPath(code): ApiPath<String>,
    ApiJson(document): ApiJson<Value>,
) -> ApiResult<axum::Json<Call>> {
    let call: Call = serde_json::from_value(document).map_err(|e| {
        ApiError::field(
            "document",
            "malformed",
            format!("申报通知配置格式不正确：{e}"),
            format!("The call document is malformed: {e}"),
        )
    })?;
    if call.code != code {
        return Err(ApiError::field(
            "code",
            "mismatch",
            "配置中的编号与地址中的编号不一致",
            "The code in the document differs from the code in the address",
        ));
    }
    let problems = call.problems();
    if !problems.is_empty() {
        let errors = problems.into_iter().map(|p| FieldError::new("document", "invalid", p.clone(), p)).collect();
        return Err(ApiError::validation(errors));
    }
    let before = stored(&state, &code).await?;
    let now = state.clock.now();
    let txn = state.db.write().begin().await?;
    let saved = kc_db::grants::save_call(&txn, call_row(&call, now)).await?;
    kc_db::audit::append(
        &txn,
        now,
        NewAuditEvent {
            actor_id: Some(auth.user.user.id),
            entity_type: "call",
            entity_id: code,
            action: if before.is_some() { "update" } else { "create" },
            before: before.map(|c| serde_json::json!({ "title": c.title, "closes_at": c.submission.closes_at })),
            after: Some(serde_json::json!({ "title": call.title, "closes_at": call.submission.closes_at })),
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    state.calls.invalidate(&saved.id);
    Ok(axum::Json(call))
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct GrantExtension {
    /// The applicant's submissions are accepted until this instant (exclusive).
    pub until: chrono::DateTime<chrono::Utc>,
    pub reason: String,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ExtensionView {
    pub applicant_id: uuid::Uuid,
    pub applicant_name: String,
    pub until: chrono::DateTime<chrono::Utc>,
    pub reason: String,
    pub granted_at: chrono::DateTime<chrono::Utc>,
}

/// The per-applicant extensions of a call's submission window.
#[utoipa::path(get, path = "/admin/calls/{code}/extensions", tag = "grants", params(("code" = String, Path)),
    responses((status = 200, body = Vec<ExtensionView>), (status = 404, body = Problem), (status = 401, body = Problem),
              (status = 403, body = Problem)))]
pub async fn extensions(
    State(state): State<AppState>,
    _auth: Authorized<ManageCalls>,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<axum::Json<Vec<ExtensionView>>> {
    let id = kc_db::grants::call_id_by_code(state.db.read(), &code).await?.ok_or_else(ApiError::not_found)?;
    let rows = kc_db::grants::extensions_of(state.db.read(), id).await?;
    let ids: Vec<_> = rows.iter().map(|r| r.applicant_id).collect();
    let users = kc_db::identity::users_by_ids(state.db.read(), &ids).await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|r| ExtensionView {
                applicant_name: users
                    .iter()
                    .find(|u| u.id == r.applicant_id)
                    .map(|u| u.display_name.clone())
                    .unwrap_or_default(),
                applicant_id: r.applicant_id,
                until: r.until,
                reason: r.reason,
                granted_at: r.created_at,
            })
            .collect(),
    ))
}

/// Extends the submission window for one applicant (e.g. after a documented system outage);
/// audited. The extension never shortens the call's own window.
#[utoipa::path(put, path = "/admin/calls/{code}/extensions/{applicant_id}", tag = "grants",
    params(("code" = String, Path), ("applicant_id" = uuid::Uuid, Path)), request_body = GrantExtension,
    responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem), (status = 401, body = Problem),
              (status = 403, body = Problem)))]
pub async fn grant_extension(
    State(state): State<AppState>,
    auth: Authorized<ManageCalls>,
    ApiPath((code, applicant_id)): ApiPath<(String, uuid::Uuid)>,
    ApiJson(req): ApiJson<GrantExtension>,
) -> ApiResult<axum::http::StatusCode> {
    let stored = super::stored_call_by_code(&state, &code).await?;
    let (id, call) = (stored.id, &stored.call);
    let applicant = kc_db::identity::user(state.db.read(), applicant_id)
        .await?
        .filter(|u| kc_core::identity::Role::parse(&u.role).is_some_and(|r| r.is_self_registered()))
        .ok_or_else(|| ApiError::field("applicant_id", "not_found", "找不到该申报账号", "No such applicant account"))?;
    let reason = req.reason.trim().to_string();
    if reason.is_empty() {
        return Err(ApiError::field("reason", "required", "请填写延期原因", "Give the reason for the extension"));
    }
    if req.until <= call.submission.closes_at {
        return Err(ApiError::field(
            "until",
            "too_early",
            "延期截止时间应晚于申报截止时间",
            "The extension must end after the call's close",
        ));
    }
    let now = state.clock.now();
    let txn = state.db.write().begin().await?;
    kc_db::grants::save_extension(
        &txn,
        kc_db::entities::window_extension::Model {
            call_id: id,
            applicant_id: applicant.id,
            until: req.until,
            reason: reason.clone(),
            granted_by: auth.user.user.id,
            created_at: now,
        },
    )
    .await?;
    kc_db::audit::append(
        &txn,
        now,
        NewAuditEvent {
            actor_id: Some(auth.user.user.id),
            entity_type: "call",
            entity_id: code,
            action: "extend_window",
            before: None,
            after: Some(serde_json::json!({ "applicant_id": applicant.id, "until": req.until })),
            reason: Some(reason),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
