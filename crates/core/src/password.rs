//! Password policy (ACC-3). The numbers are settings, the checks are here.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PasswordPolicy {
    pub min_length: usize,
    pub max_length: usize,
    /// How many of the four classes (lower, upper, digit, symbol) must appear.
    pub min_classes: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self { min_length: 10, max_length: 128, min_classes: 3 }
    }
}

/// One reason a password is refused; the API turns each into a translated message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort { min: usize },
    TooLong { max: usize },
    TooFewClasses { min: usize },
    ContainsLogin,
    Common,
}

impl PasswordProblem {
    pub fn message_zh(&self) -> String {
        match self {
            PasswordProblem::TooShort { min } => format!("密码至少 {min} 个字符"),
            PasswordProblem::TooLong { max } => format!("密码最多 {max} 个字符"),
            PasswordProblem::TooFewClasses { min } => {
                format!("密码须包含小写字母、大写字母、数字、符号中的至少 {min} 类")
            }
            PasswordProblem::ContainsLogin => "密码不能包含用户名".into(),
            PasswordProblem::Common => "密码过于常见，请换一个".into(),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            PasswordProblem::TooShort { min } => format!("Use at least {min} characters"),
            PasswordProblem::TooLong { max } => format!("Use at most {max} characters"),
            PasswordProblem::TooFewClasses { min } => {
                format!("Use at least {min} of: lower-case letters, upper-case letters, digits, symbols")
            }
            PasswordProblem::ContainsLogin => "The password must not contain the username".into(),
            PasswordProblem::Common => "This password is too common; choose another".into(),
        }
    }
}

/// A short list of passwords seen first in every breach; enough to refuse the obvious.
const COMMON: &[&str] = &[
    "password",
    "password1",
    "password123",
    "123456",
    "12345678",
    "123456789",
    "1234567890",
    "qwerty",
    "qwerty123",
    "abc123",
    "iloveyou",
    "admin123",
    "admin@123",
    "p@ssw0rd",
    "woaini1314",
    "1qaz2wsx",
    "1q2w3e4r",
    "a123456789",
    "aa123456",
    "zxcvbnm",
];

/// All the problems with `password` for the account named `login` (empty when acceptable).
pub fn check(policy: &PasswordPolicy, login: &str, password: &str) -> Vec<PasswordProblem> {
    let mut problems = Vec::new();
    let length = password.chars().count();
    if length < policy.min_length {
        problems.push(PasswordProblem::TooShort { min: policy.min_length });
    }
    if length > policy.max_length {
        problems.push(PasswordProblem::TooLong { max: policy.max_length });
    }
    let classes = [
        password.chars().any(|c| c.is_lowercase()),
        password.chars().any(|c| c.is_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_alphanumeric()),
    ]
    .iter()
    .filter(|present| **present)
    .count();
    if classes < policy.min_classes {
        problems.push(PasswordProblem::TooFewClasses { min: policy.min_classes });
    }
    let lower = password.to_lowercase();
    let login = login.trim().to_lowercase();
    if login.chars().count() >= 3 && lower.contains(&login) {
        problems.push(PasswordProblem::ContainsLogin);
    }
    if COMMON.contains(&lower.as_str()) {
        problems.push(PasswordProblem::Common);
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> PasswordPolicy {
        PasswordPolicy::default()
    }

    #[test]
    fn a_good_password_passes() {
        assert!(check(&policy(), "zhangsan", "Kechuang#2026").is_empty());
        // Chinese characters count as characters, and as a symbol class.
        assert!(check(&policy(), "lisi", "科创平台申报Ab12").is_empty());
    }

    #[test]
    fn short_passwords_fail_at_the_boundary() {
        assert_eq!(check(&policy(), "u", "Ab1#56789"), vec![PasswordProblem::TooShort { min: 10 }]);
        assert!(check(&policy(), "u", "Ab1#567890").is_empty());
    }

    #[test]
    fn classes_are_counted() {
        assert_eq!(check(&policy(), "u", "abcdefghijk1"), vec![PasswordProblem::TooFewClasses { min: 3 }]);
        let lenient = PasswordPolicy { min_classes: 2, ..policy() };
        assert!(check(&lenient, "u", "abcdefghijk1").is_empty());
    }

    #[test]
    fn login_inside_password_is_refused() {
        assert_eq!(check(&policy(), "ZhangSan", "zhangsan#2026A"), vec![PasswordProblem::ContainsLogin]);
    }

    #[test]
    fn common_and_too_long() {
        let p = PasswordPolicy { min_length: 4, min_classes: 1, ..policy() };
        assert_eq!(check(&p, "u", "Password123"), vec![PasswordProblem::Common]);
        let long = "Aa1#".repeat(40);
        assert_eq!(check(&policy(), "u", &long), vec![PasswordProblem::TooLong { max: 128 }]);
    }

    #[test]
    fn messages_exist_in_both_languages() {
        let p = PasswordProblem::TooShort { min: 10 };
        assert!(p.message_zh().contains("10"));
        assert!(p.message_en().contains("10"));
    }
}
