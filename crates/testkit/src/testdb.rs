//! Throw-away databases for tests: `test_database()` creates a fresh database and drops it
//! when the returned `TestDb` goes out of scope.
//!
//! With `MPS_TEST_DATABASE_URL` set, the database is created on that server. Without it,
//! the process starts its own throw-away server (`throwaway.rs`: initdb in a temporary
//! directory, a Unix socket there), needing neither the system cluster nor a `root` role.
//! Any failure is returned with its reason: a test that cannot get a database fails, it
//! never passes silently.

use crate::pg_error::describe;
use postgres::config::Host;
use postgres::{Config, NoTls};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

/// The variable naming a server (any database on it) for tests.
pub const TEST_DATABASE_ENV: &str = "MPS_TEST_DATABASE_URL";

/// Why no test database could be had; the message says what to install or set.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SetupError(String);

/// Numbers the databases of this process.
static NEXT_DATABASE: AtomicU32 = AtomicU32::new(0);

/// A database that exists until this value is dropped.
pub struct TestDb {
    /// A `key=value` DSN for the fresh database.
    pub url: String,
    name: String,
    admin: Config,
}

impl std::fmt::Debug for TestDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a password; the name is enough to find the database.
        f.debug_struct("TestDb").field("name", &self.name).finish()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        // FORCE ends connections still open (a pool being dropped in another thread).
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Ok(mut c) = self.admin.connect(NoTls) {
            let _ = c.batch_execute(&sql);
        }
    }
}

/// Creates a fresh, empty database (`mps_test_<pid>_<n>`).
pub fn test_database() -> Result<TestDb, SetupError> {
    let admin = admin_config()?;
    let mut client = admin
        .connect(NoTls)
        .map_err(|e| SetupError(format!("connecting to the test server: {}", describe(&e))))?;
    let n = NEXT_DATABASE.fetch_add(1, Ordering::Relaxed);
    // A name built from numbers only, so it needs no quoting: CREATE DATABASE takes no
    // parameters.
    let name = format!("mps_test_{}_{n}", std::process::id());
    client
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .and_then(|()| client.batch_execute(&format!("CREATE DATABASE {name}")))
        .map_err(|e| SetupError(format!("creating database {name}: {}", describe(&e))))?;
    let mut own = admin.clone();
    own.dbname(&name);
    Ok(TestDb {
        url: to_dsn(&own),
        name,
        admin,
    })
}

/// The server to create test databases on.
fn admin_config() -> Result<Config, SetupError> {
    if let Ok(url) = std::env::var(TEST_DATABASE_ENV) {
        if !url.trim().is_empty() {
            return url.parse().map_err(|e: postgres::Error| {
                SetupError(format!(
                    "{TEST_DATABASE_ENV} does not parse: {}",
                    describe(&e)
                ))
            });
        }
    }
    static LOCAL: OnceLock<Result<super::throwaway::Throwaway, String>> = OnceLock::new();
    let server = LOCAL
        .get_or_init(super::throwaway::start)
        .clone()
        .map_err(SetupError)?;
    server
        .admin_dsn
        .parse()
        .map_err(|e: postgres::Error| SetupError(describe(&e)))
}

/// A `key=value` DSN for `config`, quoting every value.
fn to_dsn(config: &Config) -> String {
    let quote = |v: &str| format!("'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"));
    let mut parts = Vec::new();
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    if !hosts.is_empty() {
        parts.push(format!("host={}", quote(&hosts.join(","))));
    }
    let ports: Vec<String> = config.get_ports().iter().map(u16::to_string).collect();
    if !ports.is_empty() {
        parts.push(format!("port={}", quote(&ports.join(","))));
    }
    if let Some(user) = config.get_user() {
        parts.push(format!("user={}", quote(user)));
    }
    if let Some(password) = config.get_password() {
        parts.push(format!(
            "password={}",
            quote(&String::from_utf8_lossy(password))
        ));
    }
    if let Some(db) = config.get_dbname() {
        parts.push(format!("dbname={}", quote(db)));
    }
    if let Some(options) = config.get_options() {
        parts.push(format!("options={}", quote(options)));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dsn_round_trips_through_the_parser() {
        let config: Config = "postgresql://al'ice:p%20w@h1:5433/db".parse().unwrap();
        let back: Config = to_dsn(&config).parse().unwrap();
        assert_eq!(back.get_user(), Some("al'ice"));
        assert_eq!(back.get_password(), Some(&b"p w"[..]));
        assert_eq!(back.get_dbname(), Some("db"));
        assert_eq!(back.get_ports(), &[5433]);
    }
}
