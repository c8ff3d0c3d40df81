//! `multipart/form-data` bodies, written the way Rails reads them (`rfi[subject]`,
//! `attachments[]`), with files streamed from disk.

use super::error::Error;
use serde::Serialize;
use std::path::PathBuf;

/// A file to upload in a `multipart/form-data` body.
///
/// Form fields that take files are typed `FilePart` (or `Vec<FilePart>`). Where Procore's spec
/// types a file field as a string in a form the crate always sent (a drawing upload's `files[]`,
/// a company file's `file[data]`), the string field stays, deprecated because it sends text, and
/// a twin named after it with `_part` (`_parts` for an array: `files_parts`, `data_part`) takes
/// the files and is sent under the same part name instead.
///
/// ```
/// let photo = procore::FilePart::path("site.jpg").mime("image/jpeg");
/// let note = procore::FilePart::bytes(&b"hello"[..], "note.txt");
/// ```
#[derive(Debug, Clone)]
pub struct FilePart {
    source: FileSource,
    file_name: Option<String>,
    mime: Option<String>,
}

#[derive(Debug, Clone)]
enum FileSource {
    Path(PathBuf),
    Bytes(bytes::Bytes),
}

impl FilePart {
    /// A file read from disk as the request is sent (streamed, never read whole into memory).
    pub fn path(path: impl Into<PathBuf>) -> FilePart {
        let path = path.into();
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        FilePart {
            source: FileSource::Path(path),
            file_name,
            mime: None,
        }
    }

    /// A file held in memory.
    pub fn bytes(data: impl Into<bytes::Bytes>, file_name: impl Into<String>) -> FilePart {
        FilePart {
            source: FileSource::Bytes(data.into()),
            file_name: Some(file_name.into()),
            mime: None,
        }
    }

    /// Sets the MIME type (default: `application/octet-stream`).
    pub fn mime(mut self, mime: impl Into<String>) -> FilePart {
        self.mime = Some(mime.into());
        self
    }

    async fn to_part(&self) -> Result<reqwest::multipart::Part, Error> {
        let part = match &self.source {
            FileSource::Bytes(b) => {
                reqwest::multipart::Part::stream_with_length(b.clone(), b.len() as u64)
            }
            FileSource::Path(p) => {
                let file = tokio::fs::File::open(p).await.map_err(|e| {
                    Error::Encode(format!(
                        "{}: cannot open the file to upload ({e})",
                        p.display()
                    ))
                })?;
                let len = file.metadata().await.map(|m| m.len()).ok();
                let stream =
                    tokio_util::codec::FramedRead::new(file, tokio_util::codec::BytesCodec::new());
                let body = reqwest::Body::wrap_stream(futures_util::StreamExt::map(stream, |r| {
                    r.map(|b| b.freeze())
                }));
                match len {
                    Some(len) => reqwest::multipart::Part::stream_with_length(body, len),
                    None => reqwest::multipart::Part::stream(body),
                }
            }
        };
        let part = match &self.file_name {
            Some(n) => part.file_name(n.clone()),
            None => part,
        };
        part.mime_str(self.mime.as_deref().unwrap_or("application/octet-stream"))
            .map_err(|e| Error::Encode(format!("bad MIME type: {e}")))
    }
}

#[derive(Debug)]
enum Entry {
    Text(String, String),
    File(String, FilePart),
}

/// The parts of a multipart body, kept so that a retried request can send them again (files
/// are opened again for each attempt).
#[derive(Debug, Default)]
pub(crate) struct FormBuilder {
    entries: Vec<Entry>,
}

impl FormBuilder {
    /// Appends `value` under `prefix[key]` (or `key` at the top level).
    pub(crate) fn field<T: ToMultipart>(&mut self, prefix: &str, key: &str, value: T) {
        let name = if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}[{key}]")
        };
        value.append_to(&name, self);
    }

    /// Appends a text part.
    pub(crate) fn text(&mut self, name: &str, value: String) {
        self.entries.push(Entry::Text(name.to_string(), value));
    }

    /// Appends a file part.
    pub(crate) fn file(&mut self, name: &str, file: FilePart) {
        self.entries.push(Entry::File(name.to_string(), file));
    }

    /// Appends any serialisable value, flattened Rails-style (`name[key]`, `name[]`); `null`
    /// appends nothing.
    // Generated for multipart fields of types without their own `ToMultipart`; a spec may have
    // none.
    #[allow(dead_code)]
    pub(crate) fn serialized<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        let v = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
        self.json(name, &v);
    }

    fn json(&mut self, name: &str, v: &serde_json::Value) {
        use serde_json::Value;
        match v {
            Value::Null => {}
            Value::Array(items) => {
                for i in items {
                    self.json(&format!("{name}[]"), i);
                }
            }
            Value::Object(map) => {
                for (k, i) in map {
                    self.json(&format!("{name}[{k}]"), i);
                }
            }
            other => self.text(name, super::encoding::scalar(other)),
        }
    }

    pub(crate) async fn to_reqwest(&self) -> Result<reqwest::multipart::Form, Error> {
        let mut form = reqwest::multipart::Form::new();
        for e in &self.entries {
            form = match e {
                Entry::Text(n, v) => form.text(n.clone(), v.clone()),
                Entry::File(n, f) => form.part(n.clone(), f.to_part().await?),
            };
        }
        Ok(form)
    }
}

/// A value that can be written into a multipart body.
pub(crate) trait ToMultipart {
    /// Appends this value under `name`.
    fn append_to(self, name: &str, form: &mut FormBuilder);
}

impl ToMultipart for FilePart {
    fn append_to(self, name: &str, form: &mut FormBuilder) {
        form.file(name, self);
    }
}

impl<T: ToMultipart> ToMultipart for Option<T> {
    fn append_to(self, name: &str, form: &mut FormBuilder) {
        if let Some(v) = self {
            v.append_to(name, form);
        }
    }
}

impl<T: ToMultipart> ToMultipart for Vec<T> {
    fn append_to(self, name: &str, form: &mut FormBuilder) {
        let name = format!("{name}[]");
        for v in self {
            v.append_to(&name, form);
        }
    }
}

impl<T: ToMultipart> ToMultipart for Box<T> {
    fn append_to(self, name: &str, form: &mut FormBuilder) {
        (*self).append_to(name, form);
    }
}

impl<T: ToMultipart> ToMultipart for std::collections::BTreeMap<String, T> {
    fn append_to(self, name: &str, form: &mut FormBuilder) {
        for (k, v) in self {
            form.field(name, &k, v);
        }
    }
}

macro_rules! scalar_parts {
    ($($t:ty),*) => {$(
        impl ToMultipart for $t {
            fn append_to(self, name: &str, form: &mut FormBuilder) {
                form.text(name, self.to_string());
            }
        }
    )*};
}
scalar_parts!(String, &str, i32, i64, u32, u64, f32, f64, bool);

impl ToMultipart for serde_json::Value {
    fn append_to(self, name: &str, form: &mut FormBuilder) {
        form.json(name, &self);
    }
}
