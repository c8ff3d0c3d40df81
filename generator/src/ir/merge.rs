//! Keeping a ledger name on one type when Procore's additions split it.
//!
//! Identical shapes share one type. When Procore adds a field (or an enum value) at some of the
//! places a shared type is used, those places get a new shape, and naming alone would give them
//! a new type: every field that pointed at the old type would change type, a break for users.
//! The ledger says which places had one name; here the types that now claim the same name are
//! merged back into one when they are compatible (the same fields with the same types, plus
//! additions; enum values united; union members a superset), so the addition stays an addition.

use super::site::Site;
use super::types::{Direction, TypeId, TypeKind, TypeRef, TypeSpace};
use super::Operation;
use std::collections::{BTreeMap, HashMap};

/// Merges split types; rewrites every reference in `space` and `ops` to the survivors.
pub fn merge_splits(
    space: &mut TypeSpace,
    sites: &[Site],
    frozen: &HashMap<String, String>,
    ops: &mut [Operation],
) {
    if frozen.is_empty() {
        return;
    }
    // Types by the ledger name most of their sites had.
    let mut groups: BTreeMap<String, Vec<TypeId>> = BTreeMap::new();
    for (i, def) in space.defs.iter().enumerate() {
        let mut votes: BTreeMap<&str, usize> = BTreeMap::new();
        for &s in &def.sites {
            if let Some(n) = frozen.get(&sites[s].key) {
                *votes.entry(n.as_str()).or_default() += 1;
            }
        }
        if let Some((name, _)) = votes
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        {
            groups.entry(name.to_string()).or_default().push(TypeId(i));
        }
    }
    let depth = |space: &TypeSpace, id: TypeId| {
        space
            .get(id)
            .sites
            .iter()
            .map(|&s| sites[s].depth)
            .min()
            .unwrap_or(0)
    };
    // Deepest first: a parent compares its fields after its children were merged.
    let mut split: Vec<Vec<TypeId>> = groups.into_values().filter(|g| g.len() > 1).collect();
    split.sort_by_key(|g| std::cmp::Reverse(g.iter().map(|&t| depth(space, t)).max()));
    let mut map: HashMap<TypeId, TypeId> = HashMap::new();
    for mut group in split {
        group.sort_by_key(|&t| std::cmp::Reverse(space.get(t).sites.len()));
        let survivor = group[0];
        for &other in &group[1..] {
            if let Some(kind) = merged(space, survivor, other, &map) {
                space.defs[survivor.0].kind = kind;
                let moved = std::mem::take(&mut space.defs[other.0].sites);
                space.defs[survivor.0].sites.extend(moved);
                map.insert(other, survivor);
            }
        }
    }
    if map.is_empty() {
        return;
    }
    for def in &mut space.defs {
        match &mut def.kind {
            TypeKind::Struct { fields, additional } => {
                fields.iter_mut().for_each(|f| remap(&mut f.ty, &map));
                additional.iter_mut().for_each(|t| remap(t, &map));
            }
            TypeKind::Union { variants } => {
                variants.iter_mut().for_each(|v| remap(&mut v.ty, &map))
            }
            TypeKind::Enum { .. } => {}
        }
    }
    for op in ops {
        op.params.iter_mut().for_each(|p| remap(&mut p.ty, &map));
        op.body.iter_mut().for_each(|b| remap(&mut b.ty, &map));
        for r in &mut op.responses {
            r.ty.iter_mut().for_each(|t| remap(t, &map));
        }
        if let super::Success::Json(t) = &mut op.success {
            remap(t, &map);
        }
    }
}

fn canon(id: TypeId, map: &HashMap<TypeId, TypeId>) -> TypeId {
    let mut id = id;
    while let Some(&next) = map.get(&id) {
        id = next;
    }
    id
}

fn remap(t: &mut TypeRef, map: &HashMap<TypeId, TypeId>) {
    match t {
        TypeRef::Named(id) => *id = canon(*id, map),
        TypeRef::Array(inner) | TypeRef::Map(inner) => remap(inner, map),
        _ => {}
    }
}

fn same(a: &TypeRef, b: &TypeRef, map: &HashMap<TypeId, TypeId>) -> bool {
    match (a, b) {
        (TypeRef::Named(x), TypeRef::Named(y)) => canon(*x, map) == canon(*y, map),
        (TypeRef::Array(x), TypeRef::Array(y)) | (TypeRef::Map(x), TypeRef::Map(y)) => {
            same(x, y, map)
        }
        _ => a == b,
    }
}

/// The shape of `a` and `b` as one type, when they are compatible.
fn merged(
    space: &TypeSpace,
    a: TypeId,
    b: TypeId,
    map: &HashMap<TypeId, TypeId>,
) -> Option<TypeKind> {
    let (da, db) = (space.get(a), space.get(b));
    if da.direction != db.direction {
        return None;
    }
    match (&da.kind, &db.kind) {
        (
            TypeKind::Struct { fields, additional },
            TypeKind::Struct {
                fields: other,
                additional: other_additional,
            },
        ) => {
            let mut out = fields.clone();
            for f in other {
                match out.iter().find(|g| g.name == f.name) {
                    Some(g) => {
                        let strict = da.direction != Direction::Response;
                        if !same(&g.ty, &f.ty, map) || (strict && g.required != f.required) {
                            return None;
                        }
                    }
                    // A required request field added is a real change, not a split.
                    None if f.required && da.direction != Direction::Response => return None,
                    None => out.push(f.clone()),
                }
            }
            // Only this side's fields are new: the other side must have them all.
            if fields.iter().any(|g| {
                g.required
                    && da.direction != Direction::Response
                    && !other.iter().any(|f| f.name == g.name)
            }) {
                return None;
            }
            let additional = additional.clone().or_else(|| other_additional.clone());
            Some(TypeKind::Struct {
                fields: out,
                additional,
            })
        }
        (TypeKind::Enum { values }, TypeKind::Enum { values: other }) => {
            let mut out: Vec<String> = values.iter().map(|v| v.value.clone()).collect();
            for v in other {
                if !out.contains(&v.value) {
                    out.push(v.value.clone());
                }
            }
            // The same rule as a fresh enum: earlier values keep their variant names.
            Some(super::schema::enum_kind(out))
        }
        (TypeKind::Union { variants }, TypeKind::Union { variants: other }) => {
            let (big, small) = if variants.len() >= other.len() {
                (variants, other)
            } else {
                (other, variants)
            };
            let covered = small
                .iter()
                .all(|v| big.iter().any(|w| same(&v.ty, &w.ty, map)));
            covered.then(|| TypeKind::Union {
                variants: big.clone(),
            })
        }
        _ => None,
    }
}
