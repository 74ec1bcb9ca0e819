//! Aggregation and ranking (APP-5): the experts' scores of an application become one
//! score (mean or trimmed mean), the highest applicable bonus is added, and applications
//! are ranked per category; below the threshold they are not fundable. Scores are
//! hundredths of a point throughout, so 69.99 and 70.00 compare exactly.

use serde::Serialize;
use uuid::Uuid;

use super::review::ReviewRules;

/// The mean, rounded half away from zero; `None` without scores.
pub fn mean(scores: &[i32]) -> Option<i32> {
    if scores.is_empty() {
        return None;
    }
    let sum: i64 = scores.iter().map(|&s| i64::from(s)).sum();
    let n = scores.len() as i64;
    Some(((2 * sum + n) / (2 * n)) as i32)
}

/// The mean after dropping the `trim` highest and the `trim` lowest scores; with too few
/// scores to drop that many, the plain mean.
pub fn trimmed_mean(scores: &[i32], trim: usize) -> Option<i32> {
    if trim == 0 || scores.len() <= 2 * trim {
        return mean(scores);
    }
    let mut sorted = scores.to_vec();
    sorted.sort_unstable();
    mean(&sorted[trim..sorted.len() - trim])
}

/// Whether a score is fundable under the threshold: at or above it.
pub fn meets_threshold(score: i32, threshold: i32) -> bool {
    score >= threshold
}

/// One application's inputs to the ranking.
#[derive(Debug, Clone)]
pub struct Scored {
    pub application_id: Uuid,
    /// The weighted totals of the reviews handed in.
    pub reviews: Vec<i32>,
    /// The highest applicable bonus (0 without one).
    pub bonus: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Standing {
    pub application_id: Uuid,
    pub reviews: usize,
    /// Mean (or trimmed mean) of the experts' totals; `None` until a review is in.
    pub expert_score: Option<i32>,
    pub bonus: i32,
    pub final_score: Option<i32>,
    pub fundable: bool,
    /// 1-based; equal final scores share a rank. Unscored applications come last, unranked.
    pub rank: Option<u32>,
}

/// The standings of one category, best first.
pub fn rank(entries: &[Scored], rules: &ReviewRules) -> Vec<Standing> {
    let mut standings: Vec<Standing> = entries
        .iter()
        .map(|e| {
            let expert = trimmed_mean(&e.reviews, rules.trim as usize);
            let final_score = expert.map(|s| s + e.bonus);
            let judged = if rules.threshold_includes_bonus { final_score } else { expert };
            Standing {
                application_id: e.application_id,
                reviews: e.reviews.len(),
                expert_score: expert,
                bonus: e.bonus,
                final_score,
                fundable: judged.is_some_and(|s| meets_threshold(s, rules.threshold_centipoints)),
                rank: None,
            }
        })
        .collect();
    standings.sort_by(|a, b| {
        b.final_score
            .cmp(&a.final_score)
            .then(b.expert_score.cmp(&a.expert_score))
            .then(a.application_id.cmp(&b.application_id))
    });
    let mut previous: Option<(i32, u32)> = None;
    for (i, s) in standings.iter_mut().enumerate() {
        let Some(score) = s.final_score else { continue };
        let rank = match previous {
            Some((p, r)) if p == score => r,
            _ => i as u32 + 1,
        };
        s.rank = Some(rank);
        previous = Some((score, rank));
    }
    standings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(threshold: i32, trim: u32, with_bonus: bool) -> ReviewRules {
        ReviewRules {
            score_sheet: super::super::review::ScoreSheet {
                criteria: vec![],
                comment_required_below: None,
                comment_always_required: false,
            },
            threshold_centipoints: threshold,
            threshold_includes_bonus: with_bonus,
            site_visit_threshold_fen: None,
            experts_per_application: 3,
            max_load: 10,
            trim,
            avoid_same_recommender: false,
            field_key: None,
        }
    }

    #[test]
    fn mean_and_trimmed_mean() {
        assert_eq!(mean(&[]), None);
        assert_eq!(mean(&[7000, 8000]), Some(7500));
        assert_eq!(mean(&[7000, 7001]), Some(7001), "half rounds up");
        assert_eq!(mean(&[7000, 7000, 7001]), Some(7000));
        // Trimming drops one highest and one lowest.
        assert_eq!(trimmed_mean(&[9900, 7000, 7200, 7400, 1000], 1), Some(7200));
        assert_eq!(mean(&[9900, 7000, 7200, 7400, 1000]), Some(6500));
        // Too few scores to trim: the plain mean.
        assert_eq!(trimmed_mean(&[6000, 8000], 1), Some(7000));
        assert_eq!(trimmed_mean(&[6000, 8000, 9000], 0), Some(7667));
    }

    #[test]
    fn threshold_at_69_99_and_70_00() {
        assert!(!meets_threshold(6999, 7000));
        assert!(meets_threshold(7000, 7000));
        let r = rules(7000, 0, false);
        let s = rank(
            &[
                Scored { application_id: Uuid::from_u128(1), reviews: vec![6999], bonus: 200 },
                Scored { application_id: Uuid::from_u128(2), reviews: vec![7000], bonus: 0 },
            ],
            &r,
        );
        let by = |n: u128| s.iter().find(|x| x.application_id == Uuid::from_u128(n)).unwrap();
        assert!(!by(1).fundable, "the experts' 69.99 fails when the bonus does not count");
        assert!(by(2).fundable);
        let with_bonus = rank(&[Scored { application_id: Uuid::from_u128(1), reviews: vec![6999], bonus: 200 }], &{
            rules(7000, 0, true)
        });
        assert!(with_bonus[0].fundable, "69.99 + 2 passes when the threshold includes the bonus");
        assert_eq!(with_bonus[0].final_score, Some(7199));
    }

    #[test]
    fn ranking_best_first_with_shared_ranks_and_unscored_last() {
        let entries = vec![
            Scored { application_id: Uuid::from_u128(1), reviews: vec![8000, 8200], bonus: 0 },
            Scored { application_id: Uuid::from_u128(2), reviews: vec![7900], bonus: 200 },
            Scored { application_id: Uuid::from_u128(3), reviews: vec![], bonus: 200 },
            Scored { application_id: Uuid::from_u128(4), reviews: vec![8100], bonus: 0 },
            Scored { application_id: Uuid::from_u128(5), reviews: vec![6000], bonus: 100 },
        ];
        let s = rank(&entries, &rules(7000, 0, true));
        let order: Vec<u128> = s.iter().map(|x| x.application_id.as_u128()).collect();
        // 2: 79 + 2 = 81 ties with 1 and 4 (81); the experts' score breaks the order, not the rank.
        assert_eq!(order, [1, 4, 2, 5, 3]);
        assert_eq!(s.iter().map(|x| x.rank).collect::<Vec<_>>(), [Some(1), Some(1), Some(1), Some(4), None]);
        assert_eq!(s[3].final_score, Some(6100));
        assert!(!s[3].fundable && !s[4].fundable && s[0].fundable);
        assert_eq!(s[4].expert_score, None);
    }
}
