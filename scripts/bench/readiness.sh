#!/usr/bin/env bash
# The Readiness screen on a big project, in the real window: opens a checked
# project made from the cached synthetic firm (scripts/bench/mkproject.sh; a
# fresh copy each run), goes to Readiness and its Problems tab, scrolls the
# findings table top to bottom, filters and opens a record, while a probe
# measures how long the UI goroutine keeps the window frozen (ui/bench.go).
#
#   scripts/bench/readiness.sh              # 1M time rows (firm-c100000-s1), 3 runs
#   scripts/bench/readiness.sh 100000       # 100k
#   RUNS=5 STEPS=400 scripts/bench/readiness.sh
#   INGEST=build/bench-data/firm-c10000-s1 scripts/bench/readiness.sh   # first read that
#                                           # firm (100k time rows) on the Sources step
#   CHECK=1 PACKAGE=1 scripts/bench/readiness.sh 100000   # then run the check and
#                                           # write a package from the screens
#
# Prints each run's BENCH lines and the spread (min / median / max) of the
# figures; the full output goes to build/bench/readiness-SIZE.txt. Stall
# figures depend on what else runs on the machine: the load average is printed
# before and after each run.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- "$0" "$@"
fi
size=${1:-1000000}
runs=${RUNS:-3}
export HANDOVER_BENCH_STEPS=${STEPS:-200}
bin=${HANDOVER_BIN:-build/handover-dev} # the tour and the benchmarks are in dev builds only
[ -x "$bin" ] || make build-dev
export LANG=en_US.UTF-8
project=$(HANDOVER_BIN=$bin scripts/bench/mkproject.sh "$size")
out=build/bench/readiness-$size.txt
work=$(mktemp -d "${TMPDIR:-/tmp}/readiness-bench.XXXXXX")
cfg=$(mktemp -d)
trap 'rm -rf "$work" "$cfg"' EXIT
export XDG_CONFIG_HOME=$cfg # no recent projects, no saved window state
mkdir -p build/bench
: >"$out"
for run in $(seq 1 "$runs"); do
  rm -rf "$work"/*
  cp "$project" "$work/p.handover"
  [ -d "$project.files" ] && cp -r "$project.files" "$work/p.handover.files"
  echo "run $run: load before $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out"
  HANDOVER_BENCH=readiness HANDOVER_BENCH_PROJECT=$work/p.handover HANDOVER_BENCH_INGEST=${INGEST:-} HANDOVER_BENCH_CHECK=${CHECK:-} HANDOVER_BENCH_PACKAGE=${PACKAGE:-} timeout 1200 "$bin" >"$work/stdout" 2>"$work/stderr" || true
  sed "s/^/run $run: /" "$work/stdout" >>"$out"
  grep '^BENCH \|^STALLS' "$work/stdout" | sed "s/^/run $run: /"
  echo "run $run: load after $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out"
  grep -q '^BENCH DONE' "$work/stdout" || { echo "readiness bench: run $run did not finish (see $out and below)" >&2; tail -5 "$work/stderr" >&2; }
done
# the spread of every name=value figure over the runs
grep -o '^run [0-9]*: BENCH .*' "$out" | sed 's/^run [0-9]*: BENCH //' | tr ' ' '\n' | grep '=' |
  awk -F= '$2 ~ /^[0-9]+$/ {v[$1] = v[$1] " " $2} END {for (k in v) print k, v[k]}' | sort |
  while read -r name vals; do
    sorted=$(tr ' ' '\n' <<<"$vals" | sort -n | tr '\n' ' ')
    read -ra a <<<"$sorted"
    printf 'spread %-28s min %-8s median %-8s max %-8s (%s)\n' "$name" "${a[0]}" "${a[$(((${#a[@]} - 1) / 2))]}" "${a[${#a[@]}-1]}" "$sorted"
  done | tee -a "$out"
echo "readiness bench: $runs runs at $size; full output in $out"
