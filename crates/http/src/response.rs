//! `Response`: a final reply as callers see it (status, body, headers, redacted URL).

/// A final reply: any status that is not transient (2xx, 3xx, 400, 401, 404, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The HTTP status code of the final reply.
    pub status: u16,
    /// The whole body (one longer than `max_body_bytes` fails as
    /// [`HttpError::TooLarge`](crate::HttpError::TooLarge) instead).
    pub body: Vec<u8>,
    /// The `Content-Type` header as sent (e.g. `application/json; charset=utf-8`).
    pub content_type: Option<String>,
    /// The URL that answered (after redirects), redacted.
    pub url: String,
    /// Attempts made, the successful one included.
    pub attempts: u32,
    /// Response headers, names lower-cased, in arrival order. `set-cookie` lines from
    /// redirect hops come first.
    pub headers: Vec<(String, String)>,
}

impl Response {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// Every value of header `name` (case-insensitive), e.g. all `set-cookie` lines.
    pub fn headers_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Status 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as text, invalid UTF-8 replaced.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
}

/// The first value of header `name` (case-insensitive) in a lower-cased header list.
pub(super) fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}
