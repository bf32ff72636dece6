//! Identifiers buried in OFAC's free-text remarks.
//!
//! OFAC's `sdn.csv` keeps everything but the primary name in one remarks field: items
//! separated by `; `, each a label and a value (`DOB 25 Apr 1965`, `nationality Korea,
//! North`, `a.k.a. 'ALIS LLC'`, `Digital Currency Address - USDT 0xb6f5...`, `Passport
//! 109420132 (Korea, North) issued ...`), `alt. ` before a second value of the same
//! label. The parser reads the labels matching needs and leaves the rest in the remarks
//! text, which stays available for display and for the North-Korea relevance check.

use crate::places::Places;

use super::{Alias, Dob, Entry, ListedDocument, ListedWallet};

/// Remarks as OFAC cuts them: `sdn.csv` holds at most this many characters, and the
/// rest, when there is more, is in `sdn_comments.csv`.
pub const OFAC_REMARKS_LIMIT: usize = 1000;

/// Splits remarks into items on `;` outside parentheses and outside an alias's quoted
/// value. The value runs from the quote after the label (`a.k.a. '`) to the first quote
/// followed by `;`, `.` or the end, so apostrophes inside a name (`'ABU 'ABDALLAH'`,
/// `'D'S SUPERMARKET'`) neither open nor close it. A value never closed (a truncated
/// alias) ends at the next `;` like any item, and does not swallow the rest.
pub fn items(remarks: &str) -> Vec<&str> {
    let bytes = remarks.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        let mut i = start + quoted_value_end(&remarks[start..]).unwrap_or(0);
        let mut depth = 0i32;
        while i < bytes.len() {
            match bytes[i] {
                b'(' => depth += 1,
                b')' => depth = (depth - 1).max(0),
                b';' if depth == 0 => break,
                _ => {}
            }
            i += 1;
        }
        let item = remarks[start..i].trim();
        if !item.is_empty() {
            out.push(item);
        }
        start = i + 1;
    }
    out
}

/// Where the quoted value of an alias item at the start of `item` ends (just past its
/// closing quote), or `None` when the item is not a quoted alias or the quote never
/// closes.
fn quoted_value_end(item: &str) -> Option<usize> {
    let rest = item.trim_start();
    let mut at = item.len() - rest.len();
    let starts = |at: usize, p: &str| {
        item.as_bytes().get(at..at + p.len()).is_some_and(|b| b.eq_ignore_ascii_case(p.as_bytes()))
    };
    if starts(at, "alt. ") {
        at += "alt. ".len();
    }
    let label = ["weak a.k.a. '", "a.k.a. '", "f.k.a. '", "n.k.a. '"].into_iter().find(|l| starts(at, l))?;
    let b = item.as_bytes();
    (at + label.len()..b.len())
        .find(|&k| b[k] == b'\'' && matches!(b.get(k + 1), None | Some(b';') | Some(b'.')))
        .map(|k| k + 1)
}

fn strip_alt(item: &str) -> &str {
    item.strip_prefix("alt. ").unwrap_or(item).trim()
}

fn month(s: &str) -> Option<u8> {
    const M: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let s = s.trim().trim_end_matches('.').to_ascii_lowercase();
    M.iter().position(|m| s.starts_with(m)).map(|i| i as u8 + 1)
}

/// One date in OFAC's style: `25 Apr 1965`, `Apr 1965`, `1965`.
fn date(s: &str) -> Option<Dob> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let year = |p: &str| p.trim_end_matches('.').parse::<i32>().ok().filter(|y| (1800..=2100).contains(y));
    match parts.as_slice() {
        [y] => Some(Dob::year(year(y)?)),
        [m, y] => Some(Dob { month: Some(month(m)?), ..Dob::year(year(y)?) }),
        [d, m, y] => {
            let day: u8 = d.parse().ok().filter(|d| (1..=31).contains(d))?;
            Some(Dob { month: Some(month(m)?), day: Some(day), ..Dob::year(year(y)?) })
        }
        _ => None,
    }
}

/// `DOB` values: a date, `circa 1956`, `1960 to 1962`, `01 Jan 1960 to 31 Dec 1962`,
/// `circa 1979-1982`. A range keeps the months of its ends (days are not compared).
pub fn dob(value: &str) -> Option<Dob> {
    let value = value.trim().trim_end_matches('.');
    if let Some(rest) = value.strip_prefix("circa ") {
        return dob(rest).map(|d| Dob { approx: true, ..d });
    }
    let range = value.split_once(" to ").or_else(|| {
        // `1979-1982`: two years joined by a dash (dates are written with spaces).
        value.split_once('-').filter(|(a, b)| [a, b].iter().all(|p| p.trim().len() == 4))
    });
    if let Some((a, b)) = range {
        let (a, b) = (date(a.trim())?, date(b.trim())?);
        return Some(Dob { day: None, year_to: Some(b.year), month_to: b.month, ..a });
    }
    date(value)
}

/// The value inside the first pair of single quotes, or the whole text.
fn quoted(s: &str) -> String {
    let s = s.trim().trim_end_matches('.');
    match (s.find('\''), s.rfind('\'')) {
        (Some(a), Some(b)) if b > a => s[a + 1..b].trim().to_string(),
        _ => s.trim_matches('\'').trim().to_string(),
    }
}

/// A country named in parentheses at the end of a document item: `... (Korea, North)`.
fn paren_country(s: &str) -> Option<bonafide_core::CountryCode> {
    let a = s.find('(')?;
    let b = s[a..].find(')')? + a;
    Places::builtin().country(&s[a + 1..b])
}

/// Applies the remarks of one OFAC entry to it. `truncated` says the remarks were cut
/// at OFAC's length limit with no continuation: the last item may be incomplete and
/// gives no identifier (a cut-off wallet address is not the address).
pub fn apply(entry: &mut Entry, remarks: &str, truncated: bool) {
    let places = Places::builtin();
    let list = items(remarks);
    let last = list.len().saturating_sub(1);
    for (i, raw) in list.iter().enumerate() {
        if truncated && i == last {
            break;
        }
        let item = strip_alt(raw);
        let lower = item.to_ascii_lowercase();
        if let Some(rest) = ["a.k.a.", "f.k.a.", "n.k.a.", "weak a.k.a."]
            .iter()
            .find_map(|p| lower.starts_with(p).then(|| (p, &item[p.len()..])))
        {
            let name = quoted(rest.1);
            if !name.is_empty() {
                let weak = rest.0.starts_with("weak");
                entry.aliases.push(Alias { name, quality: rest.0.trim_start_matches("weak ").into(), weak });
            }
        } else if let Some(v) = item.strip_prefix("DOB ") {
            if let Some(d) = dob(v) {
                entry.dobs.push(d);
            }
        } else if let Some(v) =
            item.strip_prefix("nationality ").or_else(|| item.strip_prefix("citizen ")).map(|v| v.trim_end_matches('.'))
        {
            if let Some(c) = places.country(v)
                && !entry.nationalities.contains(&c)
            {
                entry.nationalities.push(c);
            }
        } else if let Some(v) = item.strip_prefix("POB ") {
            // The country is the last comma-separated part: `North Pyongan Province, North Korea`.
            let v = v.trim_end_matches('.');
            let country = places.country(v).or_else(|| v.rsplit(',').next().and_then(|c| places.country(c)));
            if let Some(c) = country.or_else(|| v.rsplit_once(", ").and_then(|(_, c)| places.country(c)))
                && !entry.countries.contains(&c)
            {
                entry.countries.push(c);
            }
        } else if let Some(v) = item.strip_prefix("Email Address ") {
            let v = v.trim().trim_end_matches('.');
            if v.contains('@') {
                entry.emails.push(v.to_string());
            }
        } else if let Some(v) = item.strip_prefix("Website ") {
            let v = v.trim().trim_end_matches('.');
            if !v.is_empty() {
                entry.websites.push(v.to_string());
            }
        } else if let Some(v) = item.strip_prefix("Digital Currency Address - ") {
            let mut parts = v.split_whitespace();
            if let (Some(chain), Some(address)) = (parts.next(), parts.next()) {
                let address = address.trim_end_matches('.');
                if !address.is_empty() {
                    entry.wallets.push(ListedWallet { chain: chain.to_string(), address: address.to_string() });
                }
            }
        } else if let Some(kind) = ["Passport", "National ID No.", "Identification Number", "Cedula No.", "D.N.I."]
            .iter()
            .find(|k| item.starts_with(*k) && item[k.len()..].starts_with(' '))
        {
            let rest = item[kind.len()..].trim();
            let number = rest.split(['(', ';']).next().unwrap_or("").split(" issued").next().unwrap_or("").trim();
            if !number.is_empty() && number.chars().any(|c| c.is_ascii_digit()) {
                entry.documents.push(ListedDocument {
                    kind: kind.to_string(),
                    number: number.to_string(),
                    country: paren_country(rest),
                });
            }
        } else if let Some(v) = item.strip_prefix("Linked To: ") {
            entry.linked_to.push(v.trim_end_matches('.').trim().to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KIM: &str = "DOB 25 Apr 1965; POB North Pyongan Province, North Korea; nationality Korea, North; Gender Male; \
        Digital Currency Address - XBT 1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ; alt. Digital Currency Address - ETH \
        0xb6f5ec1a0a9cd1526536d3f0426c429529471f40; Digital Currency Address - USDT 0xb6f5ec1a0a9cd1526536d3f0426c429529471f40; \
        Passport 109420132 (Korea, North) issued 16 Oct 2019 expires 16 Oct 2024; alt. Passport 827220538 (Korea, North).";

    #[test]
    fn reads_the_identifiers_of_an_it_worker_designation() {
        let mut e = Entry::default();
        apply(&mut e, KIM, false);
        assert_eq!(e.dobs, vec![Dob { month: Some(4), day: Some(25), ..Dob::year(1965) }]);
        assert_eq!(e.nationalities, vec![bonafide_core::CountryCode::new("KP").unwrap()]);
        assert_eq!(e.countries, vec![bonafide_core::CountryCode::new("KP").unwrap()]);
        assert_eq!(e.wallets.len(), 3);
        assert_eq!(e.wallets[2].chain, "USDT");
        assert_eq!(e.documents.len(), 2);
        assert_eq!(e.documents[0].number, "109420132");
        assert_eq!(e.documents[1].number, "827220538");
        assert_eq!(e.documents[0].country, bonafide_core::CountryCode::new("KP"));
    }

    #[test]
    fn aliases_emails_websites_and_links() {
        let mut e = Entry::default();
        apply(
            &mut e,
            "Website www.gicdf.org; Email Address info@gicdf.org; a.k.a. 'ALIAS LLC'; a.k.a. 'D'S SUPERMARKET'; \
             f.k.a. 'OLD NAME CO.'; Linked To: CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY.",
            false,
        );
        let names: Vec<&str> = e.aliases.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["ALIAS LLC", "D'S SUPERMARKET", "OLD NAME CO."]);
        assert_eq!(e.aliases[2].quality, "f.k.a.");
        assert_eq!(e.websites, ["www.gicdf.org"]);
        assert_eq!(e.emails, ["info@gicdf.org"]);
        assert_eq!(e.linked_to, ["CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY"]);
    }

    #[test]
    fn dates_of_birth_in_every_style() {
        assert_eq!(dob("1965"), Some(Dob::year(1965)));
        assert_eq!(dob("Apr 1965"), Some(Dob { month: Some(4), ..Dob::year(1965) }));
        assert_eq!(dob("circa 1956"), Some(Dob { approx: true, ..Dob::year(1956) }));
        assert_eq!(dob("1960 to 1962"), Some(Dob { year_to: Some(1962), ..Dob::year(1960) }));
        assert_eq!(
            dob("01 Jan 1960 to 31 Dec 1962"),
            Some(Dob { year_to: Some(1962), month: Some(1), month_to: Some(12), ..Dob::year(1960) })
        );
        assert_eq!(dob("circa 1979-1982"), Some(Dob { approx: true, year_to: Some(1982), ..Dob::year(1979) }));
        assert_eq!(dob("sometime"), None);
        assert!(dob("circa 1956").unwrap().agrees(1958, 1, 1));
        assert!(!dob("25 Apr 1965").unwrap().agrees(1965, 4, 26));
    }

    #[test]
    fn a_truncated_last_item_gives_no_identifier() {
        let mut e = Entry::default();
        apply(&mut e, "Digital Currency Address - XBT 1AAAA; alt. Digital Currency Address - XBT 1B64QRxf", true);
        assert_eq!(e.wallets.len(), 1);
    }

    #[test]
    fn aliases_that_start_with_an_apostrophe() {
        let mut e = Entry::default();
        apply(
            &mut e,
            "a.k.a. 'ABU 'ABDALLAH'; a.k.a. 'ABU ABDULLAH'; a.k.a. 'ABU 'AZZAM'; DOB 1965; alt. a.k.a. 'D'S; X'.",
            false,
        );
        let names: Vec<&str> = e.aliases.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["ABU 'ABDALLAH", "ABU ABDULLAH", "ABU 'AZZAM", "D'S; X"]);
        assert_eq!(e.dobs, vec![Dob::year(1965)]);
        let mut e = Entry::default();
        apply(&mut e, "a.k.a. 'ABU 'ABDALLAH'; a.k.a. 'ABU ABDULLAH'; a.k.a. 'ABU 'AZZAM'.", false);
        assert_eq!(e.aliases.len(), 3);
        assert_eq!(e.aliases[2].name, "ABU 'AZZAM");
    }

    #[test]
    fn an_unclosed_quote_does_not_swallow_the_rest() {
        let v = items("a.k.a. 'BROKEN; DOB 1970; nationality Iran");
        assert_eq!(v.len(), 3);
    }
}
