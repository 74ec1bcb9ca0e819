//! Repository functions of the identity context: organisations, users, sessions, tokens.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::Finder;
use crate::entities::{
    api_token, certification_kind, district, org_certification, organisation, password_reset, routing_rule, session,
    user,
};
use crate::{DbError, DbResult, Page, PageRequest, like_pattern, normalise_login};

fn contains(col: impl ColumnTrait, q: &str) -> Expr {
    Expr::col(col).like(LikeExpr::new(like_pattern(q)).escape('\\'))
}

/// Writes every column of `model` (insert or full update).
async fn save_full<A>(conn: &impl ConnectionTrait, am: A, insert: bool) -> DbResult<()>
where
    A: ActiveModelTrait + sea_orm::ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
{
    let am = am.reset_all();
    let res = if insert { am.insert(conn).await.map(|_| ()) } else { am.update(conn).await.map(|_| ()) };
    res.map_err(DbError::classify)
}

// ---------- reference data ----------

pub async fn districts(conn: &impl ConnectionTrait) -> DbResult<Vec<district::Model>> {
    Ok(district::Entity::find().order_by_asc(district::Column::SortOrder).all(conn).await?)
}

pub async fn certification_kinds(conn: &impl ConnectionTrait) -> DbResult<Vec<certification_kind::Model>> {
    Ok(certification_kind::Entity::find().order_by_asc(certification_kind::Column::SortOrder).all(conn).await?)
}

pub async fn upsert_district(conn: &impl ConnectionTrait, m: district::Model) -> DbResult<()> {
    let exists = district::Entity::find_by_id(m.code.clone()).one(conn).await?.is_some();
    save_full(conn, m.into_active_model(), !exists).await
}

pub async fn upsert_certification_kind(conn: &impl ConnectionTrait, m: certification_kind::Model) -> DbResult<()> {
    let exists = certification_kind::Entity::find_by_id(m.code.clone()).one(conn).await?.is_some();
    save_full(conn, m.into_active_model(), !exists).await
}

pub async fn routing_rules(conn: &impl ConnectionTrait) -> DbResult<Vec<routing_rule::Model>> {
    Ok(routing_rule::Entity::find().order_by_asc(routing_rule::Column::OrgType).all(conn).await?)
}

/// Replaces the whole rule set (call inside a transaction).
pub async fn replace_routing_rules(conn: &impl ConnectionTrait, rules: Vec<routing_rule::Model>) -> DbResult<()> {
    routing_rule::Entity::delete_many().exec(conn).await?;
    for r in rules {
        save_full(conn, r.into_active_model(), true).await?;
    }
    Ok(())
}

// ---------- organisations ----------

pub async fn organisation(conn: &impl ConnectionTrait, id: Uuid) -> DbResult<Option<organisation::Model>> {
    Ok(organisation::Entity::find_by_id(id).one(conn).await?)
}

pub async fn organisation_by_credit_code(
    conn: &impl ConnectionTrait,
    code: &str,
) -> DbResult<Option<organisation::Model>> {
    Ok(organisation::Entity::find().filter(organisation::Column::CreditCode.eq(code)).one(conn).await?)
}

pub async fn organisations_by_ids(conn: &impl Finder, ids: &[Uuid]) -> DbResult<Vec<organisation::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(conn.find_all(organisation::Entity::find().filter(organisation::Column::Id.is_in(ids.iter().copied()))).await?)
}

/// Organisations that act as recommending units.
pub async fn recommenders(conn: &impl ConnectionTrait) -> DbResult<Vec<organisation::Model>> {
    Ok(organisation::Entity::find()
        .filter(organisation::Column::RecommenderKind.ne("none"))
        .order_by_asc(organisation::Column::RecommenderKind)
        .order_by_asc(organisation::Column::District)
        .order_by_asc(organisation::Column::Name)
        .all(conn)
        .await?)
}

/// Name or credit-code search for the registration picker.
pub async fn search_organisations(
    conn: &impl ConnectionTrait,
    q: &str,
    limit: u64,
) -> DbResult<Vec<organisation::Model>> {
    let q = q.trim();
    let mut find = organisation::Entity::find();
    if !q.is_empty() {
        find = find.filter(
            Condition::any()
                .add(contains(organisation::Column::Name, q))
                .add(organisation::Column::CreditCode.eq(q.to_ascii_uppercase())),
        );
    }
    Ok(find.order_by_asc(organisation::Column::Name).limit(limit).all(conn).await?)
}

#[derive(Debug, Clone, Default)]
pub struct OrgFilter {
    pub q: Option<String>,
    pub org_type: Option<String>,
    pub district: Option<String>,
}

pub async fn list_organisations(
    conn: &impl ConnectionTrait,
    filter: &OrgFilter,
    page: PageRequest,
) -> DbResult<Page<organisation::Model>> {
    let mut find = organisation::Entity::find();
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        find = find.filter(
            Condition::any()
                .add(contains(organisation::Column::Name, q))
                .add(organisation::Column::CreditCode.eq(q.to_ascii_uppercase())),
        );
    }
    if let Some(t) = &filter.org_type {
        find = find.filter(organisation::Column::OrgType.eq(t.as_str()));
    }
    if let Some(d) = &filter.district {
        find = find.filter(organisation::Column::District.eq(d.as_str()));
    }
    let total = find.clone().count(conn).await?;
    let items = find
        .order_by_asc(organisation::Column::Name)
        .order_by_asc(organisation::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(conn)
        .await?;
    Ok(Page { items, total })
}

pub async fn certifications_of(conn: &impl Finder, org_ids: &[Uuid]) -> DbResult<Vec<org_certification::Model>> {
    if org_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(conn
        .find_all(
            org_certification::Entity::find()
                .filter(org_certification::Column::OrgId.is_in(org_ids.iter().copied()))
                .order_by_asc(org_certification::Column::ValidFrom),
        )
        .await?)
}

/// Inserts or fully updates an organisation and replaces its certifications.
pub async fn save_organisation(
    conn: &impl ConnectionTrait,
    org: organisation::Model,
    certifications: Vec<org_certification::Model>,
    insert: bool,
) -> DbResult<()> {
    let id = org.id;
    save_full(conn, org.into_active_model(), insert).await?;
    org_certification::Entity::delete_many().filter(org_certification::Column::OrgId.eq(id)).exec(conn).await?;
    for c in certifications {
        save_full(conn, c.into_active_model(), true).await?;
    }
    Ok(())
}

// ---------- users ----------

pub async fn user(conn: &impl ConnectionTrait, id: Uuid) -> DbResult<Option<user::Model>> {
    Ok(user::Entity::find_by_id(id).one(conn).await?)
}

/// The accounts belonging to an organisation, oldest first.
pub async fn users_of_organisation(conn: &impl ConnectionTrait, org_id: Uuid) -> DbResult<Vec<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::OrgId.eq(org_id))
        .order_by_asc(user::Column::CreatedAt)
        .all(conn)
        .await?)
}

/// The organisation with exactly this name, if one.
pub async fn organisation_by_name(conn: &impl ConnectionTrait, name: &str) -> DbResult<Option<organisation::Model>> {
    Ok(organisation::Entity::find().filter(organisation::Column::Name.eq(name)).one(conn).await?)
}

pub async fn users_by_ids(conn: &impl ConnectionTrait, ids: &[Uuid]) -> DbResult<Vec<user::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(user::Entity::find().filter(user::Column::Id.is_in(ids.iter().copied())).all(conn).await?)
}

/// Finds the account a log-in name refers to: username, e-mail or phone.
pub async fn user_by_login(conn: &impl ConnectionTrait, login: &str) -> DbResult<Option<user::Model>> {
    let login = normalise_login(login);
    if login.is_empty() {
        return Ok(None);
    }
    Ok(user::Entity::find()
        .filter(
            Condition::any()
                .add(user::Column::Username.eq(login.as_str()))
                .add(user::Column::Email.eq(login.as_str()))
                .add(user::Column::Phone.eq(login.as_str())),
        )
        .one(conn)
        .await?)
}

/// Whether any account already uses `value` as username, e-mail or phone.
pub async fn login_name_in_use(conn: &impl ConnectionTrait, value: &str) -> DbResult<bool> {
    Ok(user_by_login(conn, value).await?.is_some())
}

pub async fn save_user(conn: &impl ConnectionTrait, u: user::Model, insert: bool) -> DbResult<()> {
    save_full(conn, u.into_active_model(), insert).await
}

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub status: Option<String>,
    pub role: Option<String>,
    pub q: Option<String>,
    pub org_id: Option<Uuid>,
}

pub async fn list_users(
    conn: &impl ConnectionTrait,
    filter: &UserFilter,
    page: PageRequest,
) -> DbResult<Page<user::Model>> {
    let mut find = user::Entity::find();
    if let Some(s) = &filter.status {
        find = find.filter(user::Column::Status.eq(s.as_str()));
    }
    if let Some(r) = &filter.role {
        find = find.filter(user::Column::Role.eq(r.as_str()));
    }
    if let Some(o) = filter.org_id {
        find = find.filter(user::Column::OrgId.eq(o));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        find = find.filter(
            Condition::any()
                .add(contains(user::Column::Username, &q.to_lowercase()))
                .add(contains(user::Column::DisplayName, q))
                .add(user::Column::Email.eq(q.to_lowercase()))
                .add(user::Column::Phone.eq(q)),
        );
    }
    let total = find.clone().count(conn).await?;
    let items = find
        .order_by_asc(user::Column::CreatedAt)
        .order_by_asc(user::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(conn)
        .await?;
    Ok(Page { items, total })
}

/// Records a failed log-in; `locked_until` is set when the policy says to lock.
pub async fn record_login_failure(
    conn: &impl ConnectionTrait,
    id: Uuid,
    failed_logins: i32,
    locked_until: Option<DateTime<Utc>>,
) -> DbResult<()> {
    user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, Expr::value(failed_logins))
        .col_expr(user::Column::LockedUntil, Expr::value(locked_until))
        .filter(user::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

pub async fn clear_login_failures(conn: &impl ConnectionTrait, id: Uuid) -> DbResult<()> {
    user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .col_expr(user::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(user::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

// ---------- sessions ----------

pub async fn insert_session(conn: &impl ConnectionTrait, s: session::Model) -> DbResult<()> {
    save_full(conn, s.into_active_model(), true).await
}

/// The session with this hashed id and its user, whether or not it has expired.
pub async fn session_with_user(
    conn: &impl ConnectionTrait,
    id_hash: &str,
) -> DbResult<Option<(session::Model, user::Model)>> {
    // One round trip: this runs on every authenticated request.
    let found = session::Entity::find_by_id(id_hash.to_string()).find_also_related(user::Entity).one(conn).await?;
    Ok(found.and_then(|(s, u)| u.map(|u| (s, u))))
}

pub async fn touch_session(
    conn: &impl ConnectionTrait,
    id_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> DbResult<()> {
    session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::value(now))
        .col_expr(session::Column::ExpiresAt, Expr::value(expires_at))
        .filter(session::Column::IdHash.eq(id_hash))
        .exec(conn)
        .await?;
    Ok(())
}

pub async fn delete_session(conn: &impl ConnectionTrait, id_hash: &str) -> DbResult<()> {
    session::Entity::delete_by_id(id_hash.to_string()).exec(conn).await?;
    Ok(())
}

pub async fn delete_sessions_of(conn: &impl ConnectionTrait, user_id: Uuid) -> DbResult<u64> {
    let res = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id)).exec(conn).await?;
    Ok(res.rows_affected)
}

// ---------- API tokens ----------

pub async fn insert_api_token(conn: &impl ConnectionTrait, t: api_token::Model) -> DbResult<()> {
    save_full(conn, t.into_active_model(), true).await
}

pub async fn api_tokens_of(conn: &impl ConnectionTrait, user_id: Uuid) -> DbResult<Vec<api_token::Model>> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .order_by_desc(api_token::Column::CreatedAt)
        .all(conn)
        .await?)
}

/// Deletes the user's token; false when the user has no such token.
pub async fn delete_api_token(conn: &impl ConnectionTrait, user_id: Uuid, id: Uuid) -> DbResult<bool> {
    let res = api_token::Entity::delete_many()
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    Ok(res.rows_affected > 0)
}

pub async fn api_token_with_user(
    conn: &impl ConnectionTrait,
    token_hash: &str,
) -> DbResult<Option<(api_token::Model, user::Model)>> {
    let Some(t) = api_token::Entity::find().filter(api_token::Column::TokenHash.eq(token_hash)).one(conn).await? else {
        return Ok(None);
    };
    let u = user::Entity::find_by_id(t.user_id).one(conn).await?;
    Ok(u.map(|u| (t, u)))
}

pub async fn touch_api_token(conn: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> DbResult<()> {
    api_token::Entity::update_many()
        .col_expr(api_token::Column::LastUsedAt, Expr::value(Some(now)))
        .filter(api_token::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

// ---------- password resets ----------

pub async fn insert_password_reset(conn: &impl ConnectionTrait, r: password_reset::Model) -> DbResult<()> {
    save_full(conn, r.into_active_model(), true).await
}

/// Marks an unused, unexpired reset token as used and returns its user.
pub async fn take_password_reset(
    conn: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> DbResult<Option<Uuid>> {
    let Some(r) = password_reset::Entity::find_by_id(token_hash.to_string()).one(conn).await? else {
        return Ok(None);
    };
    if r.used_at.is_some() || r.expires_at <= now {
        return Ok(None);
    }
    let res = password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(Some(now)))
        .filter(password_reset::Column::TokenHash.eq(token_hash))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    Ok((res.rows_affected == 1).then_some(r.user_id))
}

pub use crate::entities::org_certification::Model as Certification;
/// The user of an unused, unexpired reset token, without spending it.
pub async fn password_reset_user(
    conn: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> DbResult<Option<Uuid>> {
    let r = password_reset::Entity::find_by_id(token_hash.to_string()).one(conn).await?;
    Ok(r.filter(|r| r.used_at.is_none() && r.expires_at > now).map(|r| r.user_id))
}
