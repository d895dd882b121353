//! Process hygiene for Chromium: per-browser profile dirs, finding a browser's processes
//! through `/proc`, killing a whole process tree, and the last-resort sweep for Ctrl-C.
//!
//! A browser's processes are found by the profile dir in their command line rather than by
//! parent pid: when the main process dies its zygote, renderers and crashpad handler are
//! reparented, but their command lines still name the profile dir (checked on Debian's
//! Chromium 156).

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use std::{fs, io, thread};

/// How long a tree kill waits for the killed processes to disappear.
const KILL_WAIT: Duration = Duration::from_secs(3);
/// Poll step while waiting for processes to go.
const POLL: Duration = Duration::from_millis(10);

/// Numbers the profile dirs of this process, so a recycled browser never shares a dir
/// (or a command-line match) with the one it replaces.
static NEXT_PROFILE: AtomicU64 = AtomicU64::new(1);

/// `mps-chrome-<our pid>-`: the start of every profile dir name this process creates.
pub(crate) fn profile_prefix() -> String {
    format!("mps-chrome-{}-", std::process::id())
}

/// A browser's own profile dir under the temp dir. Dropping it kills every process that
/// still uses it and removes it, so even a failed launch leaves nothing behind.
#[derive(Debug)]
pub(crate) struct ProfileDir {
    path: PathBuf,
}

impl ProfileDir {
    /// Creates `temp_dir/mps-chrome-<our pid>-<n>` with a fresh `n`.
    pub(crate) fn create() -> io::Result<ProfileDir> {
        let n = NEXT_PROFILE.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("{}{n}", profile_prefix()));
        // A dir of that name can only be left over from an earlier process that had our
        // pid and was killed; it is not ours to keep, so start clean.
        if path.exists() {
            kill_tree(&path);
            remove_dir(&path)?;
        }
        fs::create_dir(&path)?;
        Ok(ProfileDir { path })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ProfileDir {
    fn drop(&mut self) {
        kill_tree(&self.path);
        if let Err(err) = remove_dir(&self.path) {
            eprintln!(
                "mps: could not remove browser profile {}: {err}",
                self.path.display()
            );
        }
    }
}

/// Removes a dir tree, retrying briefly: a process killed a moment ago may still be
/// closing files in it.
fn remove_dir(path: &Path) -> io::Result<()> {
    let mut last = Ok(());
    for _ in 0..20 {
        last = match fs::remove_dir_all(path) {
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
            other => other,
        };
        if last.is_ok() {
            return Ok(());
        }
        thread::sleep(Duration::from_millis(25));
    }
    last
}

/// Does `cmdline` mention `needle`? With `whole_path`, the match must end the argument or
/// be followed by `/`, so `…-1` does not match `…-12`. Arguments are NUL-separated, except
/// in zygote-forked children, which rewrite their command line as one space-separated
/// string.
fn cmdline_mentions(cmdline: &[u8], needle: &[u8], whole_path: bool) -> bool {
    if needle.is_empty() || cmdline.len() < needle.len() {
        return false;
    }
    (0..=cmdline.len() - needle.len()).any(|i| {
        cmdline[i..].starts_with(needle)
            && (!whole_path
                || matches!(
                    cmdline.get(i + needle.len()),
                    None | Some(b'\0' | b'/' | b' ')
                ))
    })
}

/// Live processes (zombies excluded: their command line is empty) whose command line
/// mentions `needle`. Our own process is never included.
fn pids_mentioning(needle: &[u8], whole_path: bool) -> Vec<u32> {
    let own = std::process::id();
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| pid != own)
        .filter(|pid| {
            // The process may be gone between read_dir and here; that is not an error.
            fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|cmd| cmdline_mentions(&cmd, needle, whole_path))
        })
        .collect()
}

/// The live processes of the browser that uses `profile`.
pub(crate) fn pids_of_profile(profile: &Path) -> Vec<u32> {
    pids_mentioning(profile.as_os_str().as_bytes(), true)
}

/// SIGKILLs every process found by `find`, again and again, until none is left or
/// `KILL_WAIT` has passed. Returns true when none is left.
fn kill_until_gone(find: impl Fn() -> Vec<u32>) -> bool {
    let until = Instant::now() + KILL_WAIT;
    loop {
        let pids = find();
        if pids.is_empty() {
            return true;
        }
        if Instant::now() >= until {
            return false;
        }
        for pid in pids {
            send_sigkill(pid);
        }
        thread::sleep(POLL);
    }
}

fn send_sigkill(pid: u32) {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return;
    };
    if pid <= 0 {
        return; // 0 and negatives address process groups; never send those.
    }
    // SAFETY: kill(2) has no memory effects; a stale pid only yields ESRCH.
    unsafe {
        libc::kill(pid, libc::SIGKILL);
    }
}

/// Kills the whole process tree of the browser that uses `profile` (main process,
/// zygotes, renderers, GPU/utility processes, crashpad) and waits until it is gone.
pub(crate) fn kill_tree(profile: &Path) -> bool {
    kill_until_gone(|| pids_of_profile(profile))
}

/// True while `pid` exists and is not a zombie.
pub(crate) fn pid_alive(pid: u32) -> bool {
    let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // The state letter follows the command name, which is in parentheses and may itself
    // contain spaces or parentheses; hence the last ')'.
    let state = stat
        .rfind(')')
        .and_then(|i| stat[i + 1..].split_whitespace().next());
    !matches!(state, None | Some("Z" | "X" | "x"))
}

/// Waits until `pid` is gone (or a zombie) or `timeout` has passed; true if it is gone.
pub(crate) fn wait_gone(pid: u32, timeout: Duration) -> bool {
    let until = Instant::now() + timeout;
    while pid_alive(pid) {
        if Instant::now() >= until {
            return false;
        }
        thread::sleep(POLL);
    }
    true
}

/// Proportional set size (KiB) summed over the processes of the browser that uses
/// `profile`: shared pages are split between the processes sharing them, so unlike an
/// RSS sum this does not count the Chromium binary ten times.
pub(crate) fn pss_kib(profile: &Path) -> u64 {
    pids_of_profile(profile)
        .into_iter()
        .filter_map(|pid| fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok())
        .filter_map(|rollup| {
            let line = rollup.lines().find(|l| l.starts_with("Pss:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .sum()
}

/// Kills every Chromium this process started (any process whose command line contains
/// `mps-chrome-<our pid>-`) and removes their profile dirs from the temp dir.
///
/// Meant for a Ctrl-C handler just before `std::process::exit`, when the pool's threads
/// cannot be joined; it needs no pool and takes no locks the pool holds.
pub fn kill_all_browsers_of_this_process() {
    let prefix = profile_prefix();
    kill_until_gone(|| pids_mentioning(prefix.as_bytes(), false));
    let Ok(entries) = fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name.as_bytes().starts_with(prefix.as_bytes()) {
            // Best effort on the way out; there is nobody left to report to.
            let _ = remove_dir(&entry.path());
        }
    }
}

/// All live processes of this process's browsers (any pool), for tests.
#[cfg(test)]
pub(crate) fn pids_of_this_process() -> Vec<u32> {
    pids_mentioning(profile_prefix().as_bytes(), false)
}

/// Profile dirs of this process still present in the temp dir, for tests.
#[cfg(test)]
pub(crate) fn profile_dirs_of_this_process() -> Vec<PathBuf> {
    let prefix = profile_prefix();
    let Ok(entries) = fs::read_dir(std::env::temp_dir()) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|e| e.file_name().as_bytes().starts_with(prefix.as_bytes()))
        .map(|e| e.path())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmdline_match_respects_path_boundaries() {
        let cmd = b"/usr/lib/chromium/chromium\0--user-data-dir=/tmp/mps-chrome-7-12\0";
        assert!(cmdline_mentions(cmd, b"/tmp/mps-chrome-7-12", true));
        assert!(!cmdline_mentions(cmd, b"/tmp/mps-chrome-7-1", true));
        assert!(cmdline_mentions(cmd, b"/tmp/mps-chrome-7-1", false));
        let crash = b"crashpad\0--database=/tmp/mps-chrome-7-1/Crash Reports\0";
        assert!(cmdline_mentions(crash, b"/tmp/mps-chrome-7-1", true));
        let renderer =
            b"/usr/lib/chromium/chromium --type=renderer --user-data-dir=/tmp/mps-chrome-7-1 --x";
        assert!(cmdline_mentions(renderer, b"/tmp/mps-chrome-7-1", true));
        assert!(!cmdline_mentions(b"", b"/tmp/x", true));
    }

    #[test]
    fn own_process_is_alive_and_a_bogus_pid_is_not() {
        assert!(pid_alive(std::process::id()));
        assert!(!pid_alive(u32::MAX));
    }
}
