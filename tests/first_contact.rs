//! What a user meets before a batch gets going: an input rejected before any row is read
//! creates no job, a huge headerless field is an error that names the line and the limit, a
//! FIFO that nobody writes to yields to one Ctrl-C, error messages state their cause once,
//! the help says what the program does, and `mps jobs show` totals every run of a job.

mod common;

use common::*;
use mps::ident::Apn;
use mps::sim::{County, SimOptions};
use serde_json::Value;
use std::process::Stdio;
use std::time::{Duration, Instant};

fn jobs_in(env: &Env) -> Vec<String> {
    match std::fs::read_dir(env.path("state/mps/jobs")) {
        Ok(dir) => dir
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn an_input_rejected_before_any_row_creates_no_job() {
    let env = Env::new();
    let bad_header = env.file("bad.csv", b"colour,size\nred,1\n");
    let dir = env.path("adir");
    std::fs::create_dir(&dir).unwrap();
    for input in [env.path("missing.csv"), bad_header, dir] {
        let out = env.batch(&input, &["-o", "out.jsonl"]);
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        let err = stderr(&out);
        assert!(!err.contains("resume with"), "{err}");
        assert!(!err.contains("mps: job "), "{err}");
        assert!(jobs_in(&env).is_empty(), "{:?}", jobs_in(&env));
        assert!(!env.path("out.jsonl.mps-ledger.jsonl").exists());
    }
}

#[test]
fn a_ten_megabyte_headerless_field_names_its_line_and_the_limit() {
    let env = Env::new();
    let big = env.file("big.csv", &vec![b'a'; 10_000_000]);
    let out = env.batch(&big, &[]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("line 1"), "{err}");
    assert!(err.contains("65536 bytes"), "{err}");
    assert!(jobs_in(&env).is_empty());
}

#[test]
fn error_messages_state_their_cause_once_and_name_the_path_typed() {
    let env = Env::new();
    let input = env.file("in.csv", b"apn\n123-45-678\n");
    let out = env.batch(&env.path("adir-missing.csv"), &[]);
    let err = stderr(&out);
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
    let dir = env.path("adir");
    std::fs::create_dir(&dir).unwrap();
    let err = stderr(&env.batch(&dir, &[]));
    assert_eq!(err.matches("directory").count(), 1, "{err}");
    // An output in a missing directory: the message names the output, not the ledger.
    let out = env.batch(&input, &["-o", "nodir/x.jsonl"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains("nodir/x.jsonl"), "{err}");
    assert!(!err.contains("mps-ledger"), "{err}");
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
}

#[test]
fn one_ctrl_c_ends_a_batch_waiting_on_a_fifo_nobody_writes() {
    let env = Env::new();
    let fifo = env.path("in.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let mut c = env.mps();
    c.args(["batch", "--input"])
        .arg(&fifo)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let child = c.spawn().expect("spawn");
    std::thread::sleep(Duration::from_millis(500));
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).expect("pid"));
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).expect("signal");
    let sent = Instant::now();
    let out = child.wait_with_output().expect("wait");
    assert_eq!(code(&out), 130, "{}", stderr(&out));
    assert!(sent.elapsed() < Duration::from_secs(5));
    assert!(jobs_in(&env).is_empty(), "nothing was started");
}

#[test]
fn batch_help_describes_every_mode_as_available() {
    let env = Env::new();
    let mut c = env.mps();
    c.args(["batch", "--help"]);
    let out = c.output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(!help.contains("not available"), "{help}");
    for mode in ["tax", "sales", "documents", "comprehensive", "validate"] {
        assert!(help.contains(mode), "{mode} in --help");
    }
    assert!(help.contains("--database-wait"), "{help}");
}

#[test]
fn jobs_show_totals_every_run_of_a_job() {
    let env = Env::with(SimOptions {
        latency: Duration::from_millis(20),
        ..SimOptions::default()
    });
    let apns: Vec<String> = County::new(42).sample(60).iter().map(Apn::dashed).collect();
    let input = env.file("in.csv", format!("apn\n{}\n", apns.join("\n")).as_bytes());
    let mut c = env.mps();
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
        .args(["-o", "out.jsonl"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let child = c.spawn().unwrap();
    std::thread::sleep(Duration::from_millis(400));
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).expect("pid"));
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).expect("signal");
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 143, "{}", stderr(&out));
    let err = stderr(&out);
    let start = err.find("mps: job ").expect("job id") + "mps: job ".len();
    let id = err[start..].split_whitespace().next().unwrap().to_string();
    let mut c = env.mps();
    c.args(["batch", "--resume", &id]);
    let out = c.output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    let mut c = env.mps();
    c.args(["jobs", "show", &id, "--json"]);
    let show = c.output().unwrap();
    assert_eq!(code(&show), 0, "{}", stderr(&show));
    let v: Value = serde_json::from_slice(&show.stdout).expect("json");
    assert_eq!(v["rows_by_status"]["ok"], 60, "{v}");
    assert_eq!(v["runs"], 2, "{v}");
    // Every request of both runs is counted: at least one per row.
    let requests = v["totals"]["hosts"]["assessor"]["requests"]
        .as_u64()
        .unwrap_or(0);
    assert!(requests >= 60, "{v}");
    assert_eq!(requests, env.assessor_requests(), "{v}");
}

#[test]
fn a_closed_output_pipe_ends_quietly_with_0() {
    use std::io::BufRead;
    let env = Env::new();
    let mut child = env
        .mps()
        .args(["sim", "--sample", "100000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run mps sim");
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(!first.trim().is_empty());
    // The reader is gone (dropped above), as after `| head -1`.
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
}

#[test]
fn summary_json_dash_is_standard_output() {
    let env = Env::new();
    let input = env.file("in.csv", b"apn\n123-45-678\n");
    let out = env.batch(
        &input,
        &[
            "-o",
            "/dev/null",
            "--summary-json",
            "-",
            "--progress",
            "none",
            "-q",
        ],
    );
    assert!(code(&out) <= 1, "{}", stderr(&out));
    let summary: Value = serde_json::from_slice(&out.stdout).expect("a JSON summary on stdout");
    assert_eq!(summary["rows"], 1, "{summary}");
    assert!(!env.path("-").exists());
}

#[test]
fn impossible_worker_browser_and_error_rate_values_are_refused() {
    let env = Env::new();
    let input = env.file("in.csv", b"apn\n123-45-678\n");
    for (flag, value) in [
        ("--workers", "100000"),
        ("--workers", "0"),
        ("--browsers", "0"),
        ("--browsers", "500"),
    ] {
        let out = env.batch(&input, &[flag, value]);
        assert_eq!(code(&out), 2, "{flag} {value}");
        assert!(stderr(&out).contains(flag), "{}", stderr(&out));
        assert!(jobs_in(&env).is_empty());
    }
    let out = env
        .mps()
        .args(["sim", "--error-rate", "assessor=2"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("from 0 to 1"), "{}", stderr(&out));
}

#[test]
fn a_config_in_the_current_directory_is_not_read_by_surprise() {
    let env = Env::new();
    let input = env.file("in.csv", b"apn\n123-45-678\n");
    std::fs::create_dir(env.path("config")).unwrap();
    env.file("config/config.yaml", b"http: {timeout: bogus}\n");
    let out = env.batch(&input, &["-o", "/dev/null", "--progress", "none"]);
    assert!(code(&out) <= 1, "{}", stderr(&out));
    // Named, it is read (and its error names the whole key).
    let out = env.batch(
        &input,
        &["--config", "config/config.yaml", "-o", "/dev/null"],
    );
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("config/config.yaml"),
        "{}",
        stderr(&out)
    );
    // MPS_CONFIG names it too; the user's config dir holds the default.
    let mut c = env.mps();
    c.env("MPS_CONFIG", env.path("config/config.yaml"))
        .args(["batch", "--input"])
        .arg(&input)
        .args(["-o", "/dev/null"]);
    assert_eq!(code(&c.output().unwrap()), 2);
    std::fs::create_dir_all(env.path("xdg/mps")).unwrap();
    std::fs::copy(
        env.path("config/config.yaml"),
        env.path("xdg/mps/config.yaml"),
    )
    .unwrap();
    let mut c = env.mps();
    c.env("XDG_CONFIG_HOME", env.path("xdg"))
        .args(["batch", "--input"])
        .arg(&input)
        .args(["-o", "/dev/null"]);
    let out = c.output().unwrap();
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("xdg/mps/config.yaml"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_output_that_is_the_input_is_refused_and_the_input_left_intact() {
    let env = Env::new();
    let text = b"apn\n123-45-678\n165-28-054\n";
    let input = env.file("owners.csv", text);
    std::os::unix::fs::symlink(&input, env.path("link.csv")).unwrap();
    std::fs::hard_link(&input, env.path("hard.csv")).unwrap();
    for output in ["owners.csv", "./owners.csv", "link.csv", "hard.csv"] {
        let out = env.batch(&input, &["--format", "csv", "-o", output]);
        assert_eq!(code(&out), 2, "{output}: {}", stderr(&out));
        assert!(stderr(&out).contains("is the input"), "{}", stderr(&out));
        assert_eq!(std::fs::read(&input).unwrap(), text, "{output}");
        assert!(jobs_in(&env).is_empty());
    }
}

#[test]
fn jobs_failed_lists_invalid_rows_and_feeds_a_new_batch_as_is() {
    let env = Env::new();
    let apn = County::new(42).sample(1)[0].dashed();
    let input = env.file("in.csv", format!("apn\n{apn}\n12-3\n").as_bytes());
    let out = env.batch(&input, &["-o", "out.jsonl", "--progress", "none"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let id = stderr(&out)
        .split("mps: job ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap()
        .to_string();
    let mut c = env.mps();
    c.args(["jobs", "failed", &id]);
    let listed = c.output().unwrap();
    assert_eq!(code(&listed), 0, "{}", stderr(&listed));
    let text = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert!(text.starts_with("line,input,source,reason\n"), "{text}");
    assert!(text.contains("3,12-3,invalid,"), "{text}");
    // `mps jobs failed JOB | mps batch --input -` as it stands.
    let mut c = env.mps();
    c.args(["batch", "--input", "-", "--progress", "none"]);
    let again = run_with_stdin(c, text.as_bytes());
    assert_eq!(code(&again), 1, "{}", stderr(&again));
    let recs = records(&again);
    assert_eq!(recs.len(), 1, "{recs:?}");
    assert_eq!(recs[0]["input"], "12-3");
    assert_eq!(recs[0]["status"], "invalid");
}

#[test]
fn the_start_names_every_hosts_rate_and_concurrency() {
    let env = Env::new();
    let input = env.file("in.csv", b"apn\n123-45-678\n");
    let out = env.batch(
        &input,
        &[
            "-o",
            "/dev/null",
            "--rate",
            "recorder=0.5",
            "--concurrency",
            "treasurer=3",
        ],
    );
    let err = stderr(&out);
    let line = err
        .lines()
        .find(|l| l.starts_with("mps: politeness per host:"))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(line.contains("assessor 2 req/s (2 at once)"), "{line}");
    assert!(line.contains("treasurer 2 req/s (3 at once)"), "{line}");
    assert!(line.contains("recorder 0.5 req/s"), "{line}");
    assert!(line.contains("--rate HOST=R"), "{line}");
}
