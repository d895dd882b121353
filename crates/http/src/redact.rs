//! URLs as shown in errors, logs and output: without credentials.

/// Query parameters whose values are masked (compared case-insensitively).
const SECRET_PARAMS: &[&str] = &[
    "token",
    "access_token",
    "auth",
    "authorization",
    "key",
    "apikey",
    "api_key",
    "password",
    "passwd",
    "secret",
    "sig",
    "signature",
];

const MASK: &str = "***";

/// `url` with any `user:password@` replaced by `***@` and the values of secret-looking
/// query parameters (`token`, `key`, `password`, ...) replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let (head, fragment) = match url.split_once('#') {
        Some((h, f)) => (h, Some(f)),
        None => (url, None),
    };
    let (base, query) = match head.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (head, None),
    };
    let mut out = redact_userinfo(base);
    if let Some(query) = query {
        out.push('?');
        let params: Vec<String> = query.split('&').map(redact_param).collect();
        out.push_str(&params.join("&"));
    }
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

fn redact_userinfo(base: &str) -> String {
    let Some(scheme_end) = base.find("://") else {
        return base.to_string();
    };
    let rest = &base[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}{MASK}{}", &base[..scheme_end + 3], &rest[at..]),
        None => base.to_string(),
    }
}

fn redact_param(param: &str) -> String {
    match param.split_once('=') {
        Some((name, _)) if SECRET_PARAMS.iter().any(|s| s.eq_ignore_ascii_case(name)) => {
            format!("{name}={MASK}")
        }
        _ => param.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_urls_are_unchanged() {
        let url = "https://mcassessor.maricopa.gov/search/property/?q=smith&page=2#top";
        assert_eq!(redact_url(url), url);
    }

    #[test]
    fn userinfo_is_masked() {
        assert_eq!(
            redact_url("http://bob:hunter2@127.0.0.1:8080/parcel/1?x=1"),
            "http://***@127.0.0.1:8080/parcel/1?x=1"
        );
        assert_eq!(redact_url("http://h/a@b"), "http://h/a@b");
    }

    #[test]
    fn secret_query_values_are_masked() {
        assert_eq!(
            redact_url("http://h/p?q=1&Token=abc&api_key=zz&keys=ok"),
            "http://h/p?q=1&Token=***&api_key=***&keys=ok"
        );
    }
}
