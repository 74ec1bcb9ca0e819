//! Tests of the `kechuang` binary as operators run it.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use kc_db::ConnectionTrait;
use kc_testkit::{ADMIN_PASSWORD, ADMIN_USERNAME, TestApp, test_database_url};

const BIN: &str = env!("CARGO_BIN_EXE_kechuang");

fn kechuang(data_dir: &std::path::Path, database_url: &str) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env("KC_DATA_DIR", data_dir).env("KC_DATABASE_URL", database_url).env("RUST_LOG", "warn");
    cmd
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap()
}

struct Server(Child, String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn start(data_dir: &std::path::Path, database_url: &str, demo: bool) -> Server {
    let port = free_port();
    let mut cmd = kechuang(data_dir, database_url);
    cmd.args(["serve", "--listen", &format!("127.0.0.1:{port}")]);
    if demo {
        cmd.arg("--demo");
    }
    // Owned by `Server`, whose Drop kills and waits for it.
    let server =
        Server(cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap(), format!("http://127.0.0.1:{port}"));
    let base = server.1.clone();
    let client = reqwest::Client::new();
    for _ in 0..200 {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await
            && r.status() == 200
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("kechuang did not become ready on {base}");
}

#[tokio::test]
async fn a_session_from_one_process_is_accepted_by_another() {
    let dir = tempfile::tempdir().unwrap();
    let url = test_database_url()
        .await
        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", dir.path().join("shared.db").display()));
    let a = start(dir.path(), &url, true).await;
    let b = start(dir.path(), &url, false).await;

    let client = reqwest::Client::new();
    let res = client
        .post(format!("{}/api/v1/auth/login", a.1))
        .json(&serde_json::json!({ "login": ADMIN_USERNAME, "password": ADMIN_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookies: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|c| c.split(';').next().map(String::from))
        .collect();
    let cookie = cookies.join("; ");
    let csrf = cookies.iter().find_map(|c| c.strip_prefix("kc_csrf=")).unwrap().to_string();

    let res = client.get(format!("{}/api/v1/me", b.1)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(res.status(), 200, "process B accepts process A's session");
    let res = client.get(format!("{}/api/v1/me", a.1)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(res.status(), 200);
    // Log out everywhere through B; A no longer accepts the session.
    let res = client
        .post(format!("{}/api/v1/auth/logout-all", b.1))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let res = client.get(format!("{}/api/v1/me", b.1)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(res.status(), 401, "the replica that logged out forgets at once");
    // A may reuse its cached copy for `auth.session_cache_seconds` (2 s), no longer.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let res = client.get(format!("{}/api/v1/me", a.1)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(res.status(), 401, "the other replica sees the revocation within the cache time");
}

fn verify(dir: &std::path::Path, url: &str) -> (bool, String) {
    let out = kechuang(dir, url).args(["audit", "verify"]).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).to_string())
}

#[tokio::test]
async fn audit_verify_passes_fresh_and_fails_after_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let url = test_database_url()
        .await
        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", dir.path().join("audit.db").display()));
    let out = kechuang(dir.path(), &url).arg("migrate").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (ok, text) = verify(dir.path(), &url);
    assert!(ok, "fresh database: {text}");
    assert!(text.contains("0"), "{text}");

    // Make some history through the API on the app's own database.
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let username = crate::support::unique("shenji");
    assert_eq!(app.browser().post("/registrations", crate::support::registration(&username)).await.status(), 201);
    let page = admin.get_json(&format!("/admin/accounts?q={username}")).await;
    let id = page["items"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(
        admin.post(&format!("/admin/accounts/{id}/reject"), serde_json::json!({"reason": "材料不全"})).await.status(),
        200
    );

    let app_url = app.settings.effective_database_url();
    let (ok, text) = verify(app.dir.path(), &app_url);
    assert!(ok, "{text}");
    assert!(text.contains("3"), "three entries (org, account, reject): {text}");

    // Soften the rejection reason behind the platform's back.
    app.db.write().execute_unprepared("UPDATE audit_log SET reason = '已核实' WHERE action = 'reject'").await.unwrap();
    let (ok, text) = verify(app.dir.path(), &app_url);
    assert!(!ok, "tampering must be detected: {text}");
    assert!(text.contains("BROKEN"), "{text}");

    // Deleting the last entry is detected as well.
    app.db
        .write()
        .execute_unprepared("UPDATE audit_log SET reason = '材料不全' WHERE action = 'reject'")
        .await
        .unwrap();
    assert!(verify(app.dir.path(), &app_url).0, "restored");
    app.db.write().execute_unprepared("DELETE FROM audit_log WHERE action = 'reject'").await.unwrap();
    assert!(!verify(app.dir.path(), &app_url).0, "a removed entry must be detected");
}

#[tokio::test]
async fn the_zigong_call_file_round_trips_through_import_and_export() {
    let dir = tempfile::tempdir().unwrap();
    let url = test_database_url()
        .await
        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", dir.path().join("calls.db").display()));
    let file = dir.path().join("zigong.json");
    std::fs::write(&file, kc_api::demo::ZIGONG_2021_CALL).unwrap();

    let out = kechuang(dir.path(), &url).args(["call", "import"]).arg(&file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let exported = dir.path().join("exported.json");
    let out = kechuang(dir.path(), &url).args(["call", "export", "zg2021", "--out"]).arg(&exported).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let first = std::fs::read_to_string(&exported).unwrap();
    assert_eq!(first, kc_api::demo::ZIGONG_2021_CALL);

    // Import the export and export again: the same file.
    let out = kechuang(dir.path(), &url).args(["call", "import"]).arg(&exported).output().unwrap();
    assert!(out.status.success());
    let out = kechuang(dir.path(), &url).args(["call", "export", "zg2021"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), first);

    // A malformed rule is refused at import, naming the rule; nothing changes.
    let broken = first.replacen("applicant.age <= 60", "applicant.age <=", 1);
    std::fs::write(&file, broken).unwrap();
    let out = kechuang(dir.path(), &url).args(["call", "import"]).arg(&file).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("pi_age"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = kechuang(dir.path(), &url).args(["call", "export", "zg2021"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), first);
}

async fn login_cookie(base: &str, username: &str, password: &str) -> (String, String) {
    let res = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({ "login": username, "password": password }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookies: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|c| c.split(';').next().map(String::from))
        .collect();
    let csrf = cookies.iter().find_map(|c| c.strip_prefix("kc_csrf=")).unwrap().to_string();
    (cookies.join("; "), csrf)
}

#[tokio::test]
async fn an_acknowledged_draft_survives_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let url = test_database_url()
        .await
        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", dir.path().join("crash.db").display()));
    let mut server = start(dir.path(), &url, true).await;
    let (cookie, csrf) = login_cookie(&server.1, "researcher", kc_testkit::DEMO_PASSWORD).await;
    let client = reqwest::Client::new();
    let res = client
        .post(format!("{}/api/v1/applications", server.1))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .json(
            &serde_json::json!({ "call": "zg2021", "category": "medical", "subtype": "general", "title": "断电测试" }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let app: serde_json::Value = res.json().await.unwrap();
    let id = app["id"].as_str().unwrap().to_string();
    let data = serde_json::json!({ "project_name": "断电前刚保存的内容", "summary": "一字不差" });
    let res = client
        .put(format!("{}/api/v1/applications/{id}/draft", server.1))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({ "version": 1, "title": "断电测试", "data": data }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "the save is acknowledged");

    // SIGKILL: no shutdown handler runs.
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    let server = start(dir.path(), &url, false).await;
    let res =
        client.get(format!("{}/api/v1/applications/{id}", server.1)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let stored: serde_json::Value = res.json().await.unwrap();
    assert_eq!(stored["data"], data);
    assert_eq!(stored["version"], 2);
}
