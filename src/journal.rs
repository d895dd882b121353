//! The job's journal: finished records made durable beside the output, in the job ledger (a
//! file, or PostgreSQL's `jobs`/`job_items`) and, with a database, the property tables. It
//! is the engine's [`Journal`] port.
//!
//! The writer calls [`Journal::commit`] with the records it has just written *and flushed*
//! to the output, never before: a ledger entry (or a database row) therefore never exists
//! for a record the output lacks. A crash (or a database that fails) between the flush and
//! the commit leaves the output a batch ahead of the ledger; `--resume` reconciles that.
//!
//! A database that goes away is waited for, up to the outage limit, with backoff: one that
//! comes back within the limit costs nothing but the wait; one that stays down stops the
//! batch (exit 3, resumable).

use crate::engine::ports::{Journal, JournalError};
use crate::engine::stop::Interrupt;
use crate::ledger::{FileLedger, LedgerError, RowEntry};
use crate::postgres::{JobItem, PgError, PgStore};
use mps_model::record::Record;
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Default for how long a database outage may last before the batch stops.
pub const DEFAULT_OUTAGE_LIMIT: Duration = Duration::from_secs(60);
/// First and longest wait between two tries of a database write during an outage.
const FIRST_WAIT: Duration = Duration::from_millis(250);
const LONGEST_WAIT: Duration = Duration::from_secs(5);

/// Where the job's ledger lives.
pub enum Ledger {
    /// Append-only file beside the output (or under the state directory).
    File(FileLedger),
    /// `jobs`/`job_items`, written in the same transaction as the records' rows.
    Db { store: Arc<PgStore>, job: String },
}

/// The ledger file could not be appended to (disk full, read-only file system).
fn ledger_failed(e: LedgerError) -> JournalError {
    JournalError::Failed(format!("cannot write the job ledger: {e}"))
}

/// The database stayed unreachable for the whole outage limit, or rejected the batch.
fn database_failed(message: String) -> JournalError {
    JournalError::Failed(format!("the database went away: {message}"))
}

/// The [`Journal`] of a batch: its ledger, and how long a database outage is waited out.
pub struct JobJournal {
    ledger: Ledger,
    outage_limit: Duration,
    /// A signal ends a wait for the database early.
    interrupt: Arc<Interrupt>,
    /// The database already stayed away for a whole outage limit: not waited for again.
    gave_up: bool,
}

/// The ledger rows of one record: its row item, then one per source block (the file
/// ledger's [`RowEntry`] and [`SourceEntry`](crate::ledger::SourceEntry), as table rows).
pub fn job_items(record: &Record) -> Vec<JobItem> {
    let row = JobItem {
        line: record.line,
        source: "row".into(),
        state: record.status.as_str().into(),
        attempts: record.blocks().iter().map(|b| b.requests).sum(),
        last_error: record.error.clone(),
        input: record.input.clone(),
    };
    let blocks = record.named_blocks().map(|(name, block)| {
        let entry = crate::ledger::SourceEntry::from_block(block);
        JobItem {
            line: record.line,
            source: name.into(),
            state: entry.state,
            attempts: entry.attempts,
            last_error: entry.error,
            input: record.input.clone(),
        }
    });
    std::iter::once(row).chain(blocks).collect()
}

impl JobJournal {
    pub fn new(ledger: Ledger) -> Self {
        JobJournal {
            ledger,
            outage_limit: DEFAULT_OUTAGE_LIMIT,
            interrupt: Arc::new(Interrupt::new()),
            gave_up: false,
        }
    }

    /// How long a database outage is waited out, and the signal that ends the wait early.
    pub fn with_outage_limit(mut self, limit: Duration, interrupt: Arc<Interrupt>) -> Self {
        self.outage_limit = limit;
        self.interrupt = interrupt;
        self
    }
}

impl Journal for JobJournal {
    /// Makes `records` durable. Call only with records already flushed to the output.
    fn commit(&mut self, records: &[Record]) -> Result<(), JournalError> {
        if records.is_empty() {
            return Ok(());
        }
        match &mut self.ledger {
            Ledger::File(ledger) => {
                let entries: Vec<RowEntry> = records.iter().map(RowEntry::from_record).collect();
                ledger.append(&entries).map_err(ledger_failed)
            }
            Ledger::Db { store, job } => {
                let items: Vec<JobItem> = records.iter().flat_map(job_items).collect();
                let (store, job) = (store.clone(), job.clone());
                self.during_outage("writing records", || {
                    store.write_batch(&job, records, &items).map(|_| ())
                })
            }
        }
    }

    /// Marks the job finished (or stopped) in its ledger. Writes no record: every record
    /// was committed (or deliberately not) by the writer.
    fn finish(&mut self, status: &str, summary: &Value) -> Result<(), JournalError> {
        match &mut self.ledger {
            Ledger::File(ledger) => ledger.finish(status, summary).map_err(ledger_failed),
            Ledger::Db { store, job } => {
                let (store, job) = (store.clone(), job.clone());
                self.during_outage("recording the end of the job", || {
                    store.finish_job(&job, status, summary)
                })
            }
        }
    }
}

impl JobJournal {
    /// Runs `op`, trying again with backoff while the database is unreachable, for up to
    /// the outage limit. Only outages are retried: a statement the server rejects fails
    /// at once.
    fn during_outage(
        &mut self,
        doing: &str,
        mut op: impl FnMut() -> Result<(), PgError>,
    ) -> Result<(), JournalError> {
        let limit = if self.gave_up {
            Duration::ZERO
        } else {
            self.outage_limit
        };
        let started = Instant::now();
        let mut wait = FIRST_WAIT;
        let mut warned = false;
        loop {
            let err = match op() {
                Ok(()) => {
                    if warned {
                        eprintln!(
                            "mps: the database is back after {:.1}s",
                            started.elapsed().as_secs_f64()
                        );
                    }
                    return Ok(());
                }
                Err(e) => e,
            };
            let waited = started.elapsed();
            if !err.is_outage() || waited >= limit {
                self.gave_up |= err.is_outage();
                let message = if err.is_outage() {
                    format!(
                        "{err} (still unreachable after {}, the outage limit)",
                        humantime::format_duration(round_secs(waited))
                    )
                } else {
                    err.to_string()
                };
                return Err(database_failed(message));
            }
            if !warned {
                warned = true;
                eprintln!(
                    "mps: the database is unreachable while {doing} ({err}); trying again for \
                     up to {}",
                    humantime::format_duration(limit)
                );
            }
            let left = limit.saturating_sub(waited);
            if !self.sleep(wait.min(left)) {
                return Err(JournalError::Interrupted);
            }
            wait = (wait * 2).min(LONGEST_WAIT);
        }
    }

    /// Sleeps for `d` unless a signal comes first; false if one did.
    fn sleep(&self, d: Duration) -> bool {
        let until = Instant::now() + d;
        loop {
            if self.interrupt.signal().is_some() {
                return false;
            }
            let now = Instant::now();
            if now >= until {
                return true;
            }
            std::thread::sleep((until - now).min(Duration::from_millis(50)));
        }
    }
}

fn round_secs(d: Duration) -> Duration {
    Duration::from_secs(d.as_secs())
}
