//! "The latest run" is the one the database stored last, not the one whose host clock
//! read latest: scans on several hosts (or a host whose clock was set back) share one
//! store, and serve shows the latest run.

use std::path::PathBuf;

use bonafide_core::UtcMs;
use bonafide_store::Db;
use bonafide_store::testing::fresh_schema;

fn outcome(tag: &str, finished_at: UtcMs) -> bonafide_engine::ScanOutcome {
    let config = bonafide_engine::Config::parse("").expect("empty config is the defaults");
    let small = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/small");
    let req = bonafide_engine::ScanRequest::new(vec![small], bonafide_intel::Keyring::from_bytes([9; 32]));
    let mut o = bonafide_engine::scan(&config, req).expect("examples/small scans");
    o.run.run_id = format!("run-{tag}");
    o.run.started_at = UtcMs(finished_at.0 - 1_000);
    o.run.finished_at = finished_at;
    o
}

async fn latest_is_last_stored(db: &Db) {
    let noon = UtcMs(1_790_000_000_000);
    db.save_run(&outcome("a", noon)).await.expect("save a");
    assert_eq!(db.latest_run().await.expect("latest").as_deref(), Some("run-a"));
    // Stored later by a host whose clock is an hour behind.
    db.save_run(&outcome("b", UtcMs(noon.0 - 3_600_000))).await.expect("save b");
    assert_eq!(db.latest_run().await.expect("latest").as_deref(), Some("run-b"));
    // And a run sorting before both by id and by time is still the latest once stored.
    db.save_run(&outcome("0", UtcMs(noon.0 - 7_200_000))).await.expect("save 0");
    assert_eq!(db.latest_run().await.expect("latest").as_deref(), Some("run-0"));
}

#[tokio::test]
async fn sqlite_latest_run_is_the_last_stored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(&dir.path().join("order.db")).await.expect("open sqlite");
    latest_is_last_stored(&db).await;
}

#[tokio::test]
async fn postgres_latest_run_is_the_last_stored() {
    let Some(url) = fresh_schema("run_order").await else { return };
    let db = Db::open(std::path::Path::new(&url)).await.expect("open postgres");
    latest_is_last_stored(&db).await;
    bonafide_store::testing::drop_schema(&url).await;
}
