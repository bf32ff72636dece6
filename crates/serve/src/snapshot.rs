//! The latest stored run as the service shows it: subjects ranked by their score after
//! the analysts' decisions, their findings, clusters and records.
//!
//! Analysts' decisions adjust scores here, at read time, from the stored contributions:
//! an active suppression removes that indicator's bits from that subject, and a subject
//! confirmed by a closed case lends the other members of its clusters the T2 weight
//! (propagation "via" the case). The stored run itself never changes, so a suppression
//! that expires simply stops applying.

use std::collections::{BTreeSet, HashMap};

use bonafide_core::{ActivitySummary, Band, Contribution, ScoringConfig};
use bonafide_store::STARTED;
use serde::Serialize;
use serde_json::Value;
use sqlx::Row;

use crate::ServeError;
use crate::auth::now;

#[derive(Clone, Debug, Serialize)]
pub struct RunInfo {
    pub run_id: String,
    pub started_at: String,
    pub finished_at: String,
    pub version: String,
    pub totals: Value,
}

/// One stored run, as the Runs page and `GET /api/v1/runs` list it.
#[derive(Clone, Debug, Serialize)]
pub struct RunSummary {
    pub run_id: String,
    pub started_at: String,
    pub finished_at: String,
    pub version: String,
    /// What the run read (the engine's totals: files read and skipped, records,
    /// quarantined, duplicates, events...), as stored.
    pub totals: Value,
    /// Subjects scored and findings raised.
    pub subjects: i64,
    pub findings: i64,
    /// Who started it and how, when recorded ([`STARTED`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_how: Option<String>,
}

/// The most quarantine samples a run's page and `GET /api/v1/runs/{id}` show; the
/// count says how many the run stored.
pub const QUARANTINE_SHOWN: i64 = 500;

/// One input of a stored run and what became of it (the engine's `InputSummary` as
/// stored).
#[derive(Clone, Debug, Serialize)]
pub struct StoredInput {
    pub path: String,
    /// The format it was read as, or recognised as when skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    pub records: i64,
    pub quarantined: i64,
    pub duplicates: i64,
    pub field_issues: i64,
    /// Why it was not read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// Why reading stopped early.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl StoredInput {
    /// As the engine summarised it, for the engine's own grouping of inputs not read.
    pub fn summary(&self) -> bonafide_engine::InputSummary {
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        bonafide_engine::InputSummary {
            path: self.path.clone(),
            format: self.format.clone(),
            records: count(self.records),
            quarantined: count(self.quarantined),
            duplicates: count(self.duplicates),
            field_issues: count(self.field_issues),
            skipped: self.skipped.clone(),
            error: self.error.clone(),
            ..Default::default()
        }
    }
}

/// A record kept aside: where it was (`file:line`) and why.
#[derive(Clone, Debug, Serialize)]
pub struct QuarantineSample {
    pub source: String,
    pub reason: String,
}

/// One stored run in full, as its page and `GET /api/v1/runs/{id}` show it.
#[derive(Clone, Debug, Serialize)]
pub struct RunDetail {
    #[serde(flatten)]
    pub run: RunSummary,
    pub inputs: Vec<StoredInput>,
    /// The first [`QUARANTINE_SHOWN`] samples.
    pub quarantine: Vec<QuarantineSample>,
    /// How many samples the run stored.
    pub quarantine_samples: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct ContributionView {
    pub indicator: String,
    pub bits: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// True when an active suppression removed these bits from the score.
    pub suppressed: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct SubjectView {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub implicit: bool,
    pub department: Option<String>,
    pub vendor: Option<String>,
    /// Score and band after suppressions and propagation from confirmed cases.
    pub score: u8,
    pub band: String,
    pub log2_odds: f64,
    /// As the run computed it, before analysts' decisions.
    pub run_score: u8,
    pub contributions: Vec<ContributionView>,
    /// When bonafide first stored this subject (start of "new this week").
    pub first_seen: String,
    pub indicators: BTreeSet<String>,
    #[serde(skip)]
    pub claims: Value,
    #[serde(skip)]
    pub activity: Option<ActivitySummary>,
    #[serde(skip)]
    pub records: Value,
    #[serde(skip)]
    pub findings: Vec<usize>,
    #[serde(skip)]
    pub clusters: Vec<usize>,
}

#[derive(Clone, Debug, Serialize)]
pub struct EvidenceView {
    pub source: Option<String>,
    pub detail: Value,
}

#[derive(Clone, Debug, Serialize)]
pub struct FindingView {
    pub finding_id: String,
    pub indicator: String,
    pub subjects: Vec<String>,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub summary: String,
    pub weight_bits: f64,
    pub evidence: Vec<EvidenceView>,
    pub evidence_total: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shared: Option<Value>,
}

#[derive(Clone, Debug, Serialize)]
pub struct LinkView {
    pub a: String,
    pub b: String,
    pub kind: String,
    pub value: String,
    pub indicator: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ClusterView {
    pub cluster_id: String,
    pub kind: String,
    pub members: Vec<String>,
    pub links: Vec<LinkView>,
}

/// The latest run, read once.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub run: Option<RunInfo>,
    /// Highest adjusted score first; ties by log2 odds, then id.
    pub subjects: Vec<SubjectView>,
    pub index: HashMap<String, usize>,
    pub findings: Vec<FindingView>,
    pub clusters: Vec<ClusterView>,
    pub cluster_index: HashMap<String, usize>,
    pub scoring: ScoringConfig,
    /// What the snapshot was built from ([`Snapshot::version`]); another replica's case
    /// decision or run changes it.
    pub version: String,
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

/// Rebuilds an activity summary from its stored JSON (report.json's
/// `subjects[].activity`), field by field so that an older or newer shape degrades to
/// defaults rather than failing.
pub fn activity_from_json(v: &Value) -> Option<ActivitySummary> {
    let obj = v.as_object()?;
    let hours = |k: &str| -> Vec<u32> {
        obj.get(k)
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|x| x.as_u64().unwrap_or(0) as u32).collect())
            .unwrap_or_default()
    };
    let int = |k: &str| obj.get(k).and_then(Value::as_i64).map(|x| x as i32);
    Some(ActivitySummary {
        events: obj.get("events").and_then(Value::as_u64).unwrap_or(0),
        inferred_utc_offset_minutes: int("inferred_utc_offset_minutes"),
        confidence: obj.get("confidence").and_then(Value::as_f64).unwrap_or(0.0),
        claimed_utc_offset_minutes: int("claimed_utc_offset_minutes"),
        claimed_zone: obj.get("claimed_zone").and_then(Value::as_str).map(str::to_string),
        utc_hours: hours("utc_hours"),
        local_hours: hours("local_hours"),
        periods: obj
            .get("periods")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|p| {
                        let p = p.as_array()?;
                        Some((
                            p.first()?.as_str()?.to_string(),
                            p.get(1)?.as_str()?.to_string(),
                            p.get(2)?.as_i64()? as i32,
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default(),
        commits_timed_by_committer: obj
            .get("commits_timed_by_committer")
            .and_then(Value::as_u64)
            .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX)),
        ..Default::default()
    })
}

/// Removes keyed fingerprints from a subject's stored claims: the UI and API show
/// masked forms only (fingerprints are not reversible, but they are linkable keys that
/// an analyst never needs to see).
pub fn strip_fingerprints(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("fingerprint");
            for x in m.values_mut() {
                strip_fingerprints(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(strip_fingerprints),
        _ => {}
    }
}

impl Snapshot {
    /// A fingerprint of everything a snapshot is built from: the latest run, the count
    /// of score-changing decisions (`serve_version`, bumped in each decision's own
    /// transaction) and of suppressions still in force (one expiring changes scores with
    /// no write). Cheap (one short query), so processes sharing a database poll it and
    /// reload only when another one changed something; views and notes leave it alone.
    pub async fn version(pool: &sqlx::AnyPool) -> Result<String, ServeError> {
        Ok(Snapshot::version_and_run(pool).await?.0)
    }

    /// The version and the latest run it names, from one query. A database without its
    /// `serve_version` row is an error, not version 0 (decisions could not be counted).
    async fn version_and_run(pool: &sqlx::AnyPool) -> Result<(String, Option<String>), ServeError> {
        let r = sqlx::query(
            "SELECT (SELECT run_id FROM runs ORDER BY seq DESC LIMIT 1), v.decisions, \
             (SELECT COUNT(*) FROM suppressions WHERE expires_at > $1) FROM serve_version v WHERE v.id = 1",
        )
        .bind(now().to_stamp())
        .fetch_one(pool)
        .await?;
        let (run, decisions, active): (Option<String>, i64, i64) = (r.get(0), r.get(1), r.get(2));
        Ok((format!("{}|{decisions}|{active}", run.as_deref().unwrap_or_default()), run))
    }

    /// The last 100 runs, latest first by storage order (`seq`, as the latest run is
    /// chosen above), with what each read and found and who started it where that was
    /// recorded ([`STARTED`]). Shared by the Runs page and `GET /api/v1/runs`.
    pub async fn recent_runs(pool: &sqlx::AnyPool) -> Result<Vec<RunSummary>, sqlx::Error> {
        Snapshot::run_summaries(pool, None).await
    }

    /// One stored run with what became of each of its inputs and its quarantine
    /// samples (at most [`QUARANTINE_SHOWN`], the oldest first, and how many there are);
    /// `None` when no run has that id. For the run's page and `GET /api/v1/runs/{id}`.
    pub async fn run_detail(pool: &sqlx::AnyPool, run_id: &str) -> Result<Option<RunDetail>, sqlx::Error> {
        let Some(run) = Snapshot::run_summaries(pool, Some(run_id)).await?.pop() else { return Ok(None) };
        let inputs = sqlx::query(
            "SELECT path, format, records, quarantined, duplicates, field_issues, skipped, error \
             FROM inputs WHERE run_id = $1 ORDER BY seq",
        )
        .bind(run_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| StoredInput {
            path: r.get(0),
            format: r.get(1),
            records: r.get(2),
            quarantined: r.get(3),
            duplicates: r.get(4),
            field_issues: r.get(5),
            skipped: r.get(6),
            error: r.get(7),
        })
        .collect();
        let quarantine_samples: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM quarantine WHERE run_id = $1")
            .bind(run_id)
            .fetch_one(pool)
            .await?;
        let quarantine = sqlx::query("SELECT source, reason FROM quarantine WHERE run_id = $1 ORDER BY seq LIMIT $2")
            .bind(run_id)
            .bind(QUARANTINE_SHOWN)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| QuarantineSample { source: r.get(0), reason: r.get(1) })
            .collect();
        Ok(Some(RunDetail { run, inputs, quarantine, quarantine_samples }))
    }

    /// The runs [`Snapshot::recent_runs`] lists, or the one run `only` names.
    async fn run_summaries(pool: &sqlx::AnyPool, only: Option<&str>) -> Result<Vec<RunSummary>, sqlx::Error> {
        const COLUMNS: &str = "SELECT r.run_id, r.started_at, r.finished_at, r.version, r.totals, \
             (SELECT COUNT(*) FROM subject_scores s WHERE s.run_id = r.run_id), \
             (SELECT COUNT(*) FROM findings f WHERE f.run_id = r.run_id) FROM runs r";
        let rows = match only {
            Some(id) => {
                sqlx::query(sqlx::AssertSqlSafe(format!("{COLUMNS} WHERE r.run_id = $1")))
                    .bind(id)
                    .fetch_all(pool)
                    .await?
            }
            None => {
                sqlx::query(sqlx::AssertSqlSafe(format!("{COLUMNS} ORDER BY r.seq DESC LIMIT 100")))
                    .fetch_all(pool)
                    .await?
            }
        };
        // Who asked for each of these runs (`audit_log_action_target` finds these
        // entries); the entries of other runs are not read. A run's first entry counts.
        let targets: Vec<String> = rows.iter().map(|r| format!("run:{}", r.get::<String, _>(0))).collect();
        let mut started: HashMap<String, (i64, String, String)> = HashMap::new();
        if !targets.is_empty() {
            // Only placeholders are formatted in; the values are bound.
            let mut q = sqlx::query(sqlx::AssertSqlSafe(bonafide_store::started_query(targets.len()))).bind(STARTED);
            for t in &targets {
                q = q.bind(t);
            }
            for r in q.fetch_all(pool).await? {
                let target: String = r.get(0);
                let Some(run) = target.strip_prefix("run:") else { continue };
                let seq: i64 = r.get(3);
                let first = started.get(run).is_none_or(|(s, _, _)| seq < *s);
                if first {
                    started.insert(run.to_string(), (seq, r.get(1), r.get(2)));
                }
            }
        }
        Ok(rows
            .iter()
            .map(|r| {
                let run_id: String = r.get(0);
                let (started_by, started_how) = started.remove(&run_id).map(|(_, by, how)| (by, how)).unzip();
                RunSummary {
                    started_by,
                    started_how,
                    started_at: r.get(1),
                    finished_at: r.get(2),
                    version: r.get(3),
                    totals: json(&r.get::<String, _>(4)),
                    subjects: r.get(5),
                    findings: r.get(6),
                    run_id,
                }
            })
            .collect())
    }

    pub async fn load(pool: &sqlx::AnyPool, engine: &bonafide_engine::Config) -> Result<Snapshot, ServeError> {
        // Read before the data, so a change made while loading shows as a new version.
        let (version, run) = Snapshot::version_and_run(pool).await?;
        let mut snap = Snapshot { scoring: engine.scoring.clone(), version, ..Default::default() };
        let Some(run_id) = run else { return Ok(snap) };
        let r = sqlx::query("SELECT run_id, started_at, finished_at, version, totals FROM runs WHERE run_id = $1")
            .bind(&run_id)
            .fetch_one(pool)
            .await?;
        snap.run = Some(RunInfo {
            run_id: r.get(0),
            started_at: r.get(1),
            finished_at: r.get(2),
            version: r.get(3),
            totals: json(&r.get::<String, _>(4)),
        });
        let rows = sqlx::query(
            "SELECT s.subject_id, s.name, s.kind, s.implicit, s.claims, sc.score, sc.log2_odds, sc.contributions, \
             sc.activity, r.records, COALESCE(fr.finished_at, s.updated_at) \
             FROM subject_scores sc JOIN subjects s ON s.subject_id = sc.subject_id \
             LEFT JOIN subject_records r ON r.run_id = sc.run_id AND r.subject_id = sc.subject_id \
             LEFT JOIN runs fr ON fr.run_id = s.first_run_id \
             WHERE sc.run_id = $1",
        )
        .bind(&run_id)
        .fetch_all(pool)
        .await?;
        for r in &rows {
            let mut claims = json(&r.get::<String, _>(4));
            strip_fingerprints(&mut claims);
            let text = |k: &str| claims.get(k).and_then(Value::as_str).map(str::to_string);
            let contributions: Vec<Contribution> = serde_json::from_str(&r.get::<String, _>(7)).unwrap_or_default();
            snap.subjects.push(SubjectView {
                id: r.get(0),
                name: r.get(1),
                kind: r.get(2),
                implicit: r.get::<i64, _>(3) != 0,
                department: text("department"),
                vendor: text("vendor"),
                score: r.get::<i64, _>(5).clamp(0, 100) as u8,
                band: String::new(),
                log2_odds: r.get(6),
                run_score: r.get::<i64, _>(5).clamp(0, 100) as u8,
                contributions: contributions
                    .into_iter()
                    .map(|c| ContributionView { indicator: c.indicator, bits: c.bits, via: c.via, suppressed: false })
                    .collect(),
                first_seen: r.get(10),
                indicators: BTreeSet::new(),
                claims,
                activity: r.get::<Option<String>, _>(8).and_then(|a| activity_from_json(&json(&a))),
                records: r.get::<Option<String>, _>(9).map(|t| json(&t)).unwrap_or(Value::Null),
                findings: Vec::new(),
                clusters: Vec::new(),
            });
        }
        let index: HashMap<String, usize> = snap.subjects.iter().enumerate().map(|(i, s)| (s.id.clone(), i)).collect();
        let rows = sqlx::query(
            "SELECT finding_id, indicator, subject_ids, first_seen, last_seen, summary, weight_bits, evidence, \
             evidence_total, shared FROM findings WHERE run_id = $1 ORDER BY weight_bits DESC, indicator, finding_id",
        )
        .bind(&run_id)
        .fetch_all(pool)
        .await?;
        for r in &rows {
            let subjects: Vec<String> = serde_json::from_str(&r.get::<String, _>(2)).unwrap_or_default();
            let evidence = json(&r.get::<String, _>(7))
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|e| EvidenceView {
                            source: e.get("source").and_then(Value::as_str).map(str::to_string),
                            detail: e.get("detail").cloned().unwrap_or(Value::Null),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let fi = snap.findings.len();
            let indicator: String = r.get(1);
            for s in &subjects {
                if let Some(&i) = index.get(s) {
                    snap.subjects[i].findings.push(fi);
                    snap.subjects[i].indicators.insert(indicator.clone());
                }
            }
            snap.findings.push(FindingView {
                finding_id: r.get(0),
                indicator,
                subjects,
                first_seen: r.get(3),
                last_seen: r.get(4),
                summary: r.get(5),
                weight_bits: r.get(6),
                evidence,
                evidence_total: r.get(8),
                shared: r.get::<Option<String>, _>(9).map(|t| json(&t)),
            });
        }
        let rows = sqlx::query(
            "SELECT cluster_id, kind, subject_ids, links FROM clusters WHERE run_id = $1 ORDER BY cluster_id",
        )
        .bind(&run_id)
        .fetch_all(pool)
        .await?;
        for r in &rows {
            let members: Vec<String> = serde_json::from_str(&r.get::<String, _>(2)).unwrap_or_default();
            let links: Vec<LinkView> = json(&r.get::<String, _>(3))
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|l| {
                            let t = |k: &str| l.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
                            LinkView {
                                a: t("a"),
                                b: t("b"),
                                kind: t("kind"),
                                value: t("value"),
                                indicator: t("indicator"),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            let ci = snap.clusters.len();
            for m in &members {
                if let Some(&i) = index.get(m) {
                    snap.subjects[i].clusters.push(ci);
                }
            }
            snap.clusters.push(ClusterView { cluster_id: r.get(0), kind: r.get(1), members, links });
        }
        snap.adjust(pool).await?;
        Ok(snap)
    }

    /// Applies active suppressions and propagation from confirmed cases, then ranks.
    async fn adjust(&mut self, pool: &sqlx::AnyPool) -> Result<(), ServeError> {
        let at = now().to_stamp();
        let suppressed: Vec<(String, String)> =
            sqlx::query("SELECT subject_id, indicator FROM suppressions WHERE expires_at > $1")
                .bind(&at)
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect();
        let confirmed: Vec<(i64, String)> = sqlx::query(
            "SELECT case_id, subject_id FROM cases WHERE disposition = 'confirmed' AND subject_id IS NOT NULL ORDER BY case_id",
        )
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
        let index: HashMap<String, usize> = self.subjects.iter().enumerate().map(|(i, s)| (s.id.clone(), i)).collect();
        let mut propagated: HashMap<usize, (i64, String)> = HashMap::new();
        for (case_id, sid) in &confirmed {
            let Some(&i) = index.get(sid) else { continue };
            for &ci in &self.subjects[i].clusters {
                for m in &self.clusters[ci].members {
                    if let Some(&j) = index.get(m)
                        && j != i
                    {
                        propagated.entry(j).or_insert((*case_id, sid.clone()));
                    }
                }
            }
        }
        let t2 = self.scoring.tier_bits.t2;
        for (i, s) in self.subjects.iter_mut().enumerate() {
            for c in &mut s.contributions {
                c.suppressed = suppressed.iter().any(|(sid, ind)| *sid == s.id && *ind == c.indicator);
            }
            if let Some((case_id, sid)) = propagated.get(&i) {
                s.contributions.push(ContributionView {
                    indicator: "CASE".into(),
                    bits: t2,
                    via: Some(format!("cluster member {sid} confirmed in case #{case_id}")),
                    suppressed: false,
                });
            }
            let kept: Vec<Contribution> = s
                .contributions
                .iter()
                .filter(|c| !c.suppressed)
                .map(|c| Contribution { indicator: c.indicator.clone(), bits: c.bits, via: c.via.clone() })
                .collect();
            let score = self.scoring.score(std::iter::empty(), &kept);
            s.score = score.score;
            s.band = score.band.as_str().to_string();
            s.log2_odds = score.log2_odds;
        }
        self.subjects.sort_by(|a, b| {
            b.score.cmp(&a.score).then(b.log2_odds.total_cmp(&a.log2_odds)).then_with(|| a.id.cmp(&b.id))
        });
        // Findings and clusters hold subject ids, so re-index after sorting.
        self.index = self.subjects.iter().enumerate().map(|(i, s)| (s.id.clone(), i)).collect();
        self.cluster_index = self.clusters.iter().enumerate().map(|(i, c)| (c.cluster_id.clone(), i)).collect();
        Ok(())
    }

    pub fn subject(&self, id: &str) -> Option<&SubjectView> {
        self.index.get(id).map(|&i| &self.subjects[i])
    }

    pub fn cluster(&self, id: &str) -> Option<&ClusterView> {
        self.cluster_index.get(id).map(|&i| &self.clusters[i])
    }

    /// Subjects matching a queue filter, in rank order.
    pub fn filter<'a>(&'a self, f: &'a QueueFilter) -> impl Iterator<Item = &'a SubjectView> + 'a {
        let week_ago = bonafide_core::UtcMs(now().0 - 7 * 86_400_000).to_stamp();
        let band = f.band.as_deref().and_then(Band::parse);
        self.subjects.iter().filter(move |s| {
            band.is_none_or(|b| Band::parse(&s.band).is_some_and(|x| x >= b))
                && f.indicator.as_deref().is_none_or(|i| i.is_empty() || s.indicators.contains(i))
                && f.department.as_deref().is_none_or(|d| d.is_empty() || s.department.as_deref() == Some(d))
                && f.vendor.as_deref().is_none_or(|v| v.is_empty() || s.vendor.as_deref() == Some(v))
                && (!f.new_this_week() || s.first_seen >= week_ago)
                && (f.all() || !s.contributions.is_empty())
        })
    }

    /// Distinct departments and vendors, for the filter menus.
    pub fn facets(&self) -> (Vec<String>, Vec<String>) {
        let mut d: BTreeSet<String> = BTreeSet::new();
        let mut v: BTreeSet<String> = BTreeSet::new();
        for s in &self.subjects {
            d.extend(s.department.clone());
            v.extend(s.vendor.clone());
        }
        (d.into_iter().collect(), v.into_iter().collect())
    }
}

/// The queue's filters (query string of `/queue` and `/api/v1/subjects`).
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct QueueFilter {
    /// At least this band (`medium` shows medium, high and critical).
    pub band: Option<String>,
    pub indicator: Option<String>,
    pub department: Option<String>,
    pub vendor: Option<String>,
    /// `1`/`true`: only subjects first stored in the last 7 days.
    pub new: Option<String>,
    /// `1`/`true`: include subjects with no findings.
    pub include_quiet: Option<String>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

fn truthy(s: Option<&str>) -> bool {
    matches!(s.map(str::trim), Some("1" | "true" | "on" | "yes"))
}

impl QueueFilter {
    pub fn new_this_week(&self) -> bool {
        truthy(self.new.as_deref())
    }

    pub fn all(&self) -> bool {
        truthy(self.include_quiet.as_deref())
    }
}
