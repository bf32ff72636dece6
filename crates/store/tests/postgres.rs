//! The PostgreSQL backend against a real server (BONAFIDE_PG_URL), each test in a schema
//! of its own; and the rule that its migrations mirror SQLite's.

use std::path::PathBuf;

use bonafide_store::postgres::{Parked, StreamEvent};
use bonafide_store::testing::fresh_schema;
use bonafide_store::{Db, PgStore};

#[test]
fn postgres_migrations_mirror_sqlite() {
    // 1000 and up are backend-specific on either side (SQLite's triggers, PostgreSQL's
    // identities and stream tables); everything below is one file for both.
    let sqlite: Vec<_> = bonafide_store::MIGRATIONS.iter().filter(|m| m.0 < 1000).collect();
    let pg: Vec<_> = bonafide_store::postgres::MIGRATIONS.iter().filter(|m| m.0 < 1000).collect();
    assert_eq!(sqlite.len(), pg.len(), "every SQLite migration needs its PostgreSQL twin (same number)");
    for (s, p) in sqlite.iter().zip(pg) {
        assert_eq!((s.0, s.1), (p.0, p.1));
        assert_eq!(s.2, p.2, "migration {} differs; PostgreSQL-only changes go in 1000+", s.0);
    }
}

fn outcome_of(paths: Vec<PathBuf>) -> bonafide_engine::ScanOutcome {
    let config = bonafide_engine::Config::parse("").expect("empty config is the defaults");
    let req = bonafide_engine::ScanRequest::new(paths, bonafide_intel_keyring());
    bonafide_engine::scan(&config, req).expect("examples/small scans")
}

fn bonafide_intel_keyring() -> bonafide_intel::Keyring {
    bonafide_intel::Keyring::from_bytes([9; 32])
}

#[tokio::test]
async fn a_run_stored_in_postgres_matches_sqlite() {
    let Some(url) = fresh_schema("run_matches_sqlite").await else { return };
    // examples/small plus a shipments file, so the run has per-subject records too.
    let extra = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        extra.path().join("shipments.csv"),
        "subject_id,shipped_at,shipment_id,asset_serial,recipient_name,address_line1,address_line2,city,region,postal_code,country,status,signed_by\n\
         00u1a2b3c4,2025-03-01,S1,SN-1,Ann Lee,9 Farm Road,,Springfield,IL,62701,US,delivered,B SMITH\n",
    )
    .expect("write shipments");
    let o = outcome_of(vec![
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/small"),
        extra.path().to_path_buf(),
    ]);
    let started = bonafide_store::Started::new("test", "both backends");
    let pg = Db::open(std::path::Path::new(&url)).await.expect("open postgres");
    pg.save_run(&o, &started).await.expect("save to postgres");
    let dir = tempfile::tempdir().expect("tempdir");
    let lite = Db::open(&dir.path().join("b.db")).await.expect("open sqlite");
    lite.save_run(&o, &started).await.expect("save to sqlite");
    assert!(matches!(pg, Db::Postgres(_)) && matches!(lite, Db::Sqlite(_)));
    let pg_counts: Vec<_> = pg.counts().await.expect("counts").into_iter().take(8).collect();
    assert_eq!(pg_counts, lite.counts().await.expect("counts"));
    assert!(pg_counts.iter().any(|(t, n)| t == "findings" && *n > 0), "{pg_counts:?}");
    assert_eq!(pg.subjects().await.expect("subjects"), lite.subjects().await.expect("subjects"));
    assert_eq!(pg.latest_run().await.expect("latest"), Some(o.run.run_id.clone()));
    // The per-subject records serve shows are part of the shared run write.
    let (Db::Postgres(p), Db::Sqlite(l)) = (&pg, &lite) else { unreachable!() };
    let count = "SELECT COUNT(*) FROM subject_records";
    let pg_records: i64 = sqlx::query_scalar(count).fetch_one(p.pool()).await.expect("count");
    let lite_records: i64 = sqlx::query_scalar(count).fetch_one(l.pool()).await.expect("count");
    assert!(pg_records > 0 && pg_records == lite_records, "{pg_records} vs {lite_records}");
    // Serve's tables: ids are generated and the audit trail refuses rewrites here too.
    sqlx::query("INSERT INTO audit_log (at, actor, action, target, detail) VALUES ('t', 'a', 'x', 'y', 'z')")
        .execute(p.pool())
        .await
        .expect("audit insert gets an id");
    // Generated ids are 64-bit, like SQLite's: past 2^31 the trail still appends.
    sqlx::query("ALTER TABLE audit_log ALTER COLUMN seq RESTART WITH 3000000000")
        .execute(p.pool())
        .await
        .expect("restart the audit sequence");
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO audit_log (at, actor, action, target, detail) VALUES ('t', 'a', 'x', 'y', 'z') RETURNING seq",
    )
    .fetch_one(p.pool())
    .await
    .expect("an audit row past 2^31");
    assert_eq!(seq, 3_000_000_000);
    let narrow: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() \
         AND column_name IN ('user_id', 'case_id', 'note_id', 'attachment_id', 'suppression_id', 'seq') \
         AND table_name IN ('users', 'sessions', 'api_tokens', 'cases', 'case_notes', 'case_attachments', 'suppressions', 'audit_log') \
         AND data_type <> 'bigint'",
    )
    .fetch_one(p.pool())
    .await
    .expect("column types");
    assert_eq!(narrow, 0, "serve ids narrower than 64 bits");
    let rewrite = sqlx::query("UPDATE audit_log SET detail = 'changed'").execute(p.pool()).await;
    assert!(rewrite.is_err(), "audit_log must be append-only");
    assert!(sqlx::query("DELETE FROM audit_log").execute(p.pool()).await.is_err());
    // Opening again applies nothing new and keeps the data.
    let again = PgStore::open(&url).await.expect("reopen");
    assert_eq!(again.latest_run().await.expect("latest"), Some(o.run.run_id.clone()));
}

fn ev(id: &str, actor: &str, at: i64) -> StreamEvent {
    StreamEvent {
        event_id: id.into(),
        kind: bonafide_store::postgres::EVENT,
        part: 1,
        actor_key: actor.into(),
        batch: "b1".into(),
        file_ord: 3,
        file_path: "okta.jsonl".into(),
        format: "okta".into(),
        line: at,
        idx: None,
        at_ms: at,
        event: "{}".into(),
        stream_seq: at,
    }
}

#[tokio::test]
async fn batch_commits_are_idempotent() {
    let Some(url) = fresh_schema("batch_idempotent").await else { return };
    let s = PgStore::open(&url).await.expect("open");
    let batch = vec![ev("a", "okta:x", 10), ev("b", "okta:x", 5), ev("c", "okta:y", 7)];
    let parked = vec![Parked { part: 1, stream_seq: 99, msg_id: None, reason: "not json".into(), payload: "{".into() }];
    let first = s.commit_batch(&batch, &parked).await.expect("commit");
    assert_eq!((first.inserted, first.parked), (3, 1));
    // Redelivery of the same batch changes nothing, state included.
    let again = s.commit_batch(&batch, &parked).await.expect("commit again");
    assert_eq!((again.inserted, again.parked), (0, 0));
    // A problem of the input is stored beside its events, never as an actor's activity.
    let problem = StreamEvent { kind: "quarantine", actor_key: "file:okta.jsonl".into(), ..ev("p", "", 6) };
    let more =
        s.commit_batch(&[ev("c", "okta:y", 7), ev("d", "okta:y", 1), problem.clone()], &[]).await.expect("commit");
    assert_eq!((more.inserted, more.problems), (1, 1));
    assert_eq!(s.commit_batch(&[problem], &[]).await.expect("again").problems, 0, "once");
    assert_eq!(
        s.actor_state().await.expect("state"),
        vec![("okta:x".to_string(), 2, 5, 10), ("okta:y".to_string(), 2, 1, 7)]
    );
    assert_eq!(s.parked().await.expect("parked"), vec![(1, 99, "not json".to_string())]);
    let inputs = s.stored_inputs().await.expect("inputs");
    assert_eq!(inputs.len(), 1);
    assert_eq!(inputs[0].events, 5);
    // Pages come in file order and resume after the last key.
    let p1 = s.input_events(&inputs[0], None, 3).await.expect("page");
    let lines: Vec<i64> = p1.iter().map(|r| r.key.0).collect();
    assert_eq!(lines, vec![1, 5, 6]);
    assert_eq!(p1[2].kind, "quarantine");
    let p2 = s.input_events(&inputs[0], p1.last().map(|r| &r.key), 3).await.expect("page");
    assert_eq!(p2.iter().map(|r| r.key.0).collect::<Vec<_>>(), vec![7, 10]);
}
