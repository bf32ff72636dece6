#!/usr/bin/env bash
# Throughput and peak memory of `bonafide simulate`, and optionally of scanning what it
# wrote. Usage: bench/simulate/run.sh [PEOPLE] [DAYS] [OUT] [--scan]
#   bench/simulate/run.sh 100000 90 /tmp/sim100k
# Needs GNU time (/usr/bin/time -v) for the peak RSS.
set -euo pipefail
people=${1:-10000}
days=${2:-42}
out=${3:-/tmp/bonafide-sim-$people-$days}
scan=${4:-}
cd "$(dirname "$0")/../.."
cargo build --release --quiet
bin=target/release/bonafide
rm -rf "$out"
ops=$((people / 40 > 1 ? people / 40 : 2))
farms=$((people / 250 > 1 ? people / 250 : 1))
echo "simulate --people $people --operatives $ops --farms $farms --days $days"
/usr/bin/time -v "$bin" simulate --people "$people" --operatives "$ops" --farms "$farms" --days "$days" --seed 1 --out "$out" \
  2> "$out.simulate.time" | tee "$out.simulate.log"
grep -E "Elapsed|Maximum resident|User time|System time" "$out.simulate.time"
du -sh "$out/data"
if [ "$scan" = "--scan" ]; then
  echo "scan"
  /usr/bin/time -v "$bin" --config "$out/bonafide.toml" scan "$out/data" --out "$out/report" --quiet \
    2> "$out.scan.time"
  grep -E "Elapsed|Maximum resident|User time|System time" "$out.scan.time"
  "$bin" eval --truth "$out/truth.json" "$out/report" --quiet
fi
