//! The drift suite: the endpoint inventory of the pinned spec must match the committed
//! snapshots. Point it at another spec with `PROCORE_SNAPSHOT_SPEC=path cargo test --test
//! snapshot` to see what a new spec would change.

use procore_tests::{check_drift, committed_snapshots, pinned_spec, snapshots_of, Spec};

#[test]
fn inventory_matches_the_committed_snapshots() {
    let path = match std::env::var_os("PROCORE_SNAPSHOT_SPEC") {
        Some(p) => std::path::PathBuf::from(p),
        None => match pinned_spec() {
            Some(p) => p,
            None => return,
        },
    };
    let fresh = snapshots_of(Spec::Path(&path));
    if let Err(message) = check_drift(&committed_snapshots(), &fresh) {
        panic!("{}: {message}", path.display());
    }
}
