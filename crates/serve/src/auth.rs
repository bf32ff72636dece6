//! Who is asking, and may they: password login (argon2id), session cookies with a CSRF
//! token each, API bearer tokens, the three roles, and a login rate limit.
//!
//! Session and API tokens are 256-bit random values shown once and stored only as their
//! SHA-256, so a copy of the database does not let anyone sign in. Every route states the
//! role it needs, through `web::need` or, for a route that reads a body, a role extractor
//! (`web::Analyst`, ...) that refuses before the body is read; the authorisation matrix
//! test walks all of them.

use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::ServeError;

/// What a user may do. Ordered: each role may do everything the ones before it may.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads the queue, subjects, clusters, indicators and cases.
    Viewer,
    /// Also works cases (open, note, decide, attach, suppress), exports them, ingests.
    Analyst,
    /// Also manages users and reads the audit trail.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s.trim().to_ascii_lowercase().as_str() {
            "viewer" => Some(Role::Viewer),
            "analyst" => Some(Role::Analyst),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// How the request proved who it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Via {
    /// A browser session; state-changing requests must carry its CSRF token.
    Session { csrf: String },
    /// An API bearer token (not sent automatically by browsers, so no CSRF).
    Token,
}

/// A signed-in user.
#[derive(Clone, Debug)]
pub struct Principal {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    pub via: Via,
}

impl Principal {
    /// The CSRF token to embed in forms (empty for token callers).
    pub fn csrf(&self) -> &str {
        match &self.via {
            Via::Session { csrf } => csrf,
            Via::Token => "",
        }
    }

    /// True when `given` is this session's CSRF token (always for token callers).
    pub fn csrf_ok(&self, given: &str) -> bool {
        match &self.via {
            Via::Session { csrf } => constant_time_eq(csrf.as_bytes(), given.as_bytes()),
            Via::Token => true,
        }
    }
}

/// Compares secrets (CSRF tokens) in time that depends only on their lengths, so that a
/// caller cannot learn a token byte by byte from how fast a wrong guess is refused.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// 32 random bytes as lower-case hex.
pub fn random_token() -> Result<String, ServeError> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| ServeError::Other(format!("no randomness: {e}")))?;
    Ok(hex(&b))
}

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// An argon2id hash (PHC string) of `password` with a random salt.
pub fn hash_password(password: &str) -> Result<String, ServeError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| ServeError::Other(format!("no randomness: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| ServeError::Other(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServeError::Other(format!("cannot hash the password: {e}")))
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Runs argon2 work ([`hash_password`], [`verify_password`]) on tokio's blocking
/// threads, at most one per core at a time.
///
/// Why: a hash is tens of milliseconds of CPU and 19 MiB of memory. On the executor it
/// held a worker thread that long, and `serve` has two: 16 parallel sign-ins took the
/// stylesheet's median latency from 2 ms to 37 ms (`benches/login_stall.rs`). On the
/// blocking threads the workers stay free; the bound keeps a flood of sign-ins from
/// starting hundreds of hashes at once (memory, and the blocking pool's 512 threads,
/// which file I/O shares): the rest wait for a slot without holding a thread. The slot
/// goes into the blocking task, so it stays taken until the hash ends even when the
/// request that asked for it is dropped.
pub async fn off_executor<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, ServeError> {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let slots =
        SLOTS.get_or_init(|| tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(1, |n| n.get())));
    let slot = slots.acquire().await.map_err(|e| ServeError::Other(format!("password hashing is closed: {e}")))?;
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        work()
    })
    .await
    .map_err(|e| ServeError::Other(format!("password hashing failed: {e}")))
}

/// A fixed hash to verify against when the user does not exist, so a wrong user name
/// takes as long as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a password").unwrap_or_default())
}

pub const SESSION_COOKIE: &str = "bonafide_session";
pub const SESSION_HOURS: i64 = 12;

/// The current time (UTC, milliseconds).
pub fn now() -> bonafide_core::UtcMs {
    let ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    bonafide_core::UtcMs(i64::try_from(ms).unwrap_or(i64::MAX))
}

/// Checks a name and password; the user id, name and role when they match.
pub async fn check_login(
    pool: &sqlx::AnyPool,
    name: &str,
    password: &str,
) -> Result<Option<(i64, String, Role)>, ServeError> {
    let row = sqlx::query("SELECT user_id, name, role, password_hash FROM users WHERE name = $1 AND disabled = 0")
        .bind(name)
        .fetch_optional(pool)
        .await?;
    let password = password.to_owned();
    let Some(row) = row else {
        off_executor(move || verify_password(&password, dummy_hash())).await?;
        return Ok(None);
    };
    let phc: String = row.get(3);
    if !off_executor(move || verify_password(&password, &phc)).await? {
        return Ok(None);
    }
    let role = Role::parse(&row.get::<String, _>(2)).unwrap_or(Role::Viewer);
    Ok(Some((row.get(0), row.get(1), role)))
}

/// Starts a session; returns (cookie token, CSRF token).
pub async fn create_session(pool: &sqlx::AnyPool, user_id: i64) -> Result<(String, String), ServeError> {
    let token = random_token()?;
    let csrf = random_token()?;
    let created = now();
    // Expired sessions are removed as new ones start, so the table stays small.
    sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(created.to_stamp()).execute(pool).await?;
    let expires = bonafide_core::UtcMs(created.0 + SESSION_HOURS * 3_600_000);
    sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(&csrf)
        .bind(created.to_stamp())
        .bind(expires.to_stamp())
        .execute(pool)
        .await?;
    Ok((token, csrf))
}

pub async fn end_session(pool: &sqlx::AnyPool, token: &str) -> Result<(), ServeError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash(token)).execute(pool).await?;
    Ok(())
}

pub async fn session_principal(pool: &sqlx::AnyPool, token: &str) -> Result<Option<Principal>, ServeError> {
    let row = sqlx::query(
        "SELECT u.user_id, u.name, u.role, s.csrf, s.expires_at FROM sessions s JOIN users u ON u.user_id = s.user_id \
         WHERE s.token_hash = $1 AND u.disabled = 0",
    )
    .bind(token_hash(token))
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    // RFC 3339 UTC strings of the same shape compare in time order.
    if row.get::<String, _>(4) < now().to_stamp() {
        return Ok(None);
    }
    Ok(Some(Principal {
        user_id: row.get(0),
        name: row.get(1),
        role: Role::parse(&row.get::<String, _>(2)).unwrap_or(Role::Viewer),
        via: Via::Session { csrf: row.get(3) },
    }))
}

/// Issues an API token for a user; the token is returned once and stored hashed.
pub async fn create_api_token(pool: &sqlx::AnyPool, user_id: i64, label: &str) -> Result<String, ServeError> {
    let token = format!("bft_{}", random_token()?);
    sqlx::query("INSERT INTO api_tokens (token_hash, user_id, label, created_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(label)
        .bind(now().to_stamp())
        .execute(pool)
        .await?;
    Ok(token)
}

/// An API token as listed: its id, never the token.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TokenInfo {
    pub token_id: String,
    pub user: String,
    pub label: String,
    pub created_at: String,
}

/// How many hex digits of a token's stored SHA-256 name it. The hash is what the
/// database keeps (so a token needs no id column); a prefix of it tells tokens apart
/// for listing and revoking, and can no more sign anyone in than the hash itself.
const TOKEN_ID_LEN: usize = 16;

/// The id under which a token is listed and revoked.
pub fn token_id(token: &str) -> String {
    token_hash(token)[..TOKEN_ID_LEN].to_string()
}

/// API tokens with their owners' names, newest first; only `user_id`'s when given.
pub async fn list_tokens(pool: &sqlx::AnyPool, user_id: Option<i64>) -> Result<Vec<TokenInfo>, ServeError> {
    let rows = match user_id {
        Some(id) => {
            sqlx::query(
                "SELECT t.token_hash, u.name, t.label, t.created_at FROM api_tokens t \
                 JOIN users u ON u.user_id = t.user_id WHERE t.user_id = $1 ORDER BY t.created_at DESC, t.token_hash",
            )
            .bind(id)
            .fetch_all(pool)
            .await?
        }
        None => {
            sqlx::query(
                "SELECT t.token_hash, u.name, t.label, t.created_at FROM api_tokens t \
                 JOIN users u ON u.user_id = t.user_id ORDER BY u.name, t.created_at DESC, t.token_hash",
            )
            .fetch_all(pool)
            .await?
        }
    };
    Ok(rows
        .iter()
        .map(|r| TokenInfo {
            token_id: r.get::<String, _>(0).chars().take(TOKEN_ID_LEN).collect(),
            user: r.get(1),
            label: r.get(2),
            created_at: r.get(3),
        })
        .collect())
}

/// Revokes the token `id` names, when `by` owns it or is an admin; audited as
/// `token.revoke` in the same transaction. `None` when there is no such token or it is
/// someone else's (the caller learns nothing about other users' tokens).
pub async fn revoke_token(pool: &sqlx::AnyPool, by: &Principal, id: &str) -> Result<Option<TokenInfo>, ServeError> {
    if id.len() != TOKEN_ID_LEN || !id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return Ok(None);
    }
    let mut tx = pool.begin().await?;
    let row = sqlx::query(
        "SELECT t.token_hash, u.user_id, u.name, t.label, t.created_at FROM api_tokens t \
         JOIN users u ON u.user_id = t.user_id WHERE substr(t.token_hash, 1, CAST($2 AS INTEGER)) = $1 ORDER BY t.token_hash",
    )
    .bind(id)
    .bind(TOKEN_ID_LEN as i64)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    if row.get::<i64, _>(1) != by.user_id && by.role < Role::Admin {
        return Ok(None);
    }
    let info = TokenInfo { token_id: id.to_string(), user: row.get(2), label: row.get(3), created_at: row.get(4) };
    sqlx::query("DELETE FROM api_tokens WHERE token_hash = $1").bind(row.get::<String, _>(0)).execute(&mut *tx).await?;
    crate::audit::record_in(
        &mut tx,
        &by.name,
        "token.revoke",
        &format!("user:{}", info.user),
        &format!("token {id} ({})", info.label),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(info))
}

pub async fn token_principal(pool: &sqlx::AnyPool, token: &str) -> Result<Option<Principal>, ServeError> {
    let row = sqlx::query(
        "SELECT u.user_id, u.name, u.role FROM api_tokens t JOIN users u ON u.user_id = t.user_id \
         WHERE t.token_hash = $1 AND u.disabled = 0",
    )
    .bind(token_hash(token))
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|row| Principal {
        user_id: row.get(0),
        name: row.get(1),
        role: Role::parse(&row.get::<String, _>(2)).unwrap_or(Role::Viewer),
        via: Via::Token,
    }))
}

/// Sign-in attempts that block further attempts for a key within [`WINDOW`].
pub const MAX_FAILURES: usize = 5;
pub const WINDOW: Duration = Duration::from_secs(300);

/// The sign-in limit, kept in the database (`login_failures`) so that every `serve`
/// process on it counts the same attempts.
///
/// An attempt is written before its password is checked and then counted, never the
/// other way round: with "check the count, verify, then record the failure", parallel
/// requests all read the count before any of them records, and 40 at once got 26
/// guesses against a limit of 5. Written first, the k-th attempt to commit its row
/// counts at least k rows (each insert commits before its own count, on SQLite and on
/// PostgreSQL alike), so at most [`MAX_FAILURES`] attempts pass within the window
/// however many arrive together. A burst may refuse more than it must (a refused
/// attempt's row counts until it is taken back), never fewer.
pub mod limit {
    use super::{MAX_FAILURES, WINDOW};
    use crate::ServeError;

    fn cutoff() -> String {
        bonafide_core::UtcMs(super::now().0 - WINDOW.as_millis() as i64).to_stamp()
    }

    /// One sign-in attempt, recorded against its keys (`user:NAME`, `ip:ADDRESS`).
    #[derive(Debug)]
    pub struct Attempt {
        /// Marks this attempt's rows, so it can take back exactly those.
        id: String,
        /// Whether a key had more than [`MAX_FAILURES`] attempts in the window, this one
        /// included: the password must not be checked.
        pub blocked: bool,
    }

    /// Records an attempt for each key, then counts each key's attempts in the window.
    /// A blocked attempt takes its rows back (it guessed nothing), so a block lasts a
    /// window from the last real guess, as before. Also forgets rows older than the
    /// window, so the table holds only the last few minutes' attempts.
    pub async fn attempt(pool: &sqlx::AnyPool, keys: &[String]) -> Result<Attempt, ServeError> {
        let id = super::random_token()?;
        let cutoff = cutoff();
        let mut tx = pool.begin().await?;
        sqlx::query("DELETE FROM login_failures WHERE at <= $1").bind(&cutoff).execute(&mut *tx).await?;
        let at = super::now().to_stamp();
        for k in keys {
            sqlx::query("INSERT INTO login_failures (key, at, attempt) VALUES ($1, $2, $3)")
                .bind(k)
                .bind(&at)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
        }
        // Committed before counting: a concurrent attempt that counts after this commit
        // sees this row, and this count sees every row committed before it.
        tx.commit().await?;
        let mut blocked = false;
        for k in keys {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at > $2")
                .bind(k)
                .bind(&cutoff)
                .fetch_one(pool)
                .await?;
            if n > MAX_FAILURES as i64 {
                blocked = true;
                break;
            }
        }
        let attempt = Attempt { id, blocked };
        if blocked {
            forget(pool, &attempt).await?;
        }
        Ok(attempt)
    }

    async fn forget(pool: &sqlx::AnyPool, attempt: &Attempt) -> Result<(), ServeError> {
        sqlx::query("DELETE FROM login_failures WHERE attempt = $1").bind(&attempt.id).execute(pool).await?;
        Ok(())
    }

    /// A successful sign-in clears its user's failures and takes back its own rows, so
    /// signing in does not count against the address. It leaves the address's other
    /// attempts alone: someone with an account of their own could otherwise sign in
    /// between rounds of guessing at other accounts and start every round afresh.
    pub async fn succeed(pool: &sqlx::AnyPool, attempt: &Attempt, user_key: &str) -> Result<(), ServeError> {
        sqlx::query("DELETE FROM login_failures WHERE key = $1").bind(user_key).execute(pool).await?;
        forget(pool, attempt).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let h = hash_password("correct horse").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("correct hors", &h));
        assert!(!verify_password("correct horse", "not a phc string"));
    }

    /// While a password is checked the executor runs other tasks: on a runtime of one
    /// thread, this test's own task is polled again and again before the check ends.
    /// When the hash ran on the executor, the check took the only thread until it was
    /// done, and this task was polled once.
    #[tokio::test(flavor = "current_thread")]
    async fn a_password_check_leaves_the_executor_free() {
        let phc = hash_password("correct horse").expect("hash");
        let check = tokio::spawn(off_executor(move || verify_password("correct horse", &phc)));
        let mut polls = 0u64;
        while !check.is_finished() {
            tokio::task::yield_now().await;
            polls += 1;
        }
        assert!(check.await.expect("the check ends").expect("the check runs"), "the right password");
        assert!(polls > 10, "the executor ran this task only {polls} times while the password was checked");
        let hashed = off_executor(|| hash_password("another one")).await.expect("runs").expect("hashes");
        assert!(!off_executor(move || verify_password("another on", &hashed)).await.expect("runs"));
    }

    #[test]
    fn constant_time_eq_compares_whole_values() {
        assert!(constant_time_eq(b"abcd", b"abcd"));
        assert!(!constant_time_eq(b"abcd", b"abce"));
        assert!(!constant_time_eq(b"abcd", b"abc"));
        assert!(!constant_time_eq(b"", b"a"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn roles_are_ordered() {
        assert!(Role::Admin > Role::Analyst && Role::Analyst > Role::Viewer);
        assert_eq!(Role::parse(" Admin "), Some(Role::Admin));
        assert_eq!(Role::parse("root"), None);
    }
}
