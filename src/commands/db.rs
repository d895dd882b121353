//! `mps db migrate`: create or upgrade the PostgreSQL schema.

use super::exit::Exit;
use crate::cli::{DbArgs, DbCommand};
use crate::postgres::PgStore;
use anyhow::bail;

pub fn run(args: DbArgs) -> anyhow::Result<Exit> {
    let DbCommand::Migrate = args.command;
    let Some(url) = args.database_url.filter(|u| !u.trim().is_empty()) else {
        bail!("no database: give --database-url URL or set MPS_DATABASE_URL");
    };
    // Connecting applies every pending migration.
    let store = PgStore::connect(&url)?;
    let applied = store.applied_migrations();
    let versions = store.schema_versions()?;
    if applied.is_empty() {
        eprintln!(
            "mps: {} is up to date (schema versions {:?})",
            store.target(),
            versions
        );
    } else {
        eprintln!(
            "mps: applied migrations {:?} to {}",
            applied,
            store.target()
        );
    }
    Ok(Exit::Ok)
}
