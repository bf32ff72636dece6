//! What changed between two loads of the lists: entries added, removed, and changed
//! (names, aliases, programs, identifiers, dates of birth, nationality), keyed by list
//! and the list's own id.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Entry, ListKind};

/// The difference between an old and a new load.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ListDiff {
    /// Indices into the new entries.
    pub added: Vec<usize>,
    /// Indices into the old entries.
    pub removed: Vec<usize>,
    /// (old index, new index, what changed).
    pub changed: Vec<(usize, usize, Vec<&'static str>)>,
}

fn key(e: &Entry) -> (ListKind, &str) {
    (e.list_kind(), e.id.as_str())
}

fn sorted<T: Ord + Clone>(v: impl Iterator<Item = T>) -> Vec<T> {
    let mut v: Vec<T> = v.collect();
    v.sort();
    v.dedup();
    v
}

fn changes(a: &Entry, b: &Entry) -> Vec<&'static str> {
    let mut out = Vec::new();
    if a.name != b.name {
        out.push("name");
    }
    if sorted(a.aliases.iter().map(|x| x.name.to_lowercase()))
        != sorted(b.aliases.iter().map(|x| x.name.to_lowercase()))
    {
        out.push("aliases");
    }
    if sorted(a.programs.iter().cloned()) != sorted(b.programs.iter().cloned()) {
        out.push("programs");
    }
    if sorted(a.emails.iter().chain(&a.websites).cloned()) != sorted(b.emails.iter().chain(&b.websites).cloned())
        || sorted(a.wallets.iter().map(|w| w.address.clone())) != sorted(b.wallets.iter().map(|w| w.address.clone()))
    {
        out.push("identifiers");
    }
    if sorted(a.dobs.iter().map(|d| d.label())) != sorted(b.dobs.iter().map(|d| d.label())) {
        out.push("dates of birth");
    }
    if sorted(a.nationalities.iter().map(|c| c.as_str().to_string()))
        != sorted(b.nationalities.iter().map(|c| c.as_str().to_string()))
    {
        out.push("nationality");
    }
    out
}

/// Compares two loads.
pub fn diff(old: &[Entry], new: &[Entry]) -> ListDiff {
    let old_by: BTreeMap<(ListKind, &str), usize> = old.iter().enumerate().map(|(i, e)| (key(e), i)).collect();
    let new_by: BTreeMap<(ListKind, &str), usize> = new.iter().enumerate().map(|(i, e)| (key(e), i)).collect();
    let mut d = ListDiff::default();
    for (k, &ni) in &new_by {
        match old_by.get(k) {
            None => d.added.push(ni),
            Some(&oi) => {
                let c = changes(&old[oi], &new[ni]);
                if !c.is_empty() {
                    d.changed.push((oi, ni, c));
                }
            }
        }
    }
    for (k, &oi) in &old_by {
        if !new_by.contains_key(k) {
            d.removed.push(oi);
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::super::Alias;
    use super::*;

    fn e(id: &str, name: &str) -> Entry {
        Entry { list: Some(ListKind::Ofac), id: id.into(), name: name.into(), ..Default::default() }
    }

    #[test]
    fn added_removed_changed() {
        let old = vec![e("1", "A"), e("2", "B"), e("3", "C")];
        let mut c = e("3", "C");
        c.aliases.push(Alias { name: "CC".into(), quality: "a.k.a.".into(), weak: false });
        let new = vec![e("1", "A"), c, e("4", "D")];
        let d = diff(&old, &new);
        assert_eq!(d.added, [2]);
        assert_eq!(d.removed, [1]);
        assert_eq!(d.changed, [(2, 1, vec!["aliases"])]);
    }
}
