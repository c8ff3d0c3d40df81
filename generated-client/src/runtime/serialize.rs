//! Writing request types.
//!
//! Generated request types implement `Serialize` by hand, a line per field through
//! [`FieldWriter`], instead of deriving it: the derive pulled `syn` and `serde_derive` into
//! every build of this crate and expanded to far more code per type than these few lines.
//! The output is what `#[derive(Serialize)]` with `skip_serializing_if = "Option::is_none"` on
//! optional fields and `#[serde(flatten)]` on `additional_properties` would write.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

/// Writes one object, field by field.
///
/// A failed write is kept and returned by [`FieldWriter::end`] (later writes are skipped), so
/// generated code has no `?` per field (see `lenient::ObjectWriter`).
pub(crate) struct FieldWriter<M: SerializeMap> {
    map: M,
    error: Option<M::Error>,
}

// Which features (and which specs) have request types decides whether generated code calls it.
#[allow(dead_code)]
impl<M: SerializeMap> FieldWriter<M> {
    /// Starts an object on `s`.
    pub fn new<S>(s: S) -> Result<Self, S::Error>
    where
        S: Serializer<SerializeMap = M>,
    {
        Ok(Self {
            map: s.serialize_map(None)?,
            error: None,
        })
    }

    /// Writes a field that is always sent (required; `None` of a required nullable field is
    /// sent as `null`).
    pub fn field<T: Serialize + ?Sized>(&mut self, name: &str, v: &T) {
        if self.error.is_none() {
            self.error = self.map.serialize_entry(name, v).err();
        }
    }

    /// Writes an optional field when it is set (`Some(None)` of an optional nullable field is
    /// sent as `null`).
    pub fn optional<T: Serialize>(&mut self, name: &str, v: &Option<T>) {
        if let Some(v) = v {
            self.field(name, v);
        }
    }

    /// Writes every entry of `additional_properties` beside the declared fields.
    pub fn entries<T: Serialize>(&mut self, map: &BTreeMap<String, T>) {
        for (k, v) in map {
            self.field(k, v);
        }
    }

    /// Ends the object; the first failed write, if any.
    pub fn end(self) -> Result<M::Ok, M::Error> {
        match self.error {
            Some(e) => Err(e),
            None => self.map.end(),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::FieldWriter;
    use std::collections::BTreeMap;

    struct Body {
        name: String,
        note: Option<Option<String>>,
        due: Option<String>,
        more: BTreeMap<String, i64>,
    }

    impl serde::Serialize for Body {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut w = FieldWriter::new(s)?;
            w.field("name", &self.name);
            w.optional("note", &self.note);
            w.optional("due_date", &self.due);
            w.entries(&self.more);
            w.end()
        }
    }

    #[test]
    fn writes_what_the_derive_would() {
        let mut b = Body {
            name: "RFI".into(),
            note: Some(None),
            due: None,
            more: BTreeMap::from([("x".to_string(), 1)]),
        };
        let json = serde_json::to_string(&b).unwrap();
        assert_eq!(json, r#"{"name":"RFI","note":null,"x":1}"#);
        b.note = None;
        b.due = Some("2026-01-01".into());
        let json = serde_json::to_string(&b).unwrap();
        assert_eq!(json, r#"{"name":"RFI","due_date":"2026-01-01","x":1}"#);
    }

    /// Refuses to be written (also used by `lenient_tests`).
    pub(crate) struct Refused;

    impl serde::Serialize for Refused {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("refused"))
        }
    }

    #[test]
    fn a_failed_write_is_what_end_returns() {
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::new(&mut out);
        let mut w = FieldWriter::new(&mut ser).unwrap();
        w.field("a", &1);
        w.field("b", &Refused);
        w.field("c", &3);
        let err = w.end().expect_err("the refusal");
        assert!(err.to_string().contains("refused"), "{err}");
        assert_eq!(String::from_utf8_lossy(&out), r#"{"a":1,"b":"#);
    }
}
