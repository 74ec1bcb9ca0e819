//! Request and response bodies of the identity API.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrgRef {
    pub id: Uuid,
    pub name: String,
}

/// An account as the bureau and its owner see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Account {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    /// individual_applicant | unit_applicant | recommender | bureau_staff | bureau_admin | expert | concierge
    pub role: String,
    /// pending | active | rejected | disabled
    pub status: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub department: Option<String>,
    pub organisation: Option<OrgRef>,
    pub recommender: Option<OrgRef>,
    pub rejection_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub approved_at: Option<DateTime<Utc>>,
}

/// The logged-in user with the permission codes the web uses for menus.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Me {
    #[serde(flatten)]
    pub account: Account,
    pub permissions: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    /// Username, phone number or e-mail.
    pub login: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    pub me: Me,
    /// Send as `X-CSRF-Token` on every state-changing request (also in the `kc_csrf` cookie).
    pub csrf_token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ForgotPasswordRequest {
    pub login: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ResetPasswordRequest {
    pub token: String,
    pub new_password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct District {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CertificationKind {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecommenderItem {
    pub id: Uuid,
    pub name: String,
    /// district_office | self | bureau
    pub kind: String,
    pub district: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgSummary {
    pub id: Uuid,
    pub name: String,
    pub credit_code: String,
    pub org_type: String,
    pub district: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgSearchQuery {
    pub q: Option<String>,
    pub limit: Option<u64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestionQuery {
    pub organisation_id: Option<Uuid>,
    pub org_type: Option<String>,
    pub district: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecommenderSuggestion {
    pub recommender_id: Uuid,
    pub recommender_name: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewOrganisation {
    pub name: String,
    pub credit_code: String,
    pub org_type: String,
    pub district: Option<String>,
    pub registered_capital_fen: Option<i64>,
    pub last_year_revenue_fen: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RegistrationRequest {
    /// individual_applicant | unit_applicant
    pub account_type: String,
    pub username: String,
    pub password: String,
    pub display_name: String,
    pub email: String,
    pub phone: String,
    pub organisation_id: Option<Uuid>,
    pub new_organisation: Option<NewOrganisation>,
    pub recommender_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationResponse {
    pub id: Uuid,
    pub username: String,
    pub status: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountQuery {
    pub status: Option<String>,
    pub role: Option<String>,
    pub q: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountPage {
    pub items: Vec<Account>,
    pub total: u64,
}

#[derive(Debug, Deserialize, ToSchema, Default)]
pub struct ApproveRequest {
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReasonRequest {
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct IssueAccountRequest {
    pub username: String,
    pub password: String,
    pub display_name: String,
    pub role: String,
    pub organisation_id: Option<Uuid>,
    pub department: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResult {
    pub created: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CertificationDto {
    pub kind: String,
    pub cert_no: Option<String>,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Organisation {
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
    pub certifications: Vec<CertificationDto>,
    pub recommender: Option<OrgRef>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OrganisationInput {
    pub name: String,
    pub credit_code: String,
    pub org_type: String,
    pub district: Option<String>,
    /// none | district_office | self | bureau
    #[serde(default = "default_none")]
    pub recommender_kind: String,
    pub registered_capital_fen: Option<i64>,
    pub last_year_revenue_fen: Option<i64>,
    #[serde(default)]
    pub in_statistics_scope: bool,
    /// good | penalty | blacklisted
    #[serde(default = "default_good")]
    pub credit_status: String,
    #[serde(default)]
    pub certifications: Vec<CertificationDto>,
    pub recommender_id: Option<Uuid>,
}

fn default_none() -> String {
    "none".into()
}

fn default_good() -> String {
    "good".into()
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgQuery {
    pub q: Option<String>,
    pub org_type: Option<String>,
    pub district: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationPage {
    pub items: Vec<Organisation>,
    pub total: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RoutingRuleDto {
    pub org_type: String,
    /// district | self | bureau
    pub mode: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    /// Actor's user id.
    pub actor: Option<Uuid>,
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserRef {
    pub id: Uuid,
    pub username: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEvent {
    pub id: Uuid,
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor: Option<UserRef>,
    pub entity_type: String,
    pub entity_id: String,
    pub action: String,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEvent>,
    pub total: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxMail {
    pub id: Uuid,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// pending | sent | failed
    pub status: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxPage {
    pub items: Vec<OutboxMail>,
    pub total: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiToken {
    pub id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateTokenRequest {
    pub name: String,
    pub expires_in_days: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    pub id: Uuid,
    pub name: String,
    /// Shown once; store it now.
    pub token: String,
}
