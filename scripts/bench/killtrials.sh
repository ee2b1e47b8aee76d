#!/usr/bin/env bash
# killtrials.sh [DIR]: kill -9 trials of `handover ingest` of a firm's
# clients.csv + time.csv (DIR, default the 100k-row firm of /work/wt/benchdata;
# its time.csv stores enough records to load with the key index deferred, in
# OR FAIL batches with foreign keys off), half into a new project and half
# into one already holding a committed file. Each killed project must open and
# pass wscheck (integrity, the rows invariant, no half source), then a re-run
# must complete with the clean run's counts. N=trials, SEED=kill points.
set -uo pipefail
cd "$(dirname "$0")/../.."
D=${1:-/work/wt/benchdata/firm-c10000-s1/pclaw}
H=${H:-$PWD/build/handover}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
go build -o "$W/wscheck" ./scripts/bench/wscheck || exit 2
F=("$D/clients.csv" "$D/time.csv")
s=$(date +%s%N); "$H" ingest -w "$W/clean.handover" "${F[@]}" >/dev/null 2>&1 || { echo "clean run failed"; exit 1; }
T=$(( ($(date +%s%N) - s) / 1000000 ))
"$W/wscheck" -w "$W/clean.handover" -dump "$W/clean.json" >/dev/null || { echo "clean project does not check"; exit 1; }
"$H" ingest -w "$W/seed.handover" "${F[0]}" >/dev/null 2>&1
echo "clean run ${T} ms; kills in [300, ${T}] ms"
RANDOM=${SEED:-7}; pass=0; fail=0
for i in $(seq 1 "${N:-12}"); do
  p=$W/t$i.handover
  [ $((i % 2)) = 0 ] && cp "$W/seed.handover" "$p"
  delay=$(( 300 + (RANDOM * 32768 + RANDOM) % (T > 300 ? T - 300 : 1) ))
  "$H" ingest -w "$p" "${F[@]}" >/dev/null 2>&1 & pid=$!
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  k=0; kill -0 $pid 2>/dev/null && kill -9 $pid && k=1; wait $pid 2>/dev/null
  st=$([ -e "$p" ] && "$W/wscheck" -w "$p" -dump "$W/x.json" 2>&1 | tail -1)
  if "$W/wscheck" -w "$p" -expect "$W/clean.json" >/dev/null 2>&1 && "$H" ingest -w "$p" "${F[@]}" >/dev/null 2>&1 &&
    "$W/wscheck" -w "$p" -expect "$W/clean.json" -complete >/dev/null 2>&1; then
    pass=$((pass + 1)); echo "ok   trial $i killed=$k at $delay ms: $st; re-run complete"
  else
    fail=$((fail + 1)); echo "FAIL trial $i killed=$k at $delay ms: $st"
  fi
  rm -rf "$p" "$p"-*
done
echo "kill trials: $pass passed, $fail failed"
[ "$fail" = 0 ]
