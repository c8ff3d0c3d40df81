//! Which Procore deployment to call, and which domains of it may receive the bearer token.

/// Which Procore deployment to call.
///
/// ```
/// use procore::Environment;
/// assert_eq!(Environment::Sandbox.api_url(), "https://sandbox.procore.com");
/// assert_eq!(Environment::Sandbox.login_url(), "https://login-sandbox.procore.com");
/// assert_eq!(Environment::Federal.api_url(), "https://api.procoregov.com");
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
    /// Procore's federal zone: `api.procoregov.com` / `login.procoregov.com`. Its file links are
    /// on `*.procoregov.com`, and the token goes to those hosts only (never to `*.procore.com`).
    Federal,
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
            Environment::Federal => "https://api.procoregov.com",
            Environment::Custom { api, .. } => api,
        }
    }

    /// Base URL of the OAuth server (`/oauth/authorize`, `/oauth/token`).
    pub fn login_url(&self) -> &str {
        match self {
            Environment::Production => "https://login.procore.com",
            Environment::Sandbox => "https://login-sandbox.procore.com",
            Environment::MonthlySandbox => "https://login-sandbox-monthly.procore.com",
            Environment::Federal => "https://login.procoregov.com",
            Environment::Custom { login, .. } => login,
        }
    }

    /// The domains whose hosts receive the bearer token besides the API host: Procore asks for
    /// it on every file and document URL on its own domains (`storage.procore.com/...`) and
    /// never on others (the cloud storage a file link redirects to). A custom environment has
    /// none; set them with [`ClientBuilder::token_domains`](crate::ClientBuilder::token_domains).
    ///
    /// ```
    /// use procore::Environment;
    /// assert_eq!(Environment::Sandbox.token_domains(), ["procore.com"]);
    /// assert_eq!(Environment::Federal.token_domains(), ["procoregov.com"]);
    /// assert!(Environment::custom("http://localhost:8080", "http://localhost:8080")
    ///     .token_domains()
    ///     .is_empty());
    /// ```
    pub fn token_domains(&self) -> &'static [&'static str] {
        match self {
            Environment::Production | Environment::Sandbox | Environment::MonthlySandbox => {
                &["procore.com"]
            }
            Environment::Federal => &["procoregov.com"],
            Environment::Custom { .. } => &[],
        }
    }
}
