//! The recommending unit's queue and decisions, its summary table, and the bureau's
//! intake check (APP-2, APP-3, APP-4).

use std::collections::HashMap;

use axum::extract::State;
use axum::response::Response;
use kc_core::grants::application::{Action, Status, next};
use kc_core::grants::letter::{RecommendationLetter, recommendation_letter};
use kc_db::TransactionTrait;
use kc_db::audit::NewAuditEvent;
use kc_db::entities::application;
use kc_db::grants::ApplicationFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::applications::{ApplicationSummary, ApplicationView};
use crate::auth::{Authorized, IntakeApplications, RecommendApplications};
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::services::notifications::{Notice, notify};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// A call code.
    pub call: Option<String>,
    pub category: Option<String>,
    /// submitted | returned | recommended | declined | accepted | rejected
    pub status: Option<String>,
    /// The applicant organisation's district code, e.g. 510302.
    pub district: Option<String>,
    /// Part of the applicant organisation's name, or its credit code.
    pub organisation: Option<String>,
}

/// One row of a list: the application without its form data (open it for that).
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueItem {
    #[serde(flatten)]
    pub application: ApplicationSummary,
    pub organisation: String,
    pub pi_name: String,
    pub requested_fen: i64,
}

#[derive(Debug, Deserialize, ToSchema, Default)]
pub struct Decision {
    /// Required to return, decline or reject; shown to the applicant.
    pub comment: Option<String>,
}

async fn filter_of(state: &AppState, q: &QueueQuery, recommender: Option<Uuid>) -> ApiResult<ApplicationFilter> {
    let call_id = match &q.call {
        Some(code) => {
            Some(kc_db::grants::call_id_by_code(state.db.read(), code).await?.ok_or_else(ApiError::not_found)?)
        }
        None => None,
    };
    let statuses = match q.status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => vec![
            Status::parse(s)
                .ok_or_else(|| ApiError::field("status", "invalid", "状态不正确", "Invalid status"))?
                .as_str()
                .to_string(),
        ],
        // Drafts belong to the applicant until submitted.
        None => ["submitted", "returned", "recommended", "declined", "accepted", "rejected"].map(String::from).to_vec(),
    };
    Ok(ApplicationFilter {
        recommender_id: recommender,
        call_id,
        category: q.category.clone().filter(|c| !c.is_empty()),
        statuses,
        district: q.district.clone().filter(|d| !d.is_empty()),
        organisation: q.organisation.as_deref().map(str::trim).filter(|o| !o.is_empty()).map(str::to_string),
    })
}

/// The two form values lists show (parsed without building the whole JSON tree).
#[derive(Debug, Default, Deserialize)]
struct ListedData {
    #[serde(default)]
    pi: ListedPerson,
    requested_fen: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
struct ListedPerson {
    #[serde(default)]
    name: String,
}

async fn queue_items(state: &AppState, apps: Vec<application::Model>) -> ApiResult<Vec<QueueItem>> {
    let calls = super::call_codes(state, apps.iter().map(|a| a.call_id).collect()).await?;
    let mut org_ids: Vec<Uuid> = apps.iter().map(|a| a.org_id).collect();
    org_ids.sort();
    org_ids.dedup();
    let orgs: HashMap<Uuid, String> = kc_db::identity::organisations_by_ids(state.db.read(), &org_ids)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    Ok(apps
        .iter()
        .map(|a| {
            let data: ListedData = serde_json::from_str(&a.data).unwrap_or_default();
            QueueItem {
                organisation: orgs.get(&a.org_id).cloned().unwrap_or_default(),
                pi_name: data.pi.name,
                requested_fen: data.requested_fen.unwrap_or(0),
                application: super::applications::summary(a, calls.get(&a.call_id).map_or("", String::as_str)),
            }
        })
        .collect())
}

/// The applications routed to the current recommending unit, and no others.
#[utoipa::path(get, path = "/recommender/applications", tag = "grants", params(QueueQuery),
    responses((status = 200, body = Vec<QueueItem>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn recommender_queue(
    State(state): State<AppState>,
    auth: Authorized<RecommendApplications>,
    ApiQuery(q): ApiQuery<QueueQuery>,
) -> ApiResult<Response> {
    let unit = auth.user.user.org_id.ok_or_else(ApiError::forbidden)?;
    rendered_list(&state, format!("unit {unit} {q:?}"), &q, Some(unit)).await
}

/// The JSON of a filtered list, served from memory while nothing was written since
/// (`AppState::lists`): clerks and district offices reload these lists all day, and around a
/// deadline many at once.
async fn rendered_list(state: &AppState, key: String, q: &QueueQuery, unit: Option<Uuid>) -> ApiResult<Response> {
    use axum::response::IntoResponse;
    let body = state
        .lists
        .get_or_load(&state.db, key, || async {
            let filter = filter_of(state, q, unit).await?;
            let apps = kc_db::grants::list_applications(state.db.read(), &filter).await?;
            let items = queue_items(state, apps).await?;
            Ok::<_, ApiError>(axum::body::Bytes::from(serde_json::to_vec(&items).map_err(|_| ApiError::internal())?))
        })
        .await?;
    Ok(([(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// Applies `action` to an application the actor may decide on; audited and mailed.
async fn decide(
    state: &AppState,
    actor: &crate::auth::CurrentUser,
    id: Uuid,
    action: Action,
    comment: Option<String>,
    allowed: impl Fn(&application::Model) -> bool,
) -> ApiResult<ApplicationView> {
    let a = kc_db::grants::application(state.db.read(), id)
        .await?
        .filter(|a| allowed(a))
        .ok_or_else(ApiError::not_found)?;
    let comment = comment.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
    if matches!(action, Action::Return | Action::Decline | Action::Reject) && comment.is_none() {
        return Err(ApiError::field(
            "comment",
            "required",
            "请填写意见，申报者会看到",
            "Give a comment; the applicant will see it",
        ));
    }
    let from = Status::parse(&a.status).ok_or_else(ApiError::internal)?;
    let Some(to) = next(from, action) else {
        return Err(ApiError::conflict(
            "invalid_state",
            "该申报书当前状态下不能执行此操作（可能已被处理），请刷新",
            "This action does not apply to the application now (it may have been handled); refresh",
        ));
    };
    let now = state.clock.now();
    let txn = state.db.write().begin().await?;
    if !kc_db::grants::change_status(&txn, a.id, from.as_str(), to.as_str(), None, now).await? {
        return Err(ApiError::conflict(
            "invalid_state",
            "申报书状态已变化，请刷新",
            "The application changed meanwhile; refresh",
        ));
    }
    let action_name = action.as_str();
    kc_db::audit::append(
        &txn,
        now,
        NewAuditEvent {
            actor_id: Some(actor.user.id),
            entity_type: "application",
            entity_id: a.id.to_string(),
            action: action_name,
            before: Some(serde_json::json!({ "status": from.as_str() })),
            after: Some(serde_json::json!({ "status": to.as_str() })),
            reason: comment.clone(),
        },
    )
    .await?;
    if let Some(applicant) = kc_db::identity::user(&txn, a.applicant_id).await? {
        let (zh, en) = match to {
            Status::Returned => ("已被退回修改", "was returned for changes"),
            Status::Recommended => ("已获推荐", "was recommended"),
            Status::Declined => ("未获推荐", "was not recommended"),
            Status::Accepted => ("已通过受理", "passed the intake check"),
            Status::Rejected => ("未通过受理", "did not pass the intake check"),
            _ => ("状态已更新", "changed"),
        };
        let note = comment.clone().map(|c| format!("\n意见 / Comment: {c}")).unwrap_or_default();
        let notice = Notice {
            kind: match to {
                Status::Returned => "application.returned",
                Status::Recommended => "application.recommended",
                Status::Declined => "application.declined",
                Status::Accepted => "application.accepted",
                Status::Rejected => "application.rejected",
                _ => "application.changed",
            },
            decision: true,
            title_zh: format!("申报书“{}”{zh}", a.title),
            title_en: format!("Application \"{}\" {en}", a.title),
            body_zh: format!("您的申报书“{}”{zh}。{note}", a.title),
            body_en: format!("Your application \"{}\" {en}.{note}", a.title),
            link: Some(format!("/grants/applications/{}", a.id)),
        };
        notify(&txn, now, &applicant, notice).await?;
    }
    txn.commit().await?;
    let mut updated = a.clone();
    updated.status = to.as_str().into();
    updated.updated_at = now;
    let code = super::stored_call(state, a.call_id).await?.code.clone();
    Ok(super::applications::view(&updated, &code))
}

macro_rules! decision_handler {
    ($name:ident, $path:literal, $perm:ident, $action:expr, $scope:ident) => {
        #[utoipa::path(post, path = $path, tag = "grants", params(("id" = Uuid, Path)), request_body = Decision,
            responses((status = 200, body = ApplicationView), (status = 404, body = Problem), (status = 409, body = Problem),
                      (status = 422, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
        pub async fn $name(
            State(state): State<AppState>,
            auth: Authorized<$perm>,
            ApiPath(id): ApiPath<Uuid>,
            ApiJson(req): ApiJson<Decision>,
        ) -> ApiResult<axum::Json<ApplicationView>> {
            let scope = $scope(&auth.user);
            Ok(axum::Json(decide(&state, &auth.user, id, $action, req.comment, scope).await?))
        }
    };
}

/// Recommenders decide only on applications routed to their own unit.
fn own_unit(user: &crate::auth::CurrentUser) -> impl Fn(&application::Model) -> bool + use<> {
    let unit = user.user.org_id;
    move |a| Some(a.recommender_id) == unit
}

/// The bureau decides on any application.
fn any_application(_: &crate::auth::CurrentUser) -> impl Fn(&application::Model) -> bool + use<> {
    |_| true
}

decision_handler!(
    recommend,
    "/recommender/applications/{id}/recommend",
    RecommendApplications,
    Action::Recommend,
    own_unit
);
decision_handler!(
    return_for_changes,
    "/recommender/applications/{id}/return",
    RecommendApplications,
    Action::Return,
    own_unit
);
decision_handler!(decline, "/recommender/applications/{id}/decline", RecommendApplications, Action::Decline, own_unit);
decision_handler!(accept, "/admin/applications/{id}/accept", IntakeApplications, Action::Accept, any_application);
decision_handler!(reject, "/admin/applications/{id}/reject", IntakeApplications, Action::Reject, any_application);

/// Every application past the draft stage, filtered.
#[utoipa::path(get, path = "/admin/applications", tag = "grants", params(QueueQuery),
    responses((status = 200, body = Vec<QueueItem>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn bureau_list(
    State(state): State<AppState>,
    _auth: Authorized<IntakeApplications>,
    ApiQuery(q): ApiQuery<QueueQuery>,
) -> ApiResult<Response> {
    rendered_list(&state, format!("bureau {q:?}"), &q, None).await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryRow {
    pub no: usize,
    pub title: String,
    pub organisation: String,
    pub category: String,
    pub pi_name: String,
    /// 万元, two decimals, as printed.
    pub requested_wan: String,
}

/// What a recommending unit sends to the bureau for one call: the letter (推荐函) and the
/// summary table (推荐汇总表) of its recommended applications.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecommendationDocuments {
    /// `None` until something is recommended.
    #[schema(value_type = Option<Object>)]
    pub letter: Option<RecommendationLetter>,
    pub table_title: String,
    pub unit: String,
    pub contact: String,
    pub phone: String,
    pub rows: Vec<SummaryRow>,
}

async fn recommendation_documents(
    state: &AppState,
    user: &crate::auth::CurrentUser,
    mut q: QueueQuery,
) -> ApiResult<RecommendationDocuments> {
    let unit_id = user.user.org_id.ok_or_else(ApiError::forbidden)?;
    q.status = Some(Status::Recommended.as_str().into());
    let filter = filter_of(state, &q, Some(unit_id)).await?;
    let apps = kc_db::grants::list_applications(state.db.read(), &filter).await?;
    let category_names = super::category_names(state, apps.iter().map(|a| a.call_id).collect()).await?;
    let items = queue_items(state, apps).await?;
    let unit = kc_db::identity::organisation(state.db.read(), unit_id).await?.map(|o| o.name).unwrap_or_default();
    let chosen = match &q.call {
        Some(code) => Some(super::stored_call_by_code(state, code).await?),
        None => None,
    };
    let rows: Vec<SummaryRow> = items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let a = &it.application;
            SummaryRow {
                no: i + 1,
                title: a.title.clone(),
                organisation: it.organisation.clone(),
                category: category_names
                    .get(&(a.call.clone(), a.category.clone()))
                    .cloned()
                    .unwrap_or_else(|| a.category.clone()),
                pi_name: it.pi_name.clone(),
                requested_wan: format!("{:.2}", it.requested_fen as f64 / 1_000_000.0),
            }
        })
        .collect();
    let today = state.clock.now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
    let titles: Vec<String> = rows.iter().map(|r| r.title.clone()).collect();
    let letter = chosen.as_ref().and_then(|c| {
        let issuer = c.call.issuer.as_deref().unwrap_or("科学技术局");
        recommendation_letter(issuer, &c.call.title, &unit, &titles, today)
    });
    Ok(RecommendationDocuments {
        letter,
        table_title: chosen.map_or_else(|| "项目推荐汇总表".to_string(), |c| format!("{}推荐汇总表", c.call.title)),
        unit,
        contact: user.user.display_name.clone(),
        phone: user.user.phone.clone().unwrap_or_default(),
        rows,
    })
}

/// The recommendation letter and summary table of the unit's recommended applications in a
/// call, for the printable page.
#[utoipa::path(get, path = "/recommender/recommendation-documents", tag = "grants", params(QueueQuery),
    responses((status = 200, body = RecommendationDocuments), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn documents(
    State(state): State<AppState>,
    auth: Authorized<RecommendApplications>,
    ApiQuery(q): ApiQuery<QueueQuery>,
) -> ApiResult<axum::Json<RecommendationDocuments>> {
    Ok(axum::Json(recommendation_documents(&state, &auth.user, q).await?))
}

/// The summary table (推荐汇总表) of the unit's recommended applications, with the
/// recommendation letter (推荐函) on a second sheet, as Excel.
#[utoipa::path(get, path = "/recommender/summary-table", tag = "grants", params(QueueQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn summary_table(
    State(state): State<AppState>,
    auth: Authorized<RecommendApplications>,
    ApiQuery(q): ApiQuery<QueueQuery>,
) -> ApiResult<Response> {
    let docs = recommendation_documents(&state, &auth.user, q).await?;
    crate::identity::excel::summary_table(&docs)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuotaUseView {
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
    pub used: u32,
    pub limit: u32,
}

/// The quotas bounding what the unit forwards in a call, with how much of each is used
/// (applications submitted, recommended or accepted through the unit).
#[utoipa::path(get, path = "/recommender/quota-use", tag = "grants", params(CallQuery),
    responses((status = 200, body = Vec<QuotaUseView>), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn quota_use(
    State(state): State<AppState>,
    auth: Authorized<RecommendApplications>,
    ApiQuery(q): ApiQuery<CallQuery>,
) -> ApiResult<axum::Json<Vec<QuotaUseView>>> {
    use kc_core::grants::quota::{Filing, Holders, Unit, unit_quota_use};
    let unit_id = auth.user.user.org_id.ok_or_else(ApiError::forbidden)?;
    let unit = kc_db::identity::organisation(state.db.read(), unit_id).await?.ok_or_else(ApiError::forbidden)?;
    let stored = super::stored_call_by_code(&state, &q.call).await?;
    let call = &stored.call;
    let mut calls = vec![call.code.clone()];
    calls.extend(call.quotas.iter().flat_map(|q| q.calls.iter().flatten().cloned()));
    let holders = Holders { recommender: Some(unit_id.to_string()), calls, ..Holders::default() };
    let filings: Vec<Filing> =
        kc_db::grants::filings_sharing(state.db.read(), &holders, &Status::counted_by_quotas(), Uuid::nil())
            .await?
            .into_iter()
            .map(Filing::from)
            .collect();
    let unit = Unit { recommender: unit_id.to_string(), kind: unit.recommender_kind, credit_code: unit.credit_code };
    Ok(axum::Json(
        unit_quota_use(&call.quotas, &unit, &call.code, &filings)
            .into_iter()
            .map(|u| QuotaUseView {
                code: u.code,
                message_zh: u.message_zh,
                message_en: u.message_en,
                used: u.used,
                limit: u.limit,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema, Default, Clone)]
pub struct Counts {
    /// Applications started (drafts included).
    pub started: u64,
    /// Submitted at least once.
    pub submitted: u64,
    /// Recommended (including those since accepted or rejected at intake).
    pub recommended: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CounterRow {
    /// A category code or a recommending unit's id.
    pub key: String,
    pub name: String,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Counters {
    pub total: Counts,
    pub by_category: Vec<CounterRow>,
    pub by_recommender: Vec<CounterRow>,
}

fn add(c: &mut Counts, a: &application::Model) {
    c.started += 1;
    if a.submitted_at.is_some() {
        c.submitted += 1;
    }
    if matches!(a.status.as_str(), "recommended" | "accepted" | "rejected") {
        c.recommended += 1;
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallQuery {
    /// A call code.
    pub call: String,
}

/// Live counters of a call: started, submitted and recommended, per category and per
/// recommending unit.
#[utoipa::path(get, path = "/admin/applications/counters", tag = "grants", params(CallQuery),
    responses((status = 200, body = Counters), (status = 404, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn counters(
    State(state): State<AppState>,
    _auth: Authorized<IntakeApplications>,
    ApiQuery(q): ApiQuery<CallQuery>,
) -> ApiResult<axum::Json<Counters>> {
    let stored = super::stored_call_by_code(&state, &q.call).await?;
    let call = &stored.call;
    let filter = ApplicationFilter { call_id: Some(stored.id), ..Default::default() };
    let apps = kc_db::grants::list_applications(state.db.read(), &filter).await?;
    let mut total = Counts::default();
    let mut by_category: Vec<CounterRow> = call
        .categories
        .iter()
        .map(|c| CounterRow { key: c.code.clone(), name: c.name_zh.clone(), counts: Counts::default() })
        .collect();
    let mut by_recommender: HashMap<Uuid, Counts> = HashMap::new();
    for a in &apps {
        add(&mut total, a);
        if let Some(row) = by_category.iter_mut().find(|r| r.key == a.category) {
            add(&mut row.counts, a);
        }
        add(by_recommender.entry(a.recommender_id).or_default(), a);
    }
    let ids: Vec<Uuid> = by_recommender.keys().copied().collect();
    let names: HashMap<Uuid, String> = kc_db::identity::organisations_by_ids(state.db.read(), &ids)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let mut by_recommender: Vec<CounterRow> = by_recommender
        .into_iter()
        .map(|(id, counts)| CounterRow {
            key: id.to_string(),
            name: names.get(&id).cloned().unwrap_or_default(),
            counts,
        })
        .collect();
    by_recommender.sort_by(|a, b| b.counts.started.cmp(&a.counts.started).then(a.name.cmp(&b.name)));
    Ok(axum::Json(Counters { total, by_category, by_recommender }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PaperCopies {
    /// true: received now; false: clear a mistaken record.
    pub received: bool,
}

/// Record that the applicant's paper copies arrived (纸质材料).
#[utoipa::path(post, path = "/recommender/applications/{id}/paper-copies", tag = "grants", params(("id" = Uuid, Path)),
    request_body = PaperCopies,
    responses((status = 200, body = ApplicationView), (status = 404, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn paper_copies(
    State(state): State<AppState>,
    auth: Authorized<RecommendApplications>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<PaperCopies>,
) -> ApiResult<axum::Json<ApplicationView>> {
    let unit = auth.user.user.org_id;
    let a = kc_db::grants::application(state.db.read(), id)
        .await?
        .filter(|a| Some(a.recommender_id) == unit && a.status != Status::Draft.as_str())
        .ok_or_else(ApiError::not_found)?;
    let now = state.clock.now();
    let at = req.received.then_some(now);
    let txn = state.db.write().begin().await?;
    kc_db::grants::set_paper_copies(&txn, a.id, at).await?;
    kc_db::audit::append(
        &txn,
        now,
        NewAuditEvent {
            actor_id: Some(auth.user.user.id),
            entity_type: "application",
            entity_id: a.id.to_string(),
            action: "paper_copies",
            before: Some(serde_json::json!({ "paper_copies_at": a.paper_copies_at })),
            after: Some(serde_json::json!({ "paper_copies_at": at })),
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    let mut updated = a;
    updated.paper_copies_at = at;
    let code = super::stored_call(&state, updated.call_id).await?.code.clone();
    Ok(axum::Json(super::applications::view(&updated, &code)))
}

/// The bureau list as Excel, with the same filters.
#[utoipa::path(get, path = "/admin/applications/export", tag = "grants", params(QueueQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn bureau_export(
    State(state): State<AppState>,
    _auth: Authorized<IntakeApplications>,
    ApiQuery(q): ApiQuery<QueueQuery>,
) -> ApiResult<Response> {
    let filter = filter_of(&state, &q, None).await?;
    let apps = kc_db::grants::list_applications(state.db.read(), &filter).await?;
    let mut ids: Vec<Uuid> = apps.iter().flat_map(|a| [a.org_id, a.recommender_id]).collect();
    ids.sort();
    ids.dedup();
    let names: HashMap<Uuid, String> = kc_db::identity::organisations_by_ids(state.db.read(), &ids)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let name = |id: &Uuid| names.get(id).cloned().unwrap_or_default();
    let categories = super::category_names(&state, apps.iter().map(|a| a.call_id).collect()).await?;
    let codes = super::call_codes(&state, apps.iter().map(|a| a.call_id).collect()).await?;
    let rows = apps
        .iter()
        .map(|a| {
            let data: serde_json::Value = serde_json::from_str(&a.data).unwrap_or_default();
            vec![
                a.title.clone(),
                name(&a.org_id),
                codes
                    .get(&a.call_id)
                    .and_then(|code| categories.get(&(code.clone(), a.category.clone())))
                    .cloned()
                    .unwrap_or_else(|| a.category.clone()),
                a.subtype.clone(),
                data["pi"]["name"].as_str().unwrap_or_default().to_string(),
                format!("{:.2}", data["requested_fen"].as_i64().unwrap_or(0) as f64 / 1_000_000.0),
                status_zh(&a.status).to_string(),
                a.submitted_at.map(kc_core::grants::window::shanghai_text).unwrap_or_default(),
                name(&a.recommender_id),
            ]
        })
        .collect();
    crate::identity::excel::application_list(rows)
}

fn status_zh(status: &str) -> &'static str {
    match Status::parse(status) {
        Some(Status::Draft) => "草稿",
        Some(Status::Submitted) => "已提交",
        Some(Status::Returned) => "已退回",
        Some(Status::Recommended) => "已推荐",
        Some(Status::Declined) => "未推荐",
        Some(Status::Accepted) => "已受理",
        Some(Status::Rejected) => "未受理",
        Some(Status::Awarded) => "已立项",
        Some(Status::NotFunded) => "未立项",
        None => "未知",
    }
}
