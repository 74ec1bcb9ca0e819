//! The hash-chained audit log. Appends happen inside the caller's transaction, so an
//! entry exists exactly when the change it records does.

use chrono::{DateTime, Utc};
use kc_core::audit::{AuditContent, ChainBreak, ChainVerifier, entry_hash};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::WriteTxn;
use crate::entities::audit_log;
use crate::{DbError, DbResult, Page, PageRequest};

/// What happened, to be recorded.
#[derive(Debug, Clone)]
pub struct NewAuditEvent {
    pub actor_id: Option<Uuid>,
    pub entity_type: &'static str,
    pub entity_id: String,
    pub action: &'static str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub reason: Option<String>,
}

fn content<'a>(m: &'a audit_log::Model, actor: Option<&'a str>) -> AuditContent<'a> {
    AuditContent {
        seq: m.seq,
        at_micros: m.at_micros,
        actor_id: actor,
        entity_type: &m.entity_type,
        entity_id: &m.entity_id,
        action: &m.action,
        before: m.before_json.as_deref(),
        after: m.after_json.as_deref(),
        reason: m.reason.as_deref(),
    }
}

/// Appends `event` to the chain. Must run inside a transaction: the chain head row is
/// locked (FOR UPDATE on PostgreSQL; SQLite has a single writer) until commit.
pub async fn append(txn: &(impl WriteTxn + ?Sized), now: DateTime<Utc>, event: NewAuditEvent) -> DbResult<()> {
    let backend = txn.backend();
    let mut head = None;
    txn.query(
        backend.build(
            &Query::select()
                .columns([Alias::new("seq"), Alias::new("hash")])
                .from(Alias::new("audit_head"))
                .and_where(Expr::col(Alias::new("id")).eq(1))
                .lock_exclusive()
                .to_owned(),
        ),
        &mut |row| {
            head = Some((row.int("seq")?, row.text("hash")?.unwrap_or_default()));
            Ok(())
        },
    )
    .await?;
    let (seq, prev_hash) = head.ok_or_else(|| DbError::Corrupt("audit_head row is missing".into()))?;

    let model = audit_log::Model {
        id: Uuid::now_v7(),
        seq: seq + 1,
        at_micros: now.timestamp_micros(),
        actor_id: event.actor_id,
        entity_type: event.entity_type.to_string(),
        entity_id: event.entity_id,
        action: event.action.to_string(),
        before_json: event.before.map(|v| v.to_string()),
        after_json: event.after.map(|v| v.to_string()),
        reason: event.reason,
        prev_hash: prev_hash.clone(),
        hash: String::new(),
    };
    let actor = model.actor_id.map(|a| a.to_string());
    let hash = entry_hash(&prev_hash, &content(&model, actor.as_deref()));

    txn.execute(
        backend.build(
            &Query::update()
                .table(Alias::new("audit_head"))
                .value(Alias::new("seq"), model.seq)
                .value(Alias::new("hash"), hash.clone())
                .and_where(Expr::col(Alias::new("id")).eq(1))
                .to_owned(),
        ),
    )
    .await?;
    let insert = audit_log::Entity::insert(audit_log::ActiveModel {
        id: Set(model.id),
        seq: Set(model.seq),
        at_micros: Set(model.at_micros),
        actor_id: Set(model.actor_id),
        entity_type: Set(model.entity_type),
        entity_id: Set(model.entity_id),
        action: Set(model.action),
        before_json: Set(model.before_json),
        after_json: Set(model.after_json),
        reason: Set(model.reason),
        prev_hash: Set(model.prev_hash),
        hash: Set(hash),
    });
    txn.execute(sea_orm::QueryTrait::build(&insert, backend)).await?;
    Ok(())
}

/// The outcome of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyOutcome {
    Intact {
        entries: u64,
    },
    Broken(ChainBreak),
    /// The chain itself is intact but the head row disagrees (entries were removed at the end).
    HeadMismatch {
        head_seq: i64,
        last_seq: i64,
    },
}

/// Checks every entry, in batches so memory stays flat on a long log.
pub async fn verify(conn: &impl ConnectionTrait) -> DbResult<VerifyOutcome> {
    const BATCH: u64 = 5_000;
    let mut verifier = ChainVerifier::default();
    loop {
        let rows = audit_log::Entity::find()
            .filter(audit_log::Column::Seq.gt(verifier.last_seq()))
            .order_by_asc(audit_log::Column::Seq)
            .limit(BATCH)
            .all(conn)
            .await?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            let actor = row.actor_id.map(|a| a.to_string());
            if let Err(broken) = verifier.push(&content(row, actor.as_deref()), &row.prev_hash, &row.hash) {
                return Ok(VerifyOutcome::Broken(broken));
            }
        }
    }
    let head = conn
        .query_one(
            &Query::select()
                .column(Alias::new("seq"))
                .from(Alias::new("audit_head"))
                .and_where(Expr::col(Alias::new("id")).eq(1))
                .to_owned(),
        )
        .await?
        .ok_or_else(|| DbError::Corrupt("audit_head row is missing".into()))?;
    let head_seq: i64 = head.try_get("", "seq")?;
    if head_seq != verifier.last_seq() {
        return Ok(VerifyOutcome::HeadMismatch { head_seq, last_seq: verifier.last_seq() });
    }
    Ok(VerifyOutcome::Intact { entries: verifier.count() })
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor_id: Option<Uuid>,
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Newest first.
pub async fn list(
    conn: &impl ConnectionTrait,
    filter: &AuditFilter,
    page: PageRequest,
) -> DbResult<Page<audit_log::Model>> {
    let mut q = audit_log::Entity::find();
    if let Some(t) = &filter.entity_type {
        q = q.filter(audit_log::Column::EntityType.eq(t.as_str()));
    }
    if let Some(id) = &filter.entity_id {
        q = q.filter(audit_log::Column::EntityId.eq(id.as_str()));
    }
    if let Some(a) = filter.actor_id {
        q = q.filter(audit_log::Column::ActorId.eq(a));
    }
    if let Some(a) = &filter.action {
        q = q.filter(audit_log::Column::Action.eq(a.as_str()));
    }
    if let Some(f) = filter.from {
        q = q.filter(audit_log::Column::AtMicros.gte(f.timestamp_micros()));
    }
    if let Some(t) = filter.to {
        q = q.filter(audit_log::Column::AtMicros.lt(t.timestamp_micros()));
    }
    let total = q.clone().count(conn).await?;
    let items = q.order_by_desc(audit_log::Column::Seq).offset(page.offset()).limit(page.per_page).all(conn).await?;
    Ok(Page { items, total })
}
