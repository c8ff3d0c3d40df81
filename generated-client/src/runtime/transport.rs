//! Sending one request: headers (token, company, SDK identification), retries and back-off,
//! rate-limit waits, and redirects followed by hand so that credentials go only where they
//! may.

use super::client::Client;
use super::error::{api_error, Error};
use super::multipart::FormBuilder;
use super::rate_limit::{rate_limit_wait, retry_after};
use super::retry::backoff;
use reqwest::header::{HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, LOCATION};
use reqwest::{Method, StatusCode};
use std::time::SystemTime;
use tracing::Instrument;
use url::Url;

/// Redirects followed for one request.
const MAX_REDIRECTS: u32 = 5;
const COMPANY_HEADER: HeaderName = HeaderName::from_static("procore-company-id");
/// Sent on every API request, as Procore's own SDKs do, so Procore can tell clients apart.
const SDK_VERSION_HEADER: HeaderName = HeaderName::from_static("procore-sdk-version");
const SDK_LANGUAGE_HEADER: HeaderName = HeaderName::from_static("procore-sdk-language");
const SDK_VERSION: HeaderValue = HeaderValue::from_static(env!("CARGO_PKG_VERSION"));
const SDK_LANGUAGE: HeaderValue = HeaderValue::from_static("rust");
const JSON: HeaderValue = HeaderValue::from_static("application/json");

/// A request body, kept so that a retried request can send it again.
pub(crate) enum Body {
    None,
    Bytes {
        data: bytes::Bytes,
        content_type: String,
    },
    Multipart(FormBuilder),
}

/// What [`Client::execute`] sends.
pub(crate) struct Outgoing<'a> {
    pub(crate) method: Method,
    pub(crate) url: Url,
    /// The path template, for spans and messages (`/rest/v1.0/projects/{project_id}`).
    pub(crate) template: &'static str,
    /// Replaces `METHOD template` in messages (downloads name the URL).
    pub(crate) label: Option<&'a str>,
    /// Headers of the request itself, sent to the API host only. One named like a header the
    /// runtime sets (`Accept`, `Procore-Company-Id`) replaces it.
    pub(crate) headers: &'a [(String, String)],
    pub(crate) body: &'a Body,
    /// No overall timeout: the caller reads the body (downloads).
    pub(crate) streaming: bool,
    /// Send `Accept: application/json` (the answer is read as JSON).
    pub(crate) accept_json: bool,
}

impl Outgoing<'_> {
    /// `METHOD /path/template`, for messages.
    pub(crate) fn operation(&self) -> String {
        match self.label {
            Some(l) => l.to_string(),
            None => format!("{} {}", self.method, self.template),
        }
    }

    fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(name))
    }
}

impl Client {
    /// Sends a request with authentication, retries, rate-limit handling and redirects.
    ///
    /// The bearer token goes to the API host and the token domains only
    /// ([`TokenHosts`](super::urls::TokenHosts)); `Procore-Company-Id`, the SDK headers and the
    /// request's own headers to the API host only; nothing to another host a URL or a redirect
    /// leads to (presigned storage URLs).
    pub(crate) async fn execute(&self, req: &Outgoing<'_>) -> Result<reqwest::Response, Error> {
        let retry = &self.inner.retry;
        let hosts = &self.inner.token_hosts;
        let mut url = req.url.clone();
        let mut method = req.method.clone();
        let mut send_body = true;
        let mut redirects: u32 = 0;
        let mut attempt: u32 = 0;
        let mut refreshed = false;
        let mut stale: Option<HeaderValue> = None;
        // The server deduplicates a request with a token: it may be repeated whatever happened.
        let has_idempotency_token = req.has_header("idempotency-token");
        loop {
            attempt += 1;
            // A request the server may have processed is repeated only when that is safe.
            let idempotent = matches!(
                method,
                Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
            ) || has_idempotency_token;
            let api = hosts.is_api(&url);
            if api {
                if let Some(wait) = self.inner.rate_limits.pause_before_request(retry.max_wait) {
                    tracing::debug!(?wait, "rate-limit window used up; waiting for the reset");
                    tokio::time::sleep(wait).await;
                }
            }
            let token = if hosts.allows(&url) {
                self.bearer(stale.as_ref()).await?
            } else {
                None
            };
            let mut rb = self.inner.http.request(method.clone(), url.clone());
            if let Some(t) = &token {
                rb = rb.header(AUTHORIZATION, t.clone());
            }
            if api {
                rb = rb
                    .header(SDK_VERSION_HEADER, SDK_VERSION)
                    .header(SDK_LANGUAGE_HEADER, SDK_LANGUAGE);
                if let Some(c) = self
                    .company
                    .as_ref()
                    .filter(|_| !req.has_header("procore-company-id"))
                {
                    rb = rb.header(COMPANY_HEADER, c.clone());
                }
                if req.accept_json && !req.has_header("accept") {
                    rb = rb.header(ACCEPT, JSON);
                }
                for (k, v) in req.headers {
                    rb = rb.header(k.as_str(), v.as_str());
                }
            }
            if send_body {
                rb = match req.body {
                    Body::None => rb,
                    Body::Bytes { data, content_type } => rb
                        .header(CONTENT_TYPE, content_type.as_str())
                        .body(data.clone()),
                    Body::Multipart(form) => rb.multipart(form.to_reqwest().await?),
                };
            }
            if let Some(t) = self.inner.timeout.filter(|_| !req.streaming) {
                rb = rb.timeout(t);
            }
            let span = tracing::info_span!(
                "procore.request",
                method = %method,
                path = req.template,
                attempt,
                status = tracing::field::Empty,
            );
            let resp = match rb.send().instrument(span.clone()).await {
                Ok(r) => r,
                Err(e) => {
                    // A connection that could not be opened carried nothing: safe for any method.
                    let retryable = e.is_connect()
                        || (idempotent && (e.is_timeout() || e.is_request() || e.is_body()));
                    if retryable && attempt <= retry.max_retries {
                        let wait = backoff(retry, attempt);
                        tracing::debug!(parent: &span, error = %e, ?wait, "request failed; retrying");
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    return Err(Error::Transport {
                        operation: req.operation(),
                        // Another host's URL may be presigned: its query is a credential.
                        source: if api { e } else { e.without_url() },
                    });
                }
            };
            let status = resp.status();
            span.record("status", status.as_u16());
            if api {
                self.inner.rate_limits.record(resp.headers());
            }
            if status == StatusCode::UNAUTHORIZED
                && token.is_some()
                && !refreshed
                && Self::refreshable(self)
            {
                // The server rejected the token before doing anything: refresh once and repeat.
                tracing::debug!(parent: &span, "401; refreshing the access token");
                refreshed = true;
                stale = token;
                continue;
            }
            stale = None;
            if status == StatusCode::TOO_MANY_REQUESTS && attempt <= retry.max_retries {
                // 429 means the request was not processed: safe to repeat for any method.
                let wait = rate_limit_wait(resp.headers(), SystemTime::now())
                    .unwrap_or_else(|| backoff(retry, attempt));
                if wait <= retry.max_wait {
                    tracing::debug!(parent: &span, ?wait, "rate limited; waiting for the reset");
                    drop(resp);
                    tokio::time::sleep(wait).await;
                    continue;
                }
            }
            if matches!(status.as_u16(), 502..=504) && idempotent && attempt <= retry.max_retries {
                let wait = retry_after(resp.headers(), SystemTime::now())
                    .filter(|w| *w <= retry.max_wait)
                    .unwrap_or_else(|| backoff(retry, attempt));
                tracing::debug!(parent: &span, ?wait, "server unavailable; backing off");
                drop(resp);
                tokio::time::sleep(wait).await;
                continue;
            }
            if status.is_redirection() && redirects < MAX_REDIRECTS {
                let next_method = match status.as_u16() {
                    _ if matches!(method, Method::GET | Method::HEAD) => Some(method.clone()),
                    303 => Some(Method::GET),
                    301 | 302 if method == Method::POST => Some(Method::GET),
                    // 307/308 for a body-carrying method: not repeated to another URL.
                    _ => None,
                };
                if let (Some(next_method), Some(next)) = (next_method, redirect_target(&resp)?) {
                    tracing::debug!(parent: &span, "following a redirect");
                    send_body &= next_method == method;
                    method = next_method;
                    url = next;
                    redirects += 1;
                    attempt = 0;
                    continue;
                }
            }
            if status.is_success() {
                return Ok(resp);
            }
            return Err(api_error(req.operation(), resp).await);
        }
    }
}

/// Where a redirect answer points, or `None` when it has no `Location`.
fn redirect_target(resp: &reqwest::Response) -> Result<Option<Url>, Error> {
    let Some(loc) = resp.headers().get(LOCATION).and_then(|v| v.to_str().ok()) else {
        return Ok(None);
    };
    let next = resp
        .url()
        .join(loc)
        .map_err(|e| Error::Config(format!("bad redirect location {loc:?}: {e}")))?;
    if !matches!(next.scheme(), "http" | "https") {
        return Ok(None);
    }
    Ok(Some(next))
}
