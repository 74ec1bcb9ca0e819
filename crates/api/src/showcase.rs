//! Demo data for the later stages, loaded by `kechuang serve --demo` (not by the test
//! harness, whose tests build their own): a call closed two months ago whose industrial
//! applications are under expert review (experts, assignments, scores — some still open
//! for the demo expert), and one funded project under contract whose completion report
//! waits for its recommending unit. Every screen of review, decision and post-award has
//! something real to show.

use chrono::{DateTime, Duration, Utc};
use kc_core::grants::call::Call;
use kc_core::grants::project::due_on;
use kc_core::grants::window::shanghai_date;
use kc_db::entities::{
    application, disbursement, expert, funding_decision, project, project_report, public_notice, review_assignment,
    review_field, review_round, review_score_version, user,
};
use kc_db::{Db, DbError, DbResult};
use serde_json::json;
use uuid::Uuid;

use crate::demo::{DEMO_PASSWORD, zigong_2021_call};

pub const SHOWCASE_CALL: &str = "zg2026";

/// The technology-field taxonomy of the Zigong call (the codes of its `field` select).
const FIELDS: &[(&str, &str, &str)] = &[
    ("equipment", "高端装备", "High-end equipment"),
    ("materials", "先进材料", "Advanced materials"),
    ("electronics", "电子信息", "Electronics and IT"),
    ("energy_chem", "新能源化工", "New energy and chemicals"),
    ("biomed", "生物医药", "Biomedicine"),
    ("agriculture", "现代农业", "Modern agriculture"),
    ("health", "医疗卫生", "Health"),
    ("services", "科技服务", "S&T services"),
];

/// An expert of the pool: (login or none, name, organisation, title, fields).
type ExpertSeed = (Option<&'static str>, &'static str, &'static str, &'static str, &'static [&'static str]);
const EXPERTS: &[ExpertSeed] = &[
    (Some("expert"), "陈教授", "四川轻化工大学", "教授", &["equipment", "materials", "energy_chem"]),
    (None, "王高级工程师", "自贡职业技术学院", "正高级工程师", &["electronics", "equipment"]),
    (None, "李主任医师", "自贡市第一人民医院", "主任医师", &["health", "biomed"]),
    (None, "张研究员", "自贡市第三人民医院", "研究员", &["materials", "energy_chem", "biomed"]),
    (None, "赵教授", "四川轻化工大学", "教授", &["energy_chem", "agriculture", "equipment"]),
    (None, "周高级工程师", "自贡职业技术学院", "高级工程师", &["services", "electronics", "equipment"]),
];

/// Industrial applications under review: (enterprise, project, field, requested 万元, PI).
const UNDER_REVIEW: &[(&str, &str, &str, i64, &str)] = &[
    ("自贡东方锅炉节能科技有限公司", "高效低氮燃气锅炉燃烧系统研发", "equipment", 30, "黄志强"),
    ("自贡华西能源装备有限公司", "生物质循环流化床锅炉关键技术", "energy_chem", 80, "罗建华"),
    ("自贡晨光新材料有限公司", "高纯电子级有机硅单体制备工艺", "materials", 35, "何晓燕"),
    ("自贡鸿鹤化工科技有限公司", "氯碱副产氢气综合利用示范", "energy_chem", 25, "邓国平"),
    ("自贡运机智能输送装备有限公司", "长距离管状带式输送机智能巡检系统", "equipment", 20, "唐伟"),
    ("自贡硬质合金精密工具有限公司", "超细晶粒硬质合金微钻研制", "materials", 38, "曾丽"),
];

/// Per application, each reviewing expert (index into EXPERTS) and their four criterion
/// scores in points (innovation, feasibility, foundation, benefit), `None` when not yet
/// handed in.
type Review = (usize, Option<[f64; 4]>);
const REVIEWS: &[&[Review]] = &[
    &[(1, Some([8.5, 8.0, 8.0, 8.5])), (4, Some([8.0, 8.5, 7.5, 8.0])), (0, None)],
    &[(0, Some([9.0, 8.5, 8.5, 9.0])), (4, Some([8.5, 8.0, 9.0, 8.5])), (3, Some([9.0, 9.0, 8.0, 8.5]))],
    &[(3, Some([7.0, 6.5, 7.0, 6.5])), (4, Some([6.5, 7.0, 6.0, 6.5])), (1, Some([7.0, 6.0, 6.5, 7.0]))],
    &[(4, Some([7.5, 7.5, 7.0, 8.0])), (5, Some([7.0, 8.0, 7.5, 7.5])), (1, Some([8.0, 7.5, 7.0, 7.5]))],
    &[(1, Some([8.0, 7.5, 8.0, 7.0])), (5, Some([7.5, 8.0, 7.5, 7.5])), (0, None)],
    &[(3, Some([8.5, 8.0, 7.5, 8.0])), (0, Some([8.0, 8.0, 8.0, 7.5])), (5, Some([8.0, 7.5, 8.5, 8.0]))],
];

/// The showcase call: the Zigong document under another code, closed two months ago.
fn showcase_call(now: DateTime<Utc>) -> Option<Call> {
    let mut call = zigong_2021_call().ok()?;
    call.code = SHOWCASE_CALL.into();
    call.year = 2026;
    call.title = "2026年度自贡市重点科技计划项目（专家评审中）".into();
    let shift = (now - Duration::days(60)) - call.submission.closes_at;
    call.submission.opens_at += shift;
    call.submission.closes_at += shift;
    call.recommender_deadline += shift;
    call.paper_copy_deadline = call.paper_copy_deadline.map(|d| d + shift);
    Some(call)
}

fn form_data(project: &str, field: &str, requested_wan: i64, pi: &str, n: usize) -> serde_json::Value {
    json!({
        "project_name": project,
        "field": field,
        "summary": format!("{project}：针对企业生产中的关键技术瓶颈开展攻关，形成可推广的成套技术。"),
        "targets": "申请发明专利2项，形成新产品1项，新增销售收入1000万元以上。",
        "start_date": "2026-07-01",
        "end_date": "2028-06-30",
        "requested_fen": requested_wan * 1_000_000,
        "self_funding_fen": requested_wan * 3 * 1_000_000,
        "pi": { "name": pi, "id_number": format!("51030219780{}0112{:02}", n % 10, 10 + n), "title_rank": "senior", "degree": "master" },
        "members": [{ "name": format!("{pi}团队成员"), "title": "工程师", "role": "技术实施" }],
        "proposal": []
    })
}

/// Loads the showcase once (skipped when its call exists). Requires `demo::load` first.
pub async fn load(db: &Db) -> DbResult<bool> {
    let conn = db.write();
    if kc_db::grants::call_by_code(conn, SHOWCASE_CALL).await?.is_some() {
        return Ok(false);
    }
    let now = Utc::now();
    let Some(call) = showcase_call(now) else { return Ok(false) };
    for (i, (code, zh, en)) in FIELDS.iter().enumerate() {
        kc_db::review::upsert_field(
            conn,
            review_field::Model {
                code: (*code).into(),
                name_zh: (*zh).into(),
                name_en: (*en).into(),
                parent_code: None,
                sort_order: i as i32,
            },
        )
        .await?;
    }
    let saved = crate::grants::save_call(db, &call, now).await.map_err(|e| match e {
        crate::grants::CallFileError::Db(d) => d,
        other => DbError::Corrupt(other.to_string()),
    })?;
    let Some(rules) = call.review.clone() else { return Ok(false) };
    let org = |name: &'static str| async move { kc_db::identity::organisation_by_name(conn, name).await };
    let bureau_user = kc_db::identity::user_by_login(conn, "staff").await?.map(|u| u.id).unwrap_or_default();

    // The expert pool.
    let mut expert_ids = Vec::new();
    for (login, name, org_name, title, fields) in EXPERTS {
        let user_id = match login {
            Some(l) => kc_db::identity::user_by_login(conn, l).await?.map(|u| u.id),
            None => None,
        };
        let id = Uuid::now_v7();
        kc_db::insert_model(
            conn,
            expert::Model {
                id,
                user_id,
                name: (*name).into(),
                org_id: org(org_name).await?.map(|o| o.id),
                title: (*title).into(),
                fields: serde_json::to_string(fields).unwrap_or_default(),
                collaborators: "[]".into(),
                declared_org_ids: "[]".into(),
                available: true,
                availability_note: None,
                phone: None,
                email: None,
                created_at: now,
                updated_at: now,
            },
        )
        .await?;
        expert_ids.push(id);
    }

    // Accepted industrial applications and the round reviewing them.
    let round_id = Uuid::now_v7();
    kc_db::insert_model(
        conn,
        review_round::Model {
            id: round_id,
            call_id: saved.id,
            category: "industrial".into(),
            name: "工业技术创新 第一轮专家评审".into(),
            rules: serde_json::to_string(&rules).unwrap_or_default(),
            deadline: now + Duration::days(10),
            status: "open".into(),
            created_by: bureau_user,
            created_at: now - Duration::days(20),
        },
    )
    .await?;
    let criteria: Vec<String> = rules.score_sheet.criteria.iter().map(|c| c.code.clone()).collect();
    for (n, ((org_name, title, field, wan, pi), reviews)) in UNDER_REVIEW.iter().zip(REVIEWS).enumerate() {
        let Some(o) = org(org_name).await? else { continue };
        let Some(recommender_id) = o.recommender_id else { continue };
        let applicant_id = showcase_applicant(conn, &o, n, now).await?;
        let app_id = Uuid::now_v7();
        let data = form_data(title, field, *wan, pi, n);
        kc_db::insert_model(
            conn,
            application::Model {
                id: app_id,
                call_id: saved.id,
                category: "industrial".into(),
                subtype: if *wan > 40 { "major".into() } else { "key".into() },
                applicant_id,
                org_id: o.id,
                recommender_id,
                title: (*title).into(),
                data: data.to_string(),
                status: "accepted".into(),
                version: 3,
                submitted_at: Some(now - Duration::days(70)),
                created_at: now - Duration::days(80),
                updated_at: now - Duration::days(30),
                paper_copies_at: Some(now - Duration::days(62)),
                pi_key: data["pi"]["id_number"].as_str().map(String::from),
            },
        )
        .await?;
        for (expert, scores) in reviews.iter() {
            let assignment_id = Uuid::now_v7();
            let (scores_json, total) = match scores {
                Some(points) => {
                    let by: std::collections::BTreeMap<String, i32> =
                        criteria.iter().zip(points).map(|(c, p)| (c.clone(), (p * 100.0).round() as i32)).collect();
                    let total = rules.score_sheet.total(&by).ok();
                    (Some(serde_json::to_string(&by).unwrap_or_default()), total)
                }
                None => (None, None),
            };
            let submitted = total.is_some();
            kc_db::insert_model(
                conn,
                review_assignment::Model {
                    id: assignment_id,
                    round_id,
                    application_id: app_id,
                    expert_id: expert_ids[*expert],
                    method: "auto".into(),
                    status: if submitted { "submitted".into() } else { "assigned".into() },
                    scores: scores_json.clone(),
                    total,
                    comment: submitted.then(|| "技术路线清晰，建议加强产学研合作。".to_string()),
                    conflict_reason: None,
                    submitted_at: submitted.then(|| now - Duration::days(3)),
                    reminded_at: None,
                    created_at: now - Duration::days(20),
                    updated_at: now - Duration::days(3),
                },
            )
            .await?;
            if let (Some(scores), Some(total)) = (scores_json, total) {
                kc_db::insert_model(
                    conn,
                    review_score_version::Model {
                        id: Uuid::now_v7(),
                        assignment_id,
                        scores,
                        total,
                        comment: Some("技术路线清晰，建议加强产学研合作。".into()),
                        recorded_by: bureau_user,
                        recorded_at: now - Duration::days(3),
                    },
                )
                .await?;
            }
        }
    }

    // A funded project under contract: the demo applicant's, awarded a month ago.
    load_project(conn, &call, saved.id, bureau_user, now).await?;
    Ok(true)
}

/// The enterprise's applicant account (the demo `applicant` for its own company, a
/// showcase account otherwise).
async fn showcase_applicant(
    conn: &impl kc_db::ConnectionTrait,
    org: &kc_db::entities::organisation::Model,
    n: usize,
    now: DateTime<Utc>,
) -> DbResult<Uuid> {
    if let Some(existing) = kc_db::identity::users_of_organisation(conn, org.id).await?.into_iter().next() {
        return Ok(existing.id);
    }
    let Some(hash) = crate::auth::hash_password_blocking(DEMO_PASSWORD) else { return Ok(Uuid::nil()) };
    let id = Uuid::now_v7();
    kc_db::identity::save_user(
        conn,
        user::Model {
            id,
            username: format!("unit{:02}", n + 1),
            email: None,
            phone: None,
            display_name: format!("{} 项目申报专员", org.name),
            password_hash: hash,
            role: "unit_applicant".into(),
            status: "active".into(),
            org_id: Some(org.id),
            recommender_id: org.recommender_id,
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
    .await?;
    Ok(id)
}

async fn load_project(
    conn: &impl kc_db::ConnectionTrait,
    call: &Call,
    call_id: Uuid,
    bureau_user: Uuid,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let Some(applicant) = kc_db::identity::user_by_login(conn, "applicant").await? else { return Ok(()) };
    let (Some(org_id), Some(recommender_id)) = (applicant.org_id, applicant.recommender_id) else { return Ok(()) };
    let Some((category, subtype)) = call.subtype("transfer", "key") else { return Ok(()) };
    let org_name = kc_db::identity::organisation(conn, org_id).await?.map(|o| o.name).unwrap_or_default();
    let app_id = Uuid::now_v7();
    let title = "智能流体控制阀成果转化及产业化";
    let data = json!({
        "project_name": title, "field": "equipment",
        "summary": "将高校智能阀门控制技术在企业实现产业化，建成年产5000台生产线。",
        "targets": "建成生产线1条，新增产值3000万元，申请发明专利2项。",
        "start_date": "2026-10-01", "end_date": "2028-09-30",
        "requested_fen": 30_000_000, "self_funding_fen": 90_000_000,
        "pi": { "name": "孙海峰", "id_number": "510302198203150318", "title_rank": "senior", "degree": "master" },
        "members": [{ "name": "吴静", "title": "工程师", "role": "工艺开发" }],
        "proposal": []
    });
    let awarded_at = now - Duration::days(40);
    kc_db::insert_model(
        conn,
        application::Model {
            id: app_id,
            call_id,
            category: category.code.clone(),
            subtype: subtype.code.clone(),
            applicant_id: applicant.id,
            org_id,
            recommender_id,
            title: title.into(),
            data: data.to_string(),
            status: "awarded".into(),
            version: 4,
            submitted_at: Some(now - Duration::days(75)),
            created_at: now - Duration::days(85),
            updated_at: awarded_at,
            paper_copies_at: Some(now - Duration::days(63)),
            pi_key: Some("510302198203150318".into()),
        },
    )
    .await?;
    let notice_id = Uuid::now_v7();
    kc_db::insert_model(
        conn,
        public_notice::Model {
            id: notice_id,
            call_id,
            title: "2026年度自贡市重点科技计划科技成果转化项目拟立项公示".into(),
            body:
                "以下项目经专家评审、局务会审定，拟予立项支持，现予公示。公示期内如有异议，请向市科技局资源配置科反映。"
                    .into(),
            published_at: now - Duration::days(50),
            objections_until: now - Duration::days(43),
            status: "closed".into(),
            created_by: bureau_user,
        },
    )
    .await?;
    kc_db::insert_model(
        conn,
        funding_decision::Model {
            application_id: app_id,
            call_id,
            category: category.code.clone(),
            subtype: subtype.code.clone(),
            proposed_fen: 30_000_000,
            status: "awarded".into(),
            notice_id: Some(notice_id),
            decided_by: bureau_user,
            updated_at: awarded_at,
        },
    )
    .await?;
    let awarded_on = shanghai_date(awarded_at);
    let due = due_on(awarded_on, subtype.period_months);
    let project_id = Uuid::now_v7();
    let contract_no = crate::grants::awards::contract_no(&call.code, &category.code, project_id);
    kc_db::insert_model(
        conn,
        project::Model {
            id: project_id,
            application_id: app_id,
            call_id,
            org_id,
            recommender_id,
            applicant_id: applicant.id,
            pi_key: "510302198203150318".into(),
            pi_name: "孙海峰".into(),
            title: title.into(),
            contract_no: contract_no.clone(),
            awarded_fen: 30_000_000,
            status: "contracted".into(),
            contract_status: "signed".into(),
            contract_data: json!({
                "contract_no": contract_no, "project_name": title, "organisation": org_name, "pi_name": "孙海峰",
                "start_date": awarded_on, "end_date": due, "amount_fen": 30_000_000,
                "targets": data["targets"], "summary": data["summary"],
            })
            .to_string(),
            awarded_on,
            due_on: due,
            closed_at: None,
            created_at: awarded_at,
            updated_at: now - Duration::days(10),
        },
    )
    .await?;
    kc_db::insert_model(
        conn,
        disbursement::Model {
            id: Uuid::now_v7(),
            project_id,
            amount_fen: 15_000_000,
            paid_on: awarded_on,
            note: Some("首笔拨付（50%）".into()),
            recorded_by: bureau_user,
            created_at: awarded_at,
        },
    )
    .await?;
    kc_db::insert_model(
        conn,
        project_report::Model {
            id: Uuid::now_v7(),
            project_id,
            kind: "completion".into(),
            data: json!({
                "results": "已建成智能流体控制阀生产线1条，完成全部考核指标。",
                "spent_fen": 28_000_000,
                "outputs": "申请发明专利2项（已受理），新产品1项。"
            })
            .to_string(),
            status: "submitted".into(),
            comment: None,
            version: 2,
            submitted_at: Some(now - Duration::days(2)),
            reviewed_at: None,
            reviewed_by: None,
            created_at: now - Duration::days(5),
            updated_at: now - Duration::days(2),
        },
    )
    .await?;
    Ok(())
}
