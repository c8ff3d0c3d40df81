//! What a change does to the generated crate: the Rust names an operation has (method, setters,
//! cargo feature), read from the IR or, when given, from a ledger of the names a published crate
//! used.
//!
//! A crate's names come from its `api.lock` (the stability ledger, see [`crate::ir::ledger`])
//! through [`from_lock`], as a [`Ledger`]: a map from `METHOD /path` to [`RustNames`]. Pass the
//! ledgers of the two crates in [`super::DiffOptions`]; an operation the ledger does not list
//! falls back to the names the IR gives it. `cargo xtask diff` reads
//! `generated-client/api.lock` for the old side by default.

use crate::ir::{Api, Operation, ParamLocation};
use serde::Serialize;
use std::collections::BTreeMap;

/// The Rust names of one operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RustNames {
    /// `Client` method (`list_project_rfis`).
    pub fn_name: String,
    /// Request builder type (`ListProjectRfis`).
    pub builder: String,
    /// Cargo feature of its category.
    pub feature: String,
    /// Parameter wire name -> Rust identifier (argument or setter).
    pub params: BTreeMap<String, String>,
}

/// Names by `METHOD /path` (as in the spec), as recorded for a published crate.
pub type Ledger = BTreeMap<String, RustNames>;

/// The names a generated crate recorded in its `api.lock` (see [`crate::ir::ledger`]): each
/// operation's method and cargo feature, for the operations of `api` it lists. The lock does
/// not record builder and parameter names, so those are `api`'s.
pub fn from_lock(lock: &crate::ir::Ledger, api: &Api) -> Ledger {
    api.operations
        .iter()
        .filter_map(|op| {
            let key = ledger_key(op);
            let (fn_name, feature) = lock.ops.get(&key)?;
            let mut n = names(op, None);
            n.fn_name = fn_name.clone();
            n.feature = feature.clone();
            Some((key, n))
        })
        .collect()
}

/// The key of an operation in a [`Ledger`].
pub fn ledger_key(op: &Operation) -> String {
    format!("{} {}", op.method.as_str(), op.path)
}

/// The Rust names of `op`: the ledger's when it lists the operation, else the IR's.
pub fn names(op: &Operation, ledger: Option<&Ledger>) -> RustNames {
    if let Some(n) = ledger.and_then(|l| l.get(&ledger_key(op))) {
        return n.clone();
    }
    RustNames {
        fn_name: op.fn_name.clone(),
        builder: op.builder.clone(),
        feature: op.category.feature.clone(),
        params: op
            .params
            .iter()
            .map(|p| (param_key(p.location, &p.name), p.ident.clone()))
            .collect(),
    }
}

/// Key of a parameter in [`RustNames::params`]: path parameters by position would be better,
/// but their names are what the spec and the ledger share.
pub fn param_key(location: ParamLocation, name: &str) -> String {
    match location {
        ParamLocation::Path => format!("path:{name}"),
        _ => name.to_string(),
    }
}

/// What the crate change means for code, and whether it stops compiling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RustImpact {
    /// For a person: `setter ListRfis::page removed`.
    pub text: String,
    /// Code written against the old crate may stop compiling.
    pub breaks: bool,
}

impl RustImpact {
    /// An impact that breaks code.
    pub fn breaks(text: impl Into<String>) -> Option<RustImpact> {
        Some(RustImpact {
            text: text.into(),
            breaks: true,
        })
    }
    /// An impact that only adds.
    pub fn adds(text: impl Into<String>) -> Option<RustImpact> {
        Some(RustImpact {
            text: text.into(),
            breaks: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ledger_names_win_over_the_ir() {
        let doc = serde_json::json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/rest/v1.0/things": {"get": {"operationId": "ListThings", "tags": ["Core/Things"],
                "parameters": [{"name": "page", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "OK"}}}}}});
        let mut d = crate::diag::Diagnostics::default();
        let api = crate::ir::build::build(&doc, &Default::default(), &mut d);
        let op = &api.operations[0];
        let ir = names(op, None);
        assert_eq!(ir.params["page"], "page");
        let mut pinned = ir.clone();
        pinned.fn_name = "things".into();
        let ledger = Ledger::from([(ledger_key(op), pinned)]);
        assert_eq!(names(op, Some(&ledger)).fn_name, "things");
        assert_eq!(names(op, Some(&Ledger::new())), ir);
        let lock = crate::ir::Ledger::parse(
            "op things core GET /rest/v1.0/things\nop gone core GET /rest/v1.0/gone\n",
        )
        .unwrap();
        let from = from_lock(&lock, &api);
        assert_eq!(from.len(), 1, "only the operations of the API");
        let n = &from[&ledger_key(op)];
        assert_eq!((n.fn_name.as_str(), n.feature.as_str()), ("things", "core"));
        assert_eq!(n.params, ir.params);
    }
}
