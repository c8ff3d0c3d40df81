//! Round trips through the code generated from `tests/fixtures/feature-coverage.yaml`:
//! lenient responses, strict requests, Rails query encoding, multipart, merge-patch.
#![cfg(all(feature = "core", feature = "project-management"))]

use procore_coverage::models::*;
use procore_coverage::{Client, Environment, FilePart};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

#[test]
fn unknown_enum_values_nulls_and_extra_fields_deserialise() {
    let rfi: Rfi = serde_json::from_value(json!({
        "id": 1, "subject": null, "status": "reopened_by_ai", "assignee": null,
        "brand_new_field": {"x": 1}, "type": "Rfi"
    }))
    .unwrap();
    assert_eq!(rfi.id, Some(1));
    assert_eq!(rfi.subject, None);
    assert_eq!(rfi.status, Some(Status::Unknown("reopened_by_ai".into())));
    assert_eq!(rfi.type_.as_deref(), Some("Rfi"));
    let known: Rfi = serde_json::from_value(json!({"status": "open"})).unwrap();
    assert_eq!(known.status, Some(Status::Open));
    // Serialising keeps wire names and unknown values.
    let back = serde_json::to_value(&rfi).unwrap();
    assert_eq!(back["status"], "reopened_by_ai");
    assert_eq!(back["type"], "Rfi");
}

#[test]
fn odd_enum_values_have_names_and_round_trip() {
    use ScheduleV2Kind as K;
    for (wire, v) in [
        ("", K::Empty),
        ("Microsoft Project 2010", K::MicrosoftProject2010),
        ("hex-color", K::HexColor),
        ("unknown", K::UnknownValue),
    ] {
        let parsed: K = serde_json::from_value(json!(wire)).unwrap();
        assert_eq!(parsed, v);
        assert_eq!(serde_json::to_value(&v).unwrap(), json!(wire));
    }
    // The spec's `null` in the enum made the field nullable.
    let r: ScheduleV2 = serde_json::from_value(json!({"kind": null})).unwrap();
    assert_eq!(r.kind, None);
}

#[test]
fn unions_pick_the_matching_shape_and_keep_the_rest() {
    use ScheduleV2Value as V;
    let r: ScheduleV2 = serde_json::from_value(json!({"value": "x"})).unwrap();
    assert_eq!(r.value, Some(V::String("x".into())));
    let r: ScheduleV2 = serde_json::from_value(json!({"value": 3})).unwrap();
    assert_eq!(r.value, Some(V::Integer(3)));
    let r: ScheduleV2 = serde_json::from_value(json!({"value": {"amount": 2.5}})).unwrap();
    assert!(matches!(r.value, Some(V::Amount(o)) if o.amount == Some(2.5)));
    let r: ScheduleV2 = serde_json::from_value(json!({"value": [true]})).unwrap();
    assert_eq!(r.value, Some(V::Other(json!([true]))));
}

#[test]
fn recursion_is_boxed_and_maps_hold_dynamic_keys() {
    let f: Folder = serde_json::from_value(
        json!({"id": 1, "parent": {"id": 0, "parent": null}, "folders": [{"id": 2}]}),
    )
    .unwrap();
    assert_eq!(f.parent.as_ref().and_then(|p| p.id), Some(0));
    assert_eq!(f.folders.as_ref().map(Vec::len), Some(1));
    let c: CustomField = serde_json::from_value(json!({
        "id": 1, "custom_field_42": "blue", "values_by_id": {"7": 1.5}, "settings": {"a": "b"}, "extra": {"n": [1]}
    }))
    .unwrap();
    assert_eq!(
        c.additional_properties.get("custom_field_42"),
        Some(&json!("blue"))
    );
    assert_eq!(c.values_by_id.unwrap().get("7"), Some(&1.5));
    assert_eq!(c.settings.unwrap().get("a").map(String::as_str), Some("b"));
}

#[test]
fn requests_are_strict_and_all_of_is_merged() {
    // Required fields in `new`, the rest by setters; the `{"rfi": ...}` envelope is added by
    // the request (see `create_sends_the_envelope`).
    let body = NewRfi::new("Leak")
        .assignee_id(None)
        .priority(Priority::High);
    // Optional fields are left out when unset; optional nullable ones send `null` when `None`.
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        json!({"subject": "Leak", "assignee_id": null, "priority": "high"})
    );
    let patch = RfiUpdate::new().due_date(None);
    assert_eq!(
        serde_json::to_value(&patch).unwrap(),
        json!({"due_date": null})
    );
}

#[tokio::test]
async fn create_sends_the_envelope() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rest/v1.0/projects/7/rfis"))
        .and(body_json(json!({"rfi": {"subject": "Leak"}})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 1})))
        .expect(1)
        .mount(&server)
        .await;
    let rfi = client(&server)
        .create_project_rfi(7, NewRfi::new("Leak"))
        .send()
        .await
        .unwrap();
    assert_eq!(rfi.id, Some(1));
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .environment(Environment::Custom {
            api: server.uri(),
            login: server.uri(),
        })
        .bearer_token("t0ken")
        .company(42)
        .build()
        .unwrap()
}

#[tokio::test]
async fn query_parameters_are_encoded_for_rails_and_company_header_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/v1.0/projects/7/rfis"))
        .and(header("Procore-Company-Id", "42"))
        .and(header("Authorization", "Bearer t0ken"))
        .and(query_param("filters[id]", "1,2"))
        .and(query_param("per_page", "100"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([{"id": 1, "status": "open"}])),
        )
        .expect(1)
        .mount(&server)
        .await;
    let rfis = client(&server)
        .list_project_rfis(7)
        .per_page(100)
        .filters_id(vec![1, 2])
        .filters_status(vec![RfiStatusFilter::Open, RfiStatusFilter::Draft])
        .ids(vec![5, 6])
        .send()
        .await
        .unwrap();
    assert_eq!(rfis.len(), 1);
    let req: &Request = &server.received_requests().await.unwrap()[0];
    let q = req.url.query().unwrap();
    assert!(
        q.contains("filters%5Bstatus%5D%5B%5D=open&filters%5Bstatus%5D%5B%5D=draft"),
        "{q}"
    );
    assert!(q.contains("ids%5B%5D=5&ids%5B%5D=6"), "{q}");
}

#[tokio::test]
async fn merge_patch_and_multipart_bodies() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/rest/v1.0/projects/7/rfis/9"))
        .and(header("content-type", "application/merge-patch+json"))
        .and(body_json(json!({"due_date": null})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 9})))
        .mount(&server)
        .await;
    let rfi = client(&server)
        .update_project_rfi(7, "9")
        .body(RfiUpdate::new().due_date(None))
        .send()
        .await
        .unwrap();
    assert_eq!(rfi.id, Some(9));

    Mock::given(method("POST"))
        .and(path("/rest/v1.0/projects/7/documents"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"id": 3, "name": "plan.pdf"})),
        )
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.pdf");
    std::fs::write(&file, b"%PDF-1.7 test").unwrap();
    let doc = client(&server)
        .create_project_document(
            7,
            NewDocument::new(FilePart::path(&file))
                .document(DocumentForm::new().name("plan").parent_id(1)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(doc.id, Some(3));
    let reqs = server.received_requests().await.unwrap();
    let upload = reqs.iter().find(|r| r.method.as_str() == "POST").unwrap();
    let body = String::from_utf8_lossy(&upload.body);
    assert!(
        body.contains("name=\"file\"; filename=\"plan.pdf\"") && body.contains("%PDF-1.7 test"),
        "{body}"
    );
    assert!(
        body.contains("name=\"document[name]\"") && body.contains("name=\"document[parent_id]\""),
        "{body}"
    );
}
