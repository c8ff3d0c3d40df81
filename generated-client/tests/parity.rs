//! What Procore's own SDKs and developer docs ask of a client, against loopback servers
//! (wiremock): the SDK headers, token revocation and info, transient token-request failures,
//! the rate-limit pause shared by clones, `Retry-After` as an HTTP date, the bearer token on
//! Procore's file hosts and nowhere else, the federal zone, and batched sync calls. Uses `core`
//! operations only.
#![cfg(all(feature = "core", feature = "company-admin"))]

use procore::models::{VendorSync, VendorSyncUpdate};
use procore::{Client, Environment, Error, RetryPolicy, SyncOutcome, SYNC_BATCH_SIZE};
use serde_json::{json, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const COMPANIES: &str = "/rest/v1.0/companies";

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        ..RetryPolicy::default()
    }
}

fn builder(server: &MockServer) -> procore::ClientBuilder {
    Client::builder()
        .environment(Environment::custom(server.uri(), server.uri()))
        .retry_policy(fast_retries())
}

fn companies_ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!([{"id": 1, "name": "Acme"}]))
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn header_of<'a>(r: &'a Request, name: &str) -> Option<&'a str> {
    r.headers.get(name).and_then(|v| v.to_str().ok())
}

async fn requests_to(server: &MockServer, p: &str) -> Vec<Request> {
    let all = server.received_requests().await.unwrap();
    all.into_iter().filter(|r| r.url.path() == p).collect()
}

// ---------------------------------------------------------------------------------------------
// Headers

#[tokio::test]
async fn every_api_request_names_the_sdk_and_asks_for_json() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .and(header("procore-sdk-version", env!("CARGO_PKG_VERSION")))
        .and(header("procore-sdk-language", "rust"))
        .and(header("accept", "application/json"))
        .respond_with(companies_ok())
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server).bearer_token("t0ken").build().unwrap();
    let companies = client.list_companies().send().await.unwrap();
    assert_eq!(companies[0].name.as_deref(), Some("Acme"));
}

// ---------------------------------------------------------------------------------------------
// OAuth

fn token_answer(access: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": access, "token_type": "Bearer", "expires_in": 7200, "created_at": now()
    }))
}

#[tokio::test]
async fn revoking_the_current_token_makes_the_client_fetch_a_new_one() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(token_answer("first"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(token_answer("second"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth/revoke"))
        .and(body_string(
            "token=first&client_id=id&client_secret=s%26cret",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .respond_with(companies_ok())
        .mount(&server)
        .await;
    let client = builder(&server)
        .client_credentials("id", "s&cret")
        .build()
        .unwrap();
    client.list_companies().send().await.unwrap();
    client
        .revoke_token("id", Some("s&cret"), "first")
        .await
        .unwrap();
    client.list_companies().send().await.unwrap();
    let calls = requests_to(&server, COMPANIES).await;
    assert_eq!(header_of(&calls[0], "authorization"), Some("Bearer first"));
    assert_eq!(header_of(&calls[1], "authorization"), Some("Bearer second"));
    let revoke = &requests_to(&server, "/oauth/revoke").await[0];
    assert_eq!(
        header_of(revoke, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert!(header_of(revoke, "authorization").is_none());
}

#[tokio::test]
async fn token_info_reads_the_login_servers_answer_with_the_current_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/oauth/token/info"))
        .and(header("authorization", "Bearer t0ken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "resource_owner_id": 77,
            "scopes": ["public"],
            "expires_in_seconds": 5400,
            "application": {"uid": "app-uid"},
            "created_at": 1_700_000_000
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server).bearer_token("t0ken").build().unwrap();
    let info = client.token_info().await.unwrap();
    assert_eq!(info.resource_owner_id, Some(77));
    assert_eq!(info.scopes, ["public"]);
    assert_eq!(info.expires_in_seconds, Some(5400));
    assert_eq!(info.application_uid.as_deref(), Some("app-uid"));
    assert_eq!(info.created_at, Some(1_700_000_000));

    let anonymous = builder(&server).build().unwrap();
    let err = anonymous.token_info().await.unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err:?}");
}

#[tokio::test]
async fn a_token_request_is_retried_after_a_5xx_but_never_after_a_4xx() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(token_answer("cc"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .and(header("authorization", "Bearer cc"))
        .respond_with(companies_ok())
        .mount(&server)
        .await;
    let client = builder(&server)
        .client_credentials("id", "s")
        .build()
        .unwrap();
    client.list_companies().send().await.unwrap();
    let tokens = requests_to(&server, "/oauth/token").await;
    assert_eq!(tokens.len(), 3);
    assert!(tokens.iter().all(|r| r.body == tokens[0].body));

    let refused = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": "invalid_client", "error_description": "Client authentication failed"
        })))
        .mount(&refused)
        .await;
    let client = builder(&refused)
        .client_credentials("id", "bad")
        .build()
        .unwrap();
    let err = client.list_companies().send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(refused.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_login_server_that_refuses_connections_is_retried_then_reported() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let api = MockServer::start().await;
    // A server that accepts after the first refused attempt cannot be arranged portably;
    // the retries show as time spent backing off, then the error names the token call.
    let client = Client::builder()
        .environment(Environment::custom(
            api.uri(),
            format!("http://127.0.0.1:{port}"),
        ))
        .client_credentials("id", "s")
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(40),
            max_backoff: Duration::from_millis(40),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = client.list_companies().send().await.unwrap_err();
    // Three back-offs of 20-40 ms each.
    assert!(
        started.elapsed() >= Duration::from_millis(60),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(&err, Error::Transport { operation, .. } if operation == "POST /oauth/token"),
        "{err:?}"
    );
    assert!(api.received_requests().await.unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Rate limits

/// A client for tests under tokio's paused clock (see `tests/runtime.rs`).
fn paused_clock_builder(server: &MockServer) -> procore::ClientBuilder {
    builder(server)
        .bearer_token("t0ken")
        .timeout(None)
        .pool_idle_timeout(None)
}

#[tokio::test(start_paused = true)]
async fn a_used_up_window_pauses_every_clone_until_the_reset() {
    let server = MockServer::start().await;
    let reset = now() + 10;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .respond_with(
            companies_ok()
                .insert_header("x-rate-limit-limit", "3600")
                .insert_header("x-rate-limit-remaining", "0")
                .insert_header("x-rate-limit-reset", reset.to_string()),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .respond_with(companies_ok().insert_header("x-rate-limit-remaining", "3599"))
        .mount(&server)
        .await;
    let client = paused_clock_builder(&server).build().unwrap();
    client.list_companies().send().await.unwrap();
    assert_eq!(client.rate_limit().unwrap().remaining, Some(0));

    let started = tokio::time::Instant::now();
    let clone = client.with_company(5);
    clone.list_companies().send().await.unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(9) && waited <= Duration::from_secs(10),
        "{waited:?}"
    );
    // The window has room again: no more waiting.
    let started = tokio::time::Instant::now();
    client.list_companies().send().await.unwrap();
    assert_eq!(started.elapsed(), Duration::ZERO);
    assert_eq!(requests_to(&server, COMPANIES).await.len(), 3);
}

#[tokio::test(start_paused = true)]
async fn the_pause_can_be_turned_off_and_is_capped_by_max_wait() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .respond_with(
            companies_ok()
                .insert_header("x-rate-limit-remaining", "0")
                .insert_header("x-rate-limit-reset", (now() + 30).to_string()),
        )
        .mount(&server)
        .await;
    let off = paused_clock_builder(&server)
        .pause_on_rate_limit(false)
        .build()
        .unwrap();
    let short_wait = paused_clock_builder(&server)
        .retry_policy(RetryPolicy {
            max_wait: Duration::from_secs(5),
            ..fast_retries()
        })
        .build()
        .unwrap();
    for client in [off, short_wait] {
        client.list_companies().send().await.unwrap();
        let started = tokio::time::Instant::now();
        client.list_companies().send().await.unwrap();
        assert_eq!(started.elapsed(), Duration::ZERO, "{client:?}");
    }
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) for Unix seconds `t`.
fn http_date(t: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (days, secs) = (t / 86_400, t % 86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let (era, doe) = (z / 146_097, z % 146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        DAYS[(days % 7) as usize],
        MONTHS[month as usize - 1],
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[test]
fn the_test_date_formatter_is_right() {
    assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
    assert_eq!(http_date(1_709_208_000), "Thu, 29 Feb 2024 12:00:00 GMT");
}

#[tokio::test(start_paused = true)]
async fn retry_after_as_an_http_date_is_honoured() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .respond_with(
            ResponseTemplate::new(429).insert_header("retry-after", http_date(now() + 5).as_str()),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COMPANIES))
        .respond_with(companies_ok())
        .mount(&server)
        .await;
    let client = paused_clock_builder(&server).build().unwrap();
    let started = tokio::time::Instant::now();
    client.list_companies().send().await.unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(4) && waited <= Duration::from_secs(5),
        "{waited:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Downloads: the token on Procore's file hosts, nowhere else

#[tokio::test]
async fn a_file_link_on_a_token_domain_gets_the_token_and_its_redirect_does_not() {
    let api = MockServer::start().await;
    // The file host stands for storage.procore.com: `localhost` is a token domain here, while
    // the API is on 127.0.0.1 (another origin).
    let storage = MockServer::start().await;
    let storage_origin = format!("http://localhost:{}", storage.address().port());
    // The cloud storage the file link redirects to: 127.0.0.1 on a third port, neither the API
    // origin nor on a token domain.
    let cloud = MockServer::start().await;
    let presigned = format!("{}/bucket/plan.pdf?X-Amz-Signature=SECRET", cloud.uri());
    Mock::given(method("GET"))
        .and(path("/v4/d/us-east-1/companies/1/abc"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", presigned.as_str()))
        .expect(2)
        .mount(&storage)
        .await;
    Mock::given(method("GET"))
        .and(path("/bucket/plan.pdf"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"%PDF plan".to_vec()))
        .expect(2)
        .mount(&cloud)
        .await;
    let client = builder(&api)
        .bearer_token("t0ken")
        .token_domains(["localhost"])
        .company(42)
        .build()
        .unwrap();
    let link = format!("{storage_origin}/v4/d/us-east-1/companies/1/abc?sig=xyz");
    let resp = client.download(&link).await.unwrap();
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"%PDF plan");

    let at_storage = &storage.received_requests().await.unwrap()[0];
    assert_eq!(header_of(at_storage, "authorization"), Some("Bearer t0ken"));
    assert_eq!(at_storage.url.query(), Some("sig=xyz"));
    // The company header and the SDK headers are for the API host.
    assert!(header_of(at_storage, "procore-company-id").is_none());
    let at_cloud = &cloud.received_requests().await.unwrap()[0];
    assert!(
        header_of(at_cloud, "authorization").is_none(),
        "{:?}",
        at_cloud.headers
    );
    assert!(header_of(at_cloud, "procore-company-id").is_none());

    // Without the token domain (a custom environment's default), the file host gets nothing.
    let plain = builder(&api).bearer_token("t0ken").build().unwrap();
    plain.download(&link).await.unwrap();
    let at_storage = &storage.received_requests().await.unwrap()[1];
    assert!(header_of(at_storage, "authorization").is_none());
}

#[tokio::test]
async fn an_api_redirect_to_a_file_host_on_a_token_domain_keeps_the_token() {
    let api = MockServer::start().await;
    let storage = MockServer::start().await;
    let storage_origin = format!("http://localhost:{}", storage.address().port());
    Mock::given(method("GET"))
        .and(path("/rest/v1.0/files/1/download"))
        .respond_with(ResponseTemplate::new(302).insert_header(
            "location",
            format!("{storage_origin}/v4/d/f?sig=1").as_str(),
        ))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/v4/d/f"))
        .and(header("authorization", "Bearer t0ken"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"data".to_vec()))
        .expect(1)
        .mount(&storage)
        .await;
    let client = builder(&api)
        .bearer_token("t0ken")
        .token_domains(["*.localhost", "localhost"])
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f.bin");
    let n = client
        .download_to_file("/rest/v1.0/files/1/download", &file)
        .await
        .unwrap();
    assert_eq!((n, std::fs::read(&file).unwrap()), (4, b"data".to_vec()));
}

// ---------------------------------------------------------------------------------------------
// The federal zone

#[test]
fn the_federal_zone_has_its_own_hosts_and_token_domain() {
    let env = Environment::Federal;
    assert_eq!(env.api_url(), "https://api.procoregov.com");
    assert_eq!(env.login_url(), "https://login.procoregov.com");
    assert_eq!(env.token_domains(), ["procoregov.com"]);
    let client = procore::ClientBuilder::from_vars(|name| match name {
        "PROCORE_ENV" => Some("federal".into()),
        "PROCORE_TOKEN" => Some("t".into()),
        _ => None,
    })
    .unwrap()
    .build()
    .unwrap();
    assert_eq!(client.base_url().as_str(), "https://api.procoregov.com/");
    assert!(client
        .authorize_url("id", "urn:ietf:wg:oauth:2.0:oob")
        .as_str()
        .starts_with("https://login.procoregov.com/oauth/authorize?"));
    let err = procore::ClientBuilder::from_vars(|name| match name {
        "PROCORE_ENV" => Some("gov".into()),
        _ => None,
    })
    .unwrap_err();
    assert!(err.to_string().contains("federal"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Sync endpoints in batches

fn vendor(i: usize) -> VendorSyncUpdate {
    VendorSyncUpdate::new()
        .origin_id(format!("v{i}"))
        .name(format!("Vendor {i}"))
}

/// Answers a vendors sync with every item as an entity, except names ending in 7 (refused).
fn echo_sync(req: &Request) -> ResponseTemplate {
    let body: Value = serde_json::from_slice(&req.body).unwrap();
    let (mut entities, mut errors) = (vec![], vec![]);
    for item in body["updates"].as_array().unwrap() {
        if item["name"].as_str().unwrap().ends_with('7') {
            errors.push(json!({"origin_id": item["origin_id"], "errors": {"name": ["is bad"]}}));
        } else {
            entities.push(json!({"id": 1, "origin_id": item["origin_id"]}));
        }
    }
    ResponseTemplate::new(200).set_body_json(json!({"entities": entities, "errors": errors}))
}

async fn sync_vendors(client: &Client, n: usize, batch: usize) -> SyncOutcome<Value, Value> {
    let items: Vec<_> = (0..n).map(vendor).collect();
    client
        .sync_in_batches(items, batch, |updates| async move {
            let body = VendorSync::new(1, updates);
            let answer = client.update_vendors_sync(body).send().await?;
            Ok(serde_json::to_value(answer).expect("a response serialises"))
        })
        .await
}

#[tokio::test]
async fn a_large_sync_goes_in_batches_and_the_answers_are_merged() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/rest/v1.0/vendors/sync"))
        .respond_with(echo_sync)
        .mount(&server)
        .await;
    let client = builder(&server).bearer_token("t0ken").build().unwrap();
    let outcome = sync_vendors(&client, 1_200, SYNC_BATCH_SIZE).await;
    assert!(outcome.failure.is_none(), "{:?}", outcome.failure);
    // 0..1200 has 120 numbers ending in 7.
    assert_eq!((outcome.entities.len(), outcome.errors.len()), (1_080, 120));
    assert_eq!(outcome.entities[0]["origin_id"], "v0");
    assert_eq!(outcome.errors[119]["origin_id"], "v1197");
    let calls = requests_to(&server, "/rest/v1.0/vendors/sync").await;
    let sizes: Vec<usize> = calls
        .iter()
        .map(|r| {
            let body: Value = serde_json::from_slice(&r.body).unwrap();
            assert_eq!(body["company_id"], 1);
            body["updates"].as_array().unwrap().len()
        })
        .collect();
    assert_eq!(sizes, [500, 500, 200]);
    let second: Value = serde_json::from_slice(&calls[1].body).unwrap();
    assert_eq!(second["updates"][0]["origin_id"], "v500");
}

#[tokio::test]
async fn a_failed_batch_stops_the_sync_and_says_where_to_resume() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/rest/v1.0/vendors/sync"))
        .respond_with(echo_sync)
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/rest/v1.0/vendors/sync"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({"errors": "bad batch"})))
        .mount(&server)
        .await;
    let client = builder(&server).bearer_token("t0ken").build().unwrap();
    let outcome = sync_vendors(&client, 25, 10).await;
    assert_eq!(outcome.entities.len() + outcome.errors.len(), 10);
    let failure = outcome.failure.as_ref().unwrap();
    assert_eq!(failure.first_unsent, 10);
    assert_eq!(failure.error.status().map(|s| s.as_u16()), Some(422));
    assert_eq!(
        requests_to(&server, "/rest/v1.0/vendors/sync").await.len(),
        2
    );
    assert!(outcome.into_result().is_err());

    for bad in [0, 1_001] {
        let outcome = sync_vendors(&client, 3, bad).await;
        let failure = outcome.failure.unwrap();
        assert!(
            matches!(&failure.error, Error::Config(m) if m.contains("1 to 1000")),
            "{bad}"
        );
    }
    assert_eq!(
        requests_to(&server, "/rest/v1.0/vendors/sync").await.len(),
        2
    );
}
