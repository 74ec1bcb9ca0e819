//! Attachments: uploaded into a slot of the application's sub-type, type sniffed from the
//! content, SHA-256 recorded, bytes in object storage under an ASCII key.

use axum::extract::{Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use kc_core::grants::application::Status;
use kc_db::entities::attachment;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::applications::visible;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::ApiPath;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentView {
    pub id: Uuid,
    pub slot: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

fn view(a: attachment::Model) -> AttachmentView {
    AttachmentView {
        id: a.id,
        slot: a.slot,
        file_name: a.file_name,
        content_type: a.content_type,
        size: a.size,
        sha256: a.sha256,
        created_at: a.created_at,
    }
}

fn unreadable(e: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(format!("上传内容无法读取：{e}"), format!("The upload could not be read: {e}"))
}

/// Upload a file into a slot (multipart fields `slot` and `file`).
#[utoipa::path(post, path = "/applications/{id}/attachments", tag = "grants", params(("id" = Uuid, Path)),
    request_body(content_type = "multipart/form-data", description = "fields `slot` (slot code) and `file`"),
    responses((status = 201, body = AttachmentView), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem), (status = 401, body = Problem)))]
pub async fn upload(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
    mut multipart: Multipart,
) -> ApiResult<(StatusCode, axum::Json<AttachmentView>)> {
    let (a, call_model) = visible(&state, &current, id).await?;
    if a.applicant_id != current.user.id {
        return Err(ApiError::forbidden());
    }
    if !Status::parse(&a.status).is_some_and(Status::is_editable) {
        return Err(ApiError::conflict(
            "not_editable",
            "申报书已提交，不能再上传附件",
            "The application is submitted; no more uploads",
        ));
    }
    let mut slot_code = None;
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("slot") => slot_code = Some(field.text().await.map_err(unreadable)?),
            Some("file") => {
                let name = field.file_name().unwrap_or("附件").to_string();
                file = Some((name, field.bytes().await.map_err(unreadable)?));
            }
            _ => {}
        }
    }
    let (_, subtype) = call_model.call.subtype(&a.category, &a.subtype).ok_or_else(ApiError::internal)?;
    let slot_code = slot_code.unwrap_or_default();
    let slot = subtype
        .attachments
        .iter()
        .find(|s| s.code == slot_code)
        .ok_or_else(|| ApiError::field("slot", "invalid", "没有这个附件栏目", "No such attachment slot"))?;
    let (file_name, bytes) =
        file.ok_or_else(|| ApiError::field("file", "required", "请选择要上传的文件", "Choose a file to upload"))?;
    if bytes.is_empty() {
        return Err(ApiError::field("file", "empty", "文件是空的", "The file is empty"));
    }
    let limit = u64::from(slot.max_mb) * 1024 * 1024;
    if bytes.len() as u64 > limit {
        return Err(ApiError::field(
            "file",
            "too_large",
            format!("文件超过 {} MB 的上限，请压缩后重新上传", slot.max_mb),
            format!("The file exceeds the {} MB limit; compress it and try again", slot.max_mb),
        ));
    }
    let kind = infer::get(&bytes);
    let extension = kind.map(|k| k.extension()).unwrap_or("unknown");
    if !slot.types.is_empty() && !slot.types.iter().any(|t| t == extension) {
        return Err(ApiError::field(
            "file",
            "wrong_type",
            format!("此栏目只接受 {} 文件（按文件内容识别，改扩展名无效）", slot.types.join("、")),
            format!("This slot accepts {} files only (judged by the content, not the name)", slot.types.join(", ")),
        ));
    }
    let stored = state.storage.put(bytes.to_vec()).await.map_err(|e| {
        tracing::error!(error = %e, "storing an upload failed");
        ApiError::internal()
    })?;
    let model = attachment::Model {
        id: Uuid::now_v7(),
        application_id: a.id,
        slot: slot.code.clone(),
        file_name: file_name.chars().take(200).collect(),
        content_type: kind.map(|k| k.mime_type()).unwrap_or("application/octet-stream").to_string(),
        size: stored.size as i64,
        sha256: stored.sha256,
        storage_key: stored.key,
        uploaded_by: current.user.id,
        created_at: state.clock.now(),
    };
    kc_db::grants::insert_attachment(state.db.write(), model.clone()).await?;
    Ok((StatusCode::CREATED, axum::Json(view(model))))
}

/// The application's attachments.
#[utoipa::path(get, path = "/applications/{id}/attachments", tag = "grants", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<AttachmentView>), (status = 404, body = Problem), (status = 401, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::Json<Vec<AttachmentView>>> {
    let (a, _) = visible(&state, &current, id).await?;
    let items = kc_db::grants::attachments_of(state.db.read(), a.id).await?;
    Ok(axum::Json(items.into_iter().map(view).collect()))
}

/// Download an attachment under its original name.
#[utoipa::path(get, path = "/attachments/{id}", tag = "grants", params(("id" = Uuid, Path)),
    responses((status = 200, description = "the file"), (status = 404, body = Problem), (status = 401, body = Problem)))]
pub async fn download(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let att = kc_db::grants::attachment(state.db.read(), id).await?.ok_or_else(ApiError::not_found)?;
    visible(&state, &current, att.application_id).await?;
    let bytes = state.storage.get(&att.storage_key).await.map_err(|e| {
        tracing::error!(error = %e, key = %att.storage_key, "stored file missing");
        ApiError::internal()
    })?;
    let encoded: String = att
        .file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, att.content_type.clone()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"file\"; filename*=UTF-8''{encoded}")),
        ],
        bytes,
    )
        .into_response())
}
