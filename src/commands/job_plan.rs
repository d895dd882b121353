//! The plan of one batch run, made before the pipeline starts: which rows it reads (the input
//! or the stored parcels), which it leaves out (done by an earlier run, or not among the
//! failed rows a retry is for), which the database answers (`--max-age`) and which earlier
//! blocks a `--retry-failed --source S` keeps. The workers then only fetch.

use crate::engine::job::JobRow;
use crate::ident::{Identifier, SearchType};
use crate::input::{InputItem, InputReader, InputRow, InvalidRow};
use crate::postgres::PgStore;
use anyhow::Context;
use mps_model::record::{Record, RowStatus};
use mps_model::Mode;
use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;
use std::time::Duration;

/// Rows read ahead for one `--max-age` question to the database: one query per this many
/// rows, not one per row. A stream that trickles in (stdin) waits for a full group.
const AGE_QUERY_ROWS: usize = 256;

/// The rows a run hands to the job, in input order.
pub type Rows = Box<dyn Iterator<Item = Result<JobRow, String>> + Send>;

/// Which rows the run reads and which it leaves out.
pub struct RowPlan {
    /// The input, or `None` for `--from-db` (the stored parcels older than `--max-age`).
    pub reader: Option<InputReader>,
    /// Lines an earlier run finished (resume): not fetched again.
    pub done: BTreeSet<u64>,
    /// `--retry-failed`: only these lines.
    pub only: Option<BTreeSet<u64>>,
    /// `--max-age` with a database: rows whose stored record is younger are answered by it.
    pub fresh_from: Option<(Arc<PgStore>, Duration)>,
}

/// The rows to process: the input (or the stored parcels), less what is already done, with
/// the rows the database answers already answered.
pub fn rows(plan: RowPlan, store: Option<&Arc<PgStore>>, mode: Mode) -> anyhow::Result<Rows> {
    let Some(reader) = plan.reader else {
        let store = store.context("--from-db needs --database-url")?;
        let age = plan.fresh_from.map_or(Duration::ZERO, |(_, age)| age);
        return Ok(Box::new(stored_parcels(store, age)));
    };
    let (done, only) = (plan.done, plan.only);
    let items = reader
        .into_results()
        .map(|r| r.map_err(|e| e.to_string()))
        .filter(move |r| match r {
            Ok(item) => {
                !done.contains(&item.line) && only.as_ref().is_none_or(|o| o.contains(&item.line))
            }
            Err(_) => true,
        });
    Ok(match plan.fresh_from {
        Some((store, age)) => Box::new(FreshAnswered::new(items, store, age, mode)),
        None => Box::new(items.map(|r| r.map(JobRow::Fetch))),
    })
}

/// `--from-db`: the stored parcels not fetched within `age`, numbered from 1.
fn stored_parcels(
    store: &Arc<PgStore>,
    age: Duration,
) -> impl Iterator<Item = Result<JobRow, String>> + Send {
    store.apns_older_than(age).enumerate().map(|(i, apn)| {
        let apn = apn.map_err(|e| e.to_string())?;
        Ok(JobRow::Fetch(InputItem {
            line: i as u64 + 1,
            outcome: crate::ident::classify(&apn, SearchType::Apn)
                .map(|identifier| InputRow {
                    identifier,
                    priority: None,
                    search_type: SearchType::Apn,
                })
                .map_err(|e| InvalidRow {
                    reason: format!("stored APN {apn:?}: {e}"),
                }),
            raw: apn,
        }))
    })
}

/// `--max-age`: reads rows in groups, asks the database once per group which of their APNs
/// lack a record younger than `age`, and answers the others with a `skipped` record. A
/// database that cannot answer leaves the group's rows to be fetched.
struct FreshAnswered<I> {
    items: I,
    store: Arc<PgStore>,
    age: Duration,
    mode: Mode,
    ready: std::vec::IntoIter<Result<JobRow, String>>,
}

impl<I> FreshAnswered<I> {
    fn new(items: I, store: Arc<PgStore>, age: Duration, mode: Mode) -> Self {
        FreshAnswered {
            items,
            store,
            age,
            mode,
            ready: Vec::new().into_iter(),
        }
    }
}

impl<I: Iterator<Item = Result<InputItem, String>>> Iterator for FreshAnswered<I> {
    type Item = Result<JobRow, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(row) = self.ready.next() {
            return Some(row);
        }
        let group: Vec<_> = self.items.by_ref().take(AGE_QUERY_ROWS).collect();
        if group.is_empty() {
            return None;
        }
        let apns: Vec<String> = group
            .iter()
            .filter_map(|r| apn_of(r.as_ref().ok()?).map(crate::ident::Apn::dashed))
            .collect();
        let stale: Option<HashSet<String>> = self.store.stale_or_missing(&apns, self.age).ok();
        let rows: Vec<_> = group
            .into_iter()
            .map(|r| {
                r.map(|item| {
                    let fresh = apn_of(&item)
                        .zip(stale.as_ref())
                        .is_some_and(|(apn, stale)| !stale.contains(&apn.dashed()));
                    if fresh {
                        JobRow::Answered(Box::new(skipped(&item, self.age, self.mode)))
                    } else {
                        JobRow::Fetch(item)
                    }
                })
            })
            .collect();
        self.ready = rows.into_iter();
        self.ready.next()
    }
}

fn apn_of(item: &InputItem) -> Option<&crate::ident::Apn> {
    match &item.outcome.as_ref().ok()?.identifier {
        Identifier::Apn(apn) => Some(apn),
        _ => None,
    }
}

/// The record of a row whose stored record is younger than `--max-age`.
fn skipped(item: &InputItem, age: Duration, mode: Mode) -> Record {
    let apn = apn_of(item).copied();
    Record {
        line: item.line,
        input: item.raw.clone(),
        search_type: Some("apn"),
        normalized: apn.map(|a| a.dashed()),
        priority: item
            .outcome
            .as_ref()
            .ok()
            .and_then(|row| row.priority)
            .unwrap_or_default(),
        mode: mode.as_str(),
        status: RowStatus::Skipped,
        apn,
        apns: apn.into_iter().collect(),
        error: Some(format!(
            "skipped: the stored record is younger than --max-age {}",
            humantime::format_duration(age)
        )),
        assessor: None,
        tax: None,
        sales: None,
        documents: None,
    }
}
