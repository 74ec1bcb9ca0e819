//! Repository functions of the grants context.

use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder};

use crate::entities::call;
use crate::{DbError, DbResult};

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
