//! Administrasi User: roles, adding users, disabling them, changing one's own password.
//!
//! Store calls that change users or Referensi take an [`Admin`], which only
//! [`require_admin`] makes: a Perekam's session cannot reach them, whatever the page shows.

use rusqlite::{Connection, OptionalExtension, params};

use super::{check_password_length, hash, insert, verify};
use crate::domain::DjpCode;
use crate::store::{Result, StoreError};

/// What a user may do. Administrator manages users and Referensi; Perekam records faktur.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Administrator,
    Perekam,
}

impl Role {
    pub const ALL: [Role; 2] = [Role::Administrator, Role::Perekam];

    /// The value in `app_user.role`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Perekam => "perekam",
        }
    }

    fn parse(s: &str) -> Role {
        match s {
            "administrator" => Role::Administrator,
            _ => Role::Perekam,
        }
    }

    /// DJP's name of the role (the same in both languages).
    pub fn label(self) -> &'static str {
        match self {
            Role::Administrator => "Administrator",
            Role::Perekam => "Perekam",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// A user as Administrasi User lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub role: Role,
    /// `false` once disabled: such a user cannot log in.
    pub active: bool,
}

/// Proof that an active Administrator asks; made only by [`require_admin`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admin {
    id: i64,
}

impl Admin {
    pub fn id(&self) -> i64 {
        self.id
    }
}

const COLUMNS: &str = "id, username, role, disabled_at IS NULL";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        id: r.get(0)?,
        username: r.get(1)?,
        role: Role::parse(&r.get::<_, String>(2)?),
        active: r.get(3)?,
    })
}

/// The logged-in user's row (the name as login returned it).
pub fn current(conn: &Connection, username: &str) -> Result<Option<UserRow>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM app_user WHERE username = ?1"),
            [username.trim()],
            from_row,
        )
        .optional()?)
}

/// Checks that `username` is an active Administrator.
pub fn require_admin(conn: &Connection, username: &str) -> Result<Admin> {
    match current(conn, username)? {
        Some(u) if u.active && u.role == Role::Administrator => Ok(Admin { id: u.id }),
        _ => Err(StoreError::rule(
            DjpCode::Etax10003,
            "hanya Administrator yang dapat mengubah Referensi dan user. Login sebagai \
             Administrator, atau minta Administrator melakukannya.",
        )),
    }
}

/// Every user, by name.
pub fn list(conn: &Connection) -> Result<Vec<UserRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM app_user ORDER BY username COLLATE NOCASE"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Adds an active user with `role`.
pub fn add(
    conn: &Connection,
    _by: &Admin,
    username: &str,
    password: &str,
    role: Role,
) -> Result<UserRow> {
    insert(conn, username, password, role)
}

/// Changes `username`'s own password after checking the old one (ETAX-20008 when wrong).
pub fn change_password(conn: &Connection, username: &str, old: &str, new: &str) -> Result<()> {
    let stored: Option<(i64, String)> = conn
        .query_row(
            "SELECT id, password_hash FROM app_user WHERE username = ?1",
            [username.trim()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((id, _)) = stored.filter(|(_, h)| verify(h, old)) else {
        return Err(StoreError::rule(
            DjpCode::Etax20008,
            "password lama salah; ketik password yang dipakai untuk login",
        ));
    };
    check_password_length(new)?;
    conn.execute(
        "UPDATE app_user SET password_hash = ?2 WHERE id = ?1",
        params![id, hash(new)?],
    )?;
    Ok(())
}

/// The refusal when a change would leave no active Administrator.
fn last_admin() -> StoreError {
    StoreError::rule(
        DjpCode::Etax20008,
        "ini Administrator aktif terakhir; jadikan user lain Administrator terlebih dahulu",
    )
}

/// `WHERE` part that keeps at least one active Administrator besides user `?1`.
const OTHER_ADMIN: &str = "EXISTS (SELECT 1 FROM app_user WHERE id <> ?1
    AND role = 'administrator' AND disabled_at IS NULL)";

/// Disables (`active == false`) or enables a user. The last active Administrator cannot be
/// disabled; the check and the change are one statement.
pub fn set_active(conn: &Connection, _by: &Admin, id: i64, active: bool) -> Result<()> {
    let changed = if active {
        conn.execute("UPDATE app_user SET disabled_at = NULL WHERE id = ?1", [id])?
    } else {
        conn.execute(
            &format!(
                "UPDATE app_user SET disabled_at = ?2 WHERE id = ?1
                 AND (role <> 'administrator' OR disabled_at IS NOT NULL OR {OTHER_ADMIN})"
            ),
            params![id, crate::store::now()],
        )?
    };
    if changed == 0 {
        return Err(if exists(conn, id)? {
            last_admin()
        } else {
            not_found(id)
        });
    }
    Ok(())
}

/// Gives a user another role; the last active Administrator keeps theirs.
pub fn set_role(conn: &Connection, _by: &Admin, id: i64, role: Role) -> Result<()> {
    let changed = conn.execute(
        &format!(
            "UPDATE app_user SET role = ?2, is_admin = ?3 WHERE id = ?1
             AND (?2 = 'administrator' OR role <> 'administrator' OR disabled_at IS NOT NULL
                  OR {OTHER_ADMIN})"
        ),
        params![id, role.as_str(), role == Role::Administrator],
    )?;
    if changed == 0 {
        return Err(if exists(conn, id)? {
            last_admin()
        } else {
            not_found(id)
        });
    }
    Ok(())
}

fn exists(conn: &Connection, id: i64) -> Result<bool> {
    Ok(conn
        .query_row("SELECT 1 FROM app_user WHERE id = ?1", [id], |_| Ok(()))
        .optional()?
        .is_some())
}

fn not_found(id: i64) -> StoreError {
    StoreError::rule(
        DjpCode::Etax10003,
        format!("user {id} tidak ditemukan; muat ulang daftar user"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::store::user::{LoginError, create, login};

    #[test]
    fn only_an_active_administrator_manages_users() {
        let store = Store::open_in_memory().unwrap();
        let c = store.conn();
        create(c, "admin", "rahasia-1").unwrap();
        let admin = require_admin(c, "admin").unwrap();
        let staf = add(c, &admin, "staf", "rahasia-2", Role::Perekam).unwrap();
        assert_eq!(staf.role, Role::Perekam);
        assert!(
            require_admin(c, "staf").is_err(),
            "a Perekam is no Administrator"
        );
        assert!(require_admin(c, "nobody").is_err());
        let names: Vec<_> = list(c).unwrap().into_iter().map(|u| u.username).collect();
        assert_eq!(names, ["admin", "staf"]);
    }

    #[test]
    fn the_last_active_administrator_cannot_be_disabled_or_demoted() {
        let store = Store::open_in_memory().unwrap();
        let c = store.conn();
        let first = create(c, "admin", "rahasia-1").unwrap();
        let admin = require_admin(c, "admin").unwrap();
        let err = set_active(c, &admin, first.id, false).unwrap_err();
        assert!(
            err.to_string().contains("Administrator aktif terakhir"),
            "{err}"
        );
        assert!(set_role(c, &admin, first.id, Role::Perekam).is_err());
        let kedua = add(c, &admin, "kedua", "rahasia-2", Role::Administrator).unwrap();
        set_active(c, &admin, first.id, false).unwrap();
        // Now `kedua` is the last one.
        assert!(set_active(c, &admin, kedua.id, false).is_err());
        assert!(current(c, "kedua").unwrap().unwrap().active);
    }

    #[test]
    fn a_disabled_user_cannot_log_in_and_is_told_only_with_the_right_password() {
        let store = Store::open_in_memory().unwrap();
        let c = store.conn();
        create(c, "admin", "rahasia-1").unwrap();
        let admin = require_admin(c, "admin").unwrap();
        let staf = add(c, &admin, "staf", "rahasia-2", Role::Perekam).unwrap();
        set_active(c, &admin, staf.id, false).unwrap();
        let now = chrono::Utc::now();
        assert_eq!(
            login(c, "staf", "rahasia-2", now),
            Err(LoginError::Disabled)
        );
        assert!(matches!(
            login(c, "staf", "salah", now),
            Err(LoginError::Wrong { .. })
        ));
        set_active(c, &admin, staf.id, true).unwrap();
        assert!(login(c, "staf", "rahasia-2", now).is_ok());
    }

    #[test]
    fn a_password_changes_only_with_the_old_one() {
        let store = Store::open_in_memory().unwrap();
        let c = store.conn();
        create(c, "admin", "rahasia-1").unwrap();
        assert!(change_password(c, "admin", "salah", "baru-123").is_err());
        assert!(change_password(c, "admin", "rahasia-1", "123").is_err());
        change_password(c, "admin", "rahasia-1", "baru-123").unwrap();
        let now = chrono::Utc::now();
        assert!(login(c, "admin", "baru-123", now).is_ok());
        assert!(login(c, "admin", "rahasia-1", now).is_err());
    }

    #[test]
    fn a_schema_6_database_with_users_migrates_and_every_user_becomes_administrator() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v5.sqlite");
        let (admin_hash, staf_hash) = (hash("rahasia-1").unwrap(), hash("rahasia-2").unwrap());
        {
            let c = Connection::open(&path).unwrap();
            crate::store::migrate::create_at_version(&c, 6);
            c.execute(
                "INSERT INTO app_user (username, password_hash, is_admin, created_at)
                 VALUES ('admin', ?1, 1, 'x'), ('staf', ?2, 0, 'x')",
                params![admin_hash, staf_hash],
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        let c = store.conn();
        let v: i64 = c
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, crate::store::SCHEMA_VERSION);
        let users = list(c).unwrap();
        assert_eq!(users.len(), 2);
        assert!(
            users
                .iter()
                .all(|u| u.role == Role::Administrator && u.active),
            "{users:?}"
        );
        let staf = login(c, "staf", "rahasia-2", chrono::Utc::now()).unwrap();
        assert!(staf.is_admin);
        require_admin(c, "staf").unwrap();
    }
}
