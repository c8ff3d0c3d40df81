//! The ledger: every name and placement the generated crate has given, so that regenerating
//! from a newer spec changes none of them while their operation or schema still exists.
//!
//! It lives in the generated crate as `api.lock`, one fact per line, sorted, so a pull request
//! shows exactly which names a regeneration added or dropped:
//!
//! ```text
//! # ... header comment ...
//! feature project-management Project Management
//! op list_project_rfis project-management GET /rest/v1.0/projects/{project_id}/rfis
//! type Rfi GET /rest/v1.0/projects/{project_id}/rfis 200[]
//! type UserRef GET /rest/v1.0/projects/{project_id}/rfis 200[].created_by
//! ```
//!
//! - `feature`: every cargo feature ever generated, with its category's name. Features are
//!   never removed, so `features = [...]` in a user's `Cargo.toml` keeps building.
//! - `op`: an operation (method and path) with its method name and the feature it was first
//!   generated under; it stays there when Procore moves it to another category.
//! - `type`: a type's name at each of its sites (see `ir::site`). A regenerated type keeps the
//!   name most of its sites had.
//!
//! Overrides (`spec/overrides.toml`) still win; `--rehome` recomputes features from Procore's
//! tags (a major version).

use std::collections::{BTreeMap, BTreeSet, HashMap};

/// File name of the ledger inside the generated crate.
pub const FILE: &str = "api.lock";

/// Names and placements of a generated crate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    /// Feature -> category display name.
    pub features: BTreeMap<String, String>,
    /// `METHOD path` -> (method name, feature).
    pub ops: BTreeMap<String, (String, String)>,
    /// Site key -> type name.
    pub types: HashMap<String, String>,
}

/// A ledger line that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("api.lock line {line}: {reason}")]
pub struct LedgerError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

const HEADER: &str = "\
# The API ledger of this crate: every public name and the cargo feature of every operation.
# Written by `cargo xtask generate`, which reads it back so that a regeneration keeps them all;
# review changes like Cargo.lock. Do not edit (spec/overrides.toml renames things).
";

impl Ledger {
    /// Reads a ledger.
    pub fn parse(text: &str) -> Result<Ledger, LedgerError> {
        let mut l = Ledger::default();
        for (i, line) in text.lines().enumerate() {
            let err = |reason: &str| LedgerError {
                line: i + 1,
                reason: reason.to_string(),
            };
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (kind, rest) = line.split_once(' ').ok_or_else(|| err("expected `KIND ...`"))?;
            match kind {
                "feature" => {
                    let (f, name) = rest
                        .split_once(' ')
                        .ok_or_else(|| err("expected `feature NAME CATEGORY`"))?;
                    l.features.insert(f.into(), name.into());
                }
                "op" => {
                    let mut parts = rest.splitn(4, ' ');
                    let (Some(name), Some(feature), Some(method), Some(path)) =
                        (parts.next(), parts.next(), parts.next(), parts.next())
                    else {
                        return Err(err("expected `op NAME FEATURE METHOD PATH`"));
                    };
                    l.ops
                        .insert(format!("{method} {path}"), (name.into(), feature.into()));
                }
                "type" => {
                    let (name, key) = rest
                        .split_once(' ')
                        .ok_or_else(|| err("expected `type NAME SITE`"))?;
                    l.types.insert(key.into(), name.into());
                }
                _ => return Err(err(&format!("unknown entry `{kind}`"))),
            }
        }
        Ok(l)
    }

    /// The ledger of a built API: its features (with every feature of `previous`, which are
    /// never dropped), operations and the names of the types it emits.
    pub fn of(api: &super::Api, previous: Option<&Ledger>) -> Ledger {
        let mut l = Ledger::default();
        if let Some(p) = previous {
            l.features = p.features.clone();
        }
        for op in &api.operations {
            l.features
                .entry(op.category.feature.clone())
                .or_insert_with(|| op.category.name.clone());
            l.ops.insert(
                format!("{} {}", op.method.as_str(), op.path),
                (op.fn_name.clone(), op.category.feature.clone()),
            );
        }
        for &id in &api.used_types {
            let def = api.types.get(id);
            for &s in &def.sites {
                l.types.insert(api.sites[s].key.clone(), def.name.clone());
            }
        }
        l
    }

    /// The text of the ledger: a header, then one sorted line per fact.
    pub fn render(&self) -> String {
        let mut out = String::from(HEADER);
        for (f, name) in &self.features {
            out.push_str(&format!("feature {f} {name}\n"));
        }
        let ops: BTreeSet<String> = self
            .ops
            .iter()
            .map(|(key, (name, feature))| format!("op {name} {feature} {key}\n"))
            .collect();
        ops.iter().for_each(|l| out.push_str(l));
        let types: BTreeSet<String> = self
            .types
            .iter()
            .map(|(key, name)| format!("type {name} {key}\n"))
            .collect();
        types.iter().for_each(|l| out.push_str(l));
        out
    }

    /// Site key -> name, for naming.
    pub fn type_names(&self) -> &HashMap<String, String> {
        &self.types
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_reports_bad_lines() {
        let text = format!(
            "{HEADER}feature core Core\nop list_projects core GET /rest/v1.0/projects\ntype Project GET /rest/v1.0/projects 200[]\ntype Weird GET /x 200.\"a b\"\n"
        );
        let l = Ledger::parse(&text).unwrap();
        assert_eq!(l.features["core"], "Core");
        assert_eq!(
            l.ops["GET /rest/v1.0/projects"],
            ("list_projects".into(), "core".into())
        );
        assert_eq!(l.types["GET /x 200.\"a b\""], "Weird");
        assert_eq!(l.render(), text);
        let e = Ledger::parse("feature core Core\nbogus line\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.to_string().contains("unknown entry `bogus`"), "{e}");
    }
}
