//! Timed harness for the runtime (figures go in BENCHMARKS.md, section "Runtime"):
//!
//! ```sh
//! cargo test --release -p procore --features company-admin --test bench -- --ignored --nocapture --test-threads 1
//! ```
//!
//! - `per_request_overhead`: the same GET (JSON list decoded into the generated type) through
//!   the runtime (with its default per-attempt timeout, and with it off) and through a bare
//!   `reqwest::Client`, against one loopback server; the three alternate request by request,
//!   and the median of the per-run means is reported.
//!
//! The server is a minimal keep-alive HTTP/1.1 server on its own thread, not wiremock: a
//! wiremock mock keeps a copy of every request it matched (even with request recording off),
//! which would swamp the memory figures, and its matching would dilute the overhead ratio.
//! - `streaming_memory_is_flat`: 100,000 items (1,000 pages) through `.stream()`, with the
//!   process's resident set size sampled every 10,000 items; then the same listing collected
//!   into a `Vec` for contrast.
//!
//! Both are `#[ignore]`d: they take seconds and mean something only in a release build.
#![cfg(all(feature = "core", feature = "company-admin"))]

use futures_util::TryStreamExt;
use procore::models::{Company, ProjectItem};
use procore::{Client, Environment};
use serde_json::json;
use std::sync::Arc;
use std::time::Instant;
use url::Url;

/// What the server answers to a request target (`/path?query`): extra headers and a JSON body.
type Respond = dyn Fn(&Url) -> (Vec<(String, String)>, Vec<u8>) + Send + Sync;

/// Starts a loopback HTTP/1.1 server (keep-alive, `GET` only, always `200`) and returns its base
/// URL. It keeps nothing from one request to the next, and serves every connection from one
/// thread: on 2 cores, a thread per connection made whichever client's server thread the
/// scheduler placed badly 5x slower (about 110 against 22 us per request), which has nothing
/// to do with the clients.
fn serve(
    respond: impl Fn(&Url) -> (Vec<(String, String)>, Vec<u8>) + Send + Sync + 'static,
) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let origin = Url::parse(&base).unwrap();
    let respond: Arc<Respond> = Arc::new(respond);
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            while let Ok((conn, _)) = listener.accept().await {
                tokio::spawn(connection(conn, respond.clone(), origin.clone()));
            }
        });
    });
    base
}

async fn connection(conn: tokio::net::TcpStream, respond: Arc<Respond>, origin: Url) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
    conn.set_nodelay(true).unwrap();
    let (read, mut write) = conn.into_split();
    let mut reader = tokio::io::BufReader::new(read);
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
        // Headers, up to the blank line (GET requests have no body).
        loop {
            line.clear();
            if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
        }
        let (headers, body) = respond(&origin.join(&target).unwrap());
        let mut out = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
            body.len()
        )
        .into_bytes();
        for (k, v) in headers {
            out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&body);
        if write.write_all(&out).await.is_err() {
            return;
        }
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "benchmark: run in release with --ignored --nocapture"]
async fn per_request_overhead() {
    const RUNS: usize = 9;
    const REQUESTS: usize = 2_000;
    const CLIENTS: usize = 4;
    let body =
        serde_json::to_vec(&json!([{"id": 1, "name": "Acme Construction", "is_active": true}]))
            .unwrap();
    let base = serve(move |_| {
        let headers = [
            ("x-rate-limit-limit", "3600"),
            ("x-rate-limit-remaining", "3599"),
            ("x-rate-limit-reset", "4102444800"),
        ];
        (
            headers.map(|(k, v)| (k.into(), v.into())).to_vec(),
            body.clone(),
        )
    });
    let client = |timeout: Option<std::time::Duration>| {
        Client::builder()
            .environment(Environment::custom(&base, &base))
            .bearer_token("bench-token")
            .company(42)
            .timeout(timeout)
            .build()
            .unwrap()
    };
    // The default: every attempt has an overall timeout (60 s), which costs a timer per request.
    let runtime = client(Some(std::time::Duration::from_secs(60)));
    let untimed = client(None);
    let raw = reqwest::Client::new();
    let url = format!("{base}/rest/v1.0/companies");

    let call = |which: usize| {
        let (runtime, untimed, raw, url) = (&runtime, &untimed, &raw, &url);
        async move {
            let items: Vec<Company> = match which {
                0 => runtime.list_companies().send().await.unwrap(),
                1 => untimed.list_companies().send().await.unwrap(),
                _ => {
                    // 3 is the like-for-like peer of the runtime's default: the same reqwest
                    // per-request timeout.
                    let rb = raw.get(url);
                    let rb = if which == 3 {
                        rb.timeout(std::time::Duration::from_secs(60))
                    } else {
                        rb
                    };
                    rb.bearer_auth("bench-token")
                        .header("Procore-Company-Id", 42)
                        .send()
                        .await
                        .unwrap()
                        .error_for_status()
                        .unwrap()
                        .json()
                        .await
                        .unwrap()
                }
            };
            assert_eq!(items.len(), 1);
        }
    };
    // Warm up all four: connections open, allocator and caches settled.
    for i in 0..2_000 {
        call(i % CLIENTS).await;
    }
    // The three alternate request by request (in rotating order), each call timed on its own:
    // all see the same machine state. On 2 cores, the scheduler's placement of client and server
    // threads, and other load, move whole runs between ~15 and ~100 us per request; runs of one
    // client then another would compare those modes, not the clients.
    let mut per_run: [Vec<f64>; CLIENTS] = Default::default();
    for _ in 0..RUNS {
        let mut total = [0.0f64; CLIENTS];
        for i in 0..REQUESTS {
            for k in 0..CLIENTS {
                let which = (i + k) % CLIENTS;
                let start = Instant::now();
                call(which).await;
                total[which] += start.elapsed().as_secs_f64();
            }
        }
        for which in 0..CLIENTS {
            per_run[which].push(total[which] * 1e6 / REQUESTS as f64);
        }
    }
    let names = [
        "runtime (default 60 s timeout)",
        "runtime (timeout off)",
        "bare reqwest",
        "bare reqwest (60 s timeout)",
    ];
    for (name, runs) in names.iter().zip(&per_run) {
        let list: Vec<String> = runs.iter().map(|x| format!("{x:.1}")).collect();
        println!(
            "{name}: us per request, {RUNS} runs of {REQUESTS}: {}",
            list.join(" ")
        );
    }
    // Each runtime client against the bare client configured like it, then against the one
    // without a timeout.
    for (name, runs, peer) in [
        (names[0], &per_run[0], 3),
        (names[1], &per_run[1], 2),
        (names[0], &per_run[0], 2),
    ] {
        let ratios: Vec<f64> = runs
            .iter()
            .zip(&per_run[peer])
            .map(|(a, b)| a / b)
            .collect();
        let m = median(runs.clone());
        let raw_median = median(per_run[peer].clone());
        let peer = names[peer];
        println!(
            "{name}: median {m:.2} us vs {peer} {raw_median:.2} us: overhead {:.2} us, ratio of medians {:.3}, median of per-run ratios {:.3}",
            m - raw_median,
            m / raw_median,
            median(ratios)
        );
    }
}

/// `VmRSS` of this process, in KiB.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Serves `total` projects `per_page` at a time, each about 400 bytes of JSON, with the
/// `Link`, `Total` and `Per-Page` headers Procore sends.
fn project_pages(total: u64) -> impl Fn(&Url) -> (Vec<(String, String)>, Vec<u8>) {
    move |url: &Url| {
        let q = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| v.parse::<u64>().ok())
        };
        let page = q("page").unwrap_or(1);
        let per_page = q("per_page").unwrap_or(100);
        let first = (page - 1) * per_page + 1;
        let last = (page * per_page).min(total);
        let items: Vec<serde_json::Value> = (first..=last)
            .map(|id| {
                json!({
                    "id": id,
                    "name": format!("Project {id}"),
                    "display_name": format!("{id} - Project {id}"),
                    "project_number": format!("P-{id:06}"),
                    "address": "6309 Carpinteria Avenue",
                    "city": "Carpinteria",
                    "state_code": "CA",
                    "country_code": "US",
                    "zip": "93013",
                    "time_zone": "US/Pacific",
                    "latitude": 34.39,
                    "longitude": -119.51,
                    "active": true,
                    "created_at": "2024-01-01T00:00:00Z",
                    "updated_at": "2024-06-01T00:00:00Z",
                    "company": {"id": 1, "name": "Acme Construction"}
                })
            })
            .collect();
        let mut headers = vec![
            ("total".to_string(), total.to_string()),
            ("per-page".to_string(), per_page.to_string()),
        ];
        if last < total {
            let mut next = url.clone();
            next.set_query(Some(&format!(
                "company_id=1&page={}&per_page={per_page}",
                page + 1
            )));
            headers.push(("link".into(), format!("<{next}>; rel=\"next\"")));
        }
        (headers, serde_json::to_vec(&items).unwrap())
    }
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "benchmark: run in release with --ignored --nocapture"]
async fn streaming_memory_is_flat() {
    const TOTAL: u64 = 100_000;
    const PER_PAGE: i64 = 100;
    let base = serve(project_pages(TOTAL));
    let client = Client::builder()
        .environment(Environment::custom(&base, &base))
        .bearer_token("bench-token")
        .build()
        .unwrap();

    // One page first, so connections, buffers and the server are warm before the baseline.
    let first = client
        .list_projects(1)
        .per_page(PER_PAGE)
        .send_page()
        .await
        .unwrap();
    assert_eq!(first.total, Some(TOTAL));
    drop(first);

    let start = Instant::now();
    let baseline = rss_kib();
    let mut samples = vec![(0u64, baseline)];
    let mut stream = client.list_projects(1).per_page(PER_PAGE).stream();
    let mut n = 0u64;
    let mut checksum = 0i64;
    while let Some(p) = stream.try_next().await.unwrap() {
        n += 1;
        checksum += p.id.unwrap_or_default();
        if n % 10_000 == 0 {
            samples.push((n, rss_kib()));
        }
    }
    let elapsed = start.elapsed();
    assert_eq!(n, TOTAL);
    assert_eq!(checksum, (TOTAL * (TOTAL + 1) / 2) as i64);
    let max = samples.iter().map(|s| s.1).max().unwrap();
    let last = samples.last().unwrap().1;
    println!(
        "stream: {n} items, {} pages, {:.2} s ({:.0} items/s)",
        TOTAL / PER_PAGE as u64,
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64()
    );
    println!(
        "stream RSS KiB at items {}",
        samples
            .iter()
            .map(|(i, kib)| format!("{i}:{kib}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "stream RSS: baseline {baseline} KiB, max {max} KiB (+{} KiB), end {last} KiB (+{} KiB)",
        max.saturating_sub(baseline),
        last.saturating_sub(baseline)
    );

    // For contrast: the same listing held in memory at once.
    let before = rss_kib();
    let start = Instant::now();
    let all: Vec<ProjectItem> = client
        .list_projects(1)
        .per_page(PER_PAGE)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let elapsed = start.elapsed();
    let after = rss_kib();
    assert_eq!(all.len() as u64, TOTAL);
    println!(
        "collect into Vec: {} items, {:.2} s, RSS {before} -> {after} KiB (+{} KiB, {} bytes/item in memory)",
        all.len(),
        elapsed.as_secs_f64(),
        after.saturating_sub(before),
        after.saturating_sub(before) * 1024 / TOTAL
    );
    drop(all);
    // Flat: the stream's peak is within a few pages' worth of the baseline, and far below
    // what holding the items costs.
    assert!(
        max.saturating_sub(baseline) < 8 * 1024,
        "streaming grew RSS by {} KiB",
        max - baseline
    );
}
