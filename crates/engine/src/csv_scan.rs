//! Where CSV records end, one byte at a time: the single RFC 4180 quote tracker behind the
//! input reader's line numbers (`input`), the cut of a torn CSV output after a crash
//! (`output::csv::reconcile`) and the read-back of a CSV output (`output::readback`).
//!
//! It follows the grammar of the `csv` crate's reader (csv-core) in its default dialect,
//! which is what reads every CSV file mps touches:
//! - `,` ends a field and CR, LF or CRLF ends a record, unless inside quotes;
//! - `"` opens quotes only at the start of a field (elsewhere it is data), and inside
//!   quotes `""` is one literal quote;
//! - CR and LF between records (blank lines, the LF of a CRLF) belong to no record.
//!
//! A test feeds every short input to both this scanner and `csv_core::Reader` and checks
//! that records end at the same bytes. The state is a few bytes and survives any split of
//! the input into buffers, since the caller feeds bytes one by one.

/// Where the scanner is in the grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum State {
    /// Between records: no record is open.
    #[default]
    StartRecord,
    StartField,
    /// In an unquoted field, or after a quoted field's closing quote.
    InField,
    InQuoted,
    /// A quote inside quotes: the closing one, or the first of a doubled `""`.
    QuoteInQuoted,
}

/// What a byte was, read at its place in the grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Byte {
    /// Part of a field: data, a quote, or a `,`, CR or LF inside quotes.
    Data,
    /// A `,` outside quotes: it ends a field.
    Delimiter,
    /// A CR or LF outside quotes that ends a record.
    RecordEnd,
    /// A CR or LF outside any record: a blank line, or the LF of a CRLF.
    Blank,
}

/// The quote and record-boundary tracker (see the module docs).
#[derive(Debug, Clone, Default)]
pub struct CsvScanner {
    state: State,
}

impl CsvScanner {
    /// A scanner at the start of the input (no record open).
    pub fn new() -> CsvScanner {
        CsvScanner::default()
    }

    /// Reads one byte and says what it was.
    pub fn step(&mut self, b: u8) -> Byte {
        let terminator = b == b'\r' || b == b'\n';
        let (state, byte) = match (self.state, b) {
            (State::StartRecord, _) if terminator => (State::StartRecord, Byte::Blank),
            (State::StartRecord | State::StartField, b'"') => (State::InQuoted, Byte::Data),
            (State::InQuoted, b'"') => (State::QuoteInQuoted, Byte::Data),
            (State::InQuoted, _) | (State::QuoteInQuoted, b'"') => (State::InQuoted, Byte::Data),
            (_, b',') => (State::StartField, Byte::Delimiter),
            (_, _) if terminator => (State::StartRecord, Byte::RecordEnd),
            _ => (State::InField, Byte::Data),
        };
        self.state = state;
        byte
    }

    /// True when no record is open: the next byte that is not CR or LF starts one.
    pub fn between_records(&self) -> bool {
        self.state == State::StartRecord
    }

    /// True inside a quoted field, where CR, LF and `,` are data (a file that ends here
    /// ends inside a record).
    pub fn in_quotes(&self) -> bool {
        self.state == State::InQuoted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Offsets just past each byte that ends a record.
    fn ends(data: &[u8]) -> Vec<usize> {
        let mut scanner = CsvScanner::new();
        (1..=data.len())
            .filter(|&i| scanner.step(data[i - 1]) == Byte::RecordEnd)
            .collect()
    }

    /// The same from csv-core (records ended by a terminator; an unterminated last record
    /// is reported at the end of input and left out).
    fn csv_core_ends(reader: &mut csv_core::Reader, data: &[u8]) -> Vec<usize> {
        use csv_core::ReadRecordResult;
        reader.reset();
        let (mut out, mut field_ends) = ([0u8; 64], [0usize; 64]);
        let (mut at, mut found) = (0, Vec::new());
        loop {
            let (result, nin, _, _) = reader.read_record(&data[at..], &mut out, &mut field_ends);
            let eof = at == data.len();
            at += nin;
            match result {
                ReadRecordResult::Record if !eof => found.push(at),
                ReadRecordResult::End => return found,
                ReadRecordResult::OutputFull | ReadRecordResult::OutputEndsFull => {
                    panic!("buffers too small for {data:?}")
                }
                _ => {}
            }
        }
    }

    #[test]
    fn agrees_with_csv_core_on_every_short_input() {
        // Every string of up to 7 bytes over the bytes that matter, plus one that does not.
        const ALPHABET: &[u8] = b"a,\"\r\n";
        let mut inputs = vec![Vec::new()];
        let mut checked = 0;
        let mut reader = csv_core::Reader::new();
        for _ in 0..7 {
            inputs = inputs
                .iter()
                .flat_map(|s| {
                    ALPHABET.iter().map(move |&b| {
                        let mut t = s.clone();
                        t.push(b);
                        t
                    })
                })
                .collect();
            for data in &inputs {
                assert_eq!(
                    ends(data),
                    csv_core_ends(&mut reader, data),
                    "{:?}",
                    String::from_utf8_lossy(data)
                );
                checked += 1;
            }
        }
        assert_eq!(checked, (1..=7).map(|n| 5usize.pow(n)).sum::<usize>());
    }

    #[test]
    fn quoted_newlines_and_doubled_quotes() {
        let data = b"1,\"a\"\"b\nc\"\"\",x\r\n2,\"\"\"\"\n";
        assert_eq!(ends(data), vec![15, 23]);
        let mut scanner = CsvScanner::new();
        let bytes: Vec<Byte> = b"1,\"\"\"\n\"\n".iter().map(|&b| scanner.step(b)).collect();
        use Byte::{Data as D, Delimiter as C, RecordEnd as E};
        assert_eq!(bytes, vec![D, C, D, D, D, D, D, E]);
        assert!(scanner.between_records());
    }

    #[test]
    fn blank_lines_and_crlf_are_between_records() {
        let mut scanner = CsvScanner::new();
        let bytes: Vec<Byte> = b"\r\n\na\r\n".iter().map(|&b| scanner.step(b)).collect();
        use Byte::{Blank as B, Data as D, RecordEnd as E};
        assert_eq!(bytes, vec![B, B, B, D, E, B]);
    }

    #[test]
    fn a_quote_inside_an_unquoted_field_is_data() {
        assert_eq!(ends(b"a\"b\nc\n"), vec![4, 6]);
        // After a closing quote, the field goes on unquoted.
        assert_eq!(ends(b"\"a\"b\"\nc\n"), vec![6, 8]);
    }

    #[test]
    fn in_quotes_only_while_a_newline_would_be_data() {
        let mut scanner = CsvScanner::new();
        for (b, quoted) in [
            (b'"', true),
            (b'\n', true),
            (b'"', false),
            (b'"', true),
            (b'"', false),
            (b',', false),
        ] {
            scanner.step(b);
            assert_eq!(scanner.in_quotes(), quoted, "after {:?}", b as char);
        }
    }
}
