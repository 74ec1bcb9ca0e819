//! A funded project's life (APP-7): the task contract signed through the recommending
//! unit, mid-term and completion reports, closing, and the overdue rule that blocks a PI or
//! an organisation with a project past due from applying again.

use chrono::NaiveDate;

string_enum!(
    /// Where a funded project is.
    ProjectStatus {
        /// 立项: awarded, the contract is being signed.
        Awarded = "awarded",
        /// The contract is signed by all three parties; work under way.
        Contracted = "contracted",
        /// 结题: completion accepted and closed by the bureau.
        Closed = "closed",
        /// Closed without passing the completion review.
        Terminated = "terminated",
    }
);

impl ProjectStatus {
    /// Closed or terminated: the project can no longer be overdue.
    pub fn is_finished(self) -> bool {
        matches!(self, ProjectStatus::Closed | ProjectStatus::Terminated)
    }
}

string_enum!(
    /// The task contract (任务合同书): filled by the applicant, endorsed by the
    /// recommending unit, signed by the bureau.
    ContractStatus {
        Draft = "draft",
        Submitted = "submitted",
        Endorsed = "endorsed",
        Signed = "signed",
    }
);

string_enum!(
    /// A mid-term or completion report.
    ReportStatus {
        Draft = "draft",
        Submitted = "submitted",
        Returned = "returned",
        /// Mid-term report accepted, or completion review (验收) passed.
        Passed = "passed",
        /// Completion review failed.
        Failed = "failed",
    }
);

string_enum!(
    ReportKind {
        Midterm = "midterm",
        Completion = "completion",
    }
);

string_enum!(
    /// Who acts on a contract or report.
    Party {
        Applicant = "applicant",
        Recommender = "recommender",
        Bureau = "bureau",
    }
);

string_enum!(
    ContractAction {
        Submit = "submit",
        Endorse = "endorse",
        Sign = "sign",
        Return = "return",
    }
);

/// The contract's next status when `party` takes `action`, or `None` when not allowed.
/// Endorsing and returning a submitted contract is the recommending unit's; signing and
/// returning an endorsed one is the bureau's.
pub fn contract_next(status: ContractStatus, party: Party, action: ContractAction) -> Option<ContractStatus> {
    use ContractAction as A;
    use ContractStatus as S;
    match (status, party, action) {
        (S::Draft, Party::Applicant, A::Submit) => Some(S::Submitted),
        (S::Submitted, Party::Recommender, A::Endorse) => Some(S::Endorsed),
        (S::Submitted, Party::Recommender, A::Return) => Some(S::Draft),
        (S::Endorsed, Party::Bureau, A::Sign) => Some(S::Signed),
        (S::Endorsed, Party::Bureau, A::Return) => Some(S::Draft),
        _ => None,
    }
}

string_enum!(
    ReportAction {
        Submit = "submit",
        Return = "return",
        Pass = "pass",
        Fail = "fail",
    }
);

/// A report's next status. The applicant submits a draft or returned report; the
/// recommending unit reviews it (mid-term: pass or return; completion: the 验收 conclusion,
/// pass or fail, or return for more material).
pub fn report_next(kind: ReportKind, status: ReportStatus, party: Party, action: ReportAction) -> Option<ReportStatus> {
    use ReportAction as A;
    use ReportStatus as S;
    match (status, party, action) {
        (S::Draft | S::Returned, Party::Applicant, A::Submit) => Some(S::Submitted),
        (S::Submitted, Party::Recommender, A::Return) => Some(S::Returned),
        (S::Submitted, Party::Recommender, A::Pass) => Some(S::Passed),
        (S::Submitted, Party::Recommender, A::Fail) if kind == ReportKind::Completion => Some(S::Failed),
        _ => None,
    }
}

/// The bureau closes a contracted project once its completion review has a conclusion:
/// passed → closed, failed → terminated.
pub fn closing_status(project: ProjectStatus, completion: Option<ReportStatus>) -> Option<ProjectStatus> {
    match (project, completion) {
        (ProjectStatus::Contracted, Some(ReportStatus::Passed)) => Some(ProjectStatus::Closed),
        (ProjectStatus::Contracted, Some(ReportStatus::Failed)) => Some(ProjectStatus::Terminated),
        _ => None,
    }
}

/// The end of the implementation period: the award date plus the sub-type's months.
pub fn due_on(awarded_on: NaiveDate, period_months: u32) -> NaiveDate {
    awarded_on.checked_add_months(chrono::Months::new(period_months)).unwrap_or(NaiveDate::MAX)
}

/// A funded project as the overdue facts see it.
#[derive(Debug, Clone, Copy)]
pub struct ProjectFacts {
    pub due_on: NaiveDate,
    /// Completion passed or project closed: never overdue.
    pub finished: bool,
}

/// How many days the most overdue of `projects` is past its due date on `today` (0 when
/// none is). Eligibility rules read this as `applicant.overdue_days` (the PI's projects)
/// and `organisation.overdue_days` (the organisation's), so the grace a city allows is
/// data: Zigong's "到期未验收" is `applicant.overdue_projects == 0`, its "到期一年还未完成
/// 验收" is `organisation.overdue_days <= 365`.
pub fn overdue_days(projects: &[ProjectFacts], today: NaiveDate) -> i64 {
    projects.iter().filter(|p| !p.finished).map(|p| (today - p.due_on).num_days()).max().unwrap_or(0).max(0)
}

/// How many of `projects` are past due and unfinished on `today`.
pub fn overdue_count(projects: &[ProjectFacts], today: NaiveDate) -> usize {
    projects.iter().filter(|p| !p.finished && today > p.due_on).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn contract_is_signed_through_the_recommending_unit() {
        use ContractAction as A;
        let mut s = ContractStatus::Draft;
        for (party, action) in
            [(Party::Applicant, A::Submit), (Party::Recommender, A::Endorse), (Party::Bureau, A::Sign)]
        {
            s = contract_next(s, party, action).unwrap();
        }
        assert_eq!(s, ContractStatus::Signed);
        assert_eq!(
            contract_next(ContractStatus::Submitted, Party::Bureau, A::Sign),
            None,
            "the bureau signs only what the recommending unit endorsed"
        );
        assert_eq!(
            contract_next(ContractStatus::Submitted, Party::Recommender, A::Return),
            Some(ContractStatus::Draft)
        );
        assert_eq!(contract_next(ContractStatus::Signed, Party::Bureau, A::Return), None);
    }

    #[test]
    fn reports_and_closing() {
        use ReportAction as A;
        use ReportKind::*;
        let submitted = report_next(Completion, ReportStatus::Draft, Party::Applicant, A::Submit).unwrap();
        assert_eq!(report_next(Completion, submitted, Party::Recommender, A::Fail), Some(ReportStatus::Failed));
        assert_eq!(report_next(Midterm, submitted, Party::Recommender, A::Fail), None, "mid-term cannot fail");
        assert_eq!(report_next(Midterm, submitted, Party::Applicant, A::Pass), None);
        let returned = report_next(Midterm, submitted, Party::Recommender, A::Return).unwrap();
        assert_eq!(report_next(Midterm, returned, Party::Applicant, A::Submit), Some(ReportStatus::Submitted));
        assert_eq!(closing_status(ProjectStatus::Contracted, Some(ReportStatus::Passed)), Some(ProjectStatus::Closed));
        assert_eq!(
            closing_status(ProjectStatus::Contracted, Some(ReportStatus::Failed)),
            Some(ProjectStatus::Terminated)
        );
        assert_eq!(closing_status(ProjectStatus::Contracted, Some(ReportStatus::Submitted)), None);
        assert_eq!(closing_status(ProjectStatus::Awarded, Some(ReportStatus::Passed)), None);
    }

    #[test]
    fn due_date_is_the_end_of_the_period() {
        assert_eq!(due_on(d(2021, 6, 30), 24), d(2023, 6, 30));
        assert_eq!(due_on(d(2021, 1, 31), 1), d(2021, 2, 28));
    }

    #[test]
    fn overdue_days_and_count() {
        let p = ProjectFacts { due_on: d(2023, 6, 30), finished: false };
        assert_eq!(overdue_days(&[p], d(2023, 6, 30)), 0, "due today is not overdue");
        assert_eq!(overdue_count(&[p], d(2023, 6, 30)), 0);
        assert_eq!(overdue_days(&[p], d(2023, 7, 1)), 1);
        assert_eq!(overdue_count(&[p], d(2023, 7, 1)), 1);
        assert_eq!(overdue_days(&[p], d(2024, 6, 29)), 365);
        assert_eq!(overdue_days(&[p], d(2024, 6, 30)), 366);
        let later = ProjectFacts { due_on: d(2024, 1, 1), finished: false };
        assert_eq!(overdue_days(&[later, p], d(2024, 6, 30)), 366, "the most overdue counts");
        let done = ProjectFacts { finished: true, ..p };
        assert_eq!(overdue_days(&[done], d(2030, 1, 1)), 0);
        assert_eq!(overdue_count(&[done, later], d(2030, 1, 1)), 1);
        assert_eq!(overdue_days(&[], d(2030, 1, 1)), 0);
    }

    #[test]
    fn zigong_overdue_rules_read_these_facts() {
        use crate::grants::eligibility::{EligibilityRule, compile, evaluate};
        let rules = compile(&[
            EligibilityRule {
                code: "no_overdue".into(),
                expression: "applicant.overdue_projects == 0".into(),
                message_zh: "项目负责人有到期未验收项目的不得申报".into(),
                message_en: "PIs with overdue projects cannot apply".into(),
            },
            EligibilityRule {
                code: "org_overdue".into(),
                expression: "organisation.overdue_days <= 365".into(),
                message_zh: "有到期一年还未完成验收的承担单位不予立项支持".into(),
                message_en: "Organisations with a project overdue by a year are not funded".into(),
            },
        ])
        .unwrap();
        let p = ProjectFacts { due_on: d(2023, 6, 30), finished: false };
        let failed = |today: NaiveDate, pi_projects: &[ProjectFacts]| -> Vec<String> {
            let facts = crate::grants::eligibility::Facts {
                applicant: serde_json::json!({ "overdue_projects": overdue_count(pi_projects, today) }),
                organisation: serde_json::json!({ "overdue_days": overdue_days(&[p], today) }),
                application: serde_json::json!({}),
            };
            evaluate(&rules, &facts).into_iter().filter(|o| !o.passed).map(|o| o.code).collect()
        };
        assert!(failed(d(2023, 6, 30), &[p]).is_empty());
        assert_eq!(failed(d(2023, 7, 1), &[p]), ["no_overdue"]);
        assert_eq!(failed(d(2024, 6, 30), &[]), ["org_overdue"], "another PI of the organisation, a year and a day on");
    }
}
