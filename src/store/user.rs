//! Local application users: argon2 hashes, and a lock after repeated wrong passwords.
//! Roles, disabling and password changes (Administrasi User) are in [`admin`].

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, StoreError, is_unique_violation, now};
use crate::domain::DjpCode;

/// Wrong passwords in a row before the account locks.
pub const MAX_FAILED_LOGINS: i64 = 5;
/// How long the lock lasts.
pub const LOCK_DURATION: Duration = Duration::minutes(1);
/// Shortest password accepted for a new user.
pub const MIN_PASSWORD_LEN: usize = 6;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub is_admin: bool,
}

pub use admin::{Admin, Role, UserRow};

pub mod admin;

/// Why a login failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoginError {
    #[error("Nama user atau password salah (sisa percobaan: {remaining})")]
    Wrong { remaining: i64 },
    #[error("Terlalu banyak password salah. User dikunci; coba lagi dalam {seconds} detik.")]
    Locked { seconds: i64 },
    /// The password was right but an Administrator disabled the user. Only said to someone who
    /// knows the password, so it tells a stranger nothing.
    #[error("User dinonaktifkan. Hubungi Administrator aplikasi untuk mengaktifkannya kembali.")]
    Disabled,
    #[error("{0}")]
    Store(String),
}

pub(super) fn hash(password: &str) -> Result<String> {
    let salt_bytes: [u8; 16] = rand::random();
    let salt = SaltString::encode_b64(&salt_bytes)
        .map_err(|e| StoreError::rule(DjpCode::Etax10003, format!("salt gagal: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::rule(DjpCode::Etax10003, format!("hash password gagal: {e}")))
}

/// Whether `password` matches the stored argon2 hash.
fn verify(stored: &str, password: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Creates a user; the first user of a database is its administrator.
pub fn create(conn: &Connection, username: &str, password: &str) -> Result<User> {
    let role = if count(conn)? == 0 {
        Role::Administrator
    } else {
        Role::Perekam
    };
    let row = insert(conn, username, password, role)?;
    Ok(User {
        id: row.id,
        username: row.username,
        is_admin: role == Role::Administrator,
    })
}

/// Inserts an active user with `role` after checking the name and the password's length.
fn insert(conn: &Connection, username: &str, password: &str, role: Role) -> Result<UserRow> {
    let username = username.trim();
    if username.is_empty() {
        return Err(StoreError::rule(
            DjpCode::Etax20014,
            "Nama user wajib diisi",
        ));
    }
    check_password_length(password)?;
    let is_admin = role == Role::Administrator;
    conn.execute(
        "INSERT INTO app_user (username, password_hash, is_admin, role, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![username, hash(password)?, is_admin, role.as_str(), now()],
    )
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::rule(DjpCode::Etax20008, format!("User '{username}' sudah ada"))
        } else {
            e.into()
        }
    })?;
    Ok(UserRow {
        id: conn.last_insert_rowid(),
        username: username.to_string(),
        role,
        active: true,
    })
}

fn check_password_length(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(StoreError::rule(
            DjpCode::Etax20008,
            format!("Password minimal {MIN_PASSWORD_LEN} karakter"),
        ));
    }
    Ok(())
}

pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM app_user", [], |r| r.get(0))?)
}

/// Checks a login at time `at`. Five wrong passwords in a row lock the name for a minute;
/// a success resets the count. The count is kept per typed name in `login_attempt`, for known
/// and unknown names alike, so both get the same answers and the same lock and user names
/// cannot be probed (by the message, the count left, the lock or the time taken).
pub fn login(
    conn: &Connection,
    username: &str,
    password: &str,
    at: DateTime<Utc>,
) -> std::result::Result<User, LoginError> {
    let store_err = |e: rusqlite::Error| LoginError::Store(StoreError::from(e).to_string());
    let typed = username.trim();
    let user = conn
        .query_row(
            "SELECT id, username, password_hash, role = 'administrator', disabled_at IS NOT NULL
             FROM app_user WHERE username = ?1",
            [typed],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, bool>(3)?,
                    r.get::<_, bool>(4)?,
                ))
            },
        )
        .optional()
        .map_err(store_err)?;
    let (failed, locked_until) = conn
        .query_row(
            "SELECT failed_logins, locked_until FROM login_attempt WHERE username = ?1",
            [typed],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?)),
        )
        .optional()
        .map_err(store_err)?
        .unwrap_or((0, None));
    if let Some(until) = locked_until.and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        && until > at
    {
        return Err(LoginError::Locked {
            seconds: (until.with_timezone(&Utc) - at).num_seconds().max(1),
        });
    }
    let verified = match &user {
        Some((_, _, stored, _, _)) => verify(stored, password),
        None => {
            // Spend the same effort as a real check so names cannot be probed by timing.
            let _ = hash(password);
            false
        }
    };
    if let (true, Some((id, name, _, is_admin, disabled))) = (verified, user) {
        conn.execute("DELETE FROM login_attempt WHERE username = ?1", [typed])
            .map_err(store_err)?;
        if disabled {
            return Err(LoginError::Disabled);
        }
        return Ok(User {
            id,
            username: name,
            is_admin,
        });
    }
    let failed = failed + 1;
    let (count, until, answer) = if failed >= MAX_FAILED_LOGINS {
        (
            0,
            Some((at + LOCK_DURATION).to_rfc3339()),
            LoginError::Locked {
                seconds: LOCK_DURATION.num_seconds(),
            },
        )
    } else {
        (
            failed,
            None,
            LoginError::Wrong {
                remaining: MAX_FAILED_LOGINS - failed,
            },
        )
    };
    conn.execute(
        "INSERT INTO login_attempt (username, failed_logins, locked_until) VALUES (?1, ?2, ?3)
         ON CONFLICT (username) DO UPDATE SET failed_logins = ?2, locked_until = ?3",
        params![typed, count, until],
    )
    .map_err(store_err)?;
    Err(answer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn stores_only_an_argon2_hash() {
        let store = Store::open_in_memory().unwrap();
        let u = create(store.conn(), "admin", "rahasia123").unwrap();
        assert!(u.is_admin);
        let h: String = store
            .conn()
            .query_row("SELECT password_hash FROM app_user", [], |r| r.get(0))
            .unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(!h.contains("rahasia123"));
        let second = create(store.conn(), "staf", "rahasia456").unwrap();
        assert!(!second.is_admin);
        assert!(
            create(store.conn(), "ADMIN", "rahasia789").is_err(),
            "names are case-insensitive"
        );
        assert!(create(store.conn(), "pendek", "123").is_err());
    }

    #[test]
    fn five_wrong_passwords_lock_for_a_minute() {
        let store = Store::open_in_memory().unwrap();
        create(store.conn(), "admin", "rahasia123").unwrap();
        let t0 = Utc::now();
        for remaining in (1..MAX_FAILED_LOGINS).rev() {
            assert_eq!(
                login(store.conn(), "admin", "salah", t0),
                Err(LoginError::Wrong { remaining })
            );
        }
        assert!(matches!(
            login(store.conn(), "admin", "salah", t0),
            Err(LoginError::Locked { .. })
        ));
        // Even the right password is refused while locked.
        assert!(matches!(
            login(
                store.conn(),
                "admin",
                "rahasia123",
                t0 + Duration::seconds(30)
            ),
            Err(LoginError::Locked { seconds: 30 })
        ));
        let u = login(
            store.conn(),
            "admin",
            "rahasia123",
            t0 + Duration::seconds(61),
        )
        .unwrap();
        assert_eq!(u.username, "admin");
    }

    #[test]
    fn unknown_name_and_wrong_password_get_the_same_answers_and_lock() {
        let store = Store::open_in_memory().unwrap();
        create(store.conn(), "admin", "rahasia123").unwrap();
        let t0 = Utc::now();
        for _ in 0..=MAX_FAILED_LOGINS {
            let known = login(store.conn(), "admin", "salah", t0);
            let unknown = login(store.conn(), "nobody", "salah", t0);
            assert_eq!(
                known, unknown,
                "same answer for a known and an unknown name"
            );
        }
        assert!(matches!(
            login(store.conn(), "nobody", "x", t0 + Duration::seconds(30)),
            Err(LoginError::Locked { seconds: 30 })
        ));
        // The lock of a name does not touch other names.
        let u = login(
            store.conn(),
            " Admin ",
            "rahasia123",
            t0 + Duration::seconds(61),
        );
        assert_eq!(u.unwrap().username, "admin");
    }

    #[test]
    fn counters_of_a_version_5_database_survive_the_migration() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v5.db");
        let t0 = Utc::now();
        {
            // Schema 5 as the previous release left it: a locked admin.
            let c = Connection::open(&path).unwrap();
            crate::store::migrate::create_at_version(&c, 5);
            c.execute(
                "INSERT INTO app_user (username, password_hash, is_admin, failed_logins,
                    locked_until, created_at)
                 VALUES ('admin', ?1, 1, 0, ?2, 'x')",
                params![
                    hash("rahasia123").unwrap(),
                    (t0 + Duration::seconds(40)).to_rfc3339()
                ],
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        let version: i64 = store
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, crate::store::SCHEMA_VERSION);
        assert!(matches!(
            login(store.conn(), "admin", "rahasia123", t0),
            Err(LoginError::Locked { .. })
        ));
        assert!(
            login(
                store.conn(),
                "admin",
                "rahasia123",
                t0 + Duration::seconds(41)
            )
            .is_ok()
        );
    }
}
