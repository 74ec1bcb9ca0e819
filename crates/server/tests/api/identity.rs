use kc_testkit::{Browser, DEMO_PASSWORD, TestApp, json};
use reqwest::Method;
use serde_json::{Value, json as j};

use crate::support::{fresh_credit_code, registration, unique};

async fn pending_id(admin: &Browser, username: &str) -> String {
    let page = admin.get_json(&format!("/admin/accounts?status=pending&q={username}")).await;
    page["items"]
        .as_array()
        .and_then(|items| items.iter().find(|a| a["username"] == username))
        .map(|a| a["id"].as_str().unwrap_or_default().to_string())
        .unwrap_or_else(|| panic!("{username} not in the approval queue: {page}"))
}

#[tokio::test]
async fn register_pending_approve_login() {
    let app = TestApp::spawn().await;
    let username = unique("qiye");
    let res = app.browser().post("/registrations", registration(&username)).await;
    assert_eq!(res.status(), 201);
    let body = json(res).await;
    assert_eq!(body["status"], "pending");

    // Pending: the log-in is refused with the reason.
    let mut applicant = app.browser();
    let res = applicant.login(&username, "Shenbao#2026").await;
    assert_eq!(res.status(), 403);
    let problem = json(res).await;
    assert_eq!(problem["code"], "account_pending");
    assert!(problem["message_zh"].as_str().unwrap_or("").contains("审核"));

    // The rules routed the new Ziliujing enterprise to the Ziliujing district office.
    let admin = app.admin().await;
    let id = pending_id(&admin, &username).await;
    let account = admin.get_json(&format!("/admin/accounts/{id}")).await;
    assert_eq!(account["recommender"]["name"], "自流井区科学技术局");

    let res = admin.post(&format!("/admin/accounts/{id}/approve"), j!({})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(json(res).await["status"], "active");

    let res = applicant.login(&username, "Shenbao#2026").await;
    assert_eq!(res.status(), 200);
    let me = applicant.get_json("/me").await;
    assert_eq!(me["username"], username.as_str());
    assert_eq!(me["status"], "active");
    assert_eq!(me["permissions"], j!([]));

    // Mails went to the outbox: received, then approved.
    let outbox = admin.get_json("/admin/outbox?per_page=50").await;
    let to_applicant: Vec<&Value> =
        outbox["items"].as_array().unwrap().iter().filter(|m| m["to"] == format!("{username}@example.com")).collect();
    assert_eq!(to_applicant.len(), 2, "{outbox}");

    // Every step is in the audit log.
    let audit = admin.get_json(&format!("/admin/audit-events?entity_type=account&entity_id={id}")).await;
    let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions, vec!["approve", "register"]);
    assert_eq!(audit["items"][0]["before"]["status"], "pending");
    assert_eq!(audit["items"][0]["after"]["status"], "active");
}

#[tokio::test]
async fn rejection_reason_is_shown_at_login_and_mailed() {
    let app = TestApp::spawn().await;
    let username = unique("bohui");
    assert_eq!(app.browser().post("/registrations", registration(&username)).await.status(), 201);
    let admin = app.admin().await;
    let id = pending_id(&admin, &username).await;

    let res = admin.post(&format!("/admin/accounts/{id}/reject"), j!({ "reason": "  " })).await;
    assert_eq!(res.status(), 422, "a rejection needs a reason");
    let res = admin.post(&format!("/admin/accounts/{id}/reject"), j!({ "reason": "营业执照与单位名称不符" })).await;
    assert_eq!(res.status(), 200);

    let res = app.browser().login(&username, "Shenbao#2026").await;
    assert_eq!(res.status(), 403);
    let problem = json(res).await;
    assert_eq!(problem["code"], "account_rejected");
    assert_eq!(problem["reason"], "营业执照与单位名称不符");

    let outbox = admin.get_json("/admin/outbox").await;
    assert!(outbox["items"].as_array().unwrap().iter().any(|m| m["to"] == format!("{username}@example.com")
        && m["body"].as_str().unwrap_or("").contains("营业执照与单位名称不符")));

    // A decided account cannot be decided again.
    let res = admin.post(&format!("/admin/accounts/{id}/approve"), j!({})).await;
    assert_eq!(res.status(), 409);
}

#[tokio::test]
async fn duplicate_username_is_refused() {
    let app = TestApp::spawn().await;
    let res = app.browser().post("/registrations", registration("applicant")).await;
    assert_eq!(res.status(), 409);
    let problem = json(res).await;
    assert_eq!(problem["code"], "username_taken");
    assert_eq!(problem["errors"][0]["field"], "username");

    // Case does not make a new name.
    let res = app.browser().post("/registrations", registration("Applicant")).await;
    assert_eq!(res.status(), 409);
}

#[tokio::test]
async fn invalid_credit_code_names_the_field_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let username = unique("cuowu");
    let mut body = registration(&username);
    let mut code = fresh_credit_code();
    let last = code.pop().unwrap_or('0');
    code.push(if last == '0' { '1' } else { '0' });
    body["new_organisation"]["credit_code"] = j!(code);
    let res = app.browser().post("/registrations", body).await;
    assert_eq!(res.status(), 422);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let problem = json(res).await;
    assert_eq!(problem["code"], "validation_failed");
    let err = &problem["errors"][0];
    assert_eq!(err["field"], "new_organisation.credit_code");
    assert!(err["message_zh"].as_str().unwrap_or("").contains("校验位"));
    assert!(err["message_en"].as_str().unwrap_or("").contains("check digit"));

    let admin = app.admin().await;
    let page = admin.get_json(&format!("/admin/accounts?q={username}")).await;
    assert_eq!(page["total"], 0);
}

#[tokio::test]
async fn registration_lists_every_problem_at_once() {
    let app = TestApp::spawn().await;
    let res = app
        .browser()
        .post(
            "/registrations",
            j!({
                "account_type": "bureau_admin", "username": "X", "password": "short",
                "display_name": "", "email": "not-mail", "phone": "123"
            }),
        )
        .await;
    assert_eq!(res.status(), 422);
    let problem = json(res).await;
    let fields: Vec<&str> = problem["errors"].as_array().unwrap().iter().filter_map(|e| e["field"].as_str()).collect();
    for f in ["account_type", "username", "display_name", "email", "phone", "password", "organisation_id"] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }

    // Malformed JSON is a problem too, never a 500.
    let res = app
        .browser()
        .client
        .post(app.url("/registrations"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(json(res).await["code"], "bad_request");
}

#[tokio::test]
async fn lockout_after_repeated_failures() {
    let app = TestApp::spawn().await;
    let mut b = app.browser();
    for attempt in 1..=4 {
        let res = b.login("applicant", "Wrong#password1").await;
        assert_eq!(res.status(), 401, "attempt {attempt}");
        assert_eq!(json(res).await["code"], "invalid_credentials");
    }
    let res = b.login("applicant", "Wrong#password1").await;
    assert_eq!(res.status(), 423);
    let problem = json(res).await;
    assert_eq!(problem["code"], "account_locked");
    assert!(problem["locked_until"].is_string());
    // Even the right password is refused while locked.
    let res = b.login("applicant", DEMO_PASSWORD).await;
    assert_eq!(res.status(), 423);

    let admin = app.admin().await;
    let audit = admin.get_json("/admin/audit-events?action=lock").await;
    assert_eq!(audit["total"], 1);
}

#[tokio::test]
async fn lockout_expires_with_the_clock() {
    let clock = std::sync::Arc::new(kc_api::clock::ManualClock::new(chrono::Utc::now()));
    let app = TestApp::spawn_with(|s| s.auth.lockout_threshold = 2, clock.clone()).await;
    let mut b = app.browser();
    assert_eq!(b.login("expert", "Wrong#password1").await.status(), 401);
    assert_eq!(b.login("expert", "Wrong#password1").await.status(), 423);
    clock.advance(chrono::Duration::minutes(14));
    assert_eq!(b.login("expert", DEMO_PASSWORD).await.status(), 423);
    clock.advance(chrono::Duration::minutes(2));
    assert_eq!(b.login("expert", DEMO_PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn login_rate_limit_per_address() {
    let app =
        TestApp::spawn_with(|s| s.auth.login_rate_per_minute = 3, std::sync::Arc::new(kc_api::clock::SystemClock))
            .await;
    let mut b = app.browser();
    for _ in 0..3 {
        assert_eq!(b.login("nobody", "Wrong#password1").await.status(), 401);
    }
    let res = b.login("nobody", "Wrong#password1").await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    assert_eq!(json(res).await["code"], "rate_limited");
}

#[tokio::test]
async fn state_change_without_csrf_header_is_refused() {
    let app = TestApp::spawn().await;
    let mut admin = app.admin().await;
    let id = app.org_id("自贡市科学技术局").await;
    let _ = id;
    let csrf = admin.csrf.take();
    let res = admin.post("/auth/logout-all", j!({})).await;
    assert_eq!(res.status(), 403);
    assert_eq!(json(res).await["code"], "csrf_failed");
    // A wrong token is no better.
    admin.csrf = Some("forged".into());
    assert_eq!(admin.post("/auth/logout-all", j!({})).await.status(), 403);
    // Reads need no token; the session is still valid.
    assert_eq!(admin.get("/me").await.status(), 200);
    admin.csrf = csrf;
    assert_eq!(admin.post("/auth/logout-all", j!({})).await.status(), 204);
    assert_eq!(admin.get("/me").await.status(), 401);
}

/// Every admin path of the OpenAPI document, with ids filled in.
fn admin_operations(doc: &Value) -> Vec<(Method, String)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.starts_with("/admin/") {
            continue;
        }
        for method in item.as_object().unwrap().keys() {
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            ops.push((m, path.replace("{id}", &uuid::Uuid::now_v7().to_string())));
        }
    }
    ops
}

#[tokio::test]
async fn admin_endpoints_answer_401_then_403() {
    let app = TestApp::spawn().await;
    let doc: Value = serde_json::to_value(kc_api::openapi()).unwrap();
    let ops = admin_operations(&doc);
    assert!(ops.len() >= 15, "only {} admin operations", ops.len());
    let anonymous = app.browser();
    for role in ["applicant", "researcher", "ziliujing", "expert", "concierge"] {
        let b = app.login(role, DEMO_PASSWORD).await;
        for (method, path) in &ops {
            let body = (*method != Method::GET).then(|| j!({}));
            let res = anonymous.request(method.clone(), path, body.clone()).await;
            assert_eq!(res.status(), 401, "{method} {path} unauthenticated");
            let res = b.request(method.clone(), path, body).await;
            assert_eq!(res.status(), 403, "{method} {path} as {role}");
            assert_eq!(json(res).await["code"], "forbidden");
        }
    }
    // Bureau staff read the directory but not the outbox (it holds reset links).
    let staff = app.login("staff", DEMO_PASSWORD).await;
    assert_eq!(staff.get("/admin/accounts").await.status(), 200);
    assert_eq!(staff.get("/admin/outbox").await.status(), 403);
}

#[tokio::test]
async fn one_user_cannot_read_another_account() {
    let app = TestApp::spawn().await;
    let applicant = app.login("applicant", DEMO_PASSWORD).await;
    let researcher = app.login("researcher", DEMO_PASSWORD).await;
    let mine = applicant.get_json("/me").await["id"].as_str().unwrap().to_string();
    let theirs = researcher.get_json("/me").await["id"].as_str().unwrap().to_string();
    assert_eq!(applicant.get(&format!("/accounts/{mine}")).await.status(), 200);
    let res = applicant.get(&format!("/accounts/{theirs}")).await;
    assert_eq!(res.status(), 404);
    assert_eq!(json(res).await["code"], "not_found");
    let staff = app.login("staff", DEMO_PASSWORD).await;
    assert_eq!(staff.get(&format!("/accounts/{theirs}")).await.status(), 200);
    assert_eq!(app.browser().get(&format!("/accounts/{theirs}")).await.status(), 401);
}

#[tokio::test]
async fn existing_organisation_and_suggested_recommender() {
    let app = TestApp::spawn().await;
    let suse = app.org_id("四川轻化工大学").await;
    let b = app.browser();
    let s = b.get_json(&format!("/public/recommender-suggestion?organisation_id={suse}")).await;
    assert_eq!(s["recommender_name"], "四川轻化工大学");
    let s = b.get_json("/public/recommender-suggestion?org_type=research_institute").await;
    assert_eq!(s["recommender_name"], "自贡市科学技术局");
    let res = b.get("/public/recommender-suggestion?org_type=enterprise&district=999999").await;
    assert_eq!(res.status(), 422);
    assert_eq!(json(res).await["code"], "no_route");

    let username = unique("pi");
    let n = uuid::Uuid::now_v7().as_u128() % 100_000_000;
    let res = b
        .post(
            "/registrations",
            j!({
                "account_type": "individual_applicant", "username": username, "password": "Keyan#2026ab",
                "display_name": "王老师", "email": format!("{username}@suse.edu.cn"), "phone": format!("137{n:08}"),
                "organisation_id": suse
            }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let admin = app.admin().await;
    let id = pending_id(&admin, &username).await;
    let account = admin.get_json(&format!("/admin/accounts/{id}")).await;
    assert_eq!(account["organisation"]["name"], "四川轻化工大学");
    assert_eq!(account["recommender"]["name"], "四川轻化工大学");
    assert_eq!(account["role"], "individual_applicant");
}

#[tokio::test]
async fn bureau_issues_accounts_and_imports_excel() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let office = app.org_id("贡井区科学技术局").await;
    let res = admin
        .post(
            "/admin/accounts",
            j!({ "username": "gongjing", "password": "Quxian#2026ab", "display_name": "贡井区科技局",
                 "role": "recommender", "organisation_id": office }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let b = app.login("gongjing", "Quxian#2026ab").await;
    assert_eq!(b.get_json("/me").await["recommender"]["name"], "贡井区科学技术局");

    // A recommender account must belong to a recommending unit.
    let firm = app.org_id("自贡晨光新材料有限公司").await;
    let res = admin
        .post(
            "/admin/accounts",
            j!({ "username": "fake", "password": "Fakefake#2026", "display_name": "x", "role": "recommender", "organisation_id": firm }),
        )
        .await;
    assert_eq!(res.status(), 422);

    // Excel import: the template round-trips; one bad row refuses the whole file.
    let template = admin.get("/admin/accounts/import-template").await;
    assert_eq!(template.status(), 200);
    let upload = |rows: Vec<[&str; 8]>| {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (r, row) in
            std::iter::once(["用户名", "姓名", "角色", "单位统一社会信用代码", "科室", "邮箱", "手机", "初始密码"])
                .chain(rows)
                .enumerate()
        {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
        wb.save_to_buffer().unwrap()
    };
    let send = |bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new()
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name("accounts.xlsx"));
        admin
            .client
            .post(app.url("/admin/accounts/import"))
            .header("x-csrf-token", admin.csrf.clone().unwrap_or_default())
            .multipart(form)
            .send()
    };
    let bad = upload(vec![
        ["expert2", "赵专家", "专家", "", "", "expert2@example.com", "13900000001", "Zhuanjia#2026"],
        ["staff2", "钱科员", "科技局工作人员", "", "", "", "", "Keyuan#2026x"],
    ]);
    let res = send(bad).await.unwrap();
    assert_eq!(res.status(), 422);
    let problem = json(res).await;
    assert_eq!(problem["errors"][0]["field"], "row 3: department");
    assert_eq!(admin.get_json("/admin/accounts?q=expert2").await["total"], 0, "nothing imported");

    let good = upload(vec![
        ["expert2", "赵专家", "专家", "", "", "expert2@example.com", "13900000001", "Zhuanjia#2026"],
        ["staff2", "钱科员", "科技局工作人员", "", "创新科", "", "", "Keyuan#2026x"],
    ]);
    let res = send(good).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(json(res).await["created"], 2);
    assert_eq!(app.login("staff2", "Keyuan#2026x").await.get_json("/me").await["department"], "创新科");
}

#[tokio::test]
async fn organisations_are_validated_audited_and_exported() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let code = fresh_credit_code();
    let res = admin
        .post(
            "/admin/organisations",
            j!({ "name": "自贡新材料研究院", "credit_code": code, "org_type": "research_institute",
                 "district": "510304", "certifications": [
                    { "kind": "tech_sme", "valid_from": "2025-01-01", "valid_until": "2024-01-01" } ] }),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(json(res).await["errors"][0]["field"], "certifications.0.valid_until");

    let res = admin
        .post(
            "/admin/organisations",
            j!({ "name": "自贡新材料研究院", "credit_code": code, "org_type": "research_institute", "district": "510304",
                 "certifications": [ { "kind": "tech_sme", "valid_from": "2025-01-01", "valid_until": "2027-12-31" } ] }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let org = json(res).await;
    // Research institutes are routed to the bureau by the rules.
    assert_eq!(org["recommender"]["name"], "自贡市科学技术局");
    assert_eq!(org["certifications"][0]["kind"], "tech_sme");

    let res =
        admin.post("/admin/organisations", j!({ "name": "重复", "credit_code": code, "org_type": "enterprise" })).await;
    assert_eq!(res.status(), 409);
    assert_eq!(json(res).await["code"], "credit_code_taken");

    let id = org["id"].as_str().unwrap();
    let res = admin
        .put(
            &format!("/admin/organisations/{id}"),
            j!({ "name": "自贡新材料研究院（更名）", "credit_code": code,
            "org_type": "research_institute", "district": "510304", "credit_status": "penalty" }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let audit = admin.get_json(&format!("/admin/audit-events?entity_type=organisation&entity_id={id}")).await;
    assert_eq!(audit["items"][0]["action"], "update");
    assert_eq!(audit["items"][0]["before"]["name"], "自贡新材料研究院");
    assert_eq!(audit["items"][0]["after"]["credit_status"], "penalty");

    let res = admin.get("/admin/organisations/export?org_type=research_institute").await;
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap();
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows[0][0], "单位名称");
    assert_eq!(rows.len(), 2, "only the filtered organisation: {rows:?}");
    assert_eq!(rows[1][0], "自贡新材料研究院（更名）");
    assert_eq!(rows[1][2], "科研院所");
}

#[tokio::test]
async fn password_reset_by_mailed_token_and_change() {
    let app = TestApp::spawn().await;
    let anon = app.browser();
    assert_eq!(anon.post("/auth/password/forgot", j!({ "login": "researcher" })).await.status(), 202);
    assert_eq!(anon.post("/auth/password/forgot", j!({ "login": "nobody-here" })).await.status(), 202);
    let admin = app.admin().await;
    let outbox = admin.get_json("/admin/outbox").await;
    let body = outbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["to"] == "researcher@demo.kechuang.local")
        .and_then(|m| m["body"].as_str())
        .unwrap()
        .to_string();
    let token = body.split("token=").nth(1).unwrap().split_whitespace().next().unwrap().to_string();

    let res = anon.post("/auth/password/reset", j!({ "token": token, "new_password": "weak" })).await;
    assert_eq!(res.status(), 422, "a weak password does not spend the token");
    let res = anon.post("/auth/password/reset", j!({ "token": token, "new_password": "Xinmima#2026" })).await;
    assert_eq!(res.status(), 204);
    let res = anon.post("/auth/password/reset", j!({ "token": token, "new_password": "Xinmima#2027" })).await;
    assert_eq!(res.status(), 422, "tokens work once");

    let mut b = app.browser();
    assert_eq!(b.login("researcher", DEMO_PASSWORD).await.status(), 401);
    assert_eq!(b.login("researcher", "Xinmima#2026").await.status(), 200);
    let res =
        b.post("/auth/password/change", j!({ "current_password": "wrong", "new_password": "Another#2026" })).await;
    assert_eq!(res.status(), 422);
    assert_eq!(json(res).await["errors"][0]["field"], "current_password");
    let res = b
        .post("/auth/password/change", j!({ "current_password": "Xinmima#2026", "new_password": "Another#2026" }))
        .await;
    assert_eq!(res.status(), 204);
}

#[tokio::test]
async fn api_tokens_authenticate_without_csrf() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let res = admin.post("/me/api-tokens", j!({ "name": "数据中台", "expires_in_days": 30 })).await;
    assert_eq!(res.status(), 201);
    let created = json(res).await;
    let token = created["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("kc_"));
    let client = reqwest::Client::new();
    let res = client.get(app.url("/admin/accounts")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let listed = admin.get_json("/me/api-tokens").await;
    assert!(listed[0].get("token").is_none(), "secrets are never listed");
    let id = created["id"].as_str().unwrap();
    assert_eq!(admin.request(Method::DELETE, &format!("/me/api-tokens/{id}"), None).await.status(), 204);
    let res = client.get(app.url("/me")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn disabled_accounts_lose_their_sessions() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let expert = app.login("expert", DEMO_PASSWORD).await;
    let id = expert.get_json("/me").await["id"].as_str().unwrap().to_string();
    let res = admin.post(&format!("/admin/accounts/{id}/disable"), j!({ "reason": "退休" })).await;
    assert_eq!(res.status(), 200);
    assert_eq!(expert.get("/me").await.status(), 401);
    let res = app.browser().login("expert", DEMO_PASSWORD).await;
    assert_eq!(json(res).await["code"], "account_disabled");
    assert_eq!(admin.post(&format!("/admin/accounts/{id}/enable"), j!({})).await.status(), 200);
    assert_eq!(app.browser().login("expert", DEMO_PASSWORD).await.status(), 200);
}
