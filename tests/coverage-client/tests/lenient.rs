//! Response bodies that deviate from the spec the ways real Procore bodies do (issue 11): each
//! reads without failing, the deviation and the undeclared fields are readable, and writing the
//! value back loses nothing. Each case is checked through `serde_json::from_slice` and through
//! `send()` against a loopback server, which must agree.
#![cfg(all(feature = "core", feature = "project-management"))]

use procore_coverage::models::*;
use procore_coverage::{Client, Environment, Error};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

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

/// A well-formed RFI row, as the spec declares it.
fn row(id: i64) -> Value {
    json!({
        "id": id, "subject": format!("RFI {id}"), "status": "open",
        "assignee": {"id": 3, "name": "Ann"}, "created_at": "2026-01-02T03:04:05Z", "type": "Rfi",
        "rom": 1500, "cost": 750.5, "location": "Level 2", "origin_id": 77,
        "questions": [{"id": 1, "body": "Which?", "cost": 1.0}],
        "responsible": {"id": 5, "name": "Ann", "login": "ann@example.com"}
    })
}

/// Serves `body` for `GET /rest/v1.0/projects/7/rfis` and returns what `send()` made of it.
async fn list_via_send(body: &Value) -> Result<Vec<Rfi>, Error> {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/v1.0/projects/7/rfis"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    client(&server).list_project_rfis(7).send().await
}

/// Reads `body` both ways, checks they agree, and returns the rows.
async fn read_list(body: Value) -> Vec<Rfi> {
    let bytes = serde_json::to_vec(&body).unwrap();
    let direct: Vec<Rfi> = serde_json::from_slice(&bytes).unwrap();
    let sent = list_via_send(&body).await.unwrap();
    assert_eq!(direct, sent, "from_slice and send() must read the same");
    direct
}

#[tokio::test]
async fn decimal_strings_fill_integer_and_number_fields() {
    let mut r = row(1);
    r["rom"] = json!("1500.0");
    r["cost"] = json!("750.0");
    let rows = read_list(json!([r])).await;
    assert_eq!(rows[0].rom, Some(1500));
    assert_eq!(rows[0].cost, Some(750.0));
    assert!(rows[0].extra.is_empty(), "{:?}", rows[0].extra);
}

#[tokio::test]
async fn a_value_that_does_not_fit_is_kept_raw_beside_the_field() {
    let mut r = row(1);
    r["location"] = json!({"id": 1, "name": "Level 2"});
    r["origin_id"] = json!("6f1c2a8e-8b1d-4c2e-9f4a-1d2e3f4a5b6c");
    r["rom"] = json!("1500.5"); // not integral: not an integer
    let rows = read_list(json!([r])).await;
    let rfi = &rows[0];
    assert_eq!(
        (rfi.location.as_deref(), rfi.origin_id, rfi.rom),
        (None, None, None)
    );
    let invalid = rfi.extra.invalid();
    assert_eq!(invalid["location"], json!({"id": 1, "name": "Level 2"}));
    assert_eq!(invalid["origin_id"], "6f1c2a8e-8b1d-4c2e-9f4a-1d2e3f4a5b6c");
    assert_eq!(rfi.extra.get("rom"), Some(&json!("1500.5")));
    assert_eq!(invalid.len(), 3);
    assert!(rfi.extra.unknown().is_empty());
    // The rest of the row is intact.
    assert_eq!(rfi.subject.as_deref(), Some("RFI 1"));
    assert_eq!(rfi.status, Some(Status::Open));
}

#[tokio::test]
async fn undeclared_fields_are_kept() {
    let mut r = row(1);
    r["is_private"] = json!(true);
    r["custom_fields"] = json!({"cf_1": {"value": "x"}});
    r["assignee"]["login"] = json!("ann@example.com");
    let rows = read_list(json!([r])).await;
    let unknown = rows[0].extra.unknown();
    assert_eq!(unknown["is_private"], true);
    assert_eq!(unknown["custom_fields"], json!({"cf_1": {"value": "x"}}));
    assert_eq!(unknown.len(), 2);
    let assignee = rows[0].assignee.as_ref().unwrap();
    assert_eq!(assignee.extra.get("login"), Some(&json!("ann@example.com")));
    assert!(rows[0].extra.invalid().is_empty());
}

/// The timesheet case of issue 11: one deviating row among hundreds used to fail the call.
#[tokio::test]
async fn one_bad_row_in_a_long_list_stays_in_that_row() {
    let mut rows: Vec<Value> = (0..556).map(row).collect();
    rows[217]["origin_id"] = json!("0b8f7c52-3c1e-4d8a-a1f0-55aa66bb77cc");
    rows[300]["cost"] = json!("12.25");
    let read = read_list(Value::Array(rows)).await;
    assert_eq!(read.len(), 556);
    let odd: Vec<usize> = (0..556).filter(|&i| !read[i].extra.is_empty()).collect();
    assert_eq!(odd, vec![217]);
    assert_eq!(read[217].id, Some(217));
    assert!(read[217].extra.invalid().contains_key("origin_id"));
    assert_eq!(read[300].cost, Some(12.25));
}

#[tokio::test]
async fn a_deviation_inside_an_array_element_stays_in_that_element() {
    let mut r = row(1);
    r["questions"] = json!([
        {"id": 1, "body": "Which?", "cost": "3.5"},
        {"id": "q-2", "body": {"html": "<p>Where?</p>"}, "cost": 2, "answered": false}
    ]);
    let rows = read_list(json!([r])).await;
    let qs = rows[0].questions.as_ref().unwrap();
    assert_eq!(qs.len(), 2);
    assert_eq!((qs[0].id, qs[0].cost), (Some(1), Some(3.5)));
    assert!(qs[0].extra.is_empty());
    assert_eq!(
        (qs[1].id, qs[1].body.as_deref(), qs[1].cost),
        (None, None, Some(2.0))
    );
    assert_eq!(qs[1].extra.invalid()["id"], "q-2");
    assert_eq!(
        qs[1].extra.invalid()["body"],
        json!({"html": "<p>Where?</p>"})
    );
    assert_eq!(qs[1].extra.unknown()["answered"], false);
    // The row itself is fine: its deviations are where they happened.
    assert!(rows[0].extra.is_empty());
}

#[tokio::test]
async fn an_array_of_scalars_with_one_bad_element_is_kept_whole() {
    // `values_by_id` maps to numbers; one is not a number, so the map is kept raw, whole.
    let body = json!({"id": 1, "values_by_id": {"1": "2.5", "2": {"n": 1}}});
    let c: CustomField = serde_json::from_slice(&serde_json::to_vec(&body).unwrap()).unwrap();
    assert_eq!(c.values_by_id, None);
    assert_eq!(
        c.extra_fields.invalid()["values_by_id"],
        json!({"1": "2.5", "2": {"n": 1}})
    );
    // And a well-formed one converts, numeric strings included.
    let c: CustomField =
        serde_json::from_value(json!({"values_by_id": {"1": "2.5", "2": 3}})).unwrap();
    let m = c.values_by_id.unwrap();
    assert_eq!((m["1"], m["2"]), (2.5, 3.0));
}

#[tokio::test]
async fn a_deviation_inside_a_one_of_member() {
    let mut person = row(1);
    person["responsible"] =
        json!({"id": "7", "name": {"first": "Ann"}, "login": "ann@example.com", "title": "PM"});
    let mut vendor = row(2);
    vendor["responsible"] = json!({"id": 9, "company": "Acme", "trade": "Steel"});
    let mut neither = row(3);
    neither["responsible"] = json!({"uuid": "x"});
    let rows = read_list(json!([person, vendor, neither])).await;
    let Some(Responsible::Person(p)) = &rows[0].responsible else {
        panic!("expected a person: {:?}", rows[0].responsible)
    };
    assert_eq!(p.id, Some(7));
    assert_eq!(p.name, None);
    assert_eq!(p.extra.invalid()["name"], json!({"first": "Ann"}));
    assert_eq!(p.extra.unknown()["title"], "PM");
    // The best match by declared names wins, not the first struct.
    let Some(Responsible::Vendor(v)) = &rows[1].responsible else {
        panic!("expected a vendor: {:?}", rows[1].responsible)
    };
    assert_eq!(v.company.as_deref(), Some("Acme"));
    assert_eq!(
        rows[2].responsible,
        Some(Responsible::Other(json!({"uuid": "x"})))
    );
}

#[test]
fn inline_one_of_members_convert_leniently() {
    use procore_coverage::models::ScheduleV2Value as V;
    let r: ScheduleV2 =
        serde_json::from_value(json!({"value": {"amount": "2.5"}, "legacy_flag": "yes"})).unwrap();
    assert!(matches!(&r.value, Some(V::Amount(o)) if o.amount == Some(2.5)));
    assert_eq!(r.extra.invalid()["legacy_flag"], "yes");
    // A string is a string variant even when it spells a number; a bare number is an integer.
    let r: ScheduleV2 = serde_json::from_value(json!({"value": "12"})).unwrap();
    assert_eq!(r.value, Some(V::String("12".into())));
    let r: ScheduleV2 = serde_json::from_value(json!({"value": 12.0})).unwrap();
    assert_eq!(r.value, Some(V::Integer(12)));
}

#[test]
fn writing_back_keeps_deviations_and_undeclared_fields() {
    let mut r = row(1);
    r["location"] = json!({"id": 1, "name": "Level 2"});
    r["is_private"] = json!(true);
    r["questions"][0]["extra_note"] = json!("n");
    let rfi: Rfi = serde_json::from_value(r.clone()).unwrap();
    let back = serde_json::to_value(&rfi).unwrap();
    assert_eq!(back, r);
    // Setting the typed field replaces the raw value instead of writing both.
    let mut fixed = rfi.clone();
    fixed.location = Some("Level 2".into());
    let back = serde_json::to_value(&fixed).unwrap();
    assert_eq!(back["location"], "Level 2");
    // A stored payload reads back to the same value.
    let again: Rfi = serde_json::from_slice(&serde_json::to_vec(&rfi).unwrap()).unwrap();
    assert_eq!(again, rfi);
}

#[test]
fn a_declared_field_named_extra_moves_ours_aside() {
    let c: CustomField = serde_json::from_value(json!({"extra": {"n": [1]}, "id": "x"})).unwrap();
    assert_eq!(c.extra.unwrap()["n"], json!([1]));
    assert_eq!(c.extra_fields.invalid()["id"], "x");
}

#[tokio::test]
async fn only_a_top_level_body_of_the_wrong_kind_is_an_error() {
    let err = serde_json::from_slice::<Rfi>(b"\"oops\"").unwrap_err();
    assert!(
        err.to_string().contains("expected a JSON object") && err.to_string().contains("Rfi"),
        "{err}"
    );
    let err = list_via_send(&json!({"error": "not a list"}))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    // `null` (and so an empty body) reads as an object with no fields.
    assert_eq!(
        serde_json::from_slice::<Rfi>(b"null").unwrap(),
        Rfi::default()
    );
    // A non-object inside a list is that element's error: the list has no field to keep it in.
    assert!(serde_json::from_slice::<Vec<Rfi>>(b"[{\"id\": 1}, 3]").is_err());
}

#[test]
fn enum_values_of_the_wrong_type_are_kept_raw() {
    let rfi: Rfi = serde_json::from_value(json!({"status": 3})).unwrap();
    assert_eq!(rfi.status, None);
    assert_eq!(rfi.extra.invalid()["status"], 3);
    assert_eq!(Status::Unknown("x".into()).as_str(), "x");
    assert_eq!(Status::Closed.as_str(), "closed");
}
