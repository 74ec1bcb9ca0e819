//! Funding decisions within the caps, on-site evaluation, public notice with objections,
//! award, and the funded project's life: contract, disbursements, reports, closing; the
//! overdue rule; who may see and do what.

use std::sync::Arc;

use chrono::{Duration, NaiveDate, Utc};
use kc_api::clock::{Clock, ManualClock};
use kc_db::entities::{funding_decision, project};
use kc_testkit::{Browser, DEMO_PASSWORD, TestApp, json};
use reqwest::Method;
use serde_json::{Value, json as j};
use uuid::Uuid;

use crate::grants::{PI_45, health_form, save, start, submit, submitted};

const PI_COMPANY: &str = "510302198505051234";

/// Submitted, recommended by `office` and accepted by `staff`.
async fn accepted(applicant: &Browser, office: &Browser, staff: &Browser, title: &str, pi: &str) -> String {
    let id = submitted(applicant, title, pi).await;
    let res = office.post(&format!("/recommender/applications/{id}/recommend"), j!({})).await;
    assert_eq!(res.status(), 200, "{}", json(res).await);
    let res = staff.post(&format!("/admin/applications/{id}/accept"), j!({})).await;
    assert_eq!(res.status(), 200, "{}", json(res).await);
    id
}

fn codes(problem: &Value) -> Vec<String> {
    problem["errors"].as_array().map_or(vec![], |e| e.iter().map(|x| x["code"].as_str().unwrap().to_string()).collect())
}

fn shanghai_today(clock: &ManualClock) -> NaiveDate {
    (clock.now() + Duration::hours(8)).date_naive()
}

async fn spawn(clock: Arc<ManualClock>) -> TestApp {
    TestApp::spawn_with(|s| s.auth.session_idle_minutes = 60 * 24 * 365, clock).await
}

/// A review round of the medical category scored by the demo expert: `application` gets
/// 9 of 10 on every criterion (fundable). The round's on-site threshold is 5000 yuan.
async fn reviewed(app: &TestApp, staff: &Browser, application: &str) {
    let call = staff.get_json("/calls/zg2021").await;
    let mut rules = call["review"].clone();
    rules["experts_per_application"] = j!(1);
    rules["site_visit_threshold_fen"] = j!(500_000);
    let deadline = Utc::now() + Duration::days(3);
    let res = staff
        .post(
            "/admin/review-rounds",
            j!({ "call": "zg2021", "category": "medical", "name": "医疗卫生 评审", "deadline": deadline, "rules": rules }),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", json(res).await);
    let round = json(res).await["id"].as_str().unwrap().to_string();
    let res = staff.post("/admin/experts", j!({ "name": "陈教授", "username": "expert" })).await;
    assert_eq!(res.status(), 201, "{}", json(res).await);
    let expert_id = json(res).await["id"].as_str().unwrap().to_string();
    let res = staff
        .post(
            &format!("/admin/review-rounds/{round}/assignments"),
            j!({ "application_id": application, "expert_id": expert_id }),
        )
        .await;
    assert!(res.status().is_success(), "{}", json(res).await);
    let expert = app.login("expert", DEMO_PASSWORD).await;
    let mine = expert.get_json("/expert/assignments").await;
    let assignment = mine.as_array().unwrap().iter().find(|a| a["application_id"] == application).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let scores = j!({ "innovation": 9, "feasibility": 9, "foundation": 9, "benefit": 9 });
    let res = expert
        .put(&format!("/expert/assignments/{assignment}/scores"), j!({ "scores": scores, "comment": "方案可行" }))
        .await;
    assert_eq!(res.status(), 200, "{}", json(res).await);
}

#[tokio::test]
async fn funding_beyond_the_caps_is_refused() {
    let app = TestApp::spawn().await;
    let staff = app.login("staff", DEMO_PASSWORD).await;
    let researcher = app.login("researcher", DEMO_PASSWORD).await;
    let suse = app.login("suse", DEMO_PASSWORD).await;
    let applicant = app.login("applicant", DEMO_PASSWORD).await;
    let office = app.login("ziliujing", DEMO_PASSWORD).await;
    let university_app = accepted(&researcher, &suse, &staff, "高校项目", PI_45).await;
    let company_app = accepted(&applicant, &office, &staff, "企业项目", PI_COMPANY).await;
    let path = format!("/admin/applications/{company_app}/funding");

    // Only the bureau decides.
    assert_eq!(applicant.put(&path, j!({ "proposed_fen": 1 })).await.status(), 403);
    assert_eq!(office.put(&path, j!({ "proposed_fen": 1 })).await.status(), 403);

    // Money: 医疗卫生 一般项目 at most 1万元 each; every reason at once, on proposed_fen.
    let res = staff.put(&path, j!({ "proposed_fen": 1_000_001 })).await;
    assert_eq!(res.status(), 422);
    let problem = json(res).await;
    assert_eq!(problem["code"], "award_refused");
    assert_eq!(codes(&problem), ["money_cap", "not_reviewed"], "{problem}");
    assert!(problem["errors"].as_array().unwrap().iter().all(|e| e["field"] == "proposed_fen"));
    assert!(problem["errors"][0]["message_zh"].as_str().unwrap().contains("1 万元"));
    let res = staff.put(&path, j!({ "proposed_fen": 0 })).await;
    assert_eq!(codes(&json(res).await), ["not_positive", "not_reviewed"]);

    // Count: the sub-type funds at most one project, and another is already proposed.
    let admin = app.admin().await;
    let mut call = staff.get_json("/calls/zg2021").await;
    let medical = call["categories"].as_array_mut().unwrap().iter_mut().find(|c| c["code"] == "medical").unwrap();
    medical["subtypes"][0]["max_funded"] = j!(1);
    let res = admin.put("/admin/calls/zg2021", call).await;
    assert_eq!(res.status(), 200, "{}", json(res).await);
    let other: Uuid = university_app.parse().unwrap();
    let call_id = kc_db::grants::call_id_by_code(app.db.read(), "zg2021").await.unwrap().unwrap();
    kc_db::projects::save_funding_decision(
        app.db.write(),
        funding_decision::Model {
            application_id: other,
            call_id,
            category: "medical".into(),
            subtype: "general".into(),
            proposed_fen: 1_000_000,
            status: "proposed".into(),
            notice_id: None,
            decided_by: other,
            updated_at: Utc::now(),
        },
    )
    .await
    .unwrap();
    let res = staff.put(&path, j!({ "proposed_fen": 800_000 })).await;
    let problem = json(res).await;
    assert_eq!(codes(&problem), ["count_cap", "not_reviewed"], "{problem}");
    assert!(problem["errors"][0]["message_zh"].as_str().unwrap().contains("不超过 1 项"));

    // Reviewed and fundable, the count cap still refuses; withdrawing the other frees it.
    reviewed(&app, &staff, &company_app).await;
    let res = staff.put(&path, j!({ "proposed_fen": 800_000 })).await;
    assert_eq!(codes(&json(res).await), ["count_cap", "site_visit_missing"]);
    let res = staff.request(Method::DELETE, &format!("/admin/applications/{university_app}/funding"), None).await;
    assert_eq!(res.status(), 204);
    // The requested 1万元 reaches the round's on-site threshold even for a smaller award.
    let res = staff.put(&path, j!({ "proposed_fen": 400_000 })).await;
    assert_eq!(codes(&json(res).await), ["site_visit_missing"]);
    let today = (Utc::now() + Duration::hours(8)).date_naive();
    let visit = j!({ "visited_on": today, "findings": "符合条件" });
    let res = staff.put(&format!("/admin/applications/{company_app}/site-visit"), visit).await;
    assert_eq!(res.status(), 200, "{}", json(res).await);
    let res = staff.put(&path, j!({ "proposed_fen": 400_000 })).await;
    assert_eq!(res.status(), 200, "{}", json(res).await);
    let funding = staff.get_json("/admin/calls/zg2021/funding").await;
    assert_eq!(funding.as_array().unwrap().len(), 1);
    assert_eq!(funding[0]["proposed_fen"], 400_000);
    assert_eq!(funding[0]["pi_name"], "刘研究员");
    // Re-proposing is fine while not on a notice; the cap does not count itself.
    let res = staff.put(&path, j!({ "proposed_fen": 450_000 })).await;
    assert_eq!(res.status(), 200, "{}", json(res).await);
}

#[tokio::test]
async fn an_overdue_pi_cannot_apply_again() {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let app = spawn(clock.clone()).await;
    let researcher = app.login("researcher", DEMO_PASSWORD).await;
    let staff = app.login("staff", DEMO_PASSWORD).await;
    let me = researcher.get_json("/me").await;
    let researcher_id: Uuid = me["id"].as_str().unwrap().parse().unwrap();
    let org_id = app.org_id("四川轻化工大学").await;
    let call_id = kc_db::grants::call_id_by_code(app.db.read(), "zg2021").await.unwrap().unwrap();
    // An earlier project of the same PI, due tomorrow (Beijing date).
    let due = shanghai_today(&clock) + Duration::days(1);
    let now = clock.now();
    kc_db::projects::insert_project(
        app.db.write(),
        project::Model {
            id: Uuid::now_v7(),
            application_id: Uuid::now_v7(),
            call_id,
            org_id,
            recommender_id: org_id,
            applicant_id: researcher_id,
            pi_key: PI_45.into(),
            pi_name: "刘研究员".into(),
            title: "上一期项目".into(),
            contract_no: "zg2019-medical-0001".into(),
            awarded_fen: 1_000_000,
            status: "contracted".into(),
            contract_status: "signed".into(),
            contract_data: "{}".into(),
            awarded_on: due - Duration::days(730),
            due_on: due,
            closed_at: None,
            created_at: now,
            updated_at: now,
        },
    )
    .await
    .unwrap();
    let a = start(&researcher, "新项目").await;
    save(&researcher, &a, health_form(PI_45)).await;
    let id = a["id"].as_str().unwrap();
    let report = researcher.get_json(&format!("/applications/{id}/eligibility")).await;
    let rule = report["rules"].as_array().unwrap().iter().find(|r| r["code"] == "no_overdue").unwrap().clone();
    assert_eq!(rule["passed"], true, "not yet past due: {report}");
    let listed = researcher.get_json("/projects").await;
    assert_eq!(listed[0]["overdue"], false);

    // Three days later the project is past due and unfinished: the new application is refused.
    clock.set(now + Duration::days(3));
    let res = submit(&researcher, id, None).await;
    assert_eq!(res.status(), 422);
    let problem = json(res).await;
    assert_eq!(problem["code"], "ineligible");
    assert!(
        problem["errors"].as_array().unwrap().iter().any(|e| e["field"] == "rules.no_overdue"),
        "refused naming the rule: {problem}"
    );
    let listed = researcher.get_json("/projects").await;
    assert_eq!(listed[0]["overdue"], true);
    assert!(listed[0]["overdue_days"].as_i64().unwrap() >= 1);
    // The bureau filters the overdue ones.
    assert_eq!(staff.get_json("/projects?overdue=true").await.as_array().unwrap().len(), 1);
    assert_eq!(staff.get_json("/projects?overdue=false").await.as_array().unwrap().len(), 0);
    let res = staff.get("/projects?status=nonsense").await;
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn from_review_to_closing_through_the_recommending_unit() {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let app = spawn(clock.clone()).await;
    let staff = app.login("staff", DEMO_PASSWORD).await;
    let researcher = app.login("researcher", DEMO_PASSWORD).await;
    let suse = app.login("suse", DEMO_PASSWORD).await;
    let applicant = app.login("applicant", DEMO_PASSWORD).await;
    let office = app.login("ziliujing", DEMO_PASSWORD).await;
    let public = app.browser();
    let company_app = accepted(&applicant, &office, &staff, "企业项目", PI_COMPANY).await;
    let university_app = accepted(&researcher, &suse, &staff, "高校项目", PI_45).await;
    reviewed(&app, &staff, &company_app).await;

    // The requested 1万元 reaches the round's on-site threshold: visit first.
    let funding = format!("/admin/applications/{company_app}/funding");
    let res = staff.put(&funding, j!({ "proposed_fen": 1_000_000 })).await;
    assert_eq!(res.status(), 422);
    assert_eq!(codes(&json(res).await), ["site_visit_missing"]);
    let visit = format!("/admin/applications/{company_app}/site-visit");
    assert_eq!(
        applicant.put(&visit, j!({ "visited_on": shanghai_today(&clock), "findings": "x" })).await.status(),
        403
    );
    let res = staff.put(&visit, j!({ "visited_on": shanghai_today(&clock), "findings": " " })).await;
    assert_eq!(json(res).await["errors"][0]["field"], "findings");
    let res = staff
        .put(
            &visit,
            j!({ "visited_on": shanghai_today(&clock), "findings": "场地设备齐全", "recommended_fen": 1_000_000 }),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", json(res).await);
    assert_eq!(staff.get_json(&visit).await["findings"], "场地设备齐全");
    let res = staff.put(&funding, j!({ "proposed_fen": 1_000_000 })).await;
    assert_eq!(res.status(), 200, "{}", json(res).await);
    let decided = json(res).await;
    assert_eq!(decided["status"], "proposed");
    assert_eq!(decided["site_visit_required"], true);

    // Public notice with a five-day objection period.
    let res = staff.post("/admin/calls/zg2021/notices", j!({ "title": "", "objection_days": 0 })).await;
    let fields: Vec<String> = json(res).await["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["title", "objection_days"]);
    let res = staff
        .post("/admin/calls/zg2021/notices", j!({ "title": "2021年科技计划拟立项项目公示", "objection_days": 5 }))
        .await;
    assert_eq!(res.status(), 201, "{}", json(res).await);
    let notice = json(res).await;
    let notice_id = notice["id"].as_str().unwrap().to_string();
    assert_eq!(notice["items"].as_array().unwrap().len(), 1);
    assert_eq!(notice["items"][0]["pi_name"], "刘研究员");
    assert_eq!(notice["items"][0]["category_name"], "医疗卫生及社会民生专项");
    assert_eq!(notice["accepting_objections"], true);
    let res = staff.post("/admin/calls/zg2021/notices", j!({ "title": "再次公示", "objection_days": 5 })).await;
    assert_eq!(res.status(), 422);
    assert_eq!(json(res).await["code"], "nothing_to_publish");
    // Once on a notice, the amount is fixed.
    assert_eq!(staff.put(&funding, j!({ "proposed_fen": 900_000 })).await.status(), 409);

    // Anyone reads it and may object without signing in.
    let listed = public.get_json("/notices").await;
    assert!(listed.as_array().unwrap().iter().any(|n| n["id"] == notice_id.as_str()));
    assert_eq!(
        public.get_json(&format!("/notices/{notice_id}")).await["items"][0]["organisation"],
        notice["items"][0]["organisation"]
    );
    let objections = format!("/notices/{notice_id}/objections");
    let res = public.post(&objections, j!({ "submitter_name": "张三", "contact": "", "content": "" })).await;
    assert_eq!(res.status(), 422);
    let fields: Vec<String> = json(res).await["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["contact", "content"]);
    let res = public
        .post(
            &objections,
            j!({ "submitter_name": "张三", "contact": "13800000000", "content": "该项目与已有项目重复", "application_id": company_app }),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", json(res).await);
    let objection_id = json(res).await["id"].as_str().unwrap().to_string();

    // Not before the period ends, not with an open objection.
    let award = format!("/admin/notices/{notice_id}/award");
    assert_eq!(applicant.post(&award, j!({})).await.status(), 403);
    let res = staff.post(&award, j!({})).await;
    assert_eq!(res.status(), 409);
    assert_eq!(json(res).await["code"], "objection_period_open");
    clock.set(clock.now() + Duration::days(5) + Duration::minutes(1));
    let res = public.post(&objections, j!({ "submitter_name": "李四", "contact": "x", "content": "迟到的异议" })).await;
    assert_eq!(res.status(), 409);
    assert_eq!(json(res).await["code"], "objection_period_over");
    let res = staff.post(&award, j!({})).await;
    assert_eq!(res.status(), 409);
    assert_eq!(json(res).await["code"], "objections_open");
    let listed = staff.get_json(&format!("/admin/notices/{notice_id}/objections")).await;
    assert_eq!(listed[0]["status"], "open");
    assert_eq!(listed[0]["application_title"], "企业项目");
    let resolve = format!("/admin/objections/{objection_id}/resolve");
    assert_eq!(applicant.post(&resolve, j!({ "status": "dismissed", "resolution": "x" })).await.status(), 403);
    let res = staff.post(&resolve, j!({ "status": "maybe", "resolution": "" })).await;
    assert_eq!(res.status(), 422);
    let res = staff.post(&resolve, j!({ "status": "dismissed", "resolution": "经核实不重复" })).await;
    assert_eq!(res.status(), 200, "{}", json(res).await);
    assert_eq!(staff.post(&resolve, j!({ "status": "upheld", "resolution": "再议" })).await.status(), 409);

    // 立项: the project is created, the other accepted medical application is not funded.
    let res = staff.post(&award, j!({})).await;
    assert_eq!(res.status(), 200, "{}", json(res).await);
    let outcome = json(res).await;
    assert_eq!(outcome["projects"].as_array().unwrap().len(), 1);
    assert_eq!(outcome["not_funded"], j!([university_app]));
    let project_id = outcome["projects"][0]["project_id"].as_str().unwrap().to_string();
    assert!(outcome["projects"][0]["contract_no"].as_str().unwrap().starts_with("zg2021-medical-"));
    assert_eq!(staff.post(&award, j!({})).await.status(), 409, "once");
    let mine = applicant.get_json("/me/applications").await;
    assert_eq!(mine.as_array().unwrap().iter().find(|a| a["id"] == company_app.as_str()).unwrap()["status"], "awarded");
    let theirs = researcher.get_json("/me/applications").await;
    assert_eq!(
        theirs.as_array().unwrap().iter().find(|a| a["id"] == university_app.as_str()).unwrap()["status"],
        "not_funded"
    );

    // Scope: the applicant and its recommending unit see it; another applicant or unit does not.
    let p = format!("/projects/{project_id}");
    let listed = applicant.get_json("/projects").await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["status"], "awarded");
    assert_eq!(listed[0]["contract_status"], "draft");
    assert_eq!(listed[0]["awarded_fen"], 1_000_000);
    assert_eq!(office.get_json("/projects").await.as_array().unwrap().len(), 1);
    assert_eq!(researcher.get_json("/projects").await, j!([]));
    assert_eq!(suse.get_json("/projects").await, j!([]));
    assert_eq!(researcher.get(&p).await.status(), 404);
    assert_eq!(suse.get(&p).await.status(), 404);
    assert_eq!(researcher.get(&format!("{p}/contract/export")).await.status(), 404);
    let detail = applicant.get_json(&p).await;
    assert_eq!(detail["party"], "applicant");
    assert_eq!(detail["contract"]["pi_name"], "刘研究员");
    assert_eq!(detail["contract"]["amount_fen"], 1_000_000);

    // The task contract: applicant → recommending unit → bureau.
    let mut data = detail["contract"].clone();
    data["targets"] = j!("推广应用3家以上");
    data["amount_fen"] = j!(99_000_000);
    assert_eq!(office.put(&format!("{p}/contract"), j!({ "data": data })).await.status(), 403);
    let res = applicant.put(&format!("{p}/contract"), j!({ "data": data })).await;
    assert_eq!(res.status(), 200, "{}", json(res).await);
    assert_eq!(json(res).await["contract"]["amount_fen"], 1_000_000, "the award's amount cannot change");
    assert_eq!(office.post(&format!("{p}/contract/endorse"), j!({})).await.status(), 409);
    assert_eq!(applicant.post(&format!("{p}/contract/sign"), j!({})).await.status(), 403);
    assert_eq!(applicant.post(&format!("{p}/contract/submit"), j!({})).await.status(), 200);
    assert_eq!(staff.post(&format!("{p}/contract/sign"), j!({})).await.status(), 409, "endorsed first");
    let res = office.post(&format!("{p}/contract/return"), j!({})).await;
    assert_eq!(json(res).await["errors"][0]["field"], "comment");
    let res = office.post(&format!("{p}/contract/return"), j!({ "comment": "请补充经费预算" })).await;
    assert_eq!(json(res).await["contract_status"], "draft");
    assert_eq!(applicant.post(&format!("{p}/contract/submit"), j!({})).await.status(), 200);
    assert_eq!(office.post(&format!("{p}/contract/endorse"), j!({})).await.status(), 200);
    let res = staff.post(&format!("{p}/contract/sign"), j!({})).await;
    assert_eq!(res.status(), 200);
    let signed = json(res).await;
    assert_eq!(signed["contract_status"], "signed");
    assert_eq!(signed["status"], "contracted");
    let res = applicant.get(&format!("{p}/contract/export")).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));

    // Disbursements, never above the award.
    let pay = format!("{p}/disbursements");
    let today = shanghai_today(&clock);
    assert_eq!(applicant.post(&pay, j!({ "amount_fen": 1, "paid_on": today })).await.status(), 403);
    assert_eq!(office.post(&pay, j!({ "amount_fen": 1, "paid_on": today })).await.status(), 403);
    let res = staff.post(&pay, j!({ "amount_fen": 600_000, "paid_on": today, "note": "首笔" })).await;
    assert_eq!(res.status(), 201, "{}", json(res).await);
    let res = staff.post(&pay, j!({ "amount_fen": 500_000, "paid_on": today })).await;
    assert_eq!(res.status(), 422);
    let problem = json(res).await;
    assert_eq!(problem["errors"][0]["field"], "amount_fen");
    assert_eq!(problem["errors"][0]["code"], "over_award");
    let res = staff.post(&pay, j!({ "amount_fen": 400_000, "paid_on": today })).await;
    assert_eq!(json(res).await["disbursed_fen"], 1_000_000);

    // Mid-term report: validated with the call's form on submit; passed by the unit.
    let mid = format!("{p}/reports/midterm");
    let res = applicant.put(&mid, j!({ "version": 0, "data": { "progress": "已完成一期试点" } })).await;
    assert_eq!(res.status(), 200, "{}", json(res).await);
    assert_eq!(json(res).await["version"], 1);
    assert_eq!(applicant.put(&mid, j!({ "version": 0, "data": {} })).await.status(), 409, "stale copy");
    let res = applicant.post(&format!("{mid}/submit"), j!({})).await;
    assert_eq!(res.status(), 422);
    let fields: Vec<String> = json(res).await["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect();
    assert!(fields.contains(&"data.spent_fen".to_string()), "{fields:?}");
    let full = j!({ "progress": "已完成一期试点", "spent_fen": 500_000, "problems": "无" });
    assert_eq!(applicant.put(&mid, j!({ "version": 1, "data": full })).await.status(), 200);
    assert_eq!(applicant.post(&format!("{mid}/submit"), j!({})).await.status(), 200);
    assert_eq!(applicant.post(&format!("{mid}/pass"), j!({})).await.status(), 403);
    assert_eq!(suse.post(&format!("{mid}/pass"), j!({})).await.status(), 404);
    assert_eq!(office.post(&format!("{mid}/fail"), j!({ "comment": "x" })).await.status(), 409, "mid-term cannot fail");
    let res = office.post(&format!("{mid}/pass"), j!({})).await;
    assert_eq!(json(res).await["status"], "passed");

    // Completion: the recommending unit records the 验收 conclusion; the bureau closes.
    let done = format!("{p}/reports/completion");
    let full = j!({ "results": "达到全部考核指标", "spent_fen": 1_000_000, "outputs": "论文2篇" });
    assert_eq!(applicant.put(&done, j!({ "version": 0, "data": full })).await.status(), 200);
    assert_eq!(staff.post(&format!("{p}/close"), j!({})).await.status(), 409, "no conclusion yet");
    assert_eq!(applicant.post(&format!("{done}/submit"), j!({})).await.status(), 200);
    assert_eq!(applicant.put(&done, j!({ "version": 2, "data": full })).await.status(), 409, "submitted");
    assert_eq!(staff.post(&format!("{done}/pass"), j!({})).await.status(), 403, "the recommending unit's");
    let res = office.post(&format!("{done}/pass"), j!({ "comment": "同意通过验收" })).await;
    assert_eq!(json(res).await["status"], "passed");
    assert_eq!(applicant.post(&format!("{p}/close"), j!({})).await.status(), 403);
    let res = staff.post(&format!("{p}/close"), j!({})).await;
    assert_eq!(res.status(), 200, "{}", json(res).await);
    let closed = json(res).await;
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["overdue"], false);
    assert_eq!(closed["reports"][1]["status"], "passed");
    assert_eq!(staff.post(&format!("{p}/close"), j!({})).await.status(), 409);

    // The applicant was told at each decision.
    let notes = applicant.get_json("/me/notifications").await;
    let kinds: Vec<&str> = notes["items"].as_array().unwrap().iter().filter_map(|n| n["kind"].as_str()).collect();
    for k in [
        "application.awarded",
        "contract.returned",
        "contract.signed",
        "project.disbursed",
        "report.passed",
        "project.closed",
    ] {
        assert!(kinds.contains(&k), "{k} missing from {kinds:?}");
    }
    let unit_notes = office.get_json("/me/notifications").await;
    assert!(unit_notes["items"].as_array().unwrap().iter().any(|n| n["kind"] == "report.submitted"));
    // Experts are not a party to projects.
    let expert = app.login("expert", DEMO_PASSWORD).await;
    assert_eq!(expert.get("/projects").await.status(), 403);
    assert_eq!(expert.get(&p).await.status(), 404);
}

#[tokio::test]
async fn an_upheld_objection_withdraws_the_proposal() {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let app = spawn(clock.clone()).await;
    let staff = app.login("staff", DEMO_PASSWORD).await;
    let applicant = app.login("applicant", DEMO_PASSWORD).await;
    let office = app.login("ziliujing", DEMO_PASSWORD).await;
    let company_app = accepted(&applicant, &office, &staff, "企业项目", PI_COMPANY).await;
    reviewed(&app, &staff, &company_app).await;
    let visit = j!({ "visited_on": shanghai_today(&clock), "findings": "符合条件" });
    assert_eq!(staff.put(&format!("/admin/applications/{company_app}/site-visit"), visit).await.status(), 200);
    let res = staff.put(&format!("/admin/applications/{company_app}/funding"), j!({ "proposed_fen": 1_000_000 })).await;
    assert_eq!(res.status(), 200, "{}", json(res).await);
    let res = staff.post("/admin/calls/zg2021/notices", j!({ "title": "拟立项公示", "objection_days": 1 })).await;
    let notice_id = json(res).await["id"].as_str().unwrap().to_string();
    // An objection naming something not on the notice is refused on that field.
    let objections = format!("/notices/{notice_id}/objections");
    let body = j!({ "submitter_name": "王五", "contact": "x", "content": "y", "application_id": Uuid::now_v7() });
    assert_eq!(json(app.browser().post(&objections, body).await).await["errors"][0]["field"], "application_id");
    let body = j!({ "submitter_name": "王五", "contact": "wang@example.com", "content": "负责人已有在研项目", "application_id": company_app });
    let res = app.browser().post(&objections, body).await;
    let objection_id = json(res).await["id"].as_str().unwrap().to_string();
    let res = staff
        .post(
            &format!("/admin/objections/{objection_id}/resolve"),
            j!({ "status": "upheld", "resolution": "经核实属实" }),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", json(res).await);
    assert_eq!(json(res).await["status"], "upheld");
    let funding = staff.get_json("/admin/calls/zg2021/funding").await;
    assert_eq!(funding[0]["status"], "withdrawn");
    assert_eq!(app.browser().get_json(&format!("/notices/{notice_id}")).await["items"][0]["status"], "withdrawn");

    clock.set(clock.now() + Duration::days(1) + Duration::seconds(1));
    let res = staff.post(&format!("/admin/notices/{notice_id}/award"), j!({})).await;
    assert_eq!(res.status(), 200, "{}", json(res).await);
    let outcome = json(res).await;
    assert_eq!(outcome["projects"], j!([]));
    assert_eq!(outcome["not_funded"], j!([company_app]));
    assert_eq!(applicant.get_json("/projects").await, j!([]));
    let notes = applicant.get_json("/me/notifications").await;
    let kinds: Vec<&str> = notes["items"].as_array().unwrap().iter().filter_map(|n| n["kind"].as_str()).collect();
    assert!(kinds.contains(&"funding.withdrawn") && kinds.contains(&"application.not_funded"), "{kinds:?}");
    // Every step is in the audit log.
    let admin = app.admin().await;
    let events = admin.get_json(&format!("/admin/audit-events?entity_type=application&entity_id={company_app}")).await;
    let actions: Vec<&str> = events["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    for a in ["site_visit", "propose_funding", "withdraw_funding", "not_fund"] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
}
