//! `JobMeta`: what a job was asked to do, stored as the ledger's first line so `--resume` can
//! run it again identically and `mps jobs show` can describe it.

use super::JobId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The parameters of a job. Values are kept as the strings the user (or the config) gave,
/// already resolved, rather than as the engine's enums, so the ledger format does not change
/// whenever an enum in another module does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobMeta {
    pub id: JobId,
    pub created_at: DateTime<Utc>,
    /// The input CSV, absolute (a resumed job may run from another directory). `-` means
    /// stdin, which cannot be read a second time: see [`JobMeta::input_is_stdin`].
    pub input: PathBuf,
    /// `--column`, when given.
    #[serde(default)]
    pub column: Option<String>,
    pub search_type: String,
    pub mode: String,
    pub strategy: String,
    pub priority: String,
    pub format: String,
    /// The output file, absolute; `None` for stdout.
    #[serde(default)]
    pub output: Option<PathBuf>,
    /// `--csv-tables`, absolute.
    #[serde(default)]
    pub csv_tables: Option<PathBuf>,
    /// Whether records also went to PostgreSQL. The URL itself is never stored: it may carry
    /// a password, and the ledger is a plain file.
    #[serde(default)]
    pub database_url_set: bool,
    /// Anything else the batch command wants back on resume (workers, rates, limits, ...).
    #[serde(default)]
    pub args: serde_json::Value,
}

impl JobMeta {
    /// A job created now with `id`; the caller fills in the parameters.
    pub fn new(id: JobId, input: impl Into<PathBuf>) -> JobMeta {
        JobMeta {
            id,
            created_at: Utc::now(),
            input: input.into(),
            column: None,
            search_type: "auto".to_string(),
            mode: String::new(),
            strategy: String::new(),
            priority: "normal".to_string(),
            format: "jsonl".to_string(),
            output: None,
            csv_tables: None,
            database_url_set: false,
            args: serde_json::Value::Null,
        }
    }

    /// True when the input was stdin: such a job's ledger still lists what was done, but
    /// `--resume` cannot read the rows again.
    pub fn input_is_stdin(&self) -> bool {
        self.input.as_os_str() == "-"
    }

    /// Makes `input` and `output` absolute against the current directory (stdin stays `-`).
    pub(crate) fn absolutize(&mut self) -> std::io::Result<()> {
        if !self.input_is_stdin() {
            self.input = absolute(&self.input)?;
        }
        if let Some(out) = &self.output {
            self.output = Some(absolute(out)?);
        }
        Ok(())
    }
}

fn absolute(p: &Path) -> std::io::Result<PathBuf> {
    if p.is_absolute() {
        Ok(p.to_path_buf())
    } else {
        std::path::absolute(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_become_absolute_and_stdin_stays() {
        let id = JobId::generate();
        let mut meta = JobMeta::new(id.clone(), "in.csv");
        meta.output = Some(PathBuf::from("out/records.jsonl"));
        assert!(meta.absolutize().is_ok());
        assert!(meta.input.is_absolute());
        assert!(meta.output.as_deref().is_some_and(Path::is_absolute));

        let mut piped = JobMeta::new(id, "-");
        assert!(piped.absolutize().is_ok());
        assert!(piped.input_is_stdin());
    }

    #[test]
    fn older_ledgers_without_optional_fields_still_load() {
        let json = r#"{"id":"20261129T081500Z-3f9a","created_at":"2026-11-29T08:15:00Z",
            "input":"/tmp/in.csv","search_type":"auto","mode":"tax","strategy":"intelligent",
            "priority":"normal","format":"jsonl"}"#;
        let meta: Result<JobMeta, _> = serde_json::from_str(json);
        let meta = meta.map_err(|e| e.to_string());
        assert!(meta
            .as_ref()
            .is_ok_and(|m| m.output.is_none() && !m.database_url_set));
    }
}
