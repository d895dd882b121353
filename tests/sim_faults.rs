//! Under every fault the county can throw (config/sim/faults.yaml: 500, 502, 503, resets,
//! answers that never come, bodies cut short, maintenance pages where JSON was expected, at
//! a spread latency), a comprehensive batch still writes one record per row, nearly all ok,
//! and never exceeds a host's rate. Through the real binary, the simulator in-process.

mod common;

use common::{apns, code, stderr, Env};
use mps::sim::{FaultKind, SimOptions};
use mps_model::Service;
use std::collections::BTreeMap;
use std::time::Duration;

#[test]
fn the_fault_scenario_costs_retries_not_rows_and_never_breaks_the_rate() {
    let mut opts = SimOptions::default();
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/config/sim/faults.yaml");
    mps::commands::sim_scenario::load(std::path::Path::new(scenario), &mut opts)
        .expect("the shipped scenario loads");
    // Each source gets every kind of fault.
    for s in Service::ALL {
        let kinds: Vec<FaultKind> = opts.faults[&s].iter().map(|(k, _)| *k).collect();
        assert_eq!(kinds.len(), 7, "{s}: {kinds:?}");
    }
    // An answer that never comes outlasts the client's timeout, which the test keeps short.
    opts.hang = Duration::from_secs(3);
    let env = Env::with(opts);
    let cfg = env.file("c.yaml", b"http:\n  timeout: 2s\n");
    let input = env.file(
        "in.csv",
        format!("apn\n{}\n", apns(40).join("\n")).as_bytes(),
    );
    let rate = 20.0;
    let out = env.batch(
        &input,
        &[
            "--config",
            cfg.to_str().expect("utf-8"),
            "--mode",
            "comprehensive",
            "--rate",
            "assessor=20",
            "--rate",
            "treasurer=20",
            "--rate",
            "recorder=20",
            "--workers",
            "16",
            "--no-cache",
            "--progress",
            "none",
            "-o",
            "out.jsonl",
            "--summary-json",
            "summary.json",
        ],
    );
    assert!(code(&out) <= 1, "{}", stderr(&out));
    let text = std::fs::read_to_string(env.path("out.jsonl")).expect("output");
    let mut lines: BTreeMap<u64, u32> = BTreeMap::new();
    let mut ok = 0;
    for l in text.lines() {
        let v: serde_json::Value = serde_json::from_str(l).expect("a whole JSON record");
        *lines.entry(v["line"].as_u64().expect("line")).or_default() += 1;
        ok += u32::from(v["status"] == "ok");
    }
    assert_eq!(lines.len(), 40, "one record per row");
    assert!(lines.values().all(|n| *n == 1), "no row twice: {lines:?}");
    assert!(
        ok >= 38,
        "{ok} of 40 ok under 10 % faults: {}",
        stderr(&out)
    );
    let stats = env.sim.stats();
    let mut requests = 0;
    for s in Service::ALL {
        let st = stats.source(s);
        // The client's ceiling: rate plus its burst of 2.
        assert!(
            st.max_requests_in_1s as f64 <= rate + 2.0,
            "{s}: {} requests in one second",
            st.max_requests_in_1s
        );
        requests += st.requests;
    }
    assert!(requests > 200, "the batch made its requests");
    // The faults were met, and retried: every source's requests include retries.
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.path("summary.json")).expect("summary"))
            .expect("summary JSON");
    for s in ["assessor", "treasurer", "recorder"] {
        let retries = summary["hosts"][s]["retries"].as_u64().unwrap_or(0);
        assert!(retries > 0, "{s}: no retry under 10 % faults: {summary}");
    }
}

#[test]
fn mps_sim_refuses_unknown_faults_and_shares_over_one() {
    let env = Env::new();
    for args in [
        vec!["sim", "--fault", "assessor=teapot:0.1"],
        vec![
            "sim",
            "--fault",
            "assessor=reset:0.7",
            "--fault",
            "assessor=html:0.5",
        ],
        vec!["sim", "--down", "recorder=10s"],
    ] {
        let out = env.mps().args(&args).output().expect("run mps sim");
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("--fault")
                || stderr(&out).contains("--down")
                || stderr(&out).contains("add up"),
            "{}",
            stderr(&out)
        );
    }
}
