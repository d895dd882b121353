//! JSON array: elements are found by tracking nesting and strings byte by byte, so the file
//! is never held in memory (an output can be gigabytes) and any whitespace layout works.

use super::{unreadable, LineOnly, Scan};
use crate::ledger::LedgerError;
use std::collections::BTreeSet;
use std::io::BufRead;
use std::path::Path;

enum State {
    /// Before the opening `[`.
    Start,
    /// Inside the array, between elements.
    Between,
    /// Inside an element object.
    Element {
        depth: u32,
        in_string: bool,
        escaped: bool,
    },
    /// After the closing `]`.
    Closed,
}

/// Keeps every complete element and cuts the file right after the last one: a torn element,
/// a dangling `,` and the closing `]` all go, so the writer can append `,\n{…}`.
pub(super) fn scan(mut reader: impl BufRead, path: &Path) -> Result<Scan, LedgerError> {
    let mut scan = Scan {
        done_lines: BTreeSet::new(),
        records: 0,
        keep: 0,
    };
    let mut state = State::Start;
    let mut element = Vec::new();
    let mut offset = 0u64;
    loop {
        let chunk = reader
            .fill_buf()
            .map_err(|e| LedgerError::io("read", path, e))?;
        if chunk.is_empty() || matches!(state, State::Closed) {
            break;
        }
        let n = chunk.len();
        for (i, &b) in chunk.iter().enumerate() {
            let element_no = scan.records + 1;
            match &mut state {
                State::Start => match b {
                    b'[' => state = State::Between,
                    b if b.is_ascii_whitespace() => {}
                    _ => return Err(unreadable(path, 1, "the file does not start with `[`")),
                },
                State::Between => match b {
                    b'{' => {
                        element.clear();
                        element.push(b);
                        state = State::Element {
                            depth: 1,
                            in_string: false,
                            escaped: false,
                        };
                    }
                    b']' => state = State::Closed,
                    b',' => {}
                    b if b.is_ascii_whitespace() => {}
                    _ => return Err(unreadable(path, element_no, "it is not a JSON object")),
                },
                State::Element {
                    depth,
                    in_string,
                    escaped,
                } => {
                    element.push(b);
                    if *in_string {
                        if *escaped {
                            *escaped = false;
                        } else if b == b'\\' {
                            *escaped = true;
                        } else if b == b'"' {
                            *in_string = false;
                        }
                        continue;
                    }
                    match b {
                        b'"' => *in_string = true,
                        b'{' | b'[' => *depth += 1,
                        b'}' | b']' => {
                            *depth -= 1;
                            if *depth == 0 {
                                let rec: LineOnly = serde_json::from_slice(&element)
                                    .map_err(|e| unreadable(path, element_no, e.to_string()))?;
                                scan.done_lines.insert(rec.line);
                                scan.records += 1;
                                scan.keep = offset + i as u64 + 1;
                                state = State::Between;
                            }
                        }
                        _ => {}
                    }
                }
                State::Closed => break,
            }
        }
        offset += n as u64;
        reader.consume(n);
    }
    Ok(scan)
}
