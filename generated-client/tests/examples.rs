//! Runs the code of `examples/` against a loopback server: each example file is compiled in
//! here as a module (its `main` only reads the environment and calls `run`), so the test goes
//! through the same `client_from` and `run` a user runs, without spawning cargo.
//!
//! `list_projects` needs the default `core` feature; `stream_rfis` and `upload_file` need
//! `project-management`: `cargo test -p procore --features project-management --test examples`.
#![cfg(feature = "core")]

use serde_json::json;
use std::collections::HashMap;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

#[allow(dead_code)]
#[path = "../examples/list_projects.rs"]
mod list_projects;

#[cfg(feature = "project-management")]
#[allow(dead_code)]
#[path = "../examples/stream_rfis.rs"]
mod stream_rfis;

#[cfg(feature = "project-management")]
#[allow(dead_code)]
#[path = "../examples/create_rfi.rs"]
mod create_rfi;
#[cfg(feature = "project-management")]
#[allow(dead_code)]
#[path = "../examples/upload_file.rs"]
mod upload_file;

/// The settings an example reads from the environment, pointing at `server`.
fn settings(server: &MockServer) -> impl Fn(&str) -> Option<String> {
    let vars: HashMap<&str, String> = [
        ("PROCORE_BASE_URL", server.uri()),
        ("PROCORE_TOKEN", "example-token".to_string()),
        ("PROCORE_COMPANY_ID", "42".to_string()),
        ("PROCORE_PROJECT_ID", "7".to_string()),
    ]
    .into();
    move |k| vars.get(k).cloned()
}

/// Two pages of `items`, the first linking to the second like Procore does.
fn two_pages(base: String, items: Vec<serde_json::Value>) -> impl Fn(&Request) -> ResponseTemplate {
    move |r: &Request| {
        let second = r.url.query_pairs().any(|(k, v)| k == "page" && v == "2");
        let (page, rest) = items.split_at(2);
        let mut t = ResponseTemplate::new(200)
            .insert_header("total", items.len().to_string())
            .insert_header("per-page", "2");
        if second {
            t = t.set_body_json(rest);
        } else {
            let next = format!("<{base}{}?page=2&per_page=100>; rel=\"next\"", r.url.path());
            t = t.insert_header("link", next).set_body_json(page);
        }
        t.insert_header("x-rate-limit-limit", "3600")
            .insert_header("x-rate-limit-remaining", "3590")
            .insert_header("x-rate-limit-reset", "4102444800")
    }
}

#[test]
fn examples_read_their_settings_from_the_environment() {
    let var = |vars: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    };
    let c = list_projects::client_from(&var(&[("PROCORE_TOKEN", "t")])).unwrap();
    assert_eq!(c.base_url().as_str(), "https://api.procore.com/");
    let c = list_projects::client_from(&var(&[
        ("PROCORE_ENV", "monthly-sandbox"),
        ("PROCORE_CLIENT_ID", "id"),
        ("PROCORE_CLIENT_SECRET", "secret"),
    ]))
    .unwrap();
    assert_eq!(c.base_url().as_str(), "https://api-monthly.procore.com/");
    let err = list_projects::client_from(&var(&[("PROCORE_ENV", "sandbox")])).unwrap_err();
    assert!(err.to_string().contains("PROCORE_TOKEN"), "{err}");
    let err = list_projects::client_from(&var(&[("PROCORE_ENV", "staging")])).unwrap_err();
    assert!(err.to_string().contains("staging"), "{err}");
    let err = list_projects::id_from(&var(&[("PROCORE_COMPANY_ID", "x")]), "PROCORE_COMPANY_ID")
        .unwrap_err();
    assert!(err.to_string().contains("not an id"), "{err}");
}

#[tokio::test]
async fn example_list_projects() {
    let server = MockServer::start().await;
    let projects = (1..=3)
        .map(|i| json!({"id": i, "name": format!("Tower {i}")}))
        .collect();
    Mock::given(method("GET"))
        .and(path("/rest/v1.0/projects"))
        .and(query_param("company_id", "42"))
        .and(header("authorization", "Bearer example-token"))
        .and(header("procore-company-id", "42"))
        .respond_with(two_pages(server.uri(), projects))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/rest/v1.0/projects"))
        .and(query_param("page", "2"))
        .and(header("procore-company-id", "42"))
        .respond_with(two_pages(
            server.uri(),
            (1..=3)
                .map(|i| json!({"id": i, "name": format!("Tower {i}")}))
                .collect(),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let var = settings(&server);
    let client = list_projects::client_from(&var).unwrap();
    let company = list_projects::id_from(&var, "PROCORE_COMPANY_ID").unwrap();
    let mut out = Vec::new();
    let count = list_projects::run(&client, company, &mut out)
        .await
        .unwrap();
    assert_eq!(count, 3);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "         1  Tower 1\n         2  Tower 2\n         3  Tower 3\n"
    );
}

#[cfg(feature = "project-management")]
#[tokio::test]
async fn example_stream_rfis() {
    let server = MockServer::start().await;
    let rfis = vec![
        json!({"id": 1, "number": "1", "subject": "Beam size", "status": "open"}),
        json!({"id": 2, "number": "2", "subject": "Door swing", "status": "closed"}),
        json!({"id": 3, "number": "3", "subject": "Slab edge", "status": "open"}),
    ];
    Mock::given(method("GET"))
        .and(path("/rest/v1.0/projects/7/rfis"))
        .and(header("authorization", "Bearer example-token"))
        .and(header("procore-company-id", "42"))
        .respond_with(two_pages(server.uri(), rfis))
        .expect(3)
        .mount(&server)
        .await;
    let var = settings(&server);
    let client = stream_rfis::client_from(&var).unwrap();
    let mut out = Vec::new();
    let open = stream_rfis::run(&client, 42, 7, &mut out).await.unwrap();
    assert_eq!(open, 2);
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "3 RFIs");
    assert_eq!(lines[1], "#1        open     Beam size");
    assert_eq!(lines[2], "#2        closed   Door swing");
    assert_eq!(lines[3], "#3        open     Slab edge");
    assert!(
        lines[4].starts_with("rate limit: 3590 of 3600 left"),
        "{text}"
    );
}

#[cfg(feature = "project-management")]
#[tokio::test]
async fn example_upload_file() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rest/v1.0/images"))
        .and(query_param("project_id", "7"))
        .and(header("authorization", "Bearer example-token"))
        .and(header("procore-company-id", "42"))
        .respond_with(ResponseTemplate::new(201).set_body_json(
            json!({"id": 99, "url": "https://storage.example/site.jpg", "filename": "site.jpg"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("site.jpg");
    std::fs::write(&photo, b"\xff\xd8\xff\xe0 not really a jpeg").unwrap();
    let var = settings(&server);
    let client = upload_file::client_from(&var).unwrap();
    let mut out = Vec::new();
    let id = upload_file::run(&client, 42, 7, &photo, &mut out)
        .await
        .unwrap();
    assert_eq!(id, 99);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "uploaded site.jpg as image 99: https://storage.example/site.jpg\n"
    );
    let req = &server.received_requests().await.unwrap()[0];
    let body = String::from_utf8_lossy(&req.body);
    assert!(
        body.contains(r#"name="image[data]"; filename="site.jpg""#),
        "{body}"
    );
    assert!(body.contains("Content-Type: image/jpeg"), "{body}");
    assert!(body.contains("not really a jpeg"));
    assert!(body.contains(r#"name="image_name""#) && body.contains("Uploaded by procore-rs"));
}

#[cfg(feature = "project-management")]
#[tokio::test]
async fn example_create_rfi_with_an_attachment() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rest/v1.0/projects/7/rfis"))
        .and(header("procore-company-id", "42"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 501})))
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let sketch = dir.path().join("sketch.pdf");
    std::fs::write(&sketch, b"%PDF-1.7 sketch").unwrap();
    let client = create_rfi::client_from(&settings(&server)).unwrap();
    let mut out = Vec::new();
    let id = create_rfi::run(&client, 7, 3, &sketch, &mut out)
        .await
        .unwrap();
    assert_eq!(id, 501);
    let req = &server.received_requests().await.unwrap()[0];
    let ct = req.headers.get("content-type").unwrap().to_str().unwrap();
    assert!(ct.starts_with("multipart/form-data"), "{ct}");
    let body = String::from_utf8_lossy(&req.body);
    // Rails-style nested names: the envelope, the question, the file array.
    assert!(
        body.contains(r#"name="rfi[question][attachments][]"; filename="sketch.pdf""#),
        "{body}"
    );
    assert!(body.contains("%PDF-1.7 sketch"));
    assert!(
        body.contains(r#"name="rfi[subject]""#) && body.contains(r#"name="rfi[rfi_manager_id]""#)
    );
    assert!(body.contains(r#"name="rfi[question][body]""#));
}
