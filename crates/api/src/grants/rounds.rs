//! Review rounds: score sheets, assignment (manual, automatic, random draw), expert scoring, ranking.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use kc_core::grants::bonus::{self, Qualification};
use kc_core::grants::review::{
    ApplicationFacts, Candidate, ConflictReason, ExpertFacts, Need, ReviewRules, auto_assign, conflicts, random_draw,
};
use kc_core::grants::scoring::{Scored, Standing, rank};
use kc_db::TransactionTrait;
use kc_db::audit::NewAuditEvent;
use kc_db::entities::{application, expert, organisation, random_draw as draw_row, review_assignment, review_round};
use kc_db::grants::ApplicationFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::StoredCall;
use super::applications::ApplicationView;
use crate::auth::{Authorized, CurrentUser, ManageReview, ScoreReviews};
use crate::error::{ApiError, ApiResult, FieldError, Problem, Validator};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::services::notifications::{Notice, notify};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_round, list_rounds))
        .routes(routes!(get_round))
        .routes(routes!(close_round))
        .routes(routes!(round_board))
        .routes(routes!(assign_expert))
        .routes(routes!(unassign_expert))
        .routes(routes!(auto_assign_round))
        .routes(routes!(draw_experts))
        .routes(routes!(list_draws))
        .routes(routes!(remind_experts))
        .routes(routes!(round_ranking))
        .routes(routes!(export_ranking))
        .routes(routes!(assignment_history))
        .routes(routes!(my_assignments))
        .routes(routes!(my_assignment))
        .routes(routes!(submit_scores))
        .routes(routes!(declare_conflict))
        .routes(routes!(abstain))
}

/// Statuses of the applications a round reviews.
const IN_REVIEW: [&str; 3] = ["accepted", "awarded", "not_funded"];

// ---------- shared: the standing of an application (used by the funding stage) ----------

/// An application's place in the latest review round of its call and category.
pub(crate) struct ApplicationStanding {
    pub round_id: Uuid,
    pub standing: Standing,
    pub rules: ReviewRules,
}

/// The standing of the application in the latest round of its call and category; `None`
/// when it is in no round.
pub(crate) async fn standing_of(state: &AppState, application_id: Uuid) -> ApiResult<Option<ApplicationStanding>> {
    let Some(a) = kc_db::grants::application(state.db.read(), application_id).await? else { return Ok(None) };
    let Some(round) = kc_db::review::latest_round(state.db.read(), a.call_id, &a.category).await? else {
        return Ok(None);
    };
    let data = RoundData::load(state, round).await?;
    let ranked = data.rank(state).await?;
    Ok(ranked.standings.into_iter().find(|s| s.application_id == application_id).map(|standing| ApplicationStanding {
        round_id: data.round.id,
        standing,
        rules: data.rules.clone(),
    }))
}

// ---------- views ----------

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewRound {
    /// A call code.
    pub call: String,
    pub category: String,
    pub name: String,
    /// Experts hand in their scores until then.
    pub deadline: DateTime<Utc>,
    /// Defaults to the call's `review`.
    #[schema(value_type = Option<Object>)]
    pub rules: Option<ReviewRules>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RoundView {
    pub id: Uuid,
    pub call: String,
    pub category: String,
    pub category_name: String,
    pub name: String,
    pub deadline: DateTime<Utc>,
    /// open | closed
    pub status: String,
    #[schema(value_type = Object)]
    pub rules: ReviewRules,
    /// Applications in the round (accepted, awarded or not funded).
    pub applications: usize,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentView {
    pub id: Uuid,
    pub round_id: Uuid,
    pub application_id: Uuid,
    pub expert_id: Uuid,
    pub expert_name: String,
    /// manual | auto | draw
    pub method: String,
    /// assigned | submitted | conflict | abstained
    pub status: String,
    pub total_centipoints: Option<i32>,
    /// Why the expert declared a conflict or abstained.
    pub conflict_reason: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reminded_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BoardApplication {
    pub id: Uuid,
    pub title: String,
    pub organisation: String,
    pub field: Option<String>,
    pub requested_fen: i64,
    pub assignments: Vec<AssignmentView>,
    /// Experts still needed to reach the rules' number per application.
    pub missing: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BoardExpert {
    pub id: Uuid,
    pub name: String,
    pub organisation: String,
    pub fields: Vec<String>,
    /// Active assignments in this round.
    pub load: u32,
    pub available: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Board {
    pub round: RoundView,
    pub applications: Vec<BoardApplication>,
    pub experts: Vec<BoardExpert>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewAssignment {
    pub application_id: Uuid,
    pub expert_id: Uuid,
}

#[derive(Debug, Deserialize, ToSchema, Default)]
pub struct SeedRequest {
    /// Replays a plan; a fresh seed is chosen when missing.
    pub seed: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Unfilled {
    pub application_id: Uuid,
    pub missing: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AutoAssignResult {
    pub seed: u64,
    pub assigned: Vec<AssignmentView>,
    pub unfilled: Vec<Unfilled>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DrawRequest {
    pub application_id: Uuid,
    /// How many experts to draw (1–20).
    pub count: u32,
    pub seed: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DrawView {
    pub id: Uuid,
    pub round_id: Uuid,
    pub application_id: Uuid,
    pub seed: u64,
    /// The eligible experts in id order: `random_draw(candidates, count, seed)` replays it.
    pub candidates: Vec<Uuid>,
    pub chosen: Vec<Uuid>,
    pub drawn_by: Uuid,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Reminded {
    /// Experts reminded (through their account, or by mail without one); experts with
    /// neither are not counted.
    pub reminded: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RankingRow {
    pub rank: Option<u32>,
    pub application_id: Uuid,
    pub title: String,
    pub organisation: String,
    pub subtype: String,
    /// The sub-type's Chinese name (e.g. 技术攻关重点项目).
    pub subtype_name: String,
    pub requested_fen: i64,
    /// Reviews handed in.
    pub reviews: usize,
    /// Hundredths of a point, as are `bonus` and `final_score`.
    pub expert_score: Option<i32>,
    pub bonus: i32,
    pub bonus_label: Option<String>,
    pub final_score: Option<i32>,
    pub fundable: bool,
    pub site_visit_required: bool,
    pub site_visit_recorded: bool,
    pub proposed_fen: Option<i64>,
    /// proposed | awarded | withdrawn … (the funding decision), none before one.
    pub decision_status: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScoreVersionView {
    pub id: Uuid,
    /// Points per criterion.
    #[schema(value_type = Object)]
    pub scores: BTreeMap<String, f64>,
    pub total_centipoints: i32,
    pub total: f64,
    pub comment: Option<String>,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExpertAssignmentItem {
    pub id: Uuid,
    pub round_id: Uuid,
    pub round_name: String,
    pub deadline: DateTime<Utc>,
    /// open | closed
    pub round_status: String,
    pub call: String,
    pub category: String,
    pub category_name: String,
    pub application_id: Uuid,
    pub title: String,
    /// assigned | submitted | conflict | abstained
    pub status: String,
    pub total_centipoints: Option<i32>,
    /// Points (the total out of 100).
    pub total: Option<f64>,
    pub submitted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExpertAssignmentDetail {
    #[serde(flatten)]
    pub assignment: ExpertAssignmentItem,
    #[schema(value_type = Object)]
    pub score_sheet: kc_core::grants::review::ScoreSheet,
    /// Points per criterion, once scored.
    #[schema(value_type = Option<Object>)]
    pub scores: Option<BTreeMap<String, f64>>,
    pub comment: Option<String>,
    pub conflict_reason: Option<String>,
    /// The application, with its form data; none once the expert declared a conflict or
    /// abstained.
    pub application: Option<ApplicationView>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ScoreInput {
    /// Points per criterion code, e.g. `{"innovation": 8.5}`.
    #[schema(value_type = Object)]
    pub scores: BTreeMap<String, f64>,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReasonInput {
    pub reason: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RoundQuery {
    /// A call code.
    pub call: Option<String>,
}

// ---------- helpers ----------

fn points(centipoints: i32) -> f64 {
    f64::from(centipoints) / 100.0
}

fn json_list<T: serde::de::DeserializeOwned>(text: &str) -> Vec<T> {
    serde_json::from_str(text).unwrap_or_default()
}

fn round_rules(round: &review_round::Model) -> ApiResult<ReviewRules> {
    serde_json::from_str(&round.rules).map_err(|e| {
        tracing::error!(round = %round.id, error = %e, "stored review rules do not parse");
        ApiError::internal()
    })
}

fn centi_map(text: &Option<String>) -> Option<BTreeMap<String, f64>> {
    text.as_deref()
        .and_then(|t| serde_json::from_str::<BTreeMap<String, i32>>(t).ok())
        .map(|m| m.into_iter().map(|(k, v)| (k, points(v))).collect())
}

fn category_name(call: &StoredCall, category: &str) -> String {
    call.call.categories.iter().find(|c| c.code == category).map_or_else(|| category.to_string(), |c| c.name_zh.clone())
}

async fn audit(
    conn: &impl kc_db::ConnectionTrait,
    now: DateTime<Utc>,
    actor: &CurrentUser,
    (entity_type, entity_id, action): (&'static str, Uuid, &'static str),
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    reason: Option<String>,
) -> ApiResult<()> {
    kc_db::audit::append(
        conn,
        now,
        NewAuditEvent {
            actor_id: Some(actor.user.id),
            entity_type,
            entity_id: entity_id.to_string(),
            action,
            before,
            after,
            reason,
        },
    )
    .await?;
    Ok(())
}

fn round_closed(round: &review_round::Model) -> ApiError {
    ApiError::conflict(
        "round_closed",
        format!("评审轮次已于 {} 截止或已关闭", kc_core::grants::window::shanghai_text(round.deadline)),
        format!(
            "The review round closed (deadline {} Beijing time)",
            kc_core::grants::window::shanghai_text(round.deadline)
        ),
    )
    .with("deadline", round.deadline.to_rfc3339())
}

fn assignment_view(a: &review_assignment::Model, experts: &HashMap<Uuid, expert::Model>) -> AssignmentView {
    AssignmentView {
        id: a.id,
        round_id: a.round_id,
        application_id: a.application_id,
        expert_id: a.expert_id,
        expert_name: experts.get(&a.expert_id).map(|e| e.name.clone()).unwrap_or_default(),
        method: a.method.clone(),
        status: a.status.clone(),
        total_centipoints: a.total,
        conflict_reason: a.conflict_reason.clone(),
        submitted_at: a.submitted_at,
        reminded_at: a.reminded_at,
    }
}

fn draw_view(d: &draw_row::Model) -> DrawView {
    DrawView {
        id: d.id,
        round_id: d.round_id,
        application_id: d.application_id,
        seed: d.seed as u64,
        candidates: json_list(&d.candidates),
        chosen: json_list(&d.chosen),
        drawn_by: d.drawn_by,
        created_at: d.created_at,
    }
}

/// The form values the round reads from an application.
#[derive(Debug, Default, Deserialize)]
struct AppData {
    #[serde(default)]
    pi: Person,
    #[serde(default)]
    members: Vec<Person>,
    requested_fen: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
struct Person {
    #[serde(default)]
    name: String,
}

fn app_data(a: &application::Model) -> AppData {
    serde_json::from_str(&a.data).unwrap_or_default()
}

fn app_field(a: &application::Model, rules: &ReviewRules) -> Option<String> {
    let key = rules.field_key.as_deref()?;
    let data: serde_json::Value = serde_json::from_str(&a.data).ok()?;
    data.get(key).and_then(|v| v.as_str()).map(str::to_string)
}

fn application_facts(a: &application::Model) -> ApplicationFacts {
    let data = app_data(a);
    let mut people = vec![data.pi.name];
    people.extend(data.members.into_iter().map(|m| m.name));
    people.retain(|p| !p.trim().is_empty());
    ApplicationFacts { id: a.id, org_id: a.org_id, recommender_id: a.recommender_id, people }
}

/// Everything about a round the board, the assignment rules and the ranking read.
struct RoundData {
    round: review_round::Model,
    rules: ReviewRules,
    call: Arc<StoredCall>,
    apps: Vec<application::Model>,
    assignments: Vec<review_assignment::Model>,
}

struct Ranked {
    standings: Vec<Standing>,
    bonus_labels: HashMap<Uuid, String>,
}

impl RoundData {
    async fn load(state: &AppState, round: review_round::Model) -> ApiResult<RoundData> {
        let rules = round_rules(&round)?;
        let call = super::stored_call(state, round.call_id).await?;
        let filter = ApplicationFilter {
            call_id: Some(round.call_id),
            category: Some(round.category.clone()),
            statuses: IN_REVIEW.map(String::from).to_vec(),
            ..Default::default()
        };
        let apps = kc_db::grants::list_applications(state.db.read(), &filter).await?;
        let assignments = kc_db::review::assignments_of_round(state.db.read(), round.id).await?;
        Ok(RoundData { round, rules, call, apps, assignments })
    }

    async fn by_id(state: &AppState, id: Uuid) -> ApiResult<RoundData> {
        let round = kc_db::review::round(state.db.read(), id).await?.ok_or_else(ApiError::not_found)?;
        Self::load(state, round).await
    }

    fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.round.status == "open" && now <= self.round.deadline
    }

    fn app(&self, id: Uuid) -> ApiResult<&application::Model> {
        self.apps.iter().find(|a| a.id == id).ok_or_else(|| {
            ApiError::field(
                "application_id",
                "not_in_round",
                "该申报书不在本评审轮次中",
                "The application is not in this round",
            )
        })
    }

    /// Active assignments per expert in this round.
    fn loads(&self) -> HashMap<Uuid, u32> {
        let mut load = HashMap::new();
        for a in self.assignments.iter().filter(|a| kc_db::review::ACTIVE.contains(&a.status.as_str())) {
            *load.entry(a.expert_id).or_insert(0) += 1;
        }
        load
    }

    fn active_for(&self, application_id: Uuid) -> u32 {
        self.assignments
            .iter()
            .filter(|a| a.application_id == application_id && kc_db::review::ACTIVE.contains(&a.status.as_str()))
            .count() as u32
    }

    fn view(&self) -> RoundView {
        RoundView {
            id: self.round.id,
            call: self.call.code.clone(),
            category: self.round.category.clone(),
            category_name: category_name(&self.call, &self.round.category),
            name: self.round.name.clone(),
            deadline: self.round.deadline,
            status: self.round.status.clone(),
            rules: self.rules.clone(),
            applications: self.apps.len(),
            created_at: self.round.created_at,
        }
    }

    /// The standings of the round's applications with their bonuses, best first.
    async fn rank(&self, state: &AppState) -> ApiResult<Ranked> {
        let mut org_ids: Vec<Uuid> = self.apps.iter().map(|a| a.org_id).collect();
        org_ids.sort();
        org_ids.dedup();
        let certs = kc_db::identity::certifications_of(state.db.read(), &org_ids).await?;
        let close_date = self.call.call.submission.closes_at.with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
        let mut bonus_labels = HashMap::new();
        let entries: Vec<Scored> = self
            .apps
            .iter()
            .map(|a| {
                let held: Vec<Qualification> = certs
                    .iter()
                    .filter(|c| c.org_id == a.org_id)
                    .map(|c| Qualification {
                        code: c.kind.clone(),
                        valid_from: c.valid_from,
                        valid_until: c.valid_until,
                    })
                    .collect();
                let valid = bonus::valid_on(&held, close_date);
                let rule = self
                    .call
                    .call
                    .subtype(&a.category, &a.subtype)
                    .and_then(|(_, s)| bonus::applicable(&s.bonuses, &valid));
                if let Some(r) = rule {
                    bonus_labels.insert(a.id, r.label_zh.clone());
                }
                Scored {
                    application_id: a.id,
                    reviews: self
                        .assignments
                        .iter()
                        .filter(|x| x.application_id == a.id && x.status == "submitted")
                        .filter_map(|x| x.total)
                        .collect(),
                    bonus: rule.map_or(0, |r| r.centipoints),
                }
            })
            .collect();
        Ok(Ranked { standings: rank(&entries, &self.rules), bonus_labels })
    }
}

/// The conflict facts of experts: their organisations' recommending units and the
/// applications they declared a conflict with.
async fn expert_facts(state: &AppState, experts: &[expert::Model]) -> ApiResult<HashMap<Uuid, ExpertFacts>> {
    let mut org_ids: Vec<Uuid> = experts.iter().filter_map(|e| e.org_id).collect();
    org_ids.sort();
    org_ids.dedup();
    let orgs: HashMap<Uuid, organisation::Model> = kc_db::identity::organisations_by_ids(state.db.read(), &org_ids)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let ids: Vec<Uuid> = experts.iter().map(|e| e.id).collect();
    let declared = kc_db::review::declared_conflicts(state.db.read(), &ids).await?;
    Ok(experts
        .iter()
        .map(|e| {
            let facts = ExpertFacts {
                id: e.id,
                org_id: e.org_id,
                recommender_id: e.org_id.and_then(|o| orgs.get(&o)).and_then(|o| o.recommender_id),
                collaborators: json_list(&e.collaborators),
                declared_orgs: json_list(&e.declared_org_ids),
                declared_applications: declared.iter().filter(|(x, _)| *x == e.id).map(|(_, a)| *a).collect(),
            };
            (e.id, facts)
        })
        .collect())
}

async fn all_experts(state: &AppState) -> ApiResult<Vec<expert::Model>> {
    Ok(kc_db::review::experts(state.db.read(), &kc_db::review::ExpertFilter::default()).await?)
}

/// Where experts find their assignments in the web app.
const EXPERT_LINK: &str = "/review/assignments";

fn assigned_notice(a: &application::Model, round: &review_round::Model) -> Notice {
    let deadline = kc_core::grants::window::shanghai_text(round.deadline);
    Notice {
        kind: "review.assigned",
        decision: true,
        title_zh: format!("新的评审任务：“{}”", a.title),
        title_en: format!("New review: \"{}\"", a.title),
        body_zh: format!("请在 {deadline}（北京时间）前完成“{}”的评审（{}）。", a.title, round.name),
        body_en: format!("Please review \"{}\" ({}) by {deadline} (Beijing time).", a.title, round.name),
        link: Some(EXPERT_LINK.to_string()),
    }
}

/// Tells an expert: in-app (and by mail per their preference) through their account, or by
/// mail to the pool's address for an expert without one. False when there is no way.
async fn tell(
    conn: &impl kc_db::ConnectionTrait,
    now: DateTime<Utc>,
    e: &expert::Model,
    notice: Notice,
) -> ApiResult<bool> {
    if let Some(user_id) = e.user_id
        && let Some(user) = kc_db::identity::user(conn, user_id).await?
    {
        notify(conn, now, &user, notice).await?;
        return Ok(true);
    }
    let Some(email) = e.email.as_deref() else { return Ok(false) };
    let mail = crate::identity::mail::Mail {
        subject: format!("【科创平台】{} / {}", notice.title_zh, notice.title_en),
        body: format!("{}\n\n{}\n", notice.body_zh, notice.body_en),
    };
    crate::identity::mail::send(conn, now, Some(email), mail).await?;
    Ok(true)
}

/// Creates assignments in one transaction: audited, and the experts with an account told.
async fn create_assignments(
    state: &AppState,
    actor: &CurrentUser,
    data: &RoundData,
    pairs: &[(Uuid, Uuid)],
    method: &'static str,
    experts: &HashMap<Uuid, expert::Model>,
    txn: &kc_db::DatabaseTransaction,
) -> ApiResult<Vec<review_assignment::Model>> {
    let now = state.clock.now();
    let mut created = Vec::new();
    for &(application_id, expert_id) in pairs {
        let m = review_assignment::Model {
            id: Uuid::now_v7(),
            round_id: data.round.id,
            application_id,
            expert_id,
            method: method.to_string(),
            status: "assigned".into(),
            scores: None,
            total: None,
            comment: None,
            conflict_reason: None,
            submitted_at: None,
            reminded_at: None,
            created_at: now,
            updated_at: now,
        };
        kc_db::review::insert_assignment(txn, m.clone()).await.map_err(|e| match e {
            kc_db::DbError::Unique(_) => already_assigned(),
            other => other.into(),
        })?;
        audit(
            txn,
            now,
            actor,
            ("review_assignment", m.id, "assign"),
            None,
            Some(serde_json::json!({ "round_id": m.round_id, "application_id": application_id, "expert_id": expert_id, "method": method })),
            None,
        )
        .await?;
        if let (Some(e), Ok(a)) = (experts.get(&expert_id), data.app(application_id)) {
            tell(txn, now, e, assigned_notice(a, &data.round)).await?;
        }
        created.push(m);
    }
    Ok(created)
}

/// A refused manual assignment: the error code also marks `expert_id`.
fn refused(code: &'static str, zh: String, en: String) -> ApiError {
    let mut e = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, zh.clone(), en.clone());
    e.errors.push(FieldError::new("expert_id", code, zh, en));
    e
}

fn already_assigned() -> ApiError {
    ApiError::conflict(
        "already_assigned",
        "该专家已分配到这份申报书",
        "The expert is already assigned to this application",
    )
}

fn fresh_seed() -> u64 {
    // Below 2^53 so that browsers keep it exact.
    rand::random::<u64>() >> 11
}

// ---------- rounds ----------

/// Open a review round for one category of a call.
#[utoipa::path(post, path = "/admin/review-rounds", tag = "grants", request_body = NewRound,
    responses((status = 201, body = RoundView), (status = 422, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn create_round(
    State(state): State<AppState>,
    auth: Authorized<ManageReview>,
    ApiJson(req): ApiJson<NewRound>,
) -> ApiResult<(StatusCode, axum::Json<RoundView>)> {
    let mut v = Validator::default();
    v.text("name", &req.name, "评审轮次名称", 1, 100);
    let stored = match kc_db::grants::call_id_by_code(state.db.read(), &req.call).await? {
        Some(id) => Some(super::stored_call(&state, id).await?),
        None => {
            v.add("call", "not_found", "没有这个申报批次", "No such call");
            None
        }
    };
    let now = state.clock.now();
    if req.deadline <= now {
        v.add("deadline", "past", "评审截止时间应晚于当前时间", "The deadline must be in the future");
    }
    let mut rules = None;
    if let Some(stored) = &stored {
        if !stored.call.categories.iter().any(|c| c.code == req.category) {
            v.add("category", "not_found", "该批次没有这个类别", "The call has no such category");
        }
        rules = req.rules.clone().or_else(|| stored.call.review.clone());
        match &rules {
            None => v.add(
                "rules",
                "required",
                "该批次未设置评审规则，请填写评审规则（评分表、入围分数线等）",
                "The call has no review rules; give the rules (score sheet, threshold …)",
            ),
            Some(r) => {
                let mut problems = r.score_sheet.problems();
                if r.experts_per_application == 0 || r.max_load == 0 {
                    problems.push("experts per application and the load cap must be positive".into());
                }
                for p in problems {
                    v.add(
                        "rules",
                        "invalid",
                        format!("评审规则有误：{p}"),
                        format!("The review rules are invalid: {p}"),
                    );
                }
            }
        }
    }
    v.finish()?;
    let (Some(stored), Some(rules)) = (stored, rules) else { return Err(ApiError::internal()) };
    let round = review_round::Model {
        id: Uuid::now_v7(),
        call_id: stored.id,
        category: req.category.clone(),
        name: req.name.trim().to_string(),
        rules: serde_json::to_string(&rules).map_err(|_| ApiError::internal())?,
        deadline: req.deadline,
        status: "open".into(),
        created_by: auth.user.user.id,
        created_at: now,
    };
    let txn = state.db.write().begin().await?;
    kc_db::review::insert_round(&txn, round.clone()).await?;
    audit(
        &txn,
        now,
        &auth.user,
        ("review_round", round.id, "create"),
        None,
        Some(serde_json::json!({ "call": stored.code, "category": round.category, "name": round.name, "deadline": round.deadline })),
        None,
    )
    .await?;
    txn.commit().await?;
    let data = RoundData::load(&state, round).await?;
    Ok((StatusCode::CREATED, axum::Json(data.view())))
}

/// Review rounds, newest first.
#[utoipa::path(get, path = "/admin/review-rounds", tag = "grants", params(RoundQuery),
    responses((status = 200, body = Vec<RoundView>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_rounds(
    State(state): State<AppState>,
    _auth: Authorized<ManageReview>,
    ApiQuery(q): ApiQuery<RoundQuery>,
) -> ApiResult<axum::Json<Vec<RoundView>>> {
    let call_id = match q.call.as_deref().filter(|c| !c.is_empty()) {
        Some(code) => {
            Some(kc_db::grants::call_id_by_code(state.db.read(), code).await?.ok_or_else(ApiError::not_found)?)
        }
        None => None,
    };
    let mut out = Vec::new();
    for round in kc_db::review::rounds(state.db.read(), call_id).await? {
        out.push(RoundData::load(&state, round).await?.view());
    }
    Ok(axum::Json(out))
}

/// One review round.
#[utoipa::path(get, path = "/admin/review-rounds/{id}", tag = "grants", params(("id" = Uuid, Path)),
    responses((status = 200, body = RoundView), (status = 404, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn get_round(
    State(state): State<AppState>,
    _auth: Authorized<ManageReview>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::Json<RoundView>> {
    Ok(axum::Json(RoundData::by_id(&state, id).await?.view()))
}

/// Close a round: no more scores, assignments or draws.
#[utoipa::path(post, path = "/admin/review-rounds/{id}/close", tag = "grants", params(("id" = Uuid, Path)),
    responses((status = 200, body = RoundView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn close_round(
    State(state): State<AppState>,
    auth: Authorized<ManageReview>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::Json<RoundView>> {
    let mut data = RoundData::by_id(&state, id).await?;
    let now = state.clock.now();
    let txn = state.db.write().begin().await?;
    if !kc_db::review::change_round_status(&txn, id, "open", "closed").await? {
        return Err(ApiError::conflict("round_closed", "评审轮次已关闭", "The round is already closed"));
    }
    audit(
        &txn,
        now,
        &auth.user,
        ("review_round", id, "close"),
        Some(serde_json::json!({ "status": "open" })),
        Some(serde_json::json!({ "status": "closed" })),
        None,
    )
    .await?;
    txn.commit().await?;
    data.round.status = "closed".into();
    Ok(axum::Json(data.view()))
}

/// The assignment board: each application with its experts, and the pool with its load.
#[utoipa::path(get, path = "/admin/review-rounds/{id}/board", tag = "grants", params(("id" = Uuid, Path)),
    responses((status = 200, body = Board), (status = 404, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn round_board(
    State(state): State<AppState>,
    _auth: Authorized<ManageReview>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::Json<Board>> {
    let data = RoundData::by_id(&state, id).await?;
    let pool = all_experts(&state).await?;
    let mut org_ids: Vec<Uuid> =
        data.apps.iter().map(|a| a.org_id).chain(pool.iter().filter_map(|e| e.org_id)).collect();
    org_ids.sort();
    org_ids.dedup();
    let orgs: HashMap<Uuid, String> = kc_db::identity::organisations_by_ids(state.db.read(), &org_ids)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let experts: HashMap<Uuid, expert::Model> = pool.iter().map(|e| (e.id, e.clone())).collect();
    let loads = data.loads();
    let per = data.rules.experts_per_application;
    let applications = data
        .apps
        .iter()
        .map(|a| BoardApplication {
            id: a.id,
            title: a.title.clone(),
            organisation: orgs.get(&a.org_id).cloned().unwrap_or_default(),
            field: app_field(a, &data.rules),
            requested_fen: app_data(a).requested_fen.unwrap_or(0),
            assignments: data
                .assignments
                .iter()
                .filter(|x| x.application_id == a.id)
                .map(|x| assignment_view(x, &experts))
                .collect(),
            missing: per.saturating_sub(data.active_for(a.id)),
        })
        .collect();
    let experts = pool
        .iter()
        .map(|e| BoardExpert {
            id: e.id,
            name: e.name.clone(),
            organisation: e.org_id.and_then(|o| orgs.get(&o).cloned()).unwrap_or_default(),
            fields: json_list(&e.fields),
            load: loads.get(&e.id).copied().unwrap_or(0),
            available: e.available,
        })
        .collect();
    Ok(axum::Json(Board { round: data.view(), applications, experts }))
}

/// Assign an expert by hand; refused with every conflict-of-interest reason.
#[utoipa::path(post, path = "/admin/review-rounds/{id}/assignments", tag = "grants", params(("id" = Uuid, Path)),
    request_body = NewAssignment,
    responses((status = 201, body = AssignmentView), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn assign_expert(
    State(state): State<AppState>,
    auth: Authorized<ManageReview>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<NewAssignment>,
) -> ApiResult<(StatusCode, axum::Json<AssignmentView>)> {
    let data = RoundData::by_id(&state, id).await?;
    let now = state.clock.now();
    if !data.is_open(now) {
        return Err(round_closed(&data.round));
    }
    let a = data.app(req.application_id)?;
    let e = kc_db::review::expert(state.db.read(), req.expert_id).await?.ok_or_else(|| {
        ApiError::field("expert_id", "not_found", "专家库中没有这位专家", "No such expert in the pool")
    })?;
    let facts = expert_facts(&state, std::slice::from_ref(&e)).await?;
    let reasons = facts.get(&e.id).map(|f| conflicts(f, &application_facts(a), &data.rules)).unwrap_or_default();
    if !reasons.is_empty() {
        let mut err = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "conflict_of_interest",
            "该专家须回避这份申报书",
            "The expert has a conflict of interest with this application",
        );
        err.errors = reasons
            .iter()
            .map(|r: &ConflictReason| {
                let code =
                    serde_json::to_value(r).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                FieldError::new("expert_id", &code, r.message_zh(), r.message_en())
            })
            .collect();
        return Err(err);
    }
    if data.assignments.iter().any(|x| x.application_id == a.id && x.expert_id == e.id) {
        return Err(already_assigned());
    }
    if !e.available {
        return Err(refused(
            "expert_unavailable",
            "该专家目前不可参加评审".into(),
            "The expert is not available for reviews now".into(),
        ));
    }
    let load = data.loads().get(&e.id).copied().unwrap_or(0);
    if load >= data.rules.max_load {
        return Err(refused(
            "over_load",
            format!("该专家在本轮已有 {load} 份评审任务，达到上限 {}", data.rules.max_load),
            format!("The expert already has {load} reviews in this round, the limit is {}", data.rules.max_load),
        ));
    }
    let experts = HashMap::from([(e.id, e.clone())]);
    let txn = state.db.write().begin().await?;
    let created = create_assignments(&state, &auth.user, &data, &[(a.id, e.id)], "manual", &experts, &txn).await?;
    txn.commit().await?;
    let view = created.first().map(|m| assignment_view(m, &experts)).ok_or_else(ApiError::internal)?;
    Ok((StatusCode::CREATED, axum::Json(view)))
}

/// Withdraw an assignment whose review is not handed in.
#[utoipa::path(delete, path = "/admin/review-assignments/{id}", tag = "grants", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn unassign_expert(
    State(state): State<AppState>,
    auth: Authorized<ManageReview>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    let a = kc_db::review::assignment(state.db.read(), id).await?.ok_or_else(ApiError::not_found)?;
    let submitted = || {
        ApiError::conflict(
            "already_submitted",
            "专家已提交评分，不能撤销该分配",
            "The expert has handed in the review; the assignment cannot be withdrawn",
        )
    };
    if a.status == "submitted" {
        return Err(submitted());
    }
    let now = state.clock.now();
    let txn = state.db.write().begin().await?;
    if !kc_db::review::delete_unsubmitted_assignment(&txn, id).await? {
        return Err(submitted());
    }
    audit(
        &txn,
        now,
        &auth.user,
        ("review_assignment", id, "unassign"),
        Some(serde_json::json!({ "round_id": a.round_id, "application_id": a.application_id, "expert_id": a.expert_id, "status": a.status })),
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Assign experts automatically: matching field first, then the least loaded; conflicts,
/// earlier assignments and the load cap respected. The seed replays the plan.
#[utoipa::path(post, path = "/admin/review-rounds/{id}/auto-assign", tag = "grants", params(("id" = Uuid, Path)),
    request_body = SeedRequest,
    responses((status = 200, body = AutoAssignResult), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn auto_assign_round(
    State(state): State<AppState>,
    auth: Authorized<ManageReview>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<SeedRequest>,
) -> ApiResult<axum::Json<AutoAssignResult>> {
    let data = RoundData::by_id(&state, id).await?;
    let now = state.clock.now();
    if !data.is_open(now) {
        return Err(round_closed(&data.round));
    }
    let seed = req.seed.unwrap_or_else(fresh_seed);
    let pool = all_experts(&state).await?;
    let facts = expert_facts(&state, &pool).await?;
    let loads = data.loads();
    let candidates: Vec<Candidate> = pool
        .iter()
        .map(|e| Candidate {
            id: e.id,
            fields: json_list(&e.fields),
            load: loads.get(&e.id).copied().unwrap_or(0),
            available: e.available,
        })
        .collect();
    let needs: Vec<Need> = data
        .apps
        .iter()
        .filter_map(|a| {
            let missing = data.rules.experts_per_application.saturating_sub(data.active_for(a.id));
            if missing == 0 {
                return None;
            }
            let app_facts = application_facts(a);
            let excluded = pool
                .iter()
                .filter(|e| {
                    data.assignments.iter().any(|x| x.application_id == a.id && x.expert_id == e.id)
                        || facts.get(&e.id).is_some_and(|f| !conflicts(f, &app_facts, &data.rules).is_empty())
                })
                .map(|e| e.id)
                .collect();
            Some(Need { application_id: a.id, field: app_field(a, &data.rules), missing, excluded })
        })
        .collect();
    let plan = auto_assign(&needs, &candidates, data.rules.max_load, seed);
    let experts: HashMap<Uuid, expert::Model> = pool.into_iter().map(|e| (e.id, e)).collect();
    let txn = state.db.write().begin().await?;
    let created = create_assignments(&state, &auth.user, &data, &plan.assignments, "auto", &experts, &txn).await?;
    audit(
        &txn,
        now,
        &auth.user,
        ("review_round", id, "auto_assign"),
        None,
        Some(serde_json::json!({
            "seed": seed,
            "assigned": plan.assignments.iter().map(|(a, e)| serde_json::json!({ "application_id": a, "expert_id": e })).collect::<Vec<_>>(),
            "unfilled": plan.unfilled.iter().map(|(a, n)| serde_json::json!({ "application_id": a, "missing": n })).collect::<Vec<_>>(),
        })),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(AutoAssignResult {
        seed,
        assigned: created.iter().map(|m| assignment_view(m, &experts)).collect(),
        unfilled: plan.unfilled.iter().map(|&(application_id, missing)| Unfilled { application_id, missing }).collect(),
    }))
}

/// Draw experts at random for one application (随机抽取) from the eligible pool; the
/// candidates, the seed and the result are kept so anyone can replay the draw.
#[utoipa::path(post, path = "/admin/review-rounds/{id}/draw", tag = "grants", params(("id" = Uuid, Path)),
    request_body = DrawRequest,
    responses((status = 201, body = DrawView), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn draw_experts(
    State(state): State<AppState>,
    auth: Authorized<ManageReview>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<DrawRequest>,
) -> ApiResult<(StatusCode, axum::Json<DrawView>)> {
    let data = RoundData::by_id(&state, id).await?;
    let now = state.clock.now();
    if !data.is_open(now) {
        return Err(round_closed(&data.round));
    }
    if !(1..=20).contains(&req.count) {
        return Err(ApiError::field("count", "range", "抽取人数应为 1–20", "Draw 1–20 experts"));
    }
    let a = data.app(req.application_id)?;
    let pool = all_experts(&state).await?;
    let facts = expert_facts(&state, &pool).await?;
    let app_facts = application_facts(a);
    let loads = data.loads();
    let mut candidates: Vec<Uuid> = pool
        .iter()
        .filter(|e| {
            e.available
                && loads.get(&e.id).copied().unwrap_or(0) < data.rules.max_load
                && !data.assignments.iter().any(|x| x.application_id == a.id && x.expert_id == e.id)
                && facts.get(&e.id).is_some_and(|f| conflicts(f, &app_facts, &data.rules).is_empty())
        })
        .map(|e| e.id)
        .collect();
    candidates.sort();
    if candidates.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "no_candidates",
            "专家库中没有可抽取的专家（均须回避、已分配、不可参加或已满额）",
            "No expert can be drawn (all conflicted, assigned, unavailable or at their load cap)",
        ));
    }
    let seed = req.seed.unwrap_or_else(fresh_seed);
    let chosen = random_draw(&candidates, req.count as usize, seed);
    let row = draw_row::Model {
        id: Uuid::now_v7(),
        round_id: id,
        application_id: a.id,
        seed: seed as i64,
        candidates: serde_json::to_string(&candidates).map_err(|_| ApiError::internal())?,
        chosen: serde_json::to_string(&chosen).map_err(|_| ApiError::internal())?,
        drawn_by: auth.user.user.id,
        created_at: now,
    };
    let experts: HashMap<Uuid, expert::Model> = pool.into_iter().map(|e| (e.id, e)).collect();
    let pairs: Vec<(Uuid, Uuid)> = chosen.iter().map(|&e| (a.id, e)).collect();
    let txn = state.db.write().begin().await?;
    kc_db::review::insert_draw(&txn, row.clone()).await?;
    create_assignments(&state, &auth.user, &data, &pairs, "draw", &experts, &txn).await?;
    audit(
        &txn,
        now,
        &auth.user,
        ("review_round", id, "draw"),
        None,
        Some(serde_json::json!({ "draw_id": row.id, "application_id": a.id, "seed": seed, "count": req.count, "candidates": candidates, "chosen": chosen })),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(draw_view(&row))))
}

/// The round's random draws, oldest first.
#[utoipa::path(get, path = "/admin/review-rounds/{id}/draws", tag = "grants", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<DrawView>), (status = 404, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_draws(
    State(state): State<AppState>,
    _auth: Authorized<ManageReview>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::Json<Vec<DrawView>>> {
    kc_db::review::round(state.db.read(), id).await?.ok_or_else(ApiError::not_found)?;
    Ok(axum::Json(kc_db::review::draws_of_round(state.db.read(), id).await?.iter().map(draw_view).collect()))
}

/// Tells each expert how many of `open` (the round's unsubmitted assignments) are theirs;
/// returns the experts and how many could be reached.
async fn send_reminders(
    conn: &impl kc_db::ConnectionTrait,
    round: &review_round::Model,
    open: &[review_assignment::Model],
    now: DateTime<Utc>,
) -> ApiResult<(Vec<Uuid>, usize)> {
    let deadline = kc_core::grants::window::shanghai_text(round.deadline);
    let mut per_expert: BTreeMap<Uuid, usize> = BTreeMap::new();
    for a in open {
        *per_expert.entry(a.expert_id).or_insert(0) += 1;
    }
    let ids: Vec<Uuid> = per_expert.keys().copied().collect();
    let experts = kc_db::review::experts_by_ids(conn, &ids).await?;
    let mut reminded = 0;
    for e in &experts {
        let count = per_expert.get(&e.id).copied().unwrap_or(0);
        let notice = Notice {
            kind: "review.reminder",
            decision: true,
            title_zh: format!("评审提醒：还有 {count} 份申报书待评分"),
            title_en: format!("Reminder: {count} review(s) to hand in"),
            body_zh: format!("“{}”的评审将于 {deadline}（北京时间）截止，请尽快完成评分。", round.name),
            body_en: format!("The review round \"{}\" closes at {deadline} (Beijing time).", round.name),
            link: Some(EXPERT_LINK.to_string()),
        };
        if tell(conn, now, e, notice).await? {
            reminded += 1;
        }
    }
    Ok((ids, reminded))
}

/// The automatic reminder: experts with reviews still open in rounds whose deadline is
/// within `lead` are reminded, at most once a day. Safe to run on every replica (each
/// reminder is claimed by a conditional update). Returns how many experts were reached.
pub async fn remind_before_deadlines(state: &AppState, lead: chrono::Duration) -> ApiResult<usize> {
    let now = state.clock.now();
    let mut reached = 0;
    for round in kc_db::review::rounds_due(state.db.read(), now, now + lead).await? {
        let txn = state.db.write().begin().await?;
        let open =
            kc_db::review::remind_unsubmitted(&txn, round.id, now, Some(now - chrono::Duration::hours(24))).await?;
        if open.is_empty() {
            continue;
        }
        let (ids, reminded) = send_reminders(&txn, &round, &open, now).await?;
        kc_db::audit::append(
            &txn,
            now,
            NewAuditEvent {
                actor_id: None,
                entity_type: "review_round",
                entity_id: round.id.to_string(),
                action: "remind",
                before: None,
                after: Some(serde_json::json!({ "experts": ids, "assignments": open.len(), "automatic": true })),
                reason: None,
            },
        )
        .await?;
        txn.commit().await?;
        reached += reminded;
    }
    Ok(reached)
}

/// Remind every expert with a review still to hand in.
#[utoipa::path(post, path = "/admin/review-rounds/{id}/remind", tag = "grants", params(("id" = Uuid, Path)),
    responses((status = 200, body = Reminded), (status = 404, body = Problem), (status = 409, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn remind_experts(
    State(state): State<AppState>,
    auth: Authorized<ManageReview>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::Json<Reminded>> {
    let round = kc_db::review::round(state.db.read(), id).await?.ok_or_else(ApiError::not_found)?;
    if round.status != "open" {
        return Err(round_closed(&round));
    }
    let now = state.clock.now();
    let txn = state.db.write().begin().await?;
    let open = kc_db::review::remind_unsubmitted(&txn, id, now, None).await?;
    let (ids, reminded) = send_reminders(&txn, &round, &open, now).await?;
    audit(
        &txn,
        now,
        &auth.user,
        ("review_round", id, "remind"),
        None,
        Some(serde_json::json!({ "experts": ids, "assignments": open.len() })),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(Reminded { reminded }))
}

async fn ranking_rows(state: &AppState, data: &RoundData) -> ApiResult<Vec<RankingRow>> {
    let ranked = data.rank(state).await?;
    let ids: Vec<Uuid> = data.apps.iter().map(|a| a.id).collect();
    let visits: HashSet<Uuid> =
        kc_db::projects::site_visits_of(state.db.read(), &ids).await?.into_iter().map(|v| v.application_id).collect();
    let decisions: HashMap<Uuid, kc_db::entities::funding_decision::Model> =
        kc_db::projects::funding_decisions_of(state.db.read(), &ids)
            .await?
            .into_iter()
            .map(|d| (d.application_id, d))
            .collect();
    let mut org_ids: Vec<Uuid> = data.apps.iter().map(|a| a.org_id).collect();
    org_ids.sort();
    org_ids.dedup();
    let orgs: HashMap<Uuid, String> = kc_db::identity::organisations_by_ids(state.db.read(), &org_ids)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let apps: HashMap<Uuid, &application::Model> = data.apps.iter().map(|a| (a.id, a)).collect();
    Ok(ranked
        .standings
        .iter()
        .filter_map(|s| {
            let a = apps.get(&s.application_id)?;
            let requested = app_data(a).requested_fen.unwrap_or(0);
            let decision = decisions.get(&a.id);
            let proposed = decision.map(|d| d.proposed_fen);
            Some(RankingRow {
                rank: s.rank,
                application_id: a.id,
                title: a.title.clone(),
                organisation: orgs.get(&a.org_id).cloned().unwrap_or_default(),
                subtype: a.subtype.clone(),
                subtype_name: data
                    .call
                    .call
                    .subtype(&a.category, &a.subtype)
                    .map_or_else(|| a.subtype.clone(), |(_, st)| st.name_zh.clone()),
                requested_fen: requested,
                reviews: s.reviews,
                expert_score: s.expert_score,
                bonus: s.bonus,
                bonus_label: ranked.bonus_labels.get(&a.id).cloned(),
                final_score: s.final_score,
                fundable: s.fundable,
                site_visit_required: kc_core::grants::award::site_visit_required(
                    requested,
                    proposed,
                    data.rules.site_visit_threshold_fen,
                ),
                site_visit_recorded: visits.contains(&a.id),
                proposed_fen: proposed,
                decision_status: decision.map(|d| d.status.clone()),
            })
        })
        .collect())
}

/// The ranking of the round (排序): mean of the experts' totals plus the highest bonus;
/// below the threshold not fundable.
#[utoipa::path(get, path = "/admin/review-rounds/{id}/ranking", tag = "grants", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<RankingRow>), (status = 404, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn round_ranking(
    State(state): State<AppState>,
    _auth: Authorized<ManageReview>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::Json<Vec<RankingRow>>> {
    let data = RoundData::by_id(&state, id).await?;
    Ok(axum::Json(ranking_rows(&state, &data).await?))
}

/// The ranking as Excel, with Chinese headers.
#[utoipa::path(get, path = "/admin/review-rounds/{id}/ranking/export", tag = "grants", params(("id" = Uuid, Path)),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 404, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn export_ranking(
    State(state): State<AppState>,
    _auth: Authorized<ManageReview>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let data = RoundData::by_id(&state, id).await?;
    let score = |s: Option<i32>| s.map(|s| format!("{:.2}", points(s))).unwrap_or_default();
    let wan = |f: i64| format!("{:.2}", f as f64 / 1_000_000.0);
    let rows = ranking_rows(&state, &data)
        .await?
        .iter()
        .map(|r| {
            vec![
                r.rank.map(|n| n.to_string()).unwrap_or_default(),
                r.title.clone(),
                r.organisation.clone(),
                r.subtype_name.clone(),
                wan(r.requested_fen),
                r.reviews.to_string(),
                score(r.expert_score),
                if r.bonus > 0 { format!("{:.2}", points(r.bonus)) } else { String::new() },
                r.bonus_label.clone().unwrap_or_default(),
                score(r.final_score),
                if r.fundable { "是" } else { "否" }.to_string(),
                if r.site_visit_required { if r.site_visit_recorded { "已考评" } else { "需考评" } } else { "" }
                    .to_string(),
                r.proposed_fen.map(wan).unwrap_or_default(),
            ]
        })
        .collect();
    crate::identity::excel::review_ranking(&data.round.name, rows)
}

fn history_view(h: &kc_db::entities::review_score_version::Model) -> ScoreVersionView {
    ScoreVersionView {
        id: h.id,
        scores: centi_map(&Some(h.scores.clone())).unwrap_or_default(),
        total_centipoints: h.total,
        total: points(h.total),
        comment: h.comment.clone(),
        recorded_by: h.recorded_by,
        recorded_at: h.recorded_at,
    }
}

/// Every score the expert handed in for this assignment, oldest first.
#[utoipa::path(get, path = "/admin/review-assignments/{id}/history", tag = "grants", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<ScoreVersionView>), (status = 404, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn assignment_history(
    State(state): State<AppState>,
    _auth: Authorized<ManageReview>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::Json<Vec<ScoreVersionView>>> {
    kc_db::review::assignment(state.db.read(), id).await?.ok_or_else(ApiError::not_found)?;
    Ok(axum::Json(kc_db::review::score_history(state.db.read(), id).await?.iter().map(history_view).collect()))
}

// ---------- the expert's side ----------

/// The expert record of the signed-in user; 404 for an account not in the pool.
async fn me_as_expert(state: &AppState, user: &CurrentUser) -> ApiResult<expert::Model> {
    kc_db::review::expert_of_user(state.db.read(), user.user.id).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_in_pool",
            "您的账号尚未加入专家库，请联系科技局",
            "Your account is not in the expert pool; contact the bureau",
        )
    })
}

/// The assignment `id` of the signed-in expert; 404 for anyone else's.
async fn own_assignment(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
) -> ApiResult<(expert::Model, review_assignment::Model)> {
    let me = me_as_expert(state, user).await?;
    let a = kc_db::review::assignment(state.db.read(), id)
        .await?
        .filter(|a| a.expert_id == me.id)
        .ok_or_else(ApiError::not_found)?;
    Ok((me, a))
}

async fn expert_items(
    state: &AppState,
    assignments: &[review_assignment::Model],
) -> ApiResult<Vec<ExpertAssignmentItem>> {
    let mut round_ids: Vec<Uuid> = assignments.iter().map(|a| a.round_id).collect();
    round_ids.sort();
    round_ids.dedup();
    let rounds: HashMap<Uuid, review_round::Model> =
        kc_db::review::rounds_by_ids(state.db.read(), &round_ids).await?.into_iter().map(|r| (r.id, r)).collect();
    let mut out = Vec::new();
    for a in assignments {
        let Some(round) = rounds.get(&a.round_id) else { continue };
        let Some(app) = kc_db::grants::application(state.db.read(), a.application_id).await? else { continue };
        let call = super::stored_call(state, round.call_id).await?;
        out.push(ExpertAssignmentItem {
            id: a.id,
            round_id: round.id,
            round_name: round.name.clone(),
            deadline: round.deadline,
            round_status: round.status.clone(),
            call: call.code.clone(),
            category: round.category.clone(),
            category_name: category_name(&call, &round.category),
            application_id: app.id,
            title: app.title.clone(),
            status: a.status.clone(),
            total_centipoints: a.total,
            total: a.total.map(points),
            submitted_at: a.submitted_at,
        });
    }
    Ok(out)
}

async fn expert_detail(state: &AppState, a: &review_assignment::Model) -> ApiResult<ExpertAssignmentDetail> {
    let item =
        expert_items(state, std::slice::from_ref(a)).await?.into_iter().next().ok_or_else(ApiError::not_found)?;
    let round = kc_db::review::round(state.db.read(), a.round_id).await?.ok_or_else(ApiError::not_found)?;
    let rules = round_rules(&round)?;
    let app = kc_db::grants::application(state.db.read(), a.application_id).await?.ok_or_else(ApiError::not_found)?;
    Ok(ExpertAssignmentDetail {
        application: kc_db::review::ACTIVE
            .contains(&a.status.as_str())
            .then(|| super::applications::view(&app, &item.call)),
        assignment: item,
        score_sheet: rules.score_sheet,
        scores: centi_map(&a.scores),
        comment: a.comment.clone(),
        conflict_reason: a.conflict_reason.clone(),
    })
}

/// The signed-in expert's review assignments, newest first.
#[utoipa::path(get, path = "/expert/assignments", tag = "grants",
    responses((status = 200, body = Vec<ExpertAssignmentItem>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn my_assignments(
    State(state): State<AppState>,
    auth: Authorized<ScoreReviews>,
) -> ApiResult<axum::Json<Vec<ExpertAssignmentItem>>> {
    let Some(me) = kc_db::review::expert_of_user(state.db.read(), auth.user.user.id).await? else {
        return Ok(axum::Json(Vec::new()));
    };
    let assignments = kc_db::review::assignments_of_expert(state.db.read(), me.id).await?;
    Ok(axum::Json(expert_items(&state, &assignments).await?))
}

/// One of the signed-in expert's assignments, with the score sheet and the application.
#[utoipa::path(get, path = "/expert/assignments/{id}", tag = "grants", params(("id" = Uuid, Path)),
    responses((status = 200, body = ExpertAssignmentDetail), (status = 404, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn my_assignment(
    State(state): State<AppState>,
    auth: Authorized<ScoreReviews>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::Json<ExpertAssignmentDetail>> {
    let (_, a) = own_assignment(&state, &auth.user, id).await?;
    Ok(axum::Json(expert_detail(&state, &a).await?))
}

/// Points to hundredths, or `None` for a number no criterion could take.
fn centipoints(p: f64) -> Option<i32> {
    let c = (p * 100.0).round();
    (c.is_finite() && c.abs() <= 1_000_000.0).then_some(c as i32)
}

/// Hand in (or correct, until the deadline) the scores; every version is kept.
#[utoipa::path(put, path = "/expert/assignments/{id}/scores", tag = "grants", params(("id" = Uuid, Path)),
    request_body = ScoreInput,
    responses((status = 200, body = ExpertAssignmentDetail), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn submit_scores(
    State(state): State<AppState>,
    auth: Authorized<ScoreReviews>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ScoreInput>,
) -> ApiResult<axum::Json<ExpertAssignmentDetail>> {
    let (_, a) = own_assignment(&state, &auth.user, id).await?;
    let round = kc_db::review::round(state.db.read(), a.round_id).await?.ok_or_else(ApiError::not_found)?;
    let now = state.clock.now();
    if round.status != "open" || now > round.deadline {
        return Err(round_closed(&round));
    }
    if !kc_db::review::ACTIVE.contains(&a.status.as_str()) {
        return Err(ApiError::conflict(
            "not_reviewing",
            "您已申明回避或放弃评审这份申报书",
            "You declared a conflict or abstained from this review",
        ));
    }
    let rules = round_rules(&round)?;
    let mut v = Validator::default();
    let mut scores = BTreeMap::new();
    for (code, p) in &req.scores {
        match centipoints(*p) {
            Some(c) => {
                scores.insert(code.clone(), c);
            }
            None => v.add(&format!("scores.{code}"), "invalid", "分数不正确", "Not a valid score"),
        }
    }
    let total = match rules.score_sheet.total(&scores) {
        Ok(t) => Some(t),
        Err(problems) => {
            for p in problems {
                if !v.errors.iter().any(|e| e.field == format!("scores.{}", p.criterion)) {
                    v.add(&format!("scores.{}", p.criterion), "invalid", p.message_zh, p.message_en);
                }
            }
            None
        }
    };
    let comment = req.comment.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_string);
    if let Some(c) = &comment
        && c.chars().count() > 2000
    {
        v.add("comment", "length", "评审意见不超过 2000 字", "The comment has at most 2000 characters");
    }
    if let Some(t) = total
        && comment.is_none()
        && rules.score_sheet.comment_required(t)
    {
        v.add(
            "comment",
            "required",
            format!("总分 {:.2} 分，请填写评审意见", points(t)),
            format!("With a total of {:.2}, a comment is required", points(t)),
        );
    }
    v.finish()?;
    let total = total.ok_or_else(ApiError::internal)?;
    let scores_text = serde_json::to_string(&scores).map_err(|_| ApiError::internal())?;
    let mut updated = a.clone();
    updated.status = "submitted".into();
    updated.scores = Some(scores_text.clone());
    updated.total = Some(total);
    updated.comment = comment.clone();
    updated.submitted_at = Some(now);
    updated.updated_at = now;
    let txn = state.db.write().begin().await?;
    kc_db::review::update_assignment(&txn, updated.clone()).await?;
    kc_db::review::insert_score_version(
        &txn,
        kc_db::entities::review_score_version::Model {
            id: Uuid::now_v7(),
            assignment_id: a.id,
            scores: scores_text,
            total,
            comment: comment.clone(),
            recorded_by: auth.user.user.id,
            recorded_at: now,
        },
    )
    .await?;
    audit(
        &txn,
        now,
        &auth.user,
        ("review_assignment", a.id, "score"),
        Some(serde_json::json!({ "status": a.status, "total": a.total })),
        Some(serde_json::json!({ "status": "submitted", "total": total, "scores": scores })),
        comment,
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(expert_detail(&state, &updated).await?))
}

async fn step_aside(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    reason: &str,
    to: &'static str,
) -> ApiResult<ExpertAssignmentDetail> {
    let (_, a) = own_assignment(state, user, id).await?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(ApiError::field(
            "reason",
            "required",
            "请说明理由（不超过 500 字）",
            "Give a reason (up to 500 characters)",
        ));
    }
    if a.status != "assigned" {
        return Err(ApiError::conflict(
            "invalid_state",
            "该评审任务已提交评分或已申明，不能再更改",
            "This review was handed in or declined already",
        ));
    }
    let now = state.clock.now();
    let mut updated = a.clone();
    updated.status = to.into();
    updated.conflict_reason = Some(reason.to_string());
    updated.updated_at = now;
    let txn = state.db.write().begin().await?;
    kc_db::review::update_assignment(&txn, updated.clone()).await?;
    audit(
        &txn,
        now,
        user,
        ("review_assignment", a.id, if to == "conflict" { "declare_conflict" } else { "abstain" }),
        Some(serde_json::json!({ "status": a.status })),
        Some(serde_json::json!({ "status": to })),
        Some(reason.to_string()),
    )
    .await?;
    txn.commit().await?;
    expert_detail(state, &updated).await
}

/// Declare a conflict of interest with the application (回避): the expert no longer sees it
/// and is never assigned to it again.
#[utoipa::path(post, path = "/expert/assignments/{id}/conflict", tag = "grants", params(("id" = Uuid, Path)),
    request_body = ReasonInput,
    responses((status = 200, body = ExpertAssignmentDetail), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn declare_conflict(
    State(state): State<AppState>,
    auth: Authorized<ScoreReviews>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ReasonInput>,
) -> ApiResult<axum::Json<ExpertAssignmentDetail>> {
    Ok(axum::Json(step_aside(&state, &auth.user, id, &req.reason, "conflict").await?))
}

/// Abstain from the review (e.g. outside one's expertise).
#[utoipa::path(post, path = "/expert/assignments/{id}/abstain", tag = "grants", params(("id" = Uuid, Path)),
    request_body = ReasonInput,
    responses((status = 200, body = ExpertAssignmentDetail), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn abstain(
    State(state): State<AppState>,
    auth: Authorized<ScoreReviews>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ReasonInput>,
) -> ApiResult<axum::Json<ExpertAssignmentDetail>> {
    Ok(axum::Json(step_aside(&state, &auth.user, id, &req.reason, "abstained").await?))
}
