//! `PgError`: what went wrong talking to PostgreSQL, with the server's own words.
//!
//! `postgres::Error` displays as just "db error" and r2d2 hides the cause entirely, so every
//! conversion here walks the source chain (and `as_db_error()`) to keep the real message,
//! e.g. `FATAL: Peer authentication failed for user "postgres"`. Messages never carry the
//! password of the connection URL: targets are described from the parsed config, and any
//! text that might echo the URL is scrubbed.

use std::error::Error as StdError;
use std::fmt::Write as _;

/// An error from the PostgreSQL store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PgError {
    /// The database URL does not parse.
    #[error("invalid database URL: {message}")]
    Url { message: String },
    /// The server could not be reached or refused us.
    #[error("cannot connect to PostgreSQL ({target}): {message}{hint}")]
    Connect {
        target: String,
        message: String,
        /// Empty, or a sentence starting with "; " that says what to do.
        hint: String,
    },
    /// A statement failed; `doing` says which step.
    #[error("PostgreSQL error while {doing}: {message}")]
    Query {
        doing: String,
        message: String,
        /// The connection failed, not the statement: the same statement may succeed once
        /// the server is back (see [`PgError::is_outage`]).
        outage: bool,
    },
    /// A migration failed and was rolled back.
    #[error("migration {version:04} ({name}) failed: {message}")]
    Migration {
        version: u32,
        name: &'static str,
        message: String,
    },
    /// No pooled connection could be had.
    #[error("PostgreSQL connection pool: {message}")]
    Pool { message: String },
}

impl PgError {
    /// A failed statement, with the step it belonged to.
    pub(crate) fn query(doing: impl Into<String>, e: &postgres::Error) -> PgError {
        PgError::Query {
            doing: doing.into(),
            message: describe(e),
            outage: is_outage(e),
        }
    }

    /// True when the server could not be reached or went away (refused or reset
    /// connections, a shut-down server, no free connection slot): worth retrying until the
    /// outage limit. A statement the server rejected (a constraint, a type error) is not.
    pub fn is_outage(&self) -> bool {
        match self {
            PgError::Connect { .. } | PgError::Pool { .. } => true,
            PgError::Query { outage, .. } => *outage,
            _ => false,
        }
    }

    /// A failed pool checkout.
    pub(crate) fn pool(e: &r2d2::Error) -> PgError {
        PgError::Pool { message: chain(e) }
    }

    /// The server's own message, without the "db error" wrapper, if the failure came from
    /// the server.
    pub fn server_message(&self) -> Option<&str> {
        match self {
            PgError::Connect { message, .. }
            | PgError::Query { message, .. }
            | PgError::Migration { message, .. } => Some(message),
            _ => None,
        }
    }
}

/// Whether `e` is worth trying again: the connection failing rather than the statement (a
/// closed connection, an I/O error, or a server error of SQLSTATE class 08 (connection
/// exception), 57P01-57P03 (shutdown, crash recovery, cannot connect now) or 53300 (too many
/// connections)), or a transaction the server rolled back to break a deadlock (40P01) or a
/// serialization conflict (40001), which succeeds when run again.
fn is_outage(e: &postgres::Error) -> bool {
    match e.as_db_error() {
        Some(db) => {
            let code = db.code().code();
            code.starts_with("08")
                || matches!(
                    code,
                    "57P01" | "57P02" | "57P03" | "53300" | "40P01" | "40001"
                )
        }
        // No server message: an outage if the connection closed or the socket failed;
        // anything else (a value that does not encode) is our own mistake, not an outage.
        None => {
            e.is_closed()
                || StdError::source(e)
                    .is_some_and(<dyn std::error::Error + 'static>::is::<std::io::Error>)
        }
    }
}

/// The useful text of a `postgres::Error`: severity, message, detail and hint from the
/// server, or the source chain of a client-side error.
pub(crate) fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let mut s = format!("{}: {}", db.severity(), db.message());
        if let Some(detail) = db.detail() {
            let _ = write!(s, " (detail: {detail})");
        }
        if let Some(hint) = db.hint() {
            let _ = write!(s, " (hint: {hint})");
        }
        return s;
    }
    chain(e)
}

/// `Display` of an error followed by each of its sources, skipping repeats.
pub(crate) fn chain(e: &(dyn StdError + 'static)) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(src) = cur {
        let part = match src.downcast_ref::<postgres::error::DbError>() {
            Some(db) => format!("{}: {}", db.severity(), db.message()),
            None => src.to_string(),
        };
        if !s.contains(&part) {
            let _ = write!(s, ": {part}");
        }
        cur = src.source();
    }
    s
}

/// What to do about a connection failure, keyed on the server's or OS's message.
pub(crate) fn connect_hint(message: &str) -> &'static str {
    let m = message.to_ascii_lowercase();
    if m.contains("peer authentication failed") {
        "; peer authentication maps the OS user to a role of the same name: as root, create \
         one with `runuser -u postgres -- createuser --superuser root` and connect with \
         `host=/var/run/postgresql user=root dbname=postgres`"
    } else if m.contains("password authentication failed") {
        "; check the user and password in the URL"
    } else if m.contains("password missing") {
        "; this server asks for a password over TCP: put it in the URL, or use the unix \
         socket (host=/var/run/postgresql) with a role named after your OS user"
    } else if m.contains("does not exist") && m.contains("database") {
        "; create it (`createdb NAME`) or name an existing database in the URL"
    } else if m.contains("does not exist") && m.contains("role") {
        "; create the role (`runuser -u postgres -- createuser --superuser NAME`)"
    } else if m.contains("connection refused")
        || m.contains("no such file or directory")
        || m.contains("timed out")
    {
        "; is the server running? (`pg_lsclusters`; start it with `pg_ctlcluster 15 main start`)"
    } else {
        ""
    }
}

/// Removes `secret` from `text`. Short secrets are left alone: replacing every "ab" in a
/// message would garble it, and no server message echoes a password anyway.
pub(crate) fn scrub(text: &str, secret: Option<&str>) -> String {
    match secret {
        Some(p) if p.len() >= 3 => text.replace(p, "***"),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_name_the_fix() {
        assert!(
            connect_hint("db error: FATAL: Peer authentication failed for user \"postgres\"")
                .contains("createuser --superuser root")
        );
        assert!(
            connect_hint("error connecting to server: Connection refused (os error 111)")
                .contains("pg_ctlcluster")
        );
        assert_eq!(connect_hint("something else"), "");
    }

    #[test]
    fn scrub_hides_the_password() {
        assert_eq!(
            scrub("postgresql://u:s3cret@h/db", Some("s3cret")),
            "postgresql://u:***@h/db"
        );
        assert_eq!(scrub("abc", None), "abc");
    }
}
