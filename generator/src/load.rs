//! Stage 1, load: read a spec file (JSON or YAML) into a `serde_json::Value`.
//!
//! Loading is deliberately untyped: a typed parse of the whole document would fail on the first
//! bad operation. Later stages deserialise one operation or schema at a time so that a broken
//! piece is reported by its JSON pointer and skipped (see [`crate::ir`]).
//!
//! Invariant: a [`LoadedSpec`] is a JSON object with an `openapi` field starting with `3.0` (and
//! a `paths` object) or `3.1` (whose `paths` is optional); the fixups lower 3.1 to the 3.0 model.
//! Both parsers stop at 128 levels of nesting, so no later stage sees a deeper document; such a
//! file is refused with the place where it gets too deep.

use serde_json::Value;
use std::path::{Path, PathBuf};

mod nesting;
mod parallel;
mod value;

/// A spec document that passed the load checks.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// Where it came from (a path, or a label for in-memory input), used in messages.
    pub origin: String,
    /// The document itself.
    pub doc: Value,
    /// The text's deepest nesting of objects and arrays, when the loader measured it (JSON): never
    /// less than the document's depth, so `depth-limit` need not walk a shallow document.
    pub nesting: Option<usize>,
}

/// Why a file could not be loaded. Each message names the file and the fix.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file does not exist or cannot be read.
    #[error("{path}: cannot read the spec ({source}); check the path, or run `cargo xtask fetch-spec` to download it")]
    Read {
        /// The path that was tried.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is empty.
    #[error("{origin}: the file is empty; fetch the spec again with `cargo xtask fetch-spec`")]
    Empty {
        /// The file.
        origin: String,
    },
    /// Neither valid JSON nor valid YAML.
    #[error("{origin}: not valid {format} ({detail}); fix the syntax or fetch the spec again")]
    Syntax {
        /// The file.
        origin: String,
        /// `JSON` or `YAML`.
        format: &'static str,
        /// Parser message with line and column.
        detail: String,
    },
    /// Parsed, but is not an OpenAPI 3.0 or 3.1 document.
    #[error("{origin}: not an OpenAPI 3.0 document ({detail}); pass Procore's OAS file (rest_OAS_all.json), or any OpenAPI 3.0 or 3.1 file")]
    NotOpenApi {
        /// The file.
        origin: String,
        /// What was found instead.
        detail: String,
    },
}

/// Reads and checks a spec file.
pub fn load_path(path: &Path) -> Result<LoadedSpec, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    load_bytes(&path.display().to_string(), &bytes)
}

/// Parses and checks spec bytes; `origin` names the input in messages.
pub fn load_bytes(origin: &str, bytes: &[u8]) -> Result<LoadedSpec, LoadError> {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = text.iter().position(|b| !b.is_ascii_whitespace());
    let Some(first) = first else {
        return Err(LoadError::Empty {
            origin: origin.to_string(),
        });
    };
    let (doc, nesting): (Value, _) = if text[first] == b'{' {
        // The parallel parse declines anything unusual; the serial one then words the error.
        let (doc, nesting) = match parallel::parse(text) {
            Some(parsed) => parsed,
            None => (
                value::from_slice(text).map_err(|e| LoadError::Syntax {
                    origin: origin.to_string(),
                    format: "JSON",
                    detail: too_deep(e.to_string()),
                })?,
                nesting::nesting(text),
            ),
        };
        (doc, Some(nesting))
    } else {
        let s = std::str::from_utf8(text).map_err(|e| LoadError::Syntax {
            origin: origin.to_string(),
            format: "YAML",
            detail: format!("not UTF-8: {e}"),
        })?;
        let doc = serde_yaml::from_str(s).map_err(|e| LoadError::Syntax {
            origin: origin.to_string(),
            format: "YAML",
            detail: too_deep(e.to_string()),
        })?;
        (doc, None)
    };
    check_openapi(origin, &doc)?;
    Ok(LoadedSpec {
        origin: origin.to_string(),
        doc,
        nesting,
    })
}

fn check_openapi(origin: &str, doc: &Value) -> Result<(), LoadError> {
    let not = |detail: String| LoadError::NotOpenApi {
        origin: origin.to_string(),
        detail,
    };
    let Some(obj) = doc.as_object() else {
        return Err(not(format!(
            "the top level is {}, not an object",
            kind(doc)
        )));
    };
    if obj.contains_key("swagger") {
        return Err(not(
            "it is Swagger 2.0; convert it to OpenAPI 3.0 first".into()
        ));
    }
    let v31 = match obj.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0") => false,
        Some(v) if v.starts_with("3.1") => true,
        Some(v) => {
            return Err(not(format!(
                "`openapi` is {v:?}; only 3.0.x and 3.1.x are supported"
            )))
        }
        None => return Err(not("no `openapi` version field".into())),
    };
    // 3.1 documents may describe only webhooks or components.
    match obj.get("paths") {
        Some(p) if p.is_object() => Ok(()),
        None if v31 => Ok(()),
        _ => Err(not("no `paths` object".into())),
    }
}

/// Rewords the parsers' nesting limit, which otherwise reads like a bug.
fn too_deep(detail: String) -> String {
    if detail.contains("recursion limit exceeded") {
        format!("{detail}: the document nests deeper than 128 levels there, which no API description needs; flatten it (use `$ref`s)")
    } else {
        detail
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(bytes: &[u8]) -> String {
        load_bytes("x.json", bytes).unwrap_err().to_string()
    }

    #[test]
    fn accepts_json_and_yaml() {
        let j = load_bytes("a.json", br#"{"openapi":"3.0.3","info":{},"paths":{}}"#).unwrap();
        let y = load_bytes("a.yaml", b"openapi: 3.0.1\ninfo: {}\npaths: {}\n").unwrap();
        assert_eq!(j.doc["paths"], y.doc["paths"]);
    }

    #[test]
    fn bad_inputs_name_the_file_and_the_fix() {
        assert!(err(b"").contains("x.json: the file is empty"));
        assert!(err(b"{\"openapi\": ").contains("not valid JSON"));
        assert!(err(b"a: [\n").contains("not valid YAML"));
        assert!(err(br#"{"swagger":"2.0","paths":{}}"#).contains("Swagger 2.0"));
        assert!(err(br#"{"openapi":"3.2.0","paths":{}}"#).contains("only 3.0.x and 3.1.x"));
        assert!(err(br#"{"openapi":"3.0.3"}"#).contains("no `paths` object"));
        assert!(err(b"[1,2]").contains("not an object"));
        assert!(err(b"hello").contains("not an OpenAPI 3.0 document"));
    }

    #[test]
    fn accepts_3_1_with_or_without_paths() {
        assert!(load_bytes("a.json", br#"{"openapi":"3.1.0","paths":{}}"#).is_ok());
        assert!(load_bytes("a.json", br#"{"openapi":"3.1.1","webhooks":{}}"#).is_ok());
    }

    #[test]
    fn ten_thousand_levels_are_refused_with_the_place_not_a_crash() {
        let deep = |open: &str, close: &str| {
            let mut s = String::from(r#"{"openapi":"3.0.3","paths":{},"x":"#);
            s.push_str(&open.repeat(10_000));
            s.push_str(&close.repeat(10_000));
            s.push('}');
            s
        };
        let json = err(deep("[", "]").as_bytes());
        assert!(
            json.contains("deeper than 128 levels") && json.contains("line 1"),
            "{json}"
        );
        let yaml = load_bytes(
            "x.yaml",
            format!(
                "openapi: 3.0.3\npaths: {{}}\nx: {}{}\n",
                "[".repeat(10_000),
                "]".repeat(10_000)
            )
            .as_bytes(),
        )
        .unwrap_err()
        .to_string();
        assert!(yaml.contains("deeper than 128 levels"), "{yaml}");
    }

    #[test]
    fn missing_file_is_an_error_not_a_panic() {
        let e = load_path(Path::new("/nonexistent/spec.json"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("/nonexistent/spec.json"), "{e}");
        assert!(e.contains("fetch-spec"), "{e}");
    }
}
