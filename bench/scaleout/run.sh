#!/usr/bin/env bash
# Throughput of the scale-out mode on this machine: a generated organisation (Okta,
# Entra ID, Google Workspace, GitHub) is published to JetStream by `bonafide ingest`
# while two workers (partitions 0-1 and 2-3) commit it to PostgreSQL. Prints the
# publish rate, the workers' events/s, and writes the lag curve (sum of both workers'
# lag, sampled each second from /metrics) to lag.csv; then runs the finalize step and
# the embedded scan and checks they agree.
#
#   bash bench/scaleout/run.sh [EVENTS] [USERS]
# Needs BONAFIDE_PG_URL and BONAFIDE_NATS_URL (defaults: the local servers) and a
# release build: cargo build --release -p bonafide && cargo build --release -p bonafide-sim --example write_mixed_org
# The JetStream stream BENCHb<time> it fills is left in place (`nats stream rm` removes it).
set -euo pipefail
cd "$(dirname "$0")/../.."
EVENTS=${1:-200000}
USERS=${2:-2000}
PG=${BONAFIDE_PG_URL:-postgres://postgres@127.0.0.1:5432/test}
export BONAFIDE_NATS_URL=${BONAFIDE_NATS_URL:-nats://127.0.0.1:4222}
BIN=$PWD/target/release/bonafide
GEN=$PWD/target/release/examples/write_mixed_org
OUT=${BENCH_OUT:-$PWD/target/bench-scaleout}
TAG=b$(date +%s)
export BONAFIDE_STREAM=BENCH$TAG BONAFIDE_KEY_FILE=$OUT/secret.key
mkdir -p "$OUT"
DATA=$OUT/org-$EVENTS
[ -f "$DATA/people.csv" ] || "$GEN" "$DATA" "$EVENTS" "$USERS" >/dev/null
psql "$PG" -qc "CREATE SCHEMA $TAG"
DB="$PG?options=-c%20search_path%3D$TAG"
[[ "$PG" == *\?* ]] && DB="$PG&options=-c%20search_path%3D$TAG"
"$BIN" migrate --db "$DB" >/dev/null

metrics() { curl -s "http://127.0.0.1:$1/metrics" 2>/dev/null || true; }
sum() { awk -v m="$1" '$1 ~ "^"m"[{]" {s+=$2} END {print s+0}'; }

T0=$(date +%s.%N)
"$BIN" worker --db "$DB" --partitions 0-1 --listen 127.0.0.1:19461 --exit-when-idle 5 2>"$OUT/w1.log" &
W1=$!
"$BIN" worker --db "$DB" --partitions 2-3 --listen 127.0.0.1:19462 --exit-when-idle 5 2>"$OUT/w2.log" &
W2=$!
sleep 1
"$BIN" ingest "$DATA" >"$OUT/ingest.out" 2>"$OUT/ingest.log" &
ING=$!
echo "t_s,lag,committed,rss_w1_kb,rss_w2_kb" >"$OUT/lag.csv"
PEAK1=0; PEAK2=0
while kill -0 $W1 2>/dev/null || kill -0 $W2 2>/dev/null; do
    t=$(echo "$(date +%s.%N) - $T0" | bc)
    m="$(metrics 19461)$(metrics 19462)"
    lag=$(echo "$m" | sum bonafide_worker_lag_messages)
    done_=$(echo "$m" | sum bonafide_worker_messages_total)
    r1=$(awk '/VmRSS/ {print $2}' /proc/$W1/status 2>/dev/null || echo 0)
    r2=$(awk '/VmRSS/ {print $2}' /proc/$W2/status 2>/dev/null || echo 0)
    [ "${r1:-0}" -gt "$PEAK1" ] && PEAK1=$r1
    [ "${r2:-0}" -gt "$PEAK2" ] && PEAK2=$r2
    printf '%.1f,%s,%s,%s,%s\n' "$t" "$lag" "$done_" "${r1:-0}" "${r2:-0}" >>"$OUT/lag.csv"
    sleep 1
done
wait $ING
cat "$OUT/ingest.out"
tail -n1 "$OUT/w1.log" "$OUT/w2.log"
STORED=$(psql "$PG" -Atc "SELECT COUNT(*) FROM $TAG.stream_events")
# Busy time: from the first sample with work to the last sample before the idle tail.
python3 - "$OUT/lag.csv" "$STORED" "$PEAK1" "$PEAK2" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1]))]
stored = int(sys.argv[2])
busy = [r for r in rows if int(r["committed"]) > 0]
first = next(float(r["t_s"]) for r in rows if int(r["committed"]) > 0)
last = next(float(r["t_s"]) for r in rows if int(r["committed"]) >= stored)
peak = max(int(r["lag"]) for r in rows)
print(f"stored {stored} events; workers busy {last - first:.1f} s -> {stored / max(last - first, 1e-9):.0f} events/s (two workers)")
print(f"peak lag {peak} messages; worker peak RSS {int(sys.argv[3]) // 1024} MiB and {int(sys.argv[4]) // 1024} MiB")
PY
S=$(date +%s.%N)
"$BIN" scan --from-db "$DB" "$DATA/people.csv" -q --out "$OUT/distributed" >/dev/null
echo "finalize (scan --from-db): $(echo "$(date +%s.%N) - $S" | bc) s"
S=$(date +%s.%N)
"$BIN" scan "$DATA" -q --out "$OUT/embedded" >/dev/null
echo "embedded scan: $(echo "$(date +%s.%N) - $S" | bc) s"
python3 - "$OUT" <<'PY'
import json, sys
a = json.load(open(sys.argv[1] + "/embedded/report.json"))
b = json.load(open(sys.argv[1] + "/distributed/report.json"))
same = a["subjects"] == b["subjects"] and a["clusters"] == b["clusters"]
n = sum(len(s.get("findings", [])) for s in a["subjects"])
print(f"equivalent: {same} ({len(a['subjects'])} subjects, {n} subject findings)")
PY
echo "lag curve: $OUT/lag.csv"
psql "$PG" -qc "SET client_min_messages = warning; DROP SCHEMA $TAG CASCADE"
