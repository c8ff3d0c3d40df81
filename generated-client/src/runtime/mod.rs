//! The hand-written runtime that generated methods call: configuration, authentication,
//! request encoding, retries, pagination, multipart uploads and errors.
//!
//! This directory is not generated; `cargo xtask generate` leaves it alone.
//!
//! # Behaviour in brief
//!
//! - **Environments**: [`Environment`] picks the API and login hosts (production, sandbox,
//!   monthly sandbox, the federal zone, or custom URLs).
//! - **Authentication**: a fixed bearer token, client credentials, or the authorization-code
//!   flow ([`Client::authorize_url`], [`Client::exchange_code`]) with refresh tokens kept in a
//!   [`TokenStore`] ([`MemoryTokenStore`], [`FileTokenStore`]). Tokens are renewed a minute
//!   before they expire and once after a 401; concurrent requests share one refresh. Token
//!   calls that fail transiently (no connection, 5xx) are retried, never a 4xx.
//!   [`Client::token_info`] and [`Client::revoke_token`] call `/oauth/token/info` and
//!   `/oauth/revoke`.
//! - **Headers**: every API request carries `Procore-Sdk-Version` (this crate's version) and
//!   `Procore-Sdk-Language: rust`, as Procore's own SDKs do; calls whose answer is JSON send
//!   `Accept: application/json`. Every request builder takes extra headers (`.header(name,
//!   value)`) and an `Idempotency-Token` (`.idempotency_token(token)`).
//! - **Company**: `Procore-Company-Id` is sent on every request of a client built with
//!   [`ClientBuilder::company`] or of a handle from [`Client::with_company`].
//! - **Rate limits and retries**: see [`RetryPolicy`]. When an answer says the window is used
//!   up (`X-Rate-Limit-Remaining: 0`), the next request of any clone waits until
//!   `X-Rate-Limit-Reset` ([`ClientBuilder::pause_on_rate_limit`]). A 429 waits for
//!   `Retry-After` (seconds or an HTTP date) or the reset; 502/503/504 back off with jitter;
//!   `POST`/`PATCH` are repeated only when the server cannot have processed them (429) or they
//!   carry an `Idempotency-Token`. The last rate-limit state is [`Client::rate_limit`].
//! - **Pagination**: `send_page()` returns a [`Page`] with `Total`, `Per-Page` and the next
//!   link; `stream()` returns an [`ItemStream`] that follows `Link: rel="next"` holding one page.
//!   v2 lists (`{"data": [...]}`) are unwrapped, their other members in [`Page::meta`].
//! - **Sync endpoints**: [`Client::sync_in_batches`] splits a large update into batches of at
//!   most 1,000 and merges the answers ([`SyncOutcome`]).
//! - **JSON or multipart**: where Procore takes a body both ways (an RFI, a file, a daily
//!   log), the method sends the form it always sent and a sibling sends the other
//!   (`create_project_rfi` a multipart form, `create_project_rfi_json` JSON; `create_file` JSON,
//!   `create_file_multipart` a form); an optional body has a setter per form (`.body(..)`,
//!   `.multipart(..)` or `.json(..)`). Multipart forms write Rails-style names
//!   (`rfi[question][attachments][]`) and stream [`FilePart`]s from disk, opened again for
//!   each attempt.
//! - **Downloads**: [`Client::download`] sends the bearer token to the API host and Procore's
//!   domains for the environment ([`Environment::token_domains`],
//!   [`ClientBuilder::token_domains`]), never to another host, presigned or reached by a
//!   redirect.
//! - **Tracing**: each attempt runs in a `procore.request` span with `method`, `path` (the
//!   template, not the ids), `attempt` and `status`; token calls in `procore.token`.
//! - **Errors**: one [`Error`] type; `Display` says what to check, `Debug` never prints
//!   secrets.
//! - **Lenient responses**: a response never fails as a whole because one field deviates from
//!   the spec. Numeric fields take numeric strings; a value that does not fit its field, and
//!   every field the spec does not declare, is kept raw in the struct's [`Extra`]. The same
//!   holds for `serde_json::from_slice` on any response type (stored payloads, webhooks).
//!
//! # Layout
//!
//! One file per concern; a module imports only those listed before it (checked by a test):
//! `error`, `encoding`, `environment`, `urls`, `retry`, `rate_limit`, `auth`, `multipart`, `serialize`,
//! `options`; then `client` (the handle and its shared state), `builder`, `oauth` (tokens),
//! `transport` (sending, retries, redirects), `request` (what generated code builds),
//! `pagination`, `download`, `sync`.
//!
//! The public items (re-exported at the crate root) are listed in `tests/public_api.txt`;
//! what only generated code uses (`Request`, `path_segment`, `QueryStyle`, the multipart form
//! builder, `RequestOptions`) is `pub(crate)`.
#![warn(missing_docs, missing_debug_implementations)]

mod auth;
mod builder;
mod client;
mod download;
mod encoding;
mod environment;
mod error;
pub(crate) mod lenient;
#[cfg(test)]
mod lenient_tests;
pub(crate) mod multipart;
mod oauth;
mod options;
mod pagination;
mod rate_limit;
mod request;
mod retry;
pub(crate) mod serialize;
mod sync;
#[cfg(test)]
mod tests;
mod transport;
mod urls;
mod wrap;

pub use auth::{FileTokenStore, MemoryTokenStore, Token, TokenInfo, TokenStore};
pub use builder::ClientBuilder;
/// Raw bytes: what binary operations return, and one way to give [`FilePart::bytes`] a file.
///
/// ```
/// let part = procore::FilePart::bytes(procore::Bytes::from_static(b"%PDF-1.7"), "plan.pdf");
/// ```
pub use bytes::Bytes;
pub use client::Client;
pub use environment::Environment;
pub use error::{Error, ProcoreErrorBody};
pub use lenient::Extra;
pub use multipart::FilePart;
pub use pagination::{ItemStream, Page};
pub use rate_limit::RateLimit;
pub use retry::RetryPolicy;
pub use sync::{SyncFailure, SyncOutcome, SyncResponse, SYNC_BATCH_SIZE, SYNC_MAX_BATCH};

// Used by generated code only (`crate::Request`, `crate::path_segment`, ...). Which of them a
// generated crate calls depends on its spec and enabled features (a feature without path
// parameters or query arrays uses neither `path_segment` nor `QueryStyle`), hence the
// allowances. `RequestOptions` is held by every request builder once the generator emits
// `.header()` and `.idempotency_token()` (until then only the tests use it).
#[allow(unused_imports)]
pub(crate) use encoding::{path_segment, QueryStyle};
#[allow(unused_imports)]
pub(crate) use options::RequestOptions;
#[allow(unused_imports)]
pub(crate) use request::Request;
#[allow(unused_imports)]
pub(crate) use wrap::{BodyForm, Wrapped, WrappedForm};
