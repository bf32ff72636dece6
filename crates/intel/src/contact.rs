//! Email addresses in the form two people would share: `Jane.Roe+jobs@GMail.com` and
//! `janeroe@gmail.com` reach one inbox.
//!
//! Case is folded everywhere; a `+tag` is dropped everywhere (every large provider
//! delivers `user+tag` to `user`); dots in the local part are dropped only where the
//! provider ignores them (Gmail and its `googlemail.com` twin), because elsewhere
//! `j.roe` and `jroe` are different people.

/// Domains whose local parts ignore dots, mapped to their canonical domain.
const DOTLESS: &[(&str, &str)] = &[("gmail.com", "gmail.com"), ("googlemail.com", "gmail.com")];

/// The comparison key of an address; `None` when it is not an address.
pub fn email_key(raw: &str) -> Option<String> {
    let s = raw.trim().trim_start_matches("mailto:").trim_matches(|c| c == '<' || c == '>').to_lowercase();
    let (local, domain) = s.rsplit_once('@')?;
    let domain = domain.trim_end_matches('.');
    if local.is_empty() || domain.is_empty() || !domain.contains('.') || s.chars().any(char::is_whitespace) {
        return None;
    }
    let local = local.split('+').next().unwrap_or(local);
    if local.is_empty() {
        return None;
    }
    match DOTLESS.iter().find(|(d, _)| *d == domain) {
        Some((_, canonical)) => {
            let l: String = local.chars().filter(|c| *c != '.').collect();
            if l.is_empty() { None } else { Some(format!("{l}@{canonical}")) }
        }
        None => Some(format!("{local}@{domain}")),
    }
}

/// A GitHub login in the form that compares: trimmed, without a leading `@`, lower case
/// (GitHub logins are case-insensitive). `None` when nothing is left.
pub fn github_login(raw: &str) -> Option<String> {
    let login = raw.trim().trim_start_matches('@').trim().to_lowercase();
    (!login.is_empty()).then_some(login)
}

/// The domain of an address, lower case.
pub fn email_domain(raw: &str) -> Option<String> {
    let s = raw.trim().to_lowercase();
    let (_, d) = s.rsplit_once('@')?;
    let d = d.trim_end_matches(['.', '>']);
    (!d.is_empty()).then(|| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn keys_are_stable_and_never_panic(raw in ".{0,40}") {
            if let Some(k) = email_key(&raw) {
                prop_assert_eq!(email_key(&k), Some(k.clone()), "a key is its own key");
            }
            let _ = email_domain(&raw);
        }
    }

    #[test]
    fn one_inbox_one_key() {
        let k = email_key("Jane.Roe+jobs@GMail.com").unwrap();
        assert_eq!(k, "janeroe@gmail.com");
        assert_eq!(email_key("janeroe@googlemail.com").unwrap(), k);
        assert_eq!(email_key("<jane.roe+x@outlook.com>").unwrap(), "jane.roe@outlook.com");
        assert_ne!(email_key("j.roe@example.com"), email_key("jroe@example.com"), "dots matter outside Gmail");
        for bad in ["", "no-at", "@x.com", "a@", "a b@x.com", "+tag@x.com", "a@localhost"] {
            assert!(email_key(bad).is_none(), "{bad}");
        }
        assert_eq!(email_domain("A@Example.COM").as_deref(), Some("example.com"));
    }
}
