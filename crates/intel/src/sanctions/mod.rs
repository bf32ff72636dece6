//! Sanctions lists and published identifiers, and screening against them.
//!
//! This module knows lists, not people: it reads the official list formats (the OFAC
//! SDN set, the UN Security Council consolidated list, OpenSanctions FollowTheMoney
//! entities) and bonafide's own list of published identifiers into one model, [`Entry`],
//! and answers two questions about a name or an identifier a caller hands it: which
//! entries does this name match, and how well ([`Screening::screen`]); which entries
//! publish this email, domain or wallet ([`Screening::identifier`]). Detectors and the
//! `screen` command decide what a match means for a person.
//!
//! The readers keep what matching needs and what an analyst must see to judge a match:
//! names and aliases, programs, nationality, dates of birth, and the identifiers that
//! lists bury in free-text remarks (emails, websites, digital-currency addresses with
//! their chain, passports). Every row is either turned into (part of) an entry or
//! reported through the reader's `bad` callback with its line and a reason.

pub mod diff;
pub mod ftm;
pub mod identifiers;
pub mod lookalike;
pub mod matcher;
pub mod names;
pub mod ofac;
pub mod published;
pub mod remarks;
pub mod un;

use std::sync::Arc;

use bonafide_core::CountryCode;
use serde::Serialize;

pub use identifiers::{IdKind, normalise_domain, normalise_email, normalise_wallet};
pub use lookalike::{Lookalike, LookalikeConfig, LookalikeKind};
pub use matcher::{Match, MatchConfig, Query, Screening, TokenPair};

/// Which publication an entry comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    /// OFAC's Specially Designated Nationals list (the `sdn.csv` set).
    Ofac,
    /// The UN Security Council consolidated list.
    Un,
    /// OpenSanctions FollowTheMoney entities.
    Ftm,
    /// bonafide's built-in (and the user's) published identifiers: seized domains and
    /// organisations named in the IT-worker actions.
    Published,
}

impl ListKind {
    /// The name used in output (`"list": "ofac"`), the same as the input format's name.
    pub fn name(self) -> &'static str {
        match self {
            ListKind::Ofac => "ofac",
            ListKind::Un => "un",
            ListKind::Ftm => "ftm",
            ListKind::Published => "published",
        }
    }
}

/// What an entry designates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Person,
    #[default]
    Organisation,
    Vessel,
    Aircraft,
    /// A published identifier with no name of its own (a seized domain).
    Identifier,
}

/// Another name of an entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Alias {
    pub name: String,
    /// `a.k.a.`, `f.k.a.`, `n.k.a.`, or the list's own quality word (`Good`, `Low`).
    pub quality: String,
    /// Lists mark some aliases as weak (OFAC's "weak a.k.a.", the UN's `Low` quality):
    /// too generic to screen on alone. They are kept for display and scored lower.
    pub weak: bool,
}

/// A (possibly partial or approximate) date of birth.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Dob {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
    /// The last year of a range (`1960 to 1962`, the UN's `BETWEEN`).
    pub year_to: Option<i32>,
    /// The last month of a range, when the list gives one (`01 Jan 1960 to 31 Dec 1962`).
    pub month_to: Option<u8>,
    /// `circa`, `APPROXIMATELY`: compared with a tolerance of a few years.
    pub approx: bool,
}

impl Dob {
    pub fn year(year: i32) -> Dob {
        Dob { year, month: None, day: None, year_to: None, month_to: None, approx: false }
    }

    /// A full date.
    pub fn date(year: i32, month: u8, day: u8) -> Dob {
        Dob { month: Some(month), day: Some(day), ..Dob::year(year) }
    }

    /// Whether a known date of birth `(y, m, d)` is consistent with this one.
    pub fn agrees(&self, y: i32, m: u8, d: u8) -> bool {
        self.compare(&Dob::date(y, m, d)) != DobAgreement::Differs
    }

    /// How a date of birth (possibly only a year, or a year and month) compares with
    /// this listed one. Only two precise dates that agree to the month agree fully: a
    /// year, a range or a `circa` on either side agrees at most on the year, which
    /// thousands of people share.
    pub fn compare(&self, q: &Dob) -> DobAgreement {
        let slack = if self.approx { 2 } else { 0 };
        let last = self.year_to.unwrap_or(self.year);
        if q.year < self.year - slack || q.year > last + slack {
            return DobAgreement::Differs;
        }
        if self.approx || q.approx || q.year_to.is_some() {
            return DobAgreement::Year;
        }
        if self.year_to.is_some() {
            // Months bound a range at its ends, when the list gives them.
            let inside = q.month.is_none_or(|m| {
                self.month.is_none_or(|from| (q.year, m) >= (self.year, from))
                    && self.month_to.is_none_or(|to| (q.year, m) <= (last, to))
            });
            return if inside { DobAgreement::Year } else { DobAgreement::Differs };
        }
        match (self.month, q.month) {
            (Some(a), Some(b)) if a != b => DobAgreement::Differs,
            (Some(_), Some(_)) => match (self.day, q.day) {
                (Some(a), Some(b)) if a != b => DobAgreement::Differs,
                _ => DobAgreement::Full,
            },
            _ => DobAgreement::Year,
        }
    }

    pub fn label(&self) -> String {
        let mut s = match (self.day, self.month) {
            (Some(d), Some(m)) => format!("{:04}-{m:02}-{d:02}", self.year),
            (None, Some(m)) => format!("{:04}-{m:02}", self.year),
            _ => format!("{:04}", self.year),
        };
        if let Some(to) = self.year_to {
            match self.month_to {
                Some(m) => s.push_str(&format!(" to {to:04}-{m:02}")),
                None => s.push_str(&format!(" to {to:04}")),
            }
        }
        if self.approx {
            s.insert_str(0, "circa ");
        }
        s
    }
}

/// How a date of birth compares with a listed one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DobAgreement {
    /// Impossible together: another person of the same name.
    Differs,
    /// The same year (or within a listed range or `circa`): consistent, not telling.
    Year,
    /// The same date, to the month at least.
    Full,
}

/// A digital-currency address as a list publishes it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct ListedWallet {
    /// The list's currency code (`XBT`, `ETH`, `USDT`, `TRX`, ...).
    pub chain: String,
    pub address: String,
}

/// An identity document a list publishes (public list data, not a subject's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ListedDocument {
    /// `Passport`, `National ID No.`, ...
    pub kind: String,
    pub number: String,
    pub country: Option<CountryCode>,
}

/// One designated person, organisation, vessel or aircraft, or one published identifier.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Entry {
    pub list: Option<ListKind>,
    /// The file it was read from, as shown in evidence.
    pub source: Arc<str>,
    /// The line (or record index) in that file.
    pub line: u64,
    /// The list's own id: OFAC `ent_num`, UN reference number, FtM entity id.
    pub id: String,
    pub kind: EntryKind,
    pub name: String,
    pub aliases: Vec<Alias>,
    pub programs: Vec<String>,
    pub nationalities: Vec<CountryCode>,
    /// Countries of addresses, places of birth, registration.
    pub countries: Vec<CountryCode>,
    pub dobs: Vec<Dob>,
    pub emails: Vec<String>,
    pub websites: Vec<String>,
    pub wallets: Vec<ListedWallet>,
    pub documents: Vec<ListedDocument>,
    pub addresses: Vec<String>,
    /// Names of entries this one is linked to (`Linked To: ...`).
    pub linked_to: Vec<String>,
    pub remarks: String,
    /// Why the entry concerns North Korea (`program DPRK2`, `nationality KP`, `remarks
    /// mention North Korea`), or `None`. Programs alone are not enough: a North Korean
    /// national can be designated under a non-DPRK program (NPWMD, CYBER2).
    pub dprk: Option<String>,
}

impl Entry {
    pub fn list_kind(&self) -> ListKind {
        self.list.unwrap_or(ListKind::Published)
    }

    /// The programs as one string (`DPRK3; DPRK4`).
    pub fn program(&self) -> String {
        self.programs.join("; ")
    }

    /// The entry's name and every alias, primary first.
    pub fn all_names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(|a| a.name.as_str()))
    }

    /// Decides [`Entry::dprk`] from programs, nationality, countries and remarks.
    pub fn judge_dprk(&mut self) {
        let kp = CountryCode::new("KP");
        self.dprk = if let Some(p) = self.programs.iter().find(|p| is_dprk_program(p)) {
            Some(format!("program {p}"))
        } else if self.nationalities.iter().any(|c| Some(*c) == kp) {
            Some("nationality North Korea".into())
        } else if self.countries.iter().any(|c| Some(*c) == kp) {
            Some("address or place in North Korea".into())
        } else if mentions_dprk(&self.remarks) {
            Some("remarks mention North Korea".into())
        } else {
            None
        };
    }
}

/// OFAC's DPRK programs (`DPRK`, `DPRK2`, `DPRK3`, `DPRK4`, `DPRK-NKSPEA`), the UN's
/// `DPRK` regime.
pub fn is_dprk_program(p: &str) -> bool {
    let p = p.trim().to_ascii_uppercase();
    p.starts_with("DPRK") || p.contains("NKSPEA")
}

/// Whether free text names North Korea.
pub fn mentions_dprk(text: &str) -> bool {
    const NEEDLES: &[&str] = &[
        "north korea",
        "korea, north",
        "korea north",
        "dprk",
        "democratic people's republic of korea",
        "democratic people’s republic of korea",
        "pyongyang",
    ];
    let lower = text.to_lowercase();
    NEEDLES.iter().any(|n| lower.contains(n))
}

/// Something a list reader could not use: where, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRow {
    pub line: u64,
    /// For records without lines (XML elements, JSON objects): their 0-based index.
    pub index: Option<u64>,
    pub reason: String,
}

/// Where list readers report what they could not use.
pub type Bad<'a> = &'a mut dyn FnMut(BadRow);

/// Loaded lists: every entry of every list read, ready to be indexed.
#[derive(Clone, Debug, Default)]
pub struct Lists {
    pub entries: Vec<Entry>,
    /// One line per list read: `ofac (sdn.csv + alt.csv + add.csv): 17,932 entries`.
    pub sources: Vec<String>,
}

impl Lists {
    pub fn push_list(&mut self, label: String, entries: Vec<Entry>) {
        self.sources.push(format!("{label}: {} entries", entries.len()));
        self.entries.extend(entries);
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
