//! Who gets mail: every notification is shown in-app; mail follows the user's preference.

/// How much mail a user wants besides the in-app notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MailPreference {
    /// Every step (the default).
    #[default]
    All,
    /// Only decisions on one's own applications (returned, recommended, not recommended,
    /// accepted, rejected) — recommending units with 40 projects choose this.
    Decisions,
    /// In-app only.
    None,
}

impl MailPreference {
    pub const ALL: &'static [MailPreference] = &[MailPreference::All, MailPreference::Decisions, MailPreference::None];

    pub fn as_str(self) -> &'static str {
        match self {
            MailPreference::All => "all",
            MailPreference::Decisions => "decisions",
            MailPreference::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.as_str() == s)
    }

    /// Whether a notification is also mailed.
    pub fn mails(self, is_decision: bool) -> bool {
        match self {
            MailPreference::All => true,
            MailPreference::Decisions => is_decision,
            MailPreference::None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preferences_reduce_mail() {
        assert!(MailPreference::All.mails(false));
        assert!(MailPreference::Decisions.mails(true));
        assert!(!MailPreference::Decisions.mails(false));
        assert!(!MailPreference::None.mails(true));
        for p in MailPreference::ALL {
            assert_eq!(MailPreference::parse(p.as_str()), Some(*p));
        }
        assert_eq!(MailPreference::parse("weekly"), None);
    }
}
