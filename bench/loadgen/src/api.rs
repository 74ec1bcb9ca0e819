//! A thin client for the parts of the Kechuang API the benchmarks use.

use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

pub const SESSION_COOKIE: &str = "kc_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A logged-in session: the `kc_session` cookie value and the CSRF token the log-in returned
/// (state-changing requests send it as `X-CSRF-Token`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    pub session: String,
    pub csrf: String,
}

impl Session {
    pub fn cookie(&self) -> String {
        format!("{SESSION_COOKIE}={}", self.session)
    }
}

#[derive(Clone)]
pub struct Api {
    pub client: reqwest::Client,
    pub base: String,
}

/// What a request ended with: the status (or `None` for a transport error) and the body.
pub struct Outcome {
    pub status: Option<StatusCode>,
    pub body: Value,
}

impl Outcome {
    pub fn ok(&self) -> bool {
        self.status.is_some_and(|s| s.is_success())
    }

    /// "200", "409 stale_version", "transport error" …
    pub fn describe(&self) -> String {
        match self.status {
            None => "transport error".into(),
            Some(s) => match self.body.get("code").and_then(Value::as_str) {
                Some(code) => format!("{} {code}", s.as_u16()),
                None => s.as_u16().to_string(),
            },
        }
    }
}

impl Api {
    /// One HTTP/1.1 client whose pool keeps up to `connections` idle connections.
    pub fn new(base: &str, connections: usize) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(connections.max(1))
            .pool_idle_timeout(Duration::from_secs(300))
            .tcp_nodelay(true)
            .timeout(Duration::from_secs(120))
            .connect_timeout(Duration::from_secs(30))
            .build()
            .context("building the HTTP client")?;
        Ok(Self { client, base: base.trim_end_matches('/').to_string() })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    /// A request, authenticated with `session` when given (cookie, plus CSRF header).
    pub fn request(&self, method: Method, path: &str, session: Option<&Session>) -> RequestBuilder {
        let mut r = self.client.request(method, self.url(path));
        if let Some(s) = session {
            r = r.header(reqwest::header::COOKIE, s.cookie()).header(CSRF_HEADER, &s.csrf);
        }
        r
    }

    /// Sends and reads the whole body; a transport failure becomes an outcome, not an error.
    pub async fn send(&self, r: RequestBuilder) -> Outcome {
        match r.send().await {
            Ok(resp) => {
                let status = resp.status();
                let body = read_json(resp).await;
                Outcome { status: Some(status), body }
            }
            Err(e) => Outcome { status: None, body: json!({ "error": e.to_string() }) },
        }
    }

    /// Sends and requires a 2xx answer.
    pub async fn expect(&self, what: &str, r: RequestBuilder) -> anyhow::Result<Value> {
        let o = self.send(r).await;
        if o.ok() { Ok(o.body) } else { bail!("{what}: {} {}", o.describe(), o.body) }
    }

    pub async fn login(&self, login: &str, password: &str) -> anyhow::Result<Session> {
        let resp = self
            .request(Method::POST, "/auth/login", None)
            .json(&json!({ "login": login, "password": password }))
            .send()
            .await
            .with_context(|| format!("logging in as {login}"))?;
        let status = resp.status();
        let session =
            resp.headers().get_all(reqwest::header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|v| {
                v.split(';').next()?.trim().strip_prefix(&format!("{SESSION_COOKIE}=")).map(String::from)
            });
        let body = read_json(resp).await;
        if !status.is_success() {
            bail!("logging in as {login}: {status} {body}");
        }
        let session = session.ok_or_else(|| anyhow!("log-in of {login} set no {SESSION_COOKIE} cookie"))?;
        let csrf = body
            .get("csrf_token")
            .and_then(Value::as_str)
            .ok_or_else(|| anyhow!("log-in of {login} returned no csrf_token"))?
            .to_string();
        Ok(Session { session, csrf })
    }
}

async fn read_json(resp: Response) -> Value {
    match resp.bytes().await {
        Ok(b) if b.is_empty() => Value::Null,
        Ok(b) => serde_json::from_slice(&b).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&b).into())),
        Err(e) => json!({ "error": format!("reading the body: {e}") }),
    }
}

/// The `id` field of a JSON answer.
pub fn id_of(v: &Value) -> anyhow::Result<Uuid> {
    v.get("id").and_then(Value::as_str).and_then(|s| s.parse().ok()).ok_or_else(|| anyhow!("answer without id: {v}"))
}
