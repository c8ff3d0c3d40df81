//! The xtask's handling of bad input: one clear line naming the file and the fix, a non-zero
//! exit, never a panic.

use procore_tests::{fixture, root};
use std::process::Command;

/// Runs `cargo xtask ARGS` and returns its output; a panic in it fails the test.
fn xtask_output(args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--release", "--package", "xtask", "--"])
        .args(args)
        .current_dir(root())
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "xtask panicked: {stderr}");
    out
}

fn xtask(args: &[&str]) -> (bool, String) {
    let out = xtask_output(args);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bad_inputs_give_one_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let cases = [
        (fixture("bad/empty.json"), "the file is empty"),
        (
            fixture("bad/not-a-spec.json"),
            "not an OpenAPI 3.0 document",
        ),
        (fixture("bad/syntax-error.yaml"), "not valid YAML"),
        (
            root().join("tests/fixtures/bad/missing.json"),
            "cannot read the spec",
        ),
    ];
    for (path, expected) in cases {
        let p = path.to_str().unwrap();
        let (ok, stderr) = xtask(&["generate", "--from", p, "--out", out]);
        assert!(!ok, "{p} should fail");
        let line = stderr
            .lines()
            .find(|l| l.starts_with("error:"))
            .unwrap_or_else(|| panic!("no error line: {stderr}"));
        assert!(
            line.contains(p.rsplit('/').next().unwrap()) && line.contains(expected),
            "{line}"
        );
    }
}

#[test]
fn strict_flag_sets_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let broken = fixture("broken.json");
    let (ok, stderr) = xtask(&["generate", "--from", broken.to_str().unwrap(), "--out", out]);
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("5 in spec, 2 generated, 3 skipped"),
        "{stderr}"
    );
    let (ok, stderr) = xtask(&[
        "generate",
        "--strict",
        "--from",
        broken.to_str().unwrap(),
        "--out",
        out,
    ]);
    assert!(!ok);
    assert!(stderr.contains("--strict"), "{stderr}");
}

#[test]
fn diff_reports_bad_input_clearly_and_sets_exit_codes() {
    let cov = fixture("feature-coverage.yaml");
    let cov = cov.to_str().unwrap();
    // The same file twice: no changes, exit 0 even with --fail-on any.
    let out = xtask_output(&["diff", cov, cov, "--fail-on", "any"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("no changes"));

    // A breaking change with --fail-on breaking: exit 1 (errors exit 2).
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("feature-coverage.yaml")).unwrap();
    let changed = text.replace(
        "- { name: page, in: query, schema: { type: integer } }",
        "- { name: page, in: query, required: true, schema: { type: integer } }",
    );
    assert_ne!(text, changed);
    let new = dir.path().join("new.yaml");
    std::fs::write(&new, changed).unwrap();
    let out = xtask_output(&["diff", cov, new.to_str().unwrap(), "--fail-on", "breaking"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("[parameter-became-required] `page` is now required"));

    for (bad, expected) in [
        ("tests/fixtures/bad/missing.json", "cannot read the spec"),
        (
            "tests/fixtures/bad/not-a-spec.json",
            "not an OpenAPI 3.0 document",
        ),
    ] {
        let (ok, stderr) = xtask(&["diff", bad, cov]);
        assert!(!ok);
        let line = stderr
            .lines()
            .find(|l| l.starts_with("error:"))
            .unwrap_or_default();
        assert!(
            line.contains(bad.rsplit('/').next().unwrap()) && line.contains(expected),
            "{stderr}"
        );
    }
}

/// A spec with `GET /rest/v1.0/things` in `tag` and, when `widgets`, `GET /rest/v1.0/widgets`.
fn ledger_spec(tag: &str, widgets: bool) -> serde_json::Value {
    let get = |id: &str| {
        serde_json::json!({"operationId": id, "tags": [tag],
            "responses": {"200": {"description": "OK"}}})
    };
    let mut paths = serde_json::json!({"/rest/v1.0/things": {"get": get("ListThings")}});
    if widgets {
        paths["/rest/v1.0/widgets"] = serde_json::json!({"get": get("ListWidgets")});
    }
    serde_json::json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths})
}

#[test]
fn diff_names_methods_and_features_from_the_ledgers() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: String| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    // `things` moves to another category and `widgets` is removed.
    let old = write("old.json", ledger_spec("Core/Things", true).to_string());
    let new = write(
        "new.json",
        ledger_spec("Project Management/Things", false).to_string(),
    );
    let old_lock = write(
        "old.lock",
        "feature core Core\nop things_pinned core GET /rest/v1.0/things\n\
         op widgets_pinned core GET /rest/v1.0/widgets\n"
            .into(),
    );
    let rules_and_rust = |args: &[&str]| -> Vec<(String, String)> {
        let out = xtask_output(&[&["diff", &old, &new, "--format", "json"], args].concat());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        j["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let rust = c["rust"]["text"].as_str().unwrap_or_default();
                (c["rule"].as_str().unwrap().to_string(), rust.to_string())
            })
            .collect()
    };
    let has = |got: &[(String, String)], rule: &str, rust: &str| {
        got.iter().any(|(r, t)| r == rule && t.contains(rust))
    };

    // The old crate's ledger: the removed method is named as the crate names it, and a
    // regeneration over the ledger keeps `things` in its feature (tags change, code does not).
    let got = rules_and_rust(&["--old-ledger", &old_lock]);
    assert!(
        has(
            &got,
            "operation-removed",
            "`Client::widgets_pinned` removed (feature `core`)"
        ),
        "{got:#?}"
    );
    assert!(has(&got, "tag-changed", ""), "{got:#?}");
    assert!(!has(&got, "rust-feature-changed", ""), "{got:#?}");

    // The new crate's own ledger says otherwise: renamed and moved.
    let new_lock = write(
        "new.lock",
        "feature project-management Project Management\n\
         op things_renamed project-management GET /rest/v1.0/things\n"
            .into(),
    );
    let got = rules_and_rust(&["--old-ledger", &old_lock, "--new-ledger", &new_lock]);
    assert!(
        has(
            &got,
            "rust-method-renamed",
            "`Client::things_pinned` is now `Client::things_renamed`"
        ),
        "{got:#?}"
    );
    assert!(
        has(
            &got,
            "rust-feature-changed",
            "enable feature `project-management` instead of `core`"
        ),
        "{got:#?}"
    );

    // No ledger: a fresh generation moves the feature with the category.
    let got = rules_and_rust(&["--no-ledger"]);
    assert!(has(&got, "rust-feature-changed", ""), "{got:#?}");
    assert!(!got.iter().any(|(_, t)| t.contains("pinned")), "{got:#?}");

    // An unreadable ledger is one clear error.
    let bad = write("bad.lock", "op only-two-words\n".into());
    let (ok, stderr) = xtask(&["diff", &old, &new, "--old-ledger", &bad]);
    assert!(!ok);
    assert!(
        stderr.contains("bad.lock is not a readable api.lock") && stderr.contains("line 1"),
        "{stderr}"
    );
}
