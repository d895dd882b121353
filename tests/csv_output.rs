//! `--format csv` carries every mode's data: the same batch written as JSON Lines and as CSV
//! (plus `--csv-tables`) agrees field by field, in every mode, through the real binary.

mod common;

use common::{code, stderr, Env};
use mps::sim::County;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

const FAST: &[&str] = &[
    "--rate",
    "assessor=200",
    "--rate",
    "treasurer=200",
    "--rate",
    "recorder=400",
    "--workers",
    "8",
    "--progress",
    "none",
    // Each run fetches everything itself (a cache hit leaves a block's url empty).
    "--no-cache",
];

/// The text a JSON value has in a CSV cell.
fn text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// A list of strings as the CSV writes it: `A; B`.
fn list(v: Option<&Value>) -> String {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|x| text(Some(x)))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default()
}

type Row = BTreeMap<String, String>;

fn read_csv(path: &Path) -> Vec<Row> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = r.headers().expect("header").clone();
    r.records()
        .map(|rec| {
            let rec = rec.expect("csv row");
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn read_jsonl(path: &Path) -> BTreeMap<String, Value> {
    std::fs::read_to_string(path)
        .expect("jsonl output")
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("json line");
            (v["line"].to_string(), v)
        })
        .collect()
}

/// The parcel entry of `source` with `apn` in a record.
fn parcel<'a>(rec: &'a Value, source: &str, apn: &str) -> Option<&'a Value> {
    rec.pointer(&format!("/{source}/data/parcels"))
        .and_then(Value::as_array)?
        .iter()
        .find(|p| p["apn"] == apn)
}

fn apns_of(rec: &Value, sources: &[&str]) -> Vec<String> {
    let mut apns: Vec<String> = Vec::new();
    for s in sources {
        for p in rec
            .pointer(&format!("/{s}/data/parcels"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let a = text(p.get("apn"));
            if !apns.contains(&a) {
                apns.push(a);
            }
        }
    }
    apns
}

fn sources_of(mode: &str) -> &'static [&'static str] {
    match mode {
        "tax" => &["tax"],
        "sales" => &["assessor", "sales"],
        "documents" => &["assessor", "documents"],
        "comprehensive" => &["assessor", "tax", "sales", "documents"],
        _ => &["assessor"],
    }
}

/// Every cell of one main-CSV line against its record and parcel.
fn check_line(mode: &str, row: &Row, rec: &Value, apn: &str) {
    let at = |col: &str| {
        row.get(col)
            .unwrap_or_else(|| panic!("{mode}: no column {col}"))
    };
    let eq = |col: &str, want: String| {
        assert_eq!(at(col), &want, "{mode}, line {}, column {col}", rec["line"]);
    };
    for f in [
        "line",
        "input",
        "normalized",
        "priority",
        "mode",
        "status",
        "error",
    ] {
        eq(f, text(rec.get(f)));
    }
    for s in sources_of(mode) {
        for f in ["status", "url", "error"] {
            eq(&format!("{s}_{f}"), text(rec.pointer(&format!("/{s}/{f}"))));
        }
    }
    eq("apn", apn.to_string());
    let sources = sources_of(mode);
    if sources.contains(&"assessor") {
        let p = parcel(rec, "assessor", apn);
        let get = |ptr: &str| text(p.and_then(|p| p.pointer(ptr)));
        eq("owner_name", get("/owner/name"));
        eq("situs_city", get("/situs/city"));
        eq("lot_size_sqft", get("/lot_size_sqft"));
        eq("sale_price", get("/owner/sale_price"));
        eq("livable_sqft", get("/residential/livable_sqft"));
        eq(
            "latest_full_cash_value",
            get("/valuations/0/full_cash_value"),
        );
        let valuations = p
            .and_then(|p| p.get("valuations"))
            .map(std::string::ToString::to_string);
        eq("valuations", valuations.unwrap_or_default());
    }
    if sources.contains(&"tax") {
        let p = parcel(rec, "tax", apn);
        let get = |ptr: &str| text(p.and_then(|p| p.pointer(ptr)));
        eq("tax_total_due", get("/total_due"));
        eq("tax_delinquent", get("/delinquent"));
        let years = p.and_then(|p| p["years"].as_array()).map_or(0, Vec::len);
        eq(
            "tax_year_count",
            if p.is_some() {
                years.to_string()
            } else {
                String::new()
            },
        );
        for i in 0..6 {
            for (suffix, f) in [
                ("year", "tax_year"),
                ("billed", "billed"),
                ("paid", "paid"),
                ("due", "due"),
                ("status", "status"),
                ("lien", "lien"),
            ] {
                eq(
                    &format!("tax{}_{suffix}", i + 1),
                    get(&format!("/years/{i}/{f}")),
                );
            }
        }
    }
    if sources.contains(&"sales") {
        let p = parcel(rec, "sales", apn);
        let get = |ptr: &str| text(p.and_then(|p| p.pointer(ptr)));
        for f in [
            "recording_number",
            "recording_date",
            "sale_price",
            "found_by",
            "match_confidence",
            "match_reason",
        ] {
            eq(&format!("last_deed_{f}"), get(&format!("/last_deed/{f}")));
        }
        eq(
            "last_deed_names",
            list(p.and_then(|p| p.pointer("/last_deed/names"))),
        );
        eq(
            "last_deed_document_codes",
            list(p.and_then(|p| p.pointer("/last_deed/document_codes"))),
        );
        let history = p
            .and_then(|p| p["history"].as_array())
            .map(|h| h.len().to_string());
        eq("sales_history_count", history.unwrap_or_default());
    }
    if sources.contains(&"documents") {
        let p = parcel(rec, "documents", apn);
        let get = |ptr: &str| text(p.and_then(|p| p.pointer(ptr)));
        eq("documents_truncated", get("/truncated"));
        eq("documents_since", get("/since"));
        eq(
            "documents_owners_searched",
            list(p.and_then(|p| p.get("owners_searched"))),
        );
        let n = p
            .and_then(|p| p["documents"].as_array())
            .map(|d| d.len().to_string());
        eq("document_count", n.unwrap_or_default());
    }
}

/// The rows a table should hold for one parcel entry, as (column, value) pairs.
fn expected_table_rows(table: &str, p: &Value) -> Vec<Vec<(String, String)>> {
    let pairs = |item: &Value, cols: &[&str]| -> Vec<(String, String)> {
        cols.iter()
            .map(|c| {
                let v = item.get(*c);
                let s = if ["names", "document_codes", "matched_names"].contains(c) {
                    list(v)
                } else {
                    text(v)
                };
                (c.to_string(), s)
            })
            .collect()
    };
    let arr = |k: &str| p[k].as_array().cloned().unwrap_or_default();
    match table {
        "tax_bills" => arr("years")
            .iter()
            .map(|y| pairs(y, &["tax_year", "billed", "paid", "due", "status", "lien"]))
            .collect(),
        "tax_payments" => arr("years")
            .iter()
            .flat_map(|y| {
                y["payments"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .enumerate()
                    .map(|(i, pay)| {
                        let mut r = pairs(&pay, &["tax_year", "date", "amount", "description"]);
                        r.push(("seq".into(), i.to_string()));
                        r
                    })
            })
            .collect(),
        "valuations" => arr("valuations")
            .iter()
            .map(|v| {
                pairs(
                    v,
                    &[
                        "tax_year",
                        "full_cash_value",
                        "limited_property_value",
                        "legal_class_code",
                        "assessed_lpv",
                        "notice_of_change",
                    ],
                )
            })
            .collect(),
        "sales" => {
            let cols = [
                "recording_number",
                "recording_date",
                "sale_price",
                "found_by",
                "match_confidence",
                "match_reason",
                "names",
                "document_codes",
            ];
            let mut rows = Vec::new();
            if !p["last_deed"].is_null() {
                let mut r = pairs(&p["last_deed"], &cols);
                r.push(("role".into(), "last_deed".into()));
                rows.push(r);
            }
            for h in arr("history") {
                let mut r = pairs(&h, &cols);
                r.push(("role".into(), "history".into()));
                rows.push(r);
            }
            rows
        }
        _ => arr("documents")
            .iter()
            .map(|d| {
                pairs(
                    d,
                    &[
                        "recording_number",
                        "recording_date",
                        "document_codes",
                        "more_codes",
                        "names",
                        "page_count",
                        "restricted",
                        "matched_names",
                    ],
                )
            })
            .collect(),
    }
}

fn table_source(table: &str) -> &'static str {
    match table {
        "tax_bills" | "tax_payments" => "tax",
        "valuations" => "assessor",
        "sales" => "sales",
        _ => "documents",
    }
}

fn run_both(
    env: &Env,
    input: &Path,
    mode: &str,
) -> (BTreeMap<String, Value>, Vec<Row>, std::path::PathBuf) {
    let jsonl = env.path(&format!("{mode}.jsonl"));
    let csv = env.path(&format!("{mode}.csv"));
    let tables = env.path(&format!("{mode}-tables"));
    let mut args = vec!["--mode", mode, "-o", jsonl.to_str().expect("utf-8")];
    args.extend_from_slice(FAST);
    let out = env.batch(input, &args);
    assert!(code(&out) <= 1, "{mode} jsonl: {}", stderr(&out));
    let mut args = vec![
        "--mode",
        mode,
        "--format",
        "csv",
        "-o",
        csv.to_str().expect("utf-8"),
    ];
    if !matches!(mode, "search" | "validate") {
        args.extend_from_slice(&["--csv-tables", tables.to_str().expect("utf-8")]);
    }
    args.extend_from_slice(FAST);
    let out = env.batch(input, &args);
    assert!(code(&out) <= 1, "{mode} csv: {}", stderr(&out));
    (read_jsonl(&jsonl), read_csv(&csv), tables)
}

#[test]
fn csv_equals_jsonl_field_by_field_in_every_mode() {
    let env = Env::new();
    let mut input = String::from("apn\n");
    for apn in County::new(42).sample(6) {
        input.push_str(&apn.dashed());
        input.push('\n');
    }
    input.push_str("999-99-999\n");
    let input = env.file("in.csv", input.as_bytes());

    for mode in ["property", "tax", "sales", "documents", "comprehensive"] {
        let (records, rows, tables) = run_both(&env, &input, mode);
        assert_eq!(records.len(), 7, "{mode}: one record per input row");
        // One CSV line per parcel of each record (or one for a record with none), in order.
        let mut expected_lines = Vec::new();
        for (line, rec) in &records {
            let apns = apns_of(rec, sources_of(mode));
            if apns.is_empty() {
                expected_lines.push((line.clone(), String::new()));
            }
            expected_lines.extend(apns.into_iter().map(|a| (line.clone(), a)));
        }
        let got: Vec<(String, String)> = rows
            .iter()
            .map(|r| (r["line"].clone(), r["apn"].clone()))
            .collect();
        let mut sorted = got.clone();
        sorted.sort_by_key(|(l, _)| l.parse::<u64>().unwrap_or(0));
        assert_eq!(sorted, expected_lines, "{mode}: lines and parcels");
        let mut ok_with_data = 0;
        for row in &rows {
            let rec = &records[&row["line"]];
            check_line(mode, row, rec, &row["apn"]);
            if row["status"] == "ok" {
                ok_with_data += 1;
            }
        }
        assert!(
            ok_with_data >= 5,
            "{mode}: most rows are ok ({ok_with_data})"
        );

        // The tables hold every repeated part, keyed by line and APN.
        for table in [
            "valuations",
            "tax_bills",
            "tax_payments",
            "sales",
            "documents",
        ] {
            let source = table_source(table);
            let path = tables.join(format!("{table}.csv"));
            if !sources_of(mode).contains(&source) {
                assert!(
                    !path.exists(),
                    "{mode}: {table} is not a table of this mode"
                );
                continue;
            }
            let got = read_csv(&path);
            let mut want_total = 0;
            for (line, rec) in &records {
                for apn in apns_of(rec, &[source]) {
                    let p = parcel(rec, source, &apn).expect("parcel");
                    let want = expected_table_rows(table, p);
                    let have: Vec<&Row> = got
                        .iter()
                        .filter(|r| &r["line"] == line && r["apn"] == apn)
                        .collect();
                    assert_eq!(
                        have.len(),
                        want.len(),
                        "{mode}/{table}: line {line} apn {apn}"
                    );
                    for (h, w) in have.iter().zip(&want) {
                        assert_eq!(h["input"], text(rec.get("input")));
                        for (col, value) in w {
                            assert_eq!(&h[col], value, "{mode}/{table}: line {line}, {col}");
                        }
                    }
                    want_total += want.len();
                }
            }
            assert_eq!(
                got.len(),
                want_total,
                "{mode}/{table}: no row beyond the records'"
            );
            assert!(
                want_total > 0,
                "{mode}/{table}: the sample has rows to compare"
            );
        }
    }
}

#[test]
fn search_and_validate_csv_carry_their_records() {
    let env = Env::new();
    let apns = County::new(42).sample(3);
    let mut input = String::from("apn\n");
    for apn in &apns {
        input.push_str(&apn.dashed());
        input.push('\n');
    }
    let input = env.file("in.csv", input.as_bytes());
    for mode in ["search", "validate"] {
        let (records, rows, _) = run_both(&env, &input, mode);
        assert_eq!(records.len(), 3);
        for row in &rows {
            let rec = &records[&row["line"]];
            assert_eq!(row["status"], text(rec.get("status")));
            assert_eq!(
                row["assessor_status"],
                text(rec.pointer("/assessor/status"))
            );
            if mode == "validate" {
                assert_eq!(row["valid"], text(rec.pointer("/assessor/data/valid")));
                assert_eq!(row["apn"], text(rec.get("apn")));
            } else {
                let matches = rec
                    .pointer("/assessor/data/matches")
                    .and_then(Value::as_array)
                    .expect("matches");
                assert!(matches
                    .iter()
                    .any(|m| text(m.get("apn")) == row["apn"]
                        && text(m.get("owner")) == row["owner"]));
            }
        }
    }
    // Tables have nothing to add there, and say so before any job exists.
    let out = env.batch(
        &input,
        &[
            "--mode",
            "search",
            "--csv-tables",
            "t",
            "--progress",
            "none",
        ],
    );
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("--csv-tables"), "{}", stderr(&out));
}

#[test]
fn a_resumed_job_keeps_one_set_of_table_rows_per_line() {
    let env = Env::new();
    let mut input = String::from("apn\n");
    for apn in County::new(42).sample(40) {
        input.push_str(&apn.dashed());
        input.push('\n');
    }
    let input = env.file("in.csv", input.as_bytes());
    let out_path = env.path("out.csv");
    let tables = env.path("tables");
    let mut child = env
        .mps()
        .args([
            "batch",
            "--mode",
            "tax",
            "--format",
            "csv",
            "--progress",
            "none",
            "--rate",
            "treasurer=20",
            "--input",
        ])
        .arg(&input)
        .arg("-o")
        .arg(&out_path)
        .arg("--csv-tables")
        .arg(&tables)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let job = common::wait_for_job(&mut child);
    // Killed once a few rows are done, so the resume has rows done before it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::fs::read_to_string(&out_path).map_or(0, |t| t.lines().count()) < 4 {
        assert!(
            std::time::Instant::now() < deadline,
            "no row written in 30 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.kill().expect("kill -9");
    child.wait().expect("wait");
    // A table the user deleted meanwhile is said to be incomplete, not silently so.
    std::fs::remove_file(tables.join("tax_payments.csv")).expect("remove a table");
    let out = env
        .mps()
        .args(["batch", "--resume", &job])
        .args(["--rate", "treasurer=200"])
        .output()
        .expect("resume");
    assert!(code(&out) <= 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("tax_payments.csv is missing"),
        "{}",
        stderr(&out)
    );
    let rows = read_csv(&out_path);
    assert_eq!(rows.len(), 40, "one line per row after the resume");
    let bills = read_csv(&tables.join("tax_bills.csv"));
    let mut per_line: BTreeMap<String, usize> = BTreeMap::new();
    for b in &bills {
        *per_line.entry(b["line"].clone()).or_default() += 1;
    }
    for row in &rows {
        let years: usize = row["tax_year_count"].parse().unwrap_or(0);
        assert_eq!(
            per_line.get(&row["line"]).copied().unwrap_or(0),
            years,
            "line {}",
            row["line"]
        );
    }
    assert_eq!(per_line.len(), 40);
    // Changing the tables of a job on resume is refused.
    let out = env
        .mps()
        .args(["batch", "--resume", &job, "--csv-tables", "elsewhere"])
        .output()
        .expect("resume");
    assert_eq!(code(&out), 2, "{}", stderr(&out));
}

#[test]
fn tables_that_would_overwrite_the_input_or_the_output_are_refused() {
    let env = Env::new();
    let text = format!("apn\n{}\n", common::apns(1)[0]);
    let input = env.file("tax_bills.csv", text.as_bytes());
    let out = env.batch(
        &input,
        &["--mode", "tax", "--csv-tables", ".", "--progress", "none"],
    );
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("would overwrite the input file"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(&input).expect("input"),
        text,
        "the input is intact"
    );

    std::fs::create_dir(env.path("t")).expect("mkdir");
    let out = env.batch(
        &input,
        &[
            "--mode",
            "tax",
            "--csv-tables",
            "t",
            "-o",
            "t/tax_payments.csv",
            "--progress",
            "none",
        ],
    );
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is also the --output"),
        "{}",
        stderr(&out)
    );
    assert!(!env.path("t/tax_payments.csv").exists(), "nothing created");
}
