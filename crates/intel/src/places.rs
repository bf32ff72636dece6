//! Country and region names into codes, so claims and observations compare.
//!
//! Identity providers write `United States`, HR systems `US` or `USA`, people `U.S.`;
//! Okta writes `Utah`, a CSV `UT`, a standards-minded export `US-UT`. Everything is folded
//! (Unicode decomposition, accents and punctuation dropped, lower case) and looked up in
//! two data tables shipped in the binary: `data/countries.tsv` (ISO 3166-1 with common
//! aliases and each country's main time zone) and `data/regions.tsv` (ISO 3166-2 codes for
//! the subdivisions we know, with zones). A region the table does not know still compares
//! by folded name, as `CC~name`.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use bonafide_core::{CountryCode, Region};
use unicode_normalization::UnicodeNormalization;

const COUNTRIES: &str = include_str!("../data/countries.tsv");
const REGIONS: &str = include_str!("../data/regions.tsv");

#[derive(Clone, Debug)]
pub struct CountryInfo {
    pub code: CountryCode,
    pub alpha3: String,
    pub name: String,
    pub timezone: Option<String>,
}

#[derive(Clone, Debug)]
pub struct RegionInfo {
    pub region: Region,
    pub name: String,
    pub timezone: Option<String>,
}

/// The places tables, parsed once.
#[derive(Debug, Default)]
pub struct Places {
    countries: HashMap<CountryCode, CountryInfo>,
    country_by_key: HashMap<String, CountryCode>,
    regions: HashMap<String, RegionInfo>,
    region_by_key: HashMap<(CountryCode, String), String>,
    /// Interned folded-name regions, so repeated lookups share one allocation.
    interned: std::sync::Mutex<HashMap<String, Region>>,
}

/// Lower-case, accents stripped, every run of non-alphanumerics one space, trimmed.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else if c == '\'' || c == '\u{2019}' {
            // O'Neil, Cote d'Ivoire: the apostrophe joins, it does not separate.
        } else {
            pending_space = true;
        }
    }
    out
}

impl Places {
    /// The built-in tables.
    pub fn builtin() -> &'static Places {
        static PLACES: OnceLock<Places> = OnceLock::new();
        PLACES.get_or_init(|| Places::parse(COUNTRIES, REGIONS))
    }

    fn parse(countries: &str, regions: &str) -> Places {
        let mut p = Places::default();
        for line in countries.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
            let cols: Vec<&str> = line.split('\t').collect();
            let Some(code) = cols.first().and_then(|c| CountryCode::new(c)) else {
                continue;
            };
            let alpha3 = cols.get(1).copied().unwrap_or_default().to_string();
            let name = cols.get(2).copied().unwrap_or_default().to_string();
            let aliases = cols.get(3).copied().unwrap_or_default();
            let tz = cols.get(4).map(|s| s.trim()).filter(|s| !s.is_empty()).map(str::to_string);
            for key in [fold(code.as_str()), fold(&alpha3), fold(&name)]
                .into_iter()
                .chain(aliases.split('|').filter(|a| !a.is_empty()).map(fold))
            {
                if !key.is_empty() {
                    p.country_by_key.entry(key).or_insert(code);
                }
            }
            p.countries.insert(code, CountryInfo { code, alpha3, name, timezone: tz });
        }
        for line in regions.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
            let cols: Vec<&str> = line.split('\t').collect();
            let Some((cc, suffix)) = cols.first().and_then(|c| c.split_once('-')) else {
                continue;
            };
            let Some(country) = CountryCode::new(cc) else {
                continue;
            };
            let code = format!("{}-{}", country, suffix.to_ascii_uppercase());
            let name = cols.get(1).copied().unwrap_or_default().to_string();
            let aliases = cols.get(2).copied().unwrap_or_default();
            let tz = cols.get(3).map(|s| s.trim()).filter(|s| !s.is_empty()).map(str::to_string);
            for key in [fold(suffix), fold(&code), fold(&name)]
                .into_iter()
                .chain(aliases.split('|').filter(|a| !a.is_empty()).map(fold))
            {
                p.region_by_key.entry((country, key)).or_insert_with(|| code.clone());
            }
            p.regions.insert(code.clone(), RegionInfo { region: Region(Arc::from(code.as_str())), name, timezone: tz });
        }
        p
    }

    /// A country from a code (alpha-2, alpha-3) or a name in any of its known spellings.
    pub fn country(&self, s: &str) -> Option<CountryCode> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        if let Some(c) = CountryCode::new(s)
            && self.countries.contains_key(&c)
        {
            return Some(c);
        }
        self.country_by_key.get(&fold(s)).copied()
    }

    pub fn country_info(&self, code: CountryCode) -> Option<&CountryInfo> {
        self.countries.get(&code)
    }

    pub fn country_name(&self, code: CountryCode) -> String {
        self.countries.get(&code).map(|c| c.name.clone()).unwrap_or_else(|| code.to_string())
    }

    /// A region of `country` from an ISO 3166-2 code (`US-UT`), a postal abbreviation
    /// (`UT`) or a name (`Utah`). Unknown names become `CC~folded name`. Without a
    /// country only a full ISO 3166-2 code can be read.
    pub fn region(&self, country: Option<CountryCode>, s: &str) -> Option<Region> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        // Full ISO 3166-2 code, e.g. US-UT or CN-LN.
        if let Some((cc, rest)) = s.split_once('-')
            && let Some(cc) = CountryCode::new(cc)
        {
            let rest = rest.trim();
            if (1..=3).contains(&rest.len())
                && rest.chars().all(|c| c.is_ascii_alphanumeric())
                && country.is_none_or(|c| c == cc)
                && self.countries.contains_key(&cc)
            {
                let code = format!("{}-{}", cc, rest.to_ascii_uppercase());
                return Some(self.known_or_intern(code));
            }
        }
        let country = country?;
        let key = fold(s);
        if key.is_empty() {
            return None;
        }
        if let Some(code) = self.region_by_key.get(&(country, key.clone())) {
            return self.regions.get(code).map(|r| r.region.clone());
        }
        Some(self.known_or_intern(format!("{country}~{key}")))
    }

    pub fn region_info(&self, region: &Region) -> Option<&RegionInfo> {
        self.regions.get(region.as_str())
    }

    /// The IANA zone for a claimed home: the region's when known, else the country's.
    pub fn timezone(&self, country: Option<CountryCode>, region: Option<&Region>) -> Option<&str> {
        if let Some(tz) = region.and_then(|r| self.regions.get(r.as_str())).and_then(|r| r.timezone.as_deref()) {
            return Some(tz);
        }
        country.and_then(|c| self.countries.get(&c)).and_then(|c| c.timezone.as_deref())
    }

    fn known_or_intern(&self, key: String) -> Region {
        if let Some(r) = self.regions.get(&key) {
            return r.region.clone();
        }
        let mut interned = match self.interned.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        interned.entry(key.clone()).or_insert_with(|| Region(Arc::from(key.as_str()))).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cc(s: &str) -> CountryCode {
        CountryCode::new(s).unwrap()
    }

    #[test]
    fn countries_in_every_spelling() {
        let p = Places::builtin();
        for s in ["United States", "US", "us", "USA", "U.S.", "United States of America", " united states "] {
            assert_eq!(p.country(s), Some(cc("US")), "{s}");
        }
        for s in ["North Korea", "KP", "PRK", "Korea, Democratic People's Republic of", "DPRK"] {
            assert_eq!(p.country(s), Some(cc("KP")), "{s}");
        }
        assert_eq!(p.country("South Korea"), Some(cc("KR")));
        assert_eq!(p.country("Côte d'Ivoire"), Some(cc("CI")));
        assert_eq!(p.country("Cote dIvoire"), Some(cc("CI")));
        assert_eq!(p.country("Russian Federation"), Some(cc("RU")));
        assert_eq!(p.country("Georgia"), Some(cc("GE")));
        assert_eq!(p.country("ZZ"), None, "unassigned codes are not countries");
        assert_eq!(p.country("Atlantis"), None);
        assert_eq!(p.country(""), None);
        assert_eq!(p.country_name(cc("KP")), "North Korea");
    }

    #[test]
    fn regions_in_every_spelling() {
        let p = Places::builtin();
        let us = Some(cc("US"));
        for s in ["Utah", "UT", "ut", "US-UT"] {
            assert_eq!(p.region(us, s).unwrap().as_str(), "US-UT", "{s}");
        }
        assert_eq!(p.region(None, "US-UT").unwrap().as_str(), "US-UT");
        assert_eq!(p.region(us, "Georgia").unwrap().as_str(), "US-GA");
        assert_eq!(p.region(Some(cc("CA")), "Québec").unwrap().as_str(), "CA-QC");
        let ln = p.region(Some(cc("CN")), "Liaoning").unwrap();
        assert_eq!(ln.as_str(), "CN~liaoning");
        assert!(!ln.is_coded());
        assert_eq!(p.region(Some(cc("CN")), "LIAONING"), Some(ln));
        assert_eq!(p.region(Some(cc("CN")), "CN-LN").unwrap().as_str(), "CN-LN");
        assert_eq!(p.region(None, "Utah"), None, "a bare name needs its country");
        assert_eq!(p.region(us, "  "), None);
    }

    #[test]
    fn time_zones_of_homes() {
        let p = Places::builtin();
        let us = Some(cc("US"));
        let oh = p.region(us, "Ohio");
        assert_eq!(p.timezone(us, oh.as_ref()), Some("America/New_York"));
        let ut = p.region(us, "UT");
        assert_eq!(p.timezone(us, ut.as_ref()), Some("America/Denver"));
        assert_eq!(p.timezone(Some(cc("KP")), None), Some("Asia/Pyongyang"));
        assert_eq!(p.timezone(Some(cc("JP")), None), Some("Asia/Tokyo"));
    }

    #[test]
    fn folding() {
        assert_eq!(fold("  São  Paulo!! "), "sao paulo");
        assert_eq!(fold("O'Neil"), "oneil");
        assert_eq!(fold("U.S.A."), "u s a");
        assert_eq!(fold("---"), "");
    }
}
