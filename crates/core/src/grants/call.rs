//! A call for proposals as data: categories and sub-types with their caps, forms, rules,
//! bonuses, quotas and windows. The whole call is one document that the bureau edits,
//! exports and imports; `Call::problems` is what saving checks.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::bonus::BonusRule;
use super::eligibility::{self, EligibilityRule};
use super::form::FormDefinition;
use super::quota::Quota;
use super::review::ReviewRules;
use super::window::Window;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FundingMode {
    /// 前补助: funds before the work.
    Advance,
    /// 后补助: funds after results.
    Reimbursement,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub department: String,
    pub name: String,
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttachmentSlot {
    pub code: String,
    pub label_zh: String,
    pub label_en: String,
    #[serde(default)]
    pub required: bool,
    /// Allowed types by sniffed content, e.g. `["pdf", "docx"]`.
    #[serde(default)]
    pub types: Vec<String>,
    pub max_mb: u32,
}

/// A sub-type (重大项目 / 重点项目 …): the unit caps and rules apply to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subtype {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub funding_mode: FundingMode,
    /// At most this many projects are funded.
    pub max_funded: u32,
    /// At most this much per project, in fen.
    pub max_funding_fen: i64,
    pub period_months: u32,
    #[serde(default)]
    pub attachments: Vec<AttachmentSlot>,
    #[serde(default)]
    pub eligibility: Vec<EligibilityRule>,
    #[serde(default)]
    pub bonuses: Vec<BonusRule>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub contact: Option<Contact>,
    /// The form applicants fill for this category.
    pub form: FormDefinition,
    pub subtypes: Vec<Subtype>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Call {
    pub code: String,
    pub year: i32,
    pub title: String,
    /// The bureau issuing the call (whom recommendation letters are addressed to).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    pub notice: String,
    pub guide: String,
    pub submission: Window,
    pub recommender_deadline: DateTime<Utc>,
    pub paper_copy_deadline: Option<DateTime<Utc>>,
    pub categories: Vec<Category>,
    #[serde(default)]
    pub quotas: Vec<Quota>,
    /// Rules every application of the call must meet, before its sub-type's own.
    #[serde(default)]
    pub eligibility: Vec<EligibilityRule>,
    /// How experts review the call's applications; without it the call has no review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewRules>,
    /// The forms of the funded project's reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reports: Option<ReportForms>,
}

/// The mid-term and completion report forms, filled with the same form engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportForms {
    pub midterm: FormDefinition,
    pub completion: FormDefinition,
}

impl Call {
    /// Everything wrong with the call as configured, each with where it is. Empty means
    /// the call can be saved.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if !self.submission.is_valid() {
            problems.push("submission window: the close must be after the open".to_string());
        }
        if self.recommender_deadline < self.submission.closes_at {
            problems.push("the recommenders' deadline is before the submission close".to_string());
        }
        let mut check_rules = |place: &str, rules: &[EligibilityRule]| {
            if let Err(errors) = eligibility::compile(rules) {
                for e in errors {
                    problems.push(format!("{place}: eligibility rule {}: {}", e.code, e.error));
                }
            }
        };
        check_rules("call", &self.eligibility);
        for c in &self.categories {
            for s in &c.subtypes {
                check_rules(&format!("{}/{}", c.code, s.code), &s.eligibility);
            }
        }
        let mut codes: Vec<&str> = self.categories.iter().map(|c| c.code.as_str()).collect();
        codes.sort();
        if codes.windows(2).any(|w| w[0] == w[1]) {
            problems.push("two categories share a code".to_string());
        }
        for c in &self.categories {
            if c.subtypes.is_empty() {
                problems.push(format!("{}: a category needs at least one sub-type", c.code));
            }
            for p in c.form.problems() {
                problems.push(format!("{}: form: {p}", c.code));
            }
            for s in &c.subtypes {
                if s.max_funding_fen <= 0 || s.max_funded == 0 {
                    problems.push(format!("{}/{}: caps must be positive", c.code, s.code));
                }
            }
        }
        if let Some(review) = &self.review {
            problems.extend(review.score_sheet.problems());
            if review.experts_per_application == 0 || review.max_load == 0 {
                problems.push("review: experts per application and the load cap must be positive".to_string());
            }
        }
        if let Some(reports) = &self.reports {
            for p in reports.midterm.problems() {
                problems.push(format!("mid-term report form: {p}"));
            }
            for p in reports.completion.problems() {
                problems.push(format!("completion report form: {p}"));
            }
        }
        for q in &self.quotas {
            if let Some(cats) = &q.categories {
                for cat in cats {
                    if !self.categories.iter().any(|c| &c.code == cat) {
                        problems.push(format!("quota {}: unknown category {cat}", q.code));
                    }
                }
            }
        }
        problems
    }

    pub fn subtype(&self, category: &str, subtype: &str) -> Option<(&Category, &Subtype)> {
        let c = self.categories.iter().find(|c| c.code == category)?;
        Some((c, c.subtypes.iter().find(|s| s.code == subtype)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grants::form::{Field, FieldKind, Section};
    use crate::grants::window::shanghai;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        shanghai(NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, 0, 0).unwrap()).unwrap()
    }

    fn call() -> Call {
        Call {
            code: "zg2021".into(),
            year: 2021,
            title: "2021年度自贡市重点科技计划项目".into(),
            issuer: Some("自贡市科学技术局".into()),
            notice: "自科发〔2021〕2号".into(),
            guide: "……".into(),
            submission: Window { opens_at: at(2021, 1, 20, 0), closes_at: at(2021, 4, 15, 18) },
            recommender_deadline: at(2021, 4, 30, 18),
            paper_copy_deadline: Some(at(2021, 4, 30, 18)),
            categories: vec![Category {
                code: "industrial".into(),
                name_zh: "工业技术创新".into(),
                name_en: "Industrial technology innovation".into(),
                contact: Some(Contact {
                    department: "创新科".into(), name: "王雪娟".into(), phone: "8107323".into()
                }),
                form: FormDefinition {
                    sections: vec![Section {
                        key: "basic".into(),
                        title_zh: "基本信息".into(),
                        title_en: "Basics".into(),
                        fields: vec![Field {
                            key: "project_name".into(),
                            label_zh: "项目名称".into(),
                            label_en: "Project name".into(),
                            required: true,
                            kind: FieldKind::Text { max_chars: Some(40) },
                        }],
                    }],
                },
                subtypes: vec![Subtype {
                    code: "major".into(),
                    name_zh: "技术攻关重大项目".into(),
                    name_en: "Major project".into(),
                    funding_mode: FundingMode::Advance,
                    max_funded: 2,
                    max_funding_fen: 100_000_000,
                    period_months: 24,
                    attachments: vec![],
                    eligibility: vec![EligibilityRule {
                        code: "pi_age".into(),
                        expression: "applicant.age <= 60".into(),
                        message_zh: "项目负责人原则上不超过60岁".into(),
                        message_en: "The PI should be at most 60".into(),
                    }],
                    bonuses: vec![],
                }],
            }],
            quotas: vec![],
            eligibility: vec![],
            review: None,
            reports: None,
        }
    }

    #[test]
    fn a_good_call_has_no_problems_and_round_trips() {
        let c = call();
        assert_eq!(c.problems(), Vec::<String>::new());
        let text = serde_json::to_string_pretty(&c).unwrap();
        let back: Call = serde_json::from_str(&text).unwrap();
        assert_eq!(back, c);
        assert_eq!(serde_json::to_string_pretty(&back).unwrap(), text);
        assert!(c.subtype("industrial", "major").is_some());
        assert!(c.subtype("industrial", "minor").is_none());
    }

    #[test]
    fn a_malformed_rule_is_named_when_the_call_is_saved() {
        let mut c = call();
        c.categories[0].subtypes[0].eligibility[0].expression = "applicant.age <=".into();
        let problems = c.problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("industrial/major: eligibility rule pi_age"), "{problems:?}");
    }

    #[test]
    fn windows_caps_and_quota_categories_are_checked() {
        let mut c = call();
        c.submission.closes_at = c.submission.opens_at;
        c.categories[0].subtypes[0].max_funded = 0;
        c.quotas.push(Quota {
            code: "q".into(),
            scope: crate::grants::quota::QuotaScope::Organisation,
            categories: Some(vec!["nonexistent".into()]),
            subtypes: None,
            calls: None,
            recommender_kinds: None,
            exempt: vec![],
            limit: 1,
            message_zh: "x".into(),
            message_en: "x".into(),
        });
        assert_eq!(c.problems().len(), 3, "{:?}", c.problems());
    }
}
