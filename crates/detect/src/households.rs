//! Who is related to whom, so that a couple sharing a home and an IP is not a laptop
//! farm.
//!
//! Subjects are one household when they declare the same home (the normalised address
//! key, unit included) and at most [`MAX_HOUSEHOLD`] people declare it, whatever their
//! surnames: couples with different surnames, flatmates, a parent and a grown child.
//! Surnames say nothing reliable about who lives together, and scores never read name
//! origin. More people than that declaring one home is not a household but a pattern to
//! look at (a rooming address, a facilitator's), so there only people who also share a
//! surname are joined. Addresses people are tied to besides the declared home (where
//! their equipment was delivered) join people only when they also share a surname: a
//! family whose records lag behind a move, not strangers receiving laptops at one door.
//! That is what keeps laptop farms suspicious: their members declare different homes and
//! share a shipping door, which never makes them related.

use std::collections::HashMap;

use bonafide_core::{Records, Subject, SubjectIdx};

/// The most people declaring one home that are taken as one household whatever their
/// surnames (a larger home than this is rare, and more strangers than this at one
/// declared address is itself worth a look).
pub const MAX_HOUSEHOLD: usize = 4;

#[derive(Debug, Default)]
pub struct Households {
    /// Household id per subject, `None` for subjects with no comparable address.
    of: Vec<Option<u32>>,
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        parent[ra.max(rb)] = ra.min(rb);
    }
}

impl Households {
    pub fn build(subjects: &[Subject]) -> Households {
        Households::build_with(subjects, &[])
    }

    /// Households from claimed homes and from `delivered`: (subject, address key) pairs
    /// of where a subject's equipment went.
    pub fn build_with(subjects: &[Subject], delivered: &[(SubjectIdx, &str)]) -> Households {
        let mut parent: Vec<usize> = (0..subjects.len()).collect();
        let mut joined = vec![false; subjects.len()];
        let mut join = |parent: &mut Vec<usize>, a: usize, b: usize| {
            union(parent, a, b);
            joined[a] = true;
            joined[b] = true;
        };
        let mut by_address: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, s) in subjects.iter().enumerate() {
            if let Some(key) = s.address.as_ref().and_then(|a| a.key.as_deref()) {
                by_address.entry(key).or_default().push(i);
            }
        }
        for members in by_address.values() {
            if (2..=MAX_HOUSEHOLD).contains(&members.len()) {
                for &m in &members[1..] {
                    join(&mut parent, members[0], m);
                }
            } else if members.len() > MAX_HOUSEHOLD {
                Households::by_surname(subjects, members, &mut |a, b| join(&mut parent, a, b));
            }
        }
        let mut at_door: HashMap<&str, Vec<usize>> = HashMap::new();
        for (s, key) in delivered {
            if s.index() < subjects.len() {
                let v = at_door.entry(*key).or_default();
                if !v.contains(&s.index()) {
                    v.push(s.index());
                }
            }
        }
        for members in at_door.values().filter(|m| m.len() > 1) {
            Households::by_surname(subjects, members, &mut |a, b| join(&mut parent, a, b));
        }
        // Number the households in subject order, so ids are stable.
        let mut ids: HashMap<usize, u32> = HashMap::new();
        let mut of = vec![None; subjects.len()];
        for (i, slot) in of.iter_mut().enumerate() {
            if joined[i] {
                let root = find(&mut parent, i);
                let next = ids.len() as u32;
                *slot = Some(*ids.entry(root).or_insert(next));
            }
        }
        Households { of }
    }

    /// The households of a run: claimed homes plus shipment addresses.
    pub fn from_records(subjects: &[Subject], records: &Records) -> Households {
        let by_id: HashMap<&str, SubjectIdx> =
            subjects.iter().enumerate().map(|(i, s)| (s.id.as_str(), SubjectIdx(i as u32))).collect();
        let delivered: Vec<(SubjectIdx, &str)> = records
            .shipments
            .iter()
            .filter_map(|s| Some((*by_id.get(s.subject_id.as_str())?, s.address.key.as_deref()?)))
            .collect();
        Households::build_with(subjects, &delivered)
    }

    fn by_surname(subjects: &[Subject], members: &[usize], join: &mut dyn FnMut(usize, usize)) {
        let mut by_surname: HashMap<String, Vec<usize>> = HashMap::new();
        for &m in members {
            if let Some(sn) = subjects[m].surname() {
                by_surname.entry(sn).or_default().push(m);
            }
        }
        for group in by_surname.values().filter(|g| g.len() > 1) {
            for &m in &group[1..] {
                join(group[0], m);
            }
        }
    }

    /// The household id of `s`, `None` when it shares a home with nobody (for the
    /// identifier graph, which discounts what one household shares).
    pub fn household_of(&self, s: SubjectIdx) -> Option<u32> {
        self.of.get(s.index()).copied().flatten()
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
            person("V Four", Some("9 FARM RD||20001|US")),
            person("W Five", Some("9 FARM RD||20001|US")),
            person("Mia Kim", Some("5 B AVE||30001|US")),
            person("Joon Kim", Some("5 B AVE||30001|US")),
            person("Sue Kim", Some("5 B AVE||30001|US")),
            person("No Address", None),
            person("Ana Ruiz", Some("3 C CT||40001|US")),
            person("Ben Ode", Some("3 C CT||40001|US")),
            person("Cai Lin", Some("3 C CT||40001|US")),
        ];
        let h = Households::build(&subjects);
        let i = |n| SubjectIdx(n);
        assert!(h.related(i(0), i(1)), "two people at one address, different surnames");
        assert!(!h.related(i(2), i(3)), "five strangers declaring one home are not a household");
        assert_eq!(h.count_unrelated(&[i(2), i(3), i(4), i(5), i(6)]), 5);
        assert!(h.related(i(7), i(8)) && h.related(i(8), i(9)), "a family of three");
        assert!(!h.related(i(0), i(10)));
        assert!(h.related(i(10), i(10)));
        assert_eq!(h.count_unrelated(&[i(0), i(1), i(2)]), 2);
        assert!(h.related(i(11), i(12)) && h.related(i(12), i(13)), "three flatmates, three surnames");
    }

    #[test]
    fn five_at_one_home_join_only_by_surname() {
        let home = Some("9 FARM RD||20001|US");
        let subjects = vec![
            person("Ann Lee", home),
            person("Bo Lee", home),
            person("X One", home),
            person("Y Two", home),
            person("Z Three", home),
        ];
        let h = Households::build(&subjects);
        let i = |n| SubjectIdx(n);
        assert!(h.related(i(0), i(1)));
        assert!(!h.related(i(2), i(3)) && !h.related(i(0), i(2)));
    }

    #[test]
    fn a_delivery_address_joins_families_not_strangers() {
        let subjects = vec![
            person("Ann Lee", Some("1 A ST||10001|US")),
            person("Bo Lee", Some("7 OLD RD||10002|US")),
            person("Cy Park", Some("8 ELM ST||10003|US")),
        ];
        let i = |n| SubjectIdx(n);
        let door = "1 A ST||10001|US";
        let h = Households::build_with(&subjects, &[(i(0), door), (i(1), door), (i(2), door)]);
        assert!(h.related(i(0), i(1)), "one surname at one door: a family whose records lag");
        assert!(!h.related(i(0), i(2)) && !h.related(i(1), i(2)));
        assert_eq!(h.count_unrelated(&[i(0), i(1), i(2)]), 2);
        assert!(!Households::build(&subjects).related(i(0), i(1)), "claimed homes alone do not join them");
    }
}
