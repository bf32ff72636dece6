//! A8 and A9 from GitHub profile exports: manufactured and revived accounts, and the
//! fork-heavy user, the genuine old account and the long-ago rename that stay quiet.

use bonafide_core::records::{GithubCommit, GithubRepo, GithubUser};
use bonafide_core::{SourceId, SourcePos, UtcMs};

use crate::testkit::World;

fn d(s: &str) -> UtcMs {
    UtcMs::parse_date(s).expect("date")
}

fn pos() -> SourcePos {
    SourcePos::line(SourceId(2), 1)
}

fn user(login: &str, created: &str, updated: &str) -> GithubUser {
    GithubUser {
        login: login.into(),
        id: 1,
        created_at: d(created),
        updated_at: Some(d(updated)),
        followers: 3,
        following: 5,
        public_repos: 4,
        source: pos(),
    }
}

fn repo(owner: &str, name: &str, fork: bool, created: &str, pushed: &str) -> GithubRepo {
    GithubRepo {
        owner: owner.into(),
        full_name: format!("{owner}/{name}"),
        fork,
        created_at: Some(d(created)),
        pushed_at: Some(d(pushed)),
        source: pos(),
    }
}

fn commit(repo: &str, n: usize, date: &str, author: Option<&str>, email: &str) -> GithubCommit {
    GithubCommit {
        owner: repo.split('/').next().unwrap_or_default().into(),
        repo: repo.into(),
        sha: format!("{n:040x}"),
        author_email: Some(email.into()),
        author_date: Some(d(date)),
        committer_date: Some(d(date)),
        author_login: author.map(str::to_string),
        source: pos(),
    }
}

fn world(login: &str) -> World {
    let mut w = World::new(&["A"]);
    w.person("A").github = Some(login.into());
    w.person("A").applied_date = Some(d("2024-06-01"));
    w
}

#[test]
fn a8_commits_dated_before_the_account_existed() {
    let mut w = world("newdev");
    w.records.github.users.push(user("newdev", "2024-01-10", "2024-05-20"));
    w.records.github.repos.push(repo("newdev", "erp", false, "2024-01-11", "2024-05-01"));
    for (n, date) in ["2016-03-01", "2017-07-12", "2018-02-02", "2024-02-01"].iter().enumerate() {
        w.records.github.commits.push(commit("newdev/erp", n, date, Some("newdev"), "nd@example.com"));
    }
    let r = w.run();
    let f = r.get("A", "A8").expect("backdated history");
    assert!(f.summary.contains("3 commit(s)"), "{}", f.summary);
}

#[test]
fn a8_a_fork_heavy_user_is_not_backdated_or_copied() {
    let mut w = world("forker");
    w.records.github.users.push(user("forker", "2023-01-10", "2024-05-20"));
    for (k, name) in ["linux", "rust", "react"].iter().enumerate() {
        w.records.github.repos.push(repo("forker", name, true, "2023-02-01", "2024-04-01"));
        for n in 0..10 {
            let full = format!("forker/{name}");
            w.records.github.commits.push(commit(&full, k * 100 + n, "2012-05-05", Some("torvalds"), "t@example.org"));
        }
    }
    w.records.github.repos.push(repo("forker", "dotfiles", false, "2023-01-11", "2024-05-01"));
    for n in 0..6 {
        w.records.github.commits.push(commit(
            "forker/dotfiles",
            900 + n,
            "2023-06-01",
            Some("forker"),
            "f@example.com",
        ));
    }
    assert!(w.run().ids("A").is_empty());
}

#[test]
fn a8_a_copied_repository_pushed_as_ones_own() {
    let mut w = world("copier");
    w.records.github.users.push(user("copier", "2022-01-10", "2024-05-20"));
    w.records.github.repos.push(repo("copier", "shop", false, "2023-03-01", "2023-03-01"));
    for n in 0..12 {
        w.records.github.commits.push(commit("copier/shop", n, "2023-01-05", Some("realauthor"), "ra@example.org"));
    }
    let f = w.run().get("A", "A8").cloned().expect("copied repo");
    assert!(f.summary.contains("copier/shop is not a fork"), "{}", f.summary);
}

#[test]
fn a8_follower_farm_and_many_commit_emails() {
    let mut w = world("farmed");
    let mut u = user("farmed", "2024-01-10", "2024-05-20");
    u.following = 4800;
    u.public_repos = 2;
    w.records.github.users.push(u);
    w.records.github.repos.push(repo("farmed", "app", false, "2024-01-11", "2024-05-01"));
    for n in 0..7 {
        w.records.github.commits.push(commit("farmed/app", n, "2024-03-01", None, &format!("dev{n}@example.com")));
    }
    w.records.github.commits.push(commit("farmed/app", 50, "2024-03-02", None, "1+farmed@users.noreply.github.com"));
    let f = w.run().get("A", "A8").cloned().expect("farm");
    assert!(f.summary.contains("following 4800"), "{}", f.summary);
    assert!(f.summary.contains("7 distinct author emails"), "{}", f.summary);
}

#[test]
fn a9_a_dormant_account_revived_before_applying() {
    let mut w = world("sleeper");
    w.records.github.users.push(user("sleeper", "2013-04-01", "2024-05-20"));
    w.records.github.repos.push(repo("sleeper", "old", false, "2013-04-02", "2013-09-01"));
    w.records.github.repos.push(repo("sleeper", "new", false, "2024-02-01", "2024-05-01"));
    let r = w.run();
    let f = r.get("A", "A9").expect("revived");
    assert!(f.summary.contains("idle 10.4 years"), "{}", f.summary);
    assert!(r.get("A", "A8").is_none());
}

#[test]
fn a9_a_genuine_old_account_with_steady_activity_is_quiet() {
    let mut w = world("veteran");
    w.records.github.users.push(user("veteran", "2011-04-01", "2024-05-20"));
    for y in 2011..2025 {
        let name = format!("p{y}");
        w.records.github.repos.push(repo("veteran", &name, false, &format!("{y}-05-01"), &format!("{y}-11-01")));
        w.records.github.commits.push(commit(
            &format!("veteran/{name}"),
            y as usize,
            &format!("{y}-06-01"),
            Some("veteran"),
            "v@example.com",
        ));
    }
    let r = w.run();
    assert!(r.ids("A").is_empty(), "{:?}", r.of("A"));
}

#[test]
fn a9_a_recent_rename_fires_a_rename_years_ago_does_not() {
    let mut w = World::new(&["A", "B"]);
    for (id, login) in [("A", "fresh"), ("B", "oldtimer")] {
        w.person(id).github = Some(login.into());
        w.person(id).applied_date = Some(d("2024-06-01"));
    }
    w.github_action("A", d("2024-04-20"), "user.rename");
    w.github_action("B", d("2019-04-20"), "user.rename");
    let r = w.run();
    let f = r.get("A", "A9").expect("recent rename");
    assert!(f.summary.contains("renamed 42 days before applying"), "{}", f.summary);
    assert!(r.ids("B").is_empty());
}
