//! Deprecation of an operation, from every place Procore's file records it: `deprecated: true`,
//! an `x-deprecated-at` epoch or date, an `x-sunset` date, and free-text notices in the summary
//! or description ("(Deprecated) List ...", "This endpoint is deprecated", even an
//! `x-deprecated-at: 1644250224` pasted into the description).

use crate::json::lookup;
use serde_json::{Map, Value};

/// Why and since when an operation is deprecated.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Deprecation {
    /// Date (`YYYY-MM-DD`) it was deprecated, when known.
    pub since: Option<String>,
    /// Date (`YYYY-MM-DD`) it stops working, when known.
    pub sunset: Option<String>,
    /// The notice, when the spec gives one in words.
    pub note: Option<String>,
    /// True when only a notice in the text (not `deprecated: true`) said so.
    pub from_text: bool,
}

/// Reads an operation's deprecation from its raw JSON object.
pub fn of_operation(op: &Map<String, Value>) -> Option<Deprecation> {
    let flagged = lookup(op, "deprecated")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let summary = lookup(op, "summary").and_then(Value::as_str).unwrap_or("");
    let description = lookup(op, "description")
        .and_then(Value::as_str)
        .unwrap_or("");
    let note = notice(summary).or_else(|| notice(description));
    let since = lookup(op, "x-deprecated-at")
        .and_then(date_of)
        .or_else(|| epoch_in_text(description).and_then(|e| date_of(&Value::from(e))));
    let sunset = lookup(op, "x-sunset").and_then(date_of);
    if !flagged && note.is_none() && since.is_none() && sunset.is_none() {
        return None;
    }
    Some(Deprecation {
        since,
        sunset,
        from_text: !flagged && note.is_some(),
        note,
    })
}

/// The sentence of `text` that announces a deprecation of the operation itself. Mentions of
/// deprecated fields ("the afflictions keys are deprecated") do not count.
pub fn notice(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let trimmed = lower.trim_start();
    const PHRASES: &[&str] = &[
        "this endpoint is deprecated",
        "this endpoint has been deprecated",
        "this endpoint will be deprecated",
        "this is a deprecated endpoint",
        "deprecated endpoint",
        "this route is deprecated",
        "this api is deprecated",
        "deprecated: true",
        "x-deprecated-at",
    ];
    let at = if trimmed.starts_with("(deprecated)")
        || trimmed.starts_with("deprecated")
        || trimmed.starts_with("[deprecated]")
    {
        Some(lower.len() - trimmed.len())
    } else {
        PHRASES.iter().filter_map(|p| lower.find(p)).min()
    }?;
    // The sentence around the match, on one line.
    let start = text[..at].rfind(['.', '\n']).map_or(0, |i| i + 1);
    let end = text[at..]
        .find(['.', '\n'])
        .map_or(text.len(), |i| at + i + 1);
    let sentence = text[start..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Some(sentence)
}

fn epoch_in_text(text: &str) -> Option<i64> {
    let at = text.find("x-deprecated-at:")? + "x-deprecated-at:".len();
    let digits: String = text[at..]
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// A date from an epoch (seconds or milliseconds) or a date/date-time string.
pub fn date_of(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => {
            let mut secs = n.as_i64()?;
            if secs > 100_000_000_000 {
                secs /= 1000;
            }
            Some(civil_date(secs))
        }
        Value::String(s) if s.chars().all(|c| c.is_ascii_digit()) && !s.is_empty() => {
            date_of(&Value::from(s.parse::<i64>().ok()?))
        }
        Value::String(s) if s.len() >= 10 && s.as_bytes()[4] == b'-' => Some(s[..10].to_string()),
        _ => None,
    }
}

/// `YYYY-MM-DD` of a Unix timestamp (UTC), by Howard Hinnant's days-from-civil inverse.
pub fn civil_date(secs: i64) -> String {
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dep(v: Value) -> Option<Deprecation> {
        of_operation(v.as_object().unwrap())
    }

    #[test]
    fn flag_epoch_and_sunset() {
        let d = dep(
            json!({"deprecated": true, "x-deprecated-at": 1644250224, "x-sunset": "2025-01-31"}),
        )
        .unwrap();
        assert_eq!(d.since.as_deref(), Some("2022-02-07"));
        assert_eq!(d.sunset.as_deref(), Some("2025-01-31"));
        assert!(!d.from_text);
    }

    #[test]
    fn notices_in_text() {
        let d = dep(json!({"summary": "(Deprecated) List Checklist Templates"})).unwrap();
        assert!(d.from_text);
        assert_eq!(
            d.note.as_deref(),
            Some("(Deprecated) List Checklist Templates")
        );
        let d = dep(json!({"description": "x-deprecated-at: 1644250224 deprecated: true List Default Distribution Members"})).unwrap();
        assert_eq!(d.since.as_deref(), Some("2022-02-07"));
        let d =
            dep(json!({"description": "Returns stuff. This is a deprecated endpoint. Use v2."}))
                .unwrap();
        assert_eq!(d.note.as_deref(), Some("This is a deprecated endpoint."));
    }

    #[test]
    fn field_deprecations_are_not_operation_deprecations() {
        assert!(dep(json!({"description": "NOTE: The afflictions and affected_body_part keys are deprecated"})).is_none());
        assert!(dep(json!({"summary": "List things"})).is_none());
    }

    #[test]
    fn dates() {
        assert_eq!(date_of(&json!(0)).as_deref(), Some("1970-01-01"));
        assert_eq!(
            date_of(&json!(1644250224000i64)).as_deref(),
            Some("2022-02-07")
        );
        assert_eq!(
            date_of(&json!("2024-03-01T00:00:00Z")).as_deref(),
            Some("2024-03-01")
        );
        assert_eq!(date_of(&json!("soon")), None);
    }
}
