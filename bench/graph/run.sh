#!/usr/bin/env bash
# The identifier-graph benchmark: bonafide's graph against Splink (DuckDB backend) on
# the same synthetic subjects and the same ground truth.
#
# usage: bench/graph/run.sh N [WORKDIR]      (from the repository root)
#
# Generates N subjects (crates/graph/src/synth.rs: ~12.6 identifiers each, 2% in fraud
# clusters, 20% in households, public IPs, recycled phones, misspelt doors and names),
# clusters them with bonafide (one process: read, hash, link, cluster) and with Splink
# (splink_run.py: load, train, predict, cluster), and scores both with evaluate.py
# (pairwise precision, recall, F1 against the truth). Wall and CPU time and peak RSS
# come from /usr/bin/time -v. The generated data stays in WORKDIR, never in the repo.
# Splink is installed in a virtualenv (SPLINK_VENV, default /tmp/splinkvenv) with pip.
set -euo pipefail
N=${1:-100000}
W=${2:-/tmp/bonafide-graph-bench}/$N
VENV=${SPLINK_VENV:-/tmp/splinkvenv}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$W"
cargo build --release -q -p bonafide-graph --example graph_bench
B=target/release/examples/graph_bench
[ -f "$W/subjects.csv" ] || $B gen "$N" "$W"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q splink
fi

summary() { # label timefile
  local wall user sys rss
  wall=$(grep 'Elapsed (wall clock)' "$2" | awk '{print $NF}')
  user=$(grep 'User time' "$2" | awk '{print $NF}')
  sys=$(grep 'System time' "$2" | awk '{print $NF}')
  rss=$(grep 'Maximum resident' "$2" | awk '{print $NF}')
  echo "$1: wall $wall, cpu $(echo "$user + $sys" | bc) s, peak rss $((rss / 1024)) MB"
}

/usr/bin/time -v $B cluster "$W/subjects.csv" "$W/bonafide.csv" > "$W/bonafide.json" 2> "$W/bonafide.time"
cat "$W/bonafide.json"
python3 "$HERE/evaluate.py" "$W/subjects.csv" "$W/bonafide.csv"
summary bonafide "$W/bonafide.time"
$B incremental "$W/subjects.csv" 1000

/usr/bin/time -v "$VENV/bin/python" "$HERE/splink_run.py" "$W/subjects.csv" "$W/splink" 0.5 0.9 0.99 \
  > "$W/splink.json" 2> "$W/splink.time"
cat "$W/splink.json"
for t in 0.5 0.9 0.99; do python3 "$HERE/evaluate.py" "$W/subjects.csv" "$W/splink_$t.csv"; done
summary splink "$W/splink.time"
