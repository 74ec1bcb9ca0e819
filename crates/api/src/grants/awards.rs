//! The funding decision: on-site evaluations, proposed funding within caps, public notice
//! and objections, award (立项).

use std::collections::{HashMap, HashSet};

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use kc_core::grants::application::{Action, Status, next};
use kc_core::grants::award::{AwardCheck, award_problems, site_visit_required};
use kc_core::grants::project::{ContractStatus, ProjectStatus, due_on};
use kc_core::grants::window::shanghai_date;
use kc_db::TransactionTrait;
use kc_db::audit::NewAuditEvent;
use kc_db::entities::{application, funding_decision, objection, project, public_notice, site_visit};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::{Authorized, ClientIp, ManageReview};
use crate::error::{ApiError, ApiResult, FieldError, Problem, Validator};
use crate::extract::{ApiJson, ApiPath};
use crate::services::notifications::{Notice, notify};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_site_visit, put_site_visit))
        .routes(routes!(propose_funding, withdraw_funding))
        .routes(routes!(call_funding))
        .routes(routes!(publish_notice, call_notices))
        .routes(routes!(public_notice_list))
        .routes(routes!(public_notice_detail))
        .routes(routes!(raise_objection))
        .routes(routes!(notice_objections))
        .routes(routes!(resolve_objection))
        .routes(routes!(award_notice))
}

// ---- shared -------------------------------------------------------------------------

/// Appends an audit event of `actor` inside the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn audit(
    conn: &impl kc_db::ConnectionTrait,
    now: DateTime<Utc>,
    actor: Option<Uuid>,
    entity_type: &'static str,
    entity_id: impl ToString,
    action: &'static str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    reason: Option<String>,
) -> ApiResult<()> {
    kc_db::audit::append(
        conn,
        now,
        NewAuditEvent { actor_id: actor, entity_type, entity_id: entity_id.to_string(), action, before, after, reason },
    )
    .await?;
    Ok(())
}

/// Tells the user `to` (if the account exists) about something.
pub(crate) async fn tell(
    conn: &impl kc_db::ConnectionTrait,
    now: DateTime<Utc>,
    to: Uuid,
    notice: Notice,
) -> ApiResult<()> {
    if let Some(user) = kc_db::identity::user(conn, to).await? {
        notify(conn, now, &user, notice).await?;
    }
    Ok(())
}

/// The form values the funding screens show.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct AppData {
    #[serde(default)]
    pub pi: Person,
    pub requested_fen: Option<i64>,
    pub project_name: Option<String>,
    pub summary: Option<String>,
    pub targets: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct Person {
    #[serde(default)]
    pub name: String,
}

pub(crate) fn app_data(a: &application::Model) -> AppData {
    serde_json::from_str(&a.data).unwrap_or_default()
}

async fn org_names(state: &AppState, ids: impl Iterator<Item = Uuid>) -> ApiResult<HashMap<Uuid, String>> {
    let mut ids: Vec<Uuid> = ids.collect();
    ids.sort();
    ids.dedup();
    Ok(kc_db::identity::organisations_by_ids(state.db.read(), &ids)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}

// ---- on-site evaluation -------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
pub struct SiteVisitRequest {
    /// The date of the visit (YYYY-MM-DD).
    pub visited_on: NaiveDate,
    pub findings: String,
    /// The funding the visiting group recommends, in fen.
    pub recommended_fen: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SiteVisitView {
    pub application_id: Uuid,
    pub visited_on: NaiveDate,
    pub findings: String,
    pub recommended_fen: Option<i64>,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
}

fn site_visit_view(m: &site_visit::Model) -> SiteVisitView {
    SiteVisitView {
        application_id: m.application_id,
        visited_on: m.visited_on,
        findings: m.findings.clone(),
        recommended_fen: m.recommended_fen,
        recorded_by: m.recorded_by,
        recorded_at: m.recorded_at,
    }
}

/// An application the bureau decides on (404 when there is none).
async fn application_of(state: &AppState, id: Uuid) -> ApiResult<application::Model> {
    kc_db::grants::application(state.db.read(), id).await?.ok_or_else(ApiError::not_found)
}

fn not_accepted() -> ApiError {
    ApiError::conflict(
        "invalid_state",
        "只有已通过受理、尚未立项的申报书才能做此操作",
        "Only accepted applications not yet decided can take this",
    )
}

/// The on-site evaluation recorded for an application (null when none).
#[utoipa::path(get, path = "/admin/applications/{id}/site-visit", tag = "grants", params(("id" = Uuid, Path)),
    responses((status = 200, body = Option<SiteVisitView>), (status = 404, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn get_site_visit(
    State(state): State<AppState>,
    _auth: Authorized<ManageReview>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::Json<Option<SiteVisitView>>> {
    application_of(&state, id).await?;
    Ok(axum::Json(kc_db::projects::site_visit(state.db.read(), id).await?.as_ref().map(site_visit_view)))
}

/// Record (or correct) the on-site evaluation (现场考评) of an accepted application.
#[utoipa::path(put, path = "/admin/applications/{id}/site-visit", tag = "grants", params(("id" = Uuid, Path)),
    request_body = SiteVisitRequest,
    responses((status = 200, body = SiteVisitView), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn put_site_visit(
    State(state): State<AppState>,
    auth: Authorized<ManageReview>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<SiteVisitRequest>,
) -> ApiResult<axum::Json<SiteVisitView>> {
    let a = application_of(&state, id).await?;
    if a.status != Status::Accepted.as_str() {
        return Err(not_accepted());
    }
    let now = state.clock.now();
    let mut v = Validator::default();
    let findings = v.required("findings", &req.findings, 5000, "考评意见", "The findings");
    if req.recommended_fen.is_some_and(|f| f < 0) {
        v.add("recommended_fen", "negative", "建议经费不能为负数", "Cannot be negative");
    }
    if req.visited_on > shanghai_date(now) {
        v.add("visited_on", "future", "考评日期不能晚于今天", "The visit cannot be in the future");
    }
    v.finish()?;
    let before = kc_db::projects::site_visit(state.db.read(), id).await?;
    let m = site_visit::Model {
        application_id: id,
        visited_on: req.visited_on,
        findings,
        recommended_fen: req.recommended_fen,
        recorded_by: auth.user.user.id,
        recorded_at: now,
    };
    let txn = state.db.write().begin().await?;
    kc_db::projects::save_site_visit(&txn, m.clone()).await?;
    let j = |v: &site_visit::Model| serde_json::json!({ "visited_on": v.visited_on, "findings": v.findings, "recommended_fen": v.recommended_fen });
    audit(
        &txn,
        now,
        Some(auth.user.user.id),
        "application",
        id,
        "site_visit",
        before.as_ref().map(j),
        Some(j(&m)),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(site_visit_view(&m)))
}

// ---- proposed funding ---------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
pub struct FundingRequest {
    /// The proposed funding in fen.
    pub proposed_fen: i64,
}

/// One application's proposed (then final) funding.
#[derive(Debug, Serialize, ToSchema)]
pub struct FundingView {
    pub application_id: Uuid,
    pub title: String,
    pub organisation: String,
    pub pi_name: String,
    pub category: String,
    pub subtype: String,
    pub requested_fen: i64,
    pub proposed_fen: i64,
    /// proposed | awarded | withdrawn
    pub status: String,
    pub notice_id: Option<Uuid>,
    pub site_visit_required: bool,
    pub site_visit: Option<SiteVisitView>,
    pub updated_at: DateTime<Utc>,
}

fn funding_view(
    d: &funding_decision::Model,
    a: Option<&application::Model>,
    org: &str,
    visit: Option<&site_visit::Model>,
    threshold: Option<i64>,
) -> FundingView {
    let data = a.map(app_data).unwrap_or_default();
    let requested = data.requested_fen.unwrap_or(0);
    FundingView {
        application_id: d.application_id,
        title: a.map(|a| a.title.clone()).unwrap_or_default(),
        organisation: org.to_string(),
        pi_name: data.pi.name,
        category: d.category.clone(),
        subtype: d.subtype.clone(),
        requested_fen: requested,
        proposed_fen: d.proposed_fen,
        status: d.status.clone(),
        notice_id: d.notice_id,
        site_visit_required: site_visit_required(requested, Some(d.proposed_fen), threshold),
        site_visit: visit.map(site_visit_view),
        updated_at: d.updated_at,
    }
}

/// Propose the funding of an accepted application. Refused with every reason when it
/// breaks the sub-type's caps (number funded, money per project), is below the review
/// threshold or needs an on-site evaluation first.
#[utoipa::path(put, path = "/admin/applications/{id}/funding", tag = "grants", params(("id" = Uuid, Path)),
    request_body = FundingRequest,
    responses((status = 200, body = FundingView), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn propose_funding(
    State(state): State<AppState>,
    auth: Authorized<ManageReview>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<FundingRequest>,
) -> ApiResult<axum::Json<FundingView>> {
    let a = application_of(&state, id).await?;
    if a.status != Status::Accepted.as_str() {
        return Err(not_accepted());
    }
    let existing = kc_db::projects::funding_decision(state.db.read(), id).await?;
    if let Some(d) = &existing
        && (d.status == "awarded" || (d.status == "proposed" && d.notice_id.is_some()))
    {
        return Err(ApiError::conflict(
            "on_notice",
            "该项目已公示或已立项，不能再修改拟支持经费",
            "The funding is on a public notice or awarded and can no longer change",
        ));
    }
    let call = super::stored_call(&state, a.call_id).await?;
    let (_, subtype) = call.call.subtype(&a.category, &a.subtype).ok_or_else(ApiError::internal)?;
    // Every reason is reported at once; an application in no review round yet cannot be
    // fundable (`not_reviewed` instead of `below_threshold`).
    let standing = super::rounds::standing_of(&state, id).await?;
    let threshold = match &standing {
        Some(s) => s.rules.site_visit_threshold_fen,
        None => call.call.review.as_ref().and_then(|r| r.site_visit_threshold_fen),
    };
    let requested = app_data(&a).requested_fen.unwrap_or(0);
    let visit = kc_db::projects::site_visit(state.db.read(), id).await?;
    // Count the others under the call's lock so two proposals cannot both take the last place.
    let txn = state.db.write().begin().await?;
    kc_db::projects::lock_call(&txn, a.call_id).await?;
    let others = kc_db::projects::count_funded(&txn, a.call_id, &a.category, &a.subtype, id).await?;
    let check = AwardCheck {
        proposed_fen: req.proposed_fen,
        others_funded: u32::try_from(others).unwrap_or(u32::MAX),
        fundable: standing.as_ref().is_some_and(|s| s.standing.fundable),
        site_visit_required: site_visit_required(requested, Some(req.proposed_fen), threshold),
        site_visit_recorded: visit.is_some(),
    };
    let problems = award_problems(subtype, check);
    if !problems.is_empty() {
        use kc_core::grants::award::AwardProblem as P;
        let mut e = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "award_refused",
            "拟支持经费不符合立项规则，请查看标出的原因",
            "The proposed funding breaks the award rules; see the reasons",
        );
        e.errors = problems
            .iter()
            .map(|p| match p {
                P::BelowThreshold if standing.is_none() => FieldError::new(
                    "proposed_fen",
                    "not_reviewed",
                    "该申报书尚未经专家评审，不能拟定支持经费",
                    "The application has not been reviewed by experts yet",
                ),
                _ => {
                    let code = match p {
                        P::CountCap { .. } => "count_cap",
                        P::MoneyCap { .. } => "money_cap",
                        P::NotPositive => "not_positive",
                        P::BelowThreshold => "below_threshold",
                        P::SiteVisitMissing => "site_visit_missing",
                    };
                    FieldError::new("proposed_fen", code, p.message_zh(), p.message_en())
                }
            })
            .collect();
        return Err(e);
    }
    let now = state.clock.now();
    let d = funding_decision::Model {
        application_id: id,
        call_id: a.call_id,
        category: a.category.clone(),
        subtype: a.subtype.clone(),
        proposed_fen: req.proposed_fen,
        status: "proposed".into(),
        notice_id: None,
        decided_by: auth.user.user.id,
        updated_at: now,
    };
    kc_db::projects::save_funding_decision(&txn, d.clone()).await?;
    audit(
        &txn,
        now,
        Some(auth.user.user.id),
        "application",
        id,
        "propose_funding",
        existing.as_ref().map(|e| serde_json::json!({ "proposed_fen": e.proposed_fen, "status": e.status })),
        Some(serde_json::json!({
            "proposed_fen": d.proposed_fen,
            "status": d.status,
            "round_id": standing.as_ref().map(|s| s.round_id),
        })),
        None,
    )
    .await?;
    txn.commit().await?;
    let org = org_names(&state, std::iter::once(a.org_id)).await?;
    Ok(axum::Json(funding_view(&d, Some(&a), org.get(&a.org_id).map_or("", String::as_str), visit.as_ref(), threshold)))
}

/// Withdraw a proposed funding before the award.
#[utoipa::path(delete, path = "/admin/applications/{id}/funding", tag = "grants", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn withdraw_funding(
    State(state): State<AppState>,
    auth: Authorized<ManageReview>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    let d = kc_db::projects::funding_decision(state.db.read(), id).await?.ok_or_else(ApiError::not_found)?;
    if d.status == "awarded" {
        return Err(ApiError::conflict("invalid_state", "已立项，不能撤销拟支持经费", "Already awarded"));
    }
    let now = state.clock.now();
    let txn = state.db.write().begin().await?;
    if !kc_db::projects::delete_funding_decision(&txn, id, &d.status).await? {
        return Err(ApiError::conflict(
            "invalid_state",
            "记录已变化，请刷新",
            "The decision changed meanwhile; refresh",
        ));
    }
    audit(
        &txn,
        now,
        Some(auth.user.user.id),
        "application",
        id,
        "withdraw_funding",
        Some(serde_json::json!({ "proposed_fen": d.proposed_fen, "status": d.status, "notice_id": d.notice_id })),
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The proposed and final funding of every application of a call.
#[utoipa::path(get, path = "/admin/calls/{code}/funding", tag = "grants", params(("code" = String, Path)),
    responses((status = 200, body = Vec<FundingView>), (status = 404, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn call_funding(
    State(state): State<AppState>,
    _auth: Authorized<ManageReview>,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<axum::Json<Vec<FundingView>>> {
    let call = super::stored_call_by_code(&state, &code).await?;
    let decisions = kc_db::projects::decisions_of_call(state.db.read(), call.id).await?;
    Ok(axum::Json(
        funding_views(&state, &decisions, call.call.review.as_ref().and_then(|r| r.site_visit_threshold_fen)).await?,
    ))
}

async fn funding_views(
    state: &AppState,
    decisions: &[funding_decision::Model],
    threshold: Option<i64>,
) -> ApiResult<Vec<FundingView>> {
    let ids: Vec<Uuid> = decisions.iter().map(|d| d.application_id).collect();
    let apps: HashMap<Uuid, application::Model> =
        kc_db::projects::applications_by_ids(state.db.read(), &ids).await?.into_iter().map(|a| (a.id, a)).collect();
    let visits: HashMap<Uuid, site_visit::Model> = kc_db::projects::site_visits_of(state.db.read(), &ids)
        .await?
        .into_iter()
        .map(|v| (v.application_id, v))
        .collect();
    let orgs = org_names(state, apps.values().map(|a| a.org_id)).await?;
    Ok(decisions
        .iter()
        .map(|d| {
            let a = apps.get(&d.application_id);
            let org = a.and_then(|a| orgs.get(&a.org_id)).map_or("", String::as_str);
            funding_view(d, a, org, visits.get(&d.application_id), threshold)
        })
        .collect())
}

// ---- public notice ------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewNotice {
    pub title: String,
    pub body: Option<String>,
    /// Days the public may object (1–30), counted from now.
    pub objection_days: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeView {
    pub id: Uuid,
    pub call: String,
    pub title: String,
    pub body: String,
    pub published_at: DateTime<Utc>,
    pub objections_until: DateTime<Utc>,
    /// open | closed
    pub status: String,
    /// Whether objections are accepted now.
    pub accepting_objections: bool,
    pub items: Vec<NoticeItem>,
}

/// One proposed award on a notice (what the public sees).
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeItem {
    pub application_id: Uuid,
    pub title: String,
    pub organisation: String,
    pub pi_name: String,
    pub category: String,
    pub category_name: String,
    pub subtype_name: String,
    pub proposed_fen: i64,
    /// proposed | awarded | withdrawn
    pub status: String,
}

async fn notice_view(state: &AppState, n: &public_notice::Model) -> ApiResult<NoticeView> {
    let call = super::stored_call(state, n.call_id).await?;
    let decisions = kc_db::projects::decisions_on_notice(state.db.read(), n.id).await?;
    let ids: Vec<Uuid> = decisions.iter().map(|d| d.application_id).collect();
    let apps: HashMap<Uuid, application::Model> =
        kc_db::projects::applications_by_ids(state.db.read(), &ids).await?.into_iter().map(|a| (a.id, a)).collect();
    let orgs = org_names(state, apps.values().map(|a| a.org_id)).await?;
    let now = state.clock.now();
    let items = decisions
        .iter()
        .map(|d| {
            let a = apps.get(&d.application_id);
            let names = call.call.subtype(&d.category, &d.subtype);
            NoticeItem {
                application_id: d.application_id,
                title: a.map(|a| a.title.clone()).unwrap_or_default(),
                organisation: a.and_then(|a| orgs.get(&a.org_id)).cloned().unwrap_or_default(),
                pi_name: a.map(|a| app_data(a).pi.name).unwrap_or_default(),
                category: d.category.clone(),
                category_name: names.map(|(c, _)| c.name_zh.clone()).unwrap_or_default(),
                subtype_name: names.map(|(_, s)| s.name_zh.clone()).unwrap_or_default(),
                proposed_fen: d.proposed_fen,
                status: d.status.clone(),
            }
        })
        .collect();
    Ok(NoticeView {
        id: n.id,
        call: call.code.clone(),
        title: n.title.clone(),
        body: n.body.clone(),
        published_at: n.published_at,
        objections_until: n.objections_until,
        status: n.status.clone(),
        accepting_objections: n.status == "open" && now <= n.objections_until,
        items,
    })
}

/// Publish (公示) every proposed funding of the call not yet on a notice.
#[utoipa::path(post, path = "/admin/calls/{code}/notices", tag = "grants", params(("code" = String, Path)),
    request_body = NewNotice,
    responses((status = 201, body = NoticeView), (status = 404, body = Problem), (status = 422, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn publish_notice(
    State(state): State<AppState>,
    auth: Authorized<ManageReview>,
    ApiPath(code): ApiPath<String>,
    ApiJson(req): ApiJson<NewNotice>,
) -> ApiResult<(StatusCode, axum::Json<NoticeView>)> {
    let call = super::stored_call_by_code(&state, &code).await?;
    let mut v = Validator::default();
    let title = v.required("title", &req.title, 200, "公示标题", "The title");
    let body = req.body.unwrap_or_default().trim().to_string();
    if body.chars().count() > 20_000 {
        v.add("body", "too_long", "公示正文过长", "The body is too long");
    }
    if !(1..=30).contains(&req.objection_days) {
        v.add("objection_days", "range", "公示期应为 1–30 天", "The objection period must be 1–30 days");
    }
    v.finish()?;
    let now = state.clock.now();
    let n = public_notice::Model {
        id: Uuid::now_v7(),
        call_id: call.id,
        title,
        body,
        published_at: now,
        objections_until: now + chrono::Duration::days(req.objection_days),
        status: "open".into(),
        created_by: auth.user.user.id,
    };
    let txn = state.db.write().begin().await?;
    kc_db::projects::insert_notice(&txn, n.clone()).await?;
    let count = kc_db::projects::put_on_notice(&txn, call.id, n.id, now).await?;
    if count == 0 {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "nothing_to_publish",
            "没有待公示的拟支持项目，请先拟定支持经费",
            "No proposed funding waits for a notice; propose funding first",
        ));
    }
    audit(
        &txn,
        now,
        Some(auth.user.user.id),
        "public_notice",
        n.id,
        "publish",
        None,
        Some(serde_json::json!({ "call": call.code, "title": n.title, "items": count, "objections_until": n.objections_until })),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(notice_view(&state, &n).await?)))
}

/// The notices of a call, newest first.
#[utoipa::path(get, path = "/admin/calls/{code}/notices", tag = "grants", params(("code" = String, Path)),
    responses((status = 200, body = Vec<NoticeView>), (status = 404, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn call_notices(
    State(state): State<AppState>,
    _auth: Authorized<ManageReview>,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<axum::Json<Vec<NoticeView>>> {
    let call = super::stored_call_by_code(&state, &code).await?;
    let mut out = Vec::new();
    for n in kc_db::projects::notices_of_call(state.db.read(), call.id).await? {
        out.push(notice_view(&state, &n).await?);
    }
    Ok(axum::Json(out))
}

/// Public: notices open for objections and those of the last 90 days (no sign-in).
#[utoipa::path(get, path = "/notices", tag = "grants", responses((status = 200, body = Vec<NoticeView>)))]
pub async fn public_notice_list(State(state): State<AppState>) -> ApiResult<axum::Json<Vec<NoticeView>>> {
    let since = state.clock.now() - chrono::Duration::days(90);
    let mut out = Vec::new();
    for n in kc_db::projects::public_notices(state.db.read(), since).await? {
        out.push(notice_view(&state, &n).await?);
    }
    Ok(axum::Json(out))
}

/// Public: one notice with its items (no sign-in).
#[utoipa::path(get, path = "/notices/{id}", tag = "grants", params(("id" = Uuid, Path)),
    responses((status = 200, body = NoticeView), (status = 404, body = Problem)))]
pub async fn public_notice_detail(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::Json<NoticeView>> {
    let n = kc_db::projects::notice(state.db.read(), id).await?.ok_or_else(ApiError::not_found)?;
    Ok(axum::Json(notice_view(&state, &n).await?))
}

// ---- objections ---------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewObjection {
    pub submitter_name: String,
    /// A phone number or e-mail address to reply to.
    pub contact: String,
    pub content: String,
    /// The item on the notice objected to, if one.
    pub application_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectionReceipt {
    pub id: Uuid,
    pub status: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectionView {
    pub id: Uuid,
    pub notice_id: Uuid,
    pub application_id: Option<Uuid>,
    pub application_title: Option<String>,
    pub submitter_name: String,
    pub contact: String,
    pub content: String,
    /// open | upheld | dismissed
    pub status: String,
    pub resolution: Option<String>,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_by: Option<Uuid>,
}

fn objection_view(o: &objection::Model, title: Option<String>) -> ObjectionView {
    ObjectionView {
        id: o.id,
        notice_id: o.notice_id,
        application_id: o.application_id,
        application_title: title,
        submitter_name: o.submitter_name.clone(),
        contact: o.contact.clone(),
        content: o.content.clone(),
        status: o.status.clone(),
        resolution: o.resolution.clone(),
        created_at: o.created_at,
        resolved_at: o.resolved_at,
        resolved_by: o.resolved_by,
    }
}

/// Public: raise an objection (异议) while the notice is open (no sign-in; throttled per
/// client address).
#[utoipa::path(post, path = "/notices/{id}/objections", tag = "grants", params(("id" = Uuid, Path)),
    request_body = NewObjection,
    responses((status = 201, body = ObjectionReceipt), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn raise_objection(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<NewObjection>,
) -> ApiResult<(StatusCode, axum::Json<ObjectionReceipt>)> {
    crate::identity::session::throttle(&state, ip)?;
    let n = kc_db::projects::notice(state.db.read(), id).await?.ok_or_else(ApiError::not_found)?;
    let now = state.clock.now();
    if n.status != "open" || now > n.objections_until {
        return Err(ApiError::conflict(
            "objection_period_over",
            format!("公示期已于 {} 结束，不再受理异议", kc_core::grants::window::shanghai_text(n.objections_until)),
            format!(
                "The objection period ended at {} (Beijing time)",
                kc_core::grants::window::shanghai_text(n.objections_until)
            ),
        ));
    }
    let mut v = Validator::default();
    let name = v.required("submitter_name", &req.submitter_name, 50, "姓名或单位", "Your name");
    let contact = v.required("contact", &req.contact, 100, "联系方式", "A contact");
    let content = v.required("content", &req.content, 5000, "异议内容", "The objection");
    if let Some(app) = req.application_id {
        let on_notice = kc_db::projects::decisions_on_notice(state.db.read(), id).await?;
        if !on_notice.iter().any(|d| d.application_id == app) {
            v.add("application_id", "not_on_notice", "该项目不在本次公示名单中", "That project is not on this notice");
        }
    }
    v.finish()?;
    let o = objection::Model {
        id: Uuid::now_v7(),
        notice_id: id,
        application_id: req.application_id,
        submitter_name: name,
        contact,
        content,
        status: "open".into(),
        resolution: None,
        created_at: now,
        resolved_at: None,
        resolved_by: None,
    };
    let txn = state.db.write().begin().await?;
    kc_db::projects::insert_objection(&txn, o.clone()).await?;
    audit(
        &txn,
        now,
        None,
        "objection",
        o.id,
        "raise",
        None,
        Some(serde_json::json!({ "notice_id": id, "application_id": o.application_id })),
        None,
    )
    .await?;
    // The bureau member who published the notice handles the objection.
    tell(
        &txn,
        now,
        n.created_by,
        Notice {
            kind: "objection.raised",
            decision: false,
            title_zh: format!("公示“{}”收到异议", n.title),
            title_en: format!("An objection to the notice \"{}\"", n.title),
            body_zh: "请在立项前处理该异议。".into(),
            body_en: "Resolve it before the award.".into(),
            link: Some(format!("/grants/funding?call={}", super::stored_call(&state, n.call_id).await?.code)),
        },
    )
    .await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(ObjectionReceipt { id: o.id, status: o.status, created_at: now })))
}

/// The objections raised on a notice.
#[utoipa::path(get, path = "/admin/notices/{id}/objections", tag = "grants", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<ObjectionView>), (status = 404, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn notice_objections(
    State(state): State<AppState>,
    _auth: Authorized<ManageReview>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::Json<Vec<ObjectionView>>> {
    kc_db::projects::notice(state.db.read(), id).await?.ok_or_else(ApiError::not_found)?;
    let list = kc_db::projects::objections_of(state.db.read(), id).await?;
    let ids: Vec<Uuid> = list.iter().filter_map(|o| o.application_id).collect();
    let titles: HashMap<Uuid, String> = kc_db::projects::applications_by_ids(state.db.read(), &ids)
        .await?
        .into_iter()
        .map(|a| (a.id, a.title))
        .collect();
    Ok(axum::Json(
        list.iter().map(|o| objection_view(o, o.application_id.and_then(|a| titles.get(&a).cloned()))).collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ResolveObjection {
    /// upheld | dismissed
    pub status: String,
    pub resolution: String,
}

/// Resolve an objection; an upheld objection withdraws the related proposed funding.
#[utoipa::path(post, path = "/admin/objections/{id}/resolve", tag = "grants", params(("id" = Uuid, Path)),
    request_body = ResolveObjection,
    responses((status = 200, body = ObjectionView), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn resolve_objection(
    State(state): State<AppState>,
    auth: Authorized<ManageReview>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ResolveObjection>,
) -> ApiResult<axum::Json<ObjectionView>> {
    let o = kc_db::projects::objection(state.db.read(), id).await?.ok_or_else(ApiError::not_found)?;
    let mut v = Validator::default();
    if !matches!(req.status.as_str(), "upheld" | "dismissed") {
        v.add("status", "invalid", "请选择“成立”或“不成立”", "Choose upheld or dismissed");
    }
    let resolution = v.required("resolution", &req.resolution, 5000, "处理意见", "The resolution");
    v.finish()?;
    if o.status != "open" {
        return Err(ApiError::conflict("already_resolved", "该异议已处理", "This objection is already resolved"));
    }
    let now = state.clock.now();
    let actor = auth.user.user.id;
    let txn = state.db.write().begin().await?;
    if !kc_db::projects::resolve_objection(&txn, id, &req.status, &resolution, actor, now).await? {
        return Err(ApiError::conflict("already_resolved", "该异议已处理", "This objection is already resolved"));
    }
    audit(
        &txn,
        now,
        Some(actor),
        "objection",
        id,
        "resolve",
        Some(serde_json::json!({ "status": o.status })),
        Some(serde_json::json!({ "status": req.status })),
        Some(resolution.clone()),
    )
    .await?;
    let mut title = None;
    if req.status == "upheld"
        && let Some(app_id) = o.application_id
        && kc_db::projects::change_decision_status(&txn, app_id, "proposed", "withdrawn", now).await?
    {
        audit(
            &txn,
            now,
            Some(actor),
            "application",
            app_id,
            "withdraw_funding",
            Some(serde_json::json!({ "status": "proposed" })),
            Some(serde_json::json!({ "status": "withdrawn", "objection_id": id })),
            Some(resolution.clone()),
        )
        .await?;
        if let Some(a) = kc_db::grants::application(&txn, app_id).await? {
            tell(
                &txn,
                now,
                a.applicant_id,
                Notice {
                    kind: "funding.withdrawn",
                    decision: true,
                    title_zh: format!("“{}”的拟支持经费因异议成立被撤销", a.title),
                    title_en: format!("The proposed funding of \"{}\" was withdrawn after an objection", a.title),
                    body_zh: format!("处理意见：{resolution}"),
                    body_en: format!("Resolution: {resolution}"),
                    link: Some(format!("/grants/applications/{}", a.id)),
                },
            )
            .await?;
            title = Some(a.title);
        }
    }
    txn.commit().await?;
    let mut updated = o.clone();
    updated.status = req.status;
    updated.resolution = Some(resolution);
    updated.resolved_at = Some(now);
    updated.resolved_by = Some(actor);
    if title.is_none()
        && let Some(app_id) = o.application_id
    {
        title = kc_db::grants::application(state.db.read(), app_id).await?.map(|a| a.title);
    }
    Ok(axum::Json(objection_view(&updated, title)))
}

// ---- award --------------------------------------------------------------------------

#[derive(Debug, Serialize, ToSchema)]
pub struct AwardOutcome {
    pub notice_id: Uuid,
    /// The projects created (立项).
    pub projects: Vec<AwardedProject>,
    /// Applications of the notice's categories left without funding.
    pub not_funded: Vec<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AwardedProject {
    pub project_id: Uuid,
    pub application_id: Uuid,
    pub contract_no: String,
    pub awarded_fen: i64,
}

/// A task contract's number: call, category and the last six hex digits of the project id
/// (unique without a sequence, which distributed databases lack).
pub(crate) fn contract_no(call: &str, category: &str, project_id: Uuid) -> String {
    let simple = project_id.simple().to_string().to_uppercase();
    format!("{call}-{category}-{}", &simple[simple.len() - 6..])
}

/// The task contract's starting text, generated from the application.
fn contract_data(
    a: &application::Model,
    org: &str,
    contract_no: &str,
    awarded_fen: i64,
    awarded_on: NaiveDate,
    due: NaiveDate,
) -> serde_json::Value {
    let data = app_data(a);
    serde_json::json!({
        "contract_no": contract_no,
        "project_name": data.project_name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| a.title.clone()),
        "organisation": org,
        "pi_name": data.pi.name,
        "start_date": awarded_on,
        "end_date": due,
        "amount_fen": awarded_fen,
        "targets": data.targets.unwrap_or_default(),
        "summary": data.summary.unwrap_or_default(),
    })
}

/// Award (立项) the proposed funding of a notice once its objection period is over and
/// every objection is resolved: projects are created, the others of its categories are
/// not funded, the notice closes.
#[utoipa::path(post, path = "/admin/notices/{id}/award", tag = "grants", params(("id" = Uuid, Path)),
    responses((status = 200, body = AwardOutcome), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn award_notice(
    State(state): State<AppState>,
    auth: Authorized<ManageReview>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::Json<AwardOutcome>> {
    let n = kc_db::projects::notice(state.db.read(), id).await?.ok_or_else(ApiError::not_found)?;
    let now = state.clock.now();
    if n.status != "open" {
        return Err(ApiError::conflict("notice_closed", "该公示已立项结束", "This notice has already been awarded"));
    }
    if now <= n.objections_until {
        return Err(ApiError::conflict(
            "objection_period_open",
            format!("公示期至 {} 结束，期满后才能立项", kc_core::grants::window::shanghai_text(n.objections_until)),
            format!(
                "The objection period runs until {} (Beijing time); award after it",
                kc_core::grants::window::shanghai_text(n.objections_until)
            ),
        ));
    }
    let open = kc_db::projects::open_objections(state.db.read(), id).await?;
    if open > 0 {
        return Err(ApiError::conflict(
            "objections_open",
            format!("还有 {open} 条异议未处理，处理后才能立项"),
            format!("{open} objection(s) are not resolved yet"),
        )
        .with("open_objections", open));
    }
    let call = super::stored_call(&state, n.call_id).await?;
    let decisions = kc_db::projects::decisions_on_notice(state.db.read(), id).await?;
    let categories: Vec<String> =
        decisions.iter().map(|d| d.category.clone()).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    let ids: Vec<Uuid> = decisions.iter().map(|d| d.application_id).collect();
    let apps: HashMap<Uuid, application::Model> =
        kc_db::projects::applications_by_ids(state.db.read(), &ids).await?.into_iter().map(|a| (a.id, a)).collect();
    let orgs = org_names(&state, apps.values().map(|a| a.org_id)).await?;
    let awarded_on = shanghai_date(now);
    let actor = auth.user.user.id;
    let txn = state.db.write().begin().await?;
    if !kc_db::projects::close_notice(&txn, id).await? {
        return Err(ApiError::conflict("notice_closed", "该公示已立项结束", "This notice has already been awarded"));
    }
    let mut projects = Vec::new();
    let mut decided: HashSet<Uuid> = HashSet::new();
    for d in &decisions {
        decided.insert(d.application_id);
        if d.status != "proposed" {
            continue;
        }
        let Some(a) = apps.get(&d.application_id) else { continue };
        let from = Status::parse(&a.status).ok_or_else(ApiError::internal)?;
        let to = next(from, Action::Award).ok_or_else(|| {
            ApiError::conflict(
                "invalid_state",
                format!("申报书“{}”已不在“已受理”状态，不能立项", a.title),
                format!("The application \"{}\" is no longer accepted", a.title),
            )
        })?;
        if !kc_db::grants::change_status(&txn, a.id, from.as_str(), to.as_str(), None, now).await?
            || !kc_db::projects::change_decision_status(&txn, a.id, "proposed", "awarded", now).await?
        {
            return Err(ApiError::conflict("invalid_state", "数据已变化，请刷新后重试", "Something changed; refresh"));
        }
        let (_, subtype) = call.call.subtype(&a.category, &a.subtype).ok_or_else(ApiError::internal)?;
        let project_id = Uuid::now_v7();
        let contract_no = contract_no(&call.code, &a.category, project_id);
        let due = due_on(awarded_on, subtype.period_months);
        let org = orgs.get(&a.org_id).cloned().unwrap_or_default();
        let data = app_data(a);
        let p = project::Model {
            id: project_id,
            application_id: a.id,
            call_id: a.call_id,
            org_id: a.org_id,
            recommender_id: a.recommender_id,
            applicant_id: a.applicant_id,
            pi_key: a.pi_key.clone().unwrap_or_else(|| a.applicant_id.to_string()),
            pi_name: data.pi.name.clone(),
            title: a.title.clone(),
            contract_no: contract_no.clone(),
            awarded_fen: d.proposed_fen,
            status: ProjectStatus::Awarded.as_str().into(),
            contract_status: ContractStatus::Draft.as_str().into(),
            contract_data: contract_data(a, &org, &contract_no, d.proposed_fen, awarded_on, due).to_string(),
            awarded_on,
            due_on: due,
            closed_at: None,
            created_at: now,
            updated_at: now,
        };
        kc_db::projects::insert_project(&txn, p.clone()).await?;
        audit(
            &txn,
            now,
            Some(actor),
            "application",
            a.id,
            "award",
            Some(serde_json::json!({ "status": from.as_str() })),
            Some(serde_json::json!({ "status": to.as_str(), "awarded_fen": d.proposed_fen, "project_id": p.id })),
            None,
        )
        .await?;
        audit(
            &txn,
            now,
            Some(actor),
            "project",
            p.id,
            "create",
            None,
            Some(serde_json::json!({ "contract_no": p.contract_no, "awarded_fen": p.awarded_fen, "due_on": p.due_on })),
            None,
        )
        .await?;
        let wan = kc_core::grants::award::fen_as_wan(p.awarded_fen);
        tell(
            &txn,
            now,
            a.applicant_id,
            Notice {
                kind: "application.awarded",
                decision: true,
                title_zh: format!("“{}”已立项", a.title),
                title_en: format!("\"{}\" is funded", a.title),
                body_zh: format!(
                    "您的项目已立项，支持经费 {wan} 万元，合同编号 {}。请填写并提交任务合同书。",
                    p.contract_no
                ),
                body_en: format!(
                    "Your project is funded with {wan} ten-thousand CNY, contract {}. Fill in and submit the task contract.",
                    p.contract_no
                ),
                link: Some(format!("/grants/projects/{}", p.id)),
            },
        )
        .await?;
        // The recommending unit endorses the contract next: tell it the project is funded.
        for u in kc_db::identity::users_of_organisation(&txn, a.recommender_id).await? {
            tell(
                &txn,
                now,
                u.id,
                Notice {
                    kind: "project.awarded",
                    decision: false,
                    title_zh: format!("推荐的项目“{}”已立项", a.title),
                    title_en: format!("The project \"{}\" you recommended is funded", a.title),
                    body_zh: format!("合同编号 {}，申报者提交任务合同书后请审核。", p.contract_no),
                    body_en: format!(
                        "Contract {}; endorse the task contract once the applicant submits it.",
                        p.contract_no
                    ),
                    link: Some(format!("/grants/projects/{}", p.id)),
                },
            )
            .await?;
        }
        projects.push(AwardedProject {
            project_id: p.id,
            application_id: a.id,
            contract_no: p.contract_no,
            awarded_fen: p.awarded_fen,
        });
    }
    // The other accepted applications of these categories are not funded, unless they
    // still wait with a proposed funding for a later notice.
    let mut not_funded = Vec::new();
    for a in kc_db::projects::accepted_in_categories(&txn, n.call_id, &categories).await? {
        if decided.contains(&a.id) {
            // Withdrawn on this notice.
        } else if let Some(d) = kc_db::projects::funding_decision(&txn, a.id).await?
            && d.status == "proposed"
        {
            continue;
        }
        let Some(to) = next(Status::Accepted, Action::NotFund) else { continue };
        if !kc_db::grants::change_status(&txn, a.id, Status::Accepted.as_str(), to.as_str(), None, now).await? {
            continue;
        }
        audit(
            &txn,
            now,
            Some(actor),
            "application",
            a.id,
            "not_fund",
            Some(serde_json::json!({ "status": "accepted" })),
            Some(serde_json::json!({ "status": to.as_str(), "notice_id": id })),
            None,
        )
        .await?;
        tell(
            &txn,
            now,
            a.applicant_id,
            Notice {
                kind: "application.not_funded",
                decision: true,
                title_zh: format!("“{}”未获立项", a.title),
                title_en: format!("\"{}\" is not funded", a.title),
                body_zh: "很遗憾，您的申报书本批次未获立项支持。".into(),
                body_en: "We are sorry: your application is not funded in this call.".into(),
                link: Some(format!("/grants/applications/{}", a.id)),
            },
        )
        .await?;
        not_funded.push(a.id);
    }
    audit(
        &txn,
        now,
        Some(actor),
        "public_notice",
        id,
        "award",
        Some(serde_json::json!({ "status": "open" })),
        Some(serde_json::json!({ "status": "closed", "projects": projects.len(), "not_funded": not_funded.len() })),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(AwardOutcome { notice_id: id, projects, not_funded }))
}
