use kc_testkit::{TestApp, json};
use reqwest::Method;
use serde_json::Value;

/// Every operation the product serves. Adding a route means adding it here; the test
/// then fails until the route is documented, and fails if a documented route is not served.
const ROUTES: &[(&str, &str)] = &[
    ("GET", "/ping"),
    ("POST", "/auth/login"),
    ("POST", "/auth/logout"),
    ("POST", "/auth/logout-all"),
    ("POST", "/auth/password/change"),
    ("POST", "/auth/password/forgot"),
    ("POST", "/auth/password/reset"),
    ("GET", "/me"),
    ("GET", "/me/api-tokens"),
    ("POST", "/me/api-tokens"),
    ("DELETE", "/me/api-tokens/{id}"),
    ("GET", "/public/districts"),
    ("GET", "/public/recommenders"),
    ("GET", "/public/organisations"),
    ("GET", "/public/recommender-suggestion"),
    ("GET", "/public/certification-kinds"),
    ("POST", "/registrations"),
    ("GET", "/accounts/{id}"),
    ("GET", "/admin/accounts"),
    ("POST", "/admin/accounts"),
    ("GET", "/admin/accounts/export"),
    ("POST", "/admin/accounts/import"),
    ("GET", "/admin/accounts/import-template"),
    ("GET", "/admin/accounts/{id}"),
    ("POST", "/admin/accounts/{id}/approve"),
    ("POST", "/admin/accounts/{id}/reject"),
    ("POST", "/admin/accounts/{id}/disable"),
    ("POST", "/admin/accounts/{id}/enable"),
    ("GET", "/admin/organisations"),
    ("POST", "/admin/organisations"),
    ("GET", "/admin/organisations/export"),
    ("GET", "/admin/organisations/{id}"),
    ("PUT", "/admin/organisations/{id}"),
    ("GET", "/admin/routing-rules"),
    ("PUT", "/admin/routing-rules"),
    ("GET", "/admin/audit-events"),
    ("GET", "/admin/outbox"),
    ("GET", "/calls"),
    ("POST", "/applications"),
    ("GET", "/applications/{id}"),
    ("GET", "/me/applications"),
    ("PUT", "/applications/{id}/draft"),
    ("GET", "/applications/{id}/eligibility"),
    ("POST", "/applications/{id}/submit"),
    ("POST", "/applications/{id}/attachments"),
    ("GET", "/applications/{id}/attachments"),
    ("GET", "/attachments/{id}"),
    ("GET", "/recommender/applications"),
    ("POST", "/recommender/applications/{id}/recommend"),
    ("POST", "/recommender/applications/{id}/return"),
    ("POST", "/recommender/applications/{id}/decline"),
    ("POST", "/recommender/applications/{id}/paper-copies"),
    ("GET", "/recommender/summary-table"),
    ("GET", "/recommender/recommendation-documents"),
    ("GET", "/recommender/quota-use"),
    ("GET", "/admin/applications"),
    ("GET", "/admin/applications/counters"),
    ("GET", "/admin/applications/export"),
    ("POST", "/admin/applications/{id}/accept"),
    ("POST", "/admin/applications/{id}/reject"),
    ("GET", "/calls/{code}"),
    ("PUT", "/admin/calls/{code}"),
    ("GET", "/admin/calls/{code}/extensions"),
    ("PUT", "/admin/calls/{code}/extensions/{applicant_id}"),
    ("GET", "/applications/{id}/timeline"),
    ("GET", "/me/notifications"),
    ("POST", "/me/notifications/{id}/read"),
    ("POST", "/me/notifications/read-all"),
    ("GET", "/me/notification-preferences"),
    ("PUT", "/me/notification-preferences"),
    // Expert pool and review rounds (experts.rs, rounds.rs).
    ("GET", "/review-fields"),
    ("GET", "/admin/experts"),
    ("POST", "/admin/experts"),
    ("PUT", "/admin/experts/{id}"),
    ("GET", "/admin/experts/template"),
    ("POST", "/admin/experts/import"),
    ("GET", "/me/expert-profile"),
    ("PUT", "/me/expert-profile"),
    ("GET", "/admin/review-rounds"),
    ("POST", "/admin/review-rounds"),
    ("GET", "/admin/review-rounds/{id}"),
    ("POST", "/admin/review-rounds/{id}/close"),
    ("GET", "/admin/review-rounds/{id}/board"),
    ("POST", "/admin/review-rounds/{id}/assignments"),
    ("DELETE", "/admin/review-assignments/{id}"),
    ("GET", "/admin/review-assignments/{id}/history"),
    ("POST", "/admin/review-rounds/{id}/auto-assign"),
    ("POST", "/admin/review-rounds/{id}/draw"),
    ("GET", "/admin/review-rounds/{id}/draws"),
    ("POST", "/admin/review-rounds/{id}/remind"),
    ("GET", "/admin/review-rounds/{id}/ranking"),
    ("GET", "/admin/review-rounds/{id}/ranking/export"),
    ("GET", "/expert/assignments"),
    ("GET", "/expert/assignments/{id}"),
    ("PUT", "/expert/assignments/{id}/scores"),
    ("POST", "/expert/assignments/{id}/conflict"),
    ("POST", "/expert/assignments/{id}/abstain"),
    // End of expert pool and review rounds.
    // Funding decisions and projects (awards.rs, projects.rs).
    ("GET", "/admin/applications/{id}/site-visit"),
    ("PUT", "/admin/applications/{id}/site-visit"),
    ("PUT", "/admin/applications/{id}/funding"),
    ("DELETE", "/admin/applications/{id}/funding"),
    ("GET", "/admin/calls/{code}/funding"),
    ("GET", "/admin/calls/{code}/notices"),
    ("POST", "/admin/calls/{code}/notices"),
    ("GET", "/notices"),
    ("GET", "/notices/{id}"),
    ("POST", "/notices/{id}/objections"),
    ("GET", "/admin/notices/{id}/objections"),
    ("POST", "/admin/objections/{id}/resolve"),
    ("POST", "/admin/notices/{id}/award"),
    ("GET", "/projects"),
    ("GET", "/projects/{id}"),
    ("PUT", "/projects/{id}/contract"),
    ("POST", "/projects/{id}/contract/{action}"),
    ("GET", "/projects/{id}/contract/export"),
    ("POST", "/projects/{id}/disbursements"),
    ("GET", "/projects/{id}/reports/{kind}"),
    ("PUT", "/projects/{id}/reports/{kind}"),
    ("POST", "/projects/{id}/reports/{kind}/{action}"),
    ("POST", "/projects/{id}/close"),
    // End of funding decisions and projects.
];

fn documented(doc: &Value) -> Vec<(String, String)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            ops.push((method.to_uppercase(), path.clone()));
        }
    }
    ops.sort();
    ops
}

#[tokio::test]
async fn every_route_is_documented_and_every_documented_route_is_served() {
    let app = TestApp::spawn().await;
    let res = app.browser().get("/openapi.json").await;
    assert_eq!(res.status(), 200);
    let doc = json(res).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let ops = documented(&doc);
    // Generated clients name functions after operation ids: two alike break them.
    let mut ids: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|op| op["operationId"].as_str())
        .collect();
    ids.sort();
    let before = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), before, "operation ids must be unique");
    for (method, path) in ROUTES {
        assert!(
            ops.contains(&(method.to_string(), path.to_string())),
            "{method} {path} is served but missing from the OpenAPI document"
        );
    }
    let b = app.browser();
    for (method, path) in &ops {
        assert!(
            ROUTES.contains(&(method.as_str(), path.as_str())),
            "{method} {path} is documented but not in the route list"
        );
        let concrete = path.replace("{id}", &uuid::Uuid::now_v7().to_string());
        let m = Method::from_bytes(method.as_bytes()).unwrap();
        let res = b.request(m, &concrete, None).await;
        let body = json(res).await;
        assert_ne!(body["code"], "no_such_endpoint", "{method} {path} is documented but not served");
    }
    // An unknown path under the API is a problem, not the web app.
    let res = b.get("/no/such/thing").await;
    assert_eq!(res.status(), 404);
    assert_eq!(json(res).await["code"], "no_such_endpoint");
}

#[tokio::test]
async fn docs_page_works_offline_and_web_app_falls_back() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::new();
    let res = client.get(format!("{}/api/v1/docs/", app.base)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(!html.contains("cdn") && !html.contains("unpkg"), "docs must not load from a CDN");
    let res = client.get(format!("{}/api/v1/docs/swagger-ui-bundle.js", app.base)).send().await.unwrap();
    assert_eq!(res.status(), 200, "Swagger UI is served from the binary");
    // Any other path is the single-page app (or the not-built notice).
    let res = client.get(format!("{}/admin/approvals", app.base)).send().await.unwrap();
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert_eq!(client.get(format!("{}/healthz", app.base)).send().await.unwrap().status(), 200);
    assert_eq!(client.get(format!("{}/readyz", app.base)).send().await.unwrap().status(), 200);
}
