//! Applications: start, autosave, eligibility check, submit (APP-1, PLT-5).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use futures::FutureExt;
use kc_core::grants::application::{Action, Status, next};
use kc_core::grants::call::Call;
use kc_core::grants::eligibility::{self, Facts, RuleOutcome};
use kc_core::grants::project::{ProjectFacts, ProjectStatus, overdue_count, overdue_days};
use kc_core::grants::quota::{self, Filing, exceeded};
use kc_core::grants::window::{WindowState, shanghai_text};
use kc_core::identity::Role;
use kc_core::notify::MailPreference;
use kc_db::audit::NewAuditEvent;
use kc_db::entities::{application, idempotency_key};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::extract::{ApiJson, ApiPath};
use crate::services::notifications::{Notice, notice_statements};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct SubtypeSummary {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub max_funding_fen: i64,
    pub max_funded: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategorySummary {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub subtypes: Vec<SubtypeSummary>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CallSummary {
    pub code: String,
    pub year: i32,
    pub title: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// Whether submissions are accepted now, by the server clock.
    pub open: bool,
    pub categories: Vec<CategorySummary>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StartApplication {
    pub call: String,
    pub category: String,
    pub subtype: String,
    pub title: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationView {
    pub id: Uuid,
    pub call: String,
    pub category: String,
    pub subtype: String,
    pub title: String,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    /// draft | submitted | returned | recommended | declined | accepted | rejected
    pub status: String,
    /// Send back with the next save.
    pub version: i32,
    pub submitted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// When the recommending unit received the paper copies.
    pub paper_copies_at: Option<DateTime<Utc>>,
}

/// An application as lists show it: everything but the form data.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationSummary {
    pub id: Uuid,
    pub call: String,
    pub category: String,
    pub subtype: String,
    pub title: String,
    /// draft | submitted | returned | recommended | declined | accepted | rejected
    pub status: String,
    pub version: i32,
    pub submitted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub paper_copies_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SaveDraft {
    /// The version this save edits (from the last load or save).
    pub version: i32,
    pub title: String,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DraftSaved {
    pub version: i32,
    pub saved_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EligibilityReport {
    pub passed: bool,
    #[schema(value_type = Vec<Object>)]
    pub rules: Vec<RuleOutcome>,
}

fn call_of(model: &kc_db::entities::call::Model) -> ApiResult<Call> {
    serde_json::from_str(&model.document).map_err(|e| {
        tracing::error!(call = %model.code, error = %e, "stored call does not parse");
        ApiError::internal()
    })
}

pub(crate) fn view(a: &application::Model, call_code: &str) -> ApplicationView {
    ApplicationView {
        id: a.id,
        call: call_code.to_string(),
        category: a.category.clone(),
        subtype: a.subtype.clone(),
        title: a.title.clone(),
        data: serde_json::from_str(&a.data).unwrap_or(serde_json::Value::Null),
        status: a.status.clone(),
        version: a.version,
        submitted_at: a.submitted_at,
        updated_at: a.updated_at,
        paper_copies_at: a.paper_copies_at,
    }
}

pub(crate) fn summary(a: &application::Model, call_code: &str) -> ApplicationSummary {
    ApplicationSummary {
        id: a.id,
        call: call_code.to_string(),
        category: a.category.clone(),
        subtype: a.subtype.clone(),
        title: a.title.clone(),
        status: a.status.clone(),
        version: a.version,
        submitted_at: a.submitted_at,
        updated_at: a.updated_at,
        paper_copies_at: a.paper_copies_at,
    }
}

/// Calls and their categories.
#[utoipa::path(get, path = "/calls", tag = "grants", responses((status = 200, body = Vec<CallSummary>)))]
pub async fn list_calls(State(state): State<AppState>) -> ApiResult<axum::Json<Vec<CallSummary>>> {
    let now = state.clock.now();
    let mut out = Vec::new();
    for m in kc_db::grants::calls(state.db.read()).await? {
        let call = call_of(&m)?;
        out.push(CallSummary {
            open: call.submission.state(now) == WindowState::Open,
            code: call.code,
            year: call.year,
            title: call.title,
            opens_at: call.submission.opens_at,
            closes_at: call.submission.closes_at,
            categories: call
                .categories
                .into_iter()
                .map(|c| CategorySummary {
                    code: c.code,
                    name_zh: c.name_zh,
                    name_en: c.name_en,
                    subtypes: c
                        .subtypes
                        .into_iter()
                        .map(|s| SubtypeSummary {
                            code: s.code,
                            name_zh: s.name_zh,
                            name_en: s.name_en,
                            max_funding_fen: s.max_funding_fen,
                            max_funded: s.max_funded,
                        })
                        .collect(),
                })
                .collect(),
        });
    }
    Ok(axum::Json(out))
}

fn applicant_only(current: &CurrentUser) -> ApiResult<()> {
    if matches!(current.role, Role::IndividualApplicant | Role::UnitApplicant) {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// Start an application in a category (mandatory) of an open call.
#[utoipa::path(post, path = "/applications", tag = "grants", request_body = StartApplication,
    responses((status = 201, body = ApplicationView), (status = 409, body = Problem), (status = 422, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn start_application(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiJson(req): ApiJson<StartApplication>,
) -> ApiResult<(StatusCode, axum::Json<ApplicationView>)> {
    applicant_only(&current)?;
    let (Some(org_id), Some(recommender_id)) = (current.user.org_id, current.user.recommender_id) else {
        return Err(ApiError::forbidden());
    };
    let model = kc_db::grants::call_by_code(state.db.read(), &req.call)
        .await?
        .ok_or_else(|| ApiError::field("call", "not_found", "没有这个申报批次", "No such call"))?;
    let call = call_of(&model)?;
    if call.subtype(&req.category, &req.subtype).is_none() {
        return Err(ApiError::field("category", "required", "请选择申报类别", "Choose the category and sub-type"));
    }
    let title = req.title.trim();
    if title.is_empty() || title.chars().count() > 100 {
        return Err(ApiError::field("title", "length", "项目名称应为 1–100 个字", "The title needs 1–100 characters"));
    }
    let now = state.clock.now();
    let extension = kc_db::grants::extension(state.db.read(), model.id, current.user.id).await?.map(|e| e.until);
    if let WindowState::Closed { closed_at } = call.submission.extended(extension).state(now) {
        return Err(closed(now, closed_at));
    }
    let a = application::Model {
        id: Uuid::now_v7(),
        call_id: model.id,
        category: req.category,
        subtype: req.subtype,
        applicant_id: current.user.id,
        org_id,
        recommender_id,
        title: title.to_string(),
        data: "{}".into(),
        status: Status::Draft.as_str().into(),
        version: 1,
        submitted_at: None,
        created_at: now,
        updated_at: now,
        paper_copies_at: None,
        pi_key: None,
    };
    kc_db::grants::insert_application(state.db.write(), a.clone()).await?;
    Ok((StatusCode::CREATED, axum::Json(view(&a, &call.code))))
}

/// The application if `current` may see it: its applicant, its recommender, the bureau, or
/// an expert assigned to review it (unless they declared a conflict or abstained).
/// Anyone else is told it does not exist.
pub(crate) async fn visible(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
) -> ApiResult<(application::Model, std::sync::Arc<super::StoredCall>)> {
    let a = kc_db::grants::application(&state.db.fast(), id).await?.ok_or_else(ApiError::not_found)?;
    ensure_visible(state, current, &a).await?;
    let call = super::stored_call(state, a.call_id).await?;
    Ok((a, call))
}

async fn ensure_visible(state: &AppState, current: &CurrentUser, a: &application::Model) -> ApiResult<()> {
    let allowed = a.applicant_id == current.user.id
        || current.role.is_bureau()
        || (current.role == Role::Recommender && current.user.org_id == Some(a.recommender_id))
        || (current.role == Role::Expert
            && kc_db::review::reviews_application(state.db.read(), current.user.id, a.id).await?);
    if allowed { Ok(()) } else { Err(ApiError::not_found()) }
}

/// One application.
#[utoipa::path(get, path = "/applications/{id}", tag = "grants", params(("id" = Uuid, Path)),
    responses((status = 200, body = ApplicationView), (status = 404, body = Problem), (status = 401, body = Problem)))]
pub async fn get_application(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    // Read far more often than written (every page of the form, the status timeline).
    let cached = state
        .applications
        .get_or_load(&state.db, id, || async {
            let a = kc_db::grants::application(state.db.read(), id).await?.ok_or_else(ApiError::not_found)?;
            let call = super::stored_call(&state, a.call_id).await?;
            let body = serde_json::to_vec(&view(&a, &call.code)).map_err(|_| ApiError::internal())?;
            Ok::<_, ApiError>(std::sync::Arc::new(super::CachedApplication { model: a, body: body.into() }))
        })
        .await?;
    ensure_visible(&state, &current, &cached.model).await?;
    Ok(([(axum::http::header::CONTENT_TYPE, "application/json")], cached.body.clone()).into_response())
}

/// The current applicant's applications.
#[utoipa::path(get, path = "/me/applications", tag = "grants",
    responses((status = 200, body = Vec<ApplicationView>), (status = 401, body = Problem)))]
pub async fn my_applications(
    State(state): State<AppState>,
    current: CurrentUser,
) -> ApiResult<axum::Json<Vec<ApplicationView>>> {
    let apps = kc_db::grants::applications_of(state.db.read(), current.user.id).await?;
    let calls = super::call_codes(&state, apps.iter().map(|a| a.call_id).collect()).await?;
    Ok(axum::Json(apps.iter().map(|a| view(a, calls.get(&a.call_id).map_or("", String::as_str))).collect()))
}

/// Save the draft. Acknowledged only once it is committed to the database; a save from a
/// stale copy (another tab saved since) is refused so nothing is silently overwritten.
#[utoipa::path(put, path = "/applications/{id}/draft", tag = "grants", params(("id" = Uuid, Path)), request_body = SaveDraft,
    responses((status = 200, body = DraftSaved), (status = 404, body = Problem), (status = 409, body = Problem), (status = 401, body = Problem)))]
pub async fn save_draft(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<SaveDraft>,
) -> ApiResult<axum::Json<DraftSaved>> {
    if !req.data.is_object() {
        return Err(ApiError::field("data", "invalid", "表单内容格式不正确", "The form data must be an object"));
    }
    let title = req.title.trim();
    if title.is_empty() || title.chars().count() > 100 {
        return Err(ApiError::field("title", "length", "项目名称应为 1–100 个字", "The title needs 1–100 characters"));
    }
    let now = state.clock.now();
    let editable = [Status::Draft.as_str(), Status::Returned.as_str()];
    let data = req.data.to_string();
    // The update itself checks owner, version and status (autosave is the hottest write);
    // only a refused save reads the application to say why.
    let update =
        kc_db::grants::save_draft(state.db.backend(), id, current.user.id, req.version, &editable, title, &data, now);
    if state.db.write_statement(update).await? == 1 {
        return Ok(axum::Json(DraftSaved { version: req.version + 1, saved_at: now }));
    }
    let (a, _) = visible(&state, &current, id).await?;
    if a.applicant_id != current.user.id {
        return Err(ApiError::forbidden());
    }
    if !Status::parse(&a.status).is_some_and(Status::is_editable) {
        return Err(ApiError::conflict(
            "not_editable",
            "申报书已提交，不能再修改",
            "The application has been submitted and can no longer be edited",
        ));
    }
    Err(ApiError::conflict(
        "stale_version",
        "申报书已在其他窗口保存过，请刷新后再修改（本次填写的内容仍保留在本页）",
        "The application was saved elsewhere since you opened it; reload before editing (what you typed is still on this page)",
    )
    .with("current_version", a.version))
}

/// Age in whole years on `on` from an 18-digit resident ID number (birth date at 7–14).
fn age_from_id(id_number: &str, on: NaiveDate) -> Option<i64> {
    let birth = NaiveDate::parse_from_str(id_number.get(6..14)?, "%Y%m%d").ok()?;
    let mut age = i64::from(on.year() - birth.year());
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    Some(age)
}

async fn facts_of(state: &AppState, a: &application::Model, now: DateTime<Utc>) -> ApiResult<(Facts, Filing)> {
    let data: serde_json::Value = serde_json::from_str(&a.data).unwrap_or_default();
    let mut orgs = kc_db::identity::organisations_by_ids(&state.db.fast(), &[a.org_id, a.recommender_id]).await?;
    let mut take = |id: Uuid| orgs.iter().position(|o| o.id == id).map(|i| orgs.swap_remove(i));
    let org = take(a.org_id).ok_or_else(ApiError::internal)?;
    // An organisation may recommend its own applications (a university, a hospital).
    let recommender = if a.recommender_id == a.org_id {
        org.clone()
    } else {
        take(a.recommender_id).ok_or_else(ApiError::internal)?
    };
    let certs = kc_db::identity::certifications_of(&state.db.fast(), &[org.id]).await?;
    let today = kc_core::grants::window::shanghai_date(now);
    let mut applicant = data.get("pi").cloned().filter(|p| p.is_object()).unwrap_or_else(|| serde_json::json!({}));
    let id_number = applicant.get("id_number").and_then(|v| v.as_str()).unwrap_or_default().to_string();
    if let Some(age) = age_from_id(&id_number, today) {
        applicant["age"] = serde_json::json!(age);
    }
    let pi = if id_number.is_empty() { a.applicant_id.to_string() } else { id_number.clone() };
    let funded = kc_db::projects::of_pi_or_organisation(&state.db.fast(), &pi, org.id).await?;
    let facts_of = |keep: &dyn Fn(&kc_db::entities::project::Model) -> bool| -> Vec<ProjectFacts> {
        funded
            .iter()
            .filter(|p| keep(p))
            .map(|p| ProjectFacts {
                due_on: p.due_on,
                finished: ProjectStatus::parse(&p.status).is_some_and(ProjectStatus::is_finished),
            })
            .collect()
    };
    let pi_projects = facts_of(&|p| p.pi_key == pi);
    let org_projects = facts_of(&|p| p.org_id == org.id);
    applicant["overdue_projects"] = serde_json::json!(overdue_count(&pi_projects, today));
    applicant["overdue_days"] = serde_json::json!(overdue_days(&pi_projects, today));
    let attachments: Vec<String> = data
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(_, v)| v.as_array().is_some_and(|a| a.iter().all(|x| x.is_string()) && !a.is_empty()))
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default();
    let mut application = data.clone();
    if application.get("joint").is_none() {
        application["joint"] = serde_json::json!(false);
    }
    application["attachments"] = serde_json::json!(attachments);
    let organisation = serde_json::json!({
        "name": org.name, "credit_code": org.credit_code, "org_type": org.org_type, "district": org.district,
        "registered_capital_fen": org.registered_capital_fen.unwrap_or(0),
        "last_year_revenue_fen": org.last_year_revenue_fen.unwrap_or(0),
        "in_statistics_scope": org.in_statistics_scope, "credit_status": org.credit_status,
        "overdue_days": overdue_days(&org_projects, today),
        "certifications": certs.iter().filter(|c| c.valid_from <= today && today <= c.valid_until).map(|c| c.kind.clone()).collect::<Vec<_>>(),
    });
    let filing = Filing {
        call: String::new(),
        category: a.category.clone(),
        subtype: a.subtype.clone(),
        pi,
        organisation: org.credit_code.clone(),
        recommender: recommender.id.to_string(),
        recommender_kind: recommender.recommender_kind.clone(),
        district: org.district.clone(),
    };
    Ok((Facts { applicant, organisation, application }, filing))
}

fn rules_outcome(call: &super::StoredCall, a: &application::Model, facts: &Facts) -> ApiResult<Vec<RuleOutcome>> {
    let compiled = call.rules.get(&(a.category.clone(), a.subtype.clone())).ok_or_else(ApiError::internal)?;
    Ok(eligibility::evaluate(compiled, facts))
}

/// Every eligibility rule of the application's category, passed or not, with the reason.
#[utoipa::path(get, path = "/applications/{id}/eligibility", tag = "grants", params(("id" = Uuid, Path)),
    responses((status = 200, body = EligibilityReport), (status = 404, body = Problem), (status = 401, body = Problem)))]
pub async fn check_eligibility(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::Json<EligibilityReport>> {
    let (a, stored) = visible(&state, &current, id).await?;
    let (facts, _) = facts_of(&state, &a, state.clock.now()).await?;
    let rules = rules_outcome(&stored, &a, &facts)?;
    Ok(axum::Json(EligibilityReport { passed: rules.iter().all(|r| r.passed), rules }))
}

fn closed(now: DateTime<Utc>, closed_at: DateTime<Utc>) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "call_closed",
        format!(
            "申报已于 {} 截止，服务器时间为 {}（北京时间）；已保存的内容仍可查看",
            shanghai_text(closed_at),
            shanghai_text(now)
        ),
        format!(
            "Submissions closed at {} (Beijing time); the server time is {}. Saved content stays viewable",
            shanghai_text(closed_at),
            shanghai_text(now)
        ),
    )
    .with("closed_at", closed_at.to_rfc3339())
    .with("server_time", now.to_rfc3339())
}

/// Submit (上报) to the recommending unit: all or nothing. With an `Idempotency-Key`
/// header, a retry of the same submission gets the first answer again.
#[utoipa::path(post, path = "/applications/{id}/submit", tag = "grants", params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "makes retries safe")),
    responses((status = 200, body = ApplicationView), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem), (status = 401, body = Problem)))]
pub async fn submit(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 200);
    if let Some(k) = key
        && let Some(done) = kc_db::grants::idempotent_response(&state.db.fast(), current.user.id, k).await?
    {
        let status = StatusCode::from_u16(u16::try_from(done.status).unwrap_or(200)).unwrap_or(StatusCode::OK);
        return Ok((status, [(axum::http::header::CONTENT_TYPE, "application/json")], done.body).into_response());
    }
    let (a, stored) = visible(&state, &current, id).await?;
    if a.applicant_id != current.user.id {
        return Err(ApiError::forbidden());
    }
    let call = &stored.call;
    let now = state.clock.now();
    let from = Status::parse(&a.status).ok_or_else(ApiError::internal)?;
    let Some(to) = next(from, Action::Submit) else {
        return Err(ApiError::conflict(
            "invalid_state",
            "申报书已提交，无需重复提交",
            "The application has already been submitted",
        ));
    };
    let extension = kc_db::grants::extension(&state.db.fast(), a.call_id, a.applicant_id).await?.map(|e| e.until);
    match call.submission.extended(extension).state(now) {
        WindowState::Open => {}
        WindowState::Closed { closed_at } => return Err(closed(now, closed_at)),
        WindowState::NotYetOpen { opens_at } => {
            return Err(ApiError::conflict(
                "call_not_open",
                format!("申报将于 {} 开始", shanghai_text(opens_at)),
                format!("Submissions open at {} (Beijing time)", shanghai_text(opens_at)),
            ));
        }
    }
    let form = stored.forms.get(&a.category).ok_or_else(ApiError::internal)?;
    let data: serde_json::Value = serde_json::from_str(&a.data).unwrap_or_default();
    let problems = form.check(&data);
    if !problems.is_empty() {
        return Err(ApiError::validation(
            problems
                .into_iter()
                .map(|p| FieldError::new(format!("data.{}", p.path), &p.code, p.message_zh, p.message_en))
                .collect(),
        ));
    }
    let (facts, mut filing) = facts_of(&state, &a, now).await?;
    let failed: Vec<FieldError> = rules_outcome(&stored, &a, &facts)?
        .into_iter()
        .filter(|r| !r.passed)
        .map(|r| FieldError::new(format!("rules.{}", r.code), "rule_failed", r.message_zh, r.message_en))
        .collect();
    if !failed.is_empty() {
        let mut e = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "ineligible",
            "不符合以下申报条件，请核对后修改",
            "The application does not meet these conditions",
        );
        e.errors = failed;
        return Err(e);
    }
    filing.call = call.code.clone();
    let holders = quota::holders(&call.quotas, &filing);
    // Who is told, read before the write transaction so the single writer only writes.
    let reviewers =
        kc_db::notifications::active_users_of(&state.db.fast(), a.recommender_id, Role::Recommender.as_str()).await?;
    let mut ids: Vec<Uuid> = reviewers.iter().map(|u| u.id).collect();
    ids.push(current.user.id);
    let chosen = kc_db::notifications::mail_preferences(&state.db.fast(), &ids).await?;
    let preference_of = |id: Uuid| chosen.get(&id).and_then(|p| MailPreference::parse(p)).unwrap_or_default();
    let preference = preference_of(current.user.id);
    let reviewers: Vec<_> = reviewers
        .into_iter()
        .map(|u| {
            let p = preference_of(u.id);
            (u, p)
        })
        .collect();
    // Everything the submission writes is formatted and built here, so that the writer (on
    // SQLite one thread shared by every write) only executes it.
    let backend = state.db.backend();
    let user = &current.user;
    let body_zh = format!("申报书“{}”于 {}（北京时间）提交。", a.title, shanghai_text(now));
    let body_en = format!("Application \"{}\" was submitted at {} (Beijing time).", a.title, shanghai_text(now));
    let receipt = Notice {
        kind: "application.submitted",
        decision: false,
        title_zh: format!("申报书“{}”已提交至推荐单位", a.title),
        title_en: format!("Application \"{}\" was submitted to the recommending unit", a.title),
        body_zh: body_zh.clone(),
        body_en: body_en.clone(),
        link: Some(format!("/grants/applications/{}", a.id)),
    };
    let mut notices = vec![(user, preference, receipt)];
    for (reviewer, preference) in &reviewers {
        let to_review = Notice {
            kind: "application.to_review",
            decision: false,
            title_zh: format!("新的申报书待推荐：“{}”", a.title),
            title_en: format!("A new application awaits your recommendation: \"{}\"", a.title),
            body_zh: body_zh.clone(),
            body_en: body_en.clone(),
            link: Some("/grants/recommender".to_string()),
        };
        notices.push((reviewer, *preference, to_review));
    }
    let mut writes = notice_statements(backend, now, notices);
    let mut submitted = a.clone();
    submitted.status = to.as_str().into();
    submitted.submitted_at = Some(now);
    submitted.updated_at = now;
    let body = serde_json::to_string(&view(&submitted, &call.code)).map_err(|_| ApiError::internal())?;
    if let Some(k) = key {
        writes.push(kc_db::grants::idempotent_response_statement(
            backend,
            idempotency_key::Model {
                user_id: user.id,
                key: k.to_string(),
                status: 200,
                body: body.clone(),
                created_at: now,
            },
        ));
    }
    let submission = Submission {
        application: a.id,
        call: stored.clone(),
        status: kc_db::grants::change_status_statement(
            backend,
            a.id,
            from.as_str(),
            to.as_str(),
            Some((now, &filing.pi)),
            now,
        ),
        filing,
        holders,
        writes,
        event: NewAuditEvent {
            actor_id: Some(user.id),
            entity_type: "application",
            entity_id: a.id.to_string(),
            action: "submit",
            before: Some(serde_json::json!({ "status": from.as_str() })),
            after: Some(serde_json::json!({ "status": to.as_str() })),
            reason: None,
        },
        now,
        body,
    };
    // One transaction (on SQLite, on the writer thread and shared with concurrent writes
    // through its group commit).
    let body = state.db.write_txn(move |txn| record_submission(txn, submission).boxed()).await?;
    Ok((StatusCode::OK, [(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// What a submission records, all owned and built: it runs on the database writer.
struct Submission {
    application: Uuid,
    call: std::sync::Arc<super::StoredCall>,
    filing: Filing,
    holders: quota::Holders,
    /// The status change; it must change exactly one row.
    status: kc_db::Statement,
    /// Notifications, mails and the idempotent answer.
    writes: Vec<kc_db::Statement>,
    event: NewAuditEvent,
    now: DateTime<Utc>,
    /// The answer.
    body: String,
}

/// The write half of a submission: the quota count, the status change, the notifications,
/// the idempotent answer and the audit entry, in one transaction. Returns the answer.
async fn record_submission(txn: &dyn kc_db::WriteTxn, s: Submission) -> ApiResult<String> {
    let Submission { application, call, filing, holders, status, writes, event, now, body } = s;
    // Submissions sharing a quota holder are serialised (the single SQLite writer;
    // advisory locks on PostgreSQL), so the count below cannot be overtaken.
    kc_db::grants::lock_holders(txn, &holders.lock_keys()).await?;
    let counted = Status::counted_by_quotas();
    let existing: Vec<Filing> = kc_db::grants::filings_sharing(txn, &holders, &counted, application)
        .await?
        .into_iter()
        .map(Filing::from)
        .collect();
    let over = exceeded(&call.call.quotas, &filing, &existing);
    if !over.is_empty() {
        let mut e = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "quota_exceeded",
            "超出申报限额",
            "A filing quota is exceeded",
        );
        e.errors = over
            .iter()
            .map(|q| {
                FieldError::new(
                    format!("quotas.{}", q.code),
                    "quota_exceeded",
                    q.message_zh.clone(),
                    q.message_en.clone(),
                )
            })
            .collect();
        return Err(e);
    }
    if txn.execute(status).await? != 1 {
        return Err(ApiError::conflict(
            "invalid_state",
            "申报书状态已变化，请刷新",
            "The application changed meanwhile; reload",
        ));
    }
    for write in writes {
        txn.execute(write).await.map_err(kc_db::DbError::classify)?;
    }
    // Last: appending locks the audit chain's head row until the commit (PostgreSQL), so
    // concurrent submissions wait on it for as short a time as possible.
    kc_db::audit::append(txn, now, event).await?;
    Ok(body)
}
