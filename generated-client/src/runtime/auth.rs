//! OAuth 2.0: credentials, tokens, token stores, and refresh that happens once however many
//! requests are waiting for it.

use crate::Error;
use std::fmt;
use std::path::PathBuf;
use std::sync::Mutex as StdMutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// An access token and, when the grant gives one, its refresh token.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Token {
    /// The bearer token.
    pub access_token: String,
    /// The single-use refresh token, when there is one.
    pub refresh_token: Option<String>,
    /// Expiry as Unix seconds, when known.
    pub expires_at: Option<u64>,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("access_token", &"<redacted>")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl Token {
    /// True when the token expires within `margin` (or has expired).
    pub fn expires_within(&self, margin: Duration) -> bool {
        match self.expires_at {
            Some(at) => now_secs() + margin.as_secs() >= at,
            None => false,
        }
    }
}

pub(crate) fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Where tokens are kept between runs. Procore's refresh tokens are single-use, so the new one
/// must be saved every time a token is refreshed.
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// The saved token, if any.
    fn load(&self) -> Result<Option<Token>, Error>;
    /// Saves a token, replacing the previous one.
    fn save(&self, token: &Token) -> Result<(), Error>;
}

/// Keeps the token in memory only.
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    token: StdMutex<Option<Token>>,
}

impl MemoryTokenStore {
    /// A store holding `token`.
    pub fn new(token: Option<Token>) -> Self {
        MemoryTokenStore {
            token: StdMutex::new(token),
        }
    }
}

impl TokenStore for MemoryTokenStore {
    fn load(&self) -> Result<Option<Token>, Error> {
        Ok(self
            .token
            .lock()
            .map_err(|_| Error::Auth("token store lock poisoned".into()))?
            .clone())
    }
    fn save(&self, token: &Token) -> Result<(), Error> {
        *self
            .token
            .lock()
            .map_err(|_| Error::Auth("token store lock poisoned".into()))? = Some(token.clone());
        Ok(())
    }
}

/// Keeps the token in a JSON file, written atomically (temp file, then rename) with mode 0600.
#[derive(Debug, Clone)]
pub struct FileTokenStore {
    path: PathBuf,
}

impl FileTokenStore {
    /// A store backed by `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileTokenStore { path: path.into() }
    }
}

impl TokenStore for FileTokenStore {
    fn load(&self) -> Result<Option<Token>, Error> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                Error::Auth(format!(
                    "{}: not a token file ({e}); delete it and authorize again",
                    self.path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::Auth(format!("{}: {e}", self.path.display()))),
        }
    }
    fn save(&self, token: &Token) -> Result<(), Error> {
        let bytes = serde_json::to_vec_pretty(token).map_err(|e| Error::Auth(e.to_string()))?;
        let tmp = self.path.with_extension("tmp");
        let write = || -> std::io::Result<()> {
            std::fs::write(&tmp, &bytes)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))?;
            }
            std::fs::rename(&tmp, &self.path)
        };
        write().map_err(|e| {
            Error::Auth(format!(
                "{}: cannot save the token ({e})",
                self.path.display()
            ))
        })
    }
}

/// How the client authenticates (the OAuth grant it uses).
#[derive(Clone)]
pub(crate) enum Grant {
    /// A fixed bearer token.
    Bearer(String),
    /// Client credentials (a developer managed service account).
    ClientCredentials {
        client_id: String,
        client_secret: String,
    },
    /// A refresh token grant: the store holds the current token pair.
    RefreshToken {
        client_id: String,
        client_secret: String,
        redirect_uri: Option<String>,
    },
}

impl fmt::Debug for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Grant::Bearer(_) => f.write_str("Bearer(<redacted>)"),
            Grant::ClientCredentials { client_id, .. } => write!(
                f,
                "ClientCredentials {{ client_id: {client_id:?}, client_secret: <redacted> }}"
            ),
            Grant::RefreshToken { client_id, .. } => write!(
                f,
                "RefreshToken {{ client_id: {client_id:?}, client_secret: <redacted> }}"
            ),
        }
    }
}

/// The token endpoint's answer.
#[derive(serde::Deserialize)]
pub(crate) struct TokenResponse {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_in: Option<u64>,
    pub created_at: Option<u64>,
}

impl TokenResponse {
    pub(crate) fn into_token(self) -> Token {
        let start = self.created_at.unwrap_or_else(now_secs);
        Token {
            access_token: self.access_token,
            refresh_token: self.refresh_token,
            expires_at: self.expires_in.map(|e| start + e),
        }
    }
}
