//! Redirects, followed by the client itself rather than by `ureq`, so that every hop passes
//! the host's limiter and is counted, and credentials never follow a redirect to another
//! origin.

/// Hops followed before the last 3xx is returned to the caller as is.
pub(super) const MAX_REDIRECTS: u32 = 5;

/// Request headers dropped on a redirect to another origin.
const CREDENTIAL_HEADERS: &[&str] = &["authorization", "proxy-authorization", "cookie"];

pub(super) fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Whether both URLs have the same scheme, host and port (an unparsable URL has no origin
/// in common with anything).
pub(super) fn same_origin(a: &str, b: &str) -> bool {
    match (url::Url::parse(a), url::Url::parse(b)) {
        (Ok(x), Ok(y)) => x.origin() == y.origin() && x.origin().is_tuple(),
        _ => false,
    }
}

/// The absolute URL a `Location` header points to, relative to `base` (RFC 3986 reference
/// resolution: `?x`, `./`, `../` and `//host` included).
pub(super) fn resolve(base: &str, location: &str) -> Option<String> {
    let location = location.trim();
    if location.is_empty() {
        return None;
    }
    let joined = url::Url::parse(base).ok()?.join(location).ok()?;
    matches!(joined.scheme(), "http" | "https").then(|| joined.to_string())
}

/// Whether a request header must be dropped before following a cross-origin redirect.
pub(super) fn is_credential_header(name: &str) -> bool {
    CREDENTIAL_HEADERS
        .iter()
        .any(|h| h.eq_ignore_ascii_case(name.trim()))
}

/// Carry a cookie set on a redirect hop to the next hop of the same origin (the ASP.NET
/// session cookie is typically set on the 302), replacing an older value of that name.
pub(super) fn add_cookie(headers: &mut Vec<(String, String)>, set_cookie: &str) {
    let Ok(cookie) = cookie::Cookie::parse(set_cookie) else {
        return;
    };
    let (name, pair) = (cookie.name(), cookie.stripped().to_string());
    let pair = pair.as_str();
    match headers
        .iter_mut()
        .find(|(n, _)| n.eq_ignore_ascii_case("cookie"))
    {
        Some((_, existing)) => {
            let mut pairs: Vec<&str> = existing
                .split(';')
                .map(str::trim)
                .filter(|p| !p.is_empty() && p.split('=').next() != Some(name))
                .collect();
            pairs.push(pair);
            *existing = pairs.join("; ");
        }
        None => headers.push(("cookie".to_string(), pair.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_locations() {
        let base = "http://h:1/a/b/page.aspx?x=1";
        assert_eq!(resolve(base, "https://o/z").as_deref(), Some("https://o/z"));
        assert_eq!(resolve(base, "//o/z").as_deref(), Some("http://o/z"));
        assert_eq!(resolve(base, "/z?q").as_deref(), Some("http://h:1/z?q"));
        assert_eq!(
            resolve(base, "Summary.aspx").as_deref(),
            Some("http://h:1/a/b/Summary.aspx")
        );
        assert_eq!(resolve("http://h", "x").as_deref(), Some("http://h/x"));
        assert_eq!(resolve(base, " "), None);
        // A query alone keeps the path; dot segments climb.
        assert_eq!(
            resolve(base, "?x=2").as_deref(),
            Some("http://h:1/a/b/page.aspx?x=2")
        );
        assert_eq!(resolve(base, "../c").as_deref(), Some("http://h:1/a/c"));
        assert_eq!(resolve(base, "./d").as_deref(), Some("http://h:1/a/b/d"));
        assert_eq!(resolve(base, "javascript:alert(1)"), None);
    }

    #[test]
    fn origins() {
        assert!(same_origin("http://h:1/a", "HTTP://h:1/b?c"));
        assert!(!same_origin("http://h:1/a", "http://h:2/a"));
        assert!(!same_origin("http://h/a", "https://h/a"));
        assert!(is_credential_header("Authorization"));
        assert!(!is_credential_header("Accept"));
    }

    #[test]
    fn cookies_are_carried_and_replaced() {
        let mut headers = vec![("Cookie".to_string(), "a=1; sid=old".to_string())];
        add_cookie(&mut headers, "sid=new; path=/; HttpOnly");
        add_cookie(&mut headers, "no-pair-here");
        assert_eq!(
            headers,
            vec![("Cookie".to_string(), "a=1; sid=new".to_string())]
        );
        let mut headers = Vec::new();
        add_cookie(&mut headers, "x=y");
        assert_eq!(headers, vec![("cookie".to_string(), "x=y".to_string())]);
    }
}
