//! The stability promise, checked on the IR (quick, in CI): regenerating over the committed
//! crate from a spec changed the ways Procore changes it keeps every method, feature and type a
//! user can name, unless the HTTP API itself broke. `cargo xtask churn` checks the same fixtures
//! with cargo-semver-checks on compiled crates.

use procore_generator::churn::Churn;
use procore_generator::ir::Ledger;
use procore_generator::{load, stability, Generator, Settings};
use procore_tests::{pinned_spec, root};
use std::collections::BTreeSet;

fn build(doc: serde_json::Value, ledger: &Ledger) -> procore_generator::ir::Api {
    let bytes = serde_json::to_vec(&doc).unwrap();
    let spec = load::load_bytes("churned.json", &bytes).unwrap();
    Generator::new(Settings::default().ledger(Some(ledger.clone())))
        .build_ir(spec)
        .0
}

fn features(ledger: &Ledger) -> BTreeSet<String> {
    ledger.features.keys().cloned().collect()
}

#[test]
fn regenerating_over_the_committed_crate_breaks_only_what_http_broke() {
    check(
        &Churn::ALL
            .into_iter()
            .filter(|c| *c != Churn::AddFields)
            .collect::<Vec<_>>(),
    );
}

/// Fields and enum values added at some of the places a shared shape is used split it; the
/// merge of `ir::merge` must reunite every part under its ledger name. A test of its own so
/// that it runs beside the others (each builds the pinned spec twice).
#[test]
fn added_fields_break_nothing() {
    check(&[Churn::AddFields]);
}

fn check(churns: &[Churn]) {
    let Some(path) = pinned_spec() else { return };
    let text = std::fs::read_to_string(root().join("generated-client/api.lock"))
        .expect("generated-client/api.lock is committed");
    let ledger = Ledger::parse(&text).expect("the committed ledger reads");
    let doc = load::load_path(&path).unwrap().doc;
    let base = build(doc.clone(), &ledger);
    // The committed crate is what the pinned spec gives over its own ledger.
    assert_eq!(
        Ledger::of(&base, Some(&ledger)),
        ledger,
        "api.lock is stale: run `cargo xtask generate`"
    );
    let mut failures = Vec::new();
    for &churn in churns {
        let after = build(churn.apply(&doc), &ledger);
        let next = Ledger::of(&after, Some(&ledger));
        failures.extend(clashing_variants(&after).map(|u| format!("{}: {u}", churn.name())));
        let changes = stability::compare(&base, &after, &features(&ledger), &features(&next));
        let breaks: Vec<&str> = changes
            .iter()
            .filter(|c| c.breaking)
            .map(|c| c.what.as_str())
            .collect();
        match (churn.is_additive(), breaks.is_empty()) {
            (true, false) => failures.push(format!(
                "{}: {} breaking change(s), first: {:?}",
                churn.name(),
                breaks.len(),
                &breaks[..breaks.len().min(5)]
            )),
            (false, true) => {
                failures.push(format!("{}: a real break went unreported", churn.name()))
            }
            _ => {}
        }
        if churn.is_additive() {
            assert!(
                !changes.is_empty()
                    || churn == Churn::ReorderPaths
                    || churn == Churn::Retag
                    || churn == Churn::RenameCategory,
                "{}: the fixture changed nothing",
                churn.name()
            );
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Unions with two variants of one name (the crate would not compile; the surface compared
/// above keys variants by name and cannot see it).
fn clashing_variants(api: &procore_generator::ir::Api) -> impl Iterator<Item = String> + '_ {
    api.used_types.iter().filter_map(|&id| {
        let def = api.types.get(id);
        let procore_generator::ir::TypeKind::Union { variants } = &def.kind else {
            return None;
        };
        let mut seen = BTreeSet::new();
        let clash = variants.iter().find(|v| !seen.insert(&v.ident))?;
        Some(format!(
            "union `{}` has two variants `{}`",
            def.name, clash.ident
        ))
    })
}
