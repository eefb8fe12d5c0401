//! The upload outbox: what the uploader must still send. Rows survive crashes and restarts; the
//! idempotency key lets the server recognise a retry of a request whose answer was lost.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, now};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Upload,
    Batal,
}

impl Kind {
    fn key(self) -> &'static str {
        match self {
            Kind::Upload => "upload",
            Kind::Batal => "batal",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub faktur_id: i64,
    pub kind: Kind,
    pub idempotency_key: String,
    pub attempts: u32,
    /// SHA-256 of the faktur as queued (or as last validated).
    pub payload_hash: Option<String>,
}

fn new_key() -> String {
    use rand::Rng;
    let bytes: [u8; 16] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Queues work for a faktur; queuing the same work twice keeps the one pending entry.
pub fn enqueue(conn: &Connection, faktur_id: i64, kind: Kind) -> Result<String> {
    let existing: Option<String> = conn
        .query_row(
            "SELECT idempotency_key FROM outbox WHERE faktur_id = ?1 AND kind = ?2 AND state = 'pending'",
            params![faktur_id, kind.key()],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(key) = existing {
        return Ok(key);
    }
    let key = new_key();
    conn.execute(
        "INSERT INTO outbox (faktur_id, kind, idempotency_key, next_attempt_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?4)",
        params![faktur_id, kind.key(), key, now()],
    )?;
    Ok(key)
}

/// Pending entries whose time has come, oldest first.
pub fn due(conn: &Connection, at: DateTime<Utc>, limit: u32) -> Result<Vec<Entry>> {
    let mut stmt = conn.prepare(
        "SELECT id, faktur_id, kind, idempotency_key, attempts, payload_hash FROM outbox
         WHERE state = 'pending' AND next_attempt_at <= ?1 ORDER BY id LIMIT ?2",
    )?;
    let rows = stmt.query_map(
        params![at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true), limit],
        |r| {
            Ok(Entry {
                id: r.get(0)?,
                faktur_id: r.get(1)?,
                kind: if r.get::<_, String>(2)? == "batal" {
                    Kind::Batal
                } else {
                    Kind::Upload
                },
                idempotency_key: r.get(3)?,
                attempts: r.get(4)?,
                payload_hash: r.get(5)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Faktur keluaran in force that are *Siap Upload* with their NSFP inside a recorded range and
/// no upload queued yet: what the uploader queues next.
pub fn ready_for_upload(conn: &Connection) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare(
        "SELECT f.id FROM faktur f
         WHERE f.jenis = 'keluaran' AND f.status_approval = 'siap_upload'
           AND f.status_faktur IN ('normal', 'normal_pengganti')
           AND EXISTS (SELECT 1 FROM nsfp_range r
                WHERE r.prefix = CAST(substr(f.nsfp, 1, 3) AS INTEGER)
                  AND r.year = CAST(substr(f.nsfp, 4, 2) AS INTEGER)
                  AND CAST(substr(f.nsfp, 6) AS INTEGER) BETWEEN r.start_serial AND r.end_serial)
           AND NOT EXISTS (SELECT 1 FROM outbox o
                WHERE o.faktur_id = f.id AND o.kind = 'upload' AND o.state = 'pending')
         ORDER BY f.id",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Queues work with the SHA-256 of the faktur as queued (see [`enqueue`]).
pub fn enqueue_with_hash(
    conn: &Connection,
    faktur_id: i64,
    kind: Kind,
    payload_hash: &str,
) -> Result<String> {
    let key = enqueue(conn, faktur_id, kind)?;
    conn.execute(
        "UPDATE outbox SET payload_hash = ?2 WHERE idempotency_key = ?1",
        params![key, payload_hash],
    )?;
    Ok(key)
}

/// The faktur was validated again after a change: remember what was validated.
pub fn set_payload_hash(conn: &Connection, id: i64, payload_hash: &str) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET payload_hash = ?2 WHERE id = ?1",
        params![id, payload_hash],
    )?;
    Ok(())
}

/// When the next pending entry falls due, if any is pending.
pub fn next_due(conn: &Connection) -> Result<Option<DateTime<Utc>>> {
    let at: Option<String> = conn.query_row(
        "SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending'",
        [],
        |r| r.get(0),
    )?;
    Ok(at
        .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
        .map(|t| t.with_timezone(&Utc)))
}

pub fn pending_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM outbox WHERE state = 'pending'",
        [],
        |r| r.get(0),
    )?)
}

pub fn mark_done(conn: &Connection, id: i64) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET state = 'done', last_error = NULL WHERE id = ?1",
        [id],
    )?;
    Ok(())
}

/// A failure worth retrying: count it and try again at `next`.
pub fn retry_at(conn: &Connection, id: i64, next: DateTime<Utc>, error: &str) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2, last_error = ?3 WHERE id = ?1",
        params![id, next.to_rfc3339_opts(chrono::SecondsFormat::Secs, true), error],
    )?;
    Ok(())
}

/// A final failure (DJP rejected it): stop retrying.
pub fn mark_failed(conn: &Connection, id: i64, error: &str) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
        params![id, error],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ApprovalStatus;
    use crate::store::{Store, faktur};

    #[test]
    fn queue_survives_reopen_and_keeps_its_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("o.sqlite");
        let key;
        {
            let store = Store::open(&path).unwrap();
            let f = faktur::tests::draft("0002400000001").validate().unwrap();
            let id = faktur::insert(store.conn(), &f, ApprovalStatus::SiapUpload, "t").unwrap();
            key = enqueue(store.conn(), id, Kind::Upload).unwrap();
            assert_eq!(
                enqueue(store.conn(), id, Kind::Upload).unwrap(),
                key,
                "no duplicate work"
            );
        } // "crash": the connection goes away
        let store = Store::open(&path).unwrap();
        let due_now = due(store.conn(), Utc::now(), 10).unwrap();
        assert_eq!(due_now.len(), 1);
        assert_eq!(due_now[0].idempotency_key, key);
        let later = Utc::now() + chrono::Duration::minutes(5);
        retry_at(store.conn(), due_now[0].id, later, "ETAX-40001").unwrap();
        assert!(due(store.conn(), Utc::now(), 10).unwrap().is_empty());
        let again = due(store.conn(), later, 10).unwrap();
        assert_eq!(again[0].attempts, 1);
        mark_done(store.conn(), again[0].id).unwrap();
        assert_eq!(pending_count(store.conn()).unwrap(), 0);
    }
}
