//! Organisation administration and the locality routing rules (ACC-4, ACC-5).

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use kc_core::credit_code::{CreditCode, CreditCodeError};
use kc_core::identity::{CreditStatus, OrgType, RecommenderKind};
use kc_core::routing::{OrgFacts, RoutingMode};
use kc_db::audit::NewAuditEvent;
use kc_db::entities::{org_certification, organisation, routing_rule};
use kc_db::{PageRequest, TransactionTrait};
use uuid::Uuid;

use super::dto::{
    CertificationDto, OrgQuery, OrgRef, Organisation, OrganisationInput, OrganisationPage, RoutingRuleDto,
};
use super::excel;
use super::org_snapshot;
use super::public::is_recommender;
use crate::auth::{Authorized, ManageOrganisations, ReadDirectory};
use crate::error::{ApiError, ApiResult, Problem, Validator};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

/// The fields every organisation form has.
pub(crate) struct OrgFields<'a> {
    pub name: &'a str,
    pub credit_code: &'a str,
    pub org_type: &'a str,
    pub district: Option<&'a str>,
    pub registered_capital_fen: Option<i64>,
    pub last_year_revenue_fen: Option<i64>,
}

/// Organisation fields after validation.
pub(crate) struct ValidOrg {
    pub name: String,
    pub credit_code: String,
    pub org_type: OrgType,
    pub district: Option<String>,
    pub registered_capital_fen: Option<i64>,
    pub last_year_revenue_fen: Option<i64>,
}

pub(crate) fn credit_code_messages(e: &CreditCodeError) -> (String, String) {
    match e {
        CreditCodeError::Length(n) => (
            format!("统一社会信用代码应为 18 位，当前为 {n} 位"),
            format!("A unified social credit code has 18 characters, not {n}"),
        ),
        CreditCodeError::Character { position, ch } => (
            format!("第 {position} 位“{ch}”不是统一社会信用代码允许的字符（不使用 I、O、Z、S、V）"),
            format!("Character {position} ({ch}) is not allowed in a credit code (I, O, Z, S, V are never used)"),
        ),
        CreditCodeError::CheckDigit { .. } => (
            "统一社会信用代码校验位不正确，请核对营业执照后重新填写".into(),
            "The credit code's check digit is wrong; copy it again from the business licence".into(),
        ),
    }
}

/// Validates organisation fields, adding errors under `prefix` (e.g. `new_organisation.`).
pub(crate) async fn validate_org_fields(
    state: &AppState,
    v: &mut Validator,
    prefix: &str,
    f: &OrgFields<'_>,
) -> ApiResult<Option<ValidOrg>> {
    let before = v.errors.len();
    v.text(&format!("{prefix}name"), f.name, "单位名称", 2, 100);
    let code = match CreditCode::parse(f.credit_code) {
        Ok(c) => Some(c),
        Err(e) => {
            let (zh, en) = credit_code_messages(&e);
            v.add(&format!("{prefix}credit_code"), "invalid_credit_code", zh, en);
            None
        }
    };
    let org_type = OrgType::parse(f.org_type);
    if org_type.is_none() {
        v.add(&format!("{prefix}org_type"), "invalid", "请选择单位类型", "Choose the organisation type");
    }
    let district = f.district.map(str::trim).filter(|d| !d.is_empty()).map(String::from);
    if let Some(d) = &district {
        let known = kc_db::identity::districts(state.db.read()).await?.iter().any(|k| &k.code == d);
        if !known {
            v.add(&format!("{prefix}district"), "invalid", "请选择所在区县", "Choose the district from the list");
        }
    }
    for (field, value) in
        [("registered_capital_fen", f.registered_capital_fen), ("last_year_revenue_fen", f.last_year_revenue_fen)]
    {
        if value.is_some_and(|x| x < 0) {
            v.add(&format!("{prefix}{field}"), "negative", "金额不能为负数", "Amounts cannot be negative");
        }
    }
    if v.errors.len() > before {
        return Ok(None);
    }
    let (Some(code), Some(org_type)) = (code, org_type) else { return Ok(None) };
    Ok(Some(ValidOrg {
        name: f.name.trim().to_string(),
        credit_code: code.as_str().to_string(),
        org_type,
        district,
        registered_capital_fen: f.registered_capital_fen,
        last_year_revenue_fen: f.last_year_revenue_fen,
    }))
}

async fn organisation_views(state: &AppState, orgs: Vec<organisation::Model>) -> ApiResult<Vec<Organisation>> {
    let ids: Vec<Uuid> = orgs.iter().map(|o| o.id).collect();
    let certs = kc_db::identity::certifications_of(state.db.read(), &ids).await?;
    let mut rec_ids: Vec<Uuid> = orgs.iter().filter_map(|o| o.recommender_id).collect();
    rec_ids.sort();
    rec_ids.dedup();
    let names: HashMap<Uuid, String> = kc_db::identity::organisations_by_ids(state.db.read(), &rec_ids)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let mut by_org: HashMap<Uuid, Vec<CertificationDto>> = HashMap::new();
    for c in certs {
        by_org.entry(c.org_id).or_default().push(CertificationDto {
            kind: c.kind,
            cert_no: c.cert_no,
            valid_from: c.valid_from,
            valid_until: c.valid_until,
        });
    }
    Ok(orgs
        .into_iter()
        .map(|o| Organisation {
            certifications: by_org.remove(&o.id).unwrap_or_default(),
            recommender: o.recommender_id.map(|id| OrgRef { id, name: names.get(&id).cloned().unwrap_or_default() }),
            id: o.id,
            name: o.name,
            credit_code: o.credit_code,
            org_type: o.org_type,
            district: o.district,
            recommender_kind: o.recommender_kind,
            registered_capital_fen: o.registered_capital_fen,
            last_year_revenue_fen: o.last_year_revenue_fen,
            in_statistics_scope: o.in_statistics_scope,
            credit_status: o.credit_status,
            created_at: o.created_at,
        })
        .collect())
}

fn filter_of(q: &OrgQuery) -> kc_db::identity::OrgFilter {
    kc_db::identity::OrgFilter { q: q.q.clone(), org_type: q.org_type.clone(), district: q.district.clone() }
}

/// Organisations, filtered and paged.
#[utoipa::path(get, path = "/admin/organisations", tag = "identity", params(OrgQuery),
    responses((status = 200, body = OrganisationPage), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_organisations(
    State(state): State<AppState>,
    _auth: Authorized<ReadDirectory>,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<axum::Json<OrganisationPage>> {
    let page =
        kc_db::identity::list_organisations(state.db.read(), &filter_of(&q), PageRequest::new(q.page, q.per_page))
            .await?;
    Ok(axum::Json(OrganisationPage { items: organisation_views(&state, page.items).await?, total: page.total }))
}

/// The same list as Excel, with the same filters (every row, not one page).
#[utoipa::path(get, path = "/admin/organisations/export", tag = "identity", params(OrgQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn export_organisations(
    State(state): State<AppState>,
    _auth: Authorized<ReadDirectory>,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Response> {
    let filter = filter_of(&q);
    let orgs = kc_db::all_pages(|page| kc_db::identity::list_organisations(state.db.read(), &filter, page)).await?;
    let rows = organisation_views(&state, orgs).await?;
    let districts: HashMap<String, String> =
        kc_db::identity::districts(state.db.read()).await?.into_iter().map(|d| (d.code, d.name_zh)).collect();
    excel::organisations(&rows, &districts)
}

fn parse_certifications(
    v: &mut Validator,
    certs: &[CertificationDto],
    kinds: &[String],
    org_id: Uuid,
) -> Vec<org_certification::Model> {
    let mut out = Vec::new();
    for (i, c) in certs.iter().enumerate() {
        if !kinds.contains(&c.kind) {
            v.add(&format!("certifications.{i}.kind"), "invalid", "请选择资质类型", "Choose the certification kind");
        }
        if c.valid_until < c.valid_from {
            v.add(
                &format!("certifications.{i}.valid_until"),
                "before_start",
                "有效期截止日不能早于起始日",
                "The end of validity cannot precede its start",
            );
        }
        out.push(org_certification::Model {
            id: Uuid::now_v7(),
            org_id,
            kind: c.kind.clone(),
            cert_no: c.cert_no.clone().filter(|n| !n.trim().is_empty()),
            valid_from: c.valid_from,
            valid_until: c.valid_until,
        });
    }
    out
}

/// Validates a full organisation form into a model (id and timestamps from the caller).
async fn organisation_from_input(
    state: &AppState,
    input: &OrganisationInput,
    id: Uuid,
    created_at: chrono::DateTime<chrono::Utc>,
) -> ApiResult<(organisation::Model, Vec<org_certification::Model>)> {
    let mut v = Validator::default();
    let fields = OrgFields {
        name: &input.name,
        credit_code: &input.credit_code,
        org_type: &input.org_type,
        district: input.district.as_deref(),
        registered_capital_fen: input.registered_capital_fen,
        last_year_revenue_fen: input.last_year_revenue_fen,
    };
    let valid = validate_org_fields(state, &mut v, "", &fields).await?;
    let kind = RecommenderKind::parse(&input.recommender_kind);
    if kind.is_none() {
        v.add("recommender_kind", "invalid", "推荐单位类别不正确", "Invalid recommending-unit kind");
    }
    if kind == Some(RecommenderKind::DistrictOffice) && input.district.as_deref().is_none_or(str::is_empty) {
        v.add("district", "required", "区县科技部门须填写所在区县", "A district S&T office needs its district");
    }
    if CreditStatus::parse(&input.credit_status).is_none() {
        v.add("credit_status", "invalid", "信用状态不正确", "Invalid credit status");
    }
    let kinds: Vec<String> =
        kc_db::identity::certification_kinds(state.db.read()).await?.into_iter().map(|k| k.code).collect();
    let certs = parse_certifications(&mut v, &input.certifications, &kinds, id);
    if let Some(rid) = input.recommender_id {
        let ok = is_recommender(state, rid).await?;
        if !ok {
            v.add("recommender_id", "not_a_recommender", "所选推荐单位不存在", "No such recommending unit");
        }
    }
    v.finish()?;
    let (Some(valid), Some(kind)) = (valid, kind) else { return Err(ApiError::internal()) };
    // Without an explicit choice, the locality rules decide; a recommender has none.
    let recommender_id = match (input.recommender_id, kind) {
        (Some(r), _) => Some(r),
        (None, RecommenderKind::None) => {
            let facts = OrgFacts { id: Some(id), org_type: valid.org_type, district: valid.district.clone() };
            super::public::suggest(state, &facts).await?.ok().map(|o| o.id)
        }
        (None, _) => None,
    };
    let now = state.clock.now();
    Ok((
        organisation::Model {
            id,
            name: valid.name,
            credit_code: valid.credit_code,
            org_type: valid.org_type.as_str().into(),
            district: valid.district,
            recommender_kind: kind.as_str().into(),
            registered_capital_fen: valid.registered_capital_fen,
            last_year_revenue_fen: valid.last_year_revenue_fen,
            in_statistics_scope: input.in_statistics_scope,
            credit_status: input.credit_status.clone(),
            recommender_id,
            created_at,
            updated_at: now,
        },
        certs,
    ))
}

fn credit_code_taken() -> ApiError {
    ApiError::conflict(
        "credit_code_taken",
        "已有单位使用该统一社会信用代码",
        "Another organisation has this credit code",
    )
    .on_field("credit_code")
}

/// Create an organisation.
#[utoipa::path(post, path = "/admin/organisations", tag = "identity", request_body = OrganisationInput,
    responses((status = 201, body = Organisation), (status = 409, body = Problem), (status = 422, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn create_organisation(
    State(state): State<AppState>,
    auth: Authorized<ManageOrganisations>,
    ApiJson(input): ApiJson<OrganisationInput>,
) -> ApiResult<(StatusCode, axum::Json<Organisation>)> {
    let now = state.clock.now();
    let (org, certs) = organisation_from_input(&state, &input, Uuid::now_v7(), now).await?;
    if kc_db::identity::organisation_by_credit_code(state.db.read(), &org.credit_code).await?.is_some() {
        return Err(credit_code_taken());
    }
    let after = org_snapshot(&org, &certs);
    let txn = state.db.write().begin().await?;
    kc_db::identity::save_organisation(&txn, org.clone(), certs, true).await.map_err(|e| match e {
        kc_db::DbError::Unique(_) => credit_code_taken(),
        other => other.into(),
    })?;
    kc_db::audit::append(
        &txn,
        now,
        NewAuditEvent {
            actor_id: Some(auth.user.user.id),
            entity_type: "organisation",
            entity_id: org.id.to_string(),
            action: "create",
            before: None,
            after: Some(after),
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    let view = organisation_views(&state, vec![org]).await?.pop().ok_or_else(ApiError::internal)?;
    Ok((StatusCode::CREATED, axum::Json(view)))
}

/// One organisation.
#[utoipa::path(get, path = "/admin/organisations/{id}", tag = "identity", params(("id" = Uuid, Path)),
    responses((status = 200, body = Organisation), (status = 404, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn get_organisation(
    State(state): State<AppState>,
    _auth: Authorized<ReadDirectory>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::Json<Organisation>> {
    let org = kc_db::identity::organisation(state.db.read(), id).await?.ok_or_else(ApiError::not_found)?;
    let view = organisation_views(&state, vec![org]).await?.pop().ok_or_else(ApiError::internal)?;
    Ok(axum::Json(view))
}

/// Replace an organisation's details and certifications.
#[utoipa::path(put, path = "/admin/organisations/{id}", tag = "identity", params(("id" = Uuid, Path)), request_body = OrganisationInput,
    responses((status = 200, body = Organisation), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn update_organisation(
    State(state): State<AppState>,
    auth: Authorized<ManageOrganisations>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<OrganisationInput>,
) -> ApiResult<axum::Json<Organisation>> {
    let existing = kc_db::identity::organisation(state.db.read(), id).await?.ok_or_else(ApiError::not_found)?;
    let old_certs = kc_db::identity::certifications_of(state.db.read(), &[id]).await?;
    let (org, certs) = organisation_from_input(&state, &input, id, existing.created_at).await?;
    if org.credit_code != existing.credit_code
        && kc_db::identity::organisation_by_credit_code(state.db.read(), &org.credit_code).await?.is_some()
    {
        return Err(credit_code_taken());
    }
    let before = org_snapshot(&existing, &old_certs);
    let after = org_snapshot(&org, &certs);
    let now = state.clock.now();
    let txn = state.db.write().begin().await?;
    kc_db::identity::save_organisation(&txn, org.clone(), certs, false).await.map_err(|e| match e {
        kc_db::DbError::Unique(_) => credit_code_taken(),
        other => other.into(),
    })?;
    kc_db::audit::append(
        &txn,
        now,
        NewAuditEvent {
            actor_id: Some(auth.user.user.id),
            entity_type: "organisation",
            entity_id: id.to_string(),
            action: "update",
            before: Some(before),
            after: Some(after),
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    state.org_names.invalidate(&id);
    let view = organisation_views(&state, vec![org]).await?.pop().ok_or_else(ApiError::internal)?;
    Ok(axum::Json(view))
}

/// The locality rules that pre-fill an applicant's recommending unit.
#[utoipa::path(get, path = "/admin/routing-rules", tag = "identity",
    responses((status = 200, body = Vec<RoutingRuleDto>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn get_routing_rules(
    State(state): State<AppState>,
    _auth: Authorized<ReadDirectory>,
) -> ApiResult<axum::Json<Vec<RoutingRuleDto>>> {
    let rules = kc_db::identity::routing_rules(state.db.read()).await?;
    Ok(axum::Json(rules.into_iter().map(|r| RoutingRuleDto { org_type: r.org_type, mode: r.mode }).collect()))
}

/// Replace the locality rules.
#[utoipa::path(put, path = "/admin/routing-rules", tag = "identity", request_body = Vec<RoutingRuleDto>,
    responses((status = 200, body = Vec<RoutingRuleDto>), (status = 422, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn put_routing_rules(
    State(state): State<AppState>,
    auth: Authorized<ManageOrganisations>,
    ApiJson(rules): ApiJson<Vec<RoutingRuleDto>>,
) -> ApiResult<axum::Json<Vec<RoutingRuleDto>>> {
    let mut v = Validator::default();
    let mut seen = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        if OrgType::parse(&r.org_type).is_none() {
            v.add(&format!("{i}.org_type"), "invalid", "单位类型不正确", "Invalid organisation type");
        } else if seen.contains(&r.org_type) {
            v.add(
                &format!("{i}.org_type"),
                "duplicate",
                "每种单位类型只能有一条规则",
                "One rule per organisation type",
            );
        }
        seen.push(r.org_type.clone());
        if RoutingMode::parse(&r.mode).is_none() {
            v.add(&format!("{i}.mode"), "invalid", "推荐方式不正确", "Invalid routing mode");
        }
    }
    v.finish()?;
    let before = kc_db::identity::routing_rules(state.db.read()).await?;
    let now = state.clock.now();
    let txn = state.db.write().begin().await?;
    kc_db::identity::replace_routing_rules(
        &txn,
        rules.iter().map(|r| routing_rule::Model { org_type: r.org_type.clone(), mode: r.mode.clone() }).collect(),
    )
    .await?;
    kc_db::audit::append(
        &txn,
        now,
        NewAuditEvent {
            actor_id: Some(auth.user.user.id),
            entity_type: "routing_rules",
            entity_id: "all".into(),
            action: "update",
            before: Some(serde_json::json!(
                before.iter().map(|r| (r.org_type.clone(), r.mode.clone())).collect::<HashMap<_, _>>()
            )),
            after: Some(serde_json::json!(
                rules.iter().map(|r| (r.org_type.clone(), r.mode.clone())).collect::<HashMap<_, _>>()
            )),
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(rules))
}
