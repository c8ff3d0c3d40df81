//! Configuring a client: environment, credentials, company, retries, timeouts, token hosts,
//! and the `PROCORE_*` environment variables.

use super::auth::{bearer_header, Grant, MemoryTokenStore, TokenStore};
use super::client::{Client, Inner};
use super::environment::Environment;
use super::error::Error;
use super::rate_limit::RateLimits;
use super::retry::RetryPolicy;
use super::urls::TokenHosts;
use reqwest::header::HeaderValue;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use url::Url;

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
    pause_on_rate_limit: bool,
    token_domains: Option<Vec<String>>,
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
            pause_on_rate_limit: true,
            token_domains: None,
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
            .field("pause_on_rate_limit", &self.pause_on_rate_limit)
            .field("token_domains", &self.token_domains)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
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
    /// - `PROCORE_ENV`: `production` (default), `sandbox`, `monthly-sandbox` or `federal`; or
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
            (None, Some("federal")) => Environment::Federal,
            (None, Some(other)) => {
                return Err(Error::Config(format!(
                    "PROCORE_ENV={other}: expected production, sandbox, monthly-sandbox or federal"
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

    /// Whether a request waits when the last answer said the rate-limit window is used up
    /// (`X-Rate-Limit-Remaining: 0`) until `X-Rate-Limit-Reset`, as Procore asks (default:
    /// on). Every clone of the client shares the window, so concurrent tasks all wait. A reset
    /// further away than [`RetryPolicy::max_wait`] is not waited for: the request is sent and
    /// the server's 429 returned.
    ///
    /// ```
    /// let client = procore::Client::builder()
    ///     .bearer_token("token")
    ///     .pause_on_rate_limit(false)
    ///     .build()?;
    /// # Ok::<(), procore::Error>(())
    /// ```
    pub fn pause_on_rate_limit(mut self, pause: bool) -> Self {
        self.pause_on_rate_limit = pause;
        self
    }

    /// The domains whose hosts get the bearer token besides the API host, replacing the
    /// environment's ([`Environment::token_domains`]: `procore.com`, or `procoregov.com` for
    /// the federal zone). `example.com` matches `example.com` and `*.example.com`, over
    /// `https` (or `http` when the API base URL is `http`). Any other host, a file link's or a
    /// redirect's, gets neither the token nor `Procore-Company-Id`.
    ///
    /// ```
    /// // A proxy in front of Procore whose file links are on files.proxy.example:
    /// let client = procore::Client::builder()
    ///     .environment(procore::Environment::custom(
    ///         "https://procore.proxy.example",
    ///         "https://login.proxy.example",
    ///     ))
    ///     .token_domains(["files.proxy.example"])
    ///     .bearer_token("token")
    ///     .build()?;
    /// # Ok::<(), procore::Error>(())
    /// ```
    pub fn token_domains<I, S>(mut self, domains: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.token_domains = Some(domains.into_iter().map(Into::into).collect());
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
        let base = parse_base(self.environment.api_url())?;
        let login = parse_base(self.environment.login_url())?;
        let ua = format!(
            "procore-rs/{}{}",
            env!("CARGO_PKG_VERSION"),
            self.user_agent.map(|u| format!(" {u}")).unwrap_or_default()
        );
        let mut http = reqwest::Client::builder()
            .user_agent(ua)
            // Redirects are followed by hand so the bearer token never leaves Procore's hosts.
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
        let domains = self.token_domains.unwrap_or_else(|| {
            let defaults = self.environment.token_domains();
            defaults.iter().map(|d| d.to_string()).collect()
        });
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                token_hosts: TokenHosts::new(base.clone(), domains),
                base,
                login,
                credentials,
                store: self
                    .store
                    .unwrap_or_else(|| Arc::new(MemoryTokenStore::default())),
                token: Mutex::new(None),
                fixed,
                refresh: tokio::sync::Mutex::new(()),
                retry: self.retry,
                timeout: self.timeout,
                rate_limits: RateLimits::new(self.pause_on_rate_limit),
            }),
            company_id: self.company_id,
            company: self.company_id.map(HeaderValue::from),
        })
    }
}

fn parse_base(s: &str) -> Result<Url, Error> {
    let url = Url::parse(s).map_err(|e| Error::Config(format!("bad base URL {s:?}: {e}")))?;
    if url.cannot_be_a_base() || !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Config(format!(
            "bad base URL {s:?}: not an http(s) URL"
        )));
    }
    Ok(url)
}
