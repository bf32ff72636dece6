//! Places as bonafide compares them: ISO 3166-1 alpha-2 countries, first-level regions
//! (ISO 3166-2 where known), and coordinates.
//!
//! Normalising names into these types is enrichment's job (`bonafide-intel::places`);
//! this module only holds the values, so that claimed homes and observed sign-ins meet in
//! one representation: `United States`, `US`, `USA` all become `US`; `Utah`, `UT`,
//! `US-UT` all become the region `US-UT`.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// ISO 3166-1 alpha-2 country code, upper case.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Accepts exactly two ASCII letters, any case. Whether the code is assigned is the
    /// places table's business.
    pub fn new(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() == 2 && b[0].is_ascii_alphabetic() && b[1].is_ascii_alphabetic() {
            Some(CountryCode([b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase()]))
        } else {
            None
        }
    }

    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CountryCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CountryCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        CountryCode::new(&s).ok_or_else(|| serde::de::Error::custom(format!("not a country code: {s}")))
    }
}

/// A first-level subdivision: an ISO 3166-2 code (`US-UT`) when the places table knows
/// it, otherwise `CC~folded name` so that two spellings of an unknown region still
/// compare equal after folding.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Region(pub Arc<str>);

impl Region {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when the region is an ISO 3166-2 code rather than a folded name.
    pub fn is_coded(&self) -> bool {
        !self.0.contains('~')
    }

    /// The country part of the region key.
    pub fn country(&self) -> Option<CountryCode> {
        CountryCode::new(self.0.get(..2)?)
    }
}

impl fmt::Debug for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// WGS84 coordinates in degrees.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

impl GeoPoint {
    /// Rejects NaN and out-of-range values, which vendors do send (0,0 is kept: it is a
    /// real, if suspicious, answer and the enrichment decides what to make of it).
    pub fn new(lat: f64, lon: f64) -> Option<Self> {
        if lat.is_finite() && lon.is_finite() && (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) {
            Some(GeoPoint { lat, lon })
        } else {
            None
        }
    }

    /// Great-circle distance in kilometres (haversine, mean Earth radius).
    pub fn distance_km(&self, other: &GeoPoint) -> f64 {
        const R: f64 = 6371.0088;
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * R * a.sqrt().min(1.0).asin()
    }
}

/// Where something is, as far as we know.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub country: Option<CountryCode>,
    pub region: Option<Region>,
    pub city: Option<Arc<str>>,
    pub point: Option<GeoPoint>,
}

impl Place {
    pub fn is_empty(&self) -> bool {
        self.country.is_none() && self.region.is_none() && self.city.is_none() && self.point.is_none()
    }

    /// `City, Region, CC` with whatever parts are known.
    pub fn label(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(c) = &self.city {
            parts.push(c.to_string());
        }
        if let Some(r) = &self.region {
            let r = r.as_str();
            let short = match r.split_once('~') {
                // A folded name: show it in title case.
                Some((_, name)) => name
                    .split(' ')
                    .map(|w| {
                        let mut c = w.chars();
                        c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
                None => r.split_once('-').map(|(_, s)| s).unwrap_or(r).to_string(),
            };
            parts.push(short);
        }
        if let Some(c) = &self.country {
            parts.push(c.to_string());
        }
        if parts.is_empty() { "unknown place".to_string() } else { parts.join(", ") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_are_plausible() {
        let nyc = GeoPoint::new(40.7128, -74.0060).unwrap();
        let lon = GeoPoint::new(51.5074, -0.1278).unwrap();
        let d = nyc.distance_km(&lon);
        assert!((5560.0..5590.0).contains(&d), "{d}");
        assert_eq!(nyc.distance_km(&nyc), 0.0);
        assert!(GeoPoint::new(91.0, 0.0).is_none());
        assert!(GeoPoint::new(f64::NAN, 0.0).is_none());
    }

    #[test]
    fn country_codes() {
        assert_eq!(CountryCode::new("us").unwrap().as_str(), "US");
        assert!(CountryCode::new("USA").is_none());
        assert!(CountryCode::new("U1").is_none());
        assert!(CountryCode::new("é").is_none());
    }
}
