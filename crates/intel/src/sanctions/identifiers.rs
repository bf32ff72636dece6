//! Published identifiers (emails, website domains, digital-currency addresses) in the
//! form that compares exactly.
//!
//! An email compares lower-cased; a website by its host name, lower-cased, without
//! scheme, path, port or a leading `www.`; a wallet address by its exact text, except
//! where the chain's address format is case-insensitive: Ethereum-style `0x` + 40 hex
//! digits (ETH, and USDT/USDC/ARB/BSC tokens on EVM chains: the mixed case is only an
//! EIP-55 checksum) and bech32 addresses (`bc1...`, `ltc1...`, which are defined
//! case-insensitively) are lower-cased. Base58 addresses (Bitcoin `1...`/`3...`, Tron
//! `T...`, Litecoin `L...`/`M...`, Monero, Zcash `t1...`) are case-sensitive: lower-casing
//! one gives another address.

use serde::Serialize;

/// The kind of a published identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    Email,
    Domain,
    Wallet,
    /// An identity document number, compared by keyed fingerprint only.
    Document,
}

impl IdKind {
    pub fn name(self) -> &'static str {
        match self {
            IdKind::Email => "email",
            IdKind::Domain => "domain",
            IdKind::Wallet => "wallet",
            IdKind::Document => "identity document",
        }
    }
}

/// A lower-cased, trimmed email address, or `None` when it is not one.
pub fn normalise_email(s: &str) -> Option<String> {
    // Wrappers in any order and number (`<mailto:x@y.com>`): peel until nothing changes,
    // so that normalising twice gives the same text.
    let mut s = s.trim();
    loop {
        let peeled = s.trim_start_matches("mailto:").trim_matches(['<', '>', '.']).trim();
        if peeled == s {
            break;
        }
        s = peeled;
    }
    let (local, domain) = s.rsplit_once('@')?;
    let domain = normalise_domain(domain)?;
    if local.is_empty() || local.contains(char::is_whitespace) {
        return None;
    }
    Some(format!("{}@{domain}", local.to_lowercase()))
}

/// The host name of a website, URL, email address or bare domain, lower-cased, without
/// `www.`; `None` when there is no plausible domain (no dot, spaces).
pub fn normalise_domain(s: &str) -> Option<String> {
    let mut s = s.trim();
    if let Some((_, after)) = s.split_once("://") {
        s = after;
    }
    if let Some((_, after)) = s.rsplit_once('@') {
        s = after;
    }
    let s = s.split(['/', '?', '#']).next().unwrap_or("");
    let s = s.rsplit_once(':').filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit())).map(|(h, _)| h).unwrap_or(s);
    let lower = s.trim_end_matches('.').to_lowercase();
    let mut s = lower.as_str();
    while let Some(rest) = s.strip_prefix("www.") {
        s = rest;
    }
    let s = s.to_string();
    // Host names hold letters, digits, `-`, `_` and dots; other ASCII (`<`, `,`, `;`) means
    // this is not one. Non-ASCII letters are kept for internationalised names.
    let bad_char = |c: char| c.is_whitespace() || (c.is_ascii() && !(c.is_ascii_alphanumeric() || "-_.".contains(c)));
    if s.is_empty() || !s.contains('.') || s.starts_with('.') || s.contains(bad_char) || s.contains("..") {
        return None;
    }
    Some(s)
}

/// Platforms whose pages lists publish as an entry's "website": the page identifies the
/// entry, the platform's domain does not.
const PLATFORMS: &[&str] = &[
    "facebook.com",
    "twitter.com",
    "x.com",
    "instagram.com",
    "linkedin.com",
    "youtube.com",
    "t.me",
    "telegram.me",
    "vk.com",
    "ok.ru",
    "github.com",
    "medium.com",
    "blogspot.com",
    "wordpress.com",
    "tiktok.com",
    "google.com",
    "sites.google.com",
    "upwork.com",
    "freelancer.com",
    "fiverr.com",
    "gmail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "mail.ru",
    "yandex.ru",
    "qq.com",
    "163.com",
    "126.com",
    "protonmail.com",
];

/// The domain a listed website stands for, or `None` for a page on a shared platform
/// (a path under a platform domain, or a platform's own domain).
pub fn site_domain(website: &str) -> Option<String> {
    let d = normalise_domain(website)?;
    let platform = PLATFORMS.iter().any(|p| d == *p || d.ends_with(&format!(".{p}")));
    (!platform).then_some(d)
}

/// Whether the address format is case-insensitive.
pub fn case_insensitive_address(address: &str) -> bool {
    let a = address.trim();
    let hex40 =
        a.len() == 42 && (a.starts_with("0x") || a.starts_with("0X")) && a[2..].bytes().all(|b| b.is_ascii_hexdigit());
    let lower = a.to_ascii_lowercase();
    let bech32 = ["bc1", "tb1", "ltc1", "bcrt1", "bitcoincash:", "bchtest:"].iter().any(|p| lower.starts_with(p));
    hex40 || bech32
}

/// A wallet address in the form that compares (see the module documentation).
pub fn normalise_wallet(address: &str) -> Option<String> {
    let a = address.trim().trim_end_matches(['.', ';', ',']);
    if a.len() < 20 || a.contains(char::is_whitespace) {
        return None;
    }
    Some(if case_insensitive_address(a) { a.to_ascii_lowercase() } else { a.to_string() })
}

/// The normalised form of an identifier of `kind`.
pub fn normalise(kind: IdKind, value: &str) -> Option<String> {
    match kind {
        IdKind::Email => normalise_email(value),
        IdKind::Domain => normalise_domain(value),
        IdKind::Wallet => normalise_wallet(value),
        // Document numbers never travel in clear: see `Screening::document`.
        IdKind::Document => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn domains_and_emails() {
        assert_eq!(
            normalise_domain("https://WWW.SilverStarChina.com/about?x=1").as_deref(),
            Some("silverstarchina.com")
        );
        assert_eq!(normalise_domain("jinyang.asia.").as_deref(), Some("jinyang.asia"));
        assert_eq!(normalise_domain("info@gicdf.org").as_deref(), Some("gicdf.org"));
        assert_eq!(normalise_domain("example.com:8080").as_deref(), Some("example.com"));
        assert_eq!(normalise_domain("localhost"), None);
        assert_eq!(normalise_domain("not a domain.com"), None);
        assert_eq!(normalise_email(" Info@GICDF.org ").as_deref(), Some("info@gicdf.org"));
        assert_eq!(normalise_email("nobody"), None);
        assert_eq!(site_domain("www.facebook.com/some.front").as_deref(), None);
        assert_eq!(site_domain("http://www.suex.io/").as_deref(), Some("suex.io"));
    }

    #[test]
    fn wallet_case_follows_the_chain() {
        let eth = "0xb6f5ec1a0a9cd1526536d3f0426c429529471f40";
        assert_eq!(normalise_wallet(&eth.to_uppercase().replacen("0X", "0x", 1)).as_deref(), Some(eth));
        assert_eq!(
            normalise_wallet("BC1QDT3GML5Z5N50Y5HM04U2YJDPHEFKM0FL2ZDJ68").as_deref(),
            Some("bc1qdt3gml5z5n50y5hm04u2yjdphefkm0fl2zdj68")
        );
        let btc = "1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ";
        assert_eq!(normalise_wallet(btc).as_deref(), Some(btc));
        assert_ne!(normalise_wallet(&btc.to_lowercase()).as_deref(), Some(btc));
        assert_eq!(normalise_wallet("short"), None);
    }

    proptest! {
        #[test]
        fn normalising_never_panics_and_is_idempotent(s in "\\PC{0,60}") {
            for kind in [IdKind::Email, IdKind::Domain, IdKind::Wallet] {
                if let Some(n) = normalise(kind, &s) {
                    prop_assert_eq!(normalise(kind, &n), Some(n.clone()));
                }
            }
        }
    }
}
