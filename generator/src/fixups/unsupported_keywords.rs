//! JSON Schema keywords of OpenAPI 3.1 that the 3.0 model cannot express (tuples, conditionals,
//! dynamic references...). They are removed with a warning naming what was lost, so that the
//! rest of the schema is read as if they were absent (`prefixItems` keeps any `items`, the
//! element type after the tuple).

use super::{Fixup, Pass};
use crate::diag::Diagnostics;
use serde_json::{Map, Value};

pub(super) const FIXUP: Fixup = Fixup {
    name: "unsupported-keywords",
    about: "removes 3.1 schema keywords the 3.0 model cannot express, with a warning",
    pass: Pass::Schema(visit),
};

/// Keyword, and what ignoring it loses.
const KEYWORDS: &[(&str, &str)] = &[
    ("prefixItems", "tuple positions are not typed"),
    ("if", "the conditional schema is not applied"),
    ("then", "the conditional schema is not applied"),
    ("else", "the conditional schema is not applied"),
    ("dependentSchemas", "dependent schemas are not applied"),
    (
        "dependentRequired",
        "dependent requirements are not checked",
    ),
    ("unevaluatedProperties", "read as if absent"),
    ("unevaluatedItems", "read as if absent"),
    ("contains", "read as if absent"),
    ("propertyNames", "read as if absent"),
    (
        "$dynamicRef",
        "the dynamic reference is not followed; read as any value",
    ),
    ("$dynamicAnchor", "read as if absent"),
];

fn visit(ptr: &str, s: &mut Map<String, Value>, diags: &mut Diagnostics) {
    if !s.keys().any(|k| KEYWORDS.iter().any(|(kw, _)| kw == k)) {
        return;
    }
    for (k, lost) in KEYWORDS {
        if s.remove(*k).is_some() {
            diags.warning(
                "fixup:unsupported-keywords",
                format!("{ptr}/{k}"),
                format!("`{k}` has no OpenAPI 3.0 form and was removed: {lost}"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::run;
    use super::*;
    use serde_json::json;

    #[test]
    fn inexpressible_keywords_go_with_a_warning() {
        let mut doc = json!({"components": {"schemas": {"T": {
            "type": "array", "prefixItems": [{"type": "string"}], "items": {"type": "integer"},
            "if": {}, "then": {}
        }}}});
        let d = run(&FIXUP, &mut doc);
        assert_eq!(
            doc["components"]["schemas"]["T"],
            json!({"type": "array", "items": {"type": "integer"}})
        );
        let d: Vec<_> = d.iter().collect();
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].pointer, "/components/schemas/T/prefixItems");
    }
}
