#!/usr/bin/env python3
"""How well can anyone infer a developer's UTC offset from UTC commit times alone?

Issue 5 asks for 85% of authors (>= 30 commits) within +-1 h of the offset their
machine recorded, on ../shared/data/git_tz/commit_tz_ground_truth.csv.gz. bonafide's
rhythm fit reaches ~53%. This script measures ceilings for the whole family of
"population rhythm + shift" estimators, including ones that cheat, so the gap can be
judged against what the data allows rather than against one implementation:

  loo-project  template learned on the other projects (a fair learned estimator)
  in-sample    template learned on every author, the scored one included (optimistic)
  per-project  template learned on the author's own project, author included: per-project
               tuning, which the issue forbids; an upper bound for it
  quiet-mid    share of authors whose quietest 5 hours centre within +-1 h of the
               population median in their own recorded local time: the best any
               "where is the night" landmark can do
  dst-rule     does the likelihood pick the daylight-saving rule (none, EU, US, AU) that
               the author's recorded clock followed? (chronotype-free evidence of region)
  weekly-loo   a template over the week (day of week x 30 minutes) learned on the other
               projects: the weekend starts at local midnight whatever the chronotype,
               so the week might pin the offset where the day cannot

Standard library only. Usage: python3 bench/timezones/ceiling.py [path-to-csv.gz]
"""

import collections
import csv
import datetime
import gzip
import math
import os
import sys
from zoneinfo import ZoneInfo

BINS = 48  # 30-minute slots
SLOT = 86400 // BINS
SHIFTS = range(-720, 721, 30)
RULES = {"none": None, "EU": "Europe/Berlin", "US": "America/New_York", "AU": "Australia/Sydney"}


def offset_minutes(s):
    sign = -1 if s.startswith("-") else 1
    d = s.lstrip("+-")
    return sign * (int(d[:2]) * 60 + int(d[2:]))


def load(path):
    by = collections.defaultdict(list)
    with gzip.open(path, "rt", newline="") as f:
        for r in csv.DictReader(f):
            by[(r["repo"], r["author_email_sha256_12"])].append(
                (int(r["author_unix"]), offset_minutes(r["author_tz"]))
            )
    authors = []
    for (repo, _), commits in sorted(by.items()):
        if len(commits) >= 30:
            truth = collections.Counter(o for _, o in commits).most_common(1)[0][0]
            authors.append({"repo": repo, "ts": [t for t, _ in commits], "rec": [o for _, o in commits], "truth": truth})
    return authors


def active_slots(ts, offsets):
    """Distinct (day, slot) pairs in local time: a burst of commits counts once."""
    return {((t + o * 60) // 86400, ((t + o * 60) % 86400) // SLOT) for t, o in zip(ts, offsets)}


def local_hist(ts, offsets):
    h = [0.0] * BINS
    for _, b in active_slots(ts, offsets):
        h[b] += 1
    return h


def template(authors):
    """Mean of each author's normalised local-time histogram, lightly smoothed."""
    t = [0.0] * BINS
    for a in authors:
        h = local_hist(a["ts"], a["rec"])
        s = sum(h)
        for i in range(BINS):
            t[i] += h[i] / s
    t = [(t[i - 1] + t[i] + t[(i + 1) % BINS]) / 3 for i in range(BINS)]
    s = sum(t)
    floor = 0.002 / BINS
    return [math.log(max(x / s, floor)) for x in t]


def week_slots(ts, offsets):
    """Distinct (day, slot) pairs as week bins, Monday 00:00 first (1970-01-01 was a Thursday)."""
    return [((d + 3) % 7) * BINS + b for d, b in active_slots(ts, offsets)]


def week_template(authors):
    t = [0.0] * (7 * BINS)
    for a in authors:
        bins = week_slots(a["ts"], a["rec"])
        for b in bins:
            t[b] += 1 / len(bins)
    n = len(t)
    t = [(t[i - 1] + t[i] + t[(i + 1) % n]) / 3 for i in range(n)]
    s = sum(t)
    floor = 0.002 / n
    return [math.log(max(x / s, floor)) for x in t]


def week_shift(a, logw):
    return max(SHIFTS, key=lambda base: sum(logw[b] for b in week_slots(a["ts"], [base] * len(a["ts"]))))


def loglik(ts, offsets, logt):
    return sum(logt[b] for _, b in active_slots(ts, offsets))


def best_shift(a, logt, dst_flags=None):
    ts = a["ts"]
    flags = dst_flags or [0] * len(ts)

    def ll(base):
        return loglik(ts, [base + 60 * f for f in flags], logt)

    base = max(SHIFTS, key=ll)
    return base, ll(base), flags


def distance(a, b):
    d = (a - b) % 1440
    return min(d, 1440 - d)


def predicted(base, flags):
    return collections.Counter(base + 60 * f for f in flags).most_common(1)[0][0]


def dst_flags(zone, ts):
    z = ZoneInfo(zone)
    return [1 if datetime.datetime.fromtimestamp(t, z).dst() else 0 for t in ts]


def recorded_rule(a):
    """The DST rule the author's recorded clock followed, if any explains >= 10% more
    commits than a fixed offset does."""
    fixed = collections.Counter(a["rec"]).most_common(1)[0][1]
    best, gain = "none", 0
    for rule, zone in RULES.items():
        if zone is None:
            continue
        f = dst_flags(zone, a["ts"])
        explained = collections.Counter(o - 60 * x for o, x in zip(a["rec"], f)).most_common(1)[0][1]
        if explained - fixed > gain:
            best, gain = rule, explained - fixed
    return best if gain > 0.1 * len(a["ts"]) else "none"


def quiet_middle(h, width=10):
    n = len(h)
    start = min(range(n), key=lambda s: sum(h[(s + i) % n] for i in range(width)))
    return (start + width / 2) % n * 24 / n


def main():
    default = os.path.join(os.path.dirname(__file__), "../../../shared/data/git_tz/commit_tz_ground_truth.csv.gz")
    authors = load(sys.argv[1] if len(sys.argv) > 1 else default)
    repos = sorted({a["repo"] for a in authors})
    global_t = template(authors)
    project_t = {r: template([a for a in authors if a["repo"] == r]) for r in repos}
    loo_t = {r: template([a for a in authors if a["repo"] != r]) for r in repos}
    loo_w = {r: week_template([a for a in authors if a["repo"] != r]) for r in repos}
    methods = {"loo-project": loo_t, "in-sample": None, "per-project": project_t}
    hits = {m: collections.Counter() for m in [*methods, "weekly-loo"]}
    n = collections.Counter(a["repo"] for a in authors)
    for a in authors:
        for m, ts in methods.items():
            logt = global_t if ts is None else ts[a["repo"]]
            base, _, flags = best_shift(a, logt)
            hits[m][a["repo"]] += distance(predicted(base, flags), a["truth"]) <= 60
        hits["weekly-loo"][a["repo"]] += distance(week_shift(a, loo_w[a["repo"]]), a["truth"]) <= 60

    # Quiet-period middles in the author's own recorded local time.
    mids = [quiet_middle(local_hist(a["ts"], a["rec"])) for a in authors]
    angles = [m / 24 * 2 * math.pi for m in mids]
    centre = math.atan2(sum(map(math.sin, angles)), sum(map(math.cos, angles))) / (2 * math.pi) * 24 % 24
    within = sum(1 for m in mids if min(abs(m - centre), 24 - abs(m - centre)) <= 1.0)

    # DST rule: best rule by likelihood (each with its best base offset), held-out template.
    rule_ok = 0
    confusion = collections.Counter()
    for a in authors:
        logt = loo_t[a["repo"]]
        scores = {}
        for rule, zone in RULES.items():
            flags = None if zone is None else dst_flags(zone, a["ts"])
            scores[rule] = best_shift(a, logt, flags)[1]
        picked = max(scores, key=scores.get)
        truth = recorded_rule(a)
        confusion[(truth, picked)] += 1
        rule_ok += picked == truth

    print(f"{'project':<24}{'authors':>8}" + "".join(f"{m:>13}" for m in hits))
    for r in repos:
        print(f"{r:<24}{n[r]:>8}" + "".join(f"{hits[m][r]:>13}" for m in hits))
    total = len(authors)
    print(f"{'all (within +-1 h)':<24}{total:>8}" + "".join(f"{100 * sum(hits[m].values()) / total:>12.1f}%" for m in hits))
    print(f"\nquiet-mid: population centre {centre:.1f} h local; {within}/{total} authors "
          f"({100 * within / total:.1f}%) centre their night within +-1 h of it")
    print(f"dst-rule: likelihood picks the recorded clock's rule for {rule_ok}/{total} authors "
          f"({100 * rule_ok / total:.1f}%)")
    print("  (recorded, picked): " + ", ".join(f"{k[0]}->{k[1]} {v}" for k, v in sorted(confusion.items())))


if __name__ == "__main__":
    main()
