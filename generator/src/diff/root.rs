//! A body's root schema, request or response: its type, a wrap into a oneOf/anyOf (or out of
//! one), its enum values and, when the documents are at hand, its own nullability and bounds
//! (`minItems` on an array body, say), which the IR does not carry.

use super::body::{enum_changes, union_changes};
use super::position::{self, Side};
use super::raw::{self, Raw};
use super::rules;
use super::rust::RustImpact;
use super::shape::{Fields, Shapes};
use super::Ctx;
use crate::ir::{Operation, TypeRef};
use serde_json::Value;

/// Where reports about a root say they are.
const AT: &str = "(body)";

/// The label of any JSON value.
const ANY: &str = "any";

/// Compares the roots of a body. Returns the pair of types whose fields compare next: the two
/// roots, or a root and the union member it was wrapped in (or unwrapped from); `None` when
/// the types differ so much that fields are moot.
pub(super) fn root(
    c: &mut Ctx,
    (o, n): (&Operation, &Operation),
    ot: &TypeRef,
    nt: &TypeRef,
    request: bool,
) -> Option<(TypeRef, TypeRef)> {
    let (ol, nl) = (c.old.label(ot), c.new.label(nt));
    if ol == nl {
        values(c, (o, n), ot, nt, request);
        return Some((ot.clone(), nt.clone()));
    }
    if let (Some(om), Some(nm)) = (c.old.members(ot), c.new.members(nt)) {
        union_changes(c, n, AT, &om, &nm, request);
        return None;
    }
    if schema_presence(c, (o, n), (ot, nt), request) {
        return None;
    }
    if let Some(pair) = wrapping(c, n, ot, nt, request) {
        return Some(pair);
    }
    let rule = rules::field_type_changed(request);
    c.push_rust(
        rule,
        n,
        format!("{AT}: {ol} -> {nl}"),
        RustImpact::breaks(format!("the {} type changes", what(request))),
    );
    None
}

fn what(request: bool) -> &'static str {
    if request {
        "body"
    } else {
        "response"
    }
}

/// The member of the union `u` that has `label` and every path of `fields`, if any.
fn member_holding<'t>(
    union: &mut Shapes<'t>,
    u: &TypeRef,
    fields: &Fields,
    label: &str,
) -> Option<&'t TypeRef> {
    let variants = union.variants(u)?;
    variants.iter().map(|v| &v.ty).find(|m| {
        union.label(m) == label && {
            let mf = union.fields(m);
            fields
                .iter()
                .all(|(p, _)| super::shape::get(&mf, p).is_some())
        }
    })
}

/// A root wrapped into a oneOf/anyOf that has the old shape as a member (oasdiff's
/// `*-body-wrapped-in-one-of`), or a union replaced by one of its members.
fn wrapping(
    c: &mut Ctx,
    n: &Operation,
    ot: &TypeRef,
    nt: &TypeRef,
    request: bool,
) -> Option<(TypeRef, TypeRef)> {
    // Only a union on one side can be a wrap: the checks below flatten whole bodies. Any value
    // holds every shape, so it is never what was wrapped (that is a type change).
    if c.old.label(ot) == ANY || c.new.label(nt) == ANY {
        None
    } else if c.new.variants(nt).is_some() {
        wrapped(c, n, ot, nt, request)
    } else if c.old.variants(ot).is_some() {
        unwrapped(c, n, ot, nt, request)
    } else {
        None
    }
}

/// A root wrapped into a union that has the old root as a member.
fn wrapped(
    c: &mut Ctx,
    n: &Operation,
    ot: &TypeRef,
    nt: &TypeRef,
    request: bool,
) -> Option<(TypeRef, TypeRef)> {
    let side = what(request);
    let old_fields = c.old.fields(ot);
    let old_label = c.old.label(ot);
    if let Some(m) = member_holding(&mut c.new, nt, &old_fields, &old_label) {
        let members = c.new.members(nt).unwrap_or_default().join(" | ");
        c.push_rust(
            rules::BODY_WRAPPED_IN_UNION,
            n,
            format!("{AT}: {old_label} is now one of {members}"),
            RustImpact::breaks(format!(
                "the {side} type becomes an enum `{}`",
                c.new.rust(nt)
            )),
        );
        return Some((ot.clone(), m.clone()));
    }
    None
}

/// A union root replaced by one of its members.
fn unwrapped(
    c: &mut Ctx,
    n: &Operation,
    ot: &TypeRef,
    nt: &TypeRef,
    request: bool,
) -> Option<(TypeRef, TypeRef)> {
    let side = what(request);
    let (new_fields, new_label) = (c.new.fields(nt), c.new.label(nt));
    for m in c.old.variants(ot)?.iter().map(|v| &v.ty) {
        let mf = c.old.fields(m);
        let inside = mf
            .iter()
            .all(|(p, _)| super::shape::get(&new_fields, p).is_some());
        if c.old.label(m) == new_label && inside {
            let members = c.old.members(ot).unwrap_or_default().join(" | ");
            c.push_rust(
                rules::BODY_UNWRAPPED_FROM_UNION,
                n,
                format!("{AT}: one of {members} is now {new_label}"),
                RustImpact::breaks(format!(
                    "the {side} type is no longer the enum `{}`",
                    c.old.rust(ot)
                )),
            );
            return Some((m.clone(), nt.clone()));
        }
    }
    None
}

/// A media type that gained or lost its schema (the IR reads both "no schema" and `{}` as any
/// value; only the documents tell them apart). True when reported.
fn schema_presence(
    c: &mut Ctx,
    (o, n): (&Operation, &Operation),
    (ot, nt): (&TypeRef, &TypeRef),
    request: bool,
) -> bool {
    let (Some(or), Some(nr), Some(ov), Some(nv)) = (c.old_raw, c.new_raw, c.old_op, c.new_op)
    else {
        return false;
    };
    let (had, has) = (
        schema(or, ov, o, request).is_some(),
        schema(nr, nv, n, request).is_some(),
    );
    let (rule, verb) = match (had, has) {
        (false, true) => (rules::BODY_SCHEMA_ADDED, "added"),
        (true, false) => (rules::BODY_SCHEMA_REMOVED, "removed"),
        _ => return false,
    };
    let side = what(request);
    c.push_rust(
        rule,
        n,
        format!("{AT}: {side} schema {verb}"),
        RustImpact::breaks(format!(
            "the {side} type is now `{}` (was `{}`)",
            c.new.rust(nt),
            c.old.rust(ot)
        )),
    );
    true
}

/// Enum values, nullability and bounds of two roots of the same type.
fn values(
    c: &mut Ctx,
    (o, n): (&Operation, &Operation),
    ot: &TypeRef,
    nt: &TypeRef,
    request: bool,
) {
    let (oe, ne) = (c.old.enum_values(ot), c.new.enum_values(nt));
    let (removed, added) = if request {
        if oe.is_none() && ne.is_some() {
            let values = ne.clone().unwrap_or_default().join(", ");
            c.push_rust(
                rules::REQUEST_FIELD_BECAME_ENUM,
                n,
                format!("`{AT}` now takes only {values}"),
                RustImpact::breaks("the body type becomes an enum"),
            );
        }
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
    enum_changes(c, n, AT, oe, ne, removed, added);
    let (Some(or), Some(nr), Some(ov), Some(nv)) = (c.old_raw, c.new_raw, c.old_op, c.new_op)
    else {
        return;
    };
    let (Some(os), Some(ns)) = (schema(or, ov, o, request), schema(nr, nv, n, request)) else {
        return;
    };
    let (oc, nc) = (raw::constraints(os), raw::constraints(ns));
    let flag = |x: &Option<crate::ir::Constraints>| x.as_ref().is_some_and(|x| x.nullable);
    let side = if request {
        Side::Request { read_only: false }
    } else {
        Side::Response { write_only: false }
    };
    let (old, new) = ((flag(&oc), oc.as_ref()), (flag(&nc), nc.as_ref()));
    position::compare(c, n, AT, side, old, new);
}

/// The root schema of the operation's request body, or of its first successful JSON response
/// (`doc` is the operation in the document).
fn schema<'a>(raw: Raw<'a>, doc: &'a Value, op: &Operation, request: bool) -> Option<&'a Value> {
    if request {
        return raw.body_schema(doc, &op.body.as_ref()?.content_type);
    }
    let ok = op
        .responses
        .iter()
        .find(|r| r.status.starts_with('2') && r.ty.is_some())?;
    raw.response_schema(doc, &ok.status)
}
