//! The browser path for real: Chromium reads the Treasurer's JavaScript page, a crashed
//! Chromium costs a retry and never a row, no Chromium outlives a batch, and without
//! Chromium the page work fails with one clear message while HTTP work completes.

mod common;

use chrono::NaiveDate;
use common::*;
use mps::ident::Apn;
use mps::sim::{County, SimOptions};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 29).expect("date")
}

fn env(retired: bool) -> Env {
    Env::with(SimOptions {
        seed: 5,
        as_of: Some(as_of()),
        treasurer_legacy_retired: retired,
        ..SimOptions::default()
    })
}

fn input(env: &Env, n: usize) -> (Vec<Apn>, std::path::PathBuf) {
    let apns = County::new(5).sample(n);
    let text = format!(
        "apn\n{}\n",
        apns.iter().map(Apn::dashed).collect::<Vec<_>>().join("\n")
    );
    (apns, env.file("in.csv", text.as_bytes()))
}

const RATES: [&str; 12] = [
    "--rate",
    "assessor=0",
    "--rate",
    "treasurer=0",
    "--rate",
    "recorder=0",
    "--concurrency",
    "treasurer=4",
    "--progress",
    "none",
    "--workers",
    "4",
];

#[test]
fn scraping_only_reads_the_current_tax_page_in_chromium() {
    let env = env(false);
    let county = County::new(5);
    let (apns, inp) = input(&env, 8);
    let sum = env.path("s.json");
    let mut args = vec![
        "--mode",
        "tax",
        "--strategy",
        "scraping-only",
        "--browsers",
        "2",
    ];
    args.extend(RATES);
    args.extend(["--summary-json", sum.to_str().unwrap()]);
    let out = env.batch(&inp, &args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let recs = by_line(&records(&out));
    for (i, apn) in apns.iter().enumerate() {
        let rec = &recs[&(i as u64 + 2)];
        assert_eq!(rec["tax"]["status"], "ok", "{rec}");
        assert_eq!(rec["tax"]["data"]["parcels"][0]["page"], "current");
        assert_tax_years(&county, apn, &rec["tax"]);
    }
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sum).unwrap()).unwrap();
    assert!(s["browsers"]["pages"].as_u64().unwrap() >= 8, "{s}");
}

fn assert_tax_years(county: &County, apn: &Apn, tax: &serde_json::Value) {
    let truth = county.tax_truth(apn, as_of()).expect("truth");
    let years = tax["data"]["parcels"][0]["years"].as_array().unwrap();
    assert_eq!(years.len(), truth.years.len(), "{apn}");
    for (g, t) in years.iter().zip(&truth.years) {
        assert_eq!(g["tax_year"].as_u64(), Some(u64::from(t.tax_year)));
        assert!((g["billed"].as_f64().unwrap() - t.billed).abs() < 0.005);
        assert!(
            (g["due"].as_f64().unwrap() - t.due).abs() < 0.005,
            "{apn} {}",
            t.tax_year
        );
        assert_eq!(g["status"], serde_json::to_value(t.status).unwrap());
        assert_eq!(g["payments"].as_array().unwrap().len(), t.payments.len());
    }
}

#[test]
fn retired_legacy_pages_switch_intelligent_to_the_browser() {
    let env = env(true);
    let county = County::new(5);
    let (apns, inp) = input(&env, 5);
    let mut args = vec!["--mode", "tax", "--browsers", "1"];
    args.extend(RATES);
    let out = env.batch(&inp, &args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let recs = by_line(&records(&out));
    for (i, apn) in apns.iter().enumerate() {
        let rec = &recs[&(i as u64 + 2)];
        assert_eq!(rec["tax"]["data"]["parcels"][0]["page"], "current", "{rec}");
        assert_tax_years(&county, apn, &rec["tax"]);
    }
    // api-only may not use a browser: the tax block fails and says why.
    let mut args = vec!["--mode", "tax", "--strategy", "api-only"];
    args.extend(RATES);
    let out = env.batch(&inp, &args);
    assert_eq!(code(&out), 1);
    let recs = records(&out);
    assert!(recs.iter().all(|r| r["tax"]["status"] == "failed"));
    assert!(recs[0]["tax"]["error"]
        .as_str()
        .unwrap()
        .contains("browser"));
}

#[test]
fn a_killed_chromium_costs_a_retry_not_a_row_and_none_is_left() {
    let env = env(false);
    let (_, inp) = input(&env, 24);
    let mut c = env.mps();
    c.args(["batch", "--input"])
        .arg(&inp)
        .args([
            "--mode",
            "tax",
            "--strategy",
            "scraping-only",
            "--browsers",
            "1",
        ])
        .args(RATES)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = c.spawn().unwrap();
    let pid = child.id();
    // Wait for the browser, let it serve a few pages, then kill its main process.
    let start = Instant::now();
    let mut killed = false;
    while start.elapsed() < Duration::from_secs(60) && !killed {
        let procs = chromiums_of(pid);
        if procs.len() >= 3 {
            std::thread::sleep(Duration::from_millis(1500));
            if let Some(main) = chromiums_of(pid).into_iter().min() {
                let _ = Command::new("kill")
                    .args(["-9", &main.to_string()])
                    .status();
                killed = true;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(killed, "a Chromium was started and killed");
    let out = child.wait_with_output().unwrap();
    let recs = records(&out);
    let first_error = recs
        .iter()
        .find_map(|r| r["tax"]["error"].as_str().map(str::to_string));
    assert_eq!(
        code(&out),
        0,
        "{} first error: {first_error:?}",
        stderr(&out)
    );
    assert_eq!(recs.len(), 24, "every row");
    assert!(recs.iter().all(|r| r["tax"]["status"] == "ok"));
    assert!(stderr(&out).contains("crashes") || stderr(&out).contains("launches"));
    assert!(
        chromiums_of(pid).is_empty(),
        "no Chromium left after the batch"
    );
}

#[test]
fn without_chromium_page_work_fails_clearly_and_http_work_completes() {
    let env = env(true);
    let (_, inp) = input(&env, 3);
    let mut c = env.mps();
    c.env("MPS_CHROMIUM", "/nonexistent/chromium")
        .args(["batch", "--input"])
        .arg(&inp)
        .args(["--mode", "comprehensive"])
        .args(RATES);
    let out = c.output().unwrap();
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let recs = records(&out);
    assert_eq!(recs.len(), 3);
    for r in &recs {
        assert_eq!(r["assessor"]["status"], "ok");
        assert_eq!(r["sales"]["status"], "ok");
        assert_eq!(r["documents"]["status"], "ok");
        assert_eq!(r["tax"]["status"], "failed");
        assert!(
            r["tax"]["error"]
                .as_str()
                .unwrap()
                .contains("apt-get install chromium"),
            "{r}"
        );
    }
}
