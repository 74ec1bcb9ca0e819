//! An application's status timeline, read from the audit trail (every transition is there).

use axum::extract::State;
use chrono::{DateTime, Utc};
use kc_db::PageRequest;
use kc_db::audit::AuditFilter;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::applications::visible;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, Problem};
use crate::extract::ApiPath;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    /// submit | return | recommend | decline | accept | reject | paper_copies
    pub action: String,
    /// The status after the step, when it changed one.
    pub status: Option<String>,
    /// Who acted: the organisation's name (applicants see units, not clerks).
    pub by: String,
    pub comment: Option<String>,
}

/// The steps an application went through, oldest first; visible to whoever may read it.
#[utoipa::path(get, path = "/applications/{id}/timeline", tag = "grants", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<TimelineEntry>), (status = 404, body = Problem), (status = 401, body = Problem)))]
pub async fn timeline(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::Json<Vec<TimelineEntry>>> {
    let (a, _) = visible(&state, &current, id).await?;
    let filter = AuditFilter {
        entity_type: Some("application".into()),
        entity_id: Some(a.id.to_string()),
        ..AuditFilter::default()
    };
    let mut entries = kc_db::audit::list(state.db.read(), &filter, PageRequest::new(Some(1), Some(200))).await?.items;
    entries.sort_by_key(|e| e.seq);
    let actor_ids: Vec<Uuid> = entries.iter().filter_map(|e| e.actor_id).collect();
    let actors = kc_db::identity::users_by_ids(state.db.read(), &actor_ids).await?;
    let refs: Vec<_> = actors.iter().collect();
    let orgs = crate::identity::org_names(&state, &refs).await?;
    Ok(axum::Json(
        entries
            .into_iter()
            .map(|e| {
                let actor = e.actor_id.and_then(|id| actors.iter().find(|u| u.id == id));
                let by = actor
                    .and_then(|u| u.org_id)
                    .and_then(|o| orgs.get(&o).cloned())
                    .or_else(|| actor.map(|u| u.display_name.clone()))
                    .unwrap_or_default();
                let status = e
                    .after_json
                    .as_deref()
                    .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
                    .and_then(|v| v.get("status").and_then(|s| s.as_str()).map(str::to_string));
                TimelineEntry {
                    at: DateTime::from_timestamp_micros(e.at_micros).unwrap_or_default(),
                    action: e.action,
                    status,
                    by,
                    comment: e.reason,
                }
            })
            .collect(),
    ))
}
