//! `mps sim`: serve the simulated county on 127.0.0.1 until interrupted.

use super::exit::Exit;
use super::setup::parse_pairs;
use super::sim_scenario;
use crate::cli::SimArgs;
use crate::sim::{County, SimOptions, Simulator};
use anyhow::Context;
use std::io::Write;
use std::time::Duration;

/// `--error-rate SOURCE=F`: a fraction of requests, from 0 to 1.
fn error_rates(
    values: &[String],
) -> anyhow::Result<std::collections::BTreeMap<mps_model::Service, f64>> {
    let rates = parse_pairs("--error-rate", values)?;
    if let Some((source, rate)) = rates.iter().find(|(_, r)| **r > 1.0) {
        anyhow::bail!(
            "--error-rate {source}={rate}: the error rate is a fraction of requests, from 0 to 1 \
             (e.g. {source}=0.1 for 10 %)"
        );
    }
    Ok(rates)
}

pub fn run(args: SimArgs) -> anyhow::Result<Exit> {
    let mut stdout = std::io::stdout().lock();
    if let Some(n) = args.sample {
        for apn in County::new(args.seed).sample(n) {
            writeln!(stdout, "{apn}")?;
        }
        return Ok(Exit::Ok);
    }
    let mut opts = SimOptions {
        seed: args.seed,
        port: args.port,
        treasurer_legacy_retired: args.retire_legacy_treasurer,
        as_of: args.as_of,
        ..SimOptions::default()
    };
    if let Some(path) = &args.scenario {
        sim_scenario::load(path, &mut opts)?;
    }
    if args.latency > 0 {
        opts.latency = Duration::from_millis(args.latency);
    }
    opts.limits.extend(parse_pairs("--limit", &args.limits)?);
    opts.error_rate = error_rates(&args.error_rates)?;
    if let Some(ms) = args.latency_max {
        opts.latency_max = Duration::from_millis(ms);
    }
    if let Some(ms) = args.hang {
        opts.hang = Duration::from_millis(ms);
    }
    sim_scenario::add_faults(&args.faults, &mut opts)?;
    sim_scenario::add_down(&args.down, &mut opts)?;
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
    Ok(Exit::Ok)
}
