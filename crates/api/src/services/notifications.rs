//! Notifications (APP-8): each step of an application is shown in-app to the people it
//! concerns and mailed according to each user's preference.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use kc_core::notify::MailPreference;
use kc_db::ConnectionTrait;
use kc_db::entities::{notification, user};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath};
use crate::identity::mail;
use crate::state::AppState;

/// Something to tell a user.
pub struct Notice {
    /// e.g. `application.returned`
    pub kind: &'static str,
    /// Decisions on the user's own work are mailed even under the `decisions` preference.
    pub decision: bool,
    pub title_zh: String,
    pub title_en: String,
    pub body_zh: String,
    pub body_en: String,
    /// A path of the web app, e.g. `/grants/applications/…`.
    pub link: Option<String>,
}

impl Notice {
    /// The notice as a mail, both languages in one.
    fn mail(&self) -> mail::Mail {
        mail::Mail {
            subject: format!("【科创平台】{} / {}", self.title_zh, self.title_en),
            body: format!("{}\n\n{}\n", self.body_zh, self.body_en),
        }
    }
}

/// Records `notice` for `to` inside the caller's transaction and queues the mail when the
/// user's preference asks for it.
pub async fn notify(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    to: &user::Model,
    notice: Notice,
) -> ApiResult<()> {
    let preference = kc_db::notifications::mail_preference(conn, to.id)
        .await?
        .and_then(|p| MailPreference::parse(&p))
        .unwrap_or_default();
    for statement in notice_statements(conn.get_database_backend(), now, vec![(to, preference, notice)]) {
        conn.execute_raw(statement).await?;
    }
    Ok(())
}

/// The statements recording several notices, with each recipient's preference already
/// read: one for the notifications and one for the mails, whatever their number. Built
/// ahead, so that a hot writer only executes them.
pub fn notice_statements(
    backend: kc_db::DbBackend,
    now: DateTime<Utc>,
    notices: Vec<(&user::Model, MailPreference, Notice)>,
) -> Vec<kc_db::Statement> {
    let mut mails = Vec::new();
    let mut records = Vec::with_capacity(notices.len());
    for (to, preference, notice) in notices {
        if let Some(address) = to.email.as_deref().filter(|a| !a.is_empty())
            && preference.mails(notice.decision)
        {
            let m = notice.mail();
            mails.push((address.to_string(), m.subject, m.body));
        }
        records.push(notification::Model {
            id: Uuid::now_v7(),
            user_id: to.id,
            kind: notice.kind.to_string(),
            title_zh: notice.title_zh,
            title_en: notice.title_en,
            body_zh: notice.body_zh,
            body_en: notice.body_en,
            link: notice.link,
            created_at: now,
            read_at: None,
        });
    }
    [
        kc_db::outbox::enqueue_many_statement(backend, now, mails),
        kc_db::notifications::insert_many_statement(backend, records),
    ]
    .into_iter()
    .flatten()
    .collect()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    pub id: Uuid,
    pub kind: String,
    pub title_zh: String,
    pub title_en: String,
    pub body_zh: String,
    pub body_en: String,
    pub link: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationList {
    pub unread: u64,
    /// The newest 100.
    pub items: Vec<NotificationView>,
}

/// My notifications, newest first, with the unread count.
#[utoipa::path(get, path = "/me/notifications", tag = "services",
    responses((status = 200, body = NotificationList), (status = 401, body = Problem)))]
pub async fn my_notifications(
    State(state): State<AppState>,
    current: CurrentUser,
) -> ApiResult<axum::Json<NotificationList>> {
    let (items, unread) = kc_db::notifications::of_user(state.db.read(), current.user.id, 100).await?;
    let items = items
        .into_iter()
        .map(|n| NotificationView {
            id: n.id,
            kind: n.kind,
            title_zh: n.title_zh,
            title_en: n.title_en,
            body_zh: n.body_zh,
            body_en: n.body_en,
            link: n.link,
            created_at: n.created_at,
            read_at: n.read_at,
        })
        .collect();
    Ok(axum::Json(NotificationList { unread, items }))
}

/// Marks one of my notifications read (404 when it is not mine or already read).
#[utoipa::path(post, path = "/me/notifications/{id}/read", tag = "services", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 401, body = Problem)))]
pub async fn read_one(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    let n = kc_db::notifications::mark_read(state.db.write(), current.user.id, Some(id), state.clock.now()).await?;
    if n == 0 { Err(ApiError::not_found()) } else { Ok(StatusCode::NO_CONTENT) }
}

/// Marks all my notifications read.
#[utoipa::path(post, path = "/me/notifications/read-all", tag = "services",
    responses((status = 204), (status = 401, body = Problem)))]
pub async fn read_all(State(state): State<AppState>, current: CurrentUser) -> ApiResult<StatusCode> {
    kc_db::notifications::mark_read(state.db.write(), current.user.id, None, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NotificationPreferences {
    /// all (every step) | decisions (only decisions on my applications) | none (in-app only)
    pub mail: String,
}

/// My mail preference.
#[utoipa::path(get, path = "/me/notification-preferences", tag = "services",
    responses((status = 200, body = NotificationPreferences), (status = 401, body = Problem)))]
pub async fn get_preferences(
    State(state): State<AppState>,
    current: CurrentUser,
) -> ApiResult<axum::Json<NotificationPreferences>> {
    let mail = kc_db::notifications::mail_preference(state.db.read(), current.user.id)
        .await?
        .and_then(|p| MailPreference::parse(&p))
        .unwrap_or_default();
    Ok(axum::Json(NotificationPreferences { mail: mail.as_str().into() }))
}

/// Sets my mail preference; in-app notifications are always kept.
#[utoipa::path(put, path = "/me/notification-preferences", tag = "services", request_body = NotificationPreferences,
    responses((status = 200, body = NotificationPreferences), (status = 422, body = Problem), (status = 401, body = Problem)))]
pub async fn set_preferences(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiJson(req): ApiJson<NotificationPreferences>,
) -> ApiResult<axum::Json<NotificationPreferences>> {
    let Some(mail) = MailPreference::parse(&req.mail) else {
        return Err(ApiError::field(
            "mail",
            "invalid",
            "请选择：全部、仅决定或不发邮件",
            "Choose all, decisions or none",
        ));
    };
    kc_db::notifications::set_mail_preference(state.db.write(), current.user.id, mail.as_str(), state.clock.now())
        .await?;
    Ok(axum::Json(NotificationPreferences { mail: mail.as_str().into() }))
}
