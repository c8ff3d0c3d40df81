//! Tracing spans of the runtime, recorded by a small subscriber, against a loopback server.
//!
//! Alone in its test binary on purpose: `tracing` caches per call site whether anyone is
//! interested, and a test on another thread that reaches the runtime's call sites while this
//! one installs its subscriber can leave them cached as "never" (no spans recorded).
#![cfg(feature = "core")]

use procore::{Client, Environment, RetryPolicy};
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A span's name and its fields as text.
type SpanRecord = (String, Vec<(String, String)>);

/// Records the spans created on this thread, with their fields.
#[derive(Clone, Default)]
struct Spans(Arc<Mutex<Vec<SpanRecord>>>);

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name().into(), format!("{value:?}")));
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.push((field.name().into(), value.into()));
    }
}

impl tracing::Subscriber for Spans {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attrs: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut spans = self.0.lock().unwrap();
        let mut fields = Vec::new();
        attrs.record(&mut Fields(&mut fields));
        spans.push((attrs.metadata().name().into(), fields));
        tracing::span::Id::from_u64(spans.len() as u64)
    }
    fn record(&self, id: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut spans = self.0.lock().unwrap();
        let (_, fields) = &mut spans[id.into_u64() as usize - 1];
        values.record(&mut Fields(fields));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, _: &tracing::Event<'_>) {}
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn each_attempt_runs_in_a_span_with_method_path_template_attempt_and_status() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/v1.0/projects/77"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/rest/v1.0/projects/77"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 77})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "cc",
            "expires_in": 7200,
            "created_at": SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs(),
        })))
        .mount(&server)
        .await;
    let spans = Spans::default();
    let _guard = tracing::subscriber::set_default(spans.clone());
    let client = Client::builder()
        .environment(Environment::custom(server.uri(), server.uri()))
        .client_credentials("id", "secret")
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    client.get_project(77, 1).send().await.unwrap();
    let recorded = spans.0.lock().unwrap().clone();
    let get = |f: &[(String, String)], k: &str| {
        f.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let requests: Vec<[String; 4]> = recorded
        .iter()
        .filter(|(name, _)| name == "procore.request")
        .map(|(_, f)| {
            [
                get(f, "method"),
                get(f, "path"),
                get(f, "attempt"),
                get(f, "status"),
            ]
        })
        .collect();
    let template = "/rest/v1.0/projects/{id}".to_string();
    assert_eq!(
        requests,
        [
            ["GET".into(), template.clone(), "1".into(), "503".into()],
            ["GET".into(), template, "2".into(), "200".into()],
        ]
    );
    let token: Vec<_> = recorded
        .iter()
        .filter(|(name, _)| name == "procore.token")
        .collect();
    assert_eq!(token.len(), 1);
    assert_eq!(get(&token[0].1, "grant_type"), "client_credentials");
    assert_eq!(get(&token[0].1, "status"), "200");
}
