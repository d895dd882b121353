//! Nothing lost: `kill -9` at random points, then `--resume`, until the job is done; the
//! output equals an uninterrupted run's, no finished row is fetched again; `--retry-failed`
//! refetches only failed rows; with PostgreSQL the tables hold no duplicates.

mod common;

use common::*;
use mps::ident::Apn;
use mps::sim::{County, SimOptions};
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::Duration;

/// Records keyed by line, without the fields that differ between runs.
fn normalised(path: &std::path::Path) -> BTreeMap<u64, Value> {
    let text = std::fs::read_to_string(path).expect("output");
    let mut out = BTreeMap::new();
    for l in text.lines().filter(|l| !l.trim().is_empty()) {
        let mut v: Value =
            serde_json::from_str(l).unwrap_or_else(|e| panic!("torn or bad line {l:?}: {e}"));
        let line = v["line"].as_u64().expect("line");
        if let Some(b) = v.get_mut("assessor").and_then(Value::as_object_mut) {
            b.remove("fetched_at");
        }
        assert!(out.insert(line, v).is_none(), "line {line} written twice");
    }
    out
}

#[test]
fn kill_9_and_resume_until_done_equals_an_uninterrupted_run() {
    let env = Env::with(SimOptions {
        latency: Duration::from_millis(20),
        ..SimOptions::default()
    });
    let apns: Vec<String> = County::new(42)
        .sample(150)
        .iter()
        .map(Apn::dashed)
        .collect();
    let input = env.file("in.csv", format!("apn\n{}\n", apns.join("\n")).as_bytes());
    let args = [
        "--rate",
        "assessor=0",
        "--workers",
        "4",
        "--progress",
        "none",
    ];

    // The reference: one uninterrupted run.
    let reference = env.path("reference.jsonl");
    let out = env.batch(
        &input,
        &[&args[..], &["--output", reference.to_str().unwrap()]].concat(),
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let baseline = env.assessor_requests();
    assert_eq!(baseline, 150);

    // The same job killed with SIGKILL three times, at different points, then resumed.
    let output = env.path("out.jsonl");
    let mut c = env.mps();
    c.args(["batch", "--input"])
        .arg(&input)
        .args(args)
        .args(["--output", output.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    // The first kill waits for the job to exist (a loaded machine can be slow to start).
    let id = {
        use std::io::BufRead;
        let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
        let line = lines
            .by_ref()
            .map_while(Result::ok)
            .find(|l| l.contains("mps: job "))
            .expect("job id printed");
        std::thread::spawn(move || lines.for_each(drop));
        job_id(&line)
    };
    // Kill points vary from run to run (and stay inside the job's ~1.5 s).
    let pause = || Duration::from_millis(150 + fastrand::u64(0..350));
    std::thread::sleep(pause());
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    for _ in 0..2 {
        let mut c = env.mps();
        c.args(["batch", "--resume", &id])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut child = c.spawn().unwrap();
        std::thread::sleep(pause());
        child.kill().unwrap();
        child.wait().unwrap();
    }
    let mut c = env.mps();
    c.args(["batch", "--resume", &id]).args(args);
    let last = c.output().unwrap();
    assert_eq!(code(&last), 0, "{}", stderr(&last));
    assert!(stderr(&last).contains("resuming job"), "{}", stderr(&last));

    assert_eq!(
        normalised(&output),
        normalised(&reference),
        "the resumed output equals an uninterrupted run's"
    );
    // Every row was fetched once more than the reference run, except those not yet durable
    // at each kill: in flight in the 4 workers, or fetched and waiting for the writer (its
    // channel holds 2 per worker). A row is done only once flushed and in the ledger.
    let refetched = env.assessor_requests() - baseline - 150;
    assert!(
        refetched <= (4 + 4 * 2) * 3,
        "{refetched} finished rows fetched again"
    );

    // The ledger knows the job is finished; jobs show and jobs list report it.
    let mut c = env.mps();
    c.args(["jobs", "show", &id, "--json"]);
    let show = c.output().unwrap();
    assert_eq!(code(&show), 0, "{}", stderr(&show));
    let v: Value = serde_json::from_slice(&show.stdout).unwrap();
    assert_eq!(v["rows_by_status"]["ok"], 150, "{v}");
    let mut c = env.mps();
    c.args(["jobs", "list"]);
    let list = c.output().unwrap();
    assert!(String::from_utf8_lossy(&list.stdout).contains(&id));
}

#[test]
fn retry_failed_refetches_only_the_failed_rows() {
    let env = Env::with(SimOptions {
        error_rate: BTreeMap::from([(mps_model::Service::Assessor, 0.3)]),
        ..SimOptions::default()
    });
    let apns: Vec<String> = County::new(42).sample(60).iter().map(Apn::dashed).collect();
    let input = env.file("in.csv", format!("apn\n{}\n", apns.join("\n")).as_bytes());
    let cfg = env.file("one.yaml", b"http:\n  max_attempts: 1\n");
    let output = env.path("out.jsonl");
    let out = env.batch(
        &input,
        &[
            "--rate",
            "assessor=0",
            "--progress",
            "none",
            "--config",
            cfg.to_str().unwrap(),
            "--output",
            output.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&out), 1, "some rows fail: {}", stderr(&out));
    let id = job_id(&stderr(&out));
    let failed: Vec<u64> = normalised(&output)
        .iter()
        .filter(|(_, r)| r["status"] == "failed")
        .map(|(l, _)| *l)
        .collect();
    assert!(!failed.is_empty());

    // jobs failed lists exactly those rows, as CSV that can feed a new batch.
    let mut c = env.mps();
    c.args(["jobs", "failed", &id]);
    let listed = c.output().unwrap();
    let mut rdr = csv::Reader::from_reader(listed.stdout.as_slice());
    let lines: Vec<u64> = rdr
        .records()
        .map(|r| r.unwrap()[0].parse().unwrap())
        .collect();
    let mut want = failed.clone();
    want.sort();
    let mut got = lines.clone();
    got.sort();
    got.dedup();
    assert_eq!(got, want);

    // A retry with a healthy host refetches only those rows and leaves one record per row.
    let before = env.assessor_requests();
    let mut c = env.mps();
    c.args([
        "batch",
        "--retry-failed",
        &id,
        "--rate",
        "assessor=0",
        "--progress",
        "none",
        "--config",
        cfg.to_str().unwrap(),
    ]);
    let _ = c.output().unwrap();
    let after = env.assessor_requests();
    assert!(
        after - before <= failed.len() as u64 * 2,
        "only failed rows were fetched again"
    );
    assert!(
        after - before >= failed.len() as u64,
        "every failed row was fetched again"
    );
    let records = normalised(&output);
    assert_eq!(records.len(), 60, "one record per row after the retry");
}

#[test]
fn retry_failed_with_source_refetches_only_that_source() {
    // The first run's Treasurer always fails; the retry goes to a healthy county (same seed).
    let env = Env::with(SimOptions {
        error_rate: BTreeMap::from([(mps_model::Service::Treasurer, 1.0)]),
        ..SimOptions::default()
    });
    let healthy = mps::sim::Simulator::start(SimOptions::default()).unwrap();
    let apns: Vec<String> = County::new(42).sample(6).iter().map(Apn::dashed).collect();
    let input = env.file("in.csv", format!("apn\n{}\n", apns.join("\n")).as_bytes());
    let cfg = env.file("one.yaml", b"http:\n  max_attempts: 1\n");
    let output = env.path("out.jsonl");
    let rates = [
        "--rate",
        "assessor=0",
        "--rate",
        "treasurer=0",
        "--rate",
        "recorder=0",
        "--progress",
        "none",
    ];
    let out = env.batch(
        &input,
        &[
            &rates[..],
            &[
                "--mode",
                "comprehensive",
                "--config",
                cfg.to_str().unwrap(),
                "--output",
                output.to_str().unwrap(),
            ],
        ]
        .concat(),
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let id = job_id(&stderr(&out));
    let first = normalised(&output);
    assert!(first
        .values()
        .all(|r| r["tax"]["status"] == "failed" && r["sales"]["status"] == "ok"));

    let mut c = env.mps();
    c.env(
        "MPS_ASSESSOR_URL",
        healthy.url(mps_model::Service::Assessor),
    )
    .env(
        "MPS_TREASURER_URL",
        healthy.url(mps_model::Service::Treasurer),
    )
    .env(
        "MPS_RECORDER_URL",
        healthy.url(mps_model::Service::Recorder),
    )
    .args(["batch", "--retry-failed", &id, "--source", "tax"])
    .args(rates);
    let out = c.output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let stats = serde_json::to_value(healthy.stats()).unwrap();
    assert_eq!(stats["sources"]["assessor"]["requests"], 0, "{stats}");
    assert_eq!(stats["sources"]["recorder"]["requests"], 0, "{stats}");
    assert!(stats["sources"]["treasurer"]["requests"].as_u64().unwrap() >= 12);
    let after = normalised(&output);
    assert_eq!(after.len(), 6, "one record per row");
    for (line, r) in &after {
        assert_eq!(r["status"], "ok", "line {line}: {r}");
        assert_eq!(r["tax"]["status"], "ok");
        assert_eq!(r["assessor"], first[line]["assessor"], "other blocks kept");
        assert_eq!(r["sales"], first[line]["sales"]);
        assert_eq!(r["documents"], first[line]["documents"]);
    }
}
