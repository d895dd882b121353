//! One batch job: a reader thread, a dedicated rayon pool of HTTP workers, one writer thread.
//!
//! ```text
//! reader ──PriorityQueue (bounded)──▶ workers (rayon pool) ──channel (bounded)──▶ writer
//! ```
//! Every queue is bounded, so memory stays flat however long the input is. The writer is the
//! only owner of the output. A stop (Ctrl-C, a refused token, `--max-errors`,
//! `--max-runtime`, a closed output) stops the reading, lets in-flight rows finish and be
//! written, and flushes.

use super::context::Context;
use super::dedupe::{Origin, SingleFlight};
use super::mode::Mode;
use super::persist::Persist;
use super::priority::PriorityQueue;
use super::record::{Record, RowStatus, SourceBlock};
use super::row::{self, RowResult};
use super::stats::Counts;
use crate::input::{InputItem, Priority};
use crate::progress::{Progress, ProgressMode};
use crate::source::model::SourceStatus;
use crate::store::RecordSink;
use crossbeam_channel::{bounded, RecvTimeoutError};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How to run a job.
#[derive(Debug, Clone)]
pub struct JobSpec {
    pub mode: Mode,
    pub workers: usize,
    pub default_priority: Priority,
    /// Stop after this many failed rows (0: never).
    pub max_errors: u64,
    pub max_runtime: Option<Duration>,
    /// Records between output flushes.
    pub flush_every: usize,
    pub search_max_pages: u32,
    pub progress: ProgressMode,
    /// Expected rows, for the progress bar's ETA.
    pub total_hint: Option<u64>,
    /// Distinct identifiers whose results are kept for duplicate rows.
    pub dedupe_capacity: usize,
    /// `--retry-failed --source S`: the rows' earlier records, whose other blocks are kept.
    pub previous: Option<std::sync::Arc<std::collections::HashMap<u64, serde_json::Value>>>,
}

/// Why a job stopped before the end of its input.
#[derive(Debug, Clone, PartialEq)]
pub enum StopReason {
    Fatal(String),
    MaxErrors(u64),
    MaxRuntime(Duration),
    Interrupted,
    OutputClosed,
    OutputError(String),
    InputError(String),
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StopReason::Fatal(m) => write!(f, "{m}"),
            StopReason::MaxErrors(n) => write!(f, "stopped after {n} failed rows (--max-errors)"),
            StopReason::MaxRuntime(d) => write!(
                f,
                "stopped after {} (--max-runtime)",
                humantime::format_duration(*d)
            ),
            StopReason::Interrupted => write!(f, "interrupted"),
            StopReason::OutputClosed => write!(f, "the output was closed"),
            StopReason::OutputError(m) => write!(f, "cannot write the output: {m}"),
            StopReason::InputError(m) => write!(f, "cannot read the input: {m}"),
        }
    }
}

/// What a job did.
#[derive(Debug, Clone)]
pub struct JobOutcome {
    pub counts: Counts,
    pub wall: Duration,
    /// Sum of the time rows spent being processed (for the average per row).
    pub row_time: Duration,
    /// Rows answered from another row's fetch of the same identifier.
    pub shared: u64,
    pub stop: Option<StopReason>,
}

/// The first stop wins; later ones are ignored.
struct Stop {
    flag: AtomicBool,
    reason: Mutex<Option<StopReason>>,
}

impl Stop {
    fn set(&self, r: StopReason) {
        let mut g = self.reason.lock().unwrap_or_else(|e| e.into_inner());
        if g.is_none() {
            *g = Some(r);
        }
        self.flag.store(true, Ordering::SeqCst);
    }
    fn is_set(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
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

/// A finished row on its way to the writer.
struct Done {
    record: Record,
    took: Duration,
    origin: Origin,
}

/// Decides, before any fetch, that a row needs none (`--max-age`): returns its record.
pub type Skip<'a> = &'a (dyn Fn(&InputItem) -> Option<Record> + Sync);

/// Runs a job to the end of its input or until it is stopped.
pub fn run<I>(
    input: I,
    sink: Box<dyn RecordSink>,
    spec: &JobSpec,
    ctx: &Context,
    interrupt: &AtomicBool,
    persist: &mut Persist,
) -> JobOutcome
where
    I: Iterator<Item = Result<InputItem, String>> + Send,
{
    run_with_skip(
        input,
        sink,
        spec,
        ctx,
        interrupt,
        persist,
        &|_: &InputItem| None,
    )
}

/// [`run`], with rows that `skip` answers reported without fetching.
pub fn run_with_skip<I>(
    input: I,
    mut sink: Box<dyn RecordSink>,
    spec: &JobSpec,
    ctx: &Context,
    interrupt: &AtomicBool,
    persist: &mut Persist,
    skip: Skip,
) -> JobOutcome
where
    I: Iterator<Item = Result<InputItem, String>> + Send,
{
    let started = Instant::now();
    let workers = spec.workers.max(1);
    let queue: PriorityQueue<InputItem> = PriorityQueue::new(workers * 4);
    let (tx, rx) = bounded::<Done>(workers * 2);
    let stop = Stop {
        flag: AtomicBool::new(false),
        reason: Mutex::new(None),
    };
    let flight: SingleFlight<RowResult> = SingleFlight::new(spec.dedupe_capacity);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .thread_name(|i| format!("mps-http-{i}"))
        .build();

    // Borrowed by every thread of the scope below.
    let (queue, stop, flight) = (&queue, &stop, &flight);

    std::thread::scope(|s| -> JobOutcome {
        // Reader: streams rows into the priority window.
        s.spawn(move || {
            for item in input {
                if stop.is_set() {
                    break;
                }
                match item {
                    Ok(item) => {
                        let r = rank(priority_of(&item).unwrap_or(spec.default_priority));
                        if !queue.push(r, item) {
                            break;
                        }
                    }
                    Err(message) => {
                        stop.set(StopReason::InputError(message));
                        break;
                    }
                }
            }
            queue.close();
        });

        // Writer: the only owner of the output.
        let writer = s.spawn(move || {
            let mut outcome = JobOutcome {
                counts: Counts::default(),
                wall: Duration::ZERO,
                row_time: Duration::ZERO,
                shared: 0,
                stop: None,
            };
            let mut progress = Progress::new(spec.progress, spec.total_hint);
            let mut since_flush = 0usize;
            let mut last_flush = Instant::now();
            let mut write_ok = true;
            loop {
                if interrupt.load(Ordering::SeqCst) && !stop.is_set() {
                    stop.set(StopReason::Interrupted);
                }
                if let Some(limit) = spec.max_runtime {
                    if started.elapsed() >= limit && !stop.is_set() {
                        stop.set(StopReason::MaxRuntime(limit));
                    }
                }
                if stop.is_set() {
                    queue.abandon();
                }
                match rx.recv_timeout(Duration::from_millis(200)) {
                    Ok(done) => {
                        outcome.counts.add(done.record.status);
                        outcome.row_time += done.took;
                        if done.origin == Origin::Shared {
                            outcome.shared += 1;
                        }
                        if write_ok {
                            match sink.write(&done.record) {
                                Ok(()) => persist.push(done.record),
                                Err(e) => {
                                    write_ok = false;
                                    stop.set(if e.kind() == std::io::ErrorKind::BrokenPipe {
                                        StopReason::OutputClosed
                                    } else {
                                        StopReason::OutputError(e.to_string())
                                    });
                                }
                            }
                            since_flush += 1;
                            // A busy writer never idles: flush by count and by time, so a
                            // crash loses little more than the rows in flight.
                            if since_flush >= spec.flush_every
                                || last_flush.elapsed() >= Duration::from_millis(200)
                            {
                                since_flush = 0;
                                last_flush = Instant::now();
                                durable(&mut *sink, persist, stop);
                            }
                        }
                        progress.update(&outcome.counts);
                        if spec.max_errors > 0 && outcome.counts.failed >= spec.max_errors {
                            stop.set(StopReason::MaxErrors(spec.max_errors));
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => {
                        if since_flush > 0 && write_ok {
                            since_flush = 0;
                            durable(&mut *sink, persist, stop);
                        }
                    }
                    Err(RecvTimeoutError::Disconnected) => break,
                }
            }
            if write_ok {
                match sink.finish() {
                    Ok(()) => {
                        if let Err(e) = persist.commit() {
                            stop.set(StopReason::OutputError(e));
                        }
                    }
                    Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                        stop.set(StopReason::OutputError(e.to_string()));
                    }
                    Err(_) => {}
                }
            }
            progress.finish(&outcome.counts);
            outcome
        });

        // Workers: a dedicated pool, never rayon's global one (they block on I/O).
        let work = || {
            let tx = tx.clone();
            move || {
                while !stop.is_set() {
                    let Some(item) = queue.pop() else { break };
                    let t = Instant::now();
                    let (record, origin, fatal) = match skip(&item) {
                        Some(record) => (record, Origin::Fetched, None),
                        None => process(item, spec, ctx, flight),
                    };
                    if let Some(msg) = fatal {
                        stop.set(StopReason::Fatal(msg));
                    }
                    let done = Done {
                        record,
                        took: t.elapsed(),
                        origin,
                    };
                    if tx.send(done).is_err() {
                        break;
                    }
                }
            }
        };
        match &pool {
            Ok(pool) => pool.scope(|sc| {
                for _ in 0..workers {
                    let job = work();
                    sc.spawn(move |_| job());
                }
            }),
            // Without a pool (thread creation refused), run on this thread rather than fail.
            Err(_) => work()(),
        }
        drop(tx);
        let mut out = writer.join().unwrap_or_else(|_| JobOutcome {
            counts: Counts::default(),
            wall: Duration::ZERO,
            row_time: Duration::ZERO,
            shared: 0,
            stop: Some(StopReason::OutputError("the writer thread panicked".into())),
        });
        out.wall = started.elapsed();
        out.stop = out
            .stop
            .or_else(|| stop.reason.lock().unwrap_or_else(|e| e.into_inner()).take());
        out
    })
}

/// Flushes the output, then records the flushed rows in the ledger (in that order, so the
/// ledger never claims a record the output lacks).
fn durable(sink: &mut dyn RecordSink, persist: &mut Persist, stop: &Stop) {
    if let Err(e) = sink.flush() {
        stop.set(StopReason::OutputError(e.to_string()));
        return;
    }
    if let Err(e) = persist.commit() {
        stop.set(StopReason::OutputError(e));
    }
}

/// Fills the blocks this run did not fetch from the row's earlier record.
fn keep_earlier_blocks(record: &mut Record, old: &serde_json::Value) {
    let earlier = |name: &str| serde_json::from_value::<SourceBlock>(old[name].clone()).ok();
    if record.assessor.is_none() {
        record.assessor = earlier("assessor");
    }
    if record.tax.is_none() {
        record.tax = earlier("tax");
    }
    if record.sales.is_none() {
        record.sales = earlier("sales");
    }
    if record.documents.is_none() {
        record.documents = earlier("documents");
    }
}

fn priority_of(item: &InputItem) -> Option<Priority> {
    item.outcome.as_ref().ok().and_then(|row| row.priority)
}

/// Turns one input row into its record.
fn process(
    item: InputItem,
    spec: &JobSpec,
    ctx: &Context,
    flight: &SingleFlight<RowResult>,
) -> (Record, Origin, Option<String>) {
    let priority = priority_of(&item).unwrap_or(spec.default_priority);
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
    if let Some(old) = spec.previous.as_ref().and_then(|p| p.get(&record.line)) {
        keep_earlier_blocks(&mut record, old);
    }
    record.status = Record::status_from_blocks(&record.blocks());
    record.error = record
        .blocks()
        .iter()
        .find_map(|b| {
            (b.status == SourceStatus::Failed)
                .then(|| b.error.clone())
                .flatten()
        })
        .or(result.warning);
    (record, origin, result.fatal)
}
