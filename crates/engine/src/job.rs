//! One batch job: a reader thread, a dedicated rayon pool of HTTP workers, the writer on the
//! calling thread and the journal thread it hands flushed batches to.
//!
//! ```text
//! reader ──PriorityQueue (bounded)──▶ workers (rayon pool) ──channel (bounded)──▶ writer
//!                                        journal thread ◀──batches (bounded)──┘
//! ```
//! Every queue is bounded, so memory stays flat however long the input is. The writer is the
//! only owner of the output (see [`super::writer`]).
//!
//! A stop (a signal, a refused token, `--max-errors`, `--max-runtime`, an output or database
//! that fails) halts the job at once: the queue is dropped, no request is sent after, waits
//! and browser pages in flight are abandoned. Rows that were in flight come back
//! `interrupted` and are neither written nor recorded, so `--resume` fetches them again. The
//! writer waits at most [`JobSpec::stop_grace`] for them; a row stuck in a request past that
//! is left behind (its thread dies with the process) and counted as interrupted too.

use super::context::Context;
use super::dedupe::{Origin, SingleFlight};
use super::ports::JobPorts;
use super::priority::PriorityQueue;
use super::row::{self, RowResult};
pub use super::spec::{JobOutcome, JobSpec, DEFAULT_STOP_GRACE};
use super::stop::{Interrupt, Stop};
use super::writer::{Done, Writer};
use crate::input::InputItem;
use crossbeam_channel::{bounded, Receiver, RecvTimeoutError, Sender};
use mps_model::blocks::SourceStatus;
use mps_model::record::{Record, RowStatus};
use mps_model::Priority;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use super::stop::StopReason;

/// The bytes (as `RowResult::approx_bytes` counts them) of records kept for duplicate rows:
/// a few hundred property records, fewer large comprehensive ones, so memory stays flat
/// however long the input and large the records. A duplicate further apart is fetched again.
const DEDUPE_BYTES: usize = 8 * 1024 * 1024;

/// A row as the job's plan hands it over: to fetch, or answered already (a stored record
/// younger than `--max-age`), so the workers only fetch.
#[derive(Debug)]
pub enum JobRow {
    /// An input row for the workers to fetch.
    Fetch(InputItem),
    /// The row's record, already made: the workers pass it on to the writer unchanged.
    Answered(Box<Record>),
}

/// What the reader, the workers and the writer share.
pub(super) struct Shared {
    queue: PriorityQueue<JobRow>,
    pub(super) stop: Stop,
    /// Set when fetching stops (any stop but the end of a readable input).
    halted: AtomicBool,
    flight: SingleFlight<RowResult>,
    /// Rows taken by workers so far.
    popped: AtomicU64,
    spec: JobSpec,
    ctx: Arc<Context>,
}

impl Shared {
    /// Stops the job and every fetch in it (see the module notes).
    pub(super) fn halt(&self, reason: StopReason) {
        self.stop.set(reason);
        if !self.halted.swap(true, Ordering::SeqCst) {
            self.queue.abandon();
            self.ctx.stop_fetching();
        }
    }

    pub(super) fn is_halted(&self) -> bool {
        self.halted.load(Ordering::SeqCst)
    }
}

fn rank(p: Priority) -> u8 {
    match p {
        Priority::Urgent => 0,
        Priority::High => 1,
        Priority::Normal => 2,
        Priority::Low => 3,
    }
}

/// Runs a job to the end of its input or until it is stopped.
pub fn run<I>(
    input: I,
    spec: &JobSpec,
    ctx: Arc<Context>,
    interrupt: &Interrupt,
    ports: JobPorts<'_>,
) -> JobOutcome
where
    I: Iterator<Item = Result<JobRow, String>> + Send + 'static,
{
    let started = Instant::now();
    let workers = spec.workers.max(1);
    let shared = Arc::new(Shared {
        queue: PriorityQueue::new(workers * 4),
        stop: Stop::default(),
        halted: AtomicBool::new(false),
        flight: SingleFlight::new(spec.dedupe_capacity)
            .with_budget(DEDUPE_BYTES, RowResult::approx_bytes),
        popped: AtomicU64::new(0),
        spec: spec.clone(),
        ctx,
    });
    let (tx, rx) = bounded::<Done>(workers * 2);
    if let Err(e) = spawn_reader(input, &shared).and_then(|()| spawn_workers(workers, &shared, &tx))
    {
        shared.halt(StopReason::Fatal(format!(
            "cannot start the job's threads: {e}; lower --workers"
        )));
    }
    // Only the workers hold senders now: the channel disconnects when the last one ends.
    drop(tx);

    let halt = |reason| shared.halt(reason);
    // The journal thread is scoped: it borrows the journal, and the job ends only once it
    // has committed (or refused) every batch the writer handed it.
    let mut outcome = std::thread::scope(|scope| {
        let mut writer = Writer::new(ports, spec, scope, &halt);
        drive(&mut writer, &rx, &shared, interrupt, started);
        writer.finish(&halt)
    });
    // Rows a worker took but whose record never reached the writer (stuck past the grace).
    let received = outcome.counts.done() + outcome.unwritten + outcome.interrupted;
    let taken = shared.popped.load(Ordering::SeqCst);
    outcome.interrupted += taken.saturating_sub(received);
    outcome.wall = started.elapsed();
    outcome.stop = shared.stop.reason();
    outcome
}

/// The writer's loop: takes finished rows until the workers are done, or until the grace
/// after a stop ran out.
fn drive(
    writer: &mut Writer,
    rx: &Receiver<Done>,
    shared: &Shared,
    interrupt: &Interrupt,
    started: Instant,
) {
    let spec = &shared.spec;
    let halt = |reason| shared.halt(reason);
    let mut stopping_since: Option<Instant> = None;
    loop {
        if let Some(signal) = interrupt.signal() {
            shared.halt(StopReason::Interrupted(signal));
        }
        if let Some(limit) = spec.max_runtime {
            if started.elapsed() >= limit {
                shared.halt(StopReason::MaxRuntime(limit));
            }
        }
        let mut wait = Duration::from_millis(200);
        if shared.is_halted() {
            let since = *stopping_since.get_or_insert_with(Instant::now);
            let left = spec.stop_grace.saturating_sub(since.elapsed());
            if left.is_zero() {
                break;
            }
            wait = wait.min(left);
        }
        writer.tick(&halt);
        match rx.recv_timeout(wait) {
            Ok(done) => writer.take(done, &halt),
            Err(RecvTimeoutError::Timeout) => writer.flush_if_idle(&halt),
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
}

/// The reader: streams rows into the priority window until the input ends or the job halts.
fn spawn_reader<I>(input: I, shared: &Arc<Shared>) -> std::io::Result<()>
where
    I: Iterator<Item = Result<JobRow, String>> + Send + 'static,
{
    let shared = Arc::clone(shared);
    std::thread::Builder::new()
        .name("mps-reader".into())
        .spawn(move || {
            for item in input {
                if shared.is_halted() {
                    break;
                }
                match item {
                    Ok(item) => {
                        let p = priority_of(&item).unwrap_or(shared.spec.default_priority);
                        if !shared.queue.push(rank(p), item) {
                            break;
                        }
                    }
                    Err(message) => {
                        // The rows read so far are still processed; the job then ends.
                        shared.stop.set(StopReason::InputError(message));
                        break;
                    }
                }
            }
            shared.queue.close();
        })
        .map(|_| ())
}

/// The job's one thread budget: a dedicated pool (never rayon's global one: its threads
/// block on I/O) of `2 × workers` threads. The first `workers` run the row loops; the others
/// stay idle to take the steps a row overlaps (`rayon::join` in `row.rs`, `tax_step.rs`),
/// which run on the row's own thread when none is free. Each loop is broadcast to its own
/// thread, so a thread waiting in a join can never pick up a second row loop. The threads
/// are not joined: a worker stuck in a request when the job stops is left to the process's
/// end.
fn spawn_workers(workers: usize, shared: &Arc<Shared>, tx: &Sender<Done>) -> std::io::Result<()> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers * 2)
        .thread_name(|i| format!("mps-http-{i}"))
        .build()
        .map_err(std::io::Error::other)?;
    let (shared, tx) = (Arc::clone(shared), tx.clone());
    pool.spawn_broadcast(move |thread| {
        if thread.index() < workers {
            work(&shared, &tx);
        }
    });
    // Dropping the handle does not wait: the threads end when their loops do. The
    // broadcast (and its sender) is dropped once every loop has ended.
    Ok(())
}

fn work(shared: &Shared, tx: &Sender<Done>) {
    while !shared.is_halted() {
        let Some(item) = shared.queue.pop() else {
            break;
        };
        shared.popped.fetch_add(1, Ordering::SeqCst);
        let t = Instant::now();
        let (record, origin, fatal) = match item {
            JobRow::Answered(record) => (*record, Origin::Fetched, None),
            JobRow::Fetch(item) => process(item, &shared.spec, &shared.ctx, &shared.flight),
        };
        if let Some(msg) = fatal {
            shared.halt(StopReason::Fatal(msg));
        }
        // A host down for longer than requests may wait: stop, so its rows (this one too)
        // end interrupted and `--resume` fetches them once it is back.
        if let Some(host) = shared.ctx.unavailable_host() {
            shared.halt(StopReason::HostUnavailable(host));
        }
        // A row that failed while the job was stopping most likely failed because of the
        // stop (a cancelled request): it is interrupted, not failed, and fetched again.
        let interrupted = shared.is_halted() && record_failed(&record);
        let done = Done {
            record,
            took: t.elapsed(),
            origin,
            interrupted,
        };
        if tx.send(done).is_err() {
            break;
        }
    }
}

fn record_failed(record: &Record) -> bool {
    record.status == RowStatus::Failed
        || record
            .blocks()
            .iter()
            .any(|b| b.status == SourceStatus::Failed)
}

fn priority_of(row: &JobRow) -> Option<Priority> {
    match row {
        JobRow::Fetch(item) => item.outcome.as_ref().ok().and_then(|row| row.priority),
        JobRow::Answered(record) => Some(record.priority),
    }
}

/// Turns one input row into its record.
fn process(
    item: InputItem,
    spec: &JobSpec,
    ctx: &Context,
    flight: &SingleFlight<RowResult>,
) -> (Record, Origin, Option<String>) {
    let priority = item
        .outcome
        .as_ref()
        .ok()
        .and_then(|row| row.priority)
        .unwrap_or(spec.default_priority);
    let mut record = Record {
        line: item.line,
        input: item.raw,
        search_type: None,
        normalized: None,
        priority,
        mode: spec.mode.as_str(),
        status: RowStatus::Invalid,
        apn: None,
        apns: Vec::new(),
        error: None,
        assessor: None,
        tax: None,
        sales: None,
        documents: None,
    };
    let row = match item.outcome {
        Ok(row) => row,
        Err(invalid) => {
            record.error = Some(invalid.reason);
            return (record, Origin::Fetched, None);
        }
    };
    let id = &row.identifier;
    record.search_type = Some(id.search_type().as_str());
    record.normalized = Some(id.display());
    let (result, origin) = flight.get_or_run(
        &format!("{}|{}", spec.mode.as_str(), id.key()),
        || row::run(ctx, id),
        RowResult::shareable,
    );
    record.apn = (result.apns.len() == 1).then(|| result.apns[0]);
    record.apns = result.apns;
    record.assessor = result.assessor;
    record.tax = result.tax;
    record.sales = result.sales;
    record.documents = result.documents;
    if let Some(earlier) = spec.previous.as_ref().and_then(|p| p.get(&record.line)) {
        record.keep_earlier_blocks(earlier);
    }
    record.status = Record::status_from_blocks(&record.blocks());
    record.error = record
        .blocks()
        .iter()
        .find_map(|b| {
            (b.status == SourceStatus::Failed)
                .then(|| b.error.map(str::to_string))
                .flatten()
        })
        .or(result.warning);
    (record, origin, result.fatal)
}
