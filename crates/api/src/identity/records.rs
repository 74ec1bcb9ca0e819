//! The audit log viewer and the mail outbox (ACC audit, mail without SMTP).

use std::collections::HashMap;

use axum::extract::State;
use kc_db::PageRequest;
use uuid::Uuid;

use super::dto::{AuditEvent, AuditPage, AuditQuery, OutboxMail, OutboxPage, PageQuery, UserRef};
use crate::auth::{Authorized, ReadAudit, ReadOutbox};
use crate::error::{ApiResult, Problem};
use crate::extract::ApiQuery;
use crate::state::AppState;

/// Audit events, newest first.
#[utoipa::path(get, path = "/admin/audit-events", tag = "identity", params(AuditQuery),
    responses((status = 200, body = AuditPage), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn audit_events(
    State(state): State<AppState>,
    _auth: Authorized<ReadAudit>,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<axum::Json<AuditPage>> {
    let filter = kc_db::audit::AuditFilter {
        entity_type: q.entity_type.filter(|s| !s.is_empty()),
        entity_id: q.entity_id.filter(|s| !s.is_empty()),
        actor_id: q.actor,
        action: q.action.filter(|s| !s.is_empty()),
        from: q.from,
        to: q.to,
    };
    let page = kc_db::audit::list(state.db.read(), &filter, PageRequest::new(q.page, q.per_page)).await?;
    let mut actor_ids: Vec<Uuid> = page.items.iter().filter_map(|e| e.actor_id).collect();
    actor_ids.sort();
    actor_ids.dedup();
    let names: HashMap<Uuid, String> = kc_db::identity::users_by_ids(state.db.read(), &actor_ids)
        .await?
        .into_iter()
        .map(|u| (u.id, u.username))
        .collect();
    let parse = |s: &Option<String>| s.as_deref().and_then(|s| serde_json::from_str(s).ok());
    let items = page
        .items
        .iter()
        .map(|e| AuditEvent {
            id: e.id,
            seq: e.seq,
            at: chrono::DateTime::from_timestamp_micros(e.at_micros).unwrap_or_default(),
            actor: e.actor_id.map(|id| UserRef { id, username: names.get(&id).cloned().unwrap_or_default() }),
            entity_type: e.entity_type.clone(),
            entity_id: e.entity_id.clone(),
            action: e.action.clone(),
            before: parse(&e.before_json),
            after: parse(&e.after_json),
            reason: e.reason.clone(),
        })
        .collect();
    Ok(axum::Json(AuditPage { items, total: page.total }))
}

/// Mails written by the platform, newest first; with no SMTP configured this is where
/// they are read.
#[utoipa::path(get, path = "/admin/outbox", tag = "identity", params(PageQuery),
    responses((status = 200, body = OutboxPage), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn outbox(
    State(state): State<AppState>,
    _auth: Authorized<ReadOutbox>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<axum::Json<OutboxPage>> {
    let page = kc_db::outbox::list(state.db.read(), PageRequest::new(q.page, q.per_page)).await?;
    Ok(axum::Json(OutboxPage {
        items: page
            .items
            .into_iter()
            .map(|m| OutboxMail {
                id: m.id,
                to: m.to_addr,
                subject: m.subject,
                body: m.body,
                created_at: m.created_at,
                sent_at: m.sent_at,
                status: m.status,
            })
            .collect(),
        total: page.total,
    }))
}
