//! The COPY-versus-row-at-a-time benchmark behind `make bench`: the same synthetic parcels
//! (one property and five valuations each, distinct APNs) written both ways, each into a
//! fresh schema of its own, in batches the size the writer uses.

use super::connect::{connect, describe_target};
use super::error::PgError;
use super::load::Method;
use super::mapping::Rows;
use super::migrate::migrate;
use super::write::write;
use chrono::Utc;
use mps_model::blocks::{ParcelRecord, SourceStatus};
use mps_model::data::{AssessorData, Parcels};
use mps_model::record::{Record, RowStatus, SourceBlock};
use mps_model::Priority;
use postgres::{Client, Config};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Records per transaction, as a writer thread would batch them.
const BATCH: usize = 1_000;
const VALUATION_YEARS: i32 = 5;
/// Each way is timed this many times; the median counts.
const ROUNDS: usize = 3;

/// What one benchmark run measured.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchReport {
    /// Parcels written each way.
    pub records: usize,
    /// Table rows written each way (properties plus valuations).
    pub rows: usize,
    pub copy_time: Duration,
    pub row_time: Duration,
    pub copy_rows_per_sec: f64,
    pub row_rows_per_sec: f64,
    /// How many times faster COPY was than row-at-a-time upserts inside batch transactions.
    pub ratio: f64,
    /// Row-at-a-time upserts with a commit per parcel, as a collector without a writer
    /// thread does (the seed's per-property inserts).
    pub per_record_time: Duration,
    pub per_record_rows_per_sec: f64,
    /// How many times faster COPY was than that.
    pub per_record_ratio: f64,
}

impl std::fmt::Display for BenchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "postgres write, {} parcels ({} rows), median of {ROUNDS}:\n  \
             binary COPY + upsert, batches of {BATCH}: {:.0} rows/s ({:.2} s)\n  \
             row-at-a-time upsert, batches of {BATCH} in one transaction: {:.0} rows/s ({:.2} s): COPY {:.1}x faster\n  \
             row-at-a-time upsert, one transaction per parcel: {:.0} rows/s ({:.2} s): COPY {:.1}x faster",
            self.records,
            self.rows,
            self.copy_rows_per_sec,
            self.copy_time.as_secs_f64(),
            self.row_rows_per_sec,
            self.row_time.as_secs_f64(),
            self.ratio,
            self.per_record_rows_per_sec,
            self.per_record_time.as_secs_f64(),
            self.per_record_ratio
        )
    }
}

/// Writes `records` synthetic parcels both ways into throw-away schemas of the database at
/// `url` and times them (median of three rounds each). The schemas are dropped afterwards.
pub fn bench_copy_vs_rows(url: &str, records: usize) -> Result<BenchReport, PgError> {
    let config: Config = url.parse().map_err(|e: postgres::Error| PgError::Url {
        message: super::error::describe(&e),
    })?;
    let target = describe_target(&config);
    let mut client = connect(&config, &target)?;
    // In the session's own schema, not a bench schema: dropping that schema must never
    // take the extension (and the real tables' trigram indexes) with it.
    client
        .batch_execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        .map_err(|e| PgError::query("creating extension pg_trgm", &e))?;

    let now = Utc::now();
    let batches: Vec<Rows> = (0..records)
        .collect::<Vec<_>>()
        .chunks(BATCH)
        .map(|chunk| {
            let mut rows = Rows::default();
            for &i in chunk {
                rows.add_record(&synthetic_record(i), now);
            }
            rows.deduplicated()
        })
        .collect();
    // One parcel per transaction: the same rows, committed one parcel at a time.
    let singles_batches: Vec<Rows> = (0..records)
        .map(|i| {
            let mut rows = Rows::default();
            rows.add_record(&synthetic_record(i), now);
            rows.deduplicated()
        })
        .collect();
    let rows: usize = batches
        .iter()
        .map(|b| b.properties.len() + b.valuations.len())
        .sum();

    // Alternating rounds and taking medians: on a shared machine one slow moment would
    // otherwise decide the ratio.
    let (mut copies, mut singles, mut per_record) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        copies.push(timed_in_schema(
            &mut client,
            "copy",
            &batches,
            Method::Copy,
        )?);
        singles.push(timed_in_schema(
            &mut client,
            "rows",
            &batches,
            Method::RowAtATime,
        )?);
        per_record.push(timed_in_schema(
            &mut client,
            "single",
            &singles_batches,
            Method::RowAtATime,
        )?);
    }
    let per_record_time = median(per_record);
    let (copy_time, row_time) = (median(copies), median(singles));
    let per_sec = |d: Duration| rows as f64 / d.as_secs_f64().max(1e-9);
    Ok(BenchReport {
        records,
        rows,
        copy_time,
        row_time,
        copy_rows_per_sec: per_sec(copy_time),
        row_rows_per_sec: per_sec(row_time),
        ratio: row_time.as_secs_f64() / copy_time.as_secs_f64().max(1e-9),
        per_record_time,
        per_record_rows_per_sec: per_sec(per_record_time),
        per_record_ratio: per_record_time.as_secs_f64() / copy_time.as_secs_f64().max(1e-9),
    })
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

/// Migrates a fresh schema, writes every batch into it, and drops it again.
fn timed_in_schema(
    client: &mut Client,
    tag: &str,
    batches: &[Rows],
    method: Method,
) -> Result<Duration, PgError> {
    // Identifiers cannot be parameters; this one is built from a number and a constant.
    let schema = format!("mps_bench_{}_{tag}", std::process::id());
    client
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
        ))
        .map_err(|e| PgError::query(format!("creating schema {schema}"), &e))?;
    let result = run_in_schema(client, &schema, batches, method);
    let reset = client.batch_execute(&format!(
        "RESET search_path; DROP SCHEMA IF EXISTS {schema} CASCADE"
    ));
    let elapsed = result?;
    reset.map_err(|e| PgError::query(format!("dropping schema {schema}"), &e))?;
    Ok(elapsed)
}

fn run_in_schema(
    client: &mut Client,
    schema: &str,
    batches: &[Rows],
    method: Method,
) -> Result<Duration, PgError> {
    let path: String = client
        .query_one("SELECT current_setting('search_path')", &[])
        .and_then(|r| r.try_get(0))
        .map_err(|e| PgError::query("reading search_path", &e))?;
    client
        .execute(
            "SELECT set_config('search_path', $1, false)",
            &[&format!("{schema}, {path}")],
        )
        .map_err(|e| PgError::query("setting search_path", &e))?;
    migrate(client)?;
    let start = Instant::now();
    for rows in batches {
        let mut tx = client
            .transaction()
            .map_err(|e| PgError::query("starting a batch", &e))?;
        write(&mut tx, rows, None, method)?;
        tx.commit()
            .map_err(|e| PgError::query("committing a batch", &e))?;
    }
    Ok(start.elapsed())
}

/// A property-mode record for parcel number `i`, shaped like the Assessor's.
fn synthetic_record(i: usize) -> Record {
    let apn = format!(
        "{:03}-{:02}-{:03}",
        100 + (i / 100_000) % 900,
        (i / 1_000) % 100,
        i % 1_000
    );
    let street = format!("{} W SYNTHETIC ST", 100 + i % 9_000);
    let valuations: Vec<Value> = (0..VALUATION_YEARS)
        .map(|k| {
            let fcv = 250_000 + (i % 500) as i64 * 1_000 - i64::from(k) * 10_000;
            json!({
                "tax_year": 2026 - k,
                "full_cash_value": fcv,
                "limited_property_value": fcv * 7 / 10,
                "legal_class_code": "3",
                "legal_class": "Owner occupied residential",
                "assessment_ratio": 0.1,
                "assessed_fcv": fcv / 10,
                "assessed_lpv": fcv * 7 / 100,
                "valuation_source": "synthetic",
                "use_code": "0131",
                "tax_area_code": "010300",
            })
        })
        .collect();
    let parcel = json!({
        "apn": apn,
        "property_address": format!("{street} PHOENIX 85001"),
        "situs": { "street": street, "city": "PHOENIX", "zip": "85001" },
        "legal_description": format!("LOT {} SYNTHETIC ACRES", i % 300),
        "subdivision": "SYNTHETIC ACRES",
        "lot_size_sqft": 6_000 + i % 4_000,
        "use_code": "0131",
        "tax_area_code": "010300",
        "is_residential": true,
        "owner": { "name": format!("OWNER {i} FAMILY TRUST"), "deed_number": null },
        "valuations": valuations,
    });
    // Written here as the Assessor's JSON and read the way a response is: an edge.
    let parcel: ParcelRecord = match serde_json::from_value(parcel) {
        Ok(p) => p,
        Err(e) => panic!("the synthetic parcel does not read as a parcel: {e}"),
    };
    let mut assessor = SourceBlock::without_data(SourceStatus::Ok, None, 1);
    assessor.fetched_at = Some("2026-11-29T08:00:00Z".into());
    assessor.data = Some(AssessorData::Parcels(Parcels::new(vec![parcel])));
    Record {
        line: i as u64 + 2,
        input: apn.clone(),
        search_type: Some("apn"),
        normalized: Some(apn),
        priority: Priority::Normal,
        mode: "property",
        status: RowStatus::Ok,
        apn: None,
        apns: Vec::new(),
        error: None,
        assessor: Some(assessor),
        tax: None,
        sales: None,
        documents: None,
    }
}
