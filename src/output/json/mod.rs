//! `--format json`: one valid JSON array of records, closed even when the batch stops early.

pub(crate) mod reconcile;

use crate::engine::RecordSink;
use mps_model::record::Record;
use std::io::{self, BufWriter, Write};

pub struct JsonArraySink {
    out: BufWriter<Box<dyn Write + Send>>,
    written: u64,
    finished: bool,
}

impl JsonArraySink {
    pub fn new(out: Box<dyn Write + Send>, appending: bool) -> Self {
        JsonArraySink {
            out: BufWriter::new(out),
            written: u64::from(appending),
            finished: false,
        }
    }
}

impl RecordSink for JsonArraySink {
    fn write(&mut self, record: &Record) -> io::Result<()> {
        self.out
            .write_all(if self.written == 0 { b"[\n" } else { b",\n" })?;
        serde_json::to_writer(&mut self.out, record)?;
        self.written += 1;
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn finish(&mut self) -> io::Result<()> {
        if !self.finished {
            self.finished = true;
            self.out
                .write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()
    }
}
