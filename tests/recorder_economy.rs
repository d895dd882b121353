//! The same answers for fewer Recorder requests: the default documents list (from the name
//! index, since the owners' acquisition) and sales chain (one step back) equal what the
//! request-hungry way (`--documents full --documents-since all --sales-depth 3 --no-cache`)
//! gives, cut to the defaults; recorded documents are fetched once, across runs, in the
//! SQLite cache or in PostgreSQL; a new document is exactly what a later run fetches; the
//! cache survives kill -9.

mod common;

use common::pg::TempPostgres;
use common::*;
use mps::ident::Apn;
use mps::sim::{County, SimOptions};
use mps_model::Service;
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::Duration;

const FAST: [&str; 20] = [
    "--rate",
    "assessor=0",
    "--rate",
    "treasurer=0",
    "--rate",
    "recorder=0",
    "--concurrency",
    "assessor=8",
    "--concurrency",
    "treasurer=8",
    "--concurrency",
    "recorder=8",
    "--workers",
    "8",
    "--progress",
    "none",
    "--format",
    "jsonl",
    "--strategy",
    "intelligent",
];

fn sample(seed: u64, n: usize) -> Vec<Apn> {
    County::new(seed).sample(n)
}

fn input(env: &Env, apns: &[Apn]) -> std::path::PathBuf {
    let text = format!(
        "apn\n{}\n",
        apns.iter().map(Apn::dashed).collect::<Vec<_>>().join("\n")
    );
    env.file("in.csv", text.as_bytes())
}

/// Runs a batch and returns its records by line.
fn run(env: &Env, input: &std::path::Path, args: &[&str]) -> BTreeMap<u64, Value> {
    let out = env.batch(input, &[&FAST[..], args].concat());
    assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
    by_line(&records(&out))
}

fn parcel<'a>(record: &'a Value, block: &str) -> &'a Value {
    &record[block]["data"]["parcels"][0]
}

#[test]
fn default_answers_equal_the_full_way_cut_to_the_defaults() {
    let env = Env::with(SimOptions {
        seed: 11,
        ..SimOptions::default()
    });
    let apns = sample(11, 300);
    let input = input(&env, &apns);

    // Sales: the last deed, and the chain at the default depth (1).
    let full = run(
        &env,
        &input,
        &["--mode", "sales", "--sales-depth", "3", "--no-cache"],
    );
    let default = run(&env, &input, &["--mode", "sales", "--no-cache"]);
    let mut chains = 0;
    for (line, rec) in &default {
        let (d, f) = (parcel(rec, "sales"), parcel(&full[line], "sales"));
        assert_eq!(d["last_deed"], f["last_deed"], "line {line}");
        let want: Vec<&Value> = f["history"].as_array().unwrap().iter().take(1).collect();
        let got: Vec<&Value> = d["history"].as_array().unwrap().iter().collect();
        assert_eq!(got, want, "line {line}: the chain cut to depth 1");
        chains += usize::from(!got.is_empty());
    }
    assert!(chains * 2 >= default.len(), "{chains} chains found");

    // Documents: the default list holds the full list's numbers, dates and codes, cut to the
    // window (recorded since the current owners' acquisition).
    let full = run(
        &env,
        &input,
        &[
            "--mode",
            "documents",
            "--documents",
            "full",
            "--documents-since",
            "all",
            "--no-cache",
        ],
    );
    let default = run(&env, &input, &["--mode", "documents", "--no-cache"]);
    let mut listed = 0;
    for (line, rec) in &default {
        let (d, f) = (parcel(rec, "documents"), parcel(&full[line], "documents"));
        assert_eq!(d["detail"], "index");
        let since = d["since"].as_str().unwrap_or("");
        let want: Vec<(Value, Value, Value, bool)> = f["documents"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|doc| doc["recording_date"].as_str().unwrap_or("") >= since)
            .map(|doc| {
                let codes = doc["document_codes"].as_array().unwrap();
                (
                    doc["recording_number"].clone(),
                    doc["recording_date"].clone(),
                    codes[0].clone(),
                    codes.len() > 1,
                )
            })
            .collect();
        let got: Vec<(Value, Value, Value, bool)> = d["documents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|doc| {
                (
                    doc["recording_number"].clone(),
                    doc["recording_date"].clone(),
                    doc["document_codes"][0].clone(),
                    doc["more_codes"] == true,
                )
            })
            .collect();
        if f["truncated"] == false {
            assert_eq!(got, want, "line {line}");
        }
        listed += got.len();
    }
    assert!(listed >= default.len(), "{listed} documents listed");
}

/// Every recording number a documents or sales record names.
fn numbers(records: &BTreeMap<u64, Value>) -> Vec<String> {
    let mut out = Vec::new();
    for rec in records.values() {
        for doc in parcel(rec, "documents")["documents"]
            .as_array()
            .into_iter()
            .flatten()
        {
            out.push(doc["recording_number"].as_str().unwrap().to_string());
        }
        let sales = parcel(rec, "sales");
        for sale in std::iter::once(&sales["last_deed"])
            .chain(sales["history"].as_array().into_iter().flatten())
            .filter(|s| s.is_object())
        {
            out.push(sale["recording_number"].as_str().unwrap().to_string());
        }
    }
    out.sort();
    out.dedup();
    out
}

fn fetches(env: &Env, number: &str) -> u64 {
    env.sim
        .path_count(Service::Recorder, &format!("/documents/{number}"))
}

/// A full documents batch twice, then once more after the county records a new document:
/// each document is fetched once, the new one exactly once more.
fn documents_are_fetched_once(database: Option<&TempPostgres>) {
    let env = Env::with(SimOptions {
        seed: 5,
        count_paths: true,
        ..SimOptions::default()
    });
    let apns = sample(5, 40);
    let input = input(&env, &apns);
    let mut args = vec!["--mode", "comprehensive", "--documents", "full"];
    let url = database.map(TempPostgres::url);
    if let Some(url) = &url {
        args.extend(["--database-url", url.as_str()]);
    }
    let first = run(&env, &input, &args);
    let read = numbers(&first);
    assert!(read.len() > 40, "{} documents", read.len());
    assert!(read.iter().all(|n| fetches(&env, n) == 1));

    let second = run(&env, &input, &args);
    assert_eq!(numbers(&second), read, "the same answers");
    let again: Vec<&String> = read.iter().filter(|n| fetches(&env, n) != 1).collect();
    assert!(again.is_empty(), "fetched again: {again:?}");

    let new = env
        .sim
        .record_document(&apns[3], "DEED TRST")
        .expect("record a document");
    let third = run(&env, &input, &args);
    assert_eq!(fetches(&env, &new), 1, "the new document is read once");
    let again: Vec<&String> = read.iter().filter(|n| fetches(&env, n) != 1).collect();
    assert!(again.is_empty(), "fetched again: {again:?}");
    let listed = numbers(&third);
    assert!(listed.contains(&new));
    assert_eq!(listed.len(), read.len() + 1);

    // The default (index) list shows the new document too, without reading any document.
    let before: u64 = read.iter().chain([&new]).map(|n| fetches(&env, n)).sum();
    let mut index_args = vec!["--mode", "comprehensive"];
    if let Some(url) = &url {
        index_args.extend(["--database-url", url.as_str()]);
    }
    let index = run(&env, &input, &index_args);
    let line = 5; // apns[3] is on input line 5
    let docs = &parcel(&index[&line], "documents")["documents"];
    assert!(docs
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["recording_number"] == new.as_str()));
    let after: u64 = read.iter().chain([&new]).map(|n| fetches(&env, n)).sum();
    assert_eq!(before, after, "the index list read no document");
}

#[test]
fn each_document_is_fetched_once_across_runs_with_the_sqlite_cache() {
    documents_are_fetched_once(None);
}

#[test]
fn each_document_is_fetched_once_across_runs_with_a_database() {
    let db = TempPostgres::start();
    documents_are_fetched_once(Some(&db));
    assert!(db.sql("SELECT count(*) FROM documents WHERE complete") != "0");
    assert!(db.sql("SELECT count(*) FROM sales_links") != "0");
}

#[test]
fn the_cache_survives_kill_9_and_never_changes_an_answer() {
    let env = Env::with(SimOptions {
        seed: 9,
        latency: Duration::from_millis(5),
        ..SimOptions::default()
    });
    let apns = sample(9, 60);
    let input = input(&env, &apns);
    let args = ["--mode", "comprehensive", "--documents", "full"];
    for _ in 0..4 {
        let mut c = env.mps();
        c.args(["batch", "--input"])
            .arg(&input)
            .args(FAST)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut child = c.spawn().unwrap();
        std::thread::sleep(Duration::from_millis(300 + fastrand::u64(0..900)));
        child.kill().unwrap(); // SIGKILL, mid-write as likely as not
        child.wait().unwrap();
    }
    let mut c = env.mps();
    c.args(["cache", "stats"]);
    let stats = c.output().unwrap();
    assert_eq!(code(&stats), 0, "{}", stderr(&stats));
    assert!(String::from_utf8_lossy(&stats.stdout).contains("documents:"));

    let cached = run(&env, &input, &args);
    let fresh = run(&env, &input, &[&args[..], &["--no-cache"]].concat());
    for (line, rec) in &fresh {
        for block in ["sales", "documents"] {
            assert_eq!(
                cached[line][block]["data"], rec[block]["data"],
                "line {line} {block}"
            );
        }
    }
    let mut c = env.mps();
    c.args(["cache", "clear"]);
    let cleared = c.output().unwrap();
    assert_eq!(code(&cleared), 0, "{}", stderr(&cleared));
}
