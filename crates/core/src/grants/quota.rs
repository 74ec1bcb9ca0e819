//! Quotas (限项): how many applications a person, organisation, recommending unit,
//! named organisation or district may file, optionally limited to some categories (which
//! also expresses mutually exclusive category groups) and some calls (exclusive calls).

use serde::{Deserialize, Serialize};

/// Whose applications a quota counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuotaScope {
    /// Per principal investigator (e.g. one project per PI per year).
    Pi,
    /// Per applicant organisation.
    Organisation,
    /// Per recommending unit.
    Recommender,
    /// Only for the named organisation (e.g. the First People's Hospital: 15 medical projects).
    NamedOrganisation { credit_code: String },
    /// Per district.
    District,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quota {
    pub code: String,
    pub scope: QuotaScope,
    /// Categories counted together; `None` counts every category.
    #[serde(default)]
    pub categories: Option<Vec<String>>,
    /// Sub-types counted; `None` counts every sub-type.
    #[serde(default)]
    pub subtypes: Option<Vec<String>>,
    /// Calls counted together (exclusive calls); `None` means this call only.
    #[serde(default)]
    pub calls: Option<Vec<String>>,
    /// Only filings routed through recommending units of these kinds (e.g. `district_office`:
    /// "each district may recommend 2"); `None` means any.
    #[serde(default)]
    pub recommender_kinds: Option<Vec<String>>,
    /// Organisations (credit codes) the quota does not apply to, e.g. those with a
    /// named quota of their own.
    #[serde(default)]
    pub exempt: Vec<String>,
    pub limit: u32,
    pub message_zh: String,
    pub message_en: String,
}

/// The facts of one application that quotas look at. Callers pass the applications that
/// count (this year's, not withdrawn or declined).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filing {
    /// The call's code.
    pub call: String,
    pub category: String,
    pub subtype: String,
    pub pi: String,
    /// The applicant organisation's credit code (what named-organisation quotas name).
    pub organisation: String,
    pub recommender: String,
    /// district_office | self | bureau
    pub recommender_kind: String,
    pub district: Option<String>,
}

impl Quota {
    fn counts(&self, f: &Filing) -> bool {
        self.categories.as_ref().is_none_or(|c| c.iter().any(|x| x == &f.category))
            && self.subtypes.as_ref().is_none_or(|s| s.iter().any(|x| x == &f.subtype))
            && self.recommender_kinds.as_ref().is_none_or(|k| k.iter().any(|x| x == &f.recommender_kind))
    }

    fn counts_call(&self, current_call: &str, call: &str) -> bool {
        match &self.calls {
            Some(calls) => calls.iter().any(|c| c == call),
            None => call == current_call,
        }
    }

    /// Whether `filing` shares this quota's scope key with `new`.
    fn same_holder(&self, new: &Filing, filing: &Filing) -> bool {
        match &self.scope {
            QuotaScope::Pi => filing.pi == new.pi,
            QuotaScope::Organisation | QuotaScope::NamedOrganisation { .. } => filing.organisation == new.organisation,
            QuotaScope::Recommender => filing.recommender == new.recommender,
            QuotaScope::District => filing.district.is_some() && filing.district == new.district,
        }
    }

    fn applies_to(&self, new: &Filing) -> bool {
        let scoped = match &self.scope {
            QuotaScope::NamedOrganisation { credit_code } => &new.organisation == credit_code,
            QuotaScope::District => new.district.is_some(),
            _ => true,
        };
        scoped && !self.exempt.contains(&new.organisation) && self.counts(new) && self.counts_call(&new.call, &new.call)
    }

    /// How many of `existing` this quota counts for `new`'s holder.
    pub fn used(&self, new: &Filing, existing: &[Filing]) -> u32 {
        existing
            .iter()
            .filter(|f| self.same_holder(new, f) && self.counts(f) && self.counts_call(&new.call, &f.call))
            .count() as u32
    }
}

/// Whose earlier filings can matter for `new`: for each scope of a quota that applies to it,
/// the value `new` holds; `None` where no applying quota looks. A store fetches only the
/// filings that share one of these, instead of every filing of the call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Holders {
    pub pi: Option<String>,
    pub organisation: Option<String>,
    pub recommender: Option<String>,
    pub district: Option<String>,
    /// The calls counted together with this one (always includes `new.call`).
    pub calls: Vec<String>,
}

impl Holders {
    pub fn is_empty(&self) -> bool {
        self.pi.is_none() && self.organisation.is_none() && self.recommender.is_none() && self.district.is_none()
    }

    /// One stable key per holder, sorted: concurrent submissions sharing a key must be
    /// serialised for the count to hold (PostgreSQL takes an advisory lock per key).
    pub fn lock_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = [
            self.pi.as_ref().map(|v| format!("pi:{v}")),
            self.organisation.as_ref().map(|v| format!("organisation:{v}")),
            self.recommender.as_ref().map(|v| format!("recommender:{v}")),
            self.district.as_ref().map(|v| format!("district:{v}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        keys.sort();
        keys
    }
}

/// The holders `new` is counted under by the quotas that apply to it.
pub fn holders(quotas: &[Quota], new: &Filing) -> Holders {
    let mut h = Holders { calls: vec![new.call.clone()], ..Holders::default() };
    for q in quotas.iter().filter(|q| q.applies_to(new)) {
        match &q.scope {
            QuotaScope::Pi => h.pi = Some(new.pi.clone()),
            QuotaScope::Organisation | QuotaScope::NamedOrganisation { .. } => {
                h.organisation = Some(new.organisation.clone())
            }
            QuotaScope::Recommender => h.recommender = Some(new.recommender.clone()),
            QuotaScope::District => h.district = new.district.clone(),
        }
        for c in q.calls.iter().flatten() {
            if !h.calls.contains(c) {
                h.calls.push(c.clone());
            }
        }
    }
    h
}

/// A recommending unit as quotas see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The unit's id, as in `Filing::recommender`.
    pub recommender: String,
    /// district_office | self | bureau
    pub kind: String,
    pub credit_code: String,
}

/// How much of one quota a recommending unit has used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuotaUse {
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
    pub used: u32,
    pub limit: u32,
}

/// The quotas that bound what `unit` forwards in `call`, with their use by `filings` (the
/// counted filings routed through the unit): per-recommender quotas of its kind, and, for a
/// self-recommending organisation, the quotas on its own organisation.
pub fn unit_quota_use(quotas: &[Quota], unit: &Unit, call: &str, filings: &[Filing]) -> Vec<QuotaUse> {
    quotas
        .iter()
        .filter_map(|q| {
            let own = |f: &Filing| match &q.scope {
                QuotaScope::Recommender => f.recommender == unit.recommender,
                QuotaScope::NamedOrganisation { .. } | QuotaScope::Organisation => f.organisation == unit.credit_code,
                _ => false,
            };
            let kind_ok = q.recommender_kinds.as_ref().is_none_or(|k| k.contains(&unit.kind));
            let applies = match &q.scope {
                QuotaScope::Recommender => kind_ok,
                QuotaScope::NamedOrganisation { credit_code } => credit_code == &unit.credit_code,
                QuotaScope::Organisation => unit.kind == "self" && !q.exempt.contains(&unit.credit_code) && kind_ok,
                _ => false,
            };
            applies.then(|| QuotaUse {
                code: q.code.clone(),
                message_zh: q.message_zh.clone(),
                message_en: q.message_en.clone(),
                used: filings.iter().filter(|f| own(f) && q.counts(f) && q.counts_call(call, &f.call)).count() as u32,
                limit: q.limit,
            })
        })
        .collect()
}

/// The quotas `new` would exceed, given the filings that already count.
pub fn exceeded<'a>(quotas: &'a [Quota], new: &Filing, existing: &[Filing]) -> Vec<&'a Quota> {
    quotas.iter().filter(|q| q.applies_to(new) && q.used(new, existing) >= q.limit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quota(code: &str, scope: QuotaScope, categories: Option<&[&str]>, limit: u32) -> Quota {
        Quota {
            code: code.into(),
            scope,
            categories: categories.map(|c| c.iter().map(|s| s.to_string()).collect()),
            subtypes: None,
            calls: None,
            recommender_kinds: None,
            exempt: vec![],
            limit,
            message_zh: format!("{code} 超出限额"),
            message_en: format!("{code} exceeded"),
        }
    }

    fn filing(category: &str, pi: &str, org: &str, rec: &str, district: &str) -> Filing {
        Filing {
            call: "zg2021".into(),
            category: category.into(),
            subtype: "key".into(),
            pi: pi.into(),
            organisation: org.into(),
            recommender: rec.into(),
            recommender_kind: if rec.starts_with("hospital") { "self".into() } else { "district_office".into() },
            district: Some(district.into()),
        }
    }

    fn codes(q: Vec<&Quota>) -> Vec<String> {
        q.into_iter().map(|q| q.code.clone()).collect()
    }

    #[test]
    fn holders_name_only_what_applying_quotas_count() {
        let quotas = vec![
            quota("pi", QuotaScope::Pi, None, 1),
            quota("district_medical", QuotaScope::District, Some(&["medical"]), 2),
        ];
        let new = filing("industrial", "110101198001010011", "org1", "ziliujing", "510302");
        let h = holders(&quotas, &new);
        assert_eq!(h.pi.as_deref(), Some("110101198001010011"));
        assert_eq!(h.district, None, "the district quota counts only medical filings");
        assert_eq!(h.lock_keys(), vec!["pi:110101198001010011".to_string()]);
        let medical = filing("medical", "p2", "org1", "ziliujing", "510302");
        assert_eq!(holders(&quotas, &medical).lock_keys(), vec!["district:510302".to_string(), "pi:p2".to_string()]);
        assert!(holders(&[], &new).is_empty());
    }

    #[test]
    fn a_unit_sees_the_quotas_that_bound_it_with_their_use() {
        let mut district = quota("medical_per_district", QuotaScope::Recommender, Some(&["medical"]), 2);
        district.recommender_kinds = Some(vec!["district_office".into()]);
        let hospital_named = quota(
            "hospital1_medical",
            QuotaScope::NamedOrganisation { credit_code: "hospital1".into() },
            Some(&["medical"]),
            15,
        );
        let pi = quota("one_per_pi", QuotaScope::Pi, None, 1);
        let quotas = vec![district, hospital_named, pi];
        let filings = vec![
            filing("medical", "p1", "firm1", "ziliujing", "510302"),
            filing("industrial", "p2", "firm2", "ziliujing", "510302"),
            filing("medical", "p3", "firm3", "gongjing", "510303"),
            filing("medical", "p4", "hospital1", "hospital1", "510302"),
        ];
        let office =
            Unit { recommender: "ziliujing".into(), kind: "district_office".into(), credit_code: "zlj".into() };
        let used = unit_quota_use(&quotas, &office, "zg2021", &filings);
        assert_eq!(used.len(), 1);
        assert_eq!((used[0].code.as_str(), used[0].used, used[0].limit), ("medical_per_district", 1, 2));

        let hospital = Unit { recommender: "hospital1".into(), kind: "self".into(), credit_code: "hospital1".into() };
        let used = unit_quota_use(&quotas, &hospital, "zg2021", &filings);
        assert_eq!(used.iter().map(|u| (u.code.as_str(), u.used)).collect::<Vec<_>>(), [("hospital1_medical", 1)]);
    }

    #[test]
    fn one_project_per_pi() {
        let quotas = [quota("pi", QuotaScope::Pi, None, 1)];
        let new = filing("medical", "wang", "hospital1", "hospital1", "510302");
        assert!(exceeded(&quotas, &new, &[]).is_empty());
        let other_pi = filing("medical", "li", "hospital1", "hospital1", "510302");
        assert!(exceeded(&quotas, &new, &[other_pi]).is_empty());
        let same_pi_other_category = filing("agriculture", "wang", "hospital1", "hospital1", "510302");
        assert_eq!(codes(exceeded(&quotas, &new, &[same_pi_other_category])), ["pi"]);
    }

    #[test]
    fn exclusive_category_group_per_organisation() {
        // Industrial innovation and achievement transformation: one of the two, one project.
        let quotas = [quota("ind_or_transfer", QuotaScope::Organisation, Some(&["industrial", "transfer"]), 1)];
        let first = filing("industrial", "a", "firm", "ziliujing", "510302");
        let second = filing("transfer", "b", "firm", "ziliujing", "510302");
        assert_eq!(codes(exceeded(&quotas, &second, std::slice::from_ref(&first))), ["ind_or_transfer"]);
        let agriculture = filing("agriculture", "b", "firm", "ziliujing", "510302");
        assert!(exceeded(&quotas, &agriculture, &[first]).is_empty(), "other categories are not counted");
    }

    #[test]
    fn per_recommender_named_organisation_and_district() {
        let quotas = [
            quota(
                "hospital1_medical",
                QuotaScope::NamedOrganisation { credit_code: "hospital1".into() },
                Some(&["medical"]),
                2,
            ),
            quota("district", QuotaScope::District, Some(&["medical"]), 2),
            quota("recommender", QuotaScope::Recommender, None, 3),
        ];
        let h = |pi: &str| filing("medical", pi, "hospital1", "hospital1", "510302");
        assert!(exceeded(&quotas, &h("c"), &[h("a")]).is_empty());
        let over = codes(exceeded(&quotas, &h("c"), &[h("a"), h("b")]));
        assert_eq!(over, ["hospital1_medical", "district"]);
        // Another hospital is not held to hospital1's quota.
        let other = filing("medical", "x", "hospital3", "hospital3", "510303");
        assert!(exceeded(&quotas, &other, &[h("a"), h("b")]).is_empty());
        // The recommender quota counts every category.
        let r = |cat: &str, pi: &str| filing(cat, pi, &format!("firm-{pi}"), "ziliujing", &format!("d-{pi}"));
        let existing = [r("industrial", "a"), r("agriculture", "b"), r("transfer", "c")];
        assert_eq!(codes(exceeded(&quotas, &r("industrial", "d"), &existing)), ["recommender"]);
    }

    #[test]
    fn subtypes_and_exemptions() {
        // Medical research institutions: at most 10 major projects each; the big hospitals
        // have named quotas and are exempt from the general one.
        let mut major = quota("major", QuotaScope::Organisation, Some(&["research"]), 1);
        major.subtypes = Some(vec!["major".into()]);
        let mut general = quota("general", QuotaScope::Organisation, Some(&["medical"]), 1);
        general.exempt = vec!["hospital1".into()];
        let quotas = [major, general];
        let mut m = filing("research", "a", "inst", "inst", "510302");
        m.subtype = "major".into();
        let k = filing("research", "b", "inst", "inst", "510302");
        assert!(exceeded(&quotas, &k, std::slice::from_ref(&m)).is_empty(), "key projects are not counted");
        let mut m2 = m.clone();
        m2.pi = "c".into();
        assert_eq!(codes(exceeded(&quotas, &m2, &[m])), ["major"]);
        let h = |pi: &str| filing("medical", pi, "hospital1", "hospital1", "510302");
        assert!(exceeded(&quotas, &h("b"), &[h("a")]).is_empty());
        let o = |pi: &str| filing("medical", pi, "hospital5", "hospital5", "510302");
        assert_eq!(codes(exceeded(&quotas, &o("b"), &[o("a")])), ["general"]);
    }

    #[test]
    fn recommender_kind_filter() {
        // Each district may recommend 2 health projects; self-recommending hospitals are not
        // counted against that.
        let mut q = quota("per_district", QuotaScope::Recommender, Some(&["medical"]), 2);
        q.recommender_kinds = Some(vec!["district_office".into()]);
        let d = |pi: &str| filing("medical", pi, &format!("clinic-{pi}"), "ziliujing", "510302");
        assert_eq!(codes(exceeded(std::slice::from_ref(&q), &d("c"), &[d("a"), d("b")])), ["per_district"]);
        let h = |pi: &str| filing("medical", pi, "hospital1", "hospital1", "510302");
        assert!(exceeded(&[q], &h("c"), &[h("a"), h("b")]).is_empty());
    }

    #[test]
    fn exclusive_calls_count_each_other() {
        let mut q = quota("exclusive", QuotaScope::Organisation, None, 1);
        q.calls = Some(vec!["zg2021".into(), "scu_local_2021".into()]);
        let mut elsewhere = filing("any", "a", "firm", "r", "510302");
        elsewhere.call = "scu_local_2021".into();
        let new = filing("industrial", "b", "firm", "r", "510302");
        assert_eq!(codes(exceeded(std::slice::from_ref(&q), &new, std::slice::from_ref(&elsewhere))), ["exclusive"]);
        elsewhere.call = "unrelated".into();
        assert!(exceeded(&[q], &new, &[elsewhere]).is_empty());
    }
}
