//! G3: one payout account or wallet paid to several unrelated payees.
//!
//! Accounts are compared by keyed fingerprint: the IBAN's, or the account number's
//! together with the routing number's (the same digits at two banks are two accounts; a
//! row without a routing number joins the account's only routing number). Wallets are
//! compared by address (EVM addresses case-folded). Payees count once per person (one
//! person's two records) and once per household: spouses with a joint account in one
//! home are not unrelated. A pooled account entered for more than `max_payees` people
//! is a payroll provider's, not a mule's.

use std::collections::BTreeMap;

use bonafide_core::{Fingerprint, Shared, SubjectIdx};

use crate::people::{index, payroll_evidence, same_identity};
use crate::shared::{self, Holder};
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
pub struct SharedAccounts;

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Iban(Fingerprint),
    Account(Fingerprint, Option<Fingerprint>),
    Wallet(String),
}

impl Detector for SharedAccounts {
    fn name(&self) -> &'static str {
        "shared-accounts"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["G3"]
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let ids = index(cx);
        // Key → payroll rows, grouped cheaply; evidence only for shared keys.
        let mut items: Vec<(Key, usize)> = Vec::new();
        for (n, p) in cx.records.payroll.iter().enumerate() {
            if !ids.contains_key(p.subject_id.as_str()) {
                continue;
            }
            if let Some(iban) = &p.iban {
                items.push((Key::Iban(iban.fingerprint), n));
            }
            if let Some(acct) = &p.account_number {
                items.push((Key::Account(acct.fingerprint, p.routing_number.as_ref().map(|r| r.fingerprint)), n));
            }
            if let Some(w) = &p.wallet {
                let a = w.address.trim();
                let key = if a.starts_with("0x") || a.starts_with("0X") { a.to_lowercase() } else { a.to_string() };
                items.push((Key::Wallet(key), n));
            }
        }
        // A row without a routing number joins the account's only routed group.
        items.sort_by(|a, b| a.0.cmp(&b.0));
        let mut routed: BTreeMap<Fingerprint, Vec<Option<Fingerprint>>> = BTreeMap::new();
        for (k, _) in &items {
            if let Key::Account(a, r) = k {
                let v = routed.entry(*a).or_default();
                if r.is_some() && !v.contains(r) {
                    v.push(*r);
                }
            }
        }
        for (k, _) in &mut items {
            if let Key::Account(a, None) = k
                && let Some(v) = routed.get(a)
                && v.len() == 1
            {
                *k = Key::Account(*a, v[0]);
            }
        }
        let groups = shared::groups(items).into_iter().filter_map(|(key, rows)| {
            let first = cx.records.payroll.get(rows[0])?;
            // `shown` (the shared value, which links findings and clusters) keeps the
            // keyed fingerprint; `said` (the summary, read by people) is the mask alone.
            // The payees the summary names already tell two accounts with the same last
            // digits apart, and the fingerprint stays in the evidence and shared value.
            let (shown, said) = match &key {
                Key::Iban(_) => {
                    let i = first.iban.as_ref()?;
                    (format!("IBAN {} ({})", i.masked, i.fingerprint), format!("IBAN {}", i.masked))
                }
                Key::Account(..) => {
                    let a = first.account_number.as_ref()?;
                    (format!("bank account {} ({})", a.masked, a.fingerprint), format!("bank account {}", a.masked))
                }
                Key::Wallet(_) => {
                    let w = format!("wallet {}", first.wallet.as_ref()?.address.trim());
                    (w.clone(), w)
                }
            };
            let holders: Vec<Holder> = rows
                .into_iter()
                .filter_map(|n| {
                    let p = cx.records.payroll.get(n)?;
                    let idx = *ids.get(p.subject_id.as_str())?;
                    let s = cx.subject(idx)?;
                    Some(Holder {
                        subject: idx,
                        name: s.name.clone(),
                        at: Some(p.changed_at),
                        evidence: payroll_evidence(p),
                    })
                })
                .collect();
            Some((key, (shown, said, holders)))
        });
        for (key, (shown, said, holders)) in groups {
            let subjects = shared::subjects(&holders);
            if subjects.len() < 2 || subjects.len() > cx.config.g3.max_payees {
                continue;
            }
            let same = |a: &Holder, b: &Holder| {
                cx.households.related(a.subject, b.subject) || same_identity(cx, a.subject, b.subject)
            };
            let n = shared::identities(&holders, same);
            if n < 2 {
                continue;
            }
            let kind = if matches!(key, Key::Wallet(_)) { "wallet" } else { "bank_account" };
            let ids: Vec<&str> =
                subjects.iter().filter_map(|s: &SubjectIdx| cx.subject(*s)).map(|s| s.id.as_str()).collect();
            let summary = format!("{said} pays {n} unrelated payees: {}", ids.join(", "));
            let value = shown.clone();
            out.push(shared::finding("G3", cx.weight("G3"), &holders, Shared { kind: kind.into(), value }, summary));
        }
    }
}
