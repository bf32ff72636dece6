#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A deleted case's id is never given to a new case: the audit trail and old links name
//! cases by id (SQLite would reuse the highest id without AUTOINCREMENT).

use bonafide_serve::cases::{self, NewCase};

#[tokio::test]
async fn a_deleted_case_id_is_not_reused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.db");
    bonafide_store::Db::open(&path).await.unwrap();
    let pool = bonafide_store::db::any_pool(&path).await.unwrap();
    let new = || NewCase { subject_id: Some("s1".into()), cluster_id: None, title: None, assignee: None };
    let first = cases::open(&pool, "ana", new()).await.unwrap();
    let note = cases::add_note(&pool, "ana", first.case_id, "looked at it").await.unwrap();
    cases::delete(&pool, "ana", first.case_id).await.unwrap();
    let second = cases::open(&pool, "ana", new()).await.unwrap();
    assert!(second.case_id > first.case_id, "{} reused", second.case_id);
    let note2 = cases::add_note(&pool, "ana", second.case_id, "again").await.unwrap();
    assert!(note2.note_id > note.note_id);
}
