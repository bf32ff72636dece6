//! A8 and A9 from the GitHub profile a person gave (people.csv `github`), read from
//! REST API exports (`/users/{login}`, its repos, their commits; see `ingest::ghprofile`).
//!
//! A8, a manufactured history, from four signs, each reported with its numbers:
//! commits in the account's own non-fork repositories (or the repositories themselves)
//! dated before the account existed; a non-fork repository whose commits are nearly all
//! another account's (a copy pushed as one's own; forks are how one copies honestly, so
//! a fork-heavy account raises nothing); a young account with a follower-farm shape; and
//! many distinct author emails on the account's own commits. Author dates are what the
//! author's clock said, which is exactly what is forged; pushes to GitHub are not.
//!
//! A9, a revived or renamed account: a long gap in activity (account creation, own
//! repositories created or pushed, commits as committed) ended shortly before the
//! application; or a `user.rename` in the person's GitHub security log shortly before
//! it. An account renamed years ago is just an account with a history.

use std::collections::{BTreeSet, HashMap};

use bonafide_core::records::{GithubCommit, GithubRepo, GithubUser};
use bonafide_core::time::MS_PER_DAY;
use bonafide_core::{Event, Evidence, Finding, SubjectIdx, UtcMs};

use crate::people::subject_evidence;
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
pub struct GithubProfiles {
    /// Renames seen in GitHub security logs, per subject (latest).
    renames: HashMap<SubjectIdx, (UtcMs, bonafide_core::SourcePos)>,
    /// The latest GitHub event time seen, the reference when a subject has no dates.
    last_seen: Option<UtcMs>,
}

fn days(ms: i64) -> i64 {
    ms.div_euclid(MS_PER_DAY)
}

impl Detector for GithubProfiles {
    fn name(&self) -> &'static str {
        "github-profiles"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["A8", "A9"]
    }

    fn observe(&mut self, e: &Event, cx: &Context<'_>) {
        if &*e.actor.system != "github" {
            return;
        }
        self.last_seen = Some(self.last_seen.map_or(e.at, |t| t.max(e.at)));
        if cx.config.a9.rename_actions.iter().any(|a| **a == *e.event_type)
            && let Some(s) = e.subject
        {
            let slot = self.renames.entry(s).or_insert((e.at, e.source));
            if e.at > slot.0 {
                *slot = (e.at, e.source);
            }
        }
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let gh = &cx.records.github;
        let users: HashMap<&str, &GithubUser> = gh.users.iter().map(|u| (u.login.as_str(), u)).collect();
        let mut repos: HashMap<&str, Vec<&GithubRepo>> = HashMap::new();
        for r in &gh.repos {
            repos.entry(r.owner.as_str()).or_default().push(r);
        }
        let mut commits: HashMap<&str, Vec<&GithubCommit>> = HashMap::new();
        for c in &gh.commits {
            commits.entry(c.repo.as_str()).or_default().push(c);
        }
        for (i, s) in cx.subjects.iter().enumerate() {
            let idx = SubjectIdx(i as u32);
            let Some(login) = s.github.as_deref() else { continue };
            let reference = s.applied_date.or(s.hire_date);
            if let Some(&user) = users.get(login) {
                let own: Vec<&GithubRepo> = repos.get(login).map(|v| v.to_vec()).unwrap_or_default();
                let profile = Profile { user, own: &own, commits: &commits };
                if let Some(f) = a8(cx, idx, s, &profile) {
                    out.push(f);
                }
                if let Some(f) = dormant(cx, idx, s, &profile, reference) {
                    out.push(f);
                }
            }
            if let Some(&(at, pos)) = self.renames.get(&idx) {
                let as_of = reference.or(self.last_seen).unwrap_or(at);
                let ago = days(as_of.0 - at.0);
                if (0..=cx.config.a9.rename_within_days).contains(&ago) {
                    let mut f = Finding::new(
                        "A9",
                        idx,
                        cx.weight("A9"),
                        format!("GitHub account renamed {ago} days before {}", what_date(s)),
                    );
                    f.seen(at);
                    f.evidence = vec![Evidence::at(pos).with("renamed_at", at.to_rfc3339()).with("login", login)];
                    f.evidence_total = 1;
                    out.push(f);
                }
            }
        }
    }
}

fn what_date(s: &bonafide_core::Subject) -> &'static str {
    if s.applied_date.is_some() {
        "applying"
    } else if s.hire_date.is_some() {
        "being hired"
    } else {
        "the end of the data"
    }
}

struct Profile<'a> {
    user: &'a GithubUser,
    own: &'a [&'a GithubRepo],
    commits: &'a HashMap<&'a str, Vec<&'a GithubCommit>>,
}

impl<'a> Profile<'a> {
    fn own_commits(&self, forks: bool) -> impl Iterator<Item = (&'a GithubRepo, &'a GithubCommit)> + '_ {
        self.own
            .iter()
            .filter(move |r| r.fork == forks)
            .flat_map(|r| self.commits.get(r.full_name.as_str()).into_iter().flatten().map(move |c| (*r, *c)))
    }
}

fn a8(cx: &Context<'_>, idx: SubjectIdx, s: &bonafide_core::Subject, p: &Profile<'_>) -> Option<Finding> {
    let cfg = &cx.config.a8;
    let user = p.user;
    let created = user.created_at;
    let grace = cfg.backdate_grace_days * MS_PER_DAY;
    let mut signs: Vec<String> = Vec::new();
    let mut evidence: Vec<Evidence> = Vec::new();
    let base = || subject_evidence(s).with("login", user.login.as_str());

    // Backdated: own commits (not another account's) and own repositories.
    let backdated: Vec<&GithubCommit> = p
        .own_commits(false)
        .map(|(_, c)| c)
        .filter(|c| c.author_login.as_deref().is_none_or(|l| l == user.login))
        .filter(|c| c.author_date.is_some_and(|t| t.0 < created.0 - grace))
        .collect();
    let old_repos: Vec<&&GithubRepo> =
        p.own.iter().filter(|r| !r.fork && r.created_at.is_some_and(|t| t.0 < created.0 - grace)).collect();
    if backdated.len() >= cfg.min_backdated_commits || !old_repos.is_empty() {
        let earliest = backdated.iter().filter_map(|c| c.author_date).min();
        signs.push(format!(
            "{} commit(s) and {} repositor(ies) dated before the account was created on {}",
            backdated.len(),
            old_repos.len(),
            created.to_rfc3339()
        ));
        let mut ev = Evidence::at(user.source)
            .with("login", user.login.as_str())
            .with("account_created", created.to_rfc3339())
            .with("backdated_commits", backdated.len() as u64)
            .with("backdated_repos", old_repos.len() as u64);
        if let Some(t) = earliest {
            ev = ev.with("earliest_author_date", t.to_rfc3339());
        }
        if let Some(c) = backdated.first() {
            ev = ev.with("example_commit", c.sha.as_str()).with("repo", c.repo.as_str());
        }
        evidence.push(ev);
    }

    // Copied: non-fork repositories whose history is another account's.
    for r in p.own.iter().filter(|r| !r.fork) {
        let list = p.commits.get(r.full_name.as_str()).map(Vec::as_slice).unwrap_or(&[]);
        if list.len() < cfg.copied_min_commits {
            continue;
        }
        let foreign = list.iter().filter(|c| c.author_login.as_deref().is_some_and(|l| l != user.login)).count();
        let share = foreign as f64 / list.len() as f64;
        if share >= cfg.copied_share {
            let mut authors: BTreeSet<&str> = BTreeSet::new();
            authors.extend(list.iter().filter_map(|c| c.author_login.as_deref()).filter(|l| *l != user.login));
            signs.push(format!(
                "{} is not a fork but {foreign} of its {} commits are by {}",
                r.full_name,
                list.len(),
                authors.iter().take(3).copied().collect::<Vec<_>>().join(", ")
            ));
            evidence.push(
                Evidence::at(r.source)
                    .with("repo", r.full_name.as_str())
                    .with("commits", list.len() as u64)
                    .with("by_other_accounts", foreign as u64),
            );
        }
    }

    // Follower farm: a young account with a mass-follow or bought-follower shape.
    let as_of = user.updated_at.unwrap_or(created);
    let age = days(as_of.0 - created.0);
    let farm_following = user.following >= cfg.farm_min_following;
    let farm_followers = user.followers >= cfg.farm_min_followers && user.public_repos <= cfg.farm_max_repos;
    if age < cfg.farm_max_age_days && (farm_following || farm_followers) {
        signs.push(format!(
            "{age}-day-old account following {} and followed by {} with {} public repositories",
            user.following, user.followers, user.public_repos
        ));
        evidence.push(
            Evidence::at(user.source)
                .with("account_age_days", age)
                .with("following", user.following)
                .with("followers", user.followers)
                .with("public_repos", user.public_repos),
        );
    }

    // Many author emails on the account's own commits.
    let emails: BTreeSet<&str> = p
        .own_commits(false)
        .map(|(_, c)| c)
        .filter(|c| c.author_login.as_deref().is_none_or(|l| l == user.login))
        .filter_map(|c| c.author_email.as_deref())
        .filter(|e| !e.ends_with("@users.noreply.github.com"))
        .collect();
    if emails.len() >= cfg.min_commit_emails {
        signs.push(format!("{} distinct author emails on its own commits", emails.len()));
        evidence.push(base().with("distinct_commit_emails", emails.len() as u64));
    }

    if signs.is_empty() {
        return None;
    }
    let mut f = Finding::new(
        "A8",
        idx,
        cx.weight("A8"),
        format!("GitHub account {} looks manufactured: {}", user.login, signs.join("; ")),
    );
    f.seen(created);
    f.evidence_total = evidence.len() as u64;
    f.evidence = evidence;
    Some(f)
}

fn dormant(
    cx: &Context<'_>,
    idx: SubjectIdx,
    s: &bonafide_core::Subject,
    p: &Profile<'_>,
    reference: Option<UtcMs>,
) -> Option<Finding> {
    let cfg = &cx.config.a9;
    let user = p.user;
    let mut times: Vec<UtcMs> = vec![user.created_at];
    for r in p.own.iter() {
        times.extend(r.created_at);
        times.extend(r.pushed_at);
    }
    for (_, c) in p.own_commits(false).chain(p.own_commits(true)) {
        if c.author_login.as_deref().is_none_or(|l| l == user.login) {
            times.extend(c.committer_date.or(c.author_date));
        }
    }
    // Activity after the account existed (a backdated history is A8's business).
    times.retain(|t| t.0 >= user.created_at.0);
    times.sort();
    let as_of = reference.or(user.updated_at).or(times.last().copied())?;
    let (gap_start, gap_end) =
        times.windows(2).filter(|w| days(w[1].0 - w[0].0) >= cfg.dormant_days).map(|w| (w[0], w[1])).next_back()?;
    let since = days(as_of.0 - gap_end.0);
    if !(0..=cfg.revived_within_days).contains(&since) {
        return None;
    }
    let gap = days(gap_end.0 - gap_start.0);
    let mut f = Finding::new(
        "A9",
        idx,
        cx.weight("A9"),
        format!(
            "GitHub account {} was idle {:.1} years, then active again {since} days before {}",
            user.login,
            gap as f64 / 365.25,
            what_date(s)
        ),
    );
    f.seen(gap_start);
    f.seen(gap_end);
    f.evidence = vec![
        Evidence::at(user.source)
            .with("login", user.login.as_str())
            .with("idle_from", gap_start.to_rfc3339())
            .with("active_again", gap_end.to_rfc3339())
            .with("idle_days", gap),
    ];
    f.evidence_total = 1;
    Some(f)
}
