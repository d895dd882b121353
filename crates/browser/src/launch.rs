//! Finding Debian's Chromium, launching one headless instance as our own child process
//! (own profile dir, tied to our lifetime by the kernel's parent-death signal), connecting
//! to it over CDP, and closing or killing it again, always reaping the process.
//!
//! We start the process ourselves instead of letting headless_chrome do it: only the
//! parent can set `PR_SET_PDEATHSIG` between fork and exec, and that signal is what takes
//! Chromium down when mps dies in a way that runs no cleanup code (SIGKILL, OOM killer).

use std::ffi::OsString;
use std::io::{self, Read};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use std::{fs, thread};

use headless_chrome::protocol::cdp::Browser as BrowserDomain;
use headless_chrome::{Browser, Tab};
use nix::sys::prctl;
use nix::sys::signal::Signal;
use nix::unistd::getppid;

use super::crash_watch;
use super::error::BrowserError;
use super::process::{self, ProfileDir};

/// Where Debian puts Chromium when `chromium` is not on PATH.
const DEBIAN_CHROMIUM: &str = "/usr/bin/chromium";

/// The CDP connection is dropped after this long without a message from the browser.
/// headless_chrome's default of 30 s kills the connection of a browser that merely waits
/// for work; the worker closes idle browsers well before this (see `worker::IDLE_CLOSE`).
pub(crate) const IDLE_BROWSER_TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// How long the process may take to open its DevTools port, and then how long the
/// initial tab may take to appear.
const FIRST_TAB_TIMEOUT: Duration = Duration::from_secs(20);

/// How long `chromium --version` may take.
const PREFLIGHT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a clean `Browser.close` may take before the tree is killed instead.
const CLOSE_WAIT: Duration = Duration::from_secs(3);

/// Poll step while waiting for the DevTools port file or for the process to exit.
const POLL: Duration = Duration::from_millis(10);

/// The file Chromium writes into its user-data-dir once it listens for DevTools:
/// line 1 the port, line 2 the browser target's path (`/devtools/browser/<id>`).
const DEVTOOLS_PORT_FILE: &str = "DevToolsActivePort";

/// headless_chrome 1.0.22's `DEFAULT_ARGS`, which `Browser::new` passed before we
/// launched Chromium ourselves; copied so the browser behaves as it did (and keeps doing
/// so if we move off that crate).
const DEFAULT_FLAGS: [&str; 23] = [
    "--disable-background-networking",
    "--enable-features=NetworkService,NetworkServiceInProcess",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-breakpad",
    "--disable-client-side-phishing-detection",
    "--disable-component-extensions-with-background-pages",
    "--disable-default-apps",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--disable-features=TranslateUI,BlinkGenPropertyTrees",
    "--disable-hang-monitor",
    "--disable-ipc-flooding-protection",
    "--disable-popup-blocking",
    "--disable-prompt-on-repost",
    "--disable-renderer-backgrounding",
    "--disable-sync",
    "--force-color-profile=srgb",
    "--metrics-recording-only",
    "--no-first-run",
    "--enable-automation",
    "--password-store=basic",
    "--use-mock-keychain",
];

/// The flags headless_chrome added for our old launch options.
const MODE_FLAGS: [&str; 4] = [
    "--headless",
    // Chromium refuses to start as root with its sandbox on, and this tool runs as root
    // in containers; the pages are county sites, not arbitrary ones.
    "--no-sandbox",
    "--disable-setuid-sandbox",
    // Port 0: Chromium picks a free port and tells us through DEVTOOLS_PORT_FILE, so
    // there is no race with another process for a port we picked.
    "--remote-debugging-port=0",
];

/// Flags on top of the defaults above. Several repeat them on purpose: they are the ones
/// we rely on, and this list survives a change of those defaults.
const EXTRA_FLAGS: [&str; 8] = [
    "--disable-gpu",
    // A renderer's JavaScript heap stops at 256 MB (V8's own default here is about 4 GB):
    // a county page needs a few MB, and a page that allocates without end (a leak, a bad
    // widget) then crashes its renderer within seconds, which the pool retries on a fresh
    // browser, instead of taking gigabytes from the machine first.
    "--js-flags=--max-old-space-size=256",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
];

/// The Chromium to run: the configured path if given (it must exist), else `chromium` on
/// PATH, else `/usr/bin/chromium`. Never downloads anything.
pub(crate) fn find_chromium(configured: Option<&Path>) -> Result<PathBuf, BrowserError> {
    if let Some(path) = configured {
        return if is_executable(path) {
            Ok(path.to_path_buf())
        } else {
            Err(BrowserError::NotInstalled {
                searched: format!("{} is not an executable file", path.display()),
            })
        };
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join("chromium"))
        .find(|candidate| is_executable(candidate));
    on_path
        .or_else(|| Some(PathBuf::from(DEBIAN_CHROMIUM)).filter(|p| is_executable(p)))
        .ok_or_else(|| BrowserError::NotInstalled {
            searched: format!("no `chromium` on PATH and no {DEBIAN_CHROMIUM}"),
        })
}

/// Chromium's crashpad handlers are double-forked (their parent is init) and put their
/// database under `$XDG_CONFIG_HOME/chromium`, not under `--user-data-dir`; pointing
/// that at the profile dir keeps them out of the user's home and puts the profile path
/// in their command line, so the tree kill finds them too.
fn crash_env(profile: &Path) -> [(&'static str, PathBuf); 1] {
    [("XDG_CONFIG_HOME", profile.join("config"))]
}

fn is_executable(path: &Path) -> bool {
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Runs `chromium --version` once before any launch, so that a wrong or broken binary
/// fails `start` with its own words at once rather than as a launch that never opens its
/// DevTools port (FIRST_TAB_TIMEOUT per browser).
pub(crate) fn preflight(chromium: &Path) -> Result<String, BrowserError> {
    let fail = |why: String| BrowserError::Launch {
        message: format!("{} --version {why}", chromium.display()),
    };
    let mut child = Command::new(chromium)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fail(format!("cannot run: {e}")))?;
    let until = Instant::now() + PREFLIGHT_TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < until => thread::sleep(Duration::from_millis(10)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(fail(format!("did not answer in {PREFLIGHT_TIMEOUT:?}")));
            }
            Err(e) => return Err(fail(format!("cannot be waited for: {e}"))),
        }
    };
    let read = |pipe: Option<&mut dyn Read>| {
        let mut text = String::new();
        if let Some(pipe) = pipe {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    };
    let stdout = read(child.stdout.as_mut().map(|p| p as &mut dyn Read));
    let stderr = read(child.stderr.as_mut().map(|p| p as &mut dyn Read));
    let version = stdout.trim().to_string();
    if status.success() && version.contains("Chrom") {
        return Ok(version);
    }
    // Debian's wrapper prints a harmless shell warning on stderr; the last line is the
    // one that explains a real failure.
    let detail = stderr.lines().last().unwrap_or("").trim();
    Err(fail(format!(
        "did not report a Chromium version ({status}; stdout {version:?}; stderr {detail:?})"
    )))
}

/// One running Chromium, our child process, with the tab we reuse for every page.
pub(crate) struct Launched {
    // Field order matters for drop: tab and browser (the CDP connection) go first, then
    // the child (killed and reaped), then the profile dir, whose drop kills what is left
    // of the tree and removes the dir.
    pub(crate) tab: Arc<Tab>,
    pub(crate) browser: Browser,
    /// Its pid went to the owner through `LaunchHooks::started`.
    child: ChildGuard,
    pub(crate) profile: ProfileDir,
}

/// The Chromium main process. Dropping it kills and reaps it, so no path out of a launch
/// or a session (early return, panic) leaves a live main process or a zombie behind.
struct ChildGuard(Child);

impl ChildGuard {
    /// Waits up to `timeout` for the process to exit by itself (reaping it); true if it did.
    fn wait_exit(&mut self, timeout: Duration) -> bool {
        let until = Instant::now() + timeout;
        loop {
            match self.0.try_wait() {
                Ok(Some(_)) => return true,
                Ok(None) if Instant::now() < until => thread::sleep(POLL),
                // Err: not waitable (cannot happen for our own child); the kill path reaps.
                Ok(None) | Err(_) => return false,
            }
        }
    }

    /// Kills the process if it still runs, then reaps it. std remembers a reaped child,
    /// so this never signals a recycled pid.
    fn kill_and_reap(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        self.kill_and_reap();
    }
}

/// What the owner of a launch is told, and asked, while it runs.
pub(crate) struct LaunchHooks<'a> {
    /// Called once the process exists (not yet connected) with its pid and profile dir,
    /// so the owner can kill it from another thread even before the launch finishes.
    pub(crate) started: &'a dyn Fn(u32, &Path),
    /// Polled while waiting: true when the owner no longer wants the browser; the launch
    /// then gives up with `BrowserError::Closed` and kills what it started.
    pub(crate) give_up: &'a dyn Fn() -> bool,
}

/// Starts Chromium headless as our child with a fresh profile dir, connects to it and
/// waits for its first tab.
///
/// The child gets SIGKILL from the kernel when the *thread* that spawned it exits
/// (`PR_SET_PDEATHSIG` is tied to the parent thread, not the process). Browsers are
/// launched only from the pool's browser threads, which live as long as the pool, and a
/// process that dies takes all its threads with it, so the signal fires exactly when mps
/// is gone (or a browser thread died unwinding, when its browser is useless anyway).
pub(crate) fn launch(chromium: &Path, hooks: &LaunchHooks<'_>) -> Result<Launched, BrowserError> {
    let launch_err = |what: &str, err: &dyn std::fmt::Display| BrowserError::Launch {
        message: format!("{what} ({}): {err}", chromium.display()),
    };
    // Created before the launch so that a failure half-way still removes the dir and
    // kills whatever did start (ProfileDir's Drop); declared before `child` so that it is
    // dropped after it (the main process is killed and reaped first).
    let profile = ProfileDir::create().map_err(|e| launch_err("cannot create profile dir", &e))?;
    let mut child = ChildGuard(
        command(chromium, profile.path())
            .spawn()
            .map_err(|e| launch_err("cannot start", &e))?,
    );
    let pid = child.0.id();
    (hooks.started)(pid, profile.path());
    if (hooks.give_up)() {
        return Err(BrowserError::Closed);
    }
    let ws_url =
        wait_for_devtools(&mut child, profile.path(), hooks.give_up).map_err(|e| match e {
            NoPort::GaveUp => BrowserError::Closed,
            NoPort::Failed(why) => launch_err("no DevTools port", &why),
        })?;
    let browser = Browser::connect_with_timeout(ws_url, IDLE_BROWSER_TIMEOUT)
        .map_err(|e| launch_err("cannot connect", &e))?;
    browser.set_default_timeout(FIRST_TAB_TIMEOUT);
    // The initial about:blank tab is deprecated upstream in favour of new_tab(), but it is
    // ready with the browser where new_tab() adds 0.23-0.52 s to every launch and
    // recycle; new_tab() stays as the fallback.
    #[allow(deprecated)]
    let initial = browser.wait_for_initial_tab();
    let tab = initial
        .or_else(|_| browser.new_tab())
        .map_err(|e| launch_err("no tab", &e))?;
    crash_watch::kill_on_renderer_crash(&tab, profile.path())
        .map_err(|e| launch_err("cannot watch the tab for crashes", &e))?;
    if (hooks.give_up)() {
        return Err(BrowserError::Closed);
    }
    Ok(Launched {
        tab,
        browser,
        child,
        profile,
    })
}

/// The command line headless_chrome used to build for us, output to /dev/null (a piped
/// stderr that nobody drains fills up and blocks Chromium), with the parent-death signal.
fn command(chromium: &Path, profile: &Path) -> Command {
    let mut user_data_dir = OsString::from("--user-data-dir=");
    user_data_dir.push(profile);
    let mut command = Command::new(chromium);
    command
        .args(DEFAULT_FLAGS)
        .args(MODE_FLAGS)
        .arg(user_data_dir)
        .args(EXTRA_FLAGS)
        .envs(crash_env(profile))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let parent = std::process::id();
    #[allow(unsafe_code)] // pre_exec is unsafe by contract; see SAFETY below.
    // SAFETY: the closure runs in the child between fork and exec, where the parent's
    // other threads may have held locks (malloc's included) at the fork, so only
    // async-signal-safe work is sound. It makes two raw syscalls, prctl(2) and
    // getppid(2), and builds `io::Error`s from raw errno values, which allocates nothing;
    // it touches no lock and no memory shared with the parent.
    unsafe {
        command.pre_exec(move || {
            prctl::set_pdeathsig(Signal::SIGKILL).map_err(io::Error::from)?;
            // If mps died between fork and prctl the signal was missed; the child has
            // been reparented by then, so do not start a browser nobody owns.
            if u32::try_from(getppid().as_raw()) != Ok(parent) {
                return Err(io::Error::from(nix::errno::Errno::ESRCH));
            }
            Ok(())
        });
    }
    command
}

/// Why no DevTools URL came out of `wait_for_devtools`.
enum NoPort {
    /// The owner no longer wants the browser.
    GaveUp,
    /// The process exited first, or the file did not appear in time.
    Failed(String),
}

/// Waits for Chromium to write its DevTools port file and returns the browser's
/// WebSocket URL, failing early if the process exits.
fn wait_for_devtools(
    child: &mut ChildGuard,
    profile: &Path,
    give_up: &dyn Fn() -> bool,
) -> Result<String, NoPort> {
    let file = profile.join(DEVTOOLS_PORT_FILE);
    let until = Instant::now() + FIRST_TAB_TIMEOUT;
    loop {
        // The file may be caught half-written; a partial one does not parse and is read
        // again on the next round.
        if let Some(url) = fs::read_to_string(&file)
            .ok()
            .and_then(|text| devtools_url(&text))
        {
            return Ok(url);
        }
        match child.0.try_wait() {
            Ok(Some(status)) => {
                return Err(NoPort::Failed(format!(
                    "exited ({status}) before opening its DevTools port"
                )))
            }
            Ok(None) => {}
            Err(e) => return Err(NoPort::Failed(format!("cannot be waited for: {e}"))),
        }
        if give_up() {
            return Err(NoPort::GaveUp);
        }
        if Instant::now() >= until {
            return Err(NoPort::Failed(format!(
                "{DEVTOOLS_PORT_FILE} did not appear in {FIRST_TAB_TIMEOUT:?}"
            )));
        }
        thread::sleep(POLL);
    }
}

/// `ws://127.0.0.1:<port><path>` from a complete DevToolsActivePort file, else None.
fn devtools_url(text: &str) -> Option<String> {
    let mut lines = text.lines();
    let port: u16 = lines.next()?.trim().parse().ok()?;
    let path = lines.next()?.trim();
    let id = path.strip_prefix("/devtools/browser/")?;
    if port == 0 || id.is_empty() {
        return None;
    }
    // Chromium listens on the loopback address only unless told otherwise.
    Some(format!("ws://127.0.0.1:{port}{path}"))
}

impl Launched {
    /// Closes the browser politely (`Browser.close`), waits for the main process to exit,
    /// then kills anything left of the tree, reaps it and removes the profile dir.
    pub(crate) fn close(mut self) {
        // A dead or hung connection makes the call fail or time out at the transport's
        // idle limit; the caller arms a watchdog around close() for that case.
        let _ = self.tab.call_method(BrowserDomain::Close(None));
        self.child.wait_exit(CLOSE_WAIT);
        self.kill();
    }

    /// Kills the whole tree at once, reaps the main process and removes the profile dir.
    pub(crate) fn kill(self) {
        process::kill_tree(self.profile.path());
        let Launched {
            tab,
            browser,
            mut child,
            profile,
        } = self;
        // Reaped before the connection is dropped, so there is no zombie even for a
        // moment longer than needed.
        child.kill_and_reap();
        drop(tab);
        drop(browser);
        drop(child);
        drop(profile);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devtools_port_file_gives_the_websocket_url() {
        assert_eq!(
            devtools_url("39241\n/devtools/browser/5d1e-aa\n").as_deref(),
            Some("ws://127.0.0.1:39241/devtools/browser/5d1e-aa")
        );
        for partial in [
            "",
            "39241",
            "39241\n",
            "39241\n/devtools/brow",
            "0\n/devtools/browser/x",
            "x\n/devtools/browser/x",
            "39241\n/devtools/browser/",
        ] {
            assert_eq!(devtools_url(partial), None, "{partial:?}");
        }
    }
}
