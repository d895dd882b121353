//! JSON array: elements are found by tracking nesting and strings byte by byte, so the file
//! is never held in memory (an output can be gigabytes) and any whitespace layout works.

use crate::output::scanned::{unreadable, LineOnly, ReconcileError, Scan};
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
pub(in crate::output) fn scan(
    mut reader: impl BufRead,
    path: &Path,
) -> Result<Scan, ReconcileError> {
    let mut array = Array::new(path);
    let mut offset = 0u64;
    loop {
        let chunk = reader
            .fill_buf()
            .map_err(|e| ReconcileError::io("read", path, e))?;
        if chunk.is_empty() || array.closed() {
            break;
        }
        let n = chunk.len();
        for (i, &b) in chunk.iter().enumerate() {
            // Whatever follows the closing `]` is not read: the cut goes before it anyway.
            if array.closed() {
                break;
            }
            array.byte(b, offset + i as u64)?;
        }
        offset += n as u64;
        reader.consume(n);
    }
    Ok(array.scan)
}

/// The scan between two bytes: the elements found so far and the one being read.
struct Array<'a> {
    path: &'a Path,
    scan: Scan,
    state: State,
    /// The bytes of the element being read.
    element: Vec<u8>,
}

impl<'a> Array<'a> {
    /// Nothing read yet.
    fn new(path: &'a Path) -> Self {
        Array {
            path,
            scan: Scan {
                done_lines: BTreeSet::new(),
                records: 0,
                keep: 0,
            },
            state: State::Start,
            element: Vec::new(),
        }
    }

    /// Whether the array's closing `]` was read.
    fn closed(&self) -> bool {
        matches!(self.state, State::Closed)
    }

    /// Reads byte `b`, found at `at` in the file.
    fn byte(&mut self, b: u8, at: u64) -> Result<(), ReconcileError> {
        let element_no = self.scan.records + 1;
        match self.state {
            State::Start => match b {
                b'[' => self.state = State::Between,
                b if b.is_ascii_whitespace() => {}
                _ => return Err(unreadable(self.path, 1, "the file does not start with `[`")),
            },
            State::Between => match b {
                b'{' => self.element_start(b),
                b']' => self.state = State::Closed,
                b',' => {}
                b if b.is_ascii_whitespace() => {}
                _ => return Err(unreadable(self.path, element_no, "it is not a JSON object")),
            },
            State::Element { .. } => return self.element_byte(b, at),
            // The caller stops at the closing `]`.
            State::Closed => {}
        }
        Ok(())
    }

    /// Starts an element at its opening `b`.
    fn element_start(&mut self, b: u8) {
        self.element.clear();
        self.element.push(b);
        self.state = State::Element {
            depth: 1,
            in_string: false,
            escaped: false,
        };
    }

    /// Reads byte `b` of an element, found at `at`; the element is counted at its last `}`.
    fn element_byte(&mut self, b: u8, at: u64) -> Result<(), ReconcileError> {
        let State::Element {
            depth,
            in_string,
            escaped,
        } = &mut self.state
        else {
            return Ok(());
        };
        self.element.push(b);
        // Brackets inside a string do not nest.
        if *in_string {
            string_byte(b, in_string, escaped);
            return Ok(());
        }
        match b {
            b'"' => *in_string = true,
            b'{' | b'[' => *depth += 1,
            b'}' | b']' => {
                *depth -= 1;
                if *depth == 0 {
                    self.element_end(at)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Counts the element just closed at `at`: the file is whole up to there.
    fn element_end(&mut self, at: u64) -> Result<(), ReconcileError> {
        let element_no = self.scan.records + 1;
        let rec: LineOnly = serde_json::from_slice(&self.element)
            .map_err(|e| unreadable(self.path, element_no, e.to_string()))?;
        self.scan.done_lines.insert(rec.line);
        self.scan.records += 1;
        self.scan.keep = at + 1;
        self.state = State::Between;
        Ok(())
    }
}

/// Reads byte `b` inside a string: a `"` not escaped by a `\` ends it.
fn string_byte(b: u8, in_string: &mut bool, escaped: &mut bool) {
    if *escaped {
        *escaped = false;
    } else if b == b'\\' {
        *escaped = true;
    } else if b == b'"' {
        *in_string = false;
    }
}
