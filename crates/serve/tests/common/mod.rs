//! A small organisation for the service's tests: the repository's `examples/small`
//! (six weeks of Okta sign-ins) plus a laptop farm seen from shipping, devices and pay
//! records (three hires whose laptops go to one address, two of them paid into one
//! account), with benign look-alikes (flatmates at one address, an apartment block).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use bonafide_serve::{AppState, Role, ServeConfig};

pub const PASSWORD: &str = "correct horse battery";

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

pub fn farm(dir: &Path) {
    write(
        dir,
        "people.csv",
        "subject_id,kind,full_name,email,address_line1,address_line2,city,region,postal_code,country,hire_date,department,vendor,ssn\n\
         F1,employee,Ann Lee,ann.lee@example.com,1 Elm St,,Springfield,IL,62701,US,2025-03-03,Engineering,Acme Staffing,123-45-6789\n\
         F2,employee,Raj Patel,raj.patel@example.com,2 Pine St,,Springfield,IL,62702,US,2025-03-03,Engineering,Acme Staffing,\n\
         F3,employee,Tom Berg,tom.berg@example.com,3 Ash St,,Springfield,IL,62703,US,2025-03-03,Engineering,Acme Staffing,\n\
         C1,employee,Mia Kim,mia.kim@example.com,12 Oak St,,Springfield,IL,62701,US,2025-03-03,Sales,,\n\
         C2,employee,Leo Park,leo.park@example.com,12 Oak St,,Springfield,IL,62701,US,2025-03-03,Sales,,\n\
         A1,employee,Zoe Tenant,zoe.t@example.com,500 Main St,Apt 1,Springfield,IL,62701,US,2025-03-03,Finance,,\n\
         A2,employee,Max Renter,max.r@example.com,500 Main St,Apt 2,Springfield,IL,62701,US,2025-03-03,Finance,,\n",
    );
    write(
        dir,
        "devices.csv",
        "asset_serial,subject_id,host_identifier,hostname,assigned_at,managed\n\
         SN-F1,F1,LT-F1,,2025-03-03,true\n\
         SN-F2,F2,,LT-F2,2025-03-03,true\n\
         SN-F3,F3,,LT-F3,2025-03-03,true\n",
    );
    write(
        dir,
        "shipments.csv",
        "subject_id,shipped_at,shipment_id,asset_serial,recipient_name,address_line1,address_line2,city,region,postal_code,country,status,signed_by\n\
         F1,2025-03-01,S1,SN-F1,Ann Lee,9 Farm Road,,Springfield,IL,62701,US,delivered,B SMITH\n\
         F2,2025-03-01,S2,SN-F2,Raj Patel,9 FARM RD,,Springfield,Illinois,62701-0009,US,delivered,B SMITH\n\
         F3,2025-03-02,S3,SN-F3,Tom Berg,9 Farm Rd.,,Springfield,IL,62701,US,delivered,B SMITH\n\
         C1,2025-03-01,S4,SN-C1,Mia Kim,12 Oak Street,,Springfield,IL,62701,US,delivered,Mia Kim\n\
         C2,2025-03-01,S5,SN-C2,Leo Park,12 Oak St,,Springfield,IL,62701,US,delivered,MIA KIM\n\
         A1,2025-03-01,S6,SN-A1,Zoe Tenant,500 Main Street,Apt 1,Springfield,IL,62701,US,delivered,FRONT DESK\n\
         A2,2025-03-01,S7,SN-A2,Max Renter,500 Main St,,Springfield,IL,62701,US,delivered,FRONT DESK\n",
    );
    write(
        dir,
        "payroll_changes.csv",
        "subject_id,changed_at,method,account_holder,bank_name,bank_country,routing_number,account_number,iban,wallet_address,wallet_chain\n\
         F1,2025-03-10,ach,Ann Lee,First Bank,US,021000021,987654321,,,\n\
         F2,2025-03-11,ach,Raj Patel,First Bank,US,021000021,987654321,,,\n\
         F3,2025-03-12,payoneer,Tom Berg,,,,,,,\n",
    );
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A scanned organisation served from a fresh database, with one user per role.
pub struct Org {
    pub dir: tempfile::TempDir,
    pub state: AppState,
    /// The PostgreSQL URL (with its own schema) when the organisation lives there.
    pub postgres: Option<String>,
}

/// The organisation on a SQLite file.
pub async fn org() -> Org {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("b.db");
    org_in(dir, db, None).await
}

/// The organisation on a PostgreSQL schema of its own, or None when PostgreSQL tests
/// are skipped (BONAFIDE_PG_URL unset outside CI).
pub async fn org_on_postgres(test: &str) -> Option<Org> {
    let url = bonafide_store::testing::fresh_schema(test).await?;
    let dir = tempfile::tempdir().unwrap();
    let org = org_in(dir, PathBuf::from(&url), Some(url)).await;
    assert!(matches!(org.state.db, bonafide_store::Db::Postgres(_)), "the organisation is on PostgreSQL");
    Some(org)
}

/// Another `bonafide serve` process on the same database (a replica behind the same
/// load balancer): its own snapshot, sessions read from the shared tables.
pub async fn replica(org: &Org) -> AppState {
    replica_with(org, |_| {}).await
}

/// A replica configured by `tweak` after the defaults `replica` uses.
pub async fn replica_with(org: &Org, tweak: impl FnOnce(&mut ServeConfig)) -> AppState {
    let mut config = ServeConfig::new(org.state_db(), "127.0.0.1:0".parse().unwrap());
    config.key_file = Some(org.dir.path().join("key"));
    config.inbox = Some(org.dir.path().join("inbox"));
    tweak(&mut config);
    AppState::open(&config).await.unwrap()
}

impl Org {
    fn state_db(&self) -> PathBuf {
        match &self.postgres {
            Some(url) => PathBuf::from(url),
            None => self.dir.path().join("b.db"),
        }
    }

    /// Drops the PostgreSQL schema (a test that failed leaves it: clutter, never state
    /// another test reads).
    pub async fn cleanup(self) {
        self.state.pool.close().await;
        self.state.db.close().await;
        if let Some(url) = &self.postgres {
            bonafide_store::testing::drop_schema(url).await;
        }
    }
}

async fn org_in(dir: tempfile::TempDir, db: PathBuf, postgres: Option<String>) -> Org {
    let data = dir.path().join("farm");
    std::fs::create_dir_all(&data).unwrap();
    farm(&data);
    let mut config = ServeConfig::new(db, "127.0.0.1:0".parse().unwrap());
    config.watch = vec![repo_root().join("examples/small"), data];
    config.key_file = Some(dir.path().join("key"));
    config.inbox = Some(dir.path().join("inbox"));
    let state = AppState::open(&config).await.unwrap();
    state.ingest.rescan(&state, &bonafide_store::Started::new("setup", "test fixture")).await.unwrap();
    for (name, role) in [("admin", Role::Admin), ("analyst", Role::Analyst), ("viewer", Role::Viewer)] {
        bonafide_serve::users::add_user(&state.pool, "setup", name, role, PASSWORD).await.unwrap();
    }
    Org { dir, state, postgres }
}

/// Runs each named `async fn(&Org)` of the calling test file as two tests: `sqlite::NAME`
/// on a SQLite file and `postgres::NAME` on a PostgreSQL schema of its own.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let org = $crate::common::org().await;
                    super::$name(&org).await;
                    org.cleanup().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(org) = $crate::common::org_on_postgres(stringify!($name)).await else { return };
                    super::$name(&org).await;
                    org.cleanup().await;
                }
            )*
        }
    };
}
