//! The binary's global allocator: mimalloc, configured for a short, allocation-bound process.
//!
//! Generating from the pinned spec (24 MB of JSON into `serde_json::Value`s, the IR, then token
//! streams on 2 threads) spent ~35% of its CPU in glibc malloc/free. mimalloc as it comes cut
//! user time but doubled system time whenever the other core was busy, so wall barely moved
//! (0.91-0.99 of glibc). Two settings remove that system time:
//!
//! - no transparent huge pages (the `no_thp` feature): mimalloc madvises its arenas
//!   `MADV_HUGEPAGE`, and faulting them in as 2 MiB pages (zeroing, compaction under memory
//!   pressure) is what grew under load;
//! - no purging (`purge_delay = -1`, set in [`configure`]): the process lives seconds, so giving
//!   freed pages back to the OS only to fault them in again is pure cost.
//!
//! Measured (`bench --runs 1` on the pinned spec, one process per run, paired and interleaved
//! with the glibc build, medians of 12 pairs, 2 cores shared with other people's builds; "loaded"
//! adds a busy loop on one core), as a ratio to glibc: wall 0.82 (loaded 0.73), user+sys 0.80
//! (0.78), system 0.27 s vs 0.35 s (0.29 vs 0.38); peak RSS 338 MB vs 345 MB. Default mimalloc:
//! wall 0.99, system 1.10 s. jemalloc (defaults) did about as well as this (wall 0.76, loaded
//! 0.80) but adds a slow C build to every cold build. Output is byte-identical whatever the
//! allocator.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay`: its index in mimalloc's `mi_option_e` (the same in v2 and v3;
/// libmimalloc-sys names no constant for it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Turns purging off, unless `MIMALLOC_PURGE_DELAY` says otherwise (to experiment). Called first
/// thing in `main`; mimalloc reads the option each time it would purge.
pub fn configure() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets a process-wide option value; mimalloc's options are safe to set at any
        // time and no memory is touched.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    }
}
