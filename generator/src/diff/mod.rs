//! Diff of two API versions, computed on the IR: what was added, removed, changed and
//! deprecated, each change classified by [`rules`], and the semver bump the generated crate
//! needs.
//!
//! Operations are matched by method and path with parameter names blanked
//! (`/projects/{}/rfis/{}`), so renaming a path parameter is a change to one operation rather
//! than a removal and an addition. [`diff_versions`] matches across resource versions of one
//! spec instead (`/rest/v1.0/x` with `/rest/v1.1/x`).

pub mod render;
pub mod rules;
pub mod shape;

use crate::ir::{Api, Operation, ParamLocation, Success};
pub use rules::{Bump, Class, Rule};
use serde::Serialize;
use shape::{Fields, Shapes};
use std::collections::{BTreeMap, BTreeSet};

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Rule id (see [`rules::ALL`]).
    pub rule: &'static str,
    /// Its class.
    pub class: Class,
    /// HTTP method.
    pub method: String,
    /// Path (the new one, or the old one for removals).
    pub path: String,
    /// operationId.
    pub operation_id: String,
    /// What changed, for a person (`filters[status]: string -> array<string>`).
    pub detail: String,
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
}

impl DiffReport {
    /// True when a change at `threshold` or worse is present (`--fail-on`).
    pub fn has(&self, threshold: FailOn) -> bool {
        match threshold {
            FailOn::Breaking => self.summary.breaking > 0,
            FailOn::Deprecation => self.summary.breaking + self.summary.deprecation > 0,
            FailOn::Any => !self.changes.is_empty(),
        }
    }
}

/// The `--fail-on` levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// Fail on breaking changes.
    Breaking,
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
}

impl Ctx<'_> {
    fn push(&mut self, rule: Rule, op: &Operation, detail: impl Into<String>) {
        self.changes.push(Change {
            rule: rule.id,
            class: rule.class,
            method: op.method.as_str().to_string(),
            path: op.path.clone(),
            operation_id: op.operation_id.clone(),
            detail: detail.into(),
        });
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
    let mut c = Ctx {
        old: Shapes::new(old_api),
        new: Shapes::new(new_api),
        changes: Vec::new(),
        today,
    };
    let mut summary = Summary::default();
    for (k, o) in &old {
        match new.get(k) {
            Some(n) => operation(&mut c, o, n),
            None => {
                summary.operations_removed += 1;
                match &o.deprecation {
                    Some(d) if d.sunset.as_deref().is_some_and(|s| s > c.today.as_str()) => {
                        let s = d.sunset.clone().unwrap_or_default();
                        c.push(
                            rules::OPERATION_REMOVED_BEFORE_SUNSET,
                            o,
                            format!("removed before its sunset date {s}"),
                        );
                    }
                    Some(d) => {
                        summary.end_of_life += 1;
                        let since = d
                            .since
                            .as_deref()
                            .map(|s| format!(", deprecated since {s}"))
                            .unwrap_or_default();
                        c.push(
                            rules::OPERATION_END_OF_LIFE,
                            o,
                            format!("removed after deprecation{since}"),
                        );
                    }
                    None => c.push(
                        rules::OPERATION_REMOVED,
                        o,
                        "removed without prior deprecation",
                    ),
                }
            }
        }
    }
    for (k, n) in &new {
        if !old.contains_key(k) {
            summary.operations_added += 1;
            c.push(
                rules::OPERATION_ADDED,
                n,
                n.summary.clone().unwrap_or_default(),
            );
        }
    }
    let mut changes = c.changes;
    changes.sort_by(|a, b| {
        (a.class, &a.path, &a.method, a.rule, &a.detail)
            .cmp(&(b.class, &b.path, &b.method, b.rule, &b.detail))
    });
    let mut semver = Bump::None;
    for ch in &changes {
        match ch.class {
            Class::Breaking => summary.breaking += 1,
            Class::Deprecation => summary.deprecation += 1,
            Class::NonBreaking => summary.non_breaking += 1,
        }
        if let Some(r) = rules::ALL.iter().find(|r| r.id == ch.rule) {
            semver = semver.max(Bump::of(r));
        }
    }
    DiffReport {
        schema_version: 1,
        old: old_side,
        new: new_side,
        summary,
        semver,
        changes,
    }
}

fn path_param_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(n, _)| n))
        .collect()
}

fn operation(c: &mut Ctx, o: &Operation, n: &Operation) {
    // Deprecation.
    match (&o.deprecation, &n.deprecation) {
        (None, Some(d)) => {
            let mut detail = String::from("deprecated");
            if let Some(s) = &d.since {
                detail.push_str(&format!(" since {s}"));
            }
            if let Some(s) = &d.sunset {
                detail.push_str(&format!(", sunset {s}"));
            }
            if let Some(note) = &d.note {
                detail.push_str(&format!(": {note}"));
            }
            c.push(rules::OPERATION_DEPRECATED, n, detail);
        }
        (Some(_), None) => c.push(rules::OPERATION_UNDEPRECATED, n, "no longer deprecated"),
        (Some(a), Some(b)) if a.since != b.since || a.sunset != b.sunset => {
            let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
            c.push(
                rules::DEPRECATION_DATES_CHANGED,
                n,
                format!(
                    "deprecated-at {} -> {}, sunset {} -> {}",
                    show(&a.since),
                    show(&b.since),
                    show(&a.sunset),
                    show(&b.sunset)
                ),
            );
        }
        _ => {}
    }
    if o.summary != n.summary {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        c.push(
            rules::SUMMARY_CHANGED,
            n,
            format!("{:?} -> {:?}", s(&o.summary), s(&n.summary)),
        );
    }
    if o.tags != n.tags {
        c.push(
            rules::TAG_CHANGED,
            n,
            format!("{} -> {}", o.tags.join(", "), n.tags.join(", ")),
        );
    }
    let (op_names, np_names) = (path_param_names(&o.path), path_param_names(&n.path));
    if op_names != np_names {
        let pairs: Vec<String> = op_names
            .iter()
            .zip(&np_names)
            .filter(|(a, b)| a != b)
            .map(|(a, b)| format!("{{{a}}} -> {{{b}}}"))
            .collect();
        c.push(rules::PATH_PARAM_RENAMED, n, pairs.join(", "));
    }
    params(c, o, n);
    body(c, o, n);
    responses(c, o, n);
}

fn params(c: &mut Ctx, o: &Operation, n: &Operation) {
    let (om, nm) = (non_path_params(o), non_path_params(n));
    let loc = |l: ParamLocation| format!("{l:?}").to_lowercase();
    for (name, op) in &om {
        let Some(np) = nm.get(name) else {
            c.push(
                rules::PARAM_REMOVED,
                n,
                format!("{} parameter `{name}` removed", loc(op.location)),
            );
            continue;
        };
        if op.location != np.location {
            c.push(
                rules::PARAM_LOCATION_CHANGED,
                n,
                format!("`{name}`: {} -> {}", loc(op.location), loc(np.location)),
            );
            continue;
        }
        match (op.required, np.required) {
            (false, true) => c.push(
                rules::PARAM_BECAME_REQUIRED,
                n,
                format!("`{name}` is now required"),
            ),
            (true, false) => c.push(
                rules::PARAM_BECAME_OPTIONAL,
                n,
                format!("`{name}` is now optional"),
            ),
            _ => {}
        }
        let (ol, nl) = (c.old.label(&op.ty), c.new.label(&np.ty));
        if ol != nl {
            c.push(
                rules::PARAM_TYPE_CHANGED,
                n,
                format!("`{name}`: {ol} -> {nl}"),
            );
        } else {
            let (oe, ne) = (c.old.enum_values(&op.ty), c.new.enum_values(&np.ty));
            enum_changes(
                c,
                n,
                name,
                oe,
                ne,
                rules::PARAM_ENUM_VALUE_REMOVED,
                rules::PARAM_ENUM_VALUE_ADDED,
            );
        }
        if np.deprecated && !op.deprecated {
            c.push(rules::PARAM_DEPRECATED, n, format!("`{name}` deprecated"));
        }
    }
    for (name, np) in &nm {
        if !om.contains_key(name) {
            let rule = if np.required {
                rules::PARAM_ADDED_REQUIRED
            } else {
                rules::PARAM_ADDED_OPTIONAL
            };
            c.push(
                rule,
                n,
                format!(
                    "{} parameter `{name}` ({}) added",
                    loc(np.location),
                    c.new.label(&np.ty)
                ),
            );
        }
    }
}

fn non_path_params(op: &Operation) -> BTreeMap<String, &crate::ir::Param> {
    op.params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
        .map(|p| (p.name.clone(), p))
        .collect()
}

fn enum_changes(
    c: &mut Ctx,
    op: &Operation,
    at: &str,
    old: Option<Vec<String>>,
    new: Option<Vec<String>>,
    removed: Rule,
    added: Rule,
) {
    let (Some(old), Some(new)) = (old, new) else {
        return;
    };
    let (os, ns): (BTreeSet<&String>, BTreeSet<&String>) =
        (old.iter().collect(), new.iter().collect());
    let gone: Vec<String> = os.difference(&ns).map(|v| format!("{v:?}")).collect();
    let came: Vec<String> = ns.difference(&os).map(|v| format!("{v:?}")).collect();
    if !gone.is_empty() {
        c.push(
            removed,
            op,
            format!("`{at}`: values {} removed", gone.join(", ")),
        );
    }
    if !came.is_empty() {
        c.push(
            added,
            op,
            format!("`{at}`: values {} added", came.join(", ")),
        );
    }
}

fn body(c: &mut Ctx, o: &Operation, n: &Operation) {
    match (&o.body, &n.body) {
        (None, None) => {}
        (None, Some(b)) => {
            let rule = if b.required {
                rules::BODY_ADDED_REQUIRED
            } else {
                rules::BODY_ADDED_OPTIONAL
            };
            c.push(
                rule,
                n,
                format!("request body ({}) added", b.content_types.join(", ")),
            );
        }
        (Some(_), None) => c.push(rules::BODY_REMOVED, n, "request body removed"),
        (Some(ob), Some(nb)) => {
            for ct in ob
                .content_types
                .iter()
                .filter(|ct| !nb.content_types.contains(ct))
            {
                c.push(
                    rules::BODY_CONTENT_TYPE_REMOVED,
                    n,
                    format!("`{ct}` no longer accepted"),
                );
            }
            for ct in nb
                .content_types
                .iter()
                .filter(|ct| !ob.content_types.contains(ct))
            {
                c.push(
                    rules::BODY_CONTENT_TYPE_ADDED,
                    n,
                    format!("`{ct}` accepted"),
                );
            }
            if !ob.required && nb.required {
                c.push(
                    rules::BODY_ADDED_REQUIRED,
                    n,
                    "request body is now required",
                );
            }
            let (ol, nl) = (c.old.label(&ob.ty), c.new.label(&nb.ty));
            if ol != nl {
                c.push(
                    rules::REQUEST_FIELD_TYPE_CHANGED,
                    n,
                    format!("(body): {ol} -> {nl}"),
                );
                return;
            }
            let (of, nf) = (c.old.fields(&ob.ty), c.new.fields(&nb.ty));
            fields(c, n, &of, &nf, true);
        }
    }
}

fn responses(c: &mut Ctx, o: &Operation, n: &Operation) {
    let map = |op: &Operation| -> BTreeMap<String, Option<crate::ir::TypeRef>> {
        op.responses
            .iter()
            .map(|r| (r.status.clone(), r.ty.clone()))
            .collect()
    };
    let (om, nm) = (map(o), map(n));
    for status in om.keys().filter(|s| !nm.contains_key(*s)) {
        let rule = if status.starts_with('2') {
            rules::RESPONSE_STATUS_REMOVED
        } else {
            rules::RESPONSE_STATUS_REMOVED_OTHER
        };
        c.push(rule, n, format!("status {status} no longer returned"));
    }
    for status in nm.keys().filter(|s| !om.contains_key(*s)) {
        c.push(
            rules::RESPONSE_STATUS_ADDED,
            n,
            format!("status {status} added"),
        );
    }
    // Response bodies: compare the successful body the client decodes.
    let (os, ns) = (&o.success, &n.success);
    match (os, ns) {
        (Success::Json(ot), Success::Json(nt)) => {
            let (ol, nl) = (c.old.label(ot), c.new.label(nt));
            if ol != nl {
                c.push(
                    rules::RESPONSE_FIELD_TYPE_CHANGED,
                    n,
                    format!("(body): {ol} -> {nl}"),
                );
                return;
            }
            let (of, nf) = (c.old.fields(ot), c.new.fields(nt));
            fields(c, n, &of, &nf, false);
        }
        (a, b) if std::mem::discriminant(a) != std::mem::discriminant(b) => {
            let kind = |s: &Success| match s {
                Success::Json(_) => "JSON",
                Success::Bytes => "bytes",
                Success::Empty => "no body",
            };
            c.push(
                rules::RESPONSE_FIELD_TYPE_CHANGED,
                n,
                format!("(body): {} -> {}", kind(a), kind(b)),
            );
        }
        _ => {}
    }
}

/// The path a field path sits under (`a.b[].c` -> `a.b`), if any.
fn parent(path: &str) -> Option<&str> {
    let cut = path.rfind(['.', '[', '{'])?;
    let mut p = &path[..cut];
    while let Some(s) = p.strip_suffix("[]").or_else(|| p.strip_suffix("{}")) {
        p = s;
    }
    (!p.is_empty()).then_some(p)
}

/// Compares flattened fields; a removed, added or retyped field hides the changes below it.
fn fields(c: &mut Ctx, op: &Operation, old: &Fields, new: &Fields, request: bool) {
    let mut reported: BTreeSet<&str> = BTreeSet::new();
    let covered = |reported: &BTreeSet<&str>, path: &str| {
        let mut p = parent(path);
        while let Some(q) = p {
            if reported.contains(q) {
                return true;
            }
            p = parent(q);
        }
        false
    };
    for (path, of) in old {
        if covered(&reported, path) {
            continue;
        }
        let Some(nf) = new.get(path) else {
            let rule = if request {
                rules::REQUEST_FIELD_REMOVED
            } else {
                rules::RESPONSE_FIELD_REMOVED
            };
            c.push(rule, op, format!("`{path}` ({}) removed", of.label));
            reported.insert(path);
            continue;
        };
        if of.label != nf.label {
            let rule = if request {
                rules::REQUEST_FIELD_TYPE_CHANGED
            } else {
                rules::RESPONSE_FIELD_TYPE_CHANGED
            };
            c.push(rule, op, format!("`{path}`: {} -> {}", of.label, nf.label));
            reported.insert(path);
            continue;
        }
        if request {
            match (of.required, nf.required) {
                (false, true) => c.push(
                    rules::REQUEST_FIELD_BECAME_REQUIRED,
                    op,
                    format!("`{path}` is now required"),
                ),
                (true, false) => c.push(
                    rules::REQUEST_FIELD_BECAME_OPTIONAL,
                    op,
                    format!("`{path}` is now optional"),
                ),
                _ => {}
            }
        }
        let (removed, added) = if request {
            (
                rules::REQUEST_ENUM_VALUE_REMOVED,
                rules::REQUEST_ENUM_VALUE_ADDED,
            )
        } else {
            (
                rules::RESPONSE_ENUM_VALUE_REMOVED,
                rules::RESPONSE_ENUM_VALUE_ADDED,
            )
        };
        enum_changes(
            c,
            op,
            path,
            of.enum_values.clone(),
            nf.enum_values.clone(),
            removed,
            added,
        );
        if nf.deprecated && !of.deprecated {
            c.push(rules::FIELD_DEPRECATED, op, format!("`{path}` deprecated"));
        }
    }
    let mut added: BTreeSet<&str> = BTreeSet::new();
    for (path, nf) in new {
        if old.contains_key(path) || covered(&reported, path) || covered(&added, path) {
            continue;
        }
        let rule = match (request, nf.required) {
            (true, true) => rules::REQUEST_FIELD_ADDED_REQUIRED,
            (true, false) => rules::REQUEST_FIELD_ADDED_OPTIONAL,
            (false, _) => rules::RESPONSE_FIELD_ADDED,
        };
        c.push(rule, op, format!("`{path}` ({}) added", nf.label));
        added.insert(path);
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
    fn field_parents() {
        assert_eq!(parent("a.b[].c"), Some("a.b"));
        assert_eq!(parent("items[]"), Some("items"));
        assert_eq!(parent("a"), None);
        assert_eq!(parent("[].id"), None);
    }
}
