//! Expert review: the pool, rounds, conflicts, automatic assignment, random draws, scoring
//! with its history, ranking with bonuses, and who may do what.

use std::sync::Arc;

use chrono::{Duration, Utc};
use kc_api::clock::{Clock, ManualClock};
use kc_db::entities::review_field;
use kc_testkit::{Browser, DEMO_PASSWORD, TestApp, json};
use reqwest::Method;
use serde_json::{Value, json as j};
use uuid::Uuid;

use crate::grants::submitted;

/// The fields of the demo call's `field` select.
async fn seed_fields(app: &TestApp) {
    for (i, code) in
        ["equipment", "materials", "electronics", "energy_chem", "biomed", "agriculture", "health", "services"]
            .iter()
            .enumerate()
    {
        kc_db::review::upsert_field(
            app.db.write(),
            review_field::Model {
                code: (*code).into(),
                name_zh: format!("领域{i}"),
                name_en: (*code).into(),
                parent_code: None,
                sort_order: i as i32,
            },
        )
        .await
        .unwrap();
    }
}

/// Submitted, recommended by `office` and accepted by `staff`.
async fn accepted(applicant: &Browser, office: &Browser, staff: &Browser, title: &str, pi: &str) -> String {
    let id = submitted(applicant, title, pi).await;
    let res = office.post(&format!("/recommender/applications/{id}/recommend"), j!({})).await;
    assert_eq!(res.status(), 200, "{}", json(res).await);
    let res = staff.post(&format!("/admin/applications/{id}/accept"), j!({})).await;
    assert_eq!(res.status(), 200, "{}", json(res).await);
    id
}

async fn new_expert(staff: &Browser, body: Value) -> String {
    let res = staff.post("/admin/experts", body).await;
    assert_eq!(res.status(), 201, "{}", json(res).await);
    json(res).await["id"].as_str().unwrap().to_string()
}

async fn new_round(staff: &Browser, rules: Option<Value>) -> String {
    let deadline = Utc::now() + Duration::days(7);
    let mut body =
        j!({ "call": "zg2021", "category": "medical", "name": "2021年医疗卫生专项 第一轮", "deadline": deadline });
    if let Some(r) = rules {
        body["rules"] = r;
    }
    let res = staff.post("/admin/review-rounds", body).await;
    assert_eq!(res.status(), 201, "{}", json(res).await);
    json(res).await["id"].as_str().unwrap().to_string()
}

/// Two accepted medical applications: the researcher's (四川轻化工大学, recommended by the
/// university) and the company's (川润智能, by the district office).
struct Setup {
    app: TestApp,
    staff: Browser,
    university_app: String,
    company_app: String,
}

async fn setup_with(clock: Option<Arc<ManualClock>>) -> Setup {
    let app = match clock {
        Some(c) => TestApp::spawn_with(|s| s.auth.session_idle_minutes = 60 * 24 * 365, c).await,
        None => TestApp::spawn().await,
    };
    seed_fields(&app).await;
    let staff = app.login("staff", DEMO_PASSWORD).await;
    let researcher = app.login("researcher", DEMO_PASSWORD).await;
    let suse = app.login("suse", DEMO_PASSWORD).await;
    let applicant = app.login("applicant", DEMO_PASSWORD).await;
    let office = app.login("ziliujing", DEMO_PASSWORD).await;
    let university_app = accepted(&researcher, &suse, &staff, "高校项目", "510302198001011234").await;
    let company_app = accepted(&applicant, &office, &staff, "企业项目", "510302198505051234").await;
    Setup { app, staff, university_app, company_app }
}

#[tokio::test]
async fn conflicted_experts_are_never_assigned() {
    let Setup { app, staff, university_app, company_app } = setup_with(None).await;
    let hospital = app.org_id("自贡市第一人民医院").await;
    // The demo expert account works at the university (its organisation by default).
    let colleague = new_expert(&staff, j!({ "name": "陈教授", "username": "expert", "fields": ["health"] })).await;
    let experts = app.admin().await.get_json("/admin/experts?q=陈").await;
    assert_eq!(experts[0]["organisation"], "四川轻化工大学");
    let friend =
        new_expert(&staff, j!({ "name": "合作者专家", "org_id": hospital, "collaborators": ["刘 研究员"] })).await;
    for i in 0..3 {
        new_expert(&staff, j!({ "name": format!("医院专家{i}"), "org_id": hospital, "fields": ["health"] })).await;
    }
    let round = new_round(&staff, None).await;

    // By hand: refused with every reason.
    let res = staff
        .post(
            &format!("/admin/review-rounds/{round}/assignments"),
            j!({ "application_id": university_app, "expert_id": colleague }),
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = json(res).await;
    assert_eq!(body["code"], "conflict_of_interest", "{body}");
    let codes: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["same_organisation"]);
    assert!(body["errors"][0]["message_zh"].as_str().unwrap().contains("同一单位"));
    let res = staff
        .post(
            &format!("/admin/review-rounds/{round}/assignments"),
            j!({ "application_id": company_app, "expert_id": friend }),
        )
        .await;
    assert_eq!(json(res).await["errors"][0]["code"], "collaborator");

    // Automatically: neither the colleague on the university's application nor the
    // collaborator on anything.
    let res = staff.post(&format!("/admin/review-rounds/{round}/auto-assign"), j!({ "seed": 7 })).await;
    assert_eq!(res.status(), 200);
    let plan = json(res).await;
    assert_eq!(plan["seed"], 7);
    assert_eq!(plan["assigned"].as_array().unwrap().len(), 6, "{plan}");
    assert_eq!(plan["unfilled"], j!([]));
    for a in plan["assigned"].as_array().unwrap() {
        assert_ne!(a["expert_id"], j!(friend));
        assert!(!(a["application_id"] == j!(university_app) && a["expert_id"] == j!(colleague)));
        assert_eq!(a["method"], "auto");
    }
    let board = staff.get_json(&format!("/admin/review-rounds/{round}/board")).await;
    for a in board["applications"].as_array().unwrap() {
        assert_eq!(a["missing"], 0);
        assert_eq!(a["assignments"].as_array().unwrap().len(), 3);
    }
    // Nothing is left to assign, and a second assignment of the same expert is a conflict.
    let again = plan["assigned"][0].clone();
    let res = staff
        .post(
            &format!("/admin/review-rounds/{round}/assignments"),
            j!({ "application_id": again["application_id"], "expert_id": again["expert_id"] }),
        )
        .await;
    assert_eq!(res.status(), 409);
    let events =
        app.admin().await.get_json(&format!("/admin/audit-events?entity_type=review_round&entity_id={round}")).await;
    let auto = events["items"].as_array().unwrap().iter().find(|e| e["action"] == "auto_assign").unwrap().clone();
    assert_eq!(auto["after"]["seed"], 7, "{auto}");

    // The colleague was told about the assignment.
    let expert = app.login("expert", DEMO_PASSWORD).await;
    let mine = expert.get_json("/expert/assignments").await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["application_id"], j!(company_app));
    let notes = expert.get_json("/me/notifications").await;
    assert!(notes.to_string().contains("新的评审任务"), "{notes}");
}

async fn assign(staff: &Browser, round: &str, application: &str, expert: &str) -> String {
    let body = j!({ "application_id": application, "expert_id": expert });
    let res = staff.post(&format!("/admin/review-rounds/{round}/assignments"), body).await;
    assert_eq!(res.status(), 201, "{}", json(res).await);
    json(res).await["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn experts_read_only_what_they_review_and_their_scores_keep_a_history() {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let Setup { app, staff, university_app, company_app } = setup_with(Some(clock.clone())).await;
    let hospital = app.org_id("自贡市第一人民医院").await;
    let me = new_expert(&staff, j!({ "name": "陈教授", "username": "expert", "org_id": hospital })).await;
    let other =
        new_expert(&staff, j!({ "name": "另一位专家", "org_id": hospital, "email": "other@example.com" })).await;
    let round = new_round(&staff, None).await;
    let mine = assign(&staff, &round, &company_app, &me).await;
    let theirs = assign(&staff, &round, &university_app, &other).await;
    let spare = assign(&staff, &round, &university_app, &me).await;

    let expert = app.login("expert", DEMO_PASSWORD).await;
    assert_eq!(expert.get(&format!("/applications/{company_app}")).await.status(), 200);
    assert_eq!(expert.get(&format!("/applications/{company_app}/attachments")).await.status(), 200);
    assert_eq!(expert.get(&format!("/expert/assignments/{theirs}")).await.status(), 404);
    // Declaring a conflict hides the application again.
    assert_eq!(expert.post(&format!("/expert/assignments/{spare}/conflict"), j!({ "reason": "" })).await.status(), 422);
    let res = expert.post(&format!("/expert/assignments/{spare}/conflict"), j!({ "reason": "曾共同承担项目" })).await;
    assert_eq!(json(res).await["status"], "conflict");
    assert_eq!(expert.get(&format!("/applications/{university_app}")).await.status(), 404);
    assert_eq!(expert.get(&format!("/applications/{university_app}/attachments")).await.status(), 404);
    assert!(expert.get_json(&format!("/expert/assignments/{spare}")).await["application"].is_null());
    // … and the expert is not drawn for it again (nor is anyone already on it).
    let res = staff
        .post(&format!("/admin/review-rounds/{round}/draw"), j!({ "application_id": university_app, "count": 1 }))
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(json(res).await["code"], "no_candidates");

    let detail = expert.get_json(&format!("/expert/assignments/{mine}")).await;
    assert_eq!(detail["application"]["title"], "企业项目");
    assert_eq!(detail["score_sheet"]["criteria"].as_array().unwrap().len(), 4);

    // Every problem of the scores is named.
    let path = format!("/expert/assignments/{mine}/scores");
    let res =
        expert.put(&path, j!({ "scores": { "innovation": 11, "foundation": 5, "benefit": 5, "extra": 1 } })).await;
    assert_eq!(res.status(), 422);
    let fields: Vec<String> = json(res).await["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect();
    let mut sorted = fields.clone();
    sorted.sort();
    assert_eq!(sorted, ["scores.extra", "scores.feasibility", "scores.innovation"]);
    // A low total needs a comment.
    let low = j!({ "innovation": 5, "feasibility": 5, "foundation": 5, "benefit": 5 });
    let res = expert.put(&path, j!({ "scores": low })).await;
    assert_eq!(json(res).await["errors"][0]["field"], "comment");
    let res = expert.put(&path, j!({ "scores": low, "comment": "创新性不足" })).await;
    assert_eq!(res.status(), 200);
    let scored = json(res).await;
    assert_eq!((scored["total_centipoints"].clone(), scored["status"].clone()), (j!(5000), j!("submitted")));
    let res = expert
        .put(&path, j!({ "scores": { "innovation": 8.5, "feasibility": 7, "foundation": 8, "benefit": 7.25 } }))
        .await;
    let scored = json(res).await;
    // 8.5×30 + 7×25 + 8×20 + 7.25×25 = 771.25 → 77.13 points out of 100
    assert_eq!(scored["total_centipoints"], 7713, "{scored}");
    assert_eq!(scored["scores"]["benefit"], 7.25);
    let history = staff.get_json(&format!("/admin/review-assignments/{mine}/history")).await;
    let totals: Vec<i64> =
        history.as_array().unwrap().iter().map(|h| h["total_centipoints"].as_i64().unwrap()).collect();
    assert_eq!(totals, [5000, 7713]);
    assert_eq!(history[0]["comment"], "创新性不足");
    // A handed-in review cannot be withdrawn.
    assert_eq!(staff.request(Method::DELETE, &format!("/admin/review-assignments/{mine}"), None).await.status(), 409);

    // Reminders reach experts with reviews outstanding.
    let res = staff.post(&format!("/admin/review-rounds/{round}/remind"), j!({})).await;
    assert_eq!(json(res).await["reminded"], 1, "only the other expert has one outstanding");
    let outbox = app.admin().await.get_json("/admin/outbox").await;
    assert!(outbox.to_string().contains("other@example.com"), "{outbox}");

    // After the deadline (server clock) scores are refused.
    clock.advance(Duration::days(8));
    let res =
        expert.put(&path, j!({ "scores": { "innovation": 9, "feasibility": 9, "foundation": 9, "benefit": 9 } })).await;
    assert_eq!(res.status(), 409);
    assert_eq!(json(res).await["code"], "round_closed");
}

#[tokio::test]
async fn a_logged_draw_replays_from_its_candidates_and_seed() {
    let Setup { app, staff, company_app, .. } = setup_with(None).await;
    let hospital = app.org_id("自贡市第一人民医院").await;
    let mut pool = Vec::new();
    for i in 0..6 {
        pool.push(new_expert(&staff, j!({ "name": format!("专家{i}"), "org_id": hospital })).await);
    }
    let unavailable = new_expert(
        &staff,
        j!({ "name": "出差专家", "org_id": hospital, "available": false, "availability_note": "出国" }),
    )
    .await;
    let round = new_round(&staff, None).await;
    let res = staff
        .post(&format!("/admin/review-rounds/{round}/draw"), j!({ "application_id": company_app, "count": 0 }))
        .await;
    assert_eq!(json(res).await["errors"][0]["field"], "count");
    let res = staff
        .post(
            &format!("/admin/review-rounds/{round}/draw"),
            j!({ "application_id": company_app, "count": 3, "seed": 20211123u64 }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let drawn = json(res).await;
    assert_eq!(drawn["chosen"].as_array().unwrap().len(), 3);

    let logged = staff.get_json(&format!("/admin/review-rounds/{round}/draws")).await;
    assert_eq!(logged.as_array().unwrap().len(), 1);
    let ids = |v: &Value| -> Vec<Uuid> {
        v.as_array().unwrap().iter().map(|x| x.as_str().unwrap().parse().unwrap()).collect()
    };
    let candidates = ids(&logged[0]["candidates"]);
    assert!(!candidates.contains(&unavailable.parse().unwrap()));
    assert_eq!(candidates.len(), 6);
    let seed = logged[0]["seed"].as_u64().unwrap();
    assert_eq!(kc_core::grants::review::random_draw(&candidates, 3, seed), ids(&logged[0]["chosen"]));
    let board = staff.get_json(&format!("/admin/review-rounds/{round}/board")).await;
    let row = board["applications"].as_array().unwrap().iter().find(|a| a["id"] == j!(company_app)).unwrap().clone();
    let methods: Vec<&str> =
        row["assignments"].as_array().unwrap().iter().map(|a| a["method"].as_str().unwrap()).collect();
    assert_eq!(methods, ["draw", "draw", "draw"]);
    // Drawn experts are not drawn again for the same application.
    let res = staff
        .post(&format!("/admin/review-rounds/{round}/draw"), j!({ "application_id": company_app, "count": 5 }))
        .await;
    let second = json(res).await;
    assert_eq!(second["candidates"].as_array().unwrap().len(), 3, "{second}");
    let _ = pool;
}

#[tokio::test]
async fn the_ranking_adds_the_highest_bonus_and_applies_the_threshold() {
    let Setup { app, staff, university_app, company_app } = setup_with(None).await;
    // The medical sub-type grants +2 to high-tech enterprises (the company is one).
    let admin = app.admin().await;
    let mut call = admin.get_json("/calls/zg2021").await;
    let medical = call["categories"].as_array_mut().unwrap().iter_mut().find(|c| c["code"] == "medical").unwrap();
    medical["subtypes"][0]["bonuses"] = j!([
        { "qualification": "tech_sme", "centipoints": 100, "label_zh": "科技型中小企业" },
        { "qualification": "high_tech_enterprise", "centipoints": 200, "label_zh": "高新技术企业" }
    ]);
    let res = admin.put("/admin/calls/zg2021", call).await;
    assert_eq!(res.status(), 200, "{}", json(res).await);

    let hospital = app.org_id("自贡市第一人民医院").await;
    let me = new_expert(&staff, j!({ "name": "陈教授", "username": "expert", "org_id": hospital })).await;
    let mut rules = admin.get_json("/calls/zg2021").await["review"].clone();
    rules["experts_per_application"] = j!(1);
    let round = new_round(&staff, Some(rules)).await;
    let expert = app.login("expert", DEMO_PASSWORD).await;
    for application in [&university_app, &company_app] {
        let res = staff
            .post(
                &format!("/admin/review-rounds/{round}/assignments"),
                j!({ "application_id": application, "expert_id": me }),
            )
            .await;
        let id = json(res).await["id"].as_str().unwrap().to_string();
        let all = 6.8;
        let res = expert
            .put(
                &format!("/expert/assignments/{id}/scores"),
                j!({ "scores": { "innovation": all, "feasibility": all, "foundation": all, "benefit": all } }),
            )
            .await;
        assert_eq!(json(res).await["total_centipoints"], 6800);
    }
    let ranking = staff.get_json(&format!("/admin/review-rounds/{round}/ranking")).await;
    assert_eq!(ranking[0]["application_id"], j!(company_app), "{ranking}");
    assert_eq!(ranking[0]["bonus"], 200);
    assert_eq!(ranking[0]["bonus_label"], "高新技术企业");
    assert_eq!((ranking[0]["final_score"].clone(), ranking[0]["fundable"].clone()), (j!(7000), j!(true)));
    assert_eq!(ranking[0]["rank"], 1);
    assert_eq!(ranking[0]["subtype_name"], "医疗卫生项目", "clerks read the sub-type's name, not its code");
    assert_eq!(ranking[1]["application_id"], j!(university_app));
    assert_eq!((ranking[1]["final_score"].clone(), ranking[1]["fundable"].clone()), (j!(6800), j!(false)));
    assert_eq!(ranking[1]["rank"], 2);
    assert_eq!(ranking[1]["site_visit_required"], false);

    let res = staff.get(&format!("/admin/review-rounds/{round}/ranking/export")).await;
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap();
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows[0][0], "排名");
    assert_eq!((rows[1][1].as_str(), rows[1][9].as_str(), rows[1][10].as_str()), ("企业项目", "70.00", "是"));

    // Closed: no more scores.
    let res = staff.post(&format!("/admin/review-rounds/{round}/close"), j!({})).await;
    assert_eq!(json(res).await["status"], "closed");
    let mine = expert.get_json("/expert/assignments").await;
    let id = mine[0]["id"].as_str().unwrap();
    let res = expert.put(&format!("/expert/assignments/{id}/scores"), j!({ "scores": {} })).await;
    assert_eq!(res.status(), 409);
}

#[tokio::test]
async fn only_the_bureau_manages_review_and_experts_keep_their_profile() {
    let app = TestApp::spawn().await;
    seed_fields(&app).await;
    let staff = app.login("staff", DEMO_PASSWORD).await;
    let expert = app.login("expert", DEMO_PASSWORD).await;
    // Not in the pool yet.
    let res = expert.get("/me/expert-profile").await;
    assert_eq!(res.status(), 404);
    assert_eq!(json(res).await["code"], "not_in_pool");
    assert_eq!(expert.get_json("/expert/assignments").await, j!([]));

    let id = new_expert(&staff, j!({ "name": "陈教授", "username": "expert", "title": "教授" })).await;
    let res = staff.post("/admin/experts", j!({ "name": "重复", "username": "expert" })).await;
    assert_eq!(json(res).await["errors"][0]["code"], "taken");
    let res = staff.post("/admin/experts", j!({ "name": "", "username": "applicant", "fields": ["astrology"] })).await;
    let fields: Vec<String> = json(res).await["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["name", "username", "fields.0"]);

    let res = expert
        .put(
            "/me/expert-profile",
            j!({ "title": "教授", "fields": ["health", "biomed"], "collaborators": ["王五"], "available": false }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let profile = json(res).await;
    assert_eq!(profile["fields"], j!(["health", "biomed"]));
    assert_eq!(profile["name"], "陈教授");
    let listed = staff.get_json("/admin/experts?field=biomed").await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], j!(id));
    assert_eq!(staff.get_json("/admin/experts?field=equipment").await, j!([]));
    assert_eq!(expert.get_json("/review-fields").await.as_array().unwrap().len(), 8);

    // A round needs review rules and a real category.
    let deadline = Utc::now() + Duration::days(3);
    let res = staff
        .post("/admin/review-rounds", j!({ "call": "zg2021", "category": "nope", "name": "", "deadline": deadline }))
        .await;
    assert_eq!(res.status(), 422);
    let round = new_round(&staff, None).await;

    for login in ["applicant", "ziliujing", "expert"] {
        let b = app.login(login, DEMO_PASSWORD).await;
        assert_eq!(b.get("/admin/review-rounds").await.status(), 403, "{login}");
        assert_eq!(b.get("/admin/experts").await.status(), 403, "{login}");
        assert_eq!(b.post("/admin/experts", j!({ "name": "x" })).await.status(), 403, "{login}");
        assert_eq!(b.get(&format!("/admin/review-rounds/{round}/ranking")).await.status(), 403, "{login}");
        assert_eq!(b.post(&format!("/admin/review-rounds/{round}/auto-assign"), j!({})).await.status(), 403, "{login}");
        assert_eq!(b.post(&format!("/admin/review-rounds/{round}/close"), j!({})).await.status(), 403, "{login}");
    }
    for login in ["applicant", "ziliujing", "staff"] {
        let b = app.login(login, DEMO_PASSWORD).await;
        assert_eq!(b.get("/expert/assignments").await.status(), 403, "{login}");
        assert_eq!(b.get("/me/expert-profile").await.status(), 403, "{login}");
    }
    assert_eq!(app.browser().get("/review-fields").await.status(), 401);
    assert_eq!(staff.get(&format!("/admin/review-rounds/{}", Uuid::now_v7())).await.status(), 404);
}

#[tokio::test]
async fn experts_are_imported_from_excel_all_or_nothing() {
    let app = TestApp::spawn().await;
    seed_fields(&app).await;
    let staff = app.login("staff", DEMO_PASSWORD).await;
    let template = staff.get("/admin/experts/template").await;
    assert_eq!(template.status(), 200);
    let upload = |rows: Vec<[&str; 9]>| {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        let header = ["姓名", "登录账号", "信用代码", "职称", "领域", "合作者", "手机", "邮箱", "可参评"];
        for (r, row) in std::iter::once(header).chain(rows).enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
        wb.save_to_buffer().unwrap()
    };
    let send = |bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new()
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name("experts.xlsx"));
        staff
            .client
            .post(app.url("/admin/experts/import"))
            .header("x-csrf-token", staff.csrf.clone().unwrap_or_default())
            .multipart(form)
            .send()
    };
    let bad = upload(vec![
        ["陈教授", "expert", "", "教授", "health，biomed", "李四、王五", "", "", "是"],
        ["赵专家", "", "", "研究员", "astrology", "", "", "", "也许"],
    ]);
    let res = send(bad).await.unwrap();
    assert_eq!(res.status(), 422);
    let fields: Vec<String> = json(res).await["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["row 3: available", "row 3: fields.0"]);
    assert_eq!(staff.get_json("/admin/experts").await, j!([]), "nothing imported");

    let good = upload(vec![
        ["陈教授", "expert", "", "教授", "health，biomed", "李四、王五", "", "", "是"],
        ["赵专家", "", "", "研究员", "materials", "", "", "", "否"],
    ]);
    let res = send(good).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(json(res).await["created"], 2);
    let pool = staff.get_json("/admin/experts?q=陈").await;
    assert_eq!(pool[0]["fields"], j!(["health", "biomed"]));
    assert_eq!(pool[0]["collaborators"], j!(["李四", "王五"]));
    assert_eq!(pool[0]["username"], "expert");
    assert_eq!(pool[0]["organisation"], "四川轻化工大学");
    let other = staff.get_json("/admin/experts?q=赵").await;
    assert_eq!(other[0]["available"], false);
    assert_eq!(app.login("applicant", DEMO_PASSWORD).await.get("/admin/experts/template").await.status(), 403);
}

#[tokio::test]
async fn experts_are_reminded_before_the_deadline_at_most_daily() {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let Setup { app, staff, company_app, .. } = setup_with(Some(clock.clone())).await;
    let hospital = app.org_id("自贡市第一人民医院").await;
    let me = new_expert(&staff, j!({ "name": "陈教授", "username": "expert", "org_id": hospital })).await;
    // Deadline three days on: outside the 48-hour lead, nobody is reminded yet.
    let deadline = clock.now() + Duration::hours(72);
    let res = staff
        .post(
            "/admin/review-rounds",
            j!({ "call": "zg2021", "category": "medical", "name": "提醒测试", "deadline": deadline }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let round = json(res).await["id"].as_str().unwrap().to_string();
    assign(&staff, &round, &company_app, &me).await;
    let lead = chrono::Duration::hours(48);
    let remind = || kc_api::grants::rounds::remind_before_deadlines(&app.state, lead);
    assert_eq!(remind().await.unwrap(), 0);

    clock.advance(Duration::hours(25));
    assert_eq!(remind().await.unwrap(), 1, "within 48 hours of the deadline");
    assert_eq!(remind().await.unwrap(), 0, "not twice in a day");
    let expert = app.login("expert", DEMO_PASSWORD).await;
    let reminders = |n: Value| n["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "review.reminder").count();
    assert_eq!(reminders(expert.get_json("/me/notifications").await), 1);

    clock.advance(Duration::hours(25));
    assert_eq!(remind().await.unwrap(), 1, "again the next day");
    // Handed in: no more reminders.
    let detail = expert.get_json("/expert/assignments").await;
    let id = detail[0]["id"].as_str().unwrap().to_string();
    let sheet = expert.get_json(&format!("/expert/assignments/{id}")).await["score_sheet"].clone();
    let scores: serde_json::Map<String, Value> = sheet["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["code"].as_str().unwrap().to_string(), j!(8)))
        .collect();
    let res = expert.put(&format!("/expert/assignments/{id}/scores"), j!({ "scores": scores, "comment": "好" })).await;
    assert_eq!(res.status(), 200, "{}", json(res).await);
    clock.advance(Duration::hours(20));
    assert_eq!(remind().await.unwrap(), 0);
    assert_eq!(reminders(expert.get_json("/me/notifications").await), 2);
}
