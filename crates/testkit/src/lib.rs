//! `TestApp::spawn()`: the real application on a random port, on SQLite in a temporary
//! directory, or on a fresh PostgreSQL database when `KC_TEST_PG_URL` is set.

use std::net::SocketAddr;
use std::sync::Arc;

use kc_api::clock::{Clock, SystemClock};
use kc_api::settings::Settings;
use kc_db::{ConnectionTrait, Db};
use reqwest::{Client, Method, Response};
use serde_json::Value;

pub use kc_api::demo::{ADMIN_PASSWORD, ADMIN_USERNAME, DEMO_PASSWORD};

pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub settings: Settings,
    /// The app's state, for running background passes (reminders) in tests.
    pub state: kc_api::AppState,
    /// The directory holding the SQLite file (kept alive for the test's duration).
    pub dir: tempfile::TempDir,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Creates an empty PostgreSQL database next to the one in `KC_TEST_PG_URL` and returns
/// its URL, so each test has a schema of its own.
pub async fn fresh_pg_database(admin_url: &str) -> anyhow::Result<String> {
    let name = format!("kc_t_{}", uuid::Uuid::now_v7().simple());
    let admin =
        Db::connect(&kc_db::DbOptions { url: admin_url.into(), max_connections: 1, sqlite_synchronous: "full".into() })
            .await?;
    admin.write().execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
    admin.close().await;
    let (head, tail) = admin_url.rsplit_once('/').ok_or_else(|| anyhow::anyhow!("bad KC_TEST_PG_URL"))?;
    let query = tail.split_once('?').map(|(_, q)| format!("?{q}")).unwrap_or_default();
    Ok(format!("{head}/{name}{query}"))
}

/// The database a test should use: a fresh PostgreSQL database, or `None` for SQLite.
pub async fn test_database_url() -> Option<String> {
    match std::env::var("KC_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => {
            Some(fresh_pg_database(&url).await.unwrap_or_else(|e| panic!("PostgreSQL test database: {e}")))
        }
        _ => None,
    }
}

impl TestApp {
    /// The app with demo data loaded.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}, Arc::new(SystemClock)).await
    }

    pub async fn spawn_with(configure: impl FnOnce(&mut Settings), clock: Arc<dyn Clock>) -> TestApp {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let mut settings = Settings { data_dir: dir.path().to_path_buf(), ..Settings::default() };
        settings.database_url = test_database_url().await;
        settings.database_max_connections = 4;
        // Tests log in often from one address; the rate limit has its own test.
        settings.auth.login_rate_per_minute = 10_000;
        settings.sqlite_synchronous = "normal".into();
        configure(&mut settings);
        let db = kc_api::connect(&settings).await.unwrap_or_else(|e| panic!("connect: {e}"));
        kc_api::demo::load(&db).await.unwrap_or_else(|e| panic!("demo data: {e}"));
        let storage =
            kc_storage::Storage::local(&settings.data_dir.join("files")).unwrap_or_else(|e| panic!("storage: {e}"));
        let state = kc_api::AppState::new(db.clone(), settings.clone(), clock, storage);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind: {e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("addr: {e}"));
        let app = kc_api::app(state.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await;
        });
        TestApp { base: format!("http://{addr}"), db, settings, state, dir, server }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    /// A client with its own cookie jar (a browser).
    pub fn browser(&self) -> Browser {
        Browser {
            client: Client::builder().cookie_store(true).build().unwrap_or_else(|e| panic!("client: {e}")),
            base: self.base.clone(),
            csrf: None,
        }
    }

    /// A browser logged in as `username`.
    pub async fn login(&self, username: &str, password: &str) -> Browser {
        let mut b = self.browser();
        let res = b.login(username, password).await;
        assert_eq!(res.status(), 200, "log-in of {username} failed: {}", res.text().await.unwrap_or_default());
        b
    }

    pub async fn admin(&self) -> Browser {
        self.login(ADMIN_USERNAME, ADMIN_PASSWORD).await
    }

    /// The id of a demo organisation by name.
    pub async fn org_id(&self, name: &str) -> uuid::Uuid {
        kc_db::identity::search_organisations(self.db.read(), name, 1)
            .await
            .ok()
            .and_then(|v| v.into_iter().next())
            .map(|o| o.id)
            .unwrap_or_else(|| panic!("no demo organisation {name}"))
    }
}

/// An HTTP client that behaves like the web app: cookies, and the CSRF header on changes.
pub struct Browser {
    pub client: Client,
    pub base: String,
    pub csrf: Option<String>,
}

impl Browser {
    pub async fn login(&mut self, login: &str, password: &str) -> Response {
        let res = self
            .client
            .post(format!("{}/api/v1/auth/login", self.base))
            .json(&serde_json::json!({ "login": login, "password": password }))
            .send()
            .await
            .unwrap_or_else(|e| panic!("request: {e}"));
        self.csrf = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| c.strip_prefix("kc_csrf="))
            .and_then(|c| c.split(';').next())
            .map(String::from)
            .or(self.csrf.take());
        res
    }

    pub async fn request(&self, method: Method, path: &str, body: Option<Value>) -> Response {
        let mut req = self.client.request(method.clone(), format!("{}/api/v1{path}", self.base));
        if method != Method::GET
            && let Some(csrf) = &self.csrf
        {
            req = req.header("x-csrf-token", csrf);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.unwrap_or_else(|e| panic!("request {path}: {e}"))
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.request(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Response {
        self.request(Method::PUT, path, Some(body)).await
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let res = self.get(path).await;
        let status = res.status();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "GET {path}: {status} {body}");
        body
    }
}

/// The body of a response as JSON (Null when not JSON).
pub async fn json(res: Response) -> Value {
    res.json().await.unwrap_or(Value::Null)
}
