//! OAuth 2.0 calls to the login server: the token for each request (fetched, refreshed once
//! however many requests wait for it), the authorization-code flow, token info and revocation.
//! Calls that fail transiently (no connection, reset, 5xx) are retried with the API's back-off;
//! a 4xx never is.

use super::auth::{Cached, Grant, Token, TokenInfo, TokenInfoResponse, TokenResponse};
use super::client::{lock, Client};
use super::error::{api_error, Error};
use super::rate_limit::retry_after;
use super::retry::backoff;
use super::urls::join_path;
use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION};
use reqwest::Method;
use std::time::{Duration, SystemTime};
use tracing::Instrument;
use url::Url;

/// A token is renewed when it expires within this margin.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

impl Client {
    /// The URL to send a user to for the authorization-code grant. After the user approves,
    /// Procore redirects to `redirect_uri?code=...`; pass the code to
    /// [`exchange_code`](Self::exchange_code).
    ///
    /// ```
    /// let client = procore::Client::builder().build()?;
    /// let url = client.authorize_url("my-client-id", "https://app.example/callback");
    /// assert!(url.as_str().starts_with("https://login.procore.com/oauth/authorize?response_type=code"));
    /// # Ok::<(), procore::Error>(())
    /// ```
    pub fn authorize_url(&self, client_id: &str, redirect_uri: &str) -> Url {
        let mut url = join_path(&self.inner.login, "/oauth/authorize");
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", redirect_uri);
        url
    }

    /// Exchanges an authorization code for a token pair and saves it in the token store, where
    /// a client built with [`ClientBuilder::refresh_token`](crate::ClientBuilder::refresh_token)
    /// finds it.
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

    /// Revokes an access token and its refresh token (`POST /oauth/revoke`). Procore asks
    /// apps to do so for users who leave or are deactivated. `client_secret` is needed for
    /// confidential apps. When `token` is this client's access or refresh token, the pair is
    /// replaced in the token store by an expired token: a client-credentials client fetches a
    /// new token for its next request, a refresh-token client asks for the
    /// authorization-code flow to run again.
    ///
    /// Procore answers 200 for an unknown token as well, so success does not mean the token
    /// existed.
    ///
    /// ```no_run
    /// # async fn demo(client: procore::Client, token: procore::Token) -> Result<(), procore::Error> {
    /// client.revoke_token("client id", Some("client secret"), &token.access_token).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Api`] when the server refuses (a wrong client id), [`Error::Transport`] when it
    /// cannot be reached after the retries.
    pub async fn revoke_token(
        &self,
        client_id: &str,
        client_secret: Option<&str>,
        token: &str,
    ) -> Result<(), Error> {
        let mut form = vec![("token", token), ("client_id", client_id)];
        if let Some(secret) = client_secret {
            form.push(("client_secret", secret));
        }
        let span = tracing::info_span!(
            "procore.token",
            grant_type = "revoke",
            status = tracing::field::Empty
        );
        self.login_call(Method::POST, "/oauth/revoke", Some(&form), None, &span)
            .instrument(span.clone())
            .await?;
        self.forget_revoked(token)
    }

    /// What the login server says about this client's access token (`GET /oauth/token/info`):
    /// its owner, scopes, app and remaining lifetime. The token is fetched or refreshed first
    /// if needed, as for any request.
    ///
    /// ```no_run
    /// # async fn demo(client: procore::Client) -> Result<(), procore::Error> {
    /// let info: procore::TokenInfo = client.token_info().await?;
    /// println!("acting as user {:?}, {:?} s left", info.resource_owner_id, info.expires_in_seconds);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Auth`] for a client without credentials; [`Error::Api`] when the token is
    /// refused (401); [`Error::Decode`] when the answer is not token info.
    pub async fn token_info(&self) -> Result<TokenInfo, Error> {
        const OPERATION: &str = "GET /oauth/token/info";
        let bearer = self.bearer(None).await?.ok_or_else(|| {
            Error::Auth("token_info needs credentials: the client has no token".into())
        })?;
        let span = tracing::info_span!(
            "procore.token",
            grant_type = "info",
            status = tracing::field::Empty
        );
        let body = self
            .login_call(Method::GET, "/oauth/token/info", None, Some(bearer), &span)
            .instrument(span.clone())
            .await?;
        serde_json::from_slice::<TokenInfoResponse>(&body)
            .map(TokenInfo::from)
            .map_err(|e| Error::Decode {
                operation: OPERATION.into(),
                source: e,
                body,
            })
    }

    /// After a revocation: when `token` is this client's token pair (access or refresh token),
    /// the pair is dead, so it is replaced in memory and in the store by an expired token
    /// without refresh token. Client credentials then fetch a new token; a refresh-token
    /// client reports that the authorization-code flow must run again.
    fn forget_revoked(&self, token: &str) -> Result<(), Error> {
        let ours = |t: &Token| t.access_token == token || t.refresh_token.as_deref() == Some(token);
        let cached = lock(&self.inner.token)
            .as_ref()
            .is_some_and(|c| ours(&c.token));
        let stored = self.inner.store.load()?.is_some_and(|t| ours(&t));
        if cached || stored {
            *lock(&self.inner.token) = None;
            self.inner.store.save(&Token {
                access_token: String::new(),
                refresh_token: None,
                expires_at: Some(0),
            })?;
        }
        Ok(())
    }

    async fn token_request(&self, form: &[(&str, &str)]) -> Result<Token, Error> {
        let grant_type = form
            .iter()
            .find(|(k, _)| *k == "grant_type")
            .map_or("", |(_, v)| *v);
        let span = tracing::info_span!("procore.token", grant_type, status = tracing::field::Empty);
        let body = self
            .login_call(Method::POST, "/oauth/token", Some(form), None, &span)
            .instrument(span.clone())
            .await?;
        // Not `Error::Decode`: that keeps the body, and this body holds the tokens.
        let t: TokenResponse = serde_json::from_slice(&body).map_err(|e| {
            Error::Auth(format!(
                "the token endpoint's answer is not a token ({e}); check the login URL"
            ))
        })?;
        Ok(t.into_token())
    }

    /// One call to the login server, repeated after a network error or a 5xx with the API's
    /// back-off (these calls change nothing twice: a token grant, a revocation, a read).
    async fn login_call(
        &self,
        method: Method,
        path: &str,
        form: Option<&[(&str, &str)]>,
        bearer: Option<HeaderValue>,
        span: &tracing::Span,
    ) -> Result<bytes::Bytes, Error> {
        let operation = || format!("{method} {path}");
        let url = join_path(&self.inner.login, path);
        let retry = &self.inner.retry;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut rb = self
                .inner
                .http
                .request(method.clone(), url.clone())
                .header(ACCEPT, "application/json");
            if let Some(form) = form {
                rb = rb.form(form);
            }
            if let Some(b) = &bearer {
                rb = rb.header(AUTHORIZATION, b.clone());
            }
            if let Some(t) = self.inner.timeout {
                rb = rb.timeout(t);
            }
            let can_retry = attempt <= retry.max_retries;
            let resp = match rb.send().await {
                Ok(r) => r,
                Err(e) if can_retry && (e.is_connect() || e.is_timeout() || e.is_request()) => {
                    let wait = backoff(retry, attempt);
                    tracing::debug!(parent: span, error = %e, ?wait, "token request failed; retrying");
                    tokio::time::sleep(wait).await;
                    continue;
                }
                Err(e) => {
                    return Err(Error::Transport {
                        operation: operation(),
                        source: e,
                    })
                }
            };
            let status = resp.status();
            span.record("status", status.as_u16());
            if status.is_server_error() && can_retry {
                let wait = retry_after(resp.headers(), SystemTime::now())
                    .filter(|w| *w <= retry.max_wait)
                    .unwrap_or_else(|| backoff(retry, attempt));
                tracing::debug!(parent: span, ?wait, "login server error; retrying");
                drop(resp);
                tokio::time::sleep(wait).await;
                continue;
            }
            if !status.is_success() {
                return Err(api_error(operation(), resp).await);
            }
            return resp.bytes().await.map_err(|e| Error::Transport {
                operation: operation(),
                source: e,
            });
        }
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

    pub(crate) fn refreshable(&self) -> bool {
        matches!(
            self.inner.credentials,
            Some(Grant::ClientCredentials { .. } | Grant::RefreshToken { .. })
        )
    }
}
