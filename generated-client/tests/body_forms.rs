//! Operations whose body Procore takes as JSON or as `multipart/form-data`, against a loopback
//! server: what goes over the wire in each form (method, path, query, headers, body, Rails-style
//! nested names, files streamed from disk) and what the caller gets back. Also multipart-only
//! forms whose file fields the spec types as strings, sent through their file twins
//! (`files_parts`, `data_part`), and files the spec leaves untyped, through `file_part`.
//!
//! `cargo test -p procore --features project-management --test body_forms`
#![cfg(all(feature = "core", feature = "project-management"))]

use procore::models::{FileForm, FileFormWithData, NewCompanyFile, NewDrawingUpload};
use procore::models::{NewFile, NewFileForm, NewRfi, NewRfiJson, NewRfiJsonQuestion, RfiQuestion};
use procore::models::{NewUploadV1_1, NewUploadV1_1Form};
use procore::{Client, Environment, Error, FilePart, RetryPolicy};
use serde_json::{json, Value};
use std::time::Duration;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const RFIS: &str = "/rest/v1.0/projects/7/rfis";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .environment(Environment::custom(server.uri(), server.uri()))
        .bearer_token("t0ken")
        .company(42)
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

async fn created(server: &MockServer, p: &str, answer: Value) {
    Mock::given(method("POST"))
        .and(path(p))
        .and(header("authorization", "Bearer t0ken"))
        .and(header("procore-company-id", "42"))
        .respond_with(ResponseTemplate::new(201).set_body_json(answer))
        .mount(server)
        .await;
}

async fn only_request(server: &MockServer) -> Request {
    let mut all = server.received_requests().await.unwrap();
    assert_eq!(all.len(), 1, "one request expected");
    all.remove(0)
}

fn content_type(req: &Request) -> String {
    req.headers["content-type"].to_str().unwrap().to_string()
}

/// The parts of a multipart body as (name, file name, content), in order.
fn parts(req: &Request) -> Vec<(String, Option<String>, String)> {
    let ct = content_type(req);
    let boundary = ct.split("boundary=").nth(1).expect("a boundary");
    let body = String::from_utf8_lossy(&req.body).into_owned();
    let attr = |head: &str, key: &str| {
        let start = head.find(&format!("{key}=\""))? + key.len() + 2;
        Some(head[start..].split('"').next()?.to_string())
    };
    body.split(&format!("--{boundary}"))
        .filter_map(|p| {
            let (head, content) = p.split_once("\r\n\r\n")?;
            let name = attr(head, "name")?;
            let content = content.strip_suffix("\r\n").unwrap_or(content);
            Some((name, attr(head, "filename"), content.to_string()))
        })
        .collect()
}

fn names(parts: &[(String, Option<String>, String)]) -> Vec<&str> {
    parts.iter().map(|p| p.0.as_str()).collect()
}

#[tokio::test]
async fn an_rfi_goes_as_a_multipart_form_with_its_attachments_under_rails_names() {
    let server = MockServer::start().await;
    created(&server, RFIS, json!({"id": 501, "subject": "Sealant"})).await;
    let dir = tempfile::tempdir().unwrap();
    let sketch = dir.path().join("sketch.pdf");
    std::fs::write(&sketch, b"%PDF-1.7 sketch").unwrap();
    let question = RfiQuestion::new("Which sealant?").attachments(vec![
        FilePart::path(&sketch).mime("application/pdf"),
        FilePart::bytes(&b"second"[..], "note.txt"),
    ]);
    let rfi = NewRfi::new("Sealant", 3, question).assignee_ids(vec![5, 6]);
    let answer = client(&server)
        .create_project_rfi(7, rfi)
        .run_configurable_validations(true)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (answer.id, answer.subject.as_deref()),
        (Some(501), Some("Sealant"))
    );

    let req = only_request(&server).await;
    assert_eq!(req.method.as_str(), "POST");
    assert_eq!(req.url.path(), RFIS);
    assert_eq!(req.url.query(), Some("run_configurable_validations=true"));
    assert!(content_type(&req).starts_with("multipart/form-data; boundary="));
    let parts = parts(&req);
    assert_eq!(
        names(&parts),
        [
            "rfi[subject]",
            "rfi[assignee_ids][]",
            "rfi[assignee_ids][]",
            "rfi[rfi_manager_id]",
            "rfi[question][body]",
            "rfi[question][attachments][]",
            "rfi[question][attachments][]",
        ]
    );
    let files: Vec<_> = parts.iter().filter(|p| p.1.is_some()).collect();
    assert_eq!(files[0].1.as_deref(), Some("sketch.pdf"));
    assert_eq!(files[0].2, "%PDF-1.7 sketch");
    assert_eq!(
        (files[1].1.as_deref(), files[1].2.as_str()),
        (Some("note.txt"), "second")
    );
    let body = String::from_utf8_lossy(&req.body);
    assert!(body.contains("Content-Type: application/pdf"), "{body}");
}

#[tokio::test]
async fn the_same_rfi_goes_as_json_through_the_json_sibling() {
    let server = MockServer::start().await;
    created(&server, RFIS, json!({"id": 502})).await;
    let question = NewRfiJsonQuestion::new("Which sealant?").prostore_file_ids(vec![11]);
    let rfi = NewRfiJson::new("Sealant", 3, question);
    let answer = client(&server)
        .create_project_rfi_json(7, rfi)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.id, Some(502));

    let req = only_request(&server).await;
    assert_eq!((req.method.as_str(), req.url.path()), ("POST", RFIS));
    assert_eq!(content_type(&req), "application/json");
    let sent: Value = serde_json::from_slice(&req.body).unwrap();
    assert_eq!(
        sent,
        json!({"rfi": {"subject": "Sealant", "rfi_manager_id": 3,
                       "question": {"body": "Which sealant?", "prostore_file_ids": [11]}}})
    );
}

#[tokio::test]
async fn a_file_goes_as_json_or_with_its_data_as_a_file_part() {
    let server = MockServer::start().await;
    created(
        &server,
        "/rest/v1.0/files",
        json!({"id": 9, "name": "plan.pdf"}),
    )
    .await;
    let c = client(&server);
    let json_file = c.create_file(7, NewFile::new().name("plan.pdf").upload_uuid("u-1"));
    assert_eq!(json_file.send().await.unwrap().id, Some(9));
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.pdf");
    std::fs::write(&plan, b"%PDF plan").unwrap();
    let form = NewFileForm::new()
        .name("plan.pdf")
        .parent_id(4)
        .data(FilePart::path(&plan));
    let answer = c.create_file_multipart(7, form).send().await.unwrap();
    assert_eq!(answer.name.as_deref(), Some("plan.pdf"));

    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2);
    for r in &reqs {
        assert_eq!(r.url.query(), Some("project_id=7"));
    }
    assert_eq!(content_type(&reqs[0]), "application/json");
    let sent: Value = serde_json::from_slice(&reqs[0].body).unwrap();
    assert_eq!(
        sent,
        json!({"file": {"name": "plan.pdf", "upload_uuid": "u-1"}})
    );
    let parts = parts(&reqs[1]);
    assert_eq!(
        names(&parts),
        ["file[parent_id]", "file[name]", "file[data]"]
    );
    assert_eq!(parts[0].2, "4");
    assert_eq!(parts[2].1.as_deref(), Some("plan.pdf"));
    assert_eq!(parts[2].2, "%PDF plan");
}

#[tokio::test]
async fn an_optional_body_is_set_in_either_form_or_left_out() {
    let server = MockServer::start().await;
    let uploads = "/rest/v1.1/projects/7/uploads";
    created(&server, uploads, json!({"uuid": "u-2"})).await;
    let c = client(&server);
    let as_json = NewUploadV1_1::new("a.pdf").size(5);
    c.create_project_upload_v1_1(7)
        .body(as_json)
        .send()
        .await
        .unwrap();
    let as_form = NewUploadV1_1Form::new("a.pdf").size(5);
    c.create_project_upload_v1_1(7)
        .multipart(as_form)
        .send()
        .await
        .unwrap();
    // The last form set wins.
    let both = c
        .create_project_upload_v1_1(7)
        .multipart(NewUploadV1_1Form::new("x.pdf"))
        .body(NewUploadV1_1::new("b.pdf"));
    both.send().await.unwrap();
    c.create_project_upload_v1_1(7).send().await.unwrap();

    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 4);
    let sent: Value = serde_json::from_slice(&reqs[0].body).unwrap();
    assert_eq!(sent, json!({"response_filename": "a.pdf", "size": 5}));
    let form = parts(&reqs[1]);
    assert_eq!(names(&form), ["response_filename", "size"]);
    assert_eq!((form[0].2.as_str(), form[1].2.as_str()), ("a.pdf", "5"));
    let sent: Value = serde_json::from_slice(&reqs[2].body).unwrap();
    assert_eq!(sent, json!({"response_filename": "b.pdf"}));
    assert!(reqs[3].body.is_empty());
    assert!(!reqs[3].headers.contains_key("content-type"));
}

#[tokio::test]
async fn file_parts_are_read_from_disk_when_sent_and_again_on_a_retry() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(RFIS))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    created(&server, RFIS, json!({"id": 503})).await;
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("scan.bin");
    let question = RfiQuestion::new("Q").attachments(vec![FilePart::path(&big)]);
    let request = client(&server)
        .create_project_rfi(7, NewRfi::new("S", 3, question))
        .idempotency_token("rfi-503");
    // The file does not exist when the request is built: it is opened as the request is sent.
    let content: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&big, &content).unwrap();
    assert_eq!(request.send().await.unwrap().id, Some(503));

    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2, "the 503 is retried (idempotency token)");
    for r in &reqs {
        let body = &r.body[..];
        let at = body.windows(64).position(|w| w == &content[..64]);
        let sent = at.map(|i| &body[i..(i + content.len()).min(body.len())]);
        assert!(sent == Some(&content[..]), "the whole file, every attempt");
    }
}

#[tokio::test]
async fn a_missing_file_fails_before_anything_is_sent() {
    let server = MockServer::start().await;
    created(&server, "/rest/v1.0/files", json!({"id": 1})).await;
    let form = NewFileForm::new().data(FilePart::path("/nonexistent/plan.pdf"));
    let err = client(&server)
        .create_file_multipart(7, form)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Encode(_)), "{err:?}");
    assert!(err.to_string().contains("/nonexistent/plan.pdf"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn procore_errors_come_back_the_same_in_either_form() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(RFIS))
        .and(query_param("run_configurable_validations", "true"))
        .respond_with(
            ResponseTemplate::new(422).set_body_json(json!({"errors": {"subject": ["taken"]}})),
        )
        .mount(&server)
        .await;
    let c = client(&server);
    let form = c
        .create_project_rfi(7, NewRfi::new("S", 3, RfiQuestion::new("Q")))
        .run_configurable_validations(true);
    let json = c
        .create_project_rfi_json(7, NewRfiJson::new("S", 3, NewRfiJsonQuestion::new("Q")))
        .run_configurable_validations(true);
    for err in [
        form.send().await.unwrap_err(),
        json.send().await.unwrap_err(),
    ] {
        assert_eq!(err.status().map(|s| s.as_u16()), Some(422), "{err:?}");
    }
}

const DRAWING_UPLOADS: &str = "/rest/v1.0/projects/7/drawing_uploads";

/// Two small PDFs in a temporary directory.
fn two_pdfs() -> (tempfile::TempDir, [std::path::PathBuf; 2]) {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("A-101.pdf");
    let b = dir.path().join("A-102.pdf");
    std::fs::write(&a, b"%PDF-1.7 first sheet").unwrap();
    std::fs::write(&b, b"%PDF-1.7 second sheet").unwrap();
    (dir, [a, b])
}

#[tokio::test]
async fn a_drawing_upload_sends_its_pdfs_as_files_parts_read_from_disk() {
    let server = MockServer::start().await;
    created(&server, DRAWING_UPLOADS, json!({"id": 31})).await;
    let (_dir, [a, b]) = two_pdfs();
    let upload = NewDrawingUpload::new(12)
        .files_parts(vec![
            FilePart::path(&a).mime("application/pdf"),
            FilePart::path(&b).mime("application/pdf"),
        ])
        .drawing_date("2026-02-01");
    let answer = client(&server)
        .create_project_drawing_upload(7, upload)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.id, Some(31));

    let req = only_request(&server).await;
    assert_eq!(
        (req.method.as_str(), req.url.path()),
        ("POST", DRAWING_UPLOADS)
    );
    let parts = parts(&req);
    assert_eq!(
        names(&parts),
        ["files[]", "files[]", "drawing_set_id", "drawing_date"]
    );
    let files: Vec<(Option<&str>, &str)> = parts[..2]
        .iter()
        .map(|p| (p.1.as_deref(), p.2.as_str()))
        .collect();
    assert_eq!(
        files,
        [
            (Some("A-101.pdf"), "%PDF-1.7 first sheet"),
            (Some("A-102.pdf"), "%PDF-1.7 second sheet")
        ]
    );
    assert_eq!((parts[2].1.as_deref(), parts[2].2.as_str()), (None, "12"));
    let body = String::from_utf8_lossy(&req.body);
    assert_eq!(body.matches("Content-Type: application/pdf").count(), 2);
}

#[tokio::test]
async fn a_company_file_sends_its_data_as_a_file_part() {
    let server = MockServer::start().await;
    let files = "/rest/v1.0/companies/42/files";
    created(&server, files, json!({"id": 77, "name": "plan.pdf"})).await;
    let (_dir, [plan, _]) = two_pdfs();
    let data = FileFormWithData::new_with_files(FilePart::path(&plan))
        .name("plan.pdf")
        .parent_id(5);
    let body = NewCompanyFile::new(FileForm::Data(Box::new(data)));
    let answer = client(&server)
        .create_company_file(42, body)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.id, Some(77));

    let req = only_request(&server).await;
    let parts = parts(&req);
    assert_eq!(
        names(&parts),
        ["file[parent_id]", "file[name]", "file[data]"]
    );
    // The placeholder text `new_with_files` leaves in `data` is not sent: one part, the file.
    assert_eq!(parts[2].1.as_deref(), Some("A-101.pdf"));
    assert_eq!(parts[2].2, "%PDF-1.7 first sheet");
}

/// Code written against the string fields still builds and sends what it always sent (text
/// parts, deprecated with a note naming the file twin); a twin, when set, is sent instead.
#[tokio::test]
#[allow(deprecated)]
async fn the_string_setters_still_compile_and_a_twin_replaces_their_text() {
    let server = MockServer::start().await;
    created(&server, DRAWING_UPLOADS, json!({"id": 32})).await;
    created(&server, "/rest/v1.0/companies/42/files", json!({"id": 78})).await;
    let c = client(&server);
    let as_text = NewDrawingUpload::new(12).files(vec!["A-101.pdf".into()]);
    assert_eq!(
        as_text.files.as_deref(),
        Some(&["A-101.pdf".to_string()][..])
    );
    c.create_project_drawing_upload(7, as_text)
        .send()
        .await
        .unwrap();
    let (_dir, [a, _]) = two_pdfs();
    let both = NewDrawingUpload::new(12)
        .files(vec!["ignored".into()])
        .files_parts(vec![FilePart::path(&a)]);
    c.create_project_drawing_upload(7, both)
        .send()
        .await
        .unwrap();
    let text_data = FileFormWithData::new("plain text");
    c.create_company_file(42, NewCompanyFile::new(FileForm::Data(Box::new(text_data))))
        .send()
        .await
        .unwrap();

    let reqs = server.received_requests().await.unwrap();
    let sent: Vec<_> = reqs.iter().map(parts).collect();
    assert_eq!(
        sent[0],
        [
            ("files[]".to_string(), None, "A-101.pdf".to_string()),
            drawing_set()
        ]
    );
    assert_eq!(
        sent[1],
        [
            (
                "files[]".into(),
                Some("A-101.pdf".into()),
                "%PDF-1.7 first sheet".into()
            ),
            drawing_set()
        ]
    );
    assert_eq!(sent[2], [("file[data]".into(), None, "plain text".into())]);
}

fn drawing_set() -> (String, Option<String>, String) {
    ("drawing_set_id".into(), None, "12".into())
}

#[tokio::test]
async fn a_file_the_spec_leaves_untyped_goes_as_an_extra_file_part() {
    // `file_version` is an object the spec gives no properties (only a `oneOf`), so the body
    // type holds it as JSON; its `data` file goes through `file_part`.
    let server = MockServer::start().await;
    let versions = "/rest/v1.0/companies/42/file_versions";
    created(&server, versions, json!({"id": 9})).await;
    let (_dir, [plan, _]) = two_pdfs();
    let body = procore::models::NewCompanyFileVersion::new(json!({"notes": "rev B"}));
    client(&server)
        .create_company_file_version(42, 77, body)
        .file_part("file_version[data]", FilePart::path(&plan))
        .send()
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.url.query(), Some("file_id=77"));
    let form = parts(&req);
    assert_eq!(names(&form), ["file_version[notes]", "file_version[data]"]);
    assert_eq!(form[0].2, "rev B");
    assert_eq!(form[1].1.as_deref(), Some("A-101.pdf"));
    assert_eq!(form[1].2, std::fs::read_to_string(&plan).unwrap());
}

#[tokio::test]
async fn a_file_part_without_a_multipart_body_fails_before_anything_is_sent() {
    let server = MockServer::start().await;
    let err = client(&server)
        .create_project_upload_v1_1(7)
        .body(NewUploadV1_1::new("a.pdf"))
        .file_part("file", FilePart::bytes(&b"%PDF"[..], "a.pdf"))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Encode(m) if m.contains("no multipart body")),
        "{err}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}
