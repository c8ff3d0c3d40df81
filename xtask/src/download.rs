//! HTTP(S) downloads for `fetch-spec`: the body is streamed into a temp file in the target
//! directory (so the caller can verify it and then rename it into place), with a progress
//! display, a stall timeout, gzip, and bounded retries with backoff.
//!
//! Nothing here touches the target file: a failed or interrupted download only ever loses its
//! own temp file.

use anyhow::{bail, Result};
use indicatif::{HumanBytes, ProgressBar, ProgressStyle};
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING};
use reqwest::StatusCode;
use std::cell::Cell;
use std::io::{IsTerminal, Read, Write};
use std::path::Path;
use std::rc::Rc;
use std::time::{Duration, Instant};
use tempfile::NamedTempFile;

/// How patient a download is.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Limit for connecting, for the answer to start, and for each stall while reading.
    pub timeout: Duration,
    /// How many times a transient failure (connect error, timeout, 5xx, broken body) is
    /// retried.
    pub retries: u32,
}

/// Suffix of the temp files (`*.tmp` is git-ignored, so an interrupted run leaves no noise).
pub const TEMP_SUFFIX: &str = ".download.tmp";

/// First pause between attempts; doubled after each, up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// Whether `source` names something to download rather than a local file.
pub fn is_url(source: &str) -> bool {
    let lower = source.get(..8).unwrap_or(source).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Downloads `url` into a new temp file in `dir` whose name starts with `prefix`. The file
/// holds the decoded (gunzipped) body and is flushed to disk; it is deleted when dropped unless
/// the caller persists it.
pub fn download(url: &str, dir: &Path, prefix: &str, opts: &Options) -> Result<NamedTempFile> {
    if url.to_ascii_lowercase().starts_with("http://") && !is_loopback(url) {
        eprintln!("fetch-spec: warning: {url} is plain HTTP; prefer https://");
    }
    let client = reqwest::blocking::Client::builder()
        .user_agent(concat!("procore-rs-xtask/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(opts.timeout)
        .timeout(opts.timeout)
        // gzip is negotiated and decoded here, so progress can count the bytes on the wire.
        .no_gzip()
        .build();
    let client = match client {
        Ok(c) => c,
        Err(e) => bail!("cannot set up the HTTP client ({})", root_cause(&e)),
    };
    let attempts = opts.retries.saturating_add(1);
    let mut delay = FIRST_BACKOFF;
    let mut attempt = 1;
    loop {
        let failure = match attempt_once(&client, url, dir, prefix, opts) {
            Ok(file) => return Ok(file),
            Err(f) => f,
        };
        if failure.retry && attempt < attempts {
            eprintln!(
                "fetch-spec: {}; retrying in {:.1}s (attempt {} of {attempts})",
                failure.what,
                delay.as_secs_f64(),
                attempt + 1
            );
            std::thread::sleep(delay);
            delay = (delay * 2).min(MAX_BACKOFF);
            attempt += 1;
            continue;
        }
        let tries = if attempt > 1 {
            format!(", after {attempt} attempts")
        } else {
            String::new()
        };
        bail!("{}{tries}; {}", failure.what, failure.hint);
    }
}

/// Why one attempt failed, and whether trying again may help.
struct Failure {
    retry: bool,
    /// What happened, naming the URL.
    what: String,
    /// What to do about it.
    hint: String,
}

const FROM_HINT: &str =
    "nothing was changed; download the file some other way and pass `--from PATH`";

fn attempt_once(
    client: &reqwest::blocking::Client,
    url: &str,
    dir: &Path,
    prefix: &str,
    opts: &Options,
) -> Result<NamedTempFile, Failure> {
    let response = client
        .get(url)
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .map_err(|e| request_failure(url, &e, opts))?;
    let status = response.status();
    if !status.is_success() {
        return Err(status_failure(url, status));
    }
    let encoding = response
        .headers()
        .get(CONTENT_ENCODING)
        .map(|v| v.to_str().unwrap_or("?").trim().to_ascii_lowercase());
    let gzip = match encoding.as_deref() {
        None | Some("" | "identity") => false,
        Some("gzip" | "x-gzip") => true,
        Some(other) => {
            return Err(Failure {
                retry: false,
                what: format!("{url}: unsupported Content-Encoding {other:?}"),
                hint: FROM_HINT.into(),
            })
        }
    };
    let total = response.content_length();

    let received = Rc::new(Cell::new(0u64));
    let net_failed = Rc::new(Cell::new(false));
    let counting = Counting {
        inner: response,
        received: received.clone(),
        failed: net_failed.clone(),
    };
    let mut body: Box<dyn Read> = if gzip {
        Box::new(flate2::read::MultiGzDecoder::new(counting))
    } else {
        Box::new(counting)
    };
    let mut file = tempfile::Builder::new()
        .prefix(prefix)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(|e| write_failure(dir, &e))?;

    let mut progress = Progress::start(url, total);
    let mut buf = vec![0u8; 64 * 1024];
    let outcome = loop {
        match body.read(&mut buf) {
            Ok(0) => break Ok(()),
            Ok(n) => {
                if let Err(e) = file.write_all(&buf[..n]) {
                    break Err(write_failure(file.path(), &e));
                }
                progress.update(received.get());
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) if net_failed.get() => {
                break Err(body_failure(url, received.get(), total, &e, opts));
            }
            Err(e) => {
                break Err(Failure {
                    retry: false,
                    what: format!("{url}: the gzip body cannot be decoded ({e})"),
                    hint: FROM_HINT.into(),
                })
            }
        }
    };
    progress.finish(outcome.is_ok(), received.get());
    outcome?;
    if let Some(total) = total.filter(|_| !gzip) {
        if received.get() != total {
            return Err(Failure {
                retry: true,
                what: format!(
                    "{url}: the body ended after {} of {total} bytes",
                    received.get()
                ),
                hint: FROM_HINT.into(),
            });
        }
    }
    if let Err(e) = file.as_file_mut().flush().and(file.as_file().sync_all()) {
        return Err(write_failure(file.path(), &e));
    }
    Ok(file)
}

fn request_failure(url: &str, e: &reqwest::Error, opts: &Options) -> Failure {
    if e.is_builder() {
        return Failure {
            retry: false,
            what: format!("{url}: not a usable URL ({})", root_cause(e)),
            hint: "check the URL".into(),
        };
    }
    if e.is_timeout() {
        return Failure {
            retry: true,
            what: format!("{url}: no answer within {}s (timed out)", opts.timeout.as_secs()),
            hint: "nothing was changed; raise `--timeout`, or download the file some other way and pass `--from PATH`".into(),
        };
    }
    let what = if e.is_connect() {
        format!("cannot connect to {url} ({})", root_cause(e))
    } else {
        format!("{url}: request failed ({})", root_cause(e))
    };
    Failure {
        retry: true,
        what,
        hint: "nothing was changed; no network? Download the file some other way and pass `--from PATH`".into(),
    }
}

fn status_failure(url: &str, status: StatusCode) -> Failure {
    let retry = status.is_server_error()
        || status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT;
    let hint = match status.as_u16() {
        404 | 410 => "check the URL, or pass `--from PATH` with a copy of the spec",
        401 | 403 => "the server refused access; download the file some other way and pass `--from PATH`",
        _ if retry => "the server failed; try again later, or download the file some other way and pass `--from PATH`",
        _ => "download the file some other way and pass `--from PATH`",
    };
    Failure {
        retry,
        what: format!("{url}: HTTP {status}"),
        hint: hint.into(),
    }
}

fn body_failure(
    url: &str,
    received: u64,
    total: Option<u64>,
    e: &std::io::Error,
    opts: &Options,
) -> Failure {
    let of = total.map(|t| format!(" of {t}")).unwrap_or_default();
    let timed_out = e.kind() == std::io::ErrorKind::TimedOut
        || error_chain(e).any(|c| {
            c.downcast_ref::<reqwest::Error>()
                .is_some_and(reqwest::Error::is_timeout)
        });
    let what = if timed_out {
        format!(
            "{url}: no data for {}s after {received}{of} bytes (timed out)",
            opts.timeout.as_secs()
        )
    } else {
        format!(
            "{url}: the connection broke off after {received}{of} bytes ({})",
            root_cause(e)
        )
    };
    Failure {
        retry: true,
        what,
        hint: FROM_HINT.into(),
    }
}

fn write_failure(path: &Path, e: &std::io::Error) -> Failure {
    Failure {
        retry: false,
        what: format!("{}: cannot write the download ({e})", path.display()),
        hint: "free some space or fix the permissions; nothing was changed".into(),
    }
}

/// The error and its sources, outermost first.
fn error_chain<'a>(
    e: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(e), |e| e.source())
}

/// The innermost cause, which is the informative part of reqwest's and hyper's error chains
/// ("Connection refused (os error 111)").
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    error_chain(e)
        .last()
        .map(|c| c.to_string())
        .unwrap_or_default()
}

/// Whether the URL's host is a loopback address (tests serve plain HTTP there).
fn is_loopback(url: &str) -> bool {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return false;
    };
    let host = parsed.host_str().unwrap_or("");
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Counts the bytes read off the wire and notes whether a read failed (as opposed to the
/// gzip decoder above it).
struct Counting<R> {
    inner: R,
    received: Rc<Cell<u64>>,
    failed: Rc<Cell<bool>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => {
                self.received.set(self.received.get() + n as u64);
                Ok(n)
            }
            Err(e) => {
                if e.kind() != std::io::ErrorKind::Interrupted {
                    self.failed.set(true);
                }
                Err(e)
            }
        }
    }
}

/// Progress on stderr: a bar on a terminal, otherwise a plain line per 10% (or per 4 MiB when
/// the size is unknown), which reads well in CI logs.
enum Progress {
    Bar(ProgressBar),
    Lines {
        total: Option<u64>,
        next: u64,
        started: Instant,
    },
}

const LINE_STEP_UNKNOWN: u64 = 4 << 20;

impl Progress {
    fn start(url: &str, total: Option<u64>) -> Progress {
        if std::io::stderr().is_terminal() {
            let (bar, template) = match total {
                Some(n) => (
                    ProgressBar::new(n),
                    "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
                ),
                None => (
                    ProgressBar::new_spinner(),
                    "{msg} {spinner} {bytes} {bytes_per_sec}",
                ),
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(format!("fetch-spec: {url}"));
            bar.enable_steady_tick(Duration::from_millis(200));
            Progress::Bar(bar)
        } else {
            let size = total
                .map(|n| format!(" ({})", HumanBytes(n)))
                .unwrap_or_default();
            eprintln!("fetch-spec: downloading {url}{size}");
            Progress::Lines {
                total,
                next: match total {
                    Some(_) => 10,
                    None => LINE_STEP_UNKNOWN,
                },
                started: Instant::now(),
            }
        }
    }

    fn update(&mut self, received: u64) {
        match self {
            Progress::Bar(bar) => bar.set_position(received),
            Progress::Lines {
                total: Some(total),
                next,
                ..
            } => {
                let pct = (received.saturating_mul(100) / (*total).max(1)).min(100);
                if pct >= *next {
                    eprintln!(
                        "fetch-spec: {pct:>3}% {} of {}",
                        HumanBytes(received),
                        HumanBytes(*total)
                    );
                    *next = (pct / 10 + 1) * 10;
                }
            }
            Progress::Lines {
                total: None, next, ..
            } => {
                if received >= *next {
                    eprintln!("fetch-spec: {} received", HumanBytes(received));
                    *next = (received / LINE_STEP_UNKNOWN + 1) * LINE_STEP_UNKNOWN;
                }
            }
        }
    }

    fn finish(self, ok: bool, received: u64) {
        match self {
            Progress::Bar(bar) => bar.finish_and_clear(),
            Progress::Lines { started, .. } if ok => eprintln!(
                "fetch-spec: received {} in {:.1}s",
                HumanBytes(received),
                started.elapsed().as_secs_f64()
            ),
            Progress::Lines { .. } => {}
        }
    }
}
