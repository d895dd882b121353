//! Tests against a real PostgreSQL (a fresh database each, from `mps_testkit`). They fail, with
//! the reason, when no server can be had.

use super::fixtures::{self, apn, block, comprehensive, last_deed_number, search_matches};
use super::*;
use chrono::NaiveDate;
use mps_model::blocks::TaxPayment;
use mps_model::data::AssessorData;
use mps_testkit::{test_database, TestDb};
use postgres::{Client, NoTls};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

const TABLES: &[&str] = &[
    "properties",
    "valuations",
    "tax_bills",
    "tax_payments",
    "documents",
    "parcel_documents",
    "sales",
    "jobs",
    "job_items",
];

fn db() -> TestDb {
    match test_database() {
        Ok(db) => db,
        Err(e) => panic!("PostgreSQL is needed for these tests: {e}"),
    }
}

fn store(db: &TestDb) -> PgStore {
    PgStore::connect(&db.url).unwrap_or_else(|e| panic!("{e}"))
}

fn client(db: &TestDb) -> Client {
    Client::connect(&db.url, NoTls).unwrap_or_else(|e| panic!("{}", error::describe(&e)))
}

fn count(c: &mut Client, table: &str) -> i64 {
    c.query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .unwrap()
        .get(0)
}

/// Every table's rows as JSON, sorted, without the columns a rewrite may change.
fn dump(c: &mut Client) -> BTreeMap<&'static str, Value> {
    TABLES
        .iter()
        .map(|t| {
            let sql = format!(
                "SELECT coalesce(jsonb_agg(x ORDER BY x::text), '[]'::jsonb) FROM \
                 (SELECT to_jsonb(t) - 'fetched_at' - 'updated_at' AS x FROM {t} t) s"
            );
            (*t, c.query_one(&sql, &[]).unwrap().get(0))
        })
        .collect()
}

fn items(lines: std::ops::Range<u64>) -> Vec<JobItem> {
    lines
        .flat_map(|line| {
            ["row", "assessor", "tax", "sales", "documents"].map(|source| JobItem {
                line,
                source: source.into(),
                state: if line % 10 == 0 { "failed" } else { "ok" }.into(),
                attempts: 1,
                last_error: (line % 10 == 0).then(|| "HTTP 503 after 3 attempts".into()),
                input: format!("input {line}"),
            })
        })
        .collect()
}

#[test]
fn migrations_apply_once_and_are_recorded() {
    let db = db();
    let mut c = client(&db);
    assert_eq!(migrate(&mut c).unwrap(), vec![1, 2, 3, 4]);
    assert_eq!(migrate(&mut c).unwrap(), Vec::<u32>::new());
    let s = store(&db);
    assert!(s.applied_migrations().is_empty());
    assert_eq!(s.schema_versions().unwrap(), vec![1, 2, 3, 4]);
    let trgm: i64 = c
        .query_one(
            "SELECT count(*) FROM pg_indexes WHERE tablename = 'properties' AND indexdef LIKE '%gin_trgm_ops%'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(trgm, 2);
}

#[test]
fn a_batch_lands_in_every_table_with_the_right_keys() {
    let db = db();
    let s = store(&db);
    assert_eq!(s.applied_migrations(), &[1, 2, 3, 4]);
    let records: Vec<_> = (0..50).map(comprehensive).collect();
    let counts = s.write_batch("job-1", &records, &items(2..52)).unwrap();
    assert_eq!(
        counts,
        BatchCounts {
            properties: 50,
            valuations: 150,
            tax_bills: 100,
            tax_payments: 150,
            // the last deed (from both blocks), the earlier sale and a deed of trust
            documents: 200,
            parcel_documents: 200,
            sales: 100,
            job_items: 250,
        }
    );

    let mut c = client(&db);
    for (table, n) in [
        ("properties", 50),
        ("valuations", 150),
        ("tax_bills", 100),
        ("tax_payments", 150),
        ("documents", 150),
        ("parcel_documents", 200),
        ("sales", 100),
        ("jobs", 1),
        ("job_items", 250),
    ] {
        assert_eq!(count(&mut c, table), n, "{table}");
    }

    let p = c
        .query_one(
            "SELECT owner_name, situs_city, lot_size_sqft, data->'residential'->>'quality_grade', \
             fetched_at = '2026-11-29T08:15:00Z'::timestamptz FROM properties WHERE apn = $1",
            &[&apn(3)],
        )
        .unwrap();
    assert_eq!(p.get::<_, String>(0), "DESERT HOLDINGS LLC 3");
    assert_eq!(p.get::<_, String>(1), "PHOENIX");
    assert_eq!(p.get::<_, i64>(2), 7_203);
    assert_eq!(p.get::<_, String>(3), "Good");
    assert!(p.get::<_, bool>(4));
    assert_eq!(apn(3), "217-10-003A");

    let v = c
        .query_one(
            "SELECT fcv, assessment_ratio::text FROM valuations WHERE apn = $1 AND tax_year = 2025",
            &[&apn(1)],
        )
        .unwrap();
    assert_eq!(v.get::<_, i64>(0), 410_100 - 15_000);
    assert_eq!(v.get::<_, String>(1), "0.1");

    let b = c
        .query_one(
            "SELECT billed::text, due::text, status FROM tax_bills WHERE apn = $1 AND tax_year = 2024",
            &[&apn(1)],
        )
        .unwrap();
    assert_eq!(b.get::<_, String>(0), "2210.50");
    assert_eq!(b.get::<_, String>(1), "0.00");
    assert_eq!(b.get::<_, String>(2), "paid");
    let pay: Vec<(i32, String)> = c
        .query(
            "SELECT seq, amount::text FROM tax_payments WHERE apn = $1 AND tax_year = 2024 ORDER BY seq",
            &[&apn(1)],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(pay, vec![(0, "1105.25".into()), (1, "1105.25".into())]);

    // The last deed arrived from the sales block and, in full, from the documents block.
    let d = c
        .query_one(
            "SELECT page_count, codes, recording_date::text FROM documents WHERE recording_number = $1",
            &[&last_deed_number(1)],
        )
        .unwrap();
    assert_eq!(d.get::<_, Option<i32>>(0), Some(3));
    assert_eq!(d.get::<_, Vec<String>>(1), vec!["WD".to_string()]);
    assert_eq!(d.get::<_, String>(2), "2019-06-28");

    let roles: Vec<String> = c
        .query(
            "SELECT role FROM parcel_documents WHERE apn = $1 AND recording_number = $2 ORDER BY role",
            &[&apn(1), &last_deed_number(1)],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(roles, vec!["last_deed", "owner_document"]);

    let sale = c
        .query_one(
            "SELECT sale_price, match_confidence FROM sales WHERE apn = $1 AND recording_number = $2",
            &[&apn(1), &last_deed_number(1)],
        )
        .unwrap();
    assert_eq!(sale.get::<_, Option<i64>>(0), Some(386_000));
    assert_eq!(sale.get::<_, String>(1), "high");

    assert_eq!(
        s.job_item_counts("job-1").unwrap(),
        vec![
            ("assessor".into(), "failed".into(), 5),
            ("assessor".into(), "ok".into(), 45),
            ("documents".into(), "failed".into(), 5),
            ("documents".into(), "ok".into(), 45),
            ("row".into(), "failed".into(), 5),
            ("row".into(), "ok".into(), 45),
            ("sales".into(), "failed".into(), 5),
            ("sales".into(), "ok".into(), 45),
            ("tax".into(), "failed".into(), 5),
            ("tax".into(), "ok".into(), 45),
        ]
    );
}

#[test]
fn the_same_batch_twice_changes_nothing_but_timestamps() {
    let db = db();
    let s = store(&db);
    let mut records: Vec<_> = (0..50).map(comprehensive).collect();
    records.push(search_matches(60, "SMITH JOHN", &[apn(900), apn(0)]));
    let items = items(2..53);
    let first = s.write_batch("job-2", &records, &items).unwrap();
    let mut c = client(&db);
    let before = dump(&mut c);
    let second = s.write_batch("job-2", &records, &items).unwrap();
    assert_eq!(first, second);
    assert_eq!(before, dump(&mut c));
    // The row-at-a-time path writes exactly the same thing.
    let third = s
        .write_batch_row_at_a_time("job-2", &records, &items)
        .unwrap();
    assert_eq!(first, third);
    assert_eq!(before, dump(&mut c));
}

#[test]
fn a_tax_only_record_for_an_unknown_apn_gets_a_stub_parcel() {
    let db = db();
    let s = store(&db);
    let mut r = fixtures::bare(2, "301-02-003", "tax");
    let mut t = fixtures::tax(0);
    t["apn"] = json!("301-02-003");
    r.tax = Some(block(json!({ "parcels": [t] })));
    // A sale whose deed the Recorder never described, for a parcel nobody fetched.
    let mut sale = fixtures::sales(0);
    sale["apn"] = json!("301-02-004");
    sale["history"] = json!([]);
    r.sales = Some(block(json!({ "parcels": [sale] })));
    s.write_batch("job-3", &[r], &[]).unwrap();

    let mut c = client(&db);
    let stub = c
        .query_one(
            "SELECT owner_name IS NULL AND data IS NULL AND fetched_at IS NULL FROM properties WHERE apn = $1",
            &[&"301-02-003"],
        )
        .unwrap();
    assert!(stub.get::<_, bool>(0));
    assert_eq!(count(&mut c, "tax_bills"), 2);
    assert_eq!(count(&mut c, "sales"), 1);
    assert_eq!(count(&mut c, "properties"), 2);
    // No job items, so no job row either.
    assert_eq!(count(&mut c, "jobs"), 0);

    // A stub is never fresh.
    let stale = s
        .stale_or_missing(
            &["301-02-003".to_string()],
            Duration::from_secs(86_400 * 3650),
        )
        .unwrap();
    assert!(stale.contains("301-02-003"));
}

#[test]
fn duplicate_keys_inside_one_batch_keep_the_last() {
    let db = db();
    let s = store(&db);
    let a = comprehensive(5);
    let mut b = comprehensive(5);
    if let Some(AssessorData::Parcels(data)) = b.assessor.as_mut().and_then(|blk| blk.data.as_mut())
    {
        data.parcels[0].owner.name = Some("NEW OWNER LLC".into());
    }
    // The same parcel twice in one record too, and every job item twice.
    if let Some(data) = b.tax.as_mut().and_then(|blk| blk.data.as_mut()) {
        let again = data.parcels[0].clone();
        data.parcels.push(again);
    }
    let mut twice = items(7..8);
    twice.extend(items(7..8));
    twice[5].state = "failed".into();
    twice[5].attempts = 3;
    let counts = s.write_batch("job-4", &[a, b], &twice).unwrap();
    assert_eq!(counts.properties, 1);
    assert_eq!(counts.tax_bills, 2);
    assert_eq!(counts.job_items, 5);

    let mut c = client(&db);
    let owner: String = c
        .query_one(
            "SELECT owner_name FROM properties WHERE apn = $1",
            &[&apn(5)],
        )
        .unwrap()
        .get(0);
    assert_eq!(owner, "NEW OWNER LLC");
    let failed = s.failed_items("job-4").unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!((failed[0].line, failed[0].attempts), (7, 3));
}

#[test]
fn a_rewritten_bill_replaces_its_payments_and_a_new_last_deed_replaces_the_old() {
    let db = db();
    let s = store(&db);
    s.write_batch("job-5", &[comprehensive(8)], &[]).unwrap();

    let mut r = comprehensive(8);
    if let Some(data) = r.tax.as_mut().and_then(|blk| blk.data.as_mut()) {
        data.parcels[0].years[1].payments = vec![TaxPayment {
            tax_year: 2024,
            date: NaiveDate::from_ymd_opt(2024, 12, 20),
            amount: Decimal::new(221_050, 2),
            description: Some("FULL YEAR".into()),
        }];
    }
    if let Some(data) = r.sales.as_mut().and_then(|blk| blk.data.as_mut()) {
        if let Some(last) = data.parcels[0].last_deed.as_mut() {
            last.recording_number = "20240000001".into();
            last.sale_price = Some(512_000);
        }
    }
    s.write_batch("job-5", &[r], &[]).unwrap();

    let mut c = client(&db);
    let pays: Vec<String> = c
        .query(
            "SELECT amount::text FROM tax_payments WHERE apn = $1 AND tax_year = 2024 ORDER BY seq",
            &[&apn(8)],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(pays, vec!["2210.50".to_string()]);
    let last: Vec<String> = c
        .query(
            "SELECT recording_number FROM parcel_documents WHERE apn = $1 AND role = 'last_deed'",
            &[&apn(8)],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(last, vec!["20240000001".to_string()]);
    // The old last deed is still a sale, with its price.
    let old_price: Option<i64> = c
        .query_one(
            "SELECT sale_price FROM sales WHERE apn = $1 AND recording_number = $2",
            &[&apn(8), &last_deed_number(8)],
        )
        .unwrap()
        .get(0);
    assert_eq!(old_price, Some(393_000));
}

#[test]
fn search_matches_describe_a_parcel_only_until_its_record_is_stored() {
    let db = db();
    let s = store(&db);
    s.write_batch("job-6", &[comprehensive(1)], &[]).unwrap();
    let m = search_matches(9, "SOMEONE ELSE", &[apn(1), apn(2)]);
    s.write_batch("job-6", &[m], &[]).unwrap();
    let mut c = client(&db);
    let owners: Vec<(String, Option<String>)> = c
        .query("SELECT apn, owner_name FROM properties ORDER BY apn", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        owners,
        vec![
            (apn(1), Some("GARCIA MARIA 1".into())),
            (apn(2), Some("SOMEONE ELSE".into()))
        ]
    );
}

#[test]
fn the_ledger_answers_resume_and_retry_questions() {
    let db = db();
    let s = store(&db);
    let params = json!({ "input": "apns.csv", "max_age": null });
    s.create_job("job-7", "comprehensive", "intelligent", &params)
        .unwrap();
    let mut its = items(2..6);
    its.retain(|i| i.source == "row");
    its[1].state = "pending".into();
    s.write_batch("job-7", &[], &its).unwrap();
    assert_eq!(s.done_lines("job-7").unwrap(), HashSet::from([2, 4, 5]));
    let job = s.job("job-7").unwrap().unwrap();
    assert_eq!(job.mode.as_deref(), Some("comprehensive"));
    assert_eq!(job.status, "running");
    assert_eq!(job.params, Some(params));
    assert!(job.finished_at.is_none());

    s.finish_job("job-7", "completed", &json!({ "ok": 3 }))
        .unwrap();
    let job = s.job("job-7").unwrap().unwrap();
    assert_eq!(job.status, "completed");
    assert_eq!(job.summary, Some(json!({ "ok": 3 })));
    assert!(job.finished_at.is_some());
    assert!(s.job("nope").unwrap().is_none());

    // Items for a job nobody created still land: the job gets a stub row.
    s.write_batch("job-8", &[], &items(2..3)).unwrap();
    let ids: Vec<String> = s.list_jobs().unwrap().into_iter().map(|j| j.id).collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&"job-8".to_string()));
}

#[test]
fn the_job_lock_refuses_a_second_holder() {
    let db = db();
    let s = store(&db);
    let other = store(&db);
    let lock = s.try_lock_job("job-9").unwrap().expect("first lock");
    assert_eq!(lock.job_id(), "job-9");
    assert!(other.try_lock_job("job-9").unwrap().is_none());
    assert!(other.try_lock_job("job-10").unwrap().is_some());
    lock.release().unwrap();
    assert!(other.try_lock_job("job-9").unwrap().is_some());
    let again = s.try_lock_job("job-9").unwrap().expect("free after drop");
    drop(again);
}

#[test]
fn max_age_finds_stale_and_missing_parcels() {
    let db = db();
    let s = store(&db);
    let mut old = comprehensive(1);
    if let Some(a) = old.assessor.as_mut() {
        a.fetched_at = Some("2020-01-01T00:00:00Z".into());
    }
    let mut fresh = comprehensive(2);
    if let Some(a) = fresh.assessor.as_mut() {
        a.fetched_at = None; // written now
    }
    let mut tax_only = fixtures::bare(9, "301-02-003", "tax");
    let mut t = fixtures::tax(0);
    t["apn"] = json!("301-02-003");
    tax_only.tax = Some(block(json!({ "parcels": [t] })));
    s.write_batch("job-11", &[old, fresh, tax_only], &[])
        .unwrap();

    let day = Duration::from_secs(86_400);
    let asked = [apn(1), apn(2), "999-99-999".to_string()];
    assert_eq!(
        s.stale_or_missing(&asked, day).unwrap(),
        HashSet::from([apn(1), "999-99-999".to_string()])
    );
    let older: Vec<String> = s.apns_older_than(day).collect::<Result<_, _>>().unwrap();
    assert_eq!(older, vec![apn(1), "301-02-003".to_string()]);
    let none: Vec<String> = s
        .apns_older_than(Duration::MAX)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(none, vec!["301-02-003".to_string()]);
}

#[test]
fn connection_errors_carry_the_servers_message() {
    let db = db();
    let url = format!("{} user=mps_no_such_role password=s3cret-pw", db.url);
    let err = PgStore::connect(&url).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, PgError::Connect { .. }), "{text}");
    assert!(text.contains("FATAL"), "{text}");
    assert!(text.contains("mps_no_such_role"), "{text}");
    assert!(!text.contains("s3cret-pw"), "{text}");
}

#[test]
fn the_benchmark_writes_both_ways_and_cleans_up() {
    let db = db();
    let report = bench_copy_vs_rows(&db.url, 30).unwrap();
    assert_eq!((report.records, report.rows), (30, 180));
    assert!(report.ratio > 0.0);
    let mut c = client(&db);
    let left: i64 = c
        .query_one(
            "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'mps_bench_%'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(left, 0);
}

/// Decimals reach PostgreSQL unchanged both ways they are sent (binary COPY, as the batch
/// writer does, and as parameters), and come back as the same values.
#[test]
fn decimals_round_trip_through_copy_and_parameters() {
    use postgres::binary_copy::BinaryCopyInWriter;
    use postgres::types::Type;
    use rust_decimal::Decimal;

    let dec = |text: &str| Decimal::from_str_exact(text).unwrap();
    // (sent, as `numeric` text, as `numeric(14, 2)` text). The hand-written encoder sent
    // "-0.00" with its scale (reading back "0.00" from a plain `numeric`); a zero Decimal
    // goes with scale 0. The `numeric(14, 2)` money columns read "0.00" either way.
    let cases = [
        (dec("12345.678"), "12345.678", "12345.68"),
        (dec("-0.0001"), "-0.0001", "0.00"),
        (dec("10000"), "10000", "10000.00"),
        (dec("-0.00"), "0", "0.00"),
        (numeric::cents(dec("1234.5")).unwrap(), "1234.50", "1234.50"),
        (
            numeric::cents(dec("-2210.5")).unwrap(),
            "-2210.50",
            "-2210.50",
        ),
        (numeric::cents(dec("0")).unwrap(), "0", "0.00"),
        (
            numeric::cents(dec("999999999999.98")).unwrap(),
            "999999999999.98",
            "999999999999.98",
        ),
        (numeric::exact(0.1).unwrap(), "0.1", "0.10"),
        (numeric::exact(0.16).unwrap(), "0.16", "0.16"),
        (
            numeric::exact(1e-20).unwrap(),
            "0.00000000000000000001",
            "0.00",
        ),
        (
            numeric::exact(123_456_789.123_456_78).unwrap(),
            "123456789.12345678",
            "123456789.12",
        ),
        (
            dec("79228162514264337593543950335"),
            "79228162514264337593543950335",
            "",
        ),
    ];

    let db = db();
    let mut c = client(&db);
    let mut tx = c.transaction().unwrap();
    tx.batch_execute("CREATE TEMP TABLE d (seq int4, v numeric) ON COMMIT DROP")
        .unwrap();
    let sink = tx
        .copy_in("COPY d (seq, v) FROM STDIN (FORMAT binary)")
        .unwrap();
    let mut writer = BinaryCopyInWriter::new(sink, &[Type::INT4, Type::NUMERIC]);
    for (seq, (value, _, _)) in (0i32..).zip(&cases) {
        writer.write(&[&seq, value]).unwrap();
    }
    assert_eq!(writer.finish().unwrap(), cases.len() as u64);
    let copied: Vec<(String, Decimal)> = tx
        .query("SELECT v::text, v FROM d ORDER BY seq", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    for ((value, text, money), (copied_text, copied)) in cases.iter().zip(&copied) {
        assert_eq!(copied_text, text, "COPY of {value}");
        assert_eq!(copied, value, "COPY of {value}");
        let r = tx
            .query_one(
                "SELECT $1::numeric::text, $1::numeric, \
                 CASE WHEN abs($1::numeric) < 1e12 THEN $1::numeric(14, 2)::text ELSE '' END",
                &[value],
            )
            .unwrap();
        assert_eq!(r.get::<_, String>(0), *text, "parameter {value}");
        assert_eq!(r.get::<_, Decimal>(1), *value, "parameter {value}");
        assert_eq!(r.get::<_, String>(2), *money, "parameter {value}");
    }
    tx.commit().unwrap();
}
