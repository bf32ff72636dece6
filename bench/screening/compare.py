#!/usr/bin/env python3
"""Screening benchmark: bonafide's matcher against nomenklatura's matchers and
rapidfuzz, on the same queries (queries.tsv, from make_queries.py) against the full OFAC
set of 2021 with its aliases (../shared/data/sanctions/ofac_2021: sdn.csv + alt.csv).

    python3 -m venv .venv && .venv/bin/pip install nomenklatura rapidfuzz   # not committed
    cargo build --release -p bonafide-intel --example screen_bench
    .venv/bin/python bench/screening/compare.py [--nk-sample N]

Every tool runs on one core (taskset -c 0 when available) and answers each query with
its best candidates and their scores:
  bonafide     the `screen_bench` example: indexed matcher, default threshold 0.88.
  rapidfuzz    process.extract over every name and alias with token_sort_ratio and
               default_process (word-order independent), threshold 88 of 100.
  nomenklatura an inverted index over nomenklatura's own blocking tokens
               (blocker.tokenizer.tokenize_entity, the tokens its Index ranks, IDF
               weighted with its field boosts), the 20 best candidates scored by the
               matcher (LogicV2, NameMatcher); threshold 0.7 (yente's default). It is
               run on a sample of the queries (same sample for both matchers): each
               query costs it tens of milliseconds.
Measured: queries per second and p50/p99 latency per query; recall on the variant
queries (the expected entry among the matches at or above the tool's threshold);
top-1 accuracy (the expected entry, or an entry with exactly its name, ranked first,
whatever the score); false positives on ordinary names (any match at or above the
threshold); recall at one operating point for all, the lowest threshold at which at
most 1% of the ordinary names match anything (thresholds differ between tools' scales); and agreement with bonafide on the top match at threshold (the same entry,
or both none). Results go to results.md beside this script.
"""
import argparse
import collections
import csv
import os
import pathlib
import random
import statistics
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OFAC = (ROOT / "../shared/data/sanctions/ofac_2021").resolve()


def pin():
    try:
        os.sched_setaffinity(0, {0})
    except (AttributeError, OSError):
        pass


def load_queries():
    rows = list(csv.DictReader(open(HERE / "queries.tsv", encoding="utf-8"), delimiter="\t"))
    return rows


def load_ofac():
    names = collections.defaultdict(list)
    kinds = {}
    for r in csv.reader(open(OFAC / "sdn.csv", encoding="latin-1")):
        if len(r) == 12:
            names[r[0]].append(r[1].strip())
            kinds[r[0]] = "Person" if r[2].strip() == "individual" else "Organization"
    for r in csv.reader(open(OFAC / "alt.csv", encoding="latin-1")):
        if len(r) == 5 and r[0] in names:
            names[r[0]].append(r[3].strip())
    return names, kinds


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))]


def summarise(name, queries, answers, times, threshold, primary):
    """answers[i] = list of (entry, score) best first."""
    pos = [i for i, q in enumerate(queries) if q["kind"] == "positive"]
    neg = [i for i, q in enumerate(queries) if q["kind"] == "negative"]
    by_rule = collections.defaultdict(lambda: [0, 0])
    hits = top1 = 0
    for i in pos:
        exp = queries[i]["expected"]
        same_name = {e for e, n in primary.items() if n == primary.get(exp)}
        ok = any(e in same_name for e, s in answers[i] if s >= threshold)
        first = answers[i][0][0] if answers[i] else None
        by_rule[queries[i]["rule"]][0] += ok
        by_rule[queries[i]["rule"]][1] += 1
        hits += ok
        top1 += first in same_name
    fps = sum(1 for i in neg if any(s >= threshold for _, s in answers[i]))
    # The same comparison at one operating point for every tool: the lowest threshold
    # at which at most 1% of the ordinary names match anything.
    neg_best = sorted((max((s for _, s in answers[i]), default=0.0) for i in neg), reverse=True)
    allowed = int(0.01 * len(neg))
    t1 = (neg_best[allowed] + 1e-9) if len(neg_best) > allowed else 0.0
    def found(i, t):
        exp = queries[i]["expected"]
        same_name = {e for e, n in primary.items() if n == primary.get(exp)}
        return any(e in same_name and s >= t for e, s in answers[i])
    recall1 = sum(found(i, t1) for i in pos) / max(1, len(pos))
    rules1 = collections.defaultdict(lambda: [0, 0])
    for i in pos:
        rules1[queries[i]["rule"]][0] += found(i, t1)
        rules1[queries[i]["rule"]][1] += 1
    n = len(times)
    return {
        "tool": name,
        "queries": n,
        "qps": n / sum(times),
        "p50_us": pct(times, 0.5) * 1e6,
        "p99_us": pct(times, 0.99) * 1e6,
        "recall": hits / max(1, len(pos)),
        "top1": top1 / max(1, len(pos)),
        "fp": fps,
        "neg": len(neg),
        "pos": len(pos),
        "rules": {r: v[0] / v[1] for r, v in sorted(by_rule.items())},
        "t1": t1,
        "recall1": recall1,
        "rules1": {r: v[0] / v[1] for r, v in sorted(rules1.items())},
    }


def top_at(answers, threshold):
    return [next((e for e, s in a if s >= threshold), None) for a in answers]


def run_bonafide(queries):
    exe = ROOT / "target/release/examples/screen_bench"
    out = HERE / ".bonafide_results.tsv"
    cmd = [str(exe), str(OFAC), str(HERE / "queries.tsv"), str(out)]
    if subprocess.run(["which", "taskset"], capture_output=True).returncode == 0:
        cmd = ["taskset", "-c", "0"] + cmd
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    print(res.stdout.strip())
    answers, times = [], []
    for row in list(csv.reader(open(out), delimiter="\t"))[1:]:
        ms = [(m.split("=")[0], float(m.split("=")[1])) for m in row[0].split()] if row[0] else []
        answers.append(ms)
        times.append(int(row[1]) / 1e9)
    return answers, times, res.stdout


def run_rapidfuzz(queries, names):
    from rapidfuzz import fuzz, process, utils
    choices, owner = [], []
    for e, ns in names.items():
        for n in ns:
            choices.append(utils.default_process(n))
            owner.append(e)
    answers, times = [], []
    for q in queries:
        t = time.perf_counter()
        res = process.extract(utils.default_process(q["query"]), choices, scorer=fuzz.token_sort_ratio, limit=10)
        times.append(time.perf_counter() - t)
        seen, out = set(), []
        for _, score, idx in res:
            if owner[idx] not in seen:
                seen.add(owner[idx])
                out.append((owner[idx], score / 100.0))
        answers.append(out)
    return answers, times


def run_nomenklatura(queries, names, kinds, sample):
    from followthemoney import model
    from nomenklatura.blocker.index import Index
    from nomenklatura.blocker.tokenizer import tokenize_entity
    from nomenklatura.matching import LogicV2, NameMatcher, ScoringConfig
    import math

    cfg = ScoringConfig.defaults()
    boosts = Index.BOOSTS
    entities, postings = {}, collections.defaultdict(set)
    for e, ns in names.items():
        ent = model.make_entity(kinds[e])
        ent.id = e
        for n in ns:
            ent.add("name", n)
        entities[e] = ent
        for field, token in tokenize_entity(ent):
            postings[(field, token)].add(e)
    total = len(entities)
    idf = {k: math.log(total / len(v)) for k, v in postings.items()}
    results = {}
    for matcher in (LogicV2, NameMatcher):
        answers, times = [], []
        for qi, q in enumerate(sample):
            t = time.perf_counter()
            qe = model.make_entity("LegalEntity")
            # A fresh id per query: the matchers cache per entity id.
            qe.id = f"query-{matcher.NAME}-{qi}"
            qe.add("name", q["query"])
            scores = collections.Counter()
            for field, token in tokenize_entity(qe):
                key = (field, token)
                if key in postings and len(postings[key]) < 2000:
                    for e in postings[key]:
                        scores[e] += boosts.get(field, 1.0) * idf[key]
            out = []
            for e, _ in scores.most_common(20):
                r = matcher.compare(qe, entities[e], cfg)
                out.append((e, r.score))
            out.sort(key=lambda x: -x[1])
            times.append(time.perf_counter() - t)
            answers.append(out)
        results[matcher.NAME] = (answers, times)
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nk-sample", type=int, default=100000, help="queries given to nomenklatura (all by default)")
    args = ap.parse_args()
    pin()
    queries = load_queries()
    names, kinds = load_ofac()
    primary = {e: ns[0] for e, ns in names.items()}
    bf_answers, bf_times, bf_text = run_bonafide(queries)
    rows = [summarise("bonafide", queries, bf_answers, bf_times, 0.88, primary)]
    rf_answers, rf_times = run_rapidfuzz(queries, names)
    rows.append(summarise("rapidfuzz token_sort_ratio", queries, rf_answers, rf_times, 0.88, primary))
    rng = random.Random(1)
    idx = sorted(rng.sample(range(len(queries)), min(args.nk_sample, len(queries))))
    sample = [queries[i] for i in idx]
    nk = run_nomenklatura(queries, names, kinds, sample)
    bf_sample = [bf_answers[i] for i in idx]
    sampled = len(sample) < len(queries)
    tag = " (sample)" if sampled else ""
    if sampled:
        rows.append(summarise("bonafide (same sample)", sample, bf_sample, [bf_times[i] for i in idx], 0.88, primary))
    for name, (answers, times) in nk.items():
        rows.append(summarise(f"nomenklatura {name}{tag}", sample, answers, times, 0.7, primary))
    # Agreement on the top match at threshold.
    bf_top = top_at(bf_answers, 0.88)
    agree = {"rapidfuzz token_sort_ratio": sum(a == b for a, b in zip(bf_top, top_at(rf_answers, 0.88))) / len(queries)}
    bf_top_s = top_at(bf_sample, 0.88)
    for name, (answers, _) in nk.items():
        agree[f"nomenklatura {name}{tag}"] = sum(a == b for a, b in zip(bf_top_s, top_at(answers, 0.7))) / len(sample)
    lines = [
        "# Screening benchmark",
        "",
        f"Queries: {len(queries)} ({sum(q['kind'] == 'positive' for q in queries)} spelling variants of OFAC names, "
        f"{sum(q['kind'] == 'negative' for q in queries)} ordinary names); list: OFAC SDN 2021 with aliases "
        f"({len(names)} entries, {sum(len(v) for v in names.values())} names). One core. "
        "Made by `bench/screening/compare.py` (see its docstring for the method).",
        "",
        "bonafide: " + " ".join(bf_text.split()),
        "",
        "| tool | queries | names/s | p50 µs | p99 µs | recall@threshold | false positives@threshold | "
        "top-1 | recall@1% FP (threshold) | agreement with bonafide |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        a = agree.get(r["tool"])
        lines.append(
            f"| {r['tool']} | {r['queries']} | {r['qps']:.0f} | {r['p50_us']:.0f} | {r['p99_us']:.0f} | "
            f"{r['recall']:.3f} | {r['fp']}/{r['neg']} | {r['top1']:.3f} | {r['recall1']:.3f} ({r['t1']:.2f}) | "
            f"{'' if a is None else f'{a:.3f}'} |"
        )
    keys = list(rows[0]["rules"])
    lines += ["", "Recall by kind of variant, at each tool's threshold / at 1% false positives:", "",
              "| tool | " + " | ".join(keys) + " |", "|---|" + "---|" * len(keys)]
    for r in rows:
        lines.append(f"| {r['tool']} | " + " | ".join(
            f"{r['rules'].get(k, 0):.3f} / {r['rules1'].get(k, 0):.3f}" for k in keys) + " |")
    text = "\n".join(lines) + "\n"
    (HERE / "results.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    sys.exit(main())
