//! Eligibility rules (资格条件) as CEL expressions over the facts of an application, each
//! with its own Chinese and English message. Rules are compiled when a call is saved, so a
//! malformed rule is reported to the clerk who wrote it, never to an applicant.

use std::collections::HashMap;
use std::sync::Arc;

use cel_interpreter::{Context, Program, Value};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EligibilityRule {
    pub code: String,
    /// A CEL expression that is true when the applicant qualifies, over the variables
    /// `applicant`, `organisation` and `application`.
    pub expression: String,
    pub message_zh: String,
    pub message_en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rule {code}: {error}")]
pub struct RuleError {
    pub code: String,
    pub error: String,
}

/// A rule ready to evaluate.
#[derive(Debug)]
pub struct CompiledRule {
    pub rule: EligibilityRule,
    program: Program,
}

/// Compiles every rule, reporting all malformed ones.
pub fn compile(rules: &[EligibilityRule]) -> Result<Vec<CompiledRule>, Vec<RuleError>> {
    let mut compiled = Vec::new();
    let mut errors = Vec::new();
    for rule in rules {
        // cel-parser 0.10 panics on some malformed input (e.g. "((("); a clerk's typo must
        // be reported, never crash the request.
        let parsed = std::panic::catch_unwind(|| Program::compile(&rule.expression));
        match parsed {
            Ok(Ok(program)) => compiled.push(CompiledRule { rule: rule.clone(), program }),
            Ok(Err(e)) => errors.push(RuleError { code: rule.code.clone(), error: e.to_string() }),
            Err(_) => {
                errors.push(RuleError { code: rule.code.clone(), error: "the expression cannot be parsed".into() })
            }
        }
    }
    if errors.is_empty() { Ok(compiled) } else { Err(errors) }
}

/// The result of one rule for one application.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleOutcome {
    pub code: String,
    pub passed: bool,
    pub message_zh: String,
    pub message_en: String,
    /// Set when the rule could not be decided (a missing fact, a non-boolean result): the
    /// rule then counts as failed and the clerk sees why.
    pub error: Option<String>,
}

/// The facts rules see.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Facts {
    pub applicant: serde_json::Value,
    pub organisation: serde_json::Value,
    pub application: serde_json::Value,
}

/// JSON numbers become CEL ints where exact, so `age <= 60` and arithmetic mix freely.
fn to_cel(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(s) => Value::String(Arc::new(s.clone())),
        serde_json::Value::Array(items) => Value::List(Arc::new(items.iter().map(to_cel).collect())),
        serde_json::Value::Object(map) => {
            let m: HashMap<String, Value> = map.iter().map(|(k, v)| (k.clone(), to_cel(v))).collect();
            Value::from(m)
        }
    }
}

/// Evaluates every rule; every rule is reported, passed or not.
pub fn evaluate(rules: &[CompiledRule], facts: &Facts) -> Vec<RuleOutcome> {
    let mut context = Context::default();
    context.add_variable_from_value("applicant", to_cel(&facts.applicant));
    context.add_variable_from_value("organisation", to_cel(&facts.organisation));
    context.add_variable_from_value("application", to_cel(&facts.application));
    rules
        .iter()
        .map(|r| {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| r.program.execute(&context)));
            let (passed, error) = match result {
                Ok(Ok(Value::Bool(b))) => (b, None),
                Ok(Ok(other)) => (false, Some(format!("the rule gave {other:?}, not true or false"))),
                Ok(Err(e)) => (false, Some(e.to_string())),
                Err(_) => (false, Some("the rule could not be evaluated".into())),
            };
            RuleOutcome {
                code: r.rule.code.clone(),
                passed,
                message_zh: r.rule.message_zh.clone(),
                message_en: r.rule.message_en.clone(),
                error,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule(code: &str, expression: &str) -> EligibilityRule {
        EligibilityRule {
            code: code.into(),
            expression: expression.into(),
            message_zh: format!("{code}：不符合"),
            message_en: format!("{code}: not met"),
        }
    }

    /// Rules of the Zigong industrial-innovation major project (seed 000, guide §一(五)).
    fn zigong_major() -> Vec<EligibilityRule> {
        vec![
            rule("pi_age", "applicant.age <= 60"),
            rule(
                "pi_title",
                "applicant.title_rank in ['senior', 'associate_senior'] || applicant.degree in ['master', 'doctor']",
            ),
            rule(
                "lead_capacity",
                "organisation.registered_capital_fen >= 500000000 || organisation.last_year_revenue_fen >= 1000000000",
            ),
            rule("self_funding", "application.self_funding_fen >= 2 * application.requested_fen"),
            rule("credit", "organisation.credit_status == 'good'"),
            rule("rd_forms", "!organisation.in_statistics_scope || 'rd_107' in application.attachments"),
        ]
    }

    fn facts() -> Facts {
        Facts {
            applicant: json!({ "age": 45, "title_rank": "intermediate", "degree": "master" }),
            organisation: json!({
                "registered_capital_fen": 300_000_000i64, "last_year_revenue_fen": 1_200_000_000i64,
                "credit_status": "good", "in_statistics_scope": true
            }),
            application: json!({ "requested_fen": 100_000_000i64, "self_funding_fen": 200_000_000i64,
                                 "attachments": ["rd_107", "budget"] }),
        }
    }

    fn failed(outcomes: &[RuleOutcome]) -> Vec<&str> {
        outcomes.iter().filter(|o| !o.passed).map(|o| o.code.as_str()).collect()
    }

    #[test]
    fn a_qualifying_application_passes_every_rule() {
        let rules = compile(&zigong_major()).unwrap();
        let outcomes = evaluate(&rules, &facts());
        assert_eq!(outcomes.len(), 6);
        assert!(failed(&outcomes).is_empty(), "{outcomes:?}");
    }

    #[test]
    fn each_failed_rule_is_named_with_its_message() {
        let rules = compile(&zigong_major()).unwrap();
        let mut f = facts();
        f.applicant["age"] = json!(61);
        f.application["self_funding_fen"] = json!(199_999_999i64);
        f.application["attachments"] = json!(["budget"]);
        let outcomes = evaluate(&rules, &f);
        assert_eq!(failed(&outcomes), ["pi_age", "self_funding", "rd_forms"]);
        let age = outcomes.iter().find(|o| o.code == "pi_age").unwrap();
        assert_eq!(age.message_zh, "pi_age：不符合");
        assert!(age.error.is_none());
    }

    #[test]
    fn boundary_age_sixty_passes() {
        let rules = compile(&zigong_major()).unwrap();
        let mut f = facts();
        f.applicant["age"] = json!(60);
        assert!(failed(&evaluate(&rules, &f)).is_empty());
    }

    #[test]
    fn malformed_rules_are_reported_at_compile_time() {
        let mut rules = zigong_major();
        rules.push(rule("broken", "applicant.age <= "));
        rules.push(rule("also_broken", "((("));
        let errors = compile(&rules).unwrap_err();
        let codes: Vec<&str> = errors.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["broken", "also_broken"]);
    }

    #[test]
    fn missing_facts_and_non_boolean_results_fail_with_an_error() {
        let rules = compile(&[rule("unknown", "applicant.height > 1"), rule("number", "applicant.age")]).unwrap();
        let outcomes = evaluate(&rules, &facts());
        assert_eq!(failed(&outcomes), ["unknown", "number"]);
        assert!(outcomes.iter().all(|o| o.error.is_some()));
    }
}
