//! The ledger file's line format: one JSON object per line, told apart by its keys.
//!
//! ```text
//! {"mps_ledger":1,"meta":{"id":"20261129T081500Z-3f9a","created_at":…,"input":…}}   first line
//! {"opened":{"pid":4242,"at":"2026-11-29T08:15:00Z"}}                     each run (create, resume)
//! {"line":2,"input":"123-45-678","status":"ok","at":…,"sources":{"assessor":{"state":"ok","attempts":1}}}
//! {"finished":{"status":"completed","at":…,"summary":{…}}}                 end of a run
//! ```
//!
//! Entries are by far the most numerous lines, so they are tried first with a typed parse;
//! other lines go through `serde_json::Value` so a damaged line gets a precise reason.

use super::{JobMeta, RowEntry};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The format version written in the header; bumped only for changes old readers would
/// misread.
pub const LEDGER_VERSION: u64 = 1;

/// The first line of every ledger.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Header {
    pub mps_ledger: u64,
    pub meta: JobMeta,
}

/// A process started (or resumed) the job. Its pid lets a refused second process say which
/// process holds the lock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Opened {
    pub pid: u32,
    pub at: DateTime<Utc>,
    /// The run's settings when they differ from the job's first run (flags given with
    /// `--resume`): the latest one is what the next `--resume` restores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<Value>,
}

/// A run ended in an orderly way (completed, interrupted, stopped early).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finished {
    /// How the run ended, as the batch command names it ("completed", "interrupted", ...).
    pub status: String,
    pub at: DateTime<Utc>,
    /// The run's statistics, as the batch command reports them.
    #[serde(default)]
    pub summary: Value,
}

#[derive(Serialize)]
pub(crate) struct OpenedLine<'a> {
    pub opened: &'a Opened,
}

#[derive(Serialize)]
pub(crate) struct FinishedLine<'a> {
    pub finished: &'a Finished,
}

#[derive(Deserialize)]
struct OpenedOwned {
    opened: Opened,
}

#[derive(Deserialize)]
struct FinishedOwned {
    finished: Finished,
}

/// One decoded line.
#[derive(Debug)]
pub(crate) enum Line {
    Header(Box<Header>),
    Opened(Opened),
    Entry(RowEntry),
    Finished(Finished),
}

/// Decodes one line (without its newline); the error is a reason for the user.
pub(crate) fn decode(bytes: &[u8]) -> Result<Line, String> {
    if let Ok(entry) = serde_json::from_slice::<RowEntry>(bytes) {
        return Ok(Line::Entry(entry));
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let has = |key: &str| value.get(key).is_some();
    let typed = if has("line") {
        serde_json::from_value::<RowEntry>(value).map(Line::Entry)
    } else if has("opened") {
        serde_json::from_value::<OpenedOwned>(value).map(|o| Line::Opened(o.opened))
    } else if has("finished") {
        serde_json::from_value::<FinishedOwned>(value).map(|f| Line::Finished(f.finished))
    } else if has("mps_ledger") {
        serde_json::from_value::<Header>(value).map(|h| Line::Header(Box::new(h)))
    } else {
        return Err("not a ledger line: no line, opened, finished or mps_ledger key".to_string());
    };
    typed.map_err(|e| e.to_string())
}

/// Appends `value` as one JSON line to `buf`.
pub(crate) fn encode_into<T: Serialize>(buf: &mut Vec<u8>, value: &T) -> serde_json::Result<()> {
    serde_json::to_writer(&mut *buf, value)?;
    buf.push(b'\n');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_line_decodes() {
        let entry = br#"{"line":3,"input":"x","status":"ok","sources":{}}"#;
        assert!(matches!(decode(entry), Ok(Line::Entry(e)) if e.line == 3));
        let opened = br#"{"opened":{"pid":9,"at":"2026-11-29T08:15:00Z"}}"#;
        assert!(matches!(decode(opened), Ok(Line::Opened(o)) if o.pid == 9));
        let fin = br#"{"finished":{"status":"completed","at":"2026-11-29T08:15:00Z"}}"#;
        assert!(matches!(decode(fin), Ok(Line::Finished(f)) if f.status == "completed"));
    }

    #[test]
    fn damaged_lines_get_a_reason() {
        let torn = decode(br#"{"line":3,"inp"#).err().unwrap_or_default();
        assert!(torn.contains("EOF"), "{torn}");
        let wrong = decode(br#"{"line":"three","input":"x","status":"ok"}"#)
            .err()
            .unwrap_or_default();
        assert!(wrong.contains("invalid type"), "{wrong}");
        let alien = decode(br#"{"hello":1}"#).err().unwrap_or_default();
        assert!(alien.contains("not a ledger line"), "{alien}");
    }
}
