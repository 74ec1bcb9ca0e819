//! The identity context's HTTP surface: sessions, registration, accounts, organisations,
//! audit and the mail outbox.

mod accounts;
pub mod dto;
pub(crate) mod excel;
pub mod mail;
mod organisations;
mod public;
mod records;
pub(crate) mod session;
mod tokens;

use std::collections::HashMap;

use kc_core::identity::{Role, permissions_of};
use kc_db::entities::{organisation, user};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::error::ApiResult;
use crate::state::AppState;
use dto::{Account, Me, OrgRef};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(session::login))
        .routes(routes!(session::logout))
        .routes(routes!(session::logout_all))
        .routes(routes!(session::change_password))
        .routes(routes!(session::forgot_password))
        .routes(routes!(session::reset_password))
        .routes(routes!(session::me))
        .routes(routes!(tokens::list_tokens, tokens::create_token))
        .routes(routes!(tokens::delete_token))
        .routes(routes!(public::districts))
        .routes(routes!(public::recommenders))
        .routes(routes!(public::organisations))
        .routes(routes!(public::recommender_suggestion))
        .routes(routes!(public::certification_kinds))
        .routes(routes!(public::register))
        .routes(routes!(accounts::list_accounts, accounts::issue_account))
        .routes(routes!(accounts::export_accounts))
        .routes(routes!(accounts::import_accounts))
        .routes(routes!(accounts::import_template))
        .routes(routes!(accounts::get_account_admin))
        .routes(routes!(accounts::approve_account))
        .routes(routes!(accounts::reject_account))
        .routes(routes!(accounts::disable_account))
        .routes(routes!(accounts::enable_account))
        .routes(routes!(accounts::get_account))
        .routes(routes!(organisations::list_organisations, organisations::create_organisation))
        .routes(routes!(organisations::export_organisations))
        .routes(routes!(organisations::get_organisation, organisations::update_organisation))
        .routes(routes!(organisations::get_routing_rules, organisations::put_routing_rules))
        .routes(routes!(records::audit_events))
        .routes(routes!(records::outbox))
}

/// Names of the organisations `users` refer to (their own and their recommender).
pub(crate) async fn org_names(state: &AppState, users: &[&user::Model]) -> ApiResult<HashMap<Uuid, String>> {
    let mut names = HashMap::new();
    let mut missing: Vec<Uuid> = Vec::new();
    for id in users.iter().flat_map(|u| [u.org_id, u.recommender_id]).flatten() {
        match state.org_names.get(&id) {
            Some(name) => {
                names.insert(id, name);
            }
            None => missing.push(id),
        }
    }
    missing.sort();
    missing.dedup();
    for o in kc_db::identity::organisations_by_ids(state.db.read(), &missing).await? {
        state.org_names.insert(o.id, o.name.clone());
        names.insert(o.id, o.name);
    }
    Ok(names)
}

fn org_ref(names: &HashMap<Uuid, String>, id: Option<Uuid>) -> Option<OrgRef> {
    id.map(|id| OrgRef { id, name: names.get(&id).cloned().unwrap_or_default() })
}

pub(crate) async fn accounts_view(state: &AppState, users: &[user::Model]) -> ApiResult<Vec<Account>> {
    let refs: Vec<&user::Model> = users.iter().collect();
    let names = org_names(state, &refs).await?;
    Ok(users.iter().map(|u| account_of(u, &names)).collect())
}

pub(crate) async fn account_view(state: &AppState, u: &user::Model) -> ApiResult<Account> {
    let names = org_names(state, &[u]).await?;
    Ok(account_of(u, &names))
}

fn account_of(u: &user::Model, names: &HashMap<Uuid, String>) -> Account {
    Account {
        id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: u.role.clone(),
        status: u.status.clone(),
        email: u.email.clone(),
        phone: u.phone.clone(),
        department: u.department.clone(),
        organisation: org_ref(names, u.org_id),
        recommender: org_ref(names, u.recommender_id),
        rejection_reason: u.rejection_reason.clone(),
        created_at: u.created_at,
        approved_at: u.approved_at,
    }
}

pub(crate) async fn me_view(state: &AppState, u: &user::Model) -> ApiResult<Me> {
    let account = account_view(state, u).await?;
    let permissions =
        Role::parse(&u.role).map(permissions_of).unwrap_or_default().into_iter().map(String::from).collect();
    Ok(Me { account, permissions })
}

/// The audited form of an organisation (what `before`/`after` record).
pub(crate) fn org_snapshot(
    o: &organisation::Model,
    certs: &[kc_db::entities::org_certification::Model],
) -> serde_json::Value {
    serde_json::json!({
        "name": o.name,
        "credit_code": o.credit_code,
        "org_type": o.org_type,
        "district": o.district,
        "recommender_kind": o.recommender_kind,
        "registered_capital_fen": o.registered_capital_fen,
        "last_year_revenue_fen": o.last_year_revenue_fen,
        "in_statistics_scope": o.in_statistics_scope,
        "credit_status": o.credit_status,
        "recommender_id": o.recommender_id,
        "certifications": certs.iter().map(|c| serde_json::json!({
            "kind": c.kind, "cert_no": c.cert_no,
            "valid_from": c.valid_from.to_string(), "valid_until": c.valid_until.to_string(),
        })).collect::<Vec<_>>(),
    })
}

/// The audited form of an account (never the password hash).
pub(crate) fn user_snapshot(u: &user::Model) -> serde_json::Value {
    serde_json::json!({
        "username": u.username,
        "display_name": u.display_name,
        "email": u.email,
        "phone": u.phone,
        "role": u.role,
        "status": u.status,
        "org_id": u.org_id,
        "recommender_id": u.recommender_id,
        "department": u.department,
        "rejection_reason": u.rejection_reason,
    })
}

/// The Chinese name of a role, for printed lists.
pub fn role_label_zh(role: Role) -> &'static str {
    excel::role_zh(role.as_str())
}
