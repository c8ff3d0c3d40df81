//! Operation-level comparison: removal and its deprecation policy, deprecation and stability
//! changes, Rust names and categories, and parameters.

use super::constraints::{self, Move};
use super::raw::{self, Raw};
use super::rules::{self, Rule};
use super::rust::{self, RustImpact, RustNames};
use super::{body, Ctx};
use crate::ir::{Constraints, Operation, Param, ParamLocation};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// `x-stability-level` rank; no level reads as `stable`, as in oasdiff.
pub(super) fn stability_rank(level: Option<&str>) -> u8 {
    match level {
        Some("draft") => 0,
        Some("alpha") => 1,
        Some("beta") => 2,
        _ => 3,
    }
}

/// Reports a removed operation.
pub(super) fn removed(c: &mut Ctx, o: &Operation) {
    let names = rust::names(o, c.old_ledger);
    let rust = RustImpact::breaks(format!(
        "method `Client::{}` removed (feature `{}`)",
        names.fn_name, names.feature
    ));
    if stability_rank(o.stability.as_deref()) < 2 {
        let level = o.stability.clone().unwrap_or_default();
        c.push_rust(
            rules::OPERATION_REMOVED_UNSTABLE,
            o,
            format!("removed; it was `{level}`"),
            rust,
        );
        return;
    }
    match &o.deprecation {
        Some(d) if d.sunset.as_deref().is_some_and(|s| s > c.today.as_str()) => {
            let s = d.sunset.clone().unwrap_or_default();
            c.push_rust(
                rules::OPERATION_REMOVED_BEFORE_SUNSET,
                o,
                format!("removed before its sunset date {s}"),
                rust,
            );
        }
        Some(d) => {
            let since = d
                .since
                .as_deref()
                .map(|s| format!(", deprecated since {s}"))
                .unwrap_or_default();
            c.push_rust(
                rules::OPERATION_END_OF_LIFE,
                o,
                format!("removed after deprecation{since}"),
                rust,
            );
        }
        None => {
            c.push_rust(
                rules::OPERATION_REMOVED,
                o,
                "removed without prior deprecation",
                rust,
            );
        }
    }
}

fn path_param_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(n, _)| n))
        .collect()
}

/// Compares one operation matched in both specs.
pub(super) fn operation(c: &mut Ctx, o: &Operation, n: &Operation) {
    c.old_op = c.old_raw.and_then(|r| r.at(&o.pointer));
    c.new_op = c.new_raw.and_then(|r| r.at(&n.pointer));
    deprecation(c, o, n);
    let (os, ns) = (
        stability_rank(o.stability.as_deref()),
        stability_rank(n.stability.as_deref()),
    );
    if os != ns {
        let show = |s: &Option<String>| s.clone().unwrap_or_else(|| "stable (unset)".into());
        let rule = if ns < os {
            rules::STABILITY_DECREASED
        } else {
            rules::STABILITY_INCREASED
        };
        c.push(
            rule,
            n,
            format!("stability {} -> {}", show(&o.stability), show(&n.stability)),
        );
    }
    if o.summary != n.summary {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        c.push(
            rules::SUMMARY_CHANGED,
            n,
            format!("{:?} -> {:?}", s(&o.summary), s(&n.summary)),
        );
    }
    if o.operation_id != n.operation_id {
        c.push(
            rules::OPERATION_ID_CHANGED,
            n,
            format!("operationId {} -> {}", o.operation_id, n.operation_id),
        );
    }
    let (on, nn) = c.names(o, n);
    placement(c, o, n, &on, &nn);
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
    params(c, o, n, &on, &nn);
    body::body(c, o, n, &nn);
    body::responses(c, o, n);
}

/// Method name, cargo feature and tags.
fn placement(c: &mut Ctx, o: &Operation, n: &Operation, on: &RustNames, nn: &RustNames) {
    if on.fn_name != nn.fn_name {
        c.push_rust(
            rules::RUST_METHOD_RENAMED,
            n,
            format!("`{}` -> `{}`", on.fn_name, nn.fn_name),
            RustImpact::breaks(format!(
                "`Client::{}` is now `Client::{}`",
                on.fn_name, nn.fn_name
            )),
        );
    }
    if on.feature != nn.feature {
        let ch = c.push(
            rules::RUST_FEATURE_CHANGED,
            n,
            format!("category {} -> {}", o.category.name, n.category.name),
        );
        ch.rust = RustImpact::breaks(format!(
            "enable feature `{}` instead of `{}`; its types move to `api::{}`",
            nn.feature, on.feature, n.category.module
        ));
        ch.moved = Some((o.category.name.clone(), n.category.name.clone()));
    } else if o.tags != n.tags {
        let (from, to) = (o.tags.join(", "), n.tags.join(", "));
        let detail = format!("{from} -> {to}");
        c.push(rules::TAG_CHANGED, n, detail).moved = Some((from, to));
    }
}

fn deprecation(c: &mut Ctx, o: &Operation, n: &Operation) {
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
        (Some(_), None) => {
            c.push(rules::OPERATION_UNDEPRECATED, n, "no longer deprecated");
        }
        (Some(a), Some(b)) if a.since != b.since || a.sunset != b.sunset => {
            let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
            let earlier = matches!((&a.sunset, &b.sunset), (Some(x), Some(y)) if y < x);
            let rule = if earlier {
                rules::SUNSET_MOVED_EARLIER
            } else {
                rules::DEPRECATION_DATES_CHANGED
            };
            c.push(
                rule,
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
}

/// Parameters keyed for matching: path parameters by their position in the path template (so
/// a renamed one is the same parameter), the others by name.
fn keyed(op: &Operation) -> BTreeMap<String, &Param> {
    let order = path_param_names(&op.path);
    op.params
        .iter()
        .map(|p| {
            if p.location == ParamLocation::Path {
                let i = order
                    .iter()
                    .position(|n| *n == p.name)
                    .unwrap_or(order.len());
                (format!("{{path {}}}", i + 1), p)
            } else {
                (p.name.clone(), p)
            }
        })
        .collect()
}

fn loc(l: ParamLocation) -> String {
    format!("{l:?}").to_lowercase()
}

fn params(c: &mut Ctx, o: &Operation, n: &Operation, on: &RustNames, nn: &RustNames) {
    let (om, nm) = (keyed(o), keyed(n));
    // The documents' parameter lists, found once per operation (see `param_constraints_of`).
    let raws = (
        raw_params(c.old_raw, c.old_op),
        raw_params(c.new_raw, c.new_op),
    );
    for (key, op) in &om {
        match nm.get(key) {
            Some(np) => param(c, (o, n), raws, (op, np), on, nn),
            None => param_removed(c, n, op, on),
        }
    }
    for (key, np) in &nm {
        if om.contains_key(key) {
            continue;
        }
        let ident = nn
            .params
            .get(&rust::param_key(np.location, &np.name))
            .cloned()
            .unwrap_or_else(|| np.ident.clone());
        let label = c.new.label(&np.ty);
        let detail = format!(
            "{} parameter `{}` ({label}) added",
            loc(np.location),
            np.name
        );
        if np.required {
            c.push_rust(
                rules::PARAM_ADDED_REQUIRED,
                n,
                detail,
                RustImpact::breaks(format!(
                    "`Client::{}` takes a new argument `{ident}`",
                    nn.fn_name
                )),
            );
        } else {
            c.push_rust(
                rules::PARAM_ADDED_OPTIONAL,
                n,
                detail,
                RustImpact::adds(format!("new setter `{}::{ident}`", nn.builder)),
            );
        }
    }
}

fn param_removed(c: &mut Ctx, n: &Operation, op: &Param, on: &RustNames) {
    let ident = on
        .params
        .get(&rust::param_key(op.location, &op.name))
        .cloned()
        .unwrap_or_else(|| op.ident.clone());
    let rust = RustImpact::breaks(if op.required {
        format!("argument `{ident}` of `Client::{}` removed", on.fn_name)
    } else {
        format!("setter `{}::{ident}` removed", on.builder)
    });
    let what = format!("{} parameter `{}` removed", loc(op.location), op.name);
    let (rule, detail) = match (&op.sunset, op.deprecated) {
        (Some(s), true) if s.as_str() > c.today.as_str() => (
            rules::PARAM_REMOVED_BEFORE_SUNSET,
            format!("{what} before its sunset date {s}"),
        ),
        (_, true) => (
            rules::PARAM_END_OF_LIFE,
            format!("{what} after deprecation"),
        ),
        _ => (rules::PARAM_REMOVED, what),
    };
    c.push_rust(rule, n, detail, rust);
}

/// A parameter list of a document, with the document.
type RawParams<'a> = Option<(Raw<'a>, &'a [Value])>;

/// The parameter list of `op` in the document, when one of its schemas is a `$ref` (the only
/// case where the document adds to the IR; checking once per operation keeps a list of n
/// parameters from being searched n times).
fn raw_params<'a>(raw: Option<Raw<'a>>, op: Option<&'a Value>) -> RawParams<'a> {
    let raw = raw?;
    let params = raw.params(op?)?;
    let by_ref = |p: &Value| raw.resolve(p).get("schema").is_some_and(raw::is_ref);
    params.iter().any(by_ref).then_some((raw, params))
}

fn param(
    c: &mut Ctx,
    (_, n): (&Operation, &Operation),
    (oraw, nraw): (RawParams, RawParams),
    (op, np): (&Param, &Param),
    on: &RustNames,
    nn: &RustNames,
) {
    let name = &np.name;
    if op.location != np.location {
        c.push(
            rules::PARAM_LOCATION_CHANGED,
            n,
            format!("`{name}`: {} -> {}", loc(op.location), loc(np.location)),
        );
        return;
    }
    let key = |p: &Param| rust::param_key(p.location, &p.name);
    let oi = on.params.get(&key(op)).unwrap_or(&op.ident);
    let ni = nn.params.get(&key(np)).unwrap_or(&np.ident);
    // Path parameters are positional arguments: their names do not reach calling code.
    if oi != ni && np.location != ParamLocation::Path {
        c.push_rust(
            rules::RUST_SETTER_RENAMED,
            n,
            format!("`{name}`: `{oi}` -> `{ni}`"),
            RustImpact::breaks(format!("`{oi}` is now `{ni}` on `{}`", nn.builder)),
        );
    }
    match (op.required, np.required) {
        (false, true) => c.push_rust(
            rules::PARAM_BECAME_REQUIRED,
            n,
            format!("`{name}` is now required"),
            RustImpact::breaks(format!(
                "`{ni}` becomes an argument of `Client::{}` (was a setter)",
                nn.fn_name
            )),
        ),
        (true, false) => c.push_rust(
            rules::PARAM_BECAME_OPTIONAL,
            n,
            format!("`{name}` is now optional"),
            RustImpact::breaks(format!(
                "`{ni}` becomes a setter `{}::{ni}` (was an argument of `Client::{}`)",
                nn.builder, nn.fn_name
            )),
        ),
        _ => {}
    }
    param_type(c, n, op, np, ni);
    let oc = param_constraints_of(oraw, op);
    let nc = param_constraints_of(nraw, np);
    param_constraints(c, n, name, oc.as_deref(), nc.as_deref());
    if np.deprecated {
        param_sunset(c, n, op, np);
    }
    match (op.deprecated, np.deprecated) {
        (false, true) => {
            let sunset = np
                .sunset
                .as_deref()
                .map(|s| format!(", sunset {s}"))
                .unwrap_or_default();
            c.push(
                rules::PARAM_DEPRECATED,
                n,
                format!("`{name}` deprecated{sunset}"),
            );
        }
        (true, false) => {
            c.push(
                rules::PARAM_UNDEPRECATED,
                n,
                format!("`{name}` no longer deprecated"),
            );
        }
        _ => {}
    }
}

fn param_type(c: &mut Ctx, n: &Operation, op: &Param, np: &Param, ident: &str) {
    let name = &np.name;
    let (ol, nl) = (c.old.label(&op.ty), c.new.label(&np.ty));
    let (or, nr) = (c.old.rust(&op.ty), c.new.rust(&np.ty));
    let retyped = RustImpact::breaks(format!("`{ident}` takes `{nr}` instead of `{or}`"));
    if ol != nl {
        c.push_rust(
            rules::PARAM_TYPE_CHANGED,
            n,
            format!("`{name}`: {ol} -> {nl}"),
            retyped,
        );
        return;
    }
    let (oe, ne) = (c.old.enum_values(&op.ty), c.new.enum_values(&np.ty));
    if oe.is_none() && ne.is_some() {
        let values = ne.unwrap_or_default().join(", ");
        c.push_rust(
            rules::PARAM_BECAME_ENUM,
            n,
            format!("`{name}` now takes only {values}"),
            retyped,
        );
        return;
    }
    body::enum_changes(
        c,
        n,
        name,
        oe,
        ne,
        rules::PARAM_ENUM_VALUE_REMOVED,
        rules::PARAM_ENUM_VALUE_ADDED,
    );
}

/// The constraint rule for a request position (parameter or request field) and a move.
pub(super) fn request_rule(m: Move, param: bool) -> Rule {
    match (m, param) {
        (Move::Tightened, true) => rules::PARAM_CONSTRAINT_TIGHTENED,
        (Move::Added, true) => rules::PARAM_CONSTRAINT_ADDED,
        (Move::Relaxed, true) => rules::PARAM_CONSTRAINT_RELAXED,
        (Move::PatternChanged, true) => rules::PARAM_PATTERN_CHANGED,
        (Move::DefaultChanged, true) => rules::PARAM_DEFAULT_CHANGED,
        (Move::Tightened, false) => rules::REQUEST_FIELD_CONSTRAINT_TIGHTENED,
        (Move::Added, false) => rules::REQUEST_FIELD_CONSTRAINT_ADDED,
        (Move::Relaxed, false) => rules::REQUEST_FIELD_CONSTRAINT_RELAXED,
        (Move::PatternChanged, false) => rules::REQUEST_FIELD_PATTERN_CHANGED,
        (Move::DefaultChanged, false) => rules::REQUEST_FIELD_DEFAULT_CHANGED,
    }
}

/// A parameter's validation keywords: the IR's, or, for a schema written as a `$ref` (which
/// the IR reads none from), those of its target when the document is at hand.
fn param_constraints_of<'p>(raw: RawParams, p: &'p Param) -> Option<Cow<'p, Constraints>> {
    if let Some(c) = p.constraints.as_deref() {
        return Some(Cow::Borrowed(c));
    }
    let (raw, params) = raw?;
    let schema = raw.param_schema(params, &p.name, p.location)?;
    if !raw::is_ref(schema) {
        return None;
    }
    raw::constraints(raw.resolve(schema)).map(Cow::Owned)
}

fn param_constraints(
    c: &mut Ctx,
    n: &Operation,
    name: &str,
    oc: Option<&Constraints>,
    nc: Option<&Constraints>,
) {
    for (m, what) in constraints::compare(oc, nc) {
        c.push(request_rule(m, true), n, format!("`{name}`: {what}"));
    }
    let nullable = |x: Option<&Constraints>| x.is_some_and(|x| x.nullable);
    match (nullable(oc), nullable(nc)) {
        (true, false) => {
            c.push(
                rules::PARAM_BECAME_NOT_NULLABLE,
                n,
                format!("`{name}` no longer accepts null"),
            );
        }
        (false, true) => {
            c.push(
                rules::PARAM_BECAME_NULLABLE,
                n,
                format!("`{name}` accepts null"),
            );
        }
        _ => {}
    }
}

/// The `x-sunset` of a parameter that stays deprecated: moved earlier (its setter goes
/// sooner), later, set or dropped.
fn param_sunset(c: &mut Ctx, n: &Operation, op: &Param, np: &Param) {
    if op.sunset == np.sunset || !op.deprecated {
        return;
    }
    let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let earlier = matches!((&op.sunset, &np.sunset), (Some(a), Some(b)) if b < a);
    let rule = if earlier {
        rules::PARAM_SUNSET_MOVED_EARLIER
    } else {
        rules::PARAM_SUNSET_CHANGED
    };
    c.push(
        rule,
        n,
        format!(
            "`{}`: sunset {} -> {}",
            np.name,
            show(&op.sunset),
            show(&np.sunset)
        ),
    );
}
