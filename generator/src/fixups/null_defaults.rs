//! `default: null` on a schema that is not `nullable` contradicts itself (validators reject it;
//! Procore's file has several). The default carries no information, so it is removed.

use super::{Fixup, Pass};
use crate::diag::Diagnostics;
use crate::json::lookup;
use serde_json::{Map, Value};

pub(super) const FIXUP: Fixup = Fixup {
    name: "null-defaults",
    about: "removes `default: null` from schemas that are not nullable",
    pass: Pass::Schema(visit),
};

fn visit(ptr: &str, s: &mut Map<String, Value>, diags: &mut Diagnostics) {
    if lookup(s, "default") == Some(&Value::Null)
        && lookup(s, "nullable") != Some(&Value::Bool(true))
    {
        s.remove("default");
        diags.note(
            "fixup:null-defaults",
            format!("{ptr}/default"),
            "`default: null` on a non-nullable schema removed",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn removes_only_contradictory_null_defaults() {
        let mut doc = json!({"components": {"schemas": {
            "A": {"type": "string", "default": null},
            "B": {"type": "string", "nullable": true, "default": null},
            "C": {"type": "string", "default": "x"}
        }}});
        let d = super::super::run(&FIXUP, &mut doc);
        let s = &doc["components"]["schemas"];
        assert!(s["A"].get("default").is_none());
        assert_eq!(s["B"]["default"], Value::Null);
        assert_eq!(s["C"]["default"], "x");
        assert_eq!(
            d.iter().next().unwrap().pointer,
            "/components/schemas/A/default"
        );
    }
}
