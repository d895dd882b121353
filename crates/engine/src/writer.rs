//! The job's writer: the only owner of the output, and the one place where a row becomes
//! `done`.
//!
//! Durability order: a record is written to the output, the output is flushed, and only
//! then are the flushed records committed to the ledger and (with one) the database, in one
//! step ([`Journal::commit`]). A row counts as done, in the summary and in the ledger, only
//! after all of that succeeded. When the output fails (disk full, closed pipe) or the
//! database stays away, the records not yet committed are dropped from the ledger's point
//! of view: they may sit in the output, where `--resume` finds and reconciles them, but the
//! ledger never claims a row the output (or the database) does not hold.

use super::dedupe::Origin;
use super::ports::{JobPorts, Journal, JournalError, Progress, RecordSink};
use super::spec::{JobOutcome, JobSpec};
use super::stop::StopReason;
use mps_model::record::{Record, RowStatus};
use std::io;
use std::time::{Duration, Instant};

/// Records are flushed at least this often while rows keep coming, so a crash loses little
/// more than the rows in flight.
const FLUSH_INTERVAL: Duration = Duration::from_millis(200);

/// A finished row on its way to the writer.
pub(super) struct Done {
    pub(super) record: Record,
    pub(super) took: Duration,
    pub(super) origin: Origin,
    /// The row was in flight when the job stopped: not written, fetched again on resume.
    pub(super) interrupted: bool,
}

pub(super) struct Writer<'a> {
    sink: Box<dyn RecordSink>,
    journal: &'a mut dyn Journal,
    progress: Box<dyn Progress>,
    flush_every: usize,
    max_errors: u64,
    /// Written to the output, not yet flushed and committed.
    pending: Vec<Record>,
    /// False once the output or the store failed: nothing more is written.
    writing: bool,
    last_flush: Instant,
    /// Failed rows received (for `--max-errors`, whether or not they could be written).
    failed_seen: u64,
    outcome: JobOutcome,
}

impl<'a> Writer<'a> {
    pub(super) fn new(ports: JobPorts<'a>, spec: &JobSpec) -> Self {
        Writer {
            sink: ports.sink,
            journal: ports.journal,
            progress: ports.progress,
            flush_every: spec.flush_every.max(1),
            max_errors: spec.max_errors,
            pending: Vec::new(),
            writing: true,
            last_flush: Instant::now(),
            failed_seen: 0,
            outcome: JobOutcome::default(),
        }
    }

    /// Takes one finished row.
    pub(super) fn take(&mut self, done: Done, halt: &dyn Fn(StopReason)) {
        self.outcome.row_time += done.took;
        if done.interrupted {
            self.outcome.interrupted += 1;
            return;
        }
        if done.origin == Origin::Shared {
            self.outcome.shared += 1;
        }
        if done.record.status == RowStatus::Failed {
            self.failed_seen += 1;
            if self.max_errors > 0 && self.failed_seen >= self.max_errors {
                halt(StopReason::MaxErrors(self.max_errors));
            }
        }
        if !self.writing {
            self.outcome.unwritten += 1;
            return;
        }
        let (sink, record) = (&mut self.sink, &done.record);
        match self.progress.around_output(&mut || sink.write(record)) {
            Ok(()) => self.pending.push(done.record),
            Err(e) => {
                self.outcome.unwritten += 1;
                self.output_failed(&e, halt);
                return;
            }
        }
        if self.pending.len() >= self.flush_every || self.last_flush.elapsed() >= FLUSH_INTERVAL {
            self.make_durable(halt);
        }
    }

    /// Called at every turn of the job's loop: keeps the progress display current while
    /// rows are slow to come.
    pub(super) fn tick(&mut self) {
        self.progress.tick();
    }

    /// Called when no row came for a while: makes what was written durable.
    pub(super) fn flush_if_idle(&mut self, halt: &dyn Fn(StopReason)) {
        self.make_durable(halt);
    }

    /// Closes the output (the `]` of a JSON array), makes the last records durable and
    /// returns the counts (wall time and stop reason are the caller's to fill in).
    pub(super) fn finish(mut self, halt: &dyn Fn(StopReason)) -> JobOutcome {
        if self.writing {
            match self.sink.finish() {
                Ok(()) => self.commit(halt),
                Err(e) => self.output_failed(&e, halt),
            }
        }
        self.outcome.unwritten += self.pending.len() as u64;
        self.pending.clear();
        self.progress.finish(&self.outcome.counts);
        self.outcome
    }

    /// Flushes the output, then commits the flushed records.
    fn make_durable(&mut self, halt: &dyn Fn(StopReason)) {
        self.last_flush = Instant::now();
        if !self.writing || self.pending.is_empty() {
            return;
        }
        match self.sink.flush() {
            Ok(()) => self.commit(halt),
            Err(e) => self.output_failed(&e, halt),
        }
    }

    /// Commits the pending records (already flushed) to the ledger and the database.
    fn commit(&mut self, halt: &dyn Fn(StopReason)) {
        match self.journal.commit(&self.pending) {
            Ok(()) => {
                for record in self.pending.drain(..) {
                    self.outcome.counts.add(record.status);
                }
                self.progress.update(&self.outcome.counts);
            }
            Err(e) => {
                self.writing = false;
                self.outcome.unwritten += self.pending.len() as u64;
                self.pending.clear();
                match e {
                    // The signal is already (or about to be) the stop reason.
                    JournalError::Interrupted => {}
                    other => halt(StopReason::StoreError(other.to_string())),
                }
            }
        }
    }

    /// The output failed: nothing more is written, and nothing pending becomes done.
    fn output_failed(&mut self, e: &io::Error, halt: &dyn Fn(StopReason)) {
        self.writing = false;
        self.outcome.unwritten += self.pending.len() as u64;
        self.pending.clear();
        halt(if e.kind() == io::ErrorKind::BrokenPipe {
            StopReason::OutputClosed
        } else {
            StopReason::OutputError(e.to_string())
        });
    }
}
