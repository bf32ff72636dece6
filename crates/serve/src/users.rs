//! User accounts: `bonafide user add` and the admin's list.

use sqlx::Row;

use crate::ServeError;
use crate::auth::{Role, hash_password, now, stamp};

/// A user as listed (never with the password hash).
#[derive(Clone, Debug, serde::Serialize)]
pub struct User {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    pub created_at: String,
    pub disabled: bool,
}

/// Names are what people type at the login form: 1-64 visible characters, no spaces.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_ascii_graphic())
}

/// Creates a user, or resets the password and role of an existing one. Passwords need
/// at least 10 characters: the service may be reachable from a network.
pub async fn add_user(pool: &sqlx::AnyPool, name: &str, role: Role, password: &str) -> Result<i64, ServeError> {
    if !valid_name(name) {
        return Err(ServeError::Other(format!("invalid user name {name:?}: 1-64 visible ASCII characters")));
    }
    if password.chars().count() < 10 {
        return Err(ServeError::Other("the password needs at least 10 characters".into()));
    }
    let hash = hash_password(password)?;
    let row = sqlx::query(
        "INSERT INTO users (name, role, password_hash, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (name) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash, disabled = 0 \
         RETURNING user_id",
    )
    .bind(name)
    .bind(role.as_str())
    .bind(hash)
    .bind(stamp(now()))
    .fetch_one(pool)
    .await?;
    Ok(row.get(0))
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
