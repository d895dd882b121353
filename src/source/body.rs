//! Reading a county response body as JSON, refusing the HTML pages (maintenance, 404,
//! Cloudflare challenges) that the services send where JSON was expected.

use super::SourceError;
use crate::http::Response;
use serde_json::Value;

/// The body as JSON; an HTML body is `NotJson`, malformed JSON is `BadJson`, both naming
/// `source_name` and the URL.
pub fn json(source_name: &'static str, resp: &Response) -> Result<Value, SourceError> {
    let first = resp.body.iter().find(|b| !b.is_ascii_whitespace());
    let html = resp
        .content_type
        .as_deref()
        .is_some_and(|ct| ct.contains("html"));
    if first == Some(&b'<') || html {
        return Err(SourceError::NotJson {
            source_name,
            url: resp.url.clone(),
        });
    }
    serde_json::from_slice(&resp.body).map_err(|e| SourceError::BadJson {
        source_name,
        url: resp.url.clone(),
        message: e.to_string(),
    })
}
