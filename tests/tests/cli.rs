//! The xtask's handling of bad input: one clear line naming the file and the fix, a non-zero
//! exit, never a panic.

use procore_tests::{fixture, root};
use std::process::Command;

fn xtask(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--release", "--package", "xtask", "--"])
        .args(args)
        .current_dir(root())
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "xtask panicked: {stderr}");
    (out.status.success(), stderr)
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
