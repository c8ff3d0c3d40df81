//! Throughput of reading a large list response: the generated lenient `Rfi` (which keeps
//! undeclared fields and deviations) against plain serde-derived structs of the same shape
//! (which ignore undeclared fields and fail on deviations), and against parsing into a bare
//! `serde_json::Value` (the first half of what the lenient types do).
//!
//! Ignored by default; figures go into BENCHMARKS.md:
//!
//! ```text
//! cargo test --release -p procore-coverage --all-features --test lenient_bench -- --ignored --nocapture
//! ```
#![cfg(all(feature = "core", feature = "project-management"))]

use procore_coverage::models::Rfi;
use serde_json::{json, Value};
use std::hint::black_box;
use std::time::Instant;

/// The spec's `Rfi` as plain derived structs, read the way serde reads by default.
#[allow(dead_code)] // Read only to be dropped: the benchmark is the reading.
mod strict {
    use serde::Deserialize;

    #[derive(Deserialize)]
    pub struct Rfi {
        pub id: Option<i64>,
        pub subject: Option<String>,
        pub status: Option<Status>,
        pub assignee: Option<Assignee>,
        pub created_at: Option<String>,
        #[serde(rename = "type")]
        pub type_: Option<String>,
        pub rom: Option<i64>,
        pub cost: Option<f64>,
        pub location: Option<String>,
        pub origin_id: Option<i64>,
        pub questions: Option<Vec<Question>>,
        pub responsible: Option<Responsible>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "lowercase")]
    pub enum Status {
        Open,
        Closed,
        Draft,
    }

    #[derive(Deserialize)]
    pub struct Assignee {
        pub id: Option<i64>,
        pub name: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct Question {
        pub id: Option<i64>,
        pub body: Option<String>,
        pub cost: Option<f64>,
    }

    #[derive(Deserialize)]
    pub struct Person {
        pub id: Option<i64>,
        pub name: Option<String>,
        pub login: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct Vendor {
        pub id: Option<i64>,
        pub company: Option<String>,
        pub trade: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    pub enum Responsible {
        Person(Box<Person>),
        Vendor(Box<Vendor>),
    }
}

/// One RFI row that matches the spec, varied by `i`; `undeclared` adds that many fields the
/// spec does not declare (real bodies carry many).
fn row(i: usize, undeclared: usize) -> Value {
    let status = ["open", "closed", "draft"][i % 3];
    let responsible = if i % 2 == 0 {
        json!({"id": i, "name": format!("Person {i}"), "login": format!("p{i}@example.com")})
    } else {
        json!({"id": i, "company": format!("Vendor {i}"), "trade": "Concrete"})
    };
    let mut v = json!({
        "id": i, "subject": format!("Clarify detail {i} on sheet A-{}", i % 200),
        "status": status, "assignee": {"id": i % 50, "name": format!("Assignee {}", i % 50)},
        "created_at": "2026-01-15T08:30:00Z", "type": "Rfi", "rom": 1500 + i, "cost": 750.25,
        "location": format!("Level {}", i % 9), "origin_id": 100_000 + i,
        "questions": [
            {"id": 2 * i, "body": "Which anchor spacing applies at the east wall?", "cost": 12.5},
            {"id": 2 * i + 1, "body": "Confirm the finish schedule.", "cost": 0.0}
        ],
        "responsible": responsible
    });
    for k in 0..undeclared {
        v[format!("undeclared_{k}")] = match k % 3 {
            0 => json!(k),
            1 => json!(format!("value {k}")),
            _ => json!({"id": k, "name": "nested"}),
        };
    }
    v
}

fn body(rows: usize, undeclared: usize) -> Vec<u8> {
    let list: Vec<Value> = (0..rows).map(|i| row(i, undeclared)).collect();
    serde_json::to_vec(&list).unwrap()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// MB/s of `read` over `bytes`, timed over `reps` reads.
fn rate(bytes: &[u8], reps: usize, read: &dyn Fn(&[u8]) -> usize) -> f64 {
    let t = Instant::now();
    for _ in 0..reps {
        black_box(read(black_box(bytes)));
    }
    (bytes.len() * reps) as f64 / 1e6 / t.elapsed().as_secs_f64()
}

#[test]
#[ignore = "benchmark: run in release with --ignored --nocapture"]
fn lenient_against_strict_list_throughput() {
    const RUNS: usize = 9;
    const REPS: usize = 3;
    let strict = |b: &[u8]| serde_json::from_slice::<Vec<strict::Rfi>>(b).unwrap().len();
    let lenient = |b: &[u8]| serde_json::from_slice::<Vec<Rfi>>(b).unwrap().len();
    let value = |b: &[u8]| match serde_json::from_slice::<Value>(b).unwrap() {
        Value::Array(a) => a.len(),
        _ => 0,
    };
    println!("| body | size | strict serde derive | lenient (generated) | serde_json::Value | lenient / strict |");
    println!("|---|---|---|---|---|---|");
    for undeclared in [0, 20] {
        let bytes = body(10_000, undeclared);
        // Both read every row, and the lenient one keeps every undeclared field.
        let rows: Vec<Rfi> = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(rows.len(), strict(&bytes));
        assert!(rows.iter().all(|r| r.extra.unknown().len() == undeclared));
        let (mut s, mut l, mut v, mut ratio) = (vec![], vec![], vec![], vec![]);
        for _ in 0..RUNS {
            let rs = rate(&bytes, REPS, &strict);
            let rl = rate(&bytes, REPS, &lenient);
            v.push(rate(&bytes, REPS, &value));
            ratio.push(rl / rs);
            s.push(rs);
            l.push(rl);
        }
        println!(
            "| 10,000 RFIs, {undeclared} undeclared fields each | {:.1} MB | {:.0} MB/s | {:.0} MB/s | {:.0} MB/s | {:.2} |",
            bytes.len() as f64 / 1e6,
            median(s),
            median(l),
            median(v),
            median(ratio)
        );
    }
}
