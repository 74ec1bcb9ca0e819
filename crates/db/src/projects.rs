//! Repository functions for funding decisions, public notices and funded projects:
//! on-site evaluations, objections, contracts, disbursements, reports.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::Finder;
use crate::entities::{
    application, disbursement, funding_decision, objection, project, project_report, public_notice, site_visit,
};
use crate::{DbError, DbResult};

/// The projects whose PI is `pi_key` or whose organisation is `org_id` (what the overdue
/// facts of a new application read).
pub async fn of_pi_or_organisation(conn: &impl Finder, pi_key: &str, org_id: Uuid) -> DbResult<Vec<project::Model>> {
    Ok(conn
        .find_all(
            project::Entity::find()
                .filter(Condition::any().add(project::Column::PiKey.eq(pi_key)).add(project::Column::OrgId.eq(org_id))),
        )
        .await?)
}

/// The applications with these ids.
pub async fn applications_by_ids(conn: &impl ConnectionTrait, ids: &[Uuid]) -> DbResult<Vec<application::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(application::Entity::find().filter(application::Column::Id.is_in(ids.iter().copied())).all(conn).await?)
}

/// The accepted applications of a call in `categories`.
pub async fn accepted_in_categories(
    conn: &impl ConnectionTrait,
    call_id: Uuid,
    categories: &[String],
) -> DbResult<Vec<application::Model>> {
    if categories.is_empty() {
        return Ok(Vec::new());
    }
    Ok(application::Entity::find()
        .filter(application::Column::CallId.eq(call_id))
        .filter(application::Column::Category.is_in(categories.iter().map(String::as_str)))
        .filter(application::Column::Status.eq("accepted"))
        .order_by_asc(application::Column::Id)
        .all(conn)
        .await?)
}

// ---- on-site evaluation -------------------------------------------------------------

pub async fn site_visit(conn: &impl ConnectionTrait, application_id: Uuid) -> DbResult<Option<site_visit::Model>> {
    Ok(site_visit::Entity::find_by_id(application_id).one(conn).await?)
}

pub async fn site_visits_of(conn: &impl ConnectionTrait, ids: &[Uuid]) -> DbResult<Vec<site_visit::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(site_visit::Entity::find()
        .filter(site_visit::Column::ApplicationId.is_in(ids.iter().copied()))
        .all(conn)
        .await?)
}

/// The funding decisions of these applications.
pub async fn funding_decisions_of(
    conn: &impl ConnectionTrait,
    application_ids: &[Uuid],
) -> DbResult<Vec<funding_decision::Model>> {
    if application_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(funding_decision::Entity::find()
        .filter(funding_decision::Column::ApplicationId.is_in(application_ids.iter().copied()))
        .all(conn)
        .await?)
}

/// Records (or replaces) the on-site evaluation of an application.
pub async fn save_site_visit(conn: &impl ConnectionTrait, m: site_visit::Model) -> DbResult<()> {
    use site_visit::Column as C;
    site_visit::Entity::insert(m.into_active_model())
        .on_conflict(
            OnConflict::column(C::ApplicationId)
                .update_columns([C::VisitedOn, C::Findings, C::RecommendedFen, C::RecordedBy, C::RecordedAt])
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

// ---- funding decisions --------------------------------------------------------------

pub async fn funding_decision(
    conn: &impl ConnectionTrait,
    application_id: Uuid,
) -> DbResult<Option<funding_decision::Model>> {
    Ok(funding_decision::Entity::find_by_id(application_id).one(conn).await?)
}

/// Records (or replaces) a proposed funding decision.
pub async fn save_funding_decision(conn: &impl ConnectionTrait, m: funding_decision::Model) -> DbResult<()> {
    use funding_decision::Column as C;
    funding_decision::Entity::insert(m.into_active_model())
        .on_conflict(
            OnConflict::column(C::ApplicationId)
                .update_columns([C::ProposedFen, C::Status, C::NoticeId, C::DecidedBy, C::UpdatedAt])
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Deletes a decision that is still in `status`; false when it changed meanwhile.
pub async fn delete_funding_decision(
    conn: &impl ConnectionTrait,
    application_id: Uuid,
    status: &str,
) -> DbResult<bool> {
    let res = funding_decision::Entity::delete_many()
        .filter(funding_decision::Column::ApplicationId.eq(application_id))
        .filter(funding_decision::Column::Status.eq(status))
        .exec(conn)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Moves a decision from `from` to `to`; false when it is no longer in `from`.
pub async fn change_decision_status(
    conn: &impl ConnectionTrait,
    application_id: Uuid,
    from: &str,
    to: &str,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let res = funding_decision::Entity::update_many()
        .col_expr(funding_decision::Column::Status, Expr::value(to))
        .col_expr(funding_decision::Column::UpdatedAt, Expr::value(now))
        .filter(funding_decision::Column::ApplicationId.eq(application_id))
        .filter(funding_decision::Column::Status.eq(from))
        .exec(conn)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Takes the call's row lock inside a transaction (a no-op update) so that proposals
/// against the same caps are decided one after the other.
pub async fn lock_call(conn: &impl ConnectionTrait, call_id: Uuid) -> DbResult<()> {
    use crate::entities::call;
    call::Entity::update_many()
        .col_expr(call::Column::Code, Expr::col(call::Column::Code))
        .filter(call::Column::Id.eq(call_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// How many applications of the sub-type are proposed or awarded, not counting `except`.
pub async fn count_funded(
    conn: &impl ConnectionTrait,
    call_id: Uuid,
    category: &str,
    subtype: &str,
    except: Uuid,
) -> DbResult<u64> {
    Ok(funding_decision::Entity::find()
        .filter(funding_decision::Column::CallId.eq(call_id))
        .filter(funding_decision::Column::Category.eq(category))
        .filter(funding_decision::Column::Subtype.eq(subtype))
        .filter(funding_decision::Column::Status.is_in(["proposed", "awarded"]))
        .filter(funding_decision::Column::ApplicationId.ne(except))
        .count(conn)
        .await?)
}

pub async fn decisions_of_call(conn: &impl ConnectionTrait, call_id: Uuid) -> DbResult<Vec<funding_decision::Model>> {
    Ok(funding_decision::Entity::find()
        .filter(funding_decision::Column::CallId.eq(call_id))
        .order_by_asc(funding_decision::Column::Category)
        .order_by_asc(funding_decision::Column::Subtype)
        .order_by_asc(funding_decision::Column::ApplicationId)
        .all(conn)
        .await?)
}

pub async fn decisions_on_notice(
    conn: &impl ConnectionTrait,
    notice_id: Uuid,
) -> DbResult<Vec<funding_decision::Model>> {
    Ok(funding_decision::Entity::find()
        .filter(funding_decision::Column::NoticeId.eq(notice_id))
        .order_by_asc(funding_decision::Column::Category)
        .order_by_asc(funding_decision::Column::Subtype)
        .order_by_asc(funding_decision::Column::ApplicationId)
        .all(conn)
        .await?)
}

/// Puts every proposed decision of the call that is on no notice yet on `notice_id`;
/// returns how many.
pub async fn put_on_notice(
    conn: &impl ConnectionTrait,
    call_id: Uuid,
    notice_id: Uuid,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    let res = funding_decision::Entity::update_many()
        .col_expr(funding_decision::Column::NoticeId, Expr::value(Some(notice_id)))
        .col_expr(funding_decision::Column::UpdatedAt, Expr::value(now))
        .filter(funding_decision::Column::CallId.eq(call_id))
        .filter(funding_decision::Column::Status.eq("proposed"))
        .filter(funding_decision::Column::NoticeId.is_null())
        .exec(conn)
        .await?;
    Ok(res.rows_affected)
}

// ---- public notices and objections --------------------------------------------------

pub async fn insert_notice(conn: &impl ConnectionTrait, m: public_notice::Model) -> DbResult<()> {
    m.into_active_model().reset_all().insert(conn).await.map_err(DbError::classify)?;
    Ok(())
}

pub async fn notice(conn: &impl ConnectionTrait, id: Uuid) -> DbResult<Option<public_notice::Model>> {
    Ok(public_notice::Entity::find_by_id(id).one(conn).await?)
}

pub async fn notices_of_call(conn: &impl ConnectionTrait, call_id: Uuid) -> DbResult<Vec<public_notice::Model>> {
    Ok(public_notice::Entity::find()
        .filter(public_notice::Column::CallId.eq(call_id))
        .order_by_desc(public_notice::Column::PublishedAt)
        .all(conn)
        .await?)
}

/// Notices still open or published since `since`, newest first.
pub async fn public_notices(conn: &impl ConnectionTrait, since: DateTime<Utc>) -> DbResult<Vec<public_notice::Model>> {
    Ok(public_notice::Entity::find()
        .filter(
            Condition::any()
                .add(public_notice::Column::Status.eq("open"))
                .add(public_notice::Column::PublishedAt.gte(since)),
        )
        .order_by_desc(public_notice::Column::PublishedAt)
        .limit(50)
        .all(conn)
        .await?)
}

/// Closes an open notice; false when it was not open.
pub async fn close_notice(conn: &impl ConnectionTrait, id: Uuid) -> DbResult<bool> {
    let res = public_notice::Entity::update_many()
        .col_expr(public_notice::Column::Status, Expr::value("closed"))
        .filter(public_notice::Column::Id.eq(id))
        .filter(public_notice::Column::Status.eq("open"))
        .exec(conn)
        .await?;
    Ok(res.rows_affected == 1)
}

pub async fn insert_objection(conn: &impl ConnectionTrait, m: objection::Model) -> DbResult<()> {
    m.into_active_model().reset_all().insert(conn).await.map_err(DbError::classify)?;
    Ok(())
}

pub async fn objection(conn: &impl ConnectionTrait, id: Uuid) -> DbResult<Option<objection::Model>> {
    Ok(objection::Entity::find_by_id(id).one(conn).await?)
}

pub async fn objections_of(conn: &impl ConnectionTrait, notice_id: Uuid) -> DbResult<Vec<objection::Model>> {
    Ok(objection::Entity::find()
        .filter(objection::Column::NoticeId.eq(notice_id))
        .order_by_asc(objection::Column::CreatedAt)
        .order_by_asc(objection::Column::Id)
        .all(conn)
        .await?)
}

pub async fn open_objections(conn: &impl ConnectionTrait, notice_id: Uuid) -> DbResult<u64> {
    Ok(objection::Entity::find()
        .filter(objection::Column::NoticeId.eq(notice_id))
        .filter(objection::Column::Status.eq("open"))
        .count(conn)
        .await?)
}

/// Records the outcome of an open objection; false when it was already resolved.
pub async fn resolve_objection(
    conn: &impl ConnectionTrait,
    id: Uuid,
    status: &str,
    resolution: &str,
    by: Uuid,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let res = objection::Entity::update_many()
        .col_expr(objection::Column::Status, Expr::value(status))
        .col_expr(objection::Column::Resolution, Expr::value(Some(resolution.to_string())))
        .col_expr(objection::Column::ResolvedAt, Expr::value(Some(now)))
        .col_expr(objection::Column::ResolvedBy, Expr::value(Some(by)))
        .filter(objection::Column::Id.eq(id))
        .filter(objection::Column::Status.eq("open"))
        .exec(conn)
        .await?;
    Ok(res.rows_affected == 1)
}

// ---- projects -----------------------------------------------------------------------

pub async fn insert_project(conn: &impl ConnectionTrait, m: project::Model) -> DbResult<()> {
    m.into_active_model().reset_all().insert(conn).await.map_err(DbError::classify)?;
    Ok(())
}

pub async fn project(conn: &impl ConnectionTrait, id: Uuid) -> DbResult<Option<project::Model>> {
    Ok(project::Entity::find_by_id(id).one(conn).await?)
}

/// Who sees which projects, and the list filters.
#[derive(Debug, Default, Clone)]
pub struct ProjectFilter {
    pub applicant_id: Option<Uuid>,
    pub recommender_id: Option<Uuid>,
    pub call_id: Option<Uuid>,
    pub status: Option<String>,
}

pub async fn list_projects(conn: &impl ConnectionTrait, f: &ProjectFilter) -> DbResult<Vec<project::Model>> {
    let mut q = project::Entity::find();
    if let Some(a) = f.applicant_id {
        q = q.filter(project::Column::ApplicantId.eq(a));
    }
    if let Some(r) = f.recommender_id {
        q = q.filter(project::Column::RecommenderId.eq(r));
    }
    if let Some(c) = f.call_id {
        q = q.filter(project::Column::CallId.eq(c));
    }
    if let Some(s) = &f.status {
        q = q.filter(project::Column::Status.eq(s.as_str()));
    }
    Ok(q.order_by_asc(project::Column::ContractNo).all(conn).await?)
}

/// Saves the contract's data while it is still a draft; false otherwise.
pub async fn save_contract_data(
    conn: &impl ConnectionTrait,
    id: Uuid,
    data: &str,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let res = project::Entity::update_many()
        .col_expr(project::Column::ContractData, Expr::value(data))
        .col_expr(project::Column::UpdatedAt, Expr::value(now))
        .filter(project::Column::Id.eq(id))
        .filter(project::Column::ContractStatus.eq("draft"))
        .exec(conn)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Moves the contract from `from` to `to` (and the project to `project_status` if given);
/// false when the contract is no longer in `from`.
pub async fn change_contract_status(
    conn: &impl ConnectionTrait,
    id: Uuid,
    from: &str,
    to: &str,
    project_status: Option<&str>,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let mut update = project::Entity::update_many()
        .col_expr(project::Column::ContractStatus, Expr::value(to))
        .col_expr(project::Column::UpdatedAt, Expr::value(now));
    if let Some(s) = project_status {
        update = update.col_expr(project::Column::Status, Expr::value(s));
    }
    let res =
        update.filter(project::Column::Id.eq(id)).filter(project::Column::ContractStatus.eq(from)).exec(conn).await?;
    Ok(res.rows_affected == 1)
}

/// Moves the project from `from` to `to`, stamping `closed_at`; false when it changed.
pub async fn close_project(
    conn: &impl ConnectionTrait,
    id: Uuid,
    from: &str,
    to: &str,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let res = project::Entity::update_many()
        .col_expr(project::Column::Status, Expr::value(to))
        .col_expr(project::Column::ClosedAt, Expr::value(Some(now)))
        .col_expr(project::Column::UpdatedAt, Expr::value(now))
        .filter(project::Column::Id.eq(id))
        .filter(project::Column::Status.eq(from))
        .exec(conn)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Touches the project inside a transaction so that concurrent writers to it (two
/// disbursements at once) queue on its row.
pub async fn lock_project(conn: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> DbResult<bool> {
    let res = project::Entity::update_many()
        .col_expr(project::Column::UpdatedAt, Expr::value(now))
        .filter(project::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(res.rows_affected == 1)
}

// ---- disbursements ------------------------------------------------------------------

pub async fn disbursements_of(conn: &impl ConnectionTrait, project_id: Uuid) -> DbResult<Vec<disbursement::Model>> {
    Ok(disbursement::Entity::find()
        .filter(disbursement::Column::ProjectId.eq(project_id))
        .order_by_asc(disbursement::Column::PaidOn)
        .order_by_asc(disbursement::Column::Id)
        .all(conn)
        .await?)
}

/// Total paid per project for `ids`.
pub async fn disbursed_totals(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> DbResult<std::collections::HashMap<Uuid, i64>> {
    let mut totals = std::collections::HashMap::new();
    if ids.is_empty() {
        return Ok(totals);
    }
    for d in disbursement::Entity::find()
        .filter(disbursement::Column::ProjectId.is_in(ids.iter().copied()))
        .all(conn)
        .await?
    {
        *totals.entry(d.project_id).or_insert(0) += d.amount_fen;
    }
    Ok(totals)
}

pub async fn insert_disbursement(conn: &impl ConnectionTrait, m: disbursement::Model) -> DbResult<()> {
    m.into_active_model().reset_all().insert(conn).await.map_err(DbError::classify)?;
    Ok(())
}

// ---- reports ------------------------------------------------------------------------

pub async fn report(
    conn: &impl ConnectionTrait,
    project_id: Uuid,
    kind: &str,
) -> DbResult<Option<project_report::Model>> {
    Ok(project_report::Entity::find()
        .filter(project_report::Column::ProjectId.eq(project_id))
        .filter(project_report::Column::Kind.eq(kind))
        .one(conn)
        .await?)
}

pub async fn reports_of(conn: &impl ConnectionTrait, project_id: Uuid) -> DbResult<Vec<project_report::Model>> {
    Ok(project_report::Entity::find()
        .filter(project_report::Column::ProjectId.eq(project_id))
        .order_by_asc(project_report::Column::Kind)
        .all(conn)
        .await?)
}

/// Inserts a new report or writes the whole row of an existing one when it is still at
/// `expected_version` (a stale copy is refused); false when it changed meanwhile.
pub async fn save_report(
    conn: &impl ConnectionTrait,
    m: project_report::Model,
    expected_version: Option<i32>,
) -> DbResult<bool> {
    match expected_version {
        None => {
            m.into_active_model().reset_all().insert(conn).await.map_err(DbError::classify)?;
            Ok(true)
        }
        Some(v) => {
            use project_report::Column as C;
            let res = project_report::Entity::update_many()
                .col_expr(C::Data, Expr::value(m.data))
                .col_expr(C::Status, Expr::value(m.status))
                .col_expr(C::Comment, Expr::value(m.comment))
                .col_expr(C::Version, Expr::value(m.version))
                .col_expr(C::SubmittedAt, Expr::value(m.submitted_at))
                .col_expr(C::ReviewedAt, Expr::value(m.reviewed_at))
                .col_expr(C::ReviewedBy, Expr::value(m.reviewed_by))
                .col_expr(C::UpdatedAt, Expr::value(m.updated_at))
                .filter(C::Id.eq(m.id))
                .filter(C::Version.eq(v))
                .exec(conn)
                .await?;
            Ok(res.rows_affected == 1)
        }
    }
}
