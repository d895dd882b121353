//! The `mps` binary: parse the command line, run, print errors, exit with a meaningful code.

use clap::Parser;
use std::io::Write;

fn main() {
    let cli = mps::cli::Cli::parse();
    let code = match mps::commands::run(cli) {
        Ok(code) => code,
        // The reader of our standard output has gone (`| head`): quietly done.
        Err(err) if mps::commands::report::is_closed_pipe(&err) => mps::commands::exit::OK,
        Err(err) => {
            let _ = writeln!(
                std::io::stderr(),
                "mps: error: {}",
                mps::commands::report::chain(&err)
            );
            mps::commands::exit::USAGE
        }
    };
    std::process::exit(code);
}
