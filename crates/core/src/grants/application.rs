//! The life of an application from draft to the funding decision (APP-1, APP-2, APP-4,
//! APP-7); the funded project's own life is in `project`.

string_enum!(
    Status {
        Draft = "draft",
        Submitted = "submitted",
        Returned = "returned",
        Recommended = "recommended",
        Declined = "declined",
        Accepted = "accepted",
        Rejected = "rejected",
        /// 立项: funded; a project follows.
        Awarded = "awarded",
        /// Reviewed and not funded.
        NotFunded = "not_funded",
    }
);

string_enum!(
    Action {
        Submit = "submit",
        Return = "return",
        Recommend = "recommend",
        Decline = "decline",
        Accept = "accept",
        Reject = "reject",
        Award = "award",
        NotFund = "not_fund",
    }
);

impl Status {
    /// The statuses whose applications count against quotas: filed and not turned down.
    /// (A returned application is counted again when it is resubmitted.)
    pub fn counted_by_quotas() -> [&'static str; 4] {
        [Status::Submitted.as_str(), Status::Recommended.as_str(), Status::Accepted.as_str(), Status::Awarded.as_str()]
    }

    /// Whether the applicant may still edit the application.
    pub fn is_editable(self) -> bool {
        matches!(self, Status::Draft | Status::Returned)
    }

    /// Whether the application counts against quotas (filed and not finally refused).
    pub fn counts_for_quota(self) -> bool {
        matches!(self, Status::Submitted | Status::Recommended | Status::Accepted | Status::Awarded)
    }
}

/// The status after `action`, or `None` when the action does not apply. Declined and
/// rejected are final; a returned application is edited and submitted again.
pub fn next(status: Status, action: Action) -> Option<Status> {
    use Action::*;
    use Status::*;
    match (status, action) {
        (Draft | Returned, Submit) => Some(Submitted),
        (Submitted, Return) => Some(Returned),
        (Submitted, Recommend) => Some(Recommended),
        (Submitted, Decline) => Some(Declined),
        (Recommended, Accept) => Some(Accepted),
        (Recommended, Reject) => Some(Rejected),
        (Accepted, Award) => Some(Awarded),
        (Accepted, NotFund) => Some(NotFunded),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recommended_path() {
        let mut s = Status::Draft;
        for a in [Action::Submit, Action::Return, Action::Submit, Action::Recommend, Action::Accept] {
            s = next(s, a).unwrap();
        }
        assert_eq!(s, Status::Accepted);
        assert_eq!(next(s, Action::Award), Some(Status::Awarded));
        assert_eq!(next(s, Action::NotFund), Some(Status::NotFunded));
        assert_eq!(next(Status::Recommended, Action::Award), None, "only accepted applications are funded");
    }

    #[test]
    fn declined_and_rejected_are_final() {
        for final_state in [Status::Declined, Status::Rejected, Status::Awarded, Status::NotFunded] {
            for a in [
                Action::Submit,
                Action::Return,
                Action::Recommend,
                Action::Decline,
                Action::Accept,
                Action::Reject,
                Action::Award,
                Action::NotFund,
            ] {
                assert_eq!(next(final_state, a), None, "{final_state:?} {a:?}");
            }
        }
    }

    #[test]
    fn only_drafts_and_returned_are_editable() {
        assert!(Status::Draft.is_editable() && Status::Returned.is_editable());
        assert!(!Status::Submitted.is_editable() && !Status::Recommended.is_editable());
        assert_eq!(next(Status::Draft, Action::Recommend), None, "a draft cannot be recommended");
        assert_eq!(Status::parse("returned"), Some(Status::Returned));
        assert!(!Status::Declined.counts_for_quota() && Status::Submitted.counts_for_quota());
    }
}
