//! Per-request options every request builder accepts: extra headers, an `Idempotency-Token`,
//! and, on builders that send a multipart body, extra file parts.

use super::error::Error;
use super::multipart::FilePart;
use reqwest::header::{HeaderName, HeaderValue};
use std::fmt;

/// Headers a caller may not set: the runtime owns them (credentials, body framing).
const RESERVED: [&str; 4] = ["authorization", "content-type", "content-length", "host"];

/// Extra headers (and, for multipart bodies, extra file parts) for one request, held by each
/// generated request builder and applied by its `build()` (see [`Request::options`](super::request::Request::options)). They go to the API
/// host only, never to a host a redirect leads to. A header named like one the runtime sets
/// (`Accept`, `Procore-Company-Id`) replaces it.
#[derive(Clone, Default)]
pub(crate) struct RequestOptions {
    headers: Vec<(String, String)>,
    files: Vec<(String, FilePart)>,
}

impl fmt::Debug for RequestOptions {
    /// Names only: a header value may be a credential.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.headers.iter().map(|(k, _)| k))
            .entries(self.files.iter().map(|(k, _)| k))
            .finish()
    }
}

// Called by generated request builders (see `RequestOptions`).
#[allow(dead_code)]
impl RequestOptions {
    /// Adds a header; a second one of the same name is sent as well.
    pub(crate) fn header(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.headers.push((name.into(), value.into()));
    }

    /// Sets `Idempotency-Token`: the server runs a request with a token it has seen once
    /// only, so the runtime may repeat a `POST` or `PATCH` after an answer that does not say
    /// whether it was processed (502-504, a broken connection).
    pub(crate) fn idempotency_token(&mut self, token: impl Into<String>) {
        self.headers
            .retain(|(k, _)| !k.eq_ignore_ascii_case("idempotency-token"));
        self.headers
            .push(("Idempotency-Token".into(), token.into()));
    }

    /// Adds a file part under `name` to the multipart body (see [`Self::take_files`]).
    pub(crate) fn file_part(&mut self, name: impl Into<String>, file: FilePart) {
        self.files.push((name.into(), file));
    }

    /// The file parts added with [`Self::file_part`], in order, leaving none.
    pub(crate) fn take_files(&mut self) -> Vec<(String, FilePart)> {
        std::mem::take(&mut self.files)
    }

    /// The headers, checked: a name or value HTTP cannot carry, or a header the runtime owns,
    /// is an error naming it.
    pub(crate) fn into_headers(self) -> Result<Vec<(String, String)>, Error> {
        for (name, value) in &self.headers {
            if HeaderName::from_bytes(name.as_bytes()).is_err() {
                return Err(Error::Encode(format!(
                    "header name {name:?} is not a valid HTTP header name"
                )));
            }
            if RESERVED.iter().any(|r| name.eq_ignore_ascii_case(r)) {
                return Err(Error::Encode(format!(
                    "header {name:?} is set by the client, not per request (credentials: \
                     ClientBuilder; content type: the operation's body)"
                )));
            }
            if HeaderValue::from_str(value).is_err() {
                return Err(Error::Encode(format!(
                    "header {name:?}: the value has characters a header cannot carry \
                     (control characters or non-ASCII)"
                )));
            }
        }
        Ok(self.headers)
    }
}
