//! Workers coordinated through PostgreSQL: `mps batch --enqueue` queues a job, `mps worker`
//! processes share it under leases, a worker killed with SIGKILL loses nothing, politeness
//! holds across workers, `--browsers 0` workers leave page work alone, SIGTERM gives the
//! leases back, and `mps batch --wait` follows the job to its end.

mod common;

use common::pg::TempPostgres;
use common::*;
use mps::sim::SimOptions;
use mps_model::Service;
use std::collections::BTreeMap;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

const RATE: f64 = 20.0;

fn env() -> Env {
    Env::with(SimOptions {
        latency: Duration::from_millis(20),
        ..SimOptions::default()
    })
}

/// `mps batch --enqueue` of `n` rows in `mode` with extra args; returns the job id.
fn enqueue(env: &Env, db: &TempPostgres, n: usize, mode: &str, extra: &[&str]) -> String {
    let input = env.file(
        &format!("in-{mode}.csv"),
        format!("apn\n{}\nnot-an-apn\n", apns(n).join("\n")).as_bytes(),
    );
    let mut c = env.mps();
    c.args(["batch", "--enqueue", "--database-url", &db.url(), "--input"])
        .arg(&input)
        .args(["--mode", mode, "--no-cache"])
        .args(extra);
    let out = c.output().expect("run mps batch --enqueue");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(id.len() > 10, "the job id on stdout: {id:?}");
    assert!(
        stderr(&out).contains(&format!("{n} rows to fetch, 1 invalid")),
        "{}",
        stderr(&out)
    );
    id
}

fn worker(env: &Env, db: &TempPostgres, extra: &[&str]) -> Child {
    let mut c = env.mps();
    c.args(["worker", "--database-url", &db.url(), "--lease", "3s"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c.spawn().expect("start mps worker")
}

/// Sends `signal` to process `pid`.
fn send(pid: u32, signal: nix::sys::signal::Signal) {
    let pid = nix::unistd::Pid::from_raw(i32::try_from(pid).expect("pid"));
    nix::sys::signal::kill(pid, signal).expect("send the signal");
}

fn count(db: &TempPostgres, sql: &str) -> u64 {
    db.sql(sql)
        .trim()
        .parse()
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn rows_in(db: &TempPostgres, job: &str, state: &str) -> u64 {
    count(
        db,
        &format!(
            "SELECT count(*) FROM job_items WHERE job_id = '{job}' AND source = 'row' AND state = '{state}'"
        ),
    )
}

fn wait_for(child: Child, limit: Duration) -> std::process::Output {
    let pid = child.id();
    let start = Instant::now();
    let mut child = child;
    while start.elapsed() < limit {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    panic!("worker {pid} still running after {limit:?}");
}

#[test]
fn three_workers_one_killed_finish_every_row_once_within_the_rate() {
    let env = env();
    let db = TempPostgres::start();
    let n = 240;
    let job = enqueue(
        &env,
        &db,
        n,
        "property",
        &["--rate", "assessor=20", "--workers", "8"],
    );
    assert_eq!(rows_in(&db, &job, "pending"), n as u64);
    assert_eq!(rows_in(&db, &job, "invalid"), 1);

    let mut workers: Vec<Child> = (0..3).map(|_| worker(&env, &db, &[])).collect();
    // Let the three get going, then kill one as a crash would.
    let start = Instant::now();
    while rows_in(&db, &job, "ok") < 60 && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let victim = workers.remove(1);
    let held = count(
        &db,
        "SELECT count(*) FROM job_items WHERE state = 'pending' AND lease_until > now()",
    );
    send(victim.id(), nix::sys::signal::Signal::SIGKILL);
    let _ = wait_for(victim, Duration::from_secs(10));
    for w in workers {
        let out = wait_for(w, Duration::from_secs(120));
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert!(stderr(&out).contains("no work left"), "{}", stderr(&out));
    }
    assert!(held > 0, "rows were leased when the worker was killed");
    // Every row ended, once: one row item per line, every valid one ok.
    assert_eq!(rows_in(&db, &job, "ok"), n as u64);
    assert_eq!(rows_in(&db, &job, "pending"), 0);
    assert_eq!(
        count(
            &db,
            &format!("SELECT count(*) FROM job_items WHERE job_id = '{job}' AND source = 'row'")
        ),
        n as u64 + 1
    );
    assert_eq!(count(&db, "SELECT count(*) FROM properties"), n as u64);
    assert_eq!(
        count(&db, "SELECT count(*) FROM workers"),
        1,
        "only the killed worker is left, until it goes stale"
    );
    // Politeness across the workers: never more than rate + burst in one second.
    let stats = env.sim.stats();
    let assessor = stats.source(Service::Assessor);
    println!(
        "assessor: {} requests, at most {} in one second",
        assessor.requests, assessor.max_requests_in_1s
    );
    assert!(assessor.requests >= n as u64);
    assert!(
        assessor.max_requests_in_1s as f64 <= RATE + 2.0,
        "{} assessor requests in one second",
        assessor.max_requests_in_1s
    );

    // --wait sees the job done, with the invalid row: exit 1 as a batch would.
    let out = env
        .mps()
        .args(["batch", "--wait", &job, "--database-url", &db.url()])
        .output()
        .expect("mps batch --wait");
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "{} rows done (ok {n}, not found 0, failed 0, invalid 1)",
            n + 1
        )),
        "{}",
        stderr(&out)
    );
    // The job shows the runs of the workers that ended in order.
    let out = env
        .mps()
        .args(["jobs", "show", &job, "--database-url", &db.url(), "--json"])
        .output()
        .expect("mps jobs show");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(shown["status"], "completed", "{shown}");
}

#[test]
fn a_worker_without_browsers_leaves_page_work_and_sigterm_gives_leases_back() {
    let env = env();
    let db = TempPostgres::start();
    let tax = enqueue(
        &env,
        &db,
        5,
        "tax",
        &["--rate", "treasurer=0", "--rate", "assessor=0"],
    );
    let property = enqueue(&env, &db, 30, "property", &["--rate", "assessor=0"]);
    let out = wait_for(
        worker(&env, &db, &["--browsers", "0"]),
        Duration::from_secs(60),
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(rows_in(&db, &property, "ok"), 30);
    assert_eq!(
        rows_in(&db, &tax, "pending"),
        5,
        "page work left for a worker with browsers"
    );

    // A slow job; SIGTERM in the middle: the worker exits 0 and holds no lease after.
    let slow = enqueue(
        &env,
        &db,
        200,
        "property",
        &["--rate", "assessor=10", "--workers", "4"],
    );
    let w = worker(&env, &db, &["--browsers", "0"]);
    let start = Instant::now();
    while rows_in(&db, &slow, "ok") < 10 && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(100));
    }
    send(w.id(), nix::sys::signal::Signal::SIGTERM);
    let out = wait_for(w, Duration::from_secs(30));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("stopped by SIGTERM"),
        "{}",
        stderr(&out)
    );
    let leased = count(
        &db,
        "SELECT count(*) FROM job_items WHERE state = 'pending' AND lease_owner IS NOT NULL",
    );
    assert_eq!(leased, 0, "every claimed row given back");
    assert_eq!(count(&db, "SELECT count(*) FROM workers"), 0);
    let done = rows_in(&db, &slow, "ok");
    assert!((10..200).contains(&done), "{done}");
    // Another worker finishes it.
    let out = wait_for(
        worker(&env, &db, &["--browsers", "0"]),
        Duration::from_secs(120),
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(rows_in(&db, &slow, "ok"), 200);
    let by_state: BTreeMap<String, u64> = db
        .sql(&format!("SELECT state, count(*) FROM job_items WHERE job_id = '{slow}' AND source = 'row' GROUP BY state"))
        .lines()
        .filter_map(|l| l.split_once('|'))
        .map(|(s, n)| (s.to_string(), n.parse().unwrap_or(0)))
        .collect();
    assert_eq!(by_state.get("ok"), Some(&200), "{by_state:?}");
}

#[test]
fn enqueue_and_wait_refuse_what_they_cannot_do_with_a_clear_message() {
    let env = env();
    let input = env.file(
        "in.csv",
        format!("apn\n{}\n", apns(2).join("\n")).as_bytes(),
    );
    let run = |args: &[&str]| {
        let mut c = env.mps();
        c.args(args);
        c.output().expect("run mps")
    };
    let path = input.to_str().expect("utf-8");
    let out = run(&["batch", "--enqueue", "--input", path]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("--database-url"), "{}", stderr(&out));
    let db = TempPostgres::start();
    let url = db.url();
    let out = run(&[
        "batch",
        "--enqueue",
        "--database-url",
        &url,
        "--input",
        path,
        "-o",
        "x.jsonl",
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("-o or --csv-tables"),
        "{}",
        stderr(&out)
    );
    // A batch's own job is not a queued one: --wait says so; a queued job is not resumed.
    let out = run(&[
        "batch",
        "--input",
        path,
        "--database-url",
        &url,
        "-o",
        "b.jsonl",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let batch_job = job_id(&stderr(&out));
    let out = run(&["batch", "--wait", &batch_job, "--database-url", &url]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not a queued job"),
        "{}",
        stderr(&out)
    );
    let queued = enqueue(&env, &db, 2, "property", &[]);
    let out = run(&["batch", "--resume", &queued, "--database-url", &url]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("mps worker"), "{}", stderr(&out));
    // Nothing was fetched for the queued job by any of this.
    assert_eq!(rows_in(&db, &queued, "pending"), 2);

    // A queued job with nothing to fetch (only invalid rows) ends at once: no worker would.
    let only_bad = env.file("bad.csv", b"apn\nnot-an-apn\n");
    let bad_path = only_bad.to_str().expect("utf-8");
    let out = run(&[
        "batch",
        "--enqueue",
        "--database-url",
        &url,
        "--input",
        bad_path,
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let empty = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let out = run(&["batch", "--wait", &empty, "--database-url", &url]);
    assert_eq!(code(&out), 1, "the invalid row: {}", stderr(&out));
    let out = run(&["jobs", "show", &empty, "--database-url", &url, "--json"]);
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(shown["status"], "completed", "{shown}");
}

#[test]
fn a_row_finished_twice_leaves_one_set_of_rows() {
    let env = env();
    let db = TempPostgres::start();
    let job = enqueue(&env, &db, 12, "property", &["--rate", "assessor=0"]);
    let out = wait_for(worker(&env, &db, &[]), Duration::from_secs(60));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let tables = "SELECT (SELECT count(*) FROM properties) + (SELECT count(*) FROM valuations) \
                  + (SELECT count(*) FROM job_items)";
    let before = count(&db, tables);
    // As if a worker had stalled past its lease after finishing: the rows are pending again
    // and another worker runs them a second time.
    db.sql(&format!(
        "UPDATE job_items SET state = 'pending', lease_owner = NULL, lease_until = NULL \
         WHERE job_id = '{job}' AND source = 'row' AND state = 'ok'"
    ));
    let out = wait_for(worker(&env, &db, &[]), Duration::from_secs(60));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(rows_in(&db, &job, "ok"), 12);
    assert_eq!(count(&db, tables), before, "the second finish added no row");
    assert!(
        before > 12 * 2,
        "properties, valuations and items were written: {before}"
    );
}
