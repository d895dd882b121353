//! Process hygiene for Chromium: per-browser profile dirs, finding a browser's processes
//! through `/proc`, killing a whole process tree, removing the profile dirs that a killed
//! earlier mps left behind, and the last-resort sweep for Ctrl-C.
//!
//! A browser's processes are found by the profile dir in their command line rather than by
//! parent pid: when the main process dies its zygote, renderers and crashpad handler are
//! reparented, but their command lines still name the profile dir (checked on Debian's
//! Chromium 156).

use std::ffi::OsStr;
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

/// Every profile dir is named `mps-chrome-<pid of the mps that made it>-<n>`.
const PROFILE_STEM: &str = "mps-chrome-";

/// `mps-chrome-<our pid>-`: the start of every profile dir name this process creates.
pub(crate) fn profile_prefix() -> String {
    format!("{PROFILE_STEM}{}-", std::process::id())
}

/// The pid of the mps that made the profile dir called `name`, or None if `name` is not
/// exactly `mps-chrome-<pid>-<n>` (both numbers decimal).
pub(crate) fn profile_owner(name: &OsStr) -> Option<u32> {
    let rest = name.to_str()?.strip_prefix(PROFILE_STEM)?;
    let (pid, n) = rest.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(pid) || !digits(n) {
        return None;
    }
    pid.parse().ok()
}

/// Is the profile dir called `name` left over from an mps that no longer runs? Dirs of
/// this process are never stale, and neither is a dir whose maker is still alive: that
/// may be another mps running at the same time (or, after pid reuse, an unrelated
/// process; then the dir waits for a later sweep).
fn is_stale(name: &OsStr, own: u32, alive: impl Fn(u32) -> bool) -> bool {
    profile_owner(name).is_some_and(|pid| pid != own && !alive(pid))
}

/// Removes the profile dirs in the temp dir that an mps killed before it could clean up
/// left behind (SIGKILL, OOM killer, power loss), killing first any process still using
/// one. Returns the dirs removed.
pub(crate) fn remove_stale_profiles() -> Vec<PathBuf> {
    remove_stale_profiles_in(&std::env::temp_dir())
}

/// [`remove_stale_profiles`] for the profile dirs in `dir`.
pub(crate) fn remove_stale_profiles_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let own = std::process::id();
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        if !is_stale(&entry.file_name(), own, pid_alive) {
            continue;
        }
        let path = entry.path();
        // An orphaned Chromium (from an mps that predates the parent-death signal) could
        // still be writing into the dir; it is nobody's now.
        kill_tree(&path);
        match remove_dir(&path) {
            Ok(()) => removed.push(path),
            Err(err) => eprintln!(
                "mps: could not remove stale browser profile {}: {err}",
                path.display()
            ),
        }
    }
    removed
}

/// A browser's own profile dir under the temp dir. Dropping it kills every process that
/// still uses it and removes it, so even a failed launch leaves nothing behind.
///
/// If mps itself is killed (SIGKILL: no destructor runs), the dir's reaper removes it: a
/// small `sh` started with the dir, which waits for the end of a pipe whose other end only
/// mps holds. The kernel closes that pipe when mps dies, however it dies; the reaper then
/// removes the dir (its Chromium dies at the same moment: parent-death signal).
#[derive(Debug)]
pub(crate) struct ProfileDir {
    path: PathBuf,
    reaper: Option<std::process::Child>,
}

/// The reaper's script. The dir comes on stdin, not on the command line, so that nothing
/// looking for the dir's processes by command line (the tree kill) mistakes the reaper for
/// a browser process. `done` means mps removed the dir itself. Without it, mps died: the
/// dir is removed, and removed again while dying browser processes may still write into
/// it, until it has stayed gone for a few seconds.
const REAPER: &str = "IFS= read -r dir || exit 0
while IFS= read -r word; do [ \"$word\" = done ] && exit 0; done
gone=0
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
  rm -rf -- \"$dir\" 2>/dev/null
  if [ -e \"$dir\" ]; then gone=0; else gone=$((gone + 1)); [ \"$gone\" -ge 3 ] && exit 0; fi
  sleep 1
done";

/// Starts the reaper of `dir`; `None` if no `sh` could be started (then a SIGKILLed mps
/// leaves the dir for the next start's sweep of stale dirs).
fn spawn_reaper(dir: &Path) -> Option<std::process::Child> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("/bin/sh")
        .args(["-c", REAPER])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut line = dir.as_os_str().as_bytes().to_vec();
    line.push(b'\n');
    let told = child
        .stdin
        .as_mut()
        .is_some_and(|stdin| stdin.write_all(&line).is_ok());
    if !told {
        let _ = child.kill();
        let _ = child.wait();
        return None;
    }
    Some(child)
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
        let reaper = spawn_reaper(&path);
        Ok(ProfileDir { path, reaper })
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
        if let Some(mut reaper) = self.reaper.take() {
            // Tell it the dir is gone; it exits at once. Reaped if it is quick, else left
            // to init when mps exits (never blocking a browser's retirement).
            if let Some(mut stdin) = reaper.stdin.take() {
                use std::io::Write;
                let _ = stdin.write_all(b"done\n");
            }
            let until = Instant::now() + Duration::from_millis(200);
            while matches!(reaper.try_wait(), Ok(None)) && Instant::now() < until {
                thread::sleep(POLL);
            }
        }
    }
}

/// Removes a dir tree, retrying briefly: a process killed a moment ago may still be
/// closing files in it. A dir that is already gone is fine (two cleaners may race).
pub(crate) fn remove_dir(path: &Path) -> io::Result<()> {
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
    pids_mentioning_any(&[needle], whole_path)
}

/// Live processes whose command line mentions any of `needles`, in one pass over /proc.
fn pids_mentioning_any(needles: &[&[u8]], whole_path: bool) -> Vec<u32> {
    if needles.is_empty() {
        return Vec::new();
    }
    let own = std::process::id();
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| pid != own)
        .filter(|pid| {
            // The process may be gone between read_dir and here; that is not an error.
            fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|cmd| {
                needles
                    .iter()
                    .any(|needle| cmdline_mentions(&cmd, needle, whole_path))
            })
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
    let Ok(pid) = i32::try_from(pid) else {
        return;
    };
    if pid <= 0 {
        return; // 0 and negatives address process groups; never send those.
    }
    // A stale pid only yields ESRCH, which is fine: the process is gone.
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGKILL,
    );
}

/// Kills the whole process tree of the browser that uses `profile` (main process,
/// zygotes, renderers, GPU/utility processes, crashpad) and waits until it is gone.
pub(crate) fn kill_tree(profile: &Path) -> bool {
    kill_until_gone(|| pids_of_profile(profile))
}

/// Kills the trees of several browsers at once: every process is signalled in the same
/// pass, so the wait for them to go is paid once rather than once per browser.
pub(crate) fn kill_trees(profiles: &[PathBuf]) -> bool {
    let needles: Vec<&[u8]> = profiles.iter().map(|p| p.as_os_str().as_bytes()).collect();
    kill_until_gone(|| pids_mentioning_any(&needles, true))
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
    fn profile_dir_names_give_their_maker() {
        let owner = |name: &str| profile_owner(OsStr::new(name));
        assert_eq!(owner("mps-chrome-4242-7"), Some(4242));
        assert_eq!(owner("mps-chrome-1-123"), Some(1));
        for bad in [
            "mps-chrome-4242",
            "mps-chrome-4242-",
            "mps-chrome--7",
            "mps-chrome-x1-7",
            "mps-chrome-42-7x",
            "mps-chrome-42-7-1",
            "mps-chrome-+42-7",
            "xmps-chrome-42-7",
            "mps-chrome-99999999999-1",
            "rust-headless-chrome-profile1",
        ] {
            assert_eq!(owner(bad), None, "{bad}");
        }
        assert_eq!(profile_owner(OsStr::from_bytes(b"mps-chrome-\xff-1")), None);
    }

    #[test]
    fn only_dirs_of_dead_other_processes_are_stale() {
        let own = 100;
        let alive = |pid: u32| pid == 100 || pid == 200;
        let stale = |name: &str| is_stale(OsStr::new(name), own, alive);
        assert!(stale("mps-chrome-300-1"), "maker is dead");
        assert!(
            !stale("mps-chrome-200-1"),
            "maker is alive: maybe another mps"
        );
        assert!(!stale("mps-chrome-100-1"), "ours");
        assert!(!stale("mps-chrome-300"), "not a profile dir name");
        assert!(!stale("something-else"));
    }

    /// A real sweep over a private dir: a dead maker's dir goes (and so does the process
    /// still using it), a live maker's dir, our own and unrelated entries stay.
    #[test]
    fn stale_sweep_removes_dead_makers_dirs_only() {
        let root = tempfile::tempdir().expect("temp dir");
        let dead = {
            let mut child = std::process::Command::new("true")
                .spawn()
                .expect("run true");
            let pid = child.id();
            child.wait().expect("reap true");
            pid
        };
        assert!(!pid_alive(dead));
        let mut live = std::process::Command::new("sleep")
            .arg("60")
            .spawn()
            .expect("run sleep");
        let make = |name: String| {
            let path = root.path().join(name);
            fs::create_dir(&path).expect("create dir");
            fs::write(path.join("file"), "x").expect("write file");
            path
        };
        let dead_dir = make(format!("mps-chrome-{dead}-1"));
        let live_dir = make(format!("mps-chrome-{}-2", live.id()));
        let own_dir = make(format!("mps-chrome-{}-3", std::process::id()));
        let other = make("mps-chrome-x-4".to_string());
        // A process still using the dead maker's dir, as an orphaned Chromium would.
        let mut user = std::process::Command::new("tail")
            .arg("-f")
            .arg(dead_dir.join("file"))
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("run tail");
        let until = Instant::now() + Duration::from_secs(10);
        while pids_of_profile(&dead_dir).is_empty() && Instant::now() < until {
            thread::sleep(POLL);
        }

        let removed = remove_stale_profiles_in(root.path());

        assert_eq!(removed, vec![dead_dir.clone()]);
        assert!(!dead_dir.exists());
        assert!(live_dir.exists() && own_dir.exists() && other.exists());
        let status = user.wait().expect("reap tail");
        assert!(!status.success(), "the dir's user must have been killed");
        let _ = live.kill();
        let _ = live.wait();
    }

    #[test]
    fn own_process_is_alive_and_a_bogus_pid_is_not() {
        assert!(pid_alive(std::process::id()));
        assert!(!pid_alive(u32::MAX));
    }
}
