//! One batch, one transaction: every table's rows in foreign-key order, the stub parents
//! that keep foreign keys from ever rejecting a batch, and the batch's job items.

use super::error::PgError;
use super::jobs::JobItem;
use super::load::{load, Method};
use super::mapping::Rows;
use super::table_rows::{
    JobItemRow, DOCUMENTS, INDEX_DOCUMENTS, JOB_ITEMS, PARCEL_DOCUMENTS, PROPERTIES,
    PROPERTY_MATCHES, SALES, SALE_DOCUMENTS, TAX_BILLS, TAX_PAYMENTS, VALUATIONS,
};
use postgres::Transaction;

/// Rows inserted or updated per table by one batch (stubs not counted).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchCounts {
    pub properties: u64,
    pub valuations: u64,
    pub tax_bills: u64,
    pub tax_payments: u64,
    pub documents: u64,
    pub parcel_documents: u64,
    pub sales: u64,
    pub job_items: u64,
}

impl BatchCounts {
    /// Every row written.
    pub fn total(&self) -> u64 {
        self.properties
            + self.valuations
            + self.tax_bills
            + self.tax_payments
            + self.documents
            + self.parcel_documents
            + self.sales
            + self.job_items
    }
}

/// Writes `rows` and `items` inside `tx` (the caller commits).
pub(crate) fn write(
    tx: &mut Transaction<'_>,
    rows: &Rows,
    job: Option<(&str, &[JobItem])>,
    method: Method,
) -> Result<BatchCounts, PgError> {
    let mut n = BatchCounts {
        properties: load(tx, &PROPERTIES, &rows.properties, method)?
            + load(tx, &PROPERTY_MATCHES, &rows.property_matches, method)?,
        ..BatchCounts::default()
    };
    stub_properties(tx, &rows.referenced_apns())?;
    n.documents = load(tx, &DOCUMENTS, &rows.documents, method)?
        + load(tx, &INDEX_DOCUMENTS, &rows.index_documents, method)?
        + load(tx, &SALE_DOCUMENTS, &rows.sale_documents, method)?;
    stub_documents(tx, &rows.referenced_documents())?;

    n.valuations = load(tx, &VALUATIONS, &rows.valuations, method)?;
    n.tax_bills = load(tx, &TAX_BILLS, &rows.tax_bills, method)?;
    n.tax_payments = load(tx, &TAX_PAYMENTS, rows.payments(), method)?;
    drop_extra_payments(tx, rows)?;
    n.sales = load(tx, &SALES, &rows.sales, method)?;
    n.parcel_documents = load(tx, &PARCEL_DOCUMENTS, &rows.links, method)?;
    drop_replaced_last_deeds(tx, rows)?;

    if let Some((job_id, items)) = job {
        n.job_items = write_items(tx, job_id, items, method)?;
    }
    Ok(n)
}

/// The job's items; the job itself gets a stub row if it was never created.
fn write_items(
    tx: &mut Transaction<'_>,
    job_id: &str,
    items: &[JobItem],
    method: Method,
) -> Result<u64, PgError> {
    if items.is_empty() {
        return Ok(0);
    }
    tx.execute(
        "INSERT INTO jobs (id) VALUES ($1) ON CONFLICT DO NOTHING",
        &[&job_id],
    )
    .map_err(|e| PgError::query("creating the job row", &e))?;
    let rows: Vec<JobItemRow<'_>> = items
        .iter()
        .map(|i| JobItemRow {
            job_id,
            // Input lines are counted from 1 and never near i64::MAX; saturate rather
            // than fail on a nonsense value.
            line: i64::try_from(i.line).unwrap_or(i64::MAX),
            source: &i.source,
            state: &i.state,
            attempts: i32::try_from(i.attempts).unwrap_or(i32::MAX),
            last_error: i.last_error.as_deref(),
            input: &i.input,
        })
        .collect();
    let rows = super::table_rows::dedup(rows);
    load(tx, &JOB_ITEMS, &rows, method)
}

fn stub_properties(tx: &mut Transaction<'_>, apns: &[String]) -> Result<(), PgError> {
    if apns.is_empty() {
        return Ok(());
    }
    tx.execute(
        "INSERT INTO properties (apn) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING",
        &[&apns],
    )
    .map_err(|e| PgError::query("adding stub properties", &e))?;
    Ok(())
}

fn stub_documents(tx: &mut Transaction<'_>, numbers: &[String]) -> Result<(), PgError> {
    if numbers.is_empty() {
        return Ok(());
    }
    tx.execute(
        "INSERT INTO documents (recording_number) SELECT unnest($1::text[]) \
         ON CONFLICT DO NOTHING",
        &[&numbers],
    )
    .map_err(|e| PgError::query("adding stub documents", &e))?;
    Ok(())
}

/// A bill's payment list is the Treasurer's whole list: payments past its end are gone.
fn drop_extra_payments(tx: &mut Transaction<'_>, rows: &Rows) -> Result<(), PgError> {
    if rows.tax_bills.is_empty() {
        return Ok(());
    }
    let apns: Vec<&str> = rows.tax_bills.iter().map(|b| b.apn.as_str()).collect();
    let years: Vec<i32> = rows.tax_bills.iter().map(|b| b.tax_year).collect();
    let counts: Vec<i32> = rows
        .tax_bills
        .iter()
        .map(|b| i32::try_from(b.payments.len()).unwrap_or(i32::MAX))
        .collect();
    tx.execute(
        "DELETE FROM tax_payments p \
         USING unnest($1::text[], $2::int4[], $3::int4[]) AS b(apn, tax_year, n) \
         WHERE p.apn = b.apn AND p.tax_year = b.tax_year AND p.seq >= b.n",
        &[&apns, &years, &counts],
    )
    .map_err(|e| PgError::query("removing stale tax payments", &e))?;
    Ok(())
}

/// A parcel has one last deed: a newer one demotes the stored link (the sale itself stays).
fn drop_replaced_last_deeds(tx: &mut Transaction<'_>, rows: &Rows) -> Result<(), PgError> {
    let (apns, numbers): (Vec<&str>, Vec<&str>) = rows
        .links
        .iter()
        .filter(|l| l.role == "last_deed")
        .map(|l| (l.apn.as_str(), l.recording_number.as_str()))
        .unzip();
    if apns.is_empty() {
        return Ok(());
    }
    tx.execute(
        "DELETE FROM parcel_documents p \
         USING unnest($1::text[], $2::text[]) AS d(apn, recording_number) \
         WHERE p.role = 'last_deed' AND p.apn = d.apn \
           AND p.recording_number <> d.recording_number",
        &[&apns, &numbers],
    )
    .map_err(|e| PgError::query("replacing last deeds", &e))?;
    Ok(())
}
