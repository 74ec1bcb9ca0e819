use kc_core::credit_code::with_check_digit;
use serde_json::{Value, json};

/// A valid credit code no demo organisation has.
pub fn fresh_credit_code() -> String {
    let n = uuid::Uuid::now_v7().as_u128();
    let digits = format!("{:09}", (n % 1_000_000_000) as u64);
    with_check_digit(&format!("91510300{digits}")).unwrap_or_default()
}

pub fn unique(prefix: &str) -> String {
    let n = uuid::Uuid::now_v7().as_u128() % 10_000_000_000;
    format!("{prefix}{n}")
}

/// A unit-applicant registration creating a new enterprise in Ziliujing district.
pub fn registration(username: &str) -> Value {
    let n = uuid::Uuid::now_v7().as_u128() % 100_000_000;
    json!({
        "account_type": "unit_applicant",
        "username": username,
        "password": "Shenbao#2026",
        "display_name": "张申报",
        "email": format!("{username}@example.com"),
        "phone": format!("139{n:08}"),
        "new_organisation": {
            "name": format!("自贡测试科技有限公司{n}"),
            "credit_code": fresh_credit_code(),
            "org_type": "enterprise",
            "district": "510302",
            "registered_capital_fen": 500_000_000,
        }
    })
}
