//! One direct connection to the server (outside the pool), and how its target is named in
//! messages (never with a password).

use super::error::{connect_hint, describe, scrub, PgError};
use postgres::config::Host;
use postgres::{Config, NoTls};

/// One direct connection, failing with the server's message and what to do about it.
pub(crate) fn connect(config: &Config, target: &str) -> Result<postgres::Client, PgError> {
    let password = config
        .get_password()
        .map(|p| String::from_utf8_lossy(p).into_owned());
    config.connect(NoTls).map_err(|e| {
        let message = scrub(&describe(&e), password.as_deref());
        PgError::Connect {
            target: target.to_string(),
            hint: connect_hint(&message).to_string(),
            message,
        }
    })
}

/// `user@host:port/dbname`, from the parsed config (so never with a password).
pub(crate) fn describe_target(config: &Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let host = if hosts.is_empty() {
        "localhost".to_string()
    } else {
        hosts.join(",")
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config.get_user().unwrap_or("(no user)");
    let db = config.get_dbname().unwrap_or(user);
    format!("{user}@{host}:{port}/{db}")
}
