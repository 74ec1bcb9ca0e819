//! The services context. So far: notifications.

pub mod notifications;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(notifications::my_notifications))
        .routes(routes!(notifications::read_one))
        .routes(routes!(notifications::read_all))
        .routes(routes!(notifications::get_preferences, notifications::set_preferences))
}
