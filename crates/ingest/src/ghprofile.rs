//! GitHub profile exports: what the REST API returns for `GET /users/{login}`,
//! `GET /users/{login}/repos` and `GET /repos/{owner}/{repo}/commits`, saved as JSON.
//!
//! Suggested layout (any names work: each object is recognised from its own keys):
//! `github/<login>/user.json`, `github/<login>/repos.json` (one or more pages, as arrays
//! or NDJSON), `github/<login>/commits/<repo>.json`. A user object has `login`,
//! `created_at` and `public_repos`/`followers`; a repository has `full_name`, `fork` and
//! `owner`; a commit has `sha` and `commit` (with `commit.author.date`). A commit list
//! does not name its repository, so it is taken from each commit's `url`
//! (`https://api.github.com/repos/{owner}/{repo}/commits/{sha}`) or `html_url`.
//!
//! Accounts are tied to people by people.csv `github`; a profile nobody claims is kept
//! and raises nothing. Objects of another kind, and ones missing what we need (a user
//! without `created_at`, a commit without a URL), are quarantined with the reason.

use std::io::BufRead;

use bonafide_core::records::{GithubCommit, GithubRepo, GithubUser};
use bonafide_core::{Record, SourcePos, UtcMs};
use serde_json::Value;

use crate::json_records;
use crate::{ReadContext, RecordSink};

/// True when a JSON sample looks like one of the three REST objects.
pub fn sniff(has: impl Fn(&str) -> bool) -> bool {
    (has("\"login\"") && has("\"created_at\"") && (has("\"public_repos\"") || has("\"followers\"")))
        || (has("\"full_name\"") && has("\"fork\"") && has("\"owner\""))
        || (has("\"sha\"") && has("\"commit\"") && (has("\"parents\"") || has("\"tree\"")))
}

fn text<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for k in path {
        cur = cur.get(*k)?;
    }
    cur.as_str().filter(|s| !s.is_empty())
}

fn time(v: &Value, path: &[&str]) -> Option<UtcMs> {
    text(v, path).and_then(|s| UtcMs::parse(s).ok())
}

fn count(v: &Value, key: &str) -> u64 {
    v.get(key).and_then(Value::as_u64).unwrap_or(0)
}

/// `owner/repo` from an API or web URL of a commit.
fn repo_of(url: &str) -> Option<(String, String)> {
    let rest = url
        .strip_prefix("https://api.github.com/repos/")
        .or_else(|| url.strip_prefix("https://github.com/"))
        .or_else(|| url.split_once("/api/v3/repos/").map(|(_, r)| r))?;
    let mut parts = rest.split('/');
    let owner = parts.next().filter(|s| !s.is_empty())?.to_lowercase();
    let repo = parts.next().filter(|s| !s.is_empty())?.to_lowercase();
    matches!(parts.next(), Some("commits" | "commit")).then(|| (owner.clone(), format!("{owner}/{repo}")))
}

/// One REST object as a record, or why not.
pub fn classify(v: &Value, source: SourcePos) -> Result<Record, String> {
    if !v.is_object() {
        return Err("not a JSON object".into());
    }
    if v.get("sha").is_some() && v.get("commit").is_some() {
        let sha = text(v, &["sha"]).ok_or("commit without a sha")?.to_string();
        let (owner, repo) = text(v, &["url"])
            .and_then(repo_of)
            .or_else(|| text(v, &["html_url"]).and_then(repo_of))
            .ok_or("commit without a url or html_url naming its repository")?;
        let author_date = time(v, &["commit", "author", "date"]);
        let committer_date = time(v, &["commit", "committer", "date"]);
        if author_date.is_none() && committer_date.is_none() {
            return Err(format!("commit {sha}: no readable commit.author.date or commit.committer.date"));
        }
        return Ok(Record::GithubCommit(GithubCommit {
            owner,
            repo,
            sha,
            author_email: text(v, &["commit", "author", "email"]).map(str::to_lowercase),
            author_date,
            committer_date,
            author_login: text(v, &["author", "login"]).map(str::to_lowercase),
            source,
        }));
    }
    if v.get("full_name").is_some() && v.get("owner").is_some() {
        let full_name = text(v, &["full_name"]).ok_or("repository without a full_name")?.to_lowercase();
        let owner = text(v, &["owner", "login"])
            .map(str::to_lowercase)
            .or_else(|| full_name.split_once('/').map(|(o, _)| o.to_string()))
            .ok_or("repository without owner.login")?;
        return Ok(Record::GithubRepo(GithubRepo {
            owner,
            full_name,
            fork: v.get("fork").and_then(Value::as_bool).unwrap_or(false),
            created_at: time(v, &["created_at"]),
            pushed_at: time(v, &["pushed_at"]),
            source,
        }));
    }
    if v.get("login").is_some() {
        let login = text(v, &["login"]).ok_or("user without a login")?.to_lowercase();
        if text(v, &["type"]).is_some_and(|t| t != "User") {
            return Err(format!("{login} is a {}, not a user account", text(v, &["type"]).unwrap_or("?")));
        }
        let created_at = time(v, &["created_at"]).ok_or_else(|| format!("user {login}: no readable created_at"))?;
        return Ok(Record::GithubUser(GithubUser {
            login,
            id: count(v, "id"),
            created_at,
            updated_at: time(v, &["updated_at"]),
            followers: count(v, "followers"),
            following: count(v, "following"),
            public_repos: count(v, "public_repos"),
            source,
        }));
    }
    Err("not a GitHub user, repository or commit object".into())
}

pub fn read(cx: &ReadContext<'_>, reader: &mut dyn BufRead, sink: &mut dyn RecordSink) -> std::io::Result<()> {
    json_records::read(cx, reader, sink, &mut |bytes, pos, sink| {
        let v = serde_json::from_slice::<Value>(bytes).map_err(|e| format!("not JSON ({e})"))?;
        sink.record(classify(&v, pos)?);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Format;
    use crate::test_support::{read_path, read_str};

    fn fixture(name: &str) -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/github_profile").join(name)
    }

    #[test]
    fn reads_the_three_exports() {
        let user = read_path(Format::GithubProfile, &fixture("octo-dev/user.json"));
        assert!(user.quarantined.is_empty(), "{:?}", user.quarantined);
        let [Record::GithubUser(u)] = user.records.as_slice() else { panic!("{:?}", user.records) };
        assert_eq!(u.login, "octo-dev");
        assert_eq!(u.created_at, UtcMs::parse("2023-11-02T08:14:51Z").expect("time"));
        assert_eq!((u.followers, u.following, u.public_repos), (2, 1870, 3));

        let repos = read_path(Format::GithubProfile, &fixture("octo-dev/repos.json"));
        assert!(repos.quarantined.is_empty(), "{:?}", repos.quarantined);
        let forks: Vec<bool> = repos
            .records
            .iter()
            .filter_map(|r| if let Record::GithubRepo(r) = r { Some(r.fork) } else { None })
            .collect();
        assert_eq!(forks, vec![false, true]);

        let commits = read_path(Format::GithubProfile, &fixture("octo-dev/commits/erp-suite.json"));
        assert!(commits.quarantined.is_empty(), "{:?}", commits.quarantined);
        let Some(Record::GithubCommit(c)) = commits.records.first() else { panic!("no commit") };
        assert_eq!(c.repo, "octo-dev/erp-suite");
        assert_eq!(c.author_login.as_deref(), Some("octo-dev"));
        assert!(c.author_date < Some(u.created_at), "the fixture's first commit is backdated");
    }

    #[test]
    fn the_fixtures_are_recognised_from_content() {
        for f in ["octo-dev/user.json", "octo-dev/repos.json", "octo-dev/commits/erp-suite.json"] {
            let input = crate::Input::new(&fixture(f), f).expect("input");
            assert_eq!(
                crate::recognise(&input, &crate::ColumnMap::default()).expect("read"),
                crate::Recognition::Format(Format::GithubProfile),
                "{f}"
            );
        }
    }

    #[test]
    fn other_objects_are_quarantined_with_a_reason() {
        let c = read_str(
            Format::GithubProfile,
            "{\"login\":\"acme\",\"type\":\"Organization\",\"created_at\":\"2020-01-01T00:00:00Z\",\"followers\":1}\n\
             {\"login\":\"x\",\"followers\":1}\n\
             {\"sha\":\"abc\",\"commit\":{\"author\":{\"date\":\"2020-01-01T00:00:00Z\"}},\"parents\":[]}\n\
             {\"hello\":1}\n\
             [1,2]\n",
        );
        assert_eq!(c.records.len(), 0);
        let reasons: Vec<&str> = c.quarantined.iter().map(|q| q.reason.as_str()).collect();
        assert_eq!(reasons.len(), 5, "{reasons:?}");
        assert!(reasons[0].contains("Organization"));
        assert!(reasons[1].contains("created_at"));
        assert!(reasons[2].contains("url"));
    }

    #[test]
    fn repositories_from_api_and_web_urls() {
        assert_eq!(
            repo_of("https://api.github.com/repos/Octo-Dev/ERP/commits/6dcb09b"),
            Some(("octo-dev".into(), "octo-dev/erp".into()))
        );
        assert_eq!(repo_of("https://github.com/a/b/commit/1"), Some(("a".into(), "a/b".into())));
        assert_eq!(repo_of("https://ghe.example.com/api/v3/repos/a/b/commits/1"), Some(("a".into(), "a/b".into())));
        assert_eq!(repo_of("https://github.com/a"), None);
        assert_eq!(repo_of("https://example.com/a/b/commits/1"), None);
    }

    mod fuzz {
        use proptest::prelude::*;

        use crate::Format;
        use crate::test_support::read_str;

        fn object() -> impl Strategy<Value = String> {
            let time = prop_oneof![
                Just("\"2021-05-01T10:00:00Z\"".to_string()),
                "\"[0-9T:Z-]{0,22}\"",
                Just("null".to_string()),
                Just("17".to_string())
            ];
            let login = prop_oneof!["\"[A-Za-z0-9-]{0,10}\"", Just("null".to_string()), Just("[]".to_string())];
            let url = prop_oneof![
                "\"https://api.github.com/repos/[a-z]{0,4}/[a-z]{0,4}/commits/[0-9a-f]{0,6}\"",
                "\"https://github.com/[a-z/]{0,12}\"",
                Just("5".to_string())
            ];
            prop_oneof![
                (login.clone(), time.clone(), "[0-9-]{1,6}").prop_map(|(l, t, n)| format!(
                    "{{\"login\":{l},\"id\":{n},\"type\":\"User\",\"created_at\":{t},\"followers\":{n},\"following\":1,\"public_repos\":2}}"
                )),
                (login.clone(), time.clone(), any::<bool>()).prop_map(|(l, t, f)| format!(
                    "{{\"full_name\":{l},\"owner\":{{\"login\":{l}}},\"fork\":{f},\"created_at\":{t},\"pushed_at\":{t}}}"
                )),
                (url, time, login).prop_map(|(u, t, l)| format!(
                    "{{\"sha\":\"abc\",\"url\":{u},\"commit\":{{\"author\":{{\"email\":\"a@b\",\"date\":{t}}}}},\"author\":{{\"login\":{l}}},\"parents\":[]}}"
                )),
                ".{0,40}",
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(200))]

            /// Every line is a record or a quarantine entry, never a panic, never lost.
            #[test]
            fn every_object_is_accepted_or_quarantined(lines in proptest::collection::vec(object(), 1..8)) {
                let lines: Vec<String> = lines.into_iter().map(|l| l.replace('\n', " ")).filter(|l| !l.trim().is_empty()).collect();
                prop_assume!(!lines.is_empty());
                let text = lines.join("\n");
                let c = read_str(Format::GithubProfile, &text);
                if crate::framing::detect_shape(text.as_bytes()) == crate::framing::JsonShape::Lines {
                    // A byte-order mark opening the file is the encoding's, not a record: a
                    // first line holding nothing else is no line of data.
                    let bom_only_first = lines[0].trim_start_matches('\u{feff}').trim().is_empty();
                    prop_assert_eq!(c.records.len() + c.quarantined.len(), lines.len() - usize::from(bom_only_first));
                }
            }
        }
    }
}
