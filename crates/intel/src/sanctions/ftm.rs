//! OpenSanctions entities in FollowTheMoney form, one JSON object per line.
//!
//! Each object has an `id`, a `schema` (`Person`, `Organization`, `Company`,
//! `LegalEntity`, `Vessel`, `Airplane`, `CryptoWallet`, `Address`, relationship
//! schemas...) and `properties`, every one an array of strings. Parties become entries
//! (names from `name`, `alias`, `previousName`, `weakAlias`; `birthDate`, `nationality`,
//! `citizenship`, `country`, `email`, `website`, `passportNumber`, `notes`);
//! `CryptoWallet` objects give their `publicKey` to their `holder`, and `Address`
//! objects their country to the parties that point at them, once the whole file is read.
//! Other schemas are valid records that screening does not use. A line that is not JSON,
//! or lacks `id` or `schema`, is reported with its line number.

use std::collections::HashMap;
use std::io::BufRead;
use std::sync::Arc;

use serde_json::Value;

use crate::places::Places;

use super::{Alias, BadRow, Dob, Entry, EntryKind, ListKind, ListedDocument, ListedWallet};

/// Lines longer than this are reported unread.
pub const MAX_LINE_BYTES: usize = 4 << 20;

fn strings<'a>(props: &'a Value, key: &str) -> impl Iterator<Item = &'a str> {
    props.get(key).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::trim)
}

fn ftm_dob(s: &str) -> Option<Dob> {
    let mut it = s.split('-');
    let year = it.next()?.parse().ok()?;
    let month = it.next().and_then(|m| m.parse().ok()).filter(|m| (1..=12).contains(m));
    let day = it.next().and_then(|d| d.get(..2).unwrap_or(d).parse().ok()).filter(|d| (1..=31).contains(d));
    Some(Dob { month, day, ..Dob::year(year) })
}

/// What a read produced: the entries, and how many lines were valid records.
#[derive(Debug, Default)]
pub struct FtmRead {
    pub entries: Vec<Entry>,
    pub records: u64,
}

/// Reads an NDJSON file of FollowTheMoney entities.
pub fn read(source: &str, reader: &mut dyn BufRead, bad: &mut dyn FnMut(BadRow)) -> std::io::Result<FtmRead> {
    let places = Places::builtin();
    let src: Arc<str> = Arc::from(source);
    let mut out = FtmRead::default();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut address_refs: Vec<(usize, String)> = Vec::new();
    let mut address_country: HashMap<String, Vec<bonafide_core::CountryCode>> = HashMap::new();
    let mut wallets: Vec<(String, ListedWallet, u64)> = Vec::new();
    let mut line_no = 0u64;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf)?;
        if n == 0 {
            break;
        }
        line_no += 1;
        if buf.len() > MAX_LINE_BYTES {
            bad(BadRow { line: line_no, index: None, reason: format!("line of {} bytes is too long", buf.len()) });
            continue;
        }
        let text = buf.trim_ascii();
        if text.is_empty() {
            continue;
        }
        let v: Value = match serde_json::from_slice(text) {
            Ok(v) => v,
            Err(e) => {
                bad(BadRow { line: line_no, index: None, reason: format!("not a JSON object: {e}") });
                continue;
            }
        };
        let (Some(id), Some(schema)) = (v.get("id").and_then(Value::as_str), v.get("schema").and_then(Value::as_str))
        else {
            bad(BadRow {
                line: line_no,
                index: None,
                reason: "a FollowTheMoney entity needs `id` and `schema`".into(),
            });
            continue;
        };
        let props = v.get("properties").cloned().unwrap_or(Value::Null);
        out.records += 1;
        let kind = match schema {
            "Person" => EntryKind::Person,
            "Organization" | "Company" | "LegalEntity" | "PublicBody" => EntryKind::Organisation,
            "Vessel" => EntryKind::Vessel,
            "Airplane" => EntryKind::Aircraft,
            "CryptoWallet" => {
                let (Some(holder), Some(key)) = (strings(&props, "holder").next(), strings(&props, "publicKey").next())
                else {
                    continue;
                };
                let chain = strings(&props, "currency").next().unwrap_or("").to_string();
                wallets.push((holder.to_string(), ListedWallet { chain, address: key.to_string() }, line_no));
                continue;
            }
            "Address" => {
                let cs: Vec<_> = strings(&props, "country").filter_map(|c| places.country(c)).collect();
                address_country.insert(id.to_string(), cs);
                continue;
            }
            _ => continue,
        };
        let mut names = strings(&props, "name").filter(|s| !s.is_empty());
        let caption = v.get("caption").and_then(Value::as_str).unwrap_or("").trim();
        let name = if caption.is_empty() { names.next().unwrap_or("").to_string() } else { caption.to_string() };
        if name.is_empty() {
            bad(BadRow { line: line_no, index: None, reason: format!("{schema} {id} has no name") });
            out.records -= 1;
            continue;
        }
        let mut e = Entry {
            list: Some(ListKind::Ftm),
            source: src.clone(),
            line: line_no,
            id: id.to_string(),
            kind,
            name,
            ..Default::default()
        };
        for (key, quality, weak) in [
            ("name", "name", false),
            ("alias", "a.k.a.", false),
            ("previousName", "f.k.a.", false),
            ("weakAlias", "weak a.k.a.", true),
        ] {
            for n in strings(&props, key) {
                if !n.is_empty() && n != e.name && !e.aliases.iter().any(|a| a.name == n) {
                    e.aliases.push(Alias { name: n.to_string(), quality: quality.into(), weak });
                }
            }
        }
        e.programs = strings(&props, "program").map(str::to_string).collect();
        if e.programs.is_empty() {
            e.programs = v
                .get("datasets")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
        }
        for c in strings(&props, "nationality").chain(strings(&props, "citizenship")).filter_map(|c| places.country(c))
        {
            if !e.nationalities.contains(&c) {
                e.nationalities.push(c);
            }
        }
        for c in strings(&props, "country").chain(strings(&props, "jurisdiction")).filter_map(|c| places.country(c)) {
            if !e.countries.contains(&c) {
                e.countries.push(c);
            }
        }
        e.dobs = strings(&props, "birthDate").filter_map(ftm_dob).collect();
        e.emails = strings(&props, "email").filter(|s| s.contains('@')).map(str::to_string).collect();
        e.websites = strings(&props, "website").map(str::to_string).collect();
        for number in strings(&props, "passportNumber") {
            e.documents.push(ListedDocument { kind: "Passport".into(), number: number.to_string(), country: None });
        }
        e.addresses = strings(&props, "address").map(str::to_string).collect();
        e.remarks = strings(&props, "notes").collect::<Vec<_>>().join(" ");
        for a in strings(&props, "addressEntity") {
            address_refs.push((out.entries.len(), a.to_string()));
        }
        by_id.insert(e.id.clone(), out.entries.len());
        out.entries.push(e);
    }
    for (i, a) in address_refs {
        for c in address_country.get(&a).into_iter().flatten() {
            if !out.entries[i].countries.contains(c) {
                out.entries[i].countries.push(*c);
            }
        }
    }
    for (holder, w, line) in wallets {
        match by_id.get(&holder) {
            Some(&i) => out.entries[i].wallets.push(w),
            None => {
                // A wallet whose holder is not in the file is still a published identifier.
                out.entries.push(Entry {
                    list: Some(ListKind::Ftm),
                    source: src.clone(),
                    line,
                    id: format!("{holder}#{}", w.address),
                    kind: EntryKind::Identifier,
                    name: format!("wallet of {holder}"),
                    wallets: vec![w],
                    ..Default::default()
                });
            }
        }
    }
    for e in &mut out.entries {
        e.judge_dprk();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_parties_wallets_and_addresses() {
        let text = r#"{"id":"p1","caption":"KIM Il","schema":"Person","properties":{"name":["KIM Il"],"alias":["Kim Ir"],"birthDate":["1970-02"],"nationality":["kp"],"addressEntity":["a1"]},"datasets":["us_ofac_sdn"]}
{"id":"a1","schema":"Address","properties":{"country":["cn"]}}
{"id":"w1","schema":"CryptoWallet","properties":{"holder":["p1"],"publicKey":["0xABC"],"currency":["ETH"]}}
not json
{"schema":"Person"}
{"id":"s1","schema":"Sanction","properties":{}}
"#;
        let mut bad = Vec::new();
        let r = read("os.json", &mut text.as_bytes(), &mut |b| bad.push(b)).unwrap();
        assert_eq!(r.entries.len(), 1);
        assert_eq!(r.records, 4);
        assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), [4, 5]);
        let e = &r.entries[0];
        assert_eq!(e.aliases[0].name, "Kim Ir");
        assert_eq!(e.dobs[0], Dob { month: Some(2), ..Dob::year(1970) });
        assert_eq!(e.wallets[0].address, "0xABC");
        assert_eq!(e.countries, [bonafide_core::CountryCode::new("CN").unwrap()]);
        assert_eq!(e.dprk.as_deref(), Some("nationality North Korea"));
        assert_eq!(e.programs, ["us_ofac_sdn"]);
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Every non-blank line is a record or reported.
        #[test]
        fn every_line_is_accounted_for(lines in proptest::collection::vec(prop_oneof![
            "\\PC{0,40}",
            Just(r#"{"id":"a","schema":"Person","properties":{"name":["A B"]}}"#.to_string()),
            Just(r#"{"id":"w","schema":"CryptoWallet","properties":{"holder":["zz"],"publicKey":["0xabc"]}}"#.to_string()),
            Just(r#"{"id":"b","schema":"Person","properties":{}}"#.to_string()),
        ], 0..12)) {
            let text = lines.join("\n");
            let mut bad = 0u64;
            let r = read("x", &mut text.as_bytes(), &mut |_| bad += 1).unwrap();
            let nonblank = lines.iter().map(|l| l.split('\n').filter(|x| !x.trim_ascii().is_empty()).count() as u64).sum::<u64>();
            prop_assert_eq!(r.records + bad, nonblank);
        }
    }
}
