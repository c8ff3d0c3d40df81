//! Member lookups in the document's small JSON objects, shared by the stages that read it
//! (fixups, the IR): most of its 300,000 objects have one to three members.

use serde_json::{Map, Value};

/// Up to this many members, an object is searched key by key instead of by hash.
const SMALL: usize = 12;

/// `s.get(k)`, for the small objects the stages look keywords up in by the million: comparing
/// a schema's handful of keys beats hashing `k` (the map's hasher is SipHash), and most lookups
/// find nothing.
pub(crate) fn lookup<'a>(s: &'a Map<String, Value>, k: &str) -> Option<&'a Value> {
    if s.len() > SMALL {
        return s.get(k);
    }
    s.iter().find(|(key, _)| *key == k).map(|(_, v)| v)
}

/// `s.get_mut(k)`, as [`lookup`].
pub(crate) fn lookup_mut<'a>(s: &'a mut Map<String, Value>, k: &str) -> Option<&'a mut Value> {
    if s.len() > SMALL {
        return s.get_mut(k);
    }
    s.iter_mut().find(|(key, _)| *key == k).map(|(_, v)| v)
}

/// `v.get(k)`, as [`lookup`]: the member `k` of `v` if it is an object.
pub(crate) fn key<'a>(v: &'a Value, k: &str) -> Option<&'a Value> {
    v.as_object().and_then(|m| lookup(m, k))
}

/// `s.contains_key(k)`, as [`lookup`].
pub(crate) fn has(s: &Map<String, Value>, k: &str) -> bool {
    lookup(s, k).is_some()
}
