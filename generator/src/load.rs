//! Stage 1, load: read a spec file (JSON or YAML) into a `serde_json::Value`.
//!
//! Loading is deliberately untyped: a typed parse of the whole document would fail on the first
//! bad operation. Later stages deserialise one operation or schema at a time so that a broken
//! piece is reported by its JSON pointer and skipped (see [`crate::ir`]).
//!
//! Invariant: a [`LoadedSpec`] is a JSON object with an `openapi` field starting with `3.0`.

use serde_json::Value;
use std::path::{Path, PathBuf};

/// A spec document that passed the load checks.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// Where it came from (a path, or a label for in-memory input), used in messages.
    pub origin: String,
    /// The document itself.
    pub doc: Value,
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
    /// Parsed, but is not an OpenAPI 3.0 document.
    #[error("{origin}: not an OpenAPI 3.0 document ({detail}); pass Procore's OAS file (rest_OAS_all.json)")]
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
    let doc: Value = if text[first] == b'{' {
        serde_json::from_slice(text).map_err(|e| LoadError::Syntax {
            origin: origin.to_string(),
            format: "JSON",
            detail: e.to_string(),
        })?
    } else {
        let s = std::str::from_utf8(text).map_err(|e| LoadError::Syntax {
            origin: origin.to_string(),
            format: "YAML",
            detail: format!("not UTF-8: {e}"),
        })?;
        serde_yaml::from_str(s).map_err(|e| LoadError::Syntax {
            origin: origin.to_string(),
            format: "YAML",
            detail: e.to_string(),
        })?
    };
    check_openapi(origin, &doc)?;
    Ok(LoadedSpec {
        origin: origin.to_string(),
        doc,
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
    match obj.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0") => {}
        Some(v) => return Err(not(format!("`openapi` is {v:?}; only 3.0.x is supported"))),
        None => return Err(not("no `openapi` version field".into())),
    }
    if !obj.get("paths").is_some_and(Value::is_object) {
        return Err(not("no `paths` object".into()));
    }
    Ok(())
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
        assert!(err(br#"{"openapi":"3.1.0","paths":{}}"#).contains("only 3.0.x"));
        assert!(err(b"[1,2]").contains("not an object"));
        assert!(err(b"hello").contains("not an OpenAPI 3.0 document"));
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
