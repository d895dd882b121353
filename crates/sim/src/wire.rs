//! Requests and responses as the simulated services see them, independent of the HTTP server.
//!
//! Keeping the services on these plain types means each one is a pure function of a request,
//! testable without sockets, and the server (tiny_http) stays in one file.

/// A request, with the source prefix already removed from `path`.
#[derive(Debug, Clone, Default)]
pub struct SimRequest {
    /// The HTTP method (`GET`, `POST`, ...).
    pub method: String,
    /// The path, still percent-encoded (each service decodes what it reads).
    pub path: String,
    /// Query parameters, decoded (`+` and `%XX`).
    pub query: Vec<(String, String)>,
    /// The request headers as received; look them up with [`header`](Self::header).
    pub headers: Vec<(String, String)>,
}

impl SimRequest {
    /// Parses a request target (`/parcel/x?q=a+b`) into path and decoded query pairs.
    pub fn new(method: &str, target: &str, headers: Vec<(String, String)>) -> SimRequest {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let query = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (percent_decode(k, true), percent_decode(v, true))
            })
            .collect();
        SimRequest {
            method: method.to_string(),
            path: path.to_string(),
            query,
            headers,
        }
    }

    /// A header value; names compare case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first value of a query parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A response ready to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct SimResponse {
    /// The HTTP status code.
    pub status: u16,
    /// The `Content-Type` header value (JSON or HTML, UTF-8).
    pub content_type: &'static str,
    /// The body bytes; `Content-Length` is written from their count.
    pub body: Vec<u8>,
    /// Extra headers (`Retry-After`, `Location`, `Set-Cookie`, ...), written in order.
    pub headers: Vec<(String, String)>,
    /// How the answer goes on the wire (whole, or one of the connection faults).
    pub wire: Wire,
}

/// How an answer is written: whole, or broken the way real servers and networks break.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Wire {
    #[default]
    Whole,
    /// Close the connection without answering.
    Reset,
    /// Say nothing for this long, then close.
    Hang(std::time::Duration),
    /// Announce the whole body's length, send half of it, close.
    Truncate,
}

pub const JSON: &str = "application/json; charset=utf-8";
pub const HTML: &str = "text/html; charset=utf-8";

impl SimResponse {
    /// A JSON answer with `status`, its body `value` written compactly.
    pub fn json(status: u16, value: &serde_json::Value) -> SimResponse {
        SimResponse {
            status,
            content_type: JSON,
            body: value.to_string().into_bytes(),
            headers: Vec::new(),
            wire: Wire::Whole,
        }
    }

    /// JSON written straight from a serializable value (no `Value` tree built first: a search
    /// page is 200 rows).
    pub fn json_of(status: u16, value: &impl serde::Serialize) -> SimResponse {
        SimResponse {
            status,
            content_type: JSON,
            body: serde_json::to_vec(value).unwrap_or_default(),
            headers: Vec::new(),
            wire: Wire::Whole,
        }
    }

    /// An HTML page with `status`.
    pub fn html(status: u16, body: String) -> SimResponse {
        SimResponse {
            status,
            content_type: HTML,
            body: body.into_bytes(),
            headers: Vec::new(),
            wire: Wire::Whole,
        }
    }

    /// The same answer, broken on the wire as `wire` says.
    pub fn on_wire(mut self, wire: Wire) -> SimResponse {
        self.wire = wire;
        self
    }

    /// The same answer, with `script` run before anything else on it when it is an HTML page
    /// (in `<head>` if it has one); any other answer is left as it is.
    pub fn with_page_script(mut self, script: &str) -> SimResponse {
        if self.content_type != HTML {
            return self;
        }
        let tag = format!("<script>{script}</script>");
        let body = String::from_utf8_lossy(&self.body).into_owned();
        let at = body
            .find("<head>")
            .map(|i| i + "<head>".len())
            .or_else(|| body.find("<html>").map(|i| i + "<html>".len()))
            .unwrap_or(0);
        let mut out = String::with_capacity(body.len() + tag.len());
        out.push_str(&body[..at]);
        out.push_str(&tag);
        out.push_str(&body[at..]);
        self.body = out.into_bytes();
        self
    }

    /// The same answer with one more header.
    pub fn with_header(mut self, name: &str, value: &str) -> SimResponse {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

/// Decodes `%XX` escapes (and `+` as a space when `plus_is_space`); bad escapes stay literal.
pub fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let text = if plus_is_space {
        std::borrow::Cow::Owned(s.replace('+', " "))
    } else {
        std::borrow::Cow::Borrowed(s)
    };
    percent_encoding::percent_decode_str(&text)
        .decode_utf8_lossy()
        .into_owned()
}

/// An HTML "page not found" page, as the county sites serve for unknown paths.
pub fn not_found_page(site: &str) -> SimResponse {
    let title = format!("Page not found: {site}");
    SimResponse::html(
        404,
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n\
             <meta name=\"robots\" content=\"noodp, noydir\">\n</head>\n<body>\n<div class=\"container\">\n\
             <h1>Page not found</h1>\n<p>Sorry, the page you requested could not be found.</p>\n\
             <p><a href=\"/\">Return to the home page</a></p>\n</div>\n</body>\n</html>\n"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_queries() {
        let r = SimRequest::new("GET", "/search/property/?q=SMITH+JOHN%20Q&page=2&x", vec![]);
        assert_eq!(r.path, "/search/property/");
        assert_eq!(r.param("q"), Some("SMITH JOHN Q"));
        assert_eq!(r.param("page"), Some("2"));
        assert_eq!(r.param("x"), Some(""));
        assert_eq!(percent_decode("a%2", false), "a%2");
        assert_eq!(percent_decode("%zz%41", false), "%zzA");
        assert_eq!(percent_decode("118%2022%20001a", false), "118 22 001a");
        assert_eq!(percent_decode("%", false), "%");
    }

    #[test]
    fn a_page_script_goes_first_in_the_head_and_never_into_json() {
        let page = SimResponse::html(200, "<html><head><title>t</title></head></html>".into())
            .with_page_script("for (;;) {}");
        assert_eq!(
            String::from_utf8_lossy(&page.body),
            "<html><head><script>for (;;) {}</script><title>t</title></head></html>"
        );
        let bare = SimResponse::html(200, "<p>x</p>".into()).with_page_script("1");
        assert_eq!(
            String::from_utf8_lossy(&bare.body),
            "<script>1</script><p>x</p>"
        );
        let json = SimResponse::json(200, &serde_json::json!({"a": 1})).with_page_script("1");
        assert_eq!(String::from_utf8_lossy(&json.body), r#"{"a":1}"#);
    }
}
