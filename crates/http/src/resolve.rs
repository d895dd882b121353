//! The agent's resolver: `ureq`'s own, without a thread per request.
//!
//! `ureq` resolves the host before every request, even one sent on a pooled connection,
//! and with a timeout set (ours always is) its default resolver spawns a thread for each
//! lookup: one thread per request, a fair share of a batch's CPU. Here an address written
//! in the URL (`127.0.0.1`, `[::1]`) is read without any lookup, and a host name's
//! addresses are remembered for [`NAME_TTL`], so only the first request to a host in that
//! time pays for a lookup (the default resolver's, timeout and all).

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long a host name's addresses are used before they are looked up again: short, so
/// a host that moves is followed within a minute, and long enough to spare the lookup of
/// nearly every request.
const NAME_TTL: Duration = Duration::from_secs(30);

/// Looked-up addresses are remembered for at most this many `host:port`s (a batch talks
/// to a handful); past it the memory is cleared.
const MAX_NAMES: usize = 64;

/// The resolver given to the agent (see the module notes).
#[derive(Default)]
pub(crate) struct QuickResolver {
    default: DefaultResolver,
    /// `host:port` → when it was looked up, and the addresses found.
    names: Mutex<HashMap<String, (Instant, ResolvedSocketAddrs)>>,
}

impl fmt::Debug for QuickResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QuickResolver").finish_non_exhaustive()
    }
}

impl Resolver for QuickResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let Some((host, port)) = host_and_port(uri) else {
            // No host or an unknown scheme: the default resolver says what is wrong.
            return self.default.resolve(uri, config, timeout);
        };
        if let Ok(ip) = host.parse::<IpAddr>() {
            let mut out = self.empty();
            for addr in config
                .ip_family()
                .keep_wanted([SocketAddr::new(ip, port)].into_iter())
            {
                out.push(addr);
            }
            // An address of the family the config refuses: the default says so.
            if !out.is_empty() {
                return Ok(out);
            }
            return self.default.resolve(uri, config, timeout);
        }
        let key = format!("{host}:{port}");
        if let Some(addrs) = self.remembered(&key) {
            return Ok(addrs);
        }
        let addrs = self.default.resolve(uri, config, timeout)?;
        let mut names = self.lock();
        if names.len() >= MAX_NAMES {
            names.clear();
        }
        names.insert(key, (Instant::now(), addrs.clone()));
        Ok(addrs)
    }
}

impl QuickResolver {
    fn remembered(&self, key: &str) -> Option<ResolvedSocketAddrs> {
        let names = self.lock();
        let (at, addrs) = names.get(key)?;
        (at.elapsed() < NAME_TTL).then(|| addrs.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, ResolvedSocketAddrs)>> {
        // The map is only ever replaced whole: a panic elsewhere cannot leave it torn.
        self.names
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The URL's host (an IPv6 address without its brackets) and port (the scheme's when the
/// URL names none); `None` without a host or for a scheme other than HTTP(S).
fn host_and_port(uri: &Uri) -> Option<(&str, u16)> {
    let authority = uri.authority()?;
    let default_port = match uri.scheme_str()? {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let host = authority.host();
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    Some((host, authority.port_u16().unwrap_or(default_port)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(url: &str) -> Vec<SocketAddr> {
        let uri: Uri = url.parse().expect("a valid test URL");
        let config = Config::default();
        QuickResolver::default()
            .resolve(&uri, &config, NextTimeout::default())
            .expect("resolved")
            .to_vec()
    }

    #[test]
    fn addresses_in_the_url_need_no_lookup() {
        assert_eq!(
            resolve("http://127.0.0.1:8080/x"),
            ["127.0.0.1:8080".parse().unwrap()]
        );
        assert_eq!(resolve("https://[::1]/x"), ["[::1]:443".parse().unwrap()]);
        assert_eq!(
            resolve("http://10.0.0.1/"),
            ["10.0.0.1:80".parse().unwrap()]
        );
    }

    #[test]
    fn names_are_looked_up_then_remembered() {
        let resolver = QuickResolver::default();
        let uri: Uri = "http://localhost:9/".parse().unwrap();
        let config = Config::default();
        let first = resolver
            .resolve(&uri, &config, NextTimeout::default())
            .unwrap();
        assert!(first.iter().all(|a| a.port() == 9 && a.ip().is_loopback()));
        assert!(resolver.remembered("localhost:9").is_some());
        let again = resolver
            .resolve(&uri, &config, NextTimeout::default())
            .unwrap();
        assert_eq!(first.to_vec(), again.to_vec());
    }
}
