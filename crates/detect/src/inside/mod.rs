//! What people do once inside: pulling code out (E6), granting themselves privileges
//! and planting persistence (F6), and coming back after they have left (F9).
//!
//! The public cases describe the same arc: access is used to copy source code and data,
//! long-lived credentials (SSH keys, tokens, OAuth grants, extra MFA factors) are added so
//! the access survives, and after termination the worker returns with those credentials,
//! often before an extortion demand. Which vendor event types mean "pull", "push", "grant"
//! or "new credential" is data (`data/conduct.toml`), not code.

pub mod after_exit;
pub mod exfiltration;
pub mod persistence;

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

const BUILTIN: &str = include_str!("../../data/conduct.toml");

/// What kind of grant or credential an event type creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    Privilege,
    SshKey,
    Token,
    OauthApp,
    MfaFactor,
    Recovery,
}

impl CredentialKind {
    pub fn parse(s: &str) -> Option<CredentialKind> {
        Some(match s.trim() {
            "privilege" => CredentialKind::Privilege,
            "ssh_key" => CredentialKind::SshKey,
            "token" => CredentialKind::Token,
            "oauth_app" => CredentialKind::OauthApp,
            "mfa_factor" => CredentialKind::MfaFactor,
            "recovery" => CredentialKind::Recovery,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CredentialKind::Privilege => "privilege grant",
            CredentialKind::SshKey => "SSH key",
            CredentialKind::Token => "access token",
            CredentialKind::OauthApp => "OAuth app",
            CredentialKind::MfaFactor => "MFA factor",
            CredentialKind::Recovery => "recovery channel",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Data {
    e6: HashMap<String, E6Lists>,
    f6: Vec<F6Entry>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct E6Lists {
    #[serde(default)]
    pub pull: Vec<String>,
    #[serde(default)]
    pub push: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct F6Entry {
    system: String,
    kind: CredentialKind,
    event_types: Vec<String>,
}

/// An event-type pattern: exact, or a prefix when it ends with `*`.
fn matches(pattern: &str, event_type: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => event_type.starts_with(prefix),
        None => pattern == event_type,
    }
}

/// The built-in catalog of `data/conduct.toml`.
pub struct Conduct {
    e6: HashMap<String, E6Lists>,
    f6: Vec<(String, CredentialKind, String)>,
}

impl Conduct {
    pub fn builtin() -> &'static Conduct {
        static C: OnceLock<Conduct> = OnceLock::new();
        C.get_or_init(|| {
            // Checked by a unit test; failing here is a build defect.
            let data: Data = toml::from_str(BUILTIN).expect("embedded conduct.toml is valid");
            let f6 = data
                .f6
                .into_iter()
                .flat_map(|e| {
                    let (system, kind) = (e.system, e.kind);
                    e.event_types.into_iter().map(move |t| (system.clone(), kind, t))
                })
                .collect();
            Conduct { e6: data.e6, f6 }
        })
    }

    pub fn is_pull(&self, system: &str, event_type: &str) -> bool {
        self.e6.get(system).is_some_and(|l| l.pull.iter().any(|p| matches(p, event_type)))
    }

    pub fn is_push(&self, system: &str, event_type: &str) -> bool {
        self.e6.get(system).is_some_and(|l| l.push.iter().any(|p| matches(p, event_type)))
    }

    /// The F6 rules after the configuration's additions and removals.
    pub fn f6_rules(&self, cfg: &crate::config::F6Config) -> F6Rules {
        let ignored: Vec<(&str, &str)> = cfg
            .ignore_event_types
            .iter()
            .filter_map(|s| s.split_once(':'))
            .map(|(a, b)| (a.trim(), b.trim()))
            .collect();
        let mut rules: Vec<(String, CredentialKind, String)> =
            self.f6.iter().filter(|(sys, _, t)| !ignored.iter().any(|(s, i)| s == sys && i == t)).cloned().collect();
        for extra in &cfg.extra_event_types {
            // The configuration is validated before a scan; a rule that still does not
            // parse (a hand-built config) is skipped with a warning.
            match parse_f6_rule(extra) {
                Some((sys, kind, t)) => rules.push((sys.to_string(), kind, t.to_string())),
                None => {
                    tracing::warn!(rule = %extra, "[detect.f6] extra_event_types entry is not system:event_type=kind; ignored")
                }
            }
        }
        F6Rules { rules }
    }
}

/// One `[detect.f6] extra_event_types` rule, `system:event_type=kind`: (system, kind,
/// event type), trimmed. The configuration's validation and the detector read it alike.
pub fn parse_f6_rule(rule: &str) -> Option<(&str, CredentialKind, &str)> {
    let (left, kind) = rule.split_once('=')?;
    let (sys, t) = left.split_once(':')?;
    Some((sys.trim(), CredentialKind::parse(kind)?, t.trim()))
}

/// Which event types create which credentials.
#[derive(Debug, Clone)]
pub struct F6Rules {
    rules: Vec<(String, CredentialKind, String)>,
}

impl F6Rules {
    pub fn kind(&self, system: &str, event_type: &str) -> Option<CredentialKind> {
        self.rules.iter().find(|(s, _, p)| s == system && matches(p, event_type)).map(|(_, k, _)| *k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_catalog_parses_and_answers() {
        let c = Conduct::builtin();
        assert!(c.is_pull("github", "git.clone"));
        assert!(c.is_pull("github", "repo.download_zip"));
        assert!(c.is_push("github", "git.push"));
        assert!(!c.is_pull("okta", "git.clone"));
        let rules = c.f6_rules(&Default::default());
        assert_eq!(rules.kind("okta", "system.api_token.create"), Some(CredentialKind::Token));
        assert_eq!(rules.kind("github", "org.add_member:admin"), Some(CredentialKind::Privilege));
        assert_eq!(rules.kind("github", "org.add_member"), None, "an ordinary invitation is no grant");
        assert_eq!(rules.kind("gws", "2sv_enroll"), Some(CredentialKind::MfaFactor));
        let cfg = crate::config::F6Config {
            extra_event_types: vec!["okta:user.mfa.factor.reset_*=mfa_factor".into(), "nonsense".into()],
            ignore_event_types: vec!["gws:2sv_enroll".into()],
            ..Default::default()
        };
        let rules = c.f6_rules(&cfg);
        assert_eq!(rules.kind("okta", "user.mfa.factor.reset_all"), Some(CredentialKind::MfaFactor));
        assert_eq!(rules.kind("gws", "2sv_enroll"), None);
    }

    /// Every Okta event type in the catalog is a real one.
    #[test]
    fn okta_event_types_exist_in_the_vendor_catalog() {
        let Some(path) = bonafide_core::testdata::shared("reference/okta/event_types_catalog.csv") else { return };
        let text = std::fs::read_to_string(path).unwrap();
        let known: Vec<&str> = text.lines().skip(1).filter_map(|l| l.split(',').next()).collect();
        let c = Conduct::builtin();
        for (system, _, t) in &c.f6 {
            if system == "okta" {
                assert!(known.contains(&t.as_str()), "{t} is not in Okta's catalog");
            }
        }
    }
}
