//! The job's journal thread: commits the writer's flushed batches to the [`Journal`] one
//! after the other, off the writer's thread, and acknowledges each, so a slow database never
//! holds up the output.
//!
//! Batches are committed in the order they were handed over, which is the order they were
//! written and flushed. After a batch fails, no later one is committed: the ledger stays a
//! prefix of the output, and the writer counts the rest as unwritten.

use super::ports::{Journal, JournalError};
use crossbeam_channel::{bounded, Receiver, SendError, Sender, TryRecvError};
use mps_model::record::{Record, RowStatus};
use std::collections::VecDeque;
use std::thread::Scope;

/// Batches handed over and not yet acknowledged, at most. Past it the writer waits for an
/// acknowledgement: memory stays bounded however slow the database, and the output runs at
/// most this many batches ahead of the ledger.
pub(super) const MAX_IN_FLIGHT: usize = 4;

/// A batch's acknowledgement: the statuses of its rows, now committed (the writer counts
/// them done), or why the batch could not be committed.
pub(super) type Ack = Result<Vec<RowStatus>, Refused>;

/// A batch could not be committed. The thread takes no more batches after it.
pub(super) struct Refused {
    pub(super) error: JournalError,
    /// The rows of the failed batch and of every batch in flight behind it: none of them
    /// was committed.
    pub(super) rows: u64,
}

/// The writer's end of the journal thread.
pub(super) struct JournalThread {
    /// `None` once a batch failed: the thread takes no more.
    batches: Option<Sender<Vec<Record>>>,
    acks: Receiver<Result<(), JournalError>>,
    /// The statuses of the batches handed over and not yet acknowledged, oldest first.
    in_flight: VecDeque<Vec<RowStatus>>,
}

impl JournalThread {
    /// Starts the thread in `scope`: it borrows the journal, and the scope's end waits for
    /// it (it ends once this handle is dropped and its last commit returned).
    pub(super) fn spawn<'scope, 'env>(
        scope: &'scope Scope<'scope, 'env>,
        journal: &'scope mut (dyn Journal + 'env),
    ) -> std::io::Result<Self> {
        // Neither channel ever fills: the writer hands over at most MAX_IN_FLIGHT batches
        // before it reads an acknowledgement.
        let (batch_tx, batch_rx) = bounded(MAX_IN_FLIGHT);
        let (ack_tx, ack_rx) = bounded(MAX_IN_FLIGHT);
        std::thread::Builder::new()
            .name("mps-journal".into())
            .spawn_scoped(scope, move || commit_in_order(journal, &batch_rx, &ack_tx))?;
        Ok(JournalThread {
            batches: Some(batch_tx),
            acks: ack_rx,
            in_flight: VecDeque::new(),
        })
    }

    /// A handle with no thread behind it (the thread could not be started): takes nothing.
    pub(super) fn closed() -> Self {
        JournalThread {
            batches: None,
            acks: crossbeam_channel::never(),
            in_flight: VecDeque::new(),
        }
    }

    /// Whether the writer must wait for an acknowledgement before it hands over a batch.
    pub(super) fn is_full(&self) -> bool {
        self.in_flight.len() >= MAX_IN_FLIGHT
    }

    /// Hands over a flushed batch. Gives it back if the thread takes no more (it stopped
    /// after a failed batch, whose acknowledgement is still to be read).
    pub(super) fn send(&mut self, batch: Vec<Record>) -> Result<(), Vec<Record>> {
        let Some(batches) = &self.batches else {
            return Err(batch);
        };
        let statuses = batch.iter().map(|r| r.status).collect();
        batches.send(batch).map_err(SendError::into_inner)?;
        self.in_flight.push_back(statuses);
        Ok(())
    }

    /// The oldest batch's acknowledgement if it came already; never waits.
    pub(super) fn try_ack(&mut self) -> Option<Ack> {
        if self.in_flight.is_empty() {
            return None;
        }
        match self.acks.try_recv() {
            Ok(result) => Some(self.settle(result)),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(self.settle(Err(thread_ended()))),
        }
    }

    /// Waits for the oldest batch's acknowledgement; `None` when no batch is in flight.
    pub(super) fn wait_ack(&mut self) -> Option<Ack> {
        if self.in_flight.is_empty() {
            return None;
        }
        let result = self.acks.recv().unwrap_or_else(|_| Err(thread_ended()));
        Some(self.settle(result))
    }

    /// Pairs an acknowledgement with the oldest batch in flight (acks come in order). A
    /// failure also gives up on the batches behind it, which the thread will not commit.
    fn settle(&mut self, result: Result<(), JournalError>) -> Ack {
        match result {
            Ok(()) => Ok(self.in_flight.pop_front().unwrap_or_default()),
            Err(error) => {
                self.batches = None;
                let rows = self.in_flight.drain(..).map(|b| b.len() as u64).sum();
                Err(Refused { error, rows })
            }
        }
    }
}

/// The thread ended without acknowledging a batch (it panicked).
fn thread_ended() -> JournalError {
    JournalError::Failed("the journal thread ended unexpectedly".into())
}

/// The thread's loop: commits each batch and acknowledges it, until the writer drops its
/// end or a batch fails.
fn commit_in_order(
    journal: &mut dyn Journal,
    batches: &Receiver<Vec<Record>>,
    acks: &Sender<Result<(), JournalError>>,
) {
    for batch in batches {
        let result = journal.commit(&batch);
        let failed = result.is_err();
        // A failed batch ends the thread: committing a later one would leave a hole in the
        // ledger. The batches still queued are dropped with the receiver.
        if acks.send(result).is_err() || failed {
            break;
        }
    }
}
