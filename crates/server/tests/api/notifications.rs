//! Notifications at each step, the mail preference, and the application timeline.

use kc_testkit::{Browser, DEMO_PASSWORD, TestApp, json};
use serde_json::{Value, json as j};

use crate::grants::{submit, submitted};

async fn kinds(b: &Browser) -> (Vec<String>, u64) {
    let list = b.get_json("/me/notifications").await;
    let kinds = list["items"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap().to_string()).collect();
    (kinds, list["unread"].as_u64().unwrap())
}

async fn mails_to(admin: &Browser, address: &str) -> Vec<Value> {
    let outbox = admin.get_json("/admin/outbox?per_page=200").await;
    outbox["items"].as_array().unwrap().iter().filter(|m| m["to"] == address).cloned().collect()
}

#[tokio::test]
async fn each_step_notifies_and_mail_follows_the_preference() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let applicant = app.login("applicant", DEMO_PASSWORD).await;
    let office = app.login("ziliujing", DEMO_PASSWORD).await;
    let applicant_mail = "applicant@demo.kechuang.local";

    assert_eq!(applicant.get_json("/me/notification-preferences").await["mail"], "all");
    let res = applicant.put("/me/notification-preferences", j!({ "mail": "weekly" })).await;
    assert_eq!(json(res).await["errors"][0]["field"], "mail");
    let res = applicant.put("/me/notification-preferences", j!({ "mail": "decisions" })).await;
    assert_eq!(json(res).await["mail"], "decisions");

    let id = submitted(&applicant, "智能流体阀门远程诊断", "510302198505051234").await;
    assert_eq!(kinds(&applicant).await, (vec!["application.submitted".to_string()], 1));
    assert_eq!(kinds(&office).await, (vec!["application.to_review".to_string()], 1));
    // The receipt is in-app only under "decisions"; the office (preference "all") is mailed.
    assert!(mails_to(&admin, applicant_mail).await.is_empty());
    assert_eq!(mails_to(&admin, "ziliujing@demo.kechuang.local").await.len(), 1);

    let res = office.post(&format!("/recommender/applications/{id}/return"), j!({ "comment": "请补充考核指标" })).await;
    assert_eq!(res.status(), 200);
    let list = applicant.get_json("/me/notifications").await;
    assert_eq!(list["items"][0]["kind"], "application.returned");
    assert!(list["items"][0]["body_zh"].as_str().unwrap().contains("请补充考核指标"));
    assert_eq!(list["items"][0]["link"], format!("/grants/applications/{id}"));
    let mails = mails_to(&admin, applicant_mail).await;
    assert_eq!(mails.len(), 1, "a decision is mailed: {mails:?}");

    // Reading: one, then all; nobody reads another user's notification.
    let first = list["items"][0]["id"].as_str().unwrap();
    assert_eq!(office.post(&format!("/me/notifications/{first}/read"), j!({})).await.status(), 404);
    assert_eq!(applicant.post(&format!("/me/notifications/{first}/read"), j!({})).await.status(), 204);
    assert_eq!(kinds(&applicant).await.1, 1);
    assert_eq!(applicant.post("/me/notifications/read-all", j!({})).await.status(), 204);
    assert_eq!(kinds(&applicant).await.1, 0);

    // Under "none" nothing is mailed, decisions included.
    applicant.put("/me/notification-preferences", j!({ "mail": "none" })).await;
    assert_eq!(submit(&applicant, &id, None).await.status(), 200);
    office.post(&format!("/recommender/applications/{id}/recommend"), j!({})).await;
    assert_eq!(mails_to(&admin, applicant_mail).await.len(), 1);
    assert_eq!(kinds(&applicant).await.0[0], "application.recommended");
}

#[tokio::test]
async fn the_timeline_shows_each_step_to_those_who_may_read_the_application() {
    let app = TestApp::spawn().await;
    let applicant = app.login("applicant", DEMO_PASSWORD).await;
    let office = app.login("ziliujing", DEMO_PASSWORD).await;
    let id = submitted(&applicant, "时间线", "510302198505051234").await;
    office.post(&format!("/recommender/applications/{id}/return"), j!({ "comment": "请补充考核指标" })).await;

    let timeline = applicant.get_json(&format!("/applications/{id}/timeline")).await;
    let steps: Vec<(&str, &str)> = timeline
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["status"].as_str().unwrap()))
        .collect();
    assert_eq!(steps, [("submit", "submitted"), ("return", "returned")]);
    assert_eq!(timeline[1]["by"], "自流井区科学技术局");
    assert_eq!(timeline[1]["comment"], "请补充考核指标");
    assert_eq!(office.get_json(&format!("/applications/{id}/timeline")).await, timeline);

    let other_office = app.login("hightech", DEMO_PASSWORD).await;
    assert_eq!(other_office.get(&format!("/applications/{id}/timeline")).await.status(), 404);
    let researcher = app.login("researcher", DEMO_PASSWORD).await;
    assert_eq!(researcher.get(&format!("/applications/{id}/timeline")).await.status(), 404);
}
