//! Unified social credit code (统一社会信用代码) per GB 32100-2015.

use std::fmt;

/// The 31 characters allowed by GB 32100-2015 (no I, O, Z, S, V), in value order.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of positions 1..=17 (3^(i-1) mod 31).
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    #[error("a credit code has 18 characters, this one has {0}")]
    Length(usize),
    #[error("character {ch:?} at position {position} is not allowed in a credit code")]
    Character { position: usize, ch: char },
    #[error("the check digit should be {expected}, not {found}")]
    CheckDigit { expected: char, found: char },
}

/// A validated credit code, stored upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct CreditCode(String);

impl CreditCode {
    /// Validates `input` (surrounding spaces ignored, lower case accepted).
    pub fn parse(input: &str) -> Result<Self, CreditCodeError> {
        let code: String = input.trim().to_ascii_uppercase();
        let count = code.chars().count();
        if count != 18 {
            return Err(CreditCodeError::Length(count));
        }
        let mut values = [0u32; 18];
        for (i, ch) in code.chars().enumerate() {
            values[i] = value_of(ch).ok_or(CreditCodeError::Character { position: i + 1, ch })?;
        }
        let sum: u32 = WEIGHTS.iter().zip(values.iter()).map(|(w, v)| w * v).sum();
        let expected = (31 - sum % 31) % 31;
        if values[17] != expected {
            return Err(CreditCodeError::CheckDigit {
                expected: ALPHABET[expected as usize] as char,
                found: code.as_bytes()[17] as char,
            });
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn value_of(ch: char) -> Option<u32> {
    ALPHABET.iter().position(|&c| c as char == ch).map(|p| p as u32)
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Completes a 17-character prefix with its check digit (used by the demo data generator).
pub fn with_check_digit(prefix17: &str) -> Option<String> {
    let prefix = prefix17.to_ascii_uppercase();
    if prefix.chars().count() != 17 {
        return None;
    }
    let mut sum = 0;
    for (i, ch) in prefix.chars().enumerate() {
        sum += WEIGHTS[i] * value_of(ch)?;
    }
    let check = ALPHABET[((31 - sum % 31) % 31) as usize] as char;
    Some(format!("{prefix}{check}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Codes published on the national enterprise credit information system.
    const REAL: &[&str] = &[
        "914403001922038216", // Huawei Technologies Co., Ltd.
        "9144030071526726XG", // Tencent (Shenzhen)
        "91330100799655058B", // Alibaba (China)
        "91350100M000100Y43", // the example in GB 32100-2015
    ];

    #[test]
    fn real_codes_are_valid() {
        for code in REAL {
            assert_eq!(CreditCode::parse(code).map(|c| c.to_string()), Ok(code.to_string()));
        }
    }

    #[test]
    fn lower_case_and_spaces_are_normalised() {
        let c = CreditCode::parse(" 9144030071526726xg ").unwrap();
        assert_eq!(c.as_str(), "9144030071526726XG");
    }

    #[test]
    fn every_single_character_corruption_is_caught() {
        for code in REAL {
            for pos in 0..18 {
                for &replacement in ALPHABET.iter() {
                    let mut bytes = code.as_bytes().to_vec();
                    if bytes[pos] == replacement {
                        continue;
                    }
                    bytes[pos] = replacement;
                    let corrupted = String::from_utf8(bytes).unwrap();
                    assert!(CreditCode::parse(&corrupted).is_err(), "{corrupted} should be rejected");
                }
            }
        }
    }

    #[test]
    fn wrong_check_digit_names_the_expected_one() {
        assert_eq!(
            CreditCode::parse("914403001922038217"),
            Err(CreditCodeError::CheckDigit { expected: '6', found: '7' })
        );
    }

    #[test]
    fn length_and_forbidden_letters() {
        assert_eq!(CreditCode::parse("91440300"), Err(CreditCodeError::Length(8)));
        assert_eq!(CreditCode::parse("91440300192203821O"), Err(CreditCodeError::Character { position: 18, ch: 'O' }));
    }

    #[test]
    fn check_digit_generation_round_trips() {
        for code in REAL {
            assert_eq!(with_check_digit(&code[..17]).as_deref(), Some(*code));
        }
        assert_eq!(with_check_digit("123"), None);
    }
}
