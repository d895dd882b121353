//! A run explains itself: what bounds its speed, how far it is, and a summary that adds up,
//! through the real binary.

mod common;

use common::{apns, code, stderr, Env};
use serde_json::Value;

#[test]
fn a_host_whose_rate_bounds_the_run_is_named_with_its_share_of_the_wall_time() {
    let env = Env::new();
    let input = env.file(
        "in.csv",
        format!("apn\n{}\n", apns(8).join("\n")).as_bytes(),
    );
    let summary = env.path("summary.json");
    let out = env.batch(
        &input,
        &[
            "--mode",
            "tax",
            "--rate",
            "treasurer=8",
            "--workers",
            "8",
            "--progress",
            "none",
            "-o",
            "out.jsonl",
            "--summary-json",
            summary.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stderr(&out);
    assert!(
        text.contains("treasurer: rate-limited at 8 req/s,")
            && text.contains("of the wall time; raise with --rate treasurer=R"),
        "{text}"
    );
    let s: Value =
        serde_json::from_slice(&std::fs::read(&summary).expect("summary")).expect("json");
    let wall = s["wall_seconds"].as_f64().expect("wall");
    let limited = s["hosts"]["treasurer"]["rate_limited_seconds"]
        .as_f64()
        .expect("limited");
    assert!(
        limited > wall * 0.5 && limited <= wall + 0.01,
        "{limited} of {wall}"
    );
    assert_eq!(s["hosts"]["treasurer"]["rate"], 8.0);
    // Average wall time per row is the wall time over the rows, not the summed latency.
    let per_row = s["average_seconds_per_row"].as_f64().expect("per row");
    assert!((per_row - wall / 8.0).abs() < 0.01, "{per_row} vs {wall}/8");

    // With the limit lifted, nothing claims the rate bounded the run.
    let out = env.batch(
        &input,
        &[
            "--mode",
            "tax",
            "--rate",
            "treasurer=0",
            "--progress",
            "none",
            "-o",
            "out2.jsonl",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!stderr(&out).contains("rate-limited"), "{}", stderr(&out));
}

#[test]
fn jsonl_progress_names_the_event_the_job_and_each_host_and_ends_once() {
    let env = Env::new();
    // Headerless: the first line is a row, and the total counts it.
    let input = env.file("in.txt", format!("{}\n", apns(10).join("\n")).as_bytes());
    let out = env.batch(
        &input,
        &[
            "--rate",
            "assessor=5",
            "--progress",
            "jsonl",
            "-o",
            "out.jsonl",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stderr(&out);
    let job = common::job_id(&text);
    let events: Vec<Value> = text
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).expect("json progress line"))
        .collect();
    assert!(
        events.len() >= 2,
        "a 2-second run has progress lines: {text}"
    );
    for e in &events {
        assert_eq!(e["job"], job.as_str(), "{e}");
        assert_eq!(
            e["total"], 10,
            "a headerless input's first line is a row: {e}"
        );
        assert!(e["hosts"]["assessor"]["requests"].is_u64(), "{e}");
        assert!(e["hosts"]["assessor"]["status_429"].is_u64(), "{e}");
    }
    let done: Vec<&Value> = events.iter().filter(|e| e["event"] == "done").collect();
    assert_eq!(done.len(), 1, "the final line is written once: {text}");
    assert_eq!(
        events.last().map(|e| &e["event"]),
        Some(&Value::from("done"))
    );
    assert!(events[..events.len() - 1]
        .iter()
        .all(|e| e["event"] == "progress"));
    assert_eq!(done[0]["done"], 10);
    assert_eq!(done[0]["hosts"]["assessor"]["requests"], 10);
}

#[test]
fn progress_bar_draws_when_asked_even_off_a_terminal() {
    let env = Env::new();
    let input = env.file(
        "in.csv",
        format!("apn\n{}\n", apns(6).join("\n")).as_bytes(),
    );
    let out = env.batch(
        &input,
        &[
            "--rate",
            "assessor=3",
            "--progress",
            "bar",
            "-o",
            "out.jsonl",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stderr(&out);
    assert!(text.contains("/6 rows ["), "{text}");
    assert!(
        text.contains("rows/s · elapsed"),
        "a steady rate and the elapsed time: {text}"
    );
    assert!(text.contains("assessor "), "per-host requests: {text}");
}

#[test]
fn one_row_is_one_row_in_the_summary() {
    let env = Env::new();
    let input = env.file("in.csv", format!("apn\n{}\n", apns(1)[0]).as_bytes());
    let out = env.batch(&input, &["--progress", "none", "-o", "out.jsonl"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stderr(&out);
    assert!(text.contains("mps: 1 row in "), "{text}");
    assert!(
        text.contains("assessor: 1 request, 0 retries, 0 answered 429, 0 errors"),
        "{text}"
    );
    // A space before the 1: the rate ("92.1 rows/s") may end in a 1 too.
    assert!(
        !text.contains(" 1 rows") && !text.contains(" 1 requests"),
        "{text}"
    );
}

#[test]
fn the_summary_and_the_records_cannot_both_go_to_standard_output() {
    let env = Env::new();
    let input = env.file("in.csv", format!("apn\n{}\n", apns(1)[0]).as_bytes());
    let out = env.batch(&input, &["--summary-json", "-", "--progress", "none"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("-o FILE"), "{}", stderr(&out));
}
