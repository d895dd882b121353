//! `mps jobs list / show ID / failed ID`: the job ledger, from PostgreSQL or the ledger files.

use super::exit::{Exit, OutputFailed};
use super::job_facts::JobFacts;
use super::{jobs_list, jobs_show};
use crate::cli::{JobsArgs, JobsCommand};
use crate::ledger::{self, JobId};
use crate::postgres::PgStore;
use anyhow::bail;
use serde_json::json;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// The statistics of every run of a job added up: wall time, rows processed, and each
/// host's requests, retries, 429s and errors. (A run killed outright wrote no summary; its
/// rows are still in the row counts, which come from the ledger itself.)
fn totals(summaries: &[serde_json::Value]) -> serde_json::Value {
    let mut hosts: std::collections::BTreeMap<String, serde_json::Map<String, serde_json::Value>> =
        std::collections::BTreeMap::new();
    let (mut wall, mut rows) = (0.0, 0u64);
    for s in summaries {
        wall += s["wall_seconds"].as_f64().unwrap_or(0.0);
        rows += s["rows"].as_u64().unwrap_or(0);
        let Some(by_host) = s["hosts"].as_object() else {
            continue;
        };
        for (host, stats) in by_host {
            let sum = hosts.entry(host.clone()).or_default();
            for (key, value) in stats.as_object().into_iter().flatten() {
                if let Some(n) = value.as_u64() {
                    let before = sum
                        .get(key)
                        .and_then(serde_json::Value::as_u64)
                        .unwrap_or(0);
                    sum.insert(key.clone(), json!(before + n));
                }
            }
        }
    }
    json!({
        "wall_seconds": (wall * 1000.0).round() / 1000.0,
        "rows_processed": rows,
        "hosts": hosts,
    })
}

/// The database a job was registered with (its URL is stored without a password), when no
/// `--database-url` was given: `mps jobs show JOB` works as pasted from the README. `None`
/// when the job is not a database job or that database cannot be reached without more.
fn registered_store(id: &JobId, state_dir: &std::path::Path) -> Option<PgStore> {
    let url = ledger::registry::read(id, state_dir).ok()?.database_url?;
    PgStore::connect(&url).ok()
}

/// A job listed from the state directory. A database job has a registry file but no ledger
/// file: its facts come from the database it was registered with, reached once per URL;
/// when that fails it is listed as unreadable, saying why.
fn file_or_database_job(
    j: &ledger::JobSummary,
    state_dir: &std::path::Path,
    stores: &mut HashMap<String, Option<PgStore>>,
) -> JobFacts {
    let Some(url) = j
        .problem
        .as_ref()
        .and_then(|_| ledger::registry::read(&j.id, state_dir).ok())
        .and_then(|r| r.database_url)
    else {
        return JobFacts::from_summary(j);
    };
    let store = stores
        .entry(url.clone())
        .or_insert_with(|| PgStore::connect(&url).ok());
    let from_db = store.as_ref().and_then(|store| {
        let job = store.job(j.id.as_str()).ok()??;
        let counts = store.job_item_counts(j.id.as_str()).ok()?;
        Some(JobFacts::from_db(&job, &counts))
    });
    from_db.unwrap_or_else(|| {
        let mut facts = JobFacts::from_summary(j);
        facts.problem = Some(format!(
            "a database job, and its database ({url}) could not be read; try --database-url"
        ));
        facts
    })
}

pub fn run(args: JobsArgs) -> anyhow::Result<Exit> {
    let db = args
        .database_url
        .as_deref()
        .filter(|u| !u.trim().is_empty())
        .map(PgStore::connect)
        .transpose()?;
    let state_dir = ledger::default_state_dir()?;
    // Encoded whole first, so a reader that went away (`| head`) is an io::Error, which
    // ends quietly, rather than one wrapped by serde_json or csv.
    let text = match args.command {
        JobsCommand::List { json } => list(db.as_ref(), &state_dir, json)?,
        JobsCommand::Show { id, json } => {
            let id = JobId::parse(&id)?;
            show(
                db.or_else(|| registered_store(&id, &state_dir)),
                &id,
                &state_dir,
                json,
            )?
        }
        JobsCommand::Failed { id, format } => {
            let id = JobId::parse(&id)?;
            let db = db.or_else(|| registered_store(&id, &state_dir));
            let rows = match &db {
                Some(store) => store
                    .failed_items(id.as_str())?
                    .into_iter()
                    .map(|i| (i.line, i.input, i.source, i.last_error.unwrap_or_default()))
                    .collect(),
                None => failed_in_ledger(&ledger::load(&id, &state_dir)?),
            };
            failed_text(rows, &format)?
        }
    };
    std::io::stdout()
        .lock()
        .write_all(&text)
        .map_err(OutputFailed::of("standard output"))?;
    Ok(Exit::Ok)
}

/// `mps jobs list`: the jobs of the database, or those of the state directory.
fn list(db: Option<&PgStore>, state_dir: &Path, json: bool) -> anyhow::Result<Vec<u8>> {
    let jobs = match db {
        Some(store) => store
            .list_jobs()?
            .iter()
            .map(|j| Ok(JobFacts::from_db(j, &store.job_item_counts(&j.id)?)))
            .collect::<anyhow::Result<Vec<_>>>()?,
        None => {
            let mut stores = HashMap::new();
            ledger::list_jobs(state_dir)?
                .iter()
                .map(|j| file_or_database_job(j, state_dir, &mut stores))
                .collect()
        }
    };
    let mut text = Vec::new();
    jobs_list::write(&mut text, &jobs, json)?;
    Ok(text)
}

/// `mps jobs show ID`: one job, in words or as JSON.
fn show(db: Option<PgStore>, id: &JobId, state_dir: &Path, json: bool) -> anyhow::Result<Vec<u8>> {
    let queue = match &db {
        Some(store) if store.is_queued(id.as_str())? => Some(queue_of(store, id.as_str())?),
        _ => None,
    };
    let (mut v, facts) = match &db {
        Some(store) => {
            let Some(job) = store.job(id.as_str())? else {
                bail!("no job {id} in the database");
            };
            let items = store.job_item_counts(id.as_str())?;
            let facts = JobFacts::from_db(&job, &items);
            let counts: Vec<_> = items
                .into_iter()
                .map(|(source, state, n)| json!({"source": source, "state": state, "count": n}))
                .collect();
            let v = json!({
                "id": job.id, "status": job.status, "mode": job.mode, "strategy": job.strategy,
                "created_at": job.created_at, "updated_at": job.updated_at,
                "finished_at": job.finished_at, "params": job.params,
                "counts": counts, "summary": job.summary,
                "runs": job.runs.len(), "totals": totals(&job.runs),
            });
            (v, facts)
        }
        None => {
            let st = ledger::load(id, state_dir)?;
            let running = !st.is_finished() && ledger::is_held(&st.path);
            let facts = JobFacts::from_state(&st, running);
            let v = json!({
                "id": st.meta.id.as_str(),
                "mode": st.meta.mode,
                "strategy": st.meta.strategy,
                "input": st.meta.input,
                "output": st.meta.output,
                "created_at": st.created_at(),
                "last_activity": st.last_activity(),
                "finished": st.finished.as_ref().map(|f| json!({"status": f.status, "at": f.at})),
                "rows_by_status": st.counts_by_status(),
                "sources": st.counts_by_source(),
                "requests_by_source": st.attempts_by_source(),
                "summary": st.finished.as_ref().map(|f| f.summary.clone()),
                "runs": st.runs.len(),
                "totals": totals(&st.run_ends.iter().map(|f| f.summary.clone()).collect::<Vec<_>>()),
            });
            (v, facts)
        }
    };
    if let Some(q) = &queue {
        v["queue"] = q.clone();
    }
    Ok(if json {
        let mut text = serde_json::to_vec_pretty(&v)?;
        text.push(b'\n');
        text
    } else {
        let mut text = jobs_show::render(&facts);
        if let Some(q) = &queue {
            text.push_str(&format!(
                "queue:       {} rows waiting, {} in progress on {} workers (runs so far: {})\n",
                q["waiting"],
                q["leased"],
                q["workers"].as_array().map_or(0, Vec::len),
                v["runs"]
            ));
        }
        text.into_bytes()
    })
}

/// A queued job's queue across its workers: rows waiting and leased, and the live workers
/// on it (the job's `runs` count the worker runs that ended).
fn queue_of(store: &PgStore, id: &str) -> anyhow::Result<serde_json::Value> {
    let (waiting, leased) = store.queue_counts(id)?;
    let workers: Vec<_> = store
        .workers_on(id, std::time::Duration::from_secs(60))?
        .into_iter()
        .map(|w| json!({"id": w.id, "host": w.host, "pid": w.pid, "browsers": w.browsers}))
        .collect();
    Ok(json!({"waiting": waiting, "leased": leased, "workers": workers}))
}

/// A failed row: line, input, source (or `row`, `invalid`), reason.
type FailedRow = (u64, String, String, String);

/// The failed (and invalid) rows of a file ledger, by line.
fn failed_in_ledger(st: &ledger::JobState) -> Vec<FailedRow> {
    let mut rows = Vec::new();
    for e in st.failed_entries(None) {
        let failed: Vec<_> = e
            .sources
            .iter()
            .filter(|(_, s)| s.state == "failed")
            .collect();
        if failed.is_empty() {
            rows.push((
                e.line,
                e.input.clone(),
                "row".into(),
                e.error.clone().unwrap_or_default(),
            ));
        }
        for (name, s) in failed {
            rows.push((
                e.line,
                e.input.clone(),
                name.clone(),
                s.error.clone().unwrap_or_default(),
            ));
        }
    }
    // Invalid rows too, flagged by their source `invalid`: fixed by hand, they are part of
    // what is left to do.
    for e in st.problems.values().filter(|e| e.status == "invalid") {
        rows.push((
            e.line,
            e.input.clone(),
            "invalid".into(),
            e.error.clone().unwrap_or_default(),
        ));
    }
    rows.sort_by_key(|r| r.0);
    rows
}

/// `mps jobs failed ID`: the rows as JSON lines or as a CSV that feeds a new batch.
fn failed_text(rows: Vec<FailedRow>, format: &str) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    match format {
        "jsonl" => {
            for (line, input, source, reason) in rows {
                let v = json!({"line": line, "input": input, "source": source, "reason": reason});
                writeln!(out, "{v}")?;
            }
        }
        "csv" => {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(["line", "input", "source", "reason"])?;
            for (line, input, source, reason) in rows {
                let cells = [
                    line.to_string(),
                    crate::output::csv::neutralise(&input),
                    source,
                    crate::output::csv::neutralise(&reason),
                ];
                w.write_record(&cells)?;
            }
            w.flush()?;
        }
        other => bail!("--format {other}: expected csv or jsonl"),
    }
    Ok(out)
}
