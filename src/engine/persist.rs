//! Making finished records durable besides the output: the job ledger (a file, or
//! PostgreSQL's `jobs`/`job_items`) and, with a database, the property tables.
//!
//! The writer calls [`Persist::push`] after writing a record to the output, and
//! [`Persist::commit`] after flushing the output, so a ledger entry never exists for a record
//! the output lacks. A crash can leave the output a batch ahead of the ledger; resume
//! reconciles that from the output itself.

use super::record::Record;
use crate::ledger::{FileLedger, RowEntry};
use crate::store::postgres::{JobItem, PgStore};
use serde_json::Value;

/// Where the job's ledger lives.
pub enum Ledger {
    /// Append-only file beside the output (or under the state directory).
    File(FileLedger),
    /// `jobs`/`job_items`, written in the same transaction as the records' rows.
    Db {
        store: std::sync::Arc<PgStore>,
        job: String,
    },
    /// `mps search`: one identifier, nothing to resume.
    None,
}

pub struct Persist {
    ledger: Ledger,
    pending: Vec<Record>,
}

/// The ledger rows of one record: its row item, then one per source block.
pub fn job_items(record: &Record) -> Vec<JobItem> {
    let mut items = vec![JobItem {
        line: record.line,
        source: "row".into(),
        state: record.status.as_str().into(),
        attempts: record.blocks().iter().map(|b| b.requests).sum(),
        last_error: record.error.clone(),
        input: record.input.clone(),
    }];
    for (name, block) in [
        ("assessor", &record.assessor),
        ("tax", &record.tax),
        ("sales", &record.sales),
        ("documents", &record.documents),
    ] {
        if let Some(b) = block {
            items.push(JobItem {
                line: record.line,
                source: name.into(),
                state: b.status.as_str().into(),
                attempts: b.requests,
                last_error: b.error.clone(),
                input: record.input.clone(),
            });
        }
    }
    items
}

impl Persist {
    pub fn new(ledger: Ledger) -> Self {
        Persist {
            ledger,
            pending: Vec::new(),
        }
    }

    /// Queues a record that was just written to the output.
    pub fn push(&mut self, record: Record) {
        if !matches!(self.ledger, Ledger::None) {
            self.pending.push(record);
        }
    }

    /// Makes the queued records durable. Call only after the output was flushed.
    pub fn commit(&mut self) -> Result<(), String> {
        if self.pending.is_empty() {
            return Ok(());
        }
        match &mut self.ledger {
            Ledger::File(ledger) => {
                let entries: Vec<RowEntry> =
                    self.pending.iter().map(RowEntry::from_record).collect();
                ledger.append(&entries).map_err(|e| e.to_string())?;
            }
            Ledger::Db { store, job } => {
                let items: Vec<JobItem> = self.pending.iter().flat_map(job_items).collect();
                store
                    .write_batch(job, &self.pending, &items)
                    .map_err(|e| format!("PostgreSQL: {e}"))?;
            }
            Ledger::None => {}
        }
        self.pending.clear();
        Ok(())
    }

    /// Marks the job finished (or stopped) in its ledger.
    pub fn finish(&mut self, status: &str, summary: &Value) -> Result<(), String> {
        self.commit()?;
        match &mut self.ledger {
            Ledger::File(ledger) => ledger.finish(status, summary).map_err(|e| e.to_string()),
            Ledger::Db { store, job } => store
                .finish_job(job, status, summary)
                .map_err(|e| format!("PostgreSQL: {e}")),
            Ledger::None => Ok(()),
        }
    }
}
