//! Procore's rate limits: the `X-Rate-Limit-*` state of the last answer, the pause before a
//! request when the window is used up, and the waits that `Retry-After` asks for (seconds or
//! an HTTP date).

use reqwest::header::HeaderMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The rate-limit state from the last response (`X-Rate-Limit-*` headers).
///
/// ```no_run
/// # async fn demo(client: procore::Client) -> Result<(), procore::Error> {
/// # #[cfg(feature = "core")]
/// client.list_projects(1).send().await?;
/// let last: Option<procore::RateLimit> = client.rate_limit();
/// if let Some(rl) = last {
///     println!("{:?} requests left, window resets in {:?}", rl.remaining, rl.reset_in());
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// `X-Rate-Limit-Limit`: requests allowed per window.
    pub limit: Option<u64>,
    /// `X-Rate-Limit-Remaining`: requests left in this window.
    pub remaining: Option<u64>,
    /// `X-Rate-Limit-Reset`: when the window resets (Unix seconds).
    pub reset: Option<u64>,
}

impl RateLimit {
    /// Time left until the window resets, by this machine's clock (zero once it has passed).
    pub fn reset_in(&self) -> Option<Duration> {
        let reset = UNIX_EPOCH + Duration::from_secs(self.reset?);
        Some(
            reset
                .duration_since(SystemTime::now())
                .unwrap_or(Duration::ZERO),
        )
    }
}

/// The state every clone of a client shares.
#[derive(Debug)]
pub(crate) struct RateLimits {
    /// Pause before a request while the window is used up (`X-Rate-Limit-Remaining: 0`).
    pause: bool,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    last: Option<RateLimit>,
    /// When the used-up window resets, by tokio's clock (which tests can pause).
    exhausted_until: Option<tokio::time::Instant>,
}

impl RateLimits {
    pub(crate) fn new(pause: bool) -> RateLimits {
        RateLimits {
            pause,
            state: Mutex::default(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn last(&self) -> Option<RateLimit> {
        self.state().last
    }

    /// Reads an answer's `X-Rate-Limit-*` headers.
    pub(crate) fn record(&self, headers: &HeaderMap) {
        let rl = RateLimit {
            limit: header_u64(headers, "x-rate-limit-limit"),
            remaining: header_u64(headers, "x-rate-limit-remaining"),
            reset: header_u64(headers, "x-rate-limit-reset"),
        };
        if rl.limit.is_none() && rl.remaining.is_none() && rl.reset.is_none() {
            return;
        }
        let mut state = self.state();
        state.last = Some(rl);
        state.exhausted_until = match rl.remaining {
            Some(0) => reset_wait(headers, SystemTime::now())
                .map(|wait| tokio::time::Instant::now() + wait),
            _ => None,
        };
    }

    /// How long to wait before the next request: until the reset when the last answer said
    /// no request is left, if that is at most `max_wait` (a longer one is left to the server,
    /// whose 429 is then returned as an error). Zero when pausing is off.
    pub(crate) fn pause_before_request(&self, max_wait: Duration) -> Option<Duration> {
        if !self.pause {
            return None;
        }
        let until = self.state().exhausted_until?;
        let wait = until.checked_duration_since(tokio::time::Instant::now())?;
        (!wait.is_zero() && wait <= max_wait).then_some(wait)
    }
}

pub(crate) fn header_u64(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
}

/// `Retry-After` as a wait from `now`: seconds, or an HTTP date (RFC 9110 section 10.2.3).
/// A date in the past is a zero wait.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = headers.get("retry-after")?.to_str().ok()?.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = UNIX_EPOCH + Duration::from_secs(parse_http_date(text)?);
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The wait until `X-Rate-Limit-Reset` from `now`. The reset is Unix seconds; a small number
/// (below a year's seconds) is read as seconds from now, which some proxies send. `None` when
/// absent or passed.
fn reset_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let reset = header_u64(headers, "x-rate-limit-reset")?;
    if reset < 365 * 24 * 3600 {
        return Some(Duration::from_secs(reset));
    }
    let wait = (UNIX_EPOCH + Duration::from_secs(reset))
        .duration_since(now)
        .ok()?;
    (!wait.is_zero()).then_some(wait)
}

/// How long a 429 asks us to wait: `Retry-After`, else `X-Rate-Limit-Reset`. `None` when
/// neither says (or the reset has passed).
pub(crate) fn rate_limit_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    retry_after(headers, now).or_else(|| reset_wait(headers, now))
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Unix seconds of an HTTP date in any of the three forms recipients must accept:
/// `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate), `Sunday, 06-Nov-94 08:49:37 GMT` (RFC 850)
/// and `Sun Nov  6 08:49:37 1994` (asctime). In each, the first number is the day and the
/// second the year, whatever their order relative to the month.
pub(crate) fn parse_http_date(text: &str) -> Option<u64> {
    let tokens = text
        .split([' ', '-', ','])
        .filter(|t| !t.is_empty())
        .skip(1); // the weekday
    let (mut month, mut time, mut numbers) = (None, None, Vec::new());
    for t in tokens {
        if t.contains(':') {
            time = Some(t);
        } else if let Ok(n) = t.parse::<u64>() {
            numbers.push((n, t.len()));
        } else if let Some(m) = MONTHS.iter().position(|m| t.eq_ignore_ascii_case(m)) {
            month = Some(m as u64 + 1);
        } else if !t.eq_ignore_ascii_case("GMT") {
            return None;
        }
    }
    let (&[(day, _), (year, year_digits)], Some(month), Some(time)) =
        (numbers.as_slice(), month, time)
    else {
        return None;
    };
    let year = match year_digits {
        // RFC 850's two-digit year: the nearest century that does not put it far in the future.
        2 if year < 70 => 2000 + year,
        2 => 1900 + year,
        _ => year,
    };
    let mut hms = time.split(':').map(|p| p.parse::<u64>().ok());
    let (Some(Some(h)), Some(Some(m)), Some(Some(s)), None) =
        (hms.next(), hms.next(), hms.next(), hms.next())
    else {
        return None;
    };
    if !(1..=31).contains(&day) || year < 1970 || h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s)
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (years from 1970), by
/// counting from March so that the leap day ends a year.
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn rate_limit_wait_reads_retry_after_then_reset() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut h = HeaderMap::new();
        assert_eq!(rate_limit_wait(&h, now), None);
        h.insert("x-rate-limit-reset", HeaderValue::from_static("1700000007"));
        assert_eq!(rate_limit_wait(&h, now), Some(Duration::from_secs(7)));
        h.insert("x-rate-limit-reset", HeaderValue::from_static("1699999990"));
        assert_eq!(rate_limit_wait(&h, now), None);
        h.insert("x-rate-limit-reset", HeaderValue::from_static("12"));
        assert_eq!(rate_limit_wait(&h, now), Some(Duration::from_secs(12)));
        h.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(rate_limit_wait(&h, now), Some(Duration::from_secs(3)));
        // 1700000000 is Tue, 14 Nov 2023 22:13:20 GMT.
        h.insert(
            "retry-after",
            HeaderValue::from_static("Tue, 14 Nov 2023 22:13:29 GMT"),
        );
        assert_eq!(rate_limit_wait(&h, now), Some(Duration::from_secs(9)));
        h.insert(
            "retry-after",
            HeaderValue::from_static("Tue, 14 Nov 2023 22:00:00 GMT"),
        );
        assert_eq!(rate_limit_wait(&h, now), Some(Duration::ZERO));
    }

    #[test]
    fn http_dates_in_all_three_forms() {
        for text in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(parse_http_date(text), Some(784_111_777), "{text}");
        }
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse_http_date("Thu, 29 Feb 2024 12:00:00 GMT"),
            Some(1_709_208_000)
        );
        for bad in [
            "",
            "soon",
            "Sun, 06 Nov 1994 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 25:49:37 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, 06 Nov 1994 08:49:37 PST",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
    }
}
