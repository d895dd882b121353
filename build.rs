//! Build script: records which commit the binary was built from, for `mps --version`.
//!
//! The commit comes from `git`; a build from a crate tarball, or on a machine without git,
//! says "unknown" rather than failing. Cargo is told to run this again when HEAD moves (a
//! checkout, a commit), which means watching HEAD and the ref it points to. Those files are
//! located by asking git, not by joining `.git/HEAD`: in a worktree `.git` is a file and the
//! refs live in the main repository's directory.

use std::path::Path;
use std::process::Command;

fn main() {
    // Without any rerun-if-changed line Cargo would rerun this after every source edit.
    println!("cargo:rerun-if-changed=build.rs");
    let commit = match own_repository()
        .then(|| git(&["rev-parse", "--short", "HEAD"]))
        .flatten()
    {
        Some(hash) => {
            watch_head();
            match git(&["log", "-1", "--format=%cs", "HEAD"]) {
                Some(date) => format!("{hash}, {date}"),
                None => hash,
            }
        }
        None => "unknown".to_string(),
    };
    println!("cargo:rustc-env=MPS_BUILD_COMMIT={commit}");
}

/// Asks Cargo to rerun this script when HEAD or the branch it names changes. Only files that
/// exist are named: Cargo reruns a script on every build while a watched file is missing.
fn watch_head() {
    let mut files = Vec::new();
    files.extend(git(&["rev-parse", "--git-path", "HEAD"]));
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        files.extend(git(&["rev-parse", "--git-path", &branch]));
        // A branch whose loose ref was packed (`git gc`) is updated in packed-refs.
        files.extend(git(&["rev-parse", "--git-path", "packed-refs"]));
    }
    for file in files {
        if Path::new(&file).is_file() {
            println!("cargo:rerun-if-changed={file}");
        }
    }
}

/// True when the package directory is the top of a git work tree. A crate unpacked inside
/// some other repository (vendored sources) would otherwise report that repository's commit.
fn own_repository() -> bool {
    let (Some(top), Some(dir)) = (
        git(&["rev-parse", "--show-toplevel"]),
        std::env::var_os("CARGO_MANIFEST_DIR"),
    ) else {
        return false;
    };
    match (
        Path::new(&top).canonicalize(),
        Path::new(&dir).canonicalize(),
    ) {
        (Ok(top), Ok(dir)) => top == dir,
        _ => false,
    }
}

/// The trimmed standard output of `git ARGS` run in the package directory; `None` when git
/// is missing, fails (not a repository) or prints nothing.
fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(std::env::var_os("CARGO_MANIFEST_DIR")?)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!text.is_empty()).then_some(text)
}
