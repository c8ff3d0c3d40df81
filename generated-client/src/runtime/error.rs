//! The one error type of the client.

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use std::fmt;

/// The error body Procore sends with most 4xx answers (`{"errors": ..., "message": ...}`).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize, serde::Serialize)]
pub struct ProcoreErrorBody {
    /// `message`, when present.
    pub message: Option<String>,
    /// `error`, when present (OAuth errors).
    pub error: Option<String>,
    /// `error_description`, when present (OAuth errors).
    pub error_description: Option<String>,
    /// `errors`: a string, a list, or a map of field names to messages.
    pub errors: Option<serde_json::Value>,
}

impl ProcoreErrorBody {
    fn summary(&self) -> Option<String> {
        let mut parts = Vec::new();
        for s in [&self.message, &self.error, &self.error_description]
            .into_iter()
            .flatten()
        {
            parts.push(s.clone());
        }
        if let Some(e) = &self.errors {
            parts.push(match e {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            });
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// Everything that can go wrong when calling Procore.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Procore answered with a non-success status.
    Api {
        /// HTTP status.
        status: StatusCode,
        /// Method and path template of the request (`GET /rest/v1.0/projects/{project_id}/rfis`).
        operation: String,
        /// Response headers.
        headers: Box<HeaderMap>,
        /// Raw response body.
        body: bytes::Bytes,
        /// The parsed Procore error body, when the body is one.
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
    /// Getting or refreshing an access token failed.
    Auth(String),
    /// The client was configured wrongly (bad base URL, missing credentials).
    Config(String),
    /// A request value could not be encoded, or a file could not be read.
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
                        let short: String = text.chars().take(200).collect();
                        write!(f, ": {short}")?;
                    }
                    None => {}
                }
                let hint = match status.as_u16() {
                    401 => " (check the access token or client credentials)",
                    403 => " (the user or service account lacks permission, or Procore-Company-Id is wrong)",
                    404 => " (check the ids in the path, and the company/project they belong to)",
                    429 => " (rate limited; retries were exhausted)",
                    _ => "",
                };
                f.write_str(hint)
            }
            Error::Transport { operation, source } => {
                write!(f, "{operation}: request failed: {source}")
            }
            Error::Decode {
                operation, source, ..
            } => write!(f, "{operation}: unexpected response body: {source}"),
            Error::Auth(m) => write!(f, "authentication failed: {m}"),
            Error::Config(m) => write!(f, "client configuration: {m}"),
            Error::Encode(m) => write!(f, "request encoding: {m}"),
        }
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
