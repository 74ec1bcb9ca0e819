//! SeaORM entities. Column types are the ones both SQLite and PostgreSQL keep exactly.

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod district {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "districts")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        pub name_zh: String,
        pub name_en: String,
        pub sort_order: i32,
    }
    no_relations!();
}

pub mod certification_kind {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "certification_kinds")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        pub name_zh: String,
        pub name_en: String,
        pub sort_order: i32,
    }
    no_relations!();
}

pub mod organisation {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "organisations")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub name: String,
        pub credit_code: String,
        pub org_type: String,
        pub district: Option<String>,
        pub recommender_kind: String,
        pub registered_capital_fen: Option<i64>,
        pub last_year_revenue_fen: Option<i64>,
        pub in_statistics_scope: bool,
        pub credit_status: String,
        pub recommender_id: Option<Uuid>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod org_certification {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "org_certifications")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub org_id: Uuid,
        pub kind: String,
        pub cert_no: Option<String>,
        pub valid_from: ChronoDate,
        pub valid_until: ChronoDate,
    }
    no_relations!();
}

pub mod routing_rule {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "routing_rules")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub org_type: String,
        pub mode: String,
    }
    no_relations!();
}

pub mod user {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub username: String,
        pub email: Option<String>,
        pub phone: Option<String>,
        pub display_name: String,
        pub password_hash: String,
        pub role: String,
        pub status: String,
        pub org_id: Option<Uuid>,
        pub recommender_id: Option<Uuid>,
        pub department: Option<String>,
        pub rejection_reason: Option<String>,
        pub failed_logins: i32,
        pub locked_until: Option<DateTimeUtc>,
        pub approved_at: Option<DateTimeUtc>,
        pub approved_by: Option<Uuid>,
        pub password_changed_at: DateTimeUtc,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod session {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id_hash: String,
        pub user_id: Uuid,
        pub csrf_token: String,
        pub ip: Option<String>,
        pub user_agent: Option<String>,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub last_seen_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(belongs_to = "super::user::Entity", from = "Column::UserId", to = "super::user::Column::Id")]
        User,
    }

    impl Related<super::user::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::User.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod api_token {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "api_tokens")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub user_id: Uuid,
        pub name: String,
        pub token_hash: String,
        pub created_at: DateTimeUtc,
        pub expires_at: Option<DateTimeUtc>,
        pub last_used_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod password_reset {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "password_resets")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub token_hash: String,
        pub user_id: Uuid,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub used_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod audit_log {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_log")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub seq: i64,
        pub at_micros: i64,
        pub actor_id: Option<Uuid>,
        pub entity_type: String,
        pub entity_id: String,
        pub action: String,
        pub before_json: Option<String>,
        pub after_json: Option<String>,
        pub reason: Option<String>,
        pub prev_hash: String,
        pub hash: String,
    }
    no_relations!();
}

pub mod mail_outbox {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mail_outbox")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub to_addr: String,
        pub subject: String,
        pub body: String,
        pub status: String,
        pub attempts: i32,
        pub last_error: Option<String>,
        pub locked_until: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub sent_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod call {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "calls")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub code: String,
        pub year: i32,
        pub title: String,
        pub opens_at: DateTimeUtc,
        pub closes_at: DateTimeUtc,
        pub document: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod application {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "applications")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub call_id: Uuid,
        pub category: String,
        pub subtype: String,
        pub applicant_id: Uuid,
        pub org_id: Uuid,
        pub recommender_id: Uuid,
        pub title: String,
        pub data: String,
        pub status: String,
        pub version: i32,
        pub submitted_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub paper_copies_at: Option<DateTimeUtc>,
        pub pi_key: Option<String>,
    }
    no_relations!();
}

pub mod notification {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "notifications")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub user_id: Uuid,
        pub kind: String,
        pub title_zh: String,
        pub title_en: String,
        pub body_zh: String,
        pub body_en: String,
        pub link: Option<String>,
        pub created_at: DateTimeUtc,
        pub read_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod notification_preference {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "notification_preferences")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: Uuid,
        pub mail: String,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod window_extension {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "window_extensions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub call_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub applicant_id: Uuid,
        pub until: DateTimeUtc,
        pub reason: String,
        pub granted_by: Uuid,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod idempotency_key {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "idempotency_keys")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        pub status: i32,
        pub body: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod attachment {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "attachments")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub application_id: Uuid,
        pub slot: String,
        pub file_name: String,
        pub content_type: String,
        pub size: i64,
        pub sha256: String,
        pub storage_key: String,
        pub uploaded_by: Uuid,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// The technology-field taxonomy experts and applications are matched on (data, per city).
pub mod review_field {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "review_fields")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        pub name_zh: String,
        pub name_en: String,
        pub parent_code: Option<String>,
        pub sort_order: i32,
    }
    no_relations!();
}

/// The expert pool (专家库).
pub mod expert {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "experts")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub user_id: Option<Uuid>,
        pub name: String,
        pub org_id: Option<Uuid>,
        pub title: String,
        pub fields: String,
        pub collaborators: String,
        pub declared_org_ids: String,
        pub available: bool,
        pub availability_note: Option<String>,
        pub phone: Option<String>,
        pub email: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

/// A review round of one category of a call, with its own copy of the review rules.
pub mod review_round {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "review_rounds")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub call_id: Uuid,
        pub category: String,
        pub name: String,
        pub rules: String,
        pub deadline: DateTimeUtc,
        pub status: String,
        pub created_by: Uuid,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// One expert's review of one application in a round.
pub mod review_assignment {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "review_assignments")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub round_id: Uuid,
        pub application_id: Uuid,
        pub expert_id: Uuid,
        pub method: String,
        pub status: String,
        pub scores: Option<String>,
        pub total: Option<i32>,
        pub comment: Option<String>,
        pub conflict_reason: Option<String>,
        pub submitted_at: Option<DateTimeUtc>,
        pub reminded_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

/// Every score an expert handed in, so a changed score keeps its history.
pub mod review_score_version {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "review_score_history")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub assignment_id: Uuid,
        pub scores: String,
        pub total: i32,
        pub comment: Option<String>,
        pub recorded_by: Uuid,
        pub recorded_at: DateTimeUtc,
    }
    no_relations!();
}

/// An audited random draw: the candidates in order, the seed and who was drawn.
pub mod random_draw {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "random_draws")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub round_id: Uuid,
        pub application_id: Uuid,
        pub seed: i64,
        pub candidates: String,
        pub chosen: String,
        pub drawn_by: Uuid,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// On-site evaluation findings (现场考评).
pub mod site_visit {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "site_visits")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub application_id: Uuid,
        pub visited_on: Date,
        pub findings: String,
        pub recommended_fen: Option<i64>,
        pub recorded_by: Uuid,
        pub recorded_at: DateTimeUtc,
    }
    no_relations!();
}

/// The bureau's proposed funding per application, then the final decision.
pub mod funding_decision {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "funding_decisions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub application_id: Uuid,
        pub call_id: Uuid,
        pub category: String,
        pub subtype: String,
        pub proposed_fen: i64,
        pub status: String,
        pub notice_id: Option<Uuid>,
        pub decided_by: Uuid,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

/// Public notice (公示) of proposed awards with an objection period.
pub mod public_notice {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "public_notices")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub call_id: Uuid,
        pub title: String,
        pub body: String,
        pub published_at: DateTimeUtc,
        pub objections_until: DateTimeUtc,
        pub status: String,
        pub created_by: Uuid,
    }
    no_relations!();
}

/// An objection (异议) raised during a public notice.
pub mod objection {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "objections")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub notice_id: Uuid,
        pub application_id: Option<Uuid>,
        pub submitter_name: String,
        pub contact: String,
        pub content: String,
        pub status: String,
        pub resolution: Option<String>,
        pub created_at: DateTimeUtc,
        pub resolved_at: Option<DateTimeUtc>,
        pub resolved_by: Option<Uuid>,
    }
    no_relations!();
}

/// A funded project (立项 onwards).
pub mod project {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "projects")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub application_id: Uuid,
        pub call_id: Uuid,
        pub org_id: Uuid,
        pub recommender_id: Uuid,
        pub applicant_id: Uuid,
        pub pi_key: String,
        pub pi_name: String,
        pub title: String,
        pub contract_no: String,
        pub awarded_fen: i64,
        pub status: String,
        pub contract_status: String,
        pub contract_data: String,
        pub awarded_on: Date,
        pub due_on: Date,
        pub closed_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

/// Money paid to a project (拨款).
pub mod disbursement {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "disbursements")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub project_id: Uuid,
        pub amount_fen: i64,
        pub paid_on: Date,
        pub note: Option<String>,
        pub recorded_by: Uuid,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// Mid-term and completion reports, filled with the form engine.
pub mod project_report {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "project_reports")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub project_id: Uuid,
        pub kind: String,
        pub data: String,
        pub status: String,
        pub comment: Option<String>,
        pub version: i32,
        pub submitted_at: Option<DateTimeUtc>,
        pub reviewed_at: Option<DateTimeUtc>,
        pub reviewed_by: Option<Uuid>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}
