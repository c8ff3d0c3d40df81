//! The client: environment, credentials, company, retries, rate-limit state.

use super::auth::{Grant, MemoryTokenStore, TokenResponse};
use super::request::{Body, Request};
use crate::{Error, Token, TokenStore};
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use reqwest::{Method, StatusCode};
use std::fmt;
use std::sync::{Arc, Mutex as StdMutex};
use std::time::Duration;
use tracing::Instrument;
use url::Url;

/// Which Procore deployment to call.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Environment {
    /// `api.procore.com` / `login.procore.com`.
    #[default]
    Production,
    /// The development sandbox: `sandbox.procore.com` / `login-sandbox.procore.com`.
    Sandbox,
    /// The monthly sandbox: `api-monthly.procore.com` / `login-sandbox-monthly.procore.com`.
    MonthlySandbox,
    /// Custom base URLs (a proxy, or a test server).
    Custom {
        /// Base URL of the REST API.
        api: String,
        /// Base URL of the OAuth server.
        login: String,
    },
}

impl Environment {
    fn urls(&self) -> (&str, &str) {
        match self {
            Environment::Production => ("https://api.procore.com", "https://login.procore.com"),
            Environment::Sandbox => (
                "https://sandbox.procore.com",
                "https://login-sandbox.procore.com",
            ),
            Environment::MonthlySandbox => (
                "https://api-monthly.procore.com",
                "https://login-sandbox-monthly.procore.com",
            ),
            Environment::Custom { api, login } => (api, login),
        }
    }
}

/// When and how often requests are retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 3).
    pub max_retries: u32,
    /// First back-off delay for 5xx answers, doubled each time, with jitter (default 500 ms).
    pub initial_backoff: Duration,
    /// Longest wait for a rate-limit reset before giving up (default 120 s).
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(120),
        }
    }
}

/// The rate-limit state from the last response (`X-Rate-Limit-*` headers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub limit: Option<u64>,
    /// Requests left in this window.
    pub remaining: Option<u64>,
    /// When the window resets (Unix seconds).
    pub reset: Option<u64>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base: Url,
    login: Url,
    credentials: Option<Grant>,
    store: Arc<dyn TokenStore>,
    refresh: tokio::sync::Mutex<()>,
    retry: RetryPolicy,
    rate_limit: StdMutex<Option<RateLimit>>,
}

/// A Procore API client. Cheap to clone; clones share connections, tokens and rate-limit state.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
    company_id: Option<u64>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.inner.base.as_str())
            .field("company_id", &self.company_id)
            .field("credentials", &self.inner.credentials)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`].
#[derive(Default)]
pub struct ClientBuilder {
    environment: Environment,
    credentials: Option<Grant>,
    store: Option<Arc<dyn TokenStore>>,
    company_id: Option<u64>,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    user_agent: Option<String>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("environment", &self.environment)
            .field("credentials", &self.credentials)
            .field("company_id", &self.company_id)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Which deployment to call (default: production).
    pub fn environment(mut self, env: Environment) -> Self {
        self.environment = env;
        self
    }
    /// Authenticate with a fixed access token.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Some(Grant::Bearer(token.into()));
        self
    }
    /// Authenticate with client credentials (a developer managed service account).
    pub fn client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.credentials = Some(Grant::ClientCredentials {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        });
        self
    }
    /// Authenticate with a refresh token kept in `store` (from the authorization-code flow);
    /// each refresh saves the new single-use refresh token there.
    pub fn refresh_token(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        store: impl TokenStore + 'static,
    ) -> Self {
        self.credentials = Some(Grant::RefreshToken {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            redirect_uri: None,
        });
        self.store = Some(Arc::new(store));
        self
    }
    /// Where tokens are kept (default: memory).
    pub fn token_store(mut self, store: impl TokenStore + 'static) -> Self {
        self.store = Some(Arc::new(store));
        self
    }
    /// The company sent as `Procore-Company-Id` on every request.
    pub fn company(mut self, company_id: u64) -> Self {
        self.company_id = Some(company_id);
        self
    }
    /// Retry behaviour.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }
    /// Timeout of each attempt (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
    /// Extra text for the `User-Agent` header.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }
    /// Builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let (api, login) = self.environment.urls();
        let parse =
            |s: &str| Url::parse(s).map_err(|e| Error::Config(format!("bad base URL {s:?}: {e}")));
        let base = parse(api)?;
        let login = parse(login)?;
        let ua = format!(
            "procore-rs/{}{}",
            env!("CARGO_PKG_VERSION"),
            self.user_agent.map(|u| format!(" {u}")).unwrap_or_default()
        );
        let http = reqwest::Client::builder()
            .user_agent(ua)
            .timeout(self.timeout.unwrap_or(Duration::from_secs(60)))
            // Redirects are followed by hand so the bearer token never leaves Procore's hosts.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                login,
                credentials: self.credentials,
                store: self
                    .store
                    .unwrap_or_else(|| Arc::new(MemoryTokenStore::default())),
                refresh: tokio::sync::Mutex::new(()),
                retry: self.retry,
                rate_limit: StdMutex::new(None),
            }),
            company_id: self.company_id,
        })
    }
}

const REFRESH_MARGIN: Duration = Duration::from_secs(60);

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A handle to the same client that sends `Procore-Company-Id: company_id`.
    pub fn with_company(&self, company_id: u64) -> Client {
        Client {
            inner: self.inner.clone(),
            company_id: Some(company_id),
        }
    }

    /// The company this handle sends, if any.
    pub fn company_id(&self) -> Option<u64> {
        self.company_id
    }

    /// The rate-limit state of the last response.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        *self
            .inner
            .rate_limit
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// Starts a request; generated methods call this.
    pub(crate) fn request(&self, method: Method, template: &'static str, path: String) -> Request {
        Request::new(self.clone(), method, template, path)
    }

    /// The URL to send a user to for the authorization-code grant.
    pub fn authorize_url(&self, client_id: &str, redirect_uri: &str) -> Url {
        let mut url = self
            .inner
            .login
            .join("/oauth/authorize")
            .expect("static path joins");
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", redirect_uri);
        url
    }

    /// Exchanges an authorization code for tokens and saves them in the token store.
    pub async fn exchange_code(
        &self,
        client_id: &str,
        client_secret: &str,
        code: &str,
        redirect_uri: &str,
    ) -> Result<Token, Error> {
        let token = self
            .token_request(&[
                ("grant_type", "authorization_code"),
                ("client_id", client_id),
                ("client_secret", client_secret),
                ("code", code),
                ("redirect_uri", redirect_uri),
            ])
            .await?;
        self.inner.store.save(&token)?;
        Ok(token)
    }

    async fn token_request(&self, form: &[(&str, &str)]) -> Result<Token, Error> {
        let url = self
            .inner
            .login
            .join("/oauth/token")
            .expect("static path joins");
        let resp = self
            .inner
            .http
            .post(url)
            .form(form)
            .send()
            .await
            .map_err(|e| Error::Auth(format!("token endpoint unreachable: {e}")))?;
        let status = resp.status();
        let body = resp
            .bytes()
            .await
            .map_err(|e| Error::Auth(format!("token response unreadable: {e}")))?;
        if !status.is_success() {
            return Err(Error::Auth(format!(
                "token endpoint answered {status}: {}",
                String::from_utf8_lossy(&body)
            )));
        }
        let t: TokenResponse = serde_json::from_slice(&body)
            .map_err(|e| Error::Auth(format!("token response is not a token: {e}")))?;
        Ok(t.into_token())
    }

    /// The access token to send. `stale` is a token the server just rejected: a new one is
    /// fetched unless another request already replaced it. One refresh runs at a time; requests
    /// waiting for it reuse its result.
    pub(crate) async fn bearer(&self, stale: Option<&str>) -> Result<Option<String>, Error> {
        let (client_id, client_secret) = match &self.inner.credentials {
            None => return Ok(None),
            Some(Grant::Bearer(t)) => return Ok(Some(t.clone())),
            Some(
                Grant::ClientCredentials {
                    client_id,
                    client_secret,
                }
                | Grant::RefreshToken {
                    client_id,
                    client_secret,
                    ..
                },
            ) => (client_id, client_secret),
        };
        let fresh =
            |t: &Token| !t.expires_within(REFRESH_MARGIN) && Some(t.access_token.as_str()) != stale;
        if let Some(t) = self.inner.store.load()? {
            if fresh(&t) {
                return Ok(Some(t.access_token));
            }
        }
        let _guard = self.inner.refresh.lock().await;
        let current = self.inner.store.load()?;
        if let Some(t) = &current {
            if fresh(t) {
                return Ok(Some(t.access_token.clone()));
            }
        }
        let token = match &self.inner.credentials {
            Some(Grant::RefreshToken { redirect_uri, .. }) => {
                let refresh = current
                    .and_then(|t| t.refresh_token)
                    .ok_or_else(|| Error::Auth("no refresh token in the token store; run the authorization-code flow first".into()))?;
                let mut form = vec![
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh.as_str()),
                    ("client_id", client_id),
                    ("client_secret", client_secret),
                ];
                if let Some(r) = redirect_uri {
                    form.push(("redirect_uri", r));
                }
                self.token_request(&form).await?
            }
            _ => {
                self.token_request(&[
                    ("grant_type", "client_credentials"),
                    ("client_id", client_id),
                    ("client_secret", client_secret),
                ])
                .await?
            }
        };
        self.inner.store.save(&token)?;
        Ok(Some(token.access_token))
    }

    fn refreshable(&self) -> bool {
        matches!(
            self.inner.credentials,
            Some(Grant::ClientCredentials { .. } | Grant::RefreshToken { .. })
        )
    }

    fn record_rate_limit(&self, headers: &HeaderMap) {
        let num = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        let rl = RateLimit {
            limit: num("x-rate-limit-limit"),
            remaining: num("x-rate-limit-remaining"),
            reset: num("x-rate-limit-reset"),
        };
        if rl.limit.is_some() || rl.remaining.is_some() || rl.reset.is_some() {
            *self
                .inner
                .rate_limit
                .lock()
                .unwrap_or_else(|e| e.into_inner()) = Some(rl);
        }
    }

    /// Sends a request with authentication, retries and rate-limit handling.
    pub(crate) async fn execute(&self, req: &Request) -> Result<reqwest::Response, Error> {
        let retry = &self.inner.retry;
        let operation = req.operation();
        // A request the server may have processed is repeated only when that is safe.
        let idempotent = matches!(
            req.method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
        ) || req
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("idempotency-token"));
        let mut attempt: u32 = 0;
        let mut refreshed = false;
        let mut stale: Option<String> = None;
        loop {
            attempt += 1;
            let token = self.bearer(stale.as_deref()).await?;
            let mut rb = self
                .inner
                .http
                .request(req.method.clone(), req.url(&self.inner.base)?);
            if let Some(t) = &token {
                let mut v = HeaderValue::from_str(&format!("Bearer {t}"))
                    .map_err(|_| Error::Auth("access token has invalid characters".into()))?;
                v.set_sensitive(true);
                rb = rb.header(AUTHORIZATION, v);
            }
            if let Some(c) = self.company_id {
                rb = rb.header("Procore-Company-Id", c);
            }
            for (k, v) in &req.headers {
                rb = rb.header(k.as_str(), v.as_str());
            }
            rb = match &req.body {
                Body::None => rb,
                Body::Bytes { data, content_type } => rb
                    .header(reqwest::header::CONTENT_TYPE, content_type.as_str())
                    .body(data.clone()),
                Body::Multipart(form) => rb.multipart(form.to_reqwest().await?),
            };
            let span = tracing::info_span!("procore.request", method = %req.method, path = req.template, attempt, status = tracing::field::Empty);
            let result = rb.send().instrument(span.clone()).await;
            let resp = match result {
                Ok(r) => r,
                Err(e) => {
                    if idempotent
                        && attempt <= retry.max_retries
                        && (e.is_connect() || e.is_timeout())
                    {
                        tokio::time::sleep(backoff(retry, attempt)).await;
                        continue;
                    }
                    return Err(Error::Transport {
                        operation,
                        source: e,
                    });
                }
            };
            let status = resp.status();
            span.record("status", status.as_u16());
            self.record_rate_limit(resp.headers());
            if status == StatusCode::UNAUTHORIZED && !refreshed && self.refreshable() {
                refreshed = true;
                stale = token;
                continue;
            }
            stale = None;
            if status == StatusCode::TOO_MANY_REQUESTS && attempt <= retry.max_retries {
                // 429 means the request was not processed: safe to repeat for any method.
                let wait =
                    rate_limit_wait(resp.headers()).unwrap_or_else(|| backoff(retry, attempt));
                if wait <= retry.max_wait {
                    tracing::debug!(parent: &span, ?wait, "rate limited; waiting");
                    tokio::time::sleep(wait).await;
                    continue;
                }
            }
            if matches!(status.as_u16(), 502..=504) && idempotent && attempt <= retry.max_retries {
                tokio::time::sleep(backoff(retry, attempt)).await;
                continue;
            }
            if status.is_redirection() {
                return self.follow_redirect(resp, &operation).await;
            }
            if status.is_success() {
                return Ok(resp);
            }
            return Err(api_error(operation, resp).await);
        }
    }

    /// Follows a redirect answer to a request (see [`Client::get_guarded`]).
    async fn follow_redirect(
        &self,
        resp: reqwest::Response,
        operation: &str,
    ) -> Result<reqwest::Response, Error> {
        match redirect_target(&resp)? {
            Some(target) => self.get_guarded(target, operation).await,
            None => Err(api_error(operation.to_string(), resp).await),
        }
    }

    /// Downloads a file URL (a Procore file link or a presigned storage URL). The bearer token
    /// is sent only when the URL is on the API host.
    pub async fn download(&self, url: &str) -> Result<reqwest::Response, Error> {
        let target =
            Url::parse(url).map_err(|e| Error::Config(format!("bad download URL {url:?}: {e}")))?;
        self.get_guarded(target, &format!("GET {url}")).await
    }

    /// GETs `target`, following up to 5 redirects by hand. The bearer token goes only to the API
    /// host, never to another host a redirect leads to (presigned storage URLs).
    async fn get_guarded(
        &self,
        mut target: Url,
        operation: &str,
    ) -> Result<reqwest::Response, Error> {
        for _ in 0..=5 {
            let mut rb = self.inner.http.get(target.clone());
            if same_origin(&target, &self.inner.base) {
                if let Some(t) = self.bearer(None).await? {
                    rb = rb.bearer_auth(t);
                }
            }
            let resp = rb.send().await.map_err(|e| Error::Transport {
                operation: operation.to_string(),
                source: e,
            })?;
            if resp.status().is_success() {
                return Ok(resp);
            }
            match redirect_target(&resp)? {
                Some(next) => target = next,
                None => return Err(api_error(operation.to_string(), resp).await),
            }
        }
        Err(Error::Config(format!("{operation}: too many redirects")))
    }
}

/// Where a redirect answer points, or `None` for any other answer.
fn redirect_target(resp: &reqwest::Response) -> Result<Option<Url>, Error> {
    if !resp.status().is_redirection() {
        return Ok(None);
    }
    let Some(loc) = resp
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
    else {
        return Ok(None);
    };
    resp.url()
        .join(loc)
        .map(Some)
        .map_err(|e| Error::Config(format!("bad redirect location {loc:?}: {e}")))
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// A number in [0, 1) that differs between calls and processes: std's `RandomState` is seeded
/// randomly per process and per instance, which is all jitter needs (no `rand` dependency).
fn random_unit() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(super::auth::now_secs());
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Exponential back-off with full jitter.
fn backoff(retry: &RetryPolicy, attempt: u32) -> Duration {
    let base = retry
        .initial_backoff
        .saturating_mul(1 << attempt.saturating_sub(1).min(10));
    let jitter = random_unit();
    base.mul_f64(0.5 + jitter / 2.0)
}

/// How long a 429 asks us to wait: `Retry-After` seconds, else `X-Rate-Limit-Reset` (Unix
/// seconds) minus now.
fn rate_limit_wait(headers: &HeaderMap) -> Option<Duration> {
    let num = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    if let Some(s) = num("retry-after") {
        return Some(Duration::from_secs(s));
    }
    let reset = num("x-rate-limit-reset")?;
    Some(Duration::from_secs(
        reset.saturating_sub(super::auth::now_secs()),
    ))
}

pub(crate) async fn api_error(operation: String, resp: reqwest::Response) -> Error {
    let status = resp.status();
    let headers = Box::new(resp.headers().clone());
    let body = resp.bytes().await.unwrap_or_default();
    let parsed = serde_json::from_slice(&body).ok();
    Error::Api {
        status,
        operation,
        headers,
        body,
        parsed,
    }
}
