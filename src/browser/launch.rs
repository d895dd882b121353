//! Finding Debian's Chromium and launching one headless instance with its own profile dir,
//! plus closing it cleanly again.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use headless_chrome::protocol::cdp::Browser as BrowserDomain;
use headless_chrome::{Browser, LaunchOptions, Tab};

use super::error::BrowserError;
use super::process::{self, ProfileDir};

/// Where Debian puts Chromium when `chromium` is not on PATH.
const DEBIAN_CHROMIUM: &str = "/usr/bin/chromium";

/// The CDP connection is dropped after this long without a message from the browser.
/// headless_chrome's default of 30 s kills the connection of a browser that merely waits
/// for work; the worker closes idle browsers well before this (see `worker::IDLE_CLOSE`).
pub(crate) const IDLE_BROWSER_TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// How long the initial tab may take to appear after the process is up.
const FIRST_TAB_TIMEOUT: Duration = Duration::from_secs(20);

/// How long `chromium --version` may take.
const PREFLIGHT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a clean `Browser.close` may take before the tree is killed instead.
const CLOSE_WAIT: Duration = Duration::from_secs(3);

/// Flags on top of headless_chrome's own defaults. Several repeat its defaults on purpose:
/// they are the ones we rely on, and this list survives a change of those defaults.
const EXTRA_FLAGS: [&str; 7] = [
    "--disable-gpu",
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
fn crash_env(profile: &Path) -> HashMap<String, String> {
    let config = profile.join("config");
    HashMap::from([(
        "XDG_CONFIG_HOME".to_string(),
        config.to_string_lossy().into_owned(),
    )])
}

fn is_executable(path: &Path) -> bool {
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Runs `chromium --version` once before any launch. headless_chrome waits 30 s for the
/// DevTools line of a binary that never prints it, and restarts it up to ten times, so a
/// wrong or broken binary would otherwise hang `start` for minutes instead of failing.
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

/// One running Chromium with the tab we reuse for every page.
pub(crate) struct Launched {
    // Field order matters for drop: tab and browser (which reaps the main process) go
    // before the profile dir, whose drop kills leftovers and removes the dir.
    pub(crate) tab: Arc<Tab>,
    pub(crate) browser: Browser,
    pub(crate) pid: u32,
    pub(crate) profile: ProfileDir,
}

/// Starts Chromium headless with a fresh profile dir and waits for its first tab.
pub(crate) fn launch(chromium: &Path) -> Result<Launched, BrowserError> {
    let launch_err = |what: &str, err: &dyn std::fmt::Display| BrowserError::Launch {
        message: format!("{what} ({}): {err}", chromium.display()),
    };
    // Created before the launch so that a failure half-way still removes the dir and
    // kills whatever did start (ProfileDir's Drop).
    let profile = ProfileDir::create().map_err(|e| launch_err("cannot create profile dir", &e))?;
    let options = LaunchOptions::default_builder()
        .path(Some(chromium.to_path_buf()))
        .headless(true)
        // Chromium refuses to start as root with its sandbox on, and this tool runs as
        // root in containers; the pages are county sites, not arbitrary ones.
        .sandbox(false)
        // headless_chrome's default is to ignore certificate errors; we verify TLS.
        .ignore_certificate_errors(false)
        .idle_browser_timeout(IDLE_BROWSER_TIMEOUT)
        .user_data_dir(Some(profile.path().to_path_buf()))
        .process_envs(Some(crash_env(profile.path())))
        .args(EXTRA_FLAGS.iter().map(OsStr::new).collect())
        .build()
        .map_err(|e| launch_err("bad launch options", &e))?;
    let browser = Browser::new(options).map_err(|e| launch_err("cannot start", &e))?;
    let pid = browser
        .get_process_id()
        .ok_or_else(|| launch_err("started", &"but has no process id"))?;
    browser.set_default_timeout(FIRST_TAB_TIMEOUT);
    // The initial about:blank tab is deprecated upstream in favour of new_tab(), but it is
    // ready with the browser (launch ~0.93 s) where new_tab() adds 0.23-0.52 s to every
    // launch and recycle; new_tab() stays as the fallback.
    #[allow(deprecated)]
    let initial = browser.wait_for_initial_tab();
    let tab = initial
        .or_else(|_| browser.new_tab())
        .map_err(|e| launch_err("no tab", &e))?;
    Ok(Launched {
        tab,
        browser,
        pid,
        profile,
    })
}

impl Launched {
    /// Closes the browser politely (`Browser.close`), waits for the main process, then
    /// kills anything left of the tree and removes the profile dir.
    pub(crate) fn close(self) {
        // A dead or hung connection makes the call fail or time out at the transport's
        // idle limit; the caller arms a watchdog around close() for that case.
        let _ = self.tab.call_method(BrowserDomain::Close(None));
        process::wait_gone(self.pid, CLOSE_WAIT);
        self.kill();
    }

    /// Kills the whole tree at once, reaps the main process and removes the profile dir.
    pub(crate) fn kill(self) {
        process::kill_tree(self.profile.path());
        let Launched {
            tab,
            browser,
            pid: _,
            profile,
        } = self;
        drop(tab);
        // Dropping the last Browser handle reaps the main process (kill + wait), so it is
        // not left as a zombie.
        drop(browser);
        drop(profile);
    }
}
