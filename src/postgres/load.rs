//! Loading one table's rows inside a transaction, two ways: binary COPY into a staging table
//! plus one `INSERT … SELECT … ON CONFLICT`, or a prepared `INSERT … ON CONFLICT` per row
//! (kept for the benchmark that shows why COPY is the default).
//!
//! Statements are assembled from the table recipes' constant identifiers only; every value
//! travels as a COPY field or a bound parameter.

use super::error::PgError;
use super::table_rows::{Row, Table};
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::Transaction;

/// How rows reach their table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Binary COPY into a temporary staging table, then one upsert per table.
    Copy,
    /// One prepared upsert per row.
    RowAtATime,
}

/// Writes `rows` (already de-duplicated) into `table`; returns the rows inserted or updated.
pub(crate) fn load<'r, R: Row + 'r>(
    tx: &mut Transaction<'_>,
    table: &Table,
    rows: impl IntoIterator<Item = &'r R>,
    method: Method,
) -> Result<u64, PgError> {
    let rows: Vec<&R> = rows.into_iter().collect();
    if rows.is_empty() {
        return Ok(0);
    }
    match method {
        Method::Copy => copy(tx, table, &rows),
        Method::RowAtATime => each(tx, table, &rows),
    }
}

fn copy<R: Row>(tx: &mut Transaction<'_>, table: &Table, rows: &[&R]) -> Result<u64, PgError> {
    let columns = table.columns.join(", ");
    // ON COMMIT DROP: temporary tables live as long as the session, and pooled sessions
    // outlive the batch; without it the next batch on this connection would collide.
    let create = format!(
        "CREATE TEMP TABLE {} (LIKE {} INCLUDING DEFAULTS) ON COMMIT DROP",
        table.stage, table.target
    );
    tx.batch_execute(&create)
        .map_err(|e| PgError::query(format!("creating {}", table.stage), &e))?;

    let doing = || format!("copying rows into {}", table.stage);
    let sink = tx
        .copy_in(&format!(
            "COPY {} ({columns}) FROM STDIN (FORMAT binary)",
            table.stage
        ))
        .map_err(|e| PgError::query(doing(), &e))?;
    let mut writer = BinaryCopyInWriter::new(sink, table.types);
    for row in rows {
        writer
            .write(&row.values())
            .map_err(|e| PgError::query(doing(), &e))?;
    }
    writer.finish().map_err(|e| PgError::query(doing(), &e))?;

    let upsert = format!(
        "INSERT INTO {} AS t ({columns}) SELECT {columns} FROM {} ORDER BY {} {}",
        table.target, table.stage, table.key, table.on_conflict
    );
    tx.execute(&upsert, &[])
        .map_err(|e| PgError::query(format!("upserting {}", table.target), &e))
}

fn each<R: Row>(tx: &mut Transaction<'_>, table: &Table, rows: &[&R]) -> Result<u64, PgError> {
    let placeholders: Vec<String> = (1..=table.columns.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "INSERT INTO {} AS t ({}) VALUES ({}) {}",
        table.target,
        table.columns.join(", "),
        placeholders.join(", "),
        table.on_conflict
    );
    let doing = || format!("inserting into {}", table.target);
    let statement = tx.prepare(&sql).map_err(|e| PgError::query(doing(), &e))?;
    let mut n = 0;
    for row in rows {
        n += tx
            .execute(&statement, &row.values())
            .map_err(|e| PgError::query(doing(), &e))?;
    }
    Ok(n)
}
