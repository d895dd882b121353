//! A host that goes down: its rows wait for it (probing it every cooldown) and complete
//! when it comes back within `http.host_down_wait`; past that the batch stops, exit 3,
//! and `--resume` finishes it once the host is back. The simulator's down window plays the
//! outage, through the real binary.

mod common;

use common::{apns, code, stderr, Env};
use mps::sim::{DownWindow, SimOptions};
use mps_model::Service;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

fn down_for(length: Duration) -> Env {
    Env::with(SimOptions {
        down: BTreeMap::from([(
            Service::Assessor,
            DownWindow {
                start: Duration::ZERO,
                length,
            },
        )]),
        ..SimOptions::default()
    })
}

fn config(env: &Env, wait: &str) -> String {
    let text = format!(
        "http:\n  max_attempts: 8\n  backoff_base: 100ms\n  backoff_cap: 500ms\n  \
         circuit_threshold: 3\n  circuit_cooldown: 500ms\n  host_down_wait: {wait}\n"
    );
    env.file("c.yaml", text.as_bytes())
        .to_str()
        .expect("utf-8")
        .to_string()
}

/// Runs a property batch of `input` with the config `cfg`, unlimited rate, into out.jsonl.
fn batch(env: &Env, cfg: &str, input: &std::path::Path) -> std::process::Output {
    env.batch(
        input,
        &[
            "--config",
            cfg,
            "--rate",
            "assessor=0",
            "--progress",
            "none",
            "-o",
            "out.jsonl",
        ],
    )
}

fn records(env: &Env) -> BTreeMap<u64, serde_json::Value> {
    let text = std::fs::read_to_string(env.path("out.jsonl")).unwrap_or_default();
    let mut out = BTreeMap::new();
    for l in text.lines() {
        let v: serde_json::Value = serde_json::from_str(l).expect("whole record");
        let line = v["line"].as_u64().expect("line");
        assert!(out.insert(line, v).is_none(), "line {line} written twice");
    }
    out
}

#[test]
fn rows_wait_out_a_short_outage_and_complete() {
    let env = down_for(Duration::from_secs(3));
    let cfg = config(&env, "30s");
    let input = env.file(
        "in.csv",
        format!("apn\n{}\n", apns(8).join("\n")).as_bytes(),
    );
    let out = batch(&env, &cfg, &input);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let recs = records(&env);
    assert_eq!(recs.len(), 8);
    assert!(
        recs.values().all(|r| r["status"] == "ok"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_outage_longer_than_the_wait_stops_resumably_and_resume_finishes() {
    let down = Duration::from_secs(6);
    let started = Instant::now();
    let env = down_for(down);
    let cfg = config(&env, "1s");
    let input = env.file(
        "in.csv",
        format!("apn\n{}\n", apns(8).join("\n")).as_bytes(),
    );
    let out = batch(&env, &cfg, &input);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("assessor stayed unavailable"), "{err}");
    let recs = records(&env);
    assert!(
        recs.values().all(|r| r["status"] != "failed"),
        "rows that needed the host are not written as failed: {recs:?}"
    );
    let job = common::job_id(&err);
    // Once the host is back, the pasted hint finishes the job.
    std::thread::sleep((down + Duration::from_millis(500)).saturating_sub(started.elapsed()));
    let out = env
        .mps()
        .args(["batch", "--resume", &job, "--progress", "none"])
        .output()
        .expect("resume");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let recs = records(&env);
    assert_eq!(recs.len(), 8, "every row once");
    assert!(recs.values().all(|r| r["status"] == "ok"));
}
