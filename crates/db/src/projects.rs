//! Repository functions for funded projects: contracts, disbursements, reports.

use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::DbResult;
use crate::entities::project;

/// The projects whose PI is `pi_key` or whose organisation is `org_id` (what the overdue
/// facts of a new application read).
pub async fn of_pi_or_organisation(
    conn: &impl ConnectionTrait,
    pi_key: &str,
    org_id: Uuid,
) -> DbResult<Vec<project::Model>> {
    Ok(project::Entity::find()
        .filter(Condition::any().add(project::Column::PiKey.eq(pi_key)).add(project::Column::OrgId.eq(org_id)))
        .all(conn)
        .await?)
}
