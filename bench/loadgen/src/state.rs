//! What `seed` leaves for `rush` and for the wrk read scenarios (state.json).

use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::Session;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct State {
    pub base_url: String,
    pub call: String,
    pub admin: Session,
    pub organisations: Vec<Uuid>,
    pub applicants: Vec<Applicant>,
    /// For `GET /api/v1/applications/{id}`: a submitted application and its applicant's cookie.
    pub read_application: Option<ReadTarget>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReadTarget {
    pub id: Uuid,
    pub cookie: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Applicant {
    pub username: String,
    pub id: Uuid,
    pub session: Session,
    pub applications: Vec<Application>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Application {
    pub id: Uuid,
    /// The version the next draft save must send.
    pub version: i32,
    pub submitted: bool,
}

impl State {
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
    }

    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(self)?;
        std::fs::write(path, text + "\n").with_context(|| format!("writing {}", path.display()))
    }
}
