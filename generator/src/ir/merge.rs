//! Keeping a ledger name on one type when Procore's additions split it.
//!
//! Identical shapes share one type. When Procore adds a field (or an enum value) at some of the
//! places a shared type is used, those places get a new shape, and naming alone would give them
//! a new type: every field that pointed at the old type would change type, a break for users.
//! The ledger says which places had one name; here the types that now claim the same name are
//! merged back into one when they are compatible (the same fields with the same types, plus
//! additions; enum values united; union members a superset), so the addition stays an addition.
//! Merges repeat until none happens: a parent is compatible only once its split children are.

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
    let mut split: Vec<Vec<TypeId>> = groups.into_values().filter(|g| g.len() > 1).collect();
    for group in &mut split {
        // The type with the most sites survives: the fewest places change type.
        group.sort_by_key(|&t| std::cmp::Reverse(space.get(t).sites.len()));
    }
    // A parent compares its fields after its children were merged, and a child may sit deeper
    // or shallower than its parent depending on the site, so passes repeat until none merges.
    let mut map: HashMap<TypeId, TypeId> = HashMap::new();
    while merge_pass(space, &split, &mut map) {}
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

/// One pass over the groups: merges every member that is now compatible with its group's
/// survivor; true when one was.
fn merge_pass(
    space: &mut TypeSpace,
    split: &[Vec<TypeId>],
    map: &mut HashMap<TypeId, TypeId>,
) -> bool {
    let mut progress = false;
    for group in split {
        let survivor = group[0];
        for &other in &group[1..] {
            if map.contains_key(&other) {
                continue;
            }
            if let Some(kind) = merged(space, survivor, other, map) {
                space.defs[survivor.0].kind = kind;
                let moved = std::mem::take(&mut space.defs[other.0].sites);
                space.defs[survivor.0].sites.extend(moved);
                map.insert(other, survivor);
                progress = true;
            }
        }
    }
    progress
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::site::{Role, Via};
    use crate::ir::types::{Field, TypeDef};

    fn field(name: &str, ty: TypeRef) -> Field {
        Field::optional(name, ty)
    }

    fn def(fields: Vec<Field>, sites: Vec<usize>) -> TypeDef {
        let mut d = TypeDef::placeholder(Direction::Response, String::new());
        d.kind = TypeKind::Struct {
            fields,
            additional: None,
        };
        d.sites = sites;
        d
    }

    fn site(key: &str, depth: u16) -> Site {
        Site {
            key: key.into(),
            parent: None,
            via: Via::Root,
            root: 0,
            role: Role::List,
            depth,
            ty: None,
        }
    }

    /// A child used shallower elsewhere than under its parent: the parent's group used to be
    /// tried first (it looked deeper), failed on the child's type, and stayed split.
    #[test]
    fn a_parent_merges_once_its_split_child_has() {
        let named = |i| TypeRef::Named(TypeId(i));
        let mut space = TypeSpace {
            defs: vec![
                def(vec![field("id", TypeRef::Integer)], vec![0, 1]),
                def(
                    vec![field("id", TypeRef::Integer), field("new", TypeRef::String)],
                    vec![2, 6],
                ),
                def(vec![field("child", named(0))], vec![3, 4]),
                def(vec![field("child", named(1))], vec![5]),
            ],
        };
        // Both child types are also used at a root (depth 0); the parents only inside another
        // type (depth 1), their children below them (depth 2).
        let sites = vec![
            site("GET /a 200", 0),
            site("GET /b 200.parent.child", 2),
            site("GET /c 200.parent.child", 2),
            site("GET /b 200.parent", 1),
            site("GET /d 200.parent", 1),
            site("GET /c 200.parent", 1),
            site("GET /e 200", 0),
        ];
        let frozen: HashMap<String, String> = sites
            .iter()
            .map(|s| {
                let name = if s.key.ends_with("parent") {
                    "Parent"
                } else {
                    "Child"
                };
                (s.key.clone(), name.to_string())
            })
            .collect();
        merge_splits(&mut space, &sites, &frozen, &mut []);
        assert_eq!(space.defs[0].sites, vec![0, 1, 2, 6]);
        assert_eq!(space.defs[2].sites, vec![3, 4, 5]);
        let TypeKind::Struct { fields, .. } = &space.defs[0].kind else {
            panic!("a struct")
        };
        assert_eq!(fields.len(), 2, "the added field is kept");
    }

    fn request(fields: Vec<Field>, sites: Vec<usize>) -> TypeDef {
        let mut d = def(fields, sites);
        d.direction = Direction::Request;
        d
    }

    fn named_twice(space: &mut TypeSpace) {
        let sites = vec![site("POST /a body", 0), site("POST /b body", 0)];
        let frozen: HashMap<String, String> = sites
            .iter()
            .map(|s| (s.key.clone(), "NewThing".to_string()))
            .collect();
        merge_splits(space, &sites, &frozen, &mut []);
    }

    /// An optional field added to a request type at one site is an addition (the emitted
    /// type skips it when unset); a required one changes what every caller must send.
    #[test]
    fn request_types_merge_optional_additions_only() {
        let mut added = field("note", TypeRef::String);
        let base = || vec![field("id", TypeRef::Integer)];
        let with = |f: &Field| [base(), vec![f.clone()]].concat();
        let mut space = TypeSpace {
            defs: vec![request(base(), vec![0]), request(with(&added), vec![1])],
        };
        named_twice(&mut space);
        assert_eq!(space.defs[0].sites, vec![0, 1], "optional: merged");
        added.required = true;
        let mut space = TypeSpace {
            defs: vec![request(base(), vec![0]), request(with(&added), vec![1])],
        };
        named_twice(&mut space);
        assert_eq!(
            space.defs[1].sites,
            vec![1],
            "required: left split, a reported break"
        );
    }

    /// A value added to a request enum at one site joins the one enum; emitted enums are all
    /// `#[non_exhaustive]`, so a new variant is a minor change for users.
    #[test]
    fn request_enums_unite_their_values() {
        let e = |values: &[&str], site| {
            let mut d = request(vec![], vec![site]);
            d.kind =
                super::super::schema::enum_kind(values.iter().map(|v| v.to_string()).collect());
            d
        };
        let mut space = TypeSpace {
            defs: vec![
                e(&["open", "closed"], 0),
                e(&["open", "closed", "draft"], 1),
            ],
        };
        named_twice(&mut space);
        let TypeKind::Enum { values } = &space.defs[0].kind else {
            panic!("an enum")
        };
        let values: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
        assert_eq!(values, ["open", "closed", "draft"]);
    }
}
