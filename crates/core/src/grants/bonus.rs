//! Bonus points (加分): the highest applicable bonus counts, never the sum.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A bonus for holding a qualification (certification, award …). Points are hundredths
/// so 1.5 is exact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BonusRule {
    pub qualification: String,
    pub centipoints: i32,
    pub label_zh: String,
}

/// A qualification an organisation or project holds, with its validity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Qualification {
    pub code: String,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
}

/// The qualification codes valid on `date` (inclusive at both ends).
pub fn valid_on(quals: &[Qualification], date: NaiveDate) -> Vec<&str> {
    quals.iter().filter(|q| q.valid_from <= date && date <= q.valid_until).map(|q| q.code.as_str()).collect()
}

/// The single bonus that applies: the highest among the rules the holder qualifies for.
pub fn applicable<'a>(rules: &'a [BonusRule], held: &[&str]) -> Option<&'a BonusRule> {
    rules.iter().filter(|r| held.contains(&r.qualification.as_str())).max_by_key(|r| r.centipoints)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Vec<BonusRule> {
        // Industrial innovation (seed 000): high-tech +2, advanced service +2, tech SME +1.
        vec![
            BonusRule {
                qualification: "high_tech_enterprise".into(),
                centipoints: 200,
                label_zh: "高新技术企业".into(),
            },
            BonusRule {
                qualification: "advanced_tech_service".into(),
                centipoints: 200,
                label_zh: "技术先进型".into(),
            },
            BonusRule { qualification: "tech_sme".into(), centipoints: 100, label_zh: "科技型中小企业".into() },
        ]
    }

    #[test]
    fn highest_not_sum() {
        let r = rules();
        assert_eq!(applicable(&r, &["tech_sme", "high_tech_enterprise"]).map(|b| b.centipoints), Some(200));
        assert_eq!(applicable(&r, &["tech_sme"]).map(|b| b.centipoints), Some(100));
        assert_eq!(applicable(&r, &[]), None);
        assert_eq!(applicable(&r, &["unrelated"]), None);
    }

    #[test]
    fn municipal_award_is_one_and_a_half() {
        let r = vec![
            BonusRule {
                qualification: "award_provincial".into(), centipoints: 200, label_zh: "省级科技进步奖".into()
            },
            BonusRule {
                qualification: "award_municipal".into(), centipoints: 150, label_zh: "市级科技进步奖".into()
            },
        ];
        assert_eq!(applicable(&r, &["award_municipal"]).map(|b| b.centipoints), Some(150));
    }

    #[test]
    fn expired_qualifications_do_not_count() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let quals = vec![
            Qualification {
                code: "high_tech_enterprise".into(),
                valid_from: d(2018, 1, 1),
                valid_until: d(2021, 4, 14),
            },
            Qualification { code: "tech_sme".into(), valid_from: d(2021, 1, 1), valid_until: d(2021, 12, 31) },
        ];
        let close = d(2021, 4, 15);
        assert_eq!(valid_on(&quals, close), ["tech_sme"]);
        assert_eq!(applicable(&rules(), &valid_on(&quals, close)).map(|b| b.centipoints), Some(100));
        assert_eq!(valid_on(&quals, d(2021, 4, 14)), ["high_tech_enterprise", "tech_sme"]);
    }
}
