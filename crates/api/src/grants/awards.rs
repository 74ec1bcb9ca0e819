//! The funding decision: on-site evaluations, proposed funding within caps, public notice and objections, award.

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
