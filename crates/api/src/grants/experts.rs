//! The expert pool (专家库): experts, their fields and conflicts, self-service profile, Excel import.

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
