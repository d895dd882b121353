//! A minimal cookie jar for one parcel's legacy session: `Set-Cookie` name=value pairs in,
//! one `Cookie` header out. Attributes (path, expiry, HttpOnly) are ignored on purpose: the
//! jar lives for three requests to one origin, and an empty value or `Max-Age=0` (a deletion)
//! just drops the cookie.

use crate::http::Response;

/// Cookies set by the Treasurer during one parcel's visit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cookies {
    pairs: Vec<(String, String)>,
}

impl Cookies {
    /// Takes every `Set-Cookie` of a response (redirect hops included, in order).
    pub fn absorb(&mut self, resp: &Response) {
        for line in resp.headers_all("set-cookie") {
            self.set(line);
        }
    }

    /// Applies one `Set-Cookie` line.
    pub fn set(&mut self, line: &str) {
        let mut parts = line.split(';');
        let Some((name, value)) = parts.next().and_then(|p| p.split_once('=')) else {
            return;
        };
        let (name, value) = (name.trim(), value.trim().trim_matches('"'));
        if name.is_empty() {
            return;
        }
        let deleted = value.is_empty() || parts.any(|a| a.trim().eq_ignore_ascii_case("max-age=0"));
        self.pairs.retain(|(n, _)| n != name);
        if !deleted {
            self.pairs.push((name.to_string(), value.to_string()));
        }
    }

    /// The `Cookie` request header value, or `None` when the jar is empty.
    pub fn header(&self) -> Option<String> {
        (!self.pairs.is_empty()).then(|| {
            self.pairs
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_pairs_replaces_and_deletes() {
        let mut jar = Cookies::default();
        assert_eq!(jar.header(), None);
        jar.set("ASP.NET_SessionId=abc123; path=/; HttpOnly");
        jar.set("lb=\"node1\"; Secure");
        jar.set("garbage-without-pair");
        assert_eq!(
            jar.header().as_deref(),
            Some("ASP.NET_SessionId=abc123; lb=node1")
        );
        jar.set("ASP.NET_SessionId=def; path=/");
        jar.set("lb=x; Max-Age=0");
        assert_eq!(jar.header().as_deref(), Some("ASP.NET_SessionId=def"));
    }
}
