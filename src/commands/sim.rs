//! `mps sim`: serve the simulated county on 127.0.0.1 until interrupted.

use super::setup::parse_pairs;
use crate::cli::SimArgs;
use crate::sim::{County, SimOptions, Simulator};
use anyhow::Context;
use std::io::Write;
use std::time::Duration;

/// `--error-rate SOURCE=F`: a fraction of requests, from 0 to 1.
fn error_rates(
    values: &[String],
) -> anyhow::Result<std::collections::BTreeMap<crate::source::Source, f64>> {
    let rates = parse_pairs("--error-rate", values)?;
    if let Some((source, rate)) = rates.iter().find(|(_, r)| **r > 1.0) {
        anyhow::bail!(
            "--error-rate {source}={rate}: the error rate is a fraction of requests, from 0 to 1 \
             (e.g. {source}=0.1 for 10 %)"
        );
    }
    Ok(rates)
}

pub fn run(args: SimArgs) -> anyhow::Result<i32> {
    let mut stdout = std::io::stdout().lock();
    if let Some(n) = args.sample {
        for apn in County::new(args.seed).sample(n) {
            writeln!(stdout, "{apn}")?;
        }
        return Ok(0);
    }
    let opts = SimOptions {
        seed: args.seed,
        port: args.port,
        latency: Duration::from_millis(args.latency),
        limits: parse_pairs("--limit", &args.limits)?,
        error_rate: error_rates(&args.error_rates)?,
        treasurer_legacy_retired: args.retire_legacy_treasurer,
        as_of: args.as_of,
        ..SimOptions::default()
    };
    let (tx, rx) = crossbeam_channel::bounded::<()>(1);
    ctrlc::set_handler(move || {
        let _ = tx.try_send(());
    })
    .context("cannot install the Ctrl-C handler")?;
    let sim = Simulator::start(opts)
        .with_context(|| format!("cannot listen on 127.0.0.1:{}", args.port))?;
    sim.print_exports(&mut stdout)?;
    stdout.flush()?;
    drop(stdout);
    eprintln!(
        "mps sim: serving the county of seed {} at {} (Ctrl-C to stop)",
        args.seed,
        sim.base_url()
    );
    let _ = rx.recv();
    sim.stop();
    Ok(0)
}
