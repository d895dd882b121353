//! Command-line behaviour: modes, exit codes, the token, config errors, formats, `mps sim`
//! and `mps search`.

mod common;

use common::*;
use mps::ident::Apn;
use mps::sim::County;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn sample(n: usize) -> Vec<Apn> {
    County::new(42).sample(n)
}

fn apn_file(env: &Env, apns: &[String]) -> std::path::PathBuf {
    env.file("in.csv", format!("apn\n{}\n", apns.join("\n")).as_bytes())
}

#[test]
fn an_unknown_mode_or_strategy_is_refused_with_one_clear_line() {
    let env = Env::new();
    let input = apn_file(&env, &[sample(1)[0].dashed()]);
    for args in [["--mode", "everything"], ["--strategy", "fastest"]] {
        let out = env.batch(&input, &args);
        assert_eq!(code(&out), 2, "{args:?}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(args[1]) && err.contains("expected"), "{err}");
        assert!(out.stdout.is_empty());
    }
    assert_eq!(env.assessor_requests(), 0);
}

#[test]
fn a_missing_parcel_is_not_found_and_not_retried() {
    let env = Env::new();
    let county = County::new(42);
    // Walk to a parcel number past the end of a real map: a well-formed APN that does not exist.
    let base = sample(1)[0];
    let missing = (1..999)
        .rev()
        .filter_map(|p| Apn::new(base.book, base.map, p, None))
        .find(|a| !county.exists(a))
        .expect("some missing parcel");
    let input = apn_file(&env, &[missing.dashed(), base.dashed()]);
    let out = env.batch(&input, &["--rate", "assessor=0", "--progress", "none"]);
    assert_eq!(code(&out), 0, "not_found is an answer: {}", stderr(&out));
    let recs = by_line(&records(&out));
    assert_eq!(recs[&2]["status"], "not_found");
    assert_eq!(recs[&2]["assessor"]["status"], "not_found");
    assert_eq!(recs[&2]["assessor"]["requests"], 1);
    assert_eq!(recs[&3]["status"], "ok");
    assert_eq!(env.assessor_requests(), 2);
}

#[test]
fn a_refused_token_stops_the_batch_and_never_shows_the_token() {
    let env = Env::new();
    let apns: Vec<String> = sample(30).iter().map(Apn::dashed).collect();
    let input = apn_file(&env, &apns);
    let secret = "sekrit-0123456789-token";
    let mut c = env.mps();
    c.env("MPS_ASSESSOR_TOKEN", secret)
        .args(["batch", "--input"])
        .arg(&input)
        .args([
            "--rate",
            "assessor=0",
            "--workers",
            "2",
            "--progress",
            "none",
            "-v",
        ]);
    let out = c.output().unwrap();
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains("MPS_ASSESSOR_TOKEN"), "{err}");
    assert!(!err.contains(secret) && !String::from_utf8_lossy(&out.stdout).contains(secret));
    assert!(env.assessor_requests() < 30, "the batch stopped at once");
}

#[test]
fn no_token_at_all_says_how_to_set_one() {
    let env = Env::new();
    let input = apn_file(&env, &[sample(1)[0].dashed()]);
    let mut c = env.mps();
    c.env_remove("MPS_ASSESSOR_TOKEN")
        .args(["batch", "--input"])
        .arg(&input);
    let out = c.output().unwrap();
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("MPS_ASSESSOR_TOKEN"));
    assert!(stderr(&out).contains("--sim"));
}

#[test]
fn config_errors_name_file_key_and_line() {
    let env = Env::new();
    let input = apn_file(&env, &[sample(1)[0].dashed()]);
    let cfg = env.file(
        "bad.yaml",
        b"batch_processing:\n  api_rate_limit: 2\n  max_concurent_per_job: 4\n",
    );
    let out = env.batch(&input, &["--config", cfg.to_str().unwrap()]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("bad.yaml:3") && err.contains("max_concurent_per_job"),
        "{err}"
    );

    let cfg = env.file("bad2.yaml", b"sources:\n  assessor:\n    rate: fast\n");
    let out = env.batch(&input, &["--config", cfg.to_str().unwrap()]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("bad2.yaml:3"), "{}", stderr(&out));
}

#[test]
fn the_shipped_config_file_is_valid() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/config.yaml");
    let cfg = mps::config::file::load(&path).expect("config/config.yaml parses");
    let defaults = mps::config::Config::default();
    assert_eq!(
        cfg.batch_processing.api_rate_limit,
        defaults.batch_processing.api_rate_limit
    );
    assert_eq!(
        cfg.batch_processing.max_concurrent_per_job,
        defaults.batch_processing.max_concurrent_per_job
    );
}

#[test]
fn environment_overrides_config_and_flags_override_environment() {
    let env = Env::new();
    let input = apn_file(&env, &[sample(1)[0].dashed()]);
    let cfg = env.file(
        "c.yaml",
        b"batch_processing:\n  max_concurrent_per_job: 3\n",
    );
    let mut c = env.mps();
    c.env("MPS_WORKERS", "5")
        .args([
            "batch",
            "-v",
            "--progress",
            "none",
            "--config",
            cfg.to_str().unwrap(),
            "--input",
        ])
        .arg(&input);
    let out = c.output().unwrap();
    assert!(stderr(&out).contains("5 workers"), "{}", stderr(&out));
    let mut c = env.mps();
    c.env("MPS_WORKERS", "5")
        .args([
            "batch",
            "-v",
            "--progress",
            "none",
            "--workers",
            "7",
            "--config",
            cfg.to_str().unwrap(),
            "--input",
        ])
        .arg(&input);
    let out = c.output().unwrap();
    assert!(stderr(&out).contains("7 workers"), "{}", stderr(&out));
    let mut c = env.mps();
    c.env("MPS_WORKERS", "lots")
        .args(["batch", "--input"])
        .arg(&input);
    let out = c.output().unwrap();
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("MPS_WORKERS"));
}

#[test]
fn csv_output_has_fixed_columns_and_neutralised_cells() {
    let env = Env::new();
    let a = sample(2);
    let input = env.file(
        "in.csv",
        format!(
            "apn\n{}\n=HYPERLINK(\"http://x\")\n{}\n",
            a[0].dashed(),
            a[1].compact()
        )
        .as_bytes(),
    );
    let out = env.batch(
        &input,
        &[
            "--format",
            "csv",
            "--rate",
            "assessor=0",
            "--progress",
            "none",
        ],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let mut rdr = csv::Reader::from_reader(out.stdout.as_slice());
    let headers = rdr.headers().unwrap().clone();
    assert_eq!(&headers[0], "line");
    assert!(headers.iter().any(|h| h == "owner_name"));
    assert!(headers.iter().any(|h| h == "latest_full_cash_value"));
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r.len() == headers.len()));
    let bad = rows.iter().find(|r| &r[0] == "3").unwrap();
    let input_col = headers.iter().position(|h| h == "input").unwrap();
    assert!(bad[input_col].starts_with("'="), "{:?}", &bad[input_col]);
}

#[test]
fn json_output_is_one_valid_array() {
    let env = Env::new();
    let a = sample(3);
    let apns: Vec<String> = a.iter().map(Apn::dashed).collect();
    let input = apn_file(&env, &apns);
    let out = env.batch(
        &input,
        &[
            "--format",
            "json",
            "--rate",
            "assessor=0",
            "--progress",
            "none",
        ],
    );
    assert_eq!(code(&out), 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(v.as_array().unwrap().len(), 3);
    let empty = env.file("h.csv", b"apn\n");
    let out = env.batch(&empty, &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(v, serde_json::json!([]));
}

#[test]
fn output_file_and_summary_json() {
    let env = Env::new();
    let apns: Vec<String> = sample(5).iter().map(Apn::dashed).collect();
    let input = apn_file(&env, &apns);
    let out_path = env.path("out.jsonl");
    let sum_path = env.path("summary.json");
    let out = env.batch(
        &input,
        &[
            "--output",
            out_path.to_str().unwrap(),
            "--summary-json",
            sum_path.to_str().unwrap(),
            "--rate",
            "assessor=0",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "data goes to --output only");
    assert_eq!(
        std::fs::read_to_string(&out_path).unwrap().lines().count(),
        5
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sum_path).unwrap()).unwrap();
    assert_eq!(summary["rows"], 5);
    assert_eq!(summary["by_status"]["ok"], 5);
    assert_eq!(summary["hosts"]["assessor"]["requests"], 5);
    assert_eq!(summary["exit_code"], 0);
    let err = stderr(&out);
    assert!(
        err.contains("5 rows") && err.contains("assessor: 5 requests"),
        "{err}"
    );
}

#[test]
fn validate_and_search_modes_resolve_owner_and_address() {
    let env = Env::new();
    let county = County::new(42);
    let apn = sample(40)[35];
    let truth = county.parcel(&apn).unwrap();
    let owner = truth.owner.ownership.split('/').next().unwrap().to_string();
    let address = format!(
        "{}, {}, AZ {}",
        truth.situs_street, truth.situs_city, truth.situs_zip
    );
    let text = format!(
        "value,search_type\n{},apn\n\"{}\",address\n\"{}\",owner\n",
        apn.compact(),
        address,
        owner
    );
    let input = env.file("in.csv", text.as_bytes());
    let out = env.batch(
        &input,
        &[
            "--mode",
            "search",
            "--rate",
            "assessor=0",
            "--progress",
            "none",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let recs = by_line(&records(&out));
    let got = |line: u64| -> Vec<String> {
        recs[&line]["apns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(got(2), vec![apn.dashed()]);
    let mut want_addr: Vec<String> = county
        .address_truth(&mps::ident::address::normalize_address(&address).unwrap())
        .iter()
        .map(Apn::dashed)
        .collect();
    want_addr.sort();
    let mut got_addr = got(3);
    got_addr.sort();
    assert_eq!(got_addr, want_addr);
    assert!(got_addr.contains(&apn.dashed()));
    let owner_norm = mps::ident::owner::normalize_owner(&owner).unwrap();
    let mut want_owner: Vec<String> = county
        .owner_truth(&owner_norm)
        .iter()
        .map(Apn::dashed)
        .collect();
    want_owner.sort();
    let mut got_owner = got(4);
    got_owner.sort();
    assert_eq!(
        got_owner, want_owner,
        "every matching parcel, over every page"
    );
    assert!(got_owner.contains(&apn.dashed()));

    let out = env.batch(
        &input,
        &[
            "--mode",
            "validate",
            "--rate",
            "assessor=0",
            "--progress",
            "none",
        ],
    );
    let recs = by_line(&records(&out));
    assert_eq!(recs[&2]["assessor"]["data"]["valid"], true);
    assert_eq!(recs[&2]["assessor"]["data"]["parcel_count"], 1);
    assert_eq!(
        recs[&4]["assessor"]["data"]["parcel_count"]
            .as_u64()
            .unwrap() as usize,
        want_owner.len()
    );
}

#[test]
fn mps_search_prints_one_pretty_record() {
    let env = Env::new();
    let apn = sample(1)[0];
    let mut c = env.mps();
    c.args(["search", &apn.compact().to_lowercase()]);
    let out = c.output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().count() > 20, "pretty-printed");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["apn"], apn.dashed());
    assert_eq!(v["assessor"]["data"]["parcels"][0]["apn"], apn.dashed());
}

#[test]
fn mps_sim_sample_and_exports() {
    let out = Command::new(BIN)
        .args(["sim", "--sample", "5", "--seed", "9"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0);
    let lines: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(lines.len(), 5);
    let county = County::new(9);
    for l in &lines {
        assert!(county.exists(&Apn::parse(l).unwrap()), "{l}");
    }
    let again = Command::new(BIN)
        .args(["sim", "--sample", "5", "--seed", "9"])
        .output()
        .unwrap();
    assert_eq!(
        again.stdout,
        lines
            .join("\n")
            .into_bytes()
            .into_iter()
            .chain(*b"\n")
            .collect::<Vec<_>>()
    );

    let mut child = Command::new(BIN)
        .args(["sim", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        first.starts_with("export MPS_ASSESSOR_URL=http://127.0.0.1:"),
        "{first}"
    );
}

#[test]
fn batch_with_builtin_sim_needs_no_environment() {
    let env = Env::new();
    let apns: Vec<String> = County::new(42).sample(3).iter().map(Apn::compact).collect();
    let input = apn_file(&env, &apns);
    let mut c = Command::new(BIN);
    c.env_clear()
        .env("XDG_STATE_HOME", env.path("state"))
        .current_dir(env.dir.path())
        .args([
            "batch",
            "--sim",
            "--progress",
            "none",
            "--rate",
            "assessor=0",
            "--input",
        ])
        .arg(&input);
    let out = c.output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(records(&out).len(), 3);
}

#[test]
fn max_errors_stops_early_with_exit_3() {
    let env = Env::with(mps::sim::SimOptions {
        error_rate: std::collections::BTreeMap::from([(mps_model::Service::Assessor, 1.0)]),
        ..mps::sim::SimOptions::default()
    });
    let apns: Vec<String> = sample(40).iter().map(Apn::dashed).collect();
    let input = apn_file(&env, &apns);
    let cfg = env.file("c.yaml", b"http:\n  max_attempts: 1\n");
    let out = env.batch(
        &input,
        &[
            "--max-errors",
            "3",
            "--workers",
            "1",
            "--rate",
            "assessor=0",
            "--progress",
            "none",
            "--config",
            cfg.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let recs = records(&out);
    assert!(
        recs.len() >= 3 && recs.len() < 40,
        "stopped early after {} rows",
        recs.len()
    );
    assert!(recs.iter().all(|r| r["status"] == "failed"));
    assert!(stderr(&out).contains("--max-errors"), "{}", stderr(&out));
}

#[test]
fn a_progress_bar_is_drawn_only_on_a_terminal() {
    let env = Env::new();
    let apns: Vec<String> = sample(5).iter().map(Apn::dashed).collect();
    let input = apn_file(&env, &apns);
    // Not a terminal: no bar, only the summary.
    let out = env.batch(&input, &["--rate", "assessor=0"]);
    assert!(!stderr(&out).contains("rows ["), "{}", stderr(&out));
    // Under a pseudo-terminal (script(1)): the bar is drawn on stderr.
    let cmd = format!(
        "{BIN} batch --input {} --rate assessor=0 --output {}",
        input.display(),
        env.path("o.jsonl").display()
    );
    let mut s = Command::new("script");
    s.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TERM", "xterm")
        .env(
            "MPS_ASSESSOR_URL",
            env.sim.url(mps_model::Service::Assessor),
        )
        .env("MPS_ASSESSOR_TOKEN", env.sim.token())
        .env("XDG_STATE_HOME", env.path("state"))
        .args(["-qec", &cmd, "/dev/null"]);
    let out = s.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("rows"), "bar on a terminal: {text}");
    assert!(text.contains("5/5") || text.contains("ok 5"), "{text}");
}

/// Runs `mps` with `args` and nothing from the caller's environment but PATH.
fn bare(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run mps")
}

#[test]
fn completions_are_printed_for_bash_zsh_and_fish() {
    let out = bare(&["completions", "bash"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let bash = String::from_utf8_lossy(&out.stdout);
    assert!(bash.contains("batch") && bash.contains("--mode"), "{bash}");
    for shell in ["zsh", "fish"] {
        let out = bare(&["completions", shell]);
        assert_eq!(code(&out), 0, "{shell}: {}", stderr(&out));
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(!script.trim().is_empty(), "{shell}");
        assert!(script.contains("mps"), "{shell}: {script}");
    }
    let out = bare(&["completions", "tcsh"]);
    assert_eq!(code(&out), 2, "an unknown shell is a usage error");
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("tcsh"), "{}", stderr(&out));
}

#[test]
fn man_prints_a_roff_page_of_mps_and_of_a_subcommand() {
    let out = bare(&["man"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let page = String::from_utf8_lossy(&out.stdout);
    // roff's apostrophe preamble (`.ie`/`.el`, no output) comes first; then the title.
    let first = page
        .lines()
        .find(|l| !l.starts_with(".ie ") && !l.starts_with(".el "))
        .unwrap_or_default();
    assert!(first.starts_with(".TH mps 1"), "{page}");
    assert!(page.contains("batch"), "{page}");

    let out = bare(&["man", "batch"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.contains("\n.TH mps-batch 1 "), "{page}");
    assert!(page.contains("mode"), "{page}");

    let out = bare(&["man", "frobnicate"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("frobnicate"), "{}", stderr(&out));
}

#[test]
fn version_names_the_commit_it_was_built_from() {
    let out = bare(&["--version"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let version = String::from_utf8_lossy(&out.stdout);
    assert!(version.starts_with("mps 0."), "{version}");
    assert!(version.contains("(commit "), "{version}");
    assert!(version.contains("includes: postgres"), "{version}");
    // Built from this checkout: the same short hash git gives now (when git is here at all).
    let head = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    if let Some(head) = head.ok().filter(|o| o.status.success()) {
        let hash = String::from_utf8_lossy(&head.stdout).trim().to_string();
        assert!(
            version.contains(&format!("(commit {hash}, ")),
            "{version} vs {hash}"
        );
    }
}

/// The example command lines of a help text: the lines under "Examples:" up to a blank line,
/// without their trailing `(explanation)`.
fn examples(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Examples"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| l.split("  (").next().unwrap_or(l).trim().to_string())
        .collect()
}

#[test]
fn help_ends_with_examples_that_parse_with_todays_flags() {
    for args in [&["--help"][..], &["batch", "--help"]] {
        let out = bare(args);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let help = String::from_utf8_lossy(&out.stdout);
        let examples = examples(&help);
        assert!(examples.len() >= 4, "{args:?}: {help}");
        for example in examples {
            // Each command of a pipeline is an mps command line of its own.
            for command in example.split(" | ") {
                let words: Vec<&str> = command.split_whitespace().collect();
                assert_eq!(words.first(), Some(&"mps"), "{example}");
                let parsed = <mps::cli::Cli as clap::Parser>::try_parse_from(&words);
                assert!(parsed.is_ok(), "{example}: {:?}", parsed.err());
            }
        }
    }
}

/// Runs a finished batch of `good` real APNs and one invalid row into `out.jsonl`; returns
/// the job id.
fn small_job(env: &Env, good: usize) -> String {
    let mut apns: Vec<String> = sample(good).iter().map(Apn::dashed).collect();
    apns.push("not-an-apn".to_string());
    let input = apn_file(env, &apns);
    let out = env.batch(
        &input,
        &[
            "--rate",
            "assessor=0",
            "--progress",
            "none",
            "-o",
            "out.jsonl",
        ],
    );
    assert_eq!(code(&out), 1, "the invalid row: {}", stderr(&out));
    let err = stderr(&out);
    let start = err.find("mps: job ").expect("job id") + "mps: job ".len();
    err[start..]
        .split_whitespace()
        .next()
        .expect("id")
        .to_string()
}

#[test]
fn jobs_list_is_a_table_with_each_jobs_counts_and_json_on_request() {
    let env = Env::new();
    let id = small_job(&env, 3);
    let out = env.mps().args(["jobs", "list"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        header,
        [
            "ID", "STARTED", "(UTC)", "MODE", "ROWS", "OK", "FAILED", "INVALID", "STATUS", "INPUT",
            "OUTPUT"
        ],
        "{text}"
    );
    let row = lines
        .iter()
        .find(|l| l.starts_with(&id))
        .expect("the job's row");
    let cells: Vec<&str> = row.split_whitespace().collect();
    // id, date, time, mode, rows, ok, failed, invalid, status, input, output
    assert_eq!(
        cells[3..9],
        ["property", "4", "3", "0", "1", "completed"],
        "{row}"
    );
    assert!(cells[10].ends_with("out.jsonl"), "{row}");
    // Columns line up: every value starts where its header does.
    let at = |line: &str, word: &str| line.find(word).expect("in line");
    assert_eq!(at(lines[0], "STATUS"), at(row, "completed"), "{text}");
    assert_eq!(at(lines[0], "MODE"), at(row, "property"), "{text}");

    let out = env.mps().args(["jobs", "list", "--json"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON array");
    let job = v
        .as_array()
        .and_then(|a| a.iter().find(|j| j["id"] == id.as_str()))
        .expect("the job in the array");
    assert_eq!(job["status"], "completed", "{job}");
    assert_eq!(job["rows_by_status"]["invalid"], 1, "{job}");
    assert_eq!(job["rows_by_status"]["ok"], 3, "{job}");
}

#[test]
fn jobs_show_is_for_people_and_json_on_request() {
    let env = Env::new();
    let id = small_job(&env, 2);
    let out = env.mps().args(["jobs", "show", &id]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let value = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}:")))
            .map(str::trim)
            .unwrap_or_else(|| panic!("{key}: in {text}"))
    };
    assert_eq!(value("id"), id);
    assert_eq!(value("status"), "completed");
    assert_eq!(value("mode"), "property");
    assert_eq!(
        (value("ok"), value("invalid"), value("failed")),
        ("2", "1", "0")
    );
    assert!(value("output").ends_with("out.jsonl"), "{text}");
    assert!(!text.contains("resume:"), "a completed job: {text}");
    // Values line up after their keys.
    let column = |key: &str| {
        let line = text
            .lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_default();
        line.len() - line[key.len()..].trim_start().len()
    };
    assert_eq!(column("id:"), column("interrupted:"), "{text}");

    let out = env
        .mps()
        .args(["jobs", "show", &id, "--json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["id"], id.as_str());
    assert_eq!(v["rows_by_status"]["invalid"], 1, "{v}");
}
