//! Commit metadata: `commits.csv` (when the repository itself is not at hand) and git
//! repositories read directly from disk.
//!
//! Both give the same event: actor = the author email (system `git`), time = the author
//! time in UTC, and in the detail the UTC offset the author's machine recorded, the
//! committer time and offset, and (from repositories) the committer email, so that a
//! commit authored under an unknown identity can still be tied to whoever committed it.

use std::io::BufRead;
use std::path::Path;
use std::sync::Arc;

use bonafide_core::{Action, Actor, ActorKind, Commit, Detail, Event, Outcome, SourcePos, UtcMs};

use crate::okta::Interner;
use crate::record_csv;
use crate::{ReadContext, RecordSink};

fn commit_event(
    strings: &mut Interner,
    author_email: &str,
    author_name: Option<&str>,
    at: UtcMs,
    commit: Commit,
    source: SourcePos,
) -> Event {
    Event {
        at,
        actor: Actor {
            system: strings.get("git"),
            account: strings.lower(author_email.trim()),
            display_name: author_name.map(|n| strings.get(n)),
            kind: ActorKind::User,
        },
        subject: None,
        action: Action::Work,
        outcome: Outcome::Success,
        event_type: strings.get("git.commit"),
        net: None,
        session: None,
        device: None,
        device_managed: None,
        target: commit.repo.clone(),
        id: Some(commit.id.clone()),
        detail: Detail::Commit(Box::new(commit)),
        user_agent: None,
        interactive: true,
        source,
    }
}

/// The contract's columns of `commits.csv` (`committer_email` is ours, optional).
pub const COLUMNS: &[&str] =
    &["repo", "commit", "author_email", "author_name", "author_time", "committer_time", "committer_email"];

/// `commits.csv`: `repo, commit, author_email*, author_name, author_time*, committer_time`,
/// and optionally `committer_email` (an extension of the contract: with it a commit that
/// someone else made at the second of its author time, such as a web squash merge, is
/// told apart from the author's own work).
pub fn read_csv(cx: &ReadContext<'_>, reader: &mut dyn BufRead, sink: &mut dyn RecordSink) -> std::io::Result<()> {
    let Some(mut table) = record_csv::open(cx, reader, "commits", &[], sink)? else {
        return Ok(());
    };
    let (repo, commit, email, name, author_time, committer_time, committer_email) = (
        table.col("repo"),
        table.col("commit"),
        table.col("author_email"),
        table.col("author_name"),
        table.col("author_time"),
        table.col("committer_time"),
        table.col("committer_email"),
    );
    if email.is_none() || author_time.is_none() {
        cx.quarantine(sink, 1, None, "header lacks author_email or author_time");
        return Ok(());
    }
    let mut strings = Interner::default();
    record_csv::each_row(cx, &mut table, sink, &mut |row, sink| {
        let Some(author) = row.get(email) else {
            cx.quarantine(sink, row.line, None, "author_email is required");
            return;
        };
        let Some(t) = row.get(author_time) else {
            cx.quarantine(sink, row.line, None, "author_time is required");
            return;
        };
        let (at, offset) = match UtcMs::parse_with_offset(t) {
            Ok(x) => x,
            Err(e) => {
                cx.quarantine(sink, row.line, None, format!("author_time: {e}"));
                return;
            }
        };
        let committer = match row.get(committer_time).map(UtcMs::parse_with_offset) {
            Some(Ok((ct, co))) => (Some(ct), Some(co)),
            Some(Err(e)) => {
                sink.field_issue(bonafide_core::QuarantineEntry {
                    pos: cx.pos(row.line),
                    reason: format!("committer_time: {e}; field ignored"),
                });
                (None, None)
            }
            None => (None, None),
        };
        let id = row.get(commit).map(str::to_string).unwrap_or_else(|| format!("{}:{}", cx.input.display, row.line));
        let c = Commit {
            repo: row.get(repo).map(|r| strings.get(r)),
            id: id.into(),
            author_name: row.get(name).map(|n| strings.get(n)),
            committer: row.get(committer_email).map(|m| strings.lower(m.trim())),
            attributed_via_committer: false,
            timed_by_committer: false,
            author_offset_minutes: Some(offset),
            committer_time: committer.0,
            committer_offset_minutes: committer.1,
        };
        let author_name = row.get(name).map(str::to_string);
        let e = commit_event(&mut strings, author, author_name.as_deref(), at, c, cx.pos(row.line));
        sink.event(e);
    })
}

/// True when `dir` is a git repository: a work tree with `.git`, or a bare repository.
pub fn is_repository(dir: &Path) -> bool {
    dir.join(".git").exists()
        || (dir.join("HEAD").is_file() && dir.join("objects").is_dir() && dir.join("refs").is_dir())
}

/// Whether the repository at `dir` opens, and why not: a scan plans an unreadable
/// `.git` (empty, damaged, a dangling `gitdir:` link) as a skipped input with this reason
/// before any reading starts.
pub fn check_repository(dir: &Path) -> Result<(), String> {
    gix::open(dir).map(drop).map_err(|e| e.to_string())
}

/// Ref namespaces whose commits are read (others, such as `refs/notes/` or `refs/stash`,
/// are not work history).
const WALKED_REFS: &[&str] = &["refs/heads/", "refs/tags/", "refs/remotes/"];

/// Pull and merge request refs: only their `head`, the author's branch. A forge's
/// `refs/pull/N/merge` is a test merge it regenerates on every push to the base branch,
/// nobody's work.
const REQUEST_REFS: &[&str] = &["refs/pull/", "refs/merge-requests/"];

fn walked(name: &str) -> bool {
    WALKED_REFS.iter().any(|prefix| name.starts_with(prefix))
        || REQUEST_REFS.iter().any(|prefix| name.starts_with(prefix) && name.ends_with("/head"))
}

/// Reads every commit reachable from any local branch, remote-tracking branch, tag,
/// pull or merge request ref, or HEAD of the repository at `dir`. Positions are the
/// commit's index in the walk (no lines in a repository).
///
/// Pull-request refs matter where a forge squashes on merge: the squashed commit is timed
/// by whoever clicked (and the engine leaves it out of the author's rhythm), while the
/// author's own commits, with their own times, survive only under `refs/pull/*`
/// (GitHub) or `refs/merge-requests/*` (GitLab) in a mirror clone.
pub fn read_repository(cx: &ReadContext<'_>, dir: &Path, sink: &mut dyn RecordSink) -> std::io::Result<()> {
    let io = |e: &dyn std::fmt::Display| std::io::Error::other(e.to_string());
    let repo = gix::open(dir).map_err(|e| io(&e))?;
    let mut tips: Vec<gix::ObjectId> = Vec::new();
    if let Ok(head) = repo.head_id() {
        tips.push(head.detach());
    }
    if let Ok(refs) = repo.references()
        && let Ok(all) = refs.all()
    {
        for r in all.flatten() {
            let name = r.name().as_bstr().to_string();
            if !walked(&name) {
                continue;
            }
            let mut r = r;
            if let Ok(id) = r.peel_to_id() {
                tips.push(id.detach());
            }
        }
    }
    tips.sort();
    tips.dedup();
    if tips.is_empty() {
        return Ok(());
    }
    let repo_name: Arc<str> = Arc::from(dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
    let mut strings = Interner::default();
    let walk = repo.rev_walk(tips).all().map_err(|e| io(&e))?;
    for (index, info) in walk.enumerate() {
        let pos = SourcePos { source: cx.source, line: 0, index: Some(index as u64) };
        let quarantine = |sink: &mut dyn RecordSink, reason: String| {
            sink.quarantine(bonafide_core::QuarantineEntry { pos, reason });
        };
        let info = match info {
            Ok(i) => i,
            Err(e) => {
                quarantine(sink, format!("unreadable commit in the history: {e}"));
                continue;
            }
        };
        let object = match info.object() {
            Ok(o) => o,
            Err(e) => {
                quarantine(sink, format!("commit {}: {e}", info.id));
                continue;
            }
        };
        let (author, committer) = match (object.author(), object.committer()) {
            (Ok(a), Ok(c)) => (a, c),
            (Err(e), _) | (_, Err(e)) => {
                quarantine(sink, format!("commit {}: unreadable signature: {e}", info.id));
                continue;
            }
        };
        let (Ok(at), Ok(ct)) = (author.time(), committer.time()) else {
            quarantine(sink, format!("commit {}: unreadable time", info.id));
            continue;
        };
        let email = author.email.to_string();
        let name = author.name.to_string();
        let c = Commit {
            repo: Some(repo_name.clone()),
            id: info.id.to_string().into(),
            author_name: Some(strings.get(&name)),
            committer: Some(strings.lower(&committer.email.to_string())),
            attributed_via_committer: false,
            timed_by_committer: false,
            author_offset_minutes: Some((at.offset / 60) as i16),
            committer_time: Some(UtcMs::from_secs(ct.seconds)),
            committer_offset_minutes: Some((ct.offset / 60) as i16),
        };
        let e = commit_event(&mut strings, &email, Some(&name), UtcMs::from_secs(at.seconds), c, pos);
        sink.event(e);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::Format;
    use crate::test_support::read_str;
    use bonafide_core::Detail;

    #[test]
    fn request_refs_are_read_for_their_head_only() {
        for (name, read) in [
            ("refs/heads/main", true),
            ("refs/remotes/origin/topic", true),
            ("refs/tags/v1", true),
            ("refs/pull/12/head", true),
            ("refs/merge-requests/7/head", true),
            ("refs/pull/12/merge", false),
            ("refs/merge-requests/7/merge", false),
            ("refs/notes/commits", false),
            ("refs/stash", false),
        ] {
            assert_eq!(super::walked(name), read, "{name}");
        }
    }

    #[test]
    fn commits_csv_keeps_the_recorded_offset() {
        let c = read_str(
            Format::Commits,
            "repo,commit,author_email,author_name,author_time,committer_time\n\
             acme/app,abc123,Kim@Acme.example,Kim,2025-03-04T09:15:00+08:00,2025-03-04T09:20:00+08:00\n\
             acme/app,abc124,kim@acme.example,Kim,yesterday,\n\
             acme/app,abc125,,Kim,2025-03-04T09:15:00Z,\n",
        );
        assert_eq!(c.events.len(), 1);
        assert_eq!(c.quarantined.len(), 2);
        let e = &c.events[0];
        assert_eq!(&*e.actor.account, "kim@acme.example");
        assert_eq!(e.at.to_rfc3339(), "2025-03-04T01:15:00Z");
        let Detail::Commit(commit) = &e.detail else { panic!("a commit") };
        assert_eq!(commit.author_offset_minutes, Some(480));
        assert_eq!(commit.committer_offset_minutes, Some(480));
        assert_eq!(commit.committer, None);
    }

    #[test]
    fn commits_csv_reads_an_optional_committer_email() {
        let c = read_str(
            Format::Commits,
            "repo,commit,author_email,author_time,committer_time,committer_email\n\
             acme/app,abc123,kim@acme.example,2025-03-04T09:15:00+08:00,2025-03-04T02:15:00+01:00, NoReply@GitHub.com \n\
             acme/app,abc124,kim@acme.example,2025-03-04T10:15:00+08:00,2025-03-04T10:15:00+08:00,\n",
        );
        assert_eq!(c.events.len(), 2);
        let committers: Vec<Option<&str>> = c
            .events
            .iter()
            .map(|e| match &e.detail {
                Detail::Commit(commit) => commit.committer.as_deref(),
                _ => None,
            })
            .collect();
        assert_eq!(committers, [Some("noreply@github.com"), None]);
    }
}
