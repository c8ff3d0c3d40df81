//! `Request` against a loopback server (wiremock), independent of which operations are
//! compiled, called the way generated code calls it: body encodings (JSON, merge-patch, form,
//! raw, multipart streamed from disk, nested Rails names), which methods are retried after
//! which answers, header, cookie and query encoding, per-request options (extra headers,
//! `Idempotency-Token`), the SDK headers, and v2 `{"data": [...]}` pages.

use crate::multipart::{FormBuilder, ToMultipart};
use crate::{Client, Environment, Error, FilePart, QueryStyle, RequestOptions, RetryPolicy};
use futures_util::TryStreamExt;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;
use wiremock::matchers::{body_json, body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .environment(Environment::custom(server.uri(), server.uri()))
        .bearer_token("t0ken")
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

#[tokio::test]
async fn json_merge_patch_form_and_raw_bodies() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/json"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"rfi": {"subject": "Leak"}})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 1})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/patch"))
        .and(header("content-type", "application/merge-patch+json"))
        .and(body_json(json!({"due_date": null})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 1})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/form"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("a=1&b=x+y"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/raw"))
        .and(header("content-type", "application/pdf"))
        .and(body_string("%PDF"))
        .respond_with(ResponseTemplate::new(200).set_body_string("stored"))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);

    let mut r = c.request(Method::POST, "/json", "/json".into());
    r.json(&json!({"rfi": {"subject": "Leak"}}), "application/json");
    assert_eq!(r.send_json::<Value>().await.unwrap(), json!({"id": 1}));

    let mut r = c.request(Method::PATCH, "/patch", "/patch".into());
    r.json(&json!({"due_date": null}), "application/merge-patch+json");
    r.send_empty().await.unwrap();

    let mut r = c.request(Method::POST, "/form", "/form".into());
    r.form_urlencoded(&[("a", "1"), ("b", "x y")]);
    // An empty body decodes as `null`.
    assert_eq!(r.send_json::<Option<Value>>().await.unwrap(), None);

    let mut r = c.request(Method::PUT, "/raw", "/raw".into());
    r.bytes(crate::Bytes::from_static(b"%PDF"), "application/pdf");
    assert_eq!(r.send_bytes().await.unwrap().as_ref(), b"stored");
}

struct Photo {
    data: FilePart,
    description: Option<String>,
    trade_ids: Vec<i64>,
}

impl ToMultipart for Photo {
    fn append_to(self, name: &str, form: &mut FormBuilder) {
        form.field(name, "data", self.data);
        form.field(name, "description", self.description);
        form.field(name, "trade_ids", self.trade_ids);
    }
}

struct Upload {
    image: Photo,
    note: FilePart,
}

impl ToMultipart for Upload {
    fn append_to(self, name: &str, form: &mut FormBuilder) {
        form.field(name, "image", self.image);
        form.field(name, "note", self.note);
    }
}

#[tokio::test]
async fn multipart_files_are_read_from_disk_when_sent_and_again_when_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/upload"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/upload"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 9})))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("site.jpg");
    let mut r = client(&server).request(Method::POST, "/upload", "/upload".into());
    r.multipart(Upload {
        image: Photo {
            data: FilePart::path(&file).mime("image/jpeg"),
            description: Some("North wall".into()),
            trade_ids: vec![3, 4],
        },
        note: FilePart::bytes(&b"hello"[..], "note.txt"),
    });
    // The file is opened when the request is sent, not when the body is built.
    let content: Vec<u8> = (0..300_000u32).flat_map(|i| i.to_le_bytes()).collect();
    std::fs::write(&file, &content).unwrap();
    assert_eq!(r.send_json::<Value>().await.unwrap()["id"], 9);

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    for req in &received {
        let body = &req.body;
        let text = String::from_utf8_lossy(body);
        assert!(
            text.contains(r#"name="image[data]"; filename="site.jpg""#),
            "{}",
            &text[..400]
        );
        assert!(text.contains("Content-Type: image/jpeg"));
        assert!(text.contains(r#"name="image[description]""#) && text.contains("North wall"));
        assert_eq!(text.matches(r#"name="image[trade_ids][]""#).count(), 2);
        assert!(text.contains(r#"name="note"; filename="note.txt""#));
        // The whole file, byte for byte, on each attempt.
        assert!(body.windows(content.len()).any(|w| w == content.as_slice()));
        // Sizes are known up front: a Content-Length, not a chunked body.
        let len: usize = req.headers["content-length"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(len, body.len());
    }
}

#[tokio::test]
async fn a_missing_upload_file_is_an_encode_error_naming_it() {
    let server = MockServer::start().await;
    let mut r = client(&server).request(Method::POST, "/upload", "/upload".into());
    r.multipart(Photo {
        data: FilePart::path("/nonexistent/plan.pdf"),
        description: None,
        trade_ids: vec![],
    });
    let err = r.send_empty().await.unwrap_err();
    assert!(
        matches!(&err, Error::Encode(m) if m.contains("/nonexistent/plan.pdf")),
        "{err:?}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// How many attempts `method` gets when the server keeps answering `status`.
async fn attempts(method_: Method, status: u16, idempotency_token: bool) -> usize {
    let server = MockServer::start().await;
    Mock::given(method(method_.as_str()))
        .and(path("/x"))
        .respond_with(ResponseTemplate::new(status).insert_header("retry-after", "0"))
        .mount(&server)
        .await;
    let mut r = client(&server).request(method_, "/x", "/x".into());
    r.json(&json!({"a": 1}), "application/json");
    if idempotency_token {
        let mut options = RequestOptions::default();
        options.idempotency_token("op-1");
        r.options(options);
    }
    let err = r.send_empty().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn only_requests_the_server_cannot_have_processed_are_repeated() {
    // 1 attempt + `max_retries` (3) when retried.
    let cases = [
        (Method::GET, 503, false, 4),
        (Method::GET, 502, false, 4),
        (Method::GET, 504, false, 4),
        (Method::PUT, 503, false, 4),
        (Method::DELETE, 503, false, 4),
        (Method::POST, 503, false, 1),
        (Method::PATCH, 503, false, 1),
        (Method::POST, 502, false, 1),
        (Method::POST, 503, true, 4),
        (Method::PATCH, 504, true, 4),
        (Method::POST, 429, false, 4),
        (Method::PATCH, 429, false, 4),
        (Method::GET, 500, false, 1),
        (Method::POST, 500, true, 1),
        (Method::GET, 404, false, 1),
    ];
    for (m, status, token, expected) in cases {
        let label = format!("{m} {status} idempotency-token={token}");
        assert_eq!(attempts(m, status, token).await, expected, "{label}");
    }
}

#[tokio::test]
async fn a_307_for_a_post_is_not_followed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/x"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/y"))
        .mount(&server)
        .await;
    let err = client(&server)
        .request(Method::POST, "/x", "/x".into())
        .send_empty()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(307));
    assert!(err.to_string().contains("redirect not followed"), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn headers_cookies_and_rails_queries_reach_the_server() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/v1.0/projects/a%2Fb/rfis"))
        .and(header("x-count", "5"))
        .and(header("cookie", "session=abc"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let mut r = client(&server).request(
        Method::GET,
        "/rest/v1.0/projects/{project_id}/rfis",
        format!("/rest/v1.0/projects/{}/rfis", crate::path_segment("a/b")),
    );
    r.query("filters", &json!({"status": "open"}), QueryStyle::Deep);
    r.query("ids", &[1, 2], QueryStyle::Repeat);
    r.query("unset", &None::<i64>, QueryStyle::Repeat);
    r.header("X-Count", &Some(5));
    r.header("X-Unset", &None::<String>);
    r.cookie("session", &"abc");
    let items: Vec<Value> = r.send_json().await.unwrap();
    assert!(items.is_empty());
    let req = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        req.url.query(),
        Some("filters%5Bstatus%5D=open&ids%5B%5D=1&ids%5B%5D=2")
    );
    assert!(!req.headers.contains_key("x-unset"));
}

#[tokio::test]
async fn a_value_that_cannot_be_encoded_fails_before_anything_is_sent() {
    let server = MockServer::start().await;
    let mut bad = std::collections::HashMap::new();
    bad.insert((1, 2), 3);
    let mut r = client(&server).request(Method::GET, "/x", "/x".into());
    r.query("bad", &bad, QueryStyle::Deep);
    let err = r.send_empty().await.unwrap_err();
    assert!(
        matches!(&err, Error::Encode(m) if m.starts_with("bad:")),
        "{err:?}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Per-request options and the headers every request carries

/// What a generated builder does with its `options` field in `build()`.
fn built_with(c: &Client, m: Method, p: &'static str, options: RequestOptions) -> crate::Request {
    let mut r = c.request(m, p, p.into());
    r.json(&json!({"a": 1}), "application/json");
    r.options(options);
    r
}

#[tokio::test]
async fn extra_headers_and_the_sdk_headers_reach_the_api_host() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/x"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 1})))
        .mount(&server)
        .await;
    let c = client(&server).with_company(42);
    let mut options = RequestOptions::default();
    options.header("X-Trace", "abc");
    options.header("X-Trace", "def");
    options.idempotency_token("first");
    options.idempotency_token("op-7");
    let answer: Value = built_with(&c, Method::POST, "/x", options)
        .send_json()
        .await
        .unwrap();
    assert_eq!(answer, json!({"id": 1}));
    // A per-request company replaces the client's.
    let mut options = RequestOptions::default();
    options.header("Procore-Company-Id", "7");
    options.header("Accept", "application/vnd.example+json");
    built_with(&c, Method::POST, "/x", options)
        .send_empty()
        .await
        .unwrap();
    // Raw answers do not ask for JSON (reqwest's default `*/*` goes).
    c.request(Method::POST, "/x", "/x".into())
        .send_bytes()
        .await
        .unwrap();

    let got = server.received_requests().await.unwrap();
    let values = |i: usize, name: &str| -> Vec<String> {
        got[i]
            .headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        values(0, "procore-sdk-version"),
        [env!("CARGO_PKG_VERSION")]
    );
    assert_eq!(values(0, "procore-sdk-language"), ["rust"]);
    assert_eq!(values(0, "accept"), ["application/json"]);
    assert_eq!(values(0, "x-trace"), ["abc", "def"]);
    assert_eq!(values(0, "idempotency-token"), ["op-7"]);
    assert_eq!(values(0, "procore-company-id"), ["42"]);
    assert_eq!(values(0, "authorization"), ["Bearer t0ken"]);
    assert_eq!(got[0].body, br#"{"a":1}"#);
    assert_eq!(values(1, "procore-company-id"), ["7"]);
    assert_eq!(values(1, "accept"), ["application/vnd.example+json"]);
    assert_eq!(values(2, "accept"), ["*/*"]);
    assert_eq!(values(2, "procore-sdk-language"), ["rust"]);
}

#[tokio::test]
async fn an_idempotency_token_set_by_the_caller_makes_a_post_safe_to_retry() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/x"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/x"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 3})))
        .mount(&server)
        .await;
    let c = client(&server);
    let mut options = RequestOptions::default();
    options.idempotency_token("op-1");
    let answer: Value = built_with(&c, Method::POST, "/x", options)
        .send_json()
        .await
        .unwrap();
    assert_eq!(answer["id"], 3);
    let got = server.received_requests().await.unwrap();
    assert_eq!(got.len(), 3);
    assert!(got
        .iter()
        .all(|r| r.headers["idempotency-token"] == "op-1" && r.body == got[0].body));
}

#[tokio::test]
async fn a_header_that_cannot_be_sent_fails_before_anything_is_sent() {
    let server = MockServer::start().await;
    let c = client(&server);
    for (name, value, says) in [
        ("Authorization", "Bearer other", "set by the client"),
        ("content-type", "text/plain", "set by the client"),
        ("Bad Name", "x", "not a valid HTTP header name"),
        ("X-Note", "line\nbreak", "cannot carry"),
    ] {
        let mut options = RequestOptions::default();
        options.header(name, value);
        let err = built_with(&c, Method::GET, "/x", options)
            .send_empty()
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Encode(m) if m.contains(name) && m.contains(says)),
            "{name}: {err:?}"
        );
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------------
// v2 lists: `{"data": [...]}`

#[tokio::test]
async fn data_pages_are_unwrapped_and_keep_their_metadata() {
    let server = MockServer::start().await;
    let next = format!("{}/rest/v2.0/things?page=2", server.uri());
    Mock::given(method("GET"))
        .and(path("/rest/v2.0/things"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"id": 3}],
            "pagination": {"limit": 2, "total_possible": 3}
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/rest/v2.0/things"))
        .and(header("accept", "application/json"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("link", format!("<{next}>; rel=\"next\"").as_str())
                .insert_header("total", "3")
                .insert_header("per-page", "2")
                .set_body_json(json!({
                    "data": [{"id": 1}, {"id": 2}],
                    "pagination": {"limit": 2, "total_possible": 3}
                })),
        )
        .mount(&server)
        .await;
    let c = client(&server);
    let list = || c.request(Method::GET, "/rest/v2.0/things", "/rest/v2.0/things".into());

    let page = list().send_data_page::<Value>().await.unwrap();
    assert_eq!(page.items, [json!({"id": 1}), json!({"id": 2})]);
    assert_eq!((page.total, page.per_page), (Some(3), Some(2)));
    assert_eq!(page.next.as_ref().map(|u| u.as_str()), Some(next.as_str()));
    assert_eq!(page.meta["pagination"]["total_possible"], 3);
    assert_eq!(page.meta.len(), 1);

    let all: Vec<Value> = list().stream_data::<Value>().try_collect().await.unwrap();
    assert_eq!(all, [json!({"id": 1}), json!({"id": 2}), json!({"id": 3})]);

    // A bare array is not a v2 list: a decode error naming the operation.
    Mock::given(method("GET"))
        .and(path("/rest/v2.0/bare"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"id": 1}])))
        .mount(&server)
        .await;
    let err = c
        .request(Method::GET, "/rest/v2.0/bare", "/rest/v2.0/bare".into())
        .send_data_page::<Value>()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode { operation, .. } if operation == "GET /rest/v2.0/bare"),
        "{err:?}"
    );
    // An empty body is an empty page.
    Mock::given(method("GET"))
        .and(path("/rest/v2.0/empty"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let page = c
        .request(Method::GET, "/rest/v2.0/empty", "/rest/v2.0/empty".into())
        .send_data_page::<Value>()
        .await
        .unwrap();
    assert!(page.items.is_empty() && page.meta.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Multipart: files inside nested objects

struct Question {
    body: String,
    attachments: Vec<FilePart>,
}

impl ToMultipart for Question {
    fn append_to(self, name: &str, form: &mut FormBuilder) {
        form.field(name, "body", self.body);
        form.field(name, "attachments", self.attachments);
    }
}

struct Rfi {
    subject: String,
    question: Question,
    assignee_ids: Vec<i64>,
}

impl ToMultipart for Rfi {
    fn append_to(self, name: &str, form: &mut FormBuilder) {
        form.field(name, "subject", self.subject);
        form.field(name, "question", self.question);
        form.field(name, "assignee_ids", self.assignee_ids);
    }
}

struct CreateRfi {
    rfi: Rfi,
}

impl ToMultipart for CreateRfi {
    fn append_to(self, name: &str, form: &mut FormBuilder) {
        form.field(name, "rfi", self.rfi);
    }
}

#[tokio::test]
async fn files_inside_nested_objects_get_rails_names() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rest/v1.0/projects/1/rfis"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 8})))
        .mount(&server)
        .await;
    let mut r = client(&server).request(
        Method::POST,
        "/rest/v1.0/projects/{project_id}/rfis",
        "/rest/v1.0/projects/1/rfis".into(),
    );
    r.multipart(CreateRfi {
        rfi: Rfi {
            subject: "Leak".into(),
            question: Question {
                body: "Where?".into(),
                attachments: vec![
                    FilePart::bytes(&b"one"[..], "a.txt").mime("text/plain"),
                    FilePart::bytes(&b"two"[..], "b.pdf").mime("application/pdf"),
                ],
            },
            assignee_ids: vec![5],
        },
    });
    assert_eq!(r.send_json::<Value>().await.unwrap()["id"], 8);
    let got = &server.received_requests().await.unwrap()[0];
    let text = String::from_utf8_lossy(&got.body);
    let ct = got.headers["content-type"].to_str().unwrap();
    assert!(ct.starts_with("multipart/form-data; boundary="), "{ct}");
    // The parts, in order, as Rails reads them.
    let names: Vec<&str> = text
        .split("form-data; name=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert_eq!(
        names,
        [
            "rfi[subject]",
            "rfi[question][body]",
            "rfi[question][attachments][]",
            "rfi[question][attachments][]",
            "rfi[assignee_ids][]",
        ]
    );
    assert!(text.contains(r#"name="rfi[question][attachments][]"; filename="a.txt""#));
    assert!(text.contains("Content-Type: application/pdf\r\n\r\ntwo"));
}
