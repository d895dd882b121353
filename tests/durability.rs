//! Nothing lost, nothing claimed twice: an output that cannot be written, a disk that fills
//! mid-run, a database that goes away for a while or for good, and `kill -9` with a
//! database. After the fault and a `--resume`, every input row has exactly one record, and
//! the ledger never claimed a row the output (or the database) lacked.

mod common;

use common::pg::TempPostgres;
use common::*;
use mps::sim::SimOptions;
use mps_model::Service;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const FAST: [&str; 4] = ["--rate", "assessor=0", "--progress", "none"];

/// The complete records of a JSON Lines output (a torn last line ignored), by line; panics
/// on a line written twice.
fn records_once(path: &Path) -> BTreeMap<u64, Value> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut out = BTreeMap::new();
    for l in text.split_inclusive('\n').filter(|l| l.ends_with('\n')) {
        if l.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("bad line {l:?}: {e}"));
        let line = v["line"].as_u64().expect("line");
        assert!(out.insert(line, v).is_none(), "line {line} written twice");
    }
    out
}

/// Lines with an entry in a file ledger.
fn ledger_lines(path: &Path) -> BTreeSet<u64> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| v.get("line").and_then(Value::as_u64))
        .collect()
}

/// Input lines 2..=n+1 (the header is line 1).
fn all_lines(n: usize) -> BTreeSet<u64> {
    (2..n as u64 + 2).collect()
}

/// A tmpfs of `kib` KiB mounted for the test, unmounted when dropped: a disk that fills.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(kib: u32) -> SmallDisk {
        let dir = tempfile::tempdir().expect("mount point");
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("run mount");
        assert!(
            status.success(),
            "mounting a small tmpfs failed: these tests need root (they run in CI as root)"
        );
        SmallDisk { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Takes up `kib` KiB so the disk fills sooner; `free` gives it back.
    fn fill(&self, kib: usize) -> PathBuf {
        let p = self.path("filler");
        std::fs::write(&p, vec![b'x'; kib * 1024]).expect("filler");
        p
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

#[test]
fn an_output_that_cannot_be_written_is_a_resumable_stop_that_claims_no_row() {
    let env = Env::new();
    let input = env.file(
        "in.csv",
        format!("apn\n{}\n", apns(20).join("\n")).as_bytes(),
    );
    let test_started = std::time::SystemTime::now() - Duration::from_secs(1);
    let out = env.batch(&input, &[&FAST[..], &["-o", "/dev/full"]].concat());
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("No space left on device"), "{err}");
    assert!(err.contains("mps batch --resume"), "{err}");
    let id = job_id(&err);
    // The ledger is in the state directory, never beside /dev/full, and claims nothing.
    let ledger = env.path(&format!("state/mps/jobs/{id}.ledger.jsonl"));
    assert!(ledger.exists(), "ledger in the state directory");
    assert!(ledger_lines(&ledger).is_empty(), "no row claimed done");
    let beside = Path::new("/dev/full.mps-ledger.jsonl");
    let created_now = std::fs::metadata(beside)
        .and_then(|m| m.modified())
        .is_ok_and(|t| t >= test_started);
    assert!(!created_now, "nothing is created in /dev");

    // The resume does not read /dev/full back (an endless stream): it ends promptly, again
    // with a resumable stop.
    let mut c = env.mps();
    c.args(["batch", "--resume", &id]);
    let started = Instant::now();
    let out = c.output().unwrap();
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(started.elapsed() < Duration::from_secs(60), "resume ended");
    assert!(ledger_lines(&ledger).is_empty());
}

/// Runs a batch whose output fills a small disk; then frees space and resumes. With
/// `db`, the ledger and the records also go to PostgreSQL.
fn disk_fills_then_resume(db: Option<&TempPostgres>) {
    let env = Env::with(SimOptions {
        latency: Duration::from_millis(2),
        ..SimOptions::default()
    });
    let n = 200;
    let input = env.file(
        "in.csv",
        format!("apn\n{}\n", apns(n).join("\n")).as_bytes(),
    );
    // About 2.7 KB a record: half the rows fit beside the filler, all of them without it.
    let disk = SmallDisk::mount(1024);
    let filler = disk.fill(700);
    let output = disk.path("out.jsonl");
    let mut c = env.mps();
    if let Some(db) = db {
        c.env("MPS_DATABASE_URL", db.url());
    }
    c.args(["batch", "--input"])
        .arg(&input)
        .args(FAST)
        .args(["--workers", "4", "-o"])
        .arg(&output);
    let out = c.output().unwrap();
    assert_eq!(code(&out), 3, "the disk filled: {}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("No space left on device"), "{err}");
    let id = job_id(&err);
    let written = records_once(&output);
    assert!(
        !written.is_empty() && written.len() < n,
        "{} written",
        written.len()
    );
    // The ledger never claims a row the output lacks.
    let claimed: BTreeSet<u64> = match db {
        None => ledger_lines(&env_ledger(&output)),
        Some(db) => db
            .sql(&format!(
                "SELECT string_agg(line::text, ',') FROM job_items \
                 WHERE job_id = '{id}' AND source = 'row'"
            ))
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect(),
    };
    let held: BTreeSet<u64> = written.keys().copied().collect();
    assert!(
        claimed.is_subset(&held),
        "claimed but missing: {:?}",
        claimed.difference(&held).collect::<Vec<_>>()
    );

    std::fs::remove_file(filler).expect("free space");
    let mut c = env.mps();
    if let Some(db) = db {
        c.env("MPS_DATABASE_URL", db.url());
    }
    c.args(["batch", "--resume", &id]);
    let out = c.output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let after = records_once(&output);
    assert_eq!(after.keys().copied().collect::<BTreeSet<_>>(), all_lines(n));
    assert!(after.values().all(|r| r["status"] == "ok"));
    if let Some(db) = db {
        assert_eq!(db.sql("SELECT count(*) FROM properties"), n.to_string());
        let rows = db.sql(&format!(
            "SELECT count(*) FROM job_items WHERE job_id = '{id}' AND source = 'row' AND state = 'ok'"
        ));
        assert_eq!(rows, n.to_string());
    }
}

/// The ledger file beside an output.
fn env_ledger(output: &Path) -> PathBuf {
    let mut name = output.file_name().expect("name").to_os_string();
    name.push(".mps-ledger.jsonl");
    output.with_file_name(name)
}

#[test]
fn a_disk_that_fills_mid_run_loses_nothing_with_the_file_ledger() {
    disk_fills_then_resume(None);
}

#[test]
fn a_disk_that_fills_mid_run_loses_nothing_with_a_database() {
    let db = TempPostgres::start();
    disk_fills_then_resume(Some(&db));
}

#[test]
fn a_database_that_goes_away_for_a_while_costs_nothing() {
    let db = TempPostgres::start();
    let env = Env::with(SimOptions {
        latency: Duration::from_millis(20),
        ..SimOptions::default()
    });
    let n = 150;
    let input = env.file(
        "in.csv",
        format!("apn\n{}\n", apns(n).join("\n")).as_bytes(),
    );
    let output = env.path("out.jsonl");
    let mut c = env.mps();
    c.env("MPS_DATABASE_URL", db.url())
        .args(["batch", "--input"])
        .arg(&input)
        .args(FAST)
        .args(["--workers", "2", "--database-wait", "60s", "-o"])
        .arg(&output)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let child = c.spawn().unwrap();
    std::thread::sleep(Duration::from_millis(500));
    db.stop();
    std::thread::sleep(Duration::from_secs(3));
    db.start_again();
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "{err}");
    // The pool's own connection wait may ride out a short outage; if mps had to wait
    // longer it says so, and says when the database is back.
    assert_eq!(
        err.contains("the database is unreachable"),
        err.contains("the database is back"),
        "{err}"
    );
    assert_eq!(records_once(&output).len(), n);
    assert_eq!(db.sql("SELECT count(*) FROM properties"), n.to_string());
    assert_eq!(
        db.sql("SELECT count(*) FROM job_items WHERE source = 'row'"),
        n.to_string()
    );
}

#[test]
fn a_database_gone_for_good_stops_the_batch_resumably() {
    let db = TempPostgres::start();
    let env = Env::with(SimOptions {
        latency: Duration::from_millis(20),
        ..SimOptions::default()
    });
    let n = 150;
    let input = env.file(
        "in.csv",
        format!("apn\n{}\n", apns(n).join("\n")).as_bytes(),
    );
    let output = env.path("out.jsonl");
    let mut c = env.mps();
    c.env("MPS_DATABASE_URL", db.url())
        .args(["batch", "--input"])
        .arg(&input)
        .args(FAST)
        .args(["--workers", "2", "--database-wait", "3s", "-o"])
        .arg(&output)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let child = c.spawn().unwrap();
    std::thread::sleep(Duration::from_millis(500));
    db.stop();
    let stopped = Instant::now();
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert_eq!(code(&out), 3, "{err}");
    assert!(
        stopped.elapsed() < Duration::from_secs(40),
        "bounded by --database-wait"
    );
    assert!(err.contains("the database went away"), "{err}");
    assert!(err.contains("mps batch --resume"), "{err}");
    let id = job_id(&err);

    db.start_again();
    let mut c = env.mps();
    c.args(["batch", "--resume", &id]);
    let out = c.output().unwrap();
    assert_eq!(
        code(&out),
        0,
        "resumed without repeating the URL: {}",
        stderr(&out)
    );
    let records = records_once(&output);
    assert_eq!(
        records.keys().copied().collect::<BTreeSet<_>>(),
        all_lines(n)
    );
    assert_eq!(db.sql("SELECT count(*) FROM properties"), n.to_string());
    assert_eq!(
        db.sql(&format!(
            "SELECT count(*) FROM job_items WHERE job_id = '{id}' AND source = 'row'"
        )),
        n.to_string()
    );
}

#[test]
fn kill_9_with_a_database_leaves_one_record_per_row() {
    let db = TempPostgres::start();
    let env = Env::with(SimOptions {
        latency: Duration::from_millis(10),
        count_paths: true,
        ..SimOptions::default()
    });
    let n = 400;
    let list = apns(n);
    let input = env.file("in.csv", format!("apn\n{}\n", list.join("\n")).as_bytes());
    let output = env.path("out.jsonl");
    let kills = 10;
    let mut id: Option<String> = None;
    for k in 0..=kills {
        let mut c = env.mps();
        c.env("MPS_DATABASE_URL", db.url());
        match &id {
            None => {
                c.args(["batch", "--input"])
                    .arg(&input)
                    .args(FAST)
                    .args(["--workers", "4", "-o"])
                    .arg(&output);
            }
            Some(id) => {
                c.args(["batch", "--resume", id]);
            }
        }
        if k == kills {
            let out = c.output().unwrap();
            assert_eq!(code(&out), 0, "{}", stderr(&out));
            break;
        }
        c.stdout(Stdio::null()).stderr(if id.is_none() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        let mut child = c.spawn().unwrap();
        if id.is_none() {
            // Kill the first run only once its job exists (a loaded machine may take longer
            // than the random delay to connect and migrate).
            use std::io::BufRead;
            let stderr_pipe = child.stderr.take().unwrap();
            let mut lines = std::io::BufReader::new(stderr_pipe).lines();
            let line = lines
                .by_ref()
                .map_while(Result::ok)
                .find(|l| l.contains("mps: job "))
                .expect("job id printed");
            id = Some(job_id(&line));
            // Keep draining stderr so the child never blocks on a full pipe.
            std::thread::spawn(move || lines.for_each(drop));
        }
        std::thread::sleep(Duration::from_millis(150 + fastrand::u64(0..400)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
    }
    let id = id.expect("job id");
    let records = records_once(&output);
    assert_eq!(
        records.keys().copied().collect::<BTreeSet<_>>(),
        all_lines(n)
    );
    assert_eq!(db.sql("SELECT count(*) FROM properties"), n.to_string());
    assert_eq!(
        db.sql(&format!(
            "SELECT count(*) FROM job_items WHERE job_id = '{id}' AND source = 'row'"
        )),
        n.to_string()
    );
    // No row was fetched more than once per kill (once, plus at most once per kill).
    let worst = list
        .iter()
        .map(|apn| {
            let compact = apn.replace('-', "");
            env.sim
                .path_count(Service::Assessor, &format!("/parcel/{compact}"))
        })
        .max()
        .unwrap_or(0);
    assert!(
        worst >= 1 && worst <= 1 + kills,
        "a row was fetched {worst} times"
    );
}
