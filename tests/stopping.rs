//! Stopping is prompt, and the way back is a command that works when pasted: a closed pipe
//! on a slow comprehensive batch, `--max-runtime` at a tiny rate, and the resume hint.

mod common;

use common::{apns, code, stderr, Env};
use mps::sim::SimOptions;
use std::io::BufRead;
use std::process::Stdio;
use std::time::{Duration, Instant};

#[test]
fn a_reader_that_goes_after_one_record_ends_a_slow_comprehensive_batch_within_seconds() {
    let env = Env::with(SimOptions {
        latency: Duration::from_millis(300),
        ..SimOptions::default()
    });
    let input = env.file(
        "in.csv",
        format!("apn\n{}\n", apns(40).join("\n")).as_bytes(),
    );
    let mut child = env
        .mps()
        .args([
            "batch",
            "--mode",
            "comprehensive",
            "--progress",
            "none",
            "--input",
        ])
        .arg(&input)
        .args([
            "--rate",
            "assessor=20",
            "--rate",
            "treasurer=20",
            "--rate",
            "recorder=20",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn mps");
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("a first record");
    assert!(first.starts_with('{'), "{first}");
    // The reader is gone, as after `| head -n 1`.
    let closed = Instant::now();
    let out = child.wait_with_output().expect("wait");
    let took = closed.elapsed();
    assert!(
        took < Duration::from_secs(5),
        "mps went on for {took:?} after its reader left"
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        !err.contains("Broken pipe") && !err.contains("panicked"),
        "{err}"
    );
}

#[test]
fn max_runtime_at_a_tiny_rate_ends_within_seconds_and_the_hint_resumes_the_job() {
    let env = Env::new();
    let input = env.file(
        "in.csv",
        format!("apn\n{}\n", apns(20).join("\n")).as_bytes(),
    );
    let started = Instant::now();
    let out = env.batch(
        &input,
        &[
            "--rate",
            "assessor=0.5",
            "--max-runtime",
            "3s",
            "--progress",
            "none",
            "-o",
            "out.jsonl",
        ],
    );
    let took = started.elapsed();
    // At 0.5 requests per second the 20 rows would take 40 s.
    assert!(
        took < Duration::from_secs(12),
        "--max-runtime 3s took {took:?}"
    );
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let err = stderr(&out);
    let hint = err
        .lines()
        .find_map(|l| l.split("finish the job with: ").nth(1))
        .unwrap_or_else(|| panic!("a resume hint: {err}"));
    // Pasted as it stands (the job keeps its rate; this run lifts it to finish quickly).
    let words: Vec<&str> = hint.split_whitespace().collect();
    assert_eq!(words[..3], ["mps", "batch", "--resume"], "{hint}");
    let out = env
        .mps()
        .args(&words[1..])
        .args(["--rate", "assessor=0", "--progress", "none"])
        .output()
        .expect("resume");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let lines = std::fs::read_to_string(env.path("out.jsonl")).expect("output");
    assert_eq!(lines.lines().count(), 20, "every row once after the resume");
}

#[test]
fn a_job_reading_stdin_says_it_cannot_be_resumed_instead_of_a_hint() {
    let env = Env::new();
    let mut c = env.mps();
    c.args([
        "batch",
        "--input",
        "-",
        "--rate",
        "assessor=0.5",
        "--max-runtime",
        "1s",
        "--progress",
        "none",
        "-o",
        "out.jsonl",
    ]);
    let out = common::run_with_stdin(c, format!("apn\n{}\n", apns(10).join("\n")).as_bytes());
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        !err.contains("resume with") && !err.contains("--resume"),
        "{err}"
    );
    assert!(err.contains("cannot be resumed"), "{err}");
}
