//! What a regeneration does to the generated crate's public API, read from the two IRs: the
//! Rust-level verdict that `cargo xtask regen` puts beside cargo-semver-checks' (which does not
//! compare field or argument types) and the HTTP-level one of [`crate::diff`].
//!
//! Breaking: a feature, method, setter, type, field, enum value or union member removed; a
//! method's arguments or a field's type changed; a request type's required fields changed; an
//! operation moved to another feature. Additive: anything new.

use crate::ir::{file_twins, Api, Direction, TypeKind, TypeRef};
use std::collections::{BTreeMap, BTreeSet};

/// One change to the public API.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ApiChange {
    /// Breaks code that compiled before.
    pub breaking: bool,
    /// What changed, in Rust terms.
    pub what: String,
}

/// Semver level of a set of changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Nothing public changed.
    Patch,
    /// Only additions.
    Minor,
    /// Something that compiled may not compile any more.
    Major,
}

impl Level {
    /// `patch`, `minor`, `major`.
    pub fn label(self) -> &'static str {
        match self {
            Level::Patch => "patch",
            Level::Minor => "minor",
            Level::Major => "major",
        }
    }

    /// The next version after `version` for this level, with Cargo's 0.x rules (in 0.x the
    /// minor number is the breaking one).
    pub fn bump(self, version: &str) -> String {
        let mut parts: Vec<u64> = version
            .split(['.', '-', '+'])
            .take(3)
            .map(|p| p.parse().unwrap_or(0))
            .collect();
        parts.resize(3, 0);
        let (ma, mi, pa) = (parts[0], parts[1], parts[2]);
        match (self, ma) {
            (Level::Patch, _) => format!("{ma}.{mi}.{}", pa + 1),
            (Level::Minor, 0) => format!("0.{mi}.{}", pa + 1),
            (Level::Minor, _) => format!("{ma}.{}.0", mi + 1),
            (Level::Major, 0) => format!("0.{}.0", mi + 1),
            (Level::Major, _) => format!("{}.0.0", ma + 1),
        }
    }
}

/// The public surface of an API, as names and rendered types.
#[derive(Debug, Default)]
struct Surface {
    methods: BTreeMap<String, (String, String)>,
    setters: BTreeSet<String>,
    types: BTreeMap<String, BTreeMap<String, String>>,
    features: BTreeSet<String>,
}

fn render(api: &Api, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(id) => api.types.get(*id).name.clone(),
        TypeRef::Array(t) => format!("Vec<{}>", render(api, t)),
        TypeRef::Map(t) => format!("Map<{}>", render(api, t)),
        other => format!("{other:?}"),
    }
}

fn surface(api: &Api) -> Surface {
    let mut s = Surface::default();
    for op in &api.operations {
        let args: Vec<String> = op
            .params
            .iter()
            .filter(|p| p.required)
            .map(|p| format!("{}: {}", p.ident, render(api, &p.ty)))
            .chain(
                op.body
                    .iter()
                    .filter(|b| b.required)
                    .map(|b| format!("body: {}", render(api, &b.ty))),
            )
            .collect();
        s.methods.insert(
            op.fn_name.clone(),
            (args.join(", "), op.category.feature.clone()),
        );
        s.features.insert(op.category.feature.clone());
        for p in op.params.iter().filter(|p| !p.required) {
            s.setters.insert(format!(
                "{}::{}({})",
                op.builder,
                p.ident,
                render(api, &p.ty)
            ));
        }
    }
    for &id in &api.used_types {
        let def = api.types.get(id);
        let mut members = BTreeMap::new();
        match &def.kind {
            TypeKind::Struct { fields, .. } => {
                for f in fields {
                    let required = def.direction != Direction::Response && f.required;
                    let mark = if required { "required " } else { "" };
                    members.insert(
                        format!("field {}", f.ident),
                        format!("{mark}{}", render(api, &f.ty)),
                    );
                    // A file twin is a field (and setter) of its own to the user.
                    let twin = f.file_twin.as_ref().zip(file_twins::twin_type(&f.ty));
                    if let Some((twin, ty)) = twin {
                        members.insert(format!("field {twin}"), render(api, &ty));
                    }
                }
            }
            TypeKind::Enum { values } => {
                for v in values {
                    members.insert(format!("variant {}", v.ident), String::new());
                }
            }
            TypeKind::Union { variants } => {
                for v in variants {
                    members.insert(format!("variant {}", v.ident), render(api, &v.ty));
                }
            }
        }
        for alias in &def.aliases {
            s.types.insert(alias.clone(), members.clone());
        }
        s.types.insert(def.name.clone(), members);
    }
    s
}

/// Every change to the public API between two builds; `features_before` are the features the
/// old crate declared (its ledger's), which must all still exist.
pub fn compare(
    old: &Api,
    new: &Api,
    features_before: &BTreeSet<String>,
    features_after: &BTreeSet<String>,
) -> Vec<ApiChange> {
    let (a, b) = (surface(old), surface(new));
    let mut out = BTreeSet::new();
    let mut push = |breaking: bool, what: String| {
        out.insert(ApiChange { breaking, what });
    };
    for f in features_before.difference(features_after) {
        push(true, format!("feature `{f}` removed"));
    }
    for (name, (args, feature)) in &a.methods {
        match b.methods.get(name) {
            None => push(true, format!("method `Client::{name}` removed")),
            Some((args2, _)) if args2 != args => push(
                true,
                format!("method `Client::{name}` arguments changed: ({args}) -> ({args2})"),
            ),
            Some((_, f2)) if f2 != feature => push(
                true,
                format!("method `Client::{name}` moved from feature `{feature}` to `{f2}`"),
            ),
            _ => {}
        }
    }
    for name in b.methods.keys().filter(|n| !a.methods.contains_key(*n)) {
        push(false, format!("method `Client::{name}` added"));
    }
    for s in a.setters.difference(&b.setters) {
        push(true, format!("setter `{s}` removed or retyped"));
    }
    for (name, members) in &a.types {
        let Some(after) = b.types.get(name) else {
            push(true, format!("type `models::{name}` removed"));
            continue;
        };
        for (m, ty) in members {
            match after.get(m) {
                None => push(true, format!("`models::{name}` {m} removed")),
                Some(t2) if t2 != ty => {
                    push(true, format!("`models::{name}` {m} changed: {ty} -> {t2}"))
                }
                _ => {}
            }
        }
        for (m, ty) in after.iter().filter(|(m, _)| !members.contains_key(*m)) {
            push(
                ty.starts_with("required "),
                format!("`models::{name}` {m} added"),
            );
        }
    }
    for name in b.types.keys().filter(|n| !a.types.contains_key(*n)) {
        push(false, format!("type `models::{name}` added"));
    }
    out.into_iter().collect()
}

/// The level a set of changes needs.
pub fn level(changes: &[ApiChange]) -> Level {
    if changes.iter().any(|c| c.breaking) {
        Level::Major
    } else if changes.is_empty() {
        Level::Patch
    } else {
        Level::Minor
    }
}

#[cfg(test)]
mod tests {
    use super::Level;

    #[test]
    fn bumps_follow_cargo_rules() {
        assert_eq!(Level::Major.bump("0.1.0"), "0.2.0");
        assert_eq!(Level::Minor.bump("0.1.0"), "0.1.1");
        assert_eq!(Level::Patch.bump("0.1.3"), "0.1.4");
        assert_eq!(Level::Major.bump("1.4.2"), "2.0.0");
        assert_eq!(Level::Minor.bump("1.4.2"), "1.5.0");
        assert_eq!(Level::Patch.bump("1.4.2"), "1.4.3");
    }
}
