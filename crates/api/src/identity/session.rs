//! Log-in, log-out, passwords and the current user.

use axum::extract::State;
use axum::http::StatusCode;
use axum_extra::extract::CookieJar;
use governor::clock::{Clock as _, DefaultClock};
use kc_core::identity::{AccountStatus, LockoutPolicy, after_failed_login, is_locked};
use kc_db::TransactionTrait;
use kc_db::audit::NewAuditEvent;
use kc_db::entities::{password_reset, session};

use super::dto::{ChangePasswordRequest, ForgotPasswordRequest, LoginRequest, LoginResponse, Me, ResetPasswordRequest};
use super::{mail, me_view};
use crate::auth::{
    ClientIp, Credential, CurrentUser, clear_cookies, hash_password, random_token, session_cookies, token_hash,
    verify_password,
};
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::extract::ApiJson;
use crate::state::AppState;

/// Turns password-policy problems into field errors on `field`.
pub(crate) fn check_password(state: &AppState, field: &str, login: &str, password: &str) -> Vec<FieldError> {
    kc_core::password::check(&state.settings.auth.password, login, password)
        .into_iter()
        .map(|p| FieldError::new(field, "password_policy", p.message_zh(), p.message_en()))
        .collect()
}

fn invalid_credentials() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
        "用户名或密码不正确",
        "Wrong log-in name or password",
    )
}

fn locked(until: chrono::DateTime<chrono::Utc>) -> ApiError {
    let local = until.with_timezone(&chrono_tz::Asia::Shanghai).format("%Y-%m-%d %H:%M");
    ApiError::new(
        StatusCode::LOCKED,
        "account_locked",
        format!("密码错误次数过多，账号已锁定至 {local}（北京时间），可稍后再试或找回密码"),
        format!("Too many failed log-ins: the account is locked until {local} (Beijing time); try later or reset your password"),
    )
    .with("locked_until", until.to_rfc3339())
}

/// Refuses a client address that has used up its budget of unauthenticated attempts
/// (log-in, registration, password reset) for now.
pub(crate) fn throttle(state: &AppState, ip: Option<std::net::IpAddr>) -> ApiResult<()> {
    if let Some(ip) = ip
        && let Err(not_until) = state.login_limiter.check_key(&ip)
    {
        let wait = not_until.wait_time_from(DefaultClock::default().now()).as_secs().max(1);
        let mut e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("操作过于频繁，请 {wait} 秒后再试"),
            format!("Too many attempts from your address; try again in {wait} seconds"),
        )
        .with("retry_after_seconds", wait);
        e.retry_after = Some(wait);
        return Err(e);
    }
    Ok(())
}

/// Log in with username, phone or e-mail.
#[utoipa::path(post, path = "/auth/login", tag = "identity", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 423, body = Problem), (status = 429, body = Problem)))]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<(CookieJar, axum::Json<LoginResponse>)> {
    throttle(&state, ip)?;

    let now = state.clock.now();
    let Some(user) = kc_db::identity::user_by_login(state.db.read(), &req.login).await? else {
        // Spend the same time as a real check so log-in names cannot be probed.
        verify_password(req.password, state.dummy_hash.clone()).await;
        return Err(invalid_credentials());
    };
    if is_locked(user.locked_until, now) {
        return Err(locked(user.locked_until.unwrap_or(now)));
    }
    if !verify_password(req.password, user.password_hash.clone()).await {
        let policy = LockoutPolicy {
            threshold: state.settings.auth.lockout_threshold,
            lock_minutes: state.settings.auth.lockout_minutes,
        };
        let (failures, lock) = after_failed_login(policy, user.failed_logins, now);
        let txn = state.db.write().begin().await?;
        kc_db::identity::record_login_failure(&txn, user.id, failures, lock).await?;
        if let Some(until) = lock {
            kc_db::audit::append(
                &txn,
                now,
                NewAuditEvent {
                    actor_id: None,
                    entity_type: "account",
                    entity_id: user.id.to_string(),
                    action: "lock",
                    before: None,
                    after: Some(serde_json::json!({ "locked_until": until.to_rfc3339() })),
                    reason: Some(format!("{} failed log-ins", policy.threshold)),
                },
            )
            .await?;
            txn.commit().await?;
            return Err(locked(until));
        }
        txn.commit().await?;
        return Err(invalid_credentials());
    }

    match AccountStatus::parse(&user.status) {
        Some(AccountStatus::Active) => {}
        Some(AccountStatus::Pending) => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "account_pending",
                "账号正在等待科技局审核，审核通过后即可登录，结果也会发送到您的邮箱",
                "Your account awaits approval by the S&T bureau; you can log in once it is approved, and you will be told by mail",
            ));
        }
        Some(AccountStatus::Rejected) => {
            let reason = user.rejection_reason.clone().unwrap_or_default();
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "account_rejected",
                format!("账号未通过审核，原因：{reason}"),
                format!("Your account was not approved. Reason: {reason}"),
            )
            .with("reason", reason));
        }
        _ => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "account_disabled",
                "账号已停用，请联系科技局",
                "This account is disabled; please contact the S&T bureau",
            ));
        }
    }

    if user.failed_logins != 0 || user.locked_until.is_some() {
        kc_db::identity::clear_login_failures(state.db.write(), user.id).await?;
    }
    let token = random_token();
    let csrf = random_token();
    kc_db::identity::insert_session(
        state.db.write(),
        session::Model {
            id_hash: token_hash(&token),
            user_id: user.id,
            csrf_token: csrf.clone(),
            ip: ip.map(|i| i.to_string()),
            user_agent: None,
            created_at: now,
            expires_at: now + chrono::Duration::minutes(state.settings.auth.session_idle_minutes),
            last_seen_at: now,
        },
    )
    .await?;
    let me = me_view(&state, &user).await?;
    Ok((session_cookies(&state, token, csrf.clone()), axum::Json(LoginResponse { me, csrf_token: csrf })))
}

/// End this session.
#[utoipa::path(post, path = "/auth/logout", tag = "identity", responses((status = 204), (status = 401, body = Problem)))]
pub async fn logout(State(state): State<AppState>, current: CurrentUser) -> ApiResult<(StatusCode, CookieJar)> {
    if let Credential::Session { id_hash } = &current.credential {
        kc_db::identity::delete_session(state.db.write(), id_hash).await?;
        state.forget_session(id_hash);
    }
    Ok((StatusCode::NO_CONTENT, clear_cookies()))
}

/// End every session of the current user, on every device.
#[utoipa::path(post, path = "/auth/logout-all", tag = "identity", responses((status = 204), (status = 401, body = Problem)))]
pub async fn logout_all(State(state): State<AppState>, current: CurrentUser) -> ApiResult<(StatusCode, CookieJar)> {
    let now = state.clock.now();
    let txn = state.db.write().begin().await?;
    let ended = kc_db::identity::delete_sessions_of(&txn, current.user.id).await?;
    kc_db::audit::append(
        &txn,
        now,
        NewAuditEvent {
            actor_id: Some(current.user.id),
            entity_type: "account",
            entity_id: current.user.id.to_string(),
            action: "logout_all",
            before: None,
            after: Some(serde_json::json!({ "sessions_ended": ended })),
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    state.forget_sessions_of(current.user.id);
    Ok((StatusCode::NO_CONTENT, clear_cookies()))
}

/// Change the current user's password; other sessions end.
#[utoipa::path(post, path = "/auth/password/change", tag = "identity", request_body = ChangePasswordRequest,
    responses((status = 204), (status = 422, body = Problem)))]
pub async fn change_password(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiJson(req): ApiJson<ChangePasswordRequest>,
) -> ApiResult<StatusCode> {
    if !verify_password(req.current_password, current.user.password_hash.clone()).await {
        return Err(ApiError::field(
            "current_password",
            "wrong_password",
            "当前密码不正确",
            "The current password is wrong",
        ));
    }
    let problems = check_password(&state, "new_password", &current.user.username, &req.new_password);
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let now = state.clock.now();
    let mut user = current.user.clone();
    user.password_hash = hash_password(req.new_password).await?;
    user.password_changed_at = now;
    user.updated_at = now;
    let txn = state.db.write().begin().await?;
    kc_db::identity::save_user(&txn, user, false).await?;
    kc_db::identity::delete_sessions_of(&txn, current.user.id).await?;
    kc_db::audit::append(
        &txn,
        now,
        NewAuditEvent {
            actor_id: Some(current.user.id),
            entity_type: "account",
            entity_id: current.user.id.to_string(),
            action: "change_password",
            before: None,
            after: None,
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    state.forget_sessions_of(current.user.id);
    Ok(StatusCode::NO_CONTENT)
}

/// Ask for a password-reset mail. Always 202, so it cannot be used to probe accounts.
#[utoipa::path(post, path = "/auth/password/forgot", tag = "identity", request_body = ForgotPasswordRequest,
    responses((status = 202)))]
pub async fn forgot_password(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<ForgotPasswordRequest>,
) -> ApiResult<StatusCode> {
    throttle(&state, ip)?;
    let now = state.clock.now();
    if let Some(user) = kc_db::identity::user_by_login(state.db.read(), &req.login).await?
        && user.email.is_some()
    {
        let token = random_token();
        let minutes = state.settings.auth.reset_token_minutes;
        let txn = state.db.write().begin().await?;
        kc_db::identity::insert_password_reset(
            &txn,
            password_reset::Model {
                token_hash: token_hash(&token),
                user_id: user.id,
                created_at: now,
                expires_at: now + chrono::Duration::minutes(minutes),
                used_at: None,
            },
        )
        .await?;
        let link = format!("{}/reset?token={token}", state.settings.public_url());
        mail::send(&txn, now, user.email.as_deref(), mail::password_reset(&user.display_name, &link, minutes)).await?;
        txn.commit().await?;
    }
    Ok(StatusCode::ACCEPTED)
}

/// Set a new password with a mailed token; every session of the account ends.
#[utoipa::path(post, path = "/auth/password/reset", tag = "identity", request_body = ResetPasswordRequest,
    responses((status = 204), (status = 422, body = Problem)))]
pub async fn reset_password(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ResetPasswordRequest>,
) -> ApiResult<StatusCode> {
    let now = state.clock.now();
    let invalid = || {
        ApiError::field(
            "token",
            "invalid_token",
            "重置链接无效或已过期，请重新申请",
            "The reset link is invalid or expired; ask for a new one",
        )
    };
    let hash = token_hash(req.token.trim());
    // Check the password before spending the token, so a weak password can be retried.
    let Some(pending) = kc_db::identity::password_reset_user(state.db.read(), &hash, now).await? else {
        return Err(invalid());
    };
    let Some(user) = kc_db::identity::user(state.db.read(), pending).await? else {
        return Err(invalid());
    };
    let problems = check_password(&state, "new_password", &user.username, &req.new_password);
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let password_hash = hash_password(req.new_password).await?;
    let txn = state.db.write().begin().await?;
    if kc_db::identity::take_password_reset(&txn, &hash, now).await? != Some(user.id) {
        return Err(invalid());
    }
    let mut updated = user.clone();
    updated.password_hash = password_hash;
    updated.password_changed_at = now;
    updated.failed_logins = 0;
    updated.locked_until = None;
    updated.updated_at = now;
    kc_db::identity::save_user(&txn, updated, false).await?;
    kc_db::identity::delete_sessions_of(&txn, user.id).await?;
    kc_db::audit::append(
        &txn,
        now,
        NewAuditEvent {
            actor_id: Some(user.id),
            entity_type: "account",
            entity_id: user.id.to_string(),
            action: "reset_password",
            before: None,
            after: None,
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    state.forget_sessions_of(user.id);
    Ok(StatusCode::NO_CONTENT)
}

/// The logged-in user.
#[utoipa::path(get, path = "/me", tag = "identity", responses((status = 200, body = Me), (status = 401, body = Problem)))]
pub async fn me(State(state): State<AppState>, current: CurrentUser) -> ApiResult<axum::Json<Me>> {
    Ok(axum::Json(me_view(&state, &current.user).await?))
}
