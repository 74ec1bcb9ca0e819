//! Authentication and authorization in one place: password hashing, session and bearer
//! tokens, CSRF, and the extractors every handler uses to learn who is asking.

use std::marker::PhantomData;
use std::net::{IpAddr, SocketAddr};

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use kc_core::identity::{AccountStatus, Actor, Permission, Role, role_has};
use kc_db::entities::user;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "kc_session";
pub const CSRF_COOKIE: &str = "kc_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const TOKEN_PREFIX: &str = "kc_";

/// OWASP's argon2id parameters: 19 MiB, 2 passes, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password off the async executor (argon2 is deliberately slow).
pub async fn hash_password(password: String) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || argon2().hash_password(password.as_bytes()).map(|h| h.to_string()))
        .await
        .map_err(|_| ApiError::internal())?
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            ApiError::internal()
        })
}

/// Hashes synchronously; for CLI and demo loading only.
pub fn hash_password_blocking(password: &str) -> Option<String> {
    argon2().hash_password(password.as_bytes()).ok().map(|h| h.to_string())
}

/// Verifies off the executor. A malformed stored hash counts as a mismatch.
pub async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || argon2().verify_password(password.as_bytes(), hash.as_str()).is_ok())
        .await
        .unwrap_or(false)
}

/// 32 random bytes, URL-safe.
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Secrets are stored only as their SHA-256 (a leaked table grants nothing).
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The client's address, from the socket or, behind a trusted proxy, `X-Forwarded-For`.
pub fn client_ip(parts_headers: &HeaderMap, connect: Option<SocketAddr>, trust_forwarded: bool) -> Option<IpAddr> {
    if trust_forwarded
        && let Some(ip) = parts_headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return Some(ip);
    }
    connect.map(|a| a.ip())
}

pub fn session_cookies(state: &AppState, session_token: String, csrf: String) -> CookieJar {
    let secure = state.settings.auth.cookie_secure;
    let session = Cookie::build((SESSION_COOKIE, session_token))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .build();
    let csrf =
        Cookie::build((CSRF_COOKIE, csrf)).http_only(false).same_site(SameSite::Lax).secure(secure).path("/").build();
    CookieJar::new().add(session).add(csrf)
}

pub fn clear_cookies() -> CookieJar {
    CookieJar::new().remove(Cookie::build(SESSION_COOKIE).path("/")).remove(Cookie::build(CSRF_COOKIE).path("/"))
}

/// How the request was authenticated.
#[derive(Debug, Clone)]
pub enum Credential {
    Session { id_hash: String },
    Token { id: uuid::Uuid },
}

/// The authenticated, active user making the request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: user::Model,
    pub role: Role,
    pub credential: Credential,
}

impl CurrentUser {
    pub fn actor(&self) -> Actor {
        Actor { user_id: self.user.id, role: self.role, org_id: self.user.org_id }
    }

    pub fn can(&self, permission: Permission) -> bool {
        role_has(self.role, permission)
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(current) = parts.extensions.get::<CurrentUser>() {
            return Ok(current.clone());
        }
        let current = authenticate(parts, state).await?;
        parts.extensions.insert(current.clone());
        Ok(current)
    }
}

/// The current user if there is one; never rejects.
pub struct MaybeUser(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match CurrentUser::from_request_parts(parts, state).await {
            Ok(u) => Ok(MaybeUser(Some(u))),
            Err(e) if e.status == StatusCode::UNAUTHORIZED => Ok(MaybeUser(None)),
            Err(e) => Err(e),
        }
    }
}

async fn authenticate(parts: &mut Parts, state: &AppState) -> ApiResult<CurrentUser> {
    let now = state.clock.now();
    let bearer = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .map(String::from);

    let (user, credential) = if let Some(token) = bearer {
        let Some((t, u)) = kc_db::identity::api_token_with_user(state.db.read(), &token_hash(&token)).await? else {
            return Err(ApiError::unauthenticated());
        };
        if t.expires_at.is_some_and(|e| e <= now) {
            return Err(ApiError::unauthenticated());
        }
        if t.last_used_at.is_none_or(|l| now - l > chrono::Duration::minutes(5)) {
            kc_db::identity::touch_api_token(state.db.write(), t.id, now).await?;
        }
        (u, Credential::Token { id: t.id })
    } else {
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(raw) = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) else {
            return Err(ApiError::unauthenticated());
        };
        let id_hash = token_hash(&raw);
        let cached = state.sessions.as_ref().and_then(|c| c.get(&id_hash));
        let (s, u) = match cached {
            Some(hit) => hit,
            None => {
                let Some(found) = kc_db::identity::session_with_user(state.db.read(), &id_hash).await? else {
                    return Err(ApiError::unauthenticated());
                };
                if let Some(c) = &state.sessions {
                    c.insert(id_hash.clone(), found.clone());
                }
                found
            }
        };
        if s.expires_at <= now {
            kc_db::identity::delete_session(state.db.write(), &id_hash).await?;
            state.forget_session(&id_hash);
            return Err(ApiError::unauthenticated());
        }
        if !is_safe(&parts.method) {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if !sent.is_some_and(|sent| constant_time_eq(sent.as_bytes(), s.csrf_token.as_bytes())) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "csrf_failed",
                    "请求缺少安全校验信息，请刷新页面后重试",
                    "The request lacks its CSRF token; reload the page and try again",
                ));
            }
        }
        // Sliding expiry, written at most every five minutes to keep reads read-only.
        if now - s.last_seen_at > chrono::Duration::minutes(5) {
            let expires = now + chrono::Duration::minutes(state.settings.auth.session_idle_minutes);
            kc_db::identity::touch_session(state.db.write(), &id_hash, now, expires).await?;
            state.forget_session(&id_hash);
        }
        (u, Credential::Session { id_hash })
    };

    if user.status != AccountStatus::Active.as_str() {
        return Err(ApiError::unauthenticated());
    }
    let role = Role::parse(&user.role).ok_or_else(ApiError::internal)?;
    Ok(CurrentUser { user, role, credential })
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A permission as a type, so a handler states what it needs in its signature.
pub trait RequiredPermission: Send + Sync {
    const PERMISSION: Permission;
}

macro_rules! permission_marker {
    ($name:ident) => {
        pub struct $name;
        impl RequiredPermission for $name {
            const PERMISSION: Permission = Permission::$name;
        }
    };
}

permission_marker!(ManageAccounts);
permission_marker!(ManageOrganisations);
permission_marker!(ReadAudit);
permission_marker!(ReadOutbox);
permission_marker!(ReadDirectory);
permission_marker!(RecommendApplications);
permission_marker!(IntakeApplications);
permission_marker!(ManageCalls);
permission_marker!(ManageReview);
permission_marker!(ScoreReviews);
permission_marker!(ManageProjects);

/// An authenticated user holding permission `P`: 401 without a login, 403 without `P`.
pub struct Authorized<P: RequiredPermission> {
    pub user: CurrentUser,
    _p: PhantomData<P>,
}

impl<P: RequiredPermission> FromRequestParts<AppState> for Authorized<P> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        if !user.can(P::PERMISSION) {
            return Err(ApiError::forbidden());
        }
        Ok(Authorized { user, _p: PhantomData })
    }
}

/// The client address of the request.
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let connect = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
        Ok(ClientIp(client_ip(&parts.headers, connect, state.settings.trust_forwarded_for)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ_per_salt() {
        let a = hash_password("Kechuang#2026".into()).await.unwrap();
        let b = hash_password("Kechuang#2026".into()).await.unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("Kechuang#2026".into(), a.clone()).await);
        assert!(!verify_password("kechuang#2026".into(), a).await);
        assert!(!verify_password("x".into(), "not a hash".into()).await);
    }

    #[test]
    fn forwarded_for_only_when_trusted() {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", "203.0.113.9, 10.0.0.1".parse().unwrap());
        let sock: SocketAddr = "10.0.0.1:5000".parse().unwrap();
        assert_eq!(client_ip(&h, Some(sock), true), "203.0.113.9".parse().ok());
        assert_eq!(client_ip(&h, Some(sock), false), Some(sock.ip()));
    }
}
