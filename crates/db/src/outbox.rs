//! The mail outbox: every mail is first written here, in the transaction of the change
//! that caused it; a job sends it when SMTP is configured.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::entities::mail_outbox;
use crate::{DbResult, Page, PageRequest};

pub const STATUS_PENDING: &str = "pending";
pub const STATUS_SENT: &str = "sent";
pub const STATUS_FAILED: &str = "failed";

pub async fn enqueue(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    to: &str,
    subject: &str,
    body: &str,
) -> DbResult<Uuid> {
    let id = Uuid::now_v7();
    mail_outbox::Entity::insert(pending(id, to.to_string(), subject.to_string(), body.to_string(), now))
        .exec(conn)
        .await?;
    Ok(id)
}

fn pending(id: Uuid, to: String, subject: String, body: String, now: DateTime<Utc>) -> mail_outbox::ActiveModel {
    mail_outbox::ActiveModel {
        id: Set(id),
        to_addr: Set(to),
        subject: Set(subject),
        body: Set(body),
        status: Set(STATUS_PENDING.to_string()),
        attempts: Set(0),
        last_error: Set(None),
        locked_until: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
    }
}

/// The statement queueing several mails (to, subject, body) (`None` for none).
pub fn enqueue_many_statement(
    backend: sea_orm::DbBackend,
    now: DateTime<Utc>,
    mails: Vec<(String, String, String)>,
) -> Option<sea_orm::Statement> {
    if mails.is_empty() {
        return None;
    }
    let insert = mail_outbox::Entity::insert_many(
        mails.into_iter().map(|(to, subject, body)| pending(Uuid::now_v7(), to, subject, body, now)),
    );
    Some(sea_orm::QueryTrait::build(&insert, backend))
}

pub async fn list(conn: &impl ConnectionTrait, page: PageRequest) -> DbResult<Page<mail_outbox::Model>> {
    let find = mail_outbox::Entity::find();
    let total = find.clone().count(conn).await?;
    let items = find
        .order_by_desc(mail_outbox::Column::CreatedAt)
        .order_by_desc(mail_outbox::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(conn)
        .await?;
    Ok(Page { items, total })
}

/// Claims up to `limit` pending mails by lease: a mail whose lease is unset or expired is
/// taken by setting `locked_until`; the conditional UPDATE makes the claim exclusive
/// between replicas without row locks.
pub async fn claim(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> DbResult<Vec<mail_outbox::Model>> {
    let candidates = mail_outbox::Entity::find()
        .filter(mail_outbox::Column::Status.eq(STATUS_PENDING))
        .order_by_asc(mail_outbox::Column::CreatedAt)
        .limit(limit * 4)
        .all(conn)
        .await?;
    let mut claimed = Vec::new();
    for m in candidates {
        if claimed.len() as u64 >= limit {
            break;
        }
        if m.locked_until.is_some_and(|l| l > now) {
            continue;
        }
        let mut cond =
            Condition::all().add(mail_outbox::Column::Id.eq(m.id)).add(mail_outbox::Column::Status.eq(STATUS_PENDING));
        cond = match m.locked_until {
            Some(l) => cond.add(mail_outbox::Column::LockedUntil.eq(l)),
            None => cond.add(mail_outbox::Column::LockedUntil.is_null()),
        };
        let res = mail_outbox::Entity::update_many()
            .col_expr(mail_outbox::Column::LockedUntil, Expr::value(Some(lease_until)))
            .filter(cond)
            .exec(conn)
            .await?;
        if res.rows_affected == 1 {
            claimed.push(m);
        }
    }
    Ok(claimed)
}

pub async fn mark_sent(conn: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> DbResult<()> {
    mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::Status, Expr::value(STATUS_SENT))
        .col_expr(mail_outbox::Column::SentAt, Expr::value(Some(now)))
        .col_expr(mail_outbox::Column::Attempts, Expr::col(mail_outbox::Column::Attempts).add(1))
        .filter(mail_outbox::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Records a failed attempt; after `max_attempts` the mail is marked failed.
pub async fn mark_failed(
    conn: &impl ConnectionTrait,
    mail: &mail_outbox::Model,
    error: &str,
    max_attempts: i32,
) -> DbResult<()> {
    let attempts = mail.attempts + 1;
    let status = if attempts >= max_attempts { STATUS_FAILED } else { STATUS_PENDING };
    mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::Status, Expr::value(status))
        .col_expr(mail_outbox::Column::Attempts, Expr::value(attempts))
        .col_expr(mail_outbox::Column::LastError, Expr::value(Some(error.to_string())))
        .filter(mail_outbox::Column::Id.eq(mail.id))
        .exec(conn)
        .await?;
    Ok(())
}
