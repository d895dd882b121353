//! A throw-away PostgreSQL server for the tests of one process: `initdb` into a temporary
//! directory, served on a Unix socket there only (no TCP port to collide on, no system
//! cluster, no `root` role), trust authentication, fsync off.
//!
//! The server is started once per process, from a thread that never ends, with a
//! parent-death signal: when the test process exits (or is killed), the kernel tells the
//! server to quit at once. Directories left by dead test processes are removed by the next.

use std::os::unix::fs::DirBuilderExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Prefix of the server directories in the temp dir: `mps-testpg-<pid>-<random>`.
const PREFIX: &str = "mps-testpg-";

/// A running server: the DSN of its `postgres` database as superuser `postgres`.
#[derive(Debug, Clone)]
pub struct Throwaway {
    pub admin_dsn: String,
}

/// The newest `/usr/lib/postgresql/N/bin` holding `initdb` and `postgres`.
fn bindir() -> Result<PathBuf, String> {
    let advice = "the tests run their own PostgreSQL server and need its programs: install \
                  them (Debian: apt-get install postgresql), or set MPS_TEST_DATABASE_URL to a \
                  server you can create databases on";
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|e| format!("/usr/lib/postgresql: {e}; {advice}"))?
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").exists() && b.join("postgres").exists())
        .collect();
    found.sort();
    found
        .pop()
        .ok_or_else(|| format!("no /usr/lib/postgresql/*/bin/initdb; {advice}"))
}

/// The `postgres` OS user when running as root (initdb and postgres refuse root).
fn run_as() -> Result<Option<nix::unistd::User>, String> {
    if !nix::unistd::geteuid().is_root() {
        return Ok(None);
    }
    nix::unistd::User::from_name("postgres")
        .map_err(|e| format!("looking up the postgres user: {e}"))?
        .map(Some)
        .ok_or_else(|| "running as root needs a `postgres` user to run the server as".into())
}

/// Removes the directories of test servers whose process is gone.
fn sweep_stale(tmp: &Path) {
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split('-').next())
            .and_then(|p| p.parse::<i32>().ok())
        else {
            continue;
        };
        let alive = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok();
        if !alive {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Starts the server and waits until it accepts connections.
pub fn start() -> Result<Throwaway, String> {
    let bin = bindir()?;
    let user = run_as()?;
    let tmp = std::env::temp_dir();
    sweep_stale(&tmp);
    // Kept after the run: the server outlives any scope here; the next test process sweeps it.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let base = tmp.join(format!("{PREFIX}{}-{nanos}", std::process::id()));
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(&base)
        .map_err(|e| format!("temp dir {} for PostgreSQL: {e}", base.display()))?;
    if let Some(u) = &user {
        nix::unistd::chown(&base, Some(u.uid), Some(u.gid))
            .map_err(|e| format!("chown {} to postgres: {e}", base.display()))?;
    }
    let data = base.join("data");
    let mut initdb = Command::new(bin.join("initdb"));
    initdb
        .arg("-D")
        .arg(&data)
        .args(["--auth=trust", "-U", "postgres", "-E", "UTF8", "--no-sync"])
        .stdin(Stdio::null());
    as_user(&mut initdb, user.as_ref(), false);
    let out = initdb
        .output()
        .map_err(|e| format!("cannot run initdb: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    // Any number names the socket file; nothing listens on TCP.
    let port = 20_000 + (std::process::id() % 40_000) as u16;
    spawn_server(&bin, &data, &base, port, user)?;
    let dsn = format!(
        "host={} port={port} user=postgres dbname=postgres",
        base.display()
    );
    wait_until_ready(&dsn, &base)?;
    Ok(Throwaway { admin_dsn: dsn })
}

/// Drops to the postgres user in the child (when root) and, for the server, asks the kernel
/// to send SIGQUIT (immediate shutdown) when the spawning thread ends.
fn as_user(cmd: &mut Command, user: Option<&nix::unistd::User>, die_with_parent: bool) {
    let ids = user.map(|u| (u.uid, u.gid));
    #[allow(unsafe_code)] // pre_exec is unsafe by contract; see SAFETY below.
    // SAFETY: only async-signal-safe calls (setgroups, setgid, setuid, prctl) between fork
    // and exec.
    unsafe {
        cmd.pre_exec(move || {
            if let Some((uid, gid)) = ids {
                nix::unistd::setgroups(&[gid]).map_err(std::io::Error::from)?;
                nix::unistd::setgid(gid).map_err(std::io::Error::from)?;
                nix::unistd::setuid(uid).map_err(std::io::Error::from)?;
            }
            // After setuid: a change of credentials clears the parent-death signal.
            if die_with_parent {
                nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGQUIT)
                    .map_err(std::io::Error::from)?;
            }
            Ok(())
        });
    }
}

/// Spawns `postgres` in the foreground from a thread that lives as long as the process: the
/// parent-death signal follows the spawning thread, and a test thread ends early.
fn spawn_server(
    bin: &Path,
    data: &Path,
    dir: &Path,
    port: u16,
    user: Option<nix::unistd::User>,
) -> Result<(), String> {
    let mut cmd = Command::new(bin.join("postgres"));
    cmd.arg("-D")
        .arg(data)
        .args(["-c", "listen_addresses=", "-k"])
        .arg(dir)
        .args(["-p", &port.to_string()])
        .args(["-c", "fsync=off", "-c", "full_page_writes=off"])
        .args(["-c", "max_connections=300"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    as_user(&mut cmd, user.as_ref(), true);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("test-postgres".into())
        .spawn(move || {
            let spawned = cmd.spawn();
            let ok = spawned.is_ok();
            let _ = tx.send(spawned.map(|_| ()).map_err(|e| e.to_string()));
            if ok {
                // Never ends: its end would stop the server.
                loop {
                    std::thread::park();
                }
            }
        })
        .map_err(|e| format!("cannot start a thread for PostgreSQL: {e}"))?;
    rx.recv()
        .map_err(|e| format!("PostgreSQL spawner: {e}"))?
        .map_err(|e| format!("cannot start postgres: {e}"))
}

fn wait_until_ready(dsn: &str, dir: &Path) -> Result<(), String> {
    let config: postgres::Config = dsn.parse().map_err(|e: postgres::Error| e.to_string())?;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match config.connect(postgres::NoTls) {
            Ok(_) => return Ok(()),
            Err(e) if Instant::now() >= deadline => {
                return Err(format!(
                    "the test PostgreSQL server in {} did not accept connections within 30 s: {}",
                    dir.display(),
                    crate::pg_error::describe(&e)
                ))
            }
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}
