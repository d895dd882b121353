//! The job's writer: the only owner of the output, and the one place where a row becomes
//! `done`.
//!
//! Durability order: a record is written to the output, the output is flushed, and only
//! then are the flushed records committed to the ledger and (with one) the database, in one
//! step ([`Journal::commit`]). The commit runs on the journal thread
//! ([`super::journal_thread`]), batch after batch in output order, so a slow database does
//! not hold up the output; at most a few batches wait there, past which the writer waits
//! too. A row counts as done, in the summary and in the ledger, only once its batch's commit
//! is acknowledged, and the writer waits for every batch it handed over before the job ends.
//! When the output fails (disk full, closed pipe) or the database stays away, the records not
//! yet committed are dropped from the ledger's point of view: they may sit in the output,
//! where `--resume` finds and reconciles them, but the ledger never claims a row the output
//! (or the database) does not hold.

use super::dedupe::Origin;
use super::journal_thread::{Ack, JournalThread, Refused};
use super::ports::{JobPorts, JournalError, Progress, RecordSink};
use super::spec::{JobOutcome, JobSpec};
use super::stop::StopReason;
use mps_model::record::{Record, RowStatus};
use std::io;
use std::thread::Scope;
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

pub(super) struct Writer {
    sink: Box<dyn RecordSink>,
    journal: JournalThread,
    progress: Box<dyn Progress>,
    flush_every: usize,
    max_errors: u64,
    /// Written to the output, not yet flushed and handed to the journal thread.
    pending: Vec<Record>,
    /// False once the output or the store failed: nothing more is written.
    writing: bool,
    last_flush: Instant,
    /// Failed rows received (for `--max-errors`, whether or not they could be written).
    failed_seen: u64,
    outcome: JobOutcome,
}

impl Writer {
    /// A writer whose journal thread runs in `scope` (so the job ends only after it did).
    pub(super) fn new<'scope, 'env>(
        ports: JobPorts<'env>,
        spec: &JobSpec,
        scope: &'scope Scope<'scope, 'env>,
        halt: &dyn Fn(StopReason),
    ) -> Self {
        let (journal, writing) = match JournalThread::spawn(scope, ports.journal) {
            Ok(journal) => (journal, true),
            Err(e) => {
                // Nothing is written that could not be recorded.
                halt(StopReason::Fatal(format!(
                    "cannot start the job's threads: {e}; lower --workers"
                )));
                (JournalThread::closed(), false)
            }
        };
        Writer {
            sink: ports.sink,
            journal,
            progress: ports.progress,
            flush_every: spec.flush_every.max(1),
            max_errors: spec.max_errors,
            pending: Vec::new(),
            writing,
            last_flush: Instant::now(),
            failed_seen: 0,
            outcome: JobOutcome::default(),
        }
    }

    /// Takes one finished row.
    pub(super) fn take(&mut self, done: Done, halt: &dyn Fn(StopReason)) {
        self.settle_acks(halt);
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

    /// Called at every turn of the job's loop: counts the batches committed meanwhile and
    /// keeps the progress display current while rows are slow to come.
    pub(super) fn tick(&mut self, halt: &dyn Fn(StopReason)) {
        self.settle_acks(halt);
        self.progress.tick();
    }

    /// Called when no row came for a while: makes what was written durable.
    pub(super) fn flush_if_idle(&mut self, halt: &dyn Fn(StopReason)) {
        self.settle_acks(halt);
        self.make_durable(halt);
    }

    /// Closes the output (the `]` of a JSON array), makes the last records durable, waits
    /// for every batch handed to the journal thread (so the caller's `Journal::finish` comes
    /// after them) and returns the counts (wall time and stop reason are the caller's to
    /// fill in).
    pub(super) fn finish(mut self, halt: &dyn Fn(StopReason)) -> JobOutcome {
        if self.writing {
            match self.sink.finish() {
                Ok(()) => self.hand_over(halt),
                Err(e) => self.output_failed(&e, halt),
            }
        }
        self.outcome.unwritten += self.pending.len() as u64;
        self.pending.clear();
        while let Some(ack) = self.journal.wait_ack() {
            self.settle(ack, halt);
        }
        self.progress.finish(&self.outcome.counts);
        self.outcome
    }

    /// Flushes the output, then hands the flushed records to the journal thread.
    fn make_durable(&mut self, halt: &dyn Fn(StopReason)) {
        self.last_flush = Instant::now();
        if !self.writing || self.pending.is_empty() {
            return;
        }
        match self.sink.flush() {
            Ok(()) => self.hand_over(halt),
            Err(e) => self.output_failed(&e, halt),
        }
    }

    /// Hands the pending records (already flushed) to the journal thread, first waiting for
    /// room if as many batches as it may hold are still uncommitted (backpressure).
    fn hand_over(&mut self, halt: &dyn Fn(StopReason)) {
        if self.pending.is_empty() {
            return;
        }
        while self.journal.is_full() {
            match self.journal.wait_ack() {
                Some(ack) => self.settle(ack, halt),
                None => break,
            }
        }
        // A failed batch, acknowledged while waiting, counted the pending records already.
        if !self.writing || self.pending.is_empty() {
            return;
        }
        if let Err(refused) = self.journal.send(std::mem::take(&mut self.pending)) {
            // The thread stopped after a failed batch; its acknowledgement stops the job.
            self.outcome.unwritten += refused.len() as u64;
        }
    }

    /// Counts the batches acknowledged so far, without waiting.
    fn settle_acks(&mut self, halt: &dyn Fn(StopReason)) {
        while let Some(ack) = self.journal.try_ack() {
            self.settle(ack, halt);
        }
    }

    /// One batch's acknowledgement: its rows are done, or the job stops.
    fn settle(&mut self, ack: Ack, halt: &dyn Fn(StopReason)) {
        match ack {
            Ok(statuses) => {
                for status in statuses {
                    self.outcome.counts.add(status);
                }
                self.progress.update(&self.outcome.counts);
            }
            Err(refused) => self.journal_failed(refused, halt),
        }
    }

    /// A batch could not be committed: nothing more is written, and neither the pending
    /// records nor the batches still in flight (which are not committed) become done.
    fn journal_failed(&mut self, refused: Refused, halt: &dyn Fn(StopReason)) {
        self.writing = false;
        self.outcome.unwritten += self.pending.len() as u64 + refused.rows;
        self.pending.clear();
        match refused.error {
            // The signal is already (or about to be) the stop reason.
            JournalError::Interrupted => {}
            other => halt(StopReason::StoreError(other.to_string())),
        }
    }

    /// The output failed: nothing more is written, and nothing pending becomes done. The
    /// batches already flushed and handed over are still committed.
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
