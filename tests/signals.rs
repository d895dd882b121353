//! Whatever ends mps (SIGKILL, SIGTERM, SIGHUP, Ctrl-C), no Chromium of it outlives it and
//! the job can be resumed; a resumed job runs with the settings it was started with.

mod common;

use common::*;
use mps::ident::Apn;
use mps::sim::{County, SimOptions};
use std::os::unix::ffi::OsStrExt;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// Profile dirs of mps process `pid` in the temp dir.
fn profiles_of(pid: u32) -> Vec<std::path::PathBuf> {
    let prefix = format!("mps-chrome-{pid}-");
    std::fs::read_dir(std::env::temp_dir())
        .expect("temp dir")
        .flatten()
        .filter(|e| e.file_name().as_bytes().starts_with(prefix.as_bytes()))
        .map(|e| e.path())
        .collect()
}

fn send(child: &Child, signal: nix::sys::signal::Signal) {
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).expect("pid"));
    nix::sys::signal::kill(pid, signal).expect("send the signal");
}

/// A scraping-only batch with two browsers, started and given time to launch them.
fn browser_batch(env: &Env, extra: &[&str]) -> Child {
    let input = env.file(
        "in.csv",
        format!("apn\n{}\n", apns(40).join("\n")).as_bytes(),
    );
    let mut c = env.mps();
    c.args(["batch", "--input"])
        .arg(&input)
        .args([
            "--mode",
            "tax",
            "--strategy",
            "scraping-only",
            "--browsers",
            "2",
            "--rate",
            "treasurer=0",
            "--progress",
            "none",
            "-o",
        ])
        .arg(env.path("out.jsonl"))
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let child = c.spawn().expect("spawn mps");
    let until = Instant::now() + Duration::from_secs(60);
    while chromiums_of(child.id()).len() < 2 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        !chromiums_of(child.id()).is_empty(),
        "the batch started its browsers"
    );
    std::thread::sleep(Duration::from_millis(500));
    child
}

/// Sends `signal` to a browser batch; nothing of it remains 10 s later.
fn nothing_outlives(signal: nix::sys::signal::Signal) -> std::process::Output {
    let env = Env::with(SimOptions {
        latency: Duration::from_millis(300),
        ..SimOptions::default()
    });
    let child = browser_batch(&env, &[]);
    let pid = child.id();
    send(&child, signal);
    let out = child.wait_with_output().expect("wait");
    std::thread::sleep(Duration::from_secs(10));
    assert!(
        chromiums_of(pid).is_empty(),
        "{signal}: Chromium processes left: {:?}",
        chromiums_of(pid)
    );
    assert!(
        profiles_of(pid).is_empty(),
        "{signal}: profile dirs left: {:?}",
        profiles_of(pid)
    );
    out
}

#[test]
fn sigkill_leaves_no_chromium_behind() {
    let out = nothing_outlives(nix::sys::signal::Signal::SIGKILL);
    assert_eq!(out.status.code(), None, "killed by the signal");
}

#[test]
fn sigterm_stops_resumably_with_143_and_leaves_no_chromium() {
    let out = nothing_outlives(nix::sys::signal::Signal::SIGTERM);
    assert_eq!(code(&out), 143, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("mps batch --resume"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn sighup_stops_resumably_with_129_and_leaves_no_chromium() {
    let out = nothing_outlives(nix::sys::signal::Signal::SIGHUP);
    assert_eq!(code(&out), 129, "{}", stderr(&out));
}

#[test]
fn one_ctrl_c_in_scraping_only_ends_within_seconds_and_the_job_resumes() {
    let env = Env::with(SimOptions {
        latency: Duration::from_millis(300),
        ..SimOptions::default()
    });
    let child = browser_batch(&env, &[]);
    send(&child, nix::sys::signal::Signal::SIGINT);
    let sent = Instant::now();
    let out = child.wait_with_output().expect("wait");
    let took = sent.elapsed();
    assert_eq!(code(&out), 130, "{}", stderr(&out));
    assert!(took < Duration::from_secs(15), "Ctrl-C took {took:?}");
    let id = job_id(&stderr(&out));

    // The interrupted rows were not written: the resume fetches them and completes the job.
    let mut c = env.mps();
    c.args(["batch", "--resume", &id]);
    let out = c.output().expect("resume");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = std::fs::read_to_string(env.path("out.jsonl")).expect("output");
    let lines: std::collections::BTreeSet<u64> = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json")["line"].as_u64())
        .map(|l| l.expect("line"))
        .collect();
    assert_eq!(lines.len(), 40);
    assert_eq!(text.lines().count(), 40, "one record per row");
}

#[test]
fn a_second_signal_exits_at_once() {
    let env = Env::with(SimOptions {
        latency: Duration::from_millis(300),
        ..SimOptions::default()
    });
    let child = browser_batch(&env, &[]);
    let pid = child.id();
    send(&child, nix::sys::signal::Signal::SIGTERM);
    send(&child, nix::sys::signal::Signal::SIGTERM);
    let out = child.wait_with_output().expect("wait");
    assert!(matches!(code(&out), 143), "{}", stderr(&out));
    std::thread::sleep(Duration::from_secs(10));
    assert!(chromiums_of(pid).is_empty());
    assert!(profiles_of(pid).is_empty());
}

#[test]
fn a_resumed_job_keeps_its_rate_workers_and_simulator() {
    // The first run: unlimited Assessor rate, 2 workers, against `first`; interrupted.
    let first = Env::with(SimOptions {
        latency: Duration::from_millis(100),
        ..SimOptions::default()
    });
    let input = first.file(
        "in.csv",
        format!("apn\n{}\n", apns(150).join("\n")).as_bytes(),
    );
    let mut c = first.mps();
    c.args(["batch", "--input"])
        .arg(&input)
        .args([
            "--rate",
            "assessor=0",
            "--workers",
            "2",
            "--progress",
            "none",
        ])
        .args(["-o"])
        .arg(first.path("out.jsonl"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn");
    let id = wait_for_job(&mut child);
    std::thread::sleep(Duration::from_millis(800));
    send(&child, nix::sys::signal::Signal::SIGTERM);
    let out = child.wait_with_output().expect("wait");
    assert_eq!(code(&out), 143);

    // The resume, against another simulator of the same county, with no flags: at the
    // default 2 requests per second it would see at most 4 requests in a second; with the
    // job's 8 default workers about 80. Its 2 workers at 100 ms give about 20.
    let second = Env::with(SimOptions {
        latency: Duration::from_millis(100),
        ..SimOptions::default()
    });
    let mut c = second.mps();
    c.env("XDG_STATE_HOME", first.path("state"))
        .args(["batch", "--resume", &id]);
    let out = c.output().expect("resume");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let peak = second.stats()["sources"]["assessor"]["max_requests_in_1s"]
        .as_u64()
        .expect("peak");
    assert!(
        (6..=24).contains(&peak),
        "the resumed run's peak of {peak} requests in 1 s shows rate and workers restored"
    );
}

#[test]
fn a_job_started_with_sim_resumes_without_repeating_it() {
    let env = Env::new();
    let input = env.file(
        "in.csv",
        format!(
            "apn\n{}\n",
            County::new(7)
                .sample(60)
                .iter()
                .map(Apn::dashed)
                .collect::<Vec<_>>()
                .join("\n")
        )
        .as_bytes(),
    );
    // No county URLs or token in the environment: only --sim can answer.
    let bare = |c: &mut std::process::Command| {
        c.env_remove("MPS_ASSESSOR_URL")
            .env_remove("MPS_ASSESSOR_TOKEN")
            .env_remove("MPS_TREASURER_URL")
            .env_remove("MPS_RECORDER_URL")
            .env_remove("MPS_RECORDER_WEB_URL");
    };
    let mut c = env.mps();
    bare(&mut c);
    c.args([
        "batch",
        "--sim",
        "--sim-seed",
        "7",
        "--rate",
        "assessor=20",
        "--input",
    ])
    .arg(&input)
    .args(["--progress", "none", "-o"])
    .arg(env.path("out.jsonl"))
    .stdout(Stdio::null())
    .stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn");
    let id = wait_for_job(&mut child);
    std::thread::sleep(Duration::from_millis(1200));
    send(&child, nix::sys::signal::Signal::SIGINT);
    let out = child.wait_with_output().expect("wait");
    assert_eq!(code(&out), 130);
    let mut c = env.mps();
    bare(&mut c);
    c.args(["batch", "--resume", &id]);
    let out = c.output().expect("resume");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = std::fs::read_to_string(env.path("out.jsonl")).expect("output");
    assert_eq!(text.lines().count(), 60);
    assert!(text
        .lines()
        .all(|l| serde_json::from_str::<serde_json::Value>(l).expect("json")["status"] == "ok"));
}
