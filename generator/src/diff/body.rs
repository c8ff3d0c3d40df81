//! Request bodies, responses (statuses, media types, headers) and the fields under them.

use super::operation::stability_rank;
use super::position::{self, Side};
use super::root;
use super::rules::{self, Rule};
use super::rust::{RustImpact, RustNames};
use super::shape::{self, FieldInfo, Fields};
use super::Ctx;
use crate::ir::{Operation, Response, Success};
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
            if let Some((ot, nt)) = root::root(c, (o, n), &ob.ty, &nb.ty, true) {
                let (of, nf) = (c.old.fields(&ot), c.new.fields(&nt));
                fields(c, n, &of, &nf, true);
            }
        }
    }
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
        (Success::Json(ot), Success::Json(nt)) => {
            if let Some((ot, nt)) = root::root(c, (o, n), ot, nt, false) {
                let (of, nf) = (c.old.fields(&ot), c.new.fields(&nt));
                fields(c, n, &of, &nf, false);
            }
        }
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
        header_nullable(c, n, status, &h.name);
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

/// Whether a response header's schema allows null, which only the documents tell.
fn header_nullable(c: &mut Ctx, n: &Operation, status: &str, name: &str) {
    let (Some(or), Some(nr), Some(ov), Some(nv)) = (c.old_raw, c.new_raw, c.old_op, c.new_op)
    else {
        return;
    };
    let nullable = |raw: super::raw::Raw, op| {
        raw.header_schema(op, status, name)
            .is_some_and(|s| s["nullable"] == true)
    };
    let (was, is) = (nullable(or, ov), nullable(nr, nv));
    if was != is {
        let (rule, what) = if is {
            (rules::RESPONSE_HEADER_BECAME_NULLABLE, "may be null")
        } else {
            (rules::RESPONSE_HEADER_BECAME_NOT_NULLABLE, "is never null")
        };
        let detail = format!("status {status}: header `{name}` {what}");
        c.push(rule, n, detail);
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

pub(super) fn union_changes(
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
                let rule = rules::field_type_changed(request);
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
        match (of.deprecated, nf.deprecated) {
            (false, true) => {
                c.push(rules::FIELD_DEPRECATED, op, format!("`{path}` deprecated"));
            }
            (true, false) => {
                let detail = format!("`{path}` no longer deprecated");
                c.push(rules::FIELD_UNDEPRECATED, op, detail);
            }
            _ => {}
        }
        field_stability(c, op, path, of, nf);
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

/// A field's `x-stability-level` (oasdiff's `*-property-stability-*`; unset reads as stable).
fn field_stability(c: &mut Ctx, op: &Operation, path: &str, of: &FieldInfo, nf: &FieldInfo) {
    let (os, ns) = (of.stability.as_deref(), nf.stability.as_deref());
    let (or, nr) = (stability_rank(os), stability_rank(ns));
    if or == nr {
        return;
    }
    let rule = if nr < or {
        rules::FIELD_STABILITY_DECREASED
    } else {
        rules::FIELD_STABILITY_INCREASED
    };
    let show = |s: Option<&str>| s.unwrap_or("stable (unset)").to_string();
    let detail = format!("`{path}`: stability {} -> {}", show(os), show(ns));
    c.push(rule, op, detail);
}

fn request_field(c: &mut Ctx, op: &Operation, path: &str, of: &FieldInfo, nf: &FieldInfo) {
    let side = Side::Request {
        read_only: nf.read_only(),
    };
    match (of.required, nf.required) {
        (false, true) => c.push_rust(
            side.adjust(rules::REQUEST_FIELD_BECAME_REQUIRED),
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
            side.adjust(rules::REQUEST_FIELD_BECAME_ENUM),
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
        side.adjust(rules::REQUEST_ENUM_VALUE_REMOVED),
        rules::REQUEST_ENUM_VALUE_ADDED,
    );
    position::compare(c, op, path, side, values(of), values(nf));
}

fn values(f: &FieldInfo) -> position::Values<'_> {
    (f.nullable, f.constraints.as_deref())
}

fn response_field(c: &mut Ctx, op: &Operation, path: &str, of: &FieldInfo, nf: &FieldInfo) {
    let side = Side::Response {
        write_only: nf.write_only(),
    };
    match (of.required, nf.required) {
        (true, false) => {
            c.push(
                side.adjust(rules::RESPONSE_FIELD_BECAME_OPTIONAL),
                op,
                format!("`{path}` is now optional"),
            );
        }
        (false, true) => {
            c.push(
                side.adjust(rules::RESPONSE_FIELD_BECAME_REQUIRED),
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
        side.adjust(rules::RESPONSE_ENUM_VALUE_ADDED),
    );
    position::compare(c, op, path, side, values(of), values(nf));
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
