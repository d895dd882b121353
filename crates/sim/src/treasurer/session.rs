//! The legacy site's ASP.NET sessions: a bounded in-memory table from session id to parcel.
//!
//! `default.aspx?Parcel=` binds a session to a parcel; the step-2 pages (`Summary.aspx`,
//! `Activities.aspx`, …) read the parcel from the session alone, as the real WebForms site does.
//! The table is bounded (oldest sessions evicted first) so a million-parcel batch keeps memory
//! flat; a client uses its session within seconds, long before it is evicted.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use mps_ident::Apn;

/// The cookie name ASP.NET uses.
pub const COOKIE_NAME: &str = "ASP.NET_SessionId";

/// Sessions kept at once; beyond this the oldest is forgotten ("session expired").
const CAPACITY: usize = 50_000;

/// ASP.NET session ids are 24 characters of `a–z` and `0–5`.
const ID_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz012345";

#[derive(Default)]
struct Table {
    parcels: HashMap<String, Apn>,
    /// Ids in creation order, for eviction.
    order: VecDeque<String>,
}

/// The session table shared by every connection thread.
#[derive(Default)]
pub struct Sessions {
    table: Mutex<Table>,
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions").finish_non_exhaustive()
    }
}

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, Table> {
        // A panic while holding the lock leaves the table consistent (single inserts/removes).
        self.table
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Binds `apn` to the session `existing` if it is live; otherwise opens a new session and
    /// returns its id (which the caller sends in `Set-Cookie`).
    pub fn bind(&self, existing: Option<&str>, apn: Apn) -> Option<String> {
        let mut table = self.lock();
        if let Some(parcel) = existing.and_then(|id| table.parcels.get_mut(id)) {
            *parcel = apn;
            return None;
        }
        let mut rng = fastrand::Rng::new();
        let id: String = (0..24)
            .map(|_| char::from(ID_ALPHABET[rng.usize(..ID_ALPHABET.len())]))
            .collect();
        if table.order.len() >= CAPACITY {
            if let Some(old) = table.order.pop_front() {
                table.parcels.remove(&old);
            }
        }
        table.parcels.insert(id.clone(), apn);
        table.order.push_back(id.clone());
        Some(id)
    }

    /// The parcel a live session is bound to.
    pub fn parcel(&self, id: &str) -> Option<Apn> {
        self.lock().parcels.get(id).copied()
    }
}

/// The session id in a `Cookie` request header.
pub fn session_id(cookie_header: Option<&str>) -> Option<&str> {
    cookie_header?
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.trim())
}

/// The `Set-Cookie` value that opens session `id`.
pub fn set_cookie(id: &str) -> String {
    format!("{COOKIE_NAME}={id}; path=/; HttpOnly")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binds_rebinds_and_reads_cookies() {
        let sessions = Sessions::default();
        let a = Apn::parse("165-28-054").expect("apn");
        let b = Apn::parse("118-22-001A").expect("apn");
        let id = sessions.bind(None, a).expect("new session");
        assert_eq!(id.len(), 24);
        assert_eq!(sessions.parcel(&id), Some(a));
        assert_eq!(sessions.bind(Some(&id), b), None);
        assert_eq!(sessions.parcel(&id), Some(b));
        assert!(sessions.bind(Some("gone"), a).is_some());
        let header = format!("x=1; {COOKIE_NAME}={id}");
        assert_eq!(session_id(Some(&header)), Some(id.as_str()));
        assert_eq!(session_id(Some("x=1")), None);
        assert_eq!(session_id(None), None);
    }
}
