//! OAuth 2.0: credentials, tokens, token stores, and refresh that happens once however many
//! requests are waiting for it.

use super::error::Error;
use reqwest::header::HeaderValue;
use std::fmt;
use std::path::PathBuf;
use std::sync::Mutex as StdMutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// An access token and, when the grant gives one, its refresh token.
#[derive(Clone, PartialEq, Eq)]
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

// By hand rather than derived, like every serde impl of this crate: the derive would pull
// `syn` and `serde_derive` into every build. Written as `{"access_token": ..., "refresh_token":
// ..., "expires_at": ...}`, what a token store keeps.
impl serde::Serialize for Token {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Token", 3)?;
        st.serialize_field("access_token", &self.access_token)?;
        st.serialize_field("refresh_token", &self.refresh_token)?;
        st.serialize_field("expires_at", &self.expires_at)?;
        st.end()
    }
}

impl<'de> serde::Deserialize<'de> for Token {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let o = Fields::read(d)?;
        Ok(Token {
            access_token: o.required_str("access_token")?,
            refresh_token: o.str("refresh_token")?,
            expires_at: o.u64("expires_at")?,
        })
    }
}

/// The fields of one JSON object, read with the strictness of a serde derive: a field of the
/// wrong type is an error naming it.
pub(crate) struct Fields(serde_json::Map<String, serde_json::Value>);

impl Fields {
    pub(crate) fn read<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Fields, D::Error> {
        use serde::Deserialize;
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::Object(o) => Ok(Fields(o)),
            _ => Err(serde::de::Error::custom("expected a JSON object")),
        }
    }

    fn get(&self, name: &str) -> Option<&serde_json::Value> {
        self.0.get(name).filter(|v| !v.is_null())
    }

    fn wrong<E: serde::de::Error>(name: &str, what: &str) -> E {
        E::custom(format_args!("`{name}` is not {what}"))
    }

    pub(crate) fn str<E: serde::de::Error>(&self, name: &str) -> Result<Option<String>, E> {
        self.get(name)
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| Self::wrong(name, "a string"))
            })
            .transpose()
    }

    pub(crate) fn required_str<E: serde::de::Error>(
        &self,
        name: &'static str,
    ) -> Result<String, E> {
        self.str(name)?.ok_or_else(|| E::missing_field(name))
    }

    /// The object field `name`, read the same way.
    fn object<E: serde::de::Error>(&self, name: &str) -> Result<Option<Fields>, E> {
        match self.get(name) {
            None => Ok(None),
            Some(serde_json::Value::Object(o)) => Ok(Some(Fields(o.clone()))),
            Some(_) => Err(Self::wrong(name, "an object")),
        }
    }

    pub(crate) fn u64<E: serde::de::Error>(&self, name: &str) -> Result<Option<u64>, E> {
        self.get(name)
            .map(|v| {
                v.as_u64()
                    .ok_or_else(|| Self::wrong(name, "a whole number"))
            })
            .transpose()
    }

    pub(crate) fn i64<E: serde::de::Error>(&self, name: &str) -> Result<Option<i64>, E> {
        self.get(name)
            .map(|v| {
                v.as_i64()
                    .ok_or_else(|| Self::wrong(name, "a whole number"))
            })
            .transpose()
    }
}

impl Token {
    /// A token without refresh token or known expiry.
    pub fn new(access_token: impl Into<String>) -> Token {
        Token {
            access_token: access_token.into(),
            refresh_token: None,
            expires_at: None,
        }
    }

    /// True when the token expires within `margin` (or has expired).
    pub fn expires_within(&self, margin: Duration) -> bool {
        match self.expires_at {
            Some(at) => now_secs().saturating_add(margin.as_secs()) >= at,
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
/// must be saved every time a token is refreshed; the client calls [`save`](Self::save) after
/// every token request, and [`load`](Self::load) when it has no usable token in memory.
///
/// ```
/// use procore::{Client, FileTokenStore, MemoryTokenStore, Token, TokenStore};
/// // Kept on disk, so the rotated refresh token survives the process:
/// let store = FileTokenStore::new("procore-token.json");
/// let client = Client::builder().refresh_token("client id", "client secret", store).build()?;
/// // Or in memory (tests, short-lived tools):
/// let memory = MemoryTokenStore::new(Some(Token::new("access token")));
/// assert_eq!(memory.load()?.unwrap().access_token, "access token");
/// # Ok::<(), procore::Error>(())
/// ```
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// The saved token, if any.
    fn load(&self) -> Result<Option<Token>, Error>;
    /// Saves a token, replacing the previous one.
    fn save(&self, token: &Token) -> Result<(), Error>;
}

/// Keeps the token in memory only (the default store). A rotated refresh token is lost when the
/// process ends.
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

/// Keeps the token in a JSON file, written atomically (a private temporary file, synced, then
/// renamed over the old one; mode 0600 on Unix). Use it with
/// [`ClientBuilder::refresh_token`](crate::ClientBuilder::refresh_token) so the rotated refresh
/// token survives the process.
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
        use std::io::Write;
        let bytes = serde_json::to_vec_pretty(token).map_err(|e| Error::Auth(e.to_string()))?;
        let mut tmp_name = self.path.file_name().unwrap_or_default().to_os_string();
        tmp_name.push(format!(".{}.tmp", std::process::id()));
        let tmp = self.path.with_file_name(tmp_name);
        let write = || -> std::io::Result<()> {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            // Created private: the file is never readable by others, not even briefly.
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&tmp)?;
            file.write_all(&bytes)?;
            // On disk before it replaces the old token: a refresh token is single-use.
            file.sync_all()?;
            drop(file);
            std::fs::rename(&tmp, &self.path)
        };
        write().map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::Auth(format!(
                "{}: cannot save the token ({e}); the new refresh token is only in memory",
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

/// The token endpoint's answer (`created_at`, `token_type` and the rest are ignored).
pub(crate) struct TokenResponse {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_in: Option<u64>,
}

impl<'de> serde::Deserialize<'de> for TokenResponse {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let o = Fields::read(d)?;
        Ok(TokenResponse {
            access_token: o.required_str("access_token")?,
            refresh_token: o.str("refresh_token")?,
            expires_in: o.u64("expires_in")?,
        })
    }
}

impl TokenResponse {
    /// The token, its expiry counted from now: `expires_in` is relative to the answer, and
    /// Procore's `created_at` is by its clock, which may not agree with this machine's.
    pub(crate) fn into_token(self) -> Token {
        Token {
            access_token: self.access_token,
            refresh_token: self.refresh_token,
            expires_at: self.expires_in.map(|e| now_secs().saturating_add(e)),
        }
    }
}

/// A token and its `Authorization` header value, built once rather than for every request.
#[derive(Clone)]
pub(crate) struct Cached {
    pub(crate) token: Token,
    pub(crate) header: HeaderValue,
}

impl Cached {
    pub(crate) fn new(token: Token) -> Result<Cached, Error> {
        let header = bearer_header(&token.access_token)?;
        Ok(Cached { token, header })
    }
}

pub(crate) fn bearer_header(token: &str) -> Result<HeaderValue, Error> {
    let mut v = HeaderValue::from_str(&format!("Bearer {token}"))
        .map_err(|_| Error::Auth("the access token has characters a header cannot carry".into()))?;
    v.set_sensitive(true);
    Ok(v)
}

/// What Procore's login server says about the client's access token
/// ([`Client::token_info`](crate::Client::token_info), `GET /oauth/token/info`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TokenInfo {
    /// The user (or service account) the token acts for.
    pub resource_owner_id: Option<i64>,
    /// The scopes granted.
    pub scopes: Vec<String>,
    /// Seconds until the token expires.
    pub expires_in_seconds: Option<i64>,
    /// The client id of the app the token was issued to.
    pub application_uid: Option<String>,
    /// When the token was issued (Unix seconds).
    pub created_at: Option<i64>,
}

/// The token-info answer as it comes over the wire.
pub(crate) struct TokenInfoResponse {
    resource_owner_id: Option<i64>,
    scopes: Option<Vec<String>>,
    expires_in_seconds: Option<i64>,
    application_uid: Option<String>,
    created_at: Option<i64>,
}

impl<'de> serde::Deserialize<'de> for TokenInfoResponse {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let o = Fields::read(d)?;
        let scopes = match o.get("scopes") {
            None => None,
            Some(serde_json::Value::Array(list)) => Some(
                list.iter()
                    .map(|s| s.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| Fields::wrong::<D::Error>("scopes", "a list of strings"))?,
            ),
            Some(_) => return Err(Fields::wrong("scopes", "a list of strings")),
        };
        let application_uid = match o.object::<D::Error>("application")? {
            Some(app) => app.str("uid")?,
            None => None,
        };
        Ok(TokenInfoResponse {
            resource_owner_id: o.i64("resource_owner_id")?,
            scopes,
            expires_in_seconds: o.i64("expires_in_seconds")?,
            application_uid,
            created_at: o.i64("created_at")?,
        })
    }
}

impl From<TokenInfoResponse> for TokenInfo {
    fn from(r: TokenInfoResponse) -> TokenInfo {
        TokenInfo {
            resource_owner_id: r.resource_owner_id,
            scopes: r.scopes.unwrap_or_default(),
            expires_in_seconds: r.expires_in_seconds,
            application_uid: r.application_uid,
            created_at: r.created_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Token, TokenInfo, TokenInfoResponse, TokenResponse};

    #[test]
    fn a_token_round_trips_through_json() {
        let t = Token {
            access_token: "a".into(),
            refresh_token: Some("r".into()),
            expires_at: Some(42),
        };
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(
            json,
            r#"{"access_token":"a","refresh_token":"r","expires_at":42}"#
        );
        assert_eq!(serde_json::from_str::<Token>(&json).unwrap(), t);
        let bare: Token = serde_json::from_str(r#"{"access_token":"a"}"#).unwrap();
        assert_eq!(bare, Token::new("a"));
    }

    #[test]
    fn a_token_answer_without_access_token_or_of_wrong_types_is_refused() {
        let missing = serde_json::from_str::<TokenResponse>(r#"{"refresh_token":"r"}"#);
        assert!(missing.err().unwrap().to_string().contains("access_token"));
        let wrong = serde_json::from_str::<TokenResponse>(r#"{"access_token":1}"#);
        assert!(wrong.err().unwrap().to_string().contains("access_token"));
        let ok: TokenResponse = serde_json::from_str(
            r#"{"access_token":"a","expires_in":7200,"token_type":"bearer","created_at":1}"#,
        )
        .unwrap();
        assert_eq!(ok.expires_in, Some(7200));
    }

    #[test]
    fn token_info_reads_the_application_uid_and_scopes() {
        let r: TokenInfoResponse = serde_json::from_str(
            r#"{"resource_owner_id":7,"scopes":["a"],"application":{"uid":"u"},"created_at":1}"#,
        )
        .unwrap();
        let info = TokenInfo::from(r);
        assert_eq!(info.resource_owner_id, Some(7));
        assert_eq!(info.scopes, ["a"]);
        assert_eq!(info.application_uid.as_deref(), Some("u"));
        assert!(serde_json::from_str::<TokenInfoResponse>(r#"{"scopes":"a"}"#).is_err());
    }
}
