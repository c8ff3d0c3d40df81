//! The reading rules of `lenient`, value by value (the generated types are tested through the
//! coverage crate's `tests/lenient.rs`).

use super::lenient::{pick, Extra, FromJson, ObjectReader, ObjectWriter, Shape};
use super::serialize::tests::Refused;
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn read<T: FromJson>(v: Value) -> Result<T, Value> {
    assert_eq!(
        T::accepts(&v),
        T::from_json(v.clone()).is_ok(),
        "accepts/from_json disagree on {v}"
    );
    T::from_json(v)
}

#[test]
fn integers_take_integral_numbers_and_numeric_strings() {
    for (v, want) in [
        (json!(1500), 1500),
        (json!(1500.0), 1500),
        (json!("1500"), 1500),
        (json!("1500.0"), 1500),
        (json!("-3"), -3),
        (json!(i64::MIN), i64::MIN),
    ] {
        assert_eq!(read::<i64>(v.clone()), Ok(want), "{v}");
    }
    for v in [
        json!(1500.5),
        json!("1500.5"),
        json!("6f1c2a8e-8b1d-4c2e-9f4a-1d2e3f4a5b6c"),
        json!(""),
        json!(" 1"),
        json!("NaN"),
        json!("inf"),
        json!(u64::MAX),
        json!(9.3e18),
        json!(true),
        json!({"id": 1}),
    ] {
        assert_eq!(read::<i64>(v.clone()), Err(v));
    }
}

#[test]
fn numbers_take_numeric_strings_but_not_nan_or_infinity() {
    assert_eq!(read::<f64>(json!("750.0")), Ok(750.0));
    assert_eq!(read::<f64>(json!(3)), Ok(3.0));
    assert_eq!(read::<f64>(json!("1e3")), Ok(1000.0));
    for v in [
        json!("NaN"),
        json!("infinity"),
        json!("1,5"),
        json!(null),
        json!([1]),
    ] {
        assert_eq!(read::<f64>(v.clone()), Err(v));
    }
}

#[test]
fn strings_and_booleans_take_only_their_own_type() {
    assert_eq!(read::<String>(json!("x")), Ok("x".to_string()));
    for v in [json!(12), json!({"id": 1, "name": "n"}), json!(true)] {
        assert_eq!(read::<String>(v.clone()), Err(v));
    }
    assert_eq!(read::<bool>(json!(false)), Ok(false));
    assert_eq!(read::<bool>(json!("true")), Err(json!("true")));
}

#[test]
fn containers_are_taken_whole_or_kept_whole() {
    assert_eq!(read::<Vec<i64>>(json!([1, "2", 3.0])), Ok(vec![1, 2, 3]));
    let bad = json!([1, "x", 3]);
    assert_eq!(read::<Vec<i64>>(bad.clone()), Err(bad));
    let m = read::<BTreeMap<String, f64>>(json!({"a": "1.5"})).unwrap();
    assert_eq!(m["a"], 1.5);
    let bad = json!({"a": 1, "b": []});
    assert_eq!(read::<BTreeMap<String, f64>>(bad.clone()), Err(bad));
    assert_eq!(read::<Option<Box<i64>>>(json!(null)), Ok(None));
    assert_eq!(read::<Option<Box<i64>>>(json!("4")), Ok(Some(Box::new(4))));
    assert_eq!(
        read::<Vec<Value>>(json!([null, {}])),
        Ok(vec![json!(null), json!({})])
    );
}

#[test]
fn the_reader_sorts_fields_into_typed_invalid_and_unknown() {
    let mut o = ObjectReader::new(json!({"a": "1", "b": {"x": 1}, "c": null, "d": 4})).unwrap();
    assert_eq!(o.take::<i64>("a"), Some(1));
    assert_eq!(o.take::<String>("b"), None);
    assert_eq!(o.take::<String>("c"), None);
    assert_eq!(o.take::<i64>("missing"), None);
    let extra = o.finish();
    assert_eq!(extra.invalid().get("b"), Some(&json!({"x": 1})));
    assert_eq!(extra.unknown().get("d"), Some(&json!(4)));
    assert_eq!(extra.get("c"), None, "null is absent, not a deviation");
    assert!(!extra.is_empty());
    assert_eq!(ObjectReader::new(json!([1])).unwrap_err(), json!([1]));
}

#[test]
fn unions_pick_by_shape() {
    const S: &[Shape] = &[
        Shape::Object(&["id", "name"]),
        Shape::Object(&["id", "company", "trade"]),
        Shape::Enum(&["open", "closed"]),
        Shape::String,
        Shape::Integer,
        Shape::Other(<Vec<i64> as FromJson>::accepts),
    ];
    assert_eq!(pick(&json!({"id": 1, "company": "A"}), S), Some(1));
    assert_eq!(
        pick(&json!({"id": 1}), S),
        Some(0),
        "a tie goes to the first"
    );
    assert_eq!(pick(&json!({}), S), Some(0));
    assert_eq!(pick(&json!({"uuid": "u"}), S), None);
    assert_eq!(pick(&json!("closed"), S), Some(2));
    assert_eq!(pick(&json!("other"), S), Some(3));
    assert_eq!(pick(&json!(4.0), S), Some(4));
    assert_eq!(pick(&json!(4.5), S), None);
    assert_eq!(pick(&json!([1, 2]), S), Some(5));
    assert_eq!(pick(&json!([{}]), S), None);
    assert_eq!(pick(&json!(true), S), None);
    // Without a string variant, an unknown string is the enum's unknown value, and a numeric
    // string is a number.
    assert_eq!(
        pick(&json!("x"), &[Shape::Integer, Shape::Enum(&["a"])]),
        Some(1)
    );
    assert_eq!(pick(&json!("7"), &[Shape::Boolean, Shape::Number]), Some(1));
    // An object no struct matches goes to a map-like variant.
    let m: fn(&Value) -> bool = <BTreeMap<String, Value> as FromJson>::accepts;
    assert_eq!(
        pick(&json!({"k": 1}), &[Shape::Object(&["id"]), Shape::Other(m)]),
        Some(1)
    );
}

#[test]
fn the_writer_returns_its_first_failed_write_from_end() {
    let extra = Extra::default();
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::new(&mut out);
    let mut w = ObjectWriter::new(&mut ser, &extra).unwrap();
    w.put("a", &Some(1));
    w.put("b", &Some(Refused));
    w.put("c", &Some(3));
    let err = w.end().expect_err("the refusal");
    assert!(err.to_string().contains("refused"), "{err}");
    assert_eq!(String::from_utf8_lossy(&out), r#"{"a":1,"b":"#);
}
