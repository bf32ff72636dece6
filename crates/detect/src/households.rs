//! Who is related to whom, so that a couple sharing a home and an IP is not a laptop
//! farm.
//!
//! Two subjects are one household when they claim the same home (the normalised address
//! key, unit included) and either share a surname or are the only two people claiming
//! that address. More than two people with different surnames at one address is exactly
//! the pattern a farm makes, so it does not make them related.

use std::collections::HashMap;

use bonafide_core::{Subject, SubjectIdx};

#[derive(Debug, Default)]
pub struct Households {
    /// Household id per subject, `None` for subjects with no comparable address.
    of: Vec<Option<u32>>,
}

impl Households {
    pub fn build(subjects: &[Subject]) -> Households {
        let mut by_address: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, s) in subjects.iter().enumerate() {
            if let Some(key) = s.address.as_ref().and_then(|a| a.key.as_deref()) {
                by_address.entry(key).or_default().push(i);
            }
        }
        let mut of = vec![None; subjects.len()];
        let mut next = 0u32;
        let mut keys: Vec<&&str> = by_address.keys().collect();
        keys.sort();
        for key in keys {
            let members = &by_address[*key];
            if members.len() == 1 {
                continue;
            }
            if members.len() == 2 {
                for &m in members {
                    of[m] = Some(next);
                }
                next += 1;
                continue;
            }
            // Larger groups: only people sharing a surname form a household.
            let mut by_surname: HashMap<String, Vec<usize>> = HashMap::new();
            for &m in members {
                if let Some(sn) = subjects[m].surname() {
                    by_surname.entry(sn).or_default().push(m);
                }
            }
            let mut names: Vec<_> = by_surname.into_iter().filter(|(_, v)| v.len() > 1).collect();
            names.sort();
            for (_, group) in names {
                for m in group {
                    of[m] = Some(next);
                }
                next += 1;
            }
        }
        Households { of }
    }

    /// True when `a` and `b` are the same subject or one household.
    pub fn related(&self, a: SubjectIdx, b: SubjectIdx) -> bool {
        if a == b {
            return true;
        }
        match (self.of.get(a.index()).copied().flatten(), self.of.get(b.index()).copied().flatten()) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        }
    }

    /// Groups `members` into households and returns how many distinct groups there are.
    pub fn count_unrelated(&self, members: &[SubjectIdx]) -> usize {
        let mut reps: Vec<SubjectIdx> = Vec::new();
        for &m in members {
            if !reps.iter().any(|&r| self.related(r, m)) {
                reps.push(m);
            }
        }
        reps.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bonafide_core::PostalAddress;

    fn person(name: &str, key: Option<&str>) -> Subject {
        Subject {
            name: name.into(),
            address: key.map(|k| PostalAddress { key: Some(k.into()), ..Default::default() }),
            ..Default::default()
        }
    }

    #[test]
    fn couples_are_households_farms_are_not() {
        let subjects = vec![
            person("Ann Lee", Some("1 A ST||10001|US")),
            person("Raj Patel", Some("1 A ST||10001|US")),
            person("X One", Some("9 FARM RD||20001|US")),
            person("Y Two", Some("9 FARM RD||20001|US")),
            person("Z Three", Some("9 FARM RD||20001|US")),
            person("Mia Kim", Some("5 B AVE||30001|US")),
            person("Joon Kim", Some("5 B AVE||30001|US")),
            person("Sue Kim", Some("5 B AVE||30001|US")),
            person("No Address", None),
        ];
        let h = Households::build(&subjects);
        let i = |n| SubjectIdx(n);
        assert!(h.related(i(0), i(1)), "two people at one address");
        assert!(!h.related(i(2), i(3)), "three strangers at one address are not a household");
        assert_eq!(h.count_unrelated(&[i(2), i(3), i(4)]), 3);
        assert!(h.related(i(5), i(6)) && h.related(i(6), i(7)), "a family of three");
        assert!(!h.related(i(0), i(8)));
        assert!(h.related(i(8), i(8)));
        assert_eq!(h.count_unrelated(&[i(0), i(1), i(2)]), 2);
    }
}
