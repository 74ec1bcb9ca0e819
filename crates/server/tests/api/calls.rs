//! Call configuration through the API and per-applicant window extensions.

use std::sync::Arc;

use chrono::Utc;
use kc_api::clock::ManualClock;
use kc_testkit::{DEMO_PASSWORD, TestApp, json};
use serde_json::json as j;

use crate::grants::{PI_45, health_form, save, start, submit, window};

#[tokio::test]
async fn the_bureau_edits_a_call_and_a_bad_rule_is_refused_when_saved() {
    let app = TestApp::spawn().await;
    let applicant = app.login("applicant", DEMO_PASSWORD).await;
    let office = app.login("ziliujing", DEMO_PASSWORD).await;
    let staff = app.login("staff", DEMO_PASSWORD).await;

    // Every signed-in user reads the document (the web renders forms from it).
    let call = applicant.get_json("/calls/zg2021").await;
    assert_eq!(call["categories"].as_array().unwrap().len(), 9);
    assert_eq!(call["categories"][0]["form"]["sections"][0]["fields"][0]["key"], "project_name");
    assert_eq!(app.browser().get("/calls/zg2021").await.status(), 401);
    assert_eq!(applicant.get("/calls/nope").await.status(), 404);

    // Only the bureau saves.
    assert_eq!(applicant.put("/admin/calls/zg2021", call.clone()).await.status(), 403);
    assert_eq!(office.put("/admin/calls/zg2021", call.clone()).await.status(), 403);

    // Every problem is listed and nothing is saved.
    let mut broken = call.clone();
    broken["categories"][0]["subtypes"][0]["eligibility"][0]["expression"] = j!("applicant.age <=");
    broken["categories"][1]["subtypes"][0]["max_funded"] = j!(0);
    broken["title"] = j!("不应保存的标题");
    let res = staff.put("/admin/calls/zg2021", broken).await;
    assert_eq!(res.status(), 422);
    let problem = json(res).await;
    let errors = problem["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{problem}");
    assert!(errors.iter().any(|e| e["message_en"].as_str().unwrap().contains("eligibility rule")));
    assert_eq!(applicant.get_json("/calls/zg2021").await["title"], call["title"]);

    let res = staff.put("/admin/calls/other", call.clone()).await;
    assert_eq!(json(res).await["errors"][0]["field"], "code");
    let res = staff.put("/admin/calls/zg2021", j!({ "code": "zg2021" })).await;
    assert_eq!(json(res).await["errors"][0]["code"], "malformed");

    let mut edited = call.clone();
    edited["title"] = j!("2021年度自贡市科技计划项目（修订）");
    edited["categories"][5]["subtypes"][0]["max_funding_fen"] = j!(2_000_000);
    assert_eq!(staff.put("/admin/calls/zg2021", edited.clone()).await.status(), 200);
    let read = applicant.get_json("/calls/zg2021").await;
    assert_eq!(read, edited);
    let summary = applicant.get_json("/calls").await;
    assert_eq!(summary[0]["title"], "2021年度自贡市科技计划项目（修订）");

    let admin = app.admin().await;
    let events = admin.get_json("/admin/audit-events?entity_type=call&entity_id=zg2021").await;
    assert_eq!(events["items"][0]["action"], "update");
}

#[tokio::test]
async fn an_extension_lets_one_applicant_submit_after_the_close() {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let app = TestApp::spawn_with(|s| s.auth.session_idle_minutes = 60 * 24 * 365, clock.clone()).await;
    let researcher = app.login("researcher", DEMO_PASSWORD).await;
    let applicant = app.login("applicant", DEMO_PASSWORD).await;
    let staff = app.login("staff", DEMO_PASSWORD).await;
    let (_, closes) = window(&researcher).await;

    let mine = start(&researcher, "延期申报").await;
    save(&researcher, &mine, health_form(PI_45)).await;
    let theirs = start(&applicant, "未延期").await;
    save(&applicant, &theirs, health_form("510302198505051234")).await;

    clock.set(closes + chrono::Duration::minutes(10));
    assert_eq!(submit(&researcher, mine["id"].as_str().unwrap(), None).await.status(), 409);

    let me = researcher.get_json("/me").await;
    let researcher_id = me["id"].as_str().unwrap();
    let path = format!("/admin/calls/zg2021/extensions/{researcher_id}");
    let until = closes + chrono::Duration::hours(1);
    assert_eq!(applicant.put(&path, j!({ "until": until, "reason": "x" })).await.status(), 403);
    let res = staff.put(&path, j!({ "until": closes - chrono::Duration::hours(1), "reason": "系统故障" })).await;
    assert_eq!(json(res).await["errors"][0]["field"], "until");
    let res = staff.put(&path, j!({ "until": until, "reason": "" })).await;
    assert_eq!(json(res).await["errors"][0]["field"], "reason");
    assert_eq!(staff.put(&path, j!({ "until": until, "reason": "申报当日单位断网，经核实" })).await.status(), 204);

    let listed = staff.get_json("/admin/calls/zg2021/extensions").await;
    assert_eq!(listed[0]["applicant_id"], researcher_id);
    assert_eq!(listed[0]["reason"], "申报当日单位断网，经核实");

    assert_eq!(submit(&researcher, mine["id"].as_str().unwrap(), None).await.status(), 200);
    assert_eq!(submit(&applicant, theirs["id"].as_str().unwrap(), None).await.status(), 409);
    // Within the extension the researcher may also start another application; after it, not.
    let body = j!({ "call": "zg2021", "category": "medical", "subtype": "general", "title": "延期内" });
    assert_eq!(researcher.post("/applications", body.clone()).await.status(), 201);
    clock.set(until);
    assert_eq!(researcher.post("/applications", body).await.status(), 409);
}
