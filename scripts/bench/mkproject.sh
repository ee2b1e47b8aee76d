#!/usr/bin/env bash
# A checked project made from a cached synthetic firm, for the desktop
# benchmarks (scripts/bench/readiness.sh): the same steps as scripts/bench.sh
# — time.csv first, then the rest of the firm, check, cut-off — done once and
# kept as build/bench-data/project-<size>-s<seed>.handover. Prints its path.
#
#   scripts/bench/mkproject.sh 1000000      # 1M time rows (firm-c100000-s1), ~2-3 min the first time
#   scripts/bench/mkproject.sh 100000       # 100k, for iterating
set -euo pipefail
cd "$(dirname "$0")/../.."
size=${1:-1000000}
seed=${BENCH_SEED:-1}
bin=${HANDOVER_BIN:-build/handover}
[ -x "$bin" ] || make build >&2
export LANG=en_US.UTF-8
data=$PWD/build/bench-data
firm=$data/firm-c$((size / 10))-s$seed
out=$data/project-$size-s$seed.handover
if [ -f "$out.complete" ]; then
  echo "$out"
  exit 0
fi
if [ ! -f "$firm/.complete" ]; then
  echo "mkproject: generating $firm" >&2
  go build -o build/bench-gen ./internal/synth/gen
  rm -rf "$firm" "$firm.tmp"
  build/bench-gen -out "$firm.tmp" -contacts $((size / 10)) -seed "$seed" -q
  mv "$firm.tmp" "$firm" && touch "$firm/.complete"
fi
tmp=$out.tmp
rm -rf "$out" "$out"-* "$tmp" "$tmp"-* "$out.files" "$tmp.files"
rest=()
while IFS= read -r f; do rest+=("$f"); done < <(find "$firm" -mindepth 2 -type f ! -path "$firm/bench-*" ! -name time.csv ! -name '*.FPT' | sort)
echo "mkproject: ingest time.csv ($size rows)" >&2
"$bin" ingest -w "$tmp" "$firm/pclaw/time.csv" >/dev/null 2>&1
echo "mkproject: ingest the other ${#rest[@]} files" >&2
"$bin" ingest -w "$tmp" "${rest[@]}" >/dev/null 2>&1
# the cut-off first: it is a setting the rules read, so acknowledging it after
# the check would leave the findings stale (core/check.State) and every
# package or upload of the bench project would check again
"$bin" cutoff -w "$tmp" --by "bench" >/dev/null 2>&1 || true
echo "mkproject: check" >&2
"$bin" check -w "$tmp" >/dev/null 2>&1 || true # exit 1 when blockers are found
# one file, no WAL beside it, so a plain cp copies the whole project
sqlite3 "$tmp" 'PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;' >/dev/null 2>&1 || true
mv "$tmp" "$out"
[ -d "$tmp.files" ] && mv "$tmp.files" "$out.files"
touch "$out.complete"
echo "$out"
