//! The `mps` binary: parse the command line, run, print errors, exit with a meaningful code.

use clap::Parser;

fn main() {
    let cli = mps::cli::Cli::parse();
    let code = match mps::commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("mps: error: {err:#}");
            mps::commands::exit::USAGE
        }
    };
    std::process::exit(code);
}
