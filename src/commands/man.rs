//! `mps man [SUBCOMMAND]`: the man page (roff), generated from the command line definition
//! so it always describes the flags this binary has.

use super::exit::Exit;
use crate::cli::Cli;
use anyhow::bail;
use clap::CommandFactory;
use std::io::Write;

/// Writes the man page of `mps`, or of one of its subcommands (`mps-batch(1)`), to stdout.
pub fn run(subcommand: Option<&str>) -> anyhow::Result<Exit> {
    let mut cmd = Cli::command();
    // Building fills in what the page shows of a subcommand: its full name (`mps-batch`) and
    // the global flags it inherits.
    cmd.build();
    let page = match subcommand {
        None => cmd.clone(),
        Some(name) => match cmd.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => {
                let names: Vec<&str> = cmd
                    .get_subcommands()
                    .filter(|s| !s.is_hide_set())
                    .map(clap::Command::get_name)
                    .collect();
                bail!(
                    "mps man {name}: no such subcommand; expected one of {}",
                    names.join(", ")
                );
            }
        },
    };
    // The footer names the release only (the commit and build notes of `--version` are too
    // long for it); a subcommand has no version of its own, so it gets the program's.
    let source = format!("mps {}", env!("CARGO_PKG_VERSION"));
    let mut roff = Vec::new();
    clap_mangen::Man::new(page)
        .source(source)
        .render(&mut roff)?;
    let mut out = std::io::stdout().lock();
    out.write_all(&roff)?;
    out.flush()?;
    Ok(Exit::Ok)
}
