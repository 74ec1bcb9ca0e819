//! The life of an application up to the bureau's intake check (APP-1, APP-2, APP-4).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Submitted,
    Returned,
    Recommended,
    Declined,
    Accepted,
    Rejected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Submit,
    Return,
    Recommend,
    Decline,
    Accept,
    Reject,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Returned => "returned",
            Status::Recommended => "recommended",
            Status::Declined => "declined",
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        [
            Status::Draft,
            Status::Submitted,
            Status::Returned,
            Status::Recommended,
            Status::Declined,
            Status::Accepted,
            Status::Rejected,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    /// The statuses whose applications count against quotas: filed and not turned down.
    /// (A returned application is counted again when it is resubmitted.)
    pub fn counted_by_quotas() -> [&'static str; 3] {
        [Status::Submitted.as_str(), Status::Recommended.as_str(), Status::Accepted.as_str()]
    }

    /// Whether the applicant may still edit the application.
    pub fn is_editable(self) -> bool {
        matches!(self, Status::Draft | Status::Returned)
    }

    /// Whether the application counts against quotas (filed and not finally refused).
    pub fn counts_for_quota(self) -> bool {
        matches!(self, Status::Submitted | Status::Recommended | Status::Accepted)
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
    }

    #[test]
    fn declined_and_rejected_are_final() {
        for final_state in [Status::Declined, Status::Rejected, Status::Accepted] {
            for a in
                [Action::Submit, Action::Return, Action::Recommend, Action::Decline, Action::Accept, Action::Reject]
            {
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
