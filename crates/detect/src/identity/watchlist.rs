//! I14: someone removed or banned comes back under a new name.
//!
//! Workers removed for fraud reapply: new name, new email, often the same phone, the
//! same bank account, the same GitHub account or the same laptop. The organisation's
//! own list of what it knew about them (`watchlist.csv`) is compared with every
//! subject's identifiers: emails, phone, SSN and document fingerprints, the accounts,
//! IBANs and wallets they are paid into, their GitHub login and the serials of the
//! devices assigned to them. Numbers are compared by their keyed fingerprints, never
//! in the clear, and shown masked.
//!
//! A match on a number nobody else holds (an SSN, an account, a GitHub login) is a
//! finding at the indicator's weight: the list says who this is. Phones and device
//! serials are reissued (carriers recycle numbers, IT hands laptops on), so one of them
//! alone weighs `reusable_bits`. Someone who applied or was hired before the entry was
//! listed is not coming back: they were there, or are the listed person themselves. A
//! name alone is never compared (people share names), nor a home (people move in after
//! others move out).

use std::collections::{HashMap, HashSet};

use bonafide_core::records::{WatchEntry, WatchKind, WatchValue};
use bonafide_core::{Evidence, Finding, Fingerprint, SubjectIdx};
use bonafide_intel::contact::{email_key, github_login};
use bonafide_intel::sanctions::normalise_wallet;
use serde::{Deserialize, Serialize};

use crate::people::index;
use crate::{Context, Detector, Findings};

/// `[detect.i14]`: matches against the watchlist.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct I14Config {
    /// Kinds that are reissued to other people: one of these alone weighs
    /// `reusable_bits`.
    pub reusable_kinds: Vec<WatchKind>,
    pub reusable_bits: f64,
}

impl Default for I14Config {
    fn default() -> Self {
        I14Config { reusable_kinds: vec![WatchKind::Phone, WatchKind::DeviceSerial], reusable_bits: 2.0 }
    }
}

#[derive(Debug, Default)]
pub struct Watchlist;

/// What is compared: text folded as the reader folds it, or a fingerprint.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Text(WatchKind, String),
    Print(WatchKind, Fingerprint),
}

/// A subject's identifier of `kind` in the form the watchlist reader leaves an entry's
/// (the same normalisers: `email_key`, `github_login`, `normalise_wallet`, serials in
/// upper case; phones are E.164 on both sides already).
fn text(kind: WatchKind, raw: &str) -> Option<Key> {
    let v = match kind {
        WatchKind::Email => email_key(raw),
        WatchKind::Github => github_login(raw),
        WatchKind::Wallet => normalise_wallet(raw),
        WatchKind::DeviceSerial => Some(raw.trim().to_ascii_uppercase()).filter(|v| !v.is_empty()),
        _ => Some(raw.to_string()),
    }?;
    Some(Key::Text(kind, v))
}

fn key_of(e: &WatchEntry) -> Key {
    match &e.value {
        WatchValue::Plain(s) => Key::Text(e.kind, s.clone()),
        WatchValue::Protected(p) => Key::Print(e.kind, p.fingerprint),
    }
}

impl Detector for Watchlist {
    fn name(&self) -> &'static str {
        "watchlist"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["I14"]
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        if cx.records.watchlist.is_empty() {
            return;
        }
        let mut listed: HashMap<Key, Vec<&WatchEntry>> = HashMap::new();
        for e in &cx.records.watchlist {
            listed.entry(key_of(e)).or_default().push(e);
        }
        // Each subject's identifiers, with how each is shown.
        let mut held: Vec<Vec<(Key, String)>> = vec![Vec::new(); cx.subjects.len()];
        // A plain identifier as the subject's records give it, shown as given.
        let plain = |h: &mut Vec<(Key, String)>, kind: WatchKind, raw: &str| {
            if let Some(k) = text(kind, raw) {
                h.push((k, raw.to_string()));
            }
        };
        for (i, s) in cx.subjects.iter().enumerate() {
            let h = &mut held[i];
            for e in &s.emails {
                plain(h, WatchKind::Email, e);
            }
            if let Some(p) = &s.phone_e164 {
                plain(h, WatchKind::Phone, p);
            }
            if let Some(n) = &s.ssn {
                h.push((Key::Print(WatchKind::Ssn, n.fingerprint), n.masked.clone()));
            }
            if let Some(d) = &s.id_document {
                h.push((Key::Print(WatchKind::IdDocument, d.number.fingerprint), d.number.masked.clone()));
            }
            if let Some(g) = &s.github {
                plain(h, WatchKind::Github, g);
            }
        }
        let ids = index(cx);
        for p in &cx.records.payroll {
            let Some(&i) = ids.get(p.subject_id.as_str()) else { continue };
            let h = &mut held[i.index()];
            if let Some(a) = &p.account_number {
                h.push((Key::Print(WatchKind::BankAccount, a.fingerprint), a.masked.clone()));
            }
            if let Some(a) = &p.iban {
                h.push((Key::Print(WatchKind::Iban, a.fingerprint), a.masked.clone()));
            }
            if let Some(w) = &p.wallet {
                plain(h, WatchKind::Wallet, &w.address);
            }
        }
        for d in &cx.records.devices {
            let Some(&i) = ids.get(d.subject_id.as_str()) else { continue };
            plain(&mut held[i.index()], WatchKind::DeviceSerial, &d.asset_serial);
        }
        let cfg = &cx.config.i14;
        for (i, h) in held.iter().enumerate() {
            let idx = SubjectIdx(i as u32);
            let Some(s) = cx.subject(idx) else { continue };
            let arrived = s.applied_date.or(s.hire_date);
            let mut seen: HashSet<&Key> = HashSet::new();
            let hits: Vec<(&(Key, String), &WatchEntry)> = h
                .iter()
                .filter(|x| seen.insert(&x.0))
                .filter_map(|x| {
                    // An entry listed after this person arrived is not about a return.
                    let e = listed.get(&x.0)?.iter().find(|e| match (arrived, e.listed_at) {
                        (Some(a), Some(l)) => a >= l,
                        _ => true,
                    })?;
                    Some((x, *e))
                })
                .collect();
            if hits.is_empty() {
                continue;
            }
            let what: Vec<String> = hits
                .iter()
                .map(|((_, shown), e)| {
                    let why = e.label.as_deref().map(|l| format!(" ({l})")).unwrap_or_default();
                    format!("{} {shown}{why}", e.kind.as_str().replace('_', " "))
                })
                .collect();
            let summary = format!("on the organisation's watchlist of people removed: {}", what.join("; "));
            let reusable_only = hits.len() == 1 && cfg.reusable_kinds.contains(&hits[0].1.kind);
            let weight = if reusable_only { cfg.reusable_bits } else { cx.weight("I14") };
            let mut f = Finding::new("I14", idx, weight, summary);
            for (_, e) in &hits {
                if let Some(t) = e.listed_at {
                    f.seen(t);
                }
            }
            f.evidence = hits
                .iter()
                .take(crate::evidence::SAMPLE)
                .map(|((_, shown), e)| {
                    let mut ev = Evidence::at(e.source)
                        .with("subject", s.id.as_str())
                        .with("listed_identifier", e.kind.as_str())
                        .with("value", shown.as_str());
                    if let Some(l) = &e.label {
                        ev = ev.with("listed_because", l.as_str());
                    }
                    if let Some(t) = e.listed_at {
                        ev = ev.with("listed_at", t.date_string());
                    }
                    ev
                })
                .collect();
            f.evidence_total = hits.len() as u64;
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use bonafide_core::records::{WatchEntry, WatchKind, WatchValue};
    use bonafide_intel::Keyring;

    use crate::testkit::*;

    fn listed(w: &mut World, kind: WatchKind, value: WatchValue, label: &str) {
        let source = w.pos();
        w.records.watchlist.push(WatchEntry { kind, value, label: Some(label.into()), listed_at: None, source });
    }

    /// A new name with the removed worker's phone, SSN or GitHub login is found; the
    /// same name without any listed identifier is not.
    #[test]
    fn a_returning_worker_is_known_by_phone_ssn_or_github() {
        let k = Keyring::from_bytes([5; 32]);
        let mut w = World::new(&["PHONE", "SSN", "GH", "SAMENAME", "CLEAN"]);
        w.person("PHONE").phone_e164 = Some("+16145551001".into());
        w.person("SSN").ssn = k.protect(bonafide_core::SensitiveKind::Ssn, "123-45-6789");
        w.person("GH").github = Some("JRoe-Dev".into());
        w.person("SAMENAME").name = "Jane Roe".into();
        w.person("CLEAN").phone_e164 = Some("+16145559999".into());
        listed(&mut w, WatchKind::Phone, WatchValue::Plain("+16145551001".into()), "case 12");
        let ssn = k.protect(bonafide_core::SensitiveKind::Ssn, "123456789").map(WatchValue::Protected);
        listed(&mut w, WatchKind::Ssn, ssn.expect("protected"), "case 12");
        listed(&mut w, WatchKind::Github, WatchValue::Plain("jroe-dev".into()), "case 12");
        listed(&mut w, WatchKind::Email, WatchValue::Plain("jane.roe@example.com".into()), "case 12");
        let f = w.run();
        for id in ["PHONE", "SSN", "GH"] {
            assert!(f.ids(id).contains(&"I14"), "{id}: {:?}", f.of(id));
        }
        // A phone alone may be a recycled number: it weighs less than an SSN.
        assert_eq!(f.get("PHONE", "I14").map(|x| x.weight_bits), Some(w.config.i14.reusable_bits));
        assert_eq!(f.get("GH", "I14").map(|x| x.weight_bits), Some(w.weight("I14")));
        let ssn = f.get("SSN", "I14").expect("I14");
        assert!(ssn.summary.contains("ssn ***-**-6789 (case 12)"), "{}", ssn.summary);
        assert!(!format!("{ssn:?}").contains("123-45-6789"), "no raw number in the finding");
        for id in ["SAMENAME", "CLEAN"] {
            assert!(!f.ids(id).contains(&"I14"), "{id}: {:?}", f.of(id));
        }
    }

    /// Someone hired before the entry was listed is not coming back: they were there all
    /// along (a colleague later given the removed worker's old number, or the listed
    /// person still on the books). The same identifier on a later hire is found.
    #[test]
    fn people_who_arrived_before_the_listing_are_not_returns() {
        let mut w = World::new(&["BEFORE", "AFTER"]);
        for (id, hired) in [("BEFORE", "2023-01-09"), ("AFTER", "2025-02-03")] {
            w.person(id).hire_date = bonafide_core::UtcMs::parse_date(hired).ok();
            w.person(id).github = Some("gone-dev".into());
        }
        let source = w.pos();
        w.records.watchlist.push(WatchEntry {
            kind: WatchKind::Github,
            value: WatchValue::Plain("gone-dev".into()),
            label: None,
            listed_at: bonafide_core::UtcMs::parse_date("2024-06-01").ok(),
            source,
        });
        let f = w.run();
        assert!(!f.ids("BEFORE").contains(&"I14"), "{:?}", f.of("BEFORE"));
        assert!(f.ids("AFTER").contains(&"I14"), "{:?}", f.of("AFTER"));
    }

    /// Wallets compare as the sanctions screen compares them: an Ethereum address in any
    /// case is one address, a Bitcoin address in another case is another.
    #[test]
    fn wallets_compare_by_their_chains_rules() {
        let mut w = World::new(&["ETH", "BTC"]);
        let eth = "0xB6F5EC1A0A9CD1526536D3F0426C429529471F40";
        let btc = "12hqDsicffsbaydJ6bhne22sfjTESmmzKx";
        for (id, addr) in [("ETH", eth.to_lowercase()), ("BTC", btc.to_lowercase())] {
            w.pay_change(id, w.t(3, 0, 0));
            let n = w.records.payroll.len() - 1;
            w.records.payroll[n].wallet = Some(bonafide_core::records::Wallet { address: addr, chain: None });
        }
        for a in [eth, btc] {
            let v = bonafide_intel::sanctions::normalise_wallet(a).map(WatchValue::Plain);
            listed(&mut w, WatchKind::Wallet, v.expect("an address"), "case 3");
        }
        let f = w.run();
        assert!(f.ids("ETH").contains(&"I14"), "{:?}", f.of("ETH"));
        assert!(!f.ids("BTC").contains(&"I14"), "{:?}", f.of("BTC"));
    }

    /// Pay into a listed account, or a laptop with a listed serial, is found too.
    #[test]
    fn a_listed_account_or_device_is_found_through_pay_and_devices() {
        let k = Keyring::from_bytes([5; 32]);
        let mut w = World::new(&["PAID", "LAPTOP"]);
        w.pay_change("PAID", w.t(3, 0, 0));
        w.records.payroll[0].account_number = k.protect(bonafide_core::SensitiveKind::BankAccount, "987654321");
        let source = w.pos();
        w.records.devices.push(bonafide_core::records::Device {
            asset_serial: "c02xk1".into(),
            subject_id: "LAPTOP".into(),
            host_identifier: None,
            hostname: None,
            assigned_at: None,
            managed: Some(true),
            source,
        });
        let account = k.protect(bonafide_core::SensitiveKind::BankAccount, "987-654-321").map(WatchValue::Protected);
        listed(&mut w, WatchKind::BankAccount, account.expect("protected"), "fired 2024");
        listed(&mut w, WatchKind::DeviceSerial, WatchValue::Plain("C02XK1".into()), "laptop not returned");
        let f = w.run();
        assert!(f.ids("PAID").contains(&"I14"), "{:?}", f.of("PAID"));
        assert!(f.get("LAPTOP", "I14").is_some_and(|x| x.summary.contains("device serial c02xk1")));
    }
}
