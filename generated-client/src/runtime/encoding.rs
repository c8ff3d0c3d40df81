//! How values are written into paths and query strings, the way Procore's Rails API reads them.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;
use serde_json::Value;

/// Characters left as they are in a path segment (RFC 3986 unreserved).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// How an array or object query parameter is written.
// The generator emits the styles the spec uses; Procore's uses `Repeat` and `Csv` only today.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QueryStyle {
    /// One pair per value with Rails' `[]` suffix: `ids[]=1&ids[]=2`.
    Repeat,
    /// Comma-separated: `ids=1,2`.
    Csv,
    /// Space-separated.
    Space,
    /// Pipe-separated.
    Pipe,
    /// Rails nested keys: `filters[status]=open`.
    Deep,
}

/// Writes a path parameter as one percent-encoded path segment.
// Every crate generated with this runtime calls it unless its spec has no path parameters.
#[allow(dead_code)]
pub(crate) fn path_segment<T: Serialize + ?Sized>(value: &T) -> String {
    let text = match serde_json::to_value(value) {
        Ok(Value::String(s)) => s,
        Ok(v @ (Value::Number(_) | Value::Bool(_))) => v.to_string(),
        Ok(Value::Array(items)) => items.iter().map(scalar).collect::<Vec<_>>().join(","),
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    };
    utf8_percent_encode(&text, SEGMENT).to_string()
}

/// The text of a scalar JSON value.
pub(crate) fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Appends the query pairs for `name = value`. `null` (an unset option) writes nothing.
pub(crate) fn query_pairs(
    out: &mut Vec<(String, String)>,
    name: &str,
    value: &Value,
    style: QueryStyle,
) {
    match value {
        Value::Null => {}
        Value::Array(items) => {
            let sep = match style {
                // A name that already ends in `[]` is Rails' array syntax: always repeat.
                _ if name.ends_with("[]") => None,
                QueryStyle::Repeat | QueryStyle::Deep => None,
                QueryStyle::Csv => Some(","),
                QueryStyle::Space => Some(" "),
                QueryStyle::Pipe => Some("|"),
            };
            match sep {
                Some(sep) => out.push((
                    name.to_string(),
                    items.iter().map(scalar).collect::<Vec<_>>().join(sep),
                )),
                None => {
                    let key = if name.ends_with("[]") {
                        name.to_string()
                    } else {
                        format!("{name}[]")
                    };
                    for item in items {
                        match item {
                            Value::Object(_) | Value::Array(_) => {
                                query_pairs(out, &key, item, QueryStyle::Deep)
                            }
                            _ => out.push((key.clone(), scalar(item))),
                        }
                    }
                }
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                query_pairs(out, &format!("{name}[{k}]"), v, style);
            }
        }
        other => out.push((name.to_string(), scalar(other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pairs(name: &str, v: Value, style: QueryStyle) -> Vec<(String, String)> {
        let mut out = vec![];
        query_pairs(&mut out, name, &v, style);
        out
    }

    #[test]
    fn rails_query_encoding() {
        assert_eq!(
            pairs("ids", json!([1, 2]), QueryStyle::Repeat),
            [("ids[]".into(), "1".into()), ("ids[]".into(), "2".into())]
        );
        assert_eq!(
            pairs("ids", json!([1, 2]), QueryStyle::Csv),
            [("ids".into(), "1,2".into())]
        );
        assert_eq!(
            pairs("filters[id][]", json!([3]), QueryStyle::Csv),
            [("filters[id][]".into(), "3".into())]
        );
        assert_eq!(
            pairs("filters", json!({"status": "open"}), QueryStyle::Deep),
            [("filters[status]".into(), "open".into())]
        );
        assert!(pairs("page", Value::Null, QueryStyle::Repeat).is_empty());
        assert_eq!(
            pairs("flag", json!(true), QueryStyle::Repeat),
            [("flag".into(), "true".into())]
        );
    }

    #[test]
    fn path_segments_are_escaped() {
        assert_eq!(path_segment(&42), "42");
        assert_eq!(path_segment("a/b c"), "a%2Fb%20c");
    }
}
