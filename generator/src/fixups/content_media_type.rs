//! OpenAPI 3.1 describes file contents with `contentMediaType` (and base64 text with
//! `contentEncoding`) where 3.0 writes `format: binary` (`format: byte`). A string schema with
//! one of them and no `format` gets the 3.0 format, so multipart file parts stay files.

use super::{Fixup, Pass};
use crate::diag::Diagnostics;
use crate::json::{has, lookup};
use serde_json::{json, Map, Value};

pub(super) const FIXUP: Fixup = Fixup {
    name: "content-media-type",
    about: "lowers 3.1 contentMediaType/contentEncoding on strings to format binary/byte",
    pass: Pass::Schema(visit),
};

fn visit(ptr: &str, s: &mut Map<String, Value>, diags: &mut Diagnostics) {
    let string = lookup(s, "type").and_then(Value::as_str) == Some("string");
    if !string || has(s, "format") {
        return;
    }
    let encoding = lookup(s, "contentEncoding").and_then(Value::as_str);
    let format = match (encoding, has(s, "contentMediaType")) {
        (Some(e), _) if e.eq_ignore_ascii_case("base64") => "byte",
        (None, true) => "binary",
        _ => return,
    };
    s.insert("format".into(), json!(format));
    diags.note(
        "fixup:content-media-type",
        ptr,
        format!("content keywords lowered to `format: {format}`"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::run;
    use super::*;

    #[test]
    fn files_and_base64_get_3_0_formats() {
        let mut doc = json!({"components": {"schemas": {
            "F": {"type": "string", "contentMediaType": "image/png"},
            "B": {"type": "string", "contentEncoding": "base64", "contentMediaType": "image/png"},
            "K": {"type": "string", "format": "uri", "contentMediaType": "text/plain"}
        }}});
        let d = run(&FIXUP, &mut doc);
        let s = &doc["components"]["schemas"];
        assert_eq!(s["F"]["format"], "binary");
        assert_eq!(s["B"]["format"], "byte");
        assert_eq!(s["K"]["format"], "uri");
        assert_eq!(d.iter().count(), 2);
    }
}
