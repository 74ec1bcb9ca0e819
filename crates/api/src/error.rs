//! API errors as RFC 9457 problem details with a stable code and Chinese and English text.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// One problem with one input field.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct FieldError {
    /// Dotted path of the field, e.g. `new_organisation.credit_code` or `row 3: username`.
    pub field: String,
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self { field: field.into(), code: code.into(), message_zh: zh.into(), message_en: en.into() }
    }
}

/// The problem+json body.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    /// Stable machine-readable code.
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Extra members (reason, locked_until, retry_after_seconds …).
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// An API error; boxed so that `Result<T, ApiError>` stays small.
#[derive(Debug)]
pub struct ApiError(Box<ApiErrorData>);

#[derive(Debug)]
pub struct ApiErrorData {
    pub status: StatusCode,
    pub code: &'static str,
    pub message_zh: String,
    pub message_en: String,
    pub errors: Vec<FieldError>,
    pub extra: serde_json::Map<String, serde_json::Value>,
    pub retry_after: Option<u64>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self(Box::new(ApiErrorData {
            status,
            code,
            message_zh: zh.into(),
            message_en: en.into(),
            errors: Vec::new(),
            extra: serde_json::Map::new(),
            retry_after: None,
        }))
    }

    pub fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.extra.insert(key.to_string(), value.into());
        self
    }

    /// Also reports the error's message as an error of `field`, so forms can mark it.
    pub fn on_field(mut self, field: &str) -> Self {
        let e = FieldError::new(field, "taken", self.message_zh.clone(), self.message_en.clone());
        self.errors.push(e);
        self
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "请检查标出的内容后再提交",
            "Please correct the highlighted fields and try again",
        );
        e.errors = errors;
        e
    }

    pub fn field(field: &str, code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::validation(vec![FieldError::new(field, code, zh, en)])
    }

    pub fn unauthenticated() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", "请先登录", "Please log in first")
    }

    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "您的账号没有执行此操作的权限",
            "Your account is not allowed to do this",
        )
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "未找到该记录", "No such record")
    }

    pub fn conflict(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, zh, en)
    }

    pub fn bad_request(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", zh, en)
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "服务器内部错误，已记录，请稍后再试；您填写的内容没有丢失",
            "Internal error, logged; please try again later. Nothing you entered was lost",
        )
    }

    pub fn problem(&self) -> Problem {
        Problem {
            type_: format!("https://kechuang.org.cn/problems/{}", self.code),
            title: self.message_en.clone(),
            status: self.status.as_u16(),
            code: self.code.to_string(),
            message_zh: self.message_zh.clone(),
            message_en: self.message_en.clone(),
            errors: self.errors.clone(),
            extra: self.extra.clone(),
        }
    }
}

impl std::ops::Deref for ApiError {
    type Target = ApiErrorData;
    fn deref(&self) -> &ApiErrorData {
        &self.0
    }
}

impl std::ops::DerefMut for ApiError {
    fn deref_mut(&mut self) -> &mut ApiErrorData {
        &mut self.0
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!(code = self.code, "{}", self.message_en);
        }
        let mut resp = (self.status, axum::Json(self.problem())).into_response();
        resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}

impl From<kc_db::DbError> for ApiError {
    fn from(err: kc_db::DbError) -> Self {
        match err {
            kc_db::DbError::NotFound => ApiError::not_found(),
            kc_db::DbError::Unique(_) => ApiError::conflict(
                "conflict",
                "该记录已存在（可能刚被其他人提交），请刷新后再试",
                "This record already exists (perhaps just submitted by someone else); refresh and try again",
            ),
            other => {
                tracing::error!(error = %other, "database error");
                ApiError::internal()
            }
        }
    }
}

impl From<kc_db::DbErr> for ApiError {
    fn from(err: kc_db::DbErr) -> Self {
        kc_db::DbError::classify(err).into()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let detail = rejection.body_text();
        match rejection {
            JsonRejection::MissingJsonContentType(_) => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "请求须为 JSON（Content-Type: application/json）",
                "The request must be JSON (Content-Type: application/json)",
            ),
            JsonRejection::JsonDataError(_) => {
                let mut e = ApiError::validation(vec![FieldError::new(
                    field_from_serde(&detail),
                    "invalid",
                    format!("内容格式不正确：{detail}"),
                    format!("Invalid value: {detail}"),
                )]);
                e.message_en = "The request does not match the expected fields".into();
                e
            }
            _ => ApiError::bad_request(
                format!("请求体不是有效的 JSON：{detail}"),
                format!("The request body is not valid JSON: {detail}"),
            ),
        }
    }
}

/// serde's messages read "…: field.path: message at line …"; keep the path when present.
fn field_from_serde(detail: &str) -> String {
    detail.split(": ").nth(1).filter(|p| !p.contains(' ')).unwrap_or("body").to_string()
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        let detail = rejection.body_text();
        ApiError::field(
            "query",
            "invalid",
            format!("查询参数不正确：{detail}"),
            format!("Invalid query parameters: {detail}"),
        )
    }
}

impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> Self {
        ApiError::not_found()
    }
}

/// Collects field errors during validation.
#[derive(Debug, Default)]
pub struct Validator {
    pub errors: Vec<FieldError>,
}

impl Validator {
    pub fn add(&mut self, field: &str, code: &str, zh: impl Into<String>, en: impl Into<String>) {
        self.errors.push(FieldError::new(field, code, zh, en));
    }

    /// A required text between `min` and `max` characters (after trimming).
    pub fn text(&mut self, field: &str, value: &str, label_zh: &str, min: usize, max: usize) {
        let n = value.trim().chars().count();
        if n == 0 && min > 0 {
            self.add(field, "required", format!("请填写{label_zh}"), format!("{field} is required"));
        } else if n < min || n > max {
            self.add(
                field,
                "length",
                format!("{label_zh}应为 {min}–{max} 个字符"),
                format!("{field} must have {min}–{max} characters"),
            );
        }
    }

    /// A required text of at most `max` characters, trimmed; returns the trimmed text. The
    /// messages name the field by its Chinese and English labels.
    pub fn required(&mut self, field: &str, value: &str, max: usize, zh: &str, en: &str) -> String {
        let v = value.trim().to_string();
        if v.is_empty() {
            self.add(field, "required", format!("请填写{zh}"), format!("{en} is required"));
        } else if v.chars().count() > max {
            self.add(
                field,
                "too_long",
                format!("{zh}不能超过 {max} 个字"),
                format!("{en} must be at most {max} characters"),
            );
        }
        v
    }

    pub fn finish(self) -> ApiResult<()> {
        if self.errors.is_empty() { Ok(()) } else { Err(ApiError::validation(self.errors)) }
    }
}

#[cfg(test)]
mod validator_tests {
    use super::Validator;

    #[test]
    fn required_text_trims_and_limits() {
        let mut e = Validator::default();
        assert_eq!(e.required("f", "  x ", 3, "内容", "It"), "x");
        assert!(e.errors.is_empty());
        e.required("f", "   ", 3, "内容", "It");
        e.required("g", "abcd", 3, "内容", "It");
        assert_eq!(e.errors.iter().map(|x| x.code.as_str()).collect::<Vec<_>>(), ["required", "too_long"]);
        assert_eq!(e.errors[0].message_en, "It is required");
    }
}
