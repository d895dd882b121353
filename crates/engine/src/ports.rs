//! The engine's ports: where a job's records go, where they are recorded as done, and how
//! progress is shown. The command layer plugs in the output formats, the file or database
//! ledger and the display; the engine imports none of them. What the rows ask the county is
//! the fourth port, [`crate::sources_port::Sources`].

use mps_model::counts::Counts;
use mps_model::record::Record;
use serde_json::Value;
use std::io;

/// The three ports of one job, handed to [`crate::job::run`].
pub struct JobPorts<'a> {
    /// The output.
    pub sink: Box<dyn RecordSink>,
    /// Where rows are recorded as done (after the output is flushed).
    pub journal: &'a mut dyn Journal,
    /// The progress display.
    pub progress: Box<dyn Progress>,
}

/// Something records are written to, by the writer thread only.
pub trait RecordSink: Send {
    /// Writes one record; it may stay buffered until [`RecordSink::flush`].
    fn write(&mut self, record: &Record) -> io::Result<()>;
    /// Pushes written records out; only then does the writer commit them to the journal.
    fn flush(&mut self) -> io::Result<()>;
    /// Writes any closing text (the `]` of a JSON array) and flushes.
    fn finish(&mut self) -> io::Result<()>;
}

/// Where finished rows are recorded as done: the job ledger (a file, or PostgreSQL's
/// `jobs`/`job_items` with the records' rows). The writer calls [`Journal::commit`] only
/// with records already flushed to the output, so a row is never recorded that the output
/// lacks.
pub trait Journal: Send {
    /// Makes `records` durable.
    fn commit(&mut self, records: &[Record]) -> Result<(), JournalError>;
    /// Marks the job finished (or stopped), with its summary. Writes no record.
    fn finish(&mut self, status: &str, summary: &Value) -> Result<(), JournalError>;
}

/// Why records could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// The ledger or the database failed; the message says which and why.
    #[error("{0}")]
    Failed(String),
    /// A stop (Ctrl-C) came while waiting for the database to come back.
    #[error("interrupted while waiting for the database to come back")]
    Interrupted,
}

/// A journal that records nothing (`mps search`: one identifier, nothing to resume).
pub struct NoJournal;

impl Journal for NoJournal {
    fn commit(&mut self, _: &[Record]) -> Result<(), JournalError> {
        Ok(())
    }
    fn finish(&mut self, _: &str, _: &Value) -> Result<(), JournalError> {
        Ok(())
    }
}

/// The progress display, owned by the writer thread.
pub trait Progress: Send {
    /// Called after records become durable, with the counts so far.
    fn update(&mut self, counts: &Counts);
    /// Called at every turn of the writer's loop (often): a display renews itself here.
    fn tick(&mut self);
    /// Runs `write` (records going to the output) with the display out of its way.
    fn around_output(&mut self, write: &mut dyn FnMut() -> io::Result<()>) -> io::Result<()>;
    /// The job ended with these counts.
    fn finish(&mut self, counts: &Counts);
}
