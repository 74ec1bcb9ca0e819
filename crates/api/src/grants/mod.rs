//! The grants context: calls, applications, recommendation and intake, expert review,
//! funding decisions and funded projects.

use chrono::{DateTime, Utc};
use kc_core::grants::call::Call;
use kc_db::Db;
use kc_db::entities::call;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum CallFileError {
    #[error("the file is not a call document: {0}")]
    Parse(String),
    #[error("the call has problems:\n  {}", .0.join("\n  "))]
    Invalid(Vec<String>),
    #[error(transparent)]
    Db(#[from] kc_db::DbError),
}

/// Reads a call document; every problem of the call is reported before anything is saved.
pub fn parse_call(text: &str) -> Result<Call, CallFileError> {
    let call: Call = serde_json::from_str(text).map_err(|e| CallFileError::Parse(e.to_string()))?;
    let problems = call.problems();
    if problems.is_empty() { Ok(call) } else { Err(CallFileError::Invalid(problems)) }
}

/// The canonical text of a call (what export writes and import accepts).
pub fn call_text(call: &Call) -> String {
    serde_json::to_string_pretty(call).unwrap_or_default() + "\n"
}

/// Saves `call`, replacing an earlier version with the same code.
pub async fn save_call(db: &Db, call: &Call, now: DateTime<Utc>) -> Result<call::Model, CallFileError> {
    Ok(kc_db::grants::save_call(db.write(), call_row(call, now)).await?)
}

/// The stored row of `call` (the document plus the columns lists filter on).
pub(crate) fn call_row(call: &Call, now: DateTime<Utc>) -> call::Model {
    call::Model {
        id: Uuid::now_v7(),
        code: call.code.clone(),
        year: call.year,
        title: call.title.clone(),
        opens_at: call.submission.opens_at,
        closes_at: call.submission.closes_at,
        document: call_text(call),
        created_at: now,
        updated_at: now,
    }
}

/// The stored call with this code, as its document.
pub async fn load_call(db: &Db, code: &str) -> Result<Option<Call>, CallFileError> {
    match kc_db::grants::call_by_code(db.read(), code).await? {
        Some(m) => serde_json::from_str(&m.document).map(Some).map_err(|e| CallFileError::Parse(e.to_string())),
        None => Ok(None),
    }
}

/// An application as last read, with its JSON view ready to send (see `AppState::applications`).
pub struct CachedApplication {
    pub model: kc_db::entities::application::Model,
    pub body: axum::body::Bytes,
}

/// A stored call with its parsed document and its eligibility rules compiled per sub-type
/// (the call's own rules first).
#[derive(Debug)]
pub struct StoredCall {
    pub id: Uuid,
    pub code: String,
    pub call: Call,
    pub rules: std::collections::HashMap<(String, String), Vec<kc_core::grants::eligibility::CompiledRule>>,
    /// Each category's form, compiled for checking submissions.
    pub forms: std::collections::HashMap<String, kc_core::grants::form::FormValidator>,
}

impl StoredCall {
    fn new(id: Uuid, code: String, call: Call) -> Self {
        let mut rules = std::collections::HashMap::new();
        for c in &call.categories {
            for s in &c.subtypes {
                let all: Vec<_> = call.eligibility.iter().chain(s.eligibility.iter()).cloned().collect();
                // Saving refuses malformed rules, so a stored call always compiles; should it
                // not, the sub-type has no entry and checking it is an internal error.
                match kc_core::grants::eligibility::compile(&all) {
                    Ok(compiled) => {
                        rules.insert((c.code.clone(), s.code.clone()), compiled);
                    }
                    Err(e) => {
                        tracing::error!(call = %code, category = %c.code, errors = ?e, "stored rules do not compile")
                    }
                }
            }
        }
        let forms = call
            .categories
            .iter()
            .map(|c| (c.code.clone(), kc_core::grants::form::FormValidator::new(&c.form)))
            .collect();
        Self { id, code, call, rules, forms }
    }
}

/// The call with this id, parsed, through the state's short cache.
pub(crate) async fn stored_call(
    state: &crate::state::AppState,
    id: Uuid,
) -> crate::error::ApiResult<std::sync::Arc<StoredCall>> {
    if let Some(hit) = state.calls.get(&id) {
        return Ok(hit);
    }
    let model = kc_db::grants::call_by_id(state.db.read(), id).await?.ok_or_else(crate::error::ApiError::internal)?;
    let call: Call = serde_json::from_str(&model.document).map_err(|e| {
        tracing::error!(call = %model.code, error = %e, "stored call does not parse");
        crate::error::ApiError::internal()
    })?;
    let stored = std::sync::Arc::new(StoredCall::new(id, model.code, call));
    state.calls.insert(id, stored.clone());
    Ok(stored)
}

/// The call with this code through the cache; 404 when there is none.
pub(crate) async fn stored_call_by_code(
    state: &crate::state::AppState,
    code: &str,
) -> crate::error::ApiResult<std::sync::Arc<StoredCall>> {
    let id =
        kc_db::grants::call_id_by_code(state.db.read(), code).await?.ok_or_else(crate::error::ApiError::not_found)?;
    stored_call(state, id).await
}

/// Chinese category names by (call code, category code) for the calls `ids`.
pub(crate) async fn category_names(
    state: &crate::state::AppState,
    ids: Vec<Uuid>,
) -> crate::error::ApiResult<std::collections::HashMap<(String, String), String>> {
    let mut names = std::collections::HashMap::new();
    let mut ids = ids;
    ids.sort();
    ids.dedup();
    for id in ids {
        let stored = stored_call(state, id).await?;
        for c in &stored.call.categories {
            names.insert((stored.code.clone(), c.code.clone()), c.name_zh.clone());
        }
    }
    Ok(names)
}

/// Call codes by id for the calls `ids` (the distinct calls of a list of applications).
pub(crate) async fn call_codes(
    state: &crate::state::AppState,
    ids: Vec<Uuid>,
) -> crate::error::ApiResult<std::collections::HashMap<Uuid, String>> {
    let mut codes = std::collections::HashMap::new();
    for id in ids {
        if let std::collections::hash_map::Entry::Vacant(e) = codes.entry(id) {
            e.insert(stored_call(state, id).await?.code.clone());
        }
    }
    Ok(codes)
}

/// Moves every date of `call` by the same amount so that its submission window is centred
/// on `now` (the demo call is always open).
pub fn centred_on(mut call: Call, now: DateTime<Utc>) -> Call {
    let w = call.submission;
    let shift = now - (w.opens_at + (w.closes_at - w.opens_at) / 2);
    call.submission.opens_at += shift;
    call.submission.closes_at += shift;
    call.recommender_deadline += shift;
    call.paper_copy_deadline = call.paper_copy_deadline.map(|d| d + shift);
    call
}

#[cfg(test)]
mod tests {
    use super::*;
    use kc_core::grants::window::WindowState;

    #[test]
    fn a_centred_call_is_open_now_and_keeps_its_shape() {
        let original = crate::demo::zigong_2021_call().unwrap();
        let now = Utc::now();
        let shifted = centred_on(original.clone(), now);
        assert_eq!(shifted.submission.state(now), WindowState::Open);
        assert_eq!(
            shifted.submission.closes_at - shifted.submission.opens_at,
            original.submission.closes_at - original.submission.opens_at
        );
        assert_eq!(
            shifted.recommender_deadline - shifted.submission.closes_at,
            original.recommender_deadline - original.submission.closes_at
        );
        assert!(shifted.problems().is_empty());
    }

    #[test]
    fn parse_reports_every_problem() {
        let mut call = crate::demo::zigong_2021_call().unwrap();
        call.categories[0].subtypes[0].eligibility[0].expression = "applicant.age <=".into();
        call.categories[1].subtypes[0].max_funded = 0;
        match parse_call(&call_text(&call)) {
            Err(CallFileError::Invalid(p)) => assert_eq!(p.len(), 2, "{p:?}"),
            other => panic!("expected problems, got {other:?}"),
        }
        assert!(matches!(parse_call("{ not json"), Err(CallFileError::Parse(_))));
    }
}

pub mod applications;
pub mod attachments;
pub mod awards;
pub mod calls;
pub mod experts;
pub mod projects;
pub mod review;
pub mod rounds;
pub mod timeline;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(applications::list_calls))
        .routes(routes!(calls::get_call))
        .routes(routes!(calls::save))
        .routes(routes!(calls::extensions))
        .routes(routes!(calls::grant_extension))
        .routes(routes!(timeline::timeline))
        .routes(routes!(applications::start_application))
        .routes(routes!(applications::get_application))
        .routes(routes!(applications::my_applications))
        .routes(routes!(applications::save_draft))
        .routes(routes!(applications::check_eligibility))
        .routes(routes!(applications::submit))
        .routes(routes!(attachments::upload, attachments::list))
        .routes(routes!(attachments::download))
        .routes(routes!(review::recommender_queue))
        .routes(routes!(review::recommend))
        .routes(routes!(review::return_for_changes))
        .routes(routes!(review::decline))
        .routes(routes!(review::paper_copies))
        .routes(routes!(review::summary_table))
        .routes(routes!(review::documents))
        .routes(routes!(review::quota_use))
        .routes(routes!(review::bureau_list))
        .routes(routes!(review::counters))
        .routes(routes!(review::bureau_export))
        .routes(routes!(review::accept))
        .routes(routes!(review::reject))
        .merge(experts::router())
        .merge(rounds::router())
        .merge(awards::router())
        .merge(projects::router())
}
