//! Postal addresses folded into a comparison key, good enough for US mail.
//!
//! Two records of one home rarely agree letter for letter: `12 Oak Street, Apt. 4` and
//! `12 OAK ST #4` are one door. The key folds case, accents and punctuation, applies the
//! USPS standard abbreviations from `data/address.toml` (street suffixes, directionals,
//! ordinals), folds every unit designator to `#`, keeps ZIP+4 as its five-digit ZIP and
//! restores the leading zero a spreadsheet took from a New England ZIP. The unit number
//! stays in the key: an apartment block with several unrelated tenants is several
//! addresses, not a laptop farm. [`compare_keys`] says how two keys relate when one side
//! left the unit out, and [`mail_drops`] recognises places that receive parcels for
//! people who do not live there (carrier stores, forwarders, private mailboxes), from
//! `data/mail_drops.toml`.

use std::collections::HashMap;
use std::sync::OnceLock;

use bonafide_core::{CountryCode, PostalAddress};
use serde::Deserialize;

use crate::places::{Places, fold};

const TABLES: &str = include_str!("../data/address.toml");
const DROPS: &str = include_str!("../data/mail_drops.toml");

#[derive(Debug, Deserialize)]
struct Tables {
    suffixes: HashMap<String, String>,
    directionals: HashMap<String, String>,
    ordinals: HashMap<String, String>,
    words: HashMap<String, String>,
    units: Units,
}

#[derive(Debug, Deserialize)]
struct Units {
    words: Vec<String>,
    bare: HashMap<String, String>,
    private_mailbox: Vec<String>,
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    // Checked by the unit tests below; a failure is a build defect.
    T.get_or_init(|| toml::from_str(TABLES).expect("embedded address.toml is valid"))
}

/// One address line, read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Line {
    /// Standard tokens of the street part (`12 N OAK ST`, `PO BOX 123`).
    pub street: String,
    /// The unit, letters and digits only (`4B`), or a bare designator (`REAR`).
    pub unit: Option<String>,
    /// The unit was introduced by a private-mailbox designator (PMB).
    pub private_mailbox: bool,
    pub po_box: bool,
    /// The line names someone to care of (`c/o`, `Attn`): not part of the address.
    pub care_of: bool,
    pub general_delivery: bool,
}

fn is_care_of(tokens: &[&str]) -> bool {
    matches!(tokens, ["C", "O", ..] | ["CO", ..] | ["CARE", "OF", ..] | ["ATTN", ..] | ["ATTENTION", ..])
        && !(tokens.first() == Some(&"CO") && tokens.len() > 1 && tokens[1].chars().all(|c| c.is_ascii_digit()))
}

/// Folds `PO BOX` spellings (`P.O. Box`, `Post Office Box`, `POB`, `POBox`) to `PO BOX`;
/// returns how many leading tokens it replaced.
fn po_box_prefix(tokens: &[&str]) -> Option<usize> {
    match tokens {
        ["PO", "BOX", ..] => Some(2),
        ["P", "O", "BOX", ..] => Some(3),
        ["POST", "OFFICE", "BOX", ..] => Some(3),
        ["P", "O", "B", ..] => Some(3),
        ["POB", ..] | ["POBOX", ..] => Some(1),
        ["BOX", n, ..] if n.chars().all(|c| c.is_ascii_digit()) => Some(1),
        _ => None,
    }
}

/// Reads one address line. `in_line2` says the line is the second line, where a bare
/// value (`4`, `4B`) is the unit.
pub fn read_line(raw: &str, in_line2: bool) -> Line {
    let t = tables();
    // Folding drops punctuation, `#` included: split it off as a token of its own first.
    let spaced = raw.replace('#', " \u{1} ");
    let folded: Vec<String> = spaced
        .split_whitespace()
        .flat_map(|w| {
            if w == "\u{1}" {
                vec!["#".to_string()]
            } else {
                fold(w).to_uppercase().split_whitespace().map(str::to_string).collect()
            }
        })
        .collect();
    let tokens: Vec<&str> = folded.iter().map(String::as_str).collect();
    let mut line = Line::default();
    if tokens.is_empty() {
        return line;
    }
    if is_care_of(&tokens) {
        line.care_of = true;
        return line;
    }
    if tokens.starts_with(&["GENERAL", "DELIVERY"]) || tokens.starts_with(&["GEN", "DEL"]) {
        line.general_delivery = true;
        line.street = "GENERAL DELIVERY".into();
        return line;
    }
    let mut street: Vec<String> = Vec::new();
    let mut i = 0;
    if let Some(n) = po_box_prefix(&tokens) {
        line.po_box = true;
        street.push("PO".into());
        street.push("BOX".into());
        i = n;
    }
    let is_unit_word = |tok: &str| tok == "#" || t.units.words.iter().any(|w| w == tok);
    while i < tokens.len() {
        let tok = tokens[i];
        // A designator with a value after it; on line 2 it may come first.
        if is_unit_word(tok) && (i > 0 || in_line2) && i + 1 < tokens.len() {
            line.private_mailbox |= t.units.private_mailbox.iter().any(|w| w == tok);
            let value: String = tokens[i + 1..]
                .iter()
                .filter(|s| !is_unit_word(s))
                .flat_map(|s| s.chars())
                .filter(|c| c.is_alphanumeric())
                .collect();
            if !value.is_empty() {
                line.unit = Some(value);
            }
            break;
        }
        // A bare designator at the end of the line (`12 Oak St Rear`).
        if let Some(std) = t.units.bare.get(tok)
            && i + 1 == tokens.len()
            && (i >= 2 || in_line2)
        {
            line.unit = Some(std.clone());
            break;
        }
        if in_line2 && i == 0 && tokens.len() == 1 && tok.chars().any(|c| c.is_ascii_digit()) {
            line.unit = Some(tok.to_string());
            break;
        }
        let mapped = t
            .suffixes
            .get(tok)
            .or_else(|| t.directionals.get(tok))
            .or_else(|| t.ordinals.get(tok))
            .or_else(|| t.words.get(tok))
            .map(String::as_str)
            .unwrap_or(tok);
        // `N E` (from `N.E.`) and `NORTH EAST` are `NE`.
        if let Some(prev) = street.last_mut()
            && (prev == "N" || prev == "S")
            && (mapped == "E" || mapped == "W")
            && t.directionals.values().any(|v| v == prev)
        {
            prev.push_str(mapped);
            i += 1;
            continue;
        }
        street.push(mapped.to_string());
        i += 1;
    }
    line.street = street.join(" ");
    line
}

/// Folds one street line into standard tokens, splitting off the unit: returns
/// (`12 OAK ST`, `Some("4B")`).
pub fn street_line(line: &str) -> (String, Option<String>) {
    let l = read_line(line, false);
    (l.street, l.unit)
}

/// The postal key of a code: a US ZIP or ZIP+4 as its five digits (`62701-1234` →
/// `62701`), other countries' codes folded to upper-case letters and digits. `us` says
/// the address is known to be in the US, where a ZIP that lost its leading zeros to a
/// spreadsheet (`2134`) gets them back.
fn postal_key_in(code: &str, us: bool) -> Option<String> {
    let compact: String = code.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_uppercase).collect();
    if compact.is_empty() {
        return None;
    }
    if compact.chars().all(|c| c.is_ascii_digit()) {
        let n = compact.len();
        if n == 5 || n == 9 {
            return Some(compact[..5].to_string());
        }
        if us && (3..5).contains(&n) {
            return Some(format!("{compact:0>5}"));
        }
        if us && (7..9).contains(&n) {
            return Some(format!("{compact:0>9}")[..5].to_string());
        }
    }
    Some(compact)
}

/// The five-digit ZIP of a US postal code (`62701-1234` → `62701`); other countries'
/// postal codes folded to upper-case letters and digits.
pub fn postal_key(code: &str) -> Option<String> {
    postal_key_in(code, false)
}

/// An address read into its standard parts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    pub street: String,
    pub unit: Option<String>,
    pub city: String,
    /// The region's short code for US-style display (`IL`), or its folded name.
    pub region: String,
    pub postal: Option<String>,
    pub country: Option<CountryCode>,
    pub private_mailbox: bool,
    pub po_box: bool,
    pub care_of: bool,
    pub general_delivery: bool,
}

/// Reads an address into its standard parts, or `None` when it has no street line.
pub fn parse(addr: &PostalAddress) -> Option<Parsed> {
    let line1 = addr.line1.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    let mut first = read_line(line1, false);
    let mut care_of = first.care_of;
    if first.care_of {
        // `c/o Jane Roe` on line 1 and the street on line 2.
        first = addr.line2.as_deref().map(|l| read_line(l, false)).unwrap_or_default();
    } else if let Some(line2) = addr.line2.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        // Line 2 is nearly always the unit; "Apt 4", "#4" and a bare "4" are all unit 4.
        let second = read_line(line2, true);
        care_of |= second.care_of;
        first.private_mailbox |= second.private_mailbox;
        first.general_delivery |= second.general_delivery;
        if first.unit.is_none() {
            first.unit = second.unit.or_else(|| {
                (!second.care_of && !second.general_delivery && !second.street.is_empty())
                    .then(|| second.street.chars().filter(|c| c.is_alphanumeric()).collect())
            });
        }
    }
    if first.street.is_empty() {
        return None;
    }
    let places = Places::builtin();
    let us = CountryCode::new("US");
    let given = addr.country.as_deref().and_then(|c| places.country(c));
    let region = addr.region.as_deref().and_then(|r| places.region(given.or(us), r));
    // No country given, but a US state is: the address is in the US.
    let country =
        given.or_else(|| region.as_ref().filter(|r| r.is_coded() && r.country() == us).and_then(|r| r.country()));
    let postal = addr.postal_code.as_deref().and_then(|z| postal_key_in(z, country == us));
    let region_text = match &region {
        Some(r) if r.is_coded() => r.as_str().split_once('-').map(|(_, s)| s.to_string()).unwrap_or_default(),
        Some(r) => r.as_str().split_once('~').map(|(_, s)| s.to_uppercase()).unwrap_or_default(),
        None => String::new(),
    };
    Some(Parsed {
        street: first.street,
        unit: first.unit,
        city: addr.city.as_deref().map(fold).unwrap_or_default().to_uppercase(),
        region: region_text,
        postal,
        country,
        private_mailbox: first.private_mailbox,
        po_box: first.po_box,
        care_of,
        general_delivery: first.general_delivery,
    })
}

impl Parsed {
    /// `street|unit|locality|country`, where the locality is the postal key when there
    /// is one, else `CITY~REGION`.
    pub fn key(&self) -> String {
        let locality = match &self.postal {
            Some(z) => z.clone(),
            None => format!("{}~{}", self.city, self.region),
        };
        format!(
            "{}|{}|{}|{}",
            self.street,
            self.unit.as_deref().unwrap_or_default(),
            locality,
            self.country.map(|c| c.to_string()).unwrap_or_default()
        )
    }

    /// One line in USPS style: `12 OAK ST #4, SPRINGFIELD, IL 62701, US`.
    pub fn display(&self) -> String {
        let mut out = self.street.clone();
        if let Some(u) = &self.unit {
            out.push_str(" #");
            out.push_str(u);
        }
        if !self.city.is_empty() {
            out.push_str(", ");
            out.push_str(&self.city);
        }
        let tail: Vec<&str> = [self.region.as_str(), self.postal.as_deref().unwrap_or("")]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        if !tail.is_empty() {
            out.push_str(", ");
            out.push_str(&tail.join(" "));
        }
        if let Some(c) = self.country {
            out.push_str(", ");
            out.push_str(c.as_str());
        }
        out
    }
}

/// The comparison key of an address, or `None` when it has no street line.
///
/// `street|unit|locality|country`, where the locality is the postal key when there is
/// one, else `city~region`.
pub fn address_key(addr: &PostalAddress) -> Option<String> {
    parse(addr).map(|p| p.key())
}

/// The normalised address for display, or `None` when it has no street line.
pub fn display(addr: &PostalAddress) -> Option<String> {
    parse(addr).map(|p| p.display())
}

/// How two address keys relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Door {
    /// One door.
    Same,
    /// One building; one side gave no unit.
    UnitUnknown,
    /// One building, different units: different homes.
    OtherUnit,
    Different,
}

/// Compares two keys of [`address_key`]. A locality given as a ZIP on one side and as
/// city and region on the other cannot be compared and is taken as the same.
pub fn compare_keys(a: &str, b: &str) -> Door {
    let pa: Vec<&str> = a.split('|').collect();
    let pb: Vec<&str> = b.split('|').collect();
    if pa.len() != 4 || pb.len() != 4 {
        return if a == b { Door::Same } else { Door::Different };
    }
    if pa[0] != pb[0] {
        return Door::Different;
    }
    let zipped = |l: &str| !l.contains('~');
    if zipped(pa[2]) == zipped(pb[2]) && pa[2] != pb[2] {
        return Door::Different;
    }
    if !pa[3].is_empty() && !pb[3].is_empty() && pa[3] != pb[3] {
        return Door::Different;
    }
    match (pa[1], pb[1]) {
        (x, y) if x == y => Door::Same,
        ("", _) | (_, "") => Door::UnitUnknown,
        _ => Door::OtherUnit,
    }
}

/// Reads a one-line address as people write it in configuration:
/// `1 Corporate Way, Suite 100, Springfield, IL 62701, US`. The last part is the country
/// when it names one; the part before holds the region and postal code; the part before
/// that is the city; the first part is line 1 and anything between is line 2.
pub fn parse_one_line(s: &str) -> PostalAddress {
    let places = Places::builtin();
    let mut parts: Vec<&str> = s.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
    let mut a = PostalAddress::default();
    if parts.len() > 1
        && let Some(last) = parts.last()
        && places.country(last).is_some()
        && !last.chars().any(|c| c.is_ascii_digit())
    {
        a.country = Some(last.to_string());
        parts.pop();
    }
    if parts.len() > 1
        && let Some(last) = parts.last().copied()
    {
        let words: Vec<&str> = last.split_whitespace().collect();
        let is_code = |w: &str| w.chars().any(|c| c.is_ascii_digit());
        let code_start = words.iter().position(|w| is_code(w)).unwrap_or(words.len());
        if code_start < words.len() || words.len() == 1 {
            let region = words[..code_start].join(" ");
            let code = words[code_start..].join(" ");
            if !region.is_empty() {
                a.region = Some(region);
            }
            if !code.is_empty() {
                a.postal_code = Some(code);
            }
            parts.pop();
        }
    }
    if parts.len() > 1 {
        a.city = parts.pop().map(str::to_string);
    }
    if let Some(first) = parts.first() {
        a.line1 = Some(first.to_string());
    }
    if parts.len() > 1 {
        a.line2 = Some(parts[1..].join(" "));
    }
    a.key = address_key(&a);
    a
}

/// What kind of place receives parcels for someone who does not live there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DropKind {
    MailForwarder,
    VirtualMailbox,
    CarrierStore,
    ParcelLocker,
    /// A PMB at a commercial mail receiving agency.
    PrivateMailbox,
    PoBox,
    GeneralDelivery,
    /// Addressed to the care of someone else.
    CareOf,
    /// On the user's own list.
    Listed,
}

impl DropKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DropKind::MailForwarder => "mail forwarder",
            DropKind::VirtualMailbox => "virtual mailbox",
            DropKind::CarrierStore => "carrier store",
            DropKind::ParcelLocker => "parcel locker",
            DropKind::PrivateMailbox => "private mailbox (PMB)",
            DropKind::PoBox => "PO box",
            DropKind::GeneralDelivery => "general delivery",
            DropKind::CareOf => "care of someone else",
            DropKind::Listed => "listed mail drop",
        }
    }
}

/// One recognised mail drop: its kind and what identified it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailDrop {
    pub kind: DropKind,
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DropEntry {
    kind: DropKind,
    name: String,
    words: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DropFile {
    drop: Vec<DropEntry>,
}

/// The built-in drops with their words pre-folded to ` WORD WORD ` for whole-word search.
fn drops() -> &'static [(DropKind, String, Vec<String>)] {
    static D: OnceLock<Vec<(DropKind, String, Vec<String>)>> = OnceLock::new();
    D.get_or_init(|| {
        // Checked by the unit tests below; a failure is a build defect.
        let file: DropFile = toml::from_str(DROPS).expect("embedded mail_drops.toml is valid");
        file.drop.into_iter().map(|d| (d.kind, d.name, d.words.iter().map(|w| padded(w)).collect())).collect()
    })
}

fn padded(s: &str) -> String {
    format!(" {} ", fold(s).to_uppercase())
}

/// The mail drops an address (and its recipient line) shows: known carrier stores,
/// forwarders and lockers by name, the user's `extra` names, and structural signs
/// (PMB, PO box, General Delivery, care of).
pub fn mail_drops(addr: &PostalAddress, recipient: Option<&str>, extra: &[String]) -> Vec<MailDrop> {
    let mut out: Vec<MailDrop> = Vec::new();
    let mut push = |kind: DropKind, name: &str| {
        if !out.iter().any(|d| d.kind == kind) {
            out.push(MailDrop { kind, name: name.to_string() });
        }
    };
    let text: String = [addr.line1.as_deref(), addr.line2.as_deref(), recipient]
        .into_iter()
        .flatten()
        .map(|s| fold(s).to_uppercase())
        .collect::<Vec<_>>()
        .join(" ");
    let text = format!(" {text} ");
    for (kind, name, words) in drops() {
        if words.iter().any(|w| text.contains(w.as_str())) {
            push(*kind, name);
        }
    }
    for name in extra {
        let w = padded(name);
        if w.trim().len() > 1 && text.contains(&w) {
            push(DropKind::Listed, name);
        }
    }
    if let Some(p) = parse(addr) {
        if p.private_mailbox {
            push(DropKind::PrivateMailbox, "PMB");
        }
        if p.po_box {
            push(DropKind::PoBox, "PO box");
        }
        if p.general_delivery {
            push(DropKind::GeneralDelivery, "General Delivery");
        }
        if p.care_of {
            push(DropKind::CareOf, "c/o");
        }
    }
    if let Some(r) = recipient {
        let tokens: Vec<String> = fold(r).to_uppercase().split_whitespace().map(str::to_string).collect();
        let refs: Vec<&str> = tokens.iter().map(String::as_str).collect();
        if refs.windows(2).any(|w| w == ["C", "O"] || w == ["CARE", "OF"]) || refs.contains(&"ATTN") {
            push(DropKind::CareOf, "c/o");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn addr(line1: &str, line2: &str, city: &str, region: &str, zip: &str) -> PostalAddress {
        let s = |v: &str| {
            if v.is_empty() { None } else { Some(v.to_string()) }
        };
        PostalAddress {
            line1: s(line1),
            line2: s(line2),
            city: s(city),
            region: s(region),
            postal_code: s(zip),
            country: Some("US".into()),
            key: None,
        }
    }

    fn key(line1: &str, line2: &str, zip: &str) -> String {
        address_key(&addr(line1, line2, "Springfield", "IL", zip)).unwrap()
    }

    #[test]
    fn the_embedded_tables_parse() {
        let _ = tables();
        assert!(drops().len() >= 5);
    }

    #[test]
    fn one_door_many_spellings() {
        let a = address_key(&addr("12 Oak Street", "Apt. 4", "Springfield", "IL", "62701")).unwrap();
        let b = address_key(&addr("12 OAK ST #4", "", "SPRINGFIELD", "Illinois", "62701-1234")).unwrap();
        let c = address_key(&addr("12 oak st.", "Unit 4", "Springfield", "IL", "62701")).unwrap();
        let d = address_key(&addr("12 Oak St", "4", "Springfield", "IL", "62701")).unwrap();
        let e = address_key(&addr("12 Oak St, Apt # 4", "", "Springfield", "IL", "627011234")).unwrap();
        let f = address_key(&addr("12 Oak St", "#4", "Springfield", "IL", "62701 1234")).unwrap();
        for other in [&b, &c, &d, &e, &f] {
            assert_eq!(&a, other);
        }
        assert_eq!(a, "12 OAK ST|4|62701|US");
    }

    #[test]
    fn units_and_directions_matter() {
        let a = key("500 North Main Street", "Apt 4", "10001");
        let b = key("500 N Main St", "Apt 5", "10001");
        assert_ne!(a, b, "different units are different homes");
        assert_eq!(a, key("500 N Main St", "Apt 4", "10001"));
        assert_ne!(a, key("500 South Main Street", "Apt 4", "10001"));
        assert_eq!(key("1 N.E. 2nd Ave", "", "33132"), key("1 Northeast Second Avenue", "", "33132"));
        assert_eq!(key("1 NE 2nd Ave", "", "33132"), key("1 North East 2nd Ave", "", "33132"));
    }

    #[test]
    fn unit_spellings() {
        assert_eq!(key("12 Oak St", "Apt 4-B", "62701"), key("12 Oak St Apt 4B", "", "62701"));
        assert_eq!(key("12 Oak St", "Suite 200", "62701"), key("12 Oak St Ste 200", "", "62701"));
        assert_eq!(key("12 Oak St Rear", "", "62701"), key("12 Oak St", "Rear", "62701"));
        assert_eq!(street_line("12 Oak St Rear"), ("12 OAK ST".to_string(), Some("REAR".to_string())));
        assert_eq!(street_line("12 Front St").0, "12 FRONT ST", "a street named Front");
        assert_eq!(street_line("12 Oak St Apartment 7").1.as_deref(), Some("7"));
        assert_eq!(street_line("12 Oak St #").1, None, "a lone # is no unit");
    }

    #[test]
    fn saints_ordinals_and_zips() {
        assert_eq!(key("5 St. James Pl", "", "02134"), key("5 Saint James Place", "", "2134"));
        assert_eq!(key("5 Eleventh St", "", "02134-1234"), key("5 11th Street", "", "21341234"));
        let ne = address_key(&addr("5 Elm St", "", "Boston", "MA", "2134")).unwrap();
        assert!(ne.contains("|02134|"), "{ne}");
        // A Danish four-digit code is not a US ZIP.
        let dk = PostalAddress {
            line1: Some("Vesterbrogade 1".into()),
            postal_code: Some("1620".into()),
            country: Some("Denmark".into()),
            ..Default::default()
        };
        assert_eq!(address_key(&dk).unwrap(), "VESTERBROGADE 1||1620|DK");
    }

    #[test]
    fn country_from_a_us_state() {
        let mut a = addr("12 Oak St", "", "Springfield", "IL", "62701");
        a.country = None;
        assert_eq!(address_key(&a).unwrap(), "12 OAK ST||62701|US");
        a.region = None;
        assert_eq!(address_key(&a).unwrap(), "12 OAK ST||62701|");
    }

    #[test]
    fn without_zip_uses_city_and_region() {
        let a = address_key(&addr("1 First Avenue", "", "Austin", "Texas", "")).unwrap();
        let b = address_key(&addr("1 1st Ave", "", "AUSTIN", "TX", "")).unwrap();
        assert_eq!(a, b);
        assert!(address_key(&addr("", "", "Austin", "TX", "")).is_none());
    }

    #[test]
    fn po_boxes_and_care_of() {
        for s in ["P.O. Box 123", "PO BOX 123", "Post Office Box 123", "POB 123", "P O Box 123", "Box 123"] {
            let l = read_line(s, false);
            assert_eq!((l.street.as_str(), l.po_box), ("PO BOX 123", true), "{s}");
        }
        let a = addr("12 Oak St", "c/o John Smith", "Springfield", "IL", "62701");
        let p = parse(&a).unwrap();
        assert!(p.care_of);
        assert_eq!(p.unit, None, "a care-of line is not a unit");
        let b = addr("c/o Acme Mail", "12 Oak St", "Springfield", "IL", "62701");
        assert_eq!(address_key(&b).unwrap(), "12 OAK ST||62701|US");
        assert!(!read_line("12 County Road 5", false).care_of);
    }

    #[test]
    fn compares_leniently_on_missing_units() {
        let home = key("500 Main St", "Apt 4", "10001");
        assert_eq!(compare_keys(&home, &key("500 Main Street", "", "10001")), Door::UnitUnknown);
        assert_eq!(compare_keys(&home, &key("500 Main St", "Apt 5", "10001")), Door::OtherUnit);
        assert_eq!(compare_keys(&home, &key("500 Main St", "#4", "10001-0001")), Door::Same);
        assert_eq!(compare_keys(&home, &key("501 Main St", "Apt 4", "10001")), Door::Different);
        assert_eq!(compare_keys(&home, &key("500 Main St", "Apt 4", "10002")), Door::Different);
        let no_zip = address_key(&addr("500 Main St", "Apt 4", "Springfield", "IL", "")).unwrap();
        assert_eq!(compare_keys(&home, &no_zip), Door::Same, "ZIP against city: cannot tell, same street");
    }

    #[test]
    fn displays_in_usps_style() {
        let a = addr("12 Oak Street", "Apt. 4", "Springfield", "Illinois", "62701-1234");
        assert_eq!(display(&a).unwrap(), "12 OAK ST #4, SPRINGFIELD, IL 62701, US");
    }

    #[test]
    fn one_line_addresses() {
        let a = parse_one_line("1 Corporate Way, Suite 100, Springfield, IL 62701, US");
        assert_eq!(a.line1.as_deref(), Some("1 Corporate Way"));
        assert_eq!(a.line2.as_deref(), Some("Suite 100"));
        assert_eq!(a.city.as_deref(), Some("Springfield"));
        assert_eq!(a.region.as_deref(), Some("IL"));
        assert_eq!(a.postal_code.as_deref(), Some("62701"));
        assert_eq!(a.key.as_deref(), Some("1 CORPORATE WAY|100|62701|US"));
        let b = parse_one_line("1 Corporate Way Ste 100, Springfield, Illinois 62701");
        assert_eq!(b.key, a.key, "country from the state");
    }

    #[test]
    fn mail_drops_are_recognised() {
        let kinds = |a: &PostalAddress, r: Option<&str>| -> Vec<DropKind> {
            mail_drops(a, r, &["Acme Parcel Depot".to_string()]).into_iter().map(|d| d.kind).collect()
        };
        let ups = addr("The UPS Store #4512", "123 Main St", "Dover", "DE", "19901");
        assert_eq!(kinds(&ups, None), vec![DropKind::CarrierStore]);
        let pmb = addr("2810 N Church St", "PMB 98765", "Wilmington", "DE", "19802");
        assert_eq!(kinds(&pmb, None), vec![DropKind::PrivateMailbox]);
        let fwd = addr("4500 SE Shipito Way", "Suite ABC123", "Portland", "OR", "97222");
        assert_eq!(kinds(&fwd, None), vec![DropKind::MailForwarder]);
        let co = addr("12 Oak St", "", "Springfield", "IL", "62701");
        assert_eq!(kinds(&co, Some("Jane Roe c/o Bob Smith")), vec![DropKind::CareOf]);
        assert_eq!(kinds(&co, Some("Jane Roe")), vec![]);
        let listed = addr("9 Acme Parcel Depot Blvd", "", "Austin", "TX", "73301");
        assert_eq!(kinds(&listed, None), vec![DropKind::Listed]);
        let gd = addr("General Delivery", "", "Austin", "TX", "73301");
        assert_eq!(kinds(&gd, None), vec![DropKind::GeneralDelivery]);
        // Whole words only: "Upshire Store Rd" is no UPS Store.
        let road = addr("12 Upshire Store Rd", "", "Springfield", "IL", "62701");
        assert_eq!(kinds(&road, None), vec![]);
    }

    proptest! {
        #[test]
        fn never_panics(l1 in ".{0,60}", l2 in ".{0,20}", zip in "[0-9 -]{0,12}", region in "[A-Za-z ]{0,12}") {
            let a = PostalAddress {
                line1: Some(l1.clone()), line2: Some(l2), city: Some("X".into()), region: Some(region),
                postal_code: Some(zip), country: None, key: None,
            };
            if let Some(k) = address_key(&a) {
                prop_assert_eq!(k.split('|').count(), 4);
                prop_assert_eq!(compare_keys(&k, &k), Door::Same);
            }
            let _ = mail_drops(&a, Some(&l1), &[]);
            let _ = parse_one_line(&l1);
        }
    }
}
