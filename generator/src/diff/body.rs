//! Request bodies, responses (statuses, media types, headers) and the fields under them.

use super::constraints::{self, Move};
use super::operation::request_rule;
use super::rules::{self, Rule};
use super::rust::{RustImpact, RustNames};
use super::shape::{self, FieldInfo, Fields};
use super::Ctx;
use crate::ir::{Operation, Response, Success, TypeRef};
use std::collections::{BTreeMap, BTreeSet};

pub(super) fn body(c: &mut Ctx, o: &Operation, n: &Operation, nn: &RustNames) {
    let arg = format!("`Client::{}` takes the body as an argument", nn.fn_name);
    match (&o.body, &n.body) {
        (None, None) => {}
        (None, Some(b)) => {
            let detail = format!("request body ({}) added", b.content_types.join(", "));
            if b.required {
                c.push_rust(
                    rules::BODY_ADDED_REQUIRED,
                    n,
                    detail,
                    RustImpact::breaks(arg),
                );
            } else {
                c.push_rust(
                    rules::BODY_ADDED_OPTIONAL,
                    n,
                    detail,
                    RustImpact::adds(format!("new setter `{}::body`", nn.builder)),
                );
            }
        }
        (Some(_), None) => c.push_rust(
            rules::BODY_REMOVED,
            n,
            "request body removed",
            RustImpact::breaks("the body argument or setter is gone"),
        ),
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
            match (ob.required, nb.required) {
                (false, true) => c.push_rust(
                    rules::BODY_BECAME_REQUIRED,
                    n,
                    "request body is now required",
                    RustImpact::breaks(arg),
                ),
                (true, false) => c.push_rust(
                    rules::BODY_BECAME_OPTIONAL,
                    n,
                    "request body is now optional",
                    RustImpact::breaks(format!(
                        "the body moves from an argument of `Client::{}` to a setter",
                        nn.fn_name
                    )),
                ),
                _ => {}
            }
            if root(c, n, &ob.ty, &nb.ty, true) {
                let (of, nf) = (c.old.fields(&ob.ty), c.new.fields(&nb.ty));
                fields(c, n, &of, &nf, true);
            }
        }
    }
}

/// Compares the root types of a body; false when they differ so much that fields are moot.
fn root(c: &mut Ctx, n: &Operation, ot: &TypeRef, nt: &TypeRef, request: bool) -> bool {
    let (ol, nl) = (c.old.label(ot), c.new.label(nt));
    if ol == nl {
        return true;
    }
    if let (Some(om), Some(nm)) = (c.old.members(ot), c.new.members(nt)) {
        union_changes(c, n, "(body)", &om, &nm, request);
        return false;
    }
    let rule = if request {
        rules::REQUEST_FIELD_TYPE_CHANGED
    } else {
        rules::RESPONSE_FIELD_TYPE_CHANGED
    };
    c.push_rust(
        rule,
        n,
        format!("(body): {ol} -> {nl}"),
        RustImpact::breaks(format!(
            "the {} type changes",
            if request { "body" } else { "response" }
        )),
    );
    false
}

pub(super) fn responses(c: &mut Ctx, o: &Operation, n: &Operation) {
    let map = |op: &Operation| -> BTreeMap<String, Response> {
        op.responses
            .iter()
            .map(|r| (r.status.clone(), r.clone()))
            .collect()
    };
    let (om, nm) = (map(o), map(n));
    for (status, or) in &om {
        let Some(nr) = nm.get(status) else {
            let rule = if status.starts_with('2') {
                rules::RESPONSE_STATUS_REMOVED
            } else {
                rules::RESPONSE_STATUS_REMOVED_OTHER
            };
            c.push(rule, n, format!("status {status} no longer returned"));
            continue;
        };
        media_types(c, n, status, or, nr);
        headers(c, n, status, or, nr);
    }
    for status in nm.keys().filter(|s| !om.contains_key(*s)) {
        c.push(
            rules::RESPONSE_STATUS_ADDED,
            n,
            format!("status {status} added"),
        );
    }
    // Response bodies: compare the successful body the client decodes.
    match (&o.success, &n.success) {
        (Success::Json(ot), Success::Json(nt)) => json_responses(c, n, ot, nt),
        (a, b) if std::mem::discriminant(a) != std::mem::discriminant(b) => {
            let kind = |s: &Success| match s {
                Success::Json(_) => "JSON",
                Success::Bytes => "bytes",
                Success::Empty => "no body",
            };
            c.push_rust(
                rules::RESPONSE_FIELD_TYPE_CHANGED,
                n,
                format!("(body): {} -> {}", kind(a), kind(b)),
                RustImpact::breaks("the method's return type changes"),
            );
        }
        _ => {}
    }
}

fn json_responses(c: &mut Ctx, n: &Operation, ot: &TypeRef, nt: &TypeRef) {
    if root(c, n, ot, nt, false) {
        let (of, nf) = (c.old.fields(ot), c.new.fields(nt));
        fields(c, n, &of, &nf, false);
    }
}

fn media_types(c: &mut Ctx, n: &Operation, status: &str, or: &Response, nr: &Response) {
    let removed = if status.starts_with('2') {
        rules::RESPONSE_MEDIA_TYPE_REMOVED
    } else {
        rules::RESPONSE_ERROR_MEDIA_TYPE_REMOVED
    };
    for ct in or
        .content_types
        .iter()
        .filter(|ct| !nr.content_types.contains(ct))
    {
        c.push(
            removed,
            n,
            format!("status {status}: `{ct}` no longer returned"),
        );
    }
    for ct in nr
        .content_types
        .iter()
        .filter(|ct| !or.content_types.contains(ct))
    {
        c.push(
            rules::RESPONSE_MEDIA_TYPE_ADDED,
            n,
            format!("status {status}: `{ct}` added"),
        );
    }
}

fn headers(c: &mut Ctx, n: &Operation, status: &str, or: &Response, nr: &Response) {
    let key = |h: &crate::ir::ResponseHeader| h.name.to_ascii_lowercase();
    let nh: BTreeMap<String, _> = nr.headers.iter().map(|h| (key(h), h)).collect();
    let oh: BTreeMap<String, _> = or.headers.iter().map(|h| (key(h), h)).collect();
    for (k, h) in &oh {
        let Some(new) = nh.get(k) else {
            let (rule, req) = if h.required {
                (rules::RESPONSE_HEADER_REMOVED, "required")
            } else {
                (rules::RESPONSE_OPTIONAL_HEADER_REMOVED, "optional")
            };
            c.push(
                rule,
                n,
                format!("status {status}: {req} header `{}` removed", h.name),
            );
            continue;
        };
        if h.required && !new.required {
            c.push(
                rules::RESPONSE_HEADER_BECAME_OPTIONAL,
                n,
                format!("status {status}: header `{}` is now optional", h.name),
            );
        }
        if h.kind != new.kind {
            c.push(
                rules::RESPONSE_HEADER_TYPE_CHANGED,
                n,
                format!(
                    "status {status}: header `{}`: {} -> {}",
                    h.name, h.kind, new.kind
                ),
            );
        }
    }
    for (k, h) in &nh {
        if !oh.contains_key(k) {
            c.push(
                rules::RESPONSE_HEADER_ADDED,
                n,
                format!("status {status}: header `{}` added", h.name),
            );
        }
    }
}

pub(super) fn enum_changes(
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
        c.push_rust(
            removed,
            op,
            format!("`{at}`: values {} removed", gone.join(", ")),
            RustImpact::breaks(format!("enum variants for {} removed", gone.join(", "))),
        );
    }
    if !came.is_empty() {
        c.push_rust(
            added,
            op,
            format!("`{at}`: values {} added", came.join(", ")),
            RustImpact::adds(format!(
                "enum variants for {} added (a `match` without a wildcard arm must cover them)",
                came.join(", ")
            )),
        );
    }
}

fn union_changes(
    c: &mut Ctx,
    op: &Operation,
    at: &str,
    old: &[String],
    new: &[String],
    request: bool,
) {
    let (os, ns): (BTreeSet<&String>, BTreeSet<&String>) =
        (old.iter().collect(), new.iter().collect());
    let gone: Vec<&str> = os.difference(&ns).map(|s| s.as_str()).collect();
    let came: Vec<&str> = ns.difference(&os).map(|s| s.as_str()).collect();
    let (removed, added) = if request {
        (
            rules::REQUEST_UNION_MEMBER_REMOVED,
            rules::REQUEST_UNION_MEMBER_ADDED,
        )
    } else {
        (
            rules::RESPONSE_UNION_MEMBER_REMOVED,
            rules::RESPONSE_UNION_MEMBER_ADDED,
        )
    };
    if !gone.is_empty() {
        c.push_rust(
            removed,
            op,
            format!("`{at}`: members {} removed", gone.join(", ")),
            RustImpact::breaks("union variants removed"),
        );
    }
    if !came.is_empty() {
        c.push_rust(
            added,
            op,
            format!("`{at}`: members {} added", came.join(", ")),
            RustImpact::adds("union variants added"),
        );
    }
    if gone.is_empty() && came.is_empty() {
        // Same members in another order: the union tries them in order.
        c.push(
            added,
            op,
            format!("`{at}`: members reordered: {}", new.join(" | ")),
        );
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

fn covered(reported: &BTreeSet<&str>, path: &str) -> bool {
    let mut p = parent(path);
    while let Some(q) = p {
        if reported.contains(q) {
            return true;
        }
        p = parent(q);
    }
    false
}

/// Compares flattened fields; a removed, added or retyped field hides the changes below it.
fn fields(c: &mut Ctx, op: &Operation, old: &Fields, new: &Fields, request: bool) {
    let mut reported: BTreeSet<&str> = BTreeSet::new();
    let side = if request { "request body" } else { "response" };
    for (path, of) in old.iter() {
        let path = path.as_str();
        if covered(&reported, path) {
            continue;
        }
        let Some(nf) = shape::get(new, path) else {
            let rule = match (request, of.write_only()) {
                (true, _) => rules::REQUEST_FIELD_REMOVED,
                (false, true) => rules::RESPONSE_WRITE_ONLY_FIELD_CHANGED,
                (false, false) => rules::RESPONSE_FIELD_REMOVED,
            };
            c.push_rust(
                rule,
                op,
                format!("`{path}` ({}) removed", of.label),
                RustImpact::breaks(format!("{side} field `{path}` removed")),
            );
            reported.insert(path);
            continue;
        };
        if of.label != nf.label {
            if let (Some(om), Some(nm)) = (&of.members, &nf.members) {
                union_changes(c, op, path, om, nm, request);
            } else {
                let rule = if request {
                    rules::REQUEST_FIELD_TYPE_CHANGED
                } else {
                    rules::RESPONSE_FIELD_TYPE_CHANGED
                };
                c.push_rust(
                    rule,
                    op,
                    format!("`{path}`: {} -> {}", of.label, nf.label),
                    RustImpact::breaks(format!(
                        "{side} field `{path}` changes type ({} -> {})",
                        of.label, nf.label
                    )),
                );
            }
            reported.insert(path);
            continue;
        }
        if request {
            request_field(c, op, path, of, nf);
        } else {
            response_field(c, op, path, of, nf);
        }
        if (of.read_only(), of.write_only()) != (nf.read_only(), nf.write_only()) {
            let show = |f: &FieldInfo| match (f.read_only(), f.write_only()) {
                (true, _) => "readOnly",
                (_, true) => "writeOnly",
                _ => "read-write",
            };
            c.push(
                rules::FIELD_ACCESS_CHANGED,
                op,
                format!("`{path}`: {} -> {}", show(of), show(nf)),
            );
        }
        if nf.deprecated && !of.deprecated {
            c.push(rules::FIELD_DEPRECATED, op, format!("`{path}` deprecated"));
        }
    }
    let mut added: BTreeSet<&str> = BTreeSet::new();
    for (path, nf) in new.iter() {
        let path = path.as_str();
        if shape::get(old, path).is_some() || covered(&reported, path) || covered(&added, path) {
            continue;
        }
        let detail = format!("`{path}` ({}) added", nf.label);
        match (request, nf.required, nf.read_only()) {
            (true, true, false) => c.push_rust(
                rules::REQUEST_FIELD_ADDED_REQUIRED,
                op,
                detail,
                RustImpact::breaks(format!("new required request body field `{path}`")),
            ),
            (true, true, true) => c.push_rust(
                rules::REQUEST_READ_ONLY_FIELD_CHANGED,
                op,
                format!("{detail} as required, but read-only"),
                RustImpact::breaks(format!("new required request body field `{path}`")),
            ),
            (true, false, _) => c.push_rust(
                rules::REQUEST_FIELD_ADDED_OPTIONAL,
                op,
                detail,
                RustImpact::adds(format!("new optional request body field `{path}`")),
            ),
            (false, ..) => c.push_rust(
                rules::RESPONSE_FIELD_ADDED,
                op,
                detail,
                RustImpact::adds(format!("new response field `{path}`")),
            ),
        }
        added.insert(path);
    }
}

fn request_field(c: &mut Ctx, op: &Operation, path: &str, of: &FieldInfo, nf: &FieldInfo) {
    // A read-only field is ignored by the server in requests: what would break there is
    // information only (oasdiff's `request-read-only-property-*`).
    let ro = nf.read_only();
    let soften = |rule: Rule| {
        if ro && rule.class == rules::Class::Breaking {
            rules::REQUEST_READ_ONLY_FIELD_CHANGED
        } else {
            rule
        }
    };
    match (of.required, nf.required) {
        (false, true) => c.push_rust(
            soften(rules::REQUEST_FIELD_BECAME_REQUIRED),
            op,
            format!("`{path}` is now required"),
            RustImpact::breaks(format!(
                "request body field `{path}` is no longer an Option"
            )),
        ),
        (true, false) => c.push_rust(
            rules::REQUEST_FIELD_BECAME_OPTIONAL,
            op,
            format!("`{path}` is now optional"),
            RustImpact::breaks(format!("request body field `{path}` becomes an Option")),
        ),
        _ => {}
    }
    if of.enum_values.is_none() && nf.enum_values.is_some() {
        let values = nf.enum_values.clone().unwrap_or_default().join(", ");
        c.push_rust(
            soften(rules::REQUEST_FIELD_BECAME_ENUM),
            op,
            format!("`{path}` now takes only {values}"),
            RustImpact::breaks(format!("request body field `{path}` becomes an enum")),
        );
    }
    enum_changes(
        c,
        op,
        path,
        of.enum_values.clone(),
        nf.enum_values.clone(),
        soften(rules::REQUEST_ENUM_VALUE_REMOVED),
        rules::REQUEST_ENUM_VALUE_ADDED,
    );
    match (of.nullable, nf.nullable) {
        (true, false) => {
            c.push(
                soften(rules::REQUEST_FIELD_BECAME_NOT_NULLABLE),
                op,
                format!("`{path}` no longer accepts null"),
            );
        }
        (false, true) => {
            c.push(
                rules::REQUEST_FIELD_BECAME_NULLABLE,
                op,
                format!("`{path}` accepts null"),
            );
        }
        _ => {}
    }
    let (oc, nc) = (of.constraints.as_deref(), nf.constraints.as_deref());
    for (m, what) in constraints::compare(oc, nc) {
        c.push(
            soften(request_rule(m, false)),
            op,
            format!("`{path}`: {what}"),
        );
    }
}

fn response_field(c: &mut Ctx, op: &Operation, path: &str, of: &FieldInfo, nf: &FieldInfo) {
    let wo = nf.write_only();
    let or_write_only = |rule: Rule| {
        if wo {
            rules::RESPONSE_WRITE_ONLY_FIELD_CHANGED
        } else {
            rule
        }
    };
    match (of.required, nf.required) {
        (true, false) => {
            c.push(
                or_write_only(rules::RESPONSE_FIELD_BECAME_OPTIONAL),
                op,
                format!("`{path}` is now optional"),
            );
        }
        (false, true) => {
            c.push(
                or_write_only(rules::RESPONSE_FIELD_BECAME_REQUIRED),
                op,
                format!("`{path}` is now required"),
            );
        }
        _ => {}
    }
    enum_changes(
        c,
        op,
        path,
        of.enum_values.clone(),
        nf.enum_values.clone(),
        rules::RESPONSE_ENUM_VALUE_REMOVED,
        or_write_only(rules::RESPONSE_ENUM_VALUE_ADDED),
    );
    match (of.nullable, nf.nullable) {
        (false, true) => {
            c.push(
                or_write_only(rules::RESPONSE_FIELD_BECAME_NULLABLE),
                op,
                format!("`{path}` may be null"),
            );
        }
        (true, false) => {
            c.push(
                rules::RESPONSE_FIELD_BECAME_NOT_NULLABLE,
                op,
                format!("`{path}` is never null"),
            );
        }
        _ => {}
    }
    let (oc, nc) = (of.constraints.as_deref(), nf.constraints.as_deref());
    for (m, what) in constraints::compare(oc, nc) {
        let rule = match m {
            _ if what.starts_with("pattern") => rules::RESPONSE_FIELD_PATTERN_CHANGED,
            Move::Tightened | Move::Added => rules::RESPONSE_FIELD_CONSTRAINT_NARROWED,
            Move::Relaxed => or_write_only(rules::RESPONSE_FIELD_CONSTRAINT_WIDENED),
            Move::PatternChanged => rules::RESPONSE_FIELD_PATTERN_CHANGED,
            Move::DefaultChanged => rules::RESPONSE_FIELD_DEFAULT_CHANGED,
        };
        c.push(rule, op, format!("`{path}`: {what}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_parents() {
        assert_eq!(parent("a.b[].c"), Some("a.b"));
        assert_eq!(parent("items[]"), Some("items"));
        assert_eq!(parent("a"), None);
        assert_eq!(parent("[].id"), None);
    }
}
