//! The one error type of the client.

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use std::fmt;

/// The error body Procore sends with most 4xx answers (`{"errors": ..., "message": ...}`), and
/// the OAuth server with its errors (`{"error": ..., "error_description": ...}`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProcoreErrorBody {
    /// `message`, when present.
    pub message: Option<String>,
    /// `error`, when present (OAuth errors; some endpoints put a message here).
    pub error: Option<serde_json::Value>,
    /// `error_description`, when present (OAuth errors).
    pub error_description: Option<String>,
    /// `errors`: a string, a list, or a map of field names to messages.
    pub errors: Option<serde_json::Value>,
}

// By hand rather than derived (no `serde_derive` in this crate's build). An error body is read
// leniently: a field of an unexpected type is kept as the raw value where the type allows it
// (`error`, `errors`) and left out otherwise, so one odd field does not lose the rest.
impl<'de> serde::Deserialize<'de> for ProcoreErrorBody {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let serde_json::Value::Object(mut o) = serde::Deserialize::deserialize(d)? else {
            return Err(serde::de::Error::custom("expected a JSON object"));
        };
        let mut take = |k: &str| o.remove(k).filter(|v| !v.is_null());
        let text = |v: Option<serde_json::Value>| match v {
            Some(serde_json::Value::String(s)) => Some(s),
            _ => None,
        };
        Ok(ProcoreErrorBody {
            message: text(take("message")),
            error: take("error"),
            error_description: text(take("error_description")),
            errors: take("errors"),
        })
    }
}

impl serde::Serialize for ProcoreErrorBody {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("ProcoreErrorBody", 4)?;
        st.serialize_field("message", &self.message)?;
        st.serialize_field("error", &self.error)?;
        st.serialize_field("error_description", &self.error_description)?;
        st.serialize_field("errors", &self.errors)?;
        st.end()
    }
}

impl ProcoreErrorBody {
    /// The messages of the body joined into one line, if it has any.
    pub fn summary(&self) -> Option<String> {
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let mut parts: Vec<String> = Vec::new();
        parts.extend(self.message.iter().cloned());
        parts.extend(self.error.iter().map(|e| match e {
            // Procore's v2 endpoints: `{"error": {"code": ..., "message": ..., "details": ...}}`.
            serde_json::Value::Object(o) => match (o.get("code"), o.get("message")) {
                (Some(c), Some(m)) => format!("{}: {}", text(c), text(m)),
                (None, Some(m)) => text(m),
                _ => e.to_string(),
            },
            other => text(other),
        }));
        parts.extend(self.error_description.iter().cloned());
        if let Some(e) = &self.errors {
            parts.push(match e {
                // `{"subject": ["can't be blank"]}` reads as `subject: can't be blank`.
                serde_json::Value::Object(map) => map
                    .iter()
                    .map(|(k, v)| match v {
                        serde_json::Value::Array(items) => format!(
                            "{k}: {}",
                            items.iter().map(text).collect::<Vec<_>>().join(", ")
                        ),
                        other => format!("{k}: {}", text(other)),
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                serde_json::Value::Array(items) => {
                    items.iter().map(text).collect::<Vec<_>>().join("; ")
                }
                other => text(other),
            });
        }
        parts.retain(|p| !p.is_empty());
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// Everything that can go wrong when calling Procore.
///
/// `Display` says what failed and what to check; `Debug` shows the details but never a token,
/// secret, cookie or presigned URL query.
///
/// ```no_run
/// # async fn demo(client: procore::Client, company_id: i64) {
/// # #[cfg(feature = "core")]
/// if let Err(e) = client.list_projects(company_id).send().await {
///     let details: Option<&procore::ProcoreErrorBody> = e.procore_error();
///     eprintln!("{e} (status {:?}, request id {:?}, {details:?})", e.status(), e.request_id());
/// }
/// # }
/// ```
#[non_exhaustive]
pub enum Error {
    /// Procore answered with a non-success status (after any retries).
    Api {
        /// HTTP status.
        status: StatusCode,
        /// Method and path template of the request (`GET /rest/v1.0/projects/{project_id}/rfis`).
        operation: String,
        /// Response headers.
        headers: Box<HeaderMap>,
        /// Raw response body.
        body: bytes::Bytes,
        /// The parsed Procore error body, when the body is a JSON object.
        parsed: Option<Box<ProcoreErrorBody>>,
    },
    /// The request could not be sent or the response not read (DNS, TLS, timeout, reset).
    Transport {
        /// Method and path template of the request.
        operation: String,
        /// The underlying error.
        source: reqwest::Error,
    },
    /// The response body was not what the spec describes.
    Decode {
        /// Method and path template of the request.
        operation: String,
        /// The serde error.
        source: serde_json::Error,
        /// The body that failed to decode.
        body: bytes::Bytes,
    },
    /// Getting, refreshing or saving an access token failed (other than an error answer from
    /// the token endpoint, which is [`Error::Api`]).
    Auth(String),
    /// The client was configured wrongly (bad base URL, bad download URL).
    Config(String),
    /// A request value could not be encoded, or a file could not be read or written.
    Encode(String),
}

impl Error {
    /// The HTTP status, for API errors.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The response headers, for API errors.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api { headers, .. } => Some(headers),
            _ => None,
        }
    }

    /// The raw response body, for API and decode errors.
    pub fn body(&self) -> Option<&bytes::Bytes> {
        match self {
            Error::Api { body, .. } | Error::Decode { body, .. } => Some(body),
            _ => None,
        }
    }

    /// The parsed Procore error body, for API errors whose body is one.
    pub fn procore_error(&self) -> Option<&ProcoreErrorBody> {
        match self {
            Error::Api { parsed, .. } => parsed.as_deref(),
            _ => None,
        }
    }

    /// The `X-Request-Id` Procore gave the failed request (quote it to Procore support).
    pub fn request_id(&self) -> Option<&str> {
        self.headers()?.get("x-request-id")?.to_str().ok()
    }
}

/// Headers whose values are never printed.
fn sensitive(name: &str) -> bool {
    matches!(
        name,
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie"
    ) || name.contains("token")
        || name.contains("secret")
        || name.contains("signature")
}

struct RedactedHeaders<'a>(&'a HeaderMap);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for (k, v) in self.0 {
            if sensitive(k.as_str()) {
                m.entry(&k.as_str(), &"<redacted>");
            } else {
                m.entry(&k.as_str(), &v.to_str().unwrap_or("<binary>"));
            }
        }
        m.finish()
    }
}

/// A body as text, cut after `max` characters.
struct ShortBody<'a>(&'a [u8], usize);

impl fmt::Debug for ShortBody<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = String::from_utf8_lossy(self.0);
        if text.chars().count() > self.1 {
            let short: String = text.chars().take(self.1).collect();
            write!(f, "{short:?}... ({} bytes)", self.0.len())
        } else {
            write!(f, "{text:?}")
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api {
                status,
                operation,
                headers,
                body,
                parsed,
            } => f
                .debug_struct("Api")
                .field("status", status)
                .field("operation", operation)
                .field("headers", &RedactedHeaders(headers))
                .field("body", &ShortBody(body, 2000))
                .field("parsed", parsed)
                .finish(),
            Error::Transport { operation, source } => f
                .debug_struct("Transport")
                .field("operation", operation)
                .field("source", source)
                .finish(),
            Error::Decode {
                operation,
                source,
                body,
            } => f
                .debug_struct("Decode")
                .field("operation", operation)
                .field("source", source)
                .field("body", &ShortBody(body, 2000))
                .finish(),
            Error::Auth(m) => f.debug_tuple("Auth").field(m).finish(),
            Error::Config(m) => f.debug_tuple("Config").field(m).finish(),
            Error::Encode(m) => f.debug_tuple("Encode").field(m).finish(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api {
                status,
                operation,
                parsed,
                body,
                ..
            } => {
                write!(f, "{operation}: Procore answered {status}")?;
                match parsed.as_deref().and_then(ProcoreErrorBody::summary) {
                    Some(s) => write!(f, ": {s}")?,
                    None if !body.is_empty() => {
                        let text = String::from_utf8_lossy(body);
                        let text = text.trim();
                        let short: String = text.chars().take(200).collect();
                        let more = if text.chars().count() > 200 {
                            "..."
                        } else {
                            ""
                        };
                        write!(f, ": {short}{more}")?;
                    }
                    None => {}
                }
                let hint = match status.as_u16() {
                    300..=399 => " (redirect not followed: too many, or a non-GET request)",
                    400 if operation.contains("/oauth/token") => {
                        " (the code or refresh token is invalid or already used; authorize again)"
                    }
                    401 if operation.contains("/oauth/token") => {
                        " (check the client id and client secret, and the environment they belong to)"
                    }
                    401 => " (check the access token or client credentials, and the environment)",
                    403 => " (the user or service account lacks permission for this tool, or Procore-Company-Id is wrong)",
                    404 => " (check the ids in the path, and the company/project they belong to)",
                    422 => " (Procore rejected the values sent; see the messages above)",
                    429 => " (rate limited; retries were exhausted or the reset is too far away)",
                    500..=599 => " (Procore-side failure; try again later)",
                    _ => "",
                };
                f.write_str(hint)?;
                if let Some(id) = self.request_id() {
                    write!(f, " [request id {id}]")?;
                }
                Ok(())
            }
            Error::Transport { operation, source } => {
                write!(f, "{operation}: request failed: {source}")?;
                // reqwest's message is terse ("error sending request"); the cause says why.
                let mut cause = std::error::Error::source(source);
                while let Some(c) = cause {
                    write!(f, ": {c}")?;
                    cause = c.source();
                }
                Ok(())
            }
            Error::Decode {
                operation, source, ..
            } => write!(
                f,
                "{operation}: unexpected response body: {source} (the spec and the API disagree; \
                 the raw body is in the error)"
            ),
            Error::Auth(m) => write!(f, "authentication failed: {m}"),
            Error::Config(m) => write!(f, "client configuration: {m}"),
            Error::Encode(m) => write!(f, "request encoding: {m}"),
        }
    }
}

/// The error for a non-success answer: status, headers, body and Procore's error object.
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

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            Error::Decode { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_read_like_sentences() {
        let b: ProcoreErrorBody = serde_json::from_str(
            r#"{"message": "Validation failed", "errors": {"subject": ["can't be blank", "is too short"]}}"#,
        )
        .unwrap();
        assert_eq!(
            b.summary().unwrap(),
            "Validation failed; subject: can't be blank, is too short"
        );
        let b: ProcoreErrorBody =
            serde_json::from_str(r#"{"error": "invalid_grant", "error_description": "used"}"#)
                .unwrap();
        assert_eq!(b.summary().unwrap(), "invalid_grant; used");
        let b: ProcoreErrorBody = serde_json::from_str(r#"{"errors": ["a", "b"]}"#).unwrap();
        assert_eq!(b.summary().unwrap(), "a; b");
        let b: ProcoreErrorBody = serde_json::from_str(
            r#"{"error": {"code": "not_found", "message": "No RFI 9", "details": []}}"#,
        )
        .unwrap();
        assert_eq!(b.summary().unwrap(), "not_found: No RFI 9");
        assert_eq!(ProcoreErrorBody::default().summary(), None);
    }
}
