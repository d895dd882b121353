//! Schema migrations: the versioned SQL files of `migrations/`, embedded in the binary and
//! applied in order, each in its own transaction, under an advisory lock so that two
//! processes starting at once do not both apply them.

use super::error::{describe, PgError};
use postgres::Client;

/// One versioned SQL file.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every migration, oldest first. A new file gets the next number and a line here; an
/// applied file is never edited (a database that has it would never see the change).
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sql: include_str!("../../migrations/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "job_runs",
        sql: include_str!("../../migrations/0002_job_runs.sql"),
    },
    Migration {
        version: 3,
        name: "facts_cache",
        sql: include_str!("../../migrations/0003_facts_cache.sql"),
    },
    Migration {
        version: 4,
        name: "work_queue",
        sql: include_str!("../../migrations/0004_work_queue.sql"),
    },
];

/// Advisory-lock keys (two-key form) for migrating; any fixed pair unlikely to be used by
/// another application.
const LOCK: (i32, i32) = (0x6d70_7300, 1);

/// Applies the migrations `client`'s database lacks; returns the versions applied now
/// (empty when the schema was already current).
pub fn migrate(client: &mut Client) -> Result<Vec<u32>, PgError> {
    // A session lock rather than a transaction lock: it must cover reading the applied
    // versions and every migration's own transaction.
    client
        .execute("SELECT pg_advisory_lock($1, $2)", &[&LOCK.0, &LOCK.1])
        .map_err(|e| PgError::query("waiting for the migration lock", &e))?;
    let result = apply_pending(client);
    let unlocked = client.execute("SELECT pg_advisory_unlock($1, $2)", &[&LOCK.0, &LOCK.1]);
    let applied = result?;
    unlocked.map_err(|e| PgError::query("releasing the migration lock", &e))?;
    Ok(applied)
}

/// The versions recorded in `schema_migrations`, oldest first.
pub fn applied_versions(client: &mut Client) -> Result<Vec<u32>, PgError> {
    let rows = client
        .query(
            "SELECT version FROM schema_migrations ORDER BY version",
            &[],
        )
        .map_err(|e| PgError::query("reading schema_migrations", &e))?;
    rows.iter()
        .map(|r| {
            r.try_get::<_, i32>(0)
                .map(|v| u32::try_from(v).unwrap_or(0))
        })
        .collect::<Result<_, _>>()
        .map_err(|e| PgError::query("reading schema_migrations", &e))
}

fn apply_pending(client: &mut Client) -> Result<Vec<u32>, PgError> {
    // Created under the lock: two concurrent CREATE TABLE IF NOT EXISTS can still collide.
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (\
                 version integer PRIMARY KEY, \
                 applied_at timestamptz NOT NULL DEFAULT now())",
        )
        .map_err(|e| PgError::query("creating schema_migrations", &e))?;
    let done = applied_versions(client)?;
    let mut applied = Vec::new();
    for m in MIGRATIONS.iter().filter(|m| !done.contains(&m.version)) {
        let failed = |e: postgres::Error| PgError::Migration {
            version: m.version,
            name: m.name,
            message: describe(&e),
        };
        let version = i32::try_from(m.version).map_err(|_| PgError::Migration {
            version: m.version,
            name: m.name,
            message: "version number out of range".into(),
        })?;
        let mut tx = client.transaction().map_err(failed)?;
        tx.batch_execute(m.sql).map_err(failed)?;
        tx.execute(
            "INSERT INTO schema_migrations (version) VALUES ($1)",
            &[&version],
        )
        .map_err(failed)?;
        tx.commit().map_err(failed)?;
        applied.push(m.version);
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_count_up_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1, "{}", m.name);
            assert!(!m.sql.trim().is_empty());
        }
    }

    #[test]
    fn every_migration_file_is_registered() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let files = std::fs::read_dir(dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql"))
            })
            .count();
        assert_eq!(files, MIGRATIONS.len());
    }
}
