//! Demo data for `make run` and the tests: the Zigong bureau, its district offices and
//! high-tech zone, universities, hospitals, enterprises and one account per role.
//! Loading is idempotent: what exists is left alone.

use chrono::{NaiveDate, Utc};
use kc_core::credit_code::with_check_digit;
use kc_core::identity::{AccountStatus, Role};
use kc_db::entities::{certification_kind, district, org_certification, organisation, routing_rule, user};
use kc_db::{Db, DbResult};
use uuid::Uuid;

/// The password of every demo account except the administrator's.
pub const DEMO_PASSWORD: &str = "Demo#2026kc";
pub const ADMIN_USERNAME: &str = "admin";
pub const ADMIN_PASSWORD: &str = "Admin#2026kc";

/// A demo log-in, printed at start-up.
pub struct DemoLogin {
    pub username: &'static str,
    pub password: &'static str,
    pub role_zh: &'static str,
}

pub const DISTRICTS: &[(&str, &str, &str)] = &[
    ("510302", "自流井区", "Ziliujing District"),
    ("510303", "贡井区", "Gongjing District"),
    ("510304", "大安区", "Da'an District"),
    ("510311", "沿滩区", "Yantan District"),
    ("510322", "富顺县", "Fushun County"),
    ("510371", "自贡高新区", "Zigong High-tech Zone"),
];

const CERTIFICATION_KINDS: &[(&str, &str, &str)] = &[
    ("high_tech_enterprise", "高新技术企业", "High-tech enterprise"),
    ("advanced_tech_service", "技术先进型服务企业", "Advanced technology service enterprise"),
    ("tech_sme", "科技型中小企业", "Technology-based SME"),
    (
        "provincial_transfer_demo",
        "省级成果转化示范企业",
        "Provincial achievement-transformation demonstration enterprise",
    ),
];

const ROUTING: &[(&str, &str)] = &[
    ("enterprise", "district"),
    ("social_organisation", "district"),
    ("financial_institution", "district"),
    ("university", "self"),
    ("hospital", "self"),
    ("research_institute", "bureau"),
    ("government_organ", "bureau"),
];

const ENTERPRISES: &[(&str, &str)] = &[
    ("自贡东方锅炉节能科技有限公司", "510371"),
    ("自贡华西能源装备有限公司", "510371"),
    ("自贡川润智能流体科技有限公司", "510302"),
    ("自贡晨光新材料有限公司", "510311"),
    ("自贡鸿鹤化工科技有限公司", "510304"),
    ("自贡运机智能输送装备有限公司", "510371"),
    ("自贡硬质合金精密工具有限公司", "510302"),
    ("自贡盐津生物科技有限公司", "510303"),
    ("自贡彩灯文创数字科技有限公司", "510302"),
    ("自贡恐龙谷智慧旅游科技有限公司", "510304"),
    ("自贡富顺晨曦农业科技有限公司", "510322"),
    ("自贡沿滩航空零部件制造有限公司", "510311"),
    ("自贡贡井新能源电池材料有限公司", "510303"),
    ("自贡大安节能环保工程有限公司", "510304"),
    ("自贡高新区智能制造研究有限公司", "510371"),
    ("自贡天然气化工新材料有限公司", "510311"),
    ("自贡井盐深加工科技有限公司", "510303"),
    ("自贡医疗器械创新科技有限公司", "510371"),
    ("自贡富顺豆花食品科技有限公司", "510322"),
    ("自贡川南数据科技有限公司", "510302"),
];

struct OrgSeed {
    name: String,
    org_type: &'static str,
    district: Option<&'static str>,
    recommender_kind: &'static str,
    capital_wan: i64,
    revenue_wan: i64,
    in_statistics_scope: bool,
    certifications: Vec<&'static str>,
}

fn credit_code(serial: usize) -> String {
    // 91 = enterprise registered with market regulation; 510300 = Zigong.
    let prefix = format!("91510300MA6{:06}", 100_000 + serial * 7919 % 900_000);
    with_check_digit(&prefix).unwrap_or(prefix)
}

fn orgs() -> Vec<OrgSeed> {
    let mut out = vec![OrgSeed {
        name: "自贡市科学技术局".into(),
        org_type: "government_organ",
        district: None,
        recommender_kind: "bureau",
        capital_wan: 0,
        revenue_wan: 0,
        in_statistics_scope: false,
        certifications: vec![],
    }];
    for (code, name, _) in DISTRICTS {
        let office = if *code == "510371" {
            "自贡高新区科技创新局".to_string()
        } else {
            format!("{name}科学技术局")
        };
        out.push(OrgSeed {
            name: office,
            org_type: "government_organ",
            district: Some(code),
            recommender_kind: "district_office",
            capital_wan: 0,
            revenue_wan: 0,
            in_statistics_scope: false,
            certifications: vec![],
        });
    }
    for name in ["四川轻化工大学", "自贡职业技术学院"] {
        out.push(OrgSeed {
            name: name.into(),
            org_type: "university",
            district: Some("510302"),
            recommender_kind: "self",
            capital_wan: 0,
            revenue_wan: 0,
            in_statistics_scope: false,
            certifications: vec![],
        });
    }
    for name in ["自贡市第一人民医院", "自贡市第三人民医院", "自贡市第四人民医院"] {
        out.push(OrgSeed {
            name: name.into(),
            org_type: "hospital",
            district: Some("510302"),
            recommender_kind: "self",
            capital_wan: 0,
            revenue_wan: 0,
            in_statistics_scope: false,
            certifications: vec![],
        });
    }
    for (i, (name, district)) in ENTERPRISES.iter().enumerate() {
        let certs = match i % 4 {
            0 => vec!["high_tech_enterprise", "tech_sme"],
            1 => vec!["tech_sme"],
            2 => vec!["high_tech_enterprise"],
            _ => vec![],
        };
        out.push(OrgSeed {
            name: (*name).into(),
            org_type: "enterprise",
            district: Some(district),
            recommender_kind: "none",
            capital_wan: 300 + (i as i64 * 137) % 2000,
            revenue_wan: 800 + (i as i64 * 953) % 12_000,
            in_statistics_scope: i % 3 != 2,
            certifications: certs,
        });
    }
    out
}

struct UserSeed {
    username: &'static str,
    display_name: &'static str,
    role: Role,
    org: Option<&'static str>,
    department: Option<&'static str>,
    status: AccountStatus,
}

fn users() -> Vec<UserSeed> {
    use AccountStatus::*;
    let u = |username, display_name, role, org, department, status| UserSeed {
        username,
        display_name,
        role,
        org,
        department,
        status,
    };
    vec![
        u("admin", "系统管理员", Role::BureauAdmin, Some("自贡市科学技术局"), Some("办公室"), Active),
        u("staff", "资源配置科 王科长", Role::BureauStaff, Some("自贡市科学技术局"), Some("资源配置科"), Active),
        u("ziliujing", "自流井区科技局 李老师", Role::Recommender, Some("自流井区科学技术局"), None, Active),
        u("hightech", "高新区科创局 赵老师", Role::Recommender, Some("自贡高新区科技创新局"), None, Active),
        u("suse", "四川轻化工大学 科技处", Role::Recommender, Some("四川轻化工大学"), None, Active),
        u("hospital1", "市一医院 科教科", Role::Recommender, Some("自贡市第一人民医院"), None, Active),
        u("expert", "陈教授", Role::Expert, Some("四川轻化工大学"), None, Active),
        u("concierge", "科技服务专员 周敏", Role::Concierge, Some("自贡市科学技术局"), None, Active),
        u(
            "applicant",
            "川润智能 项目申报专员",
            Role::UnitApplicant,
            Some("自贡川润智能流体科技有限公司"),
            None,
            Active,
        ),
        u("researcher", "刘研究员", Role::IndividualApplicant, Some("四川轻化工大学"), None, Active),
        u("newcomer", "晨光新材料 申报专员", Role::UnitApplicant, Some("自贡晨光新材料有限公司"), None, Pending),
    ]
}

pub fn logins() -> Vec<DemoLogin> {
    users()
        .iter()
        .filter(|u| u.status == AccountStatus::Active)
        .map(|u| DemoLogin {
            username: u.username,
            password: if u.username == ADMIN_USERNAME { ADMIN_PASSWORD } else { DEMO_PASSWORD },
            role_zh: super::identity::role_label_zh(u.role),
        })
        .collect()
}

/// Reference data every deployment of the demo needs: districts, certification kinds and
/// the locality routing rules.
pub async fn load_reference(db: &Db) -> DbResult<()> {
    let conn = db.write();
    for (i, (code, zh, en)) in DISTRICTS.iter().enumerate() {
        kc_db::identity::upsert_district(
            conn,
            district::Model {
                code: (*code).into(),
                name_zh: (*zh).into(),
                name_en: (*en).into(),
                sort_order: i as i32,
            },
        )
        .await?;
    }
    for (i, (code, zh, en)) in CERTIFICATION_KINDS.iter().enumerate() {
        kc_db::identity::upsert_certification_kind(
            conn,
            certification_kind::Model {
                code: (*code).into(),
                name_zh: (*zh).into(),
                name_en: (*en).into(),
                sort_order: i as i32,
            },
        )
        .await?;
    }
    if kc_db::identity::routing_rules(conn).await?.is_empty() {
        kc_db::identity::replace_routing_rules(
            conn,
            ROUTING.iter().map(|(t, m)| routing_rule::Model { org_type: (*t).into(), mode: (*m).into() }).collect(),
        )
        .await?;
    }
    Ok(())
}

/// Loads everything; returns how many organisations and accounts were created. The Zigong
/// call is (re)loaded with its windows centred on today, so it is open.
pub async fn load(db: &Db) -> DbResult<(usize, usize)> {
    load_reference(db).await?;
    if let Ok(call) = zigong_2021_call() {
        let centred = crate::grants::centred_on(call, Utc::now());
        crate::grants::save_call(db, &centred, Utc::now()).await.map_err(|e| match e {
            crate::grants::CallFileError::Db(d) => d,
            other => kc_db::DbError::Corrupt(other.to_string()),
        })?;
    }
    let conn = db.write();
    let now = Utc::now();
    let mut created_orgs = 0;
    let seeds = orgs();
    // First the recommending units, so the others can be routed to them.
    let mut ids: Vec<(String, Uuid)> = Vec::new();
    for (serial, seed) in seeds.iter().enumerate() {
        let code = credit_code(serial);
        if let Some(existing) = kc_db::identity::organisation_by_credit_code(conn, &code).await? {
            ids.push((seed.name.clone(), existing.id));
            continue;
        }
        let id = Uuid::now_v7();
        let recommender_id = match (seed.recommender_kind, seed.org_type, seed.district) {
            ("none", "enterprise", Some(d)) => {
                let office =
                    seeds.iter().position(|s| s.recommender_kind == "district_office" && s.district == Some(d));
                office.and_then(|p| ids.get(p).map(|(_, id)| *id))
            }
            _ => None,
        };
        let certs = seed
            .certifications
            .iter()
            .map(|kind| org_certification::Model {
                id: Uuid::now_v7(),
                org_id: id,
                kind: (*kind).into(),
                cert_no: Some(format!("GR2024510{:05}", serial * 37)),
                valid_from: NaiveDate::from_ymd_opt(2024, 12, 1).unwrap_or_default(),
                valid_until: NaiveDate::from_ymd_opt(2027, 11, 30).unwrap_or_default(),
            })
            .collect();
        kc_db::identity::save_organisation(
            conn,
            organisation::Model {
                id,
                name: seed.name.clone(),
                credit_code: code,
                org_type: seed.org_type.into(),
                district: seed.district.map(String::from),
                recommender_kind: seed.recommender_kind.into(),
                registered_capital_fen: (seed.capital_wan > 0).then_some(seed.capital_wan * 1_000_000),
                last_year_revenue_fen: (seed.revenue_wan > 0).then_some(seed.revenue_wan * 1_000_000),
                in_statistics_scope: seed.in_statistics_scope,
                credit_status: "good".into(),
                recommender_id,
                created_at: now,
                updated_at: now,
            },
            certs,
            true,
        )
        .await?;
        ids.push((seed.name.clone(), id));
        created_orgs += 1;
    }
    let org_id = |name: &str| ids.iter().find(|(n, _)| n == name).map(|(_, id)| *id);

    let mut created_users = 0;
    for (i, seed) in users().into_iter().enumerate() {
        if kc_db::identity::login_name_in_use(conn, seed.username).await? {
            continue;
        }
        let password = if seed.username == ADMIN_USERNAME { ADMIN_PASSWORD } else { DEMO_PASSWORD };
        let Some(hash) = crate::auth::hash_password_blocking(password) else { continue };
        let org = seed.org.and_then(org_id);
        let recommender = match seed.role {
            Role::Recommender => org,
            Role::UnitApplicant | Role::IndividualApplicant => match org {
                Some(o) => kc_db::identity::organisation(conn, o)
                    .await?
                    .and_then(|m| if m.recommender_kind == "self" { Some(m.id) } else { m.recommender_id }),
                None => None,
            },
            _ => None,
        };
        kc_db::identity::save_user(
            conn,
            user::Model {
                id: Uuid::now_v7(),
                username: seed.username.into(),
                email: Some(format!("{}@demo.kechuang.local", seed.username)),
                phone: Some(format!("1380813{:04}", i)),
                display_name: seed.display_name.into(),
                password_hash: hash,
                role: seed.role.as_str().into(),
                status: seed.status.as_str().into(),
                org_id: org,
                recommender_id: recommender,
                department: seed.department.map(String::from),
                rejection_reason: None,
                failed_logins: 0,
                locked_until: None,
                approved_at: (seed.status == AccountStatus::Active).then_some(now),
                approved_by: None,
                password_changed_at: now,
                created_at: now,
                updated_at: now,
            },
            true,
        )
        .await?;
        created_users += 1;
    }
    Ok((created_orgs, created_users))
}

/// Creates an active bureau administrator (the first account of a real deployment).
pub async fn create_admin(db: &Db, username: &str, password: &str, display_name: &str) -> Result<(), String> {
    let username = kc_db::normalise_login(username);
    if kc_db::identity::login_name_in_use(db.read(), &username).await.map_err(|e| e.to_string())? {
        return Err(format!("用户名 {username} 已存在 / username {username} exists"));
    }
    let hash = crate::auth::hash_password_blocking(password).ok_or("hashing failed")?;
    let now = Utc::now();
    kc_db::identity::save_user(
        db.write(),
        user::Model {
            id: Uuid::now_v7(),
            username,
            email: None,
            phone: None,
            display_name: display_name.into(),
            password_hash: hash,
            role: Role::BureauAdmin.as_str().into(),
            status: AccountStatus::Active.as_str().into(),
            org_id: None,
            recommender_id: None,
            department: None,
            rejection_reason: None,
            failed_logins: 0,
            locked_until: None,
            approved_at: Some(now),
            approved_by: None,
            password_changed_at: now,
            created_at: now,
            updated_at: now,
        },
        true,
    )
    .await
    .map_err(|e| e.to_string())
}

/// The Zigong 2021 call (seed 000) as a call document: every category and sub-type with
/// its caps, rules, bonuses and quotas. Dates are the original 2021 ones.
pub const ZIGONG_2021_CALL: &str = include_str!("../demo/zigong-2021-call.json");

pub fn zigong_2021_call() -> Result<kc_core::grants::call::Call, serde_json::Error> {
    serde_json::from_str(ZIGONG_2021_CALL)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_zigong_call_is_valid_and_round_trips() {
        let call = zigong_2021_call().unwrap();
        assert_eq!(call.problems(), Vec::<String>::new());
        let exported = serde_json::to_string_pretty(&call).unwrap() + "\n";
        assert_eq!(exported, ZIGONG_2021_CALL, "the shipped file is in exported form");
        let again: kc_core::grants::call::Call = serde_json::from_str(&exported).unwrap();
        assert_eq!(serde_json::to_string_pretty(&again).unwrap() + "\n", exported);
    }

    #[test]
    fn the_zigong_call_holds_the_guide_figures() {
        let call = zigong_2021_call().unwrap();
        assert_eq!(call.categories.len(), 9);
        let (_, major) = call.subtype("industrial", "major").unwrap();
        assert_eq!((major.max_funded, major.max_funding_fen), (2, 100_000_000));
        let best = kc_core::grants::bonus::applicable(&major.bonuses, &["tech_sme", "high_tech_enterprise"]);
        assert_eq!(best.map(|b| b.centipoints), Some(200));
        let (_, medical) = call.subtype("medical", "general").unwrap();
        assert_eq!(medical.max_funding_fen, 1_000_000);
        // The demo's three city hospitals carry named quotas of 15 health projects.
        let named: Vec<String> = call
            .quotas
            .iter()
            .filter_map(|q| match &q.scope {
                kc_core::grants::quota::QuotaScope::NamedOrganisation { credit_code } => Some(credit_code.clone()),
                _ => None,
            })
            .collect();
        let hospitals: Vec<String> =
            orgs().iter().enumerate().filter(|(_, o)| o.org_type == "hospital").map(|(i, _)| credit_code(i)).collect();
        assert_eq!(named, hospitals);
        // Windows: closes 2021-04-15 18:00 Beijing time.
        assert_eq!(kc_core::grants::window::shanghai_text(call.submission.closes_at), "2021-04-15 18:00:00");
    }
}
