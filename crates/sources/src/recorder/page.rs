//! The Recorder website's document page, read in a browser (the `scraping-only` strategy).
//!
//! The page is rendered by JavaScript: a plain GET sees an empty shell. A browser loads it and
//! evaluates [`DOCUMENT_PAGE_SCRIPT`], which waits for `#documentDetails.ready` and resolves
//! with a JSON string of what the page shows; [`parse_document_page`] turns that into a
//! [`Document`]. The script reports a missing `#documentDetails` (a changed layout) at once
//! instead of waiting for the page deadline.

use serde_json::{Map, Value};

use super::parse::parse_recorder_date;
use crate::error::SourceError;
use crate::tally::Found;
use mps_model::blocks::Document;

const NAME: &str = "Recorder website";

/// A JavaScript expression: a Promise that polls every 10 ms until the page has rendered, then
/// resolves with a JSON string: `{"found": false}`, `{"found": true, "recordingNumber": …}`
/// (fields as the page shows them), `{"error": text}` when the page could not load the
/// document, or `{"layout": what}` when the page is not the one this script knows.
pub const DOCUMENT_PAGE_SCRIPT: &str = r#"new Promise((resolve) => {
  const done = (v) => resolve(JSON.stringify(v));
  const tick = () => {
    const root = document.querySelector('#documentDetails');
    if (!root) {
      if (document.readyState === 'complete') { done({layout: 'no #documentDetails element'}); return; }
      setTimeout(tick, 10);
      return;
    }
    if (!root.classList.contains('ready')) { setTimeout(tick, 10); return; }
    if (root.querySelector('#notFound')) { done({found: false}); return; }
    const failed = root.querySelector('#loadError');
    if (failed) { done({error: failed.textContent.trim()}); return; }
    const node = (name) => root.querySelector('[data-field="' + name + '"]');
    const text = (name) => { const e = node(name); return e ? e.textContent.trim() : null; };
    const list = (name) => {
      const e = node(name);
      return e ? Array.from(e.querySelectorAll('li')).map((li) => li.textContent.trim()) : null;
    };
    done({
      found: true,
      recordingNumber: text('recordingNumber'),
      recordingDate: text('recordingDate'),
      documentCodes: list('documentCodes'),
      names: list('names'),
      pageAmount: text('pageAmount'),
      docketBook: text('docketBook'),
      pageMap: text('pageMap'),
      affidavitPresent: text('affidavitPresent'),
      restricted: text('restricted'),
    });
  };
  tick();
})"#;

fn failed(url: &str, message: impl Into<String>) -> SourceError {
    SourceError::Parse {
        source_name: NAME,
        url: url.to_string(),
        message: message.into(),
    }
}

/// A shown number: digits, or an empty mark (`—`, `-`, ``) for none.
fn shown_number(
    m: &Map<String, Value>,
    field: &str,
    url: &str,
) -> Result<Option<u32>, SourceError> {
    let text = m.get(field).and_then(Value::as_str).unwrap_or("").trim();
    if text.is_empty() || text == "\u{2014}" || text == "-" || text == "0" {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|_| failed(url, format!("{field} shows {text:?}, not a number")))
}

/// A shown Yes/No.
fn shown_flag(m: &Map<String, Value>, field: &str) -> Option<bool> {
    match m.get(field).and_then(Value::as_str).map(str::trim) {
        Some(t) if t.eq_ignore_ascii_case("yes") => Some(true),
        Some(t) if t.eq_ignore_ascii_case("no") => Some(false),
        _ => None,
    }
}

fn shown_list(m: &Map<String, Value>, field: &str, url: &str) -> Result<Vec<String>, SourceError> {
    let missing = || {
        failed(
            url,
            format!("the page shows no {field} list; its layout may have changed"),
        )
    };
    m.get(field)
        .and_then(Value::as_array)
        .ok_or_else(missing)?
        .iter()
        .map(|v| v.as_str().map(|s| s.trim().to_string()).ok_or_else(missing))
        .collect()
}

/// Reads what [`DOCUMENT_PAGE_SCRIPT`] resolved with on the page at `url`.
pub fn parse_document_page(json: &str, url: &str) -> Result<Found<Document>, SourceError> {
    let value: Value = serde_json::from_str(json)
        .map_err(|e| failed(url, format!("the page script returned no JSON ({e})")))?;
    let m = value
        .as_object()
        .ok_or_else(|| failed(url, "the page script returned no object"))?;
    if let Some(what) = m.get("layout").and_then(Value::as_str) {
        return Err(failed(url, format!("the page layout changed: {what}")));
    }
    if let Some(error) = m.get("error").and_then(Value::as_str) {
        return Err(failed(
            url,
            format!("the page could not load the document: {error}"),
        ));
    }
    match m.get("found").and_then(Value::as_bool) {
        Some(false) => return Ok(Found::NotFound),
        Some(true) => {}
        None => return Err(failed(url, "the page script gave no \"found\" answer")),
    }
    let number = m
        .get("recordingNumber")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| {
            failed(
                url,
                "the page shows no recording number; its layout may have changed",
            )
        })?;
    let date = match m
        .get("recordingDate")
        .and_then(Value::as_str)
        .map(str::trim)
    {
        None | Some("") => None,
        Some(d) => Some(
            parse_recorder_date(d)
                .ok_or_else(|| failed(url, format!("recording date {d:?} is not MM/DD/YYYY")))?,
        ),
    };
    Ok(Found::Yes(Document {
        recording_number: number.to_string(),
        recording_date: date,
        document_codes: shown_list(m, "documentCodes", url)?,
        names: shown_list(m, "names", url)?,
        page_count: shown_number(m, "pageAmount", url)?,
        docket_book: shown_number(m, "docketBook", url)?,
        page_map: shown_number(m, "pageMap", url)?,
        affidavit_present: shown_flag(m, "affidavitPresent"),
        restricted: shown_flag(m, "restricted").unwrap_or(false),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str =
        "http://127.0.0.1:1/recorder-web/recording/document-details.html?recordingNumber=1";

    #[test]
    fn a_rendered_document() {
        let json = r#"{"found":true,"recordingNumber":"20190512345","recordingDate":"06/28/2019",
            "documentCodes":["WAR DEED","AF DISCLS"],"names":["DOE JANE R","DOE JOHN Q"],
            "pageAmount":"4","docketBook":"\u2014","pageMap":"\u2014","affidavitPresent":"Yes",
            "restricted":"No"}"#;
        let Ok(Found::Yes(d)) = parse_document_page(json, URL) else {
            panic!("parses");
        };
        assert_eq!(d.recording_number, "20190512345");
        assert_eq!(
            d.recording_date,
            chrono::NaiveDate::from_ymd_opt(2019, 6, 28)
        );
        assert_eq!(d.document_codes, ["WAR DEED", "AF DISCLS"]);
        assert_eq!(
            (d.page_count, d.docket_book, d.page_map),
            (Some(4), None, None)
        );
        assert_eq!((d.affidavit_present, d.restricted), (Some(true), false));
    }

    #[test]
    fn not_found_and_failures_name_the_page() {
        assert_eq!(
            parse_document_page(r#"{"found":false}"#, URL).ok(),
            Some(Found::NotFound)
        );
        for (json, words) in [
            (
                r#"{"layout":"no #documentDetails element"}"#,
                "layout changed",
            ),
            (r#"{"error":"could not be loaded"}"#, "could not load"),
            (
                r#"{"found":true,"recordingNumber":null}"#,
                "no recording number",
            ),
            (
                r#"{"found":true,"recordingNumber":"1","names":[]}"#,
                "documentCodes",
            ),
            ("<html>", "no JSON"),
            ("[]", "no object"),
        ] {
            let err = parse_document_page(json, URL)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(
                err.contains(words) && err.contains(URL) && err.contains("Recorder"),
                "{err}"
            );
        }
    }
}
