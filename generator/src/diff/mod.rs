//! Diff of two API versions, computed on the IR: what was added, removed, changed and
//! deprecated, each change classified by [`rules`] (with the oasdiff checks it stands for), what
//! it does to the generated crate ([`rust`]), and the semver bump the crate needs. Operations
//! that could not be loaded on either side are listed as [`Skipped`], never silently dropped.
//!
//! Operations are matched by method and path with parameter names blanked
//! (`/projects/{}/rfis/{}`), so renaming a path parameter is a change to one operation rather
//! than a removal and an addition. [`diff_versions`] matches across resource versions of one
//! spec instead (`/rest/v1.0/x` with `/rest/v1.1/x`).

mod body;
pub mod constraints;
mod operation;
mod position;
pub mod raw;
pub mod render;
mod root;
pub mod rules;
pub mod rust;
pub mod shape;

use crate::diag::{Diagnostics, Severity};
use crate::ir::{Api, Operation};
use raw::Raw;
pub use rules::{Bump, Class, Level, Rule};
pub use rust::{Ledger, RustImpact, RustNames};
use serde::Serialize;
use serde_json::Value;
use shape::Shapes;
use std::collections::BTreeMap;
use std::sync::Arc;

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Rule id (see [`rules::ALL`]).
    pub rule: &'static str,
    /// Its class (the HTTP verdict).
    pub class: Class,
    /// Its level (`ERR`, `WARN`, `INFO`).
    pub level: Level,
    /// HTTP method.
    pub method: String,
    /// Path (the new one, or the old one for removals).
    pub path: String,
    /// operationId.
    pub operation_id: String,
    /// What changed, for a person (`filters[status]: string -> array<string>`).
    pub detail: String,
    /// What it does to the generated crate, when it touches its API.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rust: Option<RustImpact>,
    /// For moves between categories or tags: (from, to), so reports can group them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved: Option<(String, String)>,
}

/// An operation that could not be loaded on one side, so it was not compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// `old` or `new`.
    pub side: &'static str,
    /// JSON pointer of what could not be read.
    pub pointer: String,
    /// Why.
    pub reason: String,
}

/// Counts of a diff.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Breaking changes.
    pub breaking: usize,
    /// Deprecations (end-of-life removals included).
    pub deprecation: usize,
    /// Non-breaking changes.
    pub non_breaking: usize,
    /// Operations only in the new spec.
    pub operations_added: usize,
    /// Operations only in the old spec.
    pub operations_removed: usize,
    /// Of the removed, those that were deprecated (planned end of life).
    pub end_of_life: usize,
    /// WARN-level changes (also counted in their class).
    pub warnings: usize,
    /// Changes that break code written against the old generated crate.
    pub rust_breaking: usize,
    /// Operations that could not be loaded, on either side, and so were not compared.
    pub skipped: usize,
}

/// One side of a diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Side {
    /// Where it came from (file, URL, or `v1.0` for a version comparison).
    pub source: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// Operations compared.
    pub operations: usize,
}

/// The result of a diff. Its JSON form is the stable schema documented in `render.rs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffReport {
    /// Version of the JSON schema.
    pub schema_version: u32,
    /// The old side.
    pub old: Side,
    /// The new side.
    pub new: Side,
    /// Counts.
    pub summary: Summary,
    /// The semver bump the generated crate needs.
    pub semver: Bump,
    /// Every change, ordered by class, path, method, rule.
    pub changes: Vec<Change>,
    /// What could not be compared.
    pub skipped: Vec<Skipped>,
}

impl DiffReport {
    /// True when a change at `threshold` or worse is present (`--fail-on`). An operation that
    /// could not be compared fails every threshold: it may hide anything.
    pub fn has(&self, threshold: FailOn) -> bool {
        let s = &self.summary;
        s.skipped > 0
            || match threshold {
                FailOn::Breaking => s.breaking > 0,
                FailOn::Warning => s.breaking + s.warnings > 0,
                FailOn::Deprecation => s.breaking + s.deprecation > 0,
                FailOn::Any => !self.changes.is_empty(),
            }
    }

    /// Records what the loader of `side` (`old` or `new`) could not read: every error-level
    /// diagnostic is an operation (or part of the spec) left out of the comparison. An
    /// operation that could not be loaded on one side is not reported as removed or added
    /// there: it is listed as not compared instead.
    pub fn add_skipped(&mut self, side: &'static str, diags: &Diagnostics) {
        for d in diags.iter().filter(|d| d.severity == Severity::Error) {
            self.skipped.push(Skipped {
                side,
                pointer: d.pointer.clone(),
                reason: d.message.clone(),
            });
        }
        let unloaded: Vec<(String, String)> = self
            .skipped
            .iter()
            .filter_map(|s| operation_of(&s.pointer))
            .collect();
        self.changes.retain(|c| {
            !(OPERATION_PRESENCE.contains(&c.rule)
                && unloaded.iter().any(|(m, p)| *m == c.method && *p == c.path))
        });
        let skipped = self.skipped.len();
        (self.summary, self.semver) = tally(&self.changes);
        self.summary.skipped = skipped;
    }
}

/// Rules that say an operation exists on one side only.
const OPERATION_PRESENCE: &[&str] = &[
    "operation-added",
    "operation-removed",
    "operation-removed-before-sunset",
    "operation-removed-unstable",
    "operation-end-of-life",
];

/// `/paths/~1a~1{id}/get/...` -> (`GET`, `/a/{id}`).
fn operation_of(pointer: &str) -> Option<(String, String)> {
    let mut parts = pointer.strip_prefix("/paths/")?.split('/');
    let path = parts.next()?.replace("~1", "/").replace("~0", "~");
    let method = crate::ir::Method::from_key(parts.next()?)?;
    Some((method.as_str().to_string(), path))
}

/// Counts and the semver bump of a change list.
fn tally(changes: &[Change]) -> (Summary, Bump) {
    let mut summary = Summary::default();
    let mut semver = Bump::None;
    for ch in changes {
        match ch.class {
            Class::Breaking => summary.breaking += 1,
            Class::Deprecation => summary.deprecation += 1,
            Class::NonBreaking => summary.non_breaking += 1,
        }
        match ch.rule {
            "operation-added" => summary.operations_added += 1,
            "operation-end-of-life" => {
                summary.operations_removed += 1;
                summary.end_of_life += 1;
            }
            r if OPERATION_PRESENCE.contains(&r) => summary.operations_removed += 1,
            _ => {}
        }
        if ch.level == Level::Warn {
            summary.warnings += 1;
        }
        if let Some(r) = rules::ALL.iter().find(|r| r.id == ch.rule) {
            semver = semver.max(Bump::of(r));
        }
        if ch.rust.as_ref().is_some_and(|r| r.breaks) {
            summary.rust_breaking += 1;
            semver = Bump::Major;
        }
    }
    (summary, semver)
}

/// The `--fail-on` levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// Fail on breaking changes.
    Breaking,
    /// Fail on breaking changes and WARN-level ones.
    Warning,
    /// Fail on breaking changes and deprecations.
    Deprecation,
    /// Fail on any change.
    Any,
}

/// Settings of a diff.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions {
    /// The date (`YYYY-MM-DD`) against which `x-sunset` is judged (default: today).
    pub today: Option<String>,
    /// Label of the old side.
    pub old_source: String,
    /// Label of the new side.
    pub new_source: String,
    /// Rust names of the old crate, when a ledger records them (else the old IR's).
    pub old_ledger: Option<Ledger>,
    /// Rust names of the new crate, when a ledger records them (else the new IR's).
    pub new_ledger: Option<Ledger>,
    /// The fixed-up document the old IR was built from (see
    /// [`crate::Generator::build_ir_in_place`]); without it the checks of [`raw`] are skipped.
    pub old_doc: Option<Arc<Value>>,
    /// The fixed-up document the new IR was built from.
    pub new_doc: Option<Arc<Value>>,
}

/// `/rest/v1.0/projects/{project_id}/rfis/{id}` -> `/rest/v1.0/projects/{}/rfis/{}`.
fn blank_params(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '{' => {
                depth += 1;
                out.push_str("{}");
            }
            '}' => depth -= 1,
            _ if depth > 0 => {}
            _ => out.push(c),
        }
    }
    out
}

/// `/rest/v1.1/projects/{}` -> `/projects/{}` when the version is `v1.1`.
fn strip_version(path: &str, version: &str) -> Option<String> {
    path.strip_prefix(&format!("/rest/{version}"))
        .map(str::to_string)
}

/// Compares two specs.
pub fn diff(old: &Api, new: &Api, opts: &DiffOptions) -> DiffReport {
    let key = |op: &Operation| format!("{} {}", op.method.as_str(), blank_params(&op.path));
    let o = old.operations.iter().map(|op| (key(op), op)).collect();
    let n = new.operations.iter().map(|op| (key(op), op)).collect();
    compare(
        old,
        o,
        new,
        n,
        opts,
        side(old, &opts.old_source),
        side(new, &opts.new_source),
    )
}

/// Compares the operations of resource version `from` with those of `to` in one spec, as a
/// user moving from one to the other would see them (`v1.0` -> `v1.1`).
pub fn diff_versions(api: &Api, from: &str, to: &str, opts: &DiffOptions) -> DiffReport {
    let pick = |v: &str| -> BTreeMap<String, &Operation> {
        api.operations
            .iter()
            .filter_map(|op| {
                strip_version(&op.path, v)
                    .map(|p| (format!("{} {}", op.method.as_str(), blank_params(&p)), op))
            })
            .collect()
    };
    let (o, n) = (pick(from), pick(to));
    let mk = |v: &str, count: usize| Side {
        source: v.to_string(),
        title: api.title.clone(),
        version: api.version.clone(),
        operations: count,
    };
    let (so, sn) = (mk(from, o.len()), mk(to, n.len()));
    compare(api, o, api, n, opts, so, sn)
}

fn side(api: &Api, source: &str) -> Side {
    Side {
        source: source.to_string(),
        title: api.title.clone(),
        version: api.version.clone(),
        operations: api.operations.len(),
    }
}

struct Ctx<'a> {
    old: Shapes<'a>,
    new: Shapes<'a>,
    changes: Vec<Change>,
    today: String,
    old_ledger: Option<&'a Ledger>,
    new_ledger: Option<&'a Ledger>,
    old_raw: Option<Raw<'a>>,
    new_raw: Option<Raw<'a>>,
    /// The operations being compared, in the documents: found once per pair, since following
    /// a pointer costs more than every look-up under it.
    old_op: Option<&'a Value>,
    new_op: Option<&'a Value>,
}

impl Ctx<'_> {
    fn push(&mut self, rule: Rule, op: &Operation, detail: impl Into<String>) -> &mut Change {
        self.changes.push(Change {
            rule: rule.id,
            class: rule.class,
            level: rule.level,
            method: op.method.as_str().to_string(),
            path: op.path.clone(),
            operation_id: op.operation_id.clone(),
            detail: detail.into(),
            rust: None,
            moved: None,
        });
        self.changes.last_mut().expect("just pushed")
    }

    /// Pushes a change with its effect on the crate.
    fn push_rust(
        &mut self,
        rule: Rule,
        op: &Operation,
        detail: impl Into<String>,
        rust: Option<RustImpact>,
    ) {
        self.push(rule, op, detail).rust = rust;
    }

    fn names(&self, old: &Operation, new: &Operation) -> (RustNames, RustNames) {
        (
            rust::names(old, self.old_ledger),
            rust::names(new, self.new_ledger),
        )
    }
}

fn compare(
    old_api: &Api,
    old: BTreeMap<String, &Operation>,
    new_api: &Api,
    new: BTreeMap<String, &Operation>,
    opts: &DiffOptions,
    old_side: Side,
    new_side: Side,
) -> DiffReport {
    let today = opts.today.clone().unwrap_or_else(|| {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        crate::ir::deprecation::civil_date(secs)
    });
    let old_raw = opts.old_doc.as_deref().map(Raw::new);
    let new_raw = opts.new_doc.as_deref().map(Raw::new);
    let mut c = Ctx {
        old: Shapes::with_doc(old_api, old_raw),
        new: Shapes::with_doc(new_api, new_raw),
        changes: Vec::new(),
        today,
        old_ledger: opts.old_ledger.as_ref(),
        new_ledger: opts.new_ledger.as_ref(),
        old_raw,
        new_raw,
        old_op: None,
        new_op: None,
    };
    for (k, o) in &old {
        match new.get(k) {
            Some(n) => operation::operation(&mut c, o, n),
            None => operation::removed(&mut c, o),
        }
    }
    for (k, n) in &new {
        if !old.contains_key(k) {
            let names = rust::names(n, c.new_ledger);
            c.push_rust(
                rules::OPERATION_ADDED,
                n,
                n.summary.clone().unwrap_or_default(),
                RustImpact::adds(format!(
                    "new method `Client::{}` (feature `{}`)",
                    names.fn_name, names.feature
                )),
            );
        }
    }
    let mut changes = c.changes;
    changes.sort_by(|a, b| {
        (a.class, &a.path, &a.method, a.rule, &a.detail)
            .cmp(&(b.class, &b.path, &b.method, b.rule, &b.detail))
    });
    let (summary, semver) = tally(&changes);
    DiffReport {
        schema_version: 2,
        old: old_side,
        new: new_side,
        summary,
        semver,
        changes,
        skipped: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_whatever_the_parameter_names() {
        assert_eq!(
            blank_params("/rest/v1.0/projects/{project_id}/rfis/{id}"),
            "/rest/v1.0/projects/{}/rfis/{}"
        );
        assert_eq!(
            strip_version("/rest/v1.1/projects/{}", "v1.1").as_deref(),
            Some("/projects/{}")
        );
        assert_eq!(strip_version("/rest/v1.0/projects/{}", "v1.1"), None);
    }

    #[test]
    fn skipped_pointers_name_their_operation() {
        assert_eq!(
            operation_of("/paths/~1rest~1v1.0~1rfis~1{id}/get/parameters/0"),
            Some(("GET".into(), "/rest/v1.0/rfis/{id}".into()))
        );
        assert_eq!(operation_of("/paths/~1a/parameters/0"), None);
        assert_eq!(operation_of("/components/schemas/A"), None);
    }
}
