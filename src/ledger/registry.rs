//! Where ledgers live, and the small per-job registry files under the state directory that
//! let `--resume ID` and `mps jobs` find a ledger wherever the output went.
//!
//! ```text
//! $XDG_STATE_HOME/mps/jobs/                  (or ~/.local/state/mps/jobs/)
//!   20261129T081500Z-3f9a.json               registry: {"id", "ledger", "output", "created_at"}
//!   20261129T090000Z-77c1.json
//!   20261129T090000Z-77c1.ledger.jsonl       ledger of a job whose output was stdout
//! /data/records.jsonl                        output of 20261129T081500Z-3f9a
//! /data/records.jsonl.mps-ledger.jsonl       its ledger, beside it
//! ```
//!
//! A ledger beside its output travels with it (copying or archiving the output directory keeps
//! the job's history next to the data); stdout has no "beside", so those ledgers go to the
//! state directory.

use super::{JobId, JobMeta, LedgerError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

/// Suffix added to an output file's name for its ledger.
pub const LEDGER_SUFFIX: &str = ".mps-ledger.jsonl";

/// `$XDG_STATE_HOME/mps/jobs`, or `$HOME/.local/state/mps/jobs` when `XDG_STATE_HOME` is
/// unset, empty or relative (the XDG spec says to ignore a relative value).
pub fn default_state_dir() -> Result<PathBuf, LedgerError> {
    state_dir_from(
        std::env::var_os("XDG_STATE_HOME").map(PathBuf::from),
        std::env::var_os("HOME").map(PathBuf::from),
    )
}

fn state_dir_from(xdg: Option<PathBuf>, home: Option<PathBuf>) -> Result<PathBuf, LedgerError> {
    let base = match (xdg, home) {
        (Some(x), _) if x.is_absolute() => x,
        (_, Some(h)) if h.is_absolute() => h.join(".local").join("state"),
        _ => return Err(LedgerError::NoStateDir),
    };
    Ok(base.join("mps").join("jobs"))
}

/// Where a job's ledger goes: beside its output file, or in the state directory when the
/// output is stdout or not a regular file (`/dev/null`, a FIFO, a device: nothing may be
/// created beside those, and `/dev` is no place for job state).
pub fn ledger_path(meta: &JobMeta, state_dir: &Path) -> PathBuf {
    match &meta.output {
        Some(out) if is_regular_or_new(out) => {
            let mut name = out.file_name().unwrap_or(out.as_os_str()).to_os_string();
            name.push(LEDGER_SUFFIX);
            out.with_file_name(name)
        }
        _ => state_dir.join(format!("{}.ledger.jsonl", meta.id)),
    }
}

/// True when `path` is a regular file, or does not exist yet (mps will create it as one).
pub fn is_regular_or_new(path: &Path) -> bool {
    match fs::metadata(path) {
        Ok(m) => m.is_file(),
        Err(e) => e.kind() == ErrorKind::NotFound,
    }
}

/// `<state_dir>/<id>.json`.
pub fn registry_path(id: &JobId, state_dir: &Path) -> PathBuf {
    state_dir.join(format!("{id}.json"))
}

/// The content of a registry file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegistryEntry {
    pub id: JobId,
    /// The ledger file; empty for a job whose ledger is in PostgreSQL.
    pub ledger: PathBuf,
    #[serde(default)]
    pub output: Option<PathBuf>,
    pub created_at: DateTime<Utc>,
    /// For a job whose ledger is in PostgreSQL: the database URL without its password, so
    /// `--resume ID` finds the job without the URL being given again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
}

/// Registers a job whose ledger lives in PostgreSQL (`database_url` without its password).
pub fn register_database_job(
    id: &JobId,
    output: Option<PathBuf>,
    database_url: String,
    created_at: DateTime<Utc>,
    state_dir: &Path,
) -> Result<(), LedgerError> {
    fs::create_dir_all(state_dir)
        .map_err(|e| LedgerError::io("create the job state directory", state_dir, e))?;
    write(
        &RegistryEntry {
            id: id.clone(),
            ledger: PathBuf::new(),
            output,
            created_at,
            database_url: Some(database_url),
        },
        state_dir,
    )
}

/// Claims `id` in the state directory by creating its registry file exclusively, so two jobs
/// that drew the same id cannot share a ledger. The file is filled in by [`write`].
pub(super) fn reserve(id: &JobId, state_dir: &Path) -> Result<PathBuf, LedgerError> {
    fs::create_dir_all(state_dir)
        .map_err(|e| LedgerError::io("create the job state directory", state_dir, e))?;
    let path = registry_path(id, state_dir);
    match OpenOptions::new().write(true).create_new(true).open(&path) {
        Ok(_) => Ok(path),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Err(LedgerError::IdTaken {
            id: id.to_string(),
            path,
        }),
        Err(e) => Err(LedgerError::io("create", path, e)),
    }
}

/// Writes a registry file through a temporary file and a rename, so a reader never sees it
/// half written.
pub(crate) fn write(entry: &RegistryEntry, state_dir: &Path) -> Result<(), LedgerError> {
    let path = registry_path(&entry.id, state_dir);
    let tmp = state_dir.join(format!(".{}.json.tmp{}", entry.id, std::process::id()));
    let mut text =
        serde_json::to_vec_pretty(entry).map_err(|e| LedgerError::io("encode", &path, e.into()))?;
    text.push(b'\n');
    let written = fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(&text))
        .and_then(|()| fs::rename(&tmp, &path));
    written.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        LedgerError::io("write", &path, e)
    })
}

/// Reads the registry entry of `id`.
pub fn read(id: &JobId, state_dir: &Path) -> Result<RegistryEntry, LedgerError> {
    let path = registry_path(id, state_dir);
    let text = match fs::read(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(LedgerError::UnknownJob {
                id: id.to_string(),
                registry: path,
            })
        }
        Err(e) => return Err(LedgerError::io("read", path, e)),
    };
    serde_json::from_slice(&text).map_err(|e| LedgerError::Corrupt {
        path,
        line: e.line() as u64,
        reason: format!("job registry file: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_dir_prefers_an_absolute_xdg_state_home() {
        let dir = state_dir_from(Some("/x/state".into()), Some("/home/u".into())).ok();
        assert_eq!(dir, Some(PathBuf::from("/x/state/mps/jobs")));
        let dir = state_dir_from(Some("relative".into()), Some("/home/u".into())).ok();
        assert_eq!(dir, Some(PathBuf::from("/home/u/.local/state/mps/jobs")));
        assert!(state_dir_from(None, None).is_err());
    }

    #[test]
    fn ledger_sits_beside_the_output_or_in_the_state_dir() {
        let id = JobId::generate();
        let mut meta = JobMeta::new(id.clone(), "/in.csv");
        let state = Path::new("/state");
        assert_eq!(
            ledger_path(&meta, state),
            state.join(format!("{id}.ledger.jsonl"))
        );
        meta.output = Some(PathBuf::from("/data/records.jsonl"));
        assert_eq!(
            ledger_path(&meta, state),
            PathBuf::from("/data/records.jsonl.mps-ledger.jsonl")
        );
    }

    #[test]
    fn a_reserved_id_cannot_be_reserved_again() {
        let dir = tempfile::tempdir().ok();
        let Some(dir) = dir else { panic!("tempdir") };
        let id = JobId::generate();
        assert!(reserve(&id, dir.path()).is_ok());
        assert!(matches!(
            reserve(&id, dir.path()),
            Err(LedgerError::IdTaken { .. })
        ));
    }
}
