//! The batch's output file: created for a new job, reopened for a resumed or retried one
//! after making it hold exactly one whole record per finished row.
//!
//! Only a regular file is read back. `-`, `/dev/null`, a FIFO or a device is written to and
//! never read (reading `/dev/full` back would be an endless stream); for those the ledger
//! alone says what is done.

use super::earlier::Run;
use super::rewrite;
use crate::ledger;
use crate::output::reconcile::{self, OutputFormat};
use crate::output::Format;
use anyhow::Context;
use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The output opened for writing.
pub struct Output {
    pub writer: Box<dyn Write + Send>,
    /// The file already holds records: a sink continues it (no second CSV header, the JSON
    /// array goes on).
    pub appending: bool,
    /// For a regular file that was reopened: the lines whose records it holds (after
    /// dropping torn, duplicate and unrecorded ones). `None` when it cannot be read back.
    pub lines: Option<BTreeSet<u64>>,
}

/// `-o`: `None` for stdout (no flag, or `-`).
pub fn path_of(output: Option<&Path>) -> Option<PathBuf> {
    output
        .filter(|p| p.as_os_str() != "-")
        .map(Path::to_path_buf)
}

/// Refuses an output that is the input (same file through any path or link): creating the
/// output would truncate the input before a row is read.
pub fn refuse_same_file(input: &str, output: Option<&Path>) -> anyhow::Result<()> {
    let (Some(output), false) = (output, input == "-") else {
        return Ok(());
    };
    if Path::new(input).is_file() && same_file(Path::new(input), output) {
        anyhow::bail!(
            "--output {} is the input file {input}: writing it would destroy the input; \
             choose another output file",
            output.display()
        );
    }
    Ok(())
}

/// Whether two paths name the same existing file (through any path or link); paths that do
/// not exist yet are compared as absolute paths.
pub fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        (Err(_), _) | (_, Err(_)) => std::path::absolute(a)
            .ok()
            .is_some_and(|p| Some(p) == std::path::absolute(b).ok()),
    }
}

/// Checks that a new job's output can be written before any job state is created: a
/// missing directory or a read-only file system is reported against the output the user
/// named. The file is created if missing and left as it is otherwise (the job truncates it
/// only after taking its ledger's lock).
pub fn probe(path: Option<&Path>) -> anyhow::Result<()> {
    match path {
        Some(p) if ledger::is_regular_or_new(p) => OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(p)
            .map(drop)
            .with_context(|| format!("cannot create the output {}", p.display())),
        _ => Ok(()),
    }
}

/// Opens the output of a new job (truncating a regular file; a device or FIFO is opened
/// as it is).
pub fn create(path: Option<&Path>) -> anyhow::Result<Output> {
    let writer: Box<dyn Write + Send> = match path {
        None => Box::new(std::io::stdout()),
        Some(p) if ledger::is_regular_or_new(p) => Box::new(
            File::create(p).with_context(|| format!("cannot create the output {}", p.display()))?,
        ),
        Some(p) => Box::new(
            OpenOptions::new()
                .write(true)
                .open(p)
                .with_context(|| format!("cannot open the output {}", p.display()))?,
        ),
    };
    Ok(Output {
        writer,
        appending: false,
        lines: None,
    })
}

/// Reopens the output of an earlier run of the job. A regular file is reconciled first:
/// a torn last record is cut, then only the newest record of each line is kept, and, on a
/// resume with a database, only lines the database recorded (a record that reached the
/// output but not the database is fetched again, rather than being left twice).
pub fn reopen(
    path: Option<&Path>,
    format: Format,
    run: &Run,
    ledger_done: &BTreeSet<u64>,
    database: bool,
) -> anyhow::Result<Output> {
    let Some(p) = path else {
        return create(None);
    };
    let regular = std::fs::metadata(p).map(|m| m.is_file());
    match regular {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut out = create(Some(p))?;
            out.lines = Some(BTreeSet::new());
            return Ok(out);
        }
        Ok(false) => return create(Some(p)),
        _ => {}
    }
    let out_format: OutputFormat = format;
    reconcile::reconcile_output_with_ledger(p, out_format, ledger_done)?;
    let only_recorded = database && *run == Run::Resume;
    let keep = |line: u64| !only_recorded || ledger_done.contains(&line);
    let normalized = rewrite::normalize(p, format, &keep, true)
        .with_context(|| format!("cannot reconcile the output {}", p.display()))?;
    let writer = OpenOptions::new()
        .append(true)
        .open(p)
        .with_context(|| format!("cannot open the output {}", p.display()))?;
    Ok(Output {
        writer: Box::new(writer),
        appending: normalized.records > 0,
        lines: Some(normalized.lines),
    })
}

/// After a retry, the output holds an old and a new record of each retried line: keeps the
/// newest (a closed, valid file again).
pub fn keep_newest(path: Option<&Path>, format: Format) -> anyhow::Result<()> {
    match path {
        Some(p) if std::fs::metadata(p).is_ok_and(|m| m.is_file()) => {
            rewrite::normalize(p, format, &|_| true, false).map(|_| ())
        }
        _ => Ok(()),
    }
}
