//! Keyed fingerprints for sensitive identifiers.
//!
//! An SSN has about 10^9 values, so a plain hash of one is reversible by enumeration. A
//! keyed HMAC-SHA256 is not, for anyone without the installation's key, and it still lets
//! bonafide link two people who share a number. The key is 32 random bytes in a file
//! created on first use (mode 0600); keep it with the database: a new key changes every
//! fingerprint, so links to earlier runs are lost.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use bonafide_core::{Fingerprint, Sensitive, SensitiveKind};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The installation's secret.
#[derive(Clone)]
pub struct Keyring {
    key: [u8; 32],
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keyring(..)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read the fingerprint key {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot create the fingerprint key {path}: {source}")]
    Create { path: PathBuf, source: std::io::Error },
    #[error("the fingerprint key {path} is not 64 hex digits; restore it from backup or move it away to start over")]
    Malformed { path: PathBuf },
    #[error("no randomness for a new fingerprint key: {0}")]
    Random(String),
}

/// Where the key lives unless configured: `$BONAFIDE_KEY_FILE`, else
/// `$XDG_DATA_HOME/bonafide/secret.key`, else `~/.local/share/bonafide/secret.key`, else
/// `./bonafide.key`.
pub fn default_key_path() -> PathBuf {
    if let Some(p) = std::env::var_os("BONAFIDE_KEY_FILE").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    if let Some(d) = std::env::var_os("XDG_DATA_HOME").filter(|p| !p.is_empty()) {
        return PathBuf::from(d).join("bonafide").join("secret.key");
    }
    if let Some(h) = std::env::var_os("HOME").filter(|p| !p.is_empty()) {
        return PathBuf::from(h).join(".local/share/bonafide/secret.key");
    }
    PathBuf::from("bonafide.key")
}

impl Keyring {
    /// Reads the key at `path`, creating it (and its folder) if absent.
    pub fn load_or_create(path: &Path) -> Result<Keyring, KeyError> {
        match fs::read_to_string(path) {
            Ok(text) => parse_hex_key(text.trim())
                .map(|key| Keyring { key })
                .ok_or_else(|| KeyError::Malformed { path: path.to_path_buf() }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; 32];
                getrandom::fill(&mut key).map_err(|e| KeyError::Random(e.to_string()))?;
                let create = |source| KeyError::Create { path: path.to_path_buf(), source };
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    fs::create_dir_all(dir).map_err(create)?;
                }
                let mut opts = fs::OpenOptions::new();
                opts.write(true).create_new(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    opts.mode(0o600);
                }
                match opts.open(path) {
                    Ok(mut f) => {
                        let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
                        f.write_all(hex.as_bytes()).and_then(|_| f.write_all(b"\n")).map_err(create)?;
                        Ok(Keyring { key })
                    }
                    // Another process created it first: use theirs.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Keyring::load_or_create(path),
                    Err(e) => Err(create(e)),
                }
            }
            Err(source) => Err(KeyError::Read { path: path.to_path_buf(), source }),
        }
    }

    /// A keyring from known bytes (tests, or a key held in a secret manager).
    pub fn from_bytes(key: [u8; 32]) -> Keyring {
        Keyring { key }
    }

    /// HMAC-SHA256(key, kind ‖ 0 ‖ normalised value).
    pub fn fingerprint(&self, kind: SensitiveKind, normalised: &str) -> Fingerprint {
        // HMAC accepts keys of any length; 32 bytes never fails.
        let mut mac = match <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key) {
            Ok(m) => m,
            Err(_) => unreachable!("HMAC takes any key length"),
        };
        mac.update(kind.as_str().as_bytes());
        mac.update(&[0]);
        mac.update(normalised.as_bytes());
        let out = mac.finalize().into_bytes();
        let mut fp = [0u8; 32];
        fp.copy_from_slice(&out);
        Fingerprint(fp)
    }

    /// Normalises, fingerprints and masks a raw value; `None` when nothing is left of it
    /// after normalisation (an empty or all-punctuation cell).
    pub fn protect(&self, kind: SensitiveKind, raw: &str) -> Option<Sensitive> {
        let normalised = normalise(kind, raw);
        if normalised.is_empty() {
            return None;
        }
        Some(Sensitive { kind, fingerprint: self.fingerprint(kind, &normalised), masked: mask(kind, &normalised) })
    }
}

fn parse_hex_key(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 {
        return None;
    }
    let mut key = [0u8; 32];
    for (i, chunk) in s.as_bytes().chunks(2).enumerate() {
        key[i] = u8::from_str_radix(std::str::from_utf8(chunk).ok()?, 16).ok()?;
    }
    Some(key)
}

/// The canonical form of a value: digits only for SSNs and account numbers, upper-case
/// letters and digits for documents and IBANs, lower case for wallets whose chains are
/// case-insensitive (the caller passes the chain-aware form for the others).
pub fn normalise(kind: SensitiveKind, raw: &str) -> String {
    match kind {
        SensitiveKind::Ssn | SensitiveKind::BankAccount | SensitiveKind::RoutingNumber => {
            raw.chars().filter(char::is_ascii_digit).collect()
        }
        SensitiveKind::IdDocument | SensitiveKind::Iban | SensitiveKind::Other => {
            raw.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_uppercase).collect()
        }
        SensitiveKind::Wallet => raw.trim().to_string(),
    }
}

/// The masked display form: never more than the last four characters.
pub fn mask(kind: SensitiveKind, normalised: &str) -> String {
    let chars: Vec<char> = normalised.chars().collect();
    let last4: String = if chars.len() > 4 { chars[chars.len() - 4..].iter().collect() } else { String::new() };
    match kind {
        SensitiveKind::Ssn if !last4.is_empty() => format!("***-**-{last4}"),
        _ if !last4.is_empty() => format!("****{last4}"),
        _ => "****".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_value_same_fingerprint_across_spellings() {
        let k = Keyring::from_bytes([7; 32]);
        let a = k.protect(SensitiveKind::Ssn, "123-45-6789").unwrap();
        let b = k.protect(SensitiveKind::Ssn, " 123 45 6789 ").unwrap();
        assert_eq!(a.fingerprint, b.fingerprint);
        assert_eq!(a.masked, "***-**-6789");
        let acct = k.protect(SensitiveKind::BankAccount, "123456789").unwrap();
        assert_ne!(acct.fingerprint, a.fingerprint, "kind is part of the input");
        assert_eq!(acct.masked, "****6789");
        assert!(!format!("{a:?}").contains("12345"));
    }

    #[test]
    fn different_keys_differ() {
        let a = Keyring::from_bytes([1; 32]).protect(SensitiveKind::Ssn, "123-45-6789").unwrap();
        let b = Keyring::from_bytes([2; 32]).protect(SensitiveKind::Ssn, "123-45-6789").unwrap();
        assert_ne!(a.fingerprint, b.fingerprint);
    }

    #[test]
    fn short_and_empty_values() {
        let k = Keyring::from_bytes([7; 32]);
        assert!(k.protect(SensitiveKind::Ssn, "---").is_none());
        assert_eq!(k.protect(SensitiveKind::IdDocument, "ab1").unwrap().masked, "****");
    }

    #[test]
    fn key_file_is_created_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/secret.key");
        let k1 = Keyring::load_or_create(&path).unwrap();
        let k2 = Keyring::load_or_create(&path).unwrap();
        assert_eq!(k1.fingerprint(SensitiveKind::Ssn, "1"), k2.fingerprint(SensitiveKind::Ssn, "1"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        fs::write(&path, "not a key").unwrap();
        assert!(matches!(Keyring::load_or_create(&path), Err(KeyError::Malformed { .. })));
    }
}
