//! `cargo xtask fetch-spec` against a tiny HTTP server on loopback, written here on
//! `std::net::TcpListener` so that each test controls the answer byte for byte (status,
//! gzip, a connection dropped mid-body, a server that never answers).
//!
//! Every run writes into a temp directory (`--spec-dir`), never into the repository's spec/.

use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

// ---------------------------------------------------------------------------------------------
// The server

/// What the server does with one connection.
enum Reply {
    /// A complete answer: status line text ("200 OK"), extra headers, body.
    Full {
        status: &'static str,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// Declares `Content-Length` of the whole body, sends the first `sent` bytes, then closes
    /// the connection.
    DropMidBody { body: Vec<u8>, sent: usize },
    /// Reads the request and says nothing for this long.
    Silent(Duration),
}

impl Reply {
    fn ok(body: Vec<u8>) -> Reply {
        Reply::Full {
            status: "200 OK",
            headers: vec![("Content-Type", "application/json".into())],
            body,
        }
    }

    fn status(status: &'static str) -> Reply {
        Reply::Full {
            status,
            headers: vec![("Content-Type", "text/plain".into())],
            body: status.as_bytes().to_vec(),
        }
    }
}

/// A server answering one connection per reply, in order, on 127.0.0.1.
struct Server {
    base: String,
    /// The request heads received, in order.
    requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(replies: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        std::thread::spawn(move || {
            for reply in replies {
                let Ok((mut stream, _)) = listener.accept() else {
                    return;
                };
                stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
                seen.lock().unwrap().push(read_head(&mut stream));
                // A client that gave up early makes these writes fail; that is fine.
                let _ = answer(&mut stream, reply);
            }
        });
        Server { base, requests }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

fn answer(stream: &mut TcpStream, reply: Reply) -> std::io::Result<()> {
    match reply {
        Reply::Full {
            status,
            headers,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            stream.write_all(head.as_bytes())?;
            stream.write_all(&body)?;
            stream.flush()?;
            stream.shutdown(std::net::Shutdown::Write)
        }
        Reply::DropMidBody { body, sent } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            stream.write_all(head.as_bytes())?;
            stream.write_all(&body[..sent])?;
            stream.flush()?;
            stream.shutdown(std::net::Shutdown::Both)
        }
        Reply::Silent(d) => {
            std::thread::sleep(d);
            Ok(())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

const SPEC: &str = "rest_OAS_all.json";
const LOCK: &str = "spec.lock.json";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A small OpenAPI 3.0 document, padded with `pad` bytes of description.
fn spec(version: &str, pad: usize) -> Vec<u8> {
    let doc = serde_json::json!({
        "openapi": "3.0.3",
        "info": { "title": "Test API", "version": version, "description": "x".repeat(pad) },
        "paths": {
            "/rest/v1.0/projects": {
                "get": { "operationId": "list_projects", "responses": { "200": { "description": "ok" } } }
            }
        }
    });
    serde_json::to_vec_pretty(&doc).unwrap()
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// A spec directory holding a previously pinned spec and its lock.
struct Seeded {
    dir: tempfile::TempDir,
    spec: Vec<u8>,
    lock: Vec<u8>,
}

impl Seeded {
    fn new() -> Seeded {
        Seeded::with_source("../shared/specs/old.json")
    }

    fn with_source(source: &str) -> Seeded {
        let spec = spec("2000-01-01", 100);
        Seeded::with_lock(spec.clone(), source, &sha256(&spec))
    }

    fn with_lock(spec: Vec<u8>, source: &str, sha: &str) -> Seeded {
        let dir = tempfile::tempdir().unwrap();
        let lock = serde_json::to_vec_pretty(&serde_json::json!({
            "file": SPEC,
            "source": source,
            "sha256": sha,
            "size": spec.len(),
            "info_version": "2000-01-01",
            "retrieved_at": "2000-01-01T00:00:00Z",
        }))
        .unwrap();
        std::fs::write(dir.path().join(SPEC), &spec).unwrap();
        std::fs::write(dir.path().join(LOCK), &lock).unwrap();
        Seeded { dir, spec, lock }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The old spec and lock are there byte for byte, and no temp file was left behind.
    fn assert_untouched(&self) {
        assert_eq!(read(self.path(), SPEC), self.spec, "the old spec changed");
        assert_eq!(read(self.path(), LOCK), self.lock, "the old lock changed");
        assert_eq!(
            entries(self.path()),
            BTreeSet::from([SPEC.to_string(), LOCK.to_string()]),
            "files left behind"
        );
    }
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn entries(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

fn lock_json(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&read(dir, LOCK)).unwrap()
}

/// Runs `xtask <args>` from `cwd` with stderr piped (so not a terminal).
fn xtask_in(cwd: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
    cmd.args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .env_remove("PROCORE_SPECS_DIR");
    for var in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        cmd.env_remove(var);
    }
    cmd.output().expect("run xtask")
}

/// `fetch-spec <args> --spec-dir <dir>`.
fn fetch(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["fetch-spec"];
    all.extend_from_slice(args);
    all.extend(["--spec-dir", dir.to_str().unwrap()]);
    xtask_in(&repo_root(), &all)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_ok(out: &Output) -> String {
    let err = stderr(out);
    assert!(out.status.success(), "fetch-spec failed:\n{err}");
    err
}

/// Asserts failure and returns the single `error:` line.
fn assert_fails(out: &Output) -> String {
    let err = stderr(out);
    assert!(!out.status.success(), "fetch-spec succeeded:\n{err}");
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(errors.len(), 1, "want one error line:\n{err}");
    assert_eq!(
        err.lines().last(),
        Some(errors[0]),
        "error is not last:\n{err}"
    );
    errors[0].to_string()
}

// ---------------------------------------------------------------------------------------------
// Tests

#[test]
fn downloads_a_spec_and_pins_it_with_plain_progress_lines() {
    let body = spec("2031-05-06", 400_000);
    let server = Server::start(vec![Reply::ok(body.clone())]);
    let url = server.url("/swagger/v1.0/rest_OAS_all.json");
    let seeded = Seeded::new();

    let err = assert_ok(&fetch(seeded.path(), &["--url", &url]));

    assert_eq!(read(seeded.path(), SPEC), body);
    let lock = lock_json(seeded.path());
    assert_eq!(lock["file"], SPEC);
    assert_eq!(lock["source"], url.as_str());
    assert_eq!(lock["sha256"], sha256(&body).as_str());
    assert_eq!(lock["size"], body.len() as u64);
    assert_eq!(lock["info_version"], "2031-05-06");
    let at = lock["retrieved_at"].as_str().unwrap();
    assert!(at.len() == 20 && at.ends_with('Z') && at != "2000-01-01T00:00:00Z");
    assert_eq!(
        entries(seeded.path()),
        BTreeSet::from([SPEC.to_string(), LOCK.to_string()])
    );

    // Not a terminal: plain lines, no bar redraws or colours.
    assert!(!err.contains('\r') && !err.contains('\u{1b}'), "{err}");
    assert!(
        err.contains(&format!("fetch-spec: downloading {url} (")),
        "{err}"
    );
    let percents: Vec<u64> = err
        .lines()
        .filter_map(|l| l.strip_prefix("fetch-spec: "))
        .filter_map(|l| l.trim_start().split_once("% "))
        .map(|(p, _)| p.parse().unwrap())
        .collect();
    // A line each time another 10% has arrived (reads may cover more than 10%).
    assert!(percents.len() >= 5, "{err}");
    assert!(percents.windows(2).all(|w| w[1] / 10 > w[0] / 10), "{err}");
    assert_eq!(percents.last(), Some(&100), "{err}");
    assert!(err.contains("fetch-spec: received "), "{err}");
    assert!(err.contains("lock updated"), "{err}");

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].starts_with("GET /swagger/v1.0/rest_OAS_all.json HTTP/1.1\r\n"));
}

#[test]
fn gzip_bodies_are_requested_and_decompressed() {
    let body = spec("2031-07-08", 200_000);
    let packed = gzip(&body);
    assert!(packed.len() < body.len() / 10);
    let server = Server::start(vec![Reply::Full {
        status: "200 OK",
        headers: vec![
            ("Content-Type", "application/json".into()),
            ("Content-Encoding", "gzip".into()),
        ],
        body: packed,
    }]);
    let url = server.url("/spec.json");
    let seeded = Seeded::new();

    assert_ok(&fetch(seeded.path(), &["--url", &url]));

    assert_eq!(read(seeded.path(), SPEC), body, "stored decompressed");
    let lock = lock_json(seeded.path());
    assert_eq!(lock["sha256"], sha256(&body).as_str());
    assert_eq!(lock["size"], body.len() as u64);
    let head = server.requests()[0].to_ascii_lowercase();
    assert!(head.contains("\r\naccept-encoding: gzip\r\n"), "{head}");
}

#[test]
fn http_404_names_the_status_and_url_and_changes_nothing() {
    let server = Server::start(vec![Reply::status("404 Not Found")]);
    let url = server.url("/missing.json");
    let seeded = Seeded::new();

    let error = assert_fails(&fetch(seeded.path(), &["--url", &url]));

    assert!(
        error.contains(&format!("{url}: HTTP 404 Not Found")),
        "{error}"
    );
    seeded.assert_untouched();
    assert_eq!(server.requests().len(), 1, "a 404 is not retried");
}

#[test]
fn server_errors_are_retried_with_backoff() {
    let body = spec("2031-09-10", 1000);
    let server = Server::start(vec![
        Reply::status("503 Service Unavailable"),
        Reply::ok(body.clone()),
    ]);
    let url = server.url("/spec.json");
    let seeded = Seeded::new();

    let err = assert_ok(&fetch(seeded.path(), &["--url", &url, "--retries", "2"]));

    assert!(
        err.contains(&format!(
            "{url}: HTTP 503 Service Unavailable; retrying in 0.5s (attempt 2 of 3)"
        )),
        "{err}"
    );
    assert_eq!(read(seeded.path(), SPEC), body);
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn a_body_that_is_not_a_spec_is_rejected_and_changes_nothing() {
    let cases: [(&[u8], &str); 2] = [
        (
            b"<!DOCTYPE html>\n<html><body><p>Please sign in: here</p></body></html>\n",
            "it is HTML or XML",
        ),
        (
            br#"{"error": "rate limited"}"#,
            "no `openapi` version field",
        ),
    ];
    for (body, why) in cases {
        let server = Server::start(vec![Reply::ok(body.to_vec())]);
        let url = server.url("/spec.json");
        let seeded = Seeded::new();

        let error = assert_fails(&fetch(seeded.path(), &["--url", &url]));

        assert!(
            error.contains(&format!("{url}: not an OpenAPI 3.0 document")),
            "{error}"
        );
        assert!(error.contains(why), "{error}");
        seeded.assert_untouched();
    }
}

#[test]
fn a_connection_dropped_mid_body_leaves_the_old_spec_and_lock_intact() {
    let body = spec("2031-11-12", 300_000);
    let half = body.len() / 2;
    let server = Server::start(vec![
        Reply::DropMidBody {
            body: body.clone(),
            sent: half,
        },
        Reply::DropMidBody {
            body: body.clone(),
            sent: half,
        },
    ]);
    let url = server.url("/spec.json");
    let seeded = Seeded::new();

    let out = fetch(seeded.path(), &["--url", &url, "--retries", "1"]);
    let error = assert_fails(&out);

    assert!(
        error.contains(&format!("{url}: the connection broke off after")),
        "{error}"
    );
    assert!(
        error.contains(&format!(" of {} bytes", body.len())),
        "{error}"
    );
    assert!(
        error.contains("), after 2 attempts; nothing was changed"),
        "{error}"
    );
    assert!(error.contains("--from PATH"), "{error}");
    assert!(stderr(&out).contains("retrying in 0.5s (attempt 2 of 2)"));
    assert_eq!(
        server.requests().len(),
        2,
        "the broken download was retried"
    );
    seeded.assert_untouched();
}

#[test]
fn connection_refused_names_the_url_and_suggests_from() {
    // A port that was just free: nothing listens there now.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/rest_OAS_all.json");
    let seeded = Seeded::new();

    let error = assert_fails(&fetch(seeded.path(), &["--url", &url, "--retries", "1"]));

    assert!(
        error.contains(&format!("cannot connect to {url} (")),
        "{error}"
    );
    assert!(
        error.contains("), after 2 attempts; nothing was changed"),
        "{error}"
    );
    assert!(error.contains("no network?"), "{error}");
    assert!(error.contains("--from PATH"), "{error}");
    seeded.assert_untouched();
}

#[test]
fn a_silent_server_times_out() {
    let server = Server::start(vec![Reply::Silent(Duration::from_secs(6))]);
    let url = server.url("/spec.json");
    let seeded = Seeded::new();

    let started = std::time::Instant::now();
    let error = assert_fails(&fetch(
        seeded.path(),
        &["--url", &url, "--timeout", "1", "--retries", "0"],
    ));

    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(
        error.contains(&format!("{url}: no answer within 1s (timed out)")),
        "{error}"
    );
    assert!(error.contains("--timeout"), "{error}");
    seeded.assert_untouched();
}

#[test]
fn from_accepts_a_url() {
    let body = spec("2032-01-02", 1000);
    let server = Server::start(vec![Reply::ok(body.clone())]);
    let url = server.url("/copy/rest_OAS_all.json");
    let seeded = Seeded::new();

    assert_ok(&fetch(seeded.path(), &["--from", &url]));

    assert_eq!(read(seeded.path(), SPEC), body);
    assert_eq!(lock_json(seeded.path())["source"], url.as_str());
}

#[test]
fn from_a_local_path_records_it_relative_to_the_repository_root() {
    let fixture = "tests/fixtures/feature-coverage.yaml";
    let bytes = std::fs::read(repo_root().join(fixture)).unwrap();
    // The same file named from the root and from a subdirectory is recorded the same way.
    for (cwd, arg) in [
        (repo_root(), fixture.to_string()),
        (repo_root().join("xtask"), format!("../{fixture}")),
    ] {
        let seeded = Seeded::new();
        let dir = seeded.path().to_str().unwrap();
        let out = xtask_in(&cwd, &["fetch-spec", "--from", &arg, "--spec-dir", dir]);
        assert_ok(&out);
        assert_eq!(read(seeded.path(), SPEC), bytes);
        let lock = lock_json(seeded.path());
        assert_eq!(lock["source"], fixture);
        assert_eq!(lock["sha256"], sha256(&bytes).as_str());
        assert_eq!(lock["info_version"], "2.0");
    }
}

#[test]
fn locked_refetches_a_url_source_and_keeps_the_lock() {
    let body = spec("2032-03-04", 5000);
    let server = Server::start(vec![Reply::ok(body.clone())]);
    let url = server.url("/pinned.json");
    // The local copy is stale (or edited); the lock pins `body`.
    let seeded = Seeded::with_lock(b"{}".to_vec(), &url, &sha256(&body));

    let err = assert_ok(&fetch(seeded.path(), &["--locked"]));

    assert!(err.contains("matches the lock"), "{err}");
    assert_eq!(read(seeded.path(), SPEC), body);
    assert_eq!(read(seeded.path(), LOCK), seeded.lock, "the lock changed");
}

#[test]
fn locked_with_a_checksum_mismatch_fails_and_changes_nothing() {
    let server = Server::start(vec![Reply::ok(spec("2099-12-31", 1000))]);
    let url = server.url("/pinned.json");
    let seeded = Seeded::with_source(&url);
    let pinned = sha256(&seeded.spec);

    let error = assert_fails(&fetch(seeded.path(), &["--locked"]));

    assert!(error.contains(&format!("{url}: checksum ")), "{error}");
    assert!(
        error.contains(&format!("does not match the lock ({pinned})")),
        "{error}"
    );
    seeded.assert_untouched();
}

#[test]
fn help_documents_every_flag() {
    let top = xtask_in(&repo_root(), &["--help"]);
    assert!(top.status.success());
    let top = String::from_utf8_lossy(&top.stdout);
    assert!(top.contains("fetch-spec"), "{top}");

    let out = xtask_in(&repo_root(), &["fetch-spec", "--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--url <URL>",
        "--from <PATH|URL>",
        "--locked",
        "--timeout <SECS>",
        "--retries <N>",
        "--spec-dir <DIR>",
        "https://api.procore.com/swagger/v1.0/rest_OAS_all.json",
    ] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
}
