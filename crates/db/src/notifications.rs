//! In-app notifications and mail preferences.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::entities::{notification, notification_preference, user};
use crate::{DbResult, Finder};

/// The statement recording several notifications (`None` for none).
pub fn insert_many_statement(backend: sea_orm::DbBackend, all: Vec<notification::Model>) -> Option<sea_orm::Statement> {
    if all.is_empty() {
        return None;
    }
    let insert = notification::Entity::insert_many(all.into_iter().map(sea_orm::IntoActiveModel::into_active_model));
    Some(sea_orm::QueryTrait::build(&insert, backend))
}

/// The newest `limit` notifications of `user_id` and how many are unread.
pub async fn of_user(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    limit: u64,
) -> DbResult<(Vec<notification::Model>, u64)> {
    let items = notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_desc(notification::Column::Id)
        .limit(limit)
        .all(conn)
        .await?;
    let unread = notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(conn)
        .await?;
    Ok((items, unread))
}

/// Marks one (or, with `None`, every) unread notification of `user_id` read; returns how many.
pub async fn mark_read(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    id: Option<Uuid>,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    let mut update = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Some(now)))
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = id {
        update = update.filter(notification::Column::Id.eq(id));
    }
    Ok(update.exec(conn).await?.rows_affected)
}

/// The stored mail preference (`None` when the user never chose one).
pub async fn mail_preference(conn: &impl ConnectionTrait, user_id: Uuid) -> DbResult<Option<String>> {
    Ok(notification_preference::Entity::find_by_id(user_id).one(conn).await?.map(|p| p.mail))
}

/// The mail preferences chosen by any of `users` (those who never chose are absent).
pub async fn mail_preferences(conn: &impl Finder, users: &[Uuid]) -> DbResult<std::collections::HashMap<Uuid, String>> {
    Ok(conn
        .find_all(
            notification_preference::Entity::find()
                .filter(notification_preference::Column::UserId.is_in(users.iter().copied())),
        )
        .await?
        .into_iter()
        .map(|p| (p.user_id, p.mail))
        .collect())
}

pub async fn set_mail_preference(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    mail: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let model = notification_preference::Model { user_id, mail: mail.to_string(), updated_at: now };
    notification_preference::Entity::insert(sea_orm::IntoActiveModel::into_active_model(model))
        .on_conflict(
            OnConflict::column(notification_preference::Column::UserId)
                .update_columns([notification_preference::Column::Mail, notification_preference::Column::UpdatedAt])
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The active users of an organisation with `role` (e.g. a recommending unit's staff).
pub async fn active_users_of(conn: &impl Finder, org_id: Uuid, role: &str) -> DbResult<Vec<user::Model>> {
    Ok(conn
        .find_all(
            user::Entity::find()
                .filter(user::Column::OrgId.eq(org_id))
                .filter(user::Column::Role.eq(role))
                .filter(user::Column::Status.eq("active")),
        )
        .await?)
}
