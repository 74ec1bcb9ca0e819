//! Repository functions for expert review: the expert pool, rounds, assignments, scores
//! and random draws.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, LikeExpr};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::entities::{expert, random_draw, review_assignment, review_field, review_round, review_score_version};
use crate::{DbError, DbResult, like_pattern};

/// A contains-search with `%` and `_` taken literally.
fn contains(col: impl ColumnTrait, q: &str) -> Condition {
    Condition::all().add(Expr::col(col).like(LikeExpr::new(like_pattern(q)).escape('\\')))
}

/// Assignment statuses that count towards an application's reviews and an expert's load.
pub const ACTIVE: [&str; 2] = ["assigned", "submitted"];

async fn save_full<A>(conn: &impl ConnectionTrait, am: A, insert: bool) -> DbResult<()>
where
    A: ActiveModelTrait + sea_orm::ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
{
    let am = am.reset_all();
    let res = if insert { am.insert(conn).await.map(|_| ()) } else { am.update(conn).await.map(|_| ()) };
    res.map_err(DbError::classify)
}

// ---------- the field taxonomy ----------

pub async fn fields(conn: &impl ConnectionTrait) -> DbResult<Vec<review_field::Model>> {
    Ok(review_field::Entity::find()
        .order_by_asc(review_field::Column::SortOrder)
        .order_by_asc(review_field::Column::Code)
        .all(conn)
        .await?)
}

/// Inserts or updates one field of the taxonomy (what the demo loader and deployments seed).
pub async fn upsert_field(conn: &impl ConnectionTrait, m: review_field::Model) -> DbResult<()> {
    let exists = review_field::Entity::find_by_id(m.code.clone()).one(conn).await?.is_some();
    save_full(conn, m.into_active_model(), !exists).await
}

// ---------- the expert pool ----------

#[derive(Debug, Clone, Default)]
pub struct ExpertFilter {
    /// Part of the name or of the organisation's name.
    pub q: Option<String>,
    /// A field code the expert covers.
    pub field: Option<String>,
}

pub async fn experts(conn: &impl ConnectionTrait, filter: &ExpertFilter) -> DbResult<Vec<expert::Model>> {
    let mut q = expert::Entity::find();
    if let Some(text) = &filter.q {
        use crate::entities::organisation;
        use sea_orm::sea_query::Query;
        let orgs = Query::select()
            .column(organisation::Column::Id)
            .from(organisation::Entity)
            .cond_where(contains(organisation::Column::Name, text))
            .to_owned();
        q = q.filter(
            Condition::any().add(contains(expert::Column::Name, text)).add(expert::Column::OrgId.in_subquery(orgs)),
        );
    }
    if let Some(f) = &filter.field {
        // Fields are stored as a JSON array of codes: match the quoted code.
        q = q.filter(contains(expert::Column::Fields, &format!("\"{f}\"")));
    }
    Ok(q.order_by_asc(expert::Column::Name).order_by_asc(expert::Column::Id).all(conn).await?)
}

pub async fn expert(conn: &impl ConnectionTrait, id: Uuid) -> DbResult<Option<expert::Model>> {
    Ok(expert::Entity::find_by_id(id).one(conn).await?)
}

pub async fn experts_by_ids(conn: &impl ConnectionTrait, ids: &[Uuid]) -> DbResult<Vec<expert::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(expert::Entity::find().filter(expert::Column::Id.is_in(ids.iter().copied())).all(conn).await?)
}

/// The expert record a user account signs in as.
pub async fn expert_of_user(conn: &impl ConnectionTrait, user_id: Uuid) -> DbResult<Option<expert::Model>> {
    Ok(expert::Entity::find().filter(expert::Column::UserId.eq(user_id)).one(conn).await?)
}

pub async fn save_expert(conn: &impl ConnectionTrait, m: expert::Model, insert: bool) -> DbResult<()> {
    save_full(conn, m.into_active_model(), insert).await
}

/// Unsubmitted assignments per expert, over every open round.
pub async fn open_assignment_counts(
    conn: &impl ConnectionTrait,
    expert_ids: &[Uuid],
) -> DbResult<std::collections::HashMap<Uuid, u32>> {
    let mut counts = std::collections::HashMap::new();
    if expert_ids.is_empty() {
        return Ok(counts);
    }
    let rows = review_assignment::Entity::find()
        .filter(review_assignment::Column::ExpertId.is_in(expert_ids.iter().copied()))
        .filter(review_assignment::Column::Status.eq("assigned"))
        .all(conn)
        .await?;
    for r in rows {
        *counts.entry(r.expert_id).or_insert(0) += 1;
    }
    Ok(counts)
}

// ---------- rounds ----------

pub async fn insert_round(conn: &impl ConnectionTrait, m: review_round::Model) -> DbResult<()> {
    save_full(conn, m.into_active_model(), true).await
}

pub async fn round(conn: &impl ConnectionTrait, id: Uuid) -> DbResult<Option<review_round::Model>> {
    Ok(review_round::Entity::find_by_id(id).one(conn).await?)
}

pub async fn rounds(conn: &impl ConnectionTrait, call_id: Option<Uuid>) -> DbResult<Vec<review_round::Model>> {
    let mut q = review_round::Entity::find();
    if let Some(c) = call_id {
        q = q.filter(review_round::Column::CallId.eq(c));
    }
    Ok(q.order_by_desc(review_round::Column::CreatedAt).order_by_desc(review_round::Column::Id).all(conn).await?)
}

pub async fn rounds_by_ids(conn: &impl ConnectionTrait, ids: &[Uuid]) -> DbResult<Vec<review_round::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(review_round::Entity::find().filter(review_round::Column::Id.is_in(ids.iter().copied())).all(conn).await?)
}

/// The latest round of a call's category.
pub async fn latest_round(
    conn: &impl ConnectionTrait,
    call_id: Uuid,
    category: &str,
) -> DbResult<Option<review_round::Model>> {
    Ok(review_round::Entity::find()
        .filter(review_round::Column::CallId.eq(call_id))
        .filter(review_round::Column::Category.eq(category))
        .order_by_desc(review_round::Column::CreatedAt)
        .order_by_desc(review_round::Column::Id)
        .one(conn)
        .await?)
}

/// Moves a round from `from` to `to`; false when it was no longer `from`.
pub async fn change_round_status(conn: &impl ConnectionTrait, id: Uuid, from: &str, to: &str) -> DbResult<bool> {
    let res = review_round::Entity::update_many()
        .col_expr(review_round::Column::Status, Expr::value(to))
        .filter(review_round::Column::Id.eq(id))
        .filter(review_round::Column::Status.eq(from))
        .exec(conn)
        .await?;
    Ok(res.rows_affected == 1)
}

// ---------- assignments ----------

pub async fn assignment(conn: &impl ConnectionTrait, id: Uuid) -> DbResult<Option<review_assignment::Model>> {
    Ok(review_assignment::Entity::find_by_id(id).one(conn).await?)
}

pub async fn assignments_of_round(
    conn: &impl ConnectionTrait,
    round_id: Uuid,
) -> DbResult<Vec<review_assignment::Model>> {
    Ok(review_assignment::Entity::find()
        .filter(review_assignment::Column::RoundId.eq(round_id))
        .order_by_asc(review_assignment::Column::CreatedAt)
        .order_by_asc(review_assignment::Column::Id)
        .all(conn)
        .await?)
}

pub async fn assignments_of_expert(
    conn: &impl ConnectionTrait,
    expert_id: Uuid,
) -> DbResult<Vec<review_assignment::Model>> {
    Ok(review_assignment::Entity::find()
        .filter(review_assignment::Column::ExpertId.eq(expert_id))
        .order_by_desc(review_assignment::Column::CreatedAt)
        .order_by_asc(review_assignment::Column::Id)
        .all(conn)
        .await?)
}

/// Applications the expert has declared a conflict with (through their assignments).
pub async fn declared_conflicts(conn: &impl ConnectionTrait, expert_ids: &[Uuid]) -> DbResult<Vec<(Uuid, Uuid)>> {
    if expert_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(review_assignment::Entity::find()
        .filter(review_assignment::Column::ExpertId.is_in(expert_ids.iter().copied()))
        .filter(review_assignment::Column::Status.eq("conflict"))
        .all(conn)
        .await?
        .into_iter()
        .map(|a| (a.expert_id, a.application_id))
        .collect())
}

/// Whether the user reviews the application as an expert (an assignment neither declared
/// conflicted nor abstained from).
pub async fn reviews_application(conn: &impl ConnectionTrait, user_id: Uuid, application_id: Uuid) -> DbResult<bool> {
    let Some(e) = expert_of_user(conn, user_id).await? else { return Ok(false) };
    Ok(review_assignment::Entity::find()
        .filter(review_assignment::Column::ExpertId.eq(e.id))
        .filter(review_assignment::Column::ApplicationId.eq(application_id))
        .filter(review_assignment::Column::Status.is_in(ACTIVE))
        .one(conn)
        .await?
        .is_some())
}

pub async fn insert_assignment(conn: &impl ConnectionTrait, m: review_assignment::Model) -> DbResult<()> {
    save_full(conn, m.into_active_model(), true).await
}

pub async fn update_assignment(conn: &impl ConnectionTrait, m: review_assignment::Model) -> DbResult<()> {
    save_full(conn, m.into_active_model(), false).await
}

/// Deletes an assignment unless its review was handed in; false when it was.
pub async fn delete_unsubmitted_assignment(conn: &impl ConnectionTrait, id: Uuid) -> DbResult<bool> {
    let res = review_assignment::Entity::delete_many()
        .filter(review_assignment::Column::Id.eq(id))
        .filter(review_assignment::Column::Status.ne("submitted"))
        .exec(conn)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Claims the round's unsubmitted assignments for a reminder: marks each as reminded now,
/// skipping those reminded after `not_since` (when given), and returns the ones claimed.
/// Each claim is a conditional update, so two replicas never remind for the same one.
pub async fn remind_unsubmitted(
    conn: &impl ConnectionTrait,
    round_id: Uuid,
    now: DateTime<Utc>,
    not_since: Option<DateTime<Utc>>,
) -> DbResult<Vec<review_assignment::Model>> {
    let due = |q: sea_orm::Select<review_assignment::Entity>| match not_since {
        Some(t) => q.filter(
            Condition::any()
                .add(review_assignment::Column::RemindedAt.is_null())
                .add(review_assignment::Column::RemindedAt.lt(t)),
        ),
        None => q,
    };
    let open = due(review_assignment::Entity::find()
        .filter(review_assignment::Column::RoundId.eq(round_id))
        .filter(review_assignment::Column::Status.eq("assigned")))
    .all(conn)
    .await?;
    let mut claimed = Vec::with_capacity(open.len());
    for a in open {
        let mut update = review_assignment::Entity::update_many()
            .col_expr(review_assignment::Column::RemindedAt, Expr::value(Some(now)))
            .filter(review_assignment::Column::Id.eq(a.id))
            .filter(review_assignment::Column::Status.eq("assigned"));
        if let Some(t) = not_since {
            update = update.filter(
                Condition::any()
                    .add(review_assignment::Column::RemindedAt.is_null())
                    .add(review_assignment::Column::RemindedAt.lt(t)),
            );
        }
        if update.exec(conn).await?.rows_affected == 1 {
            claimed.push(a);
        }
    }
    Ok(claimed)
}

/// Open rounds whose deadline falls within (`now`, `until`].
pub async fn rounds_due(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> DbResult<Vec<review_round::Model>> {
    Ok(review_round::Entity::find()
        .filter(review_round::Column::Status.eq("open"))
        .filter(review_round::Column::Deadline.gt(now))
        .filter(review_round::Column::Deadline.lte(until))
        .all(conn)
        .await?)
}

// ---------- scores ----------

pub async fn insert_score_version(conn: &impl ConnectionTrait, m: review_score_version::Model) -> DbResult<()> {
    save_full(conn, m.into_active_model(), true).await
}

pub async fn score_history(
    conn: &impl ConnectionTrait,
    assignment_id: Uuid,
) -> DbResult<Vec<review_score_version::Model>> {
    Ok(review_score_version::Entity::find()
        .filter(review_score_version::Column::AssignmentId.eq(assignment_id))
        .order_by_asc(review_score_version::Column::RecordedAt)
        .order_by_asc(review_score_version::Column::Id)
        .all(conn)
        .await?)
}

// ---------- random draws ----------

pub async fn insert_draw(conn: &impl ConnectionTrait, m: random_draw::Model) -> DbResult<()> {
    save_full(conn, m.into_active_model(), true).await
}

pub async fn draws_of_round(conn: &impl ConnectionTrait, round_id: Uuid) -> DbResult<Vec<random_draw::Model>> {
    Ok(random_draw::Entity::find()
        .filter(random_draw::Column::RoundId.eq(round_id))
        .order_by_asc(random_draw::Column::CreatedAt)
        .order_by_asc(random_draw::Column::Id)
        .all(conn)
        .await?)
}

// ---------- what the ranking reads of the funding stage ----------
