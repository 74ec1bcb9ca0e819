//! The funding decision (APP-6, APP-7): on-site evaluation above a threshold and the
//! sub-type's caps on the number funded and the money per project.

use serde::Serialize;

use super::call::Subtype;

/// Whether an on-site evaluation (现场考评) is required: the requested or the proposed
/// funding reaches the threshold ("40万元以上（含40万元）" in Zigong).
pub fn site_visit_required(requested_fen: i64, proposed_fen: Option<i64>, threshold_fen: Option<i64>) -> bool {
    threshold_fen.is_some_and(|t| requested_fen >= t || proposed_fen.is_some_and(|p| p >= t))
}

/// Why a proposed award is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AwardProblem {
    /// The sub-type already has its maximum number of funded projects.
    CountCap {
        max: u32,
    },
    /// More than the sub-type's maximum per project.
    MoneyCap {
        max_fen: i64,
    },
    NotPositive,
    /// Below the review threshold.
    BelowThreshold,
    /// An on-site evaluation is required and not recorded.
    SiteVisitMissing,
}

impl AwardProblem {
    pub fn message_zh(&self) -> String {
        match self {
            AwardProblem::CountCap { max } => format!("该类别立项不超过 {max} 项，已达上限"),
            AwardProblem::MoneyCap { max_fen } => {
                format!("单项支持经费不超过 {} 万元", fen_as_wan(*max_fen))
            }
            AwardProblem::NotPositive => "支持经费应大于 0".to_string(),
            AwardProblem::BelowThreshold => "专家评审得分低于立项分数线，不予立项".to_string(),
            AwardProblem::SiteVisitMissing => "支持经费达到现场考评标准，须先记录现场考评结果".to_string(),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            AwardProblem::CountCap { max } => format!("At most {max} projects of this sub-type are funded"),
            AwardProblem::MoneyCap { max_fen } => {
                format!("At most {} ten-thousand CNY per project", fen_as_wan(*max_fen))
            }
            AwardProblem::NotPositive => "The funding must be positive".to_string(),
            AwardProblem::BelowThreshold => "The review score is below the funding threshold".to_string(),
            AwardProblem::SiteVisitMissing => "This amount needs an on-site evaluation first".to_string(),
        }
    }
}

/// Fen as 万元, exact, without trailing zeros (100万 → "100", 1.5万 → "1.5").
pub fn fen_as_wan(fen: i64) -> String {
    let whole = fen / 1_000_000;
    let frac = (fen % 1_000_000).abs();
    if frac == 0 {
        return whole.to_string();
    }
    let digits = format!("{frac:06}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

/// What deciding one award needs to know.
#[derive(Debug, Clone, Copy)]
pub struct AwardCheck {
    pub proposed_fen: i64,
    /// Other applications of the same sub-type already proposed or awarded.
    pub others_funded: u32,
    pub fundable: bool,
    pub site_visit_required: bool,
    pub site_visit_recorded: bool,
}

/// Every reason the proposed award breaks the sub-type's caps or the review's rules.
pub fn award_problems(subtype: &Subtype, check: AwardCheck) -> Vec<AwardProblem> {
    let mut problems = Vec::new();
    if check.proposed_fen <= 0 {
        problems.push(AwardProblem::NotPositive);
    }
    if check.proposed_fen > subtype.max_funding_fen {
        problems.push(AwardProblem::MoneyCap { max_fen: subtype.max_funding_fen });
    }
    if check.others_funded >= subtype.max_funded {
        problems.push(AwardProblem::CountCap { max: subtype.max_funded });
    }
    if !check.fundable {
        problems.push(AwardProblem::BelowThreshold);
    }
    if check.site_visit_required && !check.site_visit_recorded {
        problems.push(AwardProblem::SiteVisitMissing);
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grants::call::FundingMode;

    fn key_transfer() -> Subtype {
        // Seed 000: 重点成果转化项目, at most 5 funded, at most 40万 each.
        Subtype {
            code: "key".into(),
            name_zh: "重点成果转化项目".into(),
            name_en: "Key transfer project".into(),
            funding_mode: FundingMode::Advance,
            max_funded: 5,
            max_funding_fen: 40_000_000,
            period_months: 24,
            attachments: vec![],
            eligibility: vec![],
            bonuses: vec![],
        }
    }

    fn ok(fen: i64, others: u32) -> AwardCheck {
        AwardCheck {
            proposed_fen: fen,
            others_funded: others,
            fundable: true,
            site_visit_required: false,
            site_visit_recorded: false,
        }
    }

    #[test]
    fn site_visit_at_399_999_99_and_400_000_00() {
        let t = Some(40_000_000);
        assert!(!site_visit_required(39_999_999, None, t));
        assert!(site_visit_required(40_000_000, None, t));
        assert!(site_visit_required(10_000_000, Some(40_000_000), t), "the proposed amount counts too");
        assert!(!site_visit_required(39_999_999, Some(39_999_999), t));
        assert!(!site_visit_required(90_000_000, None, None), "no threshold, never");
    }

    #[test]
    fn count_and_money_caps() {
        let s = key_transfer();
        assert!(award_problems(&s, ok(40_000_000, 4)).is_empty(), "the fifth at the cap is fine");
        assert_eq!(award_problems(&s, ok(40_000_001, 0)), [AwardProblem::MoneyCap { max_fen: 40_000_000 }]);
        assert_eq!(award_problems(&s, ok(10_000_000, 5)), [AwardProblem::CountCap { max: 5 }]);
        assert_eq!(award_problems(&s, ok(0, 0)), [AwardProblem::NotPositive]);
        let below = AwardCheck { fundable: false, ..ok(1, 0) };
        assert_eq!(award_problems(&s, below), [AwardProblem::BelowThreshold]);
        let visit = AwardCheck { site_visit_required: true, ..ok(40_000_000, 0) };
        assert_eq!(award_problems(&s, visit), [AwardProblem::SiteVisitMissing]);
        assert!(award_problems(&s, AwardCheck { site_visit_recorded: true, ..visit }).is_empty());
        assert!(AwardProblem::MoneyCap { max_fen: 40_000_000 }.message_zh().contains("40 万元"));
    }

    #[test]
    fn wan() {
        assert_eq!(fen_as_wan(100_000_000), "100");
        assert_eq!(fen_as_wan(1_500_000), "1.5");
        assert_eq!(fen_as_wan(1), "0.000001");
    }
}
