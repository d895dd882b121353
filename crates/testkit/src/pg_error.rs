//! What a `postgres::Error` says, in one line for a test's failure message.

use std::fmt::Write;

/// The server's message, detail and hint, or the client-side error with its causes.
pub(crate) fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let mut s = format!("{}: {}", db.severity(), db.message());
        if let Some(hint) = db.hint() {
            let _ = write!(s, " (hint: {hint})");
        }
        return s;
    }
    let mut s = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        let _ = write!(s, ": {c}");
        cause = c.source();
    }
    s
}
