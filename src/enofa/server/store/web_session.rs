//! Web sessions of PKP (`web_session`) and KPP officers (`officer_session`): created at login,
//! slid forward by each request until they sit idle too long or reach their absolute end,
//! ended by logout or a password change.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::super::ServerError;
use super::token_hash;

/// A live session: whose it is (NPWP or officer) and its form token.
#[derive(Debug, Clone)]
pub struct Live {
    pub npwp: String,
    pub csrf: String,
}

/// Which sessions: the table and the column naming their owner.
pub struct Sessions {
    table: &'static str,
    owner: &'static str,
}

pub const PKP: Sessions = Sessions {
    table: "web_session",
    owner: "npwp",
};

pub const KPP: Sessions = Sessions {
    table: "officer_session",
    owner: "username",
};

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Sessions {
    /// Stores a new session of `npwp` for `token`, expiring after `idle`.
    pub fn create(
        &self,
        conn: &Connection,
        token: &str,
        npwp: &str,
        csrf: &str,
        idle: Duration,
    ) -> Result<(), ServerError> {
        let now = Utc::now();
        // Sessions that ended are of no use to anybody: drop them while we are here.
        conn.execute(
            &format!("DELETE FROM {} WHERE expires_at <= ?1", self.table),
            [stamp(now)],
        )?;
        conn.execute(
        &format!(
            "INSERT INTO {} (token_hash, {}, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            self.table, self.owner
        ),
        params![token_hash(token), npwp, csrf, stamp(now), stamp(now + idle)],
    )?;
        Ok(())
    }

    /// The live session of `token`, its expiry moved to `idle` from now but never past `created_at
    /// + max_age`. `None` when unknown, expired or past its absolute end.
    pub fn touch(
        &self,
        conn: &Connection,
        token: &str,
        idle: Duration,
        max_age: Duration,
    ) -> Result<Option<Live>, ServerError> {
        let now = Utc::now();
        let hash = token_hash(token);
        let row: Option<(String, String, String)> = conn
            .query_row(
                &format!(
                    "SELECT {}, csrf, created_at FROM {} WHERE token_hash = ?1 AND expires_at > ?2",
                    self.owner, self.table
                ),
                params![hash, stamp(now)],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((npwp, csrf, created)) = row else {
            return Ok(None);
        };
        let end = super::parse_time(&created) + max_age;
        if end <= now {
            self.end_session(conn, token)?;
            return Ok(None);
        }
        conn.execute(
            &format!(
                "UPDATE {} SET expires_at = ?2 WHERE token_hash = ?1",
                self.table
            ),
            params![hash, stamp((now + idle).min(end))],
        )?;
        Ok(Some(Live { npwp, csrf }))
    }

    /// Ends the session of `token` (logout).
    pub fn end_session(&self, conn: &Connection, token: &str) -> Result<(), ServerError> {
        conn.execute(
            &format!("DELETE FROM {} WHERE token_hash = ?1", self.table),
            [token_hash(token)],
        )?;
        Ok(())
    }

    /// Ends every session of `npwp` except `keep` (after its password changed).
    pub fn end_others(
        &self,
        conn: &Connection,
        npwp: &str,
        keep: Option<&str>,
    ) -> Result<(), ServerError> {
        let keep = keep.map(token_hash).unwrap_or_default();
        conn.execute(
            &format!(
                "DELETE FROM {} WHERE {} = ?1 AND token_hash <> ?2",
                self.table, self.owner
            ),
            params![npwp, keep],
        )?;
        Ok(())
    }
}
