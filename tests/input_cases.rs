//! Bad and awkward input: every case ends as records, bad rows name their line, the rest of
//! the batch goes on.

mod common;

use common::*;
use mps::sim::County;

#[test]
fn bom_crlf_quotes_blank_and_ragged_lines() {
    let env = Env::new();
    let a = apns(4);
    let text = format!(
        "\u{feff}apn,note\r\n{},\"a, quoted\r\nnote over two lines\"\r\n\r\n{},plain\r\n{}\r\n{},x,extra,fields\r\n",
        a[0], a[1], a[2], a[3]
    );
    let input = env.file("in.csv", text.as_bytes());
    let out = env.batch(&input, &["--rate", "assessor=0", "--progress", "none"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let recs = by_line(&records(&out));
    let lines: Vec<u64> = recs.keys().copied().collect();
    // Header is line 1; the quoted field spans lines 2-3; line 4 is blank.
    assert_eq!(lines, vec![2, 5, 6, 7]);
    for (line, apn) in lines.iter().zip(&a) {
        assert_eq!(recs[line]["apn"], apn.as_str());
        assert_eq!(recs[line]["status"], "ok");
    }
}

#[test]
fn invalid_rows_name_their_line_and_the_rest_go_on() {
    let env = Env::new();
    let a = apns(2);
    let text = format!("apn\n{}\n123-45-67\n\n12-345-6789X\n{}\n", a[0], a[1]);
    let input = env.file("in.csv", text.as_bytes());
    let out = env.batch(&input, &["--rate", "assessor=0", "--progress", "none"]);
    assert_eq!(code(&out), 1, "invalid rows give exit 1: {}", stderr(&out));
    let recs = by_line(&records(&out));
    assert_eq!(recs.len(), 4);
    assert_eq!(recs[&2]["status"], "ok");
    assert_eq!(recs[&3]["status"], "invalid");
    let err = recs[&3]["error"].as_str().unwrap();
    assert!(err.contains("line 3") && err.contains("123-45-67"), "{err}");
    assert_eq!(recs[&5]["status"], "invalid");
    assert!(recs[&5]["error"].as_str().unwrap().contains("line 5"));
    assert_eq!(recs[&6]["status"], "ok");
    assert!(stderr(&out).contains("invalid 2"), "{}", stderr(&out));
}

#[test]
fn duplicate_apns_in_different_spellings_are_fetched_once() {
    let env = Env::new();
    let a = County::new(42).sample(2);
    let spellings = [
        a[0].dashed(),
        a[0].compact(),
        a[0].dashed().replace('-', " "),
        a[0].dashed().replace('-', ".").to_lowercase(),
        a[1].dashed(),
    ];
    let text = format!("apn\n{}\n", spellings.join("\n"));
    let input = env.file("in.csv", text.as_bytes());
    let out = env.batch(
        &input,
        &[
            "--rate",
            "assessor=0",
            "--workers",
            "4",
            "--progress",
            "none",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let recs = records(&out);
    assert_eq!(recs.len(), 5, "every row is reported");
    assert!(recs.iter().all(|r| r["status"] == "ok"));
    let first: Vec<_> = recs
        .iter()
        .filter(|r| r["apn"] == a[0].dashed().as_str())
        .collect();
    assert_eq!(first.len(), 4);
    assert!(first
        .iter()
        .all(|r| r["assessor"]["data"] == first[0]["assessor"]["data"]));
    assert_eq!(
        env.assessor_requests(),
        2,
        "two distinct parcels, two requests"
    );
}

#[test]
fn non_utf8_bytes_make_only_that_row_invalid() {
    let env = Env::new();
    let a = apns(2);
    let mut bytes = format!("apn\n{}\n", a[0]).into_bytes();
    bytes.extend_from_slice(b"165-28-05\xff\xfe4\n");
    bytes.extend_from_slice(format!("{}\n", a[1]).as_bytes());
    let input = env.file("in.csv", &bytes);
    let out = env.batch(&input, &["--rate", "assessor=0", "--progress", "none"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let recs = by_line(&records(&out));
    assert_eq!(recs.len(), 3);
    assert_eq!(recs[&3]["status"], "invalid");
    assert!(recs[&3]["error"].as_str().unwrap().contains("line 3"));
    assert_eq!(recs[&2]["status"], "ok");
    assert_eq!(recs[&4]["status"], "ok");
}

#[test]
fn a_one_megabyte_field_is_invalid_and_others_go_on() {
    let env = Env::new();
    let a = apns(1);
    let text = format!("apn\n{}\n{}\n", "9".repeat(1 << 20), a[0]);
    let input = env.file("in.csv", text.as_bytes());
    let out = env.batch(&input, &["--rate", "assessor=0", "--progress", "none"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let recs = by_line(&records(&out));
    assert_eq!(recs[&2]["status"], "invalid");
    assert!(recs[&2]["error"].as_str().unwrap().contains("line 2"));
    assert!(
        recs[&2]["input"].as_str().unwrap().len() < 10_000,
        "the huge value is not echoed whole"
    );
    assert_eq!(recs[&3]["status"], "ok");
}

#[test]
fn an_empty_file_is_no_rows_and_exit_zero() {
    let env = Env::new();
    let input = env.file("empty.csv", b"");
    let out = env.batch(&input, &["--progress", "none"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(records(&out).is_empty());
    // Standard input too: `true | mps batch --input -`.
    let mut c = env.mps();
    c.args(["batch", "--input", "-", "--progress", "none"]);
    let out = run_with_stdin(c, b"");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(records(&out).is_empty());
}

#[test]
fn header_only_file_gives_no_records_and_exit_zero() {
    let env = Env::new();
    let input = env.file("h.csv", b"apn\n");
    let out = env.batch(&input, &["--progress", "none"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(records(&out).is_empty());
}

#[test]
fn missing_file_names_the_path() {
    let env = Env::new();
    let out = env.batch(&env.path("nope.csv"), &["--progress", "none"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("nope.csv"), "{}", stderr(&out));
}

#[test]
fn stdin_input_and_named_column() {
    let env = Env::new();
    let a = apns(2);
    let text = format!("id,parcel_no\n1,{}\n2,{}\n", a[0], a[1]);
    let mut c = env.mps();
    c.args([
        "batch",
        "--input",
        "-",
        "--column",
        "parcel_no",
        "--rate",
        "assessor=0",
        "--progress",
        "none",
    ]);
    let out = run_with_stdin(c, text.as_bytes());
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let recs = by_line(&records(&out));
    assert_eq!(recs[&2]["apn"], a[0].as_str());
    assert_eq!(recs[&3]["apn"], a[1].as_str());
}

#[test]
fn unknown_column_lists_the_header() {
    let env = Env::new();
    let input = env.file("in.csv", b"foo,bar\n1,2\n");
    let out = env.batch(&input, &["--column", "apn_x", "--progress", "none"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains("apn_x") && err.contains("foo"), "{err}");
}
