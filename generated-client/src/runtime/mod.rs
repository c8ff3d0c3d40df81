//! The hand-written runtime that generated methods call: configuration, authentication,
//! request encoding, retries, pagination, multipart uploads and errors.
//!
//! This directory is not generated; `cargo xtask generate` leaves it alone.

mod auth;
mod client;
mod encoding;
mod error;
pub mod multipart;
mod pagination;
mod request;

pub use auth::{FileTokenStore, MemoryTokenStore, Token, TokenStore};
pub use bytes::Bytes;
pub use client::{Client, ClientBuilder, Environment, RateLimit, RetryPolicy};
pub use encoding::{path_segment, QueryStyle};
pub use error::{Error, ProcoreErrorBody};
pub use multipart::FilePart;
pub use pagination::{ItemStream, Page};
pub use request::Request;
