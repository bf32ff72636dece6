//! Finding the real public test data that sits beside the repository (`../shared/data`).
//!
//! Tests read it by relative path and never copy it into the repository. When the folder
//! is missing, a test that needs it says so and is skipped, unless `CI` or
//! `BONAFIDE_REQUIRE_SHARED_DATA` is set, in which case the absence is a failure.

use std::path::PathBuf;

/// The shared data folder: `$BONAFIDE_SHARED_DATA`, else `shared/data` beside the
/// workspace root.
pub fn shared_data_dir() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("BONAFIDE_SHARED_DATA") {
        let p = PathBuf::from(p);
        return p.is_dir().then_some(p);
    }
    let mut dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    loop {
        let candidate = dir.join("../shared/data");
        if candidate.join("MANIFEST.md").is_file() {
            return Some(candidate);
        }
        if !dir.pop() {
            return None;
        }
    }
}

/// True where tests must not skip for want of data, a server or a browser: CI sets `CI`
/// (any value but empty or `false`) or `BONAFIDE_REQUIRE_SHARED_DATA` (`.ci/run` does).
pub fn required() -> bool {
    let set = |v: &str| std::env::var(v).is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    set("CI") || set("BONAFIDE_REQUIRE_SHARED_DATA")
}

/// A file or folder under the shared data, or `None` (with a message) when the shared
/// data is absent and not required.
pub fn shared(rel: &str) -> Option<PathBuf> {
    match shared_data_dir() {
        Some(d) => {
            let p = d.join(rel);
            assert!(p.exists(), "shared test data {} is missing from {}", rel, d.display());
            Some(p)
        }
        None => {
            assert!(
                !required(),
                "the shared test data folder ../shared/data is absent, and CI requires it (needed: {rel})"
            );
            eprintln!("SKIPPED: ../shared/data is absent; this test needs {rel}");
            None
        }
    }
}
