//! A minimal cookie jar for one parcel's legacy session: `Set-Cookie` lines in (parsed by
//! the `cookie` crate), one `Cookie` header out. Path, expiry and HttpOnly are ignored on
//! purpose: the jar lives for three requests to one origin, and an empty value or
//! `Max-Age=0` (a deletion) just drops the cookie.

use mps_http::Response;

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
        let Ok(cookie) = cookie::Cookie::parse(line) else {
            return;
        };
        let (name, value) = (cookie.name(), cookie.value_trimmed());
        let deleted = value.is_empty()
            || cookie
                .max_age()
                .is_some_and(cookie::time::SignedDuration::is_zero);
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
