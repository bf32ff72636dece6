"""Pairwise precision, recall and F1 of a clustering against the benchmark's truth.

usage: python evaluate.py SUBJECTS_CSV LABELS_CSV

A pair is positive in the truth when both subjects belong to the same fraud cluster
(households and everyone else are negatives), and predicted positive when both carry
the same cluster label. Counts come from the truth x prediction contingency table, so
no pair is enumerated.
"""

import csv
import json
import sys
from collections import Counter


def pairs(n):
    return n * (n - 1) // 2


truth = {}
with open(sys.argv[1]) as f:
    for row in csv.DictReader(f):
        t = row["truth"]
        truth[row["unique_id"]] = None if t == "0" else t
pred = {}
with open(sys.argv[2]) as f:
    for row in csv.DictReader(f):
        pred[row["unique_id"]] = row["cluster"]
# Subjects missing from the prediction are singletons.
cells, tsize, psize = Counter(), Counter(), Counter()
for uid, t in truth.items():
    p = pred.get(uid, "single:" + uid)
    psize[p] += 1
    if t is not None:
        tsize[t] += 1
        cells[(t, p)] += 1
tp = sum(pairs(n) for n in cells.values())
positives = sum(pairs(n) for n in tsize.values())
predicted = sum(pairs(n) for n in psize.values())
precision = tp / predicted if predicted else 0.0
recall = tp / positives if positives else 0.0
f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
print(json.dumps({"labels": sys.argv[2], "true_pairs": positives, "predicted_pairs": predicted, "tp": tp,
                  "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}))
