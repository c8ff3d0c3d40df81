//! A request under construction, and how its answer is read.

use super::encoding::{query_pairs, QueryStyle};
use super::multipart::{FormBuilder, ToMultipart};
use crate::{Client, Error};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use url::Url;

pub(crate) enum Body {
    None,
    Bytes {
        data: bytes::Bytes,
        content_type: String,
    },
    Multipart(FormBuilder),
}

/// A request built by a generated method. Values are encoded as they are added; an encoding
/// failure is kept and reported when the request is sent.
///
/// Generated request builders make these; their `send`, `send_page` and `stream` methods call
/// the `send_*` methods here.
pub struct Request {
    client: Client,
    pub(crate) method: Method,
    pub(crate) template: &'static str,
    path: String,
    /// A full URL that replaces base + path + query (the next page from a `Link` header).
    absolute: Option<Url>,
    /// Replaces `METHOD template` in messages (downloads name the URL).
    label: Option<String>,
    /// No overall timeout: the body is read by the caller (downloads).
    pub(crate) streaming: bool,
    query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Body,
    error: Option<Error>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .finish_non_exhaustive()
    }
}

impl Request {
    pub(crate) fn new(
        client: Client,
        method: Method,
        template: &'static str,
        path: String,
    ) -> Request {
        Request {
            client,
            method,
            template,
            path,
            absolute: None,
            label: None,
            streaming: false,
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::None,
            error: None,
        }
    }

    /// Sends to this URL instead of base + path + query.
    pub(crate) fn absolute(mut self, url: Url) -> Request {
        self.absolute = Some(url);
        self
    }

    /// Names the request in messages instead of `METHOD template`.
    pub(crate) fn label(mut self, label: String) -> Request {
        self.label = Some(label);
        self
    }

    /// The caller reads the body: no overall timeout.
    pub(crate) fn streaming(mut self) -> Request {
        self.streaming = true;
        self
    }

    /// `METHOD /path/template`, for messages and spans.
    pub(crate) fn operation(&self) -> String {
        match &self.label {
            Some(l) => l.clone(),
            None => format!("{} {}", self.method, self.template),
        }
    }

    /// True when the request carries an `Idempotency-Token`: the server deduplicates it, so it
    /// may be repeated after an answer that does not say whether it was processed.
    pub(crate) fn has_idempotency_token(&self) -> bool {
        self.headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("idempotency-token"))
    }

    pub(crate) fn url(&self, base: &Url) -> Result<Url, Error> {
        if let Some(u) = &self.absolute {
            return Ok(u.clone());
        }
        let mut url = super::client::join_path(base, &self.path);
        if !self.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(self.query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        Ok(url)
    }

    fn encode_json<T: Serialize + ?Sized>(
        &mut self,
        what: &str,
        value: &T,
    ) -> Option<serde_json::Value> {
        match serde_json::to_value(value) {
            Ok(v) => Some(v),
            Err(e) => {
                self.error
                    .get_or_insert(Error::Encode(format!("{what}: {e}")));
                None
            }
        }
    }

    /// Adds a query parameter (`None` adds nothing).
    pub fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, style: QueryStyle) {
        if let Some(v) = self.encode_json(name, value) {
            query_pairs(&mut self.query, name, &v, style);
        }
    }

    /// Adds a header (`None` adds nothing).
    pub fn header<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        if let Some(v) = self.encode_json(name, value) {
            if !v.is_null() {
                let text = super::encoding::scalar(&v);
                self.headers.push((name.to_string(), text));
            }
        }
    }

    /// Adds a cookie (`None` adds nothing).
    pub fn cookie<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        if let Some(v) = self.encode_json(name, value) {
            if !v.is_null() {
                self.headers.push((
                    "cookie".into(),
                    format!("{name}={}", super::encoding::scalar(&v)),
                ));
            }
        }
    }

    /// Sets a JSON body with this content type (`application/json`, `application/merge-patch+json`).
    pub fn json<T: Serialize + ?Sized>(&mut self, body: &T, content_type: &str) {
        match serde_json::to_vec(body) {
            Ok(data) => {
                self.body = Body::Bytes {
                    data: data.into(),
                    content_type: content_type.to_string(),
                }
            }
            Err(e) => {
                self.error
                    .get_or_insert(Error::Encode(format!("request body: {e}")));
            }
        }
    }

    /// Sets an `application/x-www-form-urlencoded` body.
    pub fn form_urlencoded<T: Serialize + ?Sized>(&mut self, body: &T) {
        match serde_urlencoded::to_string(body) {
            Ok(s) => {
                self.body = Body::Bytes {
                    data: s.into(),
                    content_type: "application/x-www-form-urlencoded".into(),
                }
            }
            Err(e) => {
                self.error
                    .get_or_insert(Error::Encode(format!("form body: {e}")));
            }
        }
    }

    /// Sets a `multipart/form-data` body; files stream from disk when sent.
    pub fn multipart<T: ToMultipart>(&mut self, body: T) {
        let mut form = FormBuilder::default();
        body.append_to("", &mut form);
        self.body = Body::Multipart(form);
    }

    /// Sets a raw body.
    pub fn bytes(&mut self, body: bytes::Bytes, content_type: &str) {
        self.body = Body::Bytes {
            data: body,
            content_type: content_type.to_string(),
        };
    }

    /// Adds a header by name and text (for example `Idempotency-Token`, which makes a `POST` or
    /// `PATCH` safe to retry).
    pub fn raw_header(&mut self, name: &str, value: &str) {
        self.headers.push((name.to_string(), value.to_string()));
    }

    pub(crate) async fn send_raw(mut self) -> Result<(reqwest::Response, Request), Error> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let client = self.client.clone();
        let resp = client.execute(&self).await?;
        Ok((resp, self))
    }

    /// Sends and decodes a JSON answer.
    pub async fn send_json<T: DeserializeOwned>(self) -> Result<T, Error> {
        let (resp, req) = self.send_raw().await?;
        let body = resp.bytes().await.map_err(|e| Error::Transport {
            operation: req.operation(),
            source: e,
        })?;
        // An empty body reads as `null`, which every lenient response type accepts.
        let text: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            &body
        };
        serde_json::from_slice(text).map_err(|e| Error::Decode {
            operation: req.operation(),
            source: e,
            body,
        })
    }

    /// Sends and returns the raw answer body.
    pub async fn send_bytes(self) -> Result<bytes::Bytes, Error> {
        let (resp, req) = self.send_raw().await?;
        resp.bytes().await.map_err(|e| Error::Transport {
            operation: req.operation(),
            source: e,
        })
    }

    /// Sends and ignores the answer body.
    pub async fn send_empty(self) -> Result<(), Error> {
        self.send_bytes().await.map(drop)
    }

    /// A GET for the next page: same client and headers, the given URL.
    pub(crate) fn next_page(&self, url: Url) -> Request {
        Request {
            client: self.client.clone(),
            method: self.method.clone(),
            template: self.template,
            path: self.path.clone(),
            absolute: Some(url),
            label: self.label.clone(),
            streaming: self.streaming,
            query: Vec::new(),
            headers: self.headers.clone(),
            body: Body::None,
            error: None,
        }
    }
}
