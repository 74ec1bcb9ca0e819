//! Funded projects: task contract, disbursements, mid-term and completion reports, closing.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use kc_core::grants::project::{
    ContractAction, ContractStatus, Party, ProjectFacts, ProjectStatus, ReportAction, ReportKind, ReportStatus,
    closing_status, contract_next, overdue_days, report_next,
};
use kc_core::grants::window::shanghai_date;
use kc_core::identity::{Permission, Role};
use kc_db::TransactionTrait;
use kc_db::entities::{disbursement, project, project_report};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::awards::{audit, tell};
use crate::auth::{Authorized, CurrentUser, ManageProjects};
use crate::error::{ApiError, ApiResult, FieldError, Problem, Validator};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::services::notifications::Notice;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_projects))
        .routes(routes!(get_project))
        .routes(routes!(save_contract))
        .routes(routes!(contract_action))
        .routes(routes!(export_contract))
        .routes(routes!(add_disbursement))
        .routes(routes!(get_report, save_report))
        .routes(routes!(report_action))
        .routes(routes!(close_project))
}

// ---- views --------------------------------------------------------------------------

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectSummary {
    pub id: Uuid,
    pub application_id: Uuid,
    pub call: String,
    pub category: String,
    pub subtype: String,
    pub contract_no: String,
    pub title: String,
    pub organisation: String,
    pub pi_name: String,
    pub awarded_fen: i64,
    pub disbursed_fen: i64,
    /// awarded | contracted | closed | terminated
    pub status: String,
    /// draft | submitted | endorsed | signed
    pub contract_status: String,
    pub awarded_on: NaiveDate,
    pub due_on: NaiveDate,
    /// Past its due date and not finished (Asia/Shanghai date).
    pub overdue: bool,
    pub overdue_days: i64,
    pub closed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DisbursementView {
    pub id: Uuid,
    pub amount_fen: i64,
    pub paid_on: NaiveDate,
    pub note: Option<String>,
    pub recorded_by: Uuid,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportView {
    /// midterm | completion
    pub kind: String,
    /// draft | submitted | returned | passed | failed
    pub status: String,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    /// The recommending unit's comment on its last decision.
    pub comment: Option<String>,
    /// 0 until first saved; send it back with the next save.
    pub version: i32,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    /// The call's form for this report (null when the call defines none).
    #[schema(value_type = Object)]
    pub form: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectDetail {
    #[serde(flatten)]
    pub project: ProjectSummary,
    /// The task contract's content.
    #[schema(value_type = Object)]
    pub contract: serde_json::Value,
    pub disbursements: Vec<DisbursementView>,
    pub reports: Vec<ReportView>,
    /// What the current user may do as: applicant | recommender | bureau.
    pub party: String,
}

fn today(state: &AppState) -> NaiveDate {
    shanghai_date(state.clock.now())
}

fn overdue_of(p: &project::Model, today: NaiveDate) -> i64 {
    let finished = ProjectStatus::parse(&p.status).is_some_and(ProjectStatus::is_finished);
    overdue_days(&[ProjectFacts { due_on: p.due_on, finished }], today)
}

async fn summaries(state: &AppState, projects: &[project::Model]) -> ApiResult<Vec<ProjectSummary>> {
    let ids: Vec<Uuid> = projects.iter().map(|p| p.id).collect();
    let app_ids: Vec<Uuid> = projects.iter().map(|p| p.application_id).collect();
    let apps: HashMap<Uuid, kc_db::entities::application::Model> =
        kc_db::projects::applications_by_ids(state.db.read(), &app_ids).await?.into_iter().map(|a| (a.id, a)).collect();
    let totals = kc_db::projects::disbursed_totals(state.db.read(), &ids).await?;
    let calls = super::call_codes(state, projects.iter().map(|p| p.call_id).collect()).await?;
    let mut org_ids: Vec<Uuid> = projects.iter().map(|p| p.org_id).collect();
    org_ids.sort();
    org_ids.dedup();
    let orgs: HashMap<Uuid, String> = kc_db::identity::organisations_by_ids(state.db.read(), &org_ids)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let today = today(state);
    Ok(projects
        .iter()
        .map(|p| {
            let a = apps.get(&p.application_id);
            let days = overdue_of(p, today);
            ProjectSummary {
                id: p.id,
                application_id: p.application_id,
                call: calls.get(&p.call_id).cloned().unwrap_or_default(),
                category: a.map(|a| a.category.clone()).unwrap_or_default(),
                subtype: a.map(|a| a.subtype.clone()).unwrap_or_default(),
                contract_no: p.contract_no.clone(),
                title: p.title.clone(),
                organisation: orgs.get(&p.org_id).cloned().unwrap_or_default(),
                pi_name: p.pi_name.clone(),
                awarded_fen: p.awarded_fen,
                disbursed_fen: totals.get(&p.id).copied().unwrap_or(0),
                status: p.status.clone(),
                contract_status: p.contract_status.clone(),
                awarded_on: p.awarded_on,
                due_on: p.due_on,
                overdue: days > 0,
                overdue_days: days,
                closed_at: p.closed_at,
                updated_at: p.updated_at,
            }
        })
        .collect())
}

fn report_view(kind: ReportKind, r: Option<&project_report::Model>, form: serde_json::Value) -> ReportView {
    match r {
        Some(r) => ReportView {
            kind: r.kind.clone(),
            status: r.status.clone(),
            data: serde_json::from_str(&r.data).unwrap_or(serde_json::Value::Null),
            comment: r.comment.clone(),
            version: r.version,
            submitted_at: r.submitted_at,
            reviewed_at: r.reviewed_at,
            updated_at: Some(r.updated_at),
            form,
        },
        None => ReportView {
            kind: kind.as_str().into(),
            status: ReportStatus::Draft.as_str().into(),
            data: serde_json::json!({}),
            comment: None,
            version: 0,
            submitted_at: None,
            reviewed_at: None,
            updated_at: None,
            form,
        },
    }
}

async fn report_form(state: &AppState, p: &project::Model, kind: ReportKind) -> ApiResult<serde_json::Value> {
    let call = super::stored_call(state, p.call_id).await?;
    Ok(call
        .call
        .reports
        .as_ref()
        .map(|r| match kind {
            ReportKind::Midterm => serde_json::to_value(&r.midterm),
            ReportKind::Completion => serde_json::to_value(&r.completion),
        })
        .transpose()
        .map_err(|_| ApiError::internal())?
        .unwrap_or(serde_json::Value::Null))
}

// ---- scope --------------------------------------------------------------------------

/// How the current user stands to a project: the bureau, the recommending unit it was
/// routed through, or its applicant. `None`: not theirs to see.
fn party_of(user: &CurrentUser, p: &project::Model) -> Option<Party> {
    if user.can(Permission::ManageProjects) {
        Some(Party::Bureau)
    } else if user.role == Role::Recommender && user.user.org_id == Some(p.recommender_id) {
        Some(Party::Recommender)
    } else if p.applicant_id == user.user.id {
        Some(Party::Applicant)
    } else {
        None
    }
}

/// The project if the current user may see it (404 otherwise), and as which party.
async fn visible(state: &AppState, user: &CurrentUser, id: Uuid) -> ApiResult<(project::Model, Party)> {
    let p = kc_db::projects::project(state.db.read(), id).await?.ok_or_else(ApiError::not_found)?;
    let party = party_of(user, &p).ok_or_else(ApiError::not_found)?;
    Ok((p, party))
}

fn changed() -> ApiError {
    ApiError::conflict("invalid_state", "数据已被他人更新，请刷新", "It changed meanwhile; refresh")
}

async fn detail(state: &AppState, p: &project::Model, party: Party) -> ApiResult<ProjectDetail> {
    let summary = summaries(state, std::slice::from_ref(p)).await?.pop().ok_or_else(ApiError::internal)?;
    let disbursements = kc_db::projects::disbursements_of(state.db.read(), p.id)
        .await?
        .iter()
        .map(|d| DisbursementView {
            id: d.id,
            amount_fen: d.amount_fen,
            paid_on: d.paid_on,
            note: d.note.clone(),
            recorded_by: d.recorded_by,
            created_at: d.created_at,
        })
        .collect();
    let stored = kc_db::projects::reports_of(state.db.read(), p.id).await?;
    let mut reports = Vec::new();
    for kind in [ReportKind::Midterm, ReportKind::Completion] {
        let r = stored.iter().find(|r| r.kind == kind.as_str());
        reports.push(report_view(kind, r, report_form(state, p, kind).await?));
    }
    Ok(ProjectDetail {
        project: summary,
        contract: serde_json::from_str(&p.contract_data).unwrap_or(serde_json::Value::Null),
        disbursements,
        reports,
        party: party.as_str().into(),
    })
}

// ---- list and detail ----------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectQuery {
    /// A call code.
    pub call: Option<String>,
    /// awarded | contracted | closed | terminated
    pub status: Option<String>,
    /// Only projects past due (true) or not (false).
    pub overdue: Option<bool>,
}

/// Funded projects: the bureau sees all, a recommending unit those routed through it, an
/// applicant their own.
#[utoipa::path(get, path = "/projects", tag = "grants", params(ProjectQuery),
    responses((status = 200, body = Vec<ProjectSummary>), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn list_projects(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ProjectQuery>,
) -> ApiResult<axum::Json<Vec<ProjectSummary>>> {
    let mut filter = kc_db::projects::ProjectFilter::default();
    if user.can(Permission::ManageProjects) {
    } else if user.role == Role::Recommender {
        filter.recommender_id = Some(user.user.org_id.ok_or_else(ApiError::forbidden)?);
    } else if matches!(user.role, Role::IndividualApplicant | Role::UnitApplicant) {
        filter.applicant_id = Some(user.user.id);
    } else {
        return Err(ApiError::forbidden());
    }
    if let Some(code) = q.call.as_deref().filter(|c| !c.is_empty()) {
        filter.call_id = Some(
            kc_db::grants::call_id_by_code(state.db.read(), code)
                .await?
                .ok_or_else(|| ApiError::field("call", "not_found", "没有这个申报批次", "No such call"))?,
        );
    }
    if let Some(s) = q.status.as_deref().filter(|s| !s.is_empty()) {
        let s = ProjectStatus::parse(s)
            .ok_or_else(|| ApiError::field("status", "invalid", "项目状态不正确", "Invalid project status"))?;
        filter.status = Some(s.as_str().into());
    }
    let projects = kc_db::projects::list_projects(state.db.read(), &filter).await?;
    let mut out = summaries(&state, &projects).await?;
    if let Some(o) = q.overdue {
        out.retain(|p| p.overdue == o);
    }
    Ok(axum::Json(out))
}

/// One project with its contract, disbursements and reports (404 outside the caller's scope).
#[utoipa::path(get, path = "/projects/{id}", tag = "grants", params(("id" = Uuid, Path)),
    responses((status = 200, body = ProjectDetail), (status = 404, body = Problem), (status = 401, body = Problem)))]
pub async fn get_project(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::Json<ProjectDetail>> {
    let (p, party) = visible(&state, &user, id).await?;
    Ok(axum::Json(detail(&state, &p, party).await?))
}

// ---- contract -----------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
pub struct ContractRequest {
    /// The contract's content (project_name, targets, summary, …). The contract number,
    /// amount and period are the award's and cannot change.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

#[derive(Debug, Deserialize, ToSchema, Default)]
pub struct StepRequest {
    /// Required to return (shown to the applicant) and to fail a completion review.
    pub comment: Option<String>,
}

/// The fields of the contract that come from the award, not from the applicant.
const FIXED: [&str; 5] = ["contract_no", "amount_fen", "start_date", "end_date", "organisation"];

/// Edit the task contract (the applicant, while it is a draft).
#[utoipa::path(put, path = "/projects/{id}/contract", tag = "grants", params(("id" = Uuid, Path)),
    request_body = ContractRequest,
    responses((status = 200, body = ProjectDetail), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem), (status = 401, body = Problem)))]
pub async fn save_contract(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ContractRequest>,
) -> ApiResult<axum::Json<ProjectDetail>> {
    let (p, party) = visible(&state, &user, id).await?;
    if p.applicant_id != user.user.id {
        return Err(ApiError::forbidden());
    }
    if p.contract_status != ContractStatus::Draft.as_str() {
        return Err(ApiError::conflict(
            "not_editable",
            "任务合同书已提交，不能再修改",
            "The contract has been submitted and cannot change",
        ));
    }
    let serde_json::Value::Object(mut data) = req.data else {
        return Err(ApiError::field("data", "invalid", "合同内容格式不正确", "The contract must be an object"));
    };
    if serde_json::to_string(&data).map(|s| s.len()).unwrap_or(0) > 200_000 {
        return Err(ApiError::field("data", "too_long", "合同内容过长", "The contract is too long"));
    }
    let before: serde_json::Value = serde_json::from_str(&p.contract_data).unwrap_or_default();
    for key in FIXED {
        data.insert(key.into(), before.get(key).cloned().unwrap_or(serde_json::Value::Null));
    }
    let now = state.clock.now();
    let text = serde_json::Value::Object(data).to_string();
    let txn = state.db.write().begin().await?;
    if !kc_db::projects::save_contract_data(&txn, id, &text, now).await? {
        return Err(changed());
    }
    audit(&txn, now, Some(user.user.id), "project", id, "save_contract", None, None, None).await?;
    txn.commit().await?;
    let p = kc_db::projects::project(state.db.read(), id).await?.ok_or_else(ApiError::not_found)?;
    Ok(axum::Json(detail(&state, &p, party).await?))
}

/// What a submitted contract must contain.
fn contract_problems(data: &serde_json::Value) -> Vec<FieldError> {
    [("project_name", "项目名称", "The project name"), ("targets", "考核指标", "The targets")]
        .iter()
        .filter(|(k, _, _)| data.get(*k).and_then(|v| v.as_str()).is_none_or(|s| s.trim().is_empty()))
        .map(|(k, zh, en)| {
            FieldError::new(format!("data.{k}"), "required", format!("请填写{zh}"), format!("{en} is required"))
        })
        .collect()
}

/// A step of the task contract: `submit` (applicant), `endorse`/`return` (its recommending
/// unit), `sign`/`return` (the bureau). Signing makes the project contracted.
#[utoipa::path(post, path = "/projects/{id}/contract/{action}", tag = "grants",
    params(("id" = Uuid, Path), ("action" = String, Path, description = "submit | endorse | sign | return")),
    request_body = StepRequest,
    responses((status = 200, body = ProjectDetail), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem), (status = 401, body = Problem)))]
pub async fn contract_action(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, action)): ApiPath<(Uuid, String)>,
    ApiJson(req): ApiJson<StepRequest>,
) -> ApiResult<axum::Json<ProjectDetail>> {
    let (p, party) = visible(&state, &user, id).await?;
    let action = ContractAction::parse(&action).ok_or_else(ApiError::not_found)?;
    let comment = req.comment.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
    if action == ContractAction::Return && comment.is_none() {
        return Err(ApiError::field("comment", "required", "请填写退回意见", "Say why it is returned"));
    }
    let from = ContractStatus::parse(&p.contract_status).ok_or_else(ApiError::internal)?;
    let allowed_party = match action {
        ContractAction::Submit => party == Party::Applicant,
        ContractAction::Endorse => party == Party::Recommender,
        ContractAction::Sign => party == Party::Bureau,
        ContractAction::Return => party != Party::Applicant,
    };
    if !allowed_party {
        return Err(ApiError::forbidden());
    }
    let Some(to) = contract_next(from, party, action) else {
        return Err(ApiError::conflict(
            "invalid_state",
            "任务合同书当前状态下不能执行此操作，请刷新",
            "This step does not apply to the contract now; refresh",
        ));
    };
    let data: serde_json::Value = serde_json::from_str(&p.contract_data).unwrap_or_default();
    if action == ContractAction::Submit {
        let problems = contract_problems(&data);
        if !problems.is_empty() {
            return Err(ApiError::validation(problems));
        }
    }
    let project_status = (to == ContractStatus::Signed).then_some(ProjectStatus::Contracted.as_str());
    let now = state.clock.now();
    let txn = state.db.write().begin().await?;
    if !kc_db::projects::change_contract_status(&txn, id, from.as_str(), to.as_str(), project_status, now).await? {
        return Err(changed());
    }
    let action_name = match action {
        ContractAction::Submit => "contract_submit",
        ContractAction::Endorse => "contract_endorse",
        ContractAction::Sign => "contract_sign",
        ContractAction::Return => "contract_return",
    };
    audit(
        &txn,
        now,
        Some(user.user.id),
        "project",
        id,
        action_name,
        Some(serde_json::json!({ "contract_status": from.as_str(), "status": p.status })),
        Some(serde_json::json!({ "contract_status": to.as_str(), "status": project_status.unwrap_or(&p.status) })),
        comment.clone(),
    )
    .await?;
    let note = comment.map(|c| format!("\n意见 / Comment: {c}")).unwrap_or_default();
    let link = Some(format!("/grants/projects/{id}"));
    match action {
        ContractAction::Submit => {
            for u in kc_db::identity::users_of_organisation(&txn, p.recommender_id).await? {
                tell(
                    &txn,
                    now,
                    u.id,
                    Notice {
                        kind: "contract.submitted",
                        decision: false,
                        title_zh: format!("任务合同书待审核：{}", p.title),
                        title_en: format!("A task contract to endorse: {}", p.title),
                        body_zh: format!("项目“{}”（{}）提交了任务合同书，请审核。", p.title, p.contract_no),
                        body_en: format!(
                            "The project \"{}\" ({}) submitted its task contract.",
                            p.title, p.contract_no
                        ),
                        link: link.clone(),
                    },
                )
                .await?;
            }
        }
        ContractAction::Endorse => {}
        ContractAction::Sign | ContractAction::Return => {
            let (zh, en) = if action == ContractAction::Sign {
                ("已签订，项目进入实施阶段", "is signed; the project is under way")
            } else {
                ("被退回修改", "was returned for changes")
            };
            tell(
                &txn,
                now,
                p.applicant_id,
                Notice {
                    kind: if action == ContractAction::Sign { "contract.signed" } else { "contract.returned" },
                    decision: true,
                    title_zh: format!("“{}”任务合同书{zh}", p.title),
                    title_en: format!("The task contract of \"{}\" {en}", p.title),
                    body_zh: format!("合同编号 {}。{note}", p.contract_no),
                    body_en: format!("Contract {}.{note}", p.contract_no),
                    link: link.clone(),
                },
            )
            .await?;
        }
    }
    txn.commit().await?;
    let p = kc_db::projects::project(state.db.read(), id).await?.ok_or_else(ApiError::not_found)?;
    Ok(axum::Json(detail(&state, &p, party).await?))
}

/// The task contract (任务合同书) as a workbook.
#[utoipa::path(get, path = "/projects/{id}/contract/export", tag = "grants", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The task contract (xlsx)", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 404, body = Problem), (status = 401, body = Problem)))]
pub async fn export_contract(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let (p, party) = visible(&state, &user, id).await?;
    let d = detail(&state, &p, party).await?;
    let text = |k: &str| match d.contract.get(k) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    };
    let status_zh = match p.contract_status.as_str() {
        "draft" => "填写中",
        "submitted" => "待推荐单位审核",
        "endorsed" => "待科技局签订",
        "signed" => "已签订",
        _ => "",
    };
    let items = [
        ("合同编号", p.contract_no.clone()),
        ("项目名称", text("project_name")),
        ("承担单位", text("organisation")),
        ("项目负责人", text("pi_name")),
        ("实施期限", format!("{} 至 {}", p.awarded_on, p.due_on)),
        ("支持经费（万元）", kc_core::grants::award::fen_as_wan(p.awarded_fen)),
        ("已拨付（万元）", kc_core::grants::award::fen_as_wan(d.project.disbursed_fen)),
        ("项目简介", text("summary")),
        ("考核指标", text("targets")),
        ("合同状态", status_zh.to_string()),
    ];
    let paid: Vec<(String, String, String)> = d
        .disbursements
        .iter()
        .map(|x| {
            (
                x.paid_on.to_string(),
                kc_core::grants::award::fen_as_wan(x.amount_fen),
                x.note.clone().unwrap_or_default(),
            )
        })
        .collect();
    let bytes = crate::identity::excel::contract_workbook(
        &format!("科技计划项目任务合同书（{}）", p.contract_no),
        &items,
        &paid,
    )?;
    Ok(crate::identity::excel::download(bytes, &format!("任务合同书-{}.xlsx", p.contract_no)))
}

// ---- disbursements ------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewDisbursement {
    pub amount_fen: i64,
    pub paid_on: NaiveDate,
    pub note: Option<String>,
}

/// Record a payment (拨款) to a contracted project; the total never exceeds the award.
#[utoipa::path(post, path = "/projects/{id}/disbursements", tag = "grants", params(("id" = Uuid, Path)),
    request_body = NewDisbursement,
    responses((status = 201, body = ProjectDetail), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn add_disbursement(
    State(state): State<AppState>,
    auth: Authorized<ManageProjects>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<NewDisbursement>,
) -> ApiResult<(StatusCode, axum::Json<ProjectDetail>)> {
    let (p, party) = visible(&state, &auth.user, id).await?;
    if p.status != ProjectStatus::Contracted.as_str() {
        return Err(ApiError::conflict(
            "not_contracted",
            "只有已签订任务合同书、尚未结题的项目才能拨款",
            "Only contracted projects not yet closed receive payments",
        ));
    }
    let note = req.note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    let mut v = Validator::default();
    if req.amount_fen <= 0 {
        v.add("amount_fen", "not_positive", "拨款金额应大于 0", "The amount must be positive");
    }
    if req.paid_on > today(&state) {
        v.add("paid_on", "future", "拨款日期不能晚于今天", "The payment date cannot be in the future");
    }
    if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
        v.add("note", "too_long", "备注不能超过 500 个字", "At most 500 characters");
    }
    v.finish()?;
    let now = state.clock.now();
    let txn = state.db.write().begin().await?;
    // Serialise concurrent payments to the project before reading its total.
    if !kc_db::projects::lock_project(&txn, id, now).await? {
        return Err(ApiError::not_found());
    }
    let paid: i64 = kc_db::projects::disbursements_of(&txn, id).await?.iter().map(|d| d.amount_fen).sum();
    if paid.saturating_add(req.amount_fen) > p.awarded_fen {
        let left = p.awarded_fen - paid;
        return Err(ApiError::field(
            "amount_fen",
            "over_award",
            format!(
                "累计拨款不能超过支持经费 {} 万元，本项目还可拨付 {} 万元",
                kc_core::grants::award::fen_as_wan(p.awarded_fen),
                kc_core::grants::award::fen_as_wan(left)
            ),
            format!(
                "Payments cannot exceed the award of {} ten-thousand CNY; {} left",
                kc_core::grants::award::fen_as_wan(p.awarded_fen),
                kc_core::grants::award::fen_as_wan(left)
            ),
        ));
    }
    let d = disbursement::Model {
        id: Uuid::now_v7(),
        project_id: id,
        amount_fen: req.amount_fen,
        paid_on: req.paid_on,
        note,
        recorded_by: auth.user.user.id,
        created_at: now,
    };
    kc_db::projects::insert_disbursement(&txn, d.clone()).await?;
    audit(
        &txn,
        now,
        Some(auth.user.user.id),
        "project",
        id,
        "disburse",
        Some(serde_json::json!({ "disbursed_fen": paid })),
        Some(serde_json::json!({ "disbursed_fen": paid + d.amount_fen, "amount_fen": d.amount_fen, "paid_on": d.paid_on, "disbursement_id": d.id })),
        d.note.clone(),
    )
    .await?;
    let wan = kc_core::grants::award::fen_as_wan(d.amount_fen);
    tell(
        &txn,
        now,
        p.applicant_id,
        Notice {
            kind: "project.disbursed",
            decision: true,
            title_zh: format!("“{}”拨款 {wan} 万元", p.title),
            title_en: format!("\"{}\" was paid {wan} ten-thousand CNY", p.title),
            body_zh: format!("拨款日期 {}。", d.paid_on),
            body_en: format!("Paid on {}.", d.paid_on),
            link: Some(format!("/grants/projects/{id}")),
        },
    )
    .await?;
    txn.commit().await?;
    let p = kc_db::projects::project(state.db.read(), id).await?.ok_or_else(ApiError::not_found)?;
    Ok((StatusCode::CREATED, axum::Json(detail(&state, &p, party).await?)))
}

// ---- reports ------------------------------------------------------------------------

fn kind_of(kind: &str) -> ApiResult<ReportKind> {
    ReportKind::parse(kind).ok_or_else(ApiError::not_found)
}

/// A mid-term or completion report (an empty draft until first saved).
#[utoipa::path(get, path = "/projects/{id}/reports/{kind}", tag = "grants",
    params(("id" = Uuid, Path), ("kind" = String, Path, description = "midterm | completion")),
    responses((status = 200, body = ReportView), (status = 404, body = Problem), (status = 401, body = Problem)))]
pub async fn get_report(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, kind)): ApiPath<(Uuid, String)>,
) -> ApiResult<axum::Json<ReportView>> {
    let (p, _) = visible(&state, &user, id).await?;
    let kind = kind_of(&kind)?;
    let r = kc_db::projects::report(state.db.read(), id, kind.as_str()).await?;
    Ok(axum::Json(report_view(kind, r.as_ref(), report_form(&state, &p, kind).await?)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SaveReport {
    /// The version this save edits (0 for a new report).
    pub version: i32,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// Save a report draft (the applicant, while draft or returned; the project contracted).
#[utoipa::path(put, path = "/projects/{id}/reports/{kind}", tag = "grants",
    params(("id" = Uuid, Path), ("kind" = String, Path, description = "midterm | completion")),
    request_body = SaveReport,
    responses((status = 200, body = ReportView), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem), (status = 401, body = Problem)))]
pub async fn save_report(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, kind)): ApiPath<(Uuid, String)>,
    ApiJson(req): ApiJson<SaveReport>,
) -> ApiResult<axum::Json<ReportView>> {
    let (p, party) = visible(&state, &user, id).await?;
    let kind = kind_of(&kind)?;
    if party != Party::Applicant {
        return Err(ApiError::forbidden());
    }
    if p.status != ProjectStatus::Contracted.as_str() {
        return Err(ApiError::conflict(
            "not_contracted",
            "任务合同书签订后、结题前才能填写报告",
            "Reports are filled between the signed contract and closing",
        ));
    }
    if !req.data.is_object() {
        return Err(ApiError::field("data", "invalid", "报告内容格式不正确", "The report must be an object"));
    }
    let text = req.data.to_string();
    if text.len() > 500_000 {
        return Err(ApiError::field("data", "too_long", "报告内容过长", "The report is too long"));
    }
    let existing = kc_db::projects::report(state.db.read(), id, kind.as_str()).await?;
    if let Some(r) = &existing
        && !matches!(ReportStatus::parse(&r.status), Some(ReportStatus::Draft | ReportStatus::Returned))
    {
        return Err(ApiError::conflict(
            "not_editable",
            "报告已提交，不能再修改",
            "The report is submitted and cannot change",
        ));
    }
    let current = existing.as_ref().map_or(0, |r| r.version);
    if req.version != current {
        return Err(ApiError::conflict(
            "stale_version",
            "报告已在其他窗口保存过，请刷新后再修改",
            "The report was saved elsewhere since you opened it; reload",
        )
        .with("current_version", current));
    }
    let now = state.clock.now();
    let m = match &existing {
        Some(r) => project_report::Model { data: text, version: r.version + 1, updated_at: now, ..r.clone() },
        None => project_report::Model {
            id: Uuid::now_v7(),
            project_id: id,
            kind: kind.as_str().into(),
            data: text,
            status: ReportStatus::Draft.as_str().into(),
            comment: None,
            version: 1,
            submitted_at: None,
            reviewed_at: None,
            reviewed_by: None,
            created_at: now,
            updated_at: now,
        },
    };
    let txn = state.db.write().begin().await?;
    if !kc_db::projects::save_report(&txn, m.clone(), existing.as_ref().map(|r| r.version)).await? {
        return Err(changed());
    }
    audit(
        &txn,
        now,
        Some(user.user.id),
        "project_report",
        m.id,
        "save",
        None,
        Some(serde_json::json!({ "kind": m.kind, "version": m.version })),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(report_view(kind, Some(&m), report_form(&state, &p, kind).await?)))
}

/// A step of a report: `submit` (applicant; validated with the call's form), `pass`,
/// `return` or — for the completion review (验收) — `fail` (its recommending unit).
#[utoipa::path(post, path = "/projects/{id}/reports/{kind}/{action}", tag = "grants",
    params(("id" = Uuid, Path), ("kind" = String, Path, description = "midterm | completion"),
           ("action" = String, Path, description = "submit | pass | return | fail")),
    request_body = StepRequest,
    responses((status = 200, body = ReportView), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem), (status = 401, body = Problem)))]
pub async fn report_action(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, kind, action)): ApiPath<(Uuid, String, String)>,
    ApiJson(req): ApiJson<StepRequest>,
) -> ApiResult<axum::Json<ReportView>> {
    let (p, party) = visible(&state, &user, id).await?;
    let kind = kind_of(&kind)?;
    let action = ReportAction::parse(&action).ok_or_else(ApiError::not_found)?;
    let needs_party = if action == ReportAction::Submit { Party::Applicant } else { Party::Recommender };
    if party != needs_party {
        return Err(ApiError::forbidden());
    }
    let comment = req.comment.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
    if matches!(action, ReportAction::Return | ReportAction::Fail) && comment.is_none() {
        return Err(ApiError::field(
            "comment",
            "required",
            "请填写意见，申报者会看到",
            "Give a comment; the applicant will see it",
        ));
    }
    if p.status != ProjectStatus::Contracted.as_str() {
        return Err(ApiError::conflict(
            "not_contracted",
            "任务合同书签订后、结题前才能处理报告",
            "Reports are handled between the signed contract and closing",
        ));
    }
    let Some(r) = kc_db::projects::report(state.db.read(), id, kind.as_str()).await? else {
        return Err(ApiError::conflict("invalid_state", "报告尚未填写", "The report has not been filled in yet"));
    };
    let from = ReportStatus::parse(&r.status).ok_or_else(ApiError::internal)?;
    let Some(to) = report_next(kind, from, party, action) else {
        return Err(ApiError::conflict(
            "invalid_state",
            "报告当前状态下不能执行此操作，请刷新",
            "This step does not apply to the report now; refresh",
        ));
    };
    let form = report_form(&state, &p, kind).await?;
    if action == ReportAction::Submit {
        let call = super::stored_call(&state, p.call_id).await?;
        if let Some(forms) = &call.call.reports {
            let def = match kind {
                ReportKind::Midterm => &forms.midterm,
                ReportKind::Completion => &forms.completion,
            };
            let data: serde_json::Value = serde_json::from_str(&r.data).unwrap_or_default();
            let problems = kc_core::grants::form::validate(def, &data);
            if !problems.is_empty() {
                return Err(ApiError::validation(
                    problems
                        .into_iter()
                        .map(|x| {
                            let field = if x.path.is_empty() { "data".to_string() } else { format!("data.{}", x.path) };
                            FieldError::new(field, "invalid", x.message_zh, x.message_en)
                        })
                        .collect(),
                ));
            }
        }
    }
    let now = state.clock.now();
    let m = if action == ReportAction::Submit {
        project_report::Model {
            status: to.as_str().into(),
            submitted_at: Some(now),
            version: r.version + 1,
            updated_at: now,
            ..r.clone()
        }
    } else {
        project_report::Model {
            status: to.as_str().into(),
            comment: comment.clone(),
            reviewed_at: Some(now),
            reviewed_by: Some(user.user.id),
            version: r.version + 1,
            updated_at: now,
            ..r.clone()
        }
    };
    let txn = state.db.write().begin().await?;
    if !kc_db::projects::save_report(&txn, m.clone(), Some(r.version)).await? {
        return Err(changed());
    }
    audit(
        &txn,
        now,
        Some(user.user.id),
        "project_report",
        r.id,
        match action {
            ReportAction::Submit => "submit",
            ReportAction::Pass => "pass",
            ReportAction::Return => "return",
            ReportAction::Fail => "fail",
        },
        Some(serde_json::json!({ "kind": kind.as_str(), "status": from.as_str() })),
        Some(serde_json::json!({ "kind": kind.as_str(), "status": to.as_str(), "project_id": id })),
        comment.clone(),
    )
    .await?;
    let (kind_zh, kind_en) = match kind {
        ReportKind::Midterm => ("中期报告", "mid-term report"),
        ReportKind::Completion => ("结题验收报告", "completion report"),
    };
    let link = Some(format!("/grants/projects/{id}"));
    if action == ReportAction::Submit {
        for u in kc_db::identity::users_of_organisation(&txn, p.recommender_id).await? {
            tell(
                &txn,
                now,
                u.id,
                Notice {
                    kind: "report.submitted",
                    decision: false,
                    title_zh: format!("{kind_zh}待审核：{}", p.title),
                    title_en: format!("A {kind_en} to review: {}", p.title),
                    body_zh: format!("项目“{}”（{}）提交了{kind_zh}，请审核。", p.title, p.contract_no),
                    body_en: format!("The project \"{}\" ({}) submitted its {kind_en}.", p.title, p.contract_no),
                    link: link.clone(),
                },
            )
            .await?;
        }
    } else {
        let (zh, en) = match to {
            ReportStatus::Passed => ("已通过", "passed"),
            ReportStatus::Failed => ("未通过验收", "failed the review"),
            _ => ("被退回修改", "was returned for changes"),
        };
        let note = comment.map(|c| format!("\n意见 / Comment: {c}")).unwrap_or_default();
        tell(
            &txn,
            now,
            p.applicant_id,
            Notice {
                kind: match to {
                    ReportStatus::Passed => "report.passed",
                    ReportStatus::Failed => "report.failed",
                    _ => "report.returned",
                },
                decision: true,
                title_zh: format!("“{}”的{kind_zh}{zh}", p.title),
                title_en: format!("The {kind_en} of \"{}\" {en}", p.title),
                body_zh: format!("合同编号 {}。{note}", p.contract_no),
                body_en: format!("Contract {}.{note}", p.contract_no),
                link: link.clone(),
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(axum::Json(report_view(kind, Some(&m), form)))
}

// ---- closing ------------------------------------------------------------------------

/// Close (结题) a contracted project whose completion review has a conclusion: passed →
/// closed, failed → terminated.
#[utoipa::path(post, path = "/projects/{id}/close", tag = "grants", params(("id" = Uuid, Path)),
    responses((status = 200, body = ProjectDetail), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn close_project(
    State(state): State<AppState>,
    auth: Authorized<ManageProjects>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::Json<ProjectDetail>> {
    let (p, party) = visible(&state, &auth.user, id).await?;
    let completion = kc_db::projects::report(state.db.read(), id, ReportKind::Completion.as_str())
        .await?
        .and_then(|r| ReportStatus::parse(&r.status));
    let from = ProjectStatus::parse(&p.status).ok_or_else(ApiError::internal)?;
    let Some(to) = closing_status(from, completion) else {
        return Err(ApiError::conflict(
            "not_closable",
            "项目须已签订合同且结题验收已有结论（通过或不通过）才能结题",
            "A project closes once contracted and its completion review has a conclusion",
        ));
    };
    let now = state.clock.now();
    let txn = state.db.write().begin().await?;
    if !kc_db::projects::close_project(&txn, id, from.as_str(), to.as_str(), now).await? {
        return Err(changed());
    }
    audit(
        &txn,
        now,
        Some(auth.user.user.id),
        "project",
        id,
        "close",
        Some(serde_json::json!({ "status": from.as_str() })),
        Some(serde_json::json!({ "status": to.as_str() })),
        None,
    )
    .await?;
    let (zh, en) = if to == ProjectStatus::Closed {
        ("已结题", "is closed")
    } else {
        ("已终止（验收未通过）", "is terminated (completion failed)")
    };
    tell(
        &txn,
        now,
        p.applicant_id,
        Notice {
            kind: if to == ProjectStatus::Closed { "project.closed" } else { "project.terminated" },
            decision: true,
            title_zh: format!("“{}”{zh}", p.title),
            title_en: format!("\"{}\" {en}", p.title),
            body_zh: format!("合同编号 {}。", p.contract_no),
            body_en: format!("Contract {}.", p.contract_no),
            link: Some(format!("/grants/projects/{id}")),
        },
    )
    .await?;
    txn.commit().await?;
    let p = kc_db::projects::project(state.db.read(), id).await?.ok_or_else(ApiError::not_found)?;
    Ok(axum::Json(detail(&state, &p, party).await?))
}
