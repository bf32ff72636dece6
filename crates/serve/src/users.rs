//! User accounts: `bonafide user add` and `disable`, the admin's list and forms, and
//! `POST /api/v1/users` and `PATCH /api/v1/users/{name}`. Each change is written together with its audit entry in one
//! transaction.

use sqlx::Row;

use crate::ServeError;
use crate::auth::{Role, hash_password, now};

/// A user as listed (never with the password hash).
#[derive(Clone, Debug, serde::Serialize)]
pub struct User {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    pub created_at: String,
    pub disabled: bool,
}

/// What saving a user did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Saved {
    pub user_id: i64,
    /// The name was taken: its password and role were reset (and the account enabled).
    pub reset: bool,
    /// The user's sessions and API tokens that the reset ended.
    pub revoked: Revoked,
}

/// Sign-ins a reset or a disable ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Revoked {
    pub sessions: u64,
    pub tokens: u64,
}

impl std::fmt::Display for Revoked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} sessions ended, {} API tokens revoked", self.sessions, self.tokens)
    }
}

/// Names are what people type at the login form: 1-64 visible characters, no spaces.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_ascii_graphic())
}

/// Ends every session and revokes every API token of `user_id`.
async fn revoke_all(tx: &mut sqlx::AnyConnection, user_id: i64) -> Result<Revoked, sqlx::Error> {
    let sessions =
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?.rows_affected();
    let tokens =
        sqlx::query("DELETE FROM api_tokens WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?.rows_affected();
    Ok(Revoked { sessions, tokens })
}

use crate::audit::record_in as audit;

/// Creates a user (audited as `user.add`), or resets the password and role of an
/// existing one and enables it (`user.reset`). Passwords need at least 10 characters:
/// the service may be reachable from a network.
///
/// A reset ends all the user's sessions and revokes all their API tokens: a password is
/// reset because it may be known to someone else, who may already have signed in or
/// issued a token with it, and those would otherwise outlive the new password.
///
/// This is `bonafide user add`: like `bonafide user disable`, it may take the admin role
/// from the last enabled admin (the operator at the database can add another). The
/// web's [`save_user`] may not.
pub async fn add_user(
    pool: &sqlx::AnyPool,
    actor: &str,
    name: &str,
    role: Role,
    password: &str,
) -> Result<Saved, ServeError> {
    match save(pool, actor, name, role, password, false).await? {
        Some(saved) => Ok(saved),
        None => Err(ServeError::Other("no enabled admin would be left".into())),
    }
}

/// [`add_user`] for an admin of the web UI or API (`POST /api/v1/users`, the add-user
/// form). `None` when the save was refused because it would take the admin role from
/// the last enabled admin: a reset with another role would otherwise leave nobody able
/// to manage users, which [`set_disabled`] already refuses for a disable.
pub async fn save_user(
    pool: &sqlx::AnyPool,
    actor: &str,
    name: &str,
    role: Role,
    password: &str,
) -> Result<Option<Saved>, ServeError> {
    save(pool, actor, name, role, password, true).await
}

async fn save(
    pool: &sqlx::AnyPool,
    actor: &str,
    name: &str,
    role: Role,
    password: &str,
    keep_an_admin: bool,
) -> Result<Option<Saved>, ServeError> {
    if !valid_name(name) {
        return Err(ServeError::Other(format!("invalid user name {name:?}: 1-64 visible ASCII characters")));
    }
    if password.chars().count() < 10 {
        return Err(ServeError::Other("the password needs at least 10 characters".into()));
    }
    let password = password.to_owned();
    let hash = crate::auth::off_executor(move || hash_password(&password)).await??;
    let mut tx = pool.begin().await?;
    let demotes = keep_an_admin && role != Role::Admin;
    if demotes {
        // Locks every enabled admin's row until the transaction ends, as `switch` does,
        // so two admins who demote each other at once are taken one after the other.
        sqlx::query("UPDATE users SET disabled = disabled WHERE role = 'admin' AND disabled = 0")
            .execute(&mut *tx)
            .await?;
    }
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT user_id FROM users WHERE name = $1").bind(name).fetch_optional(&mut *tx).await?;
    let row = sqlx::query(
        "INSERT INTO users (name, role, password_hash, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (name) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash, disabled = 0 \
         RETURNING user_id",
    )
    .bind(name)
    .bind(role.as_str())
    .bind(hash)
    .bind(now().to_stamp())
    .fetch_one(&mut *tx)
    .await?;
    let user_id: i64 = row.get(0);
    if demotes {
        let admins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0")
            .fetch_one(&mut *tx)
            .await?;
        if admins == 0 {
            // Dropping the transaction rolls the save back.
            return Ok(None);
        }
    }
    let target = format!("user:{name}");
    let saved = if existing.is_some() {
        let revoked = revoke_all(&mut tx, user_id).await?;
        audit(&mut tx, actor, "user.reset", &target, &format!("{}; {revoked}", role.as_str())).await?;
        Saved { user_id, reset: true, revoked }
    } else {
        audit(&mut tx, actor, "user.add", &target, role.as_str()).await?;
        Saved { user_id, reset: false, revoked: Revoked::default() }
    };
    tx.commit().await?;
    Ok(Some(saved))
}

/// Disables a user: the login form refuses them, and their sessions and API tokens
/// end now (authentication also refuses any a disabled user still had). Re-adding the
/// user with a new password, or [`set_disabled`], enables them again. `None` when there
/// is no such user.
///
/// This is `bonafide user disable`: it may disable the last admin, because the operator
/// at the database may need to lock out a compromised sole admin at once, and can add
/// another with `bonafide user add`. The web's [`set_disabled`] may not.
pub async fn disable_user(pool: &sqlx::AnyPool, actor: &str, name: &str) -> Result<Option<Revoked>, ServeError> {
    match switch(pool, actor, name, true, false).await? {
        Switched::Done(revoked) => Ok(Some(revoked)),
        // Only a disable that keeps an admin can be refused as the last one.
        Switched::NoSuchUser | Switched::LastAdmin => Ok(None),
    }
}

/// What [`set_disabled`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Switched {
    /// Done and audited; a disable ended these sign-ins (an enable, none).
    Done(Revoked),
    NoSuchUser,
    /// Refused: no enabled admin would be left.
    LastAdmin,
}

/// Disables (`disabled`) or enables a user for an admin of the web UI or API, audited as
/// `user.disable` (with the sessions and tokens it ended, as [`disable_user`]) or
/// `user.enable`. An enabled user signs in with the password they had; their old
/// sessions and tokens stay ended.
///
/// A disable that would leave no enabled admin is refused ([`Switched::LastAdmin`]): an
/// admin who disabled themselves, the only one, would leave nobody able to manage
/// users but someone with the database and the command line.
pub async fn set_disabled(
    pool: &sqlx::AnyPool,
    actor: &str,
    name: &str,
    disabled: bool,
) -> Result<Switched, ServeError> {
    switch(pool, actor, name, disabled, true).await
}

async fn switch(
    pool: &sqlx::AnyPool,
    actor: &str,
    name: &str,
    disabled: bool,
    keep_an_admin: bool,
) -> Result<Switched, ServeError> {
    let mut tx = pool.begin().await?;
    if disabled && keep_an_admin {
        // Writing every enabled admin's row (to what it is) locks them until this
        // transaction ends, so two admins who disable each other at once are taken one
        // after the other, and the second counts after the first committed. Without it,
        // PostgreSQL (read committed) lets each count the other as still enabled and
        // both commit; SQLite takes its one write lock here either way.
        sqlx::query("UPDATE users SET disabled = disabled WHERE role = 'admin' AND disabled = 0")
            .execute(&mut *tx)
            .await?;
    }
    let Some(user_id): Option<i64> =
        sqlx::query_scalar("UPDATE users SET disabled = $2 WHERE name = $1 RETURNING user_id")
            .bind(name)
            .bind(i64::from(disabled))
            .fetch_optional(&mut *tx)
            .await?
    else {
        return Ok(Switched::NoSuchUser);
    };
    let target = format!("user:{name}");
    let revoked = if disabled {
        if keep_an_admin {
            let admins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0")
                .fetch_one(&mut *tx)
                .await?;
            if admins == 0 {
                // Dropping the transaction rolls the disable back.
                return Ok(Switched::LastAdmin);
            }
        }
        let revoked = revoke_all(&mut tx, user_id).await?;
        audit(&mut tx, actor, "user.disable", &target, &revoked.to_string()).await?;
        revoked
    } else {
        audit(&mut tx, actor, "user.enable", &target, "").await?;
        Revoked::default()
    };
    tx.commit().await?;
    Ok(Switched::Done(revoked))
}

pub async fn list(pool: &sqlx::AnyPool) -> Result<Vec<User>, ServeError> {
    let rows = sqlx::query("SELECT user_id, name, role, created_at, disabled FROM users ORDER BY name")
        .fetch_all(pool)
        .await?;
    Ok(rows
        .iter()
        .map(|r| User {
            user_id: r.get(0),
            name: r.get(1),
            role: Role::parse(&r.get::<String, _>(2)).unwrap_or(Role::Viewer),
            created_at: r.get(3),
            disabled: r.get::<i64, _>(4) != 0,
        })
        .collect())
}
