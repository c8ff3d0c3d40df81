//! The client handle and the state its clones share (connections, credentials, tokens,
//! rate-limit state). Building it: `builder.rs`; sending: `transport.rs`; tokens: `oauth.rs`.

use super::auth::{Cached, Grant, TokenStore};
use super::rate_limit::{RateLimit, RateLimits};
use super::retry::RetryPolicy;
use super::urls::TokenHosts;
use reqwest::header::HeaderValue;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use url::Url;

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base: Url,
    pub(crate) login: Url,
    pub(crate) credentials: Option<Grant>,
    pub(crate) store: Arc<dyn TokenStore>,
    /// The current token, so that a request does not read the store (a file) every time.
    pub(crate) token: Mutex<Option<Cached>>,
    /// `Authorization` for a fixed bearer token.
    pub(crate) fixed: Option<HeaderValue>,
    /// Held while a token is fetched: one refresh at a time, whatever the number of requests.
    pub(crate) refresh: tokio::sync::Mutex<()>,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Option<Duration>,
    pub(crate) rate_limits: RateLimits,
    pub(crate) token_hosts: TokenHosts,
}

/// A Procore API client. Cheap to clone; clones share connections, tokens and rate-limit state.
///
/// ```no_run
/// # async fn demo() -> Result<(), procore::Error> {
/// let client = procore::Client::builder()
///     .environment(procore::Environment::Sandbox)
///     .client_credentials("client id", "client secret")
///     .company(42)
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
    pub(crate) company_id: Option<i64>,
    /// `company_id` as a header value, built once per handle.
    pub(crate) company: Option<HeaderValue>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.inner.base.as_str())
            .field("login", &self.inner.login.as_str())
            .field("company_id", &self.company_id)
            .field("credentials", &self.inner.credentials)
            .field("store", &self.inner.store)
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Client {
    /// A handle to the same client (connections, tokens, rate-limit state) that sends
    /// `Procore-Company-Id: company_id` on every request.
    ///
    /// ```
    /// let client = procore::Client::builder().bearer_token("token").build()?;
    /// let acme = client.with_company(42);
    /// assert_eq!(acme.company_id(), Some(42));
    /// # Ok::<(), procore::Error>(())
    /// ```
    pub fn with_company(&self, company_id: i64) -> Client {
        Client {
            inner: self.inner.clone(),
            company_id: Some(company_id),
            company: Some(HeaderValue::from(company_id)),
        }
    }

    /// The company this handle sends as `Procore-Company-Id`, if any.
    pub fn company_id(&self) -> Option<i64> {
        self.company_id
    }

    /// Base URL of the REST API.
    ///
    /// ```
    /// let client = procore::Client::builder()
    ///     .environment(procore::Environment::Federal)
    ///     .bearer_token("token")
    ///     .build()?;
    /// assert_eq!(client.base_url().as_str(), "https://api.procoregov.com/");
    /// # Ok::<(), procore::Error>(())
    /// ```
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    /// The rate-limit state of the last response that carried `X-Rate-Limit-*` headers, shared
    /// by every clone of this client.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.inner.rate_limits.last()
    }
}
