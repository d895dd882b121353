//! `mps cache stats|clear`: the cache of recorded documents and sales-chain steps, in the
//! SQLite file or (with a database URL) in PostgreSQL.

use super::exit::Exit;
use crate::cache::{sqlite, FactStore};
use crate::cli::{CacheArgs, CacheCommand};
use crate::ledger;
use crate::postgres::{PgFacts, PgStore};
use anyhow::anyhow;
use std::io::Write;
use std::sync::Arc;

pub fn run(args: CacheArgs) -> anyhow::Result<Exit> {
    let store: Box<dyn FactStore> = match args
        .database_url
        .as_deref()
        .filter(|u| !u.trim().is_empty())
    {
        Some(url) => Box::new(PgFacts(Arc::new(PgStore::connect(url)?))),
        None => {
            let path = match args.path {
                Some(p) => p,
                None => sqlite::default_path(&ledger::default_state_dir()?),
            };
            Box::new(sqlite::SqliteFacts::open(&path).map_err(|e| anyhow!(e))?)
        }
    };
    let mut out = std::io::stdout().lock();
    match args.command {
        CacheCommand::Stats => {
            let (documents, links) = store.counts().map_err(|e| anyhow!(e))?;
            writeln!(out, "cache: {}", store.location())?;
            writeln!(out, "documents: {documents}")?;
            writeln!(out, "sales steps: {links}")?;
        }
        CacheCommand::Clear => {
            let (documents, links) = store.counts().map_err(|e| anyhow!(e))?;
            store.clear().map_err(|e| anyhow!(e))?;
            writeln!(
                out,
                "cleared {documents} documents and {links} sales steps from {}",
                store.location()
            )?;
        }
    }
    Ok(Exit::Ok)
}
