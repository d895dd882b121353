//! Tests of `input`, kept beside it so the module itself stays short.

use super::*;
use mps_ident::Apn;
use strum::VariantArray;

fn reader_with(bytes: &[u8], options: InputOptions) -> Result<InputReader, InputError> {
    InputReader::from_reader(
        Box::new(io::Cursor::new(bytes.to_vec())),
        "test.csv",
        options,
    )
}

fn read_with(bytes: &[u8], options: InputOptions) -> Vec<InputItem> {
    match reader_with(bytes, options) {
        Ok(mut r) => {
            let items: Vec<InputItem> = r.by_ref().collect();
            assert!(r.error().is_none(), "{:?}", r.error());
            items
        }
        Err(e) => panic!("{e}"),
    }
}

fn read(bytes: &[u8]) -> Vec<InputItem> {
    read_with(bytes, InputOptions::default())
}

/// (line, key or "!reason") per item: compact to assert on.
fn summary(items: &[InputItem]) -> Vec<(u64, String)> {
    items
        .iter()
        .map(|i| match &i.outcome {
            Ok(row) => (i.line, row.identifier.key()),
            Err(bad) => (i.line, format!("!{}", bad.reason)),
        })
        .collect()
}

fn s(line: u64, text: &str) -> (u64, String) {
    (line, text.to_string())
}

#[test]
fn apn_column_in_every_spelling() {
    let items =
        read(b"apn\n123-45-678\n12345678\n123 45 678\n123.45.678\n118-22-001a\n118-22-001A\n");
    let keys: Vec<_> = summary(&items);
    assert_eq!(
        keys,
        vec![
            s(2, "apn:123-45-678"),
            s(3, "apn:123-45-678"),
            s(4, "apn:123-45-678"),
            s(5, "apn:123-45-678"),
            s(6, "apn:118-22-001A"),
            s(7, "apn:118-22-001A"),
        ]
    );
    assert_eq!(items[2].raw, "123 45 678");
    let row = items[0].outcome.as_ref().unwrap();
    assert_eq!(row.search_type, SearchType::Apn);
    assert_eq!(row.priority, None);
    assert_eq!(
        row.identifier,
        Identifier::Apn(Apn::parse("12345678").unwrap())
    );
}

#[test]
fn an_invalid_apn_names_its_line() {
    let items = read(b"apn\n123-45-678\n\n123-45-67\nSmith John\n");
    let got = summary(&items);
    assert_eq!(got[0], s(2, "apn:123-45-678"));
    assert_eq!(got[1].0, 4);
    assert!(
        got[1]
            .1
            .starts_with("!line 4: \"123-45-67\" is not a valid APN: an APN has 8 digits"),
        "{}",
        got[1].1
    );
    // The column is named apn, so a name there is a bad APN, not an owner.
    assert!(
        got[2]
            .1
            .starts_with("!line 5: \"Smith John\" is not a valid APN"),
        "{}",
        got[2].1
    );
}

#[test]
fn bom_and_crlf() {
    let items = read(b"\xEF\xBB\xBFAPN,Priority\r\n123-45-678,high\r\n\r\n165-28-054,\r\n");
    assert_eq!(
        summary(&items),
        vec![s(2, "apn:123-45-678"), s(4, "apn:165-28-054")]
    );
    assert_eq!(
        items[0].outcome.as_ref().unwrap().priority,
        Some(Priority::High)
    );
    assert_eq!(items[1].outcome.as_ref().unwrap().priority, None);
    // A BOM before a quoted header.
    let items = read(b"\xEF\xBB\xBF\"apn\",\"x\"\r\n\"123-45-678\",\"a,b\"\r\n");
    assert_eq!(summary(&items), vec![s(2, "apn:123-45-678")]);
}

#[test]
fn quoted_commas_and_newlines_keep_later_line_numbers_right() {
    let data = b"address,note\n\
        \"10010 N 29th St, Phoenix, AZ 85028\",plain\n\
        \"9049 W Adam Ave\",\"a note\nover\r\nthree lines, with \"\"quotes\"\"\"\n\
        \"Main St\",x\n\
        123-45-678,\"\"\n";
    let got = summary(&read(data));
    assert_eq!(got[0], s(2, "address:10010 N 29TH ST|PHOENIX|85028"));
    assert_eq!(got[1], s(3, "address:9049 W ADAM AVE||"));
    assert_eq!(got[2].0, 6);
    assert!(got[2].1.starts_with("!line 6: \"Main St\" is not a valid address: an address must start with a house number"), "{}", got[2].1);
    assert_eq!(got[3].0, 7);
    assert!(got[3].1.contains("not a valid address"), "{}", got[3].1);
    // A multi-line identifier cell itself.
    let got = summary(&read(b"owner\n\"DOE\nJOHN\"\n\"bad;\"\n"));
    assert_eq!(got[0], s(2, "owner:DOE JOHN"));
    assert!(got[1].1.starts_with("!line 4: "), "{}", got[1].1);
}

#[test]
fn blank_lines_and_empty_rows_are_skipped() {
    let got = summary(&read(
        b"\n\napn,priority\n\n123-45-678,low\n,\n , \n\n\n165-28-054,urgent\n\n",
    ));
    assert_eq!(got, vec![s(5, "apn:123-45-678"), s(10, "apn:165-28-054")]);
    // CR-only line ends (old Mac) count as lines too.
    let got = summary(&read(b"apn\r123-45-678\r\r165-28-054\r"));
    assert_eq!(got, vec![s(2, "apn:123-45-678"), s(4, "apn:165-28-054")]);
}

#[test]
fn empty_identifier_cells_are_invalid() {
    let got = summary(&read(b"apn,priority\n,high\n  ,low\n\"\",normal\n"));
    assert_eq!(
        got,
        vec![
            s(2, "!line 2: empty identifier"),
            s(3, "!line 3: empty identifier"),
            s(4, "!line 4: empty identifier")
        ]
    );
}

#[test]
fn ragged_rows() {
    let got = summary(&read(
        b"priority,note,apn\nhigh,a,123-45-678\nlow\nlow,b,165-28-054,extra,more\nhigh,c\n",
    ));
    assert_eq!(got[0], s(2, "apn:123-45-678"));
    assert_eq!(
        got[1],
        s(
            3,
            "!line 3: no value in column \"apn\": the row has 1 field(s), the header has 3"
        )
    );
    assert_eq!(got[2], s(4, "apn:165-28-054"));
    assert_eq!(got[3].0, 5);
    assert!(got[3].1.contains("the row has 2 field(s)"), "{}", got[3].1);
}

#[test]
fn non_utf8_bytes_spoil_only_their_row() {
    let items = read(b"owner\nO'BRI\xC9N PAT\nDOE JOHN\nbad \xEF\xBF\xBD here\nPE\xC3\x91A JOSE\n");
    let got = summary(&items);
    assert_eq!(got[0], s(2, "!line 2: \"O'BRI\u{FFFD}N PAT\" is not valid UTF-8 (byte 0xC9 at position 6); save the file as UTF-8"));
    assert_eq!(items[0].raw, "O'BRI\u{FFFD}N PAT");
    assert_eq!(got[1], s(3, "owner:DOE JOHN"));
    assert!(
        got[2].1.starts_with("!line 4: ") && got[2].1.contains("U+FFFD"),
        "{}",
        got[2].1
    );
    assert_eq!(got[3], s(5, "owner:PEÑA JOSE"));
}

#[test]
fn a_one_megabyte_field_is_refused_and_the_next_row_is_fine() {
    let mut data = b"apn,note\n123-45-678,x\n\"".to_vec();
    data.extend(std::iter::repeat_n(b'9', 1 << 20));
    data.extend(b"\",big\n165-28-054,y\n");
    let mut r = reader_with(&data, InputOptions::default()).unwrap();
    let items: Vec<_> = r.by_ref().collect();
    assert!(r.error().is_none());
    let got = summary(&items);
    assert_eq!(got[0], s(2, "apn:123-45-678"));
    assert_eq!(
        got[1],
        s(
            3,
            "!line 3: the value is 1048576 bytes, over the limit of 65536 bytes"
        )
    );
    assert!(
        items[1].raw.len() < 100 && items[1].raw.ends_with('…'),
        "{}",
        items[1].raw
    );
    assert_eq!(got[2], s(4, "apn:165-28-054"));
    // The big buffer was released.
    assert!(r.record.as_slice().len() < 1024);
    // A big field in another column does not matter.
    let mut data = b"apn,note\n123-45-678,".to_vec();
    data.extend(std::iter::repeat_n(b'x', 1 << 20));
    data.extend(b"\n");
    assert_eq!(summary(&read(&data)), vec![s(2, "apn:123-45-678")]);
}

/// Hands out at most 16 bytes per read.
struct Chunked(io::Cursor<Vec<u8>>);

impl Read for Chunked {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(16);
        self.0.read(&mut buf[..n])
    }
}

/// Hands out at most `max` bytes per read.
struct Trickle {
    data: io::Cursor<Vec<u8>>,
    max: usize,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(self.max);
        self.data.read(&mut buf[..n])
    }
}

#[test]
fn quoted_newline_and_doubled_quote_across_every_read_boundary() {
    // Line 2's record spans lines 2-4: its quoted cells hold a newline (LF, then CRLF) with
    // a doubled quote right before and right after it.
    let data = b"owner,note\n\"DOE \"\"\nJR\"\" JOHN\",\"a\"\"\r\n\"\"b\"\nSMITH JANE,x\n";
    let whole = summary(&read(data));
    let lines: Vec<u64> = whole.iter().map(|(line, _)| *line).collect();
    assert_eq!(lines, vec![2, 5], "{whole:?}");
    for max in 1..=data.len() {
        let trickle = Trickle {
            data: io::Cursor::new(data.to_vec()),
            max,
        };
        let r = InputReader::from_reader(Box::new(trickle), "test.csv", InputOptions::default())
            .unwrap();
        assert_eq!(
            summary(&r.collect::<Vec<_>>()),
            whole,
            "reads of {max} bytes"
        );
    }
}

#[test]
fn a_record_over_the_limit_stops_the_read() {
    let mut data = b"apn\n123-45-678\n".to_vec();
    data.extend(std::iter::repeat_n(b'7', 4000));
    data.extend(b"\n165-28-054\n");
    // Small reads, as from a pipe, so that the limit set below applies before the bytes come.
    let chunked = Chunked(io::Cursor::new(data));
    let mut r =
        InputReader::from_reader(Box::new(chunked), "test.csv", InputOptions::default()).unwrap();
    r.csv.get_mut().limit = 1000;
    let results: Vec<_> = r.into_results().collect();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].as_ref().unwrap().line, 2);
    let err = results[1].as_ref().unwrap_err();
    assert!(
        matches!(
            err,
            InputError::RecordTooLarge {
                line: 3,
                limit: 1000,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("line 3"), "{err}");
}

#[test]
fn empty_and_header_only_files() {
    // An empty input is no rows, not an error.
    for data in [&b""[..], b"\n\n", b"\r\n", b"\xEF\xBB\xBF", b",,\n , \n"] {
        assert!(read(data).is_empty(), "{data:?}");
    }
    assert!(read(b"apn\n").is_empty());
    assert!(read(b"apn,priority\r\n\r\n").is_empty());
}

#[test]
fn headerless_one_column_lists() {
    let got = summary(&read(b"123-45-678\n165-28-054\n"));
    assert_eq!(got, vec![s(1, "apn:123-45-678"), s(2, "apn:165-28-054")]);
    let got = summary(&read(b"\xEF\xBB\xBF\n11822001A\r\n123-45-67\r\n"));
    assert_eq!(got[0], s(2, "apn:118-22-001A"));
    assert!(
        got[1]
            .1
            .starts_with("!line 3: \"123-45-67\" is not a valid APN"),
        "{}",
        got[1].1
    );
    let got = summary(&read(b"10010 N 29th St\n"));
    assert_eq!(got, vec![s(1, "address:10010 N 29TH ST||")]);
    // A one-column file with an unknown name: that name is the header; values are classified.
    let mut r = reader_with(
        b"Parcels to check\n123-45-678\nDoe John\n",
        InputOptions::default(),
    )
    .unwrap();
    assert_eq!(r.identifier_column(), Some("Parcels to check"));
    let got = summary(&r.by_ref().collect::<Vec<_>>());
    assert_eq!(got, vec![s(2, "apn:123-45-678"), s(3, "owner:DOE JOHN")]);
}

#[test]
fn columns_are_found_by_preference() {
    let r = reader_with(b"Owner, APN ,address\n", InputOptions::default()).unwrap();
    assert_eq!(r.identifier_column(), Some("APN"));
    let r = reader_with(b"name,Situs Address\n", InputOptions::default()).unwrap();
    assert_eq!(r.identifier_column(), Some("Situs Address"));
    let r = reader_with(b"x,Parcel-Number,priority\n", InputOptions::default()).unwrap();
    assert_eq!(r.identifier_column(), Some("Parcel-Number"));
    assert_eq!(r.priority_col, Some(2));
    assert_eq!(r.columns(), ["x", "Parcel-Number", "priority"]);
}

#[test]
fn column_names_imply_a_search_type() {
    let got = summary(&read(b"address\n10010 N 29th St\n123-45-678\n"));
    assert_eq!(got[0], s(2, "address:10010 N 29TH ST||"));
    assert!(got[1].1.contains("not a valid address"), "{}", got[1].1);
    let got = summary(&read(b"owner_name\n123 Main LLC\n2000 Smith Trust\n"));
    assert_eq!(
        got,
        vec![s(2, "owner:123 MAIN LLC"), s(3, "owner:2000 SMITH TRUST")]
    );
    let items = read(b"identifier\n123-45-678\n10010 N 29th St\nDoe John\n");
    let got = summary(&items);
    assert_eq!(
        got,
        vec![
            s(2, "apn:123-45-678"),
            s(3, "address:10010 N 29TH ST||"),
            s(4, "owner:DOE JOHN")
        ]
    );
    assert_eq!(
        items[0].outcome.as_ref().unwrap().search_type,
        SearchType::Auto
    );
}

#[test]
fn options_and_row_cells_override_the_column_name() {
    let options = InputOptions {
        default_search_type: SearchType::Owner,
        ..InputOptions::default()
    };
    let got = summary(&read_with(b"address\n123 Main St\n", options));
    assert_eq!(got, vec![s(2, "owner:123 MAIN ST")]);
    let data = b"apn,search_type\n123-45-678,\n10010 N 29th St,address\nDoe John,OWNER\n10010 N 29th St,auto\nx,parcel\n";
    let items = read(data);
    let got = summary(&items);
    assert_eq!(got[0], s(2, "apn:123-45-678"));
    assert_eq!(got[1], s(3, "address:10010 N 29TH ST||"));
    assert_eq!(got[2], s(4, "owner:DOE JOHN"));
    assert_eq!(got[3], s(5, "address:10010 N 29TH ST||"));
    assert_eq!(
        items[3].outcome.as_ref().unwrap().search_type,
        SearchType::Auto
    );
    assert_eq!(
        got[4],
        s(
            6,
            "!line 6: search_type \"parcel\" is not a search type: use apn, address, owner or auto"
        )
    );
}

#[test]
fn priorities() {
    let items = read(b"apn,priority\n123-45-678,URGENT\n123-45-678, Low \n123-45-678,asap\n");
    assert_eq!(
        items[0].outcome.as_ref().unwrap().priority,
        Some(Priority::Urgent)
    );
    assert_eq!(
        items[1].outcome.as_ref().unwrap().priority,
        Some(Priority::Low)
    );
    assert_eq!(
        summary(&items)[2],
        s(
            4,
            "!line 4: priority \"asap\" is not a priority: use urgent, high, normal or low"
        )
    );
    let long = format!("apn,priority\n123-45-678,{}\n", "x".repeat(5000));
    let reason = summary(&read(long.as_bytes()))[0].1.clone();
    assert!(
        reason.starts_with("!line 2: priority \"xxx") && reason.len() < 150,
        "{reason}"
    );
    let mut all = vec![
        Priority::Low,
        Priority::Urgent,
        Priority::Normal,
        Priority::High,
    ];
    all.sort();
    assert_eq!(all, Priority::VARIANTS);
    for &p in Priority::VARIANTS {
        assert_eq!(p.to_string().parse::<Priority>(), Ok(p));
        assert_eq!(serde_json::to_string(&p).unwrap(), format!("\"{p}\""));
        assert_eq!(
            serde_json::from_str::<Priority>(&format!("\"{p}\"")).unwrap(),
            p
        );
    }
    assert_eq!(Priority::default(), Priority::Normal);
}

#[test]
fn a_named_column() {
    let options = InputOptions {
        column: Some(" PIN ".into()),
        ..InputOptions::default()
    };
    let got = summary(&read_with(b"apn,pin\n999,123-45-678\n", options.clone()));
    assert_eq!(got, vec![s(2, "apn:123-45-678")]);
    let err = reader_with(b"apn,owner\n1,2\n", options).err().unwrap();
    assert_eq!(
        err.to_string(),
        "test.csv has no column \" PIN \"; its columns are \"apn\", \"owner\""
    );
    // The named column implies its type.
    let options = InputOptions {
        column: Some("owner".into()),
        ..InputOptions::default()
    };
    assert_eq!(
        summary(&read_with(b"apn,owner\n1,123 Main LLC\n", options)),
        vec![s(2, "owner:123 MAIN LLC")]
    );
}

#[test]
fn no_identifier_column_lists_the_columns() {
    let err = reader_with(b"foo,bar\n1,2\n", InputOptions::default())
        .err()
        .unwrap();
    let msg = err.to_string();
    assert!(msg.contains("\"foo\", \"bar\""), "{msg}");
    assert!(msg.contains("--column"), "{msg}");
    let msg = reader_with(b"123-45-678,high\n", InputOptions::default())
        .err()
        .unwrap()
        .to_string();
    assert!(msg.contains("looks like data"), "{msg}");
    let msg = reader_with(
        b"\xFF\xFEa\x00p\x00n\x00,\x00x\x00\n",
        InputOptions::default(),
    )
    .err()
    .unwrap()
    .to_string();
    assert!(msg.contains("UTF-8"), "{msg}");
}

/// Fails with an I/O error after `ok` bytes.
struct Failing {
    data: io::Cursor<Vec<u8>>,
    ok: u64,
}

impl Read for Failing {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.data.position() >= self.ok {
            return Err(io::Error::other("disk on fire"));
        }
        let room = (self.ok - self.data.position()) as usize;
        let n = buf.len().min(room);
        self.data.read(&mut buf[..n])
    }
}

#[test]
fn an_io_error_mid_file_ends_the_stream_with_an_error() {
    let data = b"apn\n123-45-678\n165-28-054\n200-16-068\n".to_vec();
    let failing = Failing {
        data: io::Cursor::new(data),
        ok: 20,
    };
    let mut r =
        InputReader::from_reader(Box::new(failing), "f.csv", InputOptions::default()).unwrap();
    let items: Vec<_> = r.by_ref().collect();
    assert_eq!(summary(&items), vec![s(2, "apn:123-45-678")]);
    let err = r.take_error().unwrap();
    assert!(matches!(err, InputError::Read { line: 3, .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "reading f.csv failed at line 3: disk on fire"
    );
    assert!(r.next().is_none());
    // An error before the header is returned by the constructor.
    let failing = Failing {
        data: io::Cursor::new(b"apn\n".to_vec()),
        ok: 0,
    };
    let err = InputReader::from_reader(Box::new(failing), "f.csv", InputOptions::default())
        .err()
        .unwrap();
    assert!(matches!(err, InputError::Read { .. }), "{err:?}");
}

#[test]
fn open_errors_name_the_path() {
    let err = InputReader::open("/no/such/dir/apns.csv", InputOptions::default())
        .err()
        .unwrap();
    let msg = err.to_string();
    assert!(
        msg.starts_with("cannot open the input /no/such/dir/apns.csv: "),
        "{msg}"
    );
    assert!(msg.contains("pass - to read standard input"), "{msg}");
    let dir = tempfile::tempdir().unwrap();
    let err = InputReader::open(dir.path(), InputOptions::default())
        .err()
        .unwrap();
    assert!(err.to_string().contains("it is a directory"), "{err}");
    let path = dir.path().join("apns.csv");
    std::fs::write(&path, "apn\n123-45-678\n").unwrap();
    let r = InputReader::open(&path, InputOptions::default()).unwrap();
    assert!(r.name().ends_with("apns.csv"));
    assert_eq!(
        summary(&r.collect::<Vec<_>>()),
        vec![s(2, "apn:123-45-678")]
    );
}

/// The line scanner must see records exactly where csv does.
#[test]
fn scanner_agrees_with_csv_on_tricky_input() {
    let cases: &[(&[u8], &[u64])] = &[
        (b"h\na\"b\nc\n", &[2, 3]),
        (b"h\n\"a\"b,\"c\nd\"\ne\n", &[2, 4]),
        (b"h\n\"\"\"\",x\n\"a\"\"\nb\"\ny\n", &[2, 3, 5]),
        (b"h\r\n\r\n\"x\r\ny\"\r\n\r\nz", &[3, 6]),
        (b"h\n,\"a\nb\"\nc", &[2, 4]),
        (b"h\n\"unterminated\nq\nr", &[2]),
        (b"\xEF\xBBh\n1\n", &[2]),
    ];
    for (data, lines) in cases {
        let mut r = reader_with(
            data,
            InputOptions {
                column: None,
                ..InputOptions::default()
            },
        )
        .unwrap();
        let got: Vec<u64> = r.by_ref().map(|i| i.line).collect();
        assert_eq!(&got, lines, "{:?}", String::from_utf8_lossy(data));
        assert!(
            r.csv.get_ref().starts.is_empty(),
            "{:?}",
            String::from_utf8_lossy(data)
        );
    }
}

/// Yields `rows` generated rows without ever holding them.
struct Generated {
    rows: u64,
    next: u64,
    line: Vec<u8>,
    at: usize,
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at == self.line.len() {
            if self.next > self.rows {
                return Ok(0);
            }
            self.line = if self.next == 0 {
                b"apn,priority\n".to_vec()
            } else {
                format!(
                    "{:03}-{:02}-{:03},low\n",
                    self.next % 1000,
                    self.next % 100,
                    self.next % 997
                )
                .into_bytes()
            };
            self.next += 1;
            self.at = 0;
        }
        let n = buf.len().min(self.line.len() - self.at);
        buf[..n].copy_from_slice(&self.line[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[test]
fn streams_many_rows() {
    let source = Generated {
        rows: 200_000,
        next: 0,
        line: Vec::new(),
        at: 0,
    };
    let r = InputReader::from_reader(Box::new(source), "gen", InputOptions::default()).unwrap();
    let (mut count, mut last) = (0u64, 0u64);
    for item in r {
        assert!(item.outcome.is_ok(), "{item:?}");
        count += 1;
        last = item.line;
    }
    assert_eq!((count, last), (200_000, 200_001));
}
