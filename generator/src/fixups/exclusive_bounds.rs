//! OpenAPI 3.1 writes exclusive bounds as numbers (`exclusiveMinimum: 0`); 3.0 writes a
//! `minimum` and a boolean (`minimum: 0, exclusiveMinimum: true`), and reading a number where
//! the 3.0 model wants a boolean fails the whole schema. The number becomes the bound (or is
//! dropped when a `minimum`/`maximum` beside it is already stricter).

use super::{Fixup, Pass};
use crate::diag::Diagnostics;
use crate::json::lookup;
use serde_json::{Map, Value};

pub(super) const FIXUP: Fixup = Fixup {
    name: "exclusive-bounds",
    about: "lowers 3.1 numeric exclusiveMinimum/exclusiveMaximum to 3.0 bounds",
    pass: Pass::Schema(visit),
};

fn visit(ptr: &str, s: &mut Map<String, Value>, diags: &mut Diagnostics) {
    for (excl, bound, stricter) in [
        ("exclusiveMinimum", "minimum", 1.0),
        ("exclusiveMaximum", "maximum", -1.0),
    ] {
        if lower(s, excl, bound, stricter) {
            diags.note(
                "fixup:exclusive-bounds",
                format!("{ptr}/{excl}"),
                format!("numeric `{excl}` lowered to `{bound}` and `{excl}: true`"),
            );
        }
    }
}

/// `stricter` is 1 when a larger bound is stricter (minimum), -1 when a smaller one is.
fn lower(s: &mut Map<String, Value>, excl: &str, bound: &str, stricter: f64) -> bool {
    let Some(x) = lookup(s, excl).filter(|v| v.is_number()).cloned() else {
        return false;
    };
    let xf = x.as_f64().unwrap_or(0.0);
    match s.get(bound).and_then(Value::as_f64) {
        // An inclusive bound at least as strict wins; the exclusive one adds nothing.
        Some(b) if (b - xf) * stricter > 0.0 => {
            s.remove(excl);
        }
        _ => {
            s.insert(bound.into(), x);
            s.insert(excl.into(), Value::Bool(true));
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::super::run;
    use super::*;
    use serde_json::json;

    #[test]
    fn numeric_exclusive_bounds_become_3_0_bounds() {
        let mut doc = json!({"components": {"schemas": {
            "A": {"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10.5},
            "B": {"type": "number", "minimum": 5, "exclusiveMinimum": 1},
            "C": {"type": "number", "minimum": 1, "exclusiveMinimum": true}
        }}});
        let d = run(&FIXUP, &mut doc);
        let s = &doc["components"]["schemas"];
        assert_eq!(
            s["A"],
            json!({"type": "integer", "exclusiveMinimum": true, "exclusiveMaximum": true, "minimum": 0, "maximum": 10.5})
        );
        assert_eq!(s["B"], json!({"type": "number", "minimum": 5}));
        assert_eq!(
            s["C"],
            json!({"type": "number", "minimum": 1, "exclusiveMinimum": true})
        );
        assert_eq!(d.iter().count(), 3);
    }
}
