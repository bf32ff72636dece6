//! Payroll detectors: crypto, frequent or mismatched changes, shared payout accounts.

use bonafide_core::records::{PayMethod, PayrollChange, Wallet};
use bonafide_core::{CountryCode, SensitiveKind, SubjectKind, UtcMs};
use bonafide_intel::Keyring;

use crate::testkit::World;

struct Pay<'a> {
    at: &'a str,
    method: PayMethod,
    holder: Option<&'a str>,
    country: Option<&'a str>,
    account: Option<&'a str>,
    routing: Option<&'a str>,
    wallet: Option<&'a str>,
}

impl Default for Pay<'_> {
    fn default() -> Self {
        Pay {
            at: "2025-01-01",
            method: PayMethod::Ach,
            holder: None,
            country: None,
            account: None,
            routing: None,
            wallet: None,
        }
    }
}

fn pay(w: &mut World, id: &str, p: Pay<'_>) {
    let k = Keyring::from_bytes([5; 32]);
    let source = w.pos();
    w.records.payroll.push(PayrollChange {
        subject_id: id.into(),
        changed_at: UtcMs::parse_date(p.at).unwrap(),
        method: p.method,
        account_holder: p.holder.map(str::to_string),
        bank_name: None,
        bank_country: p.country.and_then(CountryCode::new),
        routing_number: p.routing.and_then(|r| k.protect(SensitiveKind::RoutingNumber, r)),
        account_number: p.account.and_then(|a| k.protect(SensitiveKind::BankAccount, a)),
        iban: None,
        wallet: p.wallet.map(|a| Wallet { address: a.into(), chain: Some("tron".into()) }),
        source,
        iban_country: None,
        extra: Default::default(),
    });
}

#[test]
fn g1_crypto() {
    let mut w = World::new(&["C", "B"]);
    pay(
        &mut w,
        "C",
        Pay { method: PayMethod::Crypto, wallet: Some("TXYZ1234567890abcdefghijklmnopqrst"), ..Default::default() },
    );
    pay(&mut w, "B", Pay { account: Some("111222333"), ..Default::default() });
    let r = w.run();
    assert!(r.get("C", "G1").unwrap().summary.contains("TXYZ1234567890abcdefghijklmnopqrst (tron)"));
    assert!(r.ids("B").is_empty());
}

#[test]
fn g2_signs_and_their_weights() {
    let mut w = World::new(&["Hopper", "Mule", "Mover", "Wise", "Contractor"]);
    w.person("Hopper").name = "Jane Roe".into();
    for at in ["2025-01-01", "2025-02-01", "2025-03-01"] {
        pay(
            &mut w,
            "Hopper",
            Pay { at, account: Some(at), holder: Some("Jane Roe"), country: Some("US"), ..Default::default() },
        );
    }
    w.person("Mule").name = "John Smith".into();
    pay(
        &mut w,
        "Mule",
        Pay { account: Some("999"), holder: Some("Zhang Wei"), country: Some("HK"), ..Default::default() },
    );
    // Changed banks once after moving: ordinary.
    w.person("Mover").name = "Ana Silva".into();
    pay(&mut w, "Mover", Pay { at: "2025-01-01", account: Some("1"), holder: Some("Ana Silva"), ..Default::default() });
    pay(&mut w, "Mover", Pay { at: "2025-02-15", account: Some("2"), holder: Some("Ana Silva"), ..Default::default() });
    // A payout platform alone is common: soft.
    pay(&mut w, "Wise", Pay { method: PayMethod::Wise, ..Default::default() });
    // A contractor paid to their own company.
    w.person("Contractor").name = "Raj Patel".into();
    w.person("Contractor").kind = SubjectKind::Contractor;
    pay(
        &mut w,
        "Contractor",
        Pay { holder: Some("Patel Consulting LLC"), country: Some("US"), account: Some("5"), ..Default::default() },
    );
    let r = w.run();
    let hop = r.get("Hopper", "G2").unwrap();
    assert!(hop.summary.contains("2 pay changes within 90 days"), "{}", hop.summary);
    assert_eq!(hop.weight_bits, w.config.g2.single_bits);
    let mule = r.get("Mule", "G2").unwrap();
    assert_eq!(mule.weight_bits, w.weight("G2"), "{}", mule.summary);
    assert!(r.ids("Mover").is_empty(), "{:?}", r.findings);
    assert_eq!(r.get("Wise", "G2").unwrap().weight_bits, w.config.g2.single_bits);
    assert!(r.ids("Contractor").is_empty(), "{:?}", r.findings);
    // Evidence points at the payroll line and shows only the masked account.
    let ev = &mule.evidence[0];
    assert!(ev.source.is_some());
    assert!(ev.detail["account_number"].as_str().unwrap().starts_with("****"));
}

#[test]
fn g3_one_account_several_payees_but_not_spouses() {
    let mut w = World::new(&["M1", "M2", "M3", "Wife", "Husband", "Other"]);
    for (id, name) in [("M1", "Alex Turner"), ("M2", "Brian Cole"), ("M3", "Chris Dunn")] {
        w.person(id).name = name.into();
        pay(&mut w, id, Pay { account: Some("55501234"), routing: Some("021000021"), ..Default::default() });
    }
    w.set_address("Wife", "7 ELM ST||60601|US", "Jane Roe");
    w.set_address("Husband", "7 ELM ST||60601|US", "John Roe");
    pay(&mut w, "Wife", Pay { account: Some("7777"), holder: Some("Jane & John Roe"), ..Default::default() });
    pay(&mut w, "Husband", Pay { account: Some("7777"), holder: Some("Jane & John Roe"), ..Default::default() });
    // The same digits at another bank are another account.
    pay(&mut w, "Other", Pay { account: Some("55501234"), routing: Some("011000015"), ..Default::default() });
    let r = w.run();
    let f = r.get("M1", "G3").unwrap();
    assert_eq!(f.subjects.len(), 3);
    let shared = f.shared.as_ref().unwrap();
    assert_eq!(shared.kind, "bank_account");
    assert!(shared.value.starts_with("bank account ****1234 (fp:") && !shared.value.contains("55501234"));
    // The summary is read by people: the mask, without the keyed fingerprint (kept in
    // the shared value and the evidence) and never the digits.
    assert!(f.summary.starts_with("bank account ****1234 pays 3 unrelated payees: "), "{}", f.summary);
    assert!(!f.summary.contains("fp:") && !f.summary.contains("55501234"), "{}", f.summary);
    assert!(f.evidence.iter().any(|e| e.detail["account_number"].as_str().is_some_and(|a| a.contains("(fp:"))));
    assert_eq!(f.weight_bits, w.weight("G3"));
    for id in ["Wife", "Husband", "Other"] {
        assert!(r.get(id, "G3").is_none(), "{id}");
    }
}

#[test]
fn g3_wallets_and_unrouted_rows() {
    let mut w = World::new(&["A", "B", "C", "D"]);
    for id in ["A", "B"] {
        pay(
            &mut w,
            id,
            Pay {
                method: PayMethod::Crypto,
                wallet: Some(if id == "A" {
                    "0xAbCd00000000000000000000000000000000EF01"
                } else {
                    "0xabcd00000000000000000000000000000000ef01"
                }),
                ..Default::default()
            },
        );
    }
    pay(&mut w, "C", Pay { account: Some("4444"), routing: Some("021000021"), ..Default::default() });
    pay(&mut w, "D", Pay { account: Some("4444"), ..Default::default() });
    let r = w.run();
    assert_eq!(r.get("A", "G3").unwrap().shared.as_ref().unwrap().kind, "wallet");
    assert!(r.get("C", "G3").is_some(), "a row without routing joins the account's only routed group");
}

/// A couple with different surnames declaring one home, on one home IP with a joint
/// account, is one household: no D3, no G3. A laptop farm whose members declare
/// different homes but share a shipping door, an IP and a payout account is not.
#[test]
fn a_couple_is_a_household_a_farm_is_not() {
    use bonafide_core::IpKind;
    let mut w = World::new(&["ANN", "RAJ", "F1", "F2", "F3"]);
    let home = (39.78, -89.65);
    w.home("ANN", "Ann Lee", "12 Oak St", "", "62701");
    w.home("RAJ", "Raj Patel", "12 Oak Street", "", "62701");
    for id in ["ANN", "RAJ"] {
        w.signin(id, 0, 9, "73.1.1.1", IpKind::Residential, home, "US");
        pay(&mut w, id, Pay { account: Some("7777"), holder: Some("Ann Lee & Raj Patel"), ..Default::default() });
        w.shipment(id, 0, "12 Oak St", "", "62701");
    }
    for (id, name, street) in
        [("F1", "Alex Turner", "1 Elm St"), ("F2", "Brian Cole", "2 Pine St"), ("F3", "Chris Dunn", "3 Ash St")]
    {
        w.home(id, name, street, "", "62702");
        w.signin(id, 0, 10, "73.9.9.9", IpKind::Residential, home, "US");
        pay(&mut w, id, Pay { account: Some("55501234"), routing: Some("021000021"), ..Default::default() });
        w.shipment(id, 0, "40 Farm Rd", "", "62703");
    }
    let r = w.run();
    for id in ["ANN", "RAJ"] {
        assert!(r.get(id, "D3").is_none() && r.get(id, "G3").is_none(), "{id}: {:?}", r.ids(id));
    }
    for id in ["F1", "F2", "F3"] {
        assert!(r.get(id, "D3").is_some() && r.get(id, "G3").is_some(), "{id}: {:?}", r.ids(id));
    }
}
