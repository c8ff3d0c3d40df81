//! The generation report: operations in the spec, generated and skipped, with reasons.

use crate::diag::{Diagnostics, Severity};
use crate::ir::Api;
use serde_json::Value;
use std::fmt;

/// Counts of one generation.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    /// Operations in the spec as loaded.
    pub in_spec: usize,
    /// Operations with a generated method.
    pub generated: usize,
    /// Operations skipped.
    pub skipped: usize,
    /// Named types emitted (before aliases).
    pub types: usize,
    /// Type aliases emitted.
    pub aliases: usize,
    /// Quirks repaired by fixups.
    pub repaired: usize,
    /// Skip reasons (the error diagnostics).
    pub reasons: Vec<String>,
    /// Collision renames.
    pub renames: Vec<String>,
}

/// Operations under `paths` in a raw document.
pub fn count_operations(doc: &Value) -> usize {
    doc.get("paths")
        .and_then(Value::as_object)
        .map(|paths| {
            paths
                .values()
                .filter_map(Value::as_object)
                .map(|item| {
                    item.keys()
                        .filter(|k| crate::fixups::METHODS.contains(&k.as_str()))
                        .count()
                })
                .sum()
        })
        .unwrap_or(0)
}

impl Report {
    /// Summarises a generation.
    pub fn new(in_spec: usize, api: &Api, diags: &Diagnostics) -> Report {
        let emitted = &api.used_types;
        Report {
            in_spec,
            generated: api.operations.len(),
            skipped: in_spec.saturating_sub(api.operations.len()),
            types: emitted.len(),
            aliases: emitted
                .iter()
                .map(|id| api.types.get(*id).aliases.len())
                .sum(),
            repaired: diags.count(Severity::Note),
            reasons: diags
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .map(|d| d.to_string())
                .collect(),
            renames: api
                .renames
                .iter()
                .map(|r| format!("{} `{}` -> `{}` at {}", r.kind, r.wanted, r.used, r.at))
                .collect(),
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "operations: {} in spec, {} generated, {} skipped; {} types (+{} aliases); {} quirks repaired; {} names changed to settle collisions",
            self.in_spec, self.generated, self.skipped, self.types, self.aliases, self.repaired, self.renames.len()
        )?;
        for r in &self.reasons {
            writeln!(f, "  skipped: {r}")?;
        }
        Ok(())
    }
}
