//! The job a `--resume` or `--retry-failed` continues: found through its registry entry in
//! the state directory (which also remembers a PostgreSQL ledger's URL, without its
//! password) or in the database given on the command line.

use crate::ledger::{registry, FileLedger, JobId, JobMeta, JobState};
use crate::postgres::PgStore;
use anyhow::{bail, Context};
use std::path::Path;
use std::sync::Arc;

/// How this run relates to earlier runs of the same job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run {
    New,
    Resume,
    RetryFailed { source: Option<String> },
}

/// An earlier job, with its ledger locked (a file) or its store opened (a database).
pub struct Earlier {
    pub meta: JobMeta,
    pub ledger: EarlierLedger,
}

pub enum EarlierLedger {
    /// The file ledger, locked, and what it holds.
    File(Box<(FileLedger, JobState)>),
    /// The job lives in this database (connected, not locked yet).
    Db(Arc<PgStore>),
}

impl Earlier {
    /// Finds job `id`: in the database of `database_url` when given, else through its
    /// registry entry (which names the database, without its password, for database jobs).
    pub fn load(id: &JobId, database_url: Option<&str>, state_dir: &Path) -> anyhow::Result<Self> {
        let registered = registry::read(id, state_dir).ok();
        let url = match (database_url, registered.and_then(|r| r.database_url)) {
            (Some(url), _) => Some(url.to_string()),
            (None, Some(url)) => Some(url),
            (None, None) => None,
        };
        let Some(url) = url else {
            let (ledger, state) = FileLedger::lock_existing(id, state_dir)?;
            return Ok(Earlier {
                meta: state.meta.clone(),
                ledger: EarlierLedger::File(Box::new((ledger, state))),
            });
        };
        let store = PgStore::connect(&url).with_context(|| {
            format!(
                "job {id} keeps its ledger in PostgreSQL; if the URL needs a password, give \
                 it again with --database-url (mps never stores passwords)"
            )
        })?;
        let Some(job) = store.job(id.as_str())? else {
            bail!("no job {id} in the database {}", store.target());
        };
        let meta: JobMeta = serde_json::from_value(job.params.unwrap_or_default())
            .with_context(|| format!("job {id} has no parameters to resume with"))?;
        Ok(Earlier {
            meta,
            ledger: EarlierLedger::Db(Arc::new(store)),
        })
    }
}

/// The lines an earlier job finished (any final state), by its ledger.
pub fn finished_lines(
    ledger: &EarlierLedger,
    id: &JobId,
) -> anyhow::Result<std::collections::BTreeSet<u64>> {
    Ok(match ledger {
        EarlierLedger::File(file) => file.1.done_lines(),
        EarlierLedger::Db(store) => store.done_lines(id.as_str())?.into_iter().collect(),
    })
}

/// The lines `--retry-failed` fetches again: failed rows, or with `source`, rows where that
/// source failed.
pub fn failed_lines(
    ledger: &EarlierLedger,
    id: &JobId,
    source: Option<&str>,
) -> anyhow::Result<std::collections::BTreeSet<u64>> {
    Ok(match ledger {
        EarlierLedger::File(file) => file.1.failed_lines(source),
        EarlierLedger::Db(store) => store
            .failed_items(id.as_str())?
            .iter()
            .filter(|i| source.map_or(i.source == "row", |s| i.source == s))
            .map(|i| i.line)
            .collect(),
    })
}
