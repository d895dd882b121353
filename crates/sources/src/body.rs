//! Reading a county response body as JSON, refusing the HTML pages (maintenance, 404,
//! Cloudflare challenges) that the services send where JSON was expected.

use super::SourceError;
use crate::loose::Loose;
use mps_http::Response;
use serde_json::Value;

/// Whether the body is an HTML page (by its type or its first character).
pub fn is_html(resp: &Response) -> bool {
    let first = resp.body.iter().find(|b| !b.is_ascii_whitespace());
    let html = resp
        .content_type
        .as_deref()
        .is_some_and(|ct| ct.contains("html"));
    first == Some(&b'<') || html
}

/// Where JSON is expected, an HTML answer is a maintenance or error page: worth a retry.
pub fn json_usable(resp: &Response) -> bool {
    !is_html(resp)
}

/// Whether an HTML page says the site is down for maintenance or unavailable for a while:
/// worth a retry, where a page of another layout (the site changed) is not.
pub fn is_maintenance_page(resp: &Response) -> bool {
    const SIGNS: [&str; 4] = [
        "maintenance",
        "temporarily unavailable",
        "service unavailable",
        "be back soon",
    ];
    let text = String::from_utf8_lossy(&resp.body).to_ascii_lowercase();
    is_html(resp) && SIGNS.iter().any(|s| text.contains(s))
}

/// The body as JSON read without a `Value` tree (see [`Loose`]), its text borrowed from the
/// body; refused as [`json`] refuses.
pub fn loose<'a>(source_name: &'static str, resp: &'a Response) -> Result<Loose<'a>, SourceError> {
    read(source_name, resp)
}

/// The body read as JSON into `T`; an HTML body is `NotJson`, malformed JSON is `BadJson`.
fn read<'a, T: serde::Deserialize<'a>>(
    source_name: &'static str,
    resp: &'a Response,
) -> Result<T, SourceError> {
    if is_html(resp) {
        return Err(SourceError::NotJson {
            source_name,
            url: resp.url.clone(),
        });
    }
    parse(&resp.body).map_err(|e| SourceError::BadJson {
        source_name,
        url: resp.url.clone(),
        message: e.to_string(),
    })
}

/// Reads `body` as JSON. The body's UTF-8 is checked once, whole, and the text then read as
/// a `str`: `from_slice` checks every string of the body again on its own, which cost as
/// much as the rest of the reading. A body that is not UTF-8 is read by `from_slice`, so
/// that its error (and message) stays the one it gives.
fn parse<'a, T: serde::Deserialize<'a>>(body: &'a [u8]) -> serde_json::Result<T> {
    match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(body),
    }
}

/// The body as JSON; an HTML body is `NotJson`, malformed JSON is `BadJson`, both naming
/// `source_name` and the URL.
pub fn json(source_name: &'static str, resp: &Response) -> Result<Value, SourceError> {
    read(source_name, resp)
}
