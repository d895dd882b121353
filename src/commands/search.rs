//! `mps search ID`: one identifier through the batch pipeline, pretty JSON on stdout.

use super::batch::parse_mode;
use super::exit::{Exit, OutputFailed};
use super::{exit, setup};
use crate::cli::SearchArgs;
use crate::engine::job::JobRow;
use crate::engine::stop::Interrupt;
use crate::engine::RecordSink;
use crate::engine::{job, JobSpec};
use crate::engine::{JobPorts, NoJournal};
use crate::ident::{classify, SearchType};
use crate::input::{InputItem, InputRow, InvalidRow};
use crate::progress::{ProgressDisplay, ProgressSetup};
use mps_model::record::Record;
use mps_model::Priority;
use std::io::{self, Write};
use std::sync::{Arc, Mutex};

/// Keeps records in memory (there is only one).
struct Collect(Arc<Mutex<Vec<Record>>>);

impl RecordSink for Collect {
    fn write(&mut self, record: &Record) -> io::Result<()> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(record.clone());
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}

pub fn run(args: SearchArgs) -> anyhow::Result<Exit> {
    let mode = parse_mode(&args.mode)?;
    let search_type: SearchType = args
        .search_type
        .parse()
        .map_err(|e| anyhow::anyhow!("--search-type: {e}"))?;
    let services = setup::services(&args.common, mode)?;
    let item = InputItem {
        line: 1,
        raw: args.identifier.clone(),
        outcome: classify(&args.identifier, search_type)
            .map(|identifier| InputRow {
                identifier,
                priority: None,
                search_type,
            })
            .map_err(|e| InvalidRow {
                reason: format!("{:?}: {e}", args.identifier),
            }),
    };
    let records = Arc::new(Mutex::new(Vec::new()));
    let spec = JobSpec {
        mode,
        workers: 1,
        default_priority: Priority::Normal,
        max_errors: 0,
        max_runtime: None,
        flush_every: 1,
        dedupe_capacity: 1,
        previous: None,
        stop_grace: crate::engine::job::DEFAULT_STOP_GRACE,
    };
    let ctx = Arc::new(services.context);
    let outcome = job::run(
        std::iter::once(Ok(JobRow::Fetch(item))),
        &spec,
        Arc::clone(&ctx),
        &Interrupt::new(),
        JobPorts {
            sink: Box::new(Collect(records.clone())),
            journal: &mut NoJournal,
            progress: Box::new(ProgressDisplay::new(ProgressSetup::default())),
        },
    );
    ctx.browser.close();
    let records = records
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut stdout = io::stdout().lock();
    for r in records.iter() {
        serde_json::to_writer_pretty(&mut stdout, r)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(stdout))
            .map_err(OutputFailed::of("the record to standard output"))?;
    }
    if let Some(stop) = &outcome.stop {
        eprintln!("mps: {stop}");
    }
    Ok(exit::for_job(&outcome))
}
