use std::sync::Arc;

use chrono::{DateTime, Utc};
use kc_api::clock::ManualClock;
use kc_testkit::{Browser, DEMO_PASSWORD, TestApp, json};
use reqwest::Method;
use serde_json::{Value, json as j};

/// Valid form data for the Zigong health category; `id_number` decides the PI (and age).
pub(crate) fn health_form(id_number: &str) -> Value {
    j!({
        "project_name": "社区高血压分级诊疗路径研究", "field": "health",
        "summary": "在自贡市三个社区开展高血压分级诊疗试点。", "targets": "推广应用3家以上，发表论文2篇。",
        "start_date": "2021-06-01", "end_date": "2022-06-30",
        "requested_fen": 1_000_000, "self_funding_fen": 0,
        "pi": { "name": "刘研究员", "id_number": id_number, "title_rank": "associate_senior" },
        "proposal": ["attachment-1"]
    })
}

pub(crate) const PI_45: &str = "510302198001011234";

pub(crate) async fn start(b: &Browser, title: &str) -> Value {
    let res = b
        .post("/applications", j!({ "call": "zg2021", "category": "medical", "subtype": "general", "title": title }))
        .await;
    assert_eq!(res.status(), 201);
    json(res).await
}

pub(crate) async fn save(b: &Browser, app: &Value, data: Value) -> i64 {
    let id = app["id"].as_str().unwrap();
    let res = b
        .put(
            &format!("/applications/{id}/draft"),
            j!({ "version": app["version"], "title": app["title"], "data": data }),
        )
        .await;
    assert_eq!(res.status(), 200);
    json(res).await["version"].as_i64().unwrap()
}

pub(crate) async fn submit(b: &Browser, id: &str, key: Option<&str>) -> reqwest::Response {
    let mut req = b.client.post(format!("{}/api/v1/applications/{id}/submit", b.base));
    if let Some(csrf) = &b.csrf {
        req = req.header("x-csrf-token", csrf);
    }
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    req.send().await.unwrap()
}

pub(crate) async fn window(b: &Browser) -> (DateTime<Utc>, DateTime<Utc>) {
    let calls = b.get_json("/calls").await;
    let call = calls.as_array().unwrap().iter().find(|c| c["code"] == "zg2021").unwrap().clone();
    (call["opens_at"].as_str().unwrap().parse().unwrap(), call["closes_at"].as_str().unwrap().parse().unwrap())
}

#[tokio::test]
async fn draft_save_and_submit_one_second_before_close() {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    // The clock jumps weeks ahead; keep the session alive across the jump.
    let app = TestApp::spawn_with(|s| s.auth.session_idle_minutes = 60 * 24 * 365, clock.clone()).await;
    let researcher = app.login("researcher", DEMO_PASSWORD).await;
    let (_, closes) = window(&researcher).await;

    let a = start(&researcher, "分级诊疗").await;
    assert_eq!(a["status"], "draft");
    let version = save(&researcher, &a, health_form(PI_45)).await;
    assert_eq!(version, 2);
    // A save from the stale copy is refused, not silently applied.
    let id = a["id"].as_str().unwrap();
    let res =
        researcher.put(&format!("/applications/{id}/draft"), j!({ "version": 1, "title": "x", "data": {} })).await;
    assert_eq!(res.status(), 409);
    assert_eq!(json(res).await["code"], "stale_version");

    let report = researcher.get_json(&format!("/applications/{id}/eligibility")).await;
    assert_eq!(report["passed"], true, "{report}");

    clock.set(closes - chrono::Duration::seconds(1));
    let res = submit(&researcher, id, Some("k-1")).await;
    assert_eq!(res.status(), 200);
    let body = json(res).await;
    assert_eq!(body["status"], "submitted");
    // The same key again: the first answer, still one submission.
    clock.set(closes + chrono::Duration::seconds(5));
    let again = submit(&researcher, id, Some("k-1")).await;
    assert_eq!(again.status(), 200);
    assert_eq!(json(again).await, body);
    let mine = researcher.get_json("/me/applications").await;
    assert_eq!(mine.as_array().unwrap().iter().filter(|x| x["status"] == "submitted").count(), 1);
    // Without the key, a second submit is refused: it is no longer a draft.
    assert_eq!(submit(&researcher, id, None).await.status(), 409);
    // And a submitted application cannot be edited.
    let res =
        researcher.put(&format!("/applications/{id}/draft"), j!({ "version": 2, "title": "x", "data": {} })).await;
    assert_eq!(json(res).await["code"], "not_editable");
}

#[tokio::test]
async fn submitting_one_second_after_close_is_refused_with_the_server_time() {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    // The clock jumps weeks ahead; keep the session alive across the jump.
    let app = TestApp::spawn_with(|s| s.auth.session_idle_minutes = 60 * 24 * 365, clock.clone()).await;
    let researcher = app.login("researcher", DEMO_PASSWORD).await;
    let (_, closes) = window(&researcher).await;
    let a = start(&researcher, "截止后提交").await;
    save(&researcher, &a, health_form(PI_45)).await;
    clock.set(closes + chrono::Duration::seconds(1));
    let res = submit(&researcher, a["id"].as_str().unwrap(), Some("late")).await;
    assert_eq!(res.status(), 409);
    let problem = json(res).await;
    assert_eq!(problem["code"], "call_closed");
    assert!(problem["server_time"].is_string());
    assert!(problem["message_zh"].as_str().unwrap().contains("服务器时间"));
    // Exactly at the closing second it is closed too.
    clock.set(closes);
    assert_eq!(submit(&researcher, a["id"].as_str().unwrap(), None).await.status(), 409);
}

#[tokio::test]
async fn failed_rules_and_quotas_are_named() {
    let app = TestApp::spawn().await;
    let researcher = app.login("researcher", DEMO_PASSWORD).await;
    let a = start(&researcher, "年龄超限").await;
    save(&researcher, &a, health_form("510302195001011234")).await;
    let res = submit(&researcher, a["id"].as_str().unwrap(), None).await;
    assert_eq!(res.status(), 422);
    let problem = json(res).await;
    assert_eq!(problem["code"], "ineligible");
    assert_eq!(problem["errors"][0]["field"], "rules.pi_age");
    assert_eq!(problem["errors"][0]["message_zh"], "项目负责人原则上不超过60岁");

    // Missing required fields are named before the rules run.
    let b = start(&researcher, "未填完").await;
    save(&researcher, &b, j!({ "project_name": "未填完" })).await;
    let res = submit(&researcher, b["id"].as_str().unwrap(), None).await;
    assert_eq!(res.status(), 422);
    let fields: Vec<String> = json(res).await["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect();
    assert!(fields.contains(&"data.pi".to_string()) && fields.contains(&"data.proposal".to_string()), "{fields:?}");

    // One project per PI per year.
    let c = start(&researcher, "第一项").await;
    save(&researcher, &c, health_form(PI_45)).await;
    assert_eq!(submit(&researcher, c["id"].as_str().unwrap(), None).await.status(), 200);
    let d = start(&researcher, "第二项").await;
    save(&researcher, &d, health_form(PI_45)).await;
    let res = submit(&researcher, d["id"].as_str().unwrap(), None).await;
    assert_eq!(res.status(), 422);
    let problem = json(res).await;
    assert_eq!(problem["code"], "quota_exceeded");
    assert_eq!(problem["errors"][0]["field"], "quotas.one_per_pi");
}

#[tokio::test]
async fn applications_are_private() {
    let app = TestApp::spawn().await;
    let researcher = app.login("researcher", DEMO_PASSWORD).await;
    let a = start(&researcher, "保密").await;
    let id = a["id"].as_str().unwrap();
    let other = app.login("applicant", DEMO_PASSWORD).await;
    let res = other.get(&format!("/applications/{id}")).await;
    assert_eq!(res.status(), 404);
    let res = other
        .request(
            Method::PUT,
            &format!("/applications/{id}/draft"),
            Some(j!({ "version": 1, "title": "x", "data": {} })),
        )
        .await;
    assert_eq!(res.status(), 404);
    // Another recommending unit does not see it; its own (the university) does.
    assert_eq!(app.login("ziliujing", DEMO_PASSWORD).await.get(&format!("/applications/{id}")).await.status(), 404);
    assert_eq!(app.login("suse", DEMO_PASSWORD).await.get(&format!("/applications/{id}")).await.status(), 200);
    // Only applicants start applications.
    let res = app
        .login("expert", DEMO_PASSWORD)
        .await
        .post("/applications", j!({ "call": "zg2021", "category": "medical", "subtype": "general", "title": "x" }))
        .await;
    assert_eq!(res.status(), 403);
    // The category is mandatory.
    let res =
        researcher.post("/applications", j!({ "call": "zg2021", "category": "", "subtype": "", "title": "x" })).await;
    assert_eq!(res.status(), 422);
    assert_eq!(json(res).await["errors"][0]["field"], "category");
}

pub(crate) async fn submitted(b: &Browser, title: &str, pi_id: &str) -> String {
    let a = start(b, title).await;
    let mut form = health_form(pi_id);
    form["project_name"] = j!(title);
    save(b, &a, form).await;
    let id = a["id"].as_str().unwrap().to_string();
    let res = submit(b, &id, None).await;
    assert_eq!(res.status(), 200, "{}", json(res).await);
    id
}

#[tokio::test]
async fn submit_return_resubmit_recommend_accept_and_decline_is_final() {
    let app = TestApp::spawn().await;
    let applicant = app.login("applicant", DEMO_PASSWORD).await;
    let office = app.login("ziliujing", DEMO_PASSWORD).await;
    let id = submitted(&applicant, "智能流体阀门远程诊断", "510302198505051234").await;

    // The district office sees it; another office does not.
    let queue = office.get_json("/recommender/applications").await;
    assert_eq!(queue.as_array().unwrap().len(), 1);
    assert_eq!(queue[0]["organisation"], "自贡川润智能流体科技有限公司");
    let other = app.login("hightech", DEMO_PASSWORD).await;
    assert_eq!(other.get_json("/recommender/applications").await, j!([]));
    assert_eq!(other.post(&format!("/recommender/applications/{id}/recommend"), j!({})).await.status(), 404);

    // Return needs a comment; the applicant edits and resubmits.
    assert_eq!(office.post(&format!("/recommender/applications/{id}/return"), j!({})).await.status(), 422);
    let res = office.post(&format!("/recommender/applications/{id}/return"), j!({ "comment": "请补充考核指标" })).await;
    assert_eq!(json(res).await["status"], "returned");
    let a = applicant.get_json(&format!("/applications/{id}")).await;
    let mut data = a["data"].clone();
    data["targets"] = j!("推广应用5家以上，发表论文3篇。");
    save(&applicant, &a, data).await;
    assert_eq!(submit(&applicant, &id, None).await.status(), 200);

    let res = office.post(&format!("/recommender/applications/{id}/paper-copies"), j!({ "received": true })).await;
    assert!(json(res).await["paper_copies_at"].is_string());
    assert_eq!(
        other.post(&format!("/recommender/applications/{id}/paper-copies"), j!({ "received": true })).await.status(),
        404
    );
    let res = office.post(&format!("/recommender/applications/{id}/recommend"), j!({})).await;
    assert_eq!(json(res).await["status"], "recommended");
    let staff = app.login("staff", DEMO_PASSWORD).await;
    assert_eq!(office.post(&format!("/admin/applications/{id}/accept"), j!({})).await.status(), 403);
    let res = staff.post(&format!("/admin/applications/{id}/accept"), j!({})).await;
    assert_eq!(json(res).await["status"], "accepted");
    let listed = staff.get_json("/admin/applications?call=zg2021&status=accepted").await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    start(&applicant, "只建了草稿").await;
    let counters = staff.get_json("/admin/applications/counters?call=zg2021").await;
    assert_eq!(counters["total"], j!({ "started": 2, "submitted": 1, "recommended": 1 }));
    let medical = counters["by_category"].as_array().unwrap().iter().find(|r| r["key"] == "medical").unwrap().clone();
    assert_eq!(medical["started"], 2);
    assert_eq!(counters["by_recommender"][0]["name"], "自流井区科学技术局");
    assert_eq!(office.get("/admin/applications/counters?call=zg2021").await.status(), 403);
    let res = staff.get("/admin/applications/export?call=zg2021&status=accepted").await;
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap();
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows.len(), 2, "the header and the one accepted application: {rows:?}");
    assert_eq!(rows[1][0], "智能流体阀门远程诊断");
    assert_eq!(rows[1][8], "自流井区科学技术局");
    assert_eq!((rows[1][2].as_str(), rows[1][6].as_str()), ("医疗卫生及社会民生专项", "已受理"));

    // Declined is final: no resubmission, no second decision.
    let id2 = submitted(&applicant, "第二个项目", "510302198606061234").await;
    let res =
        office.post(&format!("/recommender/applications/{id2}/decline"), j!({ "comment": "与本单位规划不符" })).await;
    assert_eq!(json(res).await["status"], "declined");
    assert_eq!(submit(&applicant, &id2, None).await.status(), 409);
    assert_eq!(office.post(&format!("/recommender/applications/{id2}/recommend"), j!({})).await.status(), 409);

    // The audit trail has every step.
    let admin = app.admin().await;
    let events = admin.get_json(&format!("/admin/audit-events?entity_type=application&entity_id={id}")).await;
    let actions: Vec<&str> = events["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions, ["accept", "recommend", "paper_copies", "submit", "return", "submit"]);
}

#[tokio::test]
async fn the_summary_table_lists_exactly_the_recommended_applications() {
    let app = TestApp::spawn().await;
    let applicant = app.login("applicant", DEMO_PASSWORD).await;
    let office = app.login("ziliujing", DEMO_PASSWORD).await;
    let recommended = submitted(&applicant, "高温合金精密铸造关键技术", "510302197707071234").await;
    let declined = submitted(&applicant, "不应出现在汇总表中", "510302197808081234").await;
    office.post(&format!("/recommender/applications/{recommended}/recommend"), j!({})).await;
    office.post(&format!("/recommender/applications/{declined}/decline"), j!({ "comment": "不推荐" })).await;

    let res = office.get("/recommender/summary-table?call=zg2021").await;
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap();
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows[0][0], "2021年度自贡市重点科技计划项目推荐汇总表");
    assert!(rows[1][0].contains("自流井区科学技术局"));
    let data: Vec<&Vec<String>> = rows.iter().skip(5).filter(|r| !r[0].is_empty()).collect();
    assert_eq!(data.len(), 1, "{rows:?}");
    assert_eq!(data[0][1], "高温合金精密铸造关键技术");
    assert_eq!(data[0][2], "自贡川润智能流体科技有限公司");
    assert_eq!(data[0][3], "医疗卫生及社会民生专项");
    assert_eq!(data[0][5], "1.00");
    // The letter is on the second sheet, worded per the template.
    let letter = wb.worksheet_range("推荐函").unwrap();
    let lines: Vec<String> = letter.rows().map(|r| r[0].to_string()).filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], "关于推荐“高温合金精密铸造关键技术”项目申报2021年度自贡市重点科技计划项目的函");
    assert_eq!(lines[1], "自贡市科学技术局：");
    assert!(lines[2].starts_with("经自流井区科学技术局考察、研究决定"), "{lines:?}");
    assert_eq!(lines[4], "自流井区科学技术局（盖章）");

    // The same documents for the printable page.
    let docs = office.get_json("/recommender/recommendation-documents?call=zg2021").await;
    assert_eq!(docs["letter"]["heading"], lines[0].as_str());
    assert_eq!(docs["rows"].as_array().unwrap().len(), 1);
    assert_eq!(docs["rows"][0]["requested_wan"], "1.00");
    // Another unit's documents have nothing of this unit's.
    let other = app.login("hightech", DEMO_PASSWORD).await;
    let theirs = other.get_json("/recommender/recommendation-documents?call=zg2021").await;
    assert_eq!((theirs["rows"].as_array().unwrap().len(), &theirs["letter"]), (0, &j!(null)));
    // Only recommending units download them.
    assert_eq!(applicant.get("/recommender/summary-table").await.status(), 403);
    assert_eq!(applicant.get("/recommender/recommendation-documents?call=zg2021").await.status(), 403);
}

async fn upload(b: &Browser, id: &str, slot: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("slot", slot.to_string())
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    b.client
        .post(format!("{}/api/v1/applications/{id}/attachments", b.base))
        .header("x-csrf-token", b.csrf.clone().unwrap_or_default())
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn attachments_are_sniffed_hashed_and_private() {
    let app = TestApp::spawn().await;
    let researcher = app.login("researcher", DEMO_PASSWORD).await;
    let a = start(&researcher, "附件测试").await;
    let id = a["id"].as_str().unwrap();
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n".to_vec();

    let res = upload(&researcher, id, "proposal", "分级诊疗申报书.pdf", pdf.clone()).await;
    assert_eq!(res.status(), 201);
    let att = json(res).await;
    assert_eq!(att["content_type"], "application/pdf");
    assert_eq!(att["size"], pdf.len());
    use sha2::Digest;
    assert_eq!(att["sha256"], hex::encode(sha2::Sha256::digest(&pdf)));

    // A program renamed to .pdf is refused by its content.
    let exe = [b"MZ\x90\x00\x03\x00\x00\x00".to_vec(), vec![0; 64]].concat();
    let res = upload(&researcher, id, "proposal", "申报书.pdf", exe).await;
    assert_eq!(res.status(), 422);
    assert_eq!(json(res).await["errors"][0]["code"], "wrong_type");
    let res = upload(&researcher, id, "no_such_slot", "a.pdf", pdf.clone()).await;
    assert_eq!(json(res).await["errors"][0]["field"], "slot");

    let listed = researcher.get_json(&format!("/applications/{id}/attachments")).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let att_id = att["id"].as_str().unwrap();
    let res = researcher.get(&format!("/attachments/{att_id}")).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("%E7%94%B3%E6%8A%A5%E4%B9%A6.pdf"));
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf);

    let other = app.login("applicant", DEMO_PASSWORD).await;
    assert_eq!(other.get(&format!("/attachments/{att_id}")).await.status(), 404);
    assert_eq!(upload(&other, id, "proposal", "x.pdf", pdf).await.status(), 404);
}

#[tokio::test]
async fn a_recommending_unit_sees_its_quota_use() {
    let app = TestApp::spawn().await;
    let applicant = app.login("applicant", DEMO_PASSWORD).await;
    let office = app.login("ziliujing", DEMO_PASSWORD).await;
    let used = |v: &Value, code: &str| {
        v.as_array().unwrap().iter().find(|q| q["code"] == code).map(|q| (q["used"].clone(), q["limit"].clone()))
    };
    let before = office.get_json("/recommender/quota-use?call=zg2021").await;
    assert_eq!(used(&before, "medical_per_district"), Some((j!(0), j!(2))), "{before}");
    assert_eq!(used(&before, "medical_71271N"), None, "another organisation's quota is not the office's");

    let id = submitted(&applicant, "配额", "510302198505051234").await;
    let after = office.get_json("/recommender/quota-use?call=zg2021").await;
    assert_eq!(used(&after, "medical_per_district"), Some((j!(1), j!(2))));
    // A declined application no longer counts.
    office.post(&format!("/recommender/applications/{id}/decline"), j!({ "comment": "不推荐" })).await;
    let declined = office.get_json("/recommender/quota-use?call=zg2021").await;
    assert_eq!(used(&declined, "medical_per_district"), Some((j!(0), j!(2))));

    // Another district's office has its own count.
    let other = app.login("hightech", DEMO_PASSWORD).await;
    let theirs = other.get_json("/recommender/quota-use?call=zg2021").await;
    assert!(theirs.as_array().unwrap().iter().all(|q| q["used"] == 0), "{theirs}");
    assert_eq!(applicant.get("/recommender/quota-use?call=zg2021").await.status(), 403);
    assert_eq!(office.get("/recommender/quota-use?call=nope").await.status(), 404);
}

#[tokio::test]
async fn the_bureau_filters_by_district_and_organisation() {
    let app = TestApp::spawn().await;
    let applicant = app.login("applicant", DEMO_PASSWORD).await;
    let researcher = app.login("researcher", DEMO_PASSWORD).await;
    let staff = app.login("staff", DEMO_PASSWORD).await;
    submitted(&applicant, "川润的项目", "510302198505051234").await;
    submitted(&researcher, "轻化工的项目", PI_45).await;
    let titles = |v: Value| -> Vec<String> {
        let mut t: Vec<String> =
            v.as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap().to_string()).collect();
        t.sort();
        t
    };
    assert_eq!(titles(staff.get_json("/admin/applications?call=zg2021").await).len(), 2);
    // Both organisations are in Ziliujing district; none in Da'an.
    assert_eq!(titles(staff.get_json("/admin/applications?district=510302").await).len(), 2);
    assert!(titles(staff.get_json("/admin/applications?district=510304").await).is_empty());
    assert_eq!(titles(staff.get_json("/admin/applications?organisation=轻化工").await), ["轻化工的项目"]);
    assert!(titles(staff.get_json("/admin/applications?organisation=不存在的单位").await).is_empty());
    // The Excel export takes the same filters.
    let res = staff.get("/admin/applications/export?organisation=川润").await;
    let bytes = res.bytes().await.unwrap();
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(range.rows().count(), 2, "the header and the one application of the organisation");
}

/// Applications and lists are answered from memory between writes (SQLite): every read
/// right after a change, by whoever made it or anyone else, shows the change.
#[tokio::test]
async fn reads_right_after_a_change_show_it() {
    let app = TestApp::spawn().await;
    let applicant = app.login("applicant", DEMO_PASSWORD).await;
    let office = app.login("ziliujing", DEMO_PASSWORD).await;
    let staff = app.login("staff", DEMO_PASSWORD).await;

    let a = start(&applicant, "缓存一致性").await;
    let id = a["id"].as_str().unwrap().to_string();
    let path = format!("/applications/{id}");
    for _ in 0..3 {
        assert_eq!(applicant.get_json(&path).await["version"], 1);
    }
    let version = save(&applicant, &a, health_form(PI_45)).await;
    let read = applicant.get_json(&path).await;
    assert_eq!((read["version"].as_i64(), read["data"]["pi"]["id_number"].as_str()), (Some(version), Some(PI_45)));
    // Others' views of it follow too, and it stays private to those who may see it.
    let other_office = app.login("hightech", DEMO_PASSWORD).await;
    assert_eq!(other_office.get(&path).await.status(), 404);
    assert_eq!(submit(&applicant, &id, None).await.status(), 200);
    assert_eq!(office.get_json(&path).await["status"], "submitted");
    assert_eq!(applicant.get_json(&path).await["status"], "submitted");

    let status_in =
        |list: &Value| list.as_array().unwrap().iter().find(|x| x["id"] == id.as_str()).unwrap()["status"].clone();
    let queue = "/recommender/applications?call=zg2021";
    assert_eq!(status_in(&office.get_json(queue).await), "submitted");
    assert_eq!(status_in(&staff.get_json("/admin/applications?call=zg2021").await), "submitted");
    let res = office.post(&format!("/recommender/applications/{id}/recommend"), j!({})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(status_in(&office.get_json(queue).await), "recommended");
    assert_eq!(status_in(&staff.get_json("/admin/applications?call=zg2021").await), "recommended");
    // A filter is its own list: the accepted ones appear there as soon as one is accepted.
    let accepted = "/admin/applications?call=zg2021&status=accepted";
    assert_eq!(staff.get_json(accepted).await, j!([]));
    assert_eq!(staff.post(&format!("/admin/applications/{id}/accept"), j!({})).await.status(), 200);
    assert_eq!(staff.get_json(accepted).await.as_array().unwrap().len(), 1);
    assert_eq!(applicant.get_json(&path).await["status"], "accepted");
}
