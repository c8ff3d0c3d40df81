//! The client: environment, credentials, company, retries, rate-limit state.

use super::auth::{Grant, MemoryTokenStore, TokenResponse};
use super::request::{Body, Request};
use crate::{Error, Token, TokenStore};
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, LOCATION,
};
use reqwest::{Method, StatusCode};
use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex as StdMutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tracing::Instrument;
use url::Url;

/// Which Procore deployment to call.
///
/// ```
/// use procore::Environment;
/// assert_eq!(Environment::Sandbox.api_url(), "https://sandbox.procore.com");
/// assert_eq!(Environment::Sandbox.login_url(), "https://login-sandbox.procore.com");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Environment {
    /// `api.procore.com` / `login.procore.com`.
    #[default]
    Production,
    /// The development sandbox: `sandbox.procore.com` / `login-sandbox.procore.com`.
    Sandbox,
    /// The monthly sandbox: `api-monthly.procore.com` / `login-sandbox-monthly.procore.com`.
    MonthlySandbox,
    /// Custom base URLs (a proxy, or a test server). A path in the base URL is kept:
    /// `https://proxy.example/procore` sends `GET /rest/v1.0/me` to
    /// `https://proxy.example/procore/rest/v1.0/me`.
    Custom {
        /// Base URL of the REST API.
        api: String,
        /// Base URL of the OAuth server.
        login: String,
    },
}

impl Environment {
    /// [`Environment::Custom`] from two base URLs.
    pub fn custom(api: impl Into<String>, login: impl Into<String>) -> Environment {
        Environment::Custom {
            api: api.into(),
            login: login.into(),
        }
    }

    /// Base URL of the REST API.
    pub fn api_url(&self) -> &str {
        match self {
            Environment::Production => "https://api.procore.com",
            Environment::Sandbox => "https://sandbox.procore.com",
            Environment::MonthlySandbox => "https://api-monthly.procore.com",
            Environment::Custom { api, .. } => api,
        }
    }

    /// Base URL of the OAuth server (`/oauth/authorize`, `/oauth/token`).
    pub fn login_url(&self) -> &str {
        match self {
            Environment::Production => "https://login.procore.com",
            Environment::Sandbox => "https://login-sandbox.procore.com",
            Environment::MonthlySandbox => "https://login-sandbox-monthly.procore.com",
            Environment::Custom { login, .. } => login,
        }
    }
}

/// When and how often requests are retried.
///
/// A request the server may have processed is never repeated unless that is safe: `GET`,
/// `HEAD`, `PUT`, `DELETE` and `OPTIONS` are retried after 502, 503, 504 and network errors;
/// `POST` and `PATCH` only after 429 (which means "not processed"), after a connection that
/// could not be opened, or when the request carries an `Idempotency-Token` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 3). `0` turns retrying off, except for the one
    /// token refresh after a 401.
    pub max_retries: u32,
    /// First back-off delay after 502/503/504 or a network error, doubled each time, with jitter
    /// (default 500 ms).
    pub initial_backoff: Duration,
    /// Longest back-off delay (default 30 s).
    pub max_backoff: Duration,
    /// Longest wait for a rate-limit reset (`X-Rate-Limit-Reset`, `Retry-After`); a 429 asking
    /// for longer is returned as an error at once (default 120 s).
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_wait: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// No retries at all (the one token refresh after a 401 still happens).
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }
}

/// The rate-limit state from the last response (`X-Rate-Limit-*` headers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// `X-Rate-Limit-Limit`: requests allowed per window.
    pub limit: Option<u64>,
    /// `X-Rate-Limit-Remaining`: requests left in this window.
    pub remaining: Option<u64>,
    /// `X-Rate-Limit-Reset`: when the window resets (Unix seconds).
    pub reset: Option<u64>,
}

impl RateLimit {
    /// Time left until the window resets, by this machine's clock (zero once it has passed).
    pub fn reset_in(&self) -> Option<Duration> {
        let reset = UNIX_EPOCH + Duration::from_secs(self.reset?);
        Some(
            reset
                .duration_since(SystemTime::now())
                .unwrap_or(Duration::ZERO),
        )
    }
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base: Url,
    login: Url,
    credentials: Option<Grant>,
    store: Arc<dyn TokenStore>,
    /// The current token, so that a request does not read the store (a file) every time.
    token: StdMutex<Option<Cached>>,
    /// `Authorization` for a fixed bearer token.
    fixed: Option<HeaderValue>,
    /// Held while a token is fetched: one refresh at a time, whatever the number of requests.
    refresh: tokio::sync::Mutex<()>,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    rate_limit: StdMutex<Option<RateLimit>>,
}

/// A token and its `Authorization` header value, built once rather than for every request.
#[derive(Clone)]
struct Cached {
    token: Token,
    header: HeaderValue,
}

impl Cached {
    fn new(token: Token) -> Result<Cached, Error> {
        let header = bearer_header(&token.access_token)?;
        Ok(Cached { token, header })
    }
}

fn bearer_header(token: &str) -> Result<HeaderValue, Error> {
    let mut v = HeaderValue::from_str(&format!("Bearer {token}"))
        .map_err(|_| Error::Auth("the access token has characters a header cannot carry".into()))?;
    v.set_sensitive(true);
    Ok(v)
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
    company_id: Option<i64>,
    /// `company_id` as a header value, built once per handle.
    company: Option<HeaderValue>,
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

/// Builds a [`Client`]; start with [`Client::builder`].
pub struct ClientBuilder {
    environment: Environment,
    credentials: Option<Grant>,
    redirect_uri: Option<String>,
    store: Option<Arc<dyn TokenStore>>,
    company_id: Option<i64>,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    pool_idle_timeout: Option<Duration>,
    user_agent: Option<String>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            environment: Environment::default(),
            credentials: None,
            redirect_uri: None,
            store: None,
            company_id: None,
            retry: RetryPolicy::default(),
            timeout: Some(Duration::from_secs(60)),
            connect_timeout: None,
            pool_idle_timeout: Some(Duration::from_secs(90)),
            user_agent: None,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("environment", &self.environment)
            .field("credentials", &self.credentials)
            .field("store", &self.store)
            .field("company_id", &self.company_id)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Which deployment to call (default: production).
    pub fn environment(mut self, env: Environment) -> Self {
        self.environment = env;
        self
    }

    /// Authenticate with a fixed access token. It is never refreshed: a 401 is returned as an
    /// error.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Some(Grant::Bearer(token.into()));
        self
    }

    /// Authenticate with client credentials (a developer managed service account). Tokens are
    /// fetched when needed, renewed a minute before they expire and once after a 401.
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

    /// Authenticate with the token pair kept in `store` (saved by
    /// [`Client::exchange_code`] after the authorization-code flow, or by an earlier run).
    ///
    /// Procore's refresh tokens are single-use: each refresh saves the new pair in `store`,
    /// so use a store that outlives the process ([`FileTokenStore`](crate::FileTokenStore)).
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

    /// The redirect URI registered for the app, sent with refresh-token requests (optional).
    pub fn redirect_uri(mut self, redirect_uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(redirect_uri.into());
        self
    }

    /// Where tokens are kept (default: memory).
    pub fn token_store(mut self, store: impl TokenStore + 'static) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// A builder set up from `PROCORE_*` environment variables (empty values count as unset):
    /// - `PROCORE_TOKEN` (an access token), or `PROCORE_CLIENT_ID` and `PROCORE_CLIENT_SECRET`
    ///   (client credentials);
    /// - `PROCORE_ENV`: `production` (default), `sandbox` or `monthly-sandbox`; or
    ///   `PROCORE_BASE_URL` (and `PROCORE_LOGIN_URL`, default the same) for another server;
    /// - `PROCORE_COMPANY_ID`, optional: sent as `Procore-Company-Id`.
    pub fn from_env() -> Result<ClientBuilder, Error> {
        Self::from_vars(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// [`ClientBuilder::from_env`], reading the settings through `var` (a config file, a test).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<ClientBuilder, Error> {
        let environment = match (var("PROCORE_BASE_URL"), var("PROCORE_ENV").as_deref()) {
            (Some(api), _) => {
                Environment::custom(&api, var("PROCORE_LOGIN_URL").unwrap_or(api.clone()))
            }
            (None, None | Some("production")) => Environment::Production,
            (None, Some("sandbox")) => Environment::Sandbox,
            (None, Some("monthly-sandbox")) => Environment::MonthlySandbox,
            (None, Some(other)) => {
                return Err(Error::Config(format!(
                    "PROCORE_ENV={other}: expected production, sandbox or monthly-sandbox"
                )))
            }
        };
        let builder = Client::builder().environment(environment);
        let mut builder = match (
            var("PROCORE_TOKEN"),
            var("PROCORE_CLIENT_ID"),
            var("PROCORE_CLIENT_SECRET"),
        ) {
            (Some(token), _, _) => builder.bearer_token(token),
            (None, Some(id), Some(secret)) => builder.client_credentials(id, secret),
            _ => {
                return Err(Error::Config(
                    "set PROCORE_TOKEN, or PROCORE_CLIENT_ID and PROCORE_CLIENT_SECRET".into(),
                ))
            }
        };
        if let Some(text) = var("PROCORE_COMPANY_ID") {
            let id = text.parse().map_err(|e| {
                Error::Config(format!("PROCORE_COMPANY_ID={text:?}: not an id ({e})"))
            })?;
            builder = builder.company(id);
        }
        Ok(builder)
    }

    /// The company sent as `Procore-Company-Id` on every request (see also
    /// [`Client::with_company`]).
    pub fn company(mut self, company_id: i64) -> Self {
        self.company_id = Some(company_id);
        self
    }

    /// Retry behaviour (default: [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Longest time one attempt of an API request may take, reading the body included
    /// (default 60 s; `None`: no limit). Downloads have no overall limit, only this long
    /// without receiving data.
    pub fn timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.timeout = timeout.into();
        self
    }

    /// Longest time to open a connection (default: no limit besides [`timeout`](Self::timeout)).
    pub fn connect_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.connect_timeout = timeout.into();
        self
    }

    /// How long an idle connection is kept for reuse (default 90 s; `None`: until the server
    /// closes it). With `None` the client starts no timers of its own besides the
    /// [`timeout`](Self::timeout)s, which tests under tokio's paused clock need.
    pub fn pool_idle_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.pool_idle_timeout = timeout.into();
        self
    }

    /// Extra text for the `User-Agent` header (after `procore-rs/<version>`).
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when a base URL does not parse or the HTTP client cannot be built.
    pub fn build(self) -> Result<Client, Error> {
        let parse = |s: &str| {
            let url =
                Url::parse(s).map_err(|e| Error::Config(format!("bad base URL {s:?}: {e}")))?;
            if url.cannot_be_a_base() || !matches!(url.scheme(), "http" | "https") {
                return Err(Error::Config(format!(
                    "bad base URL {s:?}: not an http(s) URL"
                )));
            }
            Ok(url)
        };
        let base = parse(self.environment.api_url())?;
        let login = parse(self.environment.login_url())?;
        let ua = format!(
            "procore-rs/{}{}",
            env!("CARGO_PKG_VERSION"),
            self.user_agent.map(|u| format!(" {u}")).unwrap_or_default()
        );
        let mut http = reqwest::Client::builder()
            .user_agent(ua)
            // Redirects are followed by hand so the bearer token never leaves Procore's host.
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(self.pool_idle_timeout);
        if let Some(t) = self.timeout {
            // The overall limit is set per request (downloads have none); this one catches a
            // stalled download.
            http = http.read_timeout(t);
        }
        if let Some(t) = self.connect_timeout {
            http = http.connect_timeout(t);
        }
        let http = http
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        let fixed = match &self.credentials {
            Some(Grant::Bearer(t)) => Some(bearer_header(t)?),
            _ => None,
        };
        let credentials = match self.credentials {
            Some(Grant::RefreshToken {
                client_id,
                client_secret,
                redirect_uri,
            }) => Some(Grant::RefreshToken {
                client_id,
                client_secret,
                redirect_uri: self.redirect_uri.or(redirect_uri),
            }),
            other => other,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                login,
                credentials,
                store: self
                    .store
                    .unwrap_or_else(|| Arc::new(MemoryTokenStore::default())),
                token: StdMutex::new(None),
                fixed,
                refresh: tokio::sync::Mutex::new(()),
                retry: self.retry,
                timeout: self.timeout,
                rate_limit: StdMutex::new(None),
            }),
            company_id: self.company_id,
            company: self.company_id.map(HeaderValue::from),
        })
    }
}

/// A token is renewed when it expires within this margin.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// Redirects followed for one request.
const MAX_REDIRECTS: u32 = 5;
const COMPANY_HEADER: HeaderName = HeaderName::from_static("procore-company-id");

fn lock<T>(m: &StdMutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A handle to the same client (connections, tokens, rate-limit state) that sends
    /// `Procore-Company-Id: company_id` on every request.
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
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    /// The rate-limit state of the last response that carried `X-Rate-Limit-*` headers.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        *lock(&self.inner.rate_limit)
    }

    /// Starts a request; generated methods call this.
    pub(crate) fn request(&self, method: Method, template: &'static str, path: String) -> Request {
        Request::new(self.clone(), method, template, path)
    }

    /// The URL to send a user to for the authorization-code grant. After the user approves,
    /// Procore redirects to `redirect_uri?code=...`; pass the code to
    /// [`exchange_code`](Self::exchange_code).
    pub fn authorize_url(&self, client_id: &str, redirect_uri: &str) -> Url {
        let mut url = join_path(&self.inner.login, "/oauth/authorize");
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", redirect_uri);
        url
    }

    /// Exchanges an authorization code for a token pair and saves it in the token store, where
    /// a client built with [`ClientBuilder::refresh_token`] finds it.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] when the token endpoint refuses the code (its `error_description` is in
    /// the message), [`Error::Transport`] when it cannot be reached, [`Error::Auth`] when the
    /// token cannot be saved.
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
        *lock(&self.inner.token) = Some(Cached::new(token.clone())?);
        self.inner.store.save(&token)?;
        Ok(token)
    }

    async fn token_request(&self, form: &[(&str, &str)]) -> Result<Token, Error> {
        const OPERATION: &str = "POST /oauth/token";
        let url = join_path(&self.inner.login, "/oauth/token");
        let grant_type = form
            .iter()
            .find(|(k, _)| *k == "grant_type")
            .map_or("", |(_, v)| *v);
        let span = tracing::info_span!("procore.token", grant_type, status = tracing::field::Empty);
        let transport = |e: reqwest::Error| Error::Transport {
            operation: OPERATION.into(),
            source: e,
        };
        async {
            let mut rb = self
                .inner
                .http
                .post(url)
                .header(ACCEPT, "application/json")
                .form(form);
            if let Some(t) = self.inner.timeout {
                rb = rb.timeout(t);
            }
            let resp = rb.send().await.map_err(transport)?;
            span.record("status", resp.status().as_u16());
            if !resp.status().is_success() {
                return Err(api_error(OPERATION.into(), resp).await);
            }
            let body = resp.bytes().await.map_err(transport)?;
            // Not `Error::Decode`: that keeps the body, and this body holds the tokens.
            let t: TokenResponse = serde_json::from_slice(&body).map_err(|e| {
                Error::Auth(format!(
                    "the token endpoint's answer is not a token ({e}); check the login URL"
                ))
            })?;
            Ok(t.into_token())
        }
        .instrument(span.clone())
        .await
    }

    /// The `Authorization` value to send. `stale` is one the server just rejected: a new token
    /// is fetched unless another request already replaced it. One refresh runs at a time;
    /// requests waiting for it reuse its result.
    pub(crate) async fn bearer(
        &self,
        stale: Option<&HeaderValue>,
    ) -> Result<Option<HeaderValue>, Error> {
        let grant = match &self.inner.credentials {
            None => return Ok(None),
            Some(Grant::Bearer(_)) => return Ok(self.inner.fixed.clone()),
            Some(g) => g,
        };
        let usable =
            |c: &Cached| !c.token.expires_within(REFRESH_MARGIN) && Some(&c.header) != stale;
        if let Some(c) = lock(&self.inner.token).as_ref().filter(|c| usable(c)) {
            return Ok(Some(c.header.clone()));
        }
        let _guard = self.inner.refresh.lock().await;
        // Another request may have refreshed while this one waited.
        let cached = lock(&self.inner.token).clone();
        if let Some(c) = cached.as_ref().filter(|c| usable(c)) {
            return Ok(Some(c.header.clone()));
        }
        // The store may hold a newer token: the first request, `exchange_code`, or another
        // process sharing a token file.
        let stored = self.inner.store.load()?.map(Cached::new).transpose()?;
        if let Some(c) = stored.as_ref().filter(|c| usable(c)) {
            *lock(&self.inner.token) = Some(c.clone());
            return Ok(Some(c.header.clone()));
        }
        let token = match grant {
            Grant::RefreshToken {
                client_id,
                client_secret,
                redirect_uri,
            } => {
                // The store's refresh token wins (another process may have rotated it); the
                // cached one covers a store that could not be written last time.
                let refresh = stored
                    .and_then(|c| c.token.refresh_token)
                    .or_else(|| cached.and_then(|c| c.token.refresh_token))
                    .ok_or_else(|| {
                        Error::Auth(
                            "no refresh token in the token store; run the authorization-code \
                             flow (Client::authorize_url, Client::exchange_code) first"
                                .into(),
                        )
                    })?;
                let mut form = vec![
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh.as_str()),
                    ("client_id", client_id.as_str()),
                    ("client_secret", client_secret.as_str()),
                ];
                if let Some(r) = redirect_uri {
                    form.push(("redirect_uri", r.as_str()));
                }
                let mut token = self.token_request(&form).await?;
                // A server that does not rotate refresh tokens leaves the old one valid.
                if token.refresh_token.is_none() {
                    token.refresh_token = Some(refresh);
                }
                token
            }
            Grant::ClientCredentials {
                client_id,
                client_secret,
            } => {
                self.token_request(&[
                    ("grant_type", "client_credentials"),
                    ("client_id", client_id),
                    ("client_secret", client_secret),
                ])
                .await?
            }
            Grant::Bearer(_) => unreachable!("returned above"),
        };
        let fresh = Cached::new(token)?;
        *lock(&self.inner.token) = Some(fresh.clone());
        // Saved before the token is used: a refresh token is single-use, and losing the new one
        // would mean authorizing again.
        self.inner.store.save(&fresh.token)?;
        Ok(Some(fresh.header))
    }

    fn refreshable(&self) -> bool {
        matches!(
            self.inner.credentials,
            Some(Grant::ClientCredentials { .. } | Grant::RefreshToken { .. })
        )
    }

    fn record_rate_limit(&self, headers: &HeaderMap) {
        let rl = RateLimit {
            limit: header_u64(headers, "x-rate-limit-limit"),
            remaining: header_u64(headers, "x-rate-limit-remaining"),
            reset: header_u64(headers, "x-rate-limit-reset"),
        };
        if rl.limit.is_some() || rl.remaining.is_some() || rl.reset.is_some() {
            *lock(&self.inner.rate_limit) = Some(rl);
        }
    }

    /// Sends a request with authentication, retries, rate-limit handling and redirects.
    ///
    /// The bearer token, `Procore-Company-Id` and the request's own headers go only to the API
    /// host (same scheme, host and port as the base URL), never to another host a URL or a
    /// redirect leads to (presigned storage URLs).
    pub(crate) async fn execute(&self, req: &Request) -> Result<reqwest::Response, Error> {
        let retry = &self.inner.retry;
        let mut url = req.url(&self.inner.base)?;
        let mut method = req.method.clone();
        let mut send_body = true;
        let mut redirects: u32 = 0;
        let mut attempt: u32 = 0;
        let mut refreshed = false;
        let mut stale: Option<HeaderValue> = None;
        loop {
            attempt += 1;
            // A request the server may have processed is repeated only when that is safe.
            let idempotent = matches!(
                method,
                Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
            ) || req.has_idempotency_token();
            let procore = same_origin(&url, &self.inner.base);
            let token = if procore {
                self.bearer(stale.as_ref()).await?
            } else {
                None
            };
            let mut rb = self.inner.http.request(method.clone(), url.clone());
            if let Some(t) = &token {
                rb = rb.header(AUTHORIZATION, t.clone());
            }
            if procore {
                if let Some(c) = &self.company {
                    rb = rb.header(COMPANY_HEADER, c.clone());
                }
                for (k, v) in &req.headers {
                    rb = rb.header(k.as_str(), v.as_str());
                }
            }
            if send_body {
                rb = match &req.body {
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
                        source: if procore { e } else { e.without_url() },
                    });
                }
            };
            let status = resp.status();
            span.record("status", status.as_u16());
            if procore {
                self.record_rate_limit(resp.headers());
            }
            if status == StatusCode::UNAUTHORIZED
                && token.is_some()
                && !refreshed
                && self.refreshable()
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
                let wait = header_u64(resp.headers(), "retry-after")
                    .map(Duration::from_secs)
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

    /// Downloads a file: a Procore file URL (absolute, or a path on the API host) or a
    /// presigned storage URL, following redirects. The bearer token and `Procore-Company-Id`
    /// are sent only to the API host, never to another host a URL or a redirect leads to.
    ///
    /// The body is not read: stream it with `Response::bytes_stream` or `chunk`, or use
    /// [`download_to_file`](Self::download_to_file). Downloads have no overall timeout, only
    /// the idle-read one.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for a URL that does not parse; otherwise as any request.
    pub async fn download(&self, url: &str) -> Result<reqwest::Response, Error> {
        let target = if url.starts_with('/') {
            // A path on the API host (under the base path, if it has one).
            let (path, query) = url.split_once('?').unwrap_or((url, ""));
            let mut target = join_path(&self.inner.base, path);
            target.set_query((!query.is_empty()).then_some(query));
            target
        } else {
            Url::parse(url).map_err(|e| Error::Config(format!("bad download URL {url:?}: {e}")))?
        };
        let label = format!("GET {}", without_query(&target));
        let req = Request::new(self.clone(), Method::GET, "(download)", String::new())
            .absolute(target)
            .label(label)
            .streaming();
        self.execute(&req).await
    }

    /// Downloads a file (see [`download`](Self::download)) into `path`, a chunk at a time, and
    /// returns the number of bytes written. The file is written under a temporary name and
    /// renamed when complete, so `path` never holds a partial download.
    ///
    /// # Errors
    ///
    /// As [`download`](Self::download); [`Error::Transport`] when the body breaks off;
    /// [`Error::Encode`] when the file cannot be written.
    pub async fn download_to_file(&self, url: &str, path: impl AsRef<Path>) -> Result<u64, Error> {
        use tokio::io::AsyncWriteExt;
        let path = path.as_ref();
        let mut resp = self.download(url).await?;
        let operation = format!("GET {}", without_query(resp.url()));
        let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
        tmp_name.push(".part");
        let tmp = path.with_file_name(tmp_name);
        let io =
            |e: std::io::Error| Error::Encode(format!("{}: cannot write ({e})", path.display()));
        let mut file = tokio::fs::File::create(&tmp).await.map_err(io)?;
        let mut written = 0u64;
        let result: Result<(), Error> = async {
            while let Some(chunk) = resp.chunk().await.map_err(|e| Error::Transport {
                operation: operation.clone(),
                source: e.without_url(),
            })? {
                file.write_all(&chunk).await.map_err(io)?;
                written += chunk.len() as u64;
            }
            file.flush().await.map_err(io)?;
            file.sync_all().await.map_err(io)?;
            Ok(())
        }
        .await;
        drop(file);
        match result {
            Ok(()) => {
                tokio::fs::rename(&tmp, path).await.map_err(io)?;
                Ok(written)
            }
            Err(e) => {
                let _ = tokio::fs::remove_file(&tmp).await;
                Err(e)
            }
        }
    }
}

/// `base` with `path` appended to its path (a base path such as `/procore` is kept).
pub(crate) fn join_path(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    let prefix = base.path().trim_end_matches('/');
    if prefix.is_empty() && path.starts_with('/') {
        url.set_path(path);
    } else {
        let sep = if path.starts_with('/') { "" } else { "/" };
        url.set_path(&format!("{prefix}{sep}{path}"));
    }
    url.set_query(None);
    url.set_fragment(None);
    url
}

/// The URL without query or fragment, for messages (a presigned URL's query is a credential).
fn without_query(url: &Url) -> String {
    let mut u = url.clone();
    u.set_query(None);
    u.set_fragment(None);
    let _ = u.set_password(None);
    let _ = u.set_username("");
    u.to_string()
}

fn header_u64(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
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
    h.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Exponential back-off (`initial * 2^(attempt-1)`, at most `max_backoff`) with jitter: a
/// random point in the upper half, so that clients that failed together retry apart.
fn backoff(retry: &RetryPolicy, attempt: u32) -> Duration {
    let base = retry
        .initial_backoff
        .saturating_mul(1 << attempt.saturating_sub(1).min(16))
        .min(retry.max_backoff);
    base.mul_f64(0.5 + random_unit() / 2.0)
}

/// How long a 429 asks us to wait: `Retry-After` seconds, else `X-Rate-Limit-Reset` minus
/// `now`. The reset is Unix seconds; a small number (below a year's seconds) is read as seconds
/// from now, which some proxies send. `None` when neither header says (or the reset has passed).
pub(crate) fn rate_limit_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if let Some(s) = header_u64(headers, "retry-after") {
        return Some(Duration::from_secs(s));
    }
    let reset = header_u64(headers, "x-rate-limit-reset")?;
    if reset < 365 * 24 * 3600 {
        return Some(Duration::from_secs(reset));
    }
    let wait = (UNIX_EPOCH + Duration::from_secs(reset))
        .duration_since(now)
        .ok()?;
    (!wait.is_zero()).then_some(wait)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_wait_reads_retry_after_then_reset() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut h = HeaderMap::new();
        assert_eq!(rate_limit_wait(&h, now), None);
        h.insert("x-rate-limit-reset", HeaderValue::from_static("1700000007"));
        assert_eq!(rate_limit_wait(&h, now), Some(Duration::from_secs(7)));
        h.insert("x-rate-limit-reset", HeaderValue::from_static("1699999990"));
        assert_eq!(rate_limit_wait(&h, now), None);
        h.insert("x-rate-limit-reset", HeaderValue::from_static("12"));
        assert_eq!(rate_limit_wait(&h, now), Some(Duration::from_secs(12)));
        h.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(rate_limit_wait(&h, now), Some(Duration::from_secs(3)));
    }

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let p = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(350),
            ..RetryPolicy::default()
        };
        for _ in 0..50 {
            let b1 = backoff(&p, 1);
            assert!(b1 >= Duration::from_millis(50) && b1 <= Duration::from_millis(100));
            let b2 = backoff(&p, 2);
            assert!(b2 >= Duration::from_millis(100) && b2 <= Duration::from_millis(200));
            assert!(backoff(&p, 30) <= Duration::from_millis(350));
        }
    }

    #[test]
    fn paths_join_under_a_base_path() {
        let base = Url::parse("https://proxy.example/procore/").unwrap();
        assert_eq!(
            join_path(&base, "/rest/v1.0/me").as_str(),
            "https://proxy.example/procore/rest/v1.0/me"
        );
        let base = Url::parse("https://api.procore.com").unwrap();
        assert_eq!(
            join_path(&base, "/rest/v1.0/me").as_str(),
            "https://api.procore.com/rest/v1.0/me"
        );
    }

    #[test]
    fn origins() {
        let a = Url::parse("https://api.procore.com/x").unwrap();
        assert!(same_origin(
            &a,
            &Url::parse("https://api.procore.com:443/y?z").unwrap()
        ));
        assert!(!same_origin(
            &a,
            &Url::parse("http://api.procore.com/x").unwrap()
        ));
        assert!(!same_origin(
            &a,
            &Url::parse("https://s3.amazonaws.com/x").unwrap()
        ));
        assert!(!same_origin(
            &a,
            &Url::parse("https://api.procore.com:8443/x").unwrap()
        ));
    }

    #[test]
    fn messages_drop_presigned_queries() {
        let u = Url::parse("https://user:pw@s3.example/b/f.pdf?X-Amz-Signature=abc#x").unwrap();
        assert_eq!(without_query(&u), "https://s3.example/b/f.pdf");
    }
}
