//! What the CLI test files share: running the real binary in a fresh folder with its own
//! key file, and reading what it printed and wrote.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// One finished run of `bonafide` and the folder it ran in.
pub struct Run {
    pub out: Output,
    pub dir: tempfile::TempDir,
}

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }
    pub fn code(&self) -> i32 {
        self.out.status.code().unwrap_or(-1)
    }
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    /// `out/report.json` of the run's folder.
    pub fn report(&self) -> Value {
        let text = std::fs::read_to_string(self.path("out/report.json")).expect("report.json written");
        serde_json::from_str(&text).expect("report.json is JSON")
    }
}

/// Runs `bonafide ARGS...` in a fresh folder with a fresh key file, after `setup` has
/// written files there.
pub fn bonafide_in(setup: impl FnOnce(&Path), args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let out = Command::new(env!("CARGO_BIN_EXE_bonafide"))
        .args(args)
        .env("BONAFIDE_KEY_FILE", dir.path().join("secret.key"))
        .env("NO_COLOR", "1")
        .current_dir(dir.path())
        .output()
        .expect("run bonafide");
    Run { out, dir }
}

pub fn bonafide(args: &[&str]) -> Run {
    bonafide_in(|_| {}, args)
}

/// Runs `git ARGS...` in `repo` with `env`, away from the user's and the system's git
/// configuration.
pub fn git(repo: &Path, args: &[&str], env: &[(&str, &str)]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(repo)
        .envs(env.iter().copied())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_SYSTEM", "/dev/null")
        .status()
        .expect("git is installed");
    assert!(status.success(), "git {args:?}");
}
