//! Roles, account states, organisation types and the permission model.

use uuid::Uuid;

string_enum!(
    /// What an account may do. One role per account; organisation scoping comes from
    /// the account's organisation.
    Role {
        IndividualApplicant = "individual_applicant",
        UnitApplicant = "unit_applicant",
        Recommender = "recommender",
        BureauStaff = "bureau_staff",
        BureauAdmin = "bureau_admin",
        Expert = "expert",
        Concierge = "concierge",
    }
);

impl Role {
    /// Roles that people may give themselves by registering (ACC-1); all others are issued
    /// by the bureau (ACC-2).
    pub fn is_self_registered(self) -> bool {
        matches!(self, Role::IndividualApplicant | Role::UnitApplicant)
    }

    pub fn is_bureau(self) -> bool {
        matches!(self, Role::BureauStaff | Role::BureauAdmin)
    }
}

string_enum!(
    /// Lifecycle of an account.
    AccountStatus {
        Pending = "pending",
        Active = "active",
        Rejected = "rejected",
        Disabled = "disabled",
    }
);

string_enum!(
    /// Organisation types of ACC-4.
    OrgType {
        Enterprise = "enterprise",
        University = "university",
        Hospital = "hospital",
        ResearchInstitute = "research_institute",
        GovernmentOrgan = "government_organ",
        SocialOrganisation = "social_organisation",
        FinancialInstitution = "financial_institution",
    }
);

string_enum!(
    /// Whether an organisation may act as a recommending unit, and of which kind.
    RecommenderKind {
        None = "none",
        DistrictOffice = "district_office",
        SelfRecommending = "self",
        Bureau = "bureau",
    }
);

string_enum!(
    /// Credit standing of an organisation.
    CreditStatus {
        Good = "good",
        Penalty = "penalty",
        Blacklisted = "blacklisted",
    }
);

/// The permissions the server checks. Codes match the web's `can()` codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Approve or reject self-registered accounts; issue accounts.
    ManageAccounts,
    /// Create and edit organisations and routing rules.
    ManageOrganisations,
    /// Read the audit log.
    ReadAudit,
    /// Read the mail outbox.
    ReadOutbox,
    /// Read the list of organisations and accounts.
    ReadDirectory,
    /// Recommend, return or decline the applications routed to one's own unit.
    RecommendApplications,
    /// The bureau's intake check of recommended applications.
    IntakeApplications,
    /// Configure calls: categories, windows, quotas, rules, forms.
    ManageCalls,
    /// Run expert review: the expert pool, rounds, assignment, ranking, funding decisions
    /// and public notices.
    ManageReview,
    /// Score the applications assigned to oneself as an expert.
    ScoreReviews,
    /// Sign contracts, record disbursements and close funded projects for the bureau.
    ManageProjects,
}

impl Permission {
    pub fn code(self) -> &'static str {
        match self {
            Permission::ManageAccounts => "identity.account.manage",
            Permission::ManageOrganisations => "identity.organisation.manage",
            Permission::ReadAudit => "identity.audit.read",
            Permission::ReadOutbox => "identity.outbox.read",
            Permission::ReadDirectory => "identity.directory.read",
            Permission::RecommendApplications => "grants.application.recommend",
            Permission::IntakeApplications => "grants.application.intake",
            Permission::ManageCalls => "grants.call.manage",
            Permission::ManageReview => "grants.review.manage",
            Permission::ScoreReviews => "grants.review.score",
            Permission::ManageProjects => "grants.project.manage",
        }
    }

    pub const ALL: &'static [Permission] = &[
        Permission::ManageAccounts,
        Permission::ManageOrganisations,
        Permission::ReadAudit,
        Permission::ReadOutbox,
        Permission::ReadDirectory,
        Permission::RecommendApplications,
        Permission::IntakeApplications,
        Permission::ManageCalls,
        Permission::ManageReview,
        Permission::ScoreReviews,
        Permission::ManageProjects,
    ];
}

/// The permission table. Bureau admins run the platform; bureau staff work with accounts,
/// organisations and intake but do not read the mail outbox (it holds reset links);
/// recommending units recommend; experts score what they are assigned; nobody else holds a
/// permission (applicants act on what they own).
pub fn role_has(role: Role, permission: Permission) -> bool {
    use Permission::*;
    match role {
        Role::BureauAdmin => !matches!(permission, RecommendApplications | ScoreReviews),
        Role::BureauStaff => {
            matches!(
                permission,
                ManageAccounts
                    | ManageOrganisations
                    | ReadAudit
                    | ReadDirectory
                    | IntakeApplications
                    | ManageCalls
                    | ManageReview
                    | ManageProjects
            )
        }
        Role::Recommender => permission == RecommendApplications,
        Role::Expert => permission == ScoreReviews,
        _ => false,
    }
}

/// Every permission code a role holds, for the web's menus.
pub fn permissions_of(role: Role) -> Vec<&'static str> {
    Permission::ALL.iter().filter(|p| role_has(role, **p)).map(|p| p.code()).collect()
}

/// Who is asking: the facts authorization decisions need.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Uuid,
    pub role: Role,
    pub org_id: Option<Uuid>,
}

/// Whether `actor` may read the account `target` (belonging to `target_org`).
/// Users read themselves; the bureau reads everyone; nobody else reads other accounts.
pub fn can_read_account(actor: &Actor, target: Uuid) -> bool {
    actor.user_id == target || role_has(actor.role, Permission::ReadDirectory)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_every_enum() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(*r));
        }
        for t in OrgType::ALL {
            assert_eq!(OrgType::parse(t.as_str()), Some(*t));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn only_applicants_self_register() {
        let self_reg: Vec<_> = Role::ALL.iter().filter(|r| r.is_self_registered()).collect();
        assert_eq!(self_reg, vec![&Role::IndividualApplicant, &Role::UnitApplicant]);
    }

    #[test]
    fn applicants_and_recommenders_hold_no_admin_permission() {
        for role in [Role::IndividualApplicant, Role::UnitApplicant, Role::Concierge] {
            assert!(permissions_of(role).is_empty(), "{role}");
        }
        assert_eq!(permissions_of(Role::Recommender), ["grants.application.recommend"]);
        assert_eq!(permissions_of(Role::Expert), ["grants.review.score"]);
        assert!(!role_has(Role::BureauAdmin, Permission::ScoreReviews), "the bureau does not score");
        assert!(role_has(Role::BureauStaff, Permission::ManageReview));
        assert!(role_has(Role::BureauStaff, Permission::ManageProjects));
        assert!(!role_has(Role::BureauAdmin, Permission::RecommendApplications));
        assert!(role_has(Role::BureauStaff, Permission::IntakeApplications));
        assert!(role_has(Role::BureauStaff, Permission::ManageAccounts));
        assert!(!role_has(Role::BureauStaff, Permission::ReadOutbox));
        assert!(role_has(Role::BureauAdmin, Permission::ReadOutbox));
    }

    #[test]
    fn accounts_are_private_to_their_owner_and_the_bureau() {
        let me = Uuid::now_v7();
        let other = Uuid::now_v7();
        let applicant = Actor { user_id: me, role: Role::UnitApplicant, org_id: None };
        assert!(can_read_account(&applicant, me));
        assert!(!can_read_account(&applicant, other));
        let staff = Actor { user_id: other, role: Role::BureauStaff, org_id: None };
        assert!(can_read_account(&staff, me));
    }
}

/// When repeated failed log-ins lock an account (ACC-3).
#[derive(Debug, Clone, Copy)]
pub struct LockoutPolicy {
    /// Failures in a row that lock the account.
    pub threshold: i32,
    pub lock_minutes: i64,
}

/// The failure counter and lock after one more failed log-in. Locking resets the counter,
/// so after the lock expires the user again has `threshold` attempts.
pub fn after_failed_login(
    policy: LockoutPolicy,
    failures_before: i32,
    now: chrono::DateTime<chrono::Utc>,
) -> (i32, Option<chrono::DateTime<chrono::Utc>>) {
    let failures = failures_before.saturating_add(1);
    if failures >= policy.threshold.max(1) {
        (0, Some(now + chrono::Duration::minutes(policy.lock_minutes)))
    } else {
        (failures, None)
    }
}

/// Whether an account locked until `locked_until` is still locked at `now`.
pub fn is_locked(locked_until: Option<chrono::DateTime<chrono::Utc>>, now: chrono::DateTime<chrono::Utc>) -> bool {
    locked_until.is_some_and(|until| until > now)
}

#[cfg(test)]
mod lockout_tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn locks_on_the_threshold_failure_and_unlocks_after() {
        let policy = LockoutPolicy { threshold: 5, lock_minutes: 15 };
        let now = Utc.with_ymd_and_hms(2026, 4, 15, 9, 0, 0).unwrap();
        let mut failures = 0;
        for _ in 0..4 {
            let (f, lock) = after_failed_login(policy, failures, now);
            assert!(lock.is_none());
            failures = f;
        }
        assert_eq!(failures, 4);
        let (f, lock) = after_failed_login(policy, failures, now);
        assert_eq!(f, 0);
        let until = lock.unwrap();
        assert!(is_locked(Some(until), now + chrono::Duration::minutes(14)));
        assert!(!is_locked(Some(until), now + chrono::Duration::minutes(15)));
        assert!(!is_locked(None, now));
    }
}
