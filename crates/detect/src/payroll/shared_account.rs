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

use crate::people::{index, payroll_evidence, same_person};
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
        let mut groups: BTreeMap<Key, (String, Vec<Holder>)> = BTreeMap::new();
        for p in &cx.records.payroll {
            let Some(&idx) = ids.get(p.subject_id.as_str()) else { continue };
            let Some(s) = cx.subject(idx) else { continue };
            let holder =
                || Holder { subject: idx, name: s.name.clone(), at: Some(p.changed_at), evidence: payroll_evidence(p) };
            if let Some(iban) = &p.iban {
                let shown = format!("IBAN {} ({})", iban.masked, iban.fingerprint);
                groups.entry(Key::Iban(iban.fingerprint)).or_insert_with(|| (shown, Vec::new())).1.push(holder());
            }
            if let Some(acct) = &p.account_number {
                let routing = p.routing_number.as_ref().map(|r| r.fingerprint);
                let shown = format!("bank account {} ({})", acct.masked, acct.fingerprint);
                groups
                    .entry(Key::Account(acct.fingerprint, routing))
                    .or_insert_with(|| (shown, Vec::new()))
                    .1
                    .push(holder());
            }
            if let Some(w) = &p.wallet {
                let a = w.address.trim();
                let key = if a.starts_with("0x") || a.starts_with("0X") { a.to_lowercase() } else { a.to_string() };
                let shown = format!("wallet {a}");
                groups.entry(Key::Wallet(key)).or_insert_with(|| (shown, Vec::new())).1.push(holder());
            }
        }
        // A row without a routing number joins the account's only routed group.
        let unrouted: Vec<Key> = groups.keys().filter(|k| matches!(k, Key::Account(_, None))).cloned().collect();
        for k in unrouted {
            let Key::Account(acct, None) = &k else { continue };
            let routed: Vec<Key> =
                groups.keys().filter(|g| matches!(g, Key::Account(a, Some(_)) if a == acct)).cloned().collect();
            if routed.len() == 1
                && let Some((_, holders)) = groups.remove(&k)
                && let Some(g) = groups.get_mut(&routed[0])
            {
                g.1.extend(holders);
            }
        }
        for (key, (shown, holders)) in groups {
            let subjects = shared::subjects(&holders);
            if subjects.len() < 2 || subjects.len() > cx.config.g3.max_payees {
                continue;
            }
            let same = |a: &Holder, b: &Holder| {
                a.subject == b.subject
                    || cx.households.related(a.subject, b.subject)
                    || matches!((cx.subject(a.subject), cx.subject(b.subject)), (Some(x), Some(y)) if same_person(x, y))
            };
            let n = shared::identities(&holders, same);
            if n < 2 {
                continue;
            }
            let kind = if matches!(key, Key::Wallet(_)) { "wallet" } else { "bank_account" };
            let ids: Vec<&str> =
                subjects.iter().filter_map(|s: &SubjectIdx| cx.subject(*s)).map(|s| s.id.as_str()).collect();
            let summary = format!("{shown} pays {n} unrelated payees: {}", ids.join(", "));
            let value = shown.clone();
            out.push(shared::finding("G3", cx.weight("G3"), &holders, Shared { kind: kind.into(), value }, summary));
        }
    }
}
