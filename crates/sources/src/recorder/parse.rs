//! Parsing of the Recorder API's JSON (`/documents/{n}`, `/documents/search`) into the model.
//!
//! The two endpoints disagree on types (`county-services.md` 3.1): a document's
//! `recordingNumber` is a string and its book and page integers, a search row's number is a
//! number and its book and page strings. Both spellings are accepted everywhere, so a change
//! of type at the county does not lose data; a missing key or a date in an unknown format is
//! an error (the API's format changed).

use crate::loose::{Loose, Object};
use chrono::NaiveDate;

use mps_model::blocks::Document;

/// Why a Recorder body could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("expected a JSON object")]
    NotAnObject,
    #[error("the response has no {0:?} field; the Recorder's format may have changed")]
    Missing(&'static str),
    #[error("{field:?} is not {expected}: {got}")]
    Type {
        field: &'static str,
        expected: &'static str,
        got: String,
    },
    #[error("recording date {0:?} is not M-DD-YYYY")]
    Date(String),
}

/// One row of a name search.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SearchRow {
    /// 11 digits, as text (the search sends a number).
    pub recording_number: String,
    /// The day the document was recorded; none when the field is missing or empty.
    pub recording_date: Option<NaiveDate>,
    /// The first code, without the `+`.
    pub document_code: String,
    /// The row's code ended in `+`: the document carries more codes.
    pub more_codes: bool,
    /// The index name that matched.
    pub name: String,
    /// Book and page of a document recorded in the old books (none when 0 or empty).
    pub docket_book: Option<u32>,
    /// The page in [`SearchRow::docket_book`] (none when 0 or empty).
    pub page_map: Option<u32>,
}

/// One page of a name search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPage {
    pub total: u64,
    pub rows: Vec<SearchRow>,
}

/// Parses a Recorder date: `6-25-2015` (the API), `06/25/2015` (the website) or ISO.
pub fn parse_recorder_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let parts: Vec<&str> = s.split(['-', '/']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let num = |x: &str| x.parse::<u32>().ok();
    if a.len() == 4 {
        NaiveDate::from_ymd_opt(a.parse().ok()?, num(b)?, num(c)?)
    } else {
        NaiveDate::from_ymd_opt(c.parse().ok()?, num(a)?, num(b)?)
    }
}

fn describe(v: &Loose) -> String {
    let text = serde_json::to_string(v).unwrap_or_default();
    match text.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

/// Text or a number, as text (`recordingNumber` comes both ways).
fn text_or_number(m: &Object, field: &'static str) -> Result<String, ParseError> {
    match m.get(field) {
        Some(Loose::Text(s)) => Ok(s.trim().to_string()),
        Some(Loose::Number(n)) => Ok(n.to_string()),
        Some(other) => Err(ParseError::Type {
            field,
            expected: "text or a number",
            got: describe(other),
        }),
        None => Err(ParseError::Missing(field)),
    }
}

/// A book or page: an integer or a numeric string, with 0 and "" meaning none.
fn book_or_page(m: &Object, field: &'static str) -> Result<Option<u32>, ParseError> {
    let bad = |v: &Loose| ParseError::Type {
        field,
        expected: "a book or page number",
        got: describe(v),
    };
    match m.get(field) {
        None | Some(Loose::Null) => Ok(None),
        Some(v @ Loose::Number(n)) => match n.as_u64() {
            Some(0) => Ok(None),
            Some(x) => u32::try_from(x).map(Some).map_err(|_| bad(v)),
            None => Err(bad(v)),
        },
        Some(v @ Loose::Text(s)) => match s.trim() {
            "" | "0" => Ok(None),
            t => t.parse().map(Some).map_err(|_| bad(v)),
        },
        Some(v) => Err(bad(v)),
    }
}

fn strings(m: &Object, field: &'static str) -> Result<Vec<String>, ParseError> {
    let v = m.get(field).ok_or(ParseError::Missing(field))?;
    let bad = || ParseError::Type {
        field,
        expected: "a list of text",
        got: describe(v),
    };
    v.as_list()
        .ok_or_else(bad)?
        .iter()
        .map(|x| x.as_str().map(|s| s.trim().to_string()).ok_or_else(bad))
        .collect()
}

fn date(m: &Object, field: &'static str) -> Result<Option<NaiveDate>, ParseError> {
    match m.get(field).and_then(Loose::as_str).map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => parse_recorder_date(s)
            .map(Some)
            .ok_or_else(|| ParseError::Date(s.to_string())),
    }
}

/// Reads `/documents/{n}`.
pub fn parse_document(body: &Loose) -> Result<Document, ParseError> {
    let m = body.as_object().ok_or(ParseError::NotAnObject)?;
    Ok(Document {
        recording_number: text_or_number(m, "recordingNumber")?,
        recording_date: date(m, "recordingDate")?,
        document_codes: strings(m, "documentCodes")?,
        names: strings(m, "names")?,
        page_count: m
            .get("pageAmount")
            .and_then(Loose::as_u64)
            .and_then(|n| u32::try_from(n).ok()),
        docket_book: book_or_page(m, "docketBook")?,
        page_map: book_or_page(m, "pageMap")?,
        affidavit_present: m.get("affidavitPresent").and_then(Loose::as_bool),
        restricted: m
            .get("restricted")
            .and_then(Loose::as_bool)
            .unwrap_or(false),
    })
}

/// Reads one `/documents/search` page.
pub fn parse_search_page(body: &Loose) -> Result<SearchPage, ParseError> {
    let m = body.as_object().ok_or(ParseError::NotAnObject)?;
    let total = m
        .get("totalResults")
        .ok_or(ParseError::Missing("totalResults"))?;
    let total = total.as_u64().ok_or_else(|| ParseError::Type {
        field: "totalResults",
        expected: "a count",
        got: describe(total),
    })?;
    let results = m
        .get("searchResults")
        .ok_or(ParseError::Missing("searchResults"))?;
    let results = results.as_list().ok_or_else(|| ParseError::Type {
        field: "searchResults",
        expected: "a list",
        got: describe(results),
    })?;
    let rows = results
        .iter()
        .map(|row| {
            let r = row.as_object().ok_or(ParseError::NotAnObject)?;
            let code = text_or_number(r, "documentCode")?;
            let more_codes = code.ends_with('+');
            Ok(SearchRow {
                recording_number: text_or_number(r, "recordingNumber")?,
                recording_date: date(r, "recordingDate")?,
                document_code: code.trim_end_matches('+').trim().to_string(),
                more_codes,
                name: text_or_number(r, "names")?,
                docket_book: book_or_page(r, "docketBook").unwrap_or(None),
                page_map: book_or_page(r, "pageMap").unwrap_or(None),
            })
        })
        .collect::<Result<Vec<_>, ParseError>>()?;
    Ok(SearchPage { total, rows })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// Runs `parse` on `v` as the client reads a body (without a tree).
    fn read<T>(v: &Value, parse: impl FnOnce(&Loose) -> T) -> T {
        let text = v.to_string();
        let loose: Loose = serde_json::from_str(&text).expect("JSON");
        parse(&loose)
    }

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn dates() {
        assert_eq!(parse_recorder_date("6-25-2015"), ymd(2015, 6, 25));
        assert_eq!(parse_recorder_date("12-05-1947"), ymd(1947, 12, 5));
        assert_eq!(parse_recorder_date("06/25/2015"), ymd(2015, 6, 25));
        assert_eq!(parse_recorder_date("2015-06-25"), ymd(2015, 6, 25));
        for bad in ["", "6-25", "13-01-2015", "June 25 2015", "6-25-2015-1"] {
            assert_eq!(parse_recorder_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_captured_document() {
        let body = json!({"names":["SILVA LINDA LUCILLE","SILVA ROBERT FRANCIS"],
            "documentCodes":["WAR DEED"],"recordingDate":"6-25-2015","recordingNumber":"20150453721",
            "pageAmount":5,"docketBook":0,"pageMap":0,"affidavitPresent":true,
            "affidavitPageAmount":2,"restricted":false});
        let d = read(&body, parse_document).expect("parses");
        assert_eq!(d.recording_number, "20150453721");
        assert_eq!(d.recording_date, ymd(2015, 6, 25));
        assert_eq!(d.names.len(), 2);
        assert_eq!(
            (d.page_count, d.docket_book, d.page_map),
            (Some(5), None, None)
        );
        assert_eq!((d.affidavit_present, d.restricted), (Some(true), false));
        // A trimmed old entry: book and page, no names list is an error, not an empty list.
        let old = json!({"recordingNumber":"19470000001","recordingDate":"1-02-1947",
            "documentCodes":["PLAT MAP","BIG MAP"],"docketBook":554,"pageMap":19});
        assert_eq!(
            read(&old, parse_document),
            Err(ParseError::Missing("names"))
        );
        let bad = json!({"names":[],"documentCodes":["DEED"],"recordingNumber":"1","recordingDate":"2015/6"});
        assert!(matches!(
            read(&bad, parse_document),
            Err(ParseError::Date(_))
        ));
        assert_eq!(
            read(&json!([]), parse_document),
            Err(ParseError::NotAnObject)
        );
    }

    #[test]
    fn a_search_page() {
        let body = json!({"searchResults":[{"names":"DOE JOHN Q","recordingNumber":19680120830u64,
            "recordingSuffix":"","recordingDate":"3-14-1968","documentCode":"WAR DEED+",
            "docketBook":"6921","pageMap":"12"}],"totalResults":501});
        let page = read(&body, parse_search_page).expect("parses");
        assert_eq!(page.total, 501);
        assert_eq!(
            page.rows,
            [SearchRow {
                recording_number: "19680120830".into(),
                recording_date: ymd(1968, 3, 14),
                document_code: "WAR DEED".into(),
                more_codes: true,
                name: "DOE JOHN Q".into(),
                docket_book: Some(6921),
                page_map: Some(12),
            }]
        );
        assert_eq!(
            read(&json!({"searchResults": []}), parse_search_page),
            Err(ParseError::Missing("totalResults"))
        );
        assert!(read(
            &json!({"searchResults": {}, "totalResults": 1}),
            parse_search_page
        )
        .is_err());
    }
}
