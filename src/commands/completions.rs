//! `mps completions SHELL`: the shell completion script, generated from the command line
//! definition itself so it never falls behind a new flag.

use super::exit::Exit;
use crate::cli::Cli;
use clap::CommandFactory;
use std::io::Write;

/// Writes the completion script for `shell` to stdout.
pub fn run(shell: clap_complete::Shell) -> anyhow::Result<Exit> {
    let mut cmd = Cli::command();
    // The name the script completes is the binary's name as users type it, not argv[0]
    // (which may be a path).
    let name = cmd.get_name().to_string();
    // clap_complete panics when its writer fails; generating into memory first lets a closed
    // pipe (`mps completions bash | head`) end quietly like every other command.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, name, &mut script);
    let mut out = std::io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(Exit::Ok)
}
