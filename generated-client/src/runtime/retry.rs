//! When requests are repeated, and how long to wait in between.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// When and how often requests are retried.
///
/// A request the server may have processed is never repeated unless that is safe: `GET`,
/// `HEAD`, `PUT`, `DELETE` and `OPTIONS` are retried after 502, 503, 504 and network errors;
/// `POST` and `PATCH` only after 429 (which means "not processed"), after a connection that
/// could not be opened, or when the request carries an `Idempotency-Token` (set one on any
/// request builder with `.idempotency_token(..)`). Token requests are retried after network
/// errors and 5xx answers, never after a 4xx.
///
/// ```
/// use std::time::Duration;
/// let patient = procore::RetryPolicy {
///     max_retries: 5,
///     max_wait: Duration::from_secs(600),
///     ..procore::RetryPolicy::default()
/// };
/// let client = procore::Client::builder()
///     .bearer_token("token")
///     .retry_policy(patient)
///     .build()?;
/// # Ok::<(), procore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 3). `0` turns retrying off, except for the one
    /// token refresh after a 401.
    pub max_retries: u32,
    /// First back-off delay after 502/503/504 or a network error, doubled each time, with jitter
    /// (default 500 ms).
    pub initial_backoff: Duration,
    /// Longest back-off delay (default 30 s).
    pub max_backoff: Duration,
    /// Longest wait for a rate-limit reset (`X-Rate-Limit-Reset`, `Retry-After`); a 429 asking
    /// for longer is returned as an error at once, and a pause before a request for an
    /// exhausted window longer than this is skipped (default 120 s).
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_wait: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// No retries at all (the one token refresh after a 401 still happens).
    ///
    /// ```
    /// assert_eq!(procore::RetryPolicy::none().max_retries, 0);
    /// ```
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }
}

/// A number in [0, 1) that differs between calls and processes: std's `RandomState` is seeded
/// randomly per process and per instance, which is all jitter needs (no `rand` dependency).
fn random_unit() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Exponential back-off (`initial * 2^(attempt-1)`, at most `max_backoff`) with jitter: a
/// random point in the upper half, so that clients that failed together retry apart.
pub(crate) fn backoff(retry: &RetryPolicy, attempt: u32) -> Duration {
    let base = retry
        .initial_backoff
        .saturating_mul(1 << attempt.saturating_sub(1).min(16))
        .min(retry.max_backoff);
    base.mul_f64(0.5 + random_unit() / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let p = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(350),
            ..RetryPolicy::default()
        };
        for _ in 0..50 {
            let b1 = backoff(&p, 1);
            assert!(b1 >= Duration::from_millis(50) && b1 <= Duration::from_millis(100));
            let b2 = backoff(&p, 2);
            assert!(b2 >= Duration::from_millis(100) && b2 <= Duration::from_millis(200));
            assert!(backoff(&p, 30) <= Duration::from_millis(350));
        }
    }
}
