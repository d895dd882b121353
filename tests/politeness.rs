//! Politeness and resilience against the simulator's limits and faults.

mod common;

use common::*;
use mps::ident::Apn;
use mps::sim::{County, SimOptions};
use mps_model::Service;
use std::collections::BTreeMap;

fn input(env: &Env, n: usize) -> std::path::PathBuf {
    let apns: Vec<String> = County::new(42).sample(n).iter().map(Apn::dashed).collect();
    env.file("in.csv", format!("apn\n{}\n", apns.join("\n")).as_bytes())
}

#[test]
fn the_configured_rate_is_a_ceiling_and_provokes_no_429() {
    let env = Env::with(SimOptions {
        limits: BTreeMap::from([(Service::Assessor, 20.0)]),
        ..SimOptions::default()
    });
    let inp = input(&env, 60);
    let out = env.batch(
        &inp,
        &[
            "--rate",
            "assessor=20",
            "--workers",
            "16",
            "--progress",
            "none",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let stats = env.stats();
    let a = &stats["sources"]["assessor"];
    assert_eq!(a["requests"], 60);
    assert_eq!(a["status_429"], 0, "{stats}");
    assert!(a["max_requests_in_1s"].as_u64().unwrap() <= 22, "{stats}");
}

#[test]
fn transient_errors_are_retried_until_ok() {
    let env = Env::with(SimOptions {
        error_rate: BTreeMap::from([(Service::Assessor, 0.25)]),
        ..SimOptions::default()
    });
    let cfg = env.file(
        "fast.yaml",
        b"http:\n  backoff_base: 20ms\n  backoff_cap: 200ms\n  max_attempts: 8\n",
    );
    let inp = input(&env, 40);
    let sum = env.path("s.json");
    let out = env.batch(
        &inp,
        &[
            "--rate",
            "assessor=0",
            "--workers",
            "8",
            "--progress",
            "none",
            "--config",
            cfg.to_str().unwrap(),
            "--summary-json",
            sum.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let recs = records(&out);
    assert_eq!(recs.len(), 40);
    assert!(recs.iter().all(|r| r["status"] == "ok"));
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sum).unwrap()).unwrap();
    assert!(
        s["hosts"]["assessor"]["retries"].as_u64().unwrap() > 0,
        "{s}"
    );
    assert!(s["hosts"]["assessor"]["requests"].as_u64().unwrap() > 40);
}

#[test]
fn a_host_that_throttles_is_obeyed_and_every_row_completes() {
    let env = Env::with(SimOptions {
        limits: BTreeMap::from([(Service::Assessor, 10.0)]),
        ..SimOptions::default()
    });
    let cfg = env.file("fast.yaml", b"http:\n  max_attempts: 8\n");
    let inp = input(&env, 40);
    // Ask for four times what the host allows: the 429s and Retry-After must slow mps down.
    let out = env.batch(
        &inp,
        &[
            "--rate",
            "assessor=40",
            "--workers",
            "8",
            "--progress",
            "none",
            "--config",
            cfg.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(records(&out).iter().all(|r| r["status"] == "ok"));
    let stats = env.stats();
    let a = &stats["sources"]["assessor"];
    let throttled = a["status_429"].as_u64().unwrap();
    assert!(throttled > 0, "the test must provoke throttling: {stats}");
    assert!(
        throttled < 40,
        "mps slowed down instead of hammering: {stats}"
    );
}
