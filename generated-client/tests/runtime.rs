//! The runtime against a real HTTP server on loopback (wiremock): environments, OAuth flows and
//! token refresh, `Procore-Company-Id`, pagination, rate limits and retries, errors, redirects
//! and downloads (tracing spans: `tests/tracing.rs`). Uses `core` operations only, so it runs
//! with default features.
#![cfg(all(feature = "core", feature = "company-admin"))]

use futures_util::TryStreamExt;
use procore::{
    Client, Environment, Error, FileTokenStore, MemoryTokenStore, RetryPolicy, Token, TokenStore,
};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use wiremock::matchers::{body_string_contains, header, header_exists, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const COMPANIES: &str = "/rest/v1.0/companies";
const PROJECTS: &str = "/rest/v1.0/projects";

fn custom(server: &MockServer) -> Environment {
    Environment::custom(server.uri(), server.uri())
}

/// Retries without real waiting.
fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        ..RetryPolicy::default()
    }
}

fn bearer_client(server: &MockServer) -> Client {
    Client::builder()
        .environment(custom(server))
        .bearer_token("t0ken")
        .retry_policy(fast_retries())
        .build()
        .unwrap()
}

/// A client for tests under tokio's paused clock. When the runtime has nothing to do but wait
/// for the server, tokio jumps the clock to the next timer: a request timeout would fire at
/// once, and the connection pool's idle reaper would add 90 s to every measured wait. Without
/// both, the only timers are the client's own waits, and elapsed time measures exactly them.
fn paused_clock_client(server: &MockServer) -> Client {
    Client::builder()
        .environment(custom(server))
        .bearer_token("t0ken")
        .timeout(None)
        .pool_idle_timeout(None)
        .build()
        .unwrap()
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn token_answer(access: &str, refresh: Option<&str>, expires_in: u64) -> ResponseTemplate {
    let mut body = json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": expires_in,
        "created_at": now(),
    });
    if let Some(r) = refresh {
        body["refresh_token"] = json!(r);
    }
    ResponseTemplate::new(200).set_body_json(body)
}

fn companies_ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!([{"id": 1, "name": "Acme"}]))
}

async fn requests_to(server: &MockServer, p: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == p)
        .collect()
}

fn header_of<'a>(r: &'a Request, name: &str) -> Option<&'a str> {
    r.headers.get(name).and_then(|v| v.to_str().ok())
}

// ---------------------------------------------------------------------------------------------
// Environments

#[test]
fn environments_have_the_documented_hosts() {
    let cases = [
        (
            Environment::Production,
            "https://api.procore.com",
            "https://login.procore.com",
        ),
        (
            Environment::Sandbox,
            "https://sandbox.procore.com",
            "https://login-sandbox.procore.com",
        ),
        (
            Environment::MonthlySandbox,
            "https://api-monthly.procore.com",
            "https://login-sandbox-monthly.procore.com",
        ),
        (
            Environment::custom("http://127.0.0.1:1", "http://127.0.0.1:2"),
            "http://127.0.0.1:1",
            "http://127.0.0.1:2",
        ),
    ];
    for (env, api, login) in cases {
        assert_eq!(env.api_url(), api);
        assert_eq!(env.login_url(), login);
        let client = Client::builder().environment(env).build().unwrap();
        assert_eq!(client.base_url().as_str(), format!("{api}/"));
        let authorize = client.authorize_url("id", "https://app.example/cb");
        assert!(
            authorize
                .as_str()
                .starts_with(&format!("{login}/oauth/authorize?")),
            "{authorize}"
        );
    }
    assert_eq!(Environment::default(), Environment::Production);
    let bad = Client::builder()
        .environment(Environment::custom("not a url", "x"))
        .build()
        .unwrap_err();
    assert!(matches!(bad, Error::Config(_)), "{bad:?}");
}

#[tokio::test]
async fn a_custom_base_url_keeps_its_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/proxy/procore/rest/v1.0/companies"))
        .respond_with(companies_ok())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/proxy/login/oauth/token"))
        .respond_with(token_answer("cc", None, 7200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/proxy/procore/rest/v1.0/files/1/download"))
        .and(query_param("version", "2"))
        .and(header("authorization", "Bearer cc"))
        .respond_with(ResponseTemplate::new(200).set_body_string("file"))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .environment(Environment::custom(
            format!("{}/proxy/procore/", server.uri()),
            format!("{}/proxy/login", server.uri()),
        ))
        .client_credentials("id", "secret")
        .build()
        .unwrap();
    client.list_companies().send().await.unwrap();
    let file = client
        .download("/rest/v1.0/files/1/download?version=2")
        .await
        .unwrap();
    assert_eq!(file.text().await.unwrap(), "file");
}

// ---------------------------------------------------------------------------------------------
// OAuth

#[tokio::test]
async fn client_credentials_fetch_one_token_and_reuse_it() {
    let server = MockServer::start().await;
    // The token server's clock is a day behind ours: the expiry counts from when the answer
    // arrives, not from its `created_at`, or every request would fetch a new token.
    let mut skewed =
        json!({"access_token": "cc-token", "token_type": "Bearer", "expires_in": 7200});
    skewed["created_at"] = json!(now() - 86_400);
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains("client_id=my-id"))
        .and(body_string_contains("client_secret=my-secret"))
        .respond_with(ResponseTemplate::new(200).set_body_json(skewed))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .and(header("authorization", "Bearer cc-token"))
        .respond_with(companies_ok())
        .expect(3)
        .mount(&server)
        .await;
    let client = Client::builder()
        .environment(custom(&server))
        .client_credentials("my-id", "my-secret")
        .build()
        .unwrap();
    for _ in 0..3 {
        let companies = client.list_companies().send().await.unwrap();
        assert_eq!(companies[0].name.as_deref(), Some("Acme"));
    }
}

/// A file store holding `token`, in a fresh temporary directory.
fn file_store(token: Option<Token>) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("procore-token.json");
    if let Some(t) = token {
        FileTokenStore::new(&file).save(&t).unwrap();
    }
    (dir, file)
}

fn stored(file: &std::path::Path) -> Token {
    FileTokenStore::new(file)
        .load()
        .unwrap()
        .expect("a saved token")
}

#[tokio::test]
async fn refresh_tokens_rotate_and_the_file_store_keeps_the_new_one() {
    let server = MockServer::start().await;
    // The stored token expires within the refresh margin: renewed before the request.
    let (_dir, file) = file_store(Some(Token {
        access_token: "a1".into(),
        refresh_token: Some("r1".into()),
        expires_at: Some(now() + 30),
    }));
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains("refresh_token=r1"))
        .and(body_string_contains(
            "redirect_uri=https%3A%2F%2Fapp.example%2Fcb",
        ))
        .respond_with(token_answer("a2", Some("r2"), 7200))
        .expect(1)
        .mount(&server)
        .await;
    // After the first request the server revokes a2: a 401 makes the client refresh once.
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .and(header("authorization", "Bearer a2"))
        .respond_with(companies_ok())
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .and(header("authorization", "Bearer a2"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("refresh_token=r2"))
        .respond_with(token_answer("a3", Some("r3"), 7200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .and(header("authorization", "Bearer a3"))
        .respond_with(companies_ok())
        .expect(2)
        .mount(&server)
        .await;

    let client = Client::builder()
        .environment(custom(&server))
        .refresh_token("id", "secret", FileTokenStore::new(&file))
        .redirect_uri("https://app.example/cb")
        .build()
        .unwrap();
    client.list_companies().send().await.unwrap();
    let t = stored(&file);
    assert_eq!(t.access_token, "a2");
    assert_eq!(t.refresh_token.as_deref(), Some("r2"));
    assert!(t.expires_at.unwrap() >= now() + 7000);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }

    client.list_companies().send().await.unwrap();
    assert_eq!(stored(&file).refresh_token.as_deref(), Some("r3"));

    // A new process finds the rotated pair in the file and needs no refresh.
    let restarted = Client::builder()
        .environment(custom(&server))
        .refresh_token("id", "secret", FileTokenStore::new(&file))
        .build()
        .unwrap();
    restarted.list_companies().send().await.unwrap();
}

#[tokio::test]
async fn two_concurrent_requests_with_an_expired_token_cause_one_refresh() {
    let server = MockServer::start().await;
    let (_dir, file) = file_store(Some(Token {
        access_token: "expired".into(),
        refresh_token: Some("r1".into()),
        expires_at: Some(now() - 10),
    }));
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("refresh_token=r1"))
        // Slow enough that both requests are waiting for it.
        .respond_with(token_answer("a2", Some("r2"), 7200).set_delay(Duration::from_millis(300)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .and(header("authorization", "Bearer a2"))
        .respond_with(companies_ok())
        .expect(2)
        .mount(&server)
        .await;
    let client = Client::builder()
        .environment(custom(&server))
        .refresh_token("id", "secret", FileTokenStore::new(&file))
        .build()
        .unwrap();
    let (a, b) = tokio::join!(
        client.list_companies().send(),
        client.clone().list_companies().send()
    );
    a.unwrap();
    b.unwrap();
    assert_eq!(stored(&file).refresh_token.as_deref(), Some("r2"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_concurrent_401s_cause_one_refresh() {
    let server = MockServer::start().await;
    let store = MemoryTokenStore::new(Some(Token {
        access_token: "revoked".into(),
        refresh_token: Some("r1".into()),
        expires_at: Some(now() + 3600),
    }));
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .and(header("authorization", "Bearer revoked"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1..=2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(token_answer("fresh", Some("r2"), 7200).set_delay(Duration::from_millis(300)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .and(header("authorization", "Bearer fresh"))
        .respond_with(companies_ok())
        .expect(2)
        .mount(&server)
        .await;
    let client = Client::builder()
        .environment(custom(&server))
        .refresh_token("id", "secret", store)
        .build()
        .unwrap();
    let (c1, c2) = (client.clone(), client.clone());
    let a = tokio::spawn(async move { c1.list_companies().send().await });
    let b = tokio::spawn(async move { c2.list_companies().send().await });
    a.await.unwrap().unwrap();
    b.await.unwrap().unwrap();
}

#[tokio::test]
async fn a_401_refreshes_once_then_gives_up() {
    let server = MockServer::start().await;
    let tokens = Arc::new(AtomicU64::new(0));
    let issued = tokens.clone();
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(move |_: &Request| {
            let n = issued.fetch_add(1, Ordering::SeqCst);
            token_answer(&format!("t{n}"), None, 7200)
        })
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"message": "Invalid token"})))
        .expect(2)
        .mount(&server)
        .await;
    let client = Client::builder()
        .environment(custom(&server))
        .client_credentials("id", "secret")
        .build()
        .unwrap();
    let err = client.list_companies().send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert!(err.to_string().contains("Invalid token"), "{err}");
}

#[tokio::test]
async fn authorization_code_flow_saves_the_pair_for_the_refresh_grant() {
    let server = MockServer::start().await;
    let (_dir, file) = file_store(None);
    let client = Client::builder()
        .environment(custom(&server))
        .refresh_token("my-id", "my-secret", FileTokenStore::new(&file))
        .build()
        .unwrap();
    let url = client.authorize_url("my-id", "https://app.example/cb");
    assert_eq!(url.path(), "/oauth/authorize");
    let q: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert!(q.contains(&("response_type".into(), "code".into())));
    assert!(q.contains(&("client_id".into(), "my-id".into())));
    assert!(q.contains(&("redirect_uri".into(), "https://app.example/cb".into())));

    // Before the code is exchanged there is nothing to refresh with.
    let err = client.list_companies().send().await.unwrap_err();
    assert!(
        matches!(&err, Error::Auth(m) if m.contains("authorization-code")),
        "{err:?}"
    );

    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains("code=the-code"))
        .and(body_string_contains(
            "redirect_uri=https%3A%2F%2Fapp.example%2Fcb",
        ))
        .respond_with(token_answer("a1", Some("r1"), 7200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .and(header("authorization", "Bearer a1"))
        .respond_with(companies_ok())
        .expect(1)
        .mount(&server)
        .await;
    let token = client
        .exchange_code("my-id", "my-secret", "the-code", "https://app.example/cb")
        .await
        .unwrap();
    assert_eq!(token.refresh_token.as_deref(), Some("r1"));
    assert_eq!(stored(&file), token);
    client.list_companies().send().await.unwrap();
}

#[tokio::test]
async fn a_fixed_bearer_token_is_sent_and_never_refreshed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(token_answer("x", None, 7200))
        .expect(0)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .and(header("authorization", "Bearer t0ken"))
        .respond_with(companies_ok())
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let client = bearer_client(&server);
    client.list_companies().send().await.unwrap();
    let err = client.list_companies().send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert!(err.to_string().contains("check the access token"), "{err}");
}

#[tokio::test]
async fn token_endpoint_refusals_are_api_errors_a_person_can_act_on() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": "invalid_grant",
            "error_description": "The provided authorization grant is invalid, expired or revoked"
        })))
        .mount(&server)
        .await;
    let client = Client::builder()
        .environment(custom(&server))
        .refresh_token(
            "id",
            "secret",
            MemoryTokenStore::new(Some(Token {
                access_token: "old".into(),
                refresh_token: Some("used-already".into()),
                expires_at: Some(0),
            })),
        )
        .build()
        .unwrap();
    let err = client.list_companies().send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(
        err.procore_error().unwrap().error,
        Some(json!("invalid_grant"))
    );
    let text = err.to_string();
    assert!(
        text.starts_with("POST /oauth/token: Procore answered 400"),
        "{text}"
    );
    assert!(text.contains("invalid_grant; The provided"), "{text}");
    assert!(text.contains("authorize again"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Procore-Company-Id

#[tokio::test]
async fn procore_company_id_is_on_every_request() {
    let server = MockServer::start().await;
    let base = server.uri();
    Mock::given(method("GET"))
        .and(path(PROJECTS))
        .respond_with(move |r: &Request| {
            let page: u32 = r
                .url
                .query_pairs()
                .find(|(k, _)| k == "page")
                .map_or(1, |(_, v)| v.parse().unwrap());
            let mut t = ResponseTemplate::new(200).set_body_json(json!([{"id": page}]));
            if page == 1 {
                t = t.insert_header(
                    "link",
                    format!("<{base}/rest/v1.0/projects?company_id=3&page=2>; rel=\"next\""),
                );
            }
            t
        })
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .respond_with(companies_ok())
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rest/v1.0/projects/9/distribution_groups"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 5})))
        .mount(&server)
        .await;

    let client = Client::builder()
        .environment(custom(&server))
        .bearer_token("t0ken")
        .company(42)
        .build()
        .unwrap();
    assert_eq!(client.company_id(), Some(42));
    client.list_companies().send().await.unwrap();
    let projects: Vec<_> = client
        .list_projects(3)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(projects.len(), 2);
    client
        .create_project_distribution_group(9, distribution_group("Electricians"))
        .send()
        .await
        .unwrap();
    let seen = server.received_requests().await.unwrap();
    assert_eq!(seen.len(), 4);
    for r in &seen {
        assert_eq!(
            header_of(r, "procore-company-id"),
            Some("42"),
            "{} {}",
            r.method,
            r.url
        );
    }

    // A company-scoped handle shares the client but sends its own company.
    let other = client.with_company(7);
    assert_eq!(other.company_id(), Some(7));
    other.list_companies().send().await.unwrap();
    client.list_companies().send().await.unwrap();
    bearer_client(&server)
        .list_companies()
        .send()
        .await
        .unwrap();
    let seen = server.received_requests().await.unwrap();
    let last: Vec<Option<&str>> = seen[4..]
        .iter()
        .map(|r| header_of(r, "procore-company-id"))
        .collect();
    assert_eq!(last, [Some("7"), Some("42"), None]);
}

fn distribution_group(name: &str) -> procore::models::NewDistributionGroup {
    procore::models::NewDistributionGroup::new(name)
}

// ---------------------------------------------------------------------------------------------
// Pagination

/// Serves `total` projects, `per_page` a page, with `Link`, `Total` and `Per-Page` like Procore.
fn paged_projects(base: String, total: u64) -> impl Fn(&Request) -> ResponseTemplate {
    move |r: &Request| {
        let q = |name: &str| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| v.parse::<u64>().ok())
        };
        let page = q("page").unwrap_or(1);
        let per_page = q("per_page").unwrap_or(100);
        let first = (page - 1) * per_page + 1;
        let last = (page * per_page).min(total);
        let items: Vec<Value> = (first..=last)
            .map(|id| json!({"id": id, "name": format!("Project {id}")}))
            .collect();
        let pages = total.div_ceil(per_page);
        let link = |p: u64| {
            format!("<{base}/rest/v1.0/projects?company_id=1&page={p}&per_page={per_page}>")
        };
        let mut links = vec![format!("{}; rel=\"first\"", link(1))];
        if page < pages {
            links.push(format!("{}; rel=\"next\"", link(page + 1)));
        }
        links.push(format!("{}; rel=\"last\"", link(pages)));
        ResponseTemplate::new(200)
            .insert_header("total", total.to_string())
            .insert_header("per-page", per_page.to_string())
            .insert_header("link", links.join(", "))
            .set_body_json(items)
    }
}

#[tokio::test]
async fn a_three_page_listing_is_followed_through_link_headers_to_the_end() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PROJECTS))
        .and(query_param("company_id", "1"))
        .respond_with(paged_projects(server.uri(), 5))
        .expect(3)
        .mount(&server)
        .await;
    let client = bearer_client(&server);
    let projects: Vec<_> = client
        .list_projects(1)
        .per_page(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<i64> = projects.iter().map(|p| p.id.unwrap()).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    let pages: Vec<String> = requests_to(&server, PROJECTS)
        .await
        .iter()
        .map(|r| r.url.query().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        pages,
        [
            "company_id=1&per_page=2",
            "company_id=1&page=2&per_page=2",
            "company_id=1&page=3&per_page=2"
        ]
    );
    // Every page carries the token.
    for r in requests_to(&server, PROJECTS).await {
        assert_eq!(header_of(&r, "authorization"), Some("Bearer t0ken"));
    }
}

#[tokio::test]
async fn one_page_comes_with_its_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PROJECTS))
        .respond_with(paged_projects(server.uri(), 5))
        .mount(&server)
        .await;
    let page = bearer_client(&server)
        .list_projects(1)
        .per_page(2)
        .page(2)
        .send_page()
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[0].id, Some(3));
    assert_eq!(page.total, Some(5));
    assert_eq!(page.per_page, Some(2));
    assert_eq!(
        page.next.as_ref().map(|u| u.query().unwrap_or("")),
        Some("company_id=1&page=3&per_page=2")
    );
    assert!(page.headers.contains_key("link"));
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_the_error() {
    let server = MockServer::start().await;
    let base = server.uri();
    Mock::given(method("GET"))
        .and(path(PROJECTS))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(500).set_body_string("boom"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(PROJECTS))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "link",
                    format!("<{base}/rest/v1.0/projects?company_id=1&page=2>; rel=\"next\""),
                )
                .set_body_json(json!([{"id": 1}, {"id": 2}])),
        )
        .mount(&server)
        .await;
    let mut stream = bearer_client(&server).list_projects(1).stream();
    assert_eq!(stream.try_next().await.unwrap().unwrap().id, Some(1));
    assert_eq!(stream.try_next().await.unwrap().unwrap().id, Some(2));
    let err = stream.try_next().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert!(futures_util::StreamExt::next(&mut stream).await.is_none());
}

// ---------------------------------------------------------------------------------------------
// Rate limits and retries

#[tokio::test(start_paused = true)]
async fn a_429_waits_until_x_rate_limit_reset_then_succeeds() {
    let server = MockServer::start().await;
    let reset = now() + 5;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-rate-limit-limit", "3600")
                .insert_header("x-rate-limit-remaining", "0")
                .insert_header("x-rate-limit-reset", reset.to_string()),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .respond_with(
            companies_ok()
                .insert_header("x-rate-limit-limit", "3600")
                .insert_header("x-rate-limit-remaining", "3599")
                .insert_header("x-rate-limit-reset", (reset + 3600).to_string()),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = paused_clock_client(&server);
    let started = tokio::time::Instant::now();
    client.list_companies().send().await.unwrap();
    let waited = started.elapsed();
    // The reset was 4 to 5 s away when the 429 arrived (whole seconds on the wire).
    assert!(
        waited >= Duration::from_secs(4) && waited <= Duration::from_secs(5),
        "{waited:?}"
    );
    let rl = client.rate_limit().unwrap();
    assert_eq!(
        (rl.limit, rl.remaining, rl.reset),
        (Some(3600), Some(3599), Some(reset + 3600))
    );
    assert!(rl.reset_in().unwrap() > Duration::from_secs(3000));
}

#[tokio::test(start_paused = true)]
async fn retry_after_wins_over_the_reset_and_a_post_is_repeated_after_429() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rest/v1.0/projects/9/distribution_groups"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "7")
                .insert_header("x-rate-limit-reset", (now() + 1).to_string()),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rest/v1.0/projects/9/distribution_groups"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 5})))
        .mount(&server)
        .await;
    let client = paused_clock_client(&server);
    let started = tokio::time::Instant::now();
    let group = client
        .create_project_distribution_group(9, distribution_group("Electricians"))
        .send()
        .await
        .unwrap();
    assert_eq!(group.id, Some(5));
    assert_eq!(started.elapsed(), Duration::from_secs(7));
    let posts = requests_to(&server, "/rest/v1.0/projects/9/distribution_groups").await;
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0].body, posts[1].body);
}

#[tokio::test]
async fn a_429_with_a_reset_beyond_max_wait_is_returned_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .expect(1)
        .mount(&server)
        .await;
    let err = bearer_client(&server)
        .list_companies()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert!(err.to_string().contains("rate limited"), "{err}");
}

#[tokio::test(start_paused = true)]
async fn a_503_is_retried_with_backoff() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .respond_with(companies_ok())
        .expect(1)
        .mount(&server)
        .await;
    let client = paused_clock_client(&server);
    let started = tokio::time::Instant::now();
    client.list_companies().send().await.unwrap();
    // Default back-off: 500 ms then 1 s, each with jitter in its upper half.
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(750) && waited <= Duration::from_millis(1500),
        "{waited:?}"
    );
}

#[tokio::test]
async fn retries_are_capped_by_the_policy() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .respond_with(ResponseTemplate::new(503).set_body_string("down for maintenance"))
        .expect(3)
        .mount(&server)
        .await;
    let client = Client::builder()
        .environment(custom(&server))
        .bearer_token("t0ken")
        .retry_policy(RetryPolicy {
            max_retries: 2,
            ..fast_retries()
        })
        .build()
        .unwrap();
    let err = client.list_companies().send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(err.to_string().contains("down for maintenance"), "{err}");

    let other = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&other)
        .await;
    let none = Client::builder()
        .environment(custom(&other))
        .bearer_token("t0ken")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    none.list_companies().send().await.unwrap_err();
}

#[tokio::test]
async fn a_post_answered_500_or_503_is_not_retried() {
    let server = MockServer::start().await;
    let p = "/rest/v1.0/projects/9/distribution_groups";
    Mock::given(method("POST"))
        .and(path(p))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(p))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = bearer_client(&server);
    let err = client
        .create_project_distribution_group(9, distribution_group("A"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(requests_to(&server, p).await.len(), 1);
    let err = client
        .create_project_distribution_group(9, distribution_group("B"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(requests_to(&server, p).await.len(), 2);
}

#[tokio::test]
async fn a_post_with_an_idempotency_token_is_retried_after_503() {
    let server = MockServer::start().await;
    let p = "/rest/v1.0/projects/9/distribution_groups";
    Mock::given(method("POST"))
        .and(path(p))
        .and(header("idempotency-token", "op-123"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(p))
        .and(header("idempotency-token", "op-123"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 5})))
        .mount(&server)
        .await;
    let group = bearer_client(&server)
        .create_project_distribution_group(9, distribution_group("A"))
        .idempotency_token("op-123")
        .send()
        .await
        .unwrap();
    assert_eq!(group.id, Some(5));
    assert_eq!(requests_to(&server, p).await.len(), 2);
}

#[tokio::test]
async fn connection_failures_are_retried_then_reported_with_the_operation() {
    // A port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .environment(Environment::custom(
            format!("http://127.0.0.1:{port}"),
            format!("http://127.0.0.1:{port}"),
        ))
        .bearer_token("t0ken")
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let err = client.list_companies().send().await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.starts_with("GET /rest/v1.0/companies: request failed"),
        "{text}"
    );
    assert!(text.to_lowercase().contains("connect"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Errors

#[tokio::test]
async fn an_error_body_surfaces_in_the_error() {
    let server = MockServer::start().await;
    let body = json!({
        "message": "Validation failed",
        "errors": {"name": ["can't be blank"]}
    });
    Mock::given(method("POST"))
        .and(path("/rest/v1.0/projects/9/distribution_groups"))
        .respond_with(
            ResponseTemplate::new(422)
                .insert_header("x-request-id", "req-123")
                .set_body_json(body.clone()),
        )
        .mount(&server)
        .await;
    let err = bearer_client(&server)
        .create_project_distribution_group(9, distribution_group(""))
        .send()
        .await
        .unwrap_err();
    let Error::Api {
        status,
        operation,
        headers,
        body: raw,
        parsed,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(status.as_u16(), 422);
    assert_eq!(
        operation,
        "POST /rest/v1.0/projects/{project_id}/distribution_groups"
    );
    assert_eq!(headers.get("x-request-id").unwrap(), "req-123");
    assert_eq!(serde_json::from_slice::<Value>(raw).unwrap(), body);
    let parsed = parsed.as_deref().unwrap();
    assert_eq!(parsed.message.as_deref(), Some("Validation failed"));
    assert_eq!(err.request_id(), Some("req-123"));
    assert_eq!(
        err.to_string(),
        "POST /rest/v1.0/projects/{project_id}/distribution_groups: Procore answered 422 \
         Unprocessable Entity: Validation failed; name: can't be blank (Procore rejected the \
         values sent; see the messages above) [request id req-123]"
    );

    // A body that is not Procore's JSON is shown as text.
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .respond_with(ResponseTemplate::new(404).set_body_string("<html>Not Found</html>"))
        .mount(&server)
        .await;
    let err = bearer_client(&server)
        .list_companies()
        .send()
        .await
        .unwrap_err();
    assert!(err.procore_error().is_none());
    assert_eq!(
        err.to_string(),
        "GET /rest/v1.0/companies: Procore answered 404 Not Found: <html>Not Found</html> \
         (check the ids in the path, and the company/project they belong to)"
    );
}

#[tokio::test]
async fn a_body_that_does_not_decode_is_kept_in_the_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"not": "a list"})))
        .mount(&server)
        .await;
    let err = bearer_client(&server)
        .list_companies()
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert_eq!(err.body().unwrap().as_ref(), br#"{"not":"a list"}"#);
    assert!(
        err.to_string()
            .starts_with("GET /rest/v1.0/companies: unexpected response body"),
        "{err}"
    );
}

#[tokio::test]
async fn debug_output_never_shows_tokens_or_secrets() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(token_answer("ACCESS-SECRET", Some("REFRESH-SECRET"), 7200))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("set-cookie", "session=COOKIE-SECRET")
                .set_body_json(json!({"message": "Forbidden"})),
        )
        .mount(&server)
        .await;
    let builder = Client::builder()
        .environment(custom(&server))
        .client_credentials("my-id", "CLIENT-SECRET");
    let builder_debug = format!("{builder:?}");
    let client = builder.build().unwrap();
    let err = client.list_companies().send().await.unwrap_err();
    let store = MemoryTokenStore::new(Some(Token {
        access_token: "ACCESS-SECRET".into(),
        refresh_token: Some("REFRESH-SECRET".into()),
        expires_at: None,
    }));
    let bearer = Client::builder()
        .bearer_token("BEARER-SECRET")
        .build()
        .unwrap();
    let outputs = [
        builder_debug,
        format!("{client:?}"),
        format!("{bearer:?}"),
        format!("{err:?}"),
        err.to_string(),
        format!("{store:?}"),
        format!("{:?}", store.load().unwrap()),
    ];
    for out in &outputs {
        for secret in [
            "CLIENT-SECRET",
            "ACCESS-SECRET",
            "REFRESH-SECRET",
            "BEARER-SECRET",
            "COOKIE-SECRET",
        ] {
            assert!(!out.contains(secret), "{secret} in {out}");
        }
    }
    assert!(outputs[1].contains("my-id"), "{}", outputs[1]);
    assert!(outputs[3].contains("Forbidden"), "{}", outputs[3]);
    assert!(err.to_string().contains("lacks permission"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Redirects and downloads

/// A second server on `localhost` (the first is on 127.0.0.1): another origin.
async fn storage_server() -> (MockServer, String) {
    let storage = MockServer::start().await;
    let origin = format!("http://localhost:{}", storage.address().port());
    Mock::given(method("GET"))
        .and(path("/bucket/plan.pdf"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"%PDF-1.7 plan".to_vec()))
        .mount(&storage)
        .await;
    (storage, origin)
}

#[tokio::test]
async fn a_redirect_to_another_host_arrives_without_authorization() {
    let api = MockServer::start().await;
    let (storage, origin) = storage_server().await;
    let presigned = format!("{origin}/bucket/plan.pdf?X-Amz-Signature=SIGNATURE-SECRET");
    Mock::given(method("GET"))
        .and(path("/rest/v1.0/files/1/download"))
        .and(header("authorization", "Bearer t0ken"))
        .and(header("procore-company-id", "42"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", presigned.as_str()))
        .expect(1)
        .mount(&api)
        .await;
    let client = bearer_client(&api).with_company(42);
    let resp = client
        .download("/rest/v1.0/files/1/download")
        .await
        .unwrap();
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"%PDF-1.7 plan");

    // A presigned URL given directly gets no token either.
    let resp = client.download(&presigned).await.unwrap();
    assert_eq!(resp.status(), 200);

    let at_storage = storage.received_requests().await.unwrap();
    assert_eq!(at_storage.len(), 2);
    for r in &at_storage {
        assert!(header_of(r, "authorization").is_none(), "{:?}", r.headers);
        assert!(header_of(r, "procore-company-id").is_none());
        assert_eq!(r.url.query(), Some("X-Amz-Signature=SIGNATURE-SECRET"));
    }
}

#[tokio::test]
async fn an_api_redirect_on_the_same_host_keeps_the_token_and_other_hosts_do_not_get_it() {
    let api = MockServer::start().await;
    let (storage, origin) = storage_server().await;
    // A GET operation answered with a redirect: same host first, then storage.
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .respond_with(ResponseTemplate::new(301).insert_header("location", "/rest/v1.1/companies"))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/rest/v1.1/companies"))
        .and(header("authorization", "Bearer t0ken"))
        .respond_with(companies_ok())
        .expect(1)
        .mount(&api)
        .await;
    bearer_client(&api).list_companies().send().await.unwrap();

    Mock::given(method("GET"))
        .and(path("/rest/v1.0/files/2/download"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("{origin}/bucket/plan.pdf").as_str()),
        )
        .mount(&api)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("plan.pdf");
    let n = bearer_client(&api)
        .download_to_file(
            &format!("{}/rest/v1.0/files/2/download", api.uri()),
            &target,
        )
        .await
        .unwrap();
    assert_eq!(n, 13);
    assert_eq!(std::fs::read(&target).unwrap(), b"%PDF-1.7 plan");
    let at_storage = storage.received_requests().await.unwrap();
    assert!(header_of(&at_storage[0], "authorization").is_none());
}

#[tokio::test]
async fn download_errors_do_not_show_presigned_queries() {
    let (storage, origin) = storage_server().await;
    Mock::given(method("GET"))
        .and(path("/bucket/gone.pdf"))
        .respond_with(ResponseTemplate::new(403).set_body_string("<Error>Expired</Error>"))
        .mount(&storage)
        .await;
    let client = bearer_client(&storage);
    let err = client
        .download(&format!(
            "{origin}/bucket/gone.pdf?X-Amz-Signature=SIGNATURE-SECRET"
        ))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert!(
        !format!("{err} {err:?}").contains("SIGNATURE-SECRET"),
        "{err:?}"
    );
    assert!(err.to_string().contains("/bucket/gone.pdf"), "{err}");

    // Unreachable host: the transport error must not carry the URL either.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let err = client
        .download(&format!(
            "http://localhost:{port}/b/f.pdf?X-Amz-Signature=SIGNATURE-SECRET"
        ))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(
        !format!("{err} {err:?}").contains("SIGNATURE-SECRET"),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_request_header_is_sent_only_to_the_api_host() {
    // Headers the spec declares (here `Idempotency-Token`) go with the request to the API host;
    // the request that follows a redirect elsewhere carries none of them.
    let api = MockServer::start().await;
    let (storage, origin) = storage_server().await;
    Mock::given(method("POST"))
        .and(path("/rest/v1.0/projects/9/distribution_groups"))
        .and(header_exists("idempotency-token"))
        .respond_with(
            ResponseTemplate::new(303)
                .insert_header("location", format!("{origin}/bucket/plan.pdf").as_str()),
        )
        .expect(1)
        .mount(&api)
        .await;
    // The 303 is followed with a GET without body; the answer is not a distribution group.
    let err = bearer_client(&api)
        .create_project_distribution_group(9, distribution_group("A"))
        .idempotency_token("op-1")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    let r = &storage.received_requests().await.unwrap()[0];
    assert_eq!(r.method.as_str(), "GET");
    assert!(r.body.is_empty());
    assert!(header_of(r, "idempotency-token").is_none());
    assert!(header_of(r, "authorization").is_none());
}

/// The futures `send` and `send_page` return can be spawned: `Send + 'static`, as the `async fn`s
/// they replaced were (a compile-time check; nothing is sent).
#[test]
fn request_futures_are_send_and_static() {
    fn spawnable<T: std::future::Future + Send + 'static>(_: T) {}
    let client = Client::builder()
        .environment(Environment::custom(
            "http://127.0.0.1:9",
            "http://127.0.0.1:9",
        ))
        .bearer_token("t")
        .build()
        .unwrap();
    spawnable(client.list_companies().send());
    spawnable(client.list_companies().send_page());
    spawnable(client.delete_company_file(1, 2).send());
}
