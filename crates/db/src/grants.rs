//! Repository functions of the grants context.

use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use uuid::Uuid;

use crate::entities::{application, attachment, call, idempotency_key};
use crate::{DbError, DbResult, Finder, WriteTxn};

pub async fn call_by_code(conn: &impl ConnectionTrait, code: &str) -> DbResult<Option<call::Model>> {
    Ok(call::Entity::find().filter(call::Column::Code.eq(code)).one(conn).await?)
}

pub async fn calls(conn: &impl ConnectionTrait) -> DbResult<Vec<call::Model>> {
    Ok(call::Entity::find().order_by_desc(call::Column::Year).order_by_asc(call::Column::Code).all(conn).await?)
}

/// Inserts the call, or replaces the one with the same code (keeping its id and creation time).
pub async fn save_call(conn: &impl ConnectionTrait, mut model: call::Model) -> DbResult<call::Model> {
    let existing = call_by_code(conn, &model.code).await?;
    let am = match existing {
        Some(old) => {
            model.id = old.id;
            model.created_at = old.created_at;
            model.clone().into_active_model().reset_all()
        }
        None => {
            model.clone().into_active_model().reset_all().insert(conn).await.map_err(DbError::classify)?;
            return Ok(model);
        }
    };
    am.update(conn).await.map_err(DbError::classify)?;
    Ok(model)
}

/// The id of the call with this code (without reading its document).
pub async fn call_id_by_code(conn: &impl ConnectionTrait, code: &str) -> DbResult<Option<Uuid>> {
    use sea_orm::QuerySelect;
    Ok(call::Entity::find()
        .select_only()
        .column(call::Column::Id)
        .filter(call::Column::Code.eq(code))
        .into_tuple::<Uuid>()
        .one(conn)
        .await?)
}

pub async fn call_by_id(conn: &impl ConnectionTrait, id: Uuid) -> DbResult<Option<call::Model>> {
    Ok(call::Entity::find_by_id(id).one(conn).await?)
}

pub async fn insert_application(conn: &impl ConnectionTrait, a: application::Model) -> DbResult<()> {
    a.into_active_model().reset_all().insert(conn).await.map_err(DbError::classify)?;
    Ok(())
}

pub async fn application(conn: &impl Finder, id: Uuid) -> DbResult<Option<application::Model>> {
    Ok(conn.find_one(application::Entity::find_by_id(id)).await?)
}

pub async fn applications_of(conn: &impl ConnectionTrait, applicant: Uuid) -> DbResult<Vec<application::Model>> {
    Ok(application::Entity::find()
        .filter(application::Column::ApplicantId.eq(applicant))
        .order_by_desc(application::Column::CreatedAt)
        .all(conn)
        .await?)
}

/// The applications of a call in the given statuses (what quotas count).
pub async fn applications_in_call(
    conn: &impl ConnectionTrait,
    call_id: Uuid,
    statuses: &[&str],
) -> DbResult<Vec<application::Model>> {
    Ok(application::Entity::find()
        .filter(application::Column::CallId.eq(call_id))
        .filter(application::Column::Status.is_in(statuses.iter().copied()))
        .all(conn)
        .await?)
}

/// The one statement that saves draft content of `applicant`'s application if the stored
/// version is still `expected_version` (for `Db::write_statement`); it affects no row when
/// someone saved in between, the application is not editable or not theirs.
#[allow(clippy::too_many_arguments)]
pub fn save_draft(
    backend: sea_orm::DbBackend,
    id: Uuid,
    applicant: Uuid,
    expected_version: i32,
    editable: &[&str],
    title: &str,
    data: &str,
    now: DateTime<Utc>,
) -> sea_orm::Statement {
    use sea_orm::QueryTrait;
    application::Entity::update_many()
        .col_expr(application::Column::Title, Expr::value(title))
        .col_expr(application::Column::Data, Expr::value(data))
        .col_expr(application::Column::Version, Expr::value(expected_version + 1))
        .col_expr(application::Column::UpdatedAt, Expr::value(now))
        .filter(application::Column::Id.eq(id))
        .filter(application::Column::ApplicantId.eq(applicant))
        .filter(application::Column::Version.eq(expected_version))
        .filter(application::Column::Status.is_in(editable.iter().copied()))
        .build(backend)
}

/// Moves an application from `from` to `to` if it is still in `from`; false otherwise.
pub async fn change_status(
    conn: &(impl WriteTxn + ?Sized),
    id: Uuid,
    from: &str,
    to: &str,
    submitted: Option<(DateTime<Utc>, &str)>,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    Ok(conn.execute(change_status_statement(conn.backend(), id, from, to, submitted, now)).await? == 1)
}

/// The conditional update of `change_status`: it changes one row when the status was `from`.
pub fn change_status_statement(
    backend: sea_orm::DbBackend,
    id: Uuid,
    from: &str,
    to: &str,
    submitted: Option<(DateTime<Utc>, &str)>,
    now: DateTime<Utc>,
) -> sea_orm::Statement {
    let mut update = application::Entity::update_many()
        .col_expr(application::Column::Status, Expr::value(to))
        .col_expr(application::Column::UpdatedAt, Expr::value(now));
    if let Some((at, pi_key)) = submitted {
        update = update
            .col_expr(application::Column::SubmittedAt, Expr::value(Some(at)))
            .col_expr(application::Column::PiKey, Expr::value(Some(pi_key.to_string())));
    }
    let update = update.filter(application::Column::Id.eq(id)).filter(application::Column::Status.eq(from));
    sea_orm::QueryTrait::build(&update, backend)
}

pub async fn idempotent_response(
    conn: &impl Finder,
    user_id: Uuid,
    key: &str,
) -> DbResult<Option<idempotency_key::Model>> {
    Ok(conn.find_one(idempotency_key::Entity::find_by_id((user_id, key.to_string()))).await?)
}

/// The insert recording the response given for a key (in the transaction of the action).
pub fn idempotent_response_statement(
    backend: sea_orm::DbBackend,
    record: idempotency_key::Model,
) -> sea_orm::Statement {
    let insert = idempotency_key::Entity::insert(record.into_active_model().reset_all());
    sea_orm::QueryTrait::build(&insert, backend)
}

/// Filters of application lists (recommender queue, bureau list).
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    pub recommender_id: Option<Uuid>,
    pub call_id: Option<Uuid>,
    pub category: Option<String>,
    pub statuses: Vec<String>,
    /// The applicant organisation's district code.
    pub district: Option<String>,
    /// Part of the applicant organisation's name, or its full credit code.
    pub organisation: Option<String>,
}

pub async fn list_applications(
    conn: &impl ConnectionTrait,
    filter: &ApplicationFilter,
) -> DbResult<Vec<application::Model>> {
    let mut q = application::Entity::find();
    if let Some(r) = filter.recommender_id {
        q = q.filter(application::Column::RecommenderId.eq(r));
    }
    if let Some(c) = filter.call_id {
        q = q.filter(application::Column::CallId.eq(c));
    }
    if let Some(c) = &filter.category {
        q = q.filter(application::Column::Category.eq(c.as_str()));
    }
    if !filter.statuses.is_empty() {
        q = q.filter(application::Column::Status.is_in(filter.statuses.iter().map(String::as_str)));
    }
    use crate::entities::organisation;
    use sea_orm::sea_query::Query;
    let orgs_where = |cond: sea_orm::Condition| {
        Query::select().column(organisation::Column::Id).from(organisation::Entity).cond_where(cond).to_owned()
    };
    if let Some(d) = &filter.district {
        q = q.filter(
            application::Column::OrgId
                .in_subquery(orgs_where(sea_orm::Condition::all().add(organisation::Column::District.eq(d.as_str())))),
        );
    }
    if let Some(o) = &filter.organisation {
        let cond = sea_orm::Condition::any()
            .add(organisation::Column::Name.contains(o.as_str()))
            .add(organisation::Column::CreditCode.eq(o.to_uppercase()));
        q = q.filter(application::Column::OrgId.in_subquery(orgs_where(cond)));
    }
    Ok(q.order_by_asc(application::Column::SubmittedAt).order_by_asc(application::Column::Id).all(conn).await?)
}

pub async fn insert_attachment(conn: &impl ConnectionTrait, a: attachment::Model) -> DbResult<()> {
    a.into_active_model().reset_all().insert(conn).await.map_err(DbError::classify)?;
    Ok(())
}

pub async fn attachment(conn: &impl ConnectionTrait, id: Uuid) -> DbResult<Option<attachment::Model>> {
    Ok(attachment::Entity::find_by_id(id).one(conn).await?)
}

pub async fn attachments_of(conn: &impl ConnectionTrait, application_id: Uuid) -> DbResult<Vec<attachment::Model>> {
    Ok(attachment::Entity::find()
        .filter(attachment::Column::ApplicationId.eq(application_id))
        .order_by_asc(attachment::Column::CreatedAt)
        .all(conn)
        .await?)
}

/// Records (or clears) the receipt of the paper copies.
pub async fn set_paper_copies(conn: &impl ConnectionTrait, id: Uuid, at: Option<DateTime<Utc>>) -> DbResult<()> {
    application::Entity::update_many()
        .col_expr(application::Column::PaperCopiesAt, Expr::value(at))
        .filter(application::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// One counted filing as quotas see it.
#[derive(Debug, Clone)]
pub struct FilingRow {
    pub id: Uuid,
    pub call_code: String,
    pub category: String,
    pub subtype: String,
    pub pi_key: Option<String>,
    pub credit_code: String,
    pub district: Option<String>,
    pub recommender_id: Uuid,
    pub recommender_kind: String,
}

impl From<FilingRow> for kc_core::grants::quota::Filing {
    fn from(f: FilingRow) -> Self {
        Self {
            call: f.call_code,
            category: f.category,
            subtype: f.subtype,
            pi: f.pi_key.unwrap_or_default(),
            organisation: f.credit_code,
            recommender: f.recommender_id.to_string(),
            recommender_kind: f.recommender_kind,
            district: f.district,
        }
    }
}

/// The filings in `calls` with one of `statuses` that share a holder with `holders` (one
/// indexed query; nothing is read when no quota looks at any holder).
pub async fn filings_sharing(
    conn: &(impl WriteTxn + ?Sized),
    holders: &kc_core::grants::quota::Holders,
    statuses: &[&str],
    except: Uuid,
) -> DbResult<Vec<FilingRow>> {
    use sea_orm::sea_query::{Alias, Condition, ExprTrait, JoinType, Query};
    if holders.is_empty() {
        return Ok(Vec::new());
    }
    let (a, o, r, c) = (Alias::new("a"), Alias::new("o"), Alias::new("r"), Alias::new("c"));
    let col = |t: &Alias, n: &str| Expr::col((t.clone(), Alias::new(n)));
    let mut shares = Condition::any();
    if let Some(pi) = &holders.pi {
        shares = shares.add(col(&a, "pi_key").eq(pi.as_str()));
    }
    if let Some(org) = &holders.organisation {
        shares = shares.add(col(&o, "credit_code").eq(org.as_str()));
    }
    if let Some(rec) = holders.recommender.as_deref().and_then(|r| Uuid::parse_str(r).ok()) {
        shares = shares.add(col(&a, "recommender_id").eq(rec));
    }
    if let Some(district) = &holders.district {
        shares = shares.add(col(&o, "district").eq(district.as_str()));
    }
    let query = Query::select()
        .expr_as(col(&a, "id"), Alias::new("id"))
        .expr_as(col(&c, "code"), Alias::new("call_code"))
        .expr_as(col(&a, "category"), Alias::new("category"))
        .expr_as(col(&a, "subtype"), Alias::new("subtype"))
        .expr_as(col(&a, "pi_key"), Alias::new("pi_key"))
        .expr_as(col(&o, "credit_code"), Alias::new("credit_code"))
        .expr_as(col(&o, "district"), Alias::new("district"))
        .expr_as(col(&a, "recommender_id"), Alias::new("recommender_id"))
        .expr_as(col(&r, "recommender_kind"), Alias::new("recommender_kind"))
        .from_as(Alias::new("applications"), a.clone())
        .join_as(
            JoinType::InnerJoin,
            Alias::new("calls"),
            c.clone(),
            col(&c, "id").equals((a.clone(), Alias::new("call_id"))),
        )
        .join_as(
            JoinType::InnerJoin,
            Alias::new("organisations"),
            o.clone(),
            col(&o, "id").equals((a.clone(), Alias::new("org_id"))),
        )
        .join_as(
            JoinType::InnerJoin,
            Alias::new("organisations"),
            r.clone(),
            col(&r, "id").equals((a.clone(), Alias::new("recommender_id"))),
        )
        .cond_where(
            Condition::all()
                .add(col(&c, "code").is_in(holders.calls.iter().map(String::as_str)))
                .add(col(&a, "status").is_in(statuses.iter().copied()))
                .add(col(&a, "id").ne(except))
                .add(shares),
        )
        .to_owned();
    let mut rows = Vec::new();
    conn.query(conn.backend().build(&query), &mut |row| {
        rows.push(FilingRow {
            id: row.uuid("id")?,
            call_code: row.text("call_code")?.unwrap_or_default(),
            category: row.text("category")?.unwrap_or_default(),
            subtype: row.text("subtype")?.unwrap_or_default(),
            pi_key: row.text("pi_key")?,
            credit_code: row.text("credit_code")?.unwrap_or_default(),
            district: row.text("district")?,
            recommender_id: row.uuid("recommender_id")?,
            recommender_kind: row.text("recommender_kind")?.unwrap_or_default(),
        });
        Ok(())
    })
    .await?;
    Ok(rows)
}

/// Serialises, until the transaction ends, the submissions that share one of `keys`
/// (PostgreSQL advisory locks taken in sorted order; SQLite has a single writer already).
pub async fn lock_holders(conn: &(impl WriteTxn + ?Sized), keys: &[String]) -> DbResult<()> {
    if conn.backend() != sea_orm::DatabaseBackend::Postgres {
        return Ok(());
    }
    for key in keys {
        conn.execute(sea_orm::Statement::from_sql_and_values(
            sea_orm::DatabaseBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            [key.clone().into()],
        ))
        .await?;
    }
    Ok(())
}

/// The extension of `call_id`'s submission window granted to `applicant_id`, if any.
pub async fn extension(
    conn: &impl Finder,
    call_id: Uuid,
    applicant_id: Uuid,
) -> DbResult<Option<crate::entities::window_extension::Model>> {
    Ok(conn.find_one(crate::entities::window_extension::Entity::find_by_id((call_id, applicant_id))).await?)
}

pub async fn extensions_of(
    conn: &impl ConnectionTrait,
    call_id: Uuid,
) -> DbResult<Vec<crate::entities::window_extension::Model>> {
    use crate::entities::window_extension as we;
    Ok(we::Entity::find().filter(we::Column::CallId.eq(call_id)).order_by_asc(we::Column::Until).all(conn).await?)
}

/// Grants (or replaces) an applicant's extension.
pub async fn save_extension(conn: &impl ConnectionTrait, m: crate::entities::window_extension::Model) -> DbResult<()> {
    use crate::entities::window_extension as we;
    we::Entity::insert(m.into_active_model())
        .on_conflict(
            sea_orm::sea_query::OnConflict::columns([we::Column::CallId, we::Column::ApplicantId])
                .update_columns([we::Column::Until, we::Column::Reason, we::Column::GrantedBy, we::Column::CreatedAt])
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}
