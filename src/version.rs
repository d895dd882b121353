//! What `mps --version` says: the release, the commit it was built from, and what the build
//! includes.

/// `0.1.0 (commit abc1234, 2026-12-03; includes: ...)`; clap puts the program name in front.
///
/// The commit and its date come from `build.rs` ("unknown" when the sources were not a git
/// checkout). mps has no cargo features: the PostgreSQL client, the SQLite cache and the
/// headless Chromium driver are always compiled in, so they are named as what every build
/// includes, not as features that could be switched off. (Chromium itself is not bundled:
/// it is found on the machine at run time.)
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("MPS_BUILD_COMMIT"),
    "; includes: postgres, sqlite cache, chromium driver)"
);
