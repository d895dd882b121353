//! The `mps` binary: parse the command line, run, print errors, exit with a meaningful code.

use clap::Parser;
use mps::commands::exit::{self, Exit};
use std::io::Write;
use std::process::ExitCode;

/// mimalloc instead of the system's malloc: a batch allocates and frees the strings of
/// every record on 128 threads, and glibc's arenas spent a quarter of its CPU there.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = mps::cli::Cli::parse();
    let exit = match mps::commands::run(cli) {
        Ok(exit) => exit,
        Err(err) => {
            let exit = exit::for_error(&err);
            // The reader of our standard output has gone (`| head`): quietly done.
            if exit != Exit::Ok {
                let _ = writeln!(
                    std::io::stderr(),
                    "mps: error: {}",
                    mps::commands::report::chain(&err)
                );
            }
            exit
        }
    };
    exit.into()
}
