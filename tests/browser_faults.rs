//! Pages that break the browser (`page_hang`, `page_crash`, config/sim/browser-faults.yaml):
//! a renderer that runs out of memory is noticed at once and costs a retry on a fresh browser,
//! not the page timeout; a renderer that spins forever costs the page timeout and a retry;
//! either way every row ends with exactly one record, the rates hold and no Chromium is left.

mod common;

use common::*;
use mps::sim::{FaultKind, SimOptions};
use mps_model::Service;
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Stdio;

/// Runs `mps batch` with `args` and returns its output and the Chromium processes it left.
fn batch_leaving(
    env: &Env,
    input: &std::path::Path,
    args: &[&str],
) -> (std::process::Output, Vec<u32>) {
    let mut c = env.mps();
    c.arg("batch")
        .arg("--input")
        .arg(input)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = c.spawn().expect("run mps");
    let pid = child.id();
    let out = child.wait_with_output().expect("wait mps");
    (out, chromiums_of(pid))
}

fn summary(env: &Env) -> Value {
    serde_json::from_slice(&std::fs::read(env.path("summary.json")).expect("summary"))
        .expect("summary JSON")
}

/// Line number → how many records carry it.
fn lines_of(recs: &[Value]) -> BTreeMap<u64, u32> {
    let mut lines = BTreeMap::new();
    for r in recs {
        *lines.entry(r["line"].as_u64().expect("line")).or_default() += 1;
    }
    lines
}

#[test]
fn a_renderer_out_of_memory_is_a_crash_retried_at_once_not_a_timeout() {
    let mut faults = BTreeMap::new();
    faults.insert(Service::Treasurer, vec![(FaultKind::PageCrash, 0.25)]);
    let env = Env::with(SimOptions {
        faults,
        ..SimOptions::default()
    });
    let input = env.file(
        "in.csv",
        format!("apn\n{}\n", apns(12).join("\n")).as_bytes(),
    );
    let (out, left) = batch_leaving(
        &env,
        &input,
        &[
            "--mode",
            "tax",
            "--strategy",
            "scraping-only",
            "--browsers",
            "2",
            "--rate",
            "treasurer=0",
            "--rate",
            "assessor=0",
            "--progress",
            "none",
            "--summary-json",
            "summary.json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let recs = records(&out);
    assert_eq!(recs.len(), 12, "one record per row");
    assert!(lines_of(&recs).values().all(|n| *n == 1));
    assert!(recs.iter().all(|r| r["tax"]["status"] == "ok"));
    let s = summary(&env);
    // The crashes were seen as crashes: with the default 30 s page timeout, a crash taken
    // for a hang would show here as a timeout (and cost half a minute).
    assert!(s["browsers"]["crashes"].as_u64() >= Some(1), "{s}");
    assert_eq!(s["browsers"]["timeouts"].as_u64(), Some(0), "{s}");
    assert!(left.is_empty(), "Chromium left behind: {left:?}");
}

#[test]
fn under_the_browser_fault_scenario_every_row_ends_once_and_the_rate_holds() {
    let mut opts = SimOptions::default();
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/config/sim/browser-faults.yaml"
    );
    mps::commands::sim_scenario::load(std::path::Path::new(scenario), &mut opts)
        .expect("the shipped scenario loads");
    for s in [Service::Treasurer, Service::Recorder] {
        let mut kinds: Vec<FaultKind> = opts.faults[&s].iter().map(|(k, _)| *k).collect();
        kinds.sort();
        assert_eq!(kinds, [FaultKind::PageHang, FaultKind::PageCrash], "{s}");
    }
    // The Recorder's requests mix API answers (left whole) and pages, in an order the
    // threads decide, so whether one of its pages draws a fault varies from run to run. The
    // Treasurer's requests are all pages here (scraping-only): its counter alone decides, so
    // with higher shares a hang and a crash come among its first eight pages in every run.
    opts.faults.insert(
        Service::Treasurer,
        vec![(FaultKind::PageHang, 0.25), (FaultKind::PageCrash, 0.25)],
    );
    let env = Env::with(opts);
    // A hung page costs the page timeout: shorter than the default 30 s for the test, but
    // long enough for a crash (1.5-4 s to exhaust the heap on a loaded machine) to be seen
    // as one before the deadline.
    let cfg = env.file("c.yaml", b"batch_processing:\n  scraper_timeout: 10\n");
    let input = env.file(
        "in.csv",
        format!("apn\n{}\n", apns(8).join("\n")).as_bytes(),
    );
    let rate = 20.0;
    let (out, left) = batch_leaving(
        &env,
        &input,
        &[
            "--config",
            cfg.to_str().expect("utf-8"),
            "--mode",
            "comprehensive",
            "--strategy",
            "scraping-only",
            "--browsers",
            "2",
            "--rate",
            "assessor=20",
            "--rate",
            "treasurer=20",
            "--rate",
            "recorder=20",
            "--workers",
            "8",
            "--no-cache",
            "--progress",
            "none",
            "--summary-json",
            "summary.json",
        ],
    );
    assert!(code(&out) <= 1, "{}", stderr(&out));
    let recs = records(&out);
    let lines = lines_of(&recs);
    assert_eq!(lines.len(), 8, "one record per row: {}", stderr(&out));
    assert!(lines.values().all(|n| *n == 1), "no row twice: {lines:?}");
    let ok = recs.iter().filter(|r| r["status"] == "ok").count();
    assert!(ok >= 7, "{ok} of 8 ok: {}", stderr(&out));
    let s = summary(&env);
    assert!(s["browsers"]["crashes"].as_u64() >= Some(1), "{s}");
    assert!(s["browsers"]["timeouts"].as_u64() >= Some(1), "{s}");
    let stats = env.sim.stats();
    for src in Service::ALL {
        let st = stats.source(src);
        assert!(
            st.max_requests_in_1s as f64 <= rate + 2.0,
            "{src}: {} requests in one second",
            st.max_requests_in_1s
        );
    }
    assert!(left.is_empty(), "Chromium left behind: {left:?}");
}
