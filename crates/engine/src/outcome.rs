//! What a scan produces, for the sinks (report, HTML, terminal, database).

use bonafide_core::source::SourceTable;
use bonafide_core::{ActivitySummary, Finding, QuarantineEntry, Records, Score, Subject, SubjectIdx, UtcMs};
use bonafide_intel::ip::IntelStats;
use serde::Serialize;

/// One input file and what became of its records.
#[derive(Clone, Debug, Default, Serialize)]
pub struct InputSummary {
    pub path: String,
    /// The format it was read as, or recognised as when skipped.
    pub format: Option<String>,
    pub records: u64,
    pub quarantined: u64,
    pub duplicates: u64,
    pub field_issues: u64,
    /// Why the file was not read.
    pub skipped: Option<String>,
    /// Why reading stopped early (a truncated gzip stream, an I/O error).
    pub error: Option<String>,
    pub bytes: u64,
    /// Skipped, but holds no records: a picture, a PDF, a Markdown document, or a resume
    /// or photo people.csv points to (read from there).
    pub document: bool,
}

impl InputSummary {
    /// Why nothing of the input was read: it was skipped (not recognised, unreadable, an
    /// unlabelled list, a `.git` that is no repository), or reading failed before its
    /// first record. `None` for an input read, even in part.
    pub fn not_read(&self) -> Option<&str> {
        self.skipped.as_deref().or(self.error.as_deref().filter(|_| self.records + self.quarantined == 0))
    }

    /// Whether input the user gave was lost: not read, and not a mere document.
    /// `--strict` fails on these as on quarantine.
    pub fn lost(&self) -> bool {
        !self.document && self.not_read().is_some()
    }
}

/// The inputs not read (skipped, or unreadable from the start), grouped by their
/// reason, in the order the reasons first occur: a folder of unrecognised exports gives
/// the same long reason for every file, which is said once with the files it covers.
pub fn not_read_by_reason<'a>(inputs: impl IntoIterator<Item = &'a InputSummary>) -> Vec<(&'a str, Vec<&'a str>)> {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for i in inputs {
        let Some(why) = i.not_read() else { continue };
        match groups.iter_mut().find(|(w, _)| *w == why) {
            Some((_, paths)) => paths.push(&i.path),
            None => groups.push((why, vec![&i.path])),
        }
    }
    groups
}

/// `paths` joined with commas, at most `max` of them and a count of the rest.
pub fn listed(paths: &[&str], max: usize) -> String {
    let mut text = paths.iter().take(max).copied().collect::<Vec<_>>().join(", ");
    if paths.len() > max {
        text.push_str(&format!(" and {} more", paths.len() - max));
    }
    text
}

/// A link between two subjects of a cluster, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Link {
    pub a: SubjectIdx,
    pub b: SubjectIdx,
    pub kind: String,
    pub value: String,
    /// The indicator the shared identifier belongs to.
    pub indicator: String,
    /// What the shared identifier is worth for this pair, in bits (identifier graph).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bits: Option<f64>,
    /// Why the link exists, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Subjects connected by shared identifiers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cluster {
    /// Stable for the same members and kind across runs.
    pub id: String,
    pub kind: String,
    pub subjects: Vec<SubjectIdx>,
    pub links: Vec<Link>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RunInfo {
    pub run_id: String,
    pub started_at: UtcMs,
    pub finished_at: UtcMs,
    pub version: &'static str,
}

/// Counts over the whole run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Totals {
    pub files_read: u64,
    pub files_skipped: u64,
    pub records: u64,
    pub quarantined: u64,
    pub duplicates: u64,
    pub field_issues: u64,
    pub events: u64,
    /// Events tied to a subject.
    pub attributed: u64,
    /// Events of the vendors' own system principals.
    pub system_events: u64,
    /// User events whose identity nobody claims (only when implicit subjects are off).
    pub unattributed: u64,
    pub implicit_subjects: u64,
    pub bytes: u64,
}

#[derive(Debug, Serialize)]
pub struct ScanOutcome {
    pub run: RunInfo,
    pub sources: SourceTable,
    pub inputs: Vec<InputSummary>,
    pub subjects: Vec<Subject>,
    /// Subject-keyed records read (pay changes, shipments, devices, interviews, references).
    pub records: Records,
    /// Each subject's activity rhythm and inferred working zone (by subject index).
    pub activity: Vec<Option<ActivitySummary>>,
    pub findings: Vec<Finding>,
    /// Indices into `findings`, per subject.
    pub by_subject: Vec<Vec<usize>>,
    pub scores: Vec<Score>,
    pub clusters: Vec<Cluster>,
    /// A bounded sample of quarantined records (counts in `totals` are exact).
    pub quarantine: Vec<QuarantineEntry>,
    /// A bounded sample of accepted records' unusable fields.
    pub field_issues: Vec<QuarantineEntry>,
    pub totals: Totals,
    pub intel: IntelStats,
    /// Identities nobody claims, most frequent first: (system, account, events).
    pub unmatched: Vec<(String, String, u64)>,
    pub detectors: Vec<&'static str>,
    /// The screening lists loaded, one line each (`ofac ...: 14965 entries`).
    pub lists: Vec<String>,
    /// The run's own report folder, database or key file, met inside a scanned folder
    /// and not read.
    pub own_outputs_skipped: Vec<String>,
}

impl ScanOutcome {
    /// Every subject's reduced resume (shingle hashes, MinHash sketch, technology
    /// claims) and photo (64-bit perceptual hash), for stages that link identifiers
    /// across subjects: `documents().resume_of(s)` and `documents().photo_of(s)`.
    pub fn documents(&self) -> &bonafide_core::Documents {
        &self.records.documents
    }

    /// Subjects from the highest score down, ties by subject id.
    pub fn ranking(&self) -> Vec<SubjectIdx> {
        let mut order: Vec<SubjectIdx> = (0..self.subjects.len()).map(|i| SubjectIdx(i as u32)).collect();
        order.sort_by(|a, b| {
            let (sa, sb) = (&self.scores[a.index()], &self.scores[b.index()]);
            sb.score
                .cmp(&sa.score)
                .then(sb.log2_odds.total_cmp(&sa.log2_odds))
                .then_with(|| self.subjects[a.index()].id.cmp(&self.subjects[b.index()].id))
        });
        order
    }

    /// The findings of one subject, strongest first.
    pub fn findings_of(&self, s: SubjectIdx) -> Vec<&Finding> {
        let mut v: Vec<&Finding> = self.by_subject[s.index()].iter().map(|&i| &self.findings[i]).collect();
        v.sort_by(|a, b| b.weight_bits.total_cmp(&a.weight_bits).then_with(|| a.indicator.cmp(&b.indicator)));
        v
    }
}
