//! The batch pipeline: sources → normalise → enrich → detect → score.
//!
//! One pass over the inputs, in the order [`plan::order`] gives: people and accounts
//! build the subject table and the account directory; IP-intelligence files build one
//! merged lookup; then event files stream through resolution (which subject?),
//! enrichment (which place, which network?) and every detector, one event at a time, so
//! memory grows with subjects and distinct places, not with events. Cross-subject work
//! (shared IPs, clusters) and scoring happen once the stream ends.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bonafide_core::source::SourceTable;
use bonafide_core::{
    ActorKind, Catalog, Event, QuarantineEntry, Record, Records, Subject, SubjectIdx, SubjectKind, UtcMs,
};
use bonafide_detect::{Context, Engine, Households, Risk};
use bonafide_ingest::input::SAMPLE_BYTES;
use bonafide_ingest::{Accept, AccountLink, ColumnMap, Counting, Format, ReadContext, ReadOptions, RecordSink, Role};
use bonafide_intel::ip::IpFormat;
use bonafide_intel::sanctions::{BadRow, Screening};
use bonafide_intel::{Enricher, IpIntel, IpIntelBuilder, Keyring};

use crate::config::Config;
use crate::directory::Directory;
use crate::graph::{self, RunGraph};
use crate::lists::ListLoader;
use crate::outcome::{InputSummary, RunInfo, ScanOutcome, Totals};
use crate::plan::{self, Planned};

/// Counters a progress display can poll while the scan runs.
#[derive(Clone, Debug, Default)]
pub struct Progress {
    pub bytes: Arc<AtomicU64>,
    pub total_bytes: Arc<AtomicU64>,
    pub records: Arc<AtomicU64>,
    pub current: Arc<Mutex<String>>,
}

/// What to scan.
pub struct ScanRequest {
    pub paths: Vec<PathBuf>,
    /// `--format NAME=PATH`: read these as the given format, whatever their content.
    pub forced: Vec<(Format, PathBuf)>,
    /// `--ip-list KIND=FILE`.
    pub ip_lists: Vec<(bonafide_core::IpKind, PathBuf)>,
    pub strict: bool,
    pub column_map: ColumnMap,
    pub keyring: Keyring,
    pub progress: Option<Progress>,
    /// What this run writes or keeps (the report folder, the database, the key file):
    /// left out where a walk meets them inside a scanned folder.
    pub own_outputs: Vec<PathBuf>,
}

impl ScanRequest {
    /// A scan of `paths` with every format sniffed, no extra IP lists, no column renaming,
    /// quarantine tolerated and no progress reporting.
    pub fn new(paths: Vec<PathBuf>, keyring: Keyring) -> ScanRequest {
        ScanRequest {
            paths,
            forced: Vec::new(),
            ip_lists: Vec::new(),
            strict: false,
            column_map: ColumnMap::default(),
            keyring,
            progress: None,
            own_outputs: Vec::new(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("no input could be read:\n{0}")]
    NoInput(String),
    /// Under `--strict`: records were quarantined or input files were not read; the
    /// outcome is whole, for the report.
    #[error("--strict: {}", reasons.join("; "))]
    Strict { reasons: Vec<String>, outcome: Box<ScanOutcome> },
    #[error("configuration: {0}")]
    Config(String),
    #[error("stored events: {0}")]
    Feed(String),
}

/// Two generations of recent event ids: membership is exact within the window, memory
/// is bounded by it.
struct Dedup {
    window: usize,
    current: rustc_hash::FxHashSet<u64>,
    previous: rustc_hash::FxHashSet<u64>,
}

impl Dedup {
    fn new(window: usize) -> Self {
        Dedup { window: window.max(1), current: Default::default(), previous: Default::default() }
    }

    /// True when the id was seen within the window.
    fn seen(&mut self, id: u64) -> bool {
        if self.current.contains(&id) || self.previous.contains(&id) {
            return true;
        }
        if self.current.len() > self.window / 2 {
            self.previous = std::mem::take(&mut self.current);
        }
        self.current.insert(id);
        false
    }
}

fn id_hash(system: &str, id: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    system.hash(&mut h);
    id.hash(&mut h);
    h.finish()
}

/// The scan's state while inputs stream through it.
struct Pipeline<'c> {
    config: &'c Config,
    subjects: Vec<Subject>,
    by_id: HashMap<String, SubjectIdx>,
    records: Records,
    directory: Directory,
    households: Households,
    enricher: Option<Enricher>,
    /// List files read so far; taken when the lists phase ends.
    lists: Option<ListLoader>,
    /// The loaded lists, indexed (the built-in published identifiers at least).
    screening: Screening,
    engine: Engine,
    dedup: Dedup,
    quarantine: Vec<QuarantineEntry>,
    field_issues: Vec<QuarantineEntry>,
    totals: Totals,
    unmatched: HashMap<(String, String), u64>,
    records_progress: Option<Arc<AtomicU64>>,
}

impl Pipeline<'_> {
    fn add_subject(&mut self, s: Subject) -> SubjectIdx {
        let idx = SubjectIdx(self.subjects.len() as u32);
        self.by_id.insert(s.id.clone(), idx);
        for e in &s.emails {
            self.directory.email(e, idx);
        }
        // The data contract: people.csv `github` ties GitHub audit-log actors to the person.
        if let Some(login) = &s.github {
            self.directory.link("github", login, idx);
        }
        self.subjects.push(s);
        idx
    }

    fn implicit(
        &mut self,
        id: String,
        name: String,
        email: Option<String>,
        source: Option<bonafide_core::SourcePos>,
    ) -> SubjectIdx {
        self.totals.implicit_subjects += 1;
        let s = Subject {
            id,
            kind: SubjectKind::Account,
            name,
            emails: email.into_iter().collect(),
            source,
            implicit: true,
            ..Default::default()
        };
        self.add_subject(s)
    }

    /// The subject of a record's `subject_id`, created as implicit when no people record
    /// has it (the record still belongs to someone the organisation knows by that id).
    fn subject_for_id(&mut self, id: &str, source: bonafide_core::SourcePos) -> SubjectIdx {
        match self.by_id.get(id) {
            Some(&i) => i,
            None => self.implicit(id.to_string(), id.to_string(), None, Some(source)),
        }
    }

    /// A commit committed at the second of its author time by a forge's web identity
    /// (GitHub's `noreply@github.com`) or by another declared person was made by the
    /// committer's action: a squash or merge in a web interface stamps both times with
    /// the moment someone clicked. Such a time says where the committer was, so the
    /// author's rhythm must not count it. A commit rebased or applied later keeps its own
    /// author time and stays the author's; so does one whose committer is unknown.
    ///
    /// The committer field is the author's to write, so an author can hide commits from
    /// the rhythm this way; the time detectors still judge the commits' recorded clock
    /// against the claim, count what was left out, and sign-ins are untouched.
    fn mark_timed_by_committer(&self, e: &mut Event, subject: SubjectIdx) {
        let bonafide_core::Detail::Commit(c) = &mut e.detail else { return };
        let Some(committer) = c.committer.as_deref() else { return };
        if c.attributed_via_committer || c.committer_time != Some(e.at) || committer == &*e.actor.account {
            return;
        }
        let forge = self.config.detect.f1.forge_committers.iter().any(|f| f.eq_ignore_ascii_case(committer));
        // Only people the organisation declared count as another person: an implicit
        // subject exists only because an address showed up earlier in the scan, which
        // would make the answer depend on reading order (and let an author mint one).
        let other = self
            .directory
            .resolve_account(&e.actor.system, committer)
            .is_some_and(|s| s != subject && self.subjects.get(s.index()).is_some_and(|x| !x.implicit));
        if forge || other {
            c.timed_by_committer = true;
        }
    }

    fn resolve(&mut self, e: &mut Event) -> Option<SubjectIdx> {
        if e.actor.kind == ActorKind::System {
            self.totals.system_events += 1;
            return None;
        }
        if let Some(s) = self.directory.resolve(&e.actor) {
            return Some(s);
        }
        // A commit whose author nobody claims belongs to whoever committed it (F5 looks
        // at exactly these).
        if let bonafide_core::Detail::Commit(c) = &mut e.detail
            && let Some(committer) = c.committer.clone()
        {
            let as_committer = bonafide_core::Actor { account: committer, ..e.actor.clone() };
            if let Some(s) = self.directory.resolve(&as_committer) {
                c.attributed_via_committer = true;
                return Some(s);
            }
        }
        // osquery hosts identified by UUID carry their hostname as the display name;
        // devices.csv may know the machine by either.
        if &*e.actor.system == "osquery"
            && let Some(name) = e.actor.display_name.as_deref()
            && let Some(s) = self.directory.resolve_in("osquery", &name.to_lowercase())
        {
            self.directory.link("osquery", &e.actor.account, s);
            return Some(s);
        }
        if e.actor.account.is_empty() {
            return None;
        }
        if e.actor.kind == ActorKind::User && self.config.subjects.implicit {
            let id = format!("{}:{}", e.actor.system, e.actor.account);
            if let Some(&s) = self.by_id.get(&id) {
                self.directory.link(&e.actor.system, &e.actor.account, s);
                return Some(s);
            }
            let name = e.actor.display_name.as_deref().unwrap_or(&e.actor.account).to_string();
            let email = e.actor.account.contains('@').then(|| e.actor.account.to_string());
            let s = self.implicit(id, name, email, Some(e.source));
            self.directory.link(&e.actor.system, &e.actor.account, s);
            return Some(s);
        }
        self.totals.unattributed += 1;
        let key = (e.actor.system.to_string(), e.actor.account.to_string());
        if self.unmatched.len() < 10_000 || self.unmatched.contains_key(&key) {
            *self.unmatched.entry(key).or_default() += 1;
        }
        None
    }

    /// Ends the records phase: builds the IP lookup and the households, and enriches the
    /// IPs that records carry (interview clients).
    fn finish_records(&mut self, builder: Option<IpIntelBuilder>) {
        let intel = builder.map(IpIntelBuilder::build).unwrap_or_else(IpIntel::empty);
        let enricher = Enricher::new(Arc::new(intel));
        for i in &mut self.records.interviews {
            if let Some(ip) = i.client_ip {
                let mut net = bonafide_core::Net::new(ip);
                enricher.enrich(&mut net);
                i.client = Some(net);
            }
        }
        self.enricher = Some(enricher);
        self.households = Households::from_records(&self.subjects, &self.records);
    }

    /// Ends the lists phase: joins OFAC sets, adds the published identifiers, builds the
    /// index. Rows rejected at the join come back with their file's source id.
    fn finish_lists(&mut self, keyring: &Keyring) -> Result<Vec<(u32, BadRow)>, ScanError> {
        let Some(loader) = self.lists.take() else { return Ok(Vec::new()) };
        let mut late = Vec::new();
        self.screening = loader
            .finish(&self.config.screening, &mut |tag, b| late.push((tag, b)))
            .map_err(|e| ScanError::Config(format!("screening lists: {e}")))?;
        self.screening.index_documents(keyring);
        Ok(late)
    }

    fn keep(list: &mut Vec<QuarantineEntry>, entry: QuarantineEntry, max: usize) {
        if list.len() < max {
            list.push(entry);
        }
    }
}

impl RecordSink for Pipeline<'_> {
    fn subject(&mut self, s: Subject) -> Accept {
        if let Some(&existing) = self.by_id.get(&s.id) {
            let first = self.subjects[existing.index()].source.map(|p| p.line).unwrap_or(0);
            return Accept::Rejected(format!("subject_id {} already read (first at line {first} of its file)", s.id));
        }
        self.add_subject(s);
        if let Some(p) = &self.records_progress {
            p.fetch_add(1, Ordering::Relaxed);
        }
        Accept::Accepted
    }

    fn account(&mut self, link: AccountLink) -> Accept {
        let idx = self.subject_for_id(&link.subject_id, link.source);
        self.directory.declare(&link.system, &link.account, idx);
        Accept::Accepted
    }

    fn record(&mut self, record: Record) -> Accept {
        // GitHub profile exports are keyed by login; people.csv `github` claims them. A
        // watchlist entry names nobody among the subjects (I14 looks for them).
        if matches!(record, Record::GithubUser(_) | Record::GithubRepo(_) | Record::GithubCommit(_) | Record::Watch(_))
        {
            if let Some(p) = &self.records_progress {
                p.fetch_add(1, Ordering::Relaxed);
            }
            self.records.add(record);
            return Accept::Accepted;
        }
        let idx = self.subject_for_id(record.subject_id(), record.source());
        if let Record::Device(d) = &record {
            // Endpoint rows name their host; the device record says whose it is.
            for host in [&d.host_identifier, &d.hostname].into_iter().flatten() {
                self.directory.link("osquery", host, idx);
            }
            self.directory.link("asset", &d.asset_serial, idx);
        }
        if let Some(p) = &self.records_progress {
            p.fetch_add(1, Ordering::Relaxed);
        }
        self.records.add(record);
        Accept::Accepted
    }

    fn event(&mut self, mut e: Event) -> Accept {
        if let Some(p) = &self.records_progress {
            p.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(id) = &e.id
            && self.dedup.seen(id_hash(&e.actor.system, id))
        {
            return Accept::Duplicate;
        }
        self.totals.events += 1;
        e.subject = self.resolve(&mut e);
        if let Some(s) = e.subject {
            self.mark_timed_by_committer(&mut e, s);
        }
        // An event done to another subject (an admin granting them a role) is theirs too.
        let target = e
            .target
            .as_deref()
            .and_then(|t| self.directory.resolve_account(&e.actor.system, t))
            .filter(|t| Some(*t) != e.subject);
        if e.subject.is_none() && target.is_none() {
            return Accept::Accepted;
        }
        if e.subject.is_some() {
            self.totals.attributed += 1;
        }
        if let (Some(net), Some(enricher)) = (e.net.as_mut(), self.enricher.as_ref()) {
            enricher.enrich(net);
        }
        let cx = Context {
            subjects: &self.subjects,
            records: &self.records,
            households: &self.households,
            config: &self.config.detect,
            scoring: &self.config.scoring,
            catalog: Catalog::builtin(),
            screening: &self.screening,
        };
        if e.subject.is_some() {
            self.engine.observe(&e, &cx);
        }
        if let Some(t) = target {
            self.engine.observe_target(&e, t, &cx);
        }
        Accept::Accepted
    }

    fn quarantine(&mut self, entry: QuarantineEntry) {
        Self::keep(&mut self.quarantine, entry, self.config.limits.max_quarantine_kept);
    }

    fn field_issue(&mut self, entry: QuarantineEntry) {
        Self::keep(&mut self.field_issues, entry, self.config.limits.max_quarantine_kept);
    }
}

fn run_id(now: UtcMs) -> String {
    let mut h = std::hash::DefaultHasher::new();
    std::process::id().hash(&mut h);
    std::time::SystemTime::now().hash(&mut h);
    format!("{}-{:04x}", now.to_jiff().strftime("%Y%m%dT%H%M%SZ"), h.finish() & 0xffff)
}

fn now() -> UtcMs {
    UtcMs(jiff::Timestamp::now().as_millisecond())
}

/// Plans every input of the request and the configuration.
pub fn plan_inputs(config: &Config, req: &ScanRequest) -> Vec<Planned> {
    plan_inputs_excluding(config, req, &mut Vec::new())
}

/// [`plan_inputs`], adding to `excluded` the run's own outputs the walks left out.
pub fn plan_inputs_excluding(config: &Config, req: &ScanRequest, excluded: &mut Vec<PathBuf>) -> Vec<Planned> {
    let own: Vec<PathBuf> = req.own_outputs.iter().filter_map(|p| std::fs::canonicalize(p).ok()).collect();
    let mut planned: Vec<Planned> = Vec::new();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let mut add = |planned: &mut Vec<Planned>, path: PathBuf, forced: Option<Format>, kind, tree: Option<&Path>| {
        let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if seen.insert(key) {
            let mut p = plan::plan_file(&path, forced, kind, &req.column_map);
            if let Some(tree) = tree {
                plan::forgive_in_work_tree(&mut p, tree);
            }
            planned.push(p);
        }
    };
    let mut walk = |planned: &mut Vec<Planned>, root: &PathBuf, forced: Option<Format>, kind| {
        let items = plan::walk_excluding(root, &own, excluded);
        let trees = plan::work_trees(&items);
        for item in items {
            match item {
                // `--format git=REPO` names the repository; the files of its work tree are
                // recognised from their content like any others.
                Ok(p) if forced == Some(Format::Git) && &p != root => {
                    let tree = plan::work_tree_of(&trees, &p);
                    add(planned, p, None, kind, tree)
                }
                Ok(p) => {
                    let tree = plan::work_tree_of(&trees, &p);
                    add(planned, p, forced, kind, tree)
                }
                Err((p, why)) => planned.push(Planned {
                    display: p.display().to_string(),
                    input: None,
                    format: forced,
                    kind: None,
                    skip: Some(why),
                    document: false,
                    holds: None,
                }),
            }
        }
    };
    for (format, path) in &req.forced {
        walk(&mut planned, path, Some(*format), None);
    }
    for (kind, path) in &req.ip_lists {
        walk(&mut planned, path, None, Some(*kind));
    }
    for (kind, paths) in &config.ipintel.lists {
        let k = bonafide_core::IpKind::parse(kind);
        for path in paths {
            walk(&mut planned, path, None, k);
        }
    }
    for path in &config.ipintel.paths {
        walk(&mut planned, path, None, None);
    }
    for path in &config.screening.lists {
        walk(&mut planned, path, None, None);
    }
    for path in &req.paths {
        walk(&mut planned, path, None, None);
    }
    plan::order(&mut planned);
    planned
}

/// Events that were read elsewhere and stored (the scale-out mode: `bonafide ingest`
/// published them, workers committed them): the scan replays them after its own files,
/// through the same resolution, enrichment, detectors and scoring, so a distributed run
/// and an embedded one over the same inputs give the same result by construction.
pub trait EventFeed {
    /// The stored inputs, in the order the embedded scan would read them: (display
    /// path, format name).
    fn inputs(&mut self) -> Result<Vec<(String, String)>, String>;
    /// Delivers input `i`'s events, and the problems its reader had, in file order. An
    /// error stops that input; what was delivered before it stays.
    fn events(&mut self, i: usize, deliver: &mut dyn FnMut(Fed)) -> Result<(), String>;
}

/// What a feed delivers: an event, or a record its reader quarantined or kept without a
/// field (the position's source is set by the scan). Not boxed: each value is handed
/// over at once, and replay delivers millions of events, each a box more otherwise.
#[allow(clippy::large_enum_variant)]
pub enum Fed {
    Event(Event),
    Quarantine(QuarantineEntry),
    FieldIssue(QuarantineEntry),
}

/// Records what one input yielded, in its own summary and in the run's totals.
fn tally(summary: &mut InputSummary, totals: &mut Totals, stats: bonafide_ingest::ReadStats) {
    summary.records = stats.records;
    summary.quarantined = stats.quarantined;
    summary.duplicates = stats.duplicates;
    summary.field_issues = stats.field_issues;
    totals.files_read += 1;
    totals.records += stats.records;
    totals.quarantined += stats.quarantined;
    totals.duplicates += stats.duplicates;
    totals.field_issues += stats.field_issues;
}

/// Runs a scan to completion.
pub fn scan(config: &Config, req: ScanRequest) -> Result<ScanOutcome, ScanError> {
    scan_with(config, req, None)
}

/// Runs a scan whose inputs are the request's files and then, when given, the events a
/// [`EventFeed`] replays.
pub fn scan_with(
    config: &Config,
    req: ScanRequest,
    feed: Option<&mut dyn EventFeed>,
) -> Result<ScanOutcome, ScanError> {
    config.validate().map_err(ScanError::Config)?;
    let started = now();
    let mut own_outputs_skipped = Vec::new();
    let planned = plan_inputs_excluding(config, &req, &mut own_outputs_skipped);
    let mut column_map = req.column_map.clone();
    for (query, table) in &config.osquery.queries {
        column_map.insert("osquery", query, table);
    }
    let options =
        ReadOptions { max_record_bytes: config.limits.max_record_bytes, column_map, keyring: req.keyring.clone() };
    let engine = Engine::try_new(&config.detect).map_err(|e| ScanError::Config(e.to_string()))?;
    let progress = req.progress.clone().unwrap_or_default();
    let total: u64 = planned.iter().filter(|p| p.skip.is_none()).filter_map(|p| p.input.as_ref()).map(|i| i.size).sum();
    progress.total_bytes.store(total, Ordering::Relaxed);

    let mut sources = SourceTable::default();
    let mut inputs: Vec<InputSummary> = Vec::new();
    let mut pipeline = Pipeline {
        config,
        subjects: Vec::new(),
        by_id: HashMap::new(),
        records: Records::default(),
        directory: Directory::default(),
        households: Households::default(),
        enricher: None,
        lists: Some(ListLoader::default()),
        screening: Screening::default(),
        engine,
        dedup: Dedup::new(config.limits.dedup_window),
        quarantine: Vec::new(),
        field_issues: Vec::new(),
        totals: Totals::default(),
        unmatched: HashMap::new(),
        records_progress: Some(progress.records.clone()),
    };
    let mut builder = Some(IpIntelBuilder::new());
    config
        .network
        .apply(builder.as_mut().expect("builder present before events"))
        .map_err(|e| ScanError::Config(e.to_string()))?;

    for p in &planned {
        let source = sources.add(p.display.clone());
        let mut summary = InputSummary {
            path: p.display.clone(),
            format: p.format.map(|f| f.name().to_string()),
            skipped: p.skip.clone(),
            document: p.document,
            bytes: p.input.as_ref().map(|i| i.size).unwrap_or(0),
            ..Default::default()
        };
        let (Some(input), Some(format), None) = (&p.input, p.format, &p.skip) else {
            pipeline.totals.files_skipped += 1;
            inputs.push(summary);
            continue;
        };
        if let Ok(mut cur) = progress.current.lock() {
            cur.clone_from(&p.display);
        }
        // Events come last: build the intelligence and households before the first.
        if format.role() == Role::Events && pipeline.enricher.is_none() {
            pipeline.finish_records(builder.take());
            let late = pipeline.finish_lists(&options.keyring)?;
            apply_late(&mut pipeline, &mut inputs, late);
        }
        if format == Format::Git {
            let cx = ReadContext { source, input, options: &options, sample: &[] };
            let mut counting = Counting::new(&mut pipeline);
            if let Err(e) = bonafide_ingest::commits::read_repository(&cx, &input.path, &mut counting) {
                summary.error = Some(format!("cannot read the repository: {e}"));
                counting.quarantine(QuarantineEntry {
                    pos: bonafide_core::SourcePos { source, line: 0, index: None },
                    reason: format!("repository unreadable ({e})"),
                });
            }
            let stats = counting.stats;
            tally(&mut summary, &mut pipeline.totals, stats);
            inputs.push(summary);
            continue;
        }
        let sample = match input.sample(SAMPLE_BYTES) {
            Ok(s) => s,
            Err(e) => {
                summary.error = Some(format!("cannot read: {e}"));
                pipeline.totals.files_skipped += 1;
                inputs.push(summary);
                continue;
            }
        };
        let cx = ReadContext { source, input, options: &options, sample: &sample };
        // The list loader is lent out while a list file is read.
        let mut lists = if format.role() == Role::Lists { pipeline.lists.take() } else { None };
        let mut counting = Counting::new(&mut pipeline);
        let result = match input.open(Some(progress.bytes.clone())) {
            Err(e) => Err(e),
            Ok(mut reader) => match format {
                Format::Ip(ipf) => match builder.as_mut() {
                    Some(b) => {
                        bonafide_ingest::ipintel::read(&cx, ipf, p.kind, b, &mut reader, &mut counting).map(|used| {
                            counting.stats.records += used;
                        })
                    }
                    None => Ok(()),
                },
                _ if format.role() == Role::Lists => match lists.as_mut() {
                    Some(loader) => {
                        let mut bad_rows = Vec::new();
                        let read =
                            loader.read(format, input, source.0, &sample, &mut reader, &mut |b| bad_rows.push(b));
                        for b in bad_rows {
                            counting.quarantine(QuarantineEntry {
                                pos: bonafide_core::SourcePos { source, line: b.line, index: b.index },
                                reason: b.reason,
                            });
                        }
                        read.map(|n| counting.stats.records += n)
                    }
                    None => Err(std::io::Error::other("lists were already built when this list was reached")),
                },
                _ => bonafide_ingest::read(&cx, format, &mut reader, &mut counting),
            },
        };
        if let Err(e) = result {
            summary.error = Some(format!("reading stopped early: {e}"));
            counting.quarantine(QuarantineEntry {
                pos: bonafide_core::SourcePos { source, line: 0, index: None },
                reason: format!("input ends early ({e}); the records before were read"),
            });
        }
        let stats = counting.stats;
        if lists.is_some() {
            pipeline.lists = lists.take();
        }
        tally(&mut summary, &mut pipeline.totals, stats);
        pipeline.totals.bytes += input.size;
        inputs.push(summary);
        if matches!(format, Format::Ip(IpFormat::Mmdb)) {
            tracing::debug!(path = %p.display, "mmdb loaded");
        }
    }
    if let Some(feed) = feed {
        let fed = feed.inputs().map_err(ScanError::Feed)?;
        if !fed.is_empty() && pipeline.enricher.is_none() {
            pipeline.finish_records(builder.take());
            let late = pipeline.finish_lists(&options.keyring)?;
            apply_late(&mut pipeline, &mut inputs, late);
        }
        for (i, (display, format)) in fed.into_iter().enumerate() {
            let source = sources.add(display.clone());
            let mut summary = InputSummary { path: display, format: Some(format), ..Default::default() };
            let mut counting = Counting::new(&mut pipeline);
            let result = feed.events(i, &mut |fed| match fed {
                Fed::Event(mut e) => {
                    e.source.source = source;
                    e.subject = None;
                    counting.event(e);
                }
                Fed::Quarantine(mut q) => {
                    q.pos.source = source;
                    counting.quarantine(q);
                }
                Fed::FieldIssue(mut q) => {
                    q.pos.source = source;
                    counting.field_issue(q);
                }
            });
            if let Err(e) = result {
                summary.error = Some(format!("replay stopped early: {e}"));
                counting.quarantine(QuarantineEntry {
                    pos: bonafide_core::SourcePos { source, line: 0, index: None },
                    reason: format!("stored events end early ({e}); the events before were replayed"),
                });
            }
            let stats = counting.stats;
            tally(&mut summary, &mut pipeline.totals, stats);
            inputs.push(summary);
        }
    }
    if pipeline.enricher.is_none() {
        pipeline.finish_records(builder.take());
    }
    let late = pipeline.finish_lists(&options.keyring)?;
    apply_late(&mut pipeline, &mut inputs, late);

    if pipeline.totals.files_read == 0 {
        let reasons: Vec<String> = crate::outcome::not_read_by_reason(&inputs)
            .into_iter()
            .map(|(why, paths)| match paths.as_slice() {
                [one] => format!("  {one}: {why}"),
                _ => format!("  {} files: {why}\n    {}", paths.len(), crate::outcome::listed(&paths, 10)),
            })
            .collect();
        let reasons = if reasons.is_empty() {
            let given: Vec<String> = req.paths.iter().map(|p| p.display().to_string()).collect();
            if given.is_empty() {
                "  (no paths given)".to_string()
            } else {
                format!("  no files found in {} (hidden files are skipped)", given.join(", "))
            }
        } else {
            reasons.join("\n")
        };
        return Err(ScanError::NoInput(reasons));
    }

    load_documents(config, &mut pipeline, &mut inputs);
    mark_documents(&pipeline.subjects, &planned, &mut inputs);

    let cx = Context {
        subjects: &pipeline.subjects,
        records: &pipeline.records,
        households: &pipeline.households,
        config: &config.detect,
        scoring: &config.scoring,
        catalog: Catalog::builtin(),
        screening: &pipeline.screening,
    };
    let mut findings = pipeline.engine.conclude(&cx).list;
    let mut activity = pipeline.engine.take_activity();
    activity.resize(pipeline.subjects.len(), None);
    let (mut by_subject, mut scores) = score_all(config, &findings, pipeline.subjects.len());
    // Second pass: detectors that need to know who is high-risk (A11), then score again.
    let more = pipeline.engine.reconsider(&cx, &Risk { scores: &scores }).list;
    if !more.is_empty() {
        findings.extend(more);
        (by_subject, scores) = score_all(config, &findings, pipeline.subjects.len());
    }
    // The identifier graph: clusters, cluster findings (C2/G3/D3 not already found, H7),
    // then H6 for subjects strongly linked to a critical one, and a last scoring pass.
    let run_graph = RunGraph::build(&cx, &findings);
    let more = run_graph.findings(&cx, &findings);
    if !more.is_empty() {
        findings.extend(more);
        (by_subject, scores) = score_all(config, &findings, pipeline.subjects.len());
    }
    let (h6, via) = run_graph.propagation(&cx, &scores);
    if !h6.is_empty() {
        findings.extend(h6);
        (by_subject, scores) = score_all(config, &findings, pipeline.subjects.len());
        graph::annotate(&mut scores, &via);
    }
    let clusters = run_graph.clusters();
    let mut unmatched: Vec<(String, String, u64)> =
        pipeline.unmatched.into_iter().map(|((s, a), n)| (s, a, n)).collect();
    unmatched.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
    unmatched.truncate(100);
    let intel = pipeline.enricher.as_ref().map(|e| e.intel().stats().clone()).unwrap_or_default();
    let outcome = ScanOutcome {
        run: RunInfo {
            run_id: run_id(started),
            started_at: started,
            finished_at: now(),
            version: env!("CARGO_PKG_VERSION"),
        },
        sources,
        inputs,
        subjects: pipeline.subjects,
        records: pipeline.records,
        activity,
        findings,
        by_subject,
        scores,
        clusters,
        quarantine: pipeline.quarantine,
        field_issues: pipeline.field_issues,
        totals: pipeline.totals,
        intel,
        unmatched,
        detectors: pipeline.engine.names(),
        lists: pipeline.screening.sources().to_vec(),
        own_outputs_skipped: own_outputs_skipped.iter().map(|p| p.display().to_string()).collect(),
    };
    if req.strict {
        let mut reasons = Vec::new();
        if outcome.totals.quarantined > 0 {
            let first = outcome
                .quarantine
                .first()
                .map(|q| format!("{}: {}", outcome.sources.display(&q.pos), q.reason))
                .unwrap_or_default();
            reasons.push(format!("{} record(s) quarantined; first: {first}", outcome.totals.quarantined));
        }
        let lost: Vec<&InputSummary> = outcome.inputs.iter().filter(|i| i.lost()).collect();
        if let Some(first) = lost.first() {
            let why = first.not_read().unwrap_or("not read");
            reasons.push(format!("{} input file(s) not read; first: {}: {why}", lost.len(), first.path));
        }
        if !reasons.is_empty() {
            return Err(ScanError::Strict { reasons, outcome: Box::new(outcome) });
        }
    }
    Ok(outcome)
}

/// A file skipped while walking that people.csv names as a resume or photo was read
/// from there: it is marked a document, so that `--strict` does not count it lost.
fn mark_documents(subjects: &[Subject], planned: &[Planned], inputs: &mut [InputSummary]) {
    let referenced: HashSet<PathBuf> = subjects
        .iter()
        .flat_map(|s| [s.resume_path.as_ref(), s.photo_path.as_ref()])
        .flatten()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    if referenced.is_empty() {
        return;
    }
    // `inputs` starts with one summary per planned file, in the same order.
    for (p, summary) in planned.iter().zip(inputs.iter_mut()) {
        let Some(input) = &p.input else { continue };
        if summary.skipped.is_some()
            && !summary.document
            && std::fs::canonicalize(&input.path).is_ok_and(|c| referenced.contains(&c))
        {
            summary.document = true;
            summary.skipped = Some("a resume or photo people.csv points to, read as such".into());
        }
    }
}

/// Reads and reduces the resumes and photos people.csv points to. A file that cannot be
/// used is a field issue of its people row, counted with the people file's.
fn load_documents(config: &Config, pipeline: &mut Pipeline<'_>, inputs: &mut [InputSummary]) {
    let limits = bonafide_ingest::documents::DocumentLimits {
        max_resume_bytes: config.documents.max_resume_bytes,
        max_photo_bytes: config.documents.max_photo_bytes,
        max_photo_pixels: config.documents.max_photo_pixels,
        ..Default::default()
    };
    let mut issues = Vec::new();
    let docs = bonafide_ingest::documents::load(&pipeline.subjects, &limits, &mut |e| issues.push(e));
    pipeline.totals.field_issues += issues.len() as u64;
    for e in issues {
        if let Some(i) = inputs.get_mut(e.pos.source.0 as usize) {
            i.field_issues += 1;
        }
        RecordSink::field_issue(pipeline, e);
    }
    pipeline.records.documents = docs;
}

/// Each subject's findings (indices into `findings`) and score.
fn score_all(
    config: &Config,
    findings: &[bonafide_core::Finding],
    subjects: usize,
) -> (Vec<Vec<usize>>, Vec<bonafide_core::Score>) {
    let mut by_subject: Vec<Vec<usize>> = vec![Vec::new(); subjects];
    for (i, f) in findings.iter().enumerate() {
        for s in &f.subjects {
            if let Some(list) = by_subject.get_mut(s.index())
                && !list.contains(&i)
            {
                list.push(i);
            }
        }
    }
    let scores = by_subject.iter().map(|idx| config.scoring.score(idx.iter().map(|&i| &findings[i]), &[])).collect();
    (by_subject, scores)
}

/// Quarantines list rows rejected when the lists were joined, in their file's counts.
fn apply_late(pipeline: &mut Pipeline<'_>, inputs: &mut [InputSummary], late: Vec<(u32, BadRow)>) {
    for (tag, b) in late {
        if let Some(i) = inputs.get_mut(tag as usize) {
            i.records = i.records.saturating_sub(1);
            i.quarantined += 1;
        }
        pipeline.totals.records = pipeline.totals.records.saturating_sub(1);
        pipeline.totals.quarantined += 1;
        pipeline.quarantine(QuarantineEntry {
            pos: bonafide_core::SourcePos { source: bonafide_core::SourceId(tag), line: b.line, index: b.index },
            reason: b.reason,
        });
    }
}

/// The id of the subject at `idx`, for messages.
pub fn subject_id(outcome: &ScanOutcome, idx: SubjectIdx) -> &str {
    outcome.subjects.get(idx.index()).map(|s| s.id.as_str()).unwrap_or("?")
}
