//! Resumes and profile photos referenced by `people.csv` (`resume_path`, `photo_path`,
//! relative to the people file).
//!
//! Each file is read once and reduced on the spot: a resume to its shingle hashes,
//! MinHash sketch and technology claims, a photo to its perceptual hash; the text and
//! pixels go no further. Resumes are read as plain text (UTF-8, invalid bytes replaced).
//! PDF and Word files are recognised from their first bytes and skipped with a reason:
//! no well-kept pure-Rust extractor is cheap enough to build in (export them as text).
//! A file that is missing, unreadable, too large or not what it should be is a field
//! issue of its people row (the subject is kept, without that document), never a panic.

use std::io::Read;
use std::path::Path;

use bonafide_core::documents::{DocumentCounts, Documents, PhotoPrint, ResumePrint, TechClaim};
use bonafide_core::{QuarantineEntry, SourcePos, Subject, SubjectIdx};
use bonafide_intel::minhash::{self, SketchShape};
use bonafide_intel::phash;
use bonafide_intel::tech::TechTable;

/// Limits on the files read.
#[derive(Clone, Debug)]
pub struct DocumentLimits {
    pub max_resume_bytes: u64,
    pub max_photo_bytes: u64,
    pub max_photo_pixels: u64,
    pub shape: SketchShape,
}

impl Default for DocumentLimits {
    fn default() -> Self {
        DocumentLimits {
            max_resume_bytes: 2 << 20,
            max_photo_bytes: 20 << 20,
            max_photo_pixels: 40_000_000,
            shape: SketchShape::default(),
        }
    }
}

/// Reads every subject's resume and photo. `issue` receives one entry per file that
/// could not be used, at the subject's people row. Files are read on every available
/// core (each subject's files independently); results come back in subject order.
pub fn load(subjects: &[Subject], limits: &DocumentLimits, issue: &mut dyn FnMut(QuarantineEntry)) -> Documents {
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 16);
    let chunk = subjects.len().div_ceil(threads).max(64);
    let parts: Vec<Part> = if subjects.len() <= chunk {
        vec![load_range(subjects, 0, limits)]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = subjects
                .chunks(chunk)
                .enumerate()
                .map(|(k, part)| scope.spawn(move || load_range(part, k * chunk, limits)))
                .collect();
            handles
                .into_iter()
                .zip(subjects.chunks(chunk))
                .map(|(h, part)| h.join().unwrap_or_else(|_| failed_range(part)))
                .collect()
        })
    };
    let mut docs = Documents::default();
    for p in parts {
        docs.resumes.extend(p.resumes);
        docs.photos.extend(p.photos);
        docs.counts.resumes_read += p.counts.resumes_read;
        docs.counts.resumes_skipped += p.counts.resumes_skipped;
        docs.counts.photos_read += p.counts.photos_read;
        docs.counts.photos_skipped += p.counts.photos_skipped;
        for e in p.issues {
            issue(e);
        }
    }
    docs
}

/// What one thread made of a run of subjects.
#[derive(Default)]
struct Part {
    resumes: Vec<ResumePrint>,
    photos: Vec<PhotoPrint>,
    counts: DocumentCounts,
    issues: Vec<QuarantineEntry>,
}

fn pos_of(s: &Subject) -> SourcePos {
    s.source.unwrap_or(SourcePos { source: bonafide_core::SourceId(0), line: 0, index: None })
}

/// A run whose thread died (a decoder bug): every file in it is an issue, none vanishes.
fn failed_range(subjects: &[Subject]) -> Part {
    let mut p = Part::default();
    for s in subjects {
        for (field, path) in [("resume_path", &s.resume_path), ("photo_path", &s.photo_path)] {
            if let Some(path) = path {
                if field == "resume_path" {
                    p.counts.resumes_skipped += 1;
                } else {
                    p.counts.photos_skipped += 1;
                }
                p.issues.push(QuarantineEntry {
                    pos: pos_of(s),
                    reason: format!("subject {}: {field} {}: reading failed; document ignored", s.id, path.display()),
                });
            }
        }
    }
    p
}

fn load_range(subjects: &[Subject], first: usize, limits: &DocumentLimits) -> Part {
    let table = TechTable::builtin();
    let mut part = Part::default();
    for (i, s) in subjects.iter().enumerate() {
        let idx = SubjectIdx((first + i) as u32);
        let pos = pos_of(s);
        let report = |issues: &mut Vec<QuarantineEntry>, field: &str, path: &Path, why: String| {
            issues.push(QuarantineEntry {
                pos,
                reason: format!("subject {}: {field} {}: {why}; document ignored", s.id, path.display()),
            });
        };
        if let Some(path) = &s.resume_path {
            match read_resume(path, limits.max_resume_bytes) {
                Ok(text) => {
                    part.counts.resumes_read += 1;
                    part.resumes.push(reduce_resume(idx, &text, &limits.shape, table));
                }
                Err(why) => {
                    part.counts.resumes_skipped += 1;
                    report(&mut part.issues, "resume_path", path, why);
                }
            }
        }
        if let Some(path) = &s.photo_path {
            match read_bounded(path, limits.max_photo_bytes)
                .and_then(|b| phash::hash_image(&b, limits.max_photo_pixels).map_err(|e| e.to_string()))
            {
                Ok(h) => {
                    part.counts.photos_read += 1;
                    part.photos.push(PhotoPrint { subject: idx, phash: h });
                }
                Err(why) => {
                    part.counts.photos_skipped += 1;
                    report(&mut part.issues, "photo_path", path, why);
                }
            }
        }
    }
    part
}

/// The reduced form of one resume text.
pub fn reduce_resume(subject: SubjectIdx, text: &str, shape: &SketchShape, table: &TechTable) -> ResumePrint {
    let sketch = minhash::sketch(text, shape);
    let claims = table
        .claims(text)
        .into_iter()
        .map(|c| TechClaim { tech: c.tech, years: c.years, excerpt: c.excerpt })
        .collect();
    ResumePrint {
        subject,
        shingles: sketch.shingles,
        minhash: sketch.minima,
        words: minhash::words(text).count(),
        claims,
    }
}

fn read_bounded(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    let f = std::fs::File::open(path).map_err(|e| format!("cannot open ({e})"))?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    if size > max {
        return Err(format!("{size} bytes, more than the limit of {max}"));
    }
    let mut buf = Vec::new();
    f.take(max + 1).read_to_end(&mut buf).map_err(|e| format!("cannot read ({e})"))?;
    if buf.len() as u64 > max {
        return Err(format!("more than the limit of {max} bytes"));
    }
    if buf.is_empty() {
        return Err("empty file".into());
    }
    Ok(buf)
}

fn read_resume(path: &Path, max: u64) -> Result<String, String> {
    let bytes = read_bounded(path, max)?;
    if bytes.starts_with(b"%PDF") {
        return Err("PDF: text extraction is not built in; supply the resume as plain text".into());
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Err("a zip container (Word .docx?): text extraction is not built in; supply plain text".into());
    }
    if bytes.starts_with(b"\xd0\xcf\x11\xe0") {
        return Err("an old Office document (.doc): supply the resume as plain text".into());
    }
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err("binary content, not plain text".into());
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_and_unusable_files_are_issues_not_panics() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ok = dir.path().join("ok.txt");
        std::fs::write(&ok, "Ten years of Rust at Initech, built the billing service.").expect("write");
        let pdf = dir.path().join("cv.pdf");
        std::fs::write(&pdf, b"%PDF-1.7 ...").expect("write");
        let empty = dir.path().join("empty.txt");
        std::fs::write(&empty, b"").expect("write");
        let fake_photo = dir.path().join("me.png");
        std::fs::write(&fake_photo, b"not an image").expect("write");
        let subjects = vec![
            Subject {
                id: "A".into(),
                resume_path: Some(ok.clone()),
                photo_path: Some(fake_photo),
                ..Default::default()
            },
            Subject { id: "B".into(), resume_path: Some(pdf), ..Default::default() },
            Subject { id: "C".into(), resume_path: Some(dir.path().join("gone.txt")), ..Default::default() },
            Subject { id: "D".into(), resume_path: Some(empty), ..Default::default() },
            Subject { id: "E".into(), resume_path: Some(dir.path().to_path_buf()), ..Default::default() },
        ];
        let mut issues = Vec::new();
        let docs = load(&subjects, &DocumentLimits::default(), &mut |e| issues.push(e.reason));
        assert_eq!(docs.counts.resumes_read, 1);
        assert_eq!(docs.counts.resumes_skipped, 4);
        assert_eq!(docs.counts.photos_skipped, 1);
        assert_eq!(issues.len(), 5, "{issues:?}");
        assert!(issues.iter().any(|r| r.contains("PDF")));
        assert!(issues.iter().any(|r| r.contains("subject C") && r.contains("cannot open")));
        let a = docs.resume_of(SubjectIdx(0)).expect("read");
        assert_eq!(a.claims.len(), 0, "'Ten' is not a number we read");
        assert!(!a.shingles.is_empty());
        assert_eq!(docs.photo_of(SubjectIdx(0)), None);
    }

    #[test]
    fn many_subjects_load_in_order_across_threads() {
        let dir = tempfile::tempdir().expect("tempdir");
        let subjects: Vec<Subject> = (0..300)
            .map(|i| {
                let p = dir.path().join(format!("r{i}.txt"));
                if i % 7 != 0 {
                    std::fs::write(&p, format!("resume number {i} with some words")).expect("write");
                }
                Subject { id: format!("S{i}"), resume_path: Some(p), ..Default::default() }
            })
            .collect();
        let mut issues = Vec::new();
        let docs = load(&subjects, &DocumentLimits::default(), &mut |e| issues.push(e.reason));
        assert_eq!(docs.resumes.len() + issues.len(), 300);
        assert!(docs.resumes.windows(2).all(|w| w[0].subject < w[1].subject), "subject order");
        assert_eq!(docs.resume_of(SubjectIdx(8)).map(|r| r.subject), Some(SubjectIdx(8)));
        assert!(docs.resume_of(SubjectIdx(7)).is_none());
    }

    #[test]
    fn an_oversized_file_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let big = dir.path().join("big.txt");
        std::fs::write(&big, vec![b'a'; 2000]).expect("write");
        let limits = DocumentLimits { max_resume_bytes: 1000, ..Default::default() };
        let subjects = vec![Subject { id: "A".into(), resume_path: Some(big), ..Default::default() }];
        let mut issues = Vec::new();
        let docs = load(&subjects, &limits, &mut |e| issues.push(e.reason));
        assert!(docs.resumes.is_empty());
        assert!(issues[0].contains("limit"), "{issues:?}");
    }
}
