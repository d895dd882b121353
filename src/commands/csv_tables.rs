//! `--csv-tables DIR` of a batch: reconciling the tables of an earlier run with its output
//! before a resume or retry appends to them (the tables themselves: `output::csv::tables`).

use super::rewrite;
use crate::output::csv::tables::Table;
use crate::output::Format;
use anyhow::Context;
use mps_model::mode::Mode;
use std::path::Path;

/// Refuses tables that would overwrite the input or be the output: `--csv-tables .` beside
/// an input named `tax_bills.csv` would truncate it before a row is read.
pub fn refuse_overlap(
    dir: &Path,
    mode: Mode,
    input: &str,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    use super::batch_output::same_file as same;
    for table in Table::of_mode(mode)? {
        let file = table.file(dir);
        if input != "-" && same(&file, Path::new(input)) {
            anyhow::bail!(
                "--csv-tables {}: its {} would overwrite the input file {input}; choose \
                 another directory",
                dir.display(),
                file.display()
            );
        }
        if let Some(out) = output.filter(|o| same(&file, o)) {
            anyhow::bail!(
                "--csv-tables {}: its {} is also the --output {}; choose another directory",
                dir.display(),
                file.display(),
                out.display()
            );
        }
    }
    Ok(())
}

/// Cuts a torn last row of each table and keeps only the rows of lines `keep` accepts (the
/// lines the output holds and that will not be fetched again), so that after the run each
/// line's rows are there once.
pub fn reconcile(
    dir: &Path,
    mode: Mode,
    done: usize,
    keep: &dyn Fn(u64) -> bool,
) -> anyhow::Result<()> {
    for table in Table::of_mode(mode)? {
        let path = table.file(dir);
        if !path.is_file() {
            if done > 0 {
                // Said, not silently dropped: the run starts the table afresh.
                eprintln!(
                    "mps: warning: {} is missing: it will not hold the {done} rows done before \
                     this run (a new job with the same input writes them all)",
                    path.display()
                );
            }
            continue;
        }
        // The torn last row of a crash goes first, as for the output itself.
        crate::output::reconcile::reconcile_output(&path, Format::Csv)
            .with_context(|| format!("--csv-tables: cannot read {}", path.display()))?;
        rewrite::normalize(&path, Format::Csv, keep, true)
            .with_context(|| format!("--csv-tables: cannot reconcile {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_torn_row_is_cut() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("tax_bills.csv");
        std::fs::write(&p, "line,input,apn\n2,x,1\n3,y").expect("write");
        reconcile(dir.path(), Mode::Tax, 1, &|_| true).expect("reconcile");
        assert_eq!(
            std::fs::read_to_string(&p).expect("read"),
            "line,input,apn\n2,x,1\n"
        );
    }

    #[test]
    fn rows_of_lines_not_kept_go() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("tax_bills.csv");
        std::fs::write(&p, "line,input,apn\n2,a,1\n2,a,1\n3,b,2\n4,c,3\n").expect("write");
        reconcile(dir.path(), Mode::Tax, 3, &|l| l != 3).expect("reconcile");
        assert_eq!(
            std::fs::read_to_string(&p).expect("read"),
            "line,input,apn\n2,a,1\n2,a,1\n4,c,3\n"
        );
    }
}
