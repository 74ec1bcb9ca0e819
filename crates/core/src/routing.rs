//! Recommending-unit routing by locality (属地原则, ACC-5), driven by rules held as data.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::identity::{OrgType, RecommenderKind};

/// How organisations of one type find their recommending unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoutingMode {
    /// The district S&T office (or high-tech zone) of the organisation's district.
    District,
    /// The organisation recommends itself (universities, city hospitals).
    SelfRecommending,
    /// The bureau recommends directly (city institutes, government organs).
    Bureau,
}

impl RoutingMode {
    pub fn as_str(self) -> &'static str {
        match self {
            RoutingMode::District => "district",
            RoutingMode::SelfRecommending => "self",
            RoutingMode::Bureau => "bureau",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "district" => Some(RoutingMode::District),
            "self" => Some(RoutingMode::SelfRecommending),
            "bureau" => Some(RoutingMode::Bureau),
            _ => None,
        }
    }
}

/// One routing rule: organisations of `org_type` are routed by `mode`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingRule {
    pub org_type: OrgType,
    pub mode: RoutingMode,
}

/// What routing needs to know about an organisation looking for its recommender.
#[derive(Debug, Clone)]
pub struct OrgFacts {
    /// `None` for an organisation being created during registration.
    pub id: Option<Uuid>,
    pub org_type: OrgType,
    pub district: Option<String>,
}

/// What routing needs to know about a candidate recommending unit.
#[derive(Debug, Clone)]
pub struct RecommenderFacts {
    pub id: Uuid,
    pub kind: RecommenderKind,
    pub district: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoutingError {
    #[error("no routing rule covers organisations of type {0}")]
    NoRule(OrgType),
    #[error("no district S&T office serves district {0:?}")]
    NoDistrictOffice(Option<String>),
    #[error("the organisation is not registered as its own recommending unit")]
    NotSelfRecommending,
    #[error("no bureau is registered as a recommending unit")]
    NoBureau,
}

/// The recommending unit the rules give for `org`.
pub fn route(org: &OrgFacts, rules: &[RoutingRule], recommenders: &[RecommenderFacts]) -> Result<Uuid, RoutingError> {
    let rule = rules.iter().find(|r| r.org_type == org.org_type).ok_or(RoutingError::NoRule(org.org_type))?;
    match rule.mode {
        RoutingMode::District => recommenders
            .iter()
            .find(|r| r.kind == RecommenderKind::DistrictOffice && r.district.is_some() && r.district == org.district)
            .map(|r| r.id)
            .ok_or_else(|| RoutingError::NoDistrictOffice(org.district.clone())),
        RoutingMode::SelfRecommending => org
            .id
            .filter(|id| recommenders.iter().any(|r| r.id == *id && r.kind == RecommenderKind::SelfRecommending))
            .ok_or(RoutingError::NotSelfRecommending),
        RoutingMode::Bureau => {
            recommenders.iter().find(|r| r.kind == RecommenderKind::Bureau).map(|r| r.id).ok_or(RoutingError::NoBureau)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zigong_rules() -> Vec<RoutingRule> {
        use OrgType::*;
        vec![
            RoutingRule { org_type: Enterprise, mode: RoutingMode::District },
            RoutingRule { org_type: University, mode: RoutingMode::SelfRecommending },
            RoutingRule { org_type: Hospital, mode: RoutingMode::SelfRecommending },
            RoutingRule { org_type: ResearchInstitute, mode: RoutingMode::Bureau },
            RoutingRule { org_type: GovernmentOrgan, mode: RoutingMode::Bureau },
        ]
    }

    struct World {
        bureau: Uuid,
        ziliujing: Uuid,
        hightech: Uuid,
        university: Uuid,
        recommenders: Vec<RecommenderFacts>,
    }

    fn world() -> World {
        let bureau = Uuid::now_v7();
        let ziliujing = Uuid::now_v7();
        let hightech = Uuid::now_v7();
        let university = Uuid::now_v7();
        let recommenders = vec![
            RecommenderFacts { id: bureau, kind: RecommenderKind::Bureau, district: None },
            RecommenderFacts { id: ziliujing, kind: RecommenderKind::DistrictOffice, district: Some("510302".into()) },
            RecommenderFacts { id: hightech, kind: RecommenderKind::DistrictOffice, district: Some("510371".into()) },
            RecommenderFacts { id: university, kind: RecommenderKind::SelfRecommending, district: None },
        ];
        World { bureau, ziliujing, hightech, university, recommenders }
    }

    fn facts(id: Option<Uuid>, org_type: OrgType, district: Option<&str>) -> OrgFacts {
        OrgFacts { id, org_type, district: district.map(String::from) }
    }

    #[test]
    fn enterprises_go_to_their_district_office() {
        let w = world();
        let rules = zigong_rules();
        let e = facts(None, OrgType::Enterprise, Some("510302"));
        assert_eq!(route(&e, &rules, &w.recommenders), Ok(w.ziliujing));
        let e = facts(None, OrgType::Enterprise, Some("510371"));
        assert_eq!(route(&e, &rules, &w.recommenders), Ok(w.hightech));
    }

    #[test]
    fn enterprise_in_a_district_without_office_is_reported() {
        let w = world();
        let e = facts(None, OrgType::Enterprise, Some("510399"));
        assert_eq!(
            route(&e, &zigong_rules(), &w.recommenders),
            Err(RoutingError::NoDistrictOffice(Some("510399".into())))
        );
        let e = facts(None, OrgType::Enterprise, None);
        assert_eq!(route(&e, &zigong_rules(), &w.recommenders), Err(RoutingError::NoDistrictOffice(None)));
    }

    #[test]
    fn universities_recommend_themselves() {
        let w = world();
        let u = facts(Some(w.university), OrgType::University, Some("510302"));
        assert_eq!(route(&u, &zigong_rules(), &w.recommenders), Ok(w.university));
        let new_u = facts(None, OrgType::University, Some("510302"));
        assert_eq!(route(&new_u, &zigong_rules(), &w.recommenders), Err(RoutingError::NotSelfRecommending));
    }

    #[test]
    fn institutes_and_organs_go_to_the_bureau() {
        let w = world();
        for t in [OrgType::ResearchInstitute, OrgType::GovernmentOrgan] {
            let o = facts(None, t, Some("510302"));
            assert_eq!(route(&o, &zigong_rules(), &w.recommenders), Ok(w.bureau));
        }
    }

    #[test]
    fn rules_are_data_another_city_can_change() {
        let w = world();
        // A city where hospitals are routed by district instead.
        let mut rules = zigong_rules();
        rules.retain(|r| r.org_type != OrgType::Hospital);
        rules.push(RoutingRule { org_type: OrgType::Hospital, mode: RoutingMode::District });
        let h = facts(None, OrgType::Hospital, Some("510371"));
        assert_eq!(route(&h, &rules, &w.recommenders), Ok(w.hightech));
        let f = facts(None, OrgType::FinancialInstitution, None);
        assert_eq!(route(&f, &rules, &w.recommenders), Err(RoutingError::NoRule(OrgType::FinancialInstitution)));
    }
}
