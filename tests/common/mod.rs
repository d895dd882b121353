//! Shared helpers for the integration tests: run the real `mps` binary against a simulator
//! started in-process on 127.0.0.1 port 0.
#![allow(dead_code)]

pub mod pg;

use mps::sim::{SimOptions, Simulator};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_mps");

/// A simulator plus a temporary directory for inputs and outputs.
pub struct Env {
    pub sim: Simulator,
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env::with(SimOptions::default())
    }

    pub fn with(opts: SimOptions) -> Env {
        Env {
            sim: Simulator::start(opts).expect("simulator starts on port 0"),
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a file into the temp dir and returns its path.
    pub fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).expect("write input");
        p
    }

    /// `mps` with the environment pointing at this simulator (no config file, no proxy).
    pub fn mps(&self) -> Command {
        let mut c = Command::new(BIN);
        c.current_dir(self.dir.path())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env(
                "MPS_ASSESSOR_URL",
                self.sim.url(mps_model::Service::Assessor),
            )
            .env("MPS_ASSESSOR_TOKEN", self.sim.token())
            .env(
                "MPS_TREASURER_URL",
                self.sim.url(mps_model::Service::Treasurer),
            )
            .env(
                "MPS_RECORDER_URL",
                self.sim.url(mps_model::Service::Recorder),
            )
            .env("MPS_RECORDER_WEB_URL", self.sim.web_url())
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .stdin(Stdio::null());
        c
    }

    /// Runs `mps batch` on an input file with extra args; returns the output.
    pub fn batch(&self, input: &Path, args: &[&str]) -> Output {
        let mut c = self.mps();
        c.arg("batch").arg("--input").arg(input).args(args);
        c.output().expect("run mps")
    }

    pub fn stats(&self) -> Value {
        serde_json::to_value(self.sim.stats()).expect("stats serialise")
    }

    pub fn assessor_requests(&self) -> u64 {
        self.stats()["sources"]["assessor"]["requests"]
            .as_u64()
            .expect("requests count")
    }
}

/// `n` APNs that exist in the simulated county of seed 42 (the default), dashed.
pub fn apns(n: usize) -> Vec<String> {
    mps::sim::County::new(42)
        .sample(n)
        .iter()
        .map(mps::ident::Apn::dashed)
        .collect()
}

/// The job id from mps's `mps: job ID (...)` line on stderr.
pub fn job_id(stderr_text: &str) -> String {
    let start = stderr_text.find("mps: job ").expect("job id printed") + "mps: job ".len();
    stderr_text[start..]
        .split_whitespace()
        .next()
        .expect("id")
        .to_string()
}

/// Runs a command with stdin bytes.
pub fn run_with_stdin(mut c: Command, input: &[u8]) -> Output {
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn mps");
    {
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(input).expect("write stdin");
    }
    child.wait_with_output().expect("wait mps")
}

/// Parses JSON Lines output.
pub fn records(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
        .collect()
}

/// Records keyed by their input line number.
pub fn by_line(recs: &[Value]) -> std::collections::BTreeMap<u64, Value> {
    recs.iter()
        .map(|r| (r["line"].as_u64().expect("line"), r.clone()))
        .collect()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

/// Reads the child's stderr until mps prints its job line and returns the job id; the rest of
/// stderr is drained in the background (the child never blocks on a full pipe). A test that
/// signals or kills a batch waits for this first: a loaded machine can be slow to start one.
pub fn wait_for_job(child: &mut std::process::Child) -> String {
    use std::io::BufRead;
    let pipe = child.stderr.take().expect("stderr piped");
    let mut lines = std::io::BufReader::new(pipe).lines();
    let line = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.contains("mps: job "))
        .expect("job id printed");
    std::thread::spawn(move || lines.for_each(drop));
    line.split("mps: job ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .expect("id")
        .to_string()
}

/// Chromium processes started by the mps process `pid` (their profile dirs carry its pid).
pub fn chromiums_of(pid: u32) -> Vec<u32> {
    let marker = format!("mps-chrome-{pid}-");
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(p) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(cmd) = std::fs::read(format!("/proc/{p}/cmdline")) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{p}/stat")) else {
            continue;
        };
        // A zombie already exited; it only waits for its parent to collect it.
        let zombie = stat
            .rsplit(')')
            .next()
            .is_some_and(|s| s.trim_start().starts_with('Z'));
        if !zombie && String::from_utf8_lossy(&cmd).contains(&marker) {
            found.push(p);
        }
    }
    found
}
