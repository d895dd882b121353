//! A throw-away PostgreSQL server for one test: `initdb` into a temporary directory, served
//! on a Unix socket in that directory only (no TCP port to collide on), trust
//! authentication. Tests can stop it (as a crash would) and start it again, to play a
//! database that goes away. Dropping it stops the server and removes everything.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct TempPostgres {
    base: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

/// The newest `/usr/lib/postgresql/N/bin` with an `initdb`.
fn bindir() -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL server binaries are missing: install them (apt-get install postgresql)")
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").exists())
        .collect();
    found.sort();
    found
        .pop()
        .expect("no /usr/lib/postgresql/*/bin/initdb: apt-get install postgresql")
}

fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

impl TempPostgres {
    pub fn start() -> TempPostgres {
        let base = tempfile::Builder::new()
            .prefix("mps-pg-")
            .tempdir_in("/tmp")
            .expect("temp dir for PostgreSQL");
        if is_root() {
            // initdb and postgres refuse to run as root: the server runs as `postgres`.
            let status = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(base.path())
                .status()
                .expect("chown");
            assert!(status.success(), "chown postgres {}", base.path().display());
        }
        // Any number names the socket file; nothing listens on TCP.
        let port = 20_000 + (std::process::id() % 20_000) as u16 + fastrand::u16(0..5_000);
        let pg = TempPostgres {
            base,
            bin: bindir(),
            port,
        };
        let data = pg.data();
        let out = pg.run(
            "initdb",
            &[
                "-D",
                data.to_str().expect("utf-8 path"),
                "--auth=trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        assert!(out.status.success(), "initdb: {}", text(&out));
        pg.start_again();
        pg
    }

    fn data(&self) -> PathBuf {
        self.base.path().join("data")
    }

    /// The socket directory.
    pub fn dir(&self) -> &Path {
        self.base.path()
    }

    /// A key=value URL reaching this server as the superuser.
    pub fn url(&self) -> String {
        format!(
            "host={} port={} user=postgres dbname=postgres",
            self.dir().display(),
            self.port
        )
    }

    /// Starts the server (again), waiting until it accepts connections.
    pub fn start_again(&self) {
        let opts = format!(
            "-c listen_addresses='' -k {} -p {} -c fsync=off -c full_page_writes=off",
            self.dir().display(),
            self.port
        );
        let log = self.base.path().join("log");
        let out = self.run(
            "pg_ctl",
            &[
                "-D",
                self.data().to_str().expect("utf-8 path"),
                "-o",
                &opts,
                "-l",
                log.to_str().expect("utf-8 path"),
                "-w",
                "start",
            ],
        );
        assert!(
            out.status.success(),
            "pg_ctl start: {}\n{}",
            text(&out),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    /// Stops the server at once, as a crash or a pulled cable would.
    pub fn stop(&self) {
        let out = self.run(
            "pg_ctl",
            &[
                "-D",
                self.data().to_str().expect("utf-8 path"),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
        assert!(out.status.success(), "pg_ctl stop: {}", text(&out));
    }

    /// Runs a SQL statement through psql and returns its unaligned output.
    pub fn sql(&self, statement: &str) -> String {
        let out = Command::new(self.bin.join("psql"))
            .args([
                "-X",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                &self.url(),
                "-c",
            ])
            .arg(statement)
            .output()
            .expect("run psql");
        assert!(out.status.success(), "psql {statement}: {}", text(&out));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn run(&self, tool: &str, args: &[&str]) -> Output {
        let program = self.bin.join(tool);
        let mut c = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        c.args(args).output().expect("run a PostgreSQL tool")
    }
}

impl Drop for TempPostgres {
    fn drop(&mut self) {
        let data = self.data();
        let _ = self.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap_or_default(),
                "-m",
                "immediate",
                "stop",
            ],
        );
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
