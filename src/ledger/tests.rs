//! Ledger life-cycle tests: create, append, load, lock, resume and list, in temp dirs.

use super::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

fn tempdir() -> TempDir {
    match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("tempdir: {e}"),
    }
}

fn meta(output: Option<PathBuf>) -> JobMeta {
    let mut m = JobMeta::new(JobId::generate(), "/data/in.csv");
    m.mode = "tax".to_string();
    m.strategy = "intelligent".to_string();
    m.output = output;
    m.args = serde_json::json!({"workers": 8});
    m
}

fn entry(line: u64, status: &str, tax: &str) -> RowEntry {
    let mut sources = BTreeMap::new();
    sources.insert(
        "assessor".to_string(),
        SourceEntry {
            state: "ok".to_string(),
            attempts: 1,
            error: None,
        },
    );
    sources.insert(
        "tax".to_string(),
        SourceEntry {
            state: tax.to_string(),
            attempts: 3,
            error: (tax == "failed").then(|| "treasurer: HTTP 503".to_string()),
        },
    );
    RowEntry {
        line,
        input: format!("100-00-{line:03}"),
        status: status.to_string(),
        error: None,
        at: None,
        sources,
    }
}

fn must<T>(r: Result<T, LedgerError>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    }
}

fn append_raw(path: &Path, bytes: &[u8]) {
    let mut f = match OpenOptions::new().append(true).open(path) {
        Ok(f) => f,
        Err(e) => panic!("open {}: {e}", path.display()),
    };
    assert!(f.write_all(bytes).is_ok());
}

#[test]
fn create_append_load_round_trip() {
    let state_dir = tempdir();
    let out_dir = tempdir();
    let output = out_dir.path().join("records.jsonl");
    let m = meta(Some(output.clone()));
    let id = m.id.clone();

    let mut ledger = must(FileLedger::create(m.clone(), state_dir.path()));
    assert_eq!(
        ledger.path(),
        out_dir.path().join("records.jsonl.mps-ledger.jsonl")
    );
    must(ledger.append(&[entry(2, "ok", "ok"), entry(3, "failed", "failed")]));
    must(ledger.append(&[entry(4, "not_found", "not_found")]));
    must(ledger.finish("completed", &serde_json::json!({"rows": 3})));
    drop(ledger);

    let state = must(load(&id, state_dir.path()));
    assert_eq!(state.meta, m);
    assert_eq!(state.done_lines(), BTreeSet::from([2, 3, 4]));
    assert_eq!(state.failed_lines(None), BTreeSet::from([3]));
    assert_eq!(state.runs.len(), 1);
    assert_eq!(state.runs[0].pid, std::process::id());
    assert!(
        state.problems.values().all(|e| e.at.is_some()),
        "entries stamped"
    );
    assert!(state.last_entry_at.is_some_and(|t| t >= state.created_at()));
    let finished = state.finished.as_ref().map(|f| f.status.as_str());
    assert_eq!(finished, Some("completed"));
    let tax = state.problems.get(&3).and_then(|e| e.sources.get("tax"));
    assert_eq!(
        tax.and_then(|t| t.error.as_deref()),
        Some("treasurer: HTTP 503")
    );
}

#[test]
fn stdout_jobs_keep_their_ledger_in_the_state_dir() {
    let state_dir = tempdir();
    let m = meta(None);
    let id = m.id.clone();
    let ledger = must(FileLedger::create(m, state_dir.path()));
    assert_eq!(
        ledger.path(),
        state_dir.path().join(format!("{id}.ledger.jsonl"))
    );
    assert!(state_dir.path().join(format!("{id}.json")).exists());
    drop(ledger);
    assert!(must(load(&id, state_dir.path())).rows.is_empty());
}

#[test]
fn torn_last_line_is_ignored_and_cut_on_resume() {
    let state_dir = tempdir();
    let m = meta(None);
    let id = m.id.clone();
    let mut ledger = must(FileLedger::create(m, state_dir.path()));
    must(ledger.append(&[entry(2, "ok", "ok")]));
    let path = ledger.path().to_path_buf();
    drop(ledger);
    append_raw(&path, br#"{"line":3,"input":"100-00-003","sta"#);

    let state = must(load(&id, state_dir.path()));
    assert_eq!(state.done_lines(), BTreeSet::from([2]));
    assert!(state.finished.is_none(), "a crashed job is not finished");

    let (mut ledger, state) = must(FileLedger::open_for_resume(&id, state_dir.path(), None));
    assert_eq!(state.done_lines(), BTreeSet::from([2]));
    must(ledger.append(&[entry(3, "ok", "ok")]));
    drop(ledger);
    let state = must(load(&id, state_dir.path()));
    assert_eq!(state.done_lines(), BTreeSet::from([2, 3]));
    assert_eq!(state.runs.len(), 2);
}

#[test]
fn a_last_line_without_its_newline_is_kept_and_completed() {
    let state_dir = tempdir();
    let m = meta(None);
    let id = m.id.clone();
    let ledger = must(FileLedger::create(m, state_dir.path()));
    let path = ledger.path().to_path_buf();
    drop(ledger);
    append_raw(
        &path,
        br#"{"line":5,"input":"x","status":"ok","sources":{}}"#,
    );

    let (mut ledger, state) = must(FileLedger::open_for_resume(&id, state_dir.path(), None));
    assert_eq!(state.done_lines(), BTreeSet::from([5]));
    must(ledger.append(&[entry(6, "ok", "ok")]));
    drop(ledger);
    let state = must(load(&id, state_dir.path()));
    assert_eq!(state.done_lines(), BTreeSet::from([5, 6]));
}

#[test]
fn a_corrupt_middle_line_is_an_error_naming_file_and_line() {
    let state_dir = tempdir();
    let m = meta(None);
    let id = m.id.clone();
    let mut ledger = must(FileLedger::create(m, state_dir.path()));
    must(ledger.append(&[entry(2, "ok", "ok")]));
    let path = ledger.path().to_path_buf();
    drop(ledger);
    // Lines: 1 header, 2 opened, 3 entry, 4 damage, 5 entry.
    append_raw(&path, b"{\"line\":3,\"inp\x00\x00\n");
    append_raw(
        &path,
        br#"{"line":4,"input":"x","status":"ok","sources":{}}
"#,
    );

    let err = load(&id, state_dir.path()).err();
    assert!(
        matches!(&err, Some(LedgerError::Corrupt { line: 4, .. })),
        "{err:?}"
    );
    let msg = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(msg.contains(&format!("{}:4:", path.display())), "{msg}");
    // Resume refuses too, and leaves the file alone.
    let resumed = FileLedger::open_for_resume(&id, state_dir.path(), None).err();
    assert!(matches!(
        resumed,
        Some(LedgerError::Corrupt { line: 4, .. })
    ));
}

#[test]
fn the_lock_refuses_a_second_opener_until_the_first_is_dropped() {
    let state_dir = tempdir();
    let out_dir = tempdir();
    let output = out_dir.path().join("records.csv");
    let m = meta(Some(output.clone()));
    let id = m.id.clone();
    let first = must(FileLedger::create(m, state_dir.path()));

    let second = FileLedger::open_for_resume(&id, state_dir.path(), None).err();
    let msg = second.as_ref().map(ToString::to_string).unwrap_or_default();
    assert!(
        matches!(second, Some(LedgerError::Busy { .. })),
        "{second:?}"
    );
    assert!(
        msg.contains(&format!("job {id} is already running")),
        "{msg}"
    );
    assert!(
        msg.contains(&format!("pid {} holds the lock", std::process::id())),
        "{msg}"
    );

    // A new job aimed at the same output is refused too, naming the running job, and its
    // id is not left registered.
    let other = meta(Some(output));
    let other_id = other.id.clone();
    let refused = FileLedger::create(other, state_dir.path()).err();
    assert!(
        matches!(&refused, Some(LedgerError::Busy { id: running, .. }) if *running == id.to_string()),
        "{refused:?}"
    );
    assert!(!state_dir.path().join(format!("{other_id}.json")).exists());

    drop(first);
    let reopened = FileLedger::open_for_resume(&id, state_dir.path(), None);
    assert!(reopened.is_ok(), "{:?}", reopened.err());
}

#[test]
fn resume_appends_and_the_last_entry_per_line_wins() {
    let state_dir = tempdir();
    let m = meta(None);
    let id = m.id.clone();
    let mut ledger = must(FileLedger::create(m, state_dir.path()));
    must(ledger.append(&[entry(2, "failed", "failed"), entry(3, "ok", "ok")]));
    must(ledger.finish("interrupted", &serde_json::Value::Null));
    drop(ledger);

    let (mut ledger, state) = must(FileLedger::open_for_resume(&id, state_dir.path(), None));
    assert_eq!(state.failed_lines(Some("tax")), BTreeSet::from([2]));
    assert_eq!(
        state.finished.as_ref().map(|f| f.status.as_str()),
        Some("interrupted")
    );
    // --retry-failed writes line 2 again.
    must(ledger.append(&[entry(2, "ok", "ok"), entry(4, "ok", "ok")]));

    // While the resumed run is alive the job reads as unfinished.
    let live = must(load(&id, state_dir.path()));
    assert!(live.finished.is_none());
    assert_eq!(live.entries, 4);
    assert!(live.failed_lines(None).is_empty());
    assert_eq!(live.done_lines(), BTreeSet::from([2, 3, 4]));
    must(ledger.finish("completed", &serde_json::Value::Null));
    drop(ledger);
    let done = must(load(&id, state_dir.path()));
    assert!(done.is_finished());
}

#[test]
fn unknown_missing_and_replaced_ledgers_say_so() {
    let state_dir = tempdir();
    let out_dir = tempdir();
    let id = JobId::generate();
    let unknown = load(&id, state_dir.path()).err();
    assert!(matches!(unknown, Some(LedgerError::UnknownJob { .. })));

    // A later job on the same output replaces the ledger.
    let output = out_dir.path().join("o.jsonl");
    let old = meta(Some(output.clone()));
    let old_id = old.id.clone();
    drop(must(FileLedger::create(old, state_dir.path())));
    let new = meta(Some(output.clone()));
    let new_ledger = must(FileLedger::create(new, state_dir.path()));
    let path = new_ledger.path().to_path_buf();
    drop(new_ledger);
    let replaced = load(&old_id, state_dir.path()).err();
    assert!(
        matches!(replaced, Some(LedgerError::WrongJob { .. })),
        "{replaced:?}"
    );

    assert!(fs::remove_file(&path).is_ok());
    let missing = FileLedger::open_for_resume(&old_id, state_dir.path(), None).err();
    assert!(matches!(missing, Some(LedgerError::MissingLedger { .. })));
}

#[test]
fn list_jobs_newest_first_with_counts() {
    let state_dir = tempdir();
    assert!(must(list_jobs(&state_dir.path().join("absent"))).is_empty());

    let mut older = meta(None);
    older.id = must(JobId::parse("20260101T000000Z-0001"));
    let mut newer = meta(None);
    newer.id = must(JobId::parse("20260102T000000Z-0002"));
    newer.mode = "comprehensive".to_string();
    let mut broken = meta(None);
    broken.id = must(JobId::parse("20251231T000000Z-0003"));

    let mut l = must(FileLedger::create(older.clone(), state_dir.path()));
    must(l.append(&[entry(2, "ok", "ok"), entry(3, "failed", "failed")]));
    must(l.finish("completed", &serde_json::Value::Null));
    drop(l);
    let mut l = must(FileLedger::create(newer.clone(), state_dir.path()));
    must(l.append(&[entry(2, "ok", "ok")]));
    drop(l);
    let l = must(FileLedger::create(broken.clone(), state_dir.path()));
    assert!(fs::remove_file(l.path()).is_ok());
    drop(l);
    // A job whose process still holds its ledger is running.
    let mut held = meta(None);
    held.id = must(JobId::parse("20251230T000000Z-0004"));
    let held_ledger = must(FileLedger::create(held.clone(), state_dir.path()));

    let jobs = must(list_jobs(state_dir.path()));
    drop(held_ledger);
    let ids: Vec<&JobId> = jobs.iter().map(|j| &j.id).collect();
    assert_eq!(ids, [&newer.id, &older.id, &broken.id, &held.id]);
    let running: Vec<bool> = jobs.iter().map(|j| j.running).collect();
    assert_eq!(running, [false, false, false, true]);
    assert_eq!(jobs[1].by_status.get("failed"), Some(&1));
    assert!(jobs[1].finished_at.is_some() && jobs[0].finished_at.is_none());
    assert_eq!(
        (
            jobs[0].rows_done,
            jobs[0].failed,
            jobs[0].finished.as_deref()
        ),
        (1, 0, None)
    );
    assert_eq!(jobs[0].mode, "comprehensive");
    assert_eq!(
        (
            jobs[1].rows_done,
            jobs[1].failed,
            jobs[1].finished.as_deref()
        ),
        (2, 1, Some("completed"))
    );
    let problem = jobs[2].problem.as_deref().unwrap_or_default();
    assert!(problem.contains("is missing"), "{problem}");
}
