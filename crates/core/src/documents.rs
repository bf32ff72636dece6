//! What the engine keeps of each subject's resume and profile photo: never the text or
//! the image, only the resume's shingle hashes and MinHash sketch, the photo's
//! perceptual hash, and the technology-experience claims read from the resume.
//!
//! These are identifiers in their own right: [`Documents::resume_of`] and
//! [`Documents::photo_of`] are how later stages (the identifier graph) read a subject's
//! resume sketch and photo hash without knowing how they were made.

use serde::Serialize;

use crate::subject::SubjectIdx;

/// "N years of TECH", as written in a resume.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TechClaim {
    /// The technology's key in the release-year table (lower case).
    pub tech: String,
    pub years: f64,
    /// The words the claim was read from (a short excerpt of the resume).
    pub excerpt: String,
}

/// One subject's resume, reduced.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ResumePrint {
    pub subject: SubjectIdx,
    /// Distinct hashed word shingles, sorted.
    #[serde(skip)]
    pub shingles: Vec<u64>,
    /// MinHash minima (`bands * rows` of them).
    #[serde(skip)]
    pub minhash: Vec<u64>,
    pub words: usize,
    pub claims: Vec<TechClaim>,
}

/// One subject's profile photo, reduced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PhotoPrint {
    pub subject: SubjectIdx,
    /// 64-bit DCT perceptual hash.
    pub phash: u64,
}

/// Counts of what happened to the referenced files.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DocumentCounts {
    pub resumes_read: u64,
    pub resumes_skipped: u64,
    pub photos_read: u64,
    pub photos_skipped: u64,
}

/// Every subject's reduced resume and photo, in subject order.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Documents {
    pub resumes: Vec<ResumePrint>,
    pub photos: Vec<PhotoPrint>,
    pub counts: DocumentCounts,
}

impl Documents {
    /// The resume sketch of `subject`, if its resume was read.
    pub fn resume_of(&self, subject: SubjectIdx) -> Option<&ResumePrint> {
        self.resumes.binary_search_by_key(&subject, |r| r.subject).ok().map(|i| &self.resumes[i])
    }

    /// The photo hash of `subject`, if its photo was read.
    pub fn photo_of(&self, subject: SubjectIdx) -> Option<u64> {
        self.photos.binary_search_by_key(&subject, |p| p.subject).ok().map(|i| self.photos[i].phash)
    }
}
