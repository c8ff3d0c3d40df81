//! Procore's body envelope: most create and update bodies are one object under one key named for
//! the resource (`{"rfi": {...}}`). Generated methods take what goes inside and wrap it here, so
//! users build one type, not two. Also the choice between a body's two forms, where Procore takes
//! it as JSON or as `multipart/form-data` ([`BodyForm`]).

use serde::ser::{Serialize, SerializeMap, Serializer};

/// `value` under `key`, serialised as `{key: value}`.
// Only crates whose spec has enveloped bodies use these two.
#[allow(dead_code)]
#[derive(Debug)]
pub(crate) struct Wrapped<'a, T: ?Sized> {
    key: &'static str,
    value: &'a T,
}

#[allow(dead_code)]
impl<'a, T: ?Sized> Wrapped<'a, T> {
    /// Wraps `value` under `key`.
    pub(crate) fn new(key: &'static str, value: &'a T) -> Self {
        Wrapped { key, value }
    }
}

impl<T: Serialize + ?Sized> Serialize for Wrapped<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(self.key, self.value)?;
        map.end()
    }
}

/// `value`'s form fields under `key` (`rfi[subject]`, `rfi[question][attachments][]`): the same
/// envelope for multipart bodies.
#[allow(dead_code)]
#[derive(Debug)]
pub(crate) struct WrappedForm<T> {
    key: &'static str,
    value: T,
}

#[allow(dead_code)]
impl<T> WrappedForm<T> {
    /// Wraps `value` under `key`.
    pub(crate) fn new(key: &'static str, value: T) -> Self {
        WrappedForm { key, value }
    }
}

impl<T: super::multipart::ToMultipart> super::multipart::ToMultipart for WrappedForm<T> {
    fn append_to(self, name: &str, form: &mut super::multipart::FormBuilder) {
        form.field(name, self.key, self.value);
    }
}

/// The body of a request builder whose operation Procore takes as JSON or as a multipart form:
/// whichever the caller chose (`create_file(..)` or `create_file_multipart(..)`, `.json(..)` or
/// `.multipart(..)`). The form is picked by the caller, never guessed, because only the multipart
/// form can carry files and only JSON carries some fields as typed values.
#[allow(dead_code)]
#[derive(Debug)]
pub(crate) enum BodyForm<J, F> {
    /// Sent as `application/json`.
    Json(J),
    /// Sent as `multipart/form-data`, files streamed.
    Multipart(F),
}

#[cfg(test)]
mod tests {
    #[test]
    fn wraps_under_the_key() {
        let body = serde_json::json!({"subject": "Door"});
        let text = serde_json::to_string(&super::Wrapped::new("rfi", &body)).unwrap();
        assert_eq!(text, r#"{"rfi":{"subject":"Door"}}"#);
    }
}
