//! The score: a likelihood-ratio model an analyst can read.
//!
//! A subject starts at the prior log2 odds. Each indicator that fired adds the log2
//! likelihood ratio of its *strongest* finding (one indicator never counts twice: ten
//! VPN sign-ins are one D1), and links to high-risk neighbours add their propagated bits.
//! The sum is log2 posterior odds; the score is the posterior probability as 0-100. Bits
//! add, so the report can show each indicator's contribution and the analyst can see why.
//!
//! Defaults (see the configuration reference): prior -7 bits (about 1 in 129), T1 = 8
//! bits, T2 = 4, T3 = 1.5. With them one T1 lands in `high`, two T2 land in `high`, one
//! T2 alone in `medium`, and T3 signals alone stay `low` or `medium`, which is what the
//! catalog's tiers promise.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalog::{Indicator, Tier};
use crate::finding::Finding;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Band {
    Low,
    Medium,
    High,
    Critical,
}

impl Band {
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Low => "low",
            Band::Medium => "medium",
            Band::High => "high",
            Band::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Band> {
        match s.trim().to_ascii_lowercase().as_str() {
            "low" => Some(Band::Low),
            "medium" => Some(Band::Medium),
            "high" => Some(Band::High),
            "critical" => Some(Band::Critical),
            _ => None,
        }
    }
}

/// log2 likelihood ratio of one finding, by tier. A tier left out of
/// `[scoring.tier_bits]` keeps its default, as every other setting does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TierBits {
    #[serde(rename = "T1")]
    pub t1: f64,
    #[serde(rename = "T2")]
    pub t2: f64,
    #[serde(rename = "T3")]
    pub t3: f64,
}

/// Lowest score (0-100) of each band above `low`. A band left out of `[scoring.bands]`
/// keeps its default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BandThresholds {
    pub medium: u8,
    pub high: u8,
    pub critical: u8,
}

impl Default for TierBits {
    fn default() -> Self {
        TierBits { t1: 8.0, t2: 4.0, t3: 1.5 }
    }
}

impl Default for BandThresholds {
    fn default() -> Self {
        BandThresholds { medium: 5, high: 50, critical: 90 }
    }
}

/// `[scoring]` in `bonafide.toml`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScoringConfig {
    /// log2 of the prior odds that a subject is not who or where they claim.
    pub prior_log2_odds: f64,
    /// Default weight of one finding by tier.
    pub tier_bits: TierBits,
    /// Per-indicator overrides of the weight, e.g. `D1 = 3.0`.
    pub weights: BTreeMap<String, f64>,
    pub bands: BandThresholds,
    /// Groups of indicators that observe one behaviour; see [`Correlated`].
    pub correlated: Vec<Correlated>,
}

/// Indicators that observe one behaviour from different sides, so that their evidence is
/// not independent: sign-ins through a consumer VPN (D1) and the VPN client on the laptop
/// (E4) are one habit seen twice. Adding both at full weight would treat a privacy-minded
/// employee as twice as suspicious as the habit warrants. Within a group only the
/// strongest member that fired counts fully; every other member adds `others` × its own
/// bits (0 drops it, 1 makes the group a no-op). The report names the group, so the
/// analyst sees why a finding counted less.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correlated {
    pub name: String,
    pub members: Vec<String>,
    #[serde(default = "Correlated::default_others")]
    pub others: f64,
}

impl Correlated {
    fn default_others() -> f64 {
        0.25
    }

    /// The built-in groups (the same as the configuration reference).
    pub fn builtin() -> Vec<Correlated> {
        let g = |name: &str, members: &[&str]| Correlated {
            name: name.into(),
            members: members.iter().map(|m| (*m).to_string()).collect(),
            others: Correlated::default_others(),
        };
        vec![
            g("consumer_vpn", &["D1", "E4"]),
            g("remote_desktop", &["E1", "D7", "C5"]),
            g("kvm_on_new_laptop", &["E2", "C5"]),
            g("shared_ip", &["D3", "I2"]),
            g("shared_device", &["A13", "H4"]),
            g("unmanaged_devices", &["C4", "D5"]),
            g("published_domain", &["S2", "S3", "A4", "A14"]),
        ]
    }
}

impl Default for ScoringConfig {
    fn default() -> Self {
        ScoringConfig {
            prior_log2_odds: -7.0,
            tier_bits: TierBits::default(),
            weights: BTreeMap::new(),
            bands: BandThresholds::default(),
            correlated: Correlated::builtin(),
        }
    }
}

/// One line of a score's explanation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    pub indicator: String,
    pub bits: f64,
    /// Why, when it is not simply the indicator's own strongest finding (propagation
    /// paths say which neighbour the bits came from).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// Posterior probability × 100, rounded.
    pub score: u8,
    pub band: Band,
    pub log2_odds: f64,
    /// Largest first.
    pub contributions: Vec<Contribution>,
}

impl ScoringConfig {
    /// The weight a finding of `indicator` carries by default.
    pub fn weight(&self, indicator: &Indicator) -> f64 {
        if let Some(w) = self.weights.get(&indicator.id) {
            return *w;
        }
        if let Some(w) = indicator.weight_bits {
            return w;
        }
        self.tier_weight(indicator.tier)
    }

    pub fn tier_weight(&self, tier: Tier) -> f64 {
        match tier {
            Tier::T1 => self.tier_bits.t1,
            Tier::T2 => self.tier_bits.t2,
            Tier::T3 => self.tier_bits.t3,
        }
    }

    pub fn band(&self, score: u8) -> Band {
        if score >= self.bands.critical {
            Band::Critical
        } else if score >= self.bands.high {
            Band::High
        } else if score >= self.bands.medium {
            Band::Medium
        } else {
            Band::Low
        }
    }

    /// Scores one subject from its findings and any extra contributions (propagation).
    pub fn score<'a>(&self, findings: impl IntoIterator<Item = &'a Finding>, extra: &[Contribution]) -> Score {
        let mut strongest: BTreeMap<&str, f64> = BTreeMap::new();
        for f in findings {
            let e = strongest.entry(f.indicator.as_str()).or_insert(f64::NEG_INFINITY);
            *e = e.max(f.weight_bits);
        }
        let mut contributions: Vec<Contribution> = strongest
            .into_iter()
            .map(|(indicator, bits)| Contribution { indicator: indicator.to_string(), bits, via: None })
            .collect();
        self.discount_correlated(&mut contributions);
        contributions.extend(extra.iter().cloned());
        contributions.sort_by(|a, b| b.bits.total_cmp(&a.bits).then_with(|| a.indicator.cmp(&b.indicator)));
        let log2_odds = self.prior_log2_odds + contributions.iter().map(|c| c.bits).sum::<f64>();
        let score = probability_score(log2_odds);
        Score { score, band: self.band(score), log2_odds, contributions }
    }

    /// Within each correlated group, keeps the strongest member's bits and scales the
    /// others' positive bits by the group's `others`. Ties go to the lower indicator id,
    /// so the result does not depend on input order. An indicator in several groups is
    /// discounted at most once (by the first group that discounts it).
    fn discount_correlated(&self, contributions: &mut [Contribution]) {
        for group in &self.correlated {
            let factor = group.others.clamp(0.0, 1.0);
            let present: Vec<usize> = (0..contributions.len())
                .filter(|&i| {
                    contributions[i].via.is_none() && group.members.iter().any(|m| *m == contributions[i].indicator)
                })
                .collect();
            let Some(&lead) = present.iter().max_by(|&&a, &&b| {
                contributions[a]
                    .bits
                    .total_cmp(&contributions[b].bits)
                    .then_with(|| contributions[b].indicator.cmp(&contributions[a].indicator))
            }) else {
                continue;
            };
            let lead_id = contributions[lead].indicator.clone();
            for &i in &present {
                if i != lead && contributions[i].bits > 0.0 {
                    contributions[i].bits *= factor;
                    contributions[i].via =
                        Some(format!("correlated with {lead_id} ({}): counts {:.0}%", group.name, factor * 100.0));
                }
            }
        }
    }
}

/// 100 × 2^L / (1 + 2^L), rounded, computed without overflow for any L.
fn probability_score(log2_odds: f64) -> u8 {
    if !log2_odds.is_finite() {
        return if log2_odds > 0.0 { 100 } else { 0 };
    }
    let p = 1.0 / (1.0 + (-log2_odds).exp2());
    (p * 100.0).round().clamp(0.0, 100.0) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::subject::SubjectIdx;

    fn finding(id: &str, bits: f64) -> Finding {
        Finding::new(id, SubjectIdx(0), bits, "x")
    }

    #[test]
    fn tiers_land_in_the_promised_bands() {
        let cfg = ScoringConfig::default();
        let c = Catalog::builtin();
        let w = |id: &str| cfg.weight(c.get(id).unwrap());
        assert_eq!(cfg.score([], &[]).band, Band::Low);
        assert_eq!(cfg.score([&finding("E2", w("E2"))], &[]).band, Band::High, "one T1 opens a case");
        assert_eq!(cfg.score([&finding("D1", w("D1"))], &[]).band, Band::Medium, "one T2 alone does not");
        let two_t2 = [finding("D1", w("D1")), finding("D4", w("D4"))];
        assert_eq!(cfg.score(two_t2.iter(), &[]).band, Band::High, "two T2 do");
        assert_eq!(cfg.score([&finding("E3", w("E3"))], &[]).band, Band::Low, "a T3 alone stays low");
        let t1_t2 = [finding("E2", w("E2")), finding("D1", w("D1"))];
        assert_eq!(cfg.score(t1_t2.iter(), &[]).band, Band::Critical);
    }

    #[test]
    fn one_indicator_counts_once_at_its_strongest() {
        let cfg = ScoringConfig::default();
        let many = [finding("D1", 4.0), finding("D1", 6.0), finding("D1", 4.0)];
        let s = cfg.score(many.iter(), &[]);
        assert_eq!(s.contributions.len(), 1);
        assert_eq!(s.contributions[0].bits, 6.0);
        assert_eq!(s.log2_odds, -1.0);
        assert_eq!(s.score, 33);
    }

    #[test]
    fn extreme_odds_do_not_overflow() {
        assert_eq!(probability_score(10_000.0), 100);
        assert_eq!(probability_score(-10_000.0), 0);
        assert_eq!(probability_score(f64::NAN), 0);
        assert_eq!(probability_score(0.0), 50);
    }

    /// One shared hotel IP (D3 and I2), one BYOD habit (C4 and D5), one remote tool in
    /// the first hours (E1 and C5), one seized domain (S2, S3 and A4): each counts once
    /// in full, so none alone makes an honest person high risk.
    #[test]
    fn one_observation_seen_by_several_indicators_counts_once() {
        let cfg = ScoringConfig::default();
        for (pair, lead) in [
            (vec![finding("D3", 4.0), finding("I2", 4.0)], 4.0),
            (vec![finding("C4", 4.0), finding("D5", 2.0)], 4.0),
            (vec![finding("E1", 4.0), finding("C5", 4.0)], 4.0),
            (vec![finding("E2", 8.0), finding("C5", 4.0)], 8.0),
            (vec![finding("S2", 8.0), finding("S3", 4.0), finding("A4", 4.0)], 8.0),
        ] {
            let s = cfg.score(pair.iter(), &[]);
            let others: f64 = pair.iter().map(|f| f.weight_bits).sum::<f64>() - lead;
            assert_eq!(s.log2_odds, -7.0 + lead + others * 0.25, "{pair:?}");
            if lead < 8.0 {
                assert_ne!(s.band, Band::High, "{pair:?}");
            }
        }
    }

    #[test]
    fn correlated_indicators_count_once_in_full() {
        let cfg = ScoringConfig::default();
        // A privacy-minded employee: VPN sign-ins and the VPN client, one habit.
        let vpn = [finding("D1", 4.0), finding("E4", 4.0)];
        let s = cfg.score(vpn.iter(), &[]);
        assert_eq!(s.log2_odds, -7.0 + 4.0 + 1.0);
        assert_eq!(s.band, Band::Medium, "one habit seen twice does not open a case");
        let e4 = s.contributions.iter().find(|c| c.indicator == "E4").unwrap();
        assert!(e4.via.as_deref().unwrap().contains("consumer_vpn"), "{e4:?}");
        // The strongest member leads, whatever the order: Astrill on the laptop weighs more.
        let astrill = [finding("D1", 4.0), finding("E4", 6.0)];
        let s = cfg.score(astrill.iter(), &[]);
        assert_eq!(s.log2_odds, -7.0 + 6.0 + 1.0);
        assert!(s.contributions.iter().find(|c| c.indicator == "E4").unwrap().via.is_none());
        // Independent evidence still adds in full: VPN plus a shared payout account.
        let two = [finding("D1", 4.0), finding("E4", 4.0), finding("D4", 4.0)];
        assert_eq!(cfg.score(two.iter(), &[]).band, Band::High);
        // Members of different groups are not discounted against each other.
        let apart = [finding("D1", 4.0), finding("D7", 4.0)];
        assert_eq!(cfg.score(apart.iter(), &[]).log2_odds, 1.0);
        // `others = 1` turns the group off; `others = 0` drops the weaker member.
        let mut off = ScoringConfig::default();
        off.correlated.iter_mut().for_each(|g| g.others = 1.0);
        assert_eq!(off.score(vpn.iter(), &[]).log2_odds, 1.0);
        let mut drop = ScoringConfig::default();
        drop.correlated.iter_mut().for_each(|g| g.others = 0.0);
        assert_eq!(drop.score(vpn.iter(), &[]).log2_odds, -3.0);
    }

    #[test]
    fn correlated_groups_parse_from_toml() {
        let cfg: ScoringConfig = toml::from_str("[[correlated]]\nname = \"x\"\nmembers = [\"A1\", \"A4\"]\n").unwrap();
        assert_eq!(
            cfg.correlated,
            vec![Correlated { name: "x".into(), members: vec!["A1".into(), "A4".into()], others: 0.25 }]
        );
        let none: ScoringConfig = toml::from_str("prior_log2_odds = -7.0\n").unwrap();
        assert_eq!(none.correlated, Correlated::builtin(), "absent means the built-in groups");
    }

    #[test]
    fn overrides_win() {
        let mut cfg = ScoringConfig::default();
        cfg.weights.insert("D1".into(), 1.0);
        assert_eq!(cfg.weight(Catalog::builtin().get("D1").unwrap()), 1.0);
    }
}
