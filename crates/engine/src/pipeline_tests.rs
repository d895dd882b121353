//! The pipeline through its ports, with in-memory doubles for the output, the journal and
//! the progress display: durability order, the journal thread (a commit the test holds
//! open), priorities, stop reasons. Rows are invalid input or answered already by the plan,
//! so no host is needed (but for one row that holds the worker on a host that never
//! answers).

use super::context::Context;
use super::job::{run, JobOutcome, JobRow, JobSpec, DEFAULT_STOP_GRACE};
use super::journal_thread::MAX_IN_FLIGHT;
use super::lazy_browser::LazyBrowser;
use super::ports::{JobPorts, Journal, JournalError, Progress, RecordSink};
use super::sources_port::CountyClients;
use super::stop::{Interrupt, StopReason};
use crate::input::{InputItem, InputRow, InvalidRow};
use mps_browser::PoolOptions;
use mps_ident::{classify, SearchType};
use mps_model::counts::Counts;
use mps_model::record::{Record, RowStatus};
use mps_model::{Mode, Priority, Service, Strategy};
use mps_sources::assessor::AssessorClient;
use mps_sources::recorder::RecorderClient;
use mps_sources::treasurer::TreasurerClient;
use mps_sources::{Http, HttpConfig};
use serde_json::Value;
use std::io;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// What the doubles saw, in order.
#[derive(Debug, Clone, PartialEq)]
enum Event {
    Write(u64),
    Flush,
    Finish,
    Commit(Vec<u64>),
    JournalFinish,
    /// The progress display was told this many rows are done.
    Counted(u64),
}

type Log = Arc<Mutex<Vec<Event>>>;

fn push(log: &Log, e: Event) {
    log.lock().unwrap().push(e);
}

struct MemorySink {
    log: Log,
    /// Writes fail with this error kind from the n-th write on.
    fail_from: Option<(usize, io::ErrorKind)>,
    writes: usize,
    /// Written since the last flush.
    unflushed: Vec<u64>,
    /// Told the lines of each flush, as it happens.
    flushed: Option<crossbeam_channel::Sender<Vec<u64>>>,
}

impl MemorySink {
    fn new(log: &Log, fail_from: Option<(usize, io::ErrorKind)>) -> Self {
        MemorySink {
            log: Arc::clone(log),
            fail_from,
            writes: 0,
            unflushed: Vec::new(),
            flushed: None,
        }
    }

    fn flushed(&mut self) {
        let lines = std::mem::take(&mut self.unflushed);
        if let Some(tx) = &self.flushed {
            let _ = tx.send(lines);
        }
    }
}

impl RecordSink for MemorySink {
    fn write(&mut self, record: &Record) -> io::Result<()> {
        self.writes += 1;
        if let Some((n, kind)) = self.fail_from {
            if self.writes >= n {
                return Err(io::Error::new(kind, "test output failure"));
            }
        }
        push(&self.log, Event::Write(record.line));
        self.unflushed.push(record.line);
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        push(&self.log, Event::Flush);
        self.flushed();
        Ok(())
    }
    fn finish(&mut self) -> io::Result<()> {
        push(&self.log, Event::Finish);
        self.flushed();
        Ok(())
    }
}

struct MemoryJournal {
    log: Log,
    fail: bool,
    /// Each commit takes this long (a slow database).
    delay: Duration,
}

impl Journal for MemoryJournal {
    fn commit(&mut self, records: &[Record]) -> Result<(), JournalError> {
        std::thread::sleep(self.delay);
        if self.fail {
            return Err(JournalError::Failed("test journal failure".into()));
        }
        push(
            &self.log,
            Event::Commit(records.iter().map(|r| r.line).collect()),
        );
        Ok(())
    }
    fn finish(&mut self, _: &str, _: &Value) -> Result<(), JournalError> {
        push(&self.log, Event::JournalFinish);
        Ok(())
    }
}

/// A journal whose every commit announces its lines, then waits for the test's verdict:
/// true commits, false fails. With no verdict left to wait for, it commits.
struct GatedJournal {
    log: Log,
    entered: crossbeam_channel::Sender<Vec<u64>>,
    verdicts: crossbeam_channel::Receiver<bool>,
}

impl Journal for GatedJournal {
    fn commit(&mut self, records: &[Record]) -> Result<(), JournalError> {
        let lines: Vec<u64> = records.iter().map(|r| r.line).collect();
        let _ = self.entered.send(lines.clone());
        if !self.verdicts.recv().unwrap_or(true) {
            return Err(JournalError::Failed("test journal failure".into()));
        }
        push(&self.log, Event::Commit(lines));
        Ok(())
    }
    fn finish(&mut self, _: &str, _: &Value) -> Result<(), JournalError> {
        push(&self.log, Event::JournalFinish);
        Ok(())
    }
}

/// A progress display that logs (and, with a channel, tells) each count of done rows.
struct Counting {
    log: Log,
    counted: Option<crossbeam_channel::Sender<u64>>,
}

impl Progress for Counting {
    fn update(&mut self, counts: &Counts) {
        push(&self.log, Event::Counted(counts.done()));
        if let Some(tx) = &self.counted {
            let _ = tx.send(counts.done());
        }
    }
    fn tick(&mut self) {}
    fn around_output(&mut self, write: &mut dyn FnMut() -> io::Result<()>) -> io::Result<()> {
        write()
    }
    fn finish(&mut self, _: &Counts) {}
}

/// A host nothing listens on.
const NOWHERE: &str = "http://127.0.0.1:9";

/// A context whose Assessor is `assessor` (no other host is ever asked), tried once.
fn context(assessor: &str) -> Arc<Context> {
    let config = HttpConfig {
        max_attempts: 1,
        ..HttpConfig::new(Service::ALL)
    };
    let http = Http::new(config).unwrap();
    Arc::new(Context::new(
        Mode::Property,
        Strategy::default(),
        Box::new(CountyClients {
            assessor: AssessorClient::new(http.clone(), assessor, "", 1),
            treasurer: TreasurerClient::new(http.clone(), NOWHERE),
            recorder: RecorderClient::new(http.clone(), NOWHERE, NOWHERE, 1),
        }),
        LazyBrowser::new(PoolOptions::default(), http),
        1,
        10,
    ))
}

fn spec(workers: usize, flush_every: usize, max_errors: u64) -> JobSpec {
    JobSpec {
        mode: Mode::Property,
        workers,
        default_priority: Priority::Normal,
        max_errors,
        max_runtime: None,
        flush_every,
        dedupe_capacity: 16,
        previous: None,
        stop_grace: DEFAULT_STOP_GRACE,
    }
}

fn valid(line: u64, apn: &str, priority: Option<Priority>) -> JobRow {
    JobRow::Fetch(InputItem {
        line,
        raw: apn.to_string(),
        outcome: Ok(InputRow {
            identifier: classify(apn, SearchType::Apn).unwrap(),
            priority,
            search_type: SearchType::Apn,
        }),
    })
}

fn invalid(line: u64) -> JobRow {
    JobRow::Fetch(InputItem {
        line,
        raw: "??".into(),
        outcome: Err(InvalidRow {
            reason: format!("line {line}: not an identifier"),
        }),
    })
}

/// A row the plan answered already, with `status`.
fn answered(line: u64, status: RowStatus, priority: Priority) -> JobRow {
    JobRow::Answered(Box::new(Record {
        priority,
        status,
        ..record(line)
    }))
}

fn record(line: u64) -> Record {
    Record {
        line,
        input: String::new(),
        search_type: None,
        normalized: None,
        priority: Priority::Normal,
        mode: "property",
        status: RowStatus::Ok,
        apn: None,
        apns: Vec::new(),
        error: None,
        assessor: None,
        tax: None,
        sales: None,
        documents: None,
    }
}

/// A host that takes connections, says so on `reached`, and holds each for `hold` without
/// a word: a row fetched from it keeps its worker busy that long.
fn holding_host(reached: crossbeam_channel::Sender<()>, hold: Duration) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(conn) = conn else { break };
            let _ = reached.try_send(());
            std::thread::sleep(hold);
            drop(conn);
        }
    });
    url
}

struct Run {
    log: Vec<Event>,
    outcome: JobOutcome,
}

fn run_job(
    items: impl Iterator<Item = JobRow> + Send + 'static,
    spec: &JobSpec,
    assessor: &str,
    sink_fails: Option<(usize, io::ErrorKind)>,
    journal_fails: bool,
    interrupt: &Interrupt,
) -> Run {
    let log: Log = Arc::default();
    let mut journal = MemoryJournal {
        log: Arc::clone(&log),
        fail: journal_fails,
        delay: Duration::ZERO,
    };
    let ports = JobPorts {
        sink: Box::new(MemorySink::new(&log, sink_fails)),
        journal: &mut journal,
        progress: Box::new(Counting {
            log: Arc::clone(&log),
            counted: None,
        }),
    };
    let outcome = run(items.map(Ok), spec, context(assessor), interrupt, ports);
    let log = log.lock().unwrap().clone();
    Run { log, outcome }
}

/// Checks that no progress count ever ran ahead of the rows committed before it.
fn assert_counted_only_committed_rows(log: &[Event]) {
    let mut committed = 0;
    for e in log {
        match e {
            Event::Commit(lines) => committed += lines.len() as u64,
            Event::Counted(done) => assert!(
                *done <= committed,
                "{done} rows counted done with {committed} committed"
            ),
            _ => {}
        }
    }
}

#[test]
fn every_commit_follows_a_flush_of_exactly_the_records_it_commits() {
    let items: Vec<_> = (2..=41).map(invalid).collect();
    let r = run_job(
        items.into_iter(),
        &spec(3, 4, 0),
        NOWHERE,
        None,
        false,
        &Interrupt::new(),
    );
    assert_eq!(r.outcome.counts.invalid, 40);
    assert!(r.outcome.stop.is_none());
    // Commits run on the journal thread, so a later batch may be flushed before an earlier
    // one is committed: each commit must be the oldest batch flushed and not yet committed.
    let mut written_unflushed: Vec<u64> = Vec::new();
    let mut flushed: std::collections::VecDeque<Vec<u64>> = Default::default();
    let mut committed = 0;
    for e in &r.log {
        match e {
            Event::Write(line) => written_unflushed.push(*line),
            Event::Flush | Event::Finish if !written_unflushed.is_empty() => {
                flushed.push_back(std::mem::take(&mut written_unflushed));
            }
            Event::Commit(lines) => {
                assert_eq!(
                    Some(lines),
                    flushed.front(),
                    "a commit holds exactly the oldest flushed batch"
                );
                committed += lines.len();
                flushed.pop_front();
            }
            _ => {}
        }
    }
    assert_eq!(committed, 40);
    assert!(written_unflushed.is_empty() && flushed.is_empty());
    assert_counted_only_committed_rows(&r.log);
}

#[test]
fn waiting_rows_are_taken_by_priority() {
    // The one worker takes the first row and is held on it by a host that never answers;
    // the input yields the other rows only once that host was reached, so they wait in
    // the queue together, and are then taken most urgent first.
    let (reached_tx, reached_rx) = crossbeam_channel::bounded::<()>(1);
    let assessor = holding_host(reached_tx, Duration::from_millis(300));
    let first = std::iter::once(valid(2, "123-45-678", None));
    let rest = [
        answered(3, RowStatus::Ok, Priority::Low),
        answered(4, RowStatus::Ok, Priority::High),
        answered(5, RowStatus::Ok, Priority::Urgent),
    ];
    let gated = first.chain(
        std::iter::once_with(move || {
            let _ = reached_rx.recv();
            rest
        })
        .flatten(),
    );
    let r = run_job(
        gated,
        &spec(1, 1, 0),
        &assessor,
        None,
        false,
        &Interrupt::new(),
    );
    let order: Vec<u64> = r
        .log
        .iter()
        .filter_map(|e| match e {
            Event::Write(line) => Some(*line),
            _ => None,
        })
        .collect();
    assert_eq!(order, vec![2, 5, 4, 3]);
    assert_eq!(
        r.outcome.counts.ok, 3,
        "the held row fails, the others were answered"
    );
}

#[test]
fn max_errors_stops_the_job_with_its_reason() {
    let items: Vec<_> = (2..=200)
        .map(|l| answered(l, RowStatus::Failed, Priority::Normal))
        .collect();
    let r = run_job(
        items.into_iter(),
        &spec(2, 1, 3),
        NOWHERE,
        None,
        false,
        &Interrupt::new(),
    );
    assert_eq!(r.outcome.stop, Some(StopReason::MaxErrors(3)));
    assert!(r.outcome.counts.failed >= 3);
    assert!(r.outcome.counts.done() < 199, "the job stopped early");
}

#[test]
fn a_closed_output_stops_the_job_and_records_nothing_it_did_not_flush() {
    let items: Vec<_> = (2..=30).map(invalid).collect();
    let sink_fails = Some((5, io::ErrorKind::BrokenPipe));
    let r = run_job(
        items.into_iter(),
        &spec(1, 2, 0),
        NOWHERE,
        sink_fails,
        false,
        &Interrupt::new(),
    );
    assert_eq!(r.outcome.stop, Some(StopReason::OutputClosed));
    let committed: usize = r
        .log
        .iter()
        .map(|e| match e {
            Event::Commit(lines) => lines.len(),
            _ => 0,
        })
        .sum();
    assert_eq!(committed as u64, r.outcome.counts.done());
    assert!(
        committed <= 4,
        "only the records written before the failure"
    );
}

#[test]
fn a_failing_journal_stops_the_job_and_no_row_counts_as_done() {
    let items: Vec<_> = (2..=20).map(invalid).collect();
    let r = run_job(
        items.into_iter(),
        &spec(1, 1, 0),
        NOWHERE,
        None,
        true,
        &Interrupt::new(),
    );
    assert!(
        matches!(&r.outcome.stop, Some(StopReason::StoreError(m)) if m.contains("test journal failure")),
        "{:?}",
        r.outcome.stop
    );
    assert_eq!(r.outcome.counts.done(), 0);
    assert!(r.outcome.unwritten >= 1);
}

#[test]
fn a_signal_stops_the_job_as_interrupted() {
    let interrupt = Interrupt::new();
    interrupt.raise(15);
    let items: Vec<_> = (2..=500).map(invalid).collect();
    let r = run_job(
        items.into_iter(),
        &spec(1, 1, 0),
        NOWHERE,
        None,
        false,
        &interrupt,
    );
    assert_eq!(r.outcome.stop, Some(StopReason::Interrupted(15)));
    assert!(r.outcome.counts.done() < 499);
}

/// A job on its own thread whose journal holds every commit until the test gives its
/// verdict, with the channels the test watches it through.
struct GatedJob {
    /// The lines of each commit, as it starts.
    entered: crossbeam_channel::Receiver<Vec<u64>>,
    /// The test's verdict on each commit, in order.
    verdicts: crossbeam_channel::Sender<bool>,
    /// The lines of each flush of the output.
    flushed: crossbeam_channel::Receiver<Vec<u64>>,
    /// The done count at each progress update.
    counted: crossbeam_channel::Receiver<u64>,
    interrupt: Arc<Interrupt>,
    log: Log,
    job: JoinHandle<JobOutcome>,
}

/// Starts `rows` invalid rows (lines 2, 3, …) on one worker, flushed one by one: each
/// record is a batch of its own, and they come in input order.
fn start_gated(rows: u64) -> GatedJob {
    let log: Log = Arc::default();
    let (entered_tx, entered) = crossbeam_channel::unbounded();
    let (verdicts, verdicts_rx) = crossbeam_channel::unbounded();
    let (flushed_tx, flushed) = crossbeam_channel::unbounded();
    let (counted_tx, counted) = crossbeam_channel::unbounded();
    let interrupt = Arc::new(Interrupt::new());
    let (job_log, job_interrupt) = (Arc::clone(&log), Arc::clone(&interrupt));
    let job = std::thread::spawn(move || {
        let mut journal = GatedJournal {
            log: Arc::clone(&job_log),
            entered: entered_tx,
            verdicts: verdicts_rx,
        };
        let mut sink = MemorySink::new(&job_log, None);
        sink.flushed = Some(flushed_tx);
        let ports = JobPorts {
            sink: Box::new(sink),
            journal: &mut journal,
            progress: Box::new(Counting {
                log: job_log,
                counted: Some(counted_tx),
            }),
        };
        let items = (2..2 + rows).map(invalid).map(Ok);
        run(
            items,
            &spec(1, 1, 0),
            context(NOWHERE),
            &job_interrupt,
            ports,
        )
    });
    GatedJob {
        entered,
        verdicts,
        flushed,
        counted,
        interrupt,
        log,
        job,
    }
}

/// The next message on `rx`; a test that waits 10 s for one has failed (a hang, not a
/// timing assertion).
fn next<T>(rx: &crossbeam_channel::Receiver<T>, what: &str) -> T {
    rx.recv_timeout(Duration::from_secs(10))
        .unwrap_or_else(|_| panic!("no {what} came"))
}

impl GatedJob {
    /// Waits until the output flushed `line`.
    fn wait_flushed(&self, line: u64) {
        while !next(&self.flushed, "flush").contains(&line) {}
    }

    /// Lets every commit through and waits for the job's end.
    fn finish(self) -> (JobOutcome, Vec<Event>) {
        drop(self.verdicts);
        let outcome = self.job.join().unwrap();
        let log = self.log.lock().unwrap().clone();
        (outcome, log)
    }
}

#[test]
fn records_reach_the_output_while_a_commit_is_held() {
    let job = start_gated(5);
    assert_eq!(next(&job.entered, "commit"), vec![2]);
    // The first commit is held open: the later records are written and flushed anyway.
    for line in 3..=6 {
        job.wait_flushed(line);
    }
    assert!(
        !job.log.lock().unwrap().contains(&Event::Commit(vec![2])),
        "the first commit is still held"
    );
    let (outcome, log) = job.finish();
    assert!(outcome.stop.is_none());
    assert_eq!(outcome.counts.invalid, 5);
    let last_count = log.iter().rev().find(|e| matches!(e, Event::Counted(_)));
    assert_eq!(last_count, Some(&Event::Counted(5)));
}

#[test]
fn rows_count_as_done_only_once_their_commit_is_acknowledged() {
    let job = start_gated(5);
    assert_eq!(next(&job.entered, "commit"), vec![2]);
    job.wait_flushed(6);
    // Five batches were flushed, none committed: none may be counted.
    assert!(job.counted.try_recv().is_err(), "counted before any commit");
    job.verdicts.send(true).unwrap();
    assert_eq!(next(&job.counted, "count"), 1, "the committed batch only");
    assert_eq!(next(&job.entered, "commit"), vec![3]);
    let (outcome, log) = job.finish();
    assert_eq!(outcome.counts.done(), 5);
    assert_counted_only_committed_rows(&log);
}

#[test]
fn a_failed_commit_stops_the_job_and_no_later_batch_is_committed() {
    let job = start_gated(8);
    assert_eq!(next(&job.entered, "commit"), vec![2]);
    job.verdicts.send(true).unwrap();
    assert_eq!(next(&job.entered, "commit"), vec![3]);
    // Batches 4 and 5 are flushed (and on their way to the journal) when 3 fails.
    job.wait_flushed(5);
    job.verdicts.send(false).unwrap();
    let entered = job.entered.clone();
    let (outcome, log) = job.finish();
    assert!(
        matches!(&outcome.stop, Some(StopReason::StoreError(m)) if m.contains("test journal failure")),
        "{:?}",
        outcome.stop
    );
    assert!(
        entered.try_recv().is_err(),
        "a commit came after the failure"
    );
    assert_eq!(outcome.counts.done(), 1, "the batch committed before");
    // The failed batch and the two in flight behind it at least; the rows the stop left in
    // the queue are not counted at all (resume fetches them). Every row the writer received
    // is counted: none is left over for the job to call interrupted.
    assert!(outcome.unwritten >= 3, "{}", outcome.unwritten);
    assert_eq!(outcome.interrupted, 0);
    let commits: Vec<_> = log
        .iter()
        .filter(|e| matches!(e, Event::Commit(_)))
        .collect();
    assert_eq!(commits, vec![&Event::Commit(vec![2])]);
}

#[test]
fn no_more_batches_than_the_bound_wait_for_a_slow_journal() {
    let job = start_gated(20);
    assert_eq!(next(&job.entered, "commit"), vec![2]);
    // The held batch and MAX_IN_FLIGHT - 1 more are in flight; the next one is flushed,
    // then the writer waits for room before it takes another row.
    let last_flushed = 2 + MAX_IN_FLIGHT as u64;
    job.wait_flushed(last_flushed);
    // Time for a writer that ignored the bound to flush more (a correct one never does).
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        job.flushed.try_recv().is_err(),
        "flushed past the bound while the journal held its first commit"
    );
    job.verdicts.send(true).unwrap();
    job.wait_flushed(last_flushed + 1);
    let (outcome, _) = job.finish();
    assert_eq!(outcome.counts.done(), 20);
}

#[test]
fn a_signal_while_a_commit_is_held_still_commits_every_flushed_batch() {
    let job = start_gated(200);
    assert_eq!(next(&job.entered, "commit"), vec![2]);
    job.wait_flushed(3);
    job.interrupt.raise(2);
    let (outcome, log) = job.finish();
    assert_eq!(outcome.stop, Some(StopReason::Interrupted(2)));
    let flushed: u64 = log.iter().filter(|e| matches!(e, Event::Flush)).count() as u64;
    let committed: u64 = log
        .iter()
        .map(|e| match e {
            Event::Commit(lines) => lines.len() as u64,
            _ => 0,
        })
        .sum();
    assert!(flushed >= 2);
    assert_eq!(
        committed, flushed,
        "every flushed record (one a flush) committed"
    );
    assert_eq!(outcome.counts.done(), committed);
    assert!(outcome.counts.done() < 200, "the job stopped early");
}

#[test]
fn commits_come_in_the_order_of_the_output() {
    let log: Log = Arc::default();
    let mut journal = MemoryJournal {
        log: Arc::clone(&log),
        fail: false,
        // Slow enough that batches queue up behind each other.
        delay: Duration::from_millis(2),
    };
    let ports = JobPorts {
        sink: Box::new(MemorySink::new(&log, None)),
        journal: &mut journal,
        progress: Box::new(Counting {
            log: Arc::clone(&log),
            counted: None,
        }),
    };
    // Three workers: the output's order is not the input's, and the journal must follow
    // the output's.
    let items = (2..=201).map(|line| {
        Ok(if line % 3 == 0 {
            invalid(line)
        } else {
            answered(line, RowStatus::Ok, Priority::Normal)
        })
    });
    let outcome = run(
        items,
        &spec(3, 3, 0),
        context(NOWHERE),
        &Interrupt::new(),
        ports,
    );
    let log = log.lock().unwrap().clone();
    let written: Vec<u64> = log
        .iter()
        .filter_map(|e| match e {
            Event::Write(line) => Some(*line),
            _ => None,
        })
        .collect();
    let committed: Vec<u64> = log
        .iter()
        .filter_map(|e| match e {
            Event::Commit(lines) => Some(lines.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(written.len(), 200);
    assert_eq!(committed, written);
    assert_eq!(outcome.counts.done(), 200);
    assert_counted_only_committed_rows(&log);
}
