//! The facts cache in an embedded SQLite file (`$XDG_STATE_HOME/mps/cache.sqlite`), shared
//! by every mps process of the user: SQLite's own locking and its write-ahead log make
//! concurrent batches and a `kill -9` safe (a torn transaction is rolled back at the next
//! open).

use super::{FactStore, Link};
use mps_model::blocks::Document;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// How long a writer waits for another process's write to finish.
const BUSY_WAIT: Duration = Duration::from_secs(5);

const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS documents (
    recording_number TEXT PRIMARY KEY,
    document         TEXT NOT NULL,
    stored_at        INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sales_links (
    key       TEXT PRIMARY KEY,
    link      TEXT NOT NULL,
    stored_at INTEGER NOT NULL
);
";

/// One connection, shared by the batch's workers (SQLite calls are short; the lock is
/// held for one statement).
pub struct SqliteFacts {
    path: PathBuf,
    conn: Mutex<Connection>,
}

/// `cache.sqlite` beside the job state directory (`.../mps/jobs` → `.../mps/cache.sqlite`).
pub fn default_path(state_dir: &Path) -> PathBuf {
    state_dir.parent().unwrap_or(state_dir).join("cache.sqlite")
}

impl SqliteFacts {
    /// Opens (creating if needed) the cache at `path`.
    pub fn open(path: &Path) -> Result<SqliteFacts, String> {
        let fail = |e: &dyn std::fmt::Display| format!("cache {}: {e}", path.display());
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
        }
        let conn = Connection::open(path).map_err(|e| fail(&e))?;
        conn.busy_timeout(BUSY_WAIT).map_err(|e| fail(&e))?;
        conn.execute_batch(SCHEMA).map_err(|e| fail(&e))?;
        Ok(SqliteFacts {
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
        })
    }

    fn with<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T, String> {
        let conn = self
            .conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&conn).map_err(|e| format!("cache {}: {e}", self.path.display()))
    }
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl FactStore for SqliteFacts {
    fn document(&self, recording_number: &str) -> Result<Option<Document>, String> {
        let text: Option<String> = self.with(|c| {
            c.query_row(
                "SELECT document FROM documents WHERE recording_number = ?1",
                params![recording_number],
                |r| r.get(0),
            )
            .optional()
        })?;
        // An entry that does not decode (written by another version) is a miss.
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    fn put_document(&self, doc: &Document) -> Result<(), String> {
        let text = serde_json::to_string(doc).map_err(|e| e.to_string())?;
        self.with(|c| {
            c.execute(
                "INSERT OR REPLACE INTO documents (recording_number, document, stored_at) \
                 VALUES (?1, ?2, ?3)",
                params![doc.recording_number, text, now()],
            )
            .map(drop)
        })
    }

    fn link(&self, key: &str) -> Result<Option<Link>, String> {
        let text: Option<String> = self.with(|c| {
            c.query_row(
                "SELECT link FROM sales_links WHERE key = ?1",
                params![key],
                |r| r.get(0),
            )
            .optional()
        })?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    fn put_link(&self, key: &str, link: &Link) -> Result<(), String> {
        let text = serde_json::to_string(link).map_err(|e| e.to_string())?;
        self.with(|c| {
            c.execute(
                "INSERT OR REPLACE INTO sales_links (key, link, stored_at) VALUES (?1, ?2, ?3)",
                params![key, text, now()],
            )
            .map(drop)
        })
    }

    fn counts(&self) -> Result<(u64, u64), String> {
        self.with(|c| {
            let count = |table: &str| {
                c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| {
                    r.get::<_, i64>(0)
                })
                .map(|n| u64::try_from(n).unwrap_or(0))
            };
            Ok((count("documents")?, count("sales_links")?))
        })
    }

    fn clear(&self) -> Result<(), String> {
        self.with(|c| c.execute_batch("DELETE FROM documents; DELETE FROM sales_links; VACUUM;"))
    }

    fn location(&self) -> String {
        self.path.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn doc(n: &str) -> Document {
        Document {
            recording_number: n.to_string(),
            recording_date: NaiveDate::from_ymd_opt(2015, 6, 25),
            document_codes: vec!["WAR DEED".into()],
            names: vec!["DOE JOHN".into()],
            page_count: Some(5),
            docket_book: None,
            page_map: None,
            affidavit_present: Some(true),
            restricted: false,
        }
    }

    #[test]
    fn documents_and_links_survive_a_reopen_and_clear_forgets_them() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("cache.sqlite");
        let facts = SqliteFacts::open(&path).expect("open");
        assert_eq!(facts.document("20150453721"), Ok(None));
        facts.put_document(&doc("20150453721")).expect("put");
        let link = Link {
            earlier: None,
            requests: 3,
        };
        facts.put_link("20150453721|DOE JOHN", &link).expect("put");
        drop(facts);
        let facts = SqliteFacts::open(&path).expect("reopen");
        assert_eq!(facts.document("20150453721"), Ok(Some(doc("20150453721"))));
        assert_eq!(facts.link("20150453721|DOE JOHN"), Ok(Some(link)));
        assert_eq!(facts.counts(), Ok((1, 1)));
        facts.clear().expect("clear");
        assert_eq!(facts.counts(), Ok((0, 0)));
    }

    #[test]
    fn an_entry_that_does_not_decode_is_a_miss() {
        let dir = tempfile::tempdir().expect("tempdir");
        let facts = SqliteFacts::open(&dir.path().join("c.sqlite")).expect("open");
        facts
            .with(|c| {
                c.execute("INSERT INTO documents VALUES ('1', '{not json', 0)", [])
                    .map(drop)
            })
            .expect("insert");
        assert_eq!(facts.document("1"), Ok(None));
    }
}
