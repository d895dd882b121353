//! PostgreSQL storage for real: a comprehensive batch lands in every table, running it again
//! changes nothing but fetched-at times, a killed job resumes from `job_items`, and two runs
//! of one job at once are refused.

mod common;

use common::*;
use mps::ident::Apn;
use mps::sim::{County, SimOptions};
use postgres::NoTls;
use std::process::Stdio;
use std::time::Duration;

fn count(url: &str, table: &str) -> i64 {
    let mut c = postgres::Client::connect(url, NoTls).expect("connect");
    let row = c
        .query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .expect("count");
    row.get(0)
}

const ARGS: [&str; 10] = [
    "--rate",
    "assessor=0",
    "--rate",
    "treasurer=0",
    "--rate",
    "recorder=0",
    "--workers",
    "4",
    "--progress",
    "none",
];

#[test]
fn comprehensive_batches_upsert_without_duplicates() {
    let db = mps_testkit::test_database().expect("PostgreSQL for the tests");
    let env = Env::new();
    let apns: Vec<String> = County::new(42).sample(12).iter().map(Apn::dashed).collect();
    let input = env.file("in.csv", format!("apn\n{}\n", apns.join("\n")).as_bytes());
    let run = || {
        let mut c = env.mps();
        c.env("MPS_DATABASE_URL", &db.url)
            .args(["batch", "--mode", "comprehensive", "--input"])
            .arg(&input)
            .args(ARGS)
            .args([
                "--concurrency",
                "recorder=4",
                "--concurrency",
                "treasurer=4",
            ]);
        c.output().unwrap()
    };
    let out = run();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let tables = [
        "properties",
        "valuations",
        "tax_bills",
        "tax_payments",
        "documents",
        "parcel_documents",
        "sales",
    ];
    let first: Vec<i64> = tables.iter().map(|t| count(&db.url, t)).collect();
    assert_eq!(first[0], 12, "one property per parcel");
    assert!(
        first.iter().all(|n| *n > 0),
        "every table has rows: {first:?}"
    );
    let out = run();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let second: Vec<i64> = tables.iter().map(|t| count(&db.url, t)).collect();
    assert_eq!(first, second, "a second run adds nothing");
    assert_eq!(count(&db.url, "jobs"), 2);
    assert_eq!(
        count(&db.url, "job_items WHERE source = 'row' AND state = 'ok'"),
        24
    );

    // --max-age: every parcel was stored moments ago, so nothing is fetched again.
    let before = env.assessor_requests();
    let mut c = env.mps();
    c.env("MPS_DATABASE_URL", &db.url)
        .args(["batch", "--mode", "property", "--max-age", "1h", "--input"])
        .arg(&input)
        .args(ARGS);
    let out = c.output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let recs = records(&out);
    assert_eq!(recs.len(), 12);
    assert!(recs.iter().all(|r| r["status"] == "skipped"), "{recs:?}");
    assert_eq!(
        env.assessor_requests(),
        before,
        "no request for a fresh parcel"
    );

    // --from-db --max-age 0s: the cron refresh re-collects every stored parcel.
    let mut c = env.mps();
    c.env("MPS_DATABASE_URL", &db.url)
        .args([
            "batch",
            "--from-db",
            "--max-age",
            "0s",
            "--mode",
            "property",
        ])
        .args(ARGS);
    let out = c.output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let recs = records(&out);
    assert_eq!(recs.len(), 12, "every stored parcel");
    assert!(recs.iter().all(|r| r["status"] == "ok"));
    assert_eq!(env.assessor_requests(), before + 12);
}

#[test]
fn a_killed_database_job_resumes_and_a_second_run_is_refused() {
    let db = mps_testkit::test_database().expect("PostgreSQL for the tests");
    let env = Env::with(SimOptions {
        latency: Duration::from_millis(30),
        ..SimOptions::default()
    });
    let apns: Vec<String> = County::new(42)
        .sample(120)
        .iter()
        .map(Apn::dashed)
        .collect();
    let input = env.file("in.csv", format!("apn\n{}\n", apns.join("\n")).as_bytes());
    let output = env.path("out.jsonl");
    let mut c = env.mps();
    c.env("MPS_DATABASE_URL", &db.url)
        .args(["batch", "--input"])
        .arg(&input)
        .args(ARGS)
        .args(["--output", output.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    // While it runs, a second run of the same job is refused.
    std::thread::sleep(Duration::from_millis(600));
    let id = {
        let mut c2 = postgres::Client::connect(&db.url, NoTls).unwrap();
        let row = c2.query_one("SELECT id FROM jobs", &[]).unwrap();
        row.get::<_, String>(0)
    };
    let mut again = env.mps();
    again
        .env("MPS_DATABASE_URL", &db.url)
        .args(["batch", "--resume", &id])
        .args(ARGS);
    let refused = again.output().unwrap();
    assert_eq!(code(&refused), 2);
    assert!(
        stderr(&refused).contains("already running"),
        "{}",
        stderr(&refused)
    );
    child.kill().unwrap();
    child.wait().unwrap();

    let mut c = env.mps();
    c.env("MPS_DATABASE_URL", &db.url)
        .args(["batch", "--resume", &id])
        .args(ARGS);
    let out = c.output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(count(&db.url, "properties"), 120);
    assert_eq!(
        count(&db.url, "job_items WHERE source = 'row'"),
        120,
        "one ledger row per input row"
    );
    let lines = std::fs::read_to_string(&output).unwrap();
    assert_eq!(
        lines.lines().count(),
        120,
        "one record per row in the output"
    );
}
