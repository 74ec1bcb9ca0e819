//! Review rounds: score sheets, assignment (manual, automatic, random draw), expert scoring, ranking.

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
