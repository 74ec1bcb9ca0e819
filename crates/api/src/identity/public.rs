//! What anyone may read before logging in, and self-registration (ACC-1).

use axum::extract::State;
use axum::http::StatusCode;
use kc_core::identity::{AccountStatus, OrgType, RecommenderKind, Role};
use kc_core::routing::{OrgFacts, RecommenderFacts, RoutingError, RoutingMode, RoutingRule, route};
use kc_db::TransactionTrait;
use kc_db::audit::NewAuditEvent;
use kc_db::entities::{organisation, user};
use uuid::Uuid;

use super::dto::{
    CertificationKind, District, OrgSearchQuery, OrgSummary, RecommenderItem, RecommenderSuggestion,
    RegistrationRequest, RegistrationResponse, SuggestionQuery,
};
use super::organisations::{OrgFields, validate_org_fields};
use super::{mail, org_snapshot, user_snapshot};
use crate::auth::{ClientIp, hash_password};
use crate::error::{ApiError, ApiResult, Problem, Validator};
use crate::extract::{ApiJson, ApiQuery};
use crate::state::AppState;

/// Districts (区县) of the city, as configured.
#[utoipa::path(get, path = "/public/districts", tag = "identity", responses((status = 200, body = Vec<District>)))]
pub async fn districts(State(state): State<AppState>) -> ApiResult<axum::Json<Vec<District>>> {
    let rows = kc_db::identity::districts(state.db.read()).await?;
    Ok(axum::Json(
        rows.into_iter().map(|d| District { code: d.code, name_zh: d.name_zh, name_en: d.name_en }).collect(),
    ))
}

/// Certification kinds (高新技术企业 …).
#[utoipa::path(get, path = "/public/certification-kinds", tag = "identity",
    responses((status = 200, body = Vec<CertificationKind>)))]
pub async fn certification_kinds(State(state): State<AppState>) -> ApiResult<axum::Json<Vec<CertificationKind>>> {
    let rows = kc_db::identity::certification_kinds(state.db.read()).await?;
    Ok(axum::Json(
        rows.into_iter().map(|k| CertificationKind { code: k.code, name_zh: k.name_zh, name_en: k.name_en }).collect(),
    ))
}

/// Recommending units an applicant may choose.
#[utoipa::path(get, path = "/public/recommenders", tag = "identity", responses((status = 200, body = Vec<RecommenderItem>)))]
pub async fn recommenders(State(state): State<AppState>) -> ApiResult<axum::Json<Vec<RecommenderItem>>> {
    let rows = kc_db::identity::recommenders(state.db.read()).await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|o| RecommenderItem { id: o.id, name: o.name, kind: o.recommender_kind, district: o.district })
            .collect(),
    ))
}

/// Organisations by name or credit code, for picking an existing one when registering.
#[utoipa::path(get, path = "/public/organisations", tag = "identity", params(OrgSearchQuery),
    responses((status = 200, body = Vec<OrgSummary>)))]
pub async fn organisations(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<OrgSearchQuery>,
) -> ApiResult<axum::Json<Vec<OrgSummary>>> {
    let limit = q.limit.unwrap_or(20).clamp(1, 50);
    let rows = kc_db::identity::search_organisations(state.db.read(), q.q.as_deref().unwrap_or(""), limit).await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|o| OrgSummary {
                id: o.id,
                name: o.name,
                credit_code: o.credit_code,
                org_type: o.org_type,
                district: o.district,
            })
            .collect(),
    ))
}

/// The recommending unit the locality rules give.
pub(crate) async fn suggest(
    state: &AppState,
    facts: &OrgFacts,
) -> ApiResult<Result<organisation::Model, RoutingError>> {
    let rules: Vec<RoutingRule> = kc_db::identity::routing_rules(state.db.read())
        .await?
        .into_iter()
        .filter_map(|r| {
            Some(RoutingRule { org_type: OrgType::parse(&r.org_type)?, mode: RoutingMode::parse(&r.mode)? })
        })
        .collect();
    let orgs = kc_db::identity::recommenders(state.db.read()).await?;
    let facts_of: Vec<RecommenderFacts> = orgs
        .iter()
        .filter_map(|o| {
            Some(RecommenderFacts {
                id: o.id,
                kind: RecommenderKind::parse(&o.recommender_kind)?,
                district: o.district.clone(),
            })
        })
        .collect();
    Ok(route(facts, &rules, &facts_of)
        .map(|id| orgs.into_iter().find(|o| o.id == id))
        .and_then(|o| o.ok_or(RoutingError::NoBureau)))
}

pub(crate) fn routing_error(e: &RoutingError) -> (String, String) {
    match e {
        RoutingError::NoRule(t) => (
            format!("没有为“{t}”类型单位配置推荐单位规则，请手动选择推荐单位"),
            format!("No routing rule covers organisations of type {t}; choose the recommending unit yourself"),
        ),
        RoutingError::NoDistrictOffice(d) => (
            format!("所在区县（{}）没有区县科技部门账号，请手动选择推荐单位", d.as_deref().unwrap_or("未填写")),
            format!(
                "No district S&T office serves district {}; choose the recommending unit yourself",
                d.as_deref().unwrap_or("(none)")
            ),
        ),
        RoutingError::NotSelfRecommending => (
            "该单位尚未开通推荐单位账号，请手动选择推荐单位或联系科技局".into(),
            "This organisation is not set up as its own recommending unit; choose one or contact the bureau".into(),
        ),
        RoutingError::NoBureau => (
            "科技局尚未设置为推荐单位，请联系科技局".into(),
            "The bureau is not set up as a recommending unit; please contact it".into(),
        ),
    }
}

/// Suggests the recommending unit for an existing organisation or for a type and district.
#[utoipa::path(get, path = "/public/recommender-suggestion", tag = "identity", params(SuggestionQuery),
    responses((status = 200, body = RecommenderSuggestion), (status = 422, body = Problem)))]
pub async fn recommender_suggestion(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<SuggestionQuery>,
) -> ApiResult<axum::Json<RecommenderSuggestion>> {
    let facts = if let Some(id) = q.organisation_id {
        let org = kc_db::identity::organisation(state.db.read(), id).await?.ok_or_else(ApiError::not_found)?;
        OrgFacts {
            id: Some(org.id),
            org_type: OrgType::parse(&org.org_type).ok_or_else(ApiError::internal)?,
            district: org.district,
        }
    } else {
        let org_type =
            q.org_type.as_deref().and_then(OrgType::parse).ok_or_else(|| {
                ApiError::field("org_type", "invalid", "请选择单位类型", "Choose the organisation type")
            })?;
        OrgFacts { id: None, org_type, district: q.district }
    };
    match suggest(&state, &facts).await? {
        Ok(org) => Ok(axum::Json(RecommenderSuggestion { recommender_id: org.id, recommender_name: org.name })),
        Err(e) => {
            let (zh, en) = routing_error(&e);
            Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "no_route", zh, en))
        }
    }
}

/// Whether `id` is an organisation that acts as a recommending unit.
pub(crate) async fn is_recommender(state: &AppState, id: Uuid) -> ApiResult<bool> {
    Ok(kc_db::identity::organisation(state.db.read(), id)
        .await?
        .is_some_and(|o| o.recommender_kind != RecommenderKind::None.as_str()))
}

/// Username rules: 3–32 of a–z, 0–9, `_ . -`, starting with a letter.
pub(crate) fn validate_username(v: &mut Validator, field: &str, username: &str) {
    let ok = (3..=32).contains(&username.len())
        && username.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && username.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c));
    if !ok {
        v.add(
            field,
            "invalid_username",
            "用户名须为 3–32 位小写字母、数字或 _ . -，并以字母开头",
            "Usernames have 3–32 lower-case letters, digits or _ . -, starting with a letter",
        );
    }
}

pub(crate) fn validate_email(v: &mut Validator, field: &str, email: &str) {
    let ok = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        })
        && !email.contains(char::is_whitespace);
    if !ok {
        v.add(field, "invalid_email", "邮箱格式不正确", "This is not a valid e-mail address");
    }
}

/// Mainland mobile numbers: 11 digits starting with 1.
pub(crate) fn validate_phone(v: &mut Validator, field: &str, phone: &str) {
    let ok = phone.len() == 11 && phone.starts_with('1') && phone.chars().all(|c| c.is_ascii_digit());
    if !ok {
        v.add(field, "invalid_phone", "手机号须为 11 位数字", "Phone numbers have 11 digits starting with 1");
    }
}

/// Checks that username, e-mail and phone are not used by another account.
pub(crate) async fn check_login_names_free(
    state: &AppState,
    username: &str,
    email: Option<&str>,
    phone: Option<&str>,
) -> ApiResult<()> {
    if kc_db::identity::login_name_in_use(state.db.read(), username).await? {
        return Err(ApiError::conflict(
            "username_taken",
            "该用户名已被使用，请换一个",
            "This username is taken; choose another",
        )
        .on_field("username"));
    }
    let mut v = Validator::default();
    if let Some(email) = email
        && kc_db::identity::login_name_in_use(state.db.read(), email).await?
    {
        v.add("email", "taken", "该邮箱已绑定其他账号", "This e-mail belongs to another account");
    }
    if let Some(phone) = phone
        && kc_db::identity::login_name_in_use(state.db.read(), phone).await?
    {
        v.add("phone", "taken", "该手机号已绑定其他账号", "This phone number belongs to another account");
    }
    v.finish()
}

/// Register an individual or unit applicant account; it stays pending until the bureau approves it.
#[utoipa::path(post, path = "/registrations", tag = "identity", request_body = RegistrationRequest,
    responses((status = 201, body = RegistrationResponse), (status = 409, body = Problem), (status = 422, body = Problem),
              (status = 429, body = Problem)))]
pub async fn register(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<RegistrationRequest>,
) -> ApiResult<(StatusCode, axum::Json<RegistrationResponse>)> {
    super::session::throttle(&state, ip)?;
    let username = kc_db::normalise_login(&req.username);
    let email = kc_db::normalise_login(&req.email);
    let phone = req.phone.trim().to_string();
    let mut v = Validator::default();
    let role = Role::parse(&req.account_type).filter(|r| r.is_self_registered());
    if role.is_none() {
        v.add("account_type", "invalid", "请选择个人申报者或单位申报者", "Choose individual or unit applicant");
    }
    validate_username(&mut v, "username", &username);
    v.text("display_name", &req.display_name, "姓名", 1, 50);
    validate_email(&mut v, "email", &email);
    validate_phone(&mut v, "phone", &phone);
    v.errors.extend(super::session::check_password(&state, "password", &username, &req.password));

    let new_org = match (&req.organisation_id, &req.new_organisation) {
        (Some(_), Some(_)) | (None, None) => {
            v.add(
                "organisation_id",
                "choose_one",
                "请选择已有单位，或填写新单位信息（二选一）",
                "Pick an existing organisation or describe a new one (one of the two)",
            );
            None
        }
        (None, Some(n)) => {
            let fields = OrgFields {
                name: &n.name,
                credit_code: &n.credit_code,
                org_type: &n.org_type,
                district: n.district.as_deref(),
                registered_capital_fen: n.registered_capital_fen,
                last_year_revenue_fen: n.last_year_revenue_fen,
            };
            validate_org_fields(&state, &mut v, "new_organisation.", &fields).await?
        }
        (Some(_), None) => None,
    };
    let existing_org = match req.organisation_id {
        Some(id) => {
            let org = kc_db::identity::organisation(state.db.read(), id).await?;
            if org.is_none() {
                v.add("organisation_id", "not_found", "所选单位不存在", "The chosen organisation does not exist");
            }
            org
        }
        None => None,
    };
    v.finish()?;
    let (Some(role), new_org) = (role, new_org) else {
        return Err(ApiError::internal());
    };

    check_login_names_free(&state, &username, Some(&email), Some(&phone)).await?;
    if let Some(n) = &new_org
        && kc_db::identity::organisation_by_credit_code(state.db.read(), &n.credit_code).await?.is_some()
    {
        return Err(ApiError::conflict(
            "credit_code_taken",
            "该统一社会信用代码的单位已在平台登记，请在“选择已有单位”中搜索并选择它",
            "An organisation with this credit code is already registered; search for it and pick it instead",
        )
        .on_field("new_organisation.credit_code"));
    }

    // The recommending unit: the applicant's choice if it is one, else the rules' suggestion.
    let facts = match (&existing_org, &new_org) {
        (Some(o), _) => OrgFacts {
            id: Some(o.id),
            org_type: OrgType::parse(&o.org_type).unwrap_or(OrgType::Enterprise),
            district: o.district.clone(),
        },
        (None, Some(n)) => OrgFacts { id: None, org_type: n.org_type, district: n.district.clone() },
        (None, None) => return Err(ApiError::internal()),
    };
    let recommender_id = match req.recommender_id {
        Some(id) => {
            let ok = is_recommender(&state, id).await?;
            if !ok {
                return Err(ApiError::field(
                    "recommender_id",
                    "not_a_recommender",
                    "所选推荐单位不存在",
                    "The chosen recommending unit does not exist",
                ));
            }
            id
        }
        None => match suggest(&state, &facts).await? {
            Ok(o) => o.id,
            Err(e) => {
                let (zh, en) = routing_error(&e);
                return Err(ApiError::field("recommender_id", "no_route", zh, en));
            }
        },
    };

    let password_hash = hash_password(req.password).await?;
    let now = state.clock.now();
    let user_id = Uuid::now_v7();
    let txn = state.db.write().begin().await?;
    let org_id = match (existing_org, new_org) {
        (Some(o), _) => o.id,
        (None, Some(n)) => {
            let org = organisation::Model {
                id: Uuid::now_v7(),
                name: n.name,
                credit_code: n.credit_code,
                org_type: n.org_type.as_str().into(),
                district: n.district,
                recommender_kind: RecommenderKind::None.as_str().into(),
                registered_capital_fen: n.registered_capital_fen,
                last_year_revenue_fen: n.last_year_revenue_fen,
                in_statistics_scope: false,
                credit_status: "good".into(),
                recommender_id: Some(recommender_id),
                created_at: now,
                updated_at: now,
            };
            let after = org_snapshot(&org, &[]);
            let id = org.id;
            kc_db::identity::save_organisation(&txn, org, Vec::new(), true).await?;
            kc_db::audit::append(
                &txn,
                now,
                NewAuditEvent {
                    actor_id: None,
                    entity_type: "organisation",
                    entity_id: id.to_string(),
                    action: "register",
                    before: None,
                    after: Some(after),
                    reason: Some(format!("registered with account {username}")),
                },
            )
            .await?;
            id
        }
        (None, None) => return Err(ApiError::internal()),
    };
    let user = user::Model {
        id: user_id,
        username: username.clone(),
        email: Some(email.clone()),
        phone: Some(phone),
        display_name: req.display_name.trim().to_string(),
        password_hash,
        role: role.as_str().into(),
        status: AccountStatus::Pending.as_str().into(),
        org_id: Some(org_id),
        recommender_id: Some(recommender_id),
        department: None,
        rejection_reason: None,
        failed_logins: 0,
        locked_until: None,
        approved_at: None,
        approved_by: None,
        password_changed_at: now,
        created_at: now,
        updated_at: now,
    };
    let after = user_snapshot(&user);
    let display_name = user.display_name.clone();
    kc_db::identity::save_user(&txn, user, true).await.map_err(|e| match e {
        kc_db::DbError::Unique(_) => {
            ApiError::conflict("username_taken", "该用户名已被使用，请换一个", "This username is taken; choose another")
        }
        other => other.into(),
    })?;
    kc_db::audit::append(
        &txn,
        now,
        NewAuditEvent {
            actor_id: Some(user_id),
            entity_type: "account",
            entity_id: user_id.to_string(),
            action: "register",
            before: None,
            after: Some(after),
            reason: None,
        },
    )
    .await?;
    mail::send(&txn, now, Some(&email), mail::registration_received(&display_name, &username)).await?;
    txn.commit().await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(RegistrationResponse { id: user_id, username, status: AccountStatus::Pending.as_str().into() }),
    ))
}
