//! The expert pool (专家库): experts, their fields and conflicts, self-service profile, Excel import.

use std::collections::{HashMap, HashSet};

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use kc_core::identity::Role;
use kc_db::TransactionTrait;
use kc_db::audit::NewAuditEvent;
use kc_db::entities::expert;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::{Authorized, CurrentUser, ManageReview, ScoreReviews};
use crate::error::{ApiError, ApiResult, Problem, Validator};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(review_fields))
        .routes(routes!(list_experts, create_expert))
        .routes(routes!(update_expert))
        .routes(routes!(expert_template))
        .routes(routes!(import_experts))
        .routes(routes!(my_expert_profile, update_my_expert_profile))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewFieldView {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub parent_code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExpertView {
    pub id: Uuid,
    pub user_id: Option<Uuid>,
    /// The linked account an expert signs in with.
    pub username: Option<String>,
    pub name: String,
    pub org_id: Option<Uuid>,
    pub organisation: Option<String>,
    pub title: String,
    /// Field codes (GET /review-fields).
    pub fields: Vec<String>,
    /// Recent collaborators' names (conflict of interest with applications naming them).
    pub collaborators: Vec<String>,
    /// Organisations the expert declared a conflict with.
    pub declared_org_ids: Vec<Uuid>,
    pub available: bool,
    pub availability_note: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Reviews assigned and not yet handed in.
    pub open_assignments: u32,
    pub updated_at: DateTime<Utc>,
}

/// What an expert edits of their own record.
#[derive(Debug, Deserialize, ToSchema, Clone)]
pub struct ExpertProfile {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub fields: Vec<String>,
    #[serde(default)]
    pub collaborators: Vec<String>,
    #[serde(default)]
    pub declared_org_ids: Vec<Uuid>,
    #[serde(default = "yes")]
    pub available: bool,
    pub availability_note: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

fn yes() -> bool {
    true
}

/// The bureau's view of an expert: the profile plus name, organisation and account.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ExpertInput {
    pub name: String,
    /// The expert's organisation; defaults to the linked account's.
    pub org_id: Option<Uuid>,
    /// An account of role `expert` to link (how the expert signs in).
    pub username: Option<String>,
    #[serde(flatten)]
    pub profile: ExpertProfile,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExpertQuery {
    /// Part of the name or of the organisation's name.
    pub q: Option<String>,
    /// A field code.
    pub field: Option<String>,
}

fn json_list<T: serde::de::DeserializeOwned>(text: &str) -> Vec<T> {
    serde_json::from_str(text).unwrap_or_default()
}

async fn views(state: &AppState, experts: Vec<expert::Model>) -> ApiResult<Vec<ExpertView>> {
    let mut org_ids: Vec<Uuid> = experts.iter().filter_map(|e| e.org_id).collect();
    org_ids.sort();
    org_ids.dedup();
    let orgs: HashMap<Uuid, String> = kc_db::identity::organisations_by_ids(state.db.read(), &org_ids)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let user_ids: Vec<Uuid> = experts.iter().filter_map(|e| e.user_id).collect();
    let users: HashMap<Uuid, String> = kc_db::identity::users_by_ids(state.db.read(), &user_ids)
        .await?
        .into_iter()
        .map(|u| (u.id, u.username))
        .collect();
    let ids: Vec<Uuid> = experts.iter().map(|e| e.id).collect();
    let open = kc_db::review::open_assignment_counts(state.db.read(), &ids).await?;
    Ok(experts
        .into_iter()
        .map(|e| ExpertView {
            id: e.id,
            user_id: e.user_id,
            username: e.user_id.and_then(|u| users.get(&u).cloned()),
            name: e.name,
            organisation: e.org_id.and_then(|o| orgs.get(&o).cloned()),
            org_id: e.org_id,
            title: e.title,
            fields: json_list(&e.fields),
            collaborators: json_list(&e.collaborators),
            declared_org_ids: json_list(&e.declared_org_ids),
            available: e.available,
            availability_note: e.availability_note,
            phone: e.phone,
            email: e.email,
            open_assignments: open.get(&e.id).copied().unwrap_or(0),
            updated_at: e.updated_at,
        })
        .collect())
}

async fn view_one(state: &AppState, e: expert::Model) -> ApiResult<ExpertView> {
    views(state, vec![e]).await?.into_iter().next().ok_or_else(ApiError::internal)
}

fn optional(text: &Option<String>) -> Option<String> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string)
}

/// Checks a profile; the cleaned profile goes into `m`.
async fn apply_profile(
    state: &AppState,
    v: &mut Validator,
    prefix: &str,
    p: &ExpertProfile,
    m: &mut expert::Model,
) -> ApiResult<()> {
    if p.title.trim().chars().count() > 50 {
        v.add(&format!("{prefix}title"), "length", "职称不超过 50 字", "The title has at most 50 characters");
    }
    let known: HashSet<String> = kc_db::review::fields(state.db.read()).await?.into_iter().map(|f| f.code).collect();
    let mut fields: Vec<String> = Vec::new();
    for (i, f) in p.fields.iter().enumerate() {
        let f = f.trim().to_string();
        if !known.contains(&f) {
            v.add(
                &format!("{prefix}fields.{i}"),
                "unknown",
                format!("没有“{f}”这个专业领域"),
                format!("No field \"{f}\""),
            );
        } else if !fields.contains(&f) {
            fields.push(f);
        }
    }
    let mut collaborators: Vec<String> = Vec::new();
    for (i, c) in p.collaborators.iter().enumerate() {
        let c = c.trim().to_string();
        if c.is_empty() || c.chars().count() > 50 {
            v.add(
                &format!("{prefix}collaborators.{i}"),
                "length",
                "合作者姓名应为 1–50 字",
                "A collaborator's name has 1–50 characters",
            );
        } else if !collaborators.contains(&c) {
            collaborators.push(c);
        }
    }
    if collaborators.len() > 100 {
        v.add(&format!("{prefix}collaborators"), "too_many", "合作者不超过 100 人", "At most 100 collaborators");
    }
    let mut declared = p.declared_org_ids.clone();
    declared.sort();
    declared.dedup();
    let found = kc_db::identity::organisations_by_ids(state.db.read(), &declared).await?.len();
    if found != declared.len() {
        v.add(
            &format!("{prefix}declared_org_ids"),
            "not_found",
            "申明回避的单位不存在",
            "A declared organisation does not exist",
        );
    }
    let note = optional(&p.availability_note);
    if note.as_ref().is_some_and(|n| n.chars().count() > 200) {
        v.add(
            &format!("{prefix}availability_note"),
            "length",
            "说明不超过 200 字",
            "The note has at most 200 characters",
        );
    }
    let phone = optional(&p.phone);
    if phone.as_ref().is_some_and(|x| x.chars().count() > 30) {
        v.add(
            &format!("{prefix}phone"),
            "length",
            "电话号码不超过 30 位",
            "The phone number has at most 30 characters",
        );
    }
    let email = optional(&p.email);
    if email.as_ref().is_some_and(|x| x.chars().count() > 100 || !x.contains('@')) {
        v.add(&format!("{prefix}email"), "invalid", "电子邮箱格式不正确", "Not a valid e-mail address");
    }
    m.title = p.title.trim().to_string();
    m.fields = serde_json::to_string(&fields).map_err(|_| ApiError::internal())?;
    m.collaborators = serde_json::to_string(&collaborators).map_err(|_| ApiError::internal())?;
    m.declared_org_ids = serde_json::to_string(&declared).map_err(|_| ApiError::internal())?;
    m.available = p.available;
    m.availability_note = note;
    m.phone = phone;
    m.email = email;
    Ok(())
}

/// Checks what only the bureau sets: name, organisation, linked account (field names get
/// `prefix`, used for import rows).
async fn apply_input(
    state: &AppState,
    v: &mut Validator,
    prefix: &str,
    input: &ExpertInput,
    m: &mut expert::Model,
) -> ApiResult<()> {
    v.text(&format!("{prefix}name"), &input.name, "姓名", 1, 50);
    m.name = input.name.trim().to_string();
    m.user_id = None;
    let mut user_org = None;
    if let Some(username) = optional(&input.username) {
        match kc_db::identity::user_by_login(state.db.read(), &username).await? {
            Some(u) if u.role == Role::Expert.as_str() => {
                if let Some(other) = kc_db::review::expert_of_user(state.db.read(), u.id).await?
                    && other.id != m.id
                {
                    v.add(
                        &format!("{prefix}username"),
                        "taken",
                        format!("该账号已关联专家“{}”", other.name),
                        format!("The account is already linked to the expert \"{}\"", other.name),
                    );
                }
                user_org = u.org_id;
                m.user_id = Some(u.id);
            }
            Some(_) => v.add(
                &format!("{prefix}username"),
                "not_expert",
                "该账号不是评审专家角色",
                "The account does not have the expert role",
            ),
            None => v.add(&format!("{prefix}username"), "not_found", "没有这个账号", "No such account"),
        }
    }
    m.org_id = input.org_id.or(user_org);
    if let Some(org) = input.org_id
        && kc_db::identity::organisation(state.db.read(), org).await?.is_none()
    {
        v.add(&format!("{prefix}org_id"), "not_found", "没有这个单位", "No such organisation");
    }
    apply_profile(state, v, prefix, &input.profile, m).await
}

fn blank(now: DateTime<Utc>) -> expert::Model {
    expert::Model {
        id: Uuid::now_v7(),
        user_id: None,
        name: String::new(),
        org_id: None,
        title: String::new(),
        fields: "[]".into(),
        collaborators: "[]".into(),
        declared_org_ids: "[]".into(),
        available: true,
        availability_note: None,
        phone: None,
        email: None,
        created_at: now,
        updated_at: now,
    }
}

fn snapshot(m: &expert::Model) -> serde_json::Value {
    serde_json::json!({
        "name": m.name, "user_id": m.user_id, "org_id": m.org_id, "title": m.title, "fields": m.fields,
        "collaborators": m.collaborators, "declared_org_ids": m.declared_org_ids, "available": m.available,
        "availability_note": m.availability_note, "phone": m.phone, "email": m.email,
    })
}

async fn save(
    state: &AppState,
    actor: &CurrentUser,
    before: Option<&expert::Model>,
    m: &expert::Model,
    action: &'static str,
) -> ApiResult<()> {
    let now = m.updated_at;
    let txn = state.db.write().begin().await?;
    kc_db::review::save_expert(&txn, m.clone(), before.is_none()).await.map_err(|e| match e {
        kc_db::DbError::Unique(_) => {
            ApiError::field("username", "taken", "该账号已关联其他专家", "The account is linked to another expert")
        }
        other => other.into(),
    })?;
    kc_db::audit::append(
        &txn,
        now,
        NewAuditEvent {
            actor_id: Some(actor.user.id),
            entity_type: "expert",
            entity_id: m.id.to_string(),
            action,
            before: before.map(snapshot),
            after: Some(snapshot(m)),
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The technology fields experts and applications are matched on.
#[utoipa::path(get, path = "/review-fields", tag = "grants",
    responses((status = 200, body = Vec<ReviewFieldView>), (status = 401, body = Problem)))]
pub async fn review_fields(
    State(state): State<AppState>,
    _current: CurrentUser,
) -> ApiResult<axum::Json<Vec<ReviewFieldView>>> {
    Ok(axum::Json(
        kc_db::review::fields(state.db.read())
            .await?
            .into_iter()
            .map(|f| ReviewFieldView {
                code: f.code,
                name_zh: f.name_zh,
                name_en: f.name_en,
                parent_code: f.parent_code,
            })
            .collect(),
    ))
}

/// The expert pool, filtered by name or organisation and by field.
#[utoipa::path(get, path = "/admin/experts", tag = "grants", params(ExpertQuery),
    responses((status = 200, body = Vec<ExpertView>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_experts(
    State(state): State<AppState>,
    _auth: Authorized<ManageReview>,
    ApiQuery(q): ApiQuery<ExpertQuery>,
) -> ApiResult<axum::Json<Vec<ExpertView>>> {
    let filter = kc_db::review::ExpertFilter { q: optional(&q.q), field: optional(&q.field) };
    let experts = kc_db::review::experts(state.db.read(), &filter).await?;
    Ok(axum::Json(views(&state, experts).await?))
}

/// Add an expert to the pool.
#[utoipa::path(post, path = "/admin/experts", tag = "grants", request_body = ExpertInput,
    responses((status = 201, body = ExpertView), (status = 422, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn create_expert(
    State(state): State<AppState>,
    auth: Authorized<ManageReview>,
    ApiJson(input): ApiJson<ExpertInput>,
) -> ApiResult<(StatusCode, axum::Json<ExpertView>)> {
    let mut m = blank(state.clock.now());
    let mut v = Validator::default();
    apply_input(&state, &mut v, "", &input, &mut m).await?;
    v.finish()?;
    save(&state, &auth.user, None, &m, "create").await?;
    Ok((StatusCode::CREATED, axum::Json(view_one(&state, m).await?)))
}

/// Change an expert of the pool.
#[utoipa::path(put, path = "/admin/experts/{id}", tag = "grants", params(("id" = Uuid, Path)), request_body = ExpertInput,
    responses((status = 200, body = ExpertView), (status = 404, body = Problem), (status = 422, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn update_expert(
    State(state): State<AppState>,
    auth: Authorized<ManageReview>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<ExpertInput>,
) -> ApiResult<axum::Json<ExpertView>> {
    let before = kc_db::review::expert(state.db.read(), id).await?.ok_or_else(ApiError::not_found)?;
    let mut m = before.clone();
    let mut v = Validator::default();
    apply_input(&state, &mut v, "", &input, &mut m).await?;
    v.finish()?;
    m.updated_at = state.clock.now();
    save(&state, &auth.user, Some(&before), &m, "update").await?;
    Ok(axum::Json(view_one(&state, m).await?))
}

async fn own_record(state: &AppState, user: &CurrentUser) -> ApiResult<expert::Model> {
    kc_db::review::expert_of_user(state.db.read(), user.user.id).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_in_pool",
            "您的账号尚未加入专家库，请联系科技局",
            "Your account is not in the expert pool; contact the bureau",
        )
    })
}

/// The signed-in expert's own record.
#[utoipa::path(get, path = "/me/expert-profile", tag = "grants",
    responses((status = 200, body = ExpertView), (status = 404, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn my_expert_profile(
    State(state): State<AppState>,
    auth: Authorized<ScoreReviews>,
) -> ApiResult<axum::Json<ExpertView>> {
    let m = own_record(&state, &auth.user).await?;
    Ok(axum::Json(view_one(&state, m).await?))
}

/// The expert keeps fields, collaborators, declared conflicts and availability current
/// (name and organisation are the bureau's).
#[utoipa::path(put, path = "/me/expert-profile", tag = "grants", request_body = ExpertProfile,
    responses((status = 200, body = ExpertView), (status = 404, body = Problem), (status = 422, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn update_my_expert_profile(
    State(state): State<AppState>,
    auth: Authorized<ScoreReviews>,
    ApiJson(profile): ApiJson<ExpertProfile>,
) -> ApiResult<axum::Json<ExpertView>> {
    let before = own_record(&state, &auth.user).await?;
    let mut m = before.clone();
    let mut v = Validator::default();
    apply_profile(&state, &mut v, "", &profile, &mut m).await?;
    v.finish()?;
    m.updated_at = state.clock.now();
    save(&state, &auth.user, Some(&before), &m, "update_profile").await?;
    Ok(axum::Json(view_one(&state, m).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExpertImportResult {
    pub created: u64,
}

/// The Excel template for importing experts.
#[utoipa::path(get, path = "/admin/experts/template", tag = "grants",
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn expert_template(_auth: Authorized<ManageReview>) -> ApiResult<axum::response::Response> {
    crate::identity::excel::expert_template()
}

/// Import experts from Excel: all rows are added, or none (errors name row and column).
#[utoipa::path(post, path = "/admin/experts/import", tag = "grants",
    request_body(content_type = "multipart/form-data", description = "field `file`: the filled-in template (.xlsx)"),
    responses((status = 200, body = ExpertImportResult), (status = 400, body = Problem), (status = 422, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn import_experts(
    State(state): State<AppState>,
    auth: Authorized<ManageReview>,
    mut multipart: axum::extract::Multipart,
) -> ApiResult<axum::Json<ExpertImportResult>> {
    let unreadable = |e: String| {
        ApiError::bad_request(format!("上传内容无法读取：{e}"), format!("The upload could not be read: {e}"))
    };
    let mut bytes = None;
    while let Some(field) = multipart.next_field().await.map_err(|e| unreadable(e.to_string()))? {
        if field.name() == Some("file") {
            bytes = Some(field.bytes().await.map_err(|e| unreadable(e.to_string()))?);
        }
    }
    let bytes = bytes.ok_or_else(|| {
        ApiError::field("file", "required", "请选择要导入的 Excel 文件", "Choose the Excel file to import")
    })?;
    let rows = crate::identity::excel::read_expert_rows(&bytes)?;
    if rows.is_empty() {
        return Err(ApiError::field("file", "empty", "文件中没有数据行", "The file has no data rows"));
    }
    let now = state.clock.now();
    let mut v = Validator::default();
    let mut experts: Vec<expert::Model> = Vec::new();
    for row in rows {
        let prefix = format!("row {}: ", row.line);
        let org_id = match row.credit_code.as_deref() {
            Some(code) => {
                match kc_db::identity::organisation_by_credit_code(state.db.read(), &code.to_ascii_uppercase()).await? {
                    Some(o) => Some(o.id),
                    None => {
                        v.add(
                            &format!("{prefix}credit_code"),
                            "not_found",
                            format!("未找到信用代码为 {code} 的单位"),
                            format!("No organisation has credit code {code}"),
                        );
                        None
                    }
                }
            }
            None => None,
        };
        if row.available.is_none() {
            v.add(&format!("{prefix}available"), "invalid", "“可参评”请填写“是”或“否”", "Available must be yes or no");
        }
        let input = ExpertInput {
            name: row.name,
            org_id,
            username: row.username,
            profile: ExpertProfile {
                title: row.title,
                fields: row.fields,
                collaborators: row.collaborators,
                declared_org_ids: Vec::new(),
                available: row.available.unwrap_or(true),
                availability_note: None,
                phone: row.phone,
                email: row.email,
            },
        };
        let mut m = blank(now);
        apply_input(&state, &mut v, &prefix, &input, &mut m).await?;
        if let Some(user_id) = m.user_id
            && experts.iter().any(|e| e.user_id == Some(user_id))
        {
            v.add(&format!("{prefix}username"), "taken", "该账号在文件中重复", "The account is repeated in the file");
        }
        experts.push(m);
    }
    v.finish()?;
    let txn = state.db.write().begin().await?;
    for m in &experts {
        kc_db::review::save_expert(&txn, m.clone(), true).await?;
        kc_db::audit::append(
            &txn,
            now,
            NewAuditEvent {
                actor_id: Some(auth.user.user.id),
                entity_type: "expert",
                entity_id: m.id.to_string(),
                action: "import",
                before: None,
                after: Some(snapshot(m)),
                reason: Some("imported from Excel".into()),
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(axum::Json(ExpertImportResult { created: experts.len() as u64 }))
}
