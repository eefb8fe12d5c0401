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

/// Checks a login at time `at`. Five wrong passwords in a row lock the user for a minute;
/// a success resets the count. Unknown user names fail the same way as wrong passwords.
pub fn login(
    conn: &Connection,
    username: &str,
    password: &str,
    at: DateTime<Utc>,
) -> std::result::Result<User, LoginError> {
    let store_err = |e: StoreError| LoginError::Store(e.to_string());
    let row = conn
        .query_row(
            "SELECT id, username, password_hash, role = 'administrator', failed_logins,
               locked_until, disabled_at IS NOT NULL
             FROM app_user WHERE username = ?1",
            [username.trim()],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, bool>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, bool>(6)?,
                ))
            },
        )
        .optional()
        .map_err(|e| store_err(e.into()))?;
    let Some((id, name, stored, is_admin, failed, locked_until, disabled)) = row else {
        // Spend the same effort as a real check so names cannot be probed by timing.
        let _ = hash(password);
        return Err(LoginError::Wrong {
            remaining: MAX_FAILED_LOGINS,
        });
    };
    if let Some(until) = locked_until.and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        && until > at
    {
        return Err(LoginError::Locked {
            seconds: (until.with_timezone(&Utc) - at).num_seconds().max(1),
        });
    }
    let ok = verify(&stored, password);
    if ok && disabled {
        return Err(LoginError::Disabled);
    }
    if ok {
        conn.execute(
            "UPDATE app_user SET failed_logins = 0, locked_until = NULL WHERE id = ?1",
            [id],
        )
        .map_err(|e| store_err(e.into()))?;
        return Ok(User {
            id,
            username: name,
            is_admin,
        });
    }
    let failed = failed + 1;
    if failed >= MAX_FAILED_LOGINS {
        let until = (at + LOCK_DURATION).to_rfc3339();
        conn.execute(
            "UPDATE app_user SET failed_logins = 0, locked_until = ?2 WHERE id = ?1",
            params![id, until],
        )
        .map_err(|e| store_err(e.into()))?;
        Err(LoginError::Locked {
            seconds: LOCK_DURATION.num_seconds(),
        })
    } else {
        conn.execute(
            "UPDATE app_user SET failed_logins = ?2 WHERE id = ?1",
            params![id, failed],
        )
        .map_err(|e| store_err(e.into()))?;
        Err(LoginError::Wrong {
            remaining: MAX_FAILED_LOGINS - failed,
        })
    }
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
    fn unknown_user_is_a_plain_wrong_login() {
        let store = Store::open_in_memory().unwrap();
        assert!(matches!(
            login(store.conn(), "nobody", "x", Utc::now()),
            Err(LoginError::Wrong { .. })
        ));
    }
}
