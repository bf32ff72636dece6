#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Case ids, concurrent case decisions and the sign-in limit, against the serve tables
//! directly. A deleted case's id is never given to a new case: the audit trail and old
//! links name cases by id (SQLite would reuse the highest id without AUTOINCREMENT).

use bonafide_serve::cases::{self, CaseChange, NewCase};

/// A migrated SQLite database in a temporary folder, and the serve pool on it.
async fn sqlite() -> (tempfile::TempDir, sqlx::AnyPool) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.db");
    let (db, pool) = bonafide_store::Db::open_with_pool(&path).await.unwrap();
    db.close().await;
    (dir, pool)
}

#[tokio::test]
async fn a_deleted_case_id_is_not_reused() {
    let (_dir, pool) = sqlite().await;
    let new = || NewCase { subject_id: Some("s1".into()), cluster_id: None, title: None, assignee: None };
    let first = cases::open(&pool, "ana", new()).await.unwrap();
    let note = cases::add_note(&pool, "ana", first.case_id, "looked at it").await.unwrap();
    cases::delete(&pool, "ana", first.case_id).await.unwrap();
    let second = cases::open(&pool, "ana", new()).await.unwrap();
    assert!(second.case_id > first.case_id, "{} reused", second.case_id);
    let note2 = cases::add_note(&pool, "ana", second.case_id, "again").await.unwrap();
    assert!(note2.note_id > note.note_id);
}

/// Two analysts decide one case at once, as on two `serve` processes: the one who writes
/// second gets a conflict instead of silently replacing the first one's decision.
async fn a_stale_case_change_is_refused(pool: &sqlx::AnyPool) {
    let new = NewCase { subject_id: Some("s1".into()), cluster_id: None, title: None, assignee: None };
    let case = cases::open(pool, "ana", new).await.unwrap();
    let (ana_read, bob_read) = (case.clone(), case.clone());
    let change = |status: &str, disposition: &str| CaseChange {
        status: Some(status.into()),
        disposition: Some(disposition.into()),
        assignee: None,
        title: None,
        updated_at: None,
    };
    let closed = cases::change_read(pool, "ana", ana_read, change("closed", "confirmed")).await.unwrap();
    let stale = cases::change_read(pool, "bob", bob_read, change("closed", "false_positive")).await;
    assert!(matches!(stale, Err(cases::CaseError::Conflict)), "{stale:?}");
    let now = cases::get(pool, case.case_id).await.unwrap().unwrap();
    assert_eq!(now.disposition.as_deref(), Some("confirmed"));
    assert_eq!(now.updated_at, closed.updated_at);
    // Through the API or a page, the client says which version it saw: an old one is
    // refused, the current one applies.
    let seen = |at: &str| CaseChange { updated_at: Some(at.into()), ..change("closed", "false_positive") };
    let old_page = cases::change(pool, "bob", case.case_id, seen(&case.updated_at)).await;
    assert!(matches!(old_page, Err(cases::CaseError::Conflict)), "{old_page:?}");
    let bob = cases::change(pool, "bob", case.case_id, seen(&closed.updated_at)).await.unwrap();
    assert_eq!(bob.disposition.as_deref(), Some("false_positive"));
}

#[tokio::test]
async fn a_stale_case_change_is_refused_on_sqlite() {
    let (_dir, pool) = sqlite().await;
    a_stale_case_change_is_refused(&pool).await;
}

#[tokio::test]
async fn a_stale_case_change_is_refused_on_postgres() {
    let Some(url) = bonafide_store::testing::fresh_schema("stale_case_change").await else { return };
    let target = std::path::PathBuf::from(&url);
    let (db, pool) = bonafide_store::Db::open_with_pool(&target).await.unwrap();
    db.close().await;
    a_stale_case_change_is_refused(&pool).await;
    pool.close().await;
    bonafide_store::testing::drop_schema(&url).await;
}

/// The sign-in limit lives in the database: attempts block their key only, a success
/// clears its user's attempts but not its address's, a blocked attempt leaves nothing
/// behind, and rows older than the window are forgotten.
#[tokio::test]
async fn the_login_limit_blocks_a_key_and_forgets_old_failures() {
    use bonafide_serve::auth::{MAX_FAILURES, limit};
    let (_dir, pool) = sqlite().await;
    let keys = |k: &[&str]| k.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let ann = keys(&["user:ann", "ip:192.0.2.7"]);
    sqlx::query("INSERT INTO login_failures (key, at) VALUES ('user:old', '2001-01-01T00:00:00Z')")
        .execute(&pool)
        .await
        .unwrap();
    let count = |key: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM login_failures WHERE key = $1")
                .bind(key)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    for _ in 1..MAX_FAILURES {
        assert!(!limit::attempt(&pool, &ann).await.unwrap().blocked);
    }
    assert_eq!(count("user:old").await, 0, "failures older than the window are gone");
    let ok = limit::attempt(&pool, &ann).await.unwrap();
    assert!(!ok.blocked);
    limit::succeed(&pool, &ok, "user:ann").await.unwrap();
    assert_eq!(count("user:ann").await, 0, "signing in clears the user's failures");
    assert_eq!(count("ip:192.0.2.7").await, MAX_FAILURES as i64 - 1, "not the address's, and does not count itself");
    let carl = keys(&["user:carl", "ip:192.0.2.7"]);
    assert!(!limit::attempt(&pool, &carl).await.unwrap().blocked, "the address's last guess");
    assert!(limit::attempt(&pool, &carl).await.unwrap().blocked, "the address is at the limit");
    assert!(limit::attempt(&pool, &keys(&["ip:192.0.2.7"])).await.unwrap().blocked);
    assert_eq!(count("user:carl").await, 1, "a blocked attempt takes its rows back");
    assert!(!limit::attempt(&pool, &keys(&["user:ann"])).await.unwrap().blocked, "other keys are free");
}
