//! File twins: multipart fields Procore types as strings but describes as files, in forms a
//! method already sends.
//!
//! `POST /rest/v1.0/projects/{project_id}/drawing_uploads` takes only `multipart/form-data`, and
//! its `files` are `{"type": "array", "items": {"type": "string"}}` described as "upload the
//! entire payload as `multipart/form-data` ... together with `files[]` as files". In a form no
//! method sent before, the `described-files` fixup types such a field as a file. Here the form was
//! always sent, so `NewDrawingUpload.files: Option<Vec<String>>` is public API, and retyping it
//! would break code that sets it. The field keeps its type and gains a *twin*
//! (`files_parts: Option<Vec<FilePart>>`, see [`Field::file_twin`]) written under the same part
//! name: when the twin is set it is sent instead of the text field. A required field also gets
//! a constructor taking the file (`new_with_files`), so no placeholder text is needed.
//!
//! The rule is the fixup's description test ([`is_file_description`]) on any string (or array of
//! strings) field of a multipart form. The twin is named after its field with `_part` (`_parts`
//! for an array) appended, numbered when that name is taken. The ledger records it (`twin NAME
//! SITE`), and a twin the ledger names stays while its field is a string or a file (or an array
//! of them), even after Procore rewords the description, so code that sets it keeps compiling.

use super::naming::dedupe;
use super::types::{Field, TypeRef};

/// True when a description says the field is uploaded as a file in a multipart body: it names
/// `multipart/form-data` and the word "file" or "files".
pub(crate) fn is_file_description(description: &str) -> bool {
    let d = description.to_ascii_lowercase();
    d.contains("multipart/form-data")
        && d.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w == "file" || w == "files")
}

/// Why a form field has a twin: the ledger named it, or the rule wants one now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Twin {
    /// Named in the ledger: the name never moves.
    Kept(String),
    /// New: named by [`name_twins`].
    Fresh,
}

/// The twin a multipart form field of type `ty` gets, given its description and the name the
/// ledger kept for it at its site.
pub(super) fn wanted(
    ty: &TypeRef,
    description: Option<&str>,
    kept: Option<&String>,
) -> Option<Twin> {
    let twinnable = twin_type(ty).is_some();
    match kept {
        Some(name) if twinnable => Some(Twin::Kept(name.clone())),
        _ if is_text(ty) && description.is_some_and(is_file_description) => Some(Twin::Fresh),
        _ => None,
    }
}

/// A string or an array of strings: what Procore wrote where it meant files.
pub fn is_text(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::String => true,
        TypeRef::Array(inner) => **inner == TypeRef::String,
        _ => false,
    }
}

/// The type of the twin of a field of type `ty`: a file, or an array of files. `None` for a
/// field that cannot have one.
pub fn twin_type(ty: &TypeRef) -> Option<TypeRef> {
    match ty {
        TypeRef::String | TypeRef::Binary => Some(TypeRef::Binary),
        TypeRef::Array(inner) => twin_type(inner)
            .filter(|t| *t == TypeRef::Binary)
            .map(|t| TypeRef::Array(Box::new(t))),
        _ => None,
    }
}

/// Sets [`Field::file_twin`] on `fields` from `twins` (one per field). Kept names must already be
/// reserved (field idents step aside for them); a fresh twin takes `<ident>_part(s)`, numbered
/// after every name already in the struct.
pub(super) fn name_twins(fields: &mut [Field], twins: Vec<Option<Twin>>, reserved: &[String]) {
    let mut taken: Vec<String> = fields.iter().map(|f| f.ident.clone()).collect();
    taken.extend(reserved.iter().cloned());
    for (f, twin) in fields.iter_mut().zip(twins) {
        f.file_twin = match twin {
            None => None,
            Some(Twin::Kept(name)) => Some(name),
            Some(Twin::Fresh) => {
                let suffix = if matches!(f.ty, TypeRef::Array(_)) {
                    "_parts"
                } else {
                    "_part"
                };
                taken.push(format!("{}{suffix}", f.ident));
                dedupe(&mut taken);
                taken.last().cloned()
            }
        };
    }
}

/// The names kept in the ledger among `twins`, which the struct's fields must leave free.
pub(super) fn kept_names(twins: &[Option<Twin>]) -> Vec<String> {
    twins
        .iter()
        .filter_map(|t| match t {
            Some(Twin::Kept(name)) => Some(name.clone()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILES: &str = "PDF drawings.\n*Send the whole body as `multipart/form-data`, with \
                         `files[]` as files.";

    fn strings() -> TypeRef {
        TypeRef::Array(Box::new(TypeRef::String))
    }

    #[test]
    fn strings_described_as_multipart_files_want_a_twin() {
        assert_eq!(wanted(&strings(), Some(FILES), None), Some(Twin::Fresh));
        assert_eq!(
            wanted(&TypeRef::String, Some(FILES), None),
            Some(Twin::Fresh)
        );
        // A file already, a name that mentions files, an integer: no twin.
        assert_eq!(wanted(&TypeRef::Binary, Some(FILES), None), None);
        assert_eq!(
            wanted(&TypeRef::String, Some("The Name of the file"), None),
            None
        );
        assert_eq!(wanted(&TypeRef::Integer, Some(FILES), None), None);
        assert_eq!(wanted(&TypeRef::String, None, None), None);
    }

    #[test]
    fn a_ledger_twin_stays_while_its_field_can_hold_files() {
        let kept = "files_parts".to_string();
        let twin = Some(Twin::Kept(kept.clone()));
        // Procore reworded the description, or typed the field as files at last.
        assert_eq!(wanted(&strings(), Some("Files."), Some(&kept)), twin);
        let files = TypeRef::Array(Box::new(TypeRef::Binary));
        assert_eq!(wanted(&files, None, Some(&kept)), twin);
        assert_eq!(wanted(&TypeRef::Integer, None, Some(&kept)), None);
    }

    #[test]
    fn twins_are_named_after_their_field_and_step_aside_for_taken_names() {
        let mut fields = vec![
            Field::optional("files", strings()),
            Field::optional("files_parts", TypeRef::String),
            Field::optional("data", TypeRef::String),
            Field::optional("logo", TypeRef::String),
        ];
        let twins = vec![
            Some(Twin::Fresh),
            None,
            Some(Twin::Fresh),
            Some(Twin::Kept("logo_file".into())),
        ];
        name_twins(&mut fields, twins, &["logo_file".into()]);
        let names: Vec<Option<&str>> = fields.iter().map(|f| f.file_twin.as_deref()).collect();
        assert_eq!(
            names,
            [
                Some("files_parts2"),
                None,
                Some("data_part"),
                Some("logo_file")
            ]
        );
    }

    #[test]
    fn twin_types_are_files_in_the_same_shape() {
        assert_eq!(twin_type(&TypeRef::String), Some(TypeRef::Binary));
        assert_eq!(
            twin_type(&strings()),
            Some(TypeRef::Array(Box::new(TypeRef::Binary)))
        );
        assert_eq!(twin_type(&TypeRef::Integer), None);
        let nested = TypeRef::Array(Box::new(strings()));
        assert_eq!(twin_type(&nested), None);
    }
}
