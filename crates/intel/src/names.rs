//! Personal names compared as a person would: `KIM, Sang Man`, `Sang-Man Kim` and
//! `sang man kim` are one name; `J. Roe` is Jane Roe's initial; `Jane & John Roe` (a joint
//! account) includes Jane Roe.
//!
//! Names are folded (compatibility decomposition, accents dropped, lower case) and split
//! into tokens; order does not matter, because name order differs between cultures and
//! exports. Short forms of given names (`data/nicknames.toml`: Ally for Alice, Bob for
//! Robert) match their full forms. This is for consistency checks only: nothing here
//! looks at what a name is, only whether two spellings agree.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

#[derive(serde::Deserialize)]
struct Nicknames {
    groups: Vec<Vec<String>>,
}

/// Name word → the nickname groups it belongs to.
fn nickname_groups() -> &'static HashMap<String, Vec<usize>> {
    static G: OnceLock<HashMap<String, Vec<usize>>> = OnceLock::new();
    G.get_or_init(|| {
        // Checked by the unit tests; a failure is a build defect.
        let n: Nicknames =
            toml::from_str(include_str!("../data/nicknames.toml")).unwrap_or(Nicknames { groups: vec![] });
        let mut m: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, g) in n.groups.iter().enumerate() {
            for w in g {
                m.entry(w.clone()).or_default().push(i);
            }
        }
        m
    })
}

/// Whether two folded name words are forms of one given name.
fn nicknames(a: &str, b: &str) -> bool {
    let g = nickname_groups();
    match (g.get(a), g.get(b)) {
        (Some(x), Some(y)) => x.iter().any(|i| y.contains(i)),
        _ => false,
    }
}

/// Words in holder names that are not part of anyone's name.
const NOISE: &[&str] = &["and", "or", "mr", "mrs", "ms", "dr", "jr", "sr", "ii", "iii", "the"];

/// Legal-form words that mark a company rather than a person.
const COMPANY: &[&str] = &[
    "llc",
    "inc",
    "ltd",
    "limited",
    "corp",
    "corporation",
    "gmbh",
    "co",
    "company",
    "pty",
    "plc",
    "sa",
    "bv",
    "srl",
    "consulting",
    "solutions",
    "services",
    "technologies",
    "tech",
    "group",
    "holdings",
    "studio",
];

/// The folded tokens of a name.
pub fn tokens(name: &str) -> Vec<String> {
    let folded: String = name
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty() && !NOISE.contains(t))
        .map(str::to_string)
        .collect()
}

/// An order-free key: equal keys are the same name.
pub fn name_key(name: &str) -> String {
    let mut t = tokens(name);
    t.sort();
    t.dedup();
    t.join(" ")
}

fn token_matches(a: &str, b: &str) -> bool {
    a == b
        || (a.chars().count() == 1 && b.starts_with(a))
        || (b.chars().count() == 1 && a.starts_with(b))
        || nicknames(a, b)
}

/// Every token of `small` matches a distinct token of `big`.
fn covers(big: &[String], small: &[String]) -> bool {
    let mut used = vec![false; big.len()];
    small.iter().all(|s| match big.iter().enumerate().position(|(i, b)| !used[i] && token_matches(b, s)) {
        Some(i) => {
            used[i] = true;
            true
        }
        None => false,
    })
}

/// True when two names can be the same person's: one's tokens are all in the other
/// (allowing initials and a dropped middle name), with at least two tokens each and at
/// least one full (non-initial) token in common.
pub fn same_name(a: &str, b: &str) -> bool {
    let (ta, tb) = (tokens(a), tokens(b));
    if ta.is_empty() || tb.is_empty() {
        return false;
    }
    if ta.len() < 2 || tb.len() < 2 {
        return name_key(a) == name_key(b);
    }
    let full_common = ta.iter().any(|x| x.chars().count() > 1 && tb.contains(x));
    full_common && (covers(&ta, &tb) || covers(&tb, &ta))
}

/// True when `holder` names the person (any of `names`), alone or jointly.
pub fn names_person(holder: &str, names: &[&str]) -> bool {
    let th = tokens(holder);
    names.iter().any(|n| {
        let tn = tokens(n);
        same_name(holder, n) || (tn.len() >= 2 && covers(&th, &tn))
    })
}

/// True when the name looks like a company's (`Roe Consulting LLC`).
pub fn is_company(name: &str) -> bool {
    tokens(name).iter().any(|t| COMPANY.contains(&t.as_str()))
}

/// True when two names share a full (non-initial) token, such as a family name.
pub fn shares_token(a: &str, b: &str) -> bool {
    let tb = tokens(b);
    tokens(a).iter().any(|t| t.chars().count() > 1 && tb.contains(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn comparison_is_symmetric_and_never_panics(a in ".{0,30}", b in "[A-Za-z ,.'-]{0,30}") {
            prop_assert_eq!(same_name(&a, &b), same_name(&b, &a));
            prop_assert_eq!(name_key(&name_key(&a)), name_key(&a));
            let _ = names_person(&a, &[b.as_str()]);
            let _ = is_company(&a);
        }
    }

    #[test]
    fn the_nickname_table_parses() {
        let n: Nicknames = toml::from_str(include_str!("../data/nicknames.toml")).unwrap();
        assert!(n.groups.len() > 50);
        for g in &n.groups {
            for w in g {
                assert_eq!(tokens(w), std::slice::from_ref(w), "{w} must be one folded word");
            }
        }
    }

    #[test]
    fn spellings_of_one_name() {
        assert_eq!(name_key("KIM, Sang Man"), name_key("Sang-Man Kim"));
        assert_eq!(name_key("José Núñez"), name_key("jose nunez"));
        assert!(same_name("Jane Roe", "Jane A. Roe"));
        assert!(same_name("J. Roe", "Jane Roe"));
        assert!(!same_name("Jane Roe", "John Roe"));
        assert!(!same_name("J. R.", "John Roe"), "initials alone are not a name");
        assert!(!same_name("Roe", "Jane Roe"));
        assert!(same_name("Madonna", "madonna"));
        // Short forms of a given name, beside a full name word in common.
        assert!(same_name("Alice Smith", "Ally Smith"));
        assert!(same_name("John Roe", "Jonathan Roe"));
        assert!(same_name("Robert J. Smith", "Bob Smith"));
        assert!(!same_name("Bob", "Robert"), "a given name alone is not a name");
        assert!(!same_name("Robert Smith", "William Smith"));
        assert!(!same_name("John Roe", "John Roebuck"), "family names are not shortened");
    }

    #[test]
    fn holders() {
        assert!(names_person("Jane & John Roe", &["Jane Roe"]));
        assert!(names_person("ROE JANE", &["Jane Roe"]));
        assert!(names_person("Mrs Jane Roe", &["Jane Roe"]));
        assert!(!names_person("Zhang Wei", &["Jane Roe"]));
        assert!(names_person("Jane Smith", &["Jane Roe", "Jane Smith"]), "an alias counts");
        assert!(is_company("Roe Consulting LLC"));
        assert!(!is_company("Jane Roe"));
        assert!(shares_token("John Roe", "Jane Roe"));
    }
}
