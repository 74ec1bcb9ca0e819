//! Account administration by the bureau: approval queue, issuing accounts, Excel import.

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use kc_core::identity::{AccountStatus, Role, can_read_account};
use kc_db::audit::NewAuditEvent;
use kc_db::entities::user;
use kc_db::{PageRequest, TransactionTrait};
use uuid::Uuid;

use super::dto::{
    Account, AccountPage, AccountQuery, ApproveRequest, ImportResult, IssueAccountRequest, ReasonRequest,
};
use super::public::{check_login_names_free, is_recommender, validate_email, validate_phone, validate_username};
use super::{account_view, accounts_view, excel, mail, user_snapshot};
use crate::auth::{Authorized, CurrentUser, ManageAccounts, ReadDirectory, hash_password};
use crate::error::{ApiError, ApiResult, FieldError, Problem, Validator};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

fn filter_of(q: &AccountQuery) -> kc_db::identity::UserFilter {
    kc_db::identity::UserFilter { status: q.status.clone(), role: q.role.clone(), q: q.q.clone(), org_id: None }
}

/// Accounts, filtered and paged; `status=pending` is the approval queue.
#[utoipa::path(get, path = "/admin/accounts", tag = "identity", params(AccountQuery),
    responses((status = 200, body = AccountPage), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_accounts(
    State(state): State<AppState>,
    _auth: Authorized<ReadDirectory>,
    ApiQuery(q): ApiQuery<AccountQuery>,
) -> ApiResult<axum::Json<AccountPage>> {
    let page =
        kc_db::identity::list_users(state.db.read(), &filter_of(&q), PageRequest::new(q.page, q.per_page)).await?;
    Ok(axum::Json(AccountPage { items: accounts_view(&state, &page.items).await?, total: page.total }))
}

/// The same list as Excel (every row that matches the filters).
#[utoipa::path(get, path = "/admin/accounts/export", tag = "identity", params(AccountQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn export_accounts(
    State(state): State<AppState>,
    _auth: Authorized<ReadDirectory>,
    ApiQuery(q): ApiQuery<AccountQuery>,
) -> ApiResult<Response> {
    let filter = filter_of(&q);
    let users = kc_db::all_pages(|page| kc_db::identity::list_users(state.db.read(), &filter, page)).await?;
    let rows = accounts_view(&state, &users).await?;
    excel::accounts(&rows)
}

/// One account (bureau view).
#[utoipa::path(get, path = "/admin/accounts/{id}", tag = "identity", params(("id" = Uuid, Path)),
    responses((status = 200, body = Account), (status = 404, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn get_account_admin(
    State(state): State<AppState>,
    _auth: Authorized<ReadDirectory>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::Json<Account>> {
    let u = kc_db::identity::user(state.db.read(), id).await?.ok_or_else(ApiError::not_found)?;
    Ok(axum::Json(account_view(&state, &u).await?))
}

/// An account: the owner's own, or any for the bureau. Others get 404, not 403, so
/// account ids cannot be probed.
#[utoipa::path(get, path = "/accounts/{id}", tag = "identity", params(("id" = Uuid, Path)),
    responses((status = 200, body = Account), (status = 404, body = Problem), (status = 401, body = Problem)))]
pub async fn get_account(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::Json<Account>> {
    if !can_read_account(&current.actor(), id) {
        return Err(ApiError::not_found());
    }
    let u = kc_db::identity::user(state.db.read(), id).await?.ok_or_else(ApiError::not_found)?;
    Ok(axum::Json(account_view(&state, &u).await?))
}

/// A change of account status: the audited action, the states it applies to, the result.
struct StatusChange {
    action: &'static str,
    allowed_from: &'static [AccountStatus],
    to: AccountStatus,
    reason: Option<String>,
}

/// Applies a status change with its audit entry and mail, in one transaction.
async fn change_status(
    state: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    change: StatusChange,
    mail_of: impl FnOnce(&user::Model) -> Option<mail::Mail>,
) -> ApiResult<Account> {
    let StatusChange { action, allowed_from, to, reason } = change;
    let existing = kc_db::identity::user(state.db.read(), id).await?.ok_or_else(ApiError::not_found)?;
    let from = AccountStatus::parse(&existing.status).ok_or_else(ApiError::internal)?;
    if !allowed_from.contains(&from) {
        return Err(ApiError::conflict(
            "invalid_state",
            format!("账号当前状态为“{}”，不能执行此操作（可能已被其他人处理），请刷新", status_zh(from)),
            format!(
                "The account is {from}; this action does not apply (someone may have handled it already). Refresh the page"
            ),
        ));
    }
    let now = state.clock.now();
    let mut updated = existing.clone();
    updated.status = to.as_str().into();
    updated.updated_at = now;
    match to {
        AccountStatus::Active if from == AccountStatus::Pending => {
            updated.approved_at = Some(now);
            updated.approved_by = Some(actor.user.id);
            updated.rejection_reason = None;
        }
        AccountStatus::Rejected => updated.rejection_reason = reason.clone(),
        _ => {}
    }
    let txn = state.db.write().begin().await?;
    kc_db::identity::save_user(&txn, updated.clone(), false).await?;
    if matches!(to, AccountStatus::Disabled | AccountStatus::Rejected) {
        kc_db::identity::delete_sessions_of(&txn, id).await?;
    }
    kc_db::audit::append(
        &txn,
        now,
        NewAuditEvent {
            actor_id: Some(actor.user.id),
            entity_type: "account",
            entity_id: id.to_string(),
            action,
            before: Some(user_snapshot(&existing)),
            after: Some(user_snapshot(&updated)),
            reason,
        },
    )
    .await?;
    if let Some(m) = mail_of(&updated) {
        mail::send(&txn, now, updated.email.as_deref(), m).await?;
    }
    txn.commit().await?;
    state.forget_sessions_of(id);
    account_view(state, &updated).await
}

fn status_zh(s: AccountStatus) -> &'static str {
    match s {
        AccountStatus::Pending => "待审核",
        AccountStatus::Active => "正常",
        AccountStatus::Rejected => "未通过",
        AccountStatus::Disabled => "已停用",
    }
}

fn required_reason(reason: &str) -> ApiResult<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ApiError::field("reason", "required", "请填写原因", "A reason is required"));
    }
    if reason.chars().count() > 500 {
        return Err(ApiError::field("reason", "length", "原因最多 500 字", "Use at most 500 characters"));
    }
    Ok(reason.to_string())
}

/// Approve a pending self-registered account.
#[utoipa::path(post, path = "/admin/accounts/{id}/approve", tag = "identity", params(("id" = Uuid, Path)), request_body = ApproveRequest,
    responses((status = 200, body = Account), (status = 404, body = Problem), (status = 409, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn approve_account(
    State(state): State<AppState>,
    auth: Authorized<ManageAccounts>,
    ApiPath(id): ApiPath<Uuid>,
    body: axum::body::Bytes,
) -> ApiResult<axum::Json<Account>> {
    // The body is optional: an empty one approves without comment.
    let req: ApproveRequest = if body.iter().all(u8::is_ascii_whitespace) {
        ApproveRequest::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            ApiError::bad_request(
                format!("请求体不是有效的 JSON：{e}"),
                format!("The request body is not valid JSON: {e}"),
            )
        })?
    };
    let comment = req.comment.filter(|c| !c.trim().is_empty());
    let url = state.settings.public_url();
    let account = change_status(
        &state,
        &auth.user,
        id,
        StatusChange {
            action: "approve",
            allowed_from: &[AccountStatus::Pending],
            to: AccountStatus::Active,
            reason: comment,
        },
        |u| Some(mail::account_approved(&u.display_name, &u.username, &url)),
    )
    .await?;
    Ok(axum::Json(account))
}

/// Reject a pending account with a reason the applicant will see.
#[utoipa::path(post, path = "/admin/accounts/{id}/reject", tag = "identity", params(("id" = Uuid, Path)), request_body = ReasonRequest,
    responses((status = 200, body = Account), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn reject_account(
    State(state): State<AppState>,
    auth: Authorized<ManageAccounts>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ReasonRequest>,
) -> ApiResult<axum::Json<Account>> {
    let reason = required_reason(&req.reason)?;
    let r = reason.clone();
    let account = change_status(
        &state,
        &auth.user,
        id,
        StatusChange {
            action: "reject",
            allowed_from: &[AccountStatus::Pending],
            to: AccountStatus::Rejected,
            reason: Some(reason),
        },
        |u| Some(mail::account_rejected(&u.display_name, &u.username, &r)),
    )
    .await?;
    Ok(axum::Json(account))
}

/// Disable an account; its sessions end at once.
#[utoipa::path(post, path = "/admin/accounts/{id}/disable", tag = "identity", params(("id" = Uuid, Path)), request_body = ReasonRequest,
    responses((status = 200, body = Account), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn disable_account(
    State(state): State<AppState>,
    auth: Authorized<ManageAccounts>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ReasonRequest>,
) -> ApiResult<axum::Json<Account>> {
    let reason = required_reason(&req.reason)?;
    if id == auth.user.user.id {
        return Err(ApiError::conflict("invalid_state", "不能停用自己的账号", "You cannot disable your own account"));
    }
    let account = change_status(
        &state,
        &auth.user,
        id,
        StatusChange {
            action: "disable",
            allowed_from: &[AccountStatus::Active],
            to: AccountStatus::Disabled,
            reason: Some(reason),
        },
        |_| None,
    )
    .await?;
    Ok(axum::Json(account))
}

/// Re-enable a disabled account.
#[utoipa::path(post, path = "/admin/accounts/{id}/enable", tag = "identity", params(("id" = Uuid, Path)),
    responses((status = 200, body = Account), (status = 404, body = Problem), (status = 409, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn enable_account(
    State(state): State<AppState>,
    auth: Authorized<ManageAccounts>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::Json<Account>> {
    let account = change_status(
        &state,
        &auth.user,
        id,
        StatusChange {
            action: "enable",
            allowed_from: &[AccountStatus::Disabled],
            to: AccountStatus::Active,
            reason: None,
        },
        |_| None,
    )
    .await?;
    Ok(axum::Json(account))
}

/// A validated account to issue.
struct NewAccount {
    username: String,
    password: String,
    display_name: String,
    role: Role,
    org_id: Option<Uuid>,
    department: Option<String>,
    email: Option<String>,
    phone: Option<String>,
}

/// Validates an issue request; field names get `prefix` (used for import rows).
async fn validate_issue(
    state: &AppState,
    v: &mut Validator,
    prefix: &str,
    req: &IssueAccountRequest,
) -> ApiResult<Option<NewAccount>> {
    let before = v.errors.len();
    let f = |name: &str| format!("{prefix}{name}");
    let username = kc_db::normalise_login(&req.username);
    validate_username(v, &f("username"), &username);
    v.text(&f("display_name"), &req.display_name, "姓名", 1, 50);
    let role = Role::parse(&req.role);
    if role.is_none() {
        v.add(&f("role"), "invalid", "角色不正确", "Invalid role");
    }
    let email = req.email.as_deref().map(kc_db::normalise_login).filter(|e| !e.is_empty());
    if let Some(e) = &email {
        validate_email(v, &f("email"), e);
    }
    let phone = req.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(String::from);
    if let Some(p) = &phone {
        validate_phone(v, &f("phone"), p);
    }
    v.errors.extend(super::session::check_password(state, &f("password"), &username, &req.password));
    let department = req.department.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(String::from);
    match role {
        Some(Role::BureauStaff) if department.is_none() => {
            v.add(&f("department"), "required", "科技局工作人员须填写科室", "Bureau staff need a department");
        }
        Some(Role::Recommender) => {
            let ok = match req.organisation_id {
                Some(id) => is_recommender(state, id).await?,
                None => false,
            };
            if !ok {
                v.add(
                    &f("organisation_id"),
                    "not_a_recommender",
                    "推荐单位账号须属于一个推荐单位（区县科技部门、高校、医院或科技局）",
                    "A recommender account must belong to a recommending unit",
                );
            }
        }
        _ => {}
    }
    if let Some(id) = req.organisation_id
        && role != Some(Role::Recommender)
        && kc_db::identity::organisation(state.db.read(), id).await?.is_none()
    {
        v.add(&f("organisation_id"), "not_found", "所选单位不存在", "No such organisation");
    }
    if v.errors.len() > before {
        return Ok(None);
    }
    let Some(role) = role else { return Ok(None) };
    Ok(Some(NewAccount {
        username,
        password: req.password.clone(),
        display_name: req.display_name.trim().to_string(),
        role,
        org_id: req.organisation_id,
        department,
        email,
        phone,
    }))
}

async fn user_of(new: NewAccount, approved_by: Uuid, now: chrono::DateTime<chrono::Utc>) -> ApiResult<user::Model> {
    Ok(user::Model {
        id: Uuid::now_v7(),
        username: new.username,
        email: new.email,
        phone: new.phone,
        display_name: new.display_name,
        password_hash: hash_password(new.password).await?,
        role: new.role.as_str().into(),
        status: AccountStatus::Active.as_str().into(),
        // A recommender recommends on behalf of its own organisation.
        recommender_id: if new.role == Role::Recommender { new.org_id } else { None },
        org_id: new.org_id,
        department: new.department,
        rejection_reason: None,
        failed_logins: 0,
        locked_until: None,
        approved_at: Some(now),
        approved_by: Some(approved_by),
        password_changed_at: now,
        created_at: now,
        updated_at: now,
    })
}

async fn insert_issued(
    state: &AppState,
    txn: &kc_db::DatabaseTransaction,
    actor: Uuid,
    u: &user::Model,
    reason: &str,
) -> ApiResult<()> {
    let now = state.clock.now();
    kc_db::identity::save_user(txn, u.clone(), true).await.map_err(|e| match e {
        kc_db::DbError::Unique(_) => ApiError::conflict(
            "username_taken",
            format!("用户名、邮箱或手机号“{}”已被使用", u.username),
            format!("The username, e-mail or phone of {} is already in use", u.username),
        ),
        other => other.into(),
    })?;
    kc_db::audit::append(
        txn,
        now,
        NewAuditEvent {
            actor_id: Some(actor),
            entity_type: "account",
            entity_id: u.id.to_string(),
            action: "issue",
            before: None,
            after: Some(user_snapshot(u)),
            reason: Some(reason.into()),
        },
    )
    .await?;
    let url = state.settings.public_url();
    mail::send(txn, now, u.email.as_deref(), mail::account_issued(&u.display_name, &u.username, &url)).await
}

/// Issue an account (recommending units, bureau staff, experts …); it is active at once.
#[utoipa::path(post, path = "/admin/accounts", tag = "identity", request_body = IssueAccountRequest,
    responses((status = 201, body = Account), (status = 409, body = Problem), (status = 422, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn issue_account(
    State(state): State<AppState>,
    auth: Authorized<ManageAccounts>,
    ApiJson(req): ApiJson<IssueAccountRequest>,
) -> ApiResult<(StatusCode, axum::Json<Account>)> {
    let mut v = Validator::default();
    let new = validate_issue(&state, &mut v, "", &req).await?;
    v.finish()?;
    let new = new.ok_or_else(ApiError::internal)?;
    check_login_names_free(&state, &new.username, new.email.as_deref(), new.phone.as_deref()).await?;
    let u = user_of(new, auth.user.user.id, state.clock.now()).await?;
    let txn = state.db.write().begin().await?;
    insert_issued(&state, &txn, auth.user.user.id, &u, "issued by the bureau").await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(account_view(&state, &u).await?)))
}

/// The Excel template for importing accounts.
#[utoipa::path(get, path = "/admin/accounts/import-template", tag = "identity",
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn import_template(_auth: Authorized<ManageAccounts>) -> ApiResult<Response> {
    excel::account_template()
}

/// Import accounts from Excel: all rows are created, or none (errors name row and field).
#[utoipa::path(post, path = "/admin/accounts/import", tag = "identity",
    request_body(content_type = "multipart/form-data", description = "field `file`: the filled-in template (.xlsx)"),
    responses((status = 200, body = ImportResult), (status = 422, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn import_accounts(
    State(state): State<AppState>,
    auth: Authorized<ManageAccounts>,
    mut multipart: Multipart,
) -> ApiResult<axum::Json<ImportResult>> {
    let mut bytes = None;
    while let Some(field) = multipart.next_field().await.map_err(|e| {
        ApiError::bad_request(format!("上传内容无法读取：{e}"), format!("The upload could not be read: {e}"))
    })? {
        if field.name() == Some("file") {
            bytes = Some(field.bytes().await.map_err(|e| {
                ApiError::bad_request(format!("上传内容无法读取：{e}"), format!("The upload could not be read: {e}"))
            })?);
        }
    }
    let bytes = bytes.ok_or_else(|| {
        ApiError::field("file", "required", "请选择要导入的 Excel 文件", "Choose the Excel file to import")
    })?;
    let rows = excel::read_account_rows(&bytes)?;
    if rows.is_empty() {
        return Err(ApiError::field("file", "empty", "文件中没有数据行", "The file has no data rows"));
    }

    // Resolve organisations by credit code, then validate every row before writing any.
    let mut v = Validator::default();
    let mut seen: Vec<String> = Vec::new();
    let mut accounts = Vec::new();
    for row in rows {
        let prefix = format!("row {}: ", row.line);
        let organisation_id = match row.credit_code.as_deref() {
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
        let req = IssueAccountRequest {
            username: row.username,
            password: row.password,
            display_name: row.display_name,
            role: row.role,
            organisation_id,
            department: row.department,
            email: row.email,
            phone: row.phone,
        };
        if let Some(new) = validate_issue(&state, &mut v, &prefix, &req).await? {
            for name in [Some(new.username.clone()), new.email.clone(), new.phone.clone()].into_iter().flatten() {
                if seen.contains(&name) || kc_db::identity::login_name_in_use(state.db.read(), &name).await? {
                    v.errors.push(FieldError::new(
                        format!("{prefix}username"),
                        "taken",
                        format!("“{name}”已被使用或在文件中重复"),
                        format!("{name} is already in use or repeated in the file"),
                    ));
                }
                seen.push(name);
            }
            accounts.push(new);
        }
    }
    v.finish()?;
    let now = state.clock.now();
    let mut users = Vec::new();
    for new in accounts {
        users.push(user_of(new, auth.user.user.id, now).await?);
    }
    let txn = state.db.write().begin().await?;
    for u in &users {
        insert_issued(&state, &txn, auth.user.user.id, u, "imported from Excel").await?;
    }
    txn.commit().await?;
    Ok(axum::Json(ImportResult { created: users.len() as u64 }))
}
