//! A request under construction by a generated method, and how its answer is read.

use super::client::Client;
use super::encoding::{query_pairs, scalar, QueryStyle};
use super::error::Error;
use super::multipart::{FormBuilder, ToMultipart};
use super::options::RequestOptions;
use super::transport::{Body, Outgoing};
use super::urls::join_path;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use url::Url;

/// A request built by a generated method. Values are encoded as they are added; an encoding
/// failure is kept and reported when the request is sent.
///
/// Generated request builders make these in `build()`; their `send`, `send_page` and `stream`
/// methods call the `send_*` methods here. Which of these methods the generated code calls
/// depends on the enabled features, hence the `dead_code` allowances.
pub(crate) struct Request {
    client: Client,
    method: Method,
    template: &'static str,
    path: String,
    /// A full URL that replaces base + path + query (the next page from a `Link` header).
    absolute: Option<Url>,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Body,
    /// Send `Accept: application/json`: set by the `send_*` methods that read JSON.
    accept_json: bool,
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

// A crate generated with no operation enabled (`--no-default-features`) calls nothing here.
#[allow(dead_code)]
impl Client {
    /// Starts a request; generated methods call this.
    pub(crate) fn request(&self, method: Method, template: &'static str, path: String) -> Request {
        Request {
            client: self.clone(),
            method,
            template,
            path,
            absolute: None,
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::None,
            accept_json: false,
            error: None,
        }
    }
}

#[allow(dead_code)]
impl Request {
    /// `METHOD /path/template`, for messages.
    pub(crate) fn operation(&self) -> String {
        format!("{} {}", self.method, self.template)
    }

    fn url(&self) -> Url {
        if let Some(u) = &self.absolute {
            return u.clone();
        }
        let mut url = join_path(&self.client.inner.base, &self.path);
        if !self.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(self.query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        url
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
    pub(crate) fn query<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: QueryStyle,
    ) {
        if let Some(v) = self.encode_json(name, value) {
            query_pairs(&mut self.query, name, &v, style);
        }
    }

    /// Adds a header the spec declares (`None` adds nothing).
    pub(crate) fn header<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        if let Some(v) = self.encode_json(name, value) {
            if !v.is_null() {
                self.headers.push((name.to_string(), scalar(&v)));
            }
        }
    }

    /// Adds a cookie (`None` adds nothing).
    pub(crate) fn cookie<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        if let Some(v) = self.encode_json(name, value) {
            if !v.is_null() {
                self.headers
                    .push(("cookie".into(), format!("{name}={}", scalar(&v))));
            }
        }
    }

    /// Applies the caller's [`RequestOptions`] (extra headers, `Idempotency-Token`, file
    /// parts). A header set there replaces one of the same name the spec declares; a bad one,
    /// or a file part for a request without a multipart body, fails the request when it is
    /// sent. Generated builders call this after setting the body.
    pub(crate) fn options(&mut self, mut options: RequestOptions) {
        let files = options.take_files();
        match &mut self.body {
            Body::Multipart(form) => {
                for (name, file) in files {
                    form.file(&name, file);
                }
            }
            _ if files.is_empty() => {}
            _ => {
                let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
                self.error.get_or_insert(Error::Encode(format!(
                    "file parts {names:?}: this request has no multipart body (choose the \
                     operation's multipart form, `.multipart(..)` or its `_multipart` method)"
                )));
            }
        }
        match options.into_headers() {
            Ok(extra) => {
                self.headers
                    .retain(|(k, _)| !extra.iter().any(|(n, _)| n.eq_ignore_ascii_case(k)));
                self.headers.extend(extra);
            }
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
    }

    /// Sets a JSON body with this content type (`application/json`, `application/merge-patch+json`).
    pub(crate) fn json<T: Serialize + ?Sized>(&mut self, body: &T, content_type: &str) {
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
    pub(crate) fn form_urlencoded<T: Serialize + ?Sized>(&mut self, body: &T) {
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
    pub(crate) fn multipart<T: ToMultipart>(&mut self, body: T) {
        let mut form = FormBuilder::default();
        body.append_to("", &mut form);
        self.body = Body::Multipart(form);
    }

    /// Sets a raw body.
    pub(crate) fn bytes(&mut self, body: bytes::Bytes, content_type: &str) {
        self.body = Body::Bytes {
            data: body,
            content_type: content_type.to_string(),
        };
    }

    pub(crate) async fn send_raw(mut self) -> Result<(reqwest::Response, Request), Error> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let resp = self
            .client
            .execute(&Outgoing {
                method: self.method.clone(),
                url: self.url(),
                template: self.template,
                label: None,
                headers: &self.headers,
                body: &self.body,
                streaming: false,
                accept_json: self.accept_json,
            })
            .await?;
        Ok((resp, self))
    }

    /// Marks the answer as read as JSON: `Accept: application/json` is sent.
    pub(crate) fn expect_json(mut self) -> Request {
        self.accept_json = true;
        self
    }

    /// Sends and reads the whole answer body.
    async fn send_for_body(self) -> Result<(bytes::Bytes, Request), Error> {
        let (resp, req) = self.send_raw().await?;
        match resp.bytes().await {
            Ok(body) => Ok((body, req)),
            Err(e) => Err(Error::Transport {
                operation: req.operation(),
                source: e,
            }),
        }
    }

    /// Sends and decodes a JSON answer.
    pub(crate) async fn send_json<T: DeserializeOwned>(self) -> Result<T, Error> {
        let (body, req) = self.expect_json().send_for_body().await?;
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
    pub(crate) async fn send_bytes(self) -> Result<bytes::Bytes, Error> {
        self.send_for_body().await.map(|(body, _)| body)
    }

    /// Sends and ignores the answer body (asking for JSON, so that an error body is JSON).
    pub(crate) async fn send_empty(self) -> Result<(), Error> {
        self.expect_json().send_for_body().await.map(drop)
    }

    /// A GET for the next page: same client and headers, the given URL.
    pub(crate) fn next_page(&self, url: Url) -> Request {
        Request {
            client: self.client.clone(),
            method: self.method.clone(),
            template: self.template,
            path: self.path.clone(),
            absolute: Some(url),
            query: Vec::new(),
            headers: self.headers.clone(),
            body: Body::None,
            accept_json: self.accept_json,
            error: None,
        }
    }
}
