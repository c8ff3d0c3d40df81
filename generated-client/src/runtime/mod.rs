//! The hand-written runtime that generated methods call: configuration, authentication,
//! request encoding, retries, pagination, multipart uploads and errors.
//!
//! This directory is not generated; `cargo xtask generate` leaves it alone.
//!
//! # Behaviour in brief
//!
//! - **Environments**: [`Environment`] picks the API and login hosts (production, sandbox,
//!   monthly sandbox, or custom URLs).
//! - **Authentication**: a fixed bearer token, client credentials, or the authorization-code
//!   flow ([`Client::authorize_url`], [`Client::exchange_code`]) with refresh tokens kept in a
//!   [`TokenStore`] ([`MemoryTokenStore`], [`FileTokenStore`]). Tokens are renewed a minute
//!   before they expire and once after a 401; concurrent requests share one refresh.
//! - **Company**: `Procore-Company-Id` is sent on every request of a client built with
//!   [`ClientBuilder::company`] or of a handle from [`Client::with_company`].
//! - **Retries**: see [`RetryPolicy`]. 429 waits for `Retry-After` or `X-Rate-Limit-Reset`;
//!   502/503/504 back off with jitter; `POST`/`PATCH` are repeated only when the server cannot
//!   have processed them (429) or they carry an `Idempotency-Token`. The last rate-limit state
//!   is [`Client::rate_limit`].
//! - **Pagination**: `send_page()` returns a [`Page`] with `Total`, `Per-Page` and the next
//!   link; `stream()` returns an [`ItemStream`] that follows `Link: rel="next"` holding one page.
//! - **Downloads**: [`Client::download`] sends the bearer token to the API host only, never to
//!   a presigned URL or another host a redirect leads to.
//! - **Tracing**: each attempt runs in a `procore.request` span with `method`, `path` (the
//!   template, not the ids), `attempt` and `status`; token requests in `procore.token`.
//! - **Errors**: one [`Error`] type; `Display` says what to check, `Debug` never prints
//!   secrets.
//! - **Lenient responses**: a response never fails as a whole because one field deviates from
//!   the spec. Numeric fields take numeric strings; a value that does not fit its field, and
//!   every field the spec does not declare, is kept raw in the struct's [`Extra`]. The same
//!   holds for `serde_json::from_slice` on any response type (stored payloads, webhooks).
#![warn(missing_docs, missing_debug_implementations)]

mod auth;
mod client;
mod encoding;
mod error;
pub(crate) mod lenient;
#[cfg(test)]
mod lenient_tests;
pub mod multipart;
mod pagination;
mod request;
#[cfg(test)]
mod tests;
mod wrap;

pub use auth::{FileTokenStore, MemoryTokenStore, Token, TokenStore};
pub use bytes::Bytes;
pub use client::{Client, ClientBuilder, Environment, RateLimit, RetryPolicy};
pub use encoding::{path_segment, QueryStyle};
pub use error::{Error, ProcoreErrorBody};
pub use lenient::Extra;
pub use multipart::FilePart;
pub use pagination::{ItemStream, Page};
pub use request::Request;
pub(crate) use wrap::Wrapped;
